"""Which questions ``voicesim practice`` and ``demo`` ask: --question ids, --rehearse, or a
pack's questions in practice order (least recently practised first unless --shuffle)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicesim.errors import UserError
from voicesim.packs import PackSet, load_packs, require_packs_dir, select_questions
from voicesim.scoring.rubric import load_rubric
from voicesim.sessions.rehearse import RECENT_SESSIONS, least_recent_first, rehearse_ids

if TYPE_CHECKING:
    from voicesim.config import Config
    from voicesim.sessions.store import SessionStore

DEFAULT_PACK = "managerial"
DEFAULT_COUNT = 5
MODE_PACKS = {"stress": "stress", "rapid": "projective"}


def _warn_left_out(packset: PackSet) -> None:
    for error in packset.errors:
        print(f"voicesim: warning: {error}", file=sys.stderr)


def rubric_checks(cfg: Config, rubric: Path | str | None = None) -> AbstractSet[str]:
    """The check names a pack may use: those of ``rubric`` (a --rubric flag), else of the
    rubric config.toml names, else of the built-in one.

    Packs were checked against the built-in rubric everywhere but ``score``, so a check
    the README lets a user rubric add (``[checks.mentions_kpi]``) was an "unknown check"
    that left the user's pack out of practice, demo and ``packs list``.
    """
    return load_rubric(rubric or cfg.rubric_path).check_names()


def configured_packs(
    cfg: Config,
    packs_dirs: Iterable[Path | str] = (),
    *,
    rubric: Path | str | None = None,
    checks: AbstractSet[str] | None = None,
    warn: bool = True,
) -> PackSet:
    """The packs a command uses: built-in, config.toml's ``[packs] dirs`` and ``packs_dirs``
    (its --packs-dir flags), checked against :func:`rubric_checks` (or ``checks``, the
    names of a rubric the caller already loaded).

    A --packs-dir that is no directory is a UserError before anything loads; with ``warn``
    each pack left out is a warning line on stderr (a configured directory that is missing
    is one too: the user did not ask for it on this run).
    """
    flagged = [require_packs_dir(d) for d in packs_dirs]
    names = checks if checks is not None else rubric_checks(cfg, rubric)
    packset = load_packs([*cfg.packs_dirs, *flagged], known_checks=names)
    if warn:
        _warn_left_out(packset)
    return packset


def choose_questions(
    args: argparse.Namespace, cfg: Config, store: SessionStore | None = None
) -> list[Any]:
    """The session's questions: --question ids, --rehearse, or a pack's in practice order."""
    packset = configured_packs(cfg, args.packs_dir)
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
