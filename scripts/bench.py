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
- ``live_latency_s``: feedback latency — from the moment the end of the answer is detected
  to the scorecard being ready, with live transcription (median, wall seconds). From the
  real-time runs with ``--realtime``, else from the fast runs (``live_method`` says which).
  ``live`` holds every variant: ``end_detect_s`` (the answer's real end → end detected, audio
  seconds: the ``end_silence`` wait), ``processing_s`` (= live latency), ``total_s`` (their
  sum: real end → scorecard at real time), ``batch_s`` (the same answer transcribed only
  after the end), ``final_decode_s`` (transcription after the end, as listen reports it).
- ``peak_rss_mb``: peak resident memory of ``voicesim demo`` (a real practice session with
  rendered answers) and of ``voicesim analyze`` on a long file.
- ``help_s``: ``voicesim --help``; ``first_question_s``: launch of ``voicesim practice`` →
  first question audible on the virtual speaker; ``history_s``: ``voicesim history`` over 50
  stored sessions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from voicesim.scoring.rubric import load_rubric

RUBRIC = load_rubric()  # loaded once, as a caller of the pure stages does

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.speech (test-time speech rendering)
sys.path.insert(0, str(ROOT / "scripts"))
VOICESIM = str(ROOT / ".venv" / "bin" / "voicesim")
SECTIONS = ("analyze", "live", "help", "first", "memory", "history")
END_SILENCE = 2.5
"""End-of-answer silence used by the live runs, seconds (practice's default)."""

SENTENCES = [
    "When I joined the company the support team was missing its targets every week.",
    "We had a backlog of more than four hundred tickets and two people had just resigned.",
    "I sat down with each person on the team and asked what was slowing them down.",
    "Together we rebuilt the triage process and moved the routine requests to a shared form.",
    "I also agreed with my manager to hire one contractor for three months.",
    "Within six weeks the backlog fell by seventy percent and nobody else left the team.",
    "The lesson for me was to listen first and to change the process before the people.",
    "Since then I have used the same approach whenever a team is struggling.",
]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
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


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def spread_note(name: str, values: list[float], notes: list[str]) -> None:
    """Note runs whose slowest is over 30 % (and 0.1 s) above the fastest."""
    lo, hi = min(values, default=0.0), max(values, default=0.0)
    if len(values) > 1 and lo > 0 and hi / lo > 1.3 and hi - lo > 0.1:
        shown = ", ".join(f"{v:.2f}" for v in values)
        notes.append(f"{name}: runs disagree by more than 30 % ({shown})")


# ---------------------------------------------------------------- audio


def render_answer(seconds: float, *, seed: int = 0) -> Any:
    """A rendered answer of about `seconds` with fillers and pauses (tests.speech.compose)."""
    from tests.speech import Fill, Gap, Say, compose

    pieces: list[Any] = []
    i = seed
    while True:
        pieces.append(Say(SENTENCES[i % len(SENTENCES)]))
        if i % 3 == 0:
            pieces.append(Fill("um"))
        if i % 4 == 1:
            pieces.append(Gap(1.2))
        elif i % 5 == 2:
            pieces.extend([Fill("you know", kind="discourse"), Gap(0.5)])
        else:
            pieces.append(Gap(0.35))
        i += 1
        comp = compose(pieces)
        if comp.duration_s >= seconds:
            return comp


def write_answers(workdir: Path, lengths: list[int]) -> dict[int, Path]:
    files = {}
    for n in lengths:
        comp = render_answer(n, seed=n)
        files[n] = comp.write_wav(workdir / f"answer_{n}s.wav")
        log(f"  rendered {n} s answer ({comp.duration_s:.1f} s, {len(comp.fillers)} fillers)")
    return files


# ---------------------------------------------------------------- transcription


