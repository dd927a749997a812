"""Rehearsal from stored history: --rehearse, least-recently-practised order, demo left out."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.session_factory import sample_answer, truth_analysis
from voicesim.sessions.rehearse import least_recent_first, question_attempts, rehearse_ids
from voicesim.sessions.store import AnswerRecord, SessionRecord, SessionStore, utc_now

_BASE = truth_analysis(sample_answer(0))


def _session(
    store: SessionStore, answers: list[tuple[str, float | None]], mode: str = "standard"
) -> SessionRecord:
    """Store one session; each answer is (question id, score) — None means skipped."""
    writer = store.create(mode=mode, pack="managerial", settings={})
    for i, (qid, score) in enumerate(answers):
        analysis = None
        if score is not None:
            analysis = copy.deepcopy(_BASE)
            analysis.score.overall = score
        writer.add_answer(
            AnswerRecord(
                index=i,
                question={"id": qid, "text": qid, "category": "leadership"},
                asked_at=utc_now(),
                question_audio=None,
                answer_audio=None,
                analysis=analysis,
                skipped=score is None,
                ended_by="silence" if score is not None else "command",
            )
        )
    record = writer.finish()
    time.sleep(0.02)  # ids and creation times keep the order sessions were made in
    return record


@pytest.fixture
def history(tmp_path: Path) -> SessionStore:
    store = SessionStore(tmp_path)
    _session(store, [("q-a", 40.0), ("q-b", 90.0), ("q-c", 55.0)])
    _session(store, [("q-a", 80.0), ("q-d", None), ("q-e", 62.0)])  # q-a improved
    _session(store, [("q-f", 10.0), ("q-b", 30.0)], mode="demo")  # rendered, not the user's
    return store


def test_rehearse_picks_the_lowest_scored_and_skipped_weakest_first(history: SessionStore) -> None:
    # Latest attempts: q-a 80 (fine now), q-b 90, q-c 55, q-d skipped, q-e 62.
    assert rehearse_ids(history) == ["q-d", "q-c", "q-e"]


def test_demo_sessions_count_only_when_asked_for(history: SessionStore) -> None:
    assert rehearse_ids(history, include_demo=True) == ["q-d", "q-f", "q-b", "q-c", "q-e"]
    assert [a.score for a in question_attempts(history, "q-b")] == [90.0]
    assert [a.score for a in question_attempts(history, "q-b", include_demo=True)] == [90.0, 30.0]


def test_only_recent_sessions_count(history: SessionStore) -> None:
    assert rehearse_ids(history, recent=1) == ["q-d", "q-e"]


def test_default_order_is_least_recently_practised_first(history: SessionStore) -> None:
    class Q:
        def __init__(self, qid: str) -> None:
            self.id = qid

    pool = [Q(q) for q in ("q-a", "q-b", "q-c", "q-new", "q-e", "q-f")]
    ordered = [q.id for q in least_recent_first(pool, history)]
    # never practised (q-new, and q-f only in a demo) first, then the oldest practice
    assert ordered == ["q-new", "q-f", "q-b", "q-c", "q-a", "q-e"]


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VOICESIM_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "voicesim", *args], capture_output=True, text=True, env=env,
        timeout=120,
    )  # fmt: skip


def test_history_leaves_demo_out_and_shows_one_question(history: SessionStore) -> None:
    home = history.root
    rows = json.loads(_cli(home, "history", "--json").stdout)
    assert len(rows) == 2 and {r["mode"] for r in rows} == {"standard"}
    rows = json.loads(_cli(home, "history", "--json", "--include-demo").stdout)
    assert len(rows) == 3
    done = _cli(home, "history", "--question", "q-a", "--json")
    assert done.returncode == 0, done.stderr
    assert [a["score"] for a in json.loads(done.stdout)] == [40.0, 80.0]
    shown = _cli(home, "history", "--question", "q-a")
    assert "40 → 80 (+40)" in shown.stdout


def test_history_json_counts_answers_as_replay_takes_them(history: SessionStore) -> None:
    # `history --question --json` gave the index's idx, from 0: its q-e row said 2, and
    # `replay --answer 2` plays the answer before it.
    (row,) = json.loads(_cli(history.root, "history", "--question", "q-e", "--json").stdout)
    assert row["answer"] == 3 and "idx" not in row
    shown = _cli(history.root, "replay", row["session_id"], "--answer", "3", "--no-audio")
    assert shown.returncode == 0, shown.stderr
    assert "q-e" in shown.stdout and "q-d" not in shown.stdout


def test_practice_rejects_a_misspelt_question_with_a_suggestion(tmp_path: Path) -> None:
    done = _cli(tmp_path, "practice", "--question", "mgr-leadership-efective-leader")
    assert done.returncode == 2
    assert "did you mean mgr-leadership-effective-leader" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_an_empty_history_names_the_demo_sessions_it_left_out(tmp_path: Path) -> None:
    # After a first `voicesim demo`, `history` said "No analysed answers yet. Try `voicesim
    # demo`": the demo's sessions are left out by default, and nothing said so.
    store = SessionStore(tmp_path)
    _session(store, [("mgr-leadership-effective-leader", 70.0)], mode="demo")
    _session(store, [("mgr-leadership-effective-leader", 60.0)], mode="demo")
    shown = _cli(tmp_path, "history")
    assert shown.returncode == 0, shown.stderr
    assert "2 demo sessions are left out" in shown.stdout
    assert "--include-demo" in shown.stdout and "Try `voicesim demo`" not in shown.stdout
    one = _cli(tmp_path, "history", "--question", "mgr-leadership-effective-leader")
    assert one.returncode == 0, one.stderr
    assert "2 demo answers are left out" in one.stdout
    assert "Try `voicesim demo`" in _cli(tmp_path / "empty", "history").stdout


def test_history_of_a_misspelt_question_names_the_close_ids(history: SessionStore) -> None:
    # It said "No answers to mgr-leadershp yet. Ask it with `voicesim practice --question
    # mgr-leadershp`", which then fails. An id with stored answers is shown even when no
    # pack has it any more (q-a here).
    done = _cli(history.root, "history", "--question", "mgr-leadershp")
    assert done.returncode == 2
    assert "did you mean mgr-leadership-" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert _cli(history.root, "history", "--question", "q-a").returncode == 0
