"""voicesim benchmark: every figure is measured in one run, on the same audio.

    scripts/bench                  # full run, table on stdout
    scripts/bench --json           # the same figures as JSON on stdout (table on stderr)
    scripts/bench --quick          # 2 repeats, a 10-minute long file instead of 60 minutes
    scripts/bench --realtime       # also feed answers in real time through the virtual mic
    scripts/bench --only analyze,live   # some sections only
    scripts/bench --smoke          # a tiny run (10 s answer) for the test suite

Figures (keys of the JSON; answer lengths in seconds as string keys):
- ``baseline_s`` / ``analyze_s`` / ``analyze_ratio``: faster-whisper alone (same model, int8,
  same threads, word timestamps on, the same decode options voicesim uses) on the whole file
  against ``analyze_file`` end to end, on rendered answers of 30 s, 2.6 and 5 min with fillers
  and pauses; medians, the two interleaved run by run.
- ``real_baseline_s`` / ``real_analyze_s`` / ``real_analyze_ratio`` / ``real_analyze_cpu_ratio``:
  the same comparison on the real set's 30-s meeting clips (../shared/fixtures/real), medians
  over every clip and run; real speech gives the filler judge the most windows to score.
- ``cold_baseline_s`` / ``cold_analyze_s`` / ``cold_ratio`` / ``cold_cpu_ratio``: the same
  answers, each path a fresh process as a user runs it (``voicesim analyze FILE --json``
  against a plain faster-whisper script: imports, model load and librosa's first import
  included); medians, alternating. ``cold_apart_baseline_s`` / ``cold_apart_ratio`` /
  ``cold_apart_cpu_ratio``: the same against plain faster-whisper with its model loaded as
  voicesim loads it (in a thread that then ends: ``voicesim.models.loaded_apart``), so what
  voicesim adds to the same decode.
- ``live_latency_s``: feedback latency — from the moment the end of the answer is detected
  to the scorecard being ready, with live transcription (median, wall seconds). From the
  real-time runs with ``--realtime``, else from the fast runs (``live_method`` says which).
  ``live`` holds every variant: ``end_detect_s`` (the answer's real end → end detected, audio
  seconds: the ``end_silence`` wait), ``processing_s`` (= live latency), ``total_s`` (their
  sum: real end → scorecard at real time), ``unstreamed_s`` (the same feedback with the
  frame features computed and the filler judge's windows scored from the file after the
  end, not while the answer was spoken), ``ahead_windows`` / ``end_windows`` (judge
  windows scored while it was spoken / after), ``batch_s`` (the same answer transcribed
  only after the end), ``final_decode_s`` (transcription after the end, as listen reports
  it).
- ``peak_rss_mb``: peak resident memory of ``voicesim demo`` (a real practice session with
  rendered answers) and of ``voicesim analyze`` on a long file.
- ``help_s``: ``voicesim --help``; ``first_question_s``: launch of ``voicesim practice`` →
  first question audible on the virtual speaker; ``history_s``: ``voicesim history`` over 50
  stored sessions.

Each section is a module of scripts/benchmarks/ whose ``run`` returns a dataclass of figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import analyze, cold, first_question, history, live, memory, startup
from benchmarks.answers import write_answers
from benchmarks.common import log, machine
from benchmarks.report import print_table

REAL_CLIPS = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "real" / "ami"
"""The real set's clips (../shared/fixtures/real): timed in "analyze" when present."""

SECTIONS = ("analyze", "cold", "live", "help", "first", "memory", "history")


def merge(out: dict[str, Any], figures: Any) -> None:
    """Put a section's figures into the run's JSON object (dicts merged, notes appended)."""
    for f in dataclasses.fields(figures):
        value = getattr(figures, f.name)
        if f.name == "notes":
            out["notes"].extend(value)
        elif isinstance(value, dict):
            out.setdefault(f.name, {}).update(value)
        else:
            out[f.name] = value


def merge_live(out: dict[str, Any], table: live.LiveTable) -> None:
    """A live variant's rows; real-time runs, when there are any, give ``live_latency_s``."""
    out["live"].setdefault(table.variant, {}).update(table.rows)
    out["notes"].extend(table.notes)
    if table.variant == "realtime" or out["live_method"] is None:
        out["live_method"] = table.variant
        out["live_latency_s"] = {n: r["processing_s"] for n, r in table.rows.items()}


