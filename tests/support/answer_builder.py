"""Build a Transcript and a Delivery directly from text, with known timing, fillers and pauses.

For pure scoring tests: every word lasts 60/wpm seconds; "{um}" in the text is a filled
pause and "{pause:2.5}" inserts a silent pause of 2.5 s, so the truth is known exactly.
"""

from __future__ import annotations

import re

from voicesim.results import Delivery, Filler, LoudnessStats, Pause, PitchStats, Transcript, Word
from voicesim.testing.truth import delivery_from_truth

_MARK = re.compile(r"^\{(\w+)(?::([\d.]+))?\}$")


def build(
    text: str,
    *,
    wpm: float = 150.0,
    pitch_sd: float | None = 3.0,
    level_dbfs: float | None = -24.0,
    clipping: float = 0.0,
    probability: float = 0.95,
) -> tuple[Transcript, Delivery]:
    """The transcript and delivery of ``text`` spoken at ``wpm`` (non-filler words per minute)."""
    per_word = 60.0 / wpm
    words: list[Word] = []
    fillers: list[Filler] = []
    pauses: list[Pause] = []
    t = 0.0
    for raw in text.split():
        mark = _MARK.match(raw)
        if mark and mark.group(1) == "pause":
            gap = float(mark.group(2) or 2.5)
            pauses.append(Pause(t, t + gap))
            t += gap
            continue
        if mark:
            filler = Filler(mark.group(1), t, t + 0.4, "filled_pause", "acoustic")
            fillers.append(filler)
            words.append(Word(f" {mark.group(1)}", t, t + 0.4, 0.9, filler=True))
            t += 0.4
            continue
        words.append(Word(f" {raw}", t, t + per_word * 0.9, probability))
        t += per_word
    delivery = delivery_from_truth(
        words,
        fillers,
        pauses,
        pitch=PitchStats(120.0, pitch_sd, pitch_sd < 2.0, 0.5) if pitch_sd is not None else None,
        loudness=LoudnessStats(level_dbfs, 6.0, -3.0, clipping) if level_dbfs is not None else None,
    )
    return Transcript(" ".join(w.text.strip() for w in words), words), delivery


def with_fillers(text: str, count: int, filler: str = "um") -> str:
    """``text`` with ``count`` filled pauses spread evenly between its words."""
    words = text.split()
    step = max(1, len(words) // (count + 1))
    out: list[str] = []
    added = 0
    for n, word in enumerate(words, start=1):
        out.append(word)
        if n % step == 0 and added < count:
            out.append("{" + filler + "}")
            added += 1
    out += ["{" + filler + "}"] * (count - added)
    return " ".join(out)