def bench_analyze(
    files: dict[int, Path], runs: int, threads: int, out: dict[str, Any], *, warm: bool = True
) -> None:
    from faster_whisper import WhisperModel

    from voicesim.analysis.pipeline import analyze_file
    from voicesim.transcribe import Transcriber, resolve_model

    model = WhisperModel(
        str(resolve_model(None)), device="cpu", compute_type="int8", cpu_threads=threads
    )
    transcriber = Transcriber(threads=threads)

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
        analyze_file(path, transcriber=transcriber, rubric=RUBRIC)
        cpu["ours"] = time.process_time() - c
        return time.perf_counter() - t

    if warm:  # both paths once, untimed
        plain(files[min(files)])
        ours(files[min(files)])
    for n, path in files.items():
        # Interleave the two so a slow spell of the machine hits both alike.
        base_v, ours_v, cpu_v = [], [], []
        for _ in range(runs):
            base_v.append(plain(path))
            ours_v.append(ours(path))
            cpu_v.append(cpu["ours"] / cpu["plain"])
        base, mine = statistics.median(base_v), statistics.median(ours_v)
        ratios = [o / b for o, b in zip(ours_v, base_v, strict=True)]
        out["baseline_s"][str(n)] = round(base, 3)
        out["analyze_s"][str(n)] = round(mine, 3)
        out["analyze_ratio"][str(n)] = round(statistics.median(ratios), 3)
        out["analyze_cpu_ratio"][str(n)] = round(statistics.median(cpu_v), 3)
        spread_note(f"baseline {n}s", base_v, out["notes"])
        spread_note(f"analyze {n}s", ours_v, out["notes"])
        log(
            f"  {n:>4} s: baseline {base:.2f} s, analyze {mine:.2f} s, "
            f"ratio {out['analyze_ratio'][str(n)]:.2f} (runs {_list(ratios)}), "
            f"CPU-time ratio {out['analyze_cpu_ratio'][str(n)]:.2f}"
        )


# ---------------------------------------------------------------- live feedback


def bench_live(
    files: dict[int, Path], runs: int, threads: int, variant: str, out: dict[str, Any]
) -> None:
    """Live feedback latency per answer length; variant "4x" (FileMicrophone) or "realtime"."""
    import contextlib

    from bench_audio import live_fast, live_realtime, pulse_rig

    from voicesim.transcribe import Transcriber

    transcriber = Transcriber(threads=threads)
    table = out["live"].setdefault(variant, {})
    with pulse_rig() if variant == "realtime" else contextlib.nullcontext() as rig:
        for n, path in files.items():
            results = []
            for _ in range(runs):
                if variant == "realtime":
                    results.append(live_realtime(path, rig, transcriber, END_SILENCE))
                else:
                    results.append(live_fast(path, 4.0, transcriber, END_SILENCE))
            row = {
                key: round(statistics.median(getattr(r, key) for r in results), 3)
                for key in (
                    "end_detect_s",
                    "processing_s",
                    "batch_s",
                    "final_decode_s",
                    "analysis_cpu_s",
                )
            }
            row["total_s"] = round(row["end_detect_s"] + row["processing_s"], 3)
            row["ended_by"] = sorted({r.ended_by for r in results})
            table[str(n)] = row
            spread_note(f"live {variant} {n}s", [r.processing_s for r in results], out["notes"])
            log(
                f"  {n:>4} s {variant}: end detected {row['end_detect_s']:.2f} s after the end, "
                f"scorecard {row['processing_s']:.2f} s later (batch {row['batch_s']:.2f} s), "
                f"ended by {'/'.join(row['ended_by'])}"
            )
    if variant == "realtime" or out["live_method"] is None:
        out["live_method"] = variant
        out["live_latency_s"] = {n: r["processing_s"] for n, r in table.items()}


# ---------------------------------------------------------------- processes


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


