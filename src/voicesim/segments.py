"""Stage: Whisper's segments → the words kept. What faster-whisper decodes is not all said:
on silence, noise and murmur Whisper makes up text ("Thank you.", a prompt's "um"s echoed,
"Okay. Okay. …" to its token limit). Here each 30-s window's segments are judged, and the
words of those that hold speech are kept (``Transcriber.words_of`` builds the transcript).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from voicesim.models import PromptedTemperature, likely_silent
from voicesim.text import compression_ratio, is_murmur, loop_start, plain

if TYPE_CHECKING:
    from voicesim.transcribe import DecodeOptions

_ECHO_WORDS = {"so", "well", "yeah"}
"""With the filled pauses, the words Whisper hallucinates alone from a filler-rich context."""
_HALLUCINATIONS = {"thank you", "thanks for watching", "thank you for watching", "you", "bye"}


def kept_words(segments: Iterable[Any], options: DecodeOptions) -> Iterator[list[Any]]:
    """The words of each segment kept: a window's decode cut where it starts going round in
    a loop, then the segments Whisper makes up on noise dropped.

    A window whose every decode failed Whisper's repetition check (its text compresses over
    ``compression_ratio_threshold``) is kept all the same by faster-whisper. Where its
    segments show the repetition (their own text compresses over the threshold too), the
    words stop where a loop starts (``loop_start``): a sentence said twice (jfk.flac twice
    compresses 2.51 times) and words said before a loop stay. Where they do not, the loop
    is in text faster-whisper left out of the segments (ES2003b as MP3: "Okay. Okay. …"
    compressing 9.5 times gave two segments, "Okay." and "Okay."), and the window goes.
    Dropping every such window had made jfk.flac said twice "no speech detected".
    A looping window Whisper also takes for silence (no-speech probability over
    ``no_speech_threshold``) goes whole: that is the decoder running on noise. On 10 s of
    rumble alone (a random walk at -30 dBFS, 2 seeds of 12) Whisper wrote "Thank you so much
    for watching and I'll see you in the next video, see you in the next video, …" at
    no-speech probability 0.90, and the words before the loop were kept.
    """
    threshold = options.compression_ratio_threshold
    for window in _windows(segments):
        pieces = [(seg, [w for w in (seg.words or []) if plain(w.word)]) for seg in window]
        if threshold is not None and window[0].compression_ratio > threshold:
            shown = compression_ratio("".join(seg.text for seg in window))
            silent = likely_silent(window[0].no_speech_prob, options)
            pieces = _before_loop(pieces) if shown > threshold and not silent else []
        for seg, seg_words in pieces:
            if seg_words and _keep_segment(seg, seg_words, options):
                yield seg_words


def _keep_segment(seg: Any, words: list[Any], opts: DecodeOptions) -> bool:
    """Reject the segments Whisper makes up on noise: likely no speech, or junk text."""
    mean_p = sum(float(w.probability) for w in words) / len(words)
    if likely_silent(seg.no_speech_prob, opts) and mean_p < opts.silent_segment_probability:
        return False
    if plain(seg.text) in _HALLUCINATIONS and mean_p < 0.8:
        return False
    # A segment of nothing but low-confidence filler echoes is the prompt talking; with
    # no prompt it is real talk ("Yeah, yeah, yeah, yeah." at p 0.20 on a real clip).
    echo = all(is_murmur(w.word) or plain(w.word) in _ECHO_WORDS for w in words)
    prompted = opts.verbatim_prompt or isinstance(seg.temperature, PromptedTemperature)
    return not (prompted and echo and mean_p < 0.3)


def _windows(segments: Iterable[Any]) -> Iterator[list[Any]]:
    """faster-whisper's segments grouped by the 30-s window they were decoded in (their
    ``seek``; the window's compression ratio is that of its whole decode)."""
    for _, window in itertools.groupby(segments, key=lambda seg: getattr(seg, "seek", None)):
        yield list(window)


def _before_loop(pieces: list[tuple[Any, list[Any]]]) -> list[tuple[Any, list[Any]]]:
    """A window's (segment, words) cut before the first word of its loop (if it has one)."""
    at = loop_start([w.word for _, seg_words in pieces for w in seg_words])
    if at is None:
        return pieces
    out = []
    for seg, seg_words in pieces:
        out.append((seg, seg_words[: max(at, 0)]))
        at -= len(seg_words)
    return out
