"""One analysis, one truth: practice analyses the stored answer through analyze's pipeline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voicesim.analysis import pipeline
from voicesim.analysis.acoustics import frame_features
from voicesim.analysis.ahead import JudgeAhead
from voicesim.analysis.judge_windows import score_windows
from voicesim.analysis.pipeline import analyze_file
from voicesim.audio.capture import FileMicrophone
from voicesim.audio.files import load_audio
from voicesim.audio.speak import SilentSpeaker
from voicesim.interview import question
from voicesim.interview.modes import get_mode
from voicesim.interview.session import Interview, PracticeSettings, Reporter
from voicesim.listen.endpoint import EndpointSettings
from voicesim.listen.listener import ListenSettings, Turn
from voicesim.packs import find_question
from voicesim.scoring.rubric import load_rubric
from voicesim.sessions.store import SessionStore
from voicesim.testing.speech import SR, Fill, Gap, Say, compose
from voicesim.transcribe import Transcriber

# Every test here uses `practised`, which loads Whisper (a private Transcriber()): `slow`,
# so ``-m "not slow"`` skips them (tests/conftest.py); scripts/test still runs them.
pytestmark = pytest.mark.slow

QID = "proj-why-people-work"  # a projective question: a 5–20 s target, not 60–120 s


class _Keep(Reporter):
    """Keeps the turn as listening heard it (its live transcript)."""

    def __init__(self) -> None:
        self.turns: list[Turn] = []
        self.ended: list[str] = []
        self.computed: list[int] = []  # samples of each frame_features call of the pipeline
        self.ahead: list[JudgeAhead] = []  # the judge scoring ahead, one per answer
        self.transcriber: Transcriber | None = None

    def heard(self, turn: Turn) -> None:
        self.turns.append(turn)

    def analysing(self, ended_by: str) -> None:
        self.ended.append(ended_by)


@pytest.fixture(scope="module")
def practised(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Turn, _Keep]:
    home = tmp_path_factory.mktemp("one-truth")
    # Over 10 s before the last sentence: the judge scores ahead once the first 10-s chunk
    # of frame features is in.
    answer = compose(
        [Say("Most people work because they want their effort to matter to someone."),
         Gap(0.6), Fill("um"), Gap(0.6),
         Say("They want to see what their hands and their ideas changed by the end of a week."),
         Gap(0.8), Say("Money counts, but being trusted counts more."), Gap(0.8),
         Say("Being trusted with something hard is what keeps them."), Say("That's my answer.")]
    )  # fmt: skip
    mic = FileMicrophone(speed=2.0)  # time for the judge to score ahead, as live
    mic.queue(answer.audio, SR, lead_silence=0.8)
    transcriber = Transcriber()
    # librosa's first import and numba's first compiles (seconds in a fresh environment)
    # would otherwise fall inside the answer: the judge scores ahead only once the first
    # 10-s chunk of frames is in.
    frame_features(np.zeros(SR, dtype=np.float32), SR)
    keep = _Keep()
    interview = Interview(
        [find_question(QID, known_checks=load_rubric().check_names())],
        mode=get_mode("standard", count=1),
        speaker=SilentSpeaker(),
        mic=mic,
        store=SessionStore(home),
        transcriber_factory=lambda: transcriber,
        settings=PracticeSettings(
            listen=ListenSettings(endpoint=EndpointSettings(end_silence=6.0)), spoken_feedback=False
        ),
        reporter=keep,
    )
    # Practice measures the frames while the answer is spoken (FeatureStream); analyze
    # computes them from the stored file. Count the pipeline's own computations.
    computed: list[int] = []

    def counted(samples: object, sr: int, **kw: object) -> object:
        computed.append(len(samples))  # type: ignore[arg-type]
        return frame_features(samples, sr, **kw)  # type: ignore[arg-type]

    class Kept(JudgeAhead):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            keep.ahead.append(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "frame_features", counted)
        patch.setattr(question, "JudgeAhead", Kept)
        assert interview.run().status == "complete"
    keep.computed = computed
    keep.transcriber = transcriber
    (turn,) = keep.turns
    return home, turn, keep


def test_practice_stores_what_analyze_computes_from_the_stored_file(
    practised: tuple[Path, Turn, _Keep],
) -> None:
    home, turn, keep = practised
    record = SessionStore(home).load("last")
    (stored,) = record.answers
    assert stored.analysis is not None and stored.answer_audio
    assert keep.ended == ["phrase"]  # the screen said "analysing…" when the phrase ended it
    # Practice used the frames streamed while the answer was spoken: the pipeline never
    # computed the stored answer's (only the model warm-up's 2 s of noise, if any).
    samples = sf.info(str(record.path / stored.answer_audio)).frames
    assert samples > 5 * SR and samples not in keep.computed, keep.computed
    # The same file, question and words through analyze's pipeline (its frames computed
    # from the file and its filler judge's windows scored from it; practice's while the
    # answer was spoken): every measure and the score identical (the floats too — the
    # same code on the same samples).
    again = analyze_file(
        record.path / stored.answer_audio,
        transcriber=keep.transcriber,
        rubric=load_rubric(),
        question=find_question(QID, known_checks=load_rubric().check_names()),
        transcript=turn.transcript,
        response_latency_s=turn.speech_start_s,
    )
    assert again.to_dict() == stored.analysis.to_dict()
    text = stored.analysis.transcript.text.lower()
    assert "trusted" in text and "answer" not in text  # the closing phrase is not the answer
    assert [f.kind for f in stored.analysis.delivery.fillers] == ["filled_pause"]  # the "um"


def test_practice_scored_the_filler_judge_ahead_from_the_stored_samples(
    practised: tuple[Path, Turn, _Keep],
) -> None:
    home, _, keep = practised
    record = SessionStore(home).load("last")
    (ahead,) = keep.ahead
    assert ahead.scored > 0  # windows of the first sentence, scored while the rest was spoken
    # Every window scored ahead scores the same, bit for bit, cut from the stored file.
    samples, _ = load_audio(record.path / str(record.answers[0].answer_audio))
    scores = ahead.finish()
    assert len(scores) == ahead.scored
    assert keep.transcriber is not None
    for cut, score in scores.items():
        assert score_windows(keep.transcriber, samples, [cut]) == [score], cut


def test_analyze_question_judges_length_by_that_questions_target(
    practised: tuple[Path, Turn, _Keep],
) -> None:
    home, _, _ = practised
    record = SessionStore(home).load("last")
    flac = record.path / str(record.answers[0].answer_audio)
    env = {**os.environ, "VOICESIM_HOME": str(home), "COLUMNS": "200"}
    run = [sys.executable, "-m", "voicesim", "analyze", str(flac), "--question", QID]
    done = subprocess.run([*run, "--json"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    score = json.loads(done.stdout)["score"]
    (length,) = [c for c in score["criteria"] if c["id"] == "length"]
    assert "5–20 s" in length["evidence"][0]["text"]
    shown = subprocess.run(run, capture_output=True, text=True, env=env, timeout=300).stdout
    assert f"5–20 s (target of {QID})" in shown and "60–120" not in shown
