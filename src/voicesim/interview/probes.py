"""The interviewer's probe: one spoken follow-up when an answer lacks a result or own action.

The guide's competency interview asks for what the candidate did and what came of it; an
answer that gives neither gets one follow-up question out loud, as an interviewer would:

- no own action (only "we", "the team", "they"): "What did you do yourself?"
- no result ("…and it went well"): "What was the result — can you put a number on it?"

The decision is the scorer's: the structure criterion already finds the candidate's own
actions and the outcome (``scoring.story``), so the interviewer asks exactly when the score
says a part is missing, never by a second word list that could disagree with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from voicesim.scoring.story import FOLLOW_UP_ACTION, FOLLOW_UP_RESULT, needs_follow_up

if TYPE_CHECKING:
    from voicesim.results import AnalysisResult

ASK_RESULT = FOLLOW_UP_RESULT
ASK_OWN_ACTION = FOLLOW_UP_ACTION
KINDS = ("behavioural", "situational")
"""Question kinds that ask for a story with actions and a result (competency questions)."""


def probe_for(result: AnalysisResult | None, kind: str) -> str | None:
    """The follow-up to ask after an answer to a question of ``kind``, or None."""
    if result is None or result.no_speech or kind not in KINDS:
        return None
    return needs_follow_up(result.score)
