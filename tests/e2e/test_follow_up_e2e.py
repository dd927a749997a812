"""End to end: the interviewer's follow-up probe, through the private PulseAudio server.

``voicesim practice`` runs as a subprocess with stdin closed, on a one-question pack whose
question is behavioural and expects a story (``expects = ["car_structure"]``). The test plays
the candidate into the virtual microphone and listens to the virtual speaker, as
``test_practice_e2e`` does (its helpers are reused). What it proves:

- an answer with a situation and the candidate's own actions but no result is followed by
  one spoken follow-up, "What was the result — can you put a number on it?": heard on the
  speaker (transcribed back from the monitor) before a second "your turn" tone; the reply is
  stored as a second answer to the same question id, marked ``extra.follow_up``, and scored;
- an answer where only the team acts is asked "What did you do yourself?" the same way;
- an answer with a situation, own actions and a measurable result gets no follow-up.

``--no-follow-ups`` is tested without audio (tests/unit/test_practice_loop.py): each run here
costs over a minute of real-time playback.

The answer texts were checked with ``voicesim score - --question probe-delay --json``: the
structure criterion finds situation and actions in both, a result only in the complete one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.e2e.test_practice_e2e import (
    BLOCK,
    SR,
    Session,
    answer_audio,
    finish,
    play,
    stored_session,
    tone_blocks,
    wer,
    words_of,
)
from voicesim.interview.probes import ASK_OWN_ACTION, ASK_RESULT
from voicesim.scoring import story
from voicesim.testing.rig import PulseRig
from voicesim.transcribe import Transcriber

pytestmark = [pytest.mark.audio, pytest.mark.slow]

QUESTION_ID = "probe-delay"
PACK = f"""
[pack]
id = "probe"
title = "Follow-up probe test pack"

[[questions]]
id = "{QUESTION_ID}"
text = "Tell me about a time a project of yours fell behind."
category = "personnel_management"
kind = "behavioural"
target_s = [10, 40]
tip = "Say what you did and what came of it."
expects = ["car_structure"]
"""

NO_RESULT = "Last spring our project was late. I called every engineer and I changed the plan."
"""Situation in the past and two own actions, then nothing that came of them."""
REPLY = "We finished the project three weeks early."
"""The reply to the follow-up: an outcome with a figure (the scorer finds it as "3 weeks" too)."""
COMPLETE = f"{NO_RESULT} {REPLY}"
"""Situation, own actions and a measurable result, in that order: nothing to probe."""
NO_OWN_ACTION = (
    "Last spring our project was late. The team met every morning and the engineers "
    "changed the plan."
)
"""Only the team acts: the interviewer asks what the candidate did."""


def start(pulse: PulseRig, tmp: Path, *extra: str) -> Session:
    """Launch ``voicesim practice`` on the one-question probe pack, follow-ups on by default."""
    home, packs = tmp / "home", tmp / "packs"
    home.mkdir(exist_ok=True)
    packs.mkdir(exist_ok=True)
    (packs / "probe.toml").write_text(PACK)
    rec = pulse.speaker_recorder().start()
    env = {**os.environ, **pulse.env, "VOICESIM_HOME": str(home), "PYTHONFAULTHANDLER": "1"}
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "voicesim", "practice",
            "--packs-dir", str(packs), "--pack", "probe", "--count", "1",
            "--end-silence", "1.0", "--no-spoken-feedback", "--rate", "220",
            *extra,
        ],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env,
    )  # fmt: skip
    return Session(proc, rec, home, launched=time.monotonic())


def tone_count(audio: np.ndarray) -> int:
    """How many "your turn" tones the speaker played (runs under 0.5 s apart are one tone)."""
    starts = np.flatnonzero(tone_blocks(audio)) * BLOCK
    # An output underrun can split one tone into pieces; two tones are seconds apart.
    return int(starts.size and 1 + np.count_nonzero(np.diff(starts) > 0.5))


def structure(answer: dict) -> list[str]:
    """The structure criterion's evidence texts on a stored answer (its parts and what lacks)."""
    (found,) = (c for c in answer["analysis"]["score"]["criteria"] if c["id"] == "structure")
    return [e["text"] for e in found["evidence"]]


def spoken(transcriber: Transcriber, audio: np.ndarray, start: float, end: float) -> list[str]:
    """The words the speaker said between ``start`` and ``end`` (s of the monitor recording)."""
    part = audio[int(start * SR) : int(end * SR)].astype(np.float32)
    return words_of(transcriber.transcribe(part, verbatim=False).text)


