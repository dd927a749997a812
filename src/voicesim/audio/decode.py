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
into full-scale noise. A damaged file gives what can be read of it (``Reading``).
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
class Reading:
    """What reading a file found that the analysis should say, filled in while the file is
    read: what of it could not be decoded (a recording cut off mid-frame by a recorder that
    crashed or a copy that stopped, or damaged mid-way), and a stereo pair that cancels."""

    samples: int = 0
    """Samples (16 kHz) read so far, silence for damaged stretches included."""
    stretches: int = 0
    """Damaged stretches inside the file, each heard as silence of its length."""
    silence_s: float = 0.0
    """Their total length, seconds."""
    cut: bool = False
    """The file ends in damage: its audio stops where it could no longer be decoded."""
    flipped: bool = False
    """The second of two channels was read with its polarity reversed: the recording's
    channels are opposite in sign (a cable or an interface wired the wrong way round), so
    mixed to mono as recorded they cancel out and the speech is lost (``cancels``)."""
    streams: int = 1
    """Audio streams in the file; the first is read, as faster-whisper reads it (a screen
    recorder's second track, a video's dubbed language)."""
    invalid_s: float = 0.0
    """Seconds of a floating-point recording whose samples are not numbers (NaN or
    infinite; a broken effect or converter wrote them), each read as silence."""

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
        """One line per kind of damage, and one each for other streams and a flipped
        channel, for the analysis's warnings."""
        out = []
        if self.streams > 1:
            out.append(
                f"file has {self.streams} audio streams: analysed the first; to analyse "
                "another, extract it first (ffmpeg -i FILE -map 0:a:1 second.wav)"
            )
        if self.flipped:
            out.append(
                "recording's two channels cancel out when mixed to mono (one has its polarity "
                "reversed): read with the second channel flipped"
            )
        if self.stretches:
            what = "stretch" if self.stretches == 1 else "stretches"
            out.append(
                f"recording has {self.stretches} damaged {what} ({self.silence_s:.2f} s) that "
                "could not be decoded: counted as silence"
            )
        if self.invalid_s:
            out.append(
                f"recording has {max(self.invalid_s, 0.01):.2f} s of samples that are not "
                "numbers (NaN or infinite): counted as silence"
            )
        if self.cut_at_s is not None:
            out.append(
                f"recording is cut off at {self.cut_at_s:.1f} s (the rest of the file is "
                "damaged or missing): analysed up to there"
            )
        return out


def decode_chunks(p: Path, reading: Reading) -> Iterator[np.ndarray]:
    """Decoded 16 kHz mono float32 chunks, as faster-whisper's ``decode_audio`` gives them.

    The same resampler settings (16-bit, mono, 16 kHz) fed frame by frame instead of in
    groups of 500 000 samples: FFmpeg's resampler keeps its state between calls, so the
    samples are the same (equal bit for bit on WAV, FLAC, OGG, MP3 and M4A at 8–48 kHz,
    mono to 5.1, 16-bit to float), and memory stays that of one frame.

    Damaged data is not a reason to refuse the rest (``Reading``). A packet FFmpeg cannot
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
        reading.streams = len(container.streams.audio)
        _check_rate(p, _stream_rate(stream))
        reading.flipped = _channels(stream) == 2 and cancels(p)
        try:
            yield from _resampled(_frames(container, stream, reading), reading)
        except Exception as exc:
            raise AudioError(f"{p}: cannot decode audio ({short_reason(exc)})") from exc
        if reading.samples == 0 and reading.cut:
            raise AudioError(f"{p}: not a readable audio file (none of its audio can be decoded)")


def _frames(container: Any, stream: Any, reading: Reading) -> Iterator[Any]:
    """The stream's decoded frames in order, and where packets could not be decoded, the
    seconds they held (a float) once a frame follows them. Damage at the end marks the
    file cut off."""
    lost_s = 0.0  # undecodable packets since the last decoded frame, seconds
    lost = False
    last = None  # the last decoded frame
    for packet in _packets(container, stream, reading):
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
        reading.cut = True


def _resampled(items: Iterator[Any], reading: Reading) -> Iterator[np.ndarray]:
    """16 kHz mono float32 chunks of decoded frames, silence for the damaged seconds.

    FFmpeg's resampler to 16-bit mono keeps its state from frame to frame; a new one
    starts where the frames' rate, layout or sample format changes (recordings joined end
    to end, as ``cat a.mp3 b.mp3`` joins them), after the old one hands over the rest."""
    resampler: av.AudioResampler | None = None
    source = None
    for item in items:
        if isinstance(item, float):
            yield reading.read(np.zeros(round(item * SAMPLE_RATE), dtype=np.float32), silence=True)
            continue
        shape = (item.format.name, item.layout.name, item.sample_rate)
        if resampler is None or shape != source:
            yield from _rest(resampler, reading)
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            source = shape
        frame = _flip_second(item) if reading.flipped else item
        for out in resampler.resample(_mended(frame, reading)):
            yield reading.read(_from_s16(out))
    yield from _rest(resampler, reading)


def _rest(resampler: Any, reading: Reading) -> Iterator[np.ndarray]:
    """What a resampler still holds (nothing for None)."""
    for out in resampler.resample(None) if resampler is not None else ():
        yield reading.read(_from_s16(out))


def _packets(container: Any, stream: Any, reading: Reading) -> Iterator[Any]:
    """The stream's packets until the end, or until the container itself is damaged
    (then the file counts as cut off where its audio ends)."""
    packets = container.demux(stream)
    while True:
        try:
            packet = next(packets)
        except StopIteration:
            return
        except av.error.InvalidDataError:
            reading.cut = True
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


CANCEL_DB = 10.0
"""Two channels whose difference is this much louder than their sum (dB) are opposite in
sign: the same speech in both, one with its polarity reversed. A mono recording copied to
both channels has no difference at all, and a true stereo recording's difference is about
as loud as its sum (0 dB for channels that share nothing), so 10 dB leaves both alone."""

CANCEL_SCAN_S = 60.0
"""Seconds from the start of a stereo file that ``cancels`` listens to."""


def cancels(p: Path) -> bool:
    """Whether the file's first audio stream, two channels, cancels when mixed to mono:
    over its first CANCEL_SCAN_S seconds (as far as they can be decoded), the channels'
    difference is more than CANCEL_DB louder than their sum. Plain faster-whisper mixes
    such a file down to near silence and hears nothing."""
    total = difference = 0.0
    try:
        with av.open(str(p), metadata_errors="ignore") as container:
            stream = container.streams.audio[0]
            seen = 0
            for frame in container.decode(stream):
                x = finite_in_range(_as_float(frame))
                total += float(np.sum((x[0] + x[1]) ** 2))
                difference += float(np.sum((x[0] - x[1]) ** 2))
                seen += frame.samples
                if seen >= CANCEL_SCAN_S * frame.sample_rate:
                    break
    except Exception:  # damage: judged on what could be decoded before it
        pass
    return difference > total * 10 ** (CANCEL_DB / 10)


def _channels(stream: Any) -> int:
    """A PyAV audio stream's channel count (0 when its decoder does not say)."""
    try:
        return int(stream.codec_context.channels or 0)
    except Exception:
        return 0


