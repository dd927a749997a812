"""Test-time speech with a known truth, rendered by espeak-ng.

Build an answer from pieces — spoken text, fillers, silences — and get back the audio
(16 kHz mono float32) together with what is known about it because we built it: where
every word and filler is, where the inserted pauses are, and the true words per minute.

    from voicesim.testing.speech import Say, Fill, Gap, compose

    answer = compose(
        [Say("I led the migration"), Fill("um"), Say("of our billing system"),
         Gap(0.8), Fill("you know", kind="discourse"), Say("in three months")],
        voice="en-us", wpm=150,
    )
    answer.audio, answer.fillers, answer.pauses, answer.wpm
    answer.write_wav(tmp_path / "answer.wav")

Each piece is rendered on its own and trimmed of espeak-ng's leading/trailing silence, so
piece boundaries are exact. Word times *inside* a piece are an estimate (the piece's span
shared out by letter count); filler and pause times are exact because fillers are pieces.
Renders are cached per (text, voice, wpm), so building many answers stays fast.
"""

from __future__ import annotations

import functools
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import soundfile as sf
import soxr

from voicesim.analysis.syllables import count_syllables
from voicesim.testing.signals import SR, silence
from voicesim.text import plain

JOIN_S = 0.04
"""Gap put between two pieces that follow each other without a `Gap`, seconds.

Short enough never to count as a silent pause (SPEC §1: ≥ 0.25 s)."""

_TRIM_LEVEL = 0.003  # about -50 dBFS: espeak-ng's silence is digital zero

FillerKind = Literal["filled_pause", "discourse"]


@dataclass(frozen=True)
class Say:
    """Ordinary spoken words (no fillers), rendered as one utterance."""

    text: str


@dataclass(frozen=True)
class Fill:
    """A filler rendered as its own piece: a filled pause ("um") or a discourse filler."""

    text: str
    kind: FillerKind = "filled_pause"


@dataclass(frozen=True)
class Gap:
    """Inserted silence, seconds. Inside the speaking span it is a known pause."""

    seconds: float


Piece = Say | Fill | Gap


@dataclass(frozen=True)
class TrueWord:
    """A word as built: times in seconds (estimated inside a piece), filler flag."""

    text: str
    start: float
    end: float
    filler: bool


@dataclass(frozen=True)
class TrueFiller:
    """A filler as built: exact start/end in seconds, its kind."""

    text: str
    start: float
    end: float
    kind: FillerKind


@dataclass
class Composition:
    """A rendered answer and its ground truth. Times in seconds from the audio start."""

    audio: np.ndarray
    words: list[TrueWord] = field(default_factory=list)
    fillers: list[TrueFiller] = field(default_factory=list)
    pauses: list[tuple[float, float]] = field(default_factory=list)
    sr: int = SR

    @property
    def duration_s(self) -> float:
        return len(self.audio) / self.sr

    @property
    def speaking_span(self) -> tuple[float, float]:
        """First speech onset → last speech offset (fillers included), seconds."""
        if not self.words:
            return (0.0, 0.0)
        return (self.words[0].start, self.words[-1].end)

    @property
    def content_words(self) -> list[str]:
        """The non-filler words, lower case, punctuation stripped."""
        return [w.text for w in self.words if not w.filler]

    @property
    def text(self) -> str:
        """Everything said, fillers included (reference for a verbatim transcript)."""
        return " ".join(w.text for w in self.words)

    @property
    def content_text(self) -> str:
        """Everything said except the fillers (reference for content WER)."""
        return " ".join(self.content_words)

    @property
    def wpm(self) -> float:
        """Non-filler words / speaking span × 60 (SPEC §1), words per minute."""
        start, end = self.speaking_span
        return len(self.content_words) / (end - start) * 60.0 if end > start else 0.0

    @property
    def articulation_rate(self) -> float:
        """Syllables of everything said (fillers included, as voicesim counts them) over the
        speaking span less the inserted pauses (SPEC §1), syllables per second. Syllables
        by voicesim's own counter (``analysis.syllables``, checked against CMUdict there), so
        a rendered answer checks the words heard and the time measured, not the counter."""
        start, end = self.speaking_span
        paused = sum(min(b, end) - max(a, start) for a, b in self.pauses if a < end and b > start)
        phonation = end - start - paused
        syllables = sum(count_syllables(w.text) for w in self.words)
        return syllables / phonation if phonation > 0 else 0.0

    def write_wav(self, path: str | Path) -> Path:
        """Write the audio as 16-bit PCM WAV at `sr` Hz; return the path."""
        path = Path(path)
        sf.write(str(path), self.audio, self.sr, subtype="PCM_16")
        return path


def render(text: str, *, voice: str = "en-us", wpm: int = 150, trim: bool = True) -> np.ndarray:
    """Speak `text` with espeak-ng; 16 kHz mono float32, trimmed of silence by default."""
    audio = _render_cached(text, voice, int(wpm))
    return _trim(audio) if trim else audio.copy()


def compose(
    pieces: Sequence[Piece],
    *,
    voice: str = "en-us",
    wpm: int = 150,
    join_s: float = JOIN_S,
) -> Composition:
    """Render and join pieces; record where each word, filler and pause ends up.

    Adjacent spoken pieces are joined by `join_s` seconds of silence. A `Gap` between two
    spoken pieces becomes a known pause (its exact start/end); a leading or trailing `Gap`
    is just silence outside the speaking span.
    """
    chunks: list[np.ndarray] = []
    comp = Composition(audio=np.zeros(0, dtype=np.float32))
    t = 0.0
    pending_gap = 0.0
    for piece in pieces:
        if isinstance(piece, Gap):
            pending_gap += piece.seconds
            continue
        gap = pending_gap if pending_gap > 0 else (join_s if comp.words else 0.0)
        if comp.words and pending_gap > 0:
            comp.pauses.append((t, t + gap))
        chunks.append(silence(gap))
        t += len(chunks[-1]) / SR
        pending_gap = 0.0
        audio = render(piece.text, voice=voice, wpm=wpm)
        duration = len(audio) / SR
        is_filler = isinstance(piece, Fill)
        comp.words.extend(_spread_words(piece.text, t, t + duration, filler=is_filler))
        if isinstance(piece, Fill):
            comp.fillers.append(TrueFiller(plain(piece.text), t, t + duration, piece.kind))
        chunks.append(audio)
        t += duration
    if pending_gap > 0:
        chunks.append(silence(pending_gap))
    comp.audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    return comp


def _spread_words(text: str, start: float, end: float, *, filler: bool) -> Iterable[TrueWord]:
    """Share a piece's span among its words by letter count (an estimate, seconds)."""
    words = plain(text).split()
    weights = np.array([len(w) + 1 for w in words], dtype=float)
    edges = start + (end - start) * np.concatenate([[0.0], np.cumsum(weights) / weights.sum()])
    for i, w in enumerate(words):
        yield TrueWord(w, float(edges[i]), float(edges[i + 1]), filler)


def _trim(audio: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(audio) > _TRIM_LEVEL)
    if loud.size == 0:
        return np.zeros(0, dtype=np.float32)
    return audio[loud[0] : loud[-1] + 1].copy()


@functools.lru_cache(maxsize=512)
def _render_cached(text: str, voice: str, wpm: int) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "say.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(wpm), "-w", str(out), text],
            check=True,
            capture_output=True,
        )
        audio, sr = sf.read(str(out), dtype="float32", always_2d=False)
    if audio.ndim > 1:
        audio = audio.mean(axis=1)
    if sr != SR:
        audio = soxr.resample(audio, sr, SR).astype(np.float32)
    audio.setflags(write=False)
    return audio
