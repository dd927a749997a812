"""Flags of ``voicesim rubric fit RATINGS.csv --out FILE``: fit the weights to your raters.

Standard library only; the command runs in :mod:`voicesim.cli.commands.rubric`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from voicesim.cli.sessions import FORCE_HELP


def register(sub: Any) -> None:
    """Add the ``rubric`` sub-command (``rubric fit``)."""
    p = sub.add_parser("rubric", help="calibrate the rubric to your own ratings")
    actions = p.add_subparsers(dest="rubric_command", metavar="ACTION", required=True)
    fit = actions.add_parser(
        "fit",
        help="fit the criterion weights to rated answers",
        description="Fit the criterion weights to rated answers (CSV columns: id, question, "
        "text or answer — a stored answer as SESSION/N — and rating). Non-negative ridge "
        "regression, cross-validated; prints the CV Spearman ρ beside the current rubric's.",
    )
    fit.add_argument("ratings", type=Path, metavar="RATINGS.csv")
    fit.add_argument("--out", type=Path, required=True, metavar="FILE", help="rubric TOML to write")
    fit.add_argument("--force", action="store_true", help=FORCE_HELP)
    fit.add_argument("--rubric", type=Path, metavar="FILE", help="start from this rubric")
    fit.add_argument(
        "--packs-dir", action="append", default=[], type=Path, metavar="DIR",
        help="also look for question ids in the packs in DIR (repeatable)",
    )  # fmt: skip
    fit.set_defaults(func="rubric.cmd_fit")
