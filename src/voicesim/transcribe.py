"""Stage: speech → words. Offline Whisper transcription with word timings.

One loaded model (Transcriber) serves every decode: the analysed transcript (transcribe),
a stretch decoded live in one pass (transcribe_once), the quick decode of the last words
(quick_text) and a short utterance scored against the voice-command phrases
(closest_phrase, in voicesim.phrase_scores). The filler judge's one-token question to the
same model is in voicesim.analysis.judge_windows.
Where a window's plain decode fails Whisper's checks, the model decodes it again after a
verbatim prompt before it samples (DecodeOptions.fallback_prompt; the model class is
voicesim.models.whisper_model_class). Which of the decoded segments hold speech, and so
give words, is decided in voicesim.segments (the segment guards).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from voicesim import phrase_scores
from voicesim.audio import SAMPLE_RATE
from voicesim.errors import ModelError
from voicesim.models import (
    ALLOW_DOWNLOAD_ENV,
    hub_offline,
    loaded_apart,
    passes_checks,
    resolve_model,
    storage_view,
    whisper_model_class,
)
from voicesim.results import Transcript, Word
from voicesim.segments import kept_words
from voicesim.text import LOOP_RATIO

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

VERBATIM_PROMPT = "Umm, uh, like, you know, I mean, hmm."
"""A filler-rich prompt: Whisper copies the prompt's style, so it writes more of the
"um"/"uh" it otherwise drops (SPEC §2). Not before every window by default (see
DecodeOptions.verbatim_prompt); before a window whose plain decode failed, it is
(DecodeOptions.fallback_prompt)."""

QUICK_PAD_S = 1.5
"""Silence after the audio of a quick decode (``Transcriber.quick_text``), seconds."""
TOKENS_PER_S = 12.0
TOKEN_SLACK = 32
"""A bounded decode (``transcribe(..., bounded=True)``) writes at most this many tokens per
second of audio, plus the slack: about twice the densest real speech (4 words/s ≈ 6 tokens
with punctuation and timestamps). A decode that goes round in a loop ("er, er, er, …") ran
on to Whisper's 448-token limit, and each temperature fallback again: 4.6 s for one
7-s pass, 8.2 s for a 10-s stretch on a real clip's murmur (idle machine)."""


