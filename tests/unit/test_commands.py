"""Voice commands: whole short utterances only."""

from __future__ import annotations

import numpy as np
import pytest

from voicesim.listen.voice_commands import decode_command, recognise
from voicesim.testing.signals import silence
from voicesim.testing.speech import render
from voicesim.transcribe import Transcriber


@pytest.mark.parametrize(
    ("said", "command"),
    [
        ("Repeat.", "repeat"),
        ("Could you repeat the question, please?", "repeat"),
        ("Skip.", "skip"),
        ("Next question.", "skip"),
        ("Pause.", "pause"),
        ("Continue.", "continue"),
        ("Stop!", "stop"),
        ("End the interview.", "stop"),
        ("Um, skip.", "skip"),
    ],
)
def test_commands_are_recognised(said: str, command: str) -> None:
    assert recognise(said) == command


@pytest.mark.parametrize(
    "said",
    [
        "I had to stop the release.",
        "We decided to skip the code review that week and it hurt us.",
        "Stop and think.",
        "Next, we repeated the test.",
        "",
        "Well.",
    ],
)
def test_answers_that_mention_a_command_word_are_not_commands(said: str) -> None:
    assert recognise(said) is None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("said", "command"),
    [("skip", "skip"), ("repeat", "repeat"), ("next question", "skip"), ("stop", "stop")],
)
def test_spoken_commands_are_decoded(transcriber: Transcriber, said: str, command: str) -> None:
    audio = np.concatenate([silence(0.3), render(said), silence(0.5)])
    assert decode_command(transcriber, audio) == command


@pytest.mark.slow
def test_spoken_non_command_is_not_decoded_as_one(transcriber: Transcriber) -> None:
    audio = np.concatenate([silence(0.3), render("stop the car"), silence(0.5)])
    assert decode_command(transcriber, audio) is None
