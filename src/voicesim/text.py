"""Text facts shared by the stages: the one normaliser and the filled-pause words.

Every comparison of transcript words (fillers, end-pointing, voice commands, exports, the
time-warning echo) goes through :func:`plain`; every "is this an um?" through
:func:`is_filled_pause` ("is this a sound, not a word?" through :func:`is_murmur`); every "did
Whisper go round in a loop?" through :func:`compression_ratio` (Whisper's own measure) and
:func:`loop_start`.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

_FILLED = re.compile(r"^(u+h*m+|u+m+|u+h+|e+r+m*|e+h+|a+h+|h+m+|h+u+m+|m+h*)$")
_BACKCHANNEL = re.compile(r"^(m+h+m+|u+m+h+m+|u+h+h+u+h+|u+h+u+h+)$")
"""A listener's yes or no, pieces joined: "mm-hmm", "mhm", "um-hmm", "uh-huh", "uh-uh"."""
_MURMUR_PIECE = re.compile(r"^(m+|h+m+)$")
"""One half of a hummed two-part answer ("mm-mm", "hm-hmm")."""


def plain(text: str, *, keep: str = "") -> str:
    """Lower case, curly apostrophes made straight, punctuation stripped; no units.

    Without ``keep``, ``text`` is a phrase: every mark but the apostrophe becomes a space
    ("mm-hmm." → "mm hmm"). With ``keep`` (the scorer's tokens use "$%"), ``text`` is one
    word: only the marks around it go, except the characters in ``keep``, and marks inside
    stay, so figures keep their shape ("$10,000," → "$10,000", "5.2%" → "5.2%").
    """
    if not keep:
        return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("’", "'")).split())
    text = text.strip().lower().replace("’", "'").replace("‘", "'")
    edge = rf"[^\w{re.escape(keep)}]+"
    return re.sub(rf"^{edge}|{edge}$", "", text)


def counted(count: int, noun: str) -> str:
    """ "1 filler", "2 fillers": a count with its noun, grammatical."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


NUMBER_NAMES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
)  # fmt: skip
"""The numbers 0–19 as said, each at its value's index."""
TENS_NAMES = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
"""The tens 20–90 as said, from twenty."""


def words_of(text: str) -> list[str]:
    """The words of ``text`` in :func:`plain` form."""
    return plain(text).split()


def is_filled_pause(token: str) -> bool:
    """True for "um", "uh", "er", "erm", "ah", "hmm", "hum", "mm", "m" and their spellings.

    Pieces ("Uh-h") are joined first, but a word spelled out in single letters ("E-R."
    on a real clip, where someone spelled a name) is letters, not a filler. A backchannel
    ("mm-hmm", "mhm", "uh-huh": is_backchannel) is not a filled pause: it answers, it does
    not hesitate (issue 12 asks for precision where backchannels are heard, and the real
    set's human reference does not count them).
    """
    if token.isascii() and token.isalpha():  # one plain word already: the quick path
        return bool(_FILLED.match(token.lower()))
    pieces = plain(token).split()
    if len(pieces) > 1 and all(len(p) == 1 for p in pieces):
        return False
    if _backchannel(pieces):
        return False  # "mm-mm": a hummed no, which the joined "mmmm" would pass as "mm"
    return bool(_FILLED.match("".join(pieces)))


def is_backchannel(token: str) -> bool:
    """True for a listener's "mm-hmm", "mhm", "um-hmm", "uh-huh", "uh-uh", "mm-mm" and their
    spellings."""
    return _backchannel(plain(token).split())


def _backchannel(pieces: list[str]) -> bool:
    """is_backchannel of a token's plain pieces: two hummed halves, or the pieces joined."""
    if len(pieces) == 2 and all(_MURMUR_PIECE.match(p) for p in pieces):
        return True
    return bool(_BACKCHANNEL.match("".join(pieces)))


def is_murmur(token: str) -> bool:
    """True for a sound that is not a word: a filled pause or a backchannel. What end-pointing
    and the segment guards pass over; only filled pauses are counted as fillers."""
    return is_filled_pause(token) or is_backchannel(token)


LOOP_REPEATS = 3
"""A unit of words said this many times in a row, in a window whose text Whisper's check
found repetitive, is where its decode went round in a loop. A sentence said twice is not
a loop; Whisper's loops repeat one to a few words dozens of times (to its token limit)."""
LOOP_UNIT_WORDS = 8
"""The longest unit looked for, words."""


LOOP_RATIO = 2.4
"""Whisper's compression-ratio threshold: text that compresses more than this went round in
a loop (faster-whisper's ``compression_ratio_threshold`` default)."""


def compression_ratio(text: str) -> float:
    """Whisper's repetition measure, as faster-whisper computes it: the text's bytes over
    the bytes of its zlib compression."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def loop_start(texts: Sequence[str]) -> int | None:
    """Index of the first word of the first run of LOOP_REPEATS or more back-to-back
    repeats of a unit of 1–LOOP_UNIT_WORDS words (compared as ``plain`` text), or None."""
    words = [plain(t) for t in texts]
    n = len(words)
    for i in range(n):
        for size in range(1, LOOP_UNIT_WORDS + 1):
            if i + LOOP_REPEATS * size > n:
                break
            unit = words[i : i + size]
            if all(
                words[i + k * size : i + (k + 1) * size] == unit for k in range(1, LOOP_REPEATS)
            ):
                return i
    return None
