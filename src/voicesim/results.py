"""The results schema (SPEC §3): what each stage produces, below the stages that produce it.

Word and Transcript (transcription), Pause, Filler and Delivery (delivery measures), Criterion
and Score (scoring), AudioInfo and AnalysisResult (one analysed answer), each with to/from_dict.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal


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
    """RMS level over speech in dBFS, its spread in dB, peak in dBFS, clipped-sample fraction."""

    mean_dbfs: float
    sd_db: float
    peak_dbfs: float
    clipping_ratio: float


NO_SPEECH = "no speech detected"
"""The warning of an answer in which no speech was heard."""


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
    def recording_warnings(self) -> list[str]:
        """The warnings about the recording itself (too quiet, noisy, clipped, damaged…),
        without NO_SPEECH, which each view says in its own words."""
        return [w for w in self.warnings if w != NO_SPEECH]

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


Group = Literal["clarity", "conciseness", "content"]


@dataclass(frozen=True)
class Evidence:
    """What earned or cost points: a quote and/or a time span (seconds)."""

    text: str
    start: float | None = None
    end: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass
class Criterion:
    """One rubric criterion: score 0–100, its weight, the evidence and one concrete tip."""

    id: str
    group: Group
    score: float
    weight: float
    evidence: list[Evidence] = field(default_factory=list)
    tip: str = ""
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "group": self.group,
            "score": self.score,
            "weight": self.weight,
            "evidence": [e.to_dict() for e in self.evidence],
            "tip": self.tip,
        }


@dataclass
class Score:
    """The overall score (0–100, weighted mean of criteria) and each criterion."""

    overall: float
    criteria: list[Criterion] = field(default_factory=list)
    groups: dict[str, float] = field(default_factory=dict)
    question_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall,
            "groups": dict(self.groups),
            "question_id": self.question_id,
            "criteria": [c.to_dict() for c in self.criteria],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Score:
        return cls(
            overall=float(d["overall"]),
            groups={str(k): float(v) for k, v in d.get("groups", {}).items()},
            question_id=d.get("question_id"),
            criteria=[
                Criterion(
                    id=str(c["id"]),
                    group=c["group"],
                    score=float(c["score"]),
                    weight=float(c["weight"]),
                    evidence=[
                        Evidence(str(e["text"]), e.get("start"), e.get("end"))
                        for e in c.get("evidence", [])
                    ],
                    tip=str(c.get("tip", "")),
                    label=str(c.get("label", "")),
                )
                for c in d.get("criteria", [])
            ],
        )


@dataclass(frozen=True)
class AudioInfo:
    """Where the audio came from: path (may be empty), duration (s), original sample rate (Hz)."""

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
