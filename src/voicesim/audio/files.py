"""Stage: file → samples. Decode any common audio file to 16 kHz mono float32.

Every file is decoded by PyAV (FFmpeg, which faster-whisper already depends on) exactly as
faster-whisper's own ``decode_audio`` does it, and as Whisper was trained: FFmpeg's
resampler to 16-bit mono at 16 kHz, then float32. So Whisper hears the same samples in
voicesim as in plain faster-whisper on the same file, whatever its rate, channels or codec
(checked bit for bit by the tests). libsndfile with soxr, as before, gave other samples for
any file not already 16 kHz mono: on the real set converted to MP3, to 48 kHz stereo WAV and
to 8 kHz telephone band, content WER 0.398 / 0.389 / 0.454 against plain's 0.388 / 0.383 /
0.394 in the same run; read as faster-whisper reads them, 0.391 / 0.383 / 0.409 (the rest
of the 8-kHz gap is the fallback prompt's, see ``models``). Only floating-point frames with
non-finite or out-of-range values are mended before the resampler, which would turn them
into full-scale noise. Long recordings are read block by block (`iter_audio_blocks`) so
memory stays bounded.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
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


@dataclass
class Damage:
    """What of a file could not be decoded, filled in while the file is read: a recording
    cut off mid-frame (a recorder that crashed, a copy that stopped), or damaged mid-way."""

    samples: int = 0
    """Samples (16 kHz) read so far, silence for damaged stretches included."""
    stretches: int = 0
    """Damaged stretches inside the file, each heard as silence of its length."""
    silence_s: float = 0.0
    """Their total length, seconds."""
    cut: bool = False
    """The file ends in damage: its audio stops where it could no longer be decoded."""

    def read(self, chunk: np.ndarray, *, silence: bool = False) -> np.ndarray:
        """Count a chunk about to be handed on (a damaged stretch's silence if ``silence``)."""
        self.samples += len(chunk)
        if silence:
            self.stretches += 1
            self.silence_s += len(chunk) / SAMPLE_RATE
        return chunk

    @property
    def cut_at_s(self) -> float | None:
        """Where a file that ends in damage is cut off (s; once read); None if it is not."""
        return self.samples / SAMPLE_RATE if self.cut else None

    def warnings(self) -> list[str]:
        """One line per kind of damage, for the analysis's warnings."""
        out = []
        if self.stretches:
            what = "stretch" if self.stretches == 1 else "stretches"
            out.append(
                f"recording has {self.stretches} damaged {what} ({self.silence_s:.2f} s) that "
                "could not be decoded: counted as silence"
            )
        if self.cut_at_s is not None:
            out.append(
                f"recording is cut off at {self.cut_at_s:.1f} s (the rest of the file is "
                "damaged or missing): analysed up to there"
            )
        return out


def load_audio(path: str | Path) -> tuple[np.ndarray, AudioInfo]:
    """Read a whole file: 16 kHz mono float32 samples and where they came from.

    Raises AudioError (one line) for a missing file, a directory, an empty file, one with
    no decodable audio, or a clip shorter than 0.5 s. A damaged file gives what can be
    read of it (``Damage``; the analysis warns about it).
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
        if meta.frames <= 0:
            return _probe_av(p)
        return AudioInfo(str(p), meta.frames / meta.samplerate, int(meta.samplerate))
    except AudioError:
        raise
    except Exception:
        return _probe_av(p)


def iter_audio_blocks(
    path: str | Path, block_s: float | None = 30.0, damage: Damage | None = None
) -> Iterator[tuple[float, np.ndarray]]:
    """Yield (offset in seconds, 16 kHz mono float32 block) pairs covering the file.

    Blocks are about `block_s` seconds long and cut at the quietest 50 ms within ±5 s of
    the target, so a word is rarely split. ``block_s=None`` yields the whole file at once.
    Non-finite samples are replaced by zeros. ``damage``, if given, is filled in with what
    of the file could not be decoded (see :class:`Damage`).
    """
    p = _check_path(path)
    damage = damage if damage is not None else Damage()
    chunks = _decode_chunks(p, damage)
    total = 0
    for offset, block in _cut_blocks(chunks, block_s):
        total += len(block)
        yield offset, block
    if total == 0 and not damage.cut:
        raise AudioError(f"{p}: no audio in file")
    if total < MIN_DURATION_S * SAMPLE_RATE:
        where = " before the file is cut off" if damage.cut_at_s is not None else ""
        raise AudioError(
            f"{p}: too short ({total / SAMPLE_RATE:.2f} s{where}; an answer needs at least "
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


def _decode_chunks(p: Path, damage: Damage) -> Iterator[np.ndarray]:
    """Decoded 16 kHz mono float32 chunks, as faster-whisper's ``decode_audio`` gives them.

    The same resampler settings (16-bit, mono, 16 kHz) fed frame by frame instead of in
    groups of 500 000 samples: FFmpeg's resampler keeps its state between calls, so the
    samples are the same (equal bit for bit on WAV, FLAC, OGG, MP3 and M4A at 8–48 kHz,
    mono to 5.1, 16-bit to float), and memory stays that of one frame.

    Damaged data is not a reason to refuse the rest (``Damage``). A packet FFmpeg cannot
    decode counts as silence of its length once audio follows it, so later times stay
    true; damage at the end (a recording cut off mid-frame) ends the audio there.
    faster-whisper stops at the first such packet, so a cut-off file gives the same samples
    in both, and a file damaged mid-way gives faster-whisper only the audio before it.
    Metadata that is not UTF-8 (a Latin-1 title a Windows recorder wrote) is ignored, as
    faster-whisper ignores it.
    """
    try:
        container = av.open(str(p), metadata_errors="ignore")
    except Exception as exc:
        raise AudioError(
            f"{p}: not a readable audio file (unknown format or corrupt data)"
        ) from exc
    with container:
        if not container.streams.audio:
            raise AudioError(f"{p}: not a readable audio file (no audio stream in it)")
        stream = container.streams.audio[0]
        _check_rate(p, _stream_rate(stream))
        try:
            yield from _resampled(_frames(container, stream, damage), damage)
        except Exception as exc:
            raise AudioError(f"{p}: cannot decode audio ({_short(exc)})") from exc
        if damage.samples == 0 and damage.cut:
            raise AudioError(f"{p}: not a readable audio file (none of its audio can be decoded)")


def _frames(container: Any, stream: Any, damage: Damage) -> Iterator[Any]:
    """The stream's decoded frames in order, and where packets could not be decoded, the
    seconds they held (a float) once a frame follows them. Damage at the end marks the
    file cut off."""
    lost_s = 0.0  # undecodable packets since the last decoded frame, seconds
    lost = False
    last = None  # the last decoded frame
    for packet in _packets(container, stream, damage):
        try:
            frames = packet.decode()
        except av.error.InvalidDataError:
            lost, lost_s = True, lost_s + _seconds(packet)
            continue
        for frame in frames:
            if lost:
                # The frames' own times say how much is missing (a decoder may also drop
                # a frame after a damaged one); else the packets' lengths.
                gap_s = _between(last, frame)
                yield lost_s if gap_s is None else gap_s
                lost, lost_s = False, 0.0
            last = frame
            yield frame
    if lost:
        damage.cut = True


def _resampled(items: Iterator[Any], damage: Damage) -> Iterator[np.ndarray]:
    """16 kHz mono float32 chunks of decoded frames, silence for the damaged seconds.

    FFmpeg's resampler to 16-bit mono keeps its state from frame to frame; a new one
    starts where the frames' rate, layout or sample format changes (recordings joined end
    to end, as ``cat a.mp3 b.mp3`` joins them), after the old one hands over the rest."""
    resampler: av.AudioResampler | None = None
    source = None
    for item in items:
        if isinstance(item, float):
            yield damage.read(np.zeros(round(item * SAMPLE_RATE), dtype=np.float32), silence=True)
            continue
        shape = (item.format.name, item.layout.name, item.sample_rate)
        if resampler is None or shape != source:
            yield from _rest(resampler, damage)
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            source = shape
        for out in resampler.resample(_mended(item)):
            yield damage.read(_from_s16(out))
    yield from _rest(resampler, damage)


def _rest(resampler: Any, damage: Damage) -> Iterator[np.ndarray]:
    """What a resampler still holds (nothing for None)."""
    for out in resampler.resample(None) if resampler is not None else ():
        yield damage.read(_from_s16(out))


def _packets(container: Any, stream: Any, damage: Damage) -> Iterator[Any]:
    """The stream's packets until the end, or until the container itself is damaged
    (then the file counts as cut off where its audio ends)."""
    packets = container.demux(stream)
    while True:
        try:
            packet = next(packets)
        except StopIteration:
            return
        except av.error.InvalidDataError:
            damage.cut = True
            return
        yield packet


def _between(before: Any, after: Any) -> float | None:
    """Seconds from the end of one decoded frame to the start of a later one, by their
    own times (≥ 0); None when either is missing or carries no time."""
    try:
        end = float(before.pts * before.time_base) + before.samples / before.sample_rate
        return max(float(after.pts * after.time_base) - end, 0.0)
    except Exception:  # no frame before the damage, or no pts / time base
        return None


def _seconds(packet: Any) -> float:
    """A packet's duration (s), 0 when the container does not say."""
    try:
        return float(packet.duration * packet.time_base) if packet.duration else 0.0
    except Exception:
        return 0.0


