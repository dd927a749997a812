"""The one normaliser (text.plain), phrase form and the scorer's word form, on known strings."""

from __future__ import annotations

import pytest

from voicesim.scoring.tokens import KEEP
from voicesim.text import plain, words_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("That’s my answer.", "that's my answer"),
        ("Mm-hmm, NEXT question!", "mm hmm next question"),
        ("$10,000 (5.2%)", "10 000 5 2"),
        ("", ""),
    ],
)
def test_a_phrase_loses_every_mark_but_the_apostrophe(text: str, expected: str) -> None:
    assert plain(text) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("$10,000,", "$10,000"),  # money keeps its sign and its thousands separator
        ("5.2%.", "5.2%"),
        ("(Lisbon)", "lisbon"),
        ("‘quoted’", "quoted"),
        ("Don’t", "don't"),
        ("e.g.", "e.g"),  # marks inside a word stay, only the edges go
        ("résumé,", "résumé"),  # letters beyond a-z are letters
        ("...", ""),
    ],
)
def test_a_scored_word_keeps_figures_whole(word: str, expected: str) -> None:
    assert plain(word, keep=KEEP) == expected


def test_words_of_is_the_phrase_form_split() -> None:
    assert words_of("Well, um… that’s it.") == ["well", "um", "that's", "it"]
