"""Where a filler sits among the spoken words: the gaps between Whisper's words, and the
words that have a place of their own in them.

Whisper writes what was said in order but times its words loosely: it stretches a word over
the hum beside it, stacks one on a neighbour, or puts one inside a silence. A filled pause it
wrote and a hum heard in the same gap are one filler (filled_pauses.merge_fillers,
filler_judge.decide); a word with a place of its own between them makes two.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

import numpy as np

from voicesim.analysis.acoustics import Frames
from voicesim.results import Filler, Word


class Span(Protocol):
    """Anything with a start and an end in seconds (a word, a filler, a candidate, a
    judged span)."""

    @property
    def start(self) -> float: ...

    @property
    def end(self) -> float: ...


def mid(f: Span) -> float:
    """The middle of a span, seconds."""
    return (f.start + f.end) / 2


def sounding_time(frames: Frames, threshold_db: float) -> Callable[[float, float], float]:
    """A function (a, b) → seconds of [a, b] whose level is over threshold_db."""
    loud = np.concatenate([[0], np.cumsum(frames.rms_db >= threshold_db)])

    def sounding(a: float, b: float) -> float:
        if b <= a:
            return 0.0
        i, j = frames.index(a), frames.index(b)
        return float(loud[j] - loud[i]) * frames.hop

    return sounding


def word_slots(words: Sequence[Word], *, min_s: float = 0.0) -> Callable[[float], int]:
    """Which gap between the spoken words a time falls in: the number of non-filler
    words (lasting at least ``min_s`` seconds) whose middle comes before it.

    Whisper writes what was said between two words in order, so a filled pause it wrote
    and a hum heard in the same gap are one event, and a hum on the far side of a word is
    another. Middles, not edges: Whisper stretches a word over the hum beside it ("see,"
    11.76–12.86 s over an "um" at 12.08–13.02 s on a real clip) and may give a word no
    duration at all.
    """
    mids = sorted(mid(w) for w in words if not w.filler and w.end - w.start >= min_s)
    return lambda t: bisect.bisect_left(mids, t)


PLACED_S = 0.04
"""A word Whisper gave less time than this (two of its 20-ms steps) has no place of its own:
the alignment stacked it on a neighbour. On a real clip, with the fillers spelt, "but, uh,"
came out at 16.42–16.44 and 16.44–16.44 s for a reference "but" 15.50–15.88 and "uh"
15.88–16.90 s. 14 % of the real set's words are that short (79 of 566, fillers spelt)."""


class Together(Protocol):
    """What :func:`same_gap` returns."""

    def __call__(self, a: Span, b: Span, *, counts: bool) -> bool: ...


def heard_words(
    words: Sequence[Word], frames: Frames, threshold_db: float, *, lag_s: float
) -> list[Word]:
    """The words the signal sounds in: some frame of the word's time, ``lag_s`` seconds
    earlier (Whisper's lag, analysis.word_times), over ``threshold_db``.

    A word Whisper put wholly inside a silence has no place of its own there: its sound is
    elsewhere. The demo's rendered "you know, and, um, they" came out with "and," at
    4.97–5.07 s inside a silence of 4.90–5.10 s (the "and" sounded at 4.36–4.56 s and the
    "um" at 4.60–4.88 s), so the hum heard at 4.70–4.92 s and the "um" written at 5.13 s
    were counted as two fillers across it.
    """
    sounding = sounding_time(frames, threshold_db)
    return [
        w for w in words if sounding(w.start - lag_s, max(w.end, w.start + frames.hop) - lag_s) > 0
    ]


def same_gap(words: Sequence[Word], placed: Sequence[Word] | None = None) -> Together:
    """``together(a, b, counts=...)``: whether two spans lie in the same gap between the
    spoken words (word_slots); with ``counts`` (``a`` is a hum that counts on its own),
    also across words with no place of their own: shorter than PLACED_S, or not among
    ``placed`` when given (heard_words)."""
    slot = word_slots(words)
    placed_slot = word_slots(words if placed is None else placed, min_s=PLACED_S)

    def together(a: Span, b: Span, *, counts: bool) -> bool:
        return slot(mid(a)) == slot(mid(b)) or (
            counts and placed_slot(mid(a)) == placed_slot(mid(b))
        )

    return together


MATE_S = 1.0
"""How far (s, middle to middle) an acoustic filled pause may lie from the "um" Whisper
wrote in the same gap between words for the two to be one filler (place_written)."""


