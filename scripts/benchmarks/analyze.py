"""Section "analyze": faster-whisper alone against ``analyze_file`` end to end.

Same model (int8), same threads, word timestamps on, the decode options voicesim uses, on
the same rendered answers; the two are interleaved run by run so a slow spell of the
machine hits both alike. Figures are keyed by answer length in seconds (as strings).
The real set's 30-s meeting clips (../shared/fixtures/real) are timed the same way when
they are there: real speech gives the filler judge several times more candidates.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from benchmarks.common import log, paired_runs
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


@dataclass
class RealFigures:
    """The same comparison on the real set's 30-s meeting clips, where the filler judge has
    the most candidates to score: medians over every clip and run."""

    real_clips: int = 0
    real_baseline_s: float | None = None
    real_analyze_s: float | None = None
    real_analyze_ratio: float | None = None
    real_analyze_cpu_ratio: float | None = None
    notes: list[str] = field(default_factory=list)


class _Paths:
    """faster-whisper alone and voicesim's analyze_file, each timed (wall s, CPU s)."""

    def __init__(self, threads: int) -> None:
        # Imported after voicesim, which sets the matrix library CTranslate2 takes when it
        # is first imported (voicesim/__init__.py): both paths then run on the same one.
        from faster_whisper import WhisperModel

        self.model = WhisperModel(
            str(resolve_model(None)), device="cpu", compute_type="int8", cpu_threads=threads
        )
        self.transcriber = Transcriber(threads=threads)
        self.rubric = load_rubric()  # loaded once, as a caller of the pure stages does

    def plain(self, path: Path) -> tuple[float, float]:
        # faster-whisper decoding the file itself, with voicesim's decode options.
        t, c = time.perf_counter(), time.process_time()
        segments, _ = self.model.transcribe(str(path), **self.transcriber.decode_kwargs())
        for _ in segments:
            pass
        return time.perf_counter() - t, time.process_time() - c

    def ours(self, path: Path) -> tuple[float, float]:
        t, c = time.perf_counter(), time.process_time()
        analyze_file(path, transcriber=self.transcriber, rubric=self.rubric)
        return time.perf_counter() - t, time.process_time() - c


def run(files: dict[int, Path], runs: int, threads: int, *, warm: bool = True) -> AnalyzeFigures:
    """Time both paths `runs` times on each file (both once untimed first with `warm`)."""
    paths = _Paths(threads)
    out = AnalyzeFigures()
    if warm:  # both paths once, untimed
        paths.plain(files[min(files)])
        paths.ours(files[min(files)])
    for n, path in files.items():
        plain, ours = partial(paths.plain, path), partial(paths.ours, path)
        p = paired_runs(plain, ours, runs, f"{n} s", out.notes, ("baseline", "analyze"))
        figures = (out.baseline_s, out.analyze_s, out.analyze_ratio, out.analyze_cpu_ratio)
        p.put(str(n), *figures)
    return out


def run_real(clips: list[Path], runs: int, threads: int) -> RealFigures:
    """Both paths on each real clip `runs` times, interleaved (both warmed once first)."""
    paths = _Paths(threads)
    paths.plain(clips[0])
    paths.ours(clips[0])
    base_v, ours_v, ratios, cpu_ratios = [], [], [], []
    for _ in range(runs):
        for clip in clips:
            (base, base_cpu), (ours, ours_cpu) = paths.plain(clip), paths.ours(clip)
            base_v.append(base)
            ours_v.append(ours)
            ratios.append(ours / base)
            cpu_ratios.append(ours_cpu / base_cpu)
    out = RealFigures(
        real_clips=len(clips),
        real_baseline_s=round(statistics.median(base_v), 3),
        real_analyze_s=round(statistics.median(ours_v), 3),
        real_analyze_ratio=round(statistics.median(ratios), 3),
        real_analyze_cpu_ratio=round(statistics.median(cpu_ratios), 3),
    )
    log(
        f"  real clips ({len(clips)} × {runs}): baseline {out.real_baseline_s:.2f} s, "
        f"analyze {out.real_analyze_s:.2f} s, ratio {out.real_analyze_ratio:.2f} "
        f"(all runs together {sum(ours_v) / sum(base_v):.2f}), "
        f"CPU-time ratio {out.real_analyze_cpu_ratio:.2f}"
    )
    return out