@dataclass(frozen=True)
class DecodeOptions:
    """How Whisper decodes: the knobs that matter for verbatim, non-hallucinating output."""

    beam_size: int = 5
    verbatim_prompt: str | None = None
    """Filler prompt (e.g. VERBATIM_PROMPT) given as hotwords; None by default: measured on
    the rendered sets it made Whisper write more "um"s but cost content words (non-filler
    WER 0.132/0.185 vs 0.131/0.175 plain) and, through temperature fallbacks, 1.3–2.3× the
    plain decode's CPU on a 2-min answer. Filled pauses come from the acoustic detector.
    A short prompt ("Um, uh, er, hmm.") was measured later: it brought the main set's
    pace errors under 5 % but was no better on a fresh set (5 of 8 within 5 % both), cost words
    on the held-out set (WER 0.194 vs 0.175) and, with fallbacks, 1.3–1.6× the time."""
    vad_filter: bool = False
    """Silero VAD before decoding. Off: on the rendered sets its cut-up chunks cost content
    words (non-filler WER 0.155 vs 0.131 plain); silence and noise are kept out by the
    segment guards and the signal-level check of the analysis instead."""
    condition_on_previous_text: bool = True
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    compression_ratio_threshold: float = LOOP_RATIO
    silent_segment_probability: float = 0.3
    """A segment Whisper gives a no-speech probability over ``no_speech_threshold`` is
    dropped when its words average under this probability: made up on silence or noise.
    A segment Whisper hears as speech is kept however unsure its words are (plain
    faster-whisper keeps it too).

    History, measured on the real set as a user's set-up changes it (``scripts/
    measure_analyze.py --conditions``): the first cut dropped every segment whose words
    averaged under 0.6, then 0.2; both dropped real short turns ("Yeah, yeah, yeah, yeah." at
    p 0.18, "No.", "Okay.") and, in noise, whole sentences Whisper marked likely silent
    (2026-12-02: at -12 dB content WER 0.413 → 0.406, plain's; pink noise 0.497 → 0.476).
    A floor of 0.1 on the words of any segment stayed until 2026-12-08. Of the 18 segments it
    dropped then (scratch ``s52/gather.py``: both real sets as recorded, the AMI clips in the
    seven conditions, both joined recordings), 14 held words of the reference: "No."
    (EN2002b, in five of the runs), "'Kay" (EN2006a, twice), the joined recording's "Okay.",
    "Right.", "Yeah.", "Okay.", and others, at p 0.008-0.088 and no-speech probability
    0.03-0.49. The other 4: the joined recording's two "Yeah."s and EN2002b's last "Okay." in
    pink noise and in the room, where the reference has "Oh".
    Without the floor (same day, every figure of ``--conditions``): the joined recording
    10/6/9 → 10/3/9 filled pauses and content WER 0.452 → 0.445, plain's; the clips as
    recorded and the second set unchanged (its joined recording's "thanks" is dropped as a
    word in silence: Whisper put it 0.37 s after its sound ended); pink noise, the room and 0.05 s
    of silence before 0.001-0.002 worse, -12, -3 and +1 dB and 0.13 s before 0.001-0.002
    better; MP3 one hit fewer (the ±0.3-s match of another speaker's "Right" beside
    EN2006a's "Hmm", once its "'Kay" stayed a word); -12 dB and -3 dB one false filled pause
    more (EN2002b's sound at 10.45-10.94 s that the reference has no word for and Whisper
    writes "Yep." in other conditions, counted once the kept "No." put it between words).
    No word on silence, white or pink noise at -20 to -50 dBFS, tones, or rumble
    (``segments.kept_words``)."""
    fallback_prompt: str | None = VERBATIM_PROMPT
    """Where a 30-s window's decode at temperature 0 fails Whisper's checks (repetitive or
    improbable text), the window is decoded again at temperature 0 after this prompt, in
    place of the text before it; if that fails too, Whisper samples (temperatures 0.2, 0.4,
    …) only where both decodes loop on speech, and otherwise the more probable decode is kept
    (models.whisper_model_class). None: Whisper's own fallback.
    Sampling is random, so a file's words changed from one run to the next, and on murmur
    or echo it cost the most time. Measured on the real set, faster-whisper alone, four runs
    each (2026-12-03): in a room (RT60 0.5 s) content WER 0.464–0.482 sampled, 0.458 in
    every run with the prompt (6 of 23 windows prompted, 1 still sampled), CPU 25–51 s
    against 24–37 s; in pink noise 0.463–0.472 against 0.463 every run; as recorded 0.389
    either way. The prompt before every window (``verbatim_prompt``) kept more words in
    noise still, but cost words and time on the rendered answers (see there)."""


