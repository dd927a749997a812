"""Section "help": wall time of ``voicesim --help`` (how fast the CLI starts)."""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmarks.common import VOICESIM, log, median_of, spread_note, timed_command


@dataclass
class HelpFigures:
    """Median wall seconds of ``voicesim --help``."""

    help_s: float
    notes: list[str] = field(default_factory=list)


def run(runs: int) -> HelpFigures:
    """Once untimed, then the median of `runs`."""
    timed_command([VOICESIM, "--help"])
    value, values = median_of(lambda: timed_command([VOICESIM, "--help"]), runs)
    out = HelpFigures(round(value, 3))
    spread_note("help", values, out.notes)
    log(f"  voicesim --help: {value:.3f} s")
    return out
