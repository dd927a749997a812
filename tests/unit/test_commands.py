"""Voice commands: whole short utterances only."""

from __future__ import annotations

import numpy as np
import pytest

from tests.support.paths import REPO
from voicesim.audio.files import load_audio
from voicesim.listen.voice_commands import COMMAND_PROMPT, decode_command, recognise
from voicesim.testing.corpora.jfk import shared_fixtures
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


@pytest.mark.slow
@pytest.mark.parametrize("voice", ["en-us", "en-gb", "en-gb-scotland"])
def test_a_thinking_hmm_is_no_pause(transcriber: Transcriber, voice: str) -> None:
    """An answer begun with "Hmm." (a short utterance, so checked as a command): after the
    prompt of command words Whisper read it "Pause." for each of these voices (two greedy,
    unsure, one sampled), which would pause the interview. The plain decode hears no
    command."""
    audio = np.concatenate([silence(0.2), render("Hmm.", voice=voice), silence(0.4)])
    assert decode_command(transcriber, audio) is None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("clip", "start", "seconds"), [("EN2004a", 0.6, 1.2), ("EN2005a", 2.4, 2.0)]
)
def test_real_speech_read_as_stop_after_the_prompt_is_no_command(
    transcriber: Transcriber, clip: str, start: float, seconds: float
) -> None:
    """Real meeting speech (Whisper's plain decode: "It's not where I am", "I mean, I don't
    have the floods"): after the prompt of command words it wrote "Stop." (log-probability
    -0.67, -0.68), which would have ended the interview. The plain decode is no command."""
    samples, _ = load_audio(shared_fixtures(REPO) / "real" / "ami" / f"{clip}_0-30.flac")
    window = samples[round(start * 16000) : round((start + seconds) * 16000)]
    reading = transcriber.decode_prompted(window, COMMAND_PROMPT)
    assert reading is not None and recognise(reading.text) == "stop"  # the hazard is real
    assert decode_command(transcriber, window) is None
