"""The decode's fallback: a window Whisper cannot decode plainly at temperature 0 is decoded
again after the verbatim prompt, before any sampling (DecodeOptions.fallback_prompt); Whisper
samples only where both decodes loop on speech, and then with a fixed seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from tests.support.paths import REPO
from voicesim import models
from voicesim.audio.files import load_audio
from voicesim.models import PromptedTemperature
from voicesim.testing.corpora.jfk import JFK_TEXT, shared_fixtures
from voicesim.testing.matching import content_wer
from voicesim.text import loop_start
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


def _decode_failing_every_check(
    transcriber: Transcriber, path: Path, monkeypatch: pytest.MonkeyPatch, **options: Any
) -> tuple[list[tuple[float, float, float]], list[Any]]:
    """The segments of ``path`` (one 30-s window at most) decoded with Whisper's check faked
    to fail every decode (the model is real), and each judged decode's (temperature, mean
    log-probability, compression ratio)."""
    judged: list[tuple[float, float, float]] = []

    def never_passes(decoded: tuple[Any, float, float, float], options: Any) -> bool:
        judged.append((decoded[2], decoded[1], decoded[3]))
        return False

    monkeypatch.setattr(models, "window_passes", never_passes)
    samples, _ = load_audio(path)
    decoded, _ = transcriber.model.transcribe(samples, **{**transcriber.decode_kwargs(), **options})
    return judged, list(decoded)


@pytest.mark.slow
def test_where_both_greedy_decodes_fail_without_looping_the_more_probable_is_kept(
    transcriber: Transcriber, jfk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Improbable but not a loop: the more probable of the two greedy decodes is kept, and
    # nothing is sampled (sampling made a file's words change from run to run).
    judged, segments = _decode_failing_every_check(transcriber, jfk_path, monkeypatch)
    assert all(ratio <= 2.4 for _, _, ratio in judged)  # jfk's text is no loop
    assert [t for t, _, _ in judged] == [0.0, 0.0]  # two greedy decodes, no sample
    best = max((0, 1), key=lambda i: judged[i][1])
    assert segments and all(s.temperature == 0.0 for s in segments)
    prompted = [isinstance(s.temperature, PromptedTemperature) for s in segments]
    assert prompted == [best == 1] * len(segments), (judged, best)
    assert content_wer(JFK_TEXT, transcriber.words_of(segments).words) == 0.0


@pytest.mark.slow
def test_where_both_greedy_decodes_loop_on_speech_whisper_samples(
    transcriber: Transcriber, jfk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every decode counts as a loop (compression threshold 0.5) and Whisper hears speech:
    # its sampling runs. Where every decode fails, as faster-whisper, the most probable of
    # faster-whisper's own decodes (not the prompted one) is kept with the last temperature
    # tried, so a high one resets the text carried on.
    judged, segments = _decode_failing_every_check(
        transcriber, jfk_path, monkeypatch, compression_ratio_threshold=0.5
    )
    assert [t for t, _, _ in judged[:2]] == [0.0, 0.0] and len(judged) == 3
    last = judged[2][0]
    assert last > 0  # sampled
    assert segments and all(s.temperature == last for s in segments)
    assert not any(isinstance(s.temperature, PromptedTemperature) for s in segments)
    assert content_wer(JFK_TEXT, transcriber.words_of(segments).words) <= 0.1


@pytest.mark.slow
def test_a_real_window_whisper_takes_for_silence_is_not_sampled(
    transcriber: Transcriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ES2003b (real meeting speech): in its second window, mostly silent, Whisper's no-speech
    # probability is 0.70 and both greedy decodes loop ("Okay. Okay. …"). That window was
    # sampled, and in one of four runs the sample added "You have to go to the desktop."
    # Now nothing is sampled (Whisper's real check, watched), and two decodes agree.
    temperatures: list[float] = []
    real = models.window_passes

    def watched(decoded: tuple[Any, float, float, float], options: Any) -> bool:
        temperatures.append(decoded[2])
        return real(decoded, options)

    monkeypatch.setattr(models, "window_passes", watched)
    path = shared_fixtures(REPO) / "real" / "ami" / "ES2003b_0-30.flac"
    samples, _ = load_audio(path)
    runs = []
    for _ in range(2):
        decoded, _ = transcriber.model.transcribe(samples, **transcriber.decode_kwargs())
        segments = list(decoded)
        runs.append([(w.text, w.start) for w in transcriber.words_of(segments).words])
    assert len(temperatures) >= 6 and set(temperatures) == {0.0}  # 2+ windows, 2 runs
    assert runs[0] == runs[1] and runs[0]


@pytest.mark.slow
def test_sampling_gives_the_same_words_in_every_run(jfk_path: Path) -> None:
    # The sampling that remains is seeded (models.DECODE_SEED): two fresh processes that
    # sample the same audio at temperature 1 write the same words. Unseeded, they differed.
    script = (
        "import sys\n"
        "from voicesim.audio.files import load_audio\n"
        "from voicesim.transcribe import Transcriber\n"
        "model = Transcriber().model\n"
        "samples, _ = load_audio(sys.argv[1])\n"
        "for _ in range(2):\n"
        "    segments, _ = model.transcribe(samples, language='en', temperature=1.0, beam_size=1)\n"
        "    print(' '.join(s.text for s in segments))\n"
    )
    outs = [
        subprocess.run(
            [sys.executable, "-c", script, str(jfk_path)],
            capture_output=True, text=True, check=True, timeout=120,
        ).stdout
        for _ in range(2)
    ]  # fmt: skip
    assert outs[0] == outs[1] and len(outs[0].splitlines()) == 2


def _segment(
    text: str,
    probability: float,
    temperature: float,
    *,
    ratio: float = 1.2,
    seek: int = 0,
    nsp: float = 0.2,
) -> SimpleNamespace:
    words = [
        SimpleNamespace(word=f" {w}", start=i * 0.4, end=i * 0.4 + 0.3, probability=probability)
        for i, w in enumerate(text.split())
    ]
    return SimpleNamespace(
        words=words, text=f" {text}", no_speech_prob=nsp, compression_ratio=ratio,
        temperature=temperature, seek=seek,
    )  # fmt: skip


@pytest.mark.slow
def test_filler_echoes_of_the_prompt_are_dropped_and_real_talk_is_kept(
    transcriber: Transcriber,
) -> None:
    # A prompted window that says nothing but unlikely "um"s and "yeah"s is the prompt
    # talking; the same words decoded plainly are a person ("Yeah, yeah, yeah." at p 0.2).
    # A backchannel is such a murmur too, though not a filled pause (text.is_murmur).
    echo = "Um, yeah, mm-hmm, um."
    assert transcriber.words_of([_segment(echo, 0.2, PromptedTemperature(0.0))]).words == []
    kept = transcriber.words_of([_segment(echo, 0.2, 0.0)]).words
    assert [w.text for w in kept] == ["Um,", "yeah,", "mm-hmm,", "um."]
    sure = transcriber.words_of([_segment(echo, 0.6, PromptedTemperature(0.0))]).words
    assert len(sure) == 4


def test_a_loop_starts_at_the_third_back_to_back_repeat_of_a_short_unit() -> None:
    def start(text: str) -> int | None:
        return loop_start(text.split(" "))

    assert start("Okay. Okay. okay") == 0
    assert start("I wonder how many Yeah, yeah, yeah, yeah,") == 4
    assert start("so the plan so the plan so the plan") == 0
    assert start("we then a b c d e f g h a b c d e f g h a b c d e f g h") == 2
    assert start("no, no, we did") is None  # said twice: no loop
    sentence = "and so my fellow Americans ask not what your country can do for you"
    assert start(f"{sentence} {sentence}") is None
    assert start(" ".join(["a b c d e f g h i"] * 3)) is None  # units over LOOP_UNIT_WORDS


@pytest.mark.slow
def test_a_repetitive_window_keeps_its_words_up_to_the_loop(transcriber: Transcriber) -> None:
    # Windows whose decodes failed Whisper's repetition check (compression ratio over 2.4)
    # and were kept, as faster-whisper keeps the best failed decode.
    def texts(*segments: SimpleNamespace) -> list[str]:
        return [w.text for w in transcriber.words_of(segments).words]

    twice = _segment(f"{JFK_TEXT} {JFK_TEXT}", 0.9, 0.0, ratio=2.54)  # its own ratio
    assert texts(twice) == f"{JFK_TEXT} {JFK_TEXT}".split()
    looped = [
        _segment("I wonder how many meetings.", 0.9, 0.0, ratio=6.1, seek=0),
        _segment("Yeah, yeah,", 0.8, 0.0, ratio=6.1, seek=0),
        _segment("yeah, " * 40, 0.8, 0.0, ratio=6.1, seek=0),
    ]
    assert texts(*looped) == ["I", "wonder", "how", "many", "meetings."]
    assert texts(_segment("Okay. " * 20, 0.8, 0.0, ratio=7.1)) == []
    # The loop left out of the segments: a decode compressing 9.5 times that shows two
    # "Okay."s (ES2003b as MP3) is dropped whole.
    hidden = [_segment("Okay.", 0.8, 0.0, ratio=9.5), _segment("Okay.", 0.8, 0.0, ratio=9.5)]
    assert texts(*hidden) == []
    # A loop in a window Whisper takes for silence is the decoder running on noise: it
    # goes whole, the words before the loop too.
    on_noise = [
        _segment("Thank you so much for watching and I'll", 0.4, 0.0, ratio=10.9, nsp=0.9),
        _segment("see you in the next video, " * 30, 0.9, 0.0, ratio=10.9, nsp=0.9),
    ]
    assert texts(*on_noise) == []
    on_speech = [SimpleNamespace(**{**vars(seg), "no_speech_prob": 0.5}) for seg in on_noise]
    assert texts(*on_speech) == ["Thank", "you", "so", "much", "for", "watching", "and", "I'll"]
    # A loop in one window leaves the next window's words alone.
    assert texts(
        _segment("Okay. " * 20, 0.8, 0.0, ratio=7.1, seek=0),
        _segment("Then we started.", 0.9, 0.0, ratio=1.3, seek=3000),
    ) == ["Then", "we", "started."]


@pytest.mark.slow
@pytest.mark.parametrize("times", [2, 3])
def test_a_sentence_said_again_is_transcribed_each_time(
    transcriber: Transcriber, jfk_path: Path, times: int
) -> None:
    # jfk.flac two and three times, back to back: every decode of the first window is
    # repetitive (compression ratio 2.5 and 3.3, over Whisper's 2.4), and plain
    # faster-whisper keeps its most probable one, which writes every sentence. voicesim
    # dropped the whole window ("no speech detected" for two); and with the window kept,
    # for three its words came from the prompted decode, which wrote the sentence 4 times.
    samples, _ = load_audio(jfk_path)
    words = transcriber.transcribe(np.concatenate([samples] * times)).words
    assert content_wer(" ".join([JFK_TEXT] * times), words) <= 0.1


@pytest.mark.slow
def test_the_decode_is_the_same_whatever_the_processor() -> None:
    # CTranslate2 takes Intel MKL on an Intel CPU and oneDNN on others, once, when it is
    # imported; the two decode a file differently (on an Intel Xeon ES2003b's last sentences
    # came out "What's your username?" three times with MKL, "Was it username…" with
    # oneDNN). voicesim sets oneDNN before anything imports CTranslate2, so a process that
    # imports voicesim decodes as one told CT2_USE_MKL=0; a user's own setting is kept.
    clip = shared_fixtures(REPO) / "real" / "ami" / "ES2003b_0-30.flac"
    script = (
        "import os, sys\n"
        "import voicesim\n"
        "from faster_whisper import WhisperModel\n"
        "from voicesim.models import resolve_model\n"
        "model = WhisperModel(resolve_model(None), device='cpu', compute_type='int8')\n"
        "segments, _ = model.transcribe(sys.argv[1], language='en')\n"
        "print(os.environ.get('CT2_USE_MKL'), ' '.join(s.text for s in segments))\n"
    )

    def decode(**env: str) -> str:
        clean = {k: v for k, v in os.environ.items() if k != "CT2_USE_MKL"}
        return subprocess.run(
            [sys.executable, "-c", script, str(clip)], env={**clean, **env},
            capture_output=True, text=True, check=True, timeout=120,
        ).stdout  # fmt: skip

    ours, told = decode(), decode(CT2_USE_MKL="0")
    assert ours.startswith("0 ") and ours == told
    assert decode(CT2_USE_MKL="1").startswith("1 ")  # the user's choice stands


SWITCHES = """
import os, sys
import numpy as np
from voicesim.audio.files import load_audio
from voicesim.models import resolve_model, whisper_model_class
from voicesim.transcribe import Transcriber

