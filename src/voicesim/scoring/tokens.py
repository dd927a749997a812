"""The words of one answer as the scorer reads them: normalised tokens, sentences, phrases.

Pure helpers for the criteria modules. Times are seconds from the start of the answer.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, replace

from voicesim.results import Transcript
from voicesim.text import plain

_SENTENCE_END = re.compile(r"[.?!…]+[\"'”’)]*$")
KEEP = "$%"
"""Marks a scored word keeps: money and percentages count as figures (quantified)."""
_SPLIT = re.compile(r"[\s\-–—/]+")
_DIGITS = re.compile(r"^\$?£?€?\d[\d,.]*(k|m|%|x)?$")

_STOP_TEXT = """a an the and or but so of to in on at for with by from as is are was were be been am
    it its this that these those i me my we us our you your he she they them their his her
    do did does have has had not no yes if then than there here what which who when where
    how why all any some just very really also too can could would should will shall may
    might must up out about into over after before again more most much many such own
    same only one two well like know mean yeah okay oh um uh er erm ah hmm mm"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True)
class Token:
    """One normalised word: lower case, punctuation stripped; times in seconds."""

    text: str
    start: float
    end: float
    filler: bool
    ends_sentence: bool
    question: bool
    probability: float
    index: int  # position among all tokens
    proper: bool = False  # written capitalised mid-sentence, or an acronym: a name
    written: str = ""
    """The word as the answer wrote it, without the marks around it (as_written): what
    evidence shows of a name or a figure ("C++", "IT", "$10,000", "May 2021")."""


@dataclass(frozen=True)
class Sentence:
    """Consecutive tokens up to sentence-ending punctuation (or a long pause)."""

    tokens: tuple[Token, ...]

    @property
    def start(self) -> float:
        return self.tokens[0].start

    @property
    def end(self) -> float:
        return self.tokens[-1].end

    @property
    def words(self) -> list[Token]:
        return [t for t in self.tokens if not t.filler]

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.tokens)

    @property
    def is_question(self) -> bool:
        return self.tokens[-1].question


@dataclass(frozen=True)
class Hit:
    """A phrase found in the answer: the phrase as written, the words as said, seconds."""

    phrase: str
    said: str
    start: float
    end: float


def tokens_of(transcript: Transcript) -> list[Token]:
    """Every transcript word as one or more tokens (hyphenated words split)."""
    out: list[Token] = []
    opens = True  # the next word starts a sentence (its capital says nothing)
    for word in transcript.words:
        raw = word.text.strip()
        proper = _is_name(raw, opens)
        opens = bool(_SENTENCE_END.search(raw)) or raw.endswith(":")
        ends = bool(_SENTENCE_END.search(raw))
        question = raw.rstrip("\"'”’)").endswith("?")
        pieces = [(plain(p, keep=KEEP), as_written(p)) for p in _SPLIT.split(raw)]
        parts = [p for p in pieces if p[0]]
        if raw.endswith("%") and parts and not parts[-1][0].endswith("%"):
            parts[-1] = (parts[-1][0] + "%", parts[-1][1])
        for n, (part, written) in enumerate(parts):
            last = n == len(parts) - 1
            out.append(
                Token(
                    text=part,
                    written=written,
                    start=word.start,
                    end=word.end,
                    filler=word.filler,
                    ends_sentence=ends and last,
                    question=question and last,
                    probability=word.probability,
                    index=len(out),
                    proper=proper,
                )
            )
    if sum(t.proper for t in out) > 0.3 * len(out):
        # Capitals everywhere (a transcript in upper case): they mark no names.
        out = [replace(t, proper=False) for t in out]
    return out


_AROUND = "\"'“”‘’()[]{},;:!?…"
_ABBREVIATION = re.compile(r"(?:[A-Za-z]\.){2,}")


def as_written(piece: str) -> str:
    """One word as written, without the quotes, brackets and sentence marks around it:
    "C++," → "C++", "(IT)" → "IT", "$10,000." → "$10,000", "U.S." stays."""
    word = piece.strip().lstrip(_AROUND)
    while word and word[-1] in _AROUND + "." and not _ABBREVIATION.fullmatch(word):
        word = word[:-1]
    return word


