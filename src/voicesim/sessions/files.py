"""Durable file writes for session storage: atomic text, FLAC, and a crash-safe streaming WAV.

A full or read-only disk raises :class:`StorageError` with one line and leaves the previous
file intact. The streaming answer WAV keeps its header current after every block, so a
killed process leaves a readable file holding everything recorded so far.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import numpy as np
import soundfile as sf

from voicesim.errors import StorageError

if TYPE_CHECKING:  # numpy loads lazily: `voicesim history` never needs it
    import numpy as np


def storage_error(what: Path, exc: OSError) -> StorageError:
    reason = exc.strerror or str(exc)
    return StorageError(f"cannot write {what}: {reason}")


def atomic_write_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically (temp file, fsync, rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise storage_error(path, exc) from exc


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_flac(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """Write mono float samples (−1…1) as 16-bit FLAC, atomically; StorageError on failure."""

    data = np.asarray(samples, dtype=np.float32).reshape(-1)
    if not np.all(np.isfinite(data)):  # libsndfile's FLAC encoder fails on NaN (Assertion)
        data = np.nan_to_num(data, nan=0.0, posinf=0.0, neginf=0.0)  # as files are read
    data = np.clip(data, -1.0, 1.0)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.flac")
    try:
        sf.write(tmp, data, int(sample_rate), format="FLAC", subtype="PCM_16")
        os.replace(tmp, path)
    except (OSError, RuntimeError) as exc:  # soundfile raises LibsndfileError(RuntimeError)
        full = _disk_full(path.parent)  # before the unlink below frees what the write took
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise storage_error(path, exc) from exc
        if full:
            raise StorageError(f"cannot write {path}: No space left on device") from exc
        raise StorageError(f"cannot write {path}: {exc}") from exc


class AnswerAudioWriter:
    """Streams an answer to ``aNN.partial.wav`` (32-bit float WAV, header kept current).

    Every ``write`` reaches the OS at once, so after ``kill -9`` the partial file is a valid
    WAV holding all audio written so far. ``close`` converts it to ``aNN.flac``.
    """

    HEADER_BYTES = 44

    def __init__(self, folder: Path, index: int, sample_rate: int) -> None:
        self.name = f"a{index + 1:02d}.flac"
        self.partial = folder / f"a{index + 1:02d}.partial.wav"
        self.folder, self.sample_rate, self.frames = folder, int(sample_rate), 0
        self.closed = False
        try:
            self._fh = open(self.partial, "wb")  # noqa: SIM115 - lives until close()
            self._fh.write(_wav_header(self.sample_rate, 0))
            self._fh.flush()
        except OSError as exc:
            raise storage_error(self.partial, exc) from exc

    def write(self, block: np.ndarray) -> None:
        """Append a block of float32 samples (mono, or frames × channels mixed to mono)."""

        data = np.asarray(block, dtype=np.float32)
        if data.ndim == 2:
            data = data.mean(axis=1)
        try:
            self._fh.seek(0, os.SEEK_END)
            self._fh.write(data.astype("<f4").tobytes())
            self.frames += len(data)
            self._fh.seek(0)
            self._fh.write(_wav_header(self.sample_rate, self.frames))
            self._fh.flush()
        except OSError as exc:
            raise storage_error(self.partial, exc) from exc

    def close(self) -> str:
        """Finish the answer: write ``aNN.flac``, remove the partial; returns the file name."""
        if not self.closed:
            self.closed = True
            try:
                self._fh.close()  # flushes: on a full disk this fails like write() does
            except OSError as exc:
                raise storage_error(self.partial, exc) from exc
            write_flac(self.folder / self.name, read_partial(self.partial), self.sample_rate)
            with contextlib.suppress(OSError):
                self.partial.unlink()
        return self.name

    def __enter__(self) -> AnswerAudioWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None:
            self.close()
        else:  # keep the partial file on disk for recovery; do not mask the error
            self.closed = True
            with contextlib.suppress(OSError):
                self._fh.close()


def _wav_header(sample_rate: int, frames: int) -> bytes:
    data_bytes = frames * 4
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 3, 1, sample_rate, sample_rate * 4, 4, 32)
        + b"data"
        + struct.pack("<I", data_bytes)
    )


def read_partial(path: Path) -> np.ndarray:
    """Samples of a partial answer WAV, trusting the file size over the header (after a kill)."""
    raw = path.read_bytes()[AnswerAudioWriter.HEADER_BYTES :]
    usable = len(raw) - len(raw) % 4

    return np.frombuffer(raw[:usable], dtype="<f4").astype(np.float32)


def partial_sample_rate(path: Path) -> int:
    """The sample rate (Hz) recorded in a partial answer WAV header."""
    with open(path, "rb") as fh:
        head = fh.read(AnswerAudioWriter.HEADER_BYTES)
    return int(struct.unpack("<I", head[24:28])[0])


def _disk_full(folder: Path) -> bool:

    try:
        return shutil.disk_usage(folder).free < 64 * 1024
    except OSError:
        return False
