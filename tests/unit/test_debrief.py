"""The stored debrief: one status per answer, made again by rescore, totals rounded once."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from tests.support.session_factory import sample_answer, truth_analysis
from voicesim.interview.feedback import (
    answer_status,
    no_words,
    outcomes_of,
    record_debrief,
    stored_debrief,
    summarize,
)
from voicesim.review.report import _answer_data, debrief
from voicesim.scoring.rubric import load_rubric
from voicesim.sessions.record import summarize as session_totals
from voicesim.sessions.rescore import rescore_session
from voicesim.sessions.store import AnswerRecord, SessionRecord, SessionStore, utc_now

_BASE = truth_analysis(sample_answer(0))


def _answer(i: int, score: float | None, status: str | None = "answered") -> AnswerRecord:
    analysis = None
    if score is not None:
        analysis = copy.deepcopy(_BASE)
        analysis.score.overall = score
    return AnswerRecord(
        index=i,
        question={"id": f"q{i}", "text": f"Question {i}?", "category": "leadership"},
        asked_at=utc_now(),
        question_audio=None,
        answer_audio=None,
        analysis=analysis,
        ended_by="silence" if score is not None else "interrupted",
        extra={} if status is None else {"status": status, "partial": score is None},
    )


def _stored(store: SessionStore, answers: list[AnswerRecord]) -> SessionRecord:
    """A session stored as practice stores it: the answers, then the debrief at its end."""
    writer = store.create(mode="standard", pack="managerial", settings={})
    for a in answers:
        writer.add_answer(a)
    return writer.finish(summary=stored_debrief(summarize(outcomes_of(writer.record))))


def test_an_answer_cut_off_by_ctrl_c_has_one_status_everywhere(tmp_path: Path) -> None:
    # The debrief said "interrupted" and did not list it to rehearse; the report said
    # "cut_off" and listed it, with "No speech was heard"; practice --rehearse took it.
    record = _stored(SessionStore(tmp_path), [_answer(0, 80.0), _answer(1, None, "interrupted")])
    assert [answer_status(a) for a in record.answers] == ["answered", "interrupted"]
    assert record.summary["rehearse"] == [1]
    assert [(r["number"], r["status"]) for r in debrief(record)["rehearse"]] == [(2, "interrupted")]
    assert _answer_data(record, record.answers[1])["status"] == "interrupted"
    # A session stored before the status was: a rescued answer was interrupted.
    old = _answer(1, None, status=None)
    assert answer_status(old) == "interrupted"


def test_why_an_answer_has_no_words_is_said_once_for_export_and_report(tmp_path: Path) -> None:
    """The report's script worded it in its own copy of the statuses; export in Python."""
    cut = _answer(1, None, "interrupted")
    skipped = _answer(2, None, "skipped")
    skipped.skipped = True
    silent = _answer(3, None, "no_speech")
    silent.skipped = True
    stopped = _answer(4, None, "stopped")
    stopped.skipped = True
    record = _stored(SessionStore(tmp_path), [_answer(0, 80.0), cut, skipped, silent, stopped])
    said = [_answer_data(record, a)["unheard"] for a in record.answers]
    assert said == [
        None,  # words: nothing to explain
        "Not analysed: the answer was cut off (voicesim rescore analyses what was recorded).",
        "Skipped.",
        "No speech was heard.",
        "Not answered: the interview was stopped here.",
    ]
    assert [no_words(a)[0] for a in record.answers[1:]] == [
        "was cut off before it was analysed (run `voicesim rescore` first)",
        "was skipped",
        "had no speech",
        "was not answered (the interview was stopped there)",
    ]


def test_rescore_makes_the_stored_debrief_again(tmp_path: Path) -> None:
    # rescore changed the scores and left the debrief: a mean of 78 beside answers now
    # scoring far lower, and nothing to rehearse.
    store = SessionStore(tmp_path)
    record = _stored(store, [_answer(0, 80.0), _answer(1, 76.0)])
    assert record.summary["mean_score"] == 78.0 and record.summary["rehearse"] == []
    harsh = tmp_path / "harsh.toml"  # every pace scores 0, and pace outweighs the rest
    harsh.write_text("[clarity.pace]\nweight = 60.0\ncurve = [[0.0, 0.0], [400.0, 0.0]]\n")
    rescore_session(
        store,
        record.id,
        rubric=load_rubric(harsh),
        packset=None,
        debrief=lambda r: record_debrief(r, None),
    )
    after = store.load(record.id, check_audio=False)
    scores = [a.analysis.score.overall for a in after.answers if a.analysis is not None]
    assert max(scores) < 65
    assert after.summary["mean_score"] == pytest.approx(sum(scores) / 2)
    assert after.summary["score"] == pytest.approx(sum(scores) / 2)
    assert sorted(after.summary["rehearse"]) == [0, 1]


def test_session_totals_are_rounded_once_by_whoever_shows_them() -> None:
    # A mean of 73.47 was stored as 73.5: `sessions show` and the report showed 74 beside
    # the debrief's, the index's and `history`'s 73.
    totals = session_totals([_answer(0, 73.4), _answer(1, 73.5), _answer(2, 73.5)])
    assert totals["score"] == pytest.approx(73.4667, abs=1e-4)
    assert f"{totals['score']:.0f}" == "73"
