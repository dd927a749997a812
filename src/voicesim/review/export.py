"""Stage: export. An answer's annotated timeline as captions, labels and a Praat TextGrid.

The timeline (:func:`timeline`) is the one place where words, fillers and pauses are laid
out in time; replay, the HTML report and every export format read it. Each filler of
``delivery.fillers`` becomes exactly one filler token (a discourse filler such as "you know"
swallows the words it covers; an acoustic filled pause no word covers is its own token).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from voicesim.results import AnalysisResult, Filler, Word
from voicesim.sessions.store import AnswerRecord, SessionRecord
from voicesim.text import is_filled_pause, plain

FORMATS = ("vtt", "srt", "audacity", "textgrid", "json")
EXTENSIONS = {"vtt": "vtt", "srt": "srt", "audacity": "txt", "textgrid": "TextGrid", "json": "json"}
TokenKind = Literal["word", "filler", "pause"]

CUE_MAX_WORDS = 8
CUE_MAX_S = 4.0


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
    """Group spoken tokens into captions; a pause or ~4 s / 8 words starts a new caption."""
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
        if group and (len(group) >= CUE_MAX_WORDS or token.end - group[0].start > CUE_MAX_S):
            flush()
        group.append(token)
    flush()
    return out


def _clock(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(tokens: list[Token], *, title: str = "") -> str:
    """WebVTT captions; fillers appear as ``[um]``."""
    lines = ["WEBVTT", ""]
    if title:
        lines += ["NOTE", _vtt_escape(title).replace("-->", "->"), ""]
    for cue in cues(tokens):
        lines += [f"{_clock(cue.start, '.')} --> {_clock(cue.end, '.')}", _vtt_escape(cue.text), ""]
    return "\n".join(lines)


def to_srt(tokens: list[Token]) -> str:
    """SubRip captions; fillers appear as ``[um]``."""
    blocks = []
    for number, cue in enumerate(cues(tokens), start=1):
        span = f"{_clock(cue.start, ',')} --> {_clock(cue.end, ',')}"
        blocks.append(f"{number}\n{span}\n{cue.text}\n")
    return "\n".join(blocks)


def to_audacity(tokens: list[Token]) -> str:
    """An Audacity label track: ``start<TAB>end<TAB>label`` per word, filler and pause."""
    lines = []
    for t in tokens:
        label = t.label.replace("\t", " ").replace("\n", " ")
        if t.kind == "pause" and t.long:
            label = f"(long pause {t.end - t.start:.1f} s)"
        lines.append(f"{t.start:.6f}\t{t.end:.6f}\t{label}")
    return "\n".join(lines) + ("\n" if lines else "")


def _tier(name: str, spans: list[tuple[float, float, str]], xmax: float) -> list[str]:
    intervals: list[tuple[float, float, str]] = []
    cursor = 0.0
    for start, end, text in sorted(spans):
        start, end = max(start, cursor), min(end, xmax)
        if end <= start:
            continue
        if start > cursor:
            intervals.append((cursor, start, ""))
        intervals.append((start, end, text))
        cursor = end
    if cursor < xmax or not intervals:
        intervals.append((cursor, xmax, ""))
    lines = [
        '        class = "IntervalTier"',
        f'        name = "{name}"',
        "        xmin = 0",
        f"        xmax = {xmax:.6f}",
        f"        intervals: size = {len(intervals)}",
    ]
    for n, (start, end, text) in enumerate(intervals, start=1):
        quoted = text.replace('"', '""')
        lines += [
            f"        intervals [{n}]:",
            f"            xmin = {start:.6f}",
            f"            xmax = {end:.6f}",
            f'            text = "{quoted}"',
        ]
    return lines


def to_textgrid(tokens: list[Token], duration_s: float) -> str:
    """A Praat TextGrid (long text format) with tiers "words", "fillers" and "pauses"."""
    xmax = max([duration_s] + [t.end for t in tokens] + [0.001])
    tiers = {
        "words": [(t.start, t.end, t.text) for t in tokens if t.kind != "pause"],
        "fillers": [(t.start, t.end, t.text) for t in tokens if t.kind == "filler"],
        "pauses": [
            (t.start, t.end, "long pause" if t.long else "pause")
            for t in tokens
            if t.kind == "pause"
        ],
    }
    lines = [
        'File type = "ooTextFile"',
        'Object class = "TextGrid"',
        "",
        "xmin = 0",
        f"xmax = {xmax:.6f}",
        "tiers? <exists>",
        f"size = {len(tiers)}",
        "item []:",
    ]
    for n, (name, spans) in enumerate(tiers.items(), start=1):
        lines.append(f"    item [{n}]:")
        lines += _tier(name, spans, xmax)
    return "\n".join(lines) + "\n"


def export_answer(answer: AnswerRecord, fmt: str) -> str:
    """One answer in format ``fmt`` (one of :data:`FORMATS`); an unanalysed answer is empty."""
    if fmt == "json":
        return json.dumps(answer.to_dict(), indent=1, ensure_ascii=False) + "\n"
    analysis = answer.analysis
    tokens = timeline(analysis) if analysis else []
    if fmt == "vtt":
        return to_vtt(tokens, title=str(answer.question.get("text", "")))
    if fmt == "srt":
        return to_srt(tokens)
    if fmt == "audacity":
        return to_audacity(tokens)
    if fmt == "textgrid":
        return to_textgrid(tokens, analysis.audio.duration_s if analysis else 0.0)
    raise ValueError(f"unknown export format {fmt!r}")


def export_session_json(session: SessionRecord) -> str:
    """The whole session (as in ``session.json``) as JSON text."""
    return json.dumps(session.to_dict(), indent=1, ensure_ascii=False) + "\n"
