"""Stage: Whisper's word times → the signal's time, for everything shown and stored.

faster-whisper places each word by the decoder's attention on 20-ms encoder frames, and
with tiny.en those times lag the sound. Measured against exact boundaries:
- real speech, the 11 AMI clips' human word references (416 words matched by text): the
  middle of a word is 60–105 ms late in every clip, 85 ms over all;
- speech whose every boundary is known (words rendered one by one with espeak-ng and
  joined 20 ms apart, two voices, 66 words): starts 85–94 ms late, ends 121–130 ms.

Whisper also opens the first word after a silence early, at the start of the silence
(0.00 s after half a second of lead-in), and runs a last word on into the silence after it.

So the words and the fillers taken from them are moved WHISPER_LAG_S earlier, then out of
any silent stretch they start or end in. The measures themselves are computed before
this, on Whisper's own times: the filler detector's rules were set and measured on them
(moving the words first cost the real set one or two of its 11 hits at a lag of 0.05,
0.08 or 0.11 s). Pace is not affected either way: its span is snapped to the signal.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from voicesim.analysis.acoustics import Frames
from voicesim.analysis.levels import silent_runs
from voicesim.results import Filler, Word

WHISPER_LAG_S = 0.08
"""Seconds by which Whisper's word times (tiny.en) trail the sound: round, and under every
measured median above. Real set (median |error| of word starts against the reference):
110 ms as Whisper gives them, 60 ms with this lag removed, 50 ms with the silences' edges
as well (``scripts/measure_analyze.py``)."""
SILENCE_S = 0.25
"""A silent stretch this long (the SPEC's shortest pause) is no part of any word."""


def to_signal_time(
    words: Sequence[Word],
    fillers: Sequence[Filler],
    frames: Frames,
    threshold_db: float,
    *,
    lag_s: float = WHISPER_LAG_S,
) -> tuple[list[Word], list[Filler]]:
    """The words, and the fillers that carry a word's times, moved onto the signal.

    Each time is moved ``lag_s`` seconds earlier (not before the recording's start); then
    a word that starts inside a silent stretch (at least SILENCE_S under ``threshold_db``,
    dBFS) and sounds after it starts where the silence ends, and one that ends inside a
    silence after sounding ends where it begins. Order and durations otherwise stay: no
    word crosses a neighbour. A filler Whisper wrote (source "transcript") that still
    has its words' times moves with them; fillers placed on the signal (acoustic
    stretches, judged spans) keep theirs.
    """
    silences = silent_runs(frames, threshold_db, min_s=SILENCE_S)
    opens = [s for s, _ in silences]  # in time order, none overlapping
    first = frames.offset

    def move(start: float, end: float) -> tuple[float, float]:
        a, b = max(start - lag_s, first), max(end - lag_s, first)
        # The silence a lies in (s <= a < e), found by bisection: a long file has
        # thousands of words and silences.
        i = bisect.bisect_right(opens, a) - 1
        if i >= 0 and a < silences[i][1] < b:
            a = silences[i][1]
        # The silence b lies in (s < b <= e), wholly after a.
        j = bisect.bisect_left(opens, b) - 1
        if j >= 0 and a < silences[j][0] and b <= silences[j][1]:
            b = silences[j][0]
        return round(a, 3), round(b, 3)

    starts = {w.start for w in words}
    ends = {w.end for w in words}
    moved_words = []
    for w in words:
        a, b = move(w.start, w.end)
        moved_words.append(replace(w, start=a, end=b))
    moved_fillers = []
    for f in fillers:
        if f.source == "transcript" and f.start in starts and f.end in ends:
            a, b = move(f.start, f.end)
            f = replace(f, start=a, end=b)
        moved_fillers.append(f)
    return moved_words, moved_fillers
