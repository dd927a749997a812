"""The pitch tracker (voicesim.analysis.yin): librosa.yin's values without librosa's kernels.

The reference is librosa.yin itself, on real speech (the real set's meetings and jfk.flac),
rendered speech and signals at the edges of YIN's logic; and, where the answer is known
without any tracker, the pitch of a tone and of a voice-like harmonic sound.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import soundfile as sf

from tests.support.paths import REPO
from voicesim.analysis import acoustics
from voicesim.analysis.librosa_guard import librosa
from voicesim.analysis.yin import yin
from voicesim.audio.files import load_audio
from voicesim.testing.corpora.jfk import shared_fixtures
from voicesim.testing.signals import white_noise
from voicesim.testing.speech import Fill, Say, compose

SR = 16000
HOP, WIN = round(acoustics.HOP_S * SR), round(acoustics.FRAME_S * SR)
FIXTURES = shared_fixtures(REPO)


def _ours(x: np.ndarray) -> np.ndarray:
    frames = librosa().util.frame(x, frame_length=WIN, hop_length=HOP)
    return yin(frames, fmin=acoustics.F0_MIN_HZ, fmax=acoustics.F0_MAX_HZ, sr=SR)


def _librosas(x: np.ndarray) -> np.ndarray:
    return np.asarray(
        librosa().yin(
            x,
            fmin=acoustics.F0_MIN_HZ,
            fmax=acoustics.F0_MAX_HZ,
            sr=SR,
            frame_length=WIN,
            hop_length=HOP,
            center=False,
        )
    )


def _mono(path: str) -> np.ndarray:
    x, sr = sf.read(FIXTURES / path, dtype="float32", always_2d=True)
    assert sr == SR
    return np.ascontiguousarray(x.mean(axis=1))


def _tone(hz: float, seconds: float = 1.0, harmonics: int = 1) -> np.ndarray:
    t = np.arange(round(seconds * SR)) / SR
    x = sum(np.sin(2 * np.pi * hz * k * t) / k for k in range(1, harmonics + 1))
    return (0.3 * np.asarray(x)).astype(np.float32)


SIGNALS: dict[str, Callable[[], np.ndarray]] = {
    "real meeting ES2003a": lambda: _mono("real/ami/ES2003a_0-30.flac"),
    "real meeting EN2002b": lambda: _mono("real/ami/EN2002b_0-30.flac"),
    "jfk.flac": lambda: load_audio(FIXTURES / "jfk.flac")[0],
    "rendered answer": lambda: (
        compose(
            [Say("I led the migration"), Fill("um"), Say("and we shipped it on time")],
            voice="en-gb",
        ).audio
    ),
    "white noise": lambda: white_noise(2.0, level_dbfs=-20),
    "digital silence": lambda: np.zeros(SR, dtype=np.float32),
    "a 120-Hz tone": lambda: _tone(120.0),
    "a 400-Hz tone (the shortest period: a trough at the first lag)": lambda: _tone(400.0),
    "a 60-Hz hum (the longest period: a trough at the last lag)": lambda: _tone(60.0),
    "a square wave in steps of 1/8": lambda: (np.round(4 * np.sign(_tone(100.0))) / 8).astype(
        np.float32
    ),
    "float64 noise": lambda: np.random.default_rng(5).standard_normal(SR),
}


@pytest.mark.parametrize("name", list(SIGNALS))
def test_the_pitch_is_librosas_bit_for_bit(name: str) -> None:
    x = SIGNALS[name]()
    ours, theirs = _ours(x), _librosas(x)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    assert np.array_equal(ours, theirs, equal_nan=True)


@pytest.mark.parametrize(("hz", "harmonics"), [(80.0, 1), (120.0, 1), (210.0, 8), (390.0, 3)])
def test_the_pitch_of_a_periodic_sound_is_its_fundamental(hz: float, harmonics: int) -> None:
    # On a 40-ms window YIN reads a pure low tone up to about 2 % sharp (80 Hz as 80.4-81.3
    # Hz), as librosa's does. An octave or a harmonic taken for the fundamental: 50-100 % off.
    f0 = _ours(_tone(hz, harmonics=harmonics))
    assert np.all(np.abs(f0 - hz) < 0.02 * hz)


def test_the_frame_features_pitch_is_the_tones() -> None:
    # Through frame_features (its 40-ms windows of the high-passed signal, transposed):
    # frame by frame the same as librosa.yin on the signal filtered as frame_features filters
    # it (one chunk), and 150 Hz where the tone sounds.
    x = np.concatenate([np.zeros(SR // 2, np.float32), _tone(150.0, 2.0, harmonics=4)])
    frames = acoustics.frame_features(x, SR)
    voiced = frames.f0[(frames.times() > 0.6) & (frames.times() < 2.4)]
    assert np.all(np.abs(voiced - 150.0) < 1.5)
    n = len(frames)
    padded = np.pad(x, (acoustics.LEAD_PAD, acoustics.END_PAD))  # frame i at sample i * HOP
    heard = acoustics.highpassed(padded[: (n - 1) * HOP + acoustics.N_FFT], SR)
    first = acoustics.N_FFT // 2 - WIN // 2  # the first 40-ms window's first sample
    expected = _librosas(heard[first : first + (n - 1) * HOP + WIN])
    unvoiced = np.isnan(frames.f0)
    assert np.array_equal(frames.f0[~unvoiced], expected[~unvoiced].astype(np.float32))
