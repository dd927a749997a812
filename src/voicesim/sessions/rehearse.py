"""Which questions to practise next, from the stored history of answers.

- :func:`rehearse_ids`: the questions answered worst (or skipped) in recent sessions,
  weakest first — what ``voicesim practice --rehearse`` asks.
- :func:`least_recent_first`: the default order, so a session does not always open with
  the same question: never-practised questions first, then the longest unpractised.
- :func:`question_attempts`: one question's answers over time (``history --question``).

Demo sessions (mode "demo") are rendered answers, not the user's: they are left out
unless ``include_demo`` is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from voicesim.sessions.index import Attempt
    from voicesim.sessions.store import SessionStore

REHEARSE_BELOW = 65.0
"""An answer scoring under this (0–100) is worth rehearsing again."""

DEMO_MODE = "demo"
"""The mode stored for ``voicesim demo`` sessions."""

RECENT_SESSIONS = 10
"""How many of the latest sessions ``--rehearse`` looks at."""


def question_attempts(
    store: SessionStore, question_id: str | None = None, *, include_demo: bool = False
) -> list[Attempt]:
    """Stored answers (to one question, if given), oldest first; demo sessions left out."""
    store.list()  # brings the index up to date with the session folders
    rows = store.index.attempts(question_id)
    return [a for a in rows if include_demo or a.mode != DEMO_MODE]


def _weakness(a: Attempt) -> float:
    """How much an attempt calls for rehearsal: its score, −1 when skipped or cut off."""
    if a.skipped or not a.analysed or a.score is None:
        return -1.0
    return a.score


def rehearse_ids(
    store: SessionStore,
    *,
    recent: int = RECENT_SESSIONS,
    below: float = REHEARSE_BELOW,
    include_demo: bool = False,
) -> list[str]:
    """Question ids to rehearse, weakest first: each question's latest attempt in the last
    ``recent`` sessions scored under ``below`` (0–100) or was skipped or cut off."""
    attempts = question_attempts(store, include_demo=include_demo)
    sessions = sorted({(a.created, a.session_id) for a in attempts})[-recent:]
    keep = {sid for _, sid in sessions}
    latest: dict[str, Attempt] = {}
    for a in attempts:  # oldest first: later attempts replace earlier ones
        if a.session_id in keep:
            latest[a.question_id] = a
    weak = [(w, qid) for qid, a in latest.items() if (w := _weakness(a)) < below]
    return [qid for _, qid in sorted(weak)]


def least_recent_first(
    questions: Sequence[Any], store: SessionStore, *, include_demo: bool = False
) -> list[Any]:
    """``questions`` reordered: never practised first (in pack order), then by last practice."""
    last: dict[str, tuple[str, str]] = {}
    for a in question_attempts(store, include_demo=include_demo):
        last[a.question_id] = (a.created, a.session_id)  # ids sort within a second too
    order = {id(q): i for i, q in enumerate(questions)}
    return sorted(questions, key=lambda q: (last.get(str(q.id), ("", "")), order[id(q)]))
