"""The Qt user interface: it calls core/ and store/, never builds SQL itself."""
