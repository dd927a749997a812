"""``voicesim rubric fit RATINGS.csv --out FILE``: fit the weights to your own raters.

Prints the cross-validated Spearman ρ of the fitted rubric beside the built-in (or given)
rubric's, and writes a rubric TOML that ``--rubric`` and ``[rubric] path`` accept. Flags:
:mod:`voicesim.cli.rubric`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

from voicesim.cli.outputs import check_new
from voicesim.config import load_config
from voicesim.errors import UserError
from voicesim.packs import load_packs
from voicesim.scoring.calibrate import fit_rubric, read_ratings, rubric_toml
from voicesim.scoring.rubric import load_rubric
from voicesim.scoring.score import score_answer
from voicesim.scoring.written import score_text
from voicesim.sessions.store import SessionStore


def cmd_fit(args: argparse.Namespace) -> int:
    """Read, score and fit; write the rubric only when everything succeeded."""
    if not args.ratings.is_file():
        raise UserError(f"{args.ratings}: file not found")
    if args.out.parent and not args.out.parent.is_dir():
        raise UserError(f"{args.out.parent}: no such directory for --out")
    check_new(args.out, force=args.force)
    try:
        text = args.ratings.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{args.ratings}: not UTF-8 text") from None
    cfg = load_config()
    rubric = load_rubric(args.rubric or cfg.rubric_path)
    packs = load_packs([*cfg.packs_dirs, *args.packs_dir], known_checks=rubric.check_names())
    ratings = read_ratings(
        text,
        str(args.ratings),
        packs.question,
        lambda t, q: score_text(t, q, rubric),
        lambda aid: _stored(aid, packs, rubric),
    )
    fit = fit_rubric(ratings, rubric)
    _write_atomic(args.out, rubric_toml(fit, rubric, args.ratings.name))
    load_rubric(args.out)  # what we wrote must load
    print(f"{fit.rows} rated answers; Spearman ρ against the ratings:")
    print(f"  fitted rubric (cross-validated)  {fit.cv_rho:+.2f}")
    print(f"  current rubric                   {fit.default_rho:+.2f}")
    top = sorted(fit.weights.items(), key=lambda kv: -kv[1])
    print("weights: " + ", ".join(f"{cid} {w:g}" for cid, w in top if w > 0))
    print(f"wrote {args.out}")
    return 0


def _stored(answer_id: str, packs: Any, rubric: Any) -> tuple[Any, Any]:
    """Re-score the stored answer ``SESSION/N`` with ``rubric``."""
    session, _, number = answer_id.rpartition("/")
    if not session or not number.isdigit():
        raise UserError(f"stored answer id '{answer_id}' must be SESSION/N")
    answer = SessionStore().load(session, check_audio=False).answer(int(number))
    if answer.analysis is None:
        raise UserError(f"stored answer {answer_id} was not analysed")
    question = packs.question(str(answer.question.get("id", "")))
    a = answer.analysis
    return score_answer(a.transcript, a.delivery, question=question, rubric=rubric), question


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".rubric-", suffix=".toml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
