"""Score an analysis against a rendered answer's truth or a real recording's reference:
fillers, pauses, words.

Shared by the tests and ``scripts/measure_analyze.py`` so both count a hit the same way.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

import jiwer
import numpy as np

from voicesim.results import Filler, Pause, Word
from voicesim.testing.speech import TrueFiller
from voicesim.text import is_murmur, plain


def match_fillers(
    truth: Sequence[TrueFiller], found: Sequence[Filler], *, tol_s: float = 0.3
) -> tuple[int, int, int]:
    """(true positives, false positives, misses): one-to-one, centres within tol_s seconds."""
    free = list(found)
    tp = 0
    for t in truth:
        mid = (t.start + t.end) / 2
        near = [f for f in free if abs((f.start + f.end) / 2 - mid) <= tol_s]
        if near:
            free.remove(min(near, key=lambda f: abs((f.start + f.end) / 2 - mid)))
            tp += 1
    return tp, len(free), len(truth) - tp


def pause_errors(
    truth: Sequence[tuple[float, float]], found: Sequence[Pause], *, min_s: float = 0.5
) -> list[tuple[float, float] | None]:
    """For each true pause ≥ min_s: (start error, end error) in seconds, or None if missed."""
    out: list[tuple[float, float] | None] = []
    for a, b in truth:
        if b - a < min_s:
            continue
        hits = [p for p in found if p.start < b and a < p.end]
        if not hits:
            out.append(None)
            continue
        p = max(hits, key=lambda p: min(p.end, b) - max(p.start, a))
        out.append((abs(p.start - a), abs(p.end - b)))
    return out


Span = tuple[float, float]
"""A stretch of time as (start s, end s)."""


def gaps(spans: Sequence[Span], *, min_s: float = 0.25) -> list[Span]:
    """The stretches of at least ``min_s`` seconds between ``spans`` (in any order, possibly
    overlapping: several speakers' words) where none of them lies."""
    out: list[Span] = []
    ordered = sorted(spans)
    if not ordered:
        return out
    reach = ordered[0][1]
    for start, end in ordered[1:]:
        if start - reach >= min_s:
            out.append((reach, start))
        reach = max(reach, end)
    return out


def _covered(span: Span, by: Sequence[Span]) -> float:
    """The share of ``span`` that ``by`` (not overlapping each other) covers, 0–1."""
    a, b = span
    inside = sum(max(0.0, min(b, y) - max(a, x)) for x, y in by)
    return inside / (b - a) if b > a else 0.0


def pause_agreement(
    truth: Sequence[Span], found: Sequence[Span], within: Span, *, min_s: float = 0.5
) -> dict[str, Any]:
    """How a system's pauses agree with the true ones on a real recording, where neither side's
    edges are exact (a reference's word times, a threshold on the signal).

    Only pauses of at least ``min_s`` that lie within ``within`` (the stretch both sides
    speak to) count. A true pause is found when the system's pauses cover at least half of
    it (a breath that splits it in two still finds it); a system pause is true when the true
    pauses (``truth``, any length) cover at least half of it. Returns the counts ``truth``,
    ``found``, ``reported``, ``true`` and ``errors``: (start, end) of the found pauses, system
    minus truth, from the system pause that overlaps each most."""
    lo, hi = within
    long_truth = [t for t in truth if t[1] - t[0] >= min_s and lo <= t[0] and t[1] <= hi]
    reported = [f for f in found if f[1] - f[0] >= min_s and lo <= f[0] and f[1] <= hi]
    errors: list[Span] = []
    for t in long_truth:
        if _covered(t, found) >= 0.5:
            best = max(found, key=lambda f: min(f[1], t[1]) - max(f[0], t[0]))
            errors.append((best[0] - t[0], best[1] - t[1]))
    true = sum(_covered(f, truth) >= 0.5 for f in reported)
    return {
        "truth": len(long_truth),
        "found": len(errors),
        "reported": len(reported),
        "true": true,
        "errors": errors,
    }


def spoken_tokens(text: str) -> list[str]:
    """A reference's or a system's text as plain tokens without murmurs (filled pauses and
    backchannels: "um", "mhm"; "mm-hmm" falls apart into "mm" and "hmm"). AMI spells
    letters as "N_E_Z_": the underscores become spaces."""
    return [t for t in plain(text.replace("_", " ")).split() if not is_murmur(t)]


TimedWord = tuple[str, float, float]
"""A word as (text, start s, end s)."""

SpokenSpan = tuple[str, float, float]
"""A reference word or filler as (speaker, start s, end s)."""


def said_alone(fillers: Sequence[SpokenSpan], words: Sequence[SpokenSpan]) -> list[bool]:
    """For each reference filler: True when no word of another speaker overlaps it, as an
    interview answer's fillers are said. A word that only touches it (one ends as the other
    starts) does not overlap."""
    return [
        not any(who != speaker and start < end and stop > begin for who, start, stop in words)
        for speaker, begin, end in fillers
    ]


def word_time_errors(
    reference: Sequence[TimedWord], found: Sequence[TimedWord]
) -> list[tuple[float, float]]:
    """(start error, end error) in seconds, found minus reference, of each found word that
    matches a reference word by its plain text. Words are paired along the longest matching
    runs, in order (difflib); filled pauses and punctuation-only tokens are left out."""

    def key(text: str) -> str:
        return " ".join(spoken_tokens(text))

    ref = [w for w in reference if key(w[0])]
    hyp = [w for w in found if key(w[0])]
    runs = difflib.SequenceMatcher(
        a=[key(w[0]) for w in ref], b=[key(w[0]) for w in hyp], autojunk=False
    ).get_matching_blocks()
    return [
        (hyp[r.b + k][1] - ref[r.a + k][1], hyp[r.b + k][2] - ref[r.a + k][2])
        for r in runs
        for k in range(r.size)
    ]


def content_wer(reference: str, words: Sequence[Word]) -> float:
    """Word error rate of the non-filler words against a reference (case, punctuation ignored)."""
    hyp = " ".join(plain(w.text) for w in words if not w.filler)
    return float(jiwer.wer(plain(reference), hyp or "<empty>"))


def f1_draws(
    per_clip: Sequence[tuple[int, int, int]], *, draws: int = 10_000, seed: int = 0
) -> np.ndarray:
    """The pooled F1 of ``per_clip`` (tp, fp, fn) counts over the clips drawn again with
    replacement, ``draws`` times: a clip bootstrap. Clips, not fillers, are drawn, because
    a clip's fillers share its speakers, microphone and room. F1 = 2·tp / (2·tp + fp + fn),
    0 for a draw with nothing in it.

    The draws depend only on ``seed``, ``draws`` and the number of clips, so two systems'
    arrays from the same clips are paired draw by draw: their difference is a paired
    bootstrap of the difference in F1.
    """
    counts = np.asarray(per_clip, dtype=np.int64).reshape(-1, 3)
    if len(counts) == 0:
        raise ValueError("f1_draws needs at least one clip")
    rng = np.random.default_rng(seed)
    pooled = counts[rng.integers(0, len(counts), size=(draws, len(counts)))].sum(axis=1)
    tp, fp, fn = pooled.T
    total = 2 * tp + fp + fn
    return np.where(total > 0, 2 * tp / np.maximum(total, 1), 0.0)


def interval(values: np.ndarray, level: float = 0.90) -> tuple[float, float]:
    """The central ``level`` percentile interval of bootstrap ``values``."""
    tail = (1.0 - level) / 2 * 100
    lo, hi = np.percentile(values, [tail, 100 - tail])
    return float(lo), float(hi)