def test_an_answer_without_a_result_is_probed_aloud_and_the_reply_stored(
    pulse: PulseRig, tmp_path: Path, transcriber: Transcriber
) -> None:
    session = start(pulse, tmp_path)
    session.wait_tone()  # the question
    play(pulse, answer_audio(NO_RESULT))
    session.wait_tone()  # the follow-up has been said
    play(pulse, answer_audio(REPLY))
    code, out, err = finish(session)
    assert code == 0, f"{out}\n{err}"
    audio = session.rec.samples  # type: ignore[attr-defined]

    # Between the first tone and the second the speaker said the follow-up, out loud.
    first, second = session.tones
    assert second.before_db > -45, session.tones
    heard = spoken(transcriber, audio, first.end, second.start)
    assert {"result", "number"} <= set(heard), heard
    assert tone_count(audio) == 2  # the follow-up was asked once, not again after the reply

    answers = stored_session(session.home)["answers"]
    assert [a["extra"]["asked"] for a in answers] == [
        "Tell me about a time a project of yours fell behind.",
        ASK_RESULT,
    ]
    assert [a["extra"]["follow_up"] for a in answers] == [False, True]
    assert [a["question"]["id"] for a in answers] == [QUESTION_ID, QUESTION_ID]
    for a, text in zip(answers, (NO_RESULT, REPLY), strict=True):
        assert not a["skipped"]
        assert wer(text, a["analysis"]["transcript"]["text"]) < 0.5  # what was played
        score = a["analysis"]["score"]
        assert score["question_id"] == QUESTION_ID and 0 <= score["overall"] <= 100
    # Asked because the scorer found own actions but no result; the reply gives one.
    first_parts, reply_parts = (structure(a) for a in answers)
    assert story.NO_RESULT in first_parts and story.NO_OWN_ACTION not in first_parts
    assert any(p.startswith("result:") for p in reply_parts), reply_parts
    folder = session.home / "sessions" / stored_session(session.home)["id"]
    assert (folder / answers[1]["question_audio"]).is_file()  # the follow-up as spoken
    assert (folder / answers[1]["answer_audio"]).is_file()


def one_answer_asked_once(
    pulse: PulseRig, tmp_path: Path, transcriber: Transcriber, text: str, *extra: str
) -> list[str]:
    """Play ``text`` as the only answer; check nothing more was asked and one answer is kept.

    Returns the structure criterion's evidence on the stored answer.
    """
    session = start(pulse, tmp_path, *extra)
    tone = session.wait_tone()
    play(pulse, answer_audio(text))
    code, out, err = finish(session)  # ends by itself: a probe would wait for a reply first
    assert code == 0, f"{out}\n{err}"
    audio = session.rec.samples  # type: ignore[attr-defined]
    assert tone_count(audio) == 1
    after = spoken(transcriber, audio, tone.end, len(audio) / SR)
    assert after and "result" not in after, after  # the closing line only, no follow-up
    (answer,) = stored_session(session.home)["answers"]
    assert answer["question"]["id"] == QUESTION_ID and answer["extra"]["follow_up"] is False
    assert wer(text, answer["analysis"]["transcript"]["text"]) < 0.5  # what was played
    return structure(answer)


def test_a_complete_story_is_not_probed(
    pulse: PulseRig, tmp_path: Path, transcriber: Transcriber
) -> None:
    parts = one_answer_asked_once(pulse, tmp_path, transcriber, COMPLETE)
    # Not probed because the scorer found every part (a probe-less run would also pass if the
    # live transcript lost the result: this makes that failure visible).
    assert any(p.startswith("result:") for p in parts), parts
    assert story.NO_RESULT not in parts and story.NO_OWN_ACTION not in parts


def test_an_answer_without_own_action_is_asked_what_you_did(
    pulse: PulseRig, tmp_path: Path, transcriber: Transcriber
) -> None:
    session = start(pulse, tmp_path)
    session.wait_tone()
    play(pulse, answer_audio(NO_OWN_ACTION))
    session.wait_tone()  # the follow-up has been said
    play(pulse, answer_audio("I called every engineer and I changed the plan."))
    code, out, err = finish(session)
    assert code == 0, f"{out}\n{err}"
    first, second = session.tones
    heard = spoken(transcriber, session.rec.samples, first.end, second.start)  # type: ignore[attr-defined]
    assert {"what", "you", "do", "yourself"} <= set(heard), heard
    answers = stored_session(session.home)["answers"]
    assert answers[1]["extra"]["asked"] == ASK_OWN_ACTION
    assert [a["extra"]["follow_up"] for a in answers] == [False, True]
    assert story.NO_OWN_ACTION in structure(answers[0])
