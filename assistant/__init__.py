"""cramp-assistant: an offline, hands-free bedside voice assistant for leg and foot cramps."""

__version__ = "0.1.0"
