"""Stage: export. An answer's annotated timeline as captions, labels and a Praat TextGrid.

The timeline itself (words, fillers and pauses in time) is built by
:mod:`voicesim.analysis.timeline`; this module only writes it out in each format.
"""

from __future__ import annotations

import json

from voicesim.analysis.timeline import Token, cues, timeline
from voicesim.sessions.store import AnswerRecord, SessionRecord

FORMATS = ("vtt", "srt", "audacity", "textgrid", "json")
EXTENSIONS = {"vtt": "vtt", "srt": "srt", "audacity": "txt", "textgrid": "TextGrid", "json": "json"}


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


MIN_INTERVAL_S = 0.001
"""The width given a span Whisper gave no time of its own (or that an earlier span covers):
an interval tier's intervals follow one another with a width each, and such a span was
dropped ("I" under an acoustic filled pause, a word stacked on its neighbour)."""


def _intervals(spans: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
    """``spans`` as one interval tier's labelled intervals, in time order: none dropped, each
    starting where the one before ends if they overlap, at least MIN_INTERVAL_S wide."""
    out: list[tuple[float, float, str]] = []
    cursor = 0.0
    for start, end, text in sorted(spans, key=lambda s: (s[0], s[1])):
        start = max(start, cursor)
        end = max(end, start + MIN_INTERVAL_S)
        out.append((start, end, text))
        cursor = end
    return out


def _tier(name: str, spans: list[tuple[float, float, str]], xmax: float) -> list[str]:
    intervals: list[tuple[float, float, str]] = []
    cursor = 0.0
    for start, end, text in spans:  # from _intervals: ordered, apart, inside xmax
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
    """A Praat TextGrid (long text format) with tiers "words" (every word, and each filler
    written as one: "um", "you know"), "fillers" (every filler, those heard in the signal
    as "(filled pause)") and "pauses". A filled pause heard in the signal is no word: in the
    words tier it covered the word Whisper wrote over it, which was lost."""
    words = [
        (t.start, t.end, t.text)
        for t in tokens
        if t.kind == "word" or (t.kind == "filler" and t.source == "transcript")
    ]
    tiers = {
        "words": _intervals(words),
        "fillers": _intervals([(t.start, t.end, t.text) for t in tokens if t.kind == "filler"]),
        "pauses": _intervals(
            [
                (t.start, t.end, "long pause" if t.long else "pause")
                for t in tokens
                if t.kind == "pause"
            ]
        ),
    }
    ends = [spans[-1][1] for spans in tiers.values() if spans]
    xmax = max([duration_s, *ends, 0.001])
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
