"""Audio parts of the benchmark: live feedback latency and launch → first question audible.

Both run the real code paths. Live latency feeds a rendered answer through ``listen`` (the
capture path of ``voicesim practice``, live transcription on) and then does what practice
does when an answer ends (``analyze_samples`` with the live transcript, the scorecard):

- fast variant: a ``FileMicrophone`` delivering the answer at ``speed`` × real time;
- real-time variant: a ``DeviceMicrophone`` on the private PulseAudio server of the audio
  tests (``tests/audio_rig.py``), the answer played into its virtual microphone by paplay.

A wrapping microphone stamps every block it hands to ``listen`` with the wall clock, so the
figures come from what the program actually received, not from what ``listen`` reports:

- ``end_detect_s``: the answer's real end (the time its last 10 ms above -46 dBFS was due on
  the stream's clock) → ``listen`` deciding the answer is over (its return minus the final
  decode it reports), in seconds of audio (wall seconds × speed); by design about
  ``end_silence`` (longer after an unfinished sentence).
- ``processing_s``: that decision → the scorecard ready (the final decode inside ``listen``,
  ``analyze_samples`` with the live transcript, the scorecard and spoken tip text), wall
  seconds. This is the feedback latency.
- ``batch_s``: the same analysis of the same turn with everything transcribed after the end.
- ``final_decode_s``: what ``listen`` itself reports as transcription after the end.
- ``analysis_cpu_s``: CPU seconds of the analysis and scorecard after ``listen`` returned
  (with ``final_decode_s``, what the processing costs on an idle machine).

The first-question figure launches ``voicesim practice`` on the same rig and records the
virtual speaker's monitor: launch → first 10 ms above -40 dBFS, wall seconds.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # tests.audio_rig: the rig of the audio tests

from voicesim.audio.capture import Microphone  # noqa: E402
from voicesim.scoring.rubric import load_rubric  # noqa: E402

RUBRIC = load_rubric()  # loaded once, as a caller of the pure stages does

SPEECH_RMS = 0.005
"""A 10 ms stretch with RMS above this (about -46 dBFS) counts as speech when feeding."""

HEARD_RMS = 0.01
"""A 10 ms stretch of the speaker monitor above this (-40 dBFS) counts as audible."""


# ---------------------------------------------------------------- the rig


def pulse_rig() -> contextlib.AbstractContextManager[Any]:
    """The private PulseAudio server of the audio tests, this process pointed at it."""
    from tests.audio_rig import running_pulse

    return running_pulse("vs-bench-pulse-", reinit_after=True)


class StampedRecorder:
    """Records the virtual speaker's monitor (parec) with the arrival time of every chunk."""

    def __init__(self, env: dict[str, str]) -> None:
        cmd = [
            "parec",
            "-d",
            "vs_speaker.monitor",
            "--raw",
            "--format=float32le",
            "--rate=16000",
            "--channels=1",
            "--latency-msec=20",
        ]
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env)
        self.chunks: list[tuple[float, bytes]] = []
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        assert self._proc.stdout is not None
        stream = self._proc.stdout
        while chunk := stream.read1(4096):  # type: ignore[attr-defined]  # a BufferedReader
            self.chunks.append((time.monotonic(), chunk))

    def first_audible(self, after: float) -> float | None:
        """Monotonic arrival time of the first chunk after `after` holding audible sound."""
        pending = b""
        for t, chunk in list(self.chunks):
            pending += chunk
            usable = len(pending) // 640 * 640  # 10 ms of float32 at 16 kHz
            x = np.frombuffer(pending[:usable], dtype="<f4").reshape(-1, 160)
            pending = pending[usable:]
            if t >= after and len(x) and float(np.sqrt((x**2).mean(axis=1)).max()) > HEARD_RMS:
                return t
        return None

    def stop(self) -> None:
        self._proc.terminate()
        self._proc.wait(timeout=5)
        self._thread.join(timeout=5)


def first_question_latency(
    workdir: Path, voicesim_exe: str, *, command: str = "practice", timeout: float = 30.0
) -> float:
    """Launch ``voicesim practice`` (or ``demo``) on the rig; seconds until it is first heard.

    Starts its own rig unless this process already points at one (PULSE_SERVER set by
    :func:`pulse_rig`). The program is interrupted (Ctrl+C) once it has been heard.
    """
    if "vs-bench-pulse-" not in os.environ.get("PULSE_SERVER", ""):
        with pulse_rig():
            return first_question_latency(workdir, voicesim_exe, command=command, timeout=timeout)
    home = Path(tempfile.mkdtemp(prefix="fq-home-", dir=workdir))
    env = dict(os.environ, VOICESIM_HOME=str(home))
    rec = StampedRecorder(env)
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
            heard = rec.first_audible(launched)
        _stop(proc)
    finally:
        rec.stop()
    if heard is None:
        err = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
        raise RuntimeError(f"voicesim {command} was never heard: {err[-300:]}")
    LAST_FIRST_QUESTION_CPU[:] = [cpu]
    return heard - launched


LAST_FIRST_QUESTION_CPU: list[float] = []
"""CPU seconds the launched program had used when it was first heard (last call)."""


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


