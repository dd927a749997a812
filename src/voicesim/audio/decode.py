"""Stage: file → samples, the decoding itself: any file FFmpeg reads, to 16 kHz mono float32
exactly as faster-whisper's own ``decode_audio`` decodes it, and as Whisper was trained:
FFmpeg's resampler to 16-bit mono at 16 kHz, then float32. So Whisper hears the same samples
in voicesim as in plain faster-whisper on the same file, whatever its rate, channels or codec
(checked bit for bit by the tests). libsndfile with soxr, as before, gave other samples for
any file not already 16 kHz mono: on the real set converted to MP3, to 48 kHz stereo WAV and
to 8 kHz telephone band, content WER 0.398 / 0.389 / 0.454 against plain's 0.388 / 0.383 /
0.394 in the same run; read as faster-whisper reads them, 0.391 / 0.383 / 0.409 (the rest
of the 8-kHz gap is the fallback prompt's, see ``models``). Only floating-point frames with
non-finite or out-of-range values are mended before the resampler, which would turn them
into full-scale noise. A damaged file gives what can be read of it (``Damage``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np

from voicesim.audio import SAMPLE_RATE
from voicesim.errors import AudioError

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


def decode_chunks(p: Path, damage: Damage) -> Iterator[np.ndarray]:
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
            raise AudioError(f"{p}: cannot decode audio ({short_reason(exc)})") from exc
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
    x = finite_in_range(x)  # in the frame's own float type
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


def finite_in_range(x: np.ndarray) -> np.ndarray:
    """x (its float type kept) with NaN/Inf replaced by 0 and values clipped to ±1."""
    if not np.all(np.isfinite(x)):
        x = np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)
    return np.clip(x, -1.0, 1.0)


def short_reason(exc: BaseException) -> str:
    """An exception's message on one line, without its errno, at most 120 characters."""
    text = re.sub(r"\[Errno -?\d+\]\s*", "", " ".join(str(exc).split())) or type(exc).__name__
    return text[:120]
