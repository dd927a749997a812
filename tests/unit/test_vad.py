"""Voice activity: the streaming Silero VAD hears speech, not fans or keyboards."""

from __future__ import annotations

import numpy as np
import pytest

from voicesim.listen.vad import FRAME, SileroVAD, SpeechGate, speech_regions
from voicesim.testing.signals import SR, brown_noise, keyboard_clicks, pink_noise, silence
from voicesim.testing.speech import render


@pytest.fixture(scope="module")
def vad() -> SileroVAD:
    return SileroVAD()


def test_speech_region_matches_where_the_speech_was_put(vad: SileroVAD) -> None:
    speech = render("I led the migration of our billing system in three months.")
    audio = np.concatenate([silence(1.0), speech, silence(1.0)])
    regions = speech_regions(audio, vad=vad)
    assert len(regions) == 1
    start, end = regions[0]
    assert start == pytest.approx(1.0, abs=0.1)
    assert end == pytest.approx(1.0 + len(speech) / SR, abs=0.15)


@pytest.mark.parametrize(
    "noise", [brown_noise(6.0), pink_noise(6.0), keyboard_clicks(6.0)], ids=["fan", "pink", "keys"]
)
def test_noise_alone_is_not_speech(vad: SileroVAD, noise: np.ndarray) -> None:
    assert np.sqrt(np.mean(noise**2)) > 0.01  # loud enough that an energy gate would open
    assert speech_regions(noise, vad=vad) == []


def test_speech_over_a_fan_is_still_found(vad: SileroVAD) -> None:
    speech = render("We cut the deploy time in half.")
    audio = np.concatenate([silence(1.0), speech, silence(1.0)])
    audio = audio + brown_noise(len(audio) / SR, level_dbfs=-32.0)
    regions = speech_regions(audio, vad=vad)
    assert len(regions) == 1
    assert regions[0][0] == pytest.approx(1.0, abs=0.15)


def test_frame_size_is_enforced(vad: SileroVAD) -> None:
    with pytest.raises(ValueError):
        vad.prob(np.zeros(FRAME + 1, dtype=np.float32))


def test_gate_needs_a_run_of_speech_frames_and_has_hysteresis() -> None:
    gate = SpeechGate(on=0.5, off=0.35, min_speech_s=0.096)  # three frames
    assert [gate.update(p) for p in (0.9, 0.1, 0.9, 0.9)] == [False, False, False, False]
    assert gate.update(0.9) is True
    assert gate.update(0.4) is True  # between off and on: still speech
    assert gate.update(0.2) is False
