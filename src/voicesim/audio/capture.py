"""Stage: capture. Microphones that deliver 16 kHz mono float32 blocks.

``DeviceMicrophone`` records a real device with sounddevice (a PortAudio callback puts
blocks into a queue); ``FileMicrophone`` plays prepared audio as if it were a microphone,
so the listener runs unchanged on a device or on a file (speech_recognition's AudioSource
idea). The program never hears itself: the session calls ``stop()`` before it speaks and
``start()`` after the "your turn" tone, and ``start()`` drops anything older.

A two-channel device is recorded in both channels and mixed here, not by the audio server:
the server's mix cancels a pair opposite in sign to silence (``ChannelMix``).
"""

from __future__ import annotations

import atexit
import contextlib
import queue
import sys
import threading
import time
from abc import ABC, abstractmethod
from types import TracebackType
from typing import Any

import numpy as np
import soxr

from voicesim.audio import SAMPLE_RATE
from voicesim.audio.decode import CANCEL_DB
from voicesim.audio.devices import DeviceLost, require_input_device, sounddevice
from voicesim.errors import DeviceError

__all__ = ["ChannelMix", "DeviceLost", "DeviceMicrophone", "FileMicrophone", "Microphone"]


BLOCK = 512
"""Samples per block a microphone delivers (32 ms at 16 kHz, one VAD frame)."""

STALL_S = 3.0
"""A running device that delivers nothing for this long is taken as lost, seconds."""

MUTED_PEAK = 2 / 32768
"""A capture whose every sample lies within two 16-bit steps of zero is exact silence: a
muted microphone, or an input with nothing connected. A live microphone's own noise is
louder in a quiet room (about -90 to -60 dBFS); a very quiet 24-bit input at low gain could
fall under it, so what is said of it is "may be muted", "if you spoke"."""


def is_muted(samples: np.ndarray) -> bool:
    """True when ``samples`` (float, full scale ±1) hold nothing but exact silence."""
    return len(samples) > 0 and float(np.max(np.abs(samples))) <= MUTED_PEAK


