"""Stage: file → samples. Decode any common audio file to 16 kHz mono float32.

WAV, FLAC and OGG are read with soundfile (libsndfile); MP3, M4A and anything else
libsndfile refuses go through PyAV (FFmpeg), which faster-whisper already depends on.
Long recordings are read block by block (`iter_audio_blocks`) so memory stays bounded.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np
import soundfile as sf
import soxr

from voicesim.audio import SAMPLE_RATE
from voicesim.errors import AudioError
from voicesim.results import AudioInfo

MIN_DURATION_S = 0.5
"""Shorter clips cannot hold an answer; they are refused as too short."""

MIN_SAMPLE_RATE = 4000
"""Lower rates cannot hold speech; a header claiming one (1 Hz) would also blow a few
kilobytes up into gigabytes of resampled audio, so such files are refused."""

_READ_FRAMES = 1 << 16  # frames per soundfile read while streaming


def load_audio(path: str | Path) -> tuple[np.ndarray, AudioInfo]:
    """Read a whole file: 16 kHz mono float32 samples and where they came from.

    Raises AudioError (one line) for a missing file, a directory, an empty, corrupt
    or truncated file, or a clip shorter than 0.5 s.
    """
    blocks = [block for _, block in iter_audio_blocks(path, block_s=None)]
    samples = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
    info = probe(path)
    return samples, AudioInfo(str(path), len(samples) / SAMPLE_RATE, info.sample_rate)


def probe(path: str | Path) -> AudioInfo:
    """Duration (seconds) and original sample rate (Hz) without decoding the file."""
    p = _check_path(path)
    if not _for_libsndfile(p):
        return _probe_av(p)
    try:
        with _quiet_stderr():
            meta = sf.info(str(p))
        if meta.frames <= 0:
            raise AudioError(f"{p}: no audio in file")
        return AudioInfo(str(p), meta.frames / meta.samplerate, int(meta.samplerate))
    except AudioError:
        raise
    except Exception:
        return _probe_av(p)


def iter_audio_blocks(
    path: str | Path, block_s: float | None = 30.0
) -> Iterator[tuple[float, np.ndarray]]:
    """Yield (offset in seconds, 16 kHz mono float32 block) pairs covering the file.

    Blocks are about `block_s` seconds long and cut at the quietest 50 ms within ±5 s of
    the target, so a word is rarely split. ``block_s=None`` yields the whole file at once.
    Non-finite samples are replaced by zeros.
    """
    p = _check_path(path)
    chunks = _decode_chunks(p)
    total = 0
    for offset, block in _cut_blocks(chunks, block_s):
        total += len(block)
        yield offset, block
    if total < MIN_DURATION_S * SAMPLE_RATE:
        raise AudioError(
            f"{p}: too short ({total / SAMPLE_RATE:.2f} s; an answer needs at least "
            f"{MIN_DURATION_S} s)"
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
    """Re-slice decoded chunks into blocks cut at quiet points."""
    if block_s is None:
        parts = list(chunks)
        if parts:
            yield 0.0, np.concatenate(parts)
        return
    target = int(block_s * SAMPLE_RATE)
    slack = min(int(5 * SAMPLE_RATE), target // 4)
    buf = np.zeros(0, dtype=np.float32)
    done = 0
    for chunk in chunks:
        buf = np.concatenate([buf, chunk])
        while len(buf) >= target + slack:
            cut = _quiet_cut(buf, target - slack, target + slack)
            yield done / SAMPLE_RATE, buf[:cut]
            done += cut
            buf = buf[cut:]
    if len(buf):
        yield done / SAMPLE_RATE, buf


def _quiet_cut(buf: np.ndarray, lo: int, hi: int) -> int:
    """Index of the quietest 50 ms window start in buf[lo:hi], samples."""
    win = SAMPLE_RATE // 20
    seg = buf[lo:hi]
    n = len(seg) // win
    energy = (seg[: n * win].reshape(n, win) ** 2).mean(axis=1)
    return lo + int(np.argmin(energy)) * win + win // 2


def _decode_chunks(p: Path) -> Iterator[np.ndarray]:
    """Decoded 16 kHz mono float32 chunks; soundfile first, PyAV as the fallback."""
    if not _for_libsndfile(p):
        return _decode_av(p)
    try:
        with _quiet_stderr():
            handle = sf.SoundFile(str(p))
    except Exception:
        return _decode_av(p)
    return _decode_sf(p, handle)


def _decode_sf(p: Path, handle: Any) -> Iterator[np.ndarray]:

    with handle:
        sr = _check_rate(p, int(handle.samplerate))
        resample = sr != SAMPLE_RATE
        stream = soxr.ResampleStream(sr, SAMPLE_RATE, 1, dtype="float32") if resample else None
        while True:
            try:
                data = handle.read(_READ_FRAMES, dtype="float32", always_2d=True)
            except Exception as exc:
                raise AudioError(f"{p}: cannot decode audio ({_short(exc)})") from exc
            last = len(data) < _READ_FRAMES
            mono = _sanitize(data.mean(axis=1))
            out = stream.resample_chunk(mono, last=last) if stream else mono
            if len(out):
                yield out.astype(np.float32, copy=False)
            if last:
                return


def _decode_av(p: Path) -> Iterator[np.ndarray]:

    try:
        container = av.open(str(p))
    except Exception as exc:
        raise AudioError(
            f"{p}: not a readable audio file (unknown format or corrupt data)"
        ) from exc
    with container:
        if not container.streams.audio:
            raise AudioError(f"{p}: not a readable audio file (no audio stream in it)")
        _check_rate(p, _stream_rate(container.streams.audio[0]))
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        try:
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    yield _sanitize(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                yield _sanitize(out.to_ndarray().reshape(-1))
        except Exception as exc:
            raise AudioError(f"{p}: cannot decode audio ({_short(exc)})") from exc


def _probe_av(p: Path) -> AudioInfo:

    try:
        with av.open(str(p)) as container:
            if not container.streams.audio:
                raise AudioError(f"{p}: not a readable audio file (no audio stream in it)")
            stream = container.streams.audio[0]
            rate = int(stream.rate or stream.codec_context.sample_rate or 0)
            duration = float(container.duration or 0) / 1e6
    except AudioError:
        raise
    except Exception as exc:
        raise AudioError(f"{p}: not a readable audio file ({_short(exc)})") from exc
    return AudioInfo(str(p), duration, rate)


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


def _stream_rate(stream: Any) -> int:
    """A PyAV stream's sample rate (Hz); without a decoder, decoding itself reports that."""
    try:
        return int(stream.codec_context.sample_rate or SAMPLE_RATE)
    except Exception:
        return SAMPLE_RATE


def _check_rate(p: Path, rate: int) -> int:
    """The file's sample rate (Hz), or AudioError when it is too low to hold speech."""
    if rate < MIN_SAMPLE_RATE:
        raise AudioError(
            f"{p}: sample rate {rate} Hz is too low for speech (at least {MIN_SAMPLE_RATE} Hz)"
        )
    return rate


def _sanitize(x: np.ndarray) -> np.ndarray:
    """float32 with NaN/Inf replaced by 0 and values clipped to ±1."""
    x = np.asarray(x, dtype=np.float32)
    if not np.all(np.isfinite(x)):
        x = np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)
    return np.clip(x, -1.0, 1.0)


def _short(exc: BaseException) -> str:
    text = re.sub(r"\[Errno -?\d+\]\s*", "", " ".join(str(exc).split())) or type(exc).__name__
    return text[:120]