class Transcriber:
    """Loads a Whisper model once and transcribes 16 kHz mono arrays with word timings."""

    def __init__(
        self,
        model: str | None = None,
        *,
        threads: int = 0,
        compute_type: str = "int8",
        options: DecodeOptions | None = None,
        allow_download: bool = False,
        workers: int = 1,
    ) -> None:
        """Load `model` (see resolve_model) on CPU with `compute_type` and `threads` (0 = auto).

        ``workers``: decodes that can run at once from different threads (CTranslate2
        replicas; on one device they share the weights). Listening live uses 2, so the quick
        decode of the last words never waits behind the decode of a stretch.

        A model name not already cached raises ModelError unless allow_download is set
        (or ``VOICESIM_ALLOW_DOWNLOAD=1``): nothing is fetched from the network by default.
        """

        allow_download = allow_download or os.environ.get(ALLOW_DOWNLOAD_ENV) == "1"
        self.model_ref = resolve_model(model)
        self.options = options or DecodeOptions()
        if not allow_download:
            hub_offline()
        try:
            # Lazy: faster_whisper pulls in ctranslate2 (seconds); only loading a model needs it.
            model_class = whisper_model_class()
            self._model = loaded_apart(  # the decodes' OpenMP threads then spin: see there
                lambda: model_class(
                    self.model_ref,
                    device="cpu",
                    compute_type=compute_type,
                    cpu_threads=threads,
                    num_workers=max(1, workers),
                    local_files_only=not allow_download,
                )
            )
            self._model.fallback_prompt = self.options.fallback_prompt
        except Exception as exc:
            if self.model_ref == model and not allow_download:
                raise ModelError(
                    f"cannot load Whisper model {model!r}: not a local CTranslate2 directory "
                    "and not already downloaded (voicesim never downloads at run time)"
                ) from exc
            raise ModelError(f"cannot load Whisper model {model or 'default'!r}: {exc}") from exc

    def closest_phrase(
        self,
        samples: np.ndarray,
        phrases: Sequence[str],
        *,
        within: float,
        floor: float = float("-inf"),
    ) -> phrase_scores.Heard:
        """Whisper's own reading of a short utterance and the most probable of ``phrases``
        within ``within`` of it, if at least ``floor`` (voicesim.phrase_scores)."""
        return phrase_scores.closest_phrase(self, samples, phrases, within=within, floor=floor)

    def quick_text(self, samples: np.ndarray, *, max_tokens: int = 92) -> str:
        """The words in a few seconds of 16 kHz audio, decoded fast (greedy, no timestamps).

        At most ``max_tokens`` text tokens: a caller decoding a short utterance passes a
        small bound, since Whisper may loop on one ("Next question. Next question. …",
        seen on a 1-s utterance, cost 0.4 s instead of 0.06 s).

        Whisper's encoder is run on a window just longer than the audio (at least 5 s), not
        on the usual 30 s: on this machine that cut a 3-s probe from 0.65 to 0.15 CPU-seconds,
        and it heard "That's my answer" as well or better (30 s of padding once made it hear
        "I'm a cloud in 3 months." instead). No prompt: priming Whisper with the closing
        phrases would make it hear them.
        """
        return self.quick_texts([samples], max_tokens=max_tokens)[0]

    def quick_texts(self, pieces: Sequence[np.ndarray], *, max_tokens: int = 92) -> list[str]:
        """``quick_text`` of several pieces, decoded as one batch (one encoder call)."""
        if not pieces:
            return []
        model = self._model
        longest = max(len(x) for x in pieces)
        seconds = min(30.0, max(5.0, longest / SAMPLE_RATE + QUICK_PAD_S))
        frames = int(seconds * 100)  # Whisper's mel frames are 10 ms
        feats = [phrase_scores.padded_mel(model.feature_extractor, x, frames) for x in pieces]
        encoded = model.model.encode(storage_view(np.stack(feats)), to_cpu=False)
        tokenizer = self.tokenizer()
        prompt = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
        results = model.model.generate(
            encoded, [prompt] * len(feats), beam_size=1, max_length=len(prompt) + max_tokens
        )
        texts = []
        for r in results:
            tokens = [t for t in r.sequences_ids[0] if t < tokenizer.eot]
            texts.append(str(tokenizer.decode(tokens)).strip())
        return texts

    @property
    def model(self) -> Any:
        """The loaded faster_whisper.WhisperModel."""
        return self._model

    def tokenizer(self) -> Any:
        """faster-whisper's English transcription tokenizer for the loaded model."""
        from faster_whisper.tokenizer import Tokenizer  # loaded with the model already

        model = self._model
        return Tokenizer(model.hf_tokenizer, model.model.is_multilingual, "transcribe", "en")

    def transcribe(
        self,
        samples: np.ndarray,
        *,
        offset: float = 0.0,
        verbatim: bool = True,
        prompt: str | None = None,
        bounded: bool = False,
    ) -> Transcript:
        """Transcribe 16 kHz mono float32 samples; word times in seconds plus `offset`.

        ``verbatim`` adds the filler prompt when the options carry one (off by default);
        False always decodes plain. ``prompt``: text said just before these samples (the
        previous block of a long file), given to Whisper as its initial prompt.
        ``bounded``: no more tokens per window than its audio could hold (TOKENS_PER_S),
        so a pass that loops ends early; for live decodes, where the wait is the user's.
        Silence, noise and tones give an empty transcript (VAD plus segment guards).
        """
        kwargs = self.decode_kwargs(verbatim=verbatim)
        segments = self._segments(samples, bounded, initial_prompt=prompt, **kwargs)
        return self.words_of(segments, offset=offset)

    def transcribe_once(
        self, samples: np.ndarray, *, offset: float = 0.0, bounded: bool = False
    ) -> Transcript | None:
        """``transcribe`` in one pass at temperature 0, or None where that pass would fall
        back to sampling (repetitive or improbable text).

        For a decode that may be thrown away (the live listener's drafts): on murmur or
        crosstalk the fallbacks took up to 8 s of a stretch's decode. When it returns a
        transcript, it is the one ``transcribe`` gives (its first pass is this one).
        """
        opts = self.options
        kwargs = {**self.decode_kwargs(), "temperature": 0.0}
        done = list(self._segments(samples, bounded, **kwargs))
        for seg in done:
            if not passes_checks(seg.no_speech_prob, seg.avg_logprob, seg.compression_ratio, opts):
                return None
        return self.words_of(done, offset=offset)

    def _segments(self, samples: np.ndarray, bounded: bool, **kwargs: Any) -> Iterable[Any]:
        """faster-whisper's segments of the samples (none for under 0.1 s of audio).

        ``bounded``: at most TOKENS_PER_S new tokens per second of audio (per 30-s window)
        plus TOKEN_SLACK, and 220 in all: the prompt (the window's previous text, or
        hotwords) is cut to 223 tokens, and prompt plus new tokens must fit in Whisper's 448.
        """
        if len(samples) < SAMPLE_RATE // 10:
            return []
        if bounded:
            seconds = min(30.0, len(samples) / SAMPLE_RATE)
            kwargs["max_new_tokens"] = min(220, int(TOKENS_PER_S * seconds) + TOKEN_SLACK)
        segments, _ = self._model.transcribe(np.asarray(samples, dtype=np.float32), **kwargs)
        return segments

    def words_of(self, segments: Iterable[Any], *, offset: float = 0.0) -> Transcript:
        """The transcript of faster-whisper segments, guarded; word times in s plus `offset`."""
        words: list[Word] = []
        for seg_words in kept_words(segments, self.options):
            words.extend(
                join_pieces(
                    Word(
                        w.word,
                        round(float(w.start) + offset, 3),
                        round(float(w.end) + offset, 3),
                        round(float(w.probability), 3),
                    )
                    for w in seg_words
                )
            )
        return Transcript(text=" ".join(w.text for w in words), words=words)

    def decode_kwargs(self, *, verbatim: bool = True) -> dict[str, Any]:
        """The keyword arguments of faster-whisper's ``transcribe`` this transcriber uses.

        The verbatim prompt goes in as ``hotwords``, which faster-whisper puts before every
        30-s window; an ``initial_prompt`` would reach only the first window of a call
        (with condition_on_previous_text off), so long audio would lose its fillers.
        """
        opts = self.options
        return {
            "language": "en",
            "beam_size": opts.beam_size,
            "word_timestamps": True,
            "vad_filter": opts.vad_filter,
            "vad_parameters": {"min_silence_duration_ms": 500, "speech_pad_ms": 200},
            "condition_on_previous_text": opts.condition_on_previous_text,
            "hotwords": opts.verbatim_prompt if verbatim else None,
            "no_speech_threshold": opts.no_speech_threshold,
            "log_prob_threshold": opts.log_prob_threshold,
            "compression_ratio_threshold": opts.compression_ratio_threshold,
        }


