"""Which questions ``voicesim practice`` and ``demo`` ask: --question ids, --rehearse, or a
pack's questions in practice order (least recently practised first unless --shuffle)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from voicesim.errors import UserError
from voicesim.packs import load_packs, select_questions
from voicesim.scoring.rubric import load_rubric
from voicesim.sessions.rehearse import RECENT_SESSIONS, least_recent_first, rehearse_ids

if TYPE_CHECKING:
    from voicesim.config import Config
    from voicesim.sessions.store import SessionStore

DEFAULT_PACK = "managerial"
DEFAULT_COUNT = 5
MODE_PACKS = {"stress": "stress", "rapid": "projective"}


def load_question_packs(dirs: list[Any], checks: Any) -> Any:
    """The built-in packs and those in ``dirs``; each pack that failed to load is named on
    stderr (one warning line each) while the rest are used."""
    packset = load_packs(dirs, known_checks=checks)
    for error in packset.errors:
        print(f"voicesim: warning: {error}", file=sys.stderr)
    return packset


def choose_questions(
    args: argparse.Namespace, cfg: Config, store: SessionStore | None = None
) -> list[Any]:
    """The session's questions: --question ids, --rehearse, or a pack's in practice order."""
    checks = load_rubric().check_names()
    packset = load_question_packs([*cfg.packs_dirs, *args.packs_dir], checks)
    if not packset.packs:
        raise UserError("no question packs could be loaded (see `voicesim packs list`)")
    if getattr(args, "question", None):
        return [packset.require_question(qid) for qid in args.question]
    if getattr(args, "rehearse", False):
        return _rehearse(packset, args, store)
    pack, count = args.pack, args.count
    category = getattr(args, "category", None)
    if pack is None and category is None:
        preferred = MODE_PACKS.get(getattr(args, "mode", "standard"), DEFAULT_PACK)
        pack = preferred if preferred in packset.packs else None
    if count is None:
        count = getattr(args, "default_count", DEFAULT_COUNT)
    shuffle = getattr(args, "shuffle", False)
    pool = select_questions(packset, pack=pack, category=category, count=None, shuffle=shuffle)
    if not pool:
        raise UserError("no questions selected")
    if store is not None and not shuffle:
        pool = least_recent_first(pool, store)
    if count < 1:
        raise UserError(f"--count must be at least 1, got {count}")
    if args.count is not None and count > len(pool):
        only = (
            "only 1 question matches; asking it"
            if len(pool) == 1
            else (f"only {len(pool)} questions match; asking all {len(pool)}")
        )
        print(f"voicesim: {only}", file=sys.stderr)
    return pool[:count]


def _rehearse(packset: Any, args: argparse.Namespace, store: SessionStore | None) -> list[Any]:

    assert store is not None, "--rehearse needs the session store"
    found = [q for qid in rehearse_ids(store) if (q := packset.question(qid)) is not None]
    if not found:
        raise UserError(
            f"nothing to rehearse: no answer in the last {RECENT_SESSIONS} sessions scored "
            "under 65 or was skipped (see `voicesim history`)"
        )
    return found[: args.count] if args.count else found


def pack_of(questions: list[Any]) -> str | None:
    packs = {getattr(q, "pack", None) for q in questions}
    return packs.pop() if len(packs) == 1 else None
