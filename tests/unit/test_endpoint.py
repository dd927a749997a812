"""End-pointing decisions from timing and words (pure logic, no audio)."""

from __future__ import annotations

import pytest

from voicesim.listen.endpoint import (
    EndpointSettings,
    TurnState,
    decide,
    ends_unfinished,
    ends_with_closing_phrase,
)

S = EndpointSettings(end_silence=2.5, unfinished_wait=6.0, first_word_wait=8.0, max_answer=60)


def _after_speech(silence: float, text: str | None, **kw: object) -> TurnState:
    return TurnState(
        now_s=10.0 + silence,
        speech_started=True,
        in_speech=False,
        last_speech_s=10.0,
        text=text,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    "text",
    [
        "I talked to the team and, um,",
        "I talked to the team and um",
        "We moved the billing system to the",
        "because",
        "It was hard, so...",
        "We talked to the…",
        "The first thing I did was",
        "and uh.",
    ],
)
def test_unfinished_sentences(text: str) -> None:
    assert ends_unfinished(text)


@pytest.mark.parametrize(
    "text",
    [
        "We shipped it on time.",
        "I did it.",
        "That was the team I worked with.",
        "It went well.",
        "We did that as well.",
        "Three months",
        "We measured everything before we changed that, if it...",
        "",
    ],
)
def test_finished_sentences(text: str) -> None:
    assert not ends_unfinished(text)


@pytest.mark.parametrize(
    ("text", "closing"),
    [
        ("We shipped it on time. That's my answer.", True),
        ("So yeah, I'm done.", True),
        ("That is my answer", True),
        ("That's my answer to the outage, and then we wrote a postmortem.", False),
        ("I was done with the project in May.", False),
    ],
)
def test_closing_phrases(text: str, closing: bool) -> None:
    assert ends_with_closing_phrase(text) is closing


def test_finished_sentence_ends_after_end_silence() -> None:
    assert decide(_after_speech(2.4, "We shipped it on time."), S) is None
    assert decide(_after_speech(2.5, "We shipped it on time."), S) == "silence"


def test_unfinished_sentence_waits_for_unfinished_wait() -> None:
    text = "I talked to the team and, um,"
    assert decide(_after_speech(4.0, text), S) is None
    assert decide(_after_speech(5.9, text), S) is None
    assert decide(_after_speech(6.0, text), S) == "silence"


def test_closing_phrase_ends_at_once() -> None:
    assert decide(_after_speech(0.3, "We shipped it. That's my answer."), S) == "phrase"


def test_words_still_being_transcribed_do_not_cut_the_answer() -> None:
    assert decide(_after_speech(3.0, None), S) is None
    assert decide(_after_speech(6.0, None), S) == "silence"


def test_without_a_transcriber_silence_alone_decides() -> None:
    assert decide(_after_speech(2.5, None, has_transcriber=False), S) == "silence"


def test_command_ends_after_a_short_silence() -> None:
    assert decide(_after_speech(0.5, "Skip.", command="skip"), S) is None
    assert decide(_after_speech(0.8, "Skip.", command="skip"), S) == "command"


def test_thinking_pause_before_the_first_word() -> None:
    quiet = TurnState(now_s=7.9, speech_started=False, in_speech=False, last_speech_s=0.0)
    assert decide(quiet, S) is None
    late = TurnState(now_s=8.0, speech_started=False, in_speech=False, last_speech_s=0.0)
    assert decide(late, S) == "no_speech"


def test_speaking_never_ends_except_at_max() -> None:
    talking = TurnState(now_s=59.0, speech_started=True, in_speech=True, last_speech_s=59.0)
    assert decide(talking, S) is None
    over = TurnState(now_s=60.0, speech_started=True, in_speech=True, last_speech_s=60.0)
    assert decide(over, S) == "max"
