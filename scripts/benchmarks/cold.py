"""Section "cold": ``voicesim analyze FILE --json`` as a fresh process, as a user runs it.

The "analyze" section times warm paths inside one process. A user's ``voicesim analyze``
is a new process each time: Python starts, the model loads, and the measures pay
librosa's first import (its scipy modules, about 0.2 CPU-s; see librosa_guard).
The baseline is a fresh process running plain faster-whisper on the same file: the same
model (int8), threads and decode options, word timestamps on. The two alternate run by
run; medians of wall time and of the child processes' CPU time.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from benchmarks.common import VOICESIM, paired_runs
from voicesim.models import resolve_model
from voicesim.transcribe import Transcriber

PLAIN = """\
import json, sys
from faster_whisper import WhisperModel
model_dir, threads, path, kwargs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=threads)
segments, _ = model.transcribe(path, **json.loads(kwargs))
for _ in segments:
    pass
"""
PLAIN_LOADED_APART = PLAIN.replace(
    'model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=threads)',
    "from concurrent.futures import ThreadPoolExecutor\n"
    "with ThreadPoolExecutor(max_workers=1) as pool:  # as voicesim.models.loaded_apart\n"
    "    model = pool.submit(\n"
    '        WhisperModel, model_dir, device="cpu", compute_type="int8", cpu_threads=threads\n'
    "    ).result()",
)
"""Plain faster-whisper with the model loaded as voicesim loads it, in a thread that then ends:
loaded in the main thread, the decode's OpenMP threads sleep between steps
(``voicesim.models.loaded_apart``). The same one-worker pool, written out so that the baseline
imports nothing of voicesim's. Against it, what voicesim adds to the same decode."""
assert PLAIN_LOADED_APART != PLAIN, "PLAIN's model line changed: load it apart there too"


@dataclass
class ColdFigures:
    """Medians per answer length (string keys): wall seconds of each fresh process, and
    the wall and CPU ratios of ``voicesim analyze`` to plain faster-whisper."""

    cold_baseline_s: dict[str, float] = field(default_factory=dict)
    cold_analyze_s: dict[str, float] = field(default_factory=dict)
    cold_ratio: dict[str, float] = field(default_factory=dict)
    cold_cpu_ratio: dict[str, float] = field(default_factory=dict)
    cold_apart_baseline_s: dict[str, float] = field(default_factory=dict)
    cold_apart_ratio: dict[str, float] = field(default_factory=dict)
    cold_apart_cpu_ratio: dict[str, float] = field(default_factory=dict)
    """The same against plain faster-whisper with its model loaded as voicesim's is."""
    notes: list[str] = field(default_factory=list)


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run `cmd` to completion (it must succeed): wall seconds and its CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def run(files: dict[int, Path], runs: int, threads: int) -> ColdFigures:
    """Both fresh processes `runs` times on each file, alternating (each once untimed)."""
    kwargs = json.dumps(Transcriber(threads=threads).decode_kwargs())
    plain = [sys.executable, "-c", PLAIN, str(resolve_model(None)), str(threads)]
    apart = [sys.executable, "-c", PLAIN_LOADED_APART, *plain[3:]]
    out = ColdFigures()
    with tempfile.TemporaryDirectory(prefix="voicesim-cold-") as home:
        # os.environ has voicesim's CT2_USE_MKL (voicesim/__init__): both processes decode
        # on the same matrix library.
        env = {**os.environ, "VOICESIM_HOME": home, "VOICESIM_THREADS": str(threads)}
        first = str(files[min(files)])
        _timed([*plain, first, kwargs], env)  # page cache and disk warm for both
        _timed([VOICESIM, "analyze", first, "--json"], env)
        baselines = (
            ("plain process", plain, out.cold_baseline_s, out.cold_ratio, out.cold_cpu_ratio),
            ("plain loaded apart", apart, out.cold_apart_baseline_s, out.cold_apart_ratio,
             out.cold_apart_cpu_ratio),
        )  # fmt: skip
        for n, path in files.items():
            analyze = partial(_timed, [VOICESIM, "analyze", str(path), "--json"], env)
            for label, base, base_s, ratio, cpu_ratio in baselines:
                p = paired_runs(
                    partial(_timed, [*base, str(path), kwargs], env),
                    analyze,
                    runs,
                    f"cold {n} s",
                    out.notes,
                    (label, "voicesim analyze"),
                )
                analyze_s = out.cold_analyze_s if base is plain else {}  # the first pairing's
                p.put(str(n), base_s, analyze_s, ratio, cpu_ratio)
    return out
