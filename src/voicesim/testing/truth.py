"""The one builder of a Delivery from known truth: words, fillers and pauses placed by hand.

Tests of scoring, storage, exports and the report, and the history benchmark, need a
Delivery whose every figure follows from what was built, without Whisper or the acoustic
measures. The derived figures follow SPEC §1 (speaking span, wpm, filler rates); the ones
that need the signal (articulation rate, syllables, pitch, loudness) are given.
"""

from __future__ import annotations

from collections.abc import Sequence

from voicesim.results import Delivery, Filler, LoudnessStats, Pause, PitchStats, Word

SYLLABLES_PER_WORD = 2
"""Syllables counted per non-filler word when none are given (a built answer has no signal)."""


def delivery_from_truth(
    words: Sequence[Word],
    fillers: Sequence[Filler] = (),
    pauses: Sequence[Pause] = (),
    *,
    articulation_rate: float = 4.0,
    pitch: PitchStats | None = None,
    loudness: LoudnessStats | None = None,
) -> Delivery:
    """The SPEC §1 measures of words, fillers and pauses known to be there; seconds.

    Speaking span is the first word's start to the last word's end (filler words included);
    wpm counts non-filler words over it; phonation time is the span minus the pauses.
    ``articulation_rate`` is syllables per second.
    """
    span = words[-1].end - words[0].start if words else 0.0
    content = sum(1 for w in words if not w.filler)
    return Delivery(
        speaking_span_s=span,
        words=content,
        wpm=content / span * 60.0 if span else 0.0,
        articulation_rate=articulation_rate,
        syllables=content * SYLLABLES_PER_WORD,
        phonation_time_s=span - sum(p.duration for p in pauses),
        pauses=list(pauses),
        fillers=list(fillers),
        fillers_per_100_words=len(fillers) / content * 100.0 if content else 0.0,
        fillers_per_minute=len(fillers) / span * 60.0 if span else 0.0,
        pitch=pitch,
        loudness=loudness,
    )
