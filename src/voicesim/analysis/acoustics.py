"""Stage: signal → frame features. Level, voicing, pitch and spectral shape per 10 ms frame.

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

    framed = frames_of(win)  # the 40-ms windows, a view: for the level and for voicing
    rms = librosa.feature.rms(y=piece(win), frame_length=win, hop_length=hop, center=False)[0]
    rms_db = np.maximum(20 * np.log10(np.maximum(_without_dc(rms, framed), 1e-10)), FLOOR_DB)
    centre = frames_of(hop)
    peak = np.abs(centre).max(axis=1)
    clipped = (np.abs(centre) >= CLIP_LEVEL).sum(axis=1).astype(np.int32)
    window = hann(win)
    spec = np.abs(
        librosa.stft(
            piece(N_FFT), n_fft=N_FFT, hop_length=hop, win_length=win, window=window, center=False
        )
    )
    flatness = librosa.feature.spectral_flatness(S=spec, power=1.0)[0]
    # YIN on the 40-ms windows compares 20-ms halves: a period of 1/F0_MIN_HZ (16.7 ms) fits.
    f0 = yin(framed.T, fmin=F0_MIN_HZ, fmax=F0_MAX_HZ, sr=sr)
    clarity = _clarity(framed, sr / f0)
    f0 = np.where(clarity > 0.0, f0, np.nan)
    return rms_db, f0, clarity, _log_bands(spec.T**2, sr), flatness, peak, clipped


def hann(n: int) -> np.ndarray:
    """``scipy.signal.get_window("hann", n)`` (periodic), the same bit for bit, computed here:
    it was the measures' one call into scipy.signal, which librosa_guard now leaves unloaded."""
    return (0.5 + 0.5 * np.cos(np.linspace(-np.pi, np.pi, n + 1)))[:-1]


