"""Insight into the network: who can help with a topic, introductions, the map."""
