"""The decode's fallback: a window Whisper cannot decode plainly at temperature 0 is decoded
again after the verbatim prompt, before any sampling (DecodeOptions.fallback_prompt)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from voicesim import models
from voicesim.audio.files import load_audio
from voicesim.models import PromptedTemperature
from voicesim.testing.corpora.jfk import JFK_TEXT
from voicesim.testing.matching import content_wer
from voicesim.text import plain
from voicesim.transcribe import Transcriber

# Whisper's defaults, as DecodeOptions passes them to faster-whisper.
OPTIONS = SimpleNamespace(
    compression_ratio_threshold=2.4, log_prob_threshold=-1.0, no_speech_threshold=0.6
)


def _decoded(avg_logprob: float, ratio: float, no_speech: float = 0.1) -> tuple[Any, ...]:
    return (SimpleNamespace(no_speech_prob=no_speech), avg_logprob, 0.0, ratio)


def test_a_window_passes_by_faster_whispers_own_rule() -> None:
    # faster-whisper's generate_with_fallback: fall back when the text compresses over 2.4
    # (it repeats) or its tokens average under -1.0 log-probability, except where Whisper
    # hears no speech (no-speech probability over 0.6 and improbable): silence is kept.
    assert models.window_passes(_decoded(-0.4, 1.6), OPTIONS)
    assert not models.window_passes(_decoded(-0.4, 2.6), OPTIONS)
    assert not models.window_passes(_decoded(-1.3, 1.6), OPTIONS)
    assert models.window_passes(_decoded(-1.3, 1.6, no_speech=0.9), OPTIONS)
    assert not models.window_passes(_decoded(-0.4, 2.6, no_speech=0.9), OPTIONS)  # probable


@pytest.mark.slow
def test_clean_speech_is_decoded_plainly(transcriber: Transcriber, jfk_path: Path) -> None:
    samples, _ = load_audio(jfk_path)
    segments, _ = transcriber.model.transcribe(samples, **transcriber.decode_kwargs())
    temperatures = [s.temperature for s in segments]
    assert temperatures == [0.0] * len(temperatures) != []
    assert not any(isinstance(t, PromptedTemperature) for t in temperatures)


@pytest.mark.slow
def test_a_window_whose_plain_decode_fails_is_decoded_after_the_prompt(
    transcriber: Transcriber, jfk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The check fails the first pass only (a fake for the check; the model is real): the
    # window is decoded again at temperature 0 after the prompt, and nothing is sampled.
    judged: list[float] = []
    real = models.window_passes

    def first_fails(decoded: tuple[Any, float, float, float], options: Any) -> bool:
        judged.append(decoded[2])
        return len(judged) > 1 and real(decoded, options)

    monkeypatch.setattr(models, "window_passes", first_fails)
    samples, _ = load_audio(jfk_path)
    decoded, _ = transcriber.model.transcribe(samples, **transcriber.decode_kwargs())
    segments = list(decoded)
    assert judged == [0.0, 0.0] and isinstance(judged[1], PromptedTemperature)
    assert segments and all(isinstance(s.temperature, PromptedTemperature) for s in segments)
    words = transcriber.words_of(segments).words
    assert content_wer(JFK_TEXT, words) == 0.0  # every word, and none of the prompt's


@pytest.mark.slow
def test_where_every_decode_fails_the_most_probable_is_kept_with_the_last_temperature(
    transcriber: Transcriber, jfk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As faster-whisper: the most probable decode that is not repetitive, reported with the
    # last temperature tried, so a high one resets the text carried to the next window.
    # (The check is faked to fail everything here; faster-whisper's own sampling loop still
    # stops at the first sample its own check passes.)
    judged: list[tuple[float, float, float]] = []

    def never_passes(decoded: tuple[Any, float, float, float], options: Any) -> bool:
        judged.append((decoded[2], decoded[1], decoded[3]))
        return False

    monkeypatch.setattr(models, "window_passes", never_passes)
    samples, _ = load_audio(jfk_path)  # 11 s: one window
    decoded, _ = transcriber.model.transcribe(samples, **transcriber.decode_kwargs())
    segments = list(decoded)
    assert [t for t, _, _ in judged[:2]] == [0.0, 0.0] and len(judged) == 3
    last = judged[2][0]
    assert last > 0  # sampled
    fine = [i for i, (_, _, ratio) in enumerate(judged) if ratio <= 2.4] or [0, 1, 2]
    best = max(fine, key=lambda i: judged[i][1])
    assert segments and all(s.temperature == last for s in segments)
    prompted = [isinstance(s.temperature, PromptedTemperature) for s in segments]
    assert prompted == [best == 1] * len(segments), (judged, best)


@pytest.mark.slow
def test_a_decode_primed_by_its_caller_keeps_its_prompt_when_it_falls_back(
    transcriber: Transcriber, jfk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A voice command is decoded after the words it may be; the verbatim prompt must not
    # replace them. The check is never asked: Whisper's own fallback runs.
    judged: list[float] = []

    def never_passes(decoded: tuple[Any, float, float, float], options: Any) -> bool:
        judged.append(decoded[2])
        return False

    monkeypatch.setattr(models, "window_passes", never_passes)
    samples, _ = load_audio(jfk_path)
    text = transcriber.decode_prompted(samples[: 5 * 16000], "And so, my fellow Americans.")
    assert judged == []
    assert "my fellow americans" in plain(text)


def _segment(text: str, probability: float, temperature: float) -> SimpleNamespace:
    words = [
        SimpleNamespace(word=f" {w}", start=i * 0.4, end=i * 0.4 + 0.3, probability=probability)
        for i, w in enumerate(text.split())
    ]
    return SimpleNamespace(
        words=words, text=f" {text}", no_speech_prob=0.2, compression_ratio=1.2,
        temperature=temperature,
    )  # fmt: skip


@pytest.mark.slow
def test_filler_echoes_of_the_prompt_are_dropped_and_real_talk_is_kept(
    transcriber: Transcriber,
) -> None:
    # A prompted window that says nothing but unlikely "um"s and "yeah"s is the prompt
    # talking; the same words decoded plainly are a person ("Yeah, yeah, yeah." at p 0.2).
    echo = "Um, yeah, yeah, um."
    assert transcriber.words_of([_segment(echo, 0.2, PromptedTemperature(0.0))]).words == []
    kept = transcriber.words_of([_segment(echo, 0.2, 0.0)]).words
    assert [w.text for w in kept] == ["Um,", "yeah,", "yeah,", "um."]
    sure = transcriber.words_of([_segment(echo, 0.6, PromptedTemperature(0.0))]).words
    assert len(sure) == 4