def _without_dc(rms: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """Each frame's RMS without its mean (√(RMS² − mean²)): the level of the sound, not of
    a microphone's DC offset. An offset of 0.02 (a cheap sound card's) read as a noise floor
    of −34 dBFS: on jfk.flac it moved the pace, pauses and articulation rate, and at 0.05 it
    gave a "noisy" warning and 9 pauses for 4. On the real set (offsets under 0.0002) the
    floor moves by 0.5–3 dB at −74 to −85 dBFS, under every threshold that uses it."""
    mean = frames.mean(axis=1, dtype=np.float64)
    return np.sqrt(np.maximum(rms.astype(np.float64) ** 2 - mean**2, 0.0))


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
    """Noise floor (3rd percentile), speech level (95th) and the speech threshold, dBFS,
    over the frames between any digital silence, or any quieter lead-in or tail, at the
    recording's ends.

    The threshold sits 12 dB over the floor but never more than 35 dB under the speech
    level, so both digital silence and a hissy room give sensible pauses.
    """
    if len(frames) == 0:
        return Levels(FLOOR_DB, FLOOR_DB, FLOOR_DB)
    level = _between_digital_silence(frames.rms_db)
    found = _levels(level)
    if found.snr_db < 12.0:
        # No contrast: nothing stands out as speech, nor as its ends. Between digital
        # silence (one steady sound), the digital silence is the floor.
        return _levels(frames.rms_db) if len(level) < len(frames) else found
    sound = np.flatnonzero(level >= found.threshold_db)
    between = level[sound[0] : sound[-1] + 1]
    if len(between) == len(level):
        return found
    inner = _levels(between)
    pause = round(QUIET_ENDS_PAUSE_S / frames.hop)
    own_pause = any(b - a >= pause for a, b in runs(between < inner.threshold_db))
    if inner.noise_db - found.noise_db >= QUIET_ENDS_DB and inner.snr_db >= 12.0 and own_pause:
        return inner
    return found


def _levels(level: np.ndarray) -> Levels:
    """Floor, speech level and threshold of these frame levels (dBFS), as ``levels`` says."""
    noise = float(np.percentile(level, 3))
    speech = float(np.percentile(level, 95))
    threshold = max(noise + 12.0, speech - 35.0)
    if speech - noise < 12.0:  # no contrast: nothing stands out as speech
        threshold = speech + 1.0
    return Levels(noise, speech, threshold)


QUIET_ENDS_DB = 6.0
"""A start or end under the speech threshold whose frames put the floor this much under
that of the frames between them is no part of the room the answer was said in: a fade-in
or fade-out, or a noise suppressor that let less through before the first word. jfk.flac
with a 0.5-s fade-in and a 2-s fade-out had a floor of −52 dBFS against its hiss's −42,
and 2 of its 4 pauses; with 5 s of −60 dBFS noise before it, none, its hiss read as voice.
The floor is then taken between them, if what lies between has a pause of its own
(QUIET_ENDS_PAUSE_S): a short answer said without one keeps the room's floor."""
QUIET_ENDS_PAUSE_S = 0.5


DIGITAL_SILENCE_DB = -90.0
"""Frames under this (16-bit's last bit) at a recording's start or end are no sound at all:
zeros a recorder wrote before the microphone opened, or an editor's padding."""


def _between_digital_silence(level: np.ndarray) -> np.ndarray:
    """Frame levels without the digital silence at the start and end (all of them if
    there is nothing else). Counted in, 2 s of zeros before jfk.flac made them the noise
    floor: the threshold fell to 35 dB under the speech, under the recording's own hiss
    (−42 dBFS), and its 4 pauses became 0, its pitch spread 2.2 → 7.5 semitones (hiss
    read as voice), its articulation rate 4.2 → 2.6 syl/s. Zeros between words stay: a
    gated or rendered recording's pauses are digital silence, and its floor. ``levels``
    goes back to every frame when what lies between has no quiet part of its own."""
    sound = np.flatnonzero(level > DIGITAL_SILENCE_DB)
    return level[sound[0] : sound[-1] + 1] if sound.size else level


def silent_runs(
    frames: Frames, threshold_db: float, *, min_s: float = 0.25, bridge_s: float | None = None
) -> list[tuple[float, float]]:
    """Stretches of at least min_s seconds with every frame under threshold_db, seconds.

    ``bridge_s``: two stretches of at least min_s each, less than this apart (or meeting or
    overlapping once widened), are one (delivery.CLICK_S); None keeps every stretch as
    found. Shorter stretches are not joined across a sound: in running speech a stop's
    closure, its burst and the quiet after it would make a pause of a word.

    A run over librosa's RMS frames, not ``librosa.effects.split``. Set to the same level
    (``top_db=-threshold_db, ref=1.0``, 40-ms frames, 10-ms hop), split finds the same pauses
    on the rendered 30-s and 2.6-min answers: 6 of 6 and 28 of 28, edges within 15 ms (the
    widening below). But it needs the samples. The threshold is known only once every
    block's frames are in, since it adapts to the whole recording's noise floor and speech
    level, and a 60-minute file's samples are not kept.
    """
    quiet = frames.rms_db < threshold_db
    # A frame is quiet only once its whole 40 ms window is: widen each run by the
    # part of the window that reaches past the hop, so edges land on the signal's.
    widen = (FRAME_S - frames.hop) / 2
    found: list[tuple[float, float]] = []
    for a, b in runs(quiet):
        start = frames.offset + a * frames.hop - (widen if a > 0 else 0.0)
        end = frames.offset + b * frames.hop + (widen if b < len(quiet) else 0.0)
        if bridge_s is not None and found:
            prev = found[-1]
            gap = start - prev[1]
            both = prev[1] - prev[0] >= min_s and end - start >= min_s
            if gap < bridge_s and both:
                found[-1] = (prev[0], end)
                continue
        found.append((start, end))
    return [(a, b) for a, b in found if b - a >= min_s]


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


def spread_semitones(f0: np.ndarray) -> float:
    """The pitch spread of voiced F0 values (Hz): the standard deviation of their semitones,
    with octave jumps and other outliers (under the 5th and over the 95th percentile) left
    out first."""
    st = semitones(np.asarray(f0, dtype=np.float64))
    lo, hi = np.percentile(st, [5, 95])
    return float(np.std(st[(st >= lo) & (st <= hi)]))