def run(args: argparse.Namespace, out: dict[str, Any], workdir: Path) -> None:
    """Run the sections asked for, in the order of SECTIONS, into `out`."""
    runs = out["runs"]
    only = set(args.only.split(",")) if args.only else set(SECTIONS)
    lengths = [10] if args.smoke else [int(n) for n in args.lengths.split(",")]
    files: dict[int, Path] = {}
    if only & {"analyze", "cold", "live", "memory"}:
        log("rendering answers")
        files = write_answers(workdir, lengths)
    if "analyze" in only:
        log("transcription: faster-whisper alone vs voicesim analyze")
        merge(out, analyze.run(files, runs, args.threads, warm=not args.smoke))
        real = sorted(REAL_CLIPS.glob("*.flac"))
        if real and not args.smoke:
            log("the same on the real set's 30-s meeting clips")
            merge(out, analyze.run_real(real, runs, args.threads))
    if "cold" in only:
        log("fresh processes: plain faster-whisper vs voicesim analyze")
        merge(out, cold.run(files, runs, args.threads))
    if "live" in only:
        log("live feedback latency")
        live_files = files if args.smoke else {n: p for n, p in files.items() if n >= 120}
        if not args.realtime_only:
            merge_live(out, live.run(live_files, runs, args.threads, "4x"))
        if args.realtime or args.realtime_only:
            merge_live(out, live.run(live_files, 1, args.threads, "realtime"))
    if "help" in only:
        log("start-up")
        merge(out, startup.run(3 if args.smoke else 7))
    if "first" in only and not args.smoke:  # the smoke run stays off the audio rig
        merge(out, first_question.run(workdir, max(runs, 3)))
    if "memory" in only:
        log("memory")
        seconds = 10 if args.smoke else 600 if args.quick else 3600
        merge(out, memory.run(workdir, files, seconds, practice=not args.smoke))
    if "history" in only:
        log("history")
        merge(out, history.run(workdir, 5 if args.smoke else 50, 3 if args.smoke else 5))


def parse_args() -> argparse.Namespace:
    """The command line (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--json", action="store_true", help="write the figures as JSON on stdout")
    ap.add_argument("--quick", action="store_true", help="2 repeats, 10-minute long file")
    ap.add_argument("--smoke", action="store_true", help="tiny run for the test suite")
    ap.add_argument("--realtime", action="store_true", help="also feed answers in real time")
    ap.add_argument("--realtime-only", action="store_true", help="live: only the real-time runs")
    ap.add_argument("--lengths", default="30,156,300", help="answer lengths, seconds")
    ap.add_argument("--only", help=f"comma-separated sections of {','.join(SECTIONS)}")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--runs", type=int, default=0, help="repeats per figure (default 3, quick 2)")
    args = ap.parse_args()
    if args.only and not set(args.only.split(",")) <= set(SECTIONS):
        ap.error(f"--only takes sections of {','.join(SECTIONS)}")
    return args


def main() -> int:
    args = parse_args()
    runs = args.runs or (1 if args.smoke else 2 if args.quick else 3)
    out: dict[str, Any] = {
        "machine": machine(),
        "threads": args.threads,
        "runs": runs,
        "baseline_s": {},
        "analyze_s": {},
        "analyze_ratio": {},
        "analyze_cpu_ratio": {},
        "cold_baseline_s": {},
        "cold_analyze_s": {},
        "cold_ratio": {},
        "cold_cpu_ratio": {},
        "cold_apart_baseline_s": {},
        "cold_apart_ratio": {},
        "cold_apart_cpu_ratio": {},
        "live_latency_s": {},
        "live_method": None,
        "live": {},
        "peak_rss_mb": {},
        "help_s": None,
        "first_question_s": None,
        "history_s": None,
        "notes": [],
    }
    workdir = Path(tempfile.mkdtemp(prefix="voicesim-bench-"))
    started = time.perf_counter()
    try:
        run(args, out, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    out["machine"]["load_at_end"] = round(os.getloadavg()[0], 2)
    out["bench_s"] = round(time.perf_counter() - started, 1)
    print_table(out, sys.stderr if args.json else sys.stdout)
    if args.json:
        json.dump(out, sys.stdout, indent=2)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
