"""The one exception hierarchy of voicesim.

``UserError`` (and its subclasses) mean the user gave us something we cannot use:
the CLI prints its message as one line and exits with 2. Anything else escaping to
the CLI is an internal error (exit 1).
"""

from __future__ import annotations


class VoicesimError(Exception):
    """Base class of every error voicesim raises on purpose."""


class UserError(VoicesimError):
    """Bad input from the user: a missing file, an unreadable pack, a bad id. Exit code 2."""


class AudioError(UserError):
    """An audio file that cannot be read or is unusable (too short, empty, corrupt)."""


class ModelError(UserError):
    """The requested Whisper model cannot be found or loaded."""


class PackError(UserError):
    """A question pack or rubric file that fails validation."""


class SessionError(UserError):
    """An unknown, malformed or damaged stored session."""


class DeviceError(UserError):
    """An audio device that is missing or cannot be opened."""


class StorageError(VoicesimError):
    """The data directory cannot be written (read-only, disk full). Exit code 2."""
