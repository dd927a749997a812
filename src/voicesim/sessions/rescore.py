"""Re-score stored answers with the current (or a given) rubric, without re-recording.

Transcripts and delivery measures are kept as stored; only ``analysis.score`` changes,
and the session's ``session.json`` is rewritten atomically with the new scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voicesim.packs import PackSet, Question
from voicesim.scoring.rubric import Rubric, load_rubric
from voicesim.scoring.score import score_answer
from voicesim.sessions.store import SessionRecord, SessionStore, summarize


@dataclass(frozen=True)
class Rescored:
    """One answer's overall score (0–100) before and after re-scoring."""

    session_id: str
    answer: int  # 1-based
    before: float
    after: float


def _question_for(stored: dict[str, Any], packset: PackSet | None) -> Question | None:
    """The pack question (for the content criteria) if it still exists, else None."""
    qid = stored.get("id")
    if not qid or packset is None:
        return None
    return packset.question(str(qid))


def rescore_session(
    store: SessionStore, session_id: str, *, rubric: Rubric, packset: PackSet | None
) -> list[Rescored]:
    """Re-score every analysed answer of one session; returns the before/after scores.

    ``packset`` holds the questions for the content criteria (None: no content criteria).
    """
    record: SessionRecord = store.load(session_id, check_audio=False)
    changes = []
    for answer in record.answers:
        if answer.analysis is None or answer.skipped:
            continue
        before = answer.analysis.score.overall
        answer.analysis.score = score_answer(
            answer.analysis.transcript,
            answer.analysis.delivery,
            question=_question_for(answer.question, packset),
            rubric=rubric,
        )
        changes.append(Rescored(record.id, answer.index + 1, before, answer.analysis.score.overall))
    record.summary = {**record.summary, **summarize(record.answers)}
    store.save(record)
    store.try_index(record)
    return changes


def load_rubric_file(path: Path | None) -> Rubric:
    """The rubric from ``path`` (PackError if invalid), or the built-in rubric for None."""
    return load_rubric(path)