def place_written(
    fillers: Sequence[Filler],
    heard: Sequence[Span],
    words: Sequence[Word],
    placed: Sequence[Word] | None = None,
) -> list[Filler]:
    """A filled pause Whisper wrote, with no judged span or acoustic filled pause of its
    own, takes the nearest acoustic filled pause in the same gap between words
    (same_gap) within MATE_S: that is where it sounds, not a second filler.

    Whisper's times for a written filler lag the hum or shrink to nothing: on a real clip
    "that, um, the need" had the "um" at 7.80–7.80 s for a reference "um" at 7.09–7.55 s,
    which the judge heard at 7.32–7.72 s. The two did not overlap, so each such "um" was
    counted twice. Other acoustic filled pauses in that gap stay further fillers, and one
    across a word with a time of its own from the written "um" is another filler.

    Whisper also stacks a run of fillers it wrote: an acted "Montreal, uh, uh, uh, uh, uh,
    uh, forced" (the Montreal Forced Aligner's test clip mfa_uhuh, one real speaker) came out
    with two "uh"s at 4.72 s and four at 5.36-5.46 s, each of 0-0.06 s, while the hums sound
    from 2.6 s on. A written filler stacked on one placed before it (on its span, or on the
    span heard under it), or with no time of its own (under PLACED_S), has no place of its
    own: it takes the nearest free acoustic filled pause anywhere in its gap. There, 8
    filled pauses for 6 became 6.
    """
    together = same_gap(words, placed)
    out = list(fillers)
    used: set[int] = set()
    prior: list[Filler] = []

    def overlap(a: Span, b: Span) -> bool:
        return a.start < b.end and b.start < a.end

    for i, f in enumerate(out):
        if f.kind != "filled_pause" or f.source != "transcript":
            continue
        spans = [j for j in heard if overlap(j, f)] + [
            g for g in out if g.source == "acoustic" and g.kind == "filled_pause" and overlap(g, f)
        ]
        stacked = any(overlap(p, f) or any(overlap(s, p) for s in spans) for p in prior)
        if spans and not stacked:
            prior.append(f)
            continue
        far = stacked or f.end - f.start < PLACED_S
        at = mid(f)
        mates = [
            k
            for k, g in enumerate(out)
            if k not in used
            and g.kind == "filled_pause"
            and g.source == "acoustic"
            and together(g, f, counts=True)
            and (far or abs(mid(g) - at) <= MATE_S)
        ]
        if mates:
            k = min(mates, key=lambda k: abs(mid(out[k]) - at))
            used.add(k)
            out[i] = replace(f, start=out[k].start, end=out[k].end)
        prior.append(out[i])
    return [f for k, f in enumerate(out) if k not in used]


TOUCH_S = 0.1
"""Filled pauses no further apart than this (s) in one gap between words are one
(join_touching): less than any silent pause (0.25 s), so no breath or stop lies between."""


def join_touching(fillers: Sequence[Filler], words: Sequence[Word]) -> list[Filler]:
    """A filled pause Whisper wrote and one heard that touch it (at most TOUCH_S apart) in
    the same gap between the spoken words, made one.

    One held "uhhh" whose spectrum shifts part-way is cut in two by the detector (where the
    spectrum jumps) and the judge's windows: on the Montreal Forced Aligner's test clip
    mfa_uh (one real speaker; its transcript "montreal uh forced aligner", with no silent
    pause from "Montreal" at 1.27 s to "forced" at 3.90 s) the detector's 1.55-2.27 s and
    the written "uh" placed on the judged 2.31-3.66 s counted as two. In the real sets'
    references no two fillers lie this close but one pair that the AMI reference cuts end
    to end (EN2001a's listener's "Hmm" 25.08-27.02 s and "Hmm" 27.02-27.44 s, neither
    found); the next are 0.46 s apart. Two that Whisper wrote are two: it heard two words.
    Two heard are two as well: the detector and the judge part them where the level dips or
    the spectrum jumps, and a rendered "uh, uh, um" said back to back (0.04 s apart,
    ``tests/unit/test_scoring_speech.py``) is three. The written one keeps its text and
    source (its word already counts the syllable)."""
    slot = word_slots(words)
    out: list[Filler] = []
    for f in sorted(fillers, key=lambda f: f.start):
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == f.kind == "filled_pause"
            and {prev.source, f.source} == {"acoustic", "transcript"}
            and f.start - prev.end <= TOUCH_S
            and slot(mid(prev)) == slot(mid(f))
        ):
            keep = prev if prev.source == "transcript" else f
            out[-1] = replace(keep, start=min(prev.start, f.start), end=max(prev.end, f.end))
        else:
            out.append(f)
    return out
