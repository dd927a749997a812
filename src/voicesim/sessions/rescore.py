"""Re-score stored answers with the current (or a given) rubric, without re-recording.

Transcripts and delivery measures are kept as stored; only ``analysis.score`` changes,
and the session's ``session.json`` is rewritten atomically with the new scores.

An answer cut off before it was analysed (Ctrl+C, SIGTERM, a closed terminal, or kept by
``sessions recover`` after kill -9) has its audio but no analysis: it is analysed here,
through the same pipeline as ``analyze``, and stays marked ``partial``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voicesim.analysis.pipeline import analyze_file
from voicesim.packs import PackSet, Question
from voicesim.scoring.rubric import Rubric, load_rubric
from voicesim.scoring.score import score_answer
from voicesim.sessions.store import SessionRecord, SessionStore, summarize


@dataclass(frozen=True)
class Rescored:
    """One answer's overall score (0–100) before and after re-scoring."""

    session_id: str
    answer: int  # 1-based
    before: float | None  # None: the answer had not been analysed (a partial answer)
    after: float


def _question_for(stored: dict[str, Any], packset: PackSet | None) -> Question | None:
    """The pack question (for the content criteria) if it still exists, else None."""
    qid = stored.get("id")
    if not qid or packset is None:
        return None
    return packset.question(str(qid))


def rescore_session(
    store: SessionStore,
    session_id: str,
    *,
    rubric: Rubric,
    packset: PackSet | None,
    transcriber: Callable[[], Any] | None = None,
    debrief: Callable[[SessionRecord], dict[str, Any]] | None = None,
) -> list[Rescored]:
    """Re-score every analysed answer of one session; returns the before/after scores.

    ``debrief`` makes the session's stored debrief again from the new scores (its mean score
    and the answers to rehearse had stayed as the session ended: a mean of 78 beside answers
    now scoring 45 to 70); None keeps it as it was.

    ``packset`` holds the questions for the content criteria (None: no content criteria).
    ``transcriber`` builds a Transcriber for the answers cut off before they were analysed
    (called at most once, only if there is one); None leaves them unanalysed.
    """
    record: SessionRecord = store.load(session_id, check_audio=False)
    changes = []
    model: Any = None
    for answer in record.answers:
        if answer.skipped:
            continue
        if answer.analysis is None:
            if transcriber is None:
                continue
            model = model or transcriber()
            question = _question_for(answer.question, packset)
            if _analyse_partial(record, answer, question, rubric, model):
                assert answer.analysis is not None
                after = answer.analysis.score.overall
                changes.append(Rescored(record.id, answer.index + 1, None, after))
            continue
        before = answer.analysis.score.overall
        answer.analysis.score = score_answer(
            answer.analysis.transcript,
            answer.analysis.delivery,
            question=_question_for(answer.question, packset),
            rubric=rubric,
            cut_off=answer.extra.get("status") == "cut_off",  # as practice scored it
        )
        changes.append(Rescored(record.id, answer.index + 1, before, answer.analysis.score.overall))
    # The report shades the pace band of the rubric that scored the answers: after
    # `rescore --rubric`, it shaded the configured rubric's beside the new scores' evidence.
    record.settings = {**record.settings, "pace_band": list(rubric.spec("pace").pair("band"))}
    record.summary = {**record.summary, **summarize(record.answers)}
    if debrief is not None and "mean_score" in record.summary:  # sessions that had one
        record.summary.update(debrief(record))
    store.save(record)
    store.try_index(record)
    return changes


def _analyse_partial(
    record: SessionRecord, answer: Any, question: Question | None, rubric: Rubric, transcriber: Any
) -> bool:
    """Analyse a cut-off answer's kept audio in place; False when it has none."""
    path = record.path / answer.answer_audio if answer.answer_audio else None
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return False
    answer.analysis = analyze_file(path, transcriber=transcriber, question=question, rubric=rubric)
    answer.extra = {**answer.extra, "partial": True}
    return True


def load_rubric_file(path: Path | None) -> Rubric:
    """The rubric from ``path`` (PackError if invalid), or the built-in rubric for None."""
    return load_rubric(path)