def switches():  # voluntary context switches of the process's threads so far
    total = 0
    for tid in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{tid}/status") as f:
            total += next(int(l.split()[1]) for l in f if l.startswith("voluntary_ctxt"))
    return total

if sys.argv[2] == "voicesim":
    model = Transcriber(threads=2).model
else:  # as plain faster-whisper loads it: in the main thread
    model = whisper_model_class()(resolve_model(None), device="cpu", compute_type="int8",
                                  cpu_threads=2)
samples, _ = load_audio(sys.argv[1])
before = switches()
segments, _ = model.transcribe(np.concatenate([samples] * 2), language="en", beam_size=1,
                               word_timestamps=True)
words = " ".join(s.text for s in segments).split()
print(switches() - before, len(words))
"""


@pytest.mark.skipif(
    len(os.sched_getaffinity(0)) >= 4, reason="libgomp throttles only with more threads than cores"
)
def test_the_decodes_openmp_threads_do_not_sleep_between_steps(jfk_path: Path) -> None:
    """The model is loaded in a thread that then ends (models.loaded_apart): loaded in the main
    thread, that thread's idle OpenMP team makes libgomp's threads outnumber the two cores,
    and the decode's threads then sleep after each step (thousands of context switches on
    jfk.flac twice over) instead of spinning. The same words either way. libgomp's own spin
    count here (voicesim sets a shorter one: see voicesim/__init__), so only the throttling
    differs."""
    env = {**os.environ, "GOMP_SPINCOUNT": "300000"}
    runs = {}
    for how in ("main thread", "voicesim"):
        out = subprocess.run(
            [sys.executable, "-c", SWITCHES, str(jfk_path), how],
            capture_output=True, text=True, check=True, timeout=120, env=env,
        ).stdout.split()  # fmt: skip
        runs[how] = (int(out[0]), int(out[1]))
    (main_switches, main_words), (switches, words) = runs["main thread"], runs["voicesim"]
    assert main_switches > 1000  # the probe can fail: the sleeping threads are seen
    assert switches * 10 < main_switches
    assert words == main_words > 40


SPIN = "import os, voicesim, ctranslate2; print(os.environ.get('GOMP_SPINCOUNT'))"


def test_voicesim_shortens_libgomps_spinning_unless_the_user_chose() -> None:
    """Set when voicesim is imported, before CTranslate2 loads libgomp (which reads it once)."""
    env = {k: v for k, v in os.environ.items() if k != "GOMP_SPINCOUNT"}
    for setting, expected in ((None, "300"), ("5000", "5000")):
        run_env = env if setting is None else {**env, "GOMP_SPINCOUNT": setting}
        out = subprocess.run(
            [sys.executable, "-c", SPIN], capture_output=True, text=True, env=run_env, check=True
        )
        assert out.stdout.strip() == expected
