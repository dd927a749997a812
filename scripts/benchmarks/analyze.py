"""Section "analyze": faster-whisper alone against ``analyze_file`` end to end.

Same model (int8), same threads, word timestamps on, the decode options voicesim uses, on
the same rendered answers; the two are interleaved run by run so a slow spell of the
machine hits both alike. Figures are keyed by answer length in seconds (as strings).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from faster_whisper import WhisperModel

from benchmarks.common import log, spread_note
from voicesim.analysis.pipeline import analyze_file
from voicesim.models import resolve_model
from voicesim.scoring.rubric import load_rubric
from voicesim.transcribe import Transcriber


@dataclass
class AnalyzeFigures:
    """Medians per answer length: wall seconds of each path, and their wall and CPU ratios."""

    baseline_s: dict[str, float] = field(default_factory=dict)
    analyze_s: dict[str, float] = field(default_factory=dict)
    analyze_ratio: dict[str, float] = field(default_factory=dict)
    analyze_cpu_ratio: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def run(files: dict[int, Path], runs: int, threads: int, *, warm: bool = True) -> AnalyzeFigures:
    """Time both paths `runs` times on each file (both once untimed first with `warm`)."""
    model = WhisperModel(
        str(resolve_model(None)), device="cpu", compute_type="int8", cpu_threads=threads
    )
    transcriber = Transcriber(threads=threads)
    rubric = load_rubric()  # loaded once, as a caller of the pure stages does
    cpu: dict[str, float] = {}  # CPU seconds of the last call: robust to a busy machine

    def plain(path: Path) -> float:
        # faster-whisper decoding the file itself, with voicesim's decode options.
        t, c = time.perf_counter(), time.process_time()
        segments, _ = model.transcribe(str(path), **transcriber.decode_kwargs())
        for _ in segments:
            pass
        cpu["plain"] = time.process_time() - c
        return time.perf_counter() - t

    def ours(path: Path) -> float:
        t, c = time.perf_counter(), time.process_time()
        analyze_file(path, transcriber=transcriber, rubric=rubric)
        cpu["ours"] = time.process_time() - c
        return time.perf_counter() - t

    out = AnalyzeFigures()
    if warm:  # both paths once, untimed
        plain(files[min(files)])
        ours(files[min(files)])
    for n, path in files.items():
        base_v, ours_v, cpu_v = [], [], []
        for _ in range(runs):
            base_v.append(plain(path))
            ours_v.append(ours(path))
            cpu_v.append(cpu["ours"] / cpu["plain"])
        key = str(n)
        ratios = [o / b for o, b in zip(ours_v, base_v, strict=True)]
        out.baseline_s[key] = round(statistics.median(base_v), 3)
        out.analyze_s[key] = round(statistics.median(ours_v), 3)
        out.analyze_ratio[key] = round(statistics.median(ratios), 3)
        out.analyze_cpu_ratio[key] = round(statistics.median(cpu_v), 3)
        spread_note(f"baseline {n}s", base_v, out.notes)
        spread_note(f"analyze {n}s", ours_v, out.notes)
        log(
            f"  {n:>4} s: baseline {statistics.median(base_v):.2f} s, "
            f"analyze {statistics.median(ours_v):.2f} s, "
            f"ratio {out.analyze_ratio[key]:.2f} (runs {', '.join(f'{r:.2f}' for r in ratios)}), "
            f"CPU-time ratio {out.analyze_cpu_ratio[key]:.2f}"
        )
    return out
