"""Speaking: pyttsx3 renders, sounddevice plays, and the virtual speaker hears it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from voicesim.audio.speak import SilentSpeaker, TTSSpeaker, tone_samples
from voicesim.errors import UserError
from voicesim.testing.rig import PulseRig

WINDOW = 0.05  # seconds per energy window


def _energy(samples: np.ndarray, sr: int = 16000) -> np.ndarray:
    n = int(WINDOW * sr)
    frames = samples[: len(samples) // n * n].reshape(-1, n)
    return np.sqrt(np.mean(frames**2, axis=1))


def test_render_gives_speech_of_plausible_length() -> None:
    speaker = SilentSpeaker(rate=170)
    audio = speaker.render("Tell me about a time you led a project.")
    seconds = len(audio) / speaker.sample_rate
    # 8 words at 170 wpm is about 2.8 s; espeak adds a short end pause.
    assert 1.5 < seconds < 5.0
    assert float(np.abs(audio).max()) > 0.1


def test_rendering_leaves_nothing_in_the_temp_folder(tmp_path: Path) -> None:
    # Each process that spoke used to leave a voicesim-tts-* folder with its last question.
    code = (
        "from voicesim.audio.speak import SilentSpeaker\n"
        "s = SilentSpeaker()\n"
        "assert len(s.render('One question.')) > 0 and len(s.render('And another.')) > 0\n"
    )
    env = dict(os.environ, TMPDIR=str(tmp_path))
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    assert list(tmp_path.iterdir()) == []


def test_rate_and_volume_change_the_rendering() -> None:
    slow = SilentSpeaker(rate=120).render("This sentence is spoken at two speeds.")
    fast = SilentSpeaker(rate=260).render("This sentence is spoken at two speeds.")
    assert len(slow) > 1.5 * len(fast)
    loud = SilentSpeaker(volume=1.0).render("Volume check.")
    quiet = SilentSpeaker(volume=0.25).render("Volume check.")
    assert np.abs(quiet).max() == pytest.approx(0.25 * np.abs(loud).max(), rel=0.05)


def test_voices_are_listed_and_unknown_voice_is_a_user_error() -> None:
    speaker = SilentSpeaker()
    languages = {v.language for v in speaker.voices()}
    assert {"en-us", "en-gb"} <= languages
    british = speaker.render("Hello there.", voice="en-gb")
    assert len(british) > 0
    with pytest.raises(UserError):
        speaker.render("Hello there.", voice="no-such-voice")


@pytest.mark.audio
def test_question_is_heard_on_the_speaker_monitor(pulse: PulseRig) -> None:
    speaker = TTSSpeaker(rate=170)
    with pulse.speaker_recorder() as rec:
        time.sleep(0.6)
        said_at = time.monotonic() - rec.started
        played = speaker.say("Tell me about a time you disagreed with your manager.")
        done_at = time.monotonic() - rec.started
        time.sleep(0.6)
    energy = _energy(rec.samples)
    t = np.arange(len(energy)) * WINDOW
    loud = t[energy > 0.02]
    assert energy[t < said_at - 0.1].max(initial=0.0) < 0.005, "sound before the question"
    assert loud.size > 0, "nothing reached the speaker"
    # The played audio lasts len(played)/sr seconds and lands between say() and its return.
    assert loud[0] >= said_at - 0.1
    assert loud[-1] <= done_at + 0.3
    assert loud[-1] - loud[0] > 0.7 * len(played) / speaker.sample_rate - 0.5


@pytest.mark.audio
def test_tone_is_heard(pulse: PulseRig) -> None:
    speaker = TTSSpeaker()
    with pulse.speaker_recorder() as rec:
        time.sleep(0.4)
        speaker.tone()
        time.sleep(0.4)
    energy = _energy(rec.samples)
    tone_s = len(tone_samples(speaker.sample_rate)) / speaker.sample_rate
    assert (energy > 0.05).sum() * WINDOW == pytest.approx(tone_s, abs=0.1)