def bench_memory(
    workdir: Path, files: dict[int, Path], seconds: float, out: dict, *, practice: bool = True
) -> None:
    """Peak RSS of a practice session (demo) and of analyze on a `seconds`-long file."""
    import soundfile as sf

    env = dict(os.environ, VOICESIM_HOME=str(workdir / "home-rss"))
    if practice:
        rss, wall, rc = run_rss([VOICESIM, "demo", "--count", "3", "--no-audio"], env)
        out["peak_rss_mb"]["practice"] = round(rss, 1)
        log(f"  demo (3 questions): peak RSS {rss:.0f} MB in {wall:.1f} s (exit {rc})")
        if rc != 0:
            out["notes"].append(f"demo exited {rc}")

    base, sr = sf.read(str(files[max(files)]), dtype="float32")
    label = f"{round(seconds / 60, 2):g}min"
    long_path = workdir / f"long_{label}.flac"
    with sf.SoundFile(str(long_path), "w", sr, 1, format="FLAC") as f:
        written = 0
        while written < seconds * sr:
            f.write(base)
            written += len(base)
    del base
    rss, wall, rc = run_rss([VOICESIM, "analyze", str(long_path), "--json"], env)
    out["peak_rss_mb"][f"analyze_{label}"] = round(rss, 1)
    out["long_analyze_s"] = {label: round(wall, 1)}
    log(f"  analyze {label}: peak RSS {rss:.0f} MB in {wall:.0f} s (exit {rc})")
    if rc != 0:
        out["notes"].append(f"analyze of the {label} file exited {rc}")


def bench_help(runs: int, out: dict) -> None:
    def once() -> float:
        t = time.perf_counter()
        subprocess.run([VOICESIM, "--help"], check=True, capture_output=True)
        return time.perf_counter() - t

    once()
    value, values = median_of(once, runs)
    out["help_s"] = round(value, 3)
    spread_note("help", values, out["notes"])
    log(f"  voicesim --help: {value:.3f} s")


def bench_history(workdir: Path, sessions: int, runs: int, out: dict) -> None:
    from bench_sessions import make_sessions  # scripts/bench_sessions.py

    home = workdir / "home-history"
    make_sessions(home, sessions)
    env = dict(os.environ, VOICESIM_HOME=str(home))

    def once() -> float:
        t = time.perf_counter()
        subprocess.run([VOICESIM, "history"], check=True, capture_output=True, env=env)
        return time.perf_counter() - t

    once()
    value, values = median_of(once, runs)
    out["history_s"] = round(value, 3)
    out["history_sessions"] = sessions
    spread_note("history", values, out["notes"])
    log(f"  voicesim history over {sessions} sessions: {value:.3f} s")


def bench_first_question(workdir: Path, runs: int, out: dict) -> None:
    from bench_audio import LAST_FIRST_QUESTION_CPU, first_question_latency, pulse_rig

    values, cpu = [], []
    with pulse_rig():
        for _ in range(runs):
            values.append(first_question_latency(workdir, VOICESIM))
            cpu.extend(LAST_FIRST_QUESTION_CPU)
    out["first_question_s"] = round(statistics.median(values), 3)
    out["first_question_cpu_s"] = round(statistics.median(cpu), 3)
    spread_note("first question", values, out["notes"])
    log(
        f"  launch → first question audible: {out['first_question_s']:.2f} s "
        f"(runs {', '.join(f'{v:.2f}' for v in values)})"
    )


# ---------------------------------------------------------------- main


def fmt(value: Any, unit: str = "") -> str:
    return f"{value:.2f}{unit}" if isinstance(value, (int, float)) else "-"


