"""Rich layouts shared by the commands' terminal views."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def term(**options: Any) -> Console:
    """A rich Console that prints text as written: no emoji codes, so ffmpeg's ``-map 0:a:1``
    in a warning (rendered "-map 0🅰1") and a pack's or a transcript's colons stay as they
    are, and no guessed highlighting of numbers."""
    return Console(emoji=False, highlight=False, **options)


def print_warnings(console: Console, warnings: Iterable[str]) -> None:
    """One "warning: …" line each, the text printed as written (not read as markup)."""
    for w in warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(w)}")


def hanging(rows: Iterable[tuple[str, str]]) -> Table:
    """A list of (marker, text) rows whose text wraps under itself, not under the marker.

    Printed as one line each, a long tip wrapped back to column 0, under the list's
    numbers (``voicesim analyze`` of a real meeting clip at 80 columns).
    """
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for marker, text in rows:
        grid.add_row(marker, text)
    return grid
