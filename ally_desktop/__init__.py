"""Ally: a private, offline desktop relationship manager for building and keeping work allies."""

__version__ = "0.1.0"
APP_NAME = "Ally"
