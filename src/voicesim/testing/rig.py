"""A private PulseAudio server: a virtual speaker and microphone on a machine with no sound card.

Used by the audio tests (their session fixture ``pulse`` is :func:`running_pulse`) and by the
benchmark's audio sections (SPEC §2). :func:`running_pulse` starts ``pulseaudio`` (not
systemd) with:

- ``vs_speaker``: a null sink, the default sink. What voicesim plays lands here; the test
  listens on ``vs_speaker.monitor``.
- ``vs_mic``: a second null sink whose ``vs_mic.monitor`` is the default source. The test
  plays an answer into it (``paplay -d vs_mic``) and voicesim records it as its microphone.
- a ``module-null-source`` looped into each sink (``latency_msec=20``): an idle null sink
  otherwise delivers audio in 2-second bursts, which wrecks capture timing.

It points this process and its children at the server (``PULSE_SERVER``) and routes ALSA's
``default`` device to PulseAudio (``ALSA_CONFIG_PATH`` with an extra file), which is how
PortAudio — and so sounddevice — reaches it: Debian's PortAudio has no PulseAudio back end.

    with running_pulse() as rig:
        with rig.speaker_recorder() as rec:
            ...play something...
        rec.samples, rec.sample_rate
        rig.play_into_mic(answer_audio, SR)
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import cast

import numpy as np
import soundfile as sf

from voicesim.testing.signals import SR as RATE

START_WAIT_S = 2.0
"""How long the server gets after start before the first client, seconds (SPEC §2)."""

_ASOUNDRC = "pcm.!default { type pulse }\nctl.!default { type pulse }\n"


def _script(socket: Path) -> str:
    return "\n".join(
        [
            f"load-module module-native-protocol-unix socket={socket} auth-anonymous=1",
            "load-module module-null-sink sink_name=vs_speaker rate=48000"
            " sink_properties=device.description=vs_speaker",
            "load-module module-null-sink sink_name=vs_mic rate=48000"
            " sink_properties=device.description=vs_mic",
            "load-module module-null-source source_name=vs_tick_speaker",
            "load-module module-null-source source_name=vs_tick_mic",
            "load-module module-loopback source=vs_tick_speaker sink=vs_speaker latency_msec=20",
            "load-module module-loopback source=vs_tick_mic sink=vs_mic latency_msec=20",
            "set-default-sink vs_speaker",
            "set-default-source vs_mic.monitor",
            "",
        ]
    )


class SpeakerRecorder:
    """Records ``vs_speaker.monitor`` with ``parec`` in the background.

    ``samples`` is mono float32 at ``RATE`` Hz; ``started`` is the ``time.monotonic()`` at
    which the first sample was recorded (approximately: parec runs with 20 ms latency);
    ``chunks`` holds every chunk read with its ``time.monotonic()`` arrival time.
    """

    def __init__(self, env: dict[str, str], source: str = "vs_speaker.monitor") -> None:
        self._env = env
        self._source = source
        self.chunks: list[tuple[float, bytes]] = []
        self._proc: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self.started = 0.0
        self.sample_rate = RATE

    def start(self) -> SpeakerRecorder:
        cmd = [
            "parec",
            "-d",
            self._source,
            "--raw",
            "--format=float32le",
            f"--rate={RATE}",
            "--channels=1",
            "--latency-msec=20",
        ]
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=self._env)
        self.started = time.monotonic()
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()
        return self

    def _pump(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        # A binary PIPE is a BufferedReader: read1 returns what has arrived, not 4096 bytes.
        stream = cast(io.BufferedReader, self._proc.stdout)
        while chunk := stream.read1(4096):
            self.chunks.append((time.monotonic(), chunk))

    def stop(self) -> np.ndarray:
        """Stop recording; returns everything recorded (16 kHz mono float32)."""
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=5)
        if self._thread is not None:
            self._thread.join(timeout=5)
        return self.samples

    @property
    def samples(self) -> np.ndarray:
        data = b"".join(chunk for _, chunk in list(self.chunks))
        data = data[: len(data) // 4 * 4]
        return np.frombuffer(data, dtype="<f4").astype(np.float32)

    def __enter__(self) -> SpeakerRecorder:
        return self.start()

    def __exit__(
        self,
        et: type[BaseException] | None,
        ev: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class PulseRig:
    """One private PulseAudio server: start, kill, restart, play into the mic, record."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.socket = root / "native"
        self.runtime = root / "runtime"
        self.asoundrc = root / "asoundrc"
        self.log = root / "pulseaudio.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.env: dict[str, str] = {
            "PULSE_SERVER": f"unix:{self.socket}",
            "PULSE_RUNTIME_PATH": str(self.runtime),
            "PULSE_STATE_PATH": str(root / "state"),
            "ALSA_CONFIG_PATH": f"{_alsa_conf()}:{self.asoundrc}",
        }

    # -- server lifecycle ---------------------------------------------------------------
    def start(self) -> None:
        """Start the server and wait until it answers (at least START_WAIT_S)."""
        for d in (self.runtime, self.root / "state"):
            d.mkdir(parents=True, exist_ok=True)
        self.asoundrc.write_text(_ASOUNDRC)
        script = self.root / "default.pa"
        script.write_text(_script(self.socket))
        cmd = [
            "pulseaudio",
            "--daemonize=no",
            "--system=false",
            "--exit-idle-time=-1",
            "--disallow-exit",
            "--use-pid-file=false",
            "--log-target=stderr",
            "-n",
            "-F",
            str(script),
        ]
        env = {**os.environ, **self.env}
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=log)
        time.sleep(START_WAIT_S)
        deadline = time.monotonic() + 10
        while self._run(["pactl", "info"]).returncode != 0:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pulseaudio did not start; see {self.log}")
            time.sleep(0.2)

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crashed audio server would go."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=5)
        self.socket.unlink(missing_ok=True)

    def restart(self) -> None:
        """Bring the server back after ``kill()`` (same socket: new streams reach it).

        PortAudio is not re-initialised here: its device list (ALSA's "pulse" and
        "default") does not change, and terminating it could block on a stream that
        died with the old server.
        """
        self.kill()
        self.start()

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # -- helpers for tests ----------------------------------------------------------------
    def _run(self, cmd: list[str]) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, **self.env}
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=30)

    def pactl(self, *args: str) -> str:
        """Run ``pactl ARGS`` against this server; returns its stdout."""
        done = self._run(["pactl", *args])
        if done.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def play_into_mic(
        self, audio: Path | np.ndarray, sample_rate: int = RATE, *, wait: bool = True
    ) -> subprocess.Popen[bytes]:
        """Play a file or samples into ``vs_mic`` (what voicesim records) with paplay.

        With ``wait=False`` returns at once; the caller may ``.wait()`` on the process.
        """
        if isinstance(audio, np.ndarray):
            path = Path(tempfile.mkstemp(suffix=".wav", dir=self.root)[1])
            sf.write(path, np.asarray(audio, dtype=np.float32), sample_rate, subtype="FLOAT")
        else:
            path = Path(audio)
        proc = subprocess.Popen(
            ["paplay", "-d", "vs_mic", str(path)],
            env={**os.environ, **self.env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if wait:
            proc.wait(timeout=600)
        return proc

    def speaker_recorder(self) -> SpeakerRecorder:
        """A not-yet-started recorder of ``vs_speaker.monitor`` (use as a context manager)."""
        return SpeakerRecorder({**os.environ, **self.env})


def _alsa_conf() -> str:
    for d in ("/usr/share/alsa", "/usr/local/share/alsa"):
        if Path(d, "alsa.conf").is_file():
            return f"{d}/alsa.conf"
    return "/usr/share/alsa/alsa.conf"


def reinit_portaudio() -> None:
    """Re-read the device list if sounddevice was imported before the server (re)started."""
    sd = sys.modules.get("sounddevice")
    if sd is not None:
        sd._terminate()
        sd._initialize()


@contextlib.contextmanager
def running_pulse(prefix: str = "vs-pulse-", *, reinit_after: bool = False) -> Iterator[PulseRig]:
    """A private PulseAudio server with this process pointed at it; the environment is
    restored afterwards (and PortAudio re-read with ``reinit_after``)."""
    # A short path: unix socket paths are limited to about 100 bytes.
    root = Path(tempfile.mkdtemp(prefix=prefix))
    rig = PulseRig(root)
    saved = {k: os.environ.get(k) for k in rig.env}
    os.environ.update(rig.env)
    try:
        rig.start()
        reinit_portaudio()
        yield rig
    finally:
        rig.kill()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if reinit_after:
            reinit_portaudio()
        shutil.rmtree(root, ignore_errors=True)