def print_table(out: dict[str, Any], file: Any) -> None:
    """The figures as a plain-text table, each explained in one line underneath."""
    m = out["machine"]
    lines = [
        f"voicesim benchmark — {m['cores']} cores, {m['cpu']}, {m['memory_gb']} GB, "
        f"Python {m['python']}, {out['threads']} threads, median of {out['runs']} runs, "
        f"load {m['load_at_start']} → {m.get('load_at_end', '-')}",
        "",
        f"{'answer':>7} {'whisper':>8} {'analyze':>8} {'ratio':>6} {'cpu':>5}   "
        f"{'variant':>8} {'end det':>8} {'feedback':>9} {'an.cpu':>6} {'total':>6} {'batch':>6}",
    ]
    lengths = sorted({*out["baseline_s"], *(k for v in out["live"].values() for k in v)}, key=int)
    for n in lengths:
        head = (
            f"{n + ' s':>7} {fmt(out['baseline_s'].get(n)):>8} "
            f"{fmt(out['analyze_s'].get(n)):>8} {fmt(out['analyze_ratio'].get(n)):>6} "
            f"{fmt(out['analyze_cpu_ratio'].get(n)):>5}"
        )
        variants = [(v, t[n]) for v, t in out["live"].items() if n in t] or [("", {})]
        for i, (variant, row) in enumerate(variants):
            lines.append(
                f"{head if i == 0 else '':<38}   {variant:>8} {fmt(row.get('end_detect_s')):>8} "
                f"{fmt(row.get('processing_s')):>9} {fmt(row.get('analysis_cpu_s')):>6} "
                f"{fmt(row.get('total_s')):>6} "
                f"{fmt(row.get('batch_s')):>6}"
            )
    lines += [
        "",
        "whisper   faster-whisper alone on the file (same model/threads/decode options), s",
        "analyze   voicesim analyze_file end to end on the same file, s; ratio = analyze/whisper",
        "cpu       the same ratio in CPU seconds of the process (robust when the machine is busy)",
        f"end det   answer's real end → end detected (the {END_SILENCE:g} s end-silence wait), "
        "audio s",
        "feedback  end detected → scorecard ready (final decode + analysis), wall s "
        "= live_latency_s",
        "an.cpu    CPU seconds of the analysis + scorecard inside feedback (idle-machine cost)",
        "total     end det + feedback: real end → scorecard, at real time, s",
        "batch     end detected → scorecard if the whole answer were transcribed after the end",
        "variant   4x: FileMicrophone at 4× real time; realtime: paplay → PulseAudio → "
        "DeviceMicrophone",
        "",
    ]
    for k, v in out["peak_rss_mb"].items():
        lines.append(f"peak RSS {k}: {v:.0f} MB")
    if out.get("long_analyze_s"):
        lines += [f"analyze of the {k} file: {v:.0f} s" for k, v in out["long_analyze_s"].items()]
    lines += [
        f"voicesim --help: {fmt(out['help_s'], ' s')}",
        f"launch → first question audible: {fmt(out['first_question_s'], ' s')} "
        f"(CPU used by then: {fmt(out.get('first_question_cpu_s'), ' s')})",
        f"history over {out.get('history_sessions', '-')} sessions: {fmt(out['history_s'], ' s')}",
    ]
    lines += [f"note: {note}" for note in out["notes"]]
    print("\n".join(lines), file=file)


def run(args: argparse.Namespace, out: dict[str, Any], workdir: Path) -> None:
    runs = out["runs"]
    only = set(args.only.split(",")) if args.only else set(SECTIONS)
    lengths = [10] if args.smoke else [int(n) for n in args.lengths.split(",")]
    files: dict[int, Path] = {}
    if only & {"analyze", "live", "memory"}:
        log("rendering answers")
        files = write_answers(workdir, lengths)
    if "analyze" in only:
        log("transcription: faster-whisper alone vs voicesim analyze")
        bench_analyze(files, runs, args.threads, out, warm=not args.smoke)
    if "live" in only:
        log("live feedback latency")
        live_files = files if args.smoke else {n: p for n, p in files.items() if n >= 120}
        if not args.realtime_only:
            bench_live(live_files, runs, args.threads, "4x", out)
        if args.realtime or args.realtime_only:
            bench_live(live_files, 1, args.threads, "realtime", out)
    if "help" in only:
        log("start-up")
        bench_help(3 if args.smoke else 7, out)
    if "first" in only and not args.smoke:  # the smoke run stays off the audio rig
        bench_first_question(workdir, 1 if args.smoke else max(runs, 3), out)
    if "memory" in only:
        log("memory")
        seconds = 10 if args.smoke else 600 if args.quick else 3600
        bench_memory(workdir, files, seconds, out, practice=not args.smoke)
    if "history" in only:
        log("history")
        bench_history(workdir, 5 if args.smoke else 50, 3 if args.smoke else 5, out)


def main() -> int:
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
    runs = args.runs or (1 if args.smoke else 2 if args.quick else 3)
    out: dict[str, Any] = {
        "machine": machine(),
        "threads": args.threads,
        "runs": runs,
        "baseline_s": {},
        "analyze_s": {},
        "analyze_ratio": {},
        "analyze_cpu_ratio": {},
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
