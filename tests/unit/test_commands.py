"""Voice commands: whole short utterances only."""

from __future__ import annotations

import numpy as np
import pytest

from tests.support.paths import REPO
from voicesim.audio.files import load_audio
from voicesim.listen.voice_commands import FLOOR, WITHIN, WRITTEN, decode_command, recognise
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
    """An answer begun with "Hmm." (a short utterance, so checked as a command): after a
    prompt of command words Whisper read it "Pause." for each of these voices, which would
    pause the interview. No command phrase is near as probable as Whisper's own reading."""
    audio = np.concatenate([silence(0.2), render("Hmm.", voice=voice), silence(0.4)])
    assert decode_command(transcriber, audio) is None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("clip", "start", "seconds"), [("EN2004a", 0.6, 1.2), ("EN2005a", 2.4, 2.0)]
)
def test_real_speech_read_as_stop_after_a_prompt_is_no_command(
    transcriber: Transcriber, clip: str, start: float, seconds: float
) -> None:
    """Real meeting speech (Whisper's plain decode: "It's not where I am", "I mean, I don't
    have the floods"): after a prompt of the command words Whisper wrote "Stop." (the
    earlier way; checked here), which would have ended the interview."""
    window = _real_window(clip, start, seconds)
    segments, _ = transcriber.model.transcribe(
        window,
        language="en",
        beam_size=1,
        temperature=0.0,
        initial_prompt="Repeat. Skip. Next question. Pause. Continue. Stop. End the interview.",
        without_timestamps=True,
        vad_filter=False,
    )
    assert recognise(" ".join(s.text for s in segments)) == "stop"  # the hazard is real
    assert decode_command(transcriber, window) is None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("clip", "start", "seconds"),
    [("EN2002a", 27.6, 2.0), ("EN2002a", 28.2, 1.2), ("EN2006a", 22.8, 2.0)],
)
def test_real_speech_an_improbable_phrase_comes_near_is_no_command(
    transcriber: Transcriber, clip: str, start: float, seconds: float
) -> None:
    """Real meeting speech that Whisper reads unsure: a short command phrase ("Stop.",
    "Next.") comes within WITHIN of that reading, but is improbable in itself (under FLOOR).
    Without the floor the first two would end the interview."""
    window = _real_window(clip, start, seconds)
    near = transcriber.closest_phrase(window, tuple(WRITTEN), within=WITHIN)
    assert near.phrase is not None and near.phrase_logprob < FLOOR  # the hazard is real
    assert decode_command(transcriber, window) is None


def _real_window(clip: str, start: float, seconds: float) -> np.ndarray:
    """``seconds`` of the real set's AMI clip ``clip`` from ``start`` (16 kHz)."""
    samples, _ = load_audio(shared_fixtures(REPO) / "real" / "ami" / f"{clip}_0-30.flac")
    return samples[round(start * 16000) : round((start + seconds) * 16000)]
