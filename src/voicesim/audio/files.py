"""Stage: file → samples. Any common audio file as 16 kHz mono float32 blocks.

The decoding is ``voicesim.audio.decode`` (FFmpeg, exactly as faster-whisper decodes a
file); here are the checks of the path, the probe of duration and rate, and the cutting
into blocks. Long recordings are read block by block (`iter_audio_blocks`) so memory stays
bounded.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np
import soundfile as sf
import soxr

from voicesim.audio import SAMPLE_RATE
from voicesim.audio.decode import Reading, decode_chunks, finite_in_range, short_reason
from voicesim.errors import AudioError
from voicesim.results import AudioInfo

MIN_DURATION_S = 0.5
"""Shorter clips cannot hold an answer; they are refused as too short."""


def load_audio(path: str | Path) -> tuple[np.ndarray, AudioInfo]:
    """Read a whole file: 16 kHz mono float32 samples and where they came from.

    Raises AudioError (one line) for a missing file, a directory, an empty file, one with
    no decodable audio, or a clip shorter than 0.5 s. A damaged file gives what can be
    read of it (``Reading``; the analysis warns about it).
    """
    blocks = [block for _, block in iter_audio_blocks(path, block_s=None)]
    samples = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
    info = probe(path)
    return samples, AudioInfo(str(path), len(samples) / SAMPLE_RATE, info.sample_rate)


def probe(path: str | Path) -> AudioInfo:
    """Duration (seconds) and original sample rate (Hz) without decoding the file.

    A WAV whose header says it holds no frames is asked of FFmpeg: a recorder that stops
    without closing its file (a crash, a pulled cable) leaves the data size at 0, and FFmpeg
    (so faster-whisper) reads the audio all the same; libsndfile's 0 frames made voicesim
    refuse the file ("no audio in file")."""
    p = _check_path(path)
    if not _for_libsndfile(p):
        return _probe_av(p)
    try:
        with _quiet_stderr():
            meta = sf.info(str(p))
    except Exception:
        return _probe_av(p)
    if meta.frames <= 0:
        return _probe_av(p)
    return AudioInfo(str(p), meta.frames / meta.samplerate, int(meta.samplerate))


def iter_audio_blocks(
    path: str | Path, block_s: float | None = 30.0, reading: Reading | None = None
) -> Iterator[tuple[float, np.ndarray]]:
    """Yield (offset in seconds, 16 kHz mono float32 block) pairs covering the file.

    Blocks are about `block_s` seconds long and cut at the quietest 50 ms within ±5 s of
    the target, so a word is rarely split. ``block_s=None`` yields the whole file at once.
    Non-finite samples are replaced by zeros. ``reading``, if given, is filled in with what
    the analysis should say of the reading: what could not be decoded, a channel read
    flipped, other audio streams (see :class:`Reading`).
    """
    p = _check_path(path)
    reading = reading if reading is not None else Reading()
    yield from _cut_blocks(decode_chunks(p, reading), block_s)
    if reading.samples == 0 and not reading.cut:
        raise AudioError(f"{p}: no audio in file")
    if reading.samples < MIN_DURATION_S * SAMPLE_RATE:
        where = " before the file is cut off" if reading.cut else ""
        raise AudioError(
            f"{p}: too short ({reading.samples / SAMPLE_RATE:.2f} s{where}; an answer needs at "
            f"least {MIN_DURATION_S} s)"
        )


def to_mono(samples: np.ndarray, sr: int) -> np.ndarray:
    """Mono float32 samples at SAMPLE_RATE from samples at sr Hz (channels averaged, NaN → 0).

    Values beyond full scale are clipped to ±1, as a file's are when it is read: a sample of
    1e30 in memory would otherwise overflow the frame features into Inf.
    """

    x = np.asarray(samples, dtype=np.float32)
    if x.ndim > 1:
        x = x.mean(axis=1 if x.shape[1] <= 8 else 0)
    x = _sanitize(x)
    if sr != SAMPLE_RATE:
        x = soxr.resample(x, sr, SAMPLE_RATE).astype(np.float32)
    return x


def _check_path(path: str | Path) -> Path:
    p = Path(path)
    if not p.exists():
        raise AudioError(f"{p}: no such file")
    if p.is_dir():
        raise AudioError(f"{p}: is a directory, not an audio file")
    if p.stat().st_size == 0:
        raise AudioError(f"{p}: empty file")
    return p


def _cut_blocks(
    chunks: Iterator[np.ndarray], block_s: float | None
) -> Iterator[tuple[float, np.ndarray]]:
    """Re-slice decoded chunks into blocks cut at quiet points.

    Chunks are gathered in a list and joined once a block's worth is there: FFmpeg hands
    over 1024 samples at a time, and joining each to a growing buffer copied the block
    again per chunk (0.8 s for a 156-s answer, 8 % of its analysis).
    """
    if block_s is None:
        parts = list(chunks)
        if parts:
            yield 0.0, np.concatenate(parts)
        return
    target = int(block_s * SAMPLE_RATE)
    slack = min(int(5 * SAMPLE_RATE), target // 4)
    pending: list[np.ndarray] = []
    size = 0
    done = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size < target + slack:
            continue
        buf = np.concatenate(pending)
        while len(buf) >= target + slack:
            cut = _quiet_cut(buf, target - slack, target + slack)
            yield done / SAMPLE_RATE, buf[:cut]
            done += cut
            buf = buf[cut:]
        pending, size = [buf], len(buf)
    if size:
        yield done / SAMPLE_RATE, np.concatenate(pending)


def _quiet_cut(buf: np.ndarray, lo: int, hi: int) -> int:
    """Index of the quietest 50 ms window start in buf[lo:hi], samples."""
    win = SAMPLE_RATE // 20
    seg = buf[lo:hi]
    n = len(seg) // win
    energy = (seg[: n * win].reshape(n, win) ** 2).mean(axis=1)
    return lo + int(np.argmin(energy)) * win + win // 2


def _probe_av(p: Path) -> AudioInfo:

    try:
        with av.open(str(p), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioError(f"{p}: not a readable audio file (no audio stream in it)")
            stream = container.streams.audio[0]
            rate = int(stream.rate or stream.codec_context.sample_rate or 0)
            duration = _stream_seconds(stream) or float(container.duration or 0) / 1e6
    except AudioError:
        raise
    except Exception as exc:
        raise AudioError(f"{p}: not a readable audio file ({short_reason(exc)})") from exc
    return AudioInfo(str(p), duration, rate)


def _stream_seconds(stream: Any) -> float:
    """The audio stream's own length (s), 0 where the container does not give one (Matroska,
    WebM). A video's whole length can be longer than its sound (a phone's MP4: 12.96 s of
    picture around 11.0 s of sound)."""
    try:
        return float(stream.duration * stream.time_base) if stream.duration else 0.0
    except Exception:
        return 0.0


def _for_libsndfile(p: Path) -> bool:
    """True for WAV, FLAC, OGG and AIFF data (by magic bytes): what soundfile reads.

    Anything else (MP3, M4A, unknown bytes) goes to PyAV: libsndfile hands whatever looks
    like MPEG to libmpg123, which prints notes ("Illegal Audio-MPEG-Header…") straight to
    stderr and so breaks the one-line error contract.
    """
    with open(p, "rb") as fh:
        head = fh.read(4)
    return head in (b"RIFF", b"RIFX", b"RF64", b"fLaC", b"OggS", b"FORM")


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Send fd 2 to /dev/null while libsndfile opens a file.

    A file that fails libsndfile's own header checks is next tried as MPEG by libmpg123,
    which prints notes straight to fd 2; opening is quick, so nothing else is hidden.
    """
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _sanitize(x: np.ndarray) -> np.ndarray:
    """float32 with NaN/Inf replaced by 0 and values clipped to ±1."""
    return finite_in_range(np.asarray(x, dtype=np.float32))
