"""Stage: signal → frame features. Level, voicing, pitch and spectral change per 10 ms frame.

Pure numpy on arrays (librosa-style: arrays in, arrays out, options keyword-only).
Features are computed per block and concatenated, so a 60-minute recording never has to
sit in memory as a whole: 100 frames per second of a few floats each is all that is kept.
Pitch uses a normalised autocorrelation on 40 ms frames: one FFT per frame gives F0 and a
voicing "clarity" together, far cheaper than pYIN at full resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voicesim.audio import SAMPLE_RATE

HOP_S = 0.01
"""Frame hop, seconds."""

FRAME_S = 0.04
"""Analysis window, seconds (two periods of a 50 Hz voice)."""

F0_MIN_HZ = 60.0
F0_MAX_HZ = 400.0
FLOOR_DB = -100.0
"""Level given to digital silence, dBFS."""

CLIP_LEVEL = 0.999
N_BANDS = 24
CHUNK_FRAMES = 1000
"""Frames computed at a time (10 s): bounds the memory of the FFTs whatever the block size."""


@dataclass
class Frames:
    """Per-frame features; frame i is centred at ``offset + i * hop`` seconds.

    rms_db: RMS level, dBFS. f0: fundamental, Hz (NaN if unvoiced). clarity: peak of the
    normalised autocorrelation in the F0 range, 0–1. flux: spectral change to two frames
    earlier (mean absolute log-band difference, dB). peak: max |sample|. clipped: samples at
    full scale.
    """

    rms_db: np.ndarray
    f0: np.ndarray
    clarity: np.ndarray
    flux: np.ndarray
    peak: np.ndarray
    clipped: np.ndarray
    hop: float = HOP_S
    offset: float = 0.0

    def __len__(self) -> int:
        return len(self.rms_db)

    def times(self) -> np.ndarray:
        """Frame centre times, seconds."""
        return self.offset + np.arange(len(self)) * self.hop

    def index(self, t: float) -> int:
        """Frame index nearest to time t (seconds), clamped to the valid range."""
        # Plain Python: called per word and per pause, where np.clip's overhead dominated.
        return min(max(round((t - self.offset) / self.hop), 0), max(len(self) - 1, 0))

    @staticmethod
    def concat(parts: list[Frames]) -> Frames:
        """Join consecutive blocks' frames (the first block's offset is kept)."""
        if not parts:
            return frame_features(np.zeros(0, dtype=np.float32), SAMPLE_RATE)
        fields = ("rms_db", "f0", "clarity", "flux", "peak", "clipped")
        joined = {f: np.concatenate([getattr(p, f) for p in parts]) for f in fields}
        return Frames(**joined, hop=parts[0].hop, offset=parts[0].offset)


def frame_features(samples: np.ndarray, sr: int, *, offset: float = 0.0) -> Frames:
    """Compute `Frames` for mono float samples at sr Hz; offset (s) is the block start."""
    hop = round(HOP_S * sr)
    win = round(FRAME_S * sr)
    n = int(np.ceil(len(samples) / hop)) if len(samples) else 0
    if n == 0:
        empty = np.zeros(0, dtype=np.float32)
        return Frames(empty, empty, empty, empty, empty, empty.astype(np.int32), offset=offset)
    padded = np.pad(samples.astype(np.float32), (win // 2, win + hop))
    frames = np.lib.stride_tricks.sliding_window_view(padded, win)[::hop][:n]
    # In chunks of CHUNK_FRAMES: the FFT work arrays of a whole 5-minute block would take
    # over a gigabyte; per chunk they stay a few tens of megabytes.
    parts = [_chunk_features(frames[i : i + CHUNK_FRAMES], sr) for i in range(0, n, CHUNK_FRAMES)]
    rms_db, f0, clarity, logb, peak, clipped = (np.concatenate(p) for p in zip(*parts, strict=True))
    return Frames(
        rms_db.astype(np.float32),
        f0.astype(np.float32),
        clarity.astype(np.float32),
        _flux(logb).astype(np.float32),
        peak.astype(np.float32),
        clipped.astype(np.int32),
        hop=hop / sr,
        offset=offset,
    )


def _chunk_features(frames: np.ndarray, sr: int) -> tuple[np.ndarray, ...]:
    """rms_db, f0, clarity, log band energies, peak and clipped count of some frames."""
    hop = round(HOP_S * sr)
    win = frames.shape[1]
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    rms_db = np.maximum(20 * np.log10(np.maximum(rms, 1e-10)), FLOOR_DB)
    centre = frames[:, (win - hop) // 2 : (win + hop) // 2]
    peak = np.abs(centre).max(axis=1)
    clipped = (np.abs(centre) >= CLIP_LEVEL).sum(axis=1).astype(np.int32)
    spec, f0, clarity = _spectrum_and_pitch(frames, sr)
    return rms_db, f0, clarity, _log_bands(spec, sr), peak, clipped


def _spectrum_and_pitch(frames: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Power spectrum per frame, F0 (Hz, NaN when unvoiced) and clarity (0–1)."""
    # Lazy: scipy.fft takes ~1.5 s to import. float32 transforms, several times faster than
    # numpy.fft here.
    from scipy import fft

    win = frames.shape[1]
    nfft = 1 << int(np.ceil(np.log2(2 * win)))
    x = frames - frames.mean(axis=1, keepdims=True)
    spec = _power(fft.rfft(x * np.hanning(win).astype(np.float32), n=nfft, axis=1, workers=-1))
    ac = fft.irfft(_power(fft.rfft(x, n=nfft, axis=1, workers=-1)), axis=1, workers=-1)
    # Normalise by the energy of the overlapping parts so long lags are not penalised:
    # the energy from lag k to the end is the total minus the energy before k.
    lo, hi = int(sr / F0_MAX_HZ), int(sr / F0_MIN_HZ)
    sq = x.astype(np.float64) ** 2
    total = sq.sum(axis=1, keepdims=True)
    before = np.cumsum(sq[:, :hi], axis=1)[:, lo - 1 :]  # energy of samples 0..k-1, k=lo..hi
    norm = np.sqrt(total * np.maximum(total - before, 0.0)) + 1e-12
    r = ac[:, lo : hi + 1] / norm
    best = np.argmax(r, axis=1)
    clarity = np.clip(r[np.arange(len(r)), best], 0.0, 1.0)
    lag = (best + lo).astype(np.float64)
    f0 = np.where(clarity > 0.0, sr / np.maximum(lag, 1.0), np.nan)
    return spec, f0, clarity