_FLOAT_FORMATS = frozenset({"flt", "fltp", "dbl", "dblp"})


def _mended(frame: Any) -> Any:
    """A floating-point frame with NaN/Inf set to 0 and values clipped to ±1 (any other
    frame as it is): FFmpeg's conversion to 16-bit would make NaN and 1e30 full scale."""
    if frame.format.name not in _FLOAT_FORMATS:
        return frame
    x = frame.to_ndarray()
    if np.isfinite(x).all() and np.abs(x).max(initial=0.0) <= 1.0:
        return frame
    x = _finite_in_range(x)  # in the frame's own float type
    mended = av.AudioFrame.from_ndarray(x, format=frame.format.name, layout=frame.layout.name)
    mended.sample_rate, mended.pts, mended.time_base = (
        frame.sample_rate,
        frame.pts,
        frame.time_base,
    )
    return mended


def _from_s16(frame: Any) -> np.ndarray:
    """A 16-bit mono frame as float32 samples (÷ 32768, as faster-whisper converts them)."""
    return frame.to_ndarray().reshape(-1).astype(np.float32) / np.float32(32768.0)


def _probe_av(p: Path) -> AudioInfo:

    try:
        with av.open(str(p), metadata_errors="ignore") as container:
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
    return _finite_in_range(np.asarray(x, dtype=np.float32))


def _finite_in_range(x: np.ndarray) -> np.ndarray:
    """x (its float type kept) with NaN/Inf replaced by 0 and values clipped to ±1."""
    if not np.all(np.isfinite(x)):
        x = np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)
    return np.clip(x, -1.0, 1.0)


def _short(exc: BaseException) -> str:
    text = re.sub(r"\[Errno -?\d+\]\s*", "", " ".join(str(exc).split())) or type(exc).__name__
    return text[:120]
