"""Flags of ``voicesim packs list | show PACK | validate FILE…``: the question packs.

Standard library only; the commands run in :mod:`voicesim.cli.commands.packs`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    """Add ``packs`` with its ``list``, ``show`` and ``validate`` actions."""
    p = sub.add_parser("packs", help="list, show or validate question packs")
    psub = p.add_subparsers(dest="packs_command", metavar="ACTION", required=True)

    q = psub.add_parser("list", help="every loaded pack with its questions per category")
    _common(q)
    q.set_defaults(func="packs.cmd_list")

    q = psub.add_parser("show", help="the questions of one pack")
    q.add_argument("pack", metavar="PACK", help="pack id (see `voicesim packs list`)")
    _common(q)
    q.set_defaults(func="packs.cmd_show")

    q = psub.add_parser("validate", help="check pack files; exit 2 with exact errors")
    q.add_argument("files", nargs="+", type=Path, metavar="FILE", help="pack TOML files")
    q.add_argument(
        "--rubric",
        type=Path,
        metavar="FILE",
        help="check names from this rubric (default: config.toml's, else the built-in one)",
    )
    q.set_defaults(func="packs.cmd_validate")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.add_argument(
        "--packs-dir",
        action="append",
        default=[],
        type=Path,
        metavar="DIR",
        help="also load the packs in DIR (overrides built-ins with the same pack id; repeatable)",
    )