def _is_name(raw: str, opens_sentence: bool) -> bool:
    """A capitalised word inside a sentence ("Lisbon", "HubSpot") or an acronym ("CRM").

    A small word in capitals is stress or a slip, not a name: "I want THIS job", "That is
    the point" were concrete details. "IT" and "US" stay acronyms.
    """
    word = raw.strip("\"'“”‘’(),.;:!?")
    if len(word) < 2 or not word[0].isupper():
        return False
    said = plain(word, keep=KEEP)
    if said in _FIRST_PERSON or (said in STOP_WORDS and word not in _SMALL_ACRONYMS):
        return False
    acronym = sum(c.isupper() for c in word) >= 2
    return acronym or not opens_sentence


_FIRST_PERSON = {"i", "i'm", "i'd", "i've", "i'll"}
_SMALL_ACRONYMS = {"IT", "US"}


def sentences_of(tokens: Sequence[Token], pause_split_s: float = 0.0) -> list[Sentence]:
    """Split at sentence-ending punctuation; without any, at pauses ≥ ``pause_split_s``."""
    if not tokens:
        return []
    punctuated = any(t.ends_sentence for t in tokens[:-1])
    out: list[Sentence] = []
    current: list[Token] = []
    for n, tok in enumerate(tokens):
        current.append(tok)
        nxt = tokens[n + 1] if n + 1 < len(tokens) else None
        boundary = tok.ends_sentence if punctuated else False
        if not punctuated and pause_split_s > 0 and nxt is not None:
            boundary = nxt.start - tok.end >= pause_split_s
        if boundary or nxt is None:
            out.append(Sentence(tuple(current)))
            current = []
    return out


_CLITIC = re.compile(r"(n't|'s|'re|'ve|'ll|'d|'m)$")
_NEGATED = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}
"""Negations whose base is not the word less "n't": "can't", "won't", "shan't", "ain't"."""


def base_word(word: str) -> str:
    """``word`` without its clitic: "there's" → "there", "don't" → "do", "team's" → "team"."""
    cut = _CLITIC.sub("", word)
    if cut != word and word.endswith("n't"):
        return _NEGATED.get(cut, cut)
    return cut or word


def is_stop_word(word: str) -> bool:
    """A stop word, or one contracted: "there's", "i'm", "we're", "don't" are no content
    ("There's a plan… There's a team…" was evidence of circling as "“there'” × 3")."""
    return word in STOP_WORDS or base_word(word) in STOP_WORDS


def content_words(tokens: Iterable[Token]) -> list[Token]:
    """Non-filler tokens that are not stop words, contracted or not."""
    return [t for t in tokens if not t.filler and not is_stop_word(t.text)]


