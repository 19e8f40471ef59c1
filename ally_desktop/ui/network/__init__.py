"""The network map: allies and their connections, grouped, on a zoomable canvas."""
