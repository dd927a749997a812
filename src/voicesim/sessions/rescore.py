"""Re-score stored answers with the current (or a given) rubric, without re-recording.

Transcripts and delivery measures are kept as stored; only ``analysis.score`` changes,
and the session's ``session.json`` is rewritten atomically with the new scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voicesim.sessions.store import SessionRecord, SessionStore, summarize


@dataclass(frozen=True)
class Rescored:
    """One answer's overall score (0–100) before and after re-scoring."""

    session_id: str
    answer: int  # 1-based
    before: float
    after: float


def _packset() -> Any:
    """The question packs (built-in + configured); None when they cannot be loaded."""
    from voicesim.config import load_config
    from voicesim.errors import UserError
    from voicesim.packs import load_packs

    try:
        return load_packs(load_config().packs_dirs)
    except UserError:
        return None


def _question_for(stored: dict[str, Any], packset: Any) -> Any:
    """The pack question (for the content criteria) if it still exists, else None."""
    qid = stored.get("id")
    if not qid or packset is None:
        return None
    return packset.question(str(qid))


def rescore_session(store: SessionStore, session_id: str, *, rubric: Any = None) -> list[Rescored]:
    """Re-score every analysed answer of one session; returns the before/after scores."""
    from voicesim.scoring.score import score_answer

    record: SessionRecord = store.load(session_id, check_audio=False)
    packset = _packset()
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


def load_rubric_file(path: Path | None) -> Any:
    """The rubric from ``path`` (PackError if invalid), or the current default rubric."""
    from voicesim.scoring.rubric import load_rubric

    return load_rubric(path)
