"""Stage: words + signal → the spans worth asking the filler judge about (filler_judge).

Candidates are taken generously from the frame features and the words; Whisper, asked about
each span's audio alone (`judge_windows`), supplies the precision. On the 11 real clips
(prototype, scratch/pass2) they reached 17 of the 19 reference fillers.

Candidates (spans, seconds):

* voiced runs in word gaps (Whisper wrote nothing there);
* the excess of a word far longer than its letters need, and the later voiced runs of a
  long word split by silence dips (a filler fused to the word);
* the tail of a word clearly longer than its letters typically take, judged on its own:
  Whisper often stretches a word over the "um" that follows it ("understanding" 25.38–26.98 s
  over the reference's "understanding um" on a real clip);
* the voiced runs at the head of a word far longer than its text needs, judged on their own
  too: Whisper also starts a word early, over the "um" said before it;
* a short word Whisper gave a low probability (it may be the filler, misheard), judged on
  its own window too when it merged into a longer candidate (filler_judge), and judged when
  it lies on a vowel's spectrum even if weakly periodic (a creaky "um").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from voicesim.analysis.acoustics import Frames
from voicesim.analysis.filled_pauses import AcousticOptions
from voicesim.analysis.levels import levels, runs
from voicesim.results import Word
from voicesim.text import plain

FLOOR_BELOW_PEAK_DB = 40.0
"""A frame is voiced for the candidates when its level is within this much of the loudest
frame: far below voicesim's speech threshold, because quiet fillers (a speaker away from
the mic) are what the detector misses. The judge supplies the precision."""
OVER_NOISE_DB = 6.0
"""A voiced frame must also stand this much over the recording's noise floor
(``levels.levels``). On the real clips as recorded the floor sits 45-60 dB under the
peak, so this changes nothing there. With a fan's hum (pink noise at a tenth of the clip's
RMS, ``measure_analyze --conditions``) the floor came within 40 dB of the peak: every frame
counted as voiced, the gaps' runs merged past RUN_MAX_S and most candidates were gone,
though the judge still scored the reference fillers' own spans as before (0.69, 0.90,
0.74... against 0.67, 0.93, 0.71 clean). Filled pauses in that noise: 4/4/15 → 7/4/12."""
MIN_GAP_S = 0.25
RUN_MIN_S = 0.10
RUN_MAX_S = 1.50
BRIDGE_S = 0.08
"""Dips in a run up to this long are bridged (an "uhm" flickers in level)."""
LONG_WORD_S = 0.55
DIP_S = 0.05
EXCESS_FACTOR = 1.6
LOW_P = 0.5
SHORT_LETTERS = 4
SHORT_WORDS = {"i", "a", "and", "right", "oh", "so", "the", "but", "well", "yeah", "okay"}
"""Words Whisper writes for a filler; any word of ≤ SHORT_LETTERS letters counts too."""
MERGE_S = 0.15
MIN_CANDIDATE_S = 0.2
"""Shorter candidates are not judged. The acoustic detector's own shortest filled pause
(0.18 s), rounded: a fast speaker's "um" lasts 0.2–0.3 s (an espeak voice at 210 wpm:
0.24 s, missed by both at 0.3). Real set: same hits and false fillers as at 0.3, 146
windows against 129 (the prototype chose 0.3 to save windows: all its hits were ≥ 0.34 s)."""
MIN_CLARITY = 0.5
"""Median voicing clarity a candidate needs to be judged (a filled pause is voiced):
cheap pre-filter, kept 63 of 90 windows and every hit in the prototype.

It is checked on each piece before merging: a merged candidate is judged when any of its
pieces is voiced. Checked on the merged span, an unvoiced neighbour could outvote the voiced
piece. In pink noise EN2003a's "um" came 0.12 s before an unsure "if" said over breath, and
the merged span's median (0.42) dropped both. Real set, cached decodes in seven recording
conditions (clean, −12 dB, +6 dB, pink, room, white and brown noise): 66/28/67 → 68/28/65
filled pauses (tp/fp/fn). Both hits were in pink noise; as recorded, 11/2/8 either way. It
cost 9 % more judge windows as recorded (96 → 105) and 8 % pooled."""
VOWEL_FLATNESS = AcousticOptions().max_flatness
"""A doubted word's piece with a median spectral flatness up to this is judged (see
``judgeable``): the acoustic detector's bound between a vowel and noise or breath."""
TAIL_BASE_S = 0.12
TAIL_PER_LETTER_S = 0.08
"""A word's typical duration (not the generous expected_s): conversational English runs at
about 12–15 letters a second."""
TAIL_FACTOR = 1.3
"""A word longer than this × its typical duration has its tail (after the typical duration)
judged as a candidate of its own. Measured on the real set (offline, cached decodes):
9/2/10 → 10/2/9 filled pauses (tp/fp/fn) at +28 % judge windows, rendered sets unchanged.
Three settings were tried: 0.12 + 0.08 s/letter × 1.3 (kept), 0.10 + 0.07 × 1.3 (10/3/9),
0.10 + 0.07 × 1.6 (9/3/10). Merged into the other candidates instead, the tails lost two
hits (a merged window begins with a word), so they are judged apart."""


