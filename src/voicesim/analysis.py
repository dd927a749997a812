"""The analyze pipeline: audio → transcript → delivery → score, and its SPEC §3 JSON.

(Contract part written first; the pipeline itself follows below.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from voicesim.delivery import Delivery
from voicesim.scoring import Score
from voicesim.transcribe import Transcript


@dataclass(frozen=True)
class AudioInfo:
    """Where the audio came from: path (may be empty), duration in seconds, original sample rate in Hz."""

    path: str
    duration_s: float
    sample_rate: int


@dataclass
class AnalysisResult:
    """Everything ``voicesim analyze`` knows about one answer."""

    audio: AudioInfo
    transcript: Transcript
    delivery: Delivery
    score: Score

    @property
    def no_speech(self) -> bool:
        return not self.transcript.words

    def to_dict(self) -> dict[str, Any]:
        return {
            "audio": {
                "path": self.audio.path,
                "duration_s": self.audio.duration_s,
                "sample_rate": self.audio.sample_rate,
            },
            "transcript": self.transcript.to_dict(),
            "delivery": self.delivery.to_dict(),
            "score": self.score.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AnalysisResult:
        a = d["audio"]
        return cls(
            audio=AudioInfo(str(a["path"]), float(a["duration_s"]), int(a["sample_rate"])),
            transcript=Transcript.from_dict(d["transcript"]),
            delivery=Delivery.from_dict(d["delivery"]),
            score=Score.from_dict(d["score"]),
        )
