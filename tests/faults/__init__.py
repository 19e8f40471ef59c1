"""Fault tests (issue "Data safety"): kill -9, a full disk, two processes, old schemas."""
