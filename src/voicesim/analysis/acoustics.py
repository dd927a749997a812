"""Stage: signal → frame features. Level, voicing, pitch and spectral shape per 10 ms frame,
taken on the signal high-passed at 50 Hz (HIGHPASS_HZ: rumble is no sound).

librosa does the signal work (arrays in, arrays out): framing (``util.frame``), RMS level
(``feature.rms``), the spectrum (``stft``) and spectral flatness
(``feature.spectral_flatness``). F0 is ``librosa.yin``'s, computed by :mod:`.yin` without
librosa's numba kernels, whose loading cost more than half the features' CPU time (see
there). pYIN would give voicing too, but it took 16.5 s for a 30-s clip here (tiny.en
transcribes it in about 4 s), so voicing strength ("clarity") is the normalised
correlation of each frame with itself one YIN period later: one dot product per frame.
Features are computed per block and concatenated, so a 60-minute recording never has to
sit in memory as a whole: 100 frames per second of a few floats each is all that is kept.
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from voicesim.analysis.yin import yin
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
N_FFT = 2048
"""FFT size for the spectrum: the 40 ms window zero-padded (finer bands at low pitch)."""
CHUNK_FRAMES = 1000
"""Frames computed at a time (10 s): bounds the memory of the FFTs whatever the block size."""
LEAD_PAD = N_FFT // 2
END_PAD = LEAD_PAD + N_FFT
"""Zeros before and after the signal (samples): padded once by half the longest window, so
frame i is centred on sample i * hop in every feature and chunks need no edge handling of
their own. ``frame_features`` and ``FeatureStream`` pad alike, so their frames are equal."""
HIGHPASS_HZ = 50.0
"""Every feature but the peak and clipping is taken after a high-pass at this frequency
(−6 dB; ``highpass_kernel``: −66 dB or less under 20 Hz, within 0.2 dB from 70 Hz, so a low
voice's fundamental keeps its level and period), and a frame's level is no louder than its
own samples (``chunk_features``). A microphone's rumble (handling, wind, a draught, a sound
card's wandering offset) is sound no one hears and Whisper ignores, but it is energy: the
real test recording "cold_corpus" of MFA 3.4.3 (one speaker, a noisy room) has 98 % of its
energy under 20 Hz. Under an 8-Hz rumble 10 dB over a rendered answer's speech the levels
took it for the noise floor: no pause was found, the articulation rate was 3.65 syllables a
second for 4.61 and the pitch spread 8.4 semitones for 1.5; high-passed, every figure is the
clean answer's (``test_a_rumble_under_the_voice_moves_no_measure``). A DC offset is the same
thing at 0 Hz."""

_FIELDS = ("rms_db", "f0", "clarity", "flux", "flatness", "peak", "clipped")


@dataclass
class Frames:
    """Per-frame features; frame i is centred at ``offset + i * hop`` seconds.

    rms_db: RMS level, dBFS. f0: fundamental, Hz (NaN if unvoiced). clarity: normalised
    correlation of the frame with itself one period later, 0–1 (voicing strength). flux:
    spectral change to two frames earlier (mean absolute log-band difference, dB).
    flatness: spectral flatness, 0–1 (a steady vowel or nasal is far under noise's 1).
    peak: max |sample|. clipped: samples at full scale.
    """

    rms_db: np.ndarray
    f0: np.ndarray
    clarity: np.ndarray
    flux: np.ndarray
    flatness: np.ndarray
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

    def before(self, t: float) -> Frames:
        """The frames centred before ``t`` seconds."""
        n = max(0, min(len(self), int((t - self.offset) / self.hop)))
        return replace(self, **{f: getattr(self, f)[:n] for f in _FIELDS})

    @staticmethod
    def concat(parts: list[Frames]) -> Frames:
        """Join consecutive blocks' frames (the first block's offset is kept)."""
        if not parts:
            return frame_features(np.zeros(0, dtype=np.float32), SAMPLE_RATE)
        joined = {f: np.concatenate([getattr(p, f) for p in parts]) for f in _FIELDS}
        return Frames(**joined, hop=parts[0].hop, offset=parts[0].offset)


def frame_features(
    samples: np.ndarray, sr: int, *, offset: float = 0.0, threads: int = 1
) -> Frames:
    """Compute `Frames` for mono float samples at sr Hz; offset (s) is the block start.

    ``threads`` > 1 computes the 10-s chunks that many at a time. The FFTs, YIN and the
    correlations release the GIL, so on 2 cores a 5-min answer takes 0.6–0.9 s instead of
    1.1–1.2 s, with the same values. That helps only when nothing else needs the cores:
    after a practice answer, when its words are already known, not beside a Whisper decode.
    """
    if samples.ndim != 1:  # np.pad below would pad a (samples, channels) array on both axes
        raise ValueError(f"frame_features needs mono samples, not shape {samples.shape}")
    hop = round(HOP_S * sr)
    n = frame_count(len(samples), sr)
    if n == 0:
        e = np.zeros(0, dtype=np.float32)
        return Frames(e, e, e, e, e, e, e.astype(np.int32), offset=offset)
    padded = np.pad(samples.astype(np.float32), (LEAD_PAD, END_PAD))
    # In chunks of CHUNK_FRAMES: the FFT work arrays of a whole 2-minute block would take
    # a few hundred megabytes; per chunk they stay a few tens of megabytes.
    starts = range(0, n, CHUNK_FRAMES)

    def chunk(i: int) -> tuple[np.ndarray, ...]:
        return chunk_features(padded, LEAD_PAD, i, min(i + CHUNK_FRAMES, n), sr)

    if threads > 1 and len(starts) > 1:
        with ThreadPoolExecutor(max_workers=min(threads, len(starts))) as pool:
            parts = list(pool.map(chunk, starts))
    else:
        parts = [chunk(i) for i in starts]
    return assemble(parts, hop, sr, offset)


def frame_count(samples: int, sr: int) -> int:
    """How many frames :func:`frame_features` gives for this many samples at sr Hz."""
    return -(-samples // round(HOP_S * sr))


def assemble(parts: list[tuple[np.ndarray, ...]], hop: int, sr: int, offset: float) -> Frames:
    """Frames from consecutive chunks' columns (the flux is taken across chunk edges)."""
    cols = [np.concatenate(p) for p in zip(*parts, strict=True)]
    rms_db, f0, clarity, logb, flatness, peak, clipped = cols
    return Frames(
        rms_db.astype(np.float32),
        f0.astype(np.float32),
        clarity.astype(np.float32),
        _flux(logb).astype(np.float32),
        flatness.astype(np.float32),
        peak.astype(np.float32),
        clipped.astype(np.int32),
        hop=hop / sr,
        offset=offset,
    )


def chunk_features(padded: np.ndarray, pad: int, i: int, j: int, sr: int) -> tuple[np.ndarray, ...]:
    """Features of frames [i, j) of a signal padded by `pad` samples at the start."""
    from voicesim.analysis.librosa_guard import librosa as load_librosa

    librosa = load_librosa()  # heavy (scipy); not the CLI's start-up; see librosa_guard

    hop, win = round(HOP_S * sr), round(FRAME_S * sr)

    def piece(length: int) -> np.ndarray:
        """Samples for frames i..j-1 of `length`-sample windows centred on frame times."""
        a = pad - length // 2 + i * hop
        return padded[a : a + (j - i - 1) * hop + length]

    def frames_of(length: int) -> np.ndarray:
        return librosa.util.frame(piece(length), frame_length=length, hop_length=hop, axis=0)

    # High-passed (HIGHPASS_HZ) over the span of the chunk's widest windows; every
    # 40-ms window's samples then come from samples the chunk has (see highpass_kernel).
    heard = highpassed(piece(N_FFT), sr)

    def filtered(length: int) -> np.ndarray:
        """``piece(length)`` of the high-passed signal."""
        a = N_FFT // 2 - length // 2
        return heard[a : a + (j - i - 1) * hop + length]

    framed = librosa.util.frame(filtered(win), frame_length=win, hop_length=hop, axis=0)
    rms = librosa.feature.rms(y=filtered(win), frame_length=win, hop_length=hop, center=False)[0]
    # No louder than the frame's own samples (without their mean): next to an abrupt edge the
    # filter smears a little of the sound into the silence beside it (a 200-Hz tone cut
    # off at −6 dBFS: −37 dBFS 20 ms after it), which the samples there do not have.
    raw = frames_of(win)
    own = librosa.feature.rms(y=piece(win), frame_length=win, hop_length=hop, center=False)[0]
    rms = np.minimum(rms, _without_dc(own, raw))
    rms_db = np.maximum(20 * np.log10(np.maximum(rms, 1e-10)), FLOOR_DB)
    centre = frames_of(hop)  # the samples as recorded: their peak and clipping
    peak = np.abs(centre).max(axis=1)
    clipped = (np.abs(centre) >= CLIP_LEVEL).sum(axis=1).astype(np.int32)
    window = hann(win)
    spec = np.abs(
        librosa.stft(
            heard, n_fft=N_FFT, hop_length=hop, win_length=win, window=window, center=False
        )
    )
    # Flatness over the band the high-pass lets through: the emptied bins under it would
    # pull the geometric mean down for every sound alike.
    passband = int(np.ceil(HIGHPASS_HZ * N_FFT / sr))
    flatness = librosa.feature.spectral_flatness(S=spec[passband:], power=1.0)[0]
    # YIN on the 40-ms windows compares 20-ms halves: a period of 1/F0_MIN_HZ (16.7 ms) fits.
    f0 = yin(framed.T, fmin=F0_MIN_HZ, fmax=F0_MAX_HZ, sr=sr)
    clarity = _clarity(framed, sr / f0)
    f0 = np.where(clarity > 0.0, f0, np.nan)
    return rms_db, f0, clarity, _log_bands(spec.T**2, sr), flatness, peak, clipped


def hann(n: int) -> np.ndarray:
    """``scipy.signal.get_window("hann", n)`` (periodic), the same bit for bit, computed here:
    it was the measures' one call into scipy.signal, which librosa_guard now leaves unloaded."""
    return (0.5 + 0.5 * np.cos(np.linspace(-np.pi, np.pi, n + 1)))[:-1]


@functools.lru_cache(maxsize=4)
def highpass_kernel(sr: int) -> np.ndarray:
    """The high-pass FIR (HIGHPASS_HZ at −6 dB), zero phase: a unit impulse less a
    Blackman-windowed sinc low-pass of 2M + 1 taps, M = LEAD_PAD − half a 40-ms window (704
    at 16 kHz). That M is what a chunk has on each side of its 40-ms windows, so each
    filtered sample a frame uses comes from samples the chunk holds, in a file and in the
    live stream alike, and the frames of both stay equal."""
    m = LEAD_PAD - round(FRAME_S * sr) // 2
    n = np.arange(-m, m + 1)
    fc = HIGHPASS_HZ / sr
    low = 2 * fc * np.sinc(2 * fc * n) * np.blackman(2 * m + 1)
    kernel = -low / low.sum()
    kernel[m] += 1.0
    return kernel


def _without_dc(rms: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """Each frame's RMS without its mean (√(RMS² − mean²)). An offset of 0.02 (a cheap
    sound card's) read as a noise floor of −34 dBFS; on jfk.flac at 0.05 it gave a "noisy"
    warning and 9 pauses for 4."""
    mean = frames.mean(axis=1, dtype=np.float64)
    return np.sqrt(np.maximum(rms.astype(np.float64) ** 2 - mean**2, 0.0))


def highpassed(x: np.ndarray, sr: int) -> np.ndarray:
    """``x`` through ``highpass_kernel`` (FFT convolution, aligned, float32). The first and
    last M samples lean on zeros beyond ``x``; the frames never use them."""
    kernel = highpass_kernel(sr)
    m = len(kernel) // 2
    size = 1 << (len(x) + len(kernel) - 2).bit_length()
    y = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(kernel, size), size)
    return y[m : m + len(x)].astype(np.float32)


def _clarity(frames: np.ndarray, period: np.ndarray) -> np.ndarray:
    """Normalised correlation (0–1) of each frame with itself shifted by one period
    (samples, per frame), over the overlapping part: near 1 for a steady voiced sound."""
    n = frames.shape[1]
    lag = np.clip(np.round(period).astype(int), 1, n - 1)
    x = frames.astype(np.float64)
    x = x - x.mean(axis=1, keepdims=True)
    pos = np.arange(n)[None, :]
    overlap = pos < (n - lag)[:, None]
    a = np.where(overlap, x, 0.0)
    b = np.where(overlap, np.take_along_axis(x, np.minimum(pos + lag[:, None], n - 1), axis=1), 0.0)
    num = (a * b).sum(axis=1)
    den = np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1)) + 1e-12
    return np.clip(num / den, 0.0, 1.0)


