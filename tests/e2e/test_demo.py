"""``voicesim demo``: a real stored session from rendered answers, with no audio device at all."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.answer_builder import written_fillers
from tests.support.reliability import assert_user_error, no_audio_env
from voicesim.interview.demo import ANSWERS, answer_key, candidate_text
from voicesim.packs import load_packs, select_questions
from voicesim.scoring.rubric import load_rubric as _load_rubric

CHECKS = _load_rubric().check_names()  # what a question may name, from the rubric


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]+", " ", text.lower()).split()


def test_every_builtin_question_has_a_candidate_answer() -> None:
    questions = load_packs(known_checks=CHECKS).questions()
    assert questions
    keys = {q.id: answer_key(q) for q in questions}
    assert all(k in ANSWERS for k in keys.values())
    by_category = {q.category: keys[q.id] for q in questions}
    assert by_category.get("salary_expectations") == "salary"
    assert by_category.get("weaknesses") == "weakness"
    assert by_category.get("mistakes_failures") == "failure"
    # Good and rambling answers alternate.
    q = questions[0]
    assert candidate_text(q, 0) != candidate_text(q, 1)


def test_the_demo_candidate_does_not_give_the_same_answer_twice() -> None:
    # The default demo (managerial pack, 3 questions) asks three leadership questions, which
    # all fit the "people" answers: the first and third were the same good answer.
    questions = select_questions(load_packs(known_checks=CHECKS), pack="managerial", count=3)
    assert {answer_key(q) for q in questions} == {"people"}
    said: list[str] = []
    for n, q in enumerate(questions):
        said.append(candidate_text(q, n, said))
    good, rambling = ANSWERS["people"]
    assert said == [good, rambling, ANSWERS["default"][0]]
    # With every fitting answer said, one is given again rather than none.
    assert candidate_text(questions[0], 4, [*said, ANSWERS["default"][1]]) == good


@pytest.mark.slow
def test_demo_without_audio_devices_stores_a_real_session(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "voicesim", "demo", "--count", "2", "--pack", "executive"],
        env=no_audio_env(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    said_so = [line for line in done.stdout.splitlines() if "No audio output device" in line]
    assert len(said_so) == 1

    (session_file,) = (tmp_path / "home" / "sessions").glob("*/session.json")
    data = json.loads(session_file.read_text())
    assert data["status"] == "complete"
    # The pace band of the rubric that scored it, for the report's chart (the built-in one).
    assert data["settings"]["pace_band"] == [130.0, 160.0]
    answers = data["answers"]
    assert len(answers) == 2
    questions = select_questions(load_packs(known_checks=CHECKS), pack="executive", count=2)
    import jiwer

    said: list[str] = []
    for n, (a, q) in enumerate(zip(answers, questions, strict=True)):
        assert a["question"]["id"] == q.id
        assert (session_file.parent / a["answer_audio"]).is_file()
        assert (session_file.parent / a["question_audio"]).is_file()
        analysis = a["analysis"]
        said.append(candidate_text(q, n, said))
        expected = " ".join(w for w in words(said[-1]) if w not in ("um", "uh"))
        heard = " ".join(w for w in words(analysis["transcript"]["text"]) if w not in ("um", "uh"))
        assert jiwer.wer(expected, heard) < 0.25, (expected, heard)
        # The fillers found against the fillers written into the answer the candidate spoke.
        discourse, filled = written_fillers(said[-1])
        found = analysis["delivery"]["fillers"]
        found_discourse = [f["text"] for f in found if f["kind"] == "discourse"]
        found_filled = [f for f in found if f["kind"] == "filled_pause"]
        assert found_discourse == discourse, (n, found, said[-1])
        written = sum(filled.values())
        most = written // 2 + 1 if written else 0  # Whisper drops some; more than half found
        assert most <= len(found_filled) <= written, (n, found, said[-1])
    # The first answer is the good one (no filler written), the second rambles with fillers.
    assert written_fillers(said[0]) == ([], {})
    discourse, filled = written_fillers(said[1])
    assert len(discourse) >= 2 and sum(filled.values()) >= 3, said[1]


def test_a_model_path_that_is_no_model_stops_the_demo_before_it_starts(tmp_path: Path) -> None:
    """It once asked the first question and failed while listening, leaving a session folder
    behind."""
    env = {**no_audio_env(tmp_path), "VOICESIM_MODEL": str(tmp_path / "no-model")}
    done = subprocess.run(
        [sys.executable, "-m", "voicesim", "demo", "--count", "1", "--no-audio"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "model path" in assert_user_error(done)
    assert "listening" not in done.stdout
    assert not list((tmp_path / "home").glob("sessions/*/session.json"))
