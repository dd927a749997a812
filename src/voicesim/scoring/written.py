"""A written answer as the scorer reads a spoken one: words timed evenly, fillers as written.

Pure: text in, Transcript and Delivery out. Times in seconds; the pace is fixed (words are
not spoken), so nothing that needs audio — pace, pauses, pitch, level — is measured.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from voicesim.analysis.fillers import transcript_fillers
from voicesim.errors import UserError
from voicesim.packs import Question
from voicesim.results import Delivery, Score, Transcript, Word
from voicesim.scoring.rubric import Rubric
from voicesim.scoring.score import score_answer
from voicesim.text import is_filled_pause, words_of

WRITTEN_WPM = 150.0
"""Words per minute at which a written answer is laid out in time: the middle of the
comfortable band, so time-based criteria (length, getting to the point) read a written
answer as it would sound said at an ordinary pace."""

_WORD = re.compile(r"\S+")
_LETTER = re.compile(r"\w")
_OPENING = "\"'“‘¿([{$£€#"
"""Marks that open the word after them when written apart ("( we", "$ 40"); any other mark
written apart ("—", " - ", ",", "…") closes the word before it: faster-whisper's split,
plus money, less the hyphen (written apart, it is a dash)."""


_NOISES = (
    "laugh", "laughs", "laughing", "laughter", "chuckles", "giggles", "cough", "coughs",
    "coughing", "sigh", "sighs", "sniff", "sniffs", "clears throat", "inaudible",
    "unintelligible", "indistinct", "crosstalk", "cross-talk", "pause", "long pause",
    "short pause", "silence", "noise", "background noise", "applause", "music", "static",
    "breath", "breathes", "breathing", "inhales", "exhales", "smiles", "nods",
    "laughs nervously",
)  # fmt: skip
_ANNOTATION = re.compile(
    r"\[[^\[\]]*\]|<[A-Za-z_ -]{1,40}>|\((?:"
    + "|".join(re.escape(n) for n in _NOISES)
    + r")\b(?:[\s,]*[\d:.]+\s*(?:s|secs?|seconds?)?)?\)",
    re.IGNORECASE,
)
"""A transcriber's note, not a word said: anything in square brackets ("[laughter]",
"[inaudible 00:01:12]"), a word or two in angle brackets ("<noise>"; "<200 ms" is a figure),
and a sound or gap alone in round brackets ("(laughs)", "(long pause)", "(pause 3 s)").
Round brackets around words ("(we cut costs by 20 %)", "(pauses cost us a week)") hold
said words."""


def without_annotations(text: str) -> str:
    """``text`` without a transcriber's notes of sounds and gaps (:data:`_ANNOTATION`).

    Transcripts from meeting tools and transcription services mark laughter, coughs,
    crosstalk and inaudible stretches in brackets; they were scored as words ("[laughter]"
    one more word, "[inaudible]" a content word for substance and circling).
    """
    while True:  # inside out: "[crosstalk [laughs]]"
        text, n = _ANNOTATION.subn(_note_or_filler, text)
        if not n:
            return text


def _note_or_filler(match: re.Match[str]) -> str:
    """A note becomes a space; a filled pause in brackets ("[um]", "<uh>"), as some
    transcribers mark hesitations, stays as the filler it is."""
    inner = match.group(0)[1:-1]
    words = words_of(inner)
    return f" {inner} " if words and all(map(is_filled_pause, words)) else " "


def has_words(text: str) -> bool:
    """True if ``text`` has a letter or digit to score (not only blanks, punctuation or a
    transcriber's notes such as "[inaudible]")."""
    return _LETTER.search(without_annotations(text)) is not None


def transcript_from_text(text: str, wpm: float = WRITTEN_WPM) -> Transcript:
    """Every whitespace-separated word, one after another at ``wpm``; fillers marked.

    A mark written apart ("—", "-", "…", " , ") is no word (SPEC §1: words are tokens with
    punctuation stripped): it joins the word it belongs to, so a sentence's full stop
    still ends it. Each was a word: "Um we shipped it — on time — to 40 clients." had 10
    words and 10.0 fillers per 100 words for 8 words and 12.5. A transcriber's note
    ("[laughter]", "(inaudible)") is no word either (:func:`without_annotations`).
    """
    text = without_annotations(text)
    step = 60.0 / wpm
    raw = [
        Word(text=t, start=round(n * step, 3), end=round((n + 1) * step, 3), probability=1.0)
        for n, t in enumerate(written_words(text))
    ]
    words, _ = transcript_fillers(raw, joins_split=False)  # "um um" written is two
    return Transcript(text=" ".join(text.split()), words=words)


def written_words(text: str) -> list[str]:
    """The whitespace-separated words of ``text``, each mark written apart joined to its
    word: an opening mark to the next word, any other to the word before (to the next
    when there is none); a text of marks alone has no words."""
    words: list[str] = []
    pending = ""  # marks waiting for the next word
    for m in _WORD.finditer(text):
        token = m.group(0)
        if _LETTER.search(token):
            words.append(pending + token)
            pending = ""
        elif words and not all(c in _OPENING for c in token):
            words[-1] += token
        else:
            pending += token
    return words


def delivery_from_text(transcript: Transcript) -> Delivery:
    """Word and filler counts of a written answer; no pauses, pitch or level (no audio)."""
    words, fillers = transcript_fillers(transcript.words, joins_split=False)
    spoken = [w for w in words if not w.filler]
    span = words[-1].end - words[0].start if words else 0.0
    minutes = span / 60.0
    return Delivery(
        speaking_span_s=span,
        words=len(spoken),
        wpm=len(spoken) / minutes if minutes else 0.0,
        articulation_rate=0.0,
        syllables=0,
        phonation_time_s=span,
        fillers=fillers,
        fillers_per_100_words=100.0 * len(fillers) / len(spoken) if spoken else 0.0,
        fillers_per_minute=len(fillers) / minutes if minutes else 0.0,
    )


def score_text(text: str, question: Question | None, rubric: Rubric) -> Score:
    """Score a written answer (0–100); criteria that need audio are left out."""
    transcript = transcript_from_text(text)
    delivery = delivery_from_text(transcript)
    return score_answer(transcript, delivery, question=question, rubric=rubric, audio=False)


@dataclass(frozen=True)
class BatchItem:
    """One line of a batch: the answer's id, its question (or None) and its text."""

    line: int
    id: str
    question: Question | None
    text: str


BATCH_KEYS = ("id", "question", "text")
"""The keys of a batch line (SPEC §3b)."""


def parse_batch(lines: Iterable[str], find: Callable[[str], Question | None]) -> list[BatchItem]:
    """Every non-blank JSONL line as a BatchItem; the first bad line raises UserError.

    ``find`` maps a question id to its Question (None when unknown). Lines count from 1.
    A UTF-8 byte-order mark before the first line is dropped, as for a text FILE (Windows
    editors write one; the line was refused as "not valid JSON").
    """
    items: list[BatchItem] = []
    for n, line in enumerate(lines, start=1):
        if n == 1:
            line = line.removeprefix("\ufeff")
        if not line.strip():
            continue
        items.append(_batch_item(line, n, find))
    if not items:
        raise UserError("the batch holds no answers")
    return items


def _batch_item(line: str, n: int, find: Callable[[str], Question | None]) -> BatchItem:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UserError(f"line {n}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise UserError(f"line {n}: expected a JSON object with id and text")
    _known_keys(data, n)
    aid, qid, text = data.get("id"), data.get("question"), data.get("text")
    if not isinstance(aid, str) or not aid.strip():
        raise UserError(f"line {n}: 'id' must be a non-empty string")
    if not isinstance(text, str):
        raise UserError(f"line {n}: 'text' must be a string")
    if not has_words(text):
        raise UserError(f"line {n}: 'text' has no words")
    question = None
    if qid is not None:
        if not isinstance(qid, str):
            raise UserError(f"line {n}: 'question' must be a question id (a string)")
        question = find(qid)
        if question is None:
            raise UserError(f"line {n}: unknown question id '{qid}'")
    return BatchItem(n, aid, question, text)


def _known_keys(data: dict[str, Any], n: int) -> None:
    """A key that looks like a misspelt one is an error: "questoin" was ignored and the
    answer scored without its question. Other keys ("level", "rater") are the user's own
    data about the answer and are left alone."""
    for key in data:
        if key not in BATCH_KEYS:
            close = difflib.get_close_matches(key, BATCH_KEYS, n=1)
            if close:
                raise UserError(f"line {n}: unknown key '{key}' (did you mean '{close[0]}'?)")


def score_batch(items: Sequence[BatchItem], rubric: Rubric) -> list[dict[str, Any]]:
    """One ``{"id", "score"}`` object per item, in input order (SPEC §3b)."""
    return [
        {"id": item.id, "score": score_text(item.text, item.question, rubric).to_dict()}
        for item in items
    ]
