"""Build a Transcript and a Delivery directly from text, with known timing, fillers and pauses.

For pure scoring tests: a word starts every 60/wpm seconds and lasts 90 % of that; "{um}"
in the text is a filled pause of 0.4 s and "{pause:2.5}" inserts a silent pause of 2.5 s,
both on top of the words' spacing, so the truth is known exactly.

:func:`written_fillers` says which fillers (SPEC §1) a written answer holds, for tests whose
answer is spoken from a text (the demo candidate's).
"""

from __future__ import annotations

import re
from collections import Counter

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
    """The transcript and delivery of ``text``, its words spaced for ``wpm``.

    A word starts every 60/wpm seconds and lasts 90 % of that; each "{um}" adds 0.4 s and
    each "{pause:S}" S seconds on top. So ``wpm`` is the pace only of a text without fillers
    or pauses (and even then the measured wpm, over first start → last end, is a little
    higher: n words span (n − 0.1)·60/wpm s); fillers and pauses lower the measured wpm
    (``delivery.wpm``, the SPEC §1 value, computed from the times as built).
    """
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


FILLED_PAUSES = frozenset({"um", "uh", "er", "erm", "ah", "hmm", "mm"})
"""SPEC §1's filled pauses, as a written answer spells them."""

DISCOURSE_FILLERS = ("you know", "i mean", "kind of", "sort of", "basically", "actually",
                     "literally")  # fmt: skip
"""SPEC §1's discourse fillers that are fillers wherever a written answer has them."""

UNDECIDED = frozenset({"like", "so", "well"})
"""SPEC §1's discourse fillers only in some places ("I like it"): :func:`written_fillers`
does not decide them, and refuses a text that holds one."""


def written_fillers(text: str) -> tuple[list[str], Counter[str]]:
    """The fillers written in ``text``: its discourse fillers in order ("you know",
    "basically", …) and how many of each filled pause ("um", "uh", …) it holds.

    Derived from the text alone (SPEC §1's list), not from voicesim's filler detection.
    Raises ValueError on a text holding "like", "so" or "well", which SPEC §1 counts
    only in context.
    """
    words = re.sub(r"[^a-z' ]+", " ", text.lower()).split()
    undecided = UNDECIDED.intersection(words)
    if undecided:
        raise ValueError(f"written_fillers cannot tell whether {sorted(undecided)} are fillers")
    discourse: list[str] = []
    i = 0
    while i < len(words):
        for phrase in DISCOURSE_FILLERS:
            n = len(phrase.split())
            if " ".join(words[i : i + n]) == phrase:
                discourse.append(phrase)
                i += n
                break
        else:
            i += 1
    return discourse, Counter(w for w in words if w in FILLED_PAUSES)
