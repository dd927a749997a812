"""Synthetic signals whose content is known: silence, a tone, and noises that are not speech.

Every function returns mono float32 at voicesim's sample rate (``SR``), so a test or a
benchmark can put them next to rendered speech (:mod:`voicesim.testing.speech`).
"""

from __future__ import annotations

import numpy as np

from voicesim.audio import SAMPLE_RATE as SR

__all__ = [
    "SR",
    "brown_noise",
    "keyboard_clicks",
    "pink_noise",
    "rumble",
    "silence",
    "tone",
    "white_noise",
]


def silence(seconds: float) -> np.ndarray:
    """Digital silence; ``seconds`` long, float32 at ``SR`` Hz."""
    return np.zeros(round(seconds * SR), dtype=np.float32)


def white_noise(seconds: float, *, level_dbfs: float = -30.0, seed: int = 0) -> np.ndarray:
    """Gaussian white noise at an RMS level; seconds, dBFS, float32 at ``SR`` Hz."""
    rng = np.random.default_rng(seed)
    rms = 10 ** (level_dbfs / 20)
    return (rng.standard_normal(round(seconds * SR)) * rms).astype(np.float32)


def tone(seconds: float, *, hz: float = 440.0, level_dbfs: float = -12.0) -> np.ndarray:
    """A pure sine tone at a peak level; seconds, Hz, dBFS, float32 at ``SR`` Hz."""
    t = np.arange(round(seconds * SR)) / SR
    return (10 ** (level_dbfs / 20) * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def brown_noise(seconds: float, *, level_dbfs: float = -20.0, seed: int = 1) -> np.ndarray:
    """A fan's rumble: integrated white noise (1/f²), DC drift removed; seconds, RMS dBFS."""
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.standard_normal(round(seconds * SR)))
    x -= np.convolve(x, np.ones(1601) / 1601, mode="same")
    return _at_rms(x, level_dbfs)


def rumble(seconds: float, *, level_dbfs: float = -30.0, seed: int = 0) -> np.ndarray:
    """Integrated white noise with its drift kept: nearly all its energy under 20 Hz, as a
    room's rumble or a microphone's handling (the real recordings of
    ``scripts/mfa_set.py`` hold 94-98 % of their energy there); seconds, RMS dBFS."""
    rng = np.random.default_rng(seed)
    return _at_rms(np.cumsum(rng.standard_normal(round(seconds * SR))), level_dbfs)


def _at_rms(x: np.ndarray, level_dbfs: float) -> np.ndarray:
    """x scaled to an RMS level (dBFS), as float32."""
    return (x / np.sqrt(np.mean(x**2)) * 10 ** (level_dbfs / 20)).astype(np.float32)


def pink_noise(seconds: float, *, level_dbfs: float = -20.0, seed: int = 2) -> np.ndarray:
    """1/f noise shaped in the frequency domain; seconds, RMS dBFS."""
    rng = np.random.default_rng(seed)
    n = round(seconds * SR)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spectrum), dtype=float)
    f[0] = 1.0
    return _at_rms(np.fft.irfft(spectrum / np.sqrt(f), n), level_dbfs)


def keyboard_clicks(seconds: float, *, per_second: float = 8.0, seed: int = 3) -> np.ndarray:
    """Typing: decaying noise bursts (about 12 ms) at random times, peaks near -6 dBFS; seconds."""
    rng = np.random.default_rng(seed)
    x = np.zeros(round(seconds * SR), dtype=np.float32)
    k = np.arange(200)
    for t in np.cumsum(rng.exponential(1 / per_second, int(seconds * per_second * 3))):
        i = int(t * SR)
        if i + len(k) >= len(x):
            break
        x[i : i + len(k)] += (0.5 * np.exp(-k / 30) * rng.standard_normal(len(k))).astype(
            np.float32
        )
    return x
