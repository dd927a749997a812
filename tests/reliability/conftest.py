"""Fixtures of the reliability tests: a work folder, valid audio files, a sentinel tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.support.fuzz import FORMATS
from tests.support.reliability import Sentinel
from voicesim.testing.signals import SR


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch folder shared by one module's tests."""
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def valid_files(work: Path) -> dict[str, bytes]:
    """One second of a 220 Hz tone in every supported format, as bytes."""
    t = np.arange(SR) / SR
    wav = work / "valid.wav"
    sf.write(wav, (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), SR)
    out = {"wav": wav.read_bytes()}
    for ext in FORMATS[1:]:
        path = work / f"valid.{ext}"
        subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), str(path)],
            check=True,
            timeout=60,
        )
        out[ext] = path.read_bytes()
    return out


@pytest.fixture(scope="module")
def sentinel(work: Path) -> Sentinel:
    """Files beside the data directory that no test may touch."""
    return Sentinel(work / "outside")
