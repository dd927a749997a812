"""Stage: words + signal → judged filled pauses. Recall-rich candidates, Whisper as judge.

The acoustic detector (filled_pauses.py) needs a stable, sustained vowel; on real recordings many
"uh"s are quiet, overlapped or fused into a word, and Whisper writes some of them as a
short real word ("right", "a", "yeah") stretched over the hum. Candidates are taken
generously from the frame features and the words (`filler_candidates`), and each is judged
by asking Whisper, on the candidate's audio alone, for one token after a prompt of fillers
(`judge_windows`); the ones it is unsure of are heard again in context (`filler_context`).
On the 11 real clips (prototype, scratch/pass2): candidates reach 17 of the 19 reference
fillers; judged at 0.5 they give 9 hits, 0 false.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from voicesim.analysis.acoustics import Frames
from voicesim.analysis.filler_candidates import MIN_CANDIDATE_S, Judged, candidates, judgeable
from voicesim.analysis.filler_context import SURE, context_scores, doubted, drawn_out, held_vowel
from voicesim.analysis.judge_windows import WindowScores, filler_probabilities
from voicesim.analysis.word_gaps import place_written
from voicesim.results import Filler, Word

if TYPE_CHECKING:
    from voicesim.transcribe import Transcriber

SPLIT_S = 0.6
"""A candidate this long is also judged from its middle: a filler fused to the tail of a
long word is otherwise preceded by the word in its window."""
THRESHOLD = 0.5
"""Judged a filled pause at this probability (round; chosen in all 11 leave-one-clip-out
folds of the prototype)."""


def judge(
    transcriber: Transcriber,
    samples: np.ndarray,
    frames: Frames,
    words: Sequence[Word],
    *,
    offset: float = 0.0,
    extra: Sequence[tuple[float, float]] = (),
    known: Sequence[tuple[float, float]] = (),
    scores: WindowScores | None = None,
) -> list[Judged]:
    """Candidates of these samples (block starting at ``offset`` s) with their scores.

    ``extra``: further spans to score (the detector's filled pauses, for its veto).
    ``known``: filled pauses Whisper wrote. A candidate overlapping either is not scored:
    a filled pause is already counted there, so decide() would not add it (on a rendered
    5-min answer that is 19 of 77 windows). ``scores``: windows of these samples already
    scored, and contexts already checked (see :class:`WindowScores`).
    """
    cands, wins, owner = plan(frames, words, extra=extra, known=known)
    got = filler_probabilities(transcriber, samples, wins, offset=offset, scores=scores)
    judged = scored(cands, owner, got)
    ask = [(j.start, j.end) if unsure(j) else None for j in judged]
    done = None if scores is None else scores.context
    found = context_scores(transcriber, samples, words, ask, offset=offset, known=done)
    return [replace(j, context=c) for j, c in zip(judged, found, strict=True)]


def scored(cands: Sequence[Judged], owner: Sequence[int], got: Sequence[float]) -> list[Judged]:
    """``plan``'s candidates, each with the best score of its windows (``got``, by ``owner``).
    Not rounded: a real clip's 0.49987, rounded to 0.500, passed THRESHOLD on one machine only."""
    best = [0.0] * len(cands)
    for k, s in zip(owner, got, strict=True):
        best[k] = max(best[k], s)
    return [replace(c, score=s) for c, s in zip(cands, best, strict=True)]


def unsure(j: Judged) -> bool:
    """True if j would be a filled pause, but the judge was not sure (filler_context.SURE)."""
    return (j.detector or j.score >= THRESHOLD) and j.score < SURE


def plan(
    frames: Frames,
    words: Sequence[Word],
    *,
    extra: Sequence[tuple[float, float]] = (),
    known: Sequence[tuple[float, float]] = (),
) -> tuple[list[Judged], list[tuple[float, float]], list[int]]:
    """What :func:`judge` scores: the candidates (unscored), their windows' spans (s) and
    the candidate each window belongs to."""
    taken = [*extra, *known]
    cands = [
        c for c in candidates(frames, words) if not any(c.start < b and a < c.end for a, b in taken)
    ]
    cands += _doubted_alone(cands, words, frames)
    cands += [Judged(a, b, 0.0, detector=True) for a, b in extra]
    wins: list[tuple[float, float]] = []
    owner: list[int] = []
    for k, c in enumerate(cands):
        wins.append((c.start, c.end))
        owner.append(k)
        if c.end - c.start >= SPLIT_S:
            wins.append(((c.start + c.end) / 2, c.end))
            owner.append(k)
    return cands, wins, owner


def _doubted_alone(cands: Sequence[Judged], words: Sequence[Word], frames: Frames) -> list[Judged]:
    """Each doubted word merged into a longer candidate, as a candidate of its own.

    A merged window can begin a second before the word (a voiced gap, then the word), and
    the judge hears the filler at a window's start: a real "um" written "and" (ES2003a
    20.6 s) scored 0.57 alone and 0.39 in its merged windows. Its own span also places it,
    so the checks that ask what word a span starts in (``held_vowel``) see that word. Only a
    word whose own span is ``filler_candidates.judgeable``, as it would have to be unmerged."""
    spans = {(c.start, c.end) for c in cands}
    own = {w.start: (round(w.start, 3), round(max(w.end, w.start + 0.1), 3)) for w in words}
    out: list[Judged] = []
    for c in cands:
        for t in c.words:
            span = own.get(t)
            if span is None or span in spans or span[1] - span[0] < MIN_CANDIDATE_S:
                continue
            if not judgeable(frames, *span, (t,)):  # breath or hiss: not worth a window
                continue
            spans.add(span)
            out.append(Judged(*span, 0.0, (t,)))
    return out


def decide(
    fillers: Sequence[Filler],
    judged: Sequence[Judged],
    *,
    veto: float | None = None,
    words: Sequence[Word] | None = None,
    placed: Sequence[Word] | None = None,
) -> list[Filler]:
    """The detector's fillers plus the judged filled pauses not already counted.

    A judged span scoring ≥ THRESHOLD is a filled pause unless one is counted there (not a
    discourse filler: "sort of" with the "hmm" in its "of"). With ``veto``, an acoustic
    filled pause whose own span Whisper judged under ``veto`` goes, as does one, or a judged
    span, whose context says a word drawn out, and an acoustic one its score and context
    both doubt (filler_context.doubted). Given the ``words``, an "oh" held (held_vowel) is
    no filled pause, and one Whisper wrote takes the hum in its gap (place_written;
    ``placed`` as in word_gaps.same_gap).
    """
    kept = [f for f in fillers if not _vetoed(f, judged, veto)]
    heard = [j for j in judged if j.score >= THRESHOLD and not drawn_out(j.context)]
    heard = [j for j in heard if j.detector or not held_vowel(j.start, j.score, words)]
    for j in heard:
        if any(f.kind == "filled_pause" and f.start < j.end and j.start < f.end for f in kept):
            continue
        kept.append(Filler("(filled pause)", j.start, j.end, "filled_pause", "acoustic"))
    if words is not None:
        kept = place_written(kept, heard, words, placed)
    return sorted(kept, key=lambda f: f.start)


def _vetoed(f: Filler, judged: Sequence[Judged], veto: float | None) -> bool:
    """True if f is an acoustic filled pause whose own span the judge scored under veto,
    or found a word drawn out in its context, or doubted both alone and in context.

    Its own span: a detector span judged over most of f. The judge scores the detector's
    spans of each block while the block's samples are at hand, and the measures run the
    detector again over the whole answer, with the whole answer's level threshold and the
    words kept after the silence check; the spans can then differ a little (a file of
    several blocks, a dropped word), and an exact match would let the filler through.
    """
    half = (f.end - f.start) / 2
    own = [j for j in judged if j.detector and min(j.end, f.end) - max(j.start, f.start) > half]
    if f.source != "acoustic" or not own:
        return False
    low = veto is not None and max(j.score for j in own) < veto
    return low or all(drawn_out(j.context) or doubted(j.score, j.context) for j in own)
