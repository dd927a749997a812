"""``voicesim rubric fit RATINGS.csv --out FILE``: fit the weights to your own raters.

Prints the cross-validated Spearman ρ of the fitted rubric beside the built-in (or given)
rubric's, and writes a rubric TOML that ``--rubric`` and ``[rubric] path`` accept. Flags:
:mod:`voicesim.cli.rubric`.

``--out`` follows :mod:`voicesim.cli.outputs`, and more:

- It may not be the ratings file or the rubric fitted from, even with ``--force``:
  ``rubric fit g.csv --out g.csv --force`` replaced the user's ratings with the TOML, and
  a user rubric replaced by one holding only weights loses its own checks and curves.
- A place that cannot be written is one line, exit 2, found before the answers are
  scored: ``--out /proc/x.toml`` was an internal error (FileNotFoundError) after the fit.
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
from voicesim.sessions.files import atomic_write_text, storage_error
from voicesim.sessions.store import SessionStore


def cmd_fit(args: argparse.Namespace) -> int:
    """Read, score and fit; write the rubric only when everything succeeded."""
    if not args.ratings.is_file():
        raise UserError(f"{args.ratings}: file not found")
    if args.out.parent and not args.out.parent.is_dir():
        raise UserError(f"{args.out.parent}: no such directory for --out")
    cfg = load_config()
    start = args.rubric or cfg.rubric_path
    _not_an_input(args.out, {"ratings": args.ratings, "rubric": start})
    check_new(args.out, force=args.force)
    _check_writable(args.out)
    try:
        text = args.ratings.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{args.ratings}: not UTF-8 text") from None
    rubric = load_rubric(start)
    packs = load_packs([*cfg.packs_dirs, *args.packs_dir], known_checks=rubric.check_names())
    ratings = read_ratings(
        text,
        str(args.ratings),
        packs.question,
        lambda t, q: score_text(t, q, rubric),
        lambda aid: _stored(aid, packs, rubric),
    )
    try:
        fit = fit_rubric(ratings, rubric)
    except UserError as exc:  # nothing to fit, reversed ratings, no better than chance
        raise UserError(f"{args.ratings}: {exc}; nothing written") from None
    atomic_write_text(args.out, rubric_toml(fit, rubric, args.ratings.name))
    load_rubric(args.out)  # what we wrote must load
    print(f"{fit.rows} rated answers; Spearman ρ against the ratings:")
    print(f"  fitted rubric (cross-validated)  {fit.cv_rho:+.2f}")
    print(f"  current rubric                   {fit.default_rho:+.2f}")
    top = sorted(fit.weights.items(), key=lambda kv: -kv[1])
    print("weights: " + ", ".join(f"{cid} {w:g}" for cid, w in top if w > 0))
    print(f"wrote {args.out}")
    return 0


def _not_an_input(out: Path, inputs: dict[str, Path | None]) -> None:
    """UserError if ``out`` is one of the files read (links and ``~`` followed)."""
    target = out.expanduser()
    for what, path in inputs.items():
        if path is None or not target.exists():
            continue
        source = Path(path).expanduser()
        try:
            same = source.exists() and os.path.samefile(target, source)
        except OSError:
            same = False
        if same:
            raise UserError(
                f"--out {out} is the {what} file read; write the rubric to another file"
            )


def _check_writable(path: Path) -> None:
    """StorageError (one line) unless a file can be made beside ``path``: tried, not guessed,
    since as root every permission test passes and /proc still refuses."""
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".rubric-", suffix=".toml"):
            pass
    except OSError as exc:
        raise storage_error(path, exc) from exc


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
