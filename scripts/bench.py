"""voicesim benchmark: every figure is measured in one run, on the same audio.

    scripts/bench                  # full run, table on stdout
    scripts/bench --json           # the same figures as JSON on stdout (table on stderr)
    scripts/bench --quick          # fewer repeats, a 10-minute file instead of 60 minutes
    scripts/bench --realtime       # also feed answers in real time through the virtual microphone

Figures (keys of the JSON):
- ``baseline_s`` / ``analyze_s`` / ``analyze_ratio``: plain faster-whisper (same model, int8,
  same threads, word timestamps on) against ``analyze_file`` on rendered answers of 30 s,
  2 min and 5 min with fillers and pauses, keyed by length in seconds; medians.
- ``live_latency_s``: time from the moment the end of the answer is detected to the scorecard
  being ready, when the answer is fed through the capture path (``listen``) with live
  transcription; ``batch_latency_s`` is the same with everything transcribed after the end.
- ``peak_rss_mb``: peak resident memory of ``voicesim demo`` (a practice session) and of
  ``voicesim analyze`` on a long file.
- ``help_s``: ``voicesim --help``; ``first_question_s``: launch → first question audible.
- ``history_s``: ``voicesim history`` over 50 stored sessions.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.speech (test-time speech rendering)
VOICESIM = str(ROOT / ".venv" / "bin" / "voicesim")

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
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version()}


def median_of(fn: Callable[[], float], runs: int) -> tuple[float, list[float]]:
    """Run `fn` (which returns seconds) `runs` times; median and all values."""
    values = [fn() for _ in range(runs)]
    return statistics.median(values), values


def spread_note(name: str, values: list[float], notes: list[str]) -> None:
    if len(values) > 1 and min(values) > 0 and max(values) / min(values) > 1.3:
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


def bench_analyze(files: dict[int, Path], runs: int, threads: int, out: dict[str, Any]) -> None:
    from faster_whisper import WhisperModel

    from voicesim.analysis import analyze_file
    from voicesim.transcribe import Transcriber, resolve_model

    model = WhisperModel(
        str(resolve_model(None)), device="cpu", compute_type="int8", cpu_threads=threads
    )
    transcriber = Transcriber(threads=threads)

    def plain(path: Path) -> float:
        t = time.perf_counter()
        segments, _ = model.transcribe(str(path), language="en", word_timestamps=True)
        for _ in segments:
            pass
        return time.perf_counter() - t

    def ours(path: Path) -> float:
        t = time.perf_counter()
        analyze_file(path, transcriber=transcriber)
        return time.perf_counter() - t

    plain(files[min(files)])  # warm both paths once
    ours(files[min(files)])
    for n, path in files.items():
        # Interleave the two so a slow spell of the machine hits both alike.
        base_v, ours_v = [], []
        for _ in range(runs):
            base_v.append(plain(path))
            ours_v.append(ours(path))
        base, mine = statistics.median(base_v), statistics.median(ours_v)
        out["baseline_s"][str(n)] = round(base, 3)
        out["analyze_s"][str(n)] = round(mine, 3)
        out["analyze_ratio"][str(n)] = round(mine / base, 3)
        spread_note(f"baseline {n}s", base_v, out["notes"])
        spread_note(f"analyze {n}s", ours_v, out["notes"])
        log(f"  {n:>4} s: baseline {base:.2f} s, analyze {mine:.2f} s, ratio {mine / base:.2f}")


# ---------------------------------------------------------------- live feedback


def live_once(path: Path, speed: float, threads: int) -> tuple[float, float, float]:
    """Feed `path` through listen() at `speed`× real time; (live, batch, end-detect) seconds."""
    import soundfile as sf

    from voicesim.analysis import analyze_samples
    from voicesim.capture import FileMicrophone
    from voicesim.listen import ListenSettings, listen
    from voicesim.transcribe import Transcriber

    audio, sr = sf.read(str(path), dtype="float32")
    transcriber = Transcriber(threads=threads)
    mic = FileMicrophone(speed=speed)
    mic.queue(audio, sr, lead_silence=0.5)
    settings = ListenSettings(end_silence=2.5, max_answer=len(audio) / sr + 30, commands=False)
    mic.start()
    turn = listen(mic, settings, transcriber=transcriber)
    t_end = time.perf_counter()
    analyze_samples(turn.audio, turn.sample_rate, transcript=turn.transcript, transcriber=transcriber)
    live = time.perf_counter() - t_end
    mic.close()
    t = time.perf_counter()
    analyze_samples(turn.audio, turn.sample_rate, transcriber=transcriber)
    batch = time.perf_counter() - t
    speech_end = turn.speech_end_s if turn.speech_end_s is not None else 0.0
    detect = (len(turn.audio) / turn.sample_rate) - speech_end
    return live, batch, detect


def bench_live(files: dict[int, Path], runs: int, threads: int, speed: float, out: dict) -> None:
    key = "live_latency_s" if speed == 1.0 else "live_latency_fast_s"
    for n, path in files.items():
        results = [live_once(path, speed, threads) for _ in range(runs)]
        live = statistics.median(r[0] for r in results)
        batch = statistics.median(r[1] for r in results)
        out[key][str(n)] = round(live, 3)
        out["batch_latency_s"][str(n)] = round(batch, 3)
        spread_note(f"{key} {n}s", [r[0] for r in results], out["notes"])
        log(f"  {n:>4} s at {speed:g}x: live {live:.2f} s, batch {batch:.2f} s after the end")


# ---------------------------------------------------------------- processes


def run_rss(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Run `cmd`; (peak RSS in MB, wall seconds, exit code)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024.0, wall, proc.returncode


def bench_memory(workdir: Path, files: dict[int, Path], minutes: int, out: dict) -> None:
    import numpy as np
    import soundfile as sf

    env = dict(os.environ, VOICESIM_HOME=str(workdir / "home-rss"))
    rss, wall, rc = run_rss([VOICESIM, "demo", "--count", "3", "--no-audio"], env)
    out["peak_rss_mb"]["practice"] = round(rss, 1)
    log(f"  demo (3 questions): peak RSS {rss:.0f} MB in {wall:.1f} s (exit {rc})")
    if rc != 0:
        out["notes"].append(f"demo exited {rc}")

    base, sr = sf.read(str(files[max(files)]), dtype="float32")
    long_path = workdir / f"long_{minutes}min.flac"
    with sf.SoundFile(str(long_path), "w", sr, 1, format="FLAC") as f:
        written = 0
        while written < minutes * 60 * sr:
            f.write(base)
            written += len(base)
    del base
    rss, wall, rc = run_rss([VOICESIM, "analyze", str(long_path), "--json"], env)
    out["peak_rss_mb"][f"analyze_{minutes}min"] = round(rss, 1)
    out["long_analyze_s"] = round(wall, 1)
    log(f"  analyze {minutes} min: peak RSS {rss:.0f} MB in {wall:.0f} s (exit {rc})")
    if rc != 0:
        out["notes"].append(f"analyze of the {minutes}-minute file exited {rc}")
    _ = np


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
    spread_note("history", values, out["notes"])
    log(f"  voicesim history over {sessions} sessions: {value:.3f} s")


def bench_first_question(workdir: Path, runs: int, out: dict) -> None:
    from bench_audio import first_question_latency  # scripts/bench_audio.py

    values = [first_question_latency(workdir, VOICESIM) for _ in range(runs)]
    out["first_question_s"] = round(statistics.median(values), 3)
    spread_note("first question", values, out["notes"])
    log(f"  launch → first question audible: {out['first_question_s']:.2f} s")


# ---------------------------------------------------------------- main


def print_table(out: dict[str, Any], file: Any) -> None:
    m = out["machine"]
    print(f"voicesim benchmark — {m['cores']} cores, {m['cpu']}, Python {m['python']}", file=file)
    print(f"{'answer':>8} {'baseline s':>11} {'analyze s':>10} {'ratio':>6} "
          f"{'live s':>7} {'fast s':>7} {'batch s':>8}", file=file)
    for n in out["baseline_s"]:
        def g(key: str) -> str:
            v = out[key].get(n)
            return f"{v:.2f}" if isinstance(v, float) else "-"
        print(f"{n + ' s':>8} {g('baseline_s'):>11} {g('analyze_s'):>10} {g('analyze_ratio'):>6} "
              f"{g('live_latency_s'):>7} {g('live_latency_fast_s'):>7} {g('batch_latency_s'):>8}",
              file=file)
    for k, v in out["peak_rss_mb"].items():
        print(f"peak RSS {k}: {v:.0f} MB", file=file)
    for k in ("help_s", "first_question_s", "history_s"):
        if out.get(k) is not None:
            print(f"{k}: {out[k]:.3f}", file=file)
    for note in out["notes"]:
        print(f"note: {note}", file=file)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--json", action="store_true", help="write the figures as JSON on stdout")
    ap.add_argument("--quick", action="store_true", help="fewer repeats, 10-minute long file")
    ap.add_argument("--smoke", action="store_true", help="tiny run for the test suite")
    ap.add_argument("--realtime", action="store_true", help="also feed answers in real time")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--runs", type=int, default=0, help="repeats per figure (default 3, quick 2)")
    args = ap.parse_args()
    runs = args.runs or (1 if args.smoke else 2 if args.quick else 3)
    lengths = [10] if args.smoke else [30, 120, 300]
    out: dict[str, Any] = {
        "machine": machine(), "threads": args.threads, "runs": runs,
        "baseline_s": {}, "analyze_s": {}, "analyze_ratio": {},
        "live_latency_s": {}, "live_latency_fast_s": {}, "batch_latency_s": {},
        "peak_rss_mb": {}, "help_s": None, "first_question_s": None, "history_s": None,
        "notes": [],
    }
    sys.path.insert(0, str(ROOT / "scripts"))
    workdir = Path(tempfile.mkdtemp(prefix="voicesim-bench-"))
    try:
        log("rendering answers")
        files = write_answers(workdir, lengths)
        log("transcription: plain faster-whisper vs voicesim analyze")
        bench_analyze(files, runs, args.threads, out)
        log("live feedback latency")
        live_files = files if args.smoke else {n: p for n, p in files.items() if n >= 120}
        bench_live(live_files, 1, args.threads, 4.0, out)
        if args.realtime:
            bench_live(live_files, 1, args.threads, 1.0, out)
        log("start-up")
        bench_help(3 if args.smoke else 7, out)
        if not args.smoke:
            bench_first_question(workdir, runs, out)
            log("memory")
            bench_memory(workdir, files, 10 if args.quick else 60, out)
            log("history")
            bench_history(workdir, 50, 5, out)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print_table(out, sys.stderr if args.json else sys.stdout)
    if args.json:
        json.dump(out, sys.stdout, indent=2)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
