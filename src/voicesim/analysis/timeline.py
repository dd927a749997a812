"""The annotated timeline of one answer: words, fillers and pauses laid out in time.

The timeline (:func:`timeline`) is the one place where words, fillers and pauses are laid
out in time; replay, the HTML report and every export format read it. Each filler of
``delivery.fillers`` becomes exactly one filler token (a discourse filler such as "you know"
swallows the words it covers; an acoustic filled pause no word covers is its own token).
:func:`cues` groups the tokens into captions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from voicesim.results import AnalysisResult, Filler, Word
from voicesim.text import is_filled_pause, plain

TokenKind = Literal["word", "filler", "pause"]

CUE_MAX_WORDS = 8
CUE_MAX_S = 4.0
CUE_MIN_WORDS = 3
"""A caption ends with a sentence once it holds this many tokens; and a full caption takes
one more token when that token ends the sentence, within CUE_STRETCH (a caption of its own
was "guess." for 0.33 s after "… they do it, I")."""
CUE_STRETCH = (1, 1.0)
"""How far a full caption may grow to keep a sentence's last word: tokens, seconds."""
_SENTENCE_END = (".", "?", "!")


@dataclass(frozen=True)
class Token:
    """One thing heard (or not) in an answer: a word, a filler or a silent pause; seconds."""

    text: str
    start: float
    end: float
    kind: TokenKind
    long: bool = False  # pauses: at least the long-pause threshold
    filler_kind: str = ""  # fillers: "filled_pause" | "discourse"
    source: str = ""  # fillers: "transcript" | "acoustic"

    @property
    def label(self) -> str:
        """How captions show it: fillers in brackets, pauses as "(pause 2.3 s)"."""
        if self.kind == "filler":
            text = "filled pause" if self.text.strip("() ") == "filled pause" else self.text
            return f"[{text}]"
        if self.kind == "pause":
            return f"(pause {self.end - self.start:.1f} s)"
        return self.text


MATCH_WINDOW_S = 1.5


def _nearest(
    words: list[Word], used: set[int], n: int, start: float, match: Callable[[str], bool]
) -> list[int]:
    """The n consecutive unused words whose text matches, starting nearest ``start`` (s)."""
    best: list[int] = []
    best_gap = MATCH_WINDOW_S
    for i in range(len(words) - n + 1):
        span = list(range(i, i + n))
        if used.intersection(span) or not match(plain(" ".join(words[j].text for j in span))):
            continue
        gap = abs(words[i].start - start)
        if gap <= best_gap:
            best, best_gap = span, gap
    return best


def _filler_words(words: list[Word], used: set[int], f: Filler) -> list[int]:
    """Indices of the transcript words that make up filler ``f`` (may be empty).

    Whisper's timing of a filler word is often off (the analyser re-times it acoustically),
    so words are matched by their text near the filler first (the same spelling, then any
    filled-pause spelling such as "umm" for "um"), and by time overlap last.
    """
    n = max(1, len(f.text.split()))
    wanted = plain(f.text)
    found = _nearest(words, used, n, f.start, lambda text: text == wanted)
    if not found and f.kind == "filled_pause":
        found = _nearest(words, used, 1, f.start, is_filled_pause)
    if found:
        return found
    return [
        i
        for i, w in enumerate(words)
        if i not in used and f.start - 0.05 <= (w.start + w.end) / 2 <= f.end + 0.05
    ]


def timeline(analysis: AnalysisResult) -> list[Token]:
    """Words, fillers and pauses of one answer in time order (seconds from the answer start)."""
    words = [w for w in analysis.transcript.words if w.text.strip()]
    used: set[int] = set()
    # (token, transcript position): ties in time keep the transcript's word order.
    placed: list[tuple[Token, float]] = []
    for f in analysis.delivery.fillers:
        covered = _filler_words(words, used, f) if f.source == "transcript" else []
        used.update(covered)
        text = " ".join(words[i].text.strip() for i in covered).strip(" ,.;:!?") or f.text
        token = Token(text, f.start, f.end, "filler", filler_kind=f.kind, source=f.source)
        placed.append((token, covered[0] if covered else len(words)))
    for i, w in enumerate(words):
        # A filler-flagged word no transcript filler claimed is a lookalike ("or") lying in
        # an acoustic filled pause: that filler's token already stands for it.
        if i not in used and not w.filler:
            placed.append((Token(w.text.strip(), w.start, w.end, "word"), i))
    long_s = analysis.delivery.long_pause_s
    for p in analysis.delivery.pauses:
        placed.append((Token("", p.start, p.end, "pause", long=p.duration >= long_s), -1))
    placed.sort(key=lambda item: (item[0].start, item[0].kind != "pause", item[1]))
    return [token for token, _ in placed]


@dataclass(frozen=True)
class Cue:
    """One caption: start and end in seconds, and its text (fillers in brackets)."""

    start: float
    end: float
    text: str
    tokens: tuple[Token, ...] = ()


def cues(tokens: list[Token]) -> list[Cue]:
    """Group spoken tokens into captions: a pause or ~4 s / 8 words starts a new caption,
    and so does a sentence's end (CUE_MIN_WORDS, CUE_STRETCH)."""
    out: list[Cue] = []
    group: list[Token] = []

    def flush() -> None:
        if group:
            text = " ".join(t.label for t in group)
            out.append(Cue(group[0].start, max(t.end for t in group), text, tuple(group)))
            group.clear()

    for token in tokens:
        if token.kind == "pause":
            flush()
            continue
        ends = token.text.rstrip().endswith(_SENTENCE_END)
        if group and (len(group) >= CUE_MAX_WORDS or token.end - group[0].start > CUE_MAX_S):
            extra, seconds = CUE_STRETCH
            keep = ends and len(group) < CUE_MAX_WORDS + extra
            if not (keep and token.end - group[0].start <= CUE_MAX_S + seconds):
                flush()
        group.append(token)
        if ends and len(group) >= CUE_MIN_WORDS:
            flush()
    flush()
    return out
