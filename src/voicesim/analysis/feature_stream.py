"""Stage run early: the frame features of an answer computed while it is recorded (practice).

Practice pushes each recorded block into a :class:`FeatureStream`; every 10-s chunk of frames
(``acoustics.CHUNK_FRAMES``) is computed in a background thread as soon as its samples are in,
so when the answer ends only the last chunk is left. The samples are rounded as the answer's
16-bit FLAC stores them (:func:`pcm16`), so the frames are exactly those ``analyze`` computes
from the stored file.
"""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from voicesim.analysis.acoustics import (
    CHUNK_FRAMES,
    END_PAD,
    HOP_S,
    LEAD_PAD,
    N_FFT,
    Frames,
    assemble,
    chunk_features,
    frame_count,
    frame_features,
)
from voicesim.audio import SAMPLE_RATE


class FeatureStream:
    """The frame features of a recording, computed while it is captured.

    ``push`` takes the blocks as they are recorded; each 10-s chunk is computed in a
    background thread as soon as its samples are in, and ``frames`` computes the rest and
    returns what :func:`frame_features` gives for the whole recording as stored: the
    samples are first rounded as a 16-bit file stores them (``pcm16``), so the frames are
    those of the answer's FLAC read back. Practice hands them to ``analyze_file``, which
    then does not compute them again once the answer has ended. ``so_far`` gives the
    rounded samples and the frames of the chunks done while the recording goes on.
    """

    def __init__(self, sr: int = SAMPLE_RATE) -> None:
        self.sr = sr
        self.hop = round(HOP_S * sr)
        self.samples = 0
        self._pending: list[np.ndarray] = [np.zeros(LEAD_PAD, dtype=np.float32)]
        self._have = LEAD_PAD  # samples in _pending, the leading pad included
        self._next = 0  # first frame not yet sent to a chunk
        self._parts: list[Future[tuple[np.ndarray, ...]]] = []
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="features")
        self._kept: list[np.ndarray] = []  # every rounded block, for so_far
        self._lock = threading.Lock()  # _kept and _parts, read by so_far from another thread

    def push(self, block: np.ndarray) -> None:
        """Add recorded samples (float, mono or frames × channels mixed to mono)."""
        x = np.asarray(block, dtype=np.float32)
        x = pcm16(x.mean(axis=1) if x.ndim == 2 else x)
        with self._lock:
            self._kept.append(x)
        self._pending.append(x)
        self._have += len(x)
        self.samples += len(x)
        # A chunk's last window reaches N_FFT samples past its last frame's start.
        need = (CHUNK_FRAMES - 1) * self.hop + N_FFT
        while self._have >= need:
            self._send(CHUNK_FRAMES, np.concatenate(self._pending))

    def _send(self, frames: int, buf: np.ndarray) -> None:
        """Compute ``frames`` frames from the start of ``buf`` (in the background) and keep
        the samples from the next chunk's first window on."""
        part = self._pool.submit(chunk_features, buf, LEAD_PAD, 0, frames, self.sr)
        with self._lock:
            self._parts.append(part)
        self._next += frames
        rest = buf[frames * self.hop :]
        self._pending, self._have = [rest], len(rest)

    def frames(self, offset: float = 0.0) -> Frames:
        """The frames of everything pushed (waits for the chunks still being computed)."""
        n = frame_count(self.samples, self.sr)
        if n == 0:
            self.close()
            return frame_features(np.zeros(0, dtype=np.float32), self.sr, offset=offset)
        buf = np.concatenate([*self._pending, np.zeros(END_PAD, dtype=np.float32)])
        while self._next < n:
            self._send(min(CHUNK_FRAMES, n - self._next), buf)
            buf = self._pending[0]
        parts = [f.result() for f in self._parts]
        self.close()
        return assemble(parts, self.hop, self.sr, offset)

    def so_far(self) -> tuple[np.ndarray, Frames | None]:
        """The samples pushed so far, rounded as stored, and the frames of the 10-s chunks
        already computed (None before the first): the values ``frames`` will give there.
        Safe to call from another thread than ``push``'s."""
        with self._lock:
            if len(self._kept) > 1:
                self._kept = [np.concatenate(self._kept)]
            samples = self._kept[0] if self._kept else np.zeros(0, dtype=np.float32)
            parts = list(self._parts)
        done = [f.result() for f in itertools.takewhile(lambda f: f.done(), parts)]
        return samples, assemble(done, self.hop, self.sr, 0.0) if done else None

    def close(self) -> None:
        """Stop the background thread (chunks already sent are still computed)."""
        self._pool.shutdown(wait=True)


def pcm16(x: np.ndarray) -> np.ndarray:
    """Samples as a 16-bit FLAC written and read by libsndfile returns them: scaled by
    32768, rounded to the nearest integer, clipped to −32768…32767, read as the integer /
    32768 (checked against soundfile on every 16-bit level and 3 million random samples).
    NaN and infinities are 0, as ``write_flac`` stores them."""
    x = np.asarray(x, dtype=np.float32)
    if not np.all(np.isfinite(x)):
        x = np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)
    q = np.clip(np.rint(x * np.float32(32768)), -32768, 32767)
    return (q / np.float32(32768)).astype(np.float32)
