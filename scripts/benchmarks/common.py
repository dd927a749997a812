"""What every benchmark section shares: where voicesim is, logging, medians and spreads."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VOICESIM = str(ROOT / ".venv" / "bin" / "voicesim")

END_SILENCE = 2.5
"""End-of-answer silence used by the live runs, seconds (practice's default)."""


def log(msg: str) -> None:
    """Progress on stderr (stdout carries the table or the JSON)."""
    print(msg, file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    """Cores, CPU model, memory in GB, Python version and the 1-minute load now."""
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_gb, 1),
        "python": platform.python_version(),
        "load_at_start": round(os.getloadavg()[0], 2),
    }


def median_of(fn: Callable[[], float], runs: int) -> tuple[float, list[float]]:
    """Run `fn` (which returns seconds) `runs` times; median and all values."""
    values = [fn() for _ in range(runs)]
    return statistics.median(values), values


def spread_note(name: str, values: list[float], notes: list[str]) -> None:
    """Note runs whose slowest is over 30 % (and 0.1 s) above the fastest."""
    lo, hi = min(values, default=0.0), max(values, default=0.0)
    if len(values) > 1 and lo > 0 and hi / lo > 1.3 and hi - lo > 0.1:
        shown = ", ".join(f"{v:.2f}" for v in values)
        notes.append(f"{name}: runs disagree by more than 30 % ({shown})")


Timed = Callable[[], tuple[float, float]]
"""A path under test: runs once, returns (wall seconds, CPU seconds)."""


@dataclass
class Paired:
    """Medians of a baseline path and ours run alternately: seconds, wall and CPU ratios."""

    base_s: float
    ours_s: float
    ratio: float
    cpu_ratio: float
    ratios: list[float]
    """Every run's wall ratio, in order."""

    def put(self, key: str, *figures: dict[str, float]) -> None:
        """Store base_s, ours_s, ratio and cpu_ratio under `key` in these four dicts."""
        values = (self.base_s, self.ours_s, self.ratio, self.cpu_ratio)
        for figure, value in zip(figures, values, strict=True):
            figure[key] = value


def paired_runs(
    base: Timed, ours: Timed, runs: int, name: str, notes: list[str], labels: tuple[str, str]
) -> Paired:
    """Run `base` then `ours`, `runs` times over, so a slow spell of the machine hits both;
    a note (named from `name`) where either path's runs disagree by over 30 %, and one log
    line naming the two paths by `labels`."""
    base_v, ours_v, cpu_v = [], [], []
    for _ in range(runs):
        (b, b_cpu), (o, o_cpu) = base(), ours()
        base_v.append(b)
        ours_v.append(o)
        cpu_v.append(o_cpu / b_cpu)
    ratios = [o / b for o, b in zip(ours_v, base_v, strict=True)]
    spread_note(f"{name} {labels[0]}", base_v, notes)
    spread_note(f"{name} {labels[1]}", ours_v, notes)
    p = Paired(
        round(statistics.median(base_v), 3),
        round(statistics.median(ours_v), 3),
        round(statistics.median(ratios), 3),
        round(statistics.median(cpu_v), 3),
        ratios,
    )
    log(
        f"  {name:>6}: {labels[0]} {p.base_s:.2f} s, {labels[1]} {p.ours_s:.2f} s, "
        f"ratio {p.ratio:.2f} (runs {', '.join(f'{r:.2f}' for r in p.ratios)}), "
        f"CPU-time ratio {p.cpu_ratio:.2f}"
    )
    return p


def run_rss(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Run `cmd`; (peak RSS in MB, wall seconds, exit code).

    The peak is the child's own high-water mark (VmHWM), sampled from /proc while it runs:
    ``ru_maxrss`` would also count the pages the child inherited from this large benchmark
    process before its exec, which Linux carries into the new program's maximum.
    """
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    status = Path(f"/proc/{proc.pid}/status")
    peak_kb = 0
    while proc.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb = max(peak_kb, int(line.split()[1]))
        except (OSError, ValueError):
            pass  # exiting: the last sample stands
        time.sleep(0.05)
    wall = time.perf_counter() - t
    return peak_kb / 1024.0, wall, int(proc.returncode)


def timed_command(cmd: list[str], env: dict[str, str] | None = None) -> float:
    """Run `cmd` to completion (it must succeed); wall seconds."""
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - t
