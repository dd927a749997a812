"""Closed-set scoring of a short utterance against phrases (voicesim.phrase_scores)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voicesim.audio.files import load_audio
from voicesim.phrase_scores import _best_ending
from voicesim.transcribe import Transcriber


def _steps(*rows: dict[int, float]) -> list[np.ndarray]:
    """Decoder steps over a 4-token vocabulary (3 = end of text), as log-probabilities."""
    out = []
    for row in rows:
        p = np.full(4, 1e-9)
        for token, prob in row.items():
            p[token] = prob
        out.append(np.log(p / p.sum()))
    return out


def test_a_reading_that_loops_is_worth_its_first_round() -> None:
    # Greedy read 1, 2, 1, 2 and stopped at the token limit; ending after "1 2" was the
    # most probable way to end: 0.9 * 0.8 * 0.5.
    steps = _steps({1: 0.9, 3: 0.1}, {2: 0.8, 3: 0.2}, {1: 0.5, 3: 0.5}, {2: 0.9, 3: 0.1})
    cut, logprob = _best_ending(steps, [1, 2, 1, 2], eot=3)
    assert cut == 2
    assert logprob == pytest.approx(np.log(0.9 * 0.8 * 0.5), abs=1e-6)


def test_an_empty_reading_is_the_best_when_ending_at_once_is_most_probable() -> None:
    steps = _steps({1: 0.3, 3: 0.7}, {3: 1.0})
    assert _best_ending(steps, [1], eot=3)[0] == 0


@pytest.mark.slow
def test_a_phrase_is_scored_as_the_reading_is(transcriber: Transcriber, jfk_path: Path) -> None:
    """Scored as a phrase, Whisper's own reading of the audio gets the log-probability its
    greedy decode gave it: the forced decode reads the same steps (and the end of text)."""
    samples, _ = load_audio(jfk_path)
    first = samples[: 4 * 16000]
    heard = transcriber.closest_phrase(first, [], within=0.0)
    assert "fellow americans" in heard.text.lower()
    again = transcriber.closest_phrase(first, [" " + heard.text, " Skip."], within=0.5)
    assert again.phrase == " " + heard.text
    assert again.phrase_logprob == pytest.approx(heard.logprob, abs=0.02)
    # An unrelated phrase is far less probable: out of reach even at a wide margin.
    assert transcriber.closest_phrase(first, [" Skip."], within=5.0).phrase is None
