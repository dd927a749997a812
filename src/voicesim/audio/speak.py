"""Stage: speak. Render questions with pyttsx3 (espeak-ng on Linux) and play them.

pyttsx3 2.91 renders to a file (its ``save_to_file``, which runs ffmpeg), so the question
audio can be stored with the session and played on the output device the user chose
with sounddevice. Two quirks of 2.91 are handled here: ``runAndWait()`` returns before
the file is written (we wait for the engine's "finished-utterance" notice), and a
``save_to_file`` queued while the engine is idle runs at once and leaves the next
``runAndWait()`` looping forever (we mark the engine busy first so commands queue up).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyttsx3
import soundfile as sf

from voicesim.audio import SPEECH_RATE_WPM
from voicesim.audio.devices import DeviceLost, resolve_output, sounddevice
from voicesim.errors import DeviceError, UserError

RENDER_TIMEOUT_S = 30.0
"""Longest wait for the engine to render one text, seconds."""

DEFAULT_VOICE = "en-us"


ESPEAK_DATA_DIRS = (
    "/usr/lib/*/espeak-ng-data",
    "/usr/lib/espeak-ng-data",
    "/usr/share/espeak-ng-data",
    "/usr/local/share/espeak-ng-data",
    "/opt/homebrew/share/espeak-ng-data",
)
"""Where espeak-ng keeps its data (Debian and others, Homebrew), variants under ``voices/!v``."""


def espeak_variants() -> set[str] | None:
    """The voice variants ("f3", "m3", "klatt"…) espeak-ng has, or None where its data
    folder is not found (then a variant is not checked). ``--voice en-us+zz`` was accepted,
    and espeak-ng spoke the base voice without a word."""
    import glob

    for pattern in ESPEAK_DATA_DIRS:
        for folder in sorted(glob.glob(pattern)):
            variants = Path(folder) / "voices" / "!v"
            if variants.is_dir():
                return {p.name.lower() for p in variants.iterdir() if p.is_file()}
    return None


@dataclass(frozen=True)
class Voice:
    """A text-to-speech voice: ``id`` to pass as ``voice=``, a readable ``name``."""

    id: str
    name: str
    language: str = ""


class _Engine:
    """The one pyttsx3 engine of the process, used under a lock (it is not thread-safe)."""

    _instance: _Engine | None = None
    _guard = threading.Lock()

    def __init__(self) -> None:

        self.engine: Any = pyttsx3.init("espeak")
        self.lock = threading.Lock()
        self._done = threading.Event()
        self.engine.connect("finished-utterance", self._finished)
        self.sample_rate = 22050

    @classmethod
    def get(cls) -> _Engine:
        with cls._guard:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _finished(self, name: str | None = None, completed: bool = True) -> None:
        self._done.set()

    def voices(self) -> list[Voice]:
        with self.lock:
            raw = self.engine.getProperty("voices")
        out = []
        for v in raw:
            lang = ""
            if v.languages:
                code = v.languages[0]
                lang = (code[1:] if isinstance(code, bytes) else str(code).encode()).decode(
                    "utf-8", "replace"
                )
            out.append(Voice(id=str(v.id), name=str(v.name), language=lang))
        return out

    def voice_id(self, spec: str) -> str:
        """The engine's id for a voice given by id, name or language code ("en-gb").

        An espeak-ng variant suffix is kept: "en-us+f3" is the en-us voice, variant f3.
        """
        base, plus, variant = spec.partition("+")
        wanted = base.strip().lower()
        voices = self.voices()
        for v in voices:
            if wanted in (v.id.lower(), v.name.lower()):
                return v.id + plus + variant.strip()
        for v in voices:
            if wanted == v.language.lower():
                return v.id + plus + variant.strip()
        raise UserError(f"unknown voice {spec!r}; try a language code such as en-us or en-gb")

    def render(self, text: str, voice: str, rate: int) -> tuple[np.ndarray, int]:

        if shutil.which("ffmpeg") is None:
            raise DeviceError("speech rendering needs ffmpeg (pyttsx3 2.91 writes through it)")
        voice = self.voice_id(voice)
        # A folder per text, removed once read: one kept for the process was left in the
        # temp folder by every run (658 of them on a test machine after two days).
        with self.lock, tempfile.TemporaryDirectory(prefix="voicesim-tts-") as tmp:
            out = Path(tmp) / "say.wav"
            self._done.clear()
            self.engine.proxy.setBusy(True)  # queue the commands until runAndWait (see above)
            self.engine.setProperty("voice", voice)
            self.engine.setProperty("rate", int(rate))
            self.engine.save_to_file(text, str(out))
            self.engine.runAndWait()
            if not self._done.wait(RENDER_TIMEOUT_S):
                raise DeviceError("the text-to-speech engine did not finish rendering")
            deadline = time.monotonic() + 5.0
            while not out.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
            audio, sr = sf.read(str(out), dtype="float32", always_2d=False)
        if audio.ndim > 1:
            audio = audio.mean(axis=1)
        return np.asarray(audio, dtype=np.float32), int(sr)


def tone_samples(sample_rate: int, *, hz: float = 880.0, seconds: float = 0.18) -> np.ndarray:
    """A short "your turn" beep with soft edges, peak 0.5 (float32 at ``sample_rate`` Hz)."""
    t = np.arange(round(seconds * sample_rate)) / sample_rate
    ramp = np.minimum(1.0, np.minimum(t, seconds - t) / 0.02)
    return (0.5 * ramp * np.sin(2 * np.pi * hz * t)).astype(np.float32)


class Speaker(ABC):
    """Something that turns text into audio and plays audio."""

    sample_rate: int = 22050

    def __init__(self, *, voice: str = "", rate: int = 170, volume: float = 1.0) -> None:
        if not 0.0 <= volume <= 1.0:
            raise UserError(f"volume must be between 0 and 1, got {volume}")
        low, high = SPEECH_RATE_WPM
        if not low <= rate <= high:
            raise UserError(f"speech rate must be {low}-{high} words per minute, got {rate}")
        self.voice = voice or DEFAULT_VOICE
        self.rate = rate
        self.volume = volume

    def render(self, text: str, *, voice: str | None = None, rate: int | None = None) -> np.ndarray:
        """Speech for ``text`` by pyttsx3: float32 mono, ``sample_rate`` Hz, scaled by volume."""
        audio, sr = _Engine.get().render(text, voice or self.voice, rate or self.rate)
        self.sample_rate = sr
        return (audio * self.volume).astype(np.float32)

    @abstractmethod
    def play(self, samples: np.ndarray, sample_rate: int) -> None:
        """Play mono float32 samples at ``sample_rate`` Hz; blocks until they were played."""

    def say(self, text: str, *, voice: str | None = None, rate: int | None = None) -> np.ndarray:
        """Render and play ``text``; returns what was played (the stored question audio)."""
        audio = self.render(text, voice=voice, rate=rate)
        self.play(audio, self.sample_rate)
        return audio

    def tone(self) -> None:
        """Play the short "your turn" beep."""
        self.play(tone_samples(self.sample_rate) * self.volume, self.sample_rate)

    def voices(self) -> list[Voice]:
        """Voices the engine offers."""
        return _Engine.get().voices()


class TTSSpeaker(Speaker):
    """pyttsx3 speech played on an output device (index, name part, or None = default)."""

    def __init__(
        self,
        *,
        device: str | int | None = None,
        voice: str = "",
        rate: int = 170,
        volume: float = 1.0,
    ) -> None:
        super().__init__(voice=voice, rate=rate, volume=volume)
        self.device = resolve_output(device)
        self.sample_rate = _Engine.get().sample_rate

    def play(self, samples: np.ndarray, sample_rate: int) -> None:
        """Play on the chosen device; blocks until played. DeviceLost if the device died."""
        sd = sounddevice()
        data = np.asarray(samples, dtype=np.float32).reshape(-1)
        if data.size == 0:
            return
        try:
            sd.play(data, sample_rate, device=self.device, blocking=True)
        except sd.PortAudioError as e:
            raise DeviceLost(f"audio output device failed: {e}") from e


class SilentSpeaker(Speaker):
    """Renders with the same engine but plays nothing (a machine with no audio devices).

    With ``realtime=True`` ``play`` still takes as long as the audio would.
    """

    def __init__(
        self, *, voice: str = "", rate: int = 170, volume: float = 1.0, realtime: bool = False
    ) -> None:
        super().__init__(voice=voice, rate=rate, volume=volume)
        self.realtime = realtime
        self.sample_rate = _Engine.get().sample_rate

    def play(self, samples: np.ndarray, sample_rate: int) -> None:
        """Play nothing (wait for the audio's duration when ``realtime``)."""
        if self.realtime:
            time.sleep(len(samples) / sample_rate)