def stem(word: str) -> str:
    """A crude stem so "conflicts", "conflict" and "conflicting" count as one word (and
    "client's" with "client": the clitic goes first, never only its "s")."""
    word = base_word(word)
    for suffix in ("ings", "ing", "ies", "ied", "es", "ed", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def find_phrases(
    tokens: Sequence[Token], phrases: Iterable[str], *, plurals: bool = False
) -> list[Hit]:
    """Every occurrence of each phrase among the non-filler tokens, in time order.

    A phrase word ending in ``*`` matches any word it begins; ``%`` matches a token
    ending in ``%`` ("30%"). Fillers between phrase words are skipped ("wasn't, um, my fault").
    Overlapping hits of different phrases are kept once (the longest wins). With
    ``plurals`` a phrase's last word also matches its plural or third-person form
    ("course" in "I've taken courses", "mentor" in "she mentors me"): an expectation met in
    other words' endings was "missing".
    """
    words = [t for t in tokens if not t.filler]
    texts = [t.text for t in words]
    at: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        at.setdefault(text, []).append(i)
    hits: list[tuple[int, int, str]] = []
    for phrase in phrases:
        pattern = _pattern(phrase)
        if not pattern:
            continue
        n = len(pattern)
        forms = _forms(pattern[-1]) if plurals else (pattern[-1],)
        head = pattern[0]
        wild = head == "%" or head.endswith("*")
        if wild:
            starts: Iterable[int] = range(len(texts))
        elif n == 1:
            starts = sorted(i for form in forms for i in at.get(form, []))
        else:
            starts = at.get(head, [])
        for i in starts:
            if (
                i + n <= len(texts)
                and all(_word_matches(texts[i + k], pattern[k]) for k in range(n - 1))
                and any(_word_matches(texts[i + n - 1], form) for form in forms)
            ):
                hits.append((i, i + n, phrase))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    taken: list[Hit] = []
    last_end = -1
    for i, j, phrase in hits:
        if i < last_end:
            continue
        said = as_said(texts[i:j])
        taken.append(Hit(phrase, said, words[i].start, words[j - 1].end))
        last_end = j
    return taken


def _pattern(phrase: str) -> list[str]:
    """A phrase as normalised words, keeping a trailing ``*`` wildcard."""
    out = []
    for part in _SPLIT.split(phrase.strip().lower()):
        star = part.endswith("*")
        word = plain(part.rstrip("*"), keep=KEEP) or part.rstrip("*")
        if word:
            out.append(word + ("*" if star else ""))
    return out


def _forms(word: str) -> tuple[str, ...]:
    """A phrase's last word and its regular plural / third-person forms ("course",
    "courses"; "coach", "coaches"; "strategy", "strategies"). Wildcards and figures as
    they are."""
    if word.endswith("*") or word == "%" or not word.isalpha():
        return (word,)
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return (word, word + "es")
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return (word, word[:-1] + "ies")
    return (word, word + "s")


def _word_matches(word: str, pattern: str) -> bool:
    if pattern == "%":
        return word.endswith("%")
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    return word == pattern


def is_number(token: Token, number_words: Container[str]) -> bool:
    """A figure: digits (not a bare year), a percentage, or a number word."""
    text = token.text
    if _DIGITS.match(text):
        bare = text.replace(",", "")
        return not (bare.isdigit() and len(bare) == 4 and 1900 <= int(bare) <= 2100)
    return text in number_words or text.endswith("%")


def figures(tokens: Sequence[Token], number_words: Container[str]) -> list[Hit]:
    """Consecutive number tokens grouped into figures ("two hundred thousand" is one), and
    "hundred and" before a number too ("two hundred and fifty users" is one figure)."""
    words = [t for t in tokens if not t.filler]
    out: list[Hit] = []
    run: list[Token] = []
    for i, tok in enumerate([*words, None]):
        if tok is not None and (
            is_number(tok, number_words)
            or (
                tok.text == "and"
                and run
                and run[-1].text == "hundred"
                and i + 1 < len(words)
                and is_number(words[i + 1], number_words)
            )
        ):
            run.append(tok)
            continue
        if run:
            said = " ".join(t.text for t in run)
            out.append(Hit("number", said, run[0].start, run[-1].end))
            run = []
    return out


def quote(tokens: Sequence[Token], limit: int = 12) -> str:
    """The first ``limit`` tokens as a short quote, with an ellipsis when cut: the words as
    the answer wrote them ("Even though … when Jane Doe quit", not "even though … jane doe")."""
    text = as_said(t.written or t.text for t in tokens[:limit])
    return text + (" …" if len(tokens) > limit else "")


_PRONOUN = re.compile(r"^i(?=$|')")


def as_said(words: Iterable[str]) -> str:
    """Tokens (lower case) joined for a quote, with "I" written as it is: evidence and tips
    read “i guess” and “i involve …”."""
    return " ".join(_PRONOUN.sub("I", w) for w in words)


def piecewise(x: float, curve: Sequence[tuple[float, float]]) -> float:
    """Linear interpolation through ``curve`` points; flat beyond the ends."""
    if x <= curve[0][0]:
        return curve[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(curve):
        if x <= x1:
            if x1 == x0:
                return y1
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return curve[-1][1]