class Microphone(ABC):
    """A source of 16 kHz mono float32 blocks."""

    sample_rate: int = SAMPLE_RATE

    @property
    def faster_than_real_time(self) -> bool:
        """True when audio can come faster than it was spoken (a file read at speed).

        A device never does: audio buffered while the program was busy (the model
        loading during the first question) is behind real time, not ahead of it.
        """
        return False

    @abstractmethod
    def start(self) -> None:
        """Begin delivering audio; anything captured before is dropped."""

    @abstractmethod
    def stop(self) -> None:
        """Stop delivering audio (before the program speaks)."""

    @abstractmethod
    def read(self, timeout: float) -> np.ndarray | None:
        """The next block, or None if none arrived within ``timeout`` seconds.

        Raises DeviceLost when the device or the audio server died.
        """

    def warnings(self) -> list[str]:
        """What the recording's analysis should say about how it was captured (none here)."""
        return []

    def close(self) -> None:
        """Release the device."""
        self.stop()

    def __enter__(self) -> Microphone:
        return self

    def __exit__(
        self,
        et: type[BaseException] | None,
        ev: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


FLIPPED = (
    "microphone's two channels cancel out when mixed to mono (one has its polarity "
    "reversed): recorded with the second channel flipped"
)


class ChannelMix:
    """A two-channel microphone's blocks mixed to mono as the file reader mixes a file's
    (``decode.cancels``): the channels' mean, or half their difference while that is more
    than CANCEL_DB louder than their sum.

    A pair opposite in sign (an interface or a cable wired in reverse on one side, or
    two built-in microphones one of which a laptop's codec delivers inverted) mixed as
    they come is silence: the audio server's own mix to one channel, which a one-channel
    stream gets, gave exactly zero for a voice played into the test rig's microphone
    that way. The energies are summed over everything this microphone captured, across
    answers: a mono copy in both channels has no difference, true stereo about as much
    as its sum, and a dead second channel exactly as much, so each keeps the mean. Once
    the sums say the pair cancels (on the first speech: unrelated noise in two channels
    would need a correlation under -0.8 to get there), the flip holds while the program
    runs, since the wiring does not change; a minute of room noise in the channels
    after one short reply would otherwise tip the sums back.
    """

    def __init__(self) -> None:
        self.total = 0.0
        self.difference = 0.0
        self.flipped = False
        """Whether the channels were heard to cancel (their difference is delivered)."""

    def mix(self, block: np.ndarray) -> np.ndarray:
        """One mono float32 block from a (frames, 2) block."""
        both = block[:, 0] + block[:, 1]
        apart = block[:, 0] - block[:, 1]
        if not self.flipped:
            self.total += float(np.dot(both, both))
            self.difference += float(np.dot(apart, apart))
            self.flipped = self.difference > self.total * 10 ** (CANCEL_DB / 10)
        return ((apart if self.flipped else both) * 0.5).astype(np.float32)


class DeviceMicrophone(Microphone):
    """A real input device through sounddevice, resampled to 16 kHz mono if needed.

    ``device`` is a PortAudio index, part of a device name, or None for the default;
    ``rate`` forces the device's sample rate (Hz; default: 16 kHz if the device takes it,
    else its own rate). The stream is opened by ``start()`` and closed by ``stop()``.
    A device with two or more input channels is recorded in two (``ChannelMix``); one
    that will not open that way, in one.
    """

    def __init__(self, device: str | int | None = None, *, rate: int | None = None) -> None:
        self._index = require_input_device(device)
        self._rate = rate
        self._mix = ChannelMix()
        self._channels = 1
        self._queue: queue.Queue[np.ndarray] = queue.Queue()
        self._stream: Any = None
        self._resampler: Any = None
        self._error: str | None = None
        self._last_block = 0.0
        self._lock = threading.Lock()

    def start(self) -> None:
        """Open the input stream (at 16 kHz, or at the device rate and resample)."""
        sd = sounddevice()
        self.stop()
        self._queue = queue.Queue()
        self._error = None
        info = sd.query_devices(self._index)
        rates = [self._rate] if self._rate else [SAMPLE_RATE, int(info["default_samplerate"])]
        layouts = [2, 1] if int(info["max_input_channels"]) >= 2 else [1]
        stream, error = None, None
        for rate, channels in ((r, c) for r in rates for c in layouts):
            try:
                stream = self._open(sd, rate, channels)
                break
            except sd.PortAudioError as e:
                error = e
        if stream is None:
            raise DeviceError(f"cannot open the audio input device: {error}")
        self._last_block = time.monotonic()
        with self._lock:
            self._stream = stream

    def _open(self, sd: Any, rate: int, channels: int) -> Any:
        self._channels = channels
        self._resampler = None
        if rate != SAMPLE_RATE:
            self._resampler = soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="float32")
        stream = sd.InputStream(
            device=self._index,
            samplerate=rate,
            channels=channels,
            dtype="float32",
            blocksize=BLOCK if rate == SAMPLE_RATE else 0,
            callback=self._callback,
            finished_callback=self._finished,
        )
        stream.start()
        return stream

    def _callback(self, indata: np.ndarray, frames: int, when: Any, status: Any) -> None:
        block = self._mix.mix(indata) if self._channels == 2 else indata[:, 0].copy()
        if self._resampler is not None:
            block = self._resampler.resample_chunk(block)
        self._last_block = time.monotonic()
        if block.size:
            self._queue.put(block)

    def warnings(self) -> list[str]:
        """FLIPPED once this microphone's two channels are heard to cancel."""
        return [FLIPPED] if self._channels == 2 and self._mix.flipped else []

    def _finished(self) -> None:
        # Called by PortAudio when the stream ends; after stop() that is expected.
        if self._stream is not None:
            self._error = "the audio input stream ended"

    def stop(self) -> None:
        """Close the input stream; nothing is captured until the next start()."""
        with self._lock:
            stream, self._stream = self._stream, None
        if stream is not None:
            _release(stream)

    def read(self, timeout: float) -> np.ndarray | None:
        """Next block (16 kHz mono float32), None after ``timeout`` s; DeviceLost if dead."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            pass
        stream = self._stream
        if stream is None:
            return None
        silent_for = time.monotonic() - self._last_block
        if self._error or not stream.active or silent_for > STALL_S:
            reason = self._error or f"no audio for {silent_for:.1f} s"
            raise DeviceLost(f"audio input device lost ({reason})")
        return None


CLOSE_WAIT_S = 2.0
"""Longest wait for PortAudio to close a stream, seconds."""

_abandoned: list[Any] = []  # streams whose close hung; kept referenced, never touched again


def _release(stream: Any) -> None:
    """Abort and close a stream, giving up after CLOSE_WAIT_S.

    After the audio server died, PortAudio's abort can block for good (ALSA's pulse
    plugin waits on a connection that is gone). The stream is then abandoned, and
    sounddevice's exit handler (which would close it again) is dropped so the program
    can still exit.
    """

    def close() -> None:
        with contextlib.suppress(Exception):
            stream.abort()
            stream.close()

    closer = threading.Thread(target=close, name="close-input", daemon=True)
    closer.start()
    closer.join(CLOSE_WAIT_S)
    if closer.is_alive():
        _abandoned.append(stream)
        sd = sys.modules.get("sounddevice")
        if sd is not None:
            atexit.unregister(sd._exit_handler)


class FileMicrophone(Microphone):
    """Prepared audio delivered like a microphone: lead silence, the samples, then silence.

    ``speed`` 1.0 delivers in real time, 2.0 twice as fast, 0 as fast as it is read.
    """

    def __init__(self, *, speed: float = 1.0) -> None:
        self.speed = speed
        self._audio = np.zeros(0, dtype=np.float32)
        self._pending: np.ndarray | None = None
        self._pos = 0
        self._t0 = 0.0
        self._running = False

    def queue(self, samples: np.ndarray, sample_rate: int, *, lead_silence: float = 0.5) -> None:
        """Set what the next start() delivers; ``sample_rate`` in Hz, ``lead_silence`` in s."""
        audio = np.asarray(samples, dtype=np.float32)
        if audio.ndim > 1:
            audio = audio.mean(axis=1)
        if sample_rate != SAMPLE_RATE:
            audio = soxr.resample(audio, sample_rate, SAMPLE_RATE).astype(np.float32)
        lead = np.zeros(round(lead_silence * SAMPLE_RATE), dtype=np.float32)
        self._pending = np.concatenate([lead, audio])

    @property
    def faster_than_real_time(self) -> bool:
        return self.speed == 0 or self.speed > 1

    @property
    def delivered_s(self) -> float:
        """Seconds of audio delivered since start()."""
        return self._pos / SAMPLE_RATE

    def start(self) -> None:
        """Begin delivering what was queued (or silence if nothing was)."""
        if self._pending is not None:
            self._audio, self._pending = self._pending, None
        else:
            self._audio = np.zeros(0, dtype=np.float32)
        self._pos = 0
        self._t0 = time.monotonic()
        self._running = True

    def stop(self) -> None:
        """Stop delivering."""
        self._running = False

    def read(self, timeout: float) -> np.ndarray | None:
        """Next BLOCK samples, paced by ``speed``; None if not due within ``timeout`` s."""
        if not self._running:
            time.sleep(timeout)
            return None
        if self.speed > 0:
            due = self._t0 + (self._pos + BLOCK) / SAMPLE_RATE / self.speed
            wait = due - time.monotonic()
            if wait > timeout:
                time.sleep(max(timeout, 0.0))
                return None
            if wait > 0:
                time.sleep(wait)
        block = self._audio[self._pos : self._pos + BLOCK]
        if block.shape[0] < BLOCK:
            block = np.concatenate([block, np.zeros(BLOCK - block.shape[0], dtype=np.float32)])
        self._pos += BLOCK
        return block
