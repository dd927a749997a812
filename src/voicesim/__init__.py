"""voicesim: a local, voice-based interview simulator."""

__version__ = "0.1.0"