def _as_float(frame: Any) -> np.ndarray:
    """A frame's samples as float64, one row per channel, full scale ±1."""
    x = _by_channel(frame, frame.to_ndarray())
    if x.dtype.kind == "u":  # 8-bit unsigned, centred on 128
        return (x.astype(np.float64) - 128.0) / 128.0
    if x.dtype.kind == "i":
        return x.astype(np.float64) / float(-np.iinfo(x.dtype).min)
    return x.astype(np.float64)


def _by_channel(frame: Any, x: np.ndarray) -> np.ndarray:
    """A frame's ``to_ndarray()`` as one row per channel (a view of interleaved samples)."""
    if frame.format.is_planar:
        return x
    return x.reshape(-1, frame.layout.nb_channels).T


def _flip_second(frame: Any) -> Any:
    """A two-channel frame with its second channel's polarity reversed (integer samples
    clipped where the reversed value does not fit); any other frame as it is (a mono
    recording joined after the stereo one)."""
    if frame.layout.nb_channels != 2:
        return frame
    x = frame.to_ndarray().copy()
    second = _by_channel(frame, x)[1]  # a view into x
    if x.dtype.kind == "u":
        top = np.iinfo(x.dtype).max
        second[:] = np.clip(top + 1 - second.astype(np.int64), 0, top)
    elif x.dtype.kind == "i":
        info = np.iinfo(x.dtype)
        second[:] = np.clip(-second.astype(np.int64), info.min, info.max)
    else:
        second[:] = -second
    return _like(frame, x)


def _like(frame: Any, x: np.ndarray) -> Any:
    """A frame of samples ``x`` with ``frame``'s format, layout, rate and time."""
    out = av.AudioFrame.from_ndarray(x, format=frame.format.name, layout=frame.layout.name)
    out.sample_rate, out.pts, out.time_base = frame.sample_rate, frame.pts, frame.time_base
    return out


_FLOAT_FORMATS = frozenset({"flt", "fltp", "dbl", "dblp"})


def _mended(frame: Any, reading: Reading) -> Any:
    """A floating-point frame with NaN/Inf set to 0 (their time counted in ``reading``) and
    values clipped to ±1; any other frame as it is. FFmpeg's conversion to 16-bit would
    make NaN and 1e30 full scale."""
    if frame.format.name not in _FLOAT_FORMATS:
        return frame
    x = frame.to_ndarray()
    bad = ~np.isfinite(x)
    if bad.any():  # a moment counts once, however many of its channels are bad
        # planar: (channels, samples); packed: (1, samples × channels), interleaved
        if frame.format.is_planar:
            moments = bad.any(axis=0)
        else:
            moments = bad.reshape(frame.samples, -1).any(axis=1)
        reading.invalid_s += int(np.count_nonzero(moments)) / frame.sample_rate
    elif np.abs(x).max(initial=0.0) <= 1.0:
        return frame
    return _like(frame, finite_in_range(x))  # in the frame's own float type


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
