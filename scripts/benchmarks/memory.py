"""Section "memory": peak resident memory of a practice session and of a long analyze."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import soundfile as sf

from benchmarks.common import VOICESIM, log, run_rss


@dataclass
class MemoryFigures:
    """Peak RSS in MB by run ("practice", "analyze_<length>"), and the long analyze's seconds."""

    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    long_analyze_s: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def run(
    workdir: Path, files: dict[int, Path], seconds: float, *, practice: bool = True
) -> MemoryFigures:
    """``voicesim demo`` (3 questions, with `practice`) and analyze of a `seconds`-long file."""
    out = MemoryFigures()
    env = dict(os.environ, VOICESIM_HOME=str(workdir / "home-rss"))
    if practice:
        rss, wall, rc = run_rss([VOICESIM, "demo", "--count", "3", "--no-audio"], env)
        out.peak_rss_mb["practice"] = round(rss, 1)
        log(f"  demo (3 questions): peak RSS {rss:.0f} MB in {wall:.1f} s (exit {rc})")
        if rc != 0:
            out.notes.append(f"demo exited {rc}")

    label = f"{round(seconds / 60, 2):g}min"
    long_path = _repeat_to(files[max(files)], workdir / f"long_{label}.flac", seconds)
    rss, wall, rc = run_rss([VOICESIM, "analyze", str(long_path), "--json"], env)
    out.peak_rss_mb[f"analyze_{label}"] = round(rss, 1)
    out.long_analyze_s[label] = round(wall, 1)
    log(f"  analyze {label}: peak RSS {rss:.0f} MB in {wall:.0f} s (exit {rc})")
    if rc != 0:
        out.notes.append(f"analyze of the {label} file exited {rc}")
    return out


def _repeat_to(source: Path, target: Path, seconds: float) -> Path:
    """Write `source` over and over into the FLAC `target` until it lasts `seconds`."""
    base, sr = sf.read(str(source), dtype="float32")
    with sf.SoundFile(str(target), "w", sr, 1, format="FLAC") as f:
        written = 0
        while written < seconds * sr:
            f.write(base)
            written += len(base)
    return target
