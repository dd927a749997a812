"""``voicesim packs list | show PACK | validate FILE…``: the question packs.

Flags: :mod:`voicesim.cli.packs`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.table import Table

from voicesim.cli.questions import configured_packs, rubric_checks
from voicesim.cli.view import term
from voicesim.config import load_config
from voicesim.errors import PackError
from voicesim.packs import categories, load_pack
from voicesim.text import counted


def _packset(args: argparse.Namespace) -> Any:
    """The packs practice would use (the warnings are printed after the listing)."""
    return configured_packs(load_config(), args.packs_dir, warn=False)


def _warn(errors: list[str]) -> None:
    for error in errors:
        print(f"voicesim: warning: {error}", file=sys.stderr)


def _question_rows(questions: Any) -> list[dict[str, Any]]:
    return [
        {"id": q.id, "pack": q.pack, "category": q.category, "kind": q.kind, "text": q.text}
        for q in questions
    ]


def cmd_list(args: argparse.Namespace) -> int:
    """Print every pack: id, title, file, question count and categories."""
    packset = _packset(args)
    if args.json:
        out = {
            "packs": [
                {
                    "id": pack.id,
                    "title": pack.title,
                    "path": str(pack.path),
                    "questions": len(pack.questions),
                    "categories": categories(pack.questions),
                }
                for pack in packset.packs.values()
            ],
            "questions": _question_rows(packset.questions()),
            "errors": list(packset.errors),
        }
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 2 if packset.errors else 0

    questions, packs = len(packset.questions()), len(packset.packs)
    table = Table(title=f"{counted(questions, 'question')} in {counted(packs, 'pack')}")
    table.add_column("pack", style="bold cyan", no_wrap=True)
    table.add_column("questions", justify="right")
    table.add_column("title · categories (questions)")
    for pack in packset.packs.values():
        cats = ", ".join(f"{c} ({n})" for c, n in categories(pack.questions).items())
        title = f"{escape(pack.title)}\n[dim]{escape(cats)}[/dim]"
        table.add_row(pack.id, str(len(pack.questions)), title)
    term().print(table)
    _warn(packset.errors)
    return 2 if packset.errors else 0


def cmd_show(args: argparse.Namespace) -> int:
    """Print one pack's questions with their kind, target length, tip and checks."""
    packset = _packset(args)
    pack = packset.require_pack(args.pack)
    if args.json:
        out = {
            "id": pack.id,
            "title": pack.title,
            "description": pack.description,
            "path": str(pack.path),
            "questions": [q.to_dict() for q in pack.questions],
        }
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    _print_pack(pack)
    _warn(packset.errors)
    return 0


def _print_pack(pack: Any) -> None:

    console = term()
    console.print(f"[bold]{escape(pack.title)}[/bold] ({pack.id}, {pack.path})")
    if pack.description:
        console.print(escape(pack.description))
    for q in pack.questions:
        low, high = q.target_s
        console.print(
            f"\n[bold cyan]{q.id}[/bold cyan]  {escape(q.category)} · {q.kind} · {low:g}–{high:g} s"
        )
        console.print(f"  {escape(q.text)}")
        console.print(f"  [dim]tip:[/dim] {escape(q.tip)}")
        if q.expects:
            console.print(f"  [dim]expects:[/dim] {escape(', '.join(q.expects))}")
        if q.donts:
            console.print(f"  [dim]don'ts:[/dim] {escape(', '.join(q.donts))}")


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate each file; print every error (one line each) and exit 2 if any failed.

    A file is checked as loading would check it: against the checks of the rubric in use
    (--rubric, else config.toml's) and the question ids of the packs already loaded
    (built-in and configured). A question id of a built-in pack validated "ok", and loading
    then left the pack out as a duplicate.
    """
    cfg = load_config()
    checks = rubric_checks(cfg, args.rubric)
    loaded = configured_packs(cfg, checks=checks, warn=False)
    errors: list[str] = []
    owners: dict[str, Path] = {}
    for path in args.files:
        try:
            pack = load_pack(path, checks)
        except PackError as exc:
            errors.append(str(exc))
            continue
        clash = next((q.id for q in pack.questions if q.id in owners), None)
        if clash:
            errors.append(f"{path}: question '{clash}': duplicate id (also in {owners[clash]})")
            continue
        taken = loaded.clash(pack)
        if taken:
            errors.append(
                f"{path}: question '{taken[0]}': duplicate id (also in pack '{taken[1]}')"
            )
            continue
        owners.update({q.id: path for q in pack.questions})
        print(f"{path}: ok ({counted(len(pack.questions), 'question')}, pack '{pack.id}')")
    for error in (line for e in errors for line in e.splitlines()):
        print(f"voicesim: error: {' '.join(error.split())}", file=sys.stderr)
    return 2 if errors else 0
