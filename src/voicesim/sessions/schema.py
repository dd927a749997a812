"""What a readable ``session.json`` holds, checked field by field before it is read.

``SessionRecord.from_dict`` and the results' ``from_dict`` convert what they find with
``float()``, ``int()`` and ``str()``. On a damaged file they failed in Python's words ("bad
field float() argument must be a string or a real number, not 'NoneType'"), naming no field,
or let a wrong value through ("fast" as a count, a string as the list of evidence) for a
view to trip on later. :func:`check_session` names the first bad field instead, numbered as
the user counts answers: ``answer 1: analysis.delivery.wpm is not a number``.

Two answers with the same index are corrupt too: every view looks answers up by index, and
the history index keys them by (session, index), where a repeat was taken for a damaged
index file and every ``sessions reindex`` moved the healthy index aside.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, NoReturn

Check = Callable[[Any, str], None]
"""Checks a value found at a field path (e.g. "analysis.delivery.wpm"); raises CorruptSession."""

Fields = dict[str, tuple[bool, Check]]
"""An object's fields: name → (required, check). A field that is absent gets its default."""

PLAIN = re.compile(r"[A-Za-z0-9_-]+")
"""A field name shown as is in a path; any other is quoted."""

LARGEST = 2**63
"""Whole numbers must fit SQLite's 64-bit integers (the history index stores them)."""


class CorruptSession(ValueError):
    """One problem of a ``session.json``, worded for the user: the field and what is wrong."""


def _fail(where: str, what: str) -> NoReturn:
    raise CorruptSession(f"{where} {what}")


def _join(where: str, name: str) -> str:
    if not PLAIN.fullmatch(name):  # a key of any text (a score group): quoted, on one line
        return f"{where}[{name!r}]"
    return f"{where}.{name}" if where else name


