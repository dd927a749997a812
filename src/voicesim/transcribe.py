"""Stage: speech → words. Offline Whisper transcription with word timings.

(Contract part written first; the transcriber itself follows below.)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Word:
    """One transcript token. Times in seconds from the start of the answer audio."""

    text: str
    start: float
    end: float
    probability: float
    filler: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Word:
        return cls(
            text=str(d["text"]),
            start=float(d["start"]),
            end=float(d["end"]),
            probability=float(d.get("probability", 1.0)),
            filler=bool(d.get("filler", False)),
        )


@dataclass
class Transcript:
    """The verbatim transcript of one answer."""

    text: str
    words: list[Word] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "words": [w.to_dict() for w in self.words]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Transcript:
        return cls(text=str(d["text"]), words=[Word.from_dict(w) for w in d.get("words", [])])
