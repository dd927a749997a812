"""The spoken time warning, and taking its echo out of the answer's transcript."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voicesim.audio.capture import FileMicrophone
from voicesim.audio.speak import SilentSpeaker
from voicesim.interview.cues import warning_line, without_warning_echo
from voicesim.interview.modes import get_mode
from voicesim.interview.session import Interview, PracticeSettings, Reporter
from voicesim.listen.endpoint import EndpointSettings
from voicesim.listen.listener import ListenSettings
from voicesim.packs import Question
from voicesim.results import Transcript, Word
from voicesim.scoring.rubric import load_rubric
from voicesim.sessions.store import SessionStore
from voicesim.testing.signals import SR, silence
from voicesim.testing.speech import Say, compose, render
from voicesim.transcribe import Transcriber


def test_warning_says_the_time_actually_left() -> None:
    assert warning_line(15) == "Fifteen seconds left."
    assert warning_line(6.7) == "Seven seconds left."  # rapid mode: a third of a 20-s limit
    assert warning_line(1) == "One second left."
    assert warning_line(25) == "Twenty-five seconds left."


def _words(spec: str, start: float = 10.0, step: float = 0.3) -> list[Word]:
    return [
        Word(t, start + i * step, start + i * step + 0.25, 0.9) for i, t in enumerate(spec.split())
    ]


def test_echo_of_the_warning_is_taken_out_and_nothing_else() -> None:
    words = _words("I left the old team. Fifteen seconds left. So we grew", start=8.0)
    cleaned = without_warning_echo(Transcript("", words), 9.0)
    assert cleaned.text == "I left the old team. So we grew"
    digits = _words("we 15 seconds left planned", start=9.0)
    assert without_warning_echo(Transcript("", digits), 9.0).text == "we planned"
    # Not near the warning, no warning given, or the speaker's own words: kept.
    assert without_warning_echo(Transcript("", words), 1.0).words == words
    assert without_warning_echo(Transcript("", words), None).words == words
    own = _words("two seconds later I left", start=9.0)
    assert without_warning_echo(Transcript("", own), 9.0).words == own


@pytest.mark.slow
def test_warning_heard_by_the_microphone_is_not_part_of_the_answer(
    tmp_path: Path, transcriber: Transcriber
) -> None:
    # The answer goes on while the warning plays through the speakers, and the microphone
    # hears it (rendered here in another voice, between two sentences of the answer).
    first = compose([Say("I led a small team and we finished the project early")]).audio
    echo = render("Ten seconds left.", voice="en-gb")
    second = compose([Say("then I left the old process behind")]).audio
    lead, gap = 0.5, 0.3
    audio = np.concatenate([first, silence(gap), echo, silence(gap), second, silence(4.0)])
    echo_at = lead + (len(first) / SR) + gap
    warn = 10.0
    listen = ListenSettings(
        endpoint=EndpointSettings(max_answer=echo_at - 0.1 + warn), warn_before_end=warn
    )
    mic = FileMicrophone(speed=0)
    mic.queue(audio, SR, lead_silence=lead)
    question = Question(
        id="q", text="Tell me about a project.", category="test", kind="behavioural",
        target_s=(2.0, 30.0), tip="Be brief.",
    )  # fmt: skip
    interview = Interview(
        [question],
        mode=get_mode("standard", count=1),
        speaker=SilentSpeaker(),
        mic=mic,
        store=SessionStore(tmp_path),
        transcriber_factory=lambda: transcriber,
        settings=PracticeSettings(listen=listen, spoken_feedback=False, follow_ups=False),
        reporter=Reporter(),
    )
    assert interview.run().status == "complete"
    (sid,) = [p.name for p in (tmp_path / "sessions").iterdir() if p.is_dir()]
    record = SessionStore(tmp_path).load(sid)
    (answer,) = record.answers
    assert answer.analysis is not None and answer.answer_audio
    heard, sr = sf.read(record.path / answer.answer_audio, dtype="float32")
    assert sr == SR
    raw = transcriber.transcribe(heard).text.lower()
    assert "seconds" in raw  # Whisper does write the echo into the recording's words
    text = answer.analysis.transcript.text.lower()
    assert "seconds" not in text
    assert "project" in text and "left the old process" in text


def test_closing_phrase_leaves_the_words() -> None:
    from voicesim.listen.endpoint import without_closing_phrase

    words = _words("We cut costs by ten percent. That's my answer.")
    kept, cut = without_closing_phrase(Transcript(" ".join(w.text for w in words), words))
    assert [w.text for w in kept.words] == ["We", "cut", "costs", "by", "ten", "percent."]
    assert cut == words[-3].start
    plain_answer = Transcript("We cut costs.", _words("We cut costs."))
    assert without_closing_phrase(plain_answer) == (plain_answer, None)


@pytest.mark.slow
def test_closing_phrase_is_not_in_the_answers_words_pace_or_length() -> None:
    from voicesim.analysis.pipeline import analyze_samples

    body = "We moved the billing system to the cloud in three months."
    with_phrase = compose([Say(body), Say("That's my answer.")])
    without = compose([Say(body)])
    t = Transcriber()
    a = analyze_samples(with_phrase.audio, SR, transcriber=t, rubric=load_rubric())
    b = analyze_samples(without.audio, SR, transcriber=t, rubric=load_rubric())
    assert "answer" not in a.transcript.text.lower()
    assert a.delivery.words == b.delivery.words
    # The phrase's second and a half is not speaking time: spans agree within a word's slack.
    assert a.delivery.speaking_span_s == pytest.approx(b.delivery.speaking_span_s, abs=0.35)