def join_pieces(raw: Iterable[Word]) -> list[Word]:
    """Words as written, from faster-whisper's words (text still carrying its leading space).

    faster-whisper starts a new word at every token that begins with a space, at a "-"
    token, and at a punctuation token: "a long-term plan" comes out as " long", "-term",
    and "7,000" as " 7", ",000" ("$2.5" as " $2", ".5"). Whisper wrote one word, so a piece
    that begins with "-", or with ",", "." or ":" and a digit after a word ending in a
    digit, is joined to the word before it: one word for pace, one number for its
    syllables, as in the text. A spaced dash (" -then") starts a word of its own. The texts
    returned are stripped.
    """
    out: list[Word] = []
    for w in raw:
        hyphen = w.text.startswith("-") and len(w.text) > 1
        number = bool(out and out[-1].text[-1:].isdigit() and _NUMBER_PIECE.match(w.text))
        if out and (hyphen or number):
            prev = out[-1]
            out[-1] = Word(
                prev.text + w.text,
                prev.start,
                w.end,
                min(prev.probability, w.probability),
            )
            continue
        out.append(Word(w.text.strip(), w.start, w.end, w.probability))
    return out


_NUMBER_PIECE = re.compile(r"^[,.:]\d")
"""The rest of a number faster-whisper split off at its punctuation (",000", ".5", ":30")."""