@dataclass(frozen=True)
class Judged:
    """A candidate span (s), its judge score (0–1) and the start times (s) of the
    low-probability words it covers.

    A judged filler does not by itself remove those words: on the real set all three
    such words judged ≥ filler_judge.THRESHOLD were real words next to the filler ("um if", "uh
    yeah", "um the"; Whisper stretched them over it), and dropping them raised the
    content WER. A filler lookalike ("a", "and", "or") lying inside a judged filled
    pause is still flagged, by filled_pauses.absorb_lookalikes, as for the detector's.
    """

    start: float
    end: float
    score: float
    words: tuple[float, ...] = ()
    detector: bool = False
    """A filled pause of the acoustic detector's own, scored for its veto."""
    context: float | None = None
    """For a span ``filler_judge.unsure`` marks: how much more probable the words around it
    are with a filler there (log; filler_context). None: not checked, or no word near it."""


def expected_s(text: str) -> float:
    """Generous time a clean utterance of the word needs, seconds."""
    n = len(plain(text).replace(" ", ""))
    return 0.18 + 0.12 * n if n else 0.40


def candidates(frames: Frames, words: Sequence[Word]) -> list[Judged]:
    """Candidate spans (score 0) from frame features and words, merged and pre-filtered."""
    if not words or len(frames) == 0:
        return []
    floor = max(
        float(frames.rms_db.max()) - FLOOR_BELOW_PEAK_DB, levels(frames).noise_db + OVER_NOISE_DB
    )
    voiced = frames.rms_db >= floor
    found: list[tuple[float, float, tuple[float, ...]]] = []
    cursor = words[0].end
    for w in words[1:]:
        if w.start - cursor >= MIN_GAP_S:
            found += [(a, b, ()) for a, b in _runs(frames, voiced, cursor, w.start)]
        cursor = max(cursor, w.end)
    for w in words:
        found += [(a, b, ()) for a, b in _fused(frames, voiced, w)]
        letters = plain(w.text).replace(" ", "")
        short = letters in SHORT_WORDS or len(letters) <= SHORT_LETTERS
        if short and w.probability < LOW_P and not w.filler:
            found.append((w.start, max(w.end, w.start + 0.1), (w.start,)))
    merged = _merge([(a, b, ws, judgeable(frames, a, b, ws)) for a, b, ws in sorted(found)])
    tails = [t for t in map(_tail, words) if t is not None]
    heads = [h for w in words for h in _head(frames, voiced, w)]
    close = MERGE_S / 2
    for a, b in [*tails, *heads]:
        if not any(abs(a - c) < close and abs(b - d) < close for c, d, _, _ in merged):
            merged.append((a, b, (), _clear(frames, a, b)))
    return [
        Judged(round(a, 3), round(b, 3), 0.0, ws)
        for a, b, ws, clear in merged
        if b - a >= MIN_CANDIDATE_S and clear
    ]


def _tail(w: Word) -> tuple[float, float] | None:
    """The part of a word beyond its typical duration, if the word is clearly too long."""
    typical = TAIL_BASE_S + TAIL_PER_LETTER_S * len(plain(w.text).replace(" ", ""))
    if w.filler or w.end - w.start <= typical * TAIL_FACTOR:
        return None
    return (w.start + typical, w.end)


