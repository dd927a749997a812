"""Stage: words + signal → delivery measures (SPEC §1): pace, pauses, fillers, pitch, level.

(Contract part written first; the measuring functions follow below.)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

FillerKind = Literal["filled_pause", "discourse"]
FillerSource = Literal["transcript", "acoustic"]


@dataclass(frozen=True)
class Pause:
    """A silent pause inside the speaking span, seconds."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Filler:
    """A filled pause ("um") or a discourse filler ("you know"), seconds."""

    text: str
    start: float
    end: float
    kind: FillerKind
    source: FillerSource


@dataclass(frozen=True)
class PitchStats:
    """F0 over voiced frames: median in Hz, spread in semitones (standard deviation)."""

    median_hz: float
    sd_semitones: float
    monotone: bool
    voiced_ratio: float


@dataclass(frozen=True)
class LoudnessStats:
    """RMS level over speech in dBFS, its spread in dB, peak in dBFS, fraction of clipped samples."""

    mean_dbfs: float
    sd_db: float
    peak_dbfs: float
    clipping_ratio: float


@dataclass
class Delivery:
    """All delivery measures of one answer (SPEC §1)."""

    speaking_span_s: float
    words: int
    wpm: float
    articulation_rate: float
    syllables: int
    phonation_time_s: float
    pauses: list[Pause] = field(default_factory=list)
    long_pause_s: float = 2.0
    fillers: list[Filler] = field(default_factory=list)
    fillers_per_100_words: float = 0.0
    fillers_per_minute: float = 0.0
    pitch: PitchStats | None = None
    loudness: LoudnessStats | None = None
    response_latency_s: float | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def long_pauses(self) -> list[Pause]:
        return [p for p in self.pauses if p.duration >= self.long_pause_s]

    def to_dict(self) -> dict[str, Any]:
        return {
            "speaking_span_s": self.speaking_span_s,
            "words": self.words,
            "wpm": self.wpm,
            "articulation_rate": self.articulation_rate,
            "syllables": self.syllables,
            "phonation_time_s": self.phonation_time_s,
            "pauses": [{"start": p.start, "end": p.end} for p in self.pauses],
            "long_pause_s": self.long_pause_s,
            "long_pauses": [{"start": p.start, "end": p.end} for p in self.long_pauses],
            "fillers": [asdict(f) for f in self.fillers],
            "fillers_per_100_words": self.fillers_per_100_words,
            "fillers_per_minute": self.fillers_per_minute,
            "pitch": asdict(self.pitch) if self.pitch else None,
            "loudness": asdict(self.loudness) if self.loudness else None,
            "response_latency_s": self.response_latency_s,
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Delivery:
        return cls(
            speaking_span_s=float(d["speaking_span_s"]),
            words=int(d["words"]),
            wpm=float(d["wpm"]),
            articulation_rate=float(d["articulation_rate"]),
            syllables=int(d.get("syllables", 0)),
            phonation_time_s=float(d.get("phonation_time_s", 0.0)),
            pauses=[Pause(float(p["start"]), float(p["end"])) for p in d.get("pauses", [])],
            long_pause_s=float(d.get("long_pause_s", 2.0)),
            fillers=[
                Filler(
                    text=str(f["text"]),
                    start=float(f["start"]),
                    end=float(f["end"]),
                    kind=f["kind"],
                    source=f["source"],
                )
                for f in d.get("fillers", [])
            ],
            fillers_per_100_words=float(d.get("fillers_per_100_words", 0.0)),
            fillers_per_minute=float(d.get("fillers_per_minute", 0.0)),
            pitch=PitchStats(**d["pitch"]) if d.get("pitch") else None,
            loudness=LoudnessStats(**d["loudness"]) if d.get("loudness") else None,
            response_latency_s=d.get("response_latency_s"),
            warnings=list(d.get("warnings", [])),
        )