# ---------------------------------------------------------------- live feedback latency


class StampedMic(Microphone):
    """Wraps a microphone; keeps the stream's clock and where the last speech sample is.

    The clock maps a sample position to the wall time it was due: the earliest arrival seen
    (position / rate / speed subtracted) — a reader that falls behind does not move it.
    """

    def __init__(self, inner: Microphone, speed: float) -> None:
        self.inner = inner
        self.speed = speed
        self.sample_rate = inner.sample_rate
        self.pos = 0  # samples handed over
        self.zero = float("inf")  # wall time (perf_counter) of sample 0
        self.last_speech_pos = 0  # position just after the last speech sample

    def start(self) -> None:
        self.inner.start()

    def stop(self) -> None:
        self.inner.stop()

    def read(self, timeout: float) -> np.ndarray | None:
        block = self.inner.read(timeout)
        now = time.perf_counter()
        if block is None or len(block) == 0:
            return block
        x = np.asarray(block, dtype=np.float32).reshape(len(block), -1).mean(axis=1)
        n = len(x) // 160 * 160
        if n:
            rms = np.sqrt((x[:n].reshape(-1, 160) ** 2).mean(axis=1))
            loud = np.flatnonzero(rms > SPEECH_RMS)
            if len(loud):
                self.last_speech_pos = self.pos + (int(loud[-1]) + 1) * 160
        self.pos += len(x)
        self.zero = min(self.zero, now - self.pos / self.sample_rate / self.speed)
        return block

    def due(self, pos: int) -> float:
        """Wall time (perf_counter) at which sample `pos` was due."""
        return self.zero + pos / self.sample_rate / self.speed

    def close(self) -> None:
        self.inner.close()


@dataclass
class LiveFigures:
    """One fed answer: see the module docstring for what each figure is (seconds)."""

    end_detect_s: float
    processing_s: float
    batch_s: float
    final_decode_s: float
    ended_by: str
    analysis_cpu_s: float = 0.0


def measure_live(
    mic: StampedMic, feed: Callable[[], Any], transcriber: Any, end_silence: float, length: float
) -> LiveFigures:
    """Start `mic`, call `feed` (starts the answer playing), listen, then build the scorecard."""
    from voicesim.analysis.pipeline import analyze_samples
    from voicesim.interview.feedback import scorecard, spoken_feedback
    from voicesim.listen.endpoint import EndpointSettings
    from voicesim.listen.turn import ListenSettings, listen

    settings = ListenSettings(
        endpoint=EndpointSettings(
            end_silence=end_silence, max_answer=length + 60, first_word_wait=30.0
        ),
        commands=False,
    )
    mic.start()
    feed()
    turn = listen(mic, settings, transcriber=transcriber)
    detected = time.perf_counter() - float(turn.final_decode_s)  # listen decided the end
    cpu = time.process_time()  # (the final decode's CPU is not in here: another thread ran it)
    mic.stop()
    result = analyze_samples(
        turn.audio,
        turn.sample_rate,
        transcript=turn.transcript,
        transcriber=transcriber,
        response_latency_s=turn.speech_start_s,
        rubric=RUBRIC,
    )
    scorecard(result)
    spoken_feedback(result)
    ready = time.perf_counter()
    cpu = time.process_time() - cpu
    t = time.perf_counter()
    analyze_samples(turn.audio, turn.sample_rate, transcriber=transcriber, rubric=RUBRIC)
    batch = time.perf_counter() - t
    return LiveFigures(
        end_detect_s=(detected - mic.due(mic.last_speech_pos)) * mic.speed,
        processing_s=ready - detected,
        analysis_cpu_s=cpu,
        batch_s=batch,
        final_decode_s=float(turn.final_decode_s),
        ended_by=str(turn.ended_by),
    )


def live_fast(path: Path, speed: float, transcriber: Any, end_silence: float) -> LiveFigures:
    """Feed `path` through a FileMicrophone at `speed` × real time."""
    import soundfile as sf

    from voicesim.audio.capture import FileMicrophone

    audio, sr = sf.read(str(path), dtype="float32")
    inner = FileMicrophone(speed=speed)
    inner.queue(audio, sr, lead_silence=0.5)
    mic = StampedMic(inner, speed)
    try:
        return measure_live(mic, lambda: None, transcriber, end_silence, len(audio) / sr)
    finally:
        mic.close()


def live_realtime(path: Path, rig: Any, transcriber: Any, end_silence: float) -> LiveFigures:
    """Play `path` into the rig's virtual microphone; practice's DeviceMicrophone records it."""
    import soundfile as sf

    from voicesim.audio.capture import DeviceMicrophone

    info = sf.info(str(path))
    mic = StampedMic(DeviceMicrophone(device=None), 1.0)
    players: list[subprocess.Popen[bytes]] = []

    def feed() -> None:
        time.sleep(0.5)  # lead silence, as the fast variant
        players.append(rig.play_into_mic(path, wait=False))

    try:
        return measure_live(mic, feed, transcriber, end_silence, info.duration)
    finally:
        for p in players:
            p.wait(timeout=30)
        mic.close()
