"""Section "live": feedback latency per answer length (see :mod:`benchmarks.live_feed`)."""

from __future__ import annotations

import contextlib
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import END_SILENCE, log, spread_note
from benchmarks.live_feed import LiveFigures, live_fast, live_realtime
from benchmarks.rig import bench_rig
from voicesim.scoring.rubric import load_rubric
from voicesim.transcribe import Transcriber

FIGURES = (
    "end_detect_s",
    "processing_s",
    "unstreamed_s",
    "batch_s",
    "final_decode_s",
    "analysis_cpu_s",
    "ahead_windows",
    "end_windows",
)
"""The per-run figures whose medians make a row (seconds; windows: counts)."""


@dataclass
class LiveTable:
    """One variant ("4x" or "realtime"): answer length (s, as a string) → median figures."""

    variant: str
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def run(files: dict[int, Path], runs: int, threads: int, variant: str) -> LiveTable:
    """Feed each file `runs` times: "4x" a FileMicrophone, "realtime" the virtual microphone."""
    transcriber = Transcriber(threads=threads)
    rubric = load_rubric()  # loaded once, as a caller of the pure stages does
    table = LiveTable(variant)
    with bench_rig() if variant == "realtime" else contextlib.nullcontext() as rig:
        for n, path in files.items():
            results: list[LiveFigures] = []
            for _ in range(runs):
                if rig is not None:
                    results.append(live_realtime(path, rig, transcriber, rubric, END_SILENCE))
                else:
                    results.append(live_fast(path, 4.0, transcriber, rubric, END_SILENCE))
            row: dict[str, Any] = {
                key: round(statistics.median(getattr(r, key) for r in results), 3)
                for key in FIGURES
            }
            row["total_s"] = round(row["end_detect_s"] + row["processing_s"], 3)
            row["ended_by"] = sorted({r.ended_by for r in results})
            table.rows[str(n)] = row
            spread_note(f"live {variant} {n}s", [r.processing_s for r in results], table.notes)
            log(
                f"  {n:>4} s {variant}: end detected {row['end_detect_s']:.2f} s after the end, "
                f"scorecard {row['processing_s']:.2f} s later "
                f"({row['unstreamed_s']:.2f} s with frames and judge computed after the end, "
                f"batch {row['batch_s']:.2f} s; judge windows {row['ahead_windows']:.0f} "
                f"scored ahead, {row['end_windows']:.0f} after), "
                f"ended by {'/'.join(row['ended_by'])}"
            )
    return table
