"""Fixtures the whole suite shares: the Whisper model, the audio server, a private home.

Test folders: unit/ (library functions in-process), audio/ (the private PulseAudio server),
e2e/ (the CLI as a subprocess, the browser, the wheel, the benchmark), reliability/ (faults,
bad input in bulk, offline, long use). Builders only tests use are in support/; what the
scripts share with the tests (speech rendering, signals, the rig, corpora) is
``voicesim.testing``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import REPO
from voicesim.scoring.rubric import Rubric, load_rubric
from voicesim.testing.corpora.jfk import jfk_path as _jfk_path
from voicesim.testing.rig import PulseRig, running_pulse
from voicesim.transcribe import Transcriber

# A fixture that needs a marker: ``-m "not audio"`` must never start the audio server and
# ``-m "not slow"`` must never load Whisper, so a test using one without the mark is refused.
MARK_OF_FIXTURE = {"pulse": "audio", "transcriber": "slow"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse the run where a test uses a fixture of MARK_OF_FIXTURE without its mark."""
    missing = [
        f"{item.nodeid} uses {fixture} but is not marked {mark}"
        for item in items
        for fixture, mark in MARK_OF_FIXTURE.items()
        if fixture in getattr(item, "fixturenames", ()) and item.get_closest_marker(mark) is None
    ]
    if missing:
        raise pytest.UsageError("\n".join(missing))


@pytest.fixture(scope="session")
def transcriber() -> Transcriber:
    """The real tiny.en model, loaded once for the whole run (a load takes seconds)."""
    return Transcriber()


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    """The built-in rubric, loaded once, as a caller of the pure stages does."""
    return load_rubric()


@pytest.fixture(scope="session")
def pulse() -> Iterator[PulseRig]:
    """The private PulseAudio server, with this process pointed at it for the whole run."""
    missing = [t for t in ("pulseaudio", "pactl", "paplay", "parec") if not shutil.which(t)]
    if missing:
        pytest.fail(f"audio tests need {', '.join(missing)} (Debian pulseaudio, pulseaudio-utils)")
    with running_pulse() as rig:
        yield rig


@pytest.fixture
def voicesim_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private data/config directory (``VOICESIM_HOME``) for one test."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("VOICESIM_HOME", str(home))
    yield home


@pytest.fixture(scope="session")
def jfk_path() -> Path:
    """The shared real-speech fixture jfk.flac (its words: voicesim.testing.corpora.jfk)."""
    path = _jfk_path(REPO)
    if not path.is_file():
        pytest.fail(f"missing shared fixture {path}")
    return path
