"""Data Service Toolkit: the logic behind the book, the workshops and the Beacon Data Service."""

__version__ = "0.1.0"
