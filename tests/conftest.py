"""Shared fixtures. Stage-specific fixtures live in their own helper modules under tests/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.audio_rig import pulse  # noqa: F401  (the private PulseAudio server fixture)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
JFK = SHARED / "fixtures" / "jfk.flac"
JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)


@pytest.fixture
def voicesim_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private data/config directory (``VOICESIM_HOME``) for one test."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("VOICESIM_HOME", str(home))
    yield home


@pytest.fixture(scope="session")
def jfk_path() -> Path:
    if not JFK.is_file():
        pytest.fail(f"missing shared fixture {JFK}")
    return JFK
