"""What a stored session holds: its answers and their analyses, as kept in ``session.json``.

Plain dataclasses with ``to_dict``/``from_dict`` (format version 1) and the totals a
session summary shows. Reading and writing the files is :mod:`voicesim.sessions.store`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import soundfile as sf

from voicesim.errors import SessionError
from voicesim.results import AnalysisResult
from voicesim.sessions.index import AnswerRow

if TYPE_CHECKING:  # numpy loads lazily: `voicesim history` never needs it
    import numpy as np

FORMAT_VERSION = 1
SESSION_FILE = "session.json"


def utc_now() -> str:
    """The current time as ISO-8601 UTC with a ``Z`` (second precision)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class AnswerRecord:
    """One question asked and its answer, as stored in ``session.json``."""

    index: int
    question: dict[str, Any]
    asked_at: str
    question_audio: str | None
    answer_audio: str | None
    analysis: AnalysisResult | None
    response_latency_s: float | None = None
    ended_by: str = ""
    skipped: bool = False
    interviewer: str | None = None
    feedback: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["analysis"] = self.analysis.to_dict() if self.analysis else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AnswerRecord:
        analysis = d.get("analysis")
        latency = d.get("response_latency_s")
        return cls(
            index=int(d["index"]),
            question=dict(d.get("question") or {}),
            asked_at=str(d.get("asked_at", "")),
            question_audio=d.get("question_audio"),
            answer_audio=d.get("answer_audio"),
            analysis=AnalysisResult.from_dict(analysis) if analysis else None,
            response_latency_s=float(latency) if latency is not None else None,
            ended_by=str(d.get("ended_by", "")),
            skipped=bool(d.get("skipped", False)),
            interviewer=d.get("interviewer"),
            feedback=str(d.get("feedback", "")),
            extra=dict(d.get("extra") or {}),
        )

    def index_row(self) -> AnswerRow:
        """The numbers of this answer the history index keeps."""
        row = AnswerRow(
            idx=self.index,
            question_id=self.question.get("id"),
            category=self.question.get("category"),
            skipped=self.skipped,
            analysed=self.analysis is not None,
            response_latency_s=self.response_latency_s,
        )
        if self.analysis is not None:
            d = self.analysis.delivery
            row.words, row.speaking_s, row.fillers = d.words, d.speaking_span_s, len(d.fillers)
            row.pauses, row.long_pauses = len(d.pauses), len(d.long_pauses)
            row.score = self.analysis.score.overall
        return row


@dataclass
class SessionRecord:
    """A stored session: its metadata and every answer."""

    id: str
    path: Path
    created: str
    mode: str
    pack: str | None
    status: str
    answers: list[AnswerRecord]
    settings: dict[str, Any]
    summary: dict[str, Any]
    version: int = FORMAT_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "id": self.id,
            "created": self.created,
            "mode": self.mode,
            "pack": self.pack,
            "status": self.status,
            "settings": self.settings,
            "summary": self.summary,
            "answers": [a.to_dict() for a in self.answers],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], path: Path) -> SessionRecord:
        return cls(
            id=str(d["id"]),
            path=path,
            created=str(d["created"]),
            mode=str(d.get("mode", "")),
            pack=d.get("pack"),
            status=str(d.get("status", "complete")),
            answers=[AnswerRecord.from_dict(a) for a in d.get("answers", [])],
            settings=dict(d.get("settings") or {}),
            summary=dict(d.get("summary") or {}),
            version=int(d.get("version", FORMAT_VERSION)),
        )

    def index_entry(self) -> tuple[dict[str, Any], list[AnswerRow]]:
        """The session's row and answer rows for the history index."""
        head = {k: getattr(self, k) for k in ("id", "created", "mode", "pack", "status")}
        return head, [a.index_row() for a in self.answers]

    def audio_path(self, name: str) -> Path:
        """The full path of an audio file of this session (``name`` as stored)."""
        return self.path / name

    def read_audio(self, name: str | None) -> tuple[np.ndarray, int] | None:
        """A stored audio file as mono float32 samples and its rate in Hz; None for no file.

        SessionError (one line) when the file is missing or unreadable.
        """
        if not name:
            return None

        try:
            samples, sr = sf.read(self.audio_path(name), dtype="float32", always_2d=False)
        except (OSError, RuntimeError) as exc:
            raise SessionError(f"session {self.id}: cannot read audio {name} ({exc})") from exc
        if samples.ndim == 2:
            samples = samples.mean(axis=1)
        return samples, int(sr)

    def answer(self, number: int) -> AnswerRecord:
        """The answer numbered ``number`` (1-based, as users count); SessionError if absent."""
        for a in self.answers:
            if a.index == number - 1:
                return a
        raise SessionError(f"session {self.id} has no answer {number} (it has {len(self.answers)})")


def summarize(answers: list[AnswerRecord]) -> dict[str, Any]:
    """Session totals: answered count, pace (wpm), fillers per 100 words, mean score 0–100.

    The rates and the mean are kept unrounded: each view rounds once, as the index and the
    debrief do (a mean of 73.47 stored as 73.5 showed 74 in `sessions show` and the report
    beside 73 in `sessions list`, `history` and the debrief)."""
    rows = [a.index_row() for a in answers]
    done = [r for r in rows if r.analysed and not r.skipped]
    words = sum(r.words for r in done)
    span = sum(r.speaking_s for r in done)
    scores = [r.score for r in done if r.score is not None]
    return {
        "answers": len(answers),
        "answered": len(done),
        "skipped": sum(1 for r in rows if r.skipped),
        "speaking_s": round(span, 2),
        "words": words,
        "wpm": words / span * 60.0 if span > 0 else None,
        "fillers": sum(r.fillers for r in done),
        "fillers_per_100_words": sum(r.fillers for r in done) / words * 100.0 if words else None,
        "long_pauses": sum(r.long_pauses for r in done),
        "score": sum(scores) / len(scores) if scores else None,
    }