def _power(spectrum: np.ndarray) -> np.ndarray:
    """|X|² of a complex spectrum (without the square root of np.abs)."""
    return spectrum.real**2 + spectrum.imag**2


def _log_bands(spec: np.ndarray, sr: int) -> np.ndarray:
    """Energies of N_BANDS log-spaced bands (100 Hz – 6 kHz) per frame, dB."""
    nbins = spec.shape[1]
    edges = np.geomspace(100, min(6000, sr / 2 - 1), N_BANDS + 1)
    bins = np.clip((edges / (sr / 2) * (nbins - 1)).astype(int), 0, nbins - 1)
    bands = np.add.reduceat(spec.astype(np.float64), bins[:-1], axis=1)
    return 10 * np.log10(bands + 1e-10)


def _flux(logb: np.ndarray) -> np.ndarray:
    """Mean absolute change of log band energies (dB, per frame) to two frames earlier, dB."""
    flux = np.zeros(len(logb))
    if len(logb) > 2:
        flux[2:] = np.abs(logb[2:] - logb[:-2]).mean(axis=1)
    return flux


@dataclass(frozen=True)
class Levels:
    """Adaptive levels of one recording, dBFS: noise floor, typical speech, speech threshold."""

    noise_db: float
    speech_db: float
    threshold_db: float

    @property
    def snr_db(self) -> float:
        return self.speech_db - self.noise_db


def levels(frames: Frames) -> Levels:
    """Noise floor (3rd percentile), speech level (95th) and the speech threshold, dBFS.

    The threshold sits 12 dB over the floor but never more than 35 dB under the speech
    level, so both digital silence and a hissy room give sensible pauses.
    """
    if len(frames) == 0:
        return Levels(FLOOR_DB, FLOOR_DB, FLOOR_DB)
    noise = float(np.percentile(frames.rms_db, 3))
    speech = float(np.percentile(frames.rms_db, 95))
    threshold = max(noise + 12.0, speech - 35.0)
    if speech - noise < 12.0:  # no contrast: nothing stands out as speech
        threshold = speech + 1.0
    return Levels(noise, speech, threshold)


def silent_runs(
    frames: Frames, threshold_db: float, *, min_s: float = 0.25
) -> list[tuple[float, float]]:
    """Stretches of at least min_s seconds with every frame under threshold_db, seconds."""
    quiet = frames.rms_db < threshold_db
    # A frame is quiet only once its whole 40 ms window is: widen each run by the
    # part of the window that reaches past the hop, so edges land on the signal's.
    widen = (FRAME_S - frames.hop) / 2
    out = []
    for a, b in runs(quiet):
        start = frames.offset + a * frames.hop - (widen if a > 0 else 0.0)
        end = frames.offset + b * frames.hop + (widen if b < len(quiet) else 0.0)
        if end - start >= min_s:
            out.append((start, end))
    return out


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Half-open index ranges [a, b) where mask is True."""
    if len(mask) == 0:
        return []
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))


def voiced_mask(frames: Frames, threshold_db: float, *, min_clarity: float = 0.6) -> np.ndarray:
    """Frames that are loud enough to be speech and clearly periodic."""
    return (frames.rms_db >= threshold_db) & (frames.clarity >= min_clarity)


def semitones(f0: np.ndarray) -> np.ndarray:
    """F0 (Hz) as semitones relative to its median; NaN stays NaN."""
    ref = np.nanmedian(f0) if np.any(np.isfinite(f0)) else 100.0
    return 12.0 * np.log2(f0 / ref)


def syllable_nuclei(frames: Frames, threshold_db: float, *, start: float, end: float) -> int:
    """Count syllable nuclei (level peaks ≥ 2 dB prominent in voiced frames) in [start, end] s."""
    a, b = frames.index(start), frames.index(end) + 1
    level = frames.rms_db[a:b].astype(np.float64)
    voiced = voiced_mask(frames, threshold_db)[a:b]
    if len(level) < 3:
        return 0
    smooth = np.convolve(level, np.ones(5) / 5, mode="same")
    peaks = (smooth[1:-1] > smooth[:-2]) & (smooth[1:-1] >= smooth[2:]) & voiced[1:-1]
    idx = np.flatnonzero(peaks) + 1
    count, last_i = 0, -(10**9)
    for i in idx:
        dip = smooth[max(0, i - 10) : i].min(initial=smooth[i])
        if smooth[i] - dip >= 2.0 and (i - last_i) * frames.hop >= 0.1:
            count += 1
            last_i = int(i)
    return count