def number(value: Any, where: str) -> None:
    """A finite JSON number (true/false are not numbers, though Python counts them as ints)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(where, "is not a number")
    if isinstance(value, int):
        if abs(value) >= LARGEST:
            _fail(where, "is out of range")
    elif not math.isfinite(value):  # json reads NaN, Infinity and 1e400 as floats
        _fail(where, "is not a finite number")


def count(value: Any, where: str) -> None:
    """A whole number ≥ 0 (words, a sample rate, an answer index); 3.0 is one, as ``int()``
    reads it."""
    number(value, where)
    if isinstance(value, float) and not value.is_integer():
        _fail(where, "is not a whole number")
    if isinstance(value, float) and value >= LARGEST:  # 9.3e18 is whole, and past SQLite's ints
        _fail(where, "is out of range")
    if value < 0:
        _fail(where, "is below 0")


def text(value: Any, where: str) -> None:
    if not isinstance(value, str):
        _fail(where, "is not a string")


def flag(value: Any, where: str) -> None:
    if not isinstance(value, bool):  # bool("no") is True: a string would flip the meaning
        _fail(where, "is not true or false")


def anything(value: Any, where: str) -> None:
    """Free-form data (settings, a question's other fields): only its place is checked."""


def nullable(check: Check) -> Check:
    """``check``, or null (JSON's none: no pitch measured, no audio file)."""

    def checked(value: Any, where: str) -> None:
        if value is not None:
            check(value, where)

    return checked


def list_of(check: Check) -> Check:
    def checked(value: Any, where: str) -> None:
        if not isinstance(value, list):
            _fail(where, "is not a list")
        for i, item in enumerate(value):
            check(item, f"{where}[{i}]")

    return checked


def map_of(check: Check) -> Check:
    """An object whose every value passes ``check`` (a score's groups)."""

    def checked(value: Any, where: str) -> None:
        if not isinstance(value, dict):
            _fail(where, "is not an object")
        for name, item in value.items():
            check(item, _join(where, name))

    return checked


def obj(fields: Fields, *, closed: bool = False) -> Check:
    """An object with ``fields``; ``closed``: no other field either (read as ``Cls(**d)``)."""

    def checked(value: Any, where: str) -> None:
        if not isinstance(value, dict):
            _fail(where, "is not an object")
        for name, (required, check) in fields.items():
            if name in value:
                check(value[name], _join(where, name))
            elif required:
                _fail(_join(where, name), "is missing")
        unknown = sorted(set(value) - set(fields))
        if closed and unknown:
            _fail(where, f"has an unknown field {unknown[0]!r}")

    return checked


def _need(check: Check) -> tuple[bool, Check]:
    return True, check


def _may(check: Check) -> tuple[bool, Check]:
    return False, check


# The analysis of one answer, as AnalysisResult.from_dict reads it (voicesim.results).
SPAN = obj({"start": _need(number), "end": _need(number)})
WORD = obj(
    {
        "text": _need(text),
        "start": _need(number),
        "end": _need(number),
        "probability": _may(number),
        "filler": _may(flag),
    }
)
FILLER = obj(
    {
        "text": _need(text),
        "start": _need(number),
        "end": _need(number),
        "kind": _need(text),
        "source": _need(text),
    }
)
PITCH = obj(
    {
        "median_hz": _need(number),
        "sd_semitones": _need(number),
        "monotone": _need(flag),
        "voiced_ratio": _need(number),
    },
    closed=True,
)
LOUDNESS = obj(
    {
        "mean_dbfs": _need(number),
        "sd_db": _need(number),
        "peak_dbfs": _need(number),
        "clipping_ratio": _need(number),
    },
    closed=True,
)
DELIVERY = obj(
    {
        "speaking_span_s": _need(number),
        "words": _need(count),
        "wpm": _need(number),
        "articulation_rate": _need(number),
        "syllables": _may(count),
        "phonation_time_s": _may(number),
        "pauses": _may(list_of(SPAN)),
        "long_pause_s": _may(number),
        "fillers": _may(list_of(FILLER)),
        "fillers_per_100_words": _may(number),
        "fillers_per_minute": _may(number),
        "pitch": _may(nullable(PITCH)),
        "loudness": _may(nullable(LOUDNESS)),
        "response_latency_s": _may(nullable(number)),
        "warnings": _may(list_of(text)),
    }
)
EVIDENCE = obj(
    {"text": _need(text), "start": _may(nullable(number)), "end": _may(nullable(number))}
)
CRITERION = obj(
    {
        "id": _need(text),
        "group": _need(text),
        "score": _need(number),
        "weight": _need(number),
        "evidence": _may(list_of(EVIDENCE)),
        "tip": _may(text),
        "label": _may(text),
    }
)
SCORE = obj(
    {
        "overall": _need(number),
        "groups": _may(map_of(number)),
        "question_id": _may(nullable(text)),
        "criteria": _may(list_of(CRITERION)),
    }
)
ANALYSIS = obj(
    {
        "audio": _need(
            obj({"path": _need(text), "duration_s": _need(number), "sample_rate": _need(count)})
        ),
        "transcript": _need(obj({"text": _need(text), "words": _may(list_of(WORD))})),
        "delivery": _need(DELIVERY),
        "score": _need(SCORE),
    }
)

# One answer, as AnswerRecord.from_dict reads it (its index is checked apart: it names it).
QUESTION = obj(
    {
        "id": _may(nullable(text)),  # the history index keeps id and category as text
        "text": _may(nullable(text)),
        "category": _may(nullable(text)),
    }
)
ANSWER = obj(
    {
        "question": _may(nullable(QUESTION)),
        "asked_at": _may(text),
        "question_audio": _may(nullable(text)),
        "answer_audio": _may(nullable(text)),
        "analysis": _may(nullable(ANALYSIS)),
        "response_latency_s": _may(nullable(number)),
        "ended_by": _may(text),
        "skipped": _may(flag),
        "interviewer": _may(nullable(text)),
        "feedback": _may(text),
        "extra": _may(nullable(map_of(anything))),
    }
)
# The session's totals (record.summarize) and its debrief (interview.feedback.stored_debrief),
# which the views print as numbers; other fields pass as they are.
SUMMARY = obj(
    {
        "answers": _may(count),
        "answered": _may(count),
        "skipped": _may(count),
        "speaking_s": _may(number),
        "words": _may(count),
        "wpm": _may(nullable(number)),
        "fillers": _may(count),
        "fillers_per_100_words": _may(nullable(number)),
        "long_pauses": _may(count),
        "score": _may(nullable(number)),
        "mean_score": _may(nullable(number)),
        "pace_trend": _may(nullable(text)),
        "filler_trend": _may(nullable(text)),
        "rehearse": _may(list_of(count)),
        "verdicts": _may(map_of(number)),
    }
)
SESSION = obj(
    {
        "id": _need(text),
        "created": _need(text),
        "mode": _may(text),
        "pack": _may(nullable(text)),
        "status": _may(text),
        "settings": _may(nullable(map_of(anything))),
        "summary": _may(nullable(SUMMARY)),
        "answers": _may(list_of(anything)),  # each answer: check_session, to name it
    }
)


def format_version(data: dict[str, Any]) -> int:
    """The format ``version`` of a parsed session.json (0 when absent); CorruptSession if it
    is no whole number (``int("abc")`` used to escape as an internal error)."""
    if "version" not in data:
        return 0
    count(data["version"], "version")  # null too: from_dict would read it as int(None)
    return int(data["version"])


def check_session(data: dict[str, Any]) -> None:
    """Raise CorruptSession naming the first field of ``data`` (a parsed session.json of
    this format version) that ``SessionRecord.from_dict`` cannot read as it should."""
    SESSION(data, "")
    first_at: dict[int, int] = {}  # answer index → its position in "answers"
    for pos, answer in enumerate(data.get("answers") or []):
        where = f"answers[{pos}]"
        if not isinstance(answer, dict):
            _fail(where, "is not an object")
        if "index" not in answer:
            _fail(f"{where}.index", "is missing")
        count(answer["index"], f"{where}.index")
        index = int(answer["index"])
        if index in first_at:
            raise CorruptSession(
                f"answers[{first_at[index]}].index and {where}.index are both {index}:"
                f" answer {index + 1} is stored twice"
            )
        first_at[index] = pos
        try:
            ANSWER(answer, "")
        except CorruptSession as exc:
            raise CorruptSession(f"answer {index + 1}: {exc}") from None
