"""Noisy and odd speech: a transcript and measures still come out, with a quality warning.

An answer rendered with espeak-ng (known words) is mixed with babble (three other rendered
voices looped over each other) or a fan (low-pass filtered noise) at 10 dB average
speech-to-noise ratio, scaled to −40 dBFS, or driven into hard clipping. Each must still give
most of the words and finite measures, and say in ``Delivery.warnings`` that the recording
is poor — the numbers are not presented as fact. Clean speech and a faint fan (30 dB) are
the controls: no quality warning there.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from scipy.signal import butter, lfilter

from voicesim.scoring.rubric import Rubric
from voicesim.testing.signals import SR, silence
from voicesim.testing.speech import Composition, Say, compose, render
from voicesim.transcribe import Transcriber

pytestmark = pytest.mark.slow

ANSWER = (
    "I led the migration of our billing system to the new platform.",
    "We finished two weeks early and cut hosting costs by twenty percent.",
)
BABBLE = (
    ("The weather report says rain tomorrow in the north and sun in the south.", "en-gb"),
    ("Please bring the signed documents to the office before noon on Friday.", "en-us+f3"),
    ("Our quarterly meeting moved to the large room on the third floor.", "en-us+m5"),
    ("Trains to the airport leave every twenty minutes from platform nine.", "en-us+m2"),
)
QUALITY = ("noisy", "quiet", "clipped")


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.asarray(x, dtype=np.float64) ** 2)))


def speech_rms(x: np.ndarray) -> float:
    """RMS over the samples that are speech (espeak-ng's silence is digital zero)."""
    return rms(x[np.abs(x) > 0.003])


def at_snr(speech: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """speech + noise, the noise scaled so average speech RMS is snr_db over noise RMS."""
    gain = speech_rms(speech) / rms(noise) / 10 ** (snr_db / 20)
    return (speech + gain * noise).astype(np.float32)


def babble(n: int) -> np.ndarray:
    rng = np.random.default_rng(7)
    out = np.zeros(n)
    for text, voice in BABBLE:
        voice_audio = np.tile(render(text, voice=voice, wpm=170), n // 16000 + 2)[:n]
        out += np.roll(voice_audio, int(rng.integers(n)))
    return out.astype(np.float32)


def fan(n: int) -> np.ndarray:
    """Fan-like noise: white noise band-passed to 80–600 Hz (a hum and a rush of air)."""
    b, a = butter(2, [80 / (SR / 2), 600 / (SR / 2)], btype="band")
    rng = np.random.default_rng(3)
    return lfilter(b, a, rng.standard_normal(n)).astype(np.float32)


@pytest.fixture(scope="module")
def answer() -> Composition:
    comp = compose([Say(s) for s in ANSWER], wpm=150)
    comp.audio = np.concatenate([silence(0.5), comp.audio, silence(0.5)])
    return comp


Make = Callable[[np.ndarray], np.ndarray]
CASES: dict[str, tuple[Make, str | None]] = {
    "babble at 10 dB": (lambda x: at_snr(x, babble(len(x)), 10), "noisy"),
    "fan at 10 dB": (lambda x: at_snr(x, fan(len(x)), 10), "noisy"),
    "very quiet (-40 dBFS)": (lambda x: x * (10 ** (-40 / 20) / speech_rms(x)), "quiet"),
    "clipped (+18 dB into the rails)": (
        lambda x: np.clip(x * 8 / np.abs(x).max(), -1, 1).astype(np.float32),
        "clipped",
    ),
    "clean (control)": (lambda x: x, None),
    "fan at 30 dB (control)": (lambda x: at_snr(x, fan(len(x)), 30), None),
}


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]+", " ", text.lower()).split()


@pytest.mark.parametrize("case", list(CASES))
def test_poor_recordings_still_measure_and_warn(
    case: str, answer: Composition, transcriber: Transcriber, rubric: Rubric
) -> None:
    from voicesim.analysis.pipeline import analyze_samples

    make, expected = CASES[case]
    audio = make(answer.audio)
    result = analyze_samples(audio, SR, transcriber=transcriber, rubric=rubric)
    truth = set(words(" ".join(ANSWER)))
    heard = set(words(result.transcript.text))
    recall = len(truth & heard) / len(truth)
    d = result.delivery
    quality = [w for w in d.warnings if any(k in w for k in QUALITY)]
    print(f"\n{case}: recall {recall:.2f}, wpm {d.wpm}, warnings {d.warnings}")
    assert recall >= 0.6, result.transcript.text  # a transcript, mostly right
    assert d.words >= 10 and math.isfinite(d.wpm) and d.wpm > 0
    assert math.isfinite(d.articulation_rate)
    if expected is None:
        assert quality == [], d.warnings
    else:
        assert any(expected in w for w in quality), d.warnings


def test_analyze_prints_the_quality_warning(answer: Composition, tmp_path: Path) -> None:
    """The warning reaches the user of `voicesim analyze`, not only the JSON."""
    from tests.support.reliability import run_cli

    path = tmp_path / "fan.wav"
    sf.write(path, at_snr(answer.audio, fan(len(answer.audio)), 10), SR)
    done = run_cli("analyze", str(path), home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert "noisy" in (done.stdout + done.stderr).lower()
    as_json = run_cli("analyze", str(path), "--json", home=tmp_path / "home")
    assert as_json.returncode == 0, as_json.stderr
    assert "noisy" in as_json.stdout