def _log_bands(spec: np.ndarray, sr: int) -> np.ndarray:
    """Energies of N_BANDS log-spaced bands (100 Hz – 6 kHz) of power spectra (frames ×
    bins), dB."""
    nbins = spec.shape[1]
    edges = np.geomspace(100, min(6000, sr / 2 - 1), N_BANDS + 1)
    bins = np.clip((edges / (sr / 2) * (nbins - 1)).astype(int), 0, nbins - 1)
    bands = np.add.reduceat(spec.astype(np.float64), bins[:-1], axis=1)
    return 10 * np.log10(bands + 1e-10)


def _flux(logb: np.ndarray) -> np.ndarray:
    """Mean absolute change of log band energies (dB, per frame) to two frames earlier, dB.

    Not ``librosa.onset.onset_strength``: it keeps only rises (it discards negative
    differences), and a held "uh" must be steady both ways, so a fading or falling sound
    should not pass as stable. The spectrum itself is librosa's (``stft`` above).
    """
    flux = np.zeros(len(logb))
    if len(logb) > 2:
        flux[2:] = np.abs(logb[2:] - logb[:-2]).mean(axis=1)
    return flux


def semitones(f0: np.ndarray) -> np.ndarray:
    """F0 (Hz) as semitones relative to its median; NaN stays NaN."""
    ref = np.nanmedian(f0) if np.any(np.isfinite(f0)) else 100.0
    return 12.0 * np.log2(f0 / ref)


def spread_semitones(f0: np.ndarray) -> float:
    """The pitch spread of voiced F0 values (Hz): the standard deviation of their semitones,
    with octave jumps and other outliers (under the 5th and over the 95th percentile) left
    out first."""
    st = semitones(np.asarray(f0, dtype=np.float64))
    lo, hi = np.percentile(st, [5, 95])
    return float(np.std(st[(st >= lo) & (st <= hi)]))
