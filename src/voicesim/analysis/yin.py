"""YIN pitch tracking on numpy: ``librosa.yin`` (``center=False``), the same bit for bit,
without its numba kernels.

``librosa.yin`` runs three numba ufuncs (``util._cabs2`` in the autocorrelation,
``util._localmin`` for the troughs, ``pitch._pi_wrapper`` for the parabolic interpolation).
Loading them, even from numba's cache, starts numba's LLVM compiler: in a fresh process the
frame features of a 30-s answer took 0.98–1.47 CPU-s and 218 MB with ``librosa.yin``, and
0.42–0.59 CPU-s and 156 MB with this module (the same features, hash for hash; forty-seventh
session). The YIN itself is a few tens of milliseconds. On an empty numba cache (a first
run, or a cache that cannot be written) the kernels were compiled: about 7 s. So the measures
use librosa for the framing, level and spectrum, and this for the pitch;
``tests/unit/test_yin.py`` checks it against ``librosa.yin`` on real and rendered speech.

The steps are librosa 0.11's (De Cheveigné and Kawahara 2002): the cumulative mean normalised
difference from an FFT autocorrelation, the first trough under the threshold (else the
global minimum), refined by parabolic interpolation.
"""

from __future__ import annotations

import numpy as np

TROUGH_THRESHOLD = 0.1
"""``librosa.yin``'s ``trough_threshold``: the first trough of the difference function
under this is the period (YIN's absolute threshold)."""


def yin(frames: np.ndarray, *, fmin: float, fmax: float, sr: float) -> np.ndarray:
    """F0 (Hz) of each column of ``frames`` (frame_length × n_frames, as
    ``librosa.util.frame`` gives along the last axis): ``librosa.yin`` of those frames."""
    min_period = int(np.floor(sr / fmax))
    max_period = min(int(np.ceil(sr / fmin)), frames.shape[0] - 1)
    d = _difference(frames, min_period, max_period)
    shifts = _parabolic_shifts(d)
    trough = np.zeros(d.shape, dtype=bool)
    trough[1:-1] = (d[1:-1] < d[:-2]) & (d[1:-1] <= d[2:])  # util.localmin
    trough[-1] = d[-1] < d[-2]
    trough[0] = d[0] < d[1]
    below = trough & (d < TROUGH_THRESHOLD)
    period = np.argmax(below, axis=0)
    none = ~below.any(axis=0)
    period[none] = np.argmin(d, axis=0)[none]
    refined = min_period + period + np.take_along_axis(shifts, period[None, :], axis=0)[0]
    f0: np.ndarray = sr / refined
    return f0


def _difference(frames: np.ndarray, min_period: int, max_period: int) -> np.ndarray:
    """The cumulative mean normalised difference of each frame at lags min..max_period."""
    import scipy.fft  # librosa's FFT library, loaded with it: not at the CLI's start-up

    n = frames.shape[0]
    size = scipy.fft.next_fast_len(2 * n - 1, real=True)
    spectrum = scipy.fft.rfft(frames, n=size, axis=0)
    power = spectrum.real**2 + spectrum.imag**2  # util.abs2 (its _cabs2 kernel)
    acf = scipy.fft.irfft(power, n=size, axis=0)[: max_period + 1]
    d = np.square(frames)
    np.cumsum(d, out=d, axis=0)  # the energy of each frame's first k samples
    k = slice(1, max_period + 1)
    d[0] = 0
    d[k] = 2 * (acf[0:1] - acf[k]) - d[:max_period]
    lags = np.arange(1, max_period + 1).reshape(-1, 1)
    mean = np.cumsum(d[k], axis=0) / lags
    denominator = mean[min_period - 1 : max_period]
    tiny = np.finfo(denominator.dtype).tiny  # util.tiny: no division by zero in silence
    out: np.ndarray = d[min_period : max_period + 1] / (denominator + tiny)
    return out


def _parabolic_shifts(d: np.ndarray) -> np.ndarray:
    """Where a parabola through each point and its two neighbours (along axis 0) has its
    optimum, relative to the point; 0 at the ends and where it would lie past a neighbour.

    As librosa's numba stencil computes it: the sums in the data's type, then float64 (its
    integer constants promote them), the result stored in the data's type."""
    mid = d[1:-1].astype(np.float64)
    a = (d[2:] + d[:-2]).astype(np.float64) - 2 * mid
    b = (d[2:] - d[:-2]).astype(np.float64) / 2
    shifts = np.zeros_like(d)
    with np.errstate(divide="ignore", invalid="ignore"):
        shifts[1:-1] = np.where(np.abs(b) >= np.abs(a), 0.0, -b / a)
    return shifts
