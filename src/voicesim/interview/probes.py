"""The interviewer's probe: one spoken follow-up when an answer lacks a result or own action.

The guide's competency interview asks for what the candidate did and what came of it; an
answer that gives neither gets one follow-up question out loud, as an interviewer would:

- no result ("…and it went well"): "What was the result — can you put a number on it?"
- no own action (only "we", "the team", "they"): "What did you do yourself?"

Pure: reads the analysed answer's words. Both missing: the result is asked for first
(an answer about "we" that ends in a number still shows an outcome; one without an
outcome shows nothing).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voicesim.results import AnalysisResult

ASK_RESULT = "What was the result — can you put a number on it?"
ASK_OWN_ACTION = "What did you do yourself?"

_SELF_TEXT = "i i'm i've i'd i'll myself"
_NUMBER_TEXT = (
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty "
    "forty fifty sixty hundred thousand million billion half double twice percent "
    "quarter third"
)
_RESULT_TEXT = (
    "result results resulted outcome saved cut reduced increased grew improved raised "
    "lowered doubled halved fell rose dropped won delivered finished shipped launched"
)
_SELF = frozenset(_SELF_TEXT.split())
_NUMBER_WORDS = frozenset(_NUMBER_TEXT.split())
_RESULT_WORDS = frozenset(_RESULT_TEXT.split())
KINDS = ("behavioural", "situational")
"""Question kinds that ask for a story with actions and a result (competency questions)."""


def _words(result: AnalysisResult) -> list[str]:
    return [
        re.sub(r"[^a-z0-9%']", "", w.text.lower().replace("’", "'"))
        for w in result.transcript.words
        if not w.filler
    ]


def has_result(result: AnalysisResult) -> bool:
    """True when the answer states an outcome: a figure, or a result word ("we cut…")."""
    words = _words(result)
    return any(
        any(ch.isdigit() for ch in w) or w in _NUMBER_WORDS or w in _RESULT_WORDS for w in words
    )


def has_own_action(result: AnalysisResult) -> bool:
    """True when the candidate says what they did themselves ("I", "I'd", "myself")."""
    return any(w in _SELF for w in _words(result))


def probe_for(result: AnalysisResult | None, kind: str) -> str | None:
    """The follow-up to ask after an answer to a question of ``kind``, or None."""
    if result is None or result.no_speech or kind not in KINDS:
        return None
    if not has_result(result):
        return ASK_RESULT
    if not has_own_action(result):
        return ASK_OWN_ACTION
    return None
