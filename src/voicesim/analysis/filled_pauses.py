"""Stage: signal + words → filled pauses nobody wrote down (SPEC §2).

Whisper drops most "um"s (a filler prompt recovers some but costs content words and time,
so the decode is plain) and stretches its neighbours' timestamps over them. A stretch of
sustained voicing (0.18–1.5 s, cut where the spectrum jumps) with a stable spectrum, that
no transcribed word accounts for, is a filled pause; a short word Whisper wrote over one
("and" for an "uh") is that filler. ``filler_judge`` asks Whisper about the rest.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from voicesim.analysis.acoustics import Frames
from voicesim.analysis.levels import runs
from voicesim.analysis.word_gaps import mid, same_gap, sounding_time
from voicesim.analysis.word_times import WHISPER_LAG_S
from voicesim.results import Filler, Word
from voicesim.text import plain

_LOOKALIKES = {"or", "and", "on", "ah", "a", "uh", "er"}
"""Short words Whisper writes for a hesitation it does not spell as "uh" (seen on rendered
answers: "or" for "uh"/"er", "and"/"on" for "um"; on the real set "And" for a creaky "Um").

Not "oh": the SPEC counts it as a word, and on real speech Whisper wrote it for a real "Oh"
every time one lay in a filled pause. On the real set as recorded, in the six neighbours of
``real_set.NEIGHBOURS`` and in the seven conditions (2026-12-06, scratch ``s37/absorb.py``),
the words flagged this way were 3 "And"s for the reference's "Um" and 8 "Oh"s that the
reference has as the word "Oh" (ES2003a's "Oh, Ebenezer", EN2002b's "Oh. Okay."), each "Oh"
a word lost beside plain faster-whisper. Without "oh" here, voicesim's content WER went
0.401 → 0.400 at -12 dB and 0.388 → 0.386 as MP3 (plain faster-whisper's, both), and lost
one word error each at 48 kHz, in the telephone band, at -1 dB and with 0.13 s and 0.5 s
of silence before; no filled pause moved, on the real set or the rendered sets."""
_HUM_LOOKALIKES = {"and", "or", "on"}
"""Lookalikes with a consonant in them. A real "and"/"or"/"on" glides from its vowel into
the consonant, so its spectrum is not stable; a stable voiced stretch under one is the "um"
Whisper wrote as it.
So these words neither account for such a stretch nor stop it lying between words (the
single vowels "a"/"oh" do: a real "a" is as steady as an "uh")."""
_LATE_LOOKALIKES = {"or", "ah", "uh", "er"}
"""The vowel-only lookalikes: Whisper also writes them just *after* the "uh" they stand
for (its word times lag), where a real "and"/"a" is far more often a real word. Not "oh"
(see _LOOKALIKES)."""


@dataclass(frozen=True)
class AcousticOptions:
    """Thresholds of the acoustic filled-pause detector (seconds, dB, 0–1)."""

    min_s: float = 0.18
    max_s: float = 1.5
    min_clarity: float = 0.45
    max_flux_db: float = 2.3
    loose_flux_db: float = 4.0
    gap_flux_db: float = 3.0
    split_flux_db: float | None = 13.0
    bridge_s: float = 0.03
    sustained_clarity: float = 0.8
    """A stretch this periodic (median clarity) with a steady pitch counts as stable up to
    loose_flux_db: on real recordings room noise and other voices lift the spectral change
    of a held "uh" to 3–4 dB, while its voicing and pitch stay steady."""
    max_jitter_st: float = 0.2
    """Steady pitch: median change of F0 from one 10-ms frame to the next, semitones.
    A held "uh"/"um" moves a few hundredths; speech glides between sounds."""
    max_flatness: float = 0.2
    """Median spectral flatness over which a stretch is noise or breath, not a vowel."""
    vowel_clarity: float = 0.6
    """Median voicing clarity under which a stretch is too weakly periodic to be a held
    vowel or nasal (murmur of other voices, breath, room noise)."""


@dataclass(frozen=True)
class Candidate:
    """A voiced stretch that may be a filled pause, seconds.

    ``confirmed``: stable spectrum and no transcribed word accounts for it, so it counts
    on its own; otherwise it only serves to place a transcript "um" in time.
    """

    start: float
    end: float
    confirmed: bool

    def filler(self) -> Filler:
        return Filler("(filled pause)", self.start, self.end, "filled_pause", "acoustic")


def acoustic_candidates(
    frames: Frames,
    threshold_db: float,
    words: Sequence[Word],
    *,
    options: AcousticOptions | None = None,
) -> list[Candidate]:
    """Voiced stretches that may be filled pauses, each marked confirmed or not.

    A stretch is a run of voiced frames (level over threshold_db, clarity over the
    minimum; dips up to ``bridge_s`` bridged) lasting min_s–max_s seconds with a median
    spectral change under ``loose_flux_db``. It is *confirmed* when the spectrum is
    stable (median change under max_flux_db) and no content word accounts for it (an
    "and"/"or"/"on" does not: see _HUM_LOOKALIKES). Only stretches inside the speaking
    span count, so a tone or hum alone yields none.
    """
    opts = options or AcousticOptions()
    if not words or len(frames) == 0:
        return []
    voiced = (frames.rms_db >= threshold_db) & (frames.clarity >= opts.min_clarity)
    voiced = _bridge(voiced, round(opts.bridge_s / frames.hop))
    span_lo, span_hi = words[0].start - 0.5, words[-1].end + 0.5
    sounding = sounding_time(frames, threshold_db)
    found: list[Candidate] = []
    pieces = [p for a, b in runs(voiced) for p in _split(frames.flux, a, b, opts.split_flux_db)]
    content = [w for w in words if plain(w.text) not in _HUM_LOOKALIKES]
    for a, b in pieces:
        start, end = frames.offset + a * frames.hop, frames.offset + b * frames.hop
        if not (opts.min_s <= end - start <= opts.max_s) or end < span_lo or start > span_hi:
            continue
        flux = float(np.median(frames.flux[a + 2 : b] if b - a > 3 else frames.flux[a:b]))
        if flux > opts.loose_flux_db:
            continue
        jitter = pitch_jitter(frames.f0[a:b])
        # Between words (no word spans its middle) a stretch may change more: "um" glides
        # from vowel to nasal.
        in_gap = _in_gap(content, start, end)
        stable = flux <= opts.max_flux_db or (flux <= opts.gap_flux_db and in_gap)
        clarity = float(np.median(frames.clarity[a:b]))
        # Only clear of every word (not even an "and"/"on" Whisper may have made of a hum
        # overlaps it): a steady pitch alone is weaker evidence than a stable spectrum, and
        # the tail of a word whose end Whisper placed early ("overtime" 0.2 s early on a
        # rendered answer) or a monotone voice's "and" has one too.
        sustained = (
            not any(w.start < end and start < w.end for w in words)
            and clarity >= opts.sustained_clarity
            and jitter <= opts.max_jitter_st
        )
        voiced_sound = (
            float(np.median(frames.flatness[a:b])) <= opts.max_flatness
            and clarity >= opts.vowel_clarity
        )
        confirmed = (
            (stable or sustained) and voiced_sound and not _explained(content, start, end, sounding)
        )
        found.append(Candidate(round(start, 3), round(end, 3), confirmed))
    return found


def pitch_jitter(f0: np.ndarray) -> float:
    """Median absolute F0 change between consecutive voiced frames, semitones (inf if
    fewer than three voiced frames)."""
    st = 12.0 * np.log2(f0[np.isfinite(f0) & (f0 > 0)])
    if len(st) < 3:
        return float("inf")
    return float(np.median(np.abs(np.diff(st))))


def _explained(
    words: Sequence[Word],
    start: float,
    end: float,
    sounding: Callable[[float, float], float] | None = None,
    *,
    per_letter_s: float = 0.06,
    slack_s: float = 0.03,
    lag_s: float = WHISPER_LAG_S,
) -> bool:
    """True if a transcribed word already accounts for the stretch [start, end] s.

    A content word whose centre lies in the stretch accounts for it, unless the word is
    stretched over it: Whisper lengthens a neighbour of an "um" to cover the "um", so a
    word that keeps enough sounding time (``sounding(a, b)``: seconds over speech level
    in [a, b]; all of it if None) outside the stretch for its letters (``per_letter_s``
    seconds a letter, at least 0.1 s) leaves the stretch unexplained. Only sounding time
    counts because Whisper also runs a last word on into the silence after it. A centre
    up to ``slack_s`` seconds outside the stretch still counts (Whisper's word times are
    often that far off).

    The sounding time is the word's sound, so it is counted on the word's times moved
    ``lag_s`` earlier (Whisper's times trail the sound: word_times.WHISPER_LAG_S); on
    Whisper's own times a word that starts late loses that much of its sound. A rendered
    "…a year, uh, and…" had "year," at 3.48–3.82 s over the "uh" at 3.65–3.90 s: 0.17 s
    of sound before the "uh" on Whisper's times, 0.25 s on the sound's, and 0.24 s needed.
    The centre stays on Whisper's times, on which the rule was set: moving the whole word
    cost the real set a hit (EN2004a), and the rendered answer its "hmm" under a "term,"
    that Whisper ran on into the silence after it.
    """
    for w in words:
        centre = (w.start + w.end) / 2
        if w.filler or w.end <= start or w.start >= end:
            continue
        if not start - slack_s <= centre <= end + slack_s:
            continue
        a, b = w.start - lag_s, w.end - lag_s
        if sounding is None:
            outside = (b - a) - max(0.0, min(b, end) - max(a, start))
        else:
            outside = sounding(a, min(start, b)) + sounding(max(end, a), b)
        if outside < max(0.1, per_letter_s * len(plain(w.text))):
            return True
    return False


def _split(flux: np.ndarray, a: int, b: int, split_db: float | None) -> list[tuple[int, int]]:
    """Cut the voiced run [a, b) (frames) where the spectrum jumps by over split_db dB.

    An "um" that runs straight into the next word shares one voiced run with it; the
    jump from the hum to the word's first sound separates them.
    """
    if split_db is None:
        return [(a, b)]
    x = flux[a:b]
    peaks = [
        a + i
        for i in range(3, len(x) - 3)
        if x[i] > split_db and x[i] >= x[i - 1] and x[i] >= x[i + 1]
    ]
    edges = [a, *peaks, b]
    return [(lo, hi) for lo, hi in itertools.pairwise(edges) if hi > lo]


def _in_gap(words: Sequence[Word], start: float, end: float) -> bool:
    """True if no transcribed word spans the middle of [start, end] s (a word that only
    begins or ends there does not span it)."""
    mid = (start + end) / 2
    return not any(w.start < mid < w.end for w in words)


def _bridge(mask: np.ndarray, gap: int) -> np.ndarray:
    """Fill False runs of at most `gap` frames lying between True frames."""
    if gap <= 0:
        return mask
    out = mask.copy()
    for a, b in runs(~mask):
        if a > 0 and b < len(mask) and b - a <= gap:
            out[a:b] = True
    return out


def merge_fillers(
    lexical: Sequence[Filler],
    candidates: Sequence[Candidate],
    words: Sequence[Word] | None = None,
    *,
    placed: Sequence[Word] | None = None,
    max_shift_s: float = 0.7,
) -> list[Filler]:
    """All fillers in time order, each filled pause counted once.

    Whisper places a written "um" late or early (its neighbours' timestamps swallow it),
    so a transcript filled pause takes the times of the nearest acoustic candidate within
    ``max_shift_s`` seconds, and that candidate is used up. Given the ``words``, only a
    candidate in the same gap between words (word_slots) can take it: on a real clip
    Whisper wrote "of, um, interaction" with the "um" at 29.36 s, and the nearest
    candidate lay after "interaction", past the word Whisper had put after the "um". A
    confirmed one (a hum that counts on its own) can take it across words with no place of
    their own (PLACED_S): those are where Whisper's times, not its words, are wrong, and
    otherwise the one "uh" was counted twice, once where it sounds and once on a voiced
    stretch of the next word. ``placed``: the words with a place of their own (same_gap).
    Confirmed candidates left over are filled pauses nobody wrote down (source
    "acoustic"), unless they overlap a discourse filler.
    """
    together = same_gap(words or [], placed)
    free = sorted(candidates, key=lambda c: c.start)
    merged: list[Filler] = []
    for f in lexical:
        if f.kind == "filled_pause":
            at = mid(f)
            near = [
                c
                for c in free
                if abs(mid(c) - at) <= max_shift_s and together(c, f, counts=c.confirmed)
            ]
            if near:
                best = min(near, key=lambda c: (not c.confirmed, abs(mid(c) - at)))
                free.remove(best)
                f = replace(f, start=best.start, end=best.end)
        else:
            free = [c for c in free if not (c.start < f.end and f.start < c.end)]
        merged.append(f)
    extra = [c.filler() for c in free if c.confirmed]
    return sorted([*merged, *extra], key=lambda f: f.start)


OWN_GAP_S = 0.1
OWN_SOUND_S = 0.06
"""A lookalike lying mostly in a filled pause is still a word when its span holds, beside
the filler, a sound of its own: at least OWN_SOUND_S over the speech threshold, parted from
the filler by at least OWN_GAP_S of silence. Whisper stretched a real word over the filler
said before it: the second real set's "words, um, and that" read "words and that", "and"
22.94-24.26 s over the "um" (22.86-23.55 s) and the real "and" (24.17 s) after 0.6 s of
silence. Judged, the "um" was found, and the "and" went with it (content WER 0.071 →
0.089 on that clip, plain faster-whisper's 0.071). A misheard filler's span runs on into
the silence after it, or into the next word with no silence between (espeak's rendered
"uh"s read "or": the rendered sets' pace unchanged)."""


def absorb_lookalikes(
    words: Sequence[Word],
    fillers: Sequence[Filler],
    *,
    min_inside: float = 0.5,
    frames: Frames | None = None,
    threshold_db: float = 0.0,
) -> list[Word]:
    """Flag as filler a short word ("or", "and", "on"…) lying mostly inside an acoustic
    filled pause (at least ``min_inside`` of its time): it is the "uh" misheard, so it
    is not counted as a word (pace would otherwise gain a word per misheard filler).
    Given the ``frames`` and the speech threshold, not one with a sound of its own beside
    the filler (OWN_SOUND_S).
    """
    pauses = [f for f in fillers if f.source == "acoustic"]
    out = list(words)
    for i, w in enumerate(words):
        if w.filler or plain(w.text) not in _LOOKALIKES or w.end <= w.start:
            continue
        if late_echo(words, i, pauses):
            out[i] = replace(w, filler=True)
            continue
        overlap = [(min(w.end, f.end) - max(w.start, f.start), f) for f in pauses]
        inside, f = max(overlap, key=lambda o: o[0], default=(0.0, None))
        if f is None or inside < min_inside * (w.end - w.start):
            continue
        if frames is None or not (
            _parted_sound(frames, threshold_db, f.end, w.end)
            or _parted_sound(frames, threshold_db, w.start, f.start, backward=True)
        ):
            out[i] = replace(w, filler=True)
    return out


def _parted_sound(
    frames: Frames, threshold_db: float, start: float, end: float, *, backward: bool = False
) -> bool:
    """True if [start, end] s, read from ``start`` on (from ``end`` back, ``backward``),
    holds OWN_SOUND_S over the threshold after OWN_GAP_S of silence."""
    i, j = frames.index(start), frames.index(end)
    loud = frames.rms_db[i:j] >= threshold_db
    if backward:
        loud = loud[::-1]
    gap, own = round(OWN_GAP_S / frames.hop), round(OWN_SOUND_S / frames.hop)
    quiet = [b for a, b in runs(~loud) if b - a >= gap]
    return bool(quiet) and any(b - a >= own for a, b in runs(loud) if a >= quiet[0])


def late_echo(
    words: Sequence[Word],
    i: int,
    pauses: Sequence[Filler],
    *,
    lag_s: float = 0.4,
    max_probability: float = 0.7,
) -> bool:
    """True if words[i] is an "or"/"uh"-like word Whisper wrote, unsure, for the acoustic
    filled pause that ends just before it.

    Whisper's times for a word it made of an "uh" lag the sound: on the rendered answers
    "…six months, uh, she was…" came out "months, or she", the "or" starting 0.03–0.25 s
    after the "uh" ended, with probability 0.19–0.61. A word that starts within ``lag_s``
    seconds of a filled pause's end, with no other word in between, and that Whisper
    gave less than ``max_probability``, is that filled pause, not a word.
    """
    w = words[i]
    if plain(w.text) not in _LATE_LOOKALIKES or w.probability >= max_probability:
        return False
    prev_end = words[i - 1].end if i > 0 else float("-inf")
    return any(
        f.end - 0.05 <= w.start <= f.end + lag_s and prev_end <= f.end + 0.05 for f in pauses
    )
