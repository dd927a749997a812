"""Interview modes: who asks, in which voice, with which limits and follow-ups."""

from __future__ import annotations

import re

import pytest

from voicesim.errors import UserError
from voicesim.interview.modes import MODES, get_mode
from voicesim.listen.endpoint import EndpointSettings
from voicesim.listen.listener import ListenSettings
from voicesim.packs import Question


def q(
    qid: str,
    *,
    kind: str = "behavioural",
    target: tuple[float, float] = (60, 120),
    follow_ups: tuple[str, ...] = (),
    stress: tuple[str, ...] = (),
) -> Question:
    return Question(
        id=qid,
        text=f"Question {qid}?",
        category="test",
        kind=kind,
        target_s=target,
        tip="tip",
        follow_ups=follow_ups,
        stress_follow_ups=stress,
    )


BASE = ListenSettings(
    endpoint=EndpointSettings(end_silence=2.5, max_answer=180.0, first_word_wait=8.0)
)


def test_standard_asks_in_order_with_the_base_settings() -> None:
    mode = get_mode("standard", voice="en-gb")
    asks = [mode.ask(x, i, BASE) for i, x in enumerate([q("a"), q("b")])]
    assert [a.text for a in asks] == ["Question a?", "Question b?"]
    assert all(a.listen == BASE and a.interrupt_after_s is None for a in asks)
    assert asks[0].interviewer.voice == "en-gb"
    assert mode.greeting(2) == []  # the first question is asked at once
    assert mode.follow_up(asks[0], answered=True) is None


def test_panel_has_three_voices_owning_all_groups_and_asking_in_turn() -> None:
    mode = get_mode("panel", count=4)
    people = mode.interviewers
    assert len(people) == 3 and len({p.voice for p in people}) == 3
    owned = sorted(g for p in people for g in p.groups)
    assert owned == ["clarity", "conciseness", "content"]
    asks = [mode.ask(q(str(i)), i, BASE) for i in range(4)]
    assert [a.interviewer.name for a in asks] == [p.name for p in people] + [people[0].name]
    assert asks[1].text.startswith(people[1].name)
    intro = " ".join(line for _, line in mode.greeting(4))
    assert all(p.name in intro for p in people)
    assert mode.owner_of("content").name == people[2].name


def test_small_panel_has_two_members() -> None:
    mode = get_mode("panel", count=2)
    assert len(mode.interviewers) == 2
    assert sorted(g for p in mode.interviewers for g in p.groups) == [
        "clarity",
        "conciseness",
        "content",
    ]


def test_stress_cuts_long_answers_and_follows_up_curtly() -> None:
    mode = get_mode("stress")
    question = q("a", target=(30, 60), follow_ups=("Why?",), stress=("Prove it.",))
    ask = mode.ask(question, 0, BASE)
    assert ask.interrupt_after_s == pytest.approx(90.0)  # 1.5 x the 60 s target maximum
    follow = mode.follow_up(ask, answered=True)
    assert follow is not None and follow.follow_up and follow.text.endswith("Prove it.")
    assert mode.follow_up(follow, answered=True) is None  # one follow-up per question
    assert mode.follow_up(ask, answered=False) is None


def test_rapid_keeps_projective_questions_with_short_limits() -> None:
    mode = get_mode("rapid")
    pool = [q("a"), q("p1", kind="projective", target=(10, 25)), q("p2", kind="projective")]
    chosen = mode.select(pool)
    assert [x.id for x in chosen] == ["p1", "p2"]
    ask = mode.ask(chosen[0], 0, BASE)
    assert ask.listen.endpoint.max_answer == 25.0
    assert ask.listen.endpoint.end_silence <= 1.5 and ask.listen.endpoint.first_word_wait <= 4.0
    assert not mode.spoken_feedback


def test_rapid_with_no_projective_question_does_not_call_its_questions_projective() -> None:
    """`--mode rapid --pack managerial` announced "1 projective question" and asked a
    behavioural one (a pack with none keeps its own questions)."""
    mode = get_mode("rapid")
    assert [x.id for x in mode.select([q("a")])] == ["a"]
    assert mode.instructions(1).startswith("Quick-fire round of 1 question: ")


def test_unknown_mode_is_a_user_error() -> None:
    assert set(MODES) == {"standard", "panel", "stress", "rapid"}
    with pytest.raises(UserError, match="unknown mode"):
        get_mode("friendly")


@pytest.mark.parametrize("name", MODES)
def test_instructions_count_the_questions_grammatically(name: str) -> None:
    """`voicesim practice --count 1` once began "1 questions." (and demo "Demo: 1 questions")."""
    one = get_mode(name, count=1).instructions(1)
    three = get_mode(name, count=3).instructions(3)
    assert re.search(r"\b1 (projective )?question\b", one), one
    assert re.search(r"\b3 (projective )?questions\b", three), three
