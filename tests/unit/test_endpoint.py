"""End-pointing decisions from timing and words (pure logic, no audio)."""

from __future__ import annotations

import pytest

from voicesim.listen.endpoint import (
    EndpointSettings,
    TurnState,
    closing_phrase_length,
    decide,
    ends_unfinished,
    ends_with_closing_phrase,
    heard_twice,
    with_closing,
    without_closing_phrase,
)
from voicesim.results import Word

S = EndpointSettings(end_silence=2.5, unfinished_wait=6.0, first_word_wait=8.0, max_answer=60)


def _after_speech(silence: float, text: str | None, **kw: object) -> TurnState:
    return TurnState(
        now_s=10.0 + silence,
        speech_started=True,
        in_speech=False,
        last_speech_s=10.0,
        text=text,
        **kw,
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
        "and uh.",
        "We split the work between design but",
        "and then we, m",  # a hum the quick decode wrote as a letter, no full stop: open
        "and we went to a",
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
        # Whisper leaves a stretch's last words unpunctuated or ends it on a comma: only
        # a filler, conjunction or article at the very end holds the turn open.
        "The first thing I did was",
        "we cut costs by ten percent,",
        "I worked with the team on it",
        "I think so.",
        # one letter ending a sentence is a word read as a letter: "them" as "M." held the
        # turn open for the 6 s of an unfinished answer (practice review)
        "goals and trusts her team to deliver M.",
        "I worked at A.",
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
        # Whisper drops "That's" from "That's my answer." often enough to matter.
        ("We grew sales by ten percent. My answer.", True),
        ("We grew sales by ten percent. That's it.", True),
        ("We grew sales by ten percent, and that's it.", True),
        ("Okay, done.", True),
        ("Um, next question.", True),
        ("So I'm finished.", True),
        ("THAT IS MY FINAL ANSWER", True),
        ("I’m done.", True),
        ("The key was my answer to the board.", False),
        ("That's it for the background. Then we hired two engineers.", False),
        ("We were done in three weeks.", False),
        ("It is done", False),
        ("Cloud in three months, next my answer.", True),
        ("Being trusted counts more at my answer.", True),
        ("We moved it to the cloud, that's it.", True),
        ("That shaped my answer.", False),
        # "That is my answer." decoded on its own, as the probe does (through the rig).
        ("That's it my answer", True),
        ("Let's my answer", True),  # the same, through the rig
        ("Here's my answer.", False),
        ("When it was over, I was done.", False),
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


def test_closing_phrase_length_counts_the_words_to_remove() -> None:
    assert closing_phrase_length(["We", "cut", "costs.", "So", "yeah,", "I'm", "done."]) == 4
    assert closing_phrase_length(["We", "cut", "costs,", "and", "that's", "my", "answer."]) == 3
    assert closing_phrase_length(["We", "cut", "costs,", "and", "that's", "it."]) == 3
    assert closing_phrase_length(["We", "cut", "costs.", "My", "answer."]) == 2
    # A murmur before the phrase goes with it: a filled pause or a backchannel.
    assert closing_phrase_length(["We", "cut", "costs.", "Um,", "that's", "it."]) == 3
    assert closing_phrase_length(["We", "cut", "costs.", "Mm-hmm,", "that's", "it."]) == 3
    assert closing_phrase_length(["We", "cut", "costs."]) == 0
    assert closing_phrase_length([]) == 0


def test_a_lagging_transcriber_never_holds_the_turn_open() -> None:
    # No words decoded yet for the last stretch: end after end_silence, not the long wait.
    assert decide(_after_speech(2.4, None), S) is None
    assert decide(_after_speech(2.5, None), S) == "silence"


def test_the_quick_decode_of_the_last_words_decides_first() -> None:
    # The whole stretch is not decoded yet, the last seconds are: they say it is finished.
    assert decide(_after_speech(0.3, None, last_words="That's my answer."), S) == "phrase"
    assert decide(_after_speech(2.5, None, last_words="to the budget and um"), S) is None
    assert decide(_after_speech(6.0, None, last_words="to the budget and um"), S) == "silence"
    # An older stretch ending "and" does not hold the turn when the last words finish it.
    done = _after_speech(2.5, "we started and", last_words="we shipped it.")
    assert decide(done, S) == "silence"


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


def _words(text: str, start: float, step: float = 0.3) -> list[Word]:
    return [
        Word(t, start + i * step, start + i * step + 0.25, 0.9) for i, t in enumerate(text.split())
    ]


@pytest.mark.parametrize(
    ("body", "twice"),
    [
        ("I learned to write shorter reports.", 0),
        ("I learned to write shorter reports. Next.", 1),  # the VAD split "Next" off
        ("I learned to write shorter reports. Next question.", 2),
        ("We planned the next release.", 0),  # "next" not at the end: an answer's word
    ],
)
def test_a_closing_phrase_the_answers_decode_heard_too_is_in_the_transcript_once(
    body: str, twice: int
) -> None:
    words = _words(body, 1.0)
    closing = _words("Next question.", words[-1].end + 0.3)
    assert heard_twice(words, closing) == twice
    joined = with_closing(words, closing)
    assert joined is not None
    assert joined.text.lower().count("next question") == 1
    kept, cut = without_closing_phrase(joined)
    assert len(kept.words) == len(words) - twice
    # The phrase begins where the answer's decode heard its first word.
    assert cut == pytest.approx(words[-twice].start if twice else closing[0].start)


def test_a_closing_phrases_word_said_well_before_it_is_the_answers() -> None:
    # "…what to do next." and, after a pause, "Next question.": the answer keeps its "next".
    words = _words("We agreed on what to do next.", 1.0)  # "next." ends at 3.05 s
    assert heard_twice(words, _words("Next question.", 3.7)) == 0  # a 0.65-s pause
    assert heard_twice(words, _words("Next question.", 3.4)) == 1  # within the alone cut
