"""Rich layouts shared by the commands' terminal views."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table


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
