"""Section "first": launch of ``voicesim practice`` → its first question audible.

Launches the program on the private PulseAudio server and records the virtual speaker's
monitor: launch → first 10 ms above -40 dBFS, wall seconds; and the CPU seconds the
program had used by then.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.common import VOICESIM, log, spread_note
from benchmarks.rig import PREFIX, bench_rig
from voicesim.testing.rig import SpeakerRecorder
from voicesim.testing.signals import SR

HEARD_RMS = 0.01
"""A 10 ms stretch of the speaker monitor above this (-40 dBFS) counts as audible."""

_TEN_MS_BYTES = SR // 100 * 4  # float32 samples


@dataclass
class FirstQuestionFigures:
    """Medians over the runs: launch → first question audible, and CPU used by then (s)."""

    first_question_s: float
    first_question_cpu_s: float
    notes: list[str] = field(default_factory=list)


def run(workdir: Path, runs: int) -> FirstQuestionFigures:
    """Launch ``voicesim practice`` `runs` times on one rig."""
    values, cpu = [], []
    with bench_rig():
        for _ in range(runs):
            seconds, used = first_question_latency(workdir, VOICESIM)
            values.append(seconds)
            cpu.append(used)
    out = FirstQuestionFigures(
        round(statistics.median(values), 3), round(statistics.median(cpu), 3)
    )
    spread_note("first question", values, out.notes)
    log(
        f"  launch → first question audible: {out.first_question_s:.2f} s "
        f"(runs {', '.join(f'{v:.2f}' for v in values)})"
    )
    return out


def first_audible(rec: SpeakerRecorder, after: float) -> float | None:
    """Monotonic arrival time of the first chunk after `after` holding audible sound."""
    pending = b""
    for t, chunk in list(rec.chunks):
        pending += chunk
        usable = len(pending) // _TEN_MS_BYTES * _TEN_MS_BYTES
        x = np.frombuffer(pending[:usable], dtype="<f4").reshape(-1, _TEN_MS_BYTES // 4)
        pending = pending[usable:]
        if t >= after and len(x) and float(np.sqrt((x**2).mean(axis=1)).max()) > HEARD_RMS:
            return t
    return None


def first_question_latency(
    workdir: Path, voicesim_exe: str, *, command: str = "practice", timeout: float = 30.0
) -> tuple[float, float]:
    """Launch ``voicesim practice`` (or ``demo``) on the rig; (seconds until heard, CPU s).

    Starts its own rig unless this process already points at one (PULSE_SERVER set by
    :func:`benchmarks.rig.bench_rig`). The program is interrupted (Ctrl+C) once heard.
    """
    if PREFIX not in os.environ.get("PULSE_SERVER", ""):
        with bench_rig():
            return first_question_latency(workdir, voicesim_exe, command=command, timeout=timeout)
    home = Path(tempfile.mkdtemp(prefix="fq-home-", dir=workdir))
    env = dict(os.environ, VOICESIM_HOME=str(home))
    rec = SpeakerRecorder(env).start()
    try:
        while not rec.chunks:  # the monitor is flowing before the clock starts
            time.sleep(0.01)
        args = [voicesim_exe, command, "--count", "1"]
        launched = time.monotonic()
        proc = subprocess.Popen(
            args,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        heard, cpu = None, 0.0
        while heard is None and time.monotonic() - launched < timeout and proc.poll() is None:
            time.sleep(0.05)
            cpu = _cpu_seconds(proc.pid)
            heard = first_audible(rec, launched)
        _stop(proc)
    finally:
        rec.stop()
    if heard is None:
        err = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
        raise RuntimeError(f"voicesim {command} was never heard: {err[-300:]}")
    return heard - launched, cpu


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
