"""jfk.flac, the shared real-speech fixture: where it is and what a human heard in it."""

from __future__ import annotations

from pathlib import Path

JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)
"""What is said in jfk.flac (faster-whisper's test fixture), punctuated."""

JFK_SPAN = (0.32, 10.42)
"""Speech onset and offset of jfk.flac, seconds, read off its waveform by hand (10 ms
RMS crosses the noise floor); with 22 words this makes the reference pace 130.7 wpm."""

JFK_WPM = 22 / (JFK_SPAN[1] - JFK_SPAN[0]) * 60
"""Reference pace of jfk.flac, words per minute."""


def shared_fixtures(repo: Path) -> Path:
    """The team's shared fixture folder: ``../shared/fixtures`` beside the checkout ``repo``."""
    return repo.parent / "shared" / "fixtures"


def jfk_path(repo: Path) -> Path:
    """jfk.flac in the shared fixtures of the checkout ``repo``."""
    return shared_fixtures(repo) / "jfk.flac"