def _head(frames: Frames, voiced: np.ndarray, w: Word) -> list[tuple[float, float]]:
    """Voiced runs of a word far longer than its text needs, before the time the word
    itself needs at its end: a filled pause said just before the word, whose start Whisper
    moved back over it ("um, and" read "and" 22.94-24.26 s, the "um" 22.86-23.55 s, on
    the second real set's acoustic_corpus). Judged apart, as the tails are: merged, a
    window would hold the word and the filler both."""
    need = expected_s(w.text)
    if w.filler or w.end - w.start <= need * EXCESS_FACTOR:
        return []
    return _runs(frames, voiced, w.start, w.end - need)


def _fused(frames: Frames, voiced: np.ndarray, w: Word) -> list[tuple[float, float]]:
    """Voiced runs of a word that lie beyond what its text needs, seconds."""
    need = expected_s(w.text)
    if w.end - w.start > need * EXCESS_FACTOR:
        return _runs(frames, voiced, w.start + need, w.end)
    if w.end - w.start < LONG_WORD_S:
        return []
    # Split by dips of ≥ DIP_S: the first run is the word, later ones may be a filler,
    # unless all the runs together take no longer than the word needs (syllables).
    pieces = _runs(frames, voiced, w.start, w.end, bridge_s=DIP_S - frames.hop, lo=0.0)
    if len(pieces) < 2 or sum(b - a for a, b in pieces) <= need * 1.2:
        return []
    return [(a, b) for a, b in pieces[1:] if RUN_MIN_S <= b - a <= RUN_MAX_S]


def _runs(
    frames: Frames,
    voiced: np.ndarray,
    start: float,
    end: float,
    *,
    bridge_s: float = BRIDGE_S,
    lo: float = RUN_MIN_S,
) -> list[tuple[float, float]]:
    """Voiced runs (short dips bridged) within [start, end] s lasting lo–RUN_MAX_S s."""
    i, j = frames.index(start), frames.index(end)
    if j <= i:
        return []
    seg = voiced[i:j].copy()
    gap = round(bridge_s / frames.hop)
    for a, b in runs(~seg):
        if a > 0 and b < len(seg) and b - a <= gap:
            seg[a:b] = True
    t0 = frames.offset + i * frames.hop
    spans = [(t0 + a * frames.hop, t0 + b * frames.hop) for a, b in runs(seg)]
    return [(a, b) for a, b in spans if lo <= b - a <= RUN_MAX_S]


Piece = tuple[float, float, tuple[float, ...], bool]
"""A candidate's span (s), the start times (s) of the low-probability words it covers, and
whether it is voiced."""


def _merge(spans: list[Piece]) -> list[Piece]:
    """Spans closer than MERGE_S joined (their word lists too); voiced if any piece is."""
    out: list[Piece] = []
    for a, b, ws, clear in spans:
        if out and a <= out[-1][1] + MERGE_S:
            pa, pb, pws, pclear = out[-1]
            out[-1] = (pa, max(pb, b), pws + ws, pclear or clear)
        else:
            out.append((a, b, ws, clear))
    return out


def _median(values: np.ndarray, frames: Frames, start: float, end: float) -> float:
    """Median of a frame feature (``frames.clarity``, ``frames.flatness``…) over [start, end]
    s; the frame at ``start`` alone where the span is shorter than a frame."""
    i, j = frames.index(start), frames.index(end)
    return float(np.median(values[i : max(j, i + 1)]))


def _clarity(frames: Frames, start: float, end: float) -> float:
    """Median voicing clarity over [start, end] s."""
    return _median(frames.clarity, frames, start, end)


def _clear(frames: Frames, start: float, end: float) -> bool:
    """True if [start, end] s is voiced enough to be judged (median clarity ≥ MIN_CLARITY)."""
    return _clarity(frames, start, end) >= MIN_CLARITY


def judgeable(frames: Frames, start: float, end: float, doubted: tuple[float, ...]) -> bool:
    """True if a candidate piece is worth a window: voiced (``_clear``), or a word Whisper
    doubted lying on a vowel's or nasal's spectrum (median spectral flatness no higher than
    the acoustic detector's ``max_flatness``), however weakly periodic.

    A creaky "um" at 75 Hz, quiet, written "and" (p 0.19) on a real clip (ES2003a 20.6 s)
    had a median clarity of 0.47 and a flatness of 0.18, and was never judged (alone it
    scores 0.57). Breath or noise under an unsure word stays unjudged: its spectrum is flat."""
    if _clear(frames, start, end):
        return True
    return bool(doubted) and _median(frames.flatness, frames, start, end) <= VOWEL_FLATNESS
