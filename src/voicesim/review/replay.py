"""Stage: replay. Play a stored session back while the transcript advances word by word.

Fillers and long pauses are highlighted as they are heard, with the pace of the last 10 s.
Keys (when stdin is a terminal): space pause/resume, n next answer, ←/→ jump 5 s, q quit.
``--no-audio`` prints the same annotations as text with timestamps instead.
"""

from __future__ import annotations

import contextlib
import os
import select
import sys
import termios
import threading
import time
import tty
from collections.abc import Iterator
from typing import Any

import numpy as np
import soxr
from rich.live import Live
from rich.text import Text

from voicesim.analysis.timeline import Token, cues, timeline
from voicesim.audio.devices import resolve_output, sounddevice
from voicesim.errors import DeviceError
from voicesim.sessions.store import AnswerRecord, SessionRecord

JUMP_S = 5.0
SHOWN_TOKENS = 60
PACE_WINDOW_S = 10.0
FILLER_STYLE = "bold dark_orange"
LONG_PAUSE_STYLE = "bold red"


def _clock(seconds: float) -> str:
    m, s = divmod(max(seconds, 0.0), 60)
    return f"{int(m):02d}:{s:04.1f}"


def _label(token: Token) -> str:
    if token.kind == "pause" and token.long:
        return f"(long pause {token.end - token.start:.1f} s)"
    return token.label


def annotated_lines(answer: AnswerRecord) -> list[tuple[float, str, list[Token]]]:
    """Caption-sized lines of an answer: (start s, plain text, tokens incl. long pauses)."""
    if answer.analysis is None:
        return []
    tokens = timeline(answer.analysis)
    lines = []
    for cue in cues(tokens):
        lines.append((cue.start, cue.text, list(cue.tokens)))
    for t in tokens:
        if t.kind == "pause" and t.long:
            lines.append((t.start, _label(t), [t]))
    return sorted(lines, key=lambda line: line[0])


def print_transcript(
    console: Any, record: SessionRecord, *, start: int = 1, only: bool = False
) -> None:
    """Print the annotated transcript of answers ``start``… (1-based) with timestamps."""

    for answer in record.answers:
        number = answer.index + 1
        if number < start or (only and number != start):
            continue
        console.print(Text(f"Answer {number}: {answer.question.get('text', '')}", style="bold"))
        if answer.skipped or answer.analysis is None:
            console.print("  (skipped)" if answer.skipped else "  (not analysed)")
            continue
        for at, _text, tokens in annotated_lines(answer):
            line = Text(f"  [{_clock(at)}] ")
            for i, t in enumerate(tokens):
                style = {"filler": FILLER_STYLE, "pause": LONG_PAUSE_STYLE}.get(t.kind, "")
                line.append(("" if i == 0 else " ") + _label(t), style=style)
            console.print(line)
        d = answer.analysis.delivery
        console.print(
            f"  pace {d.wpm:.0f} wpm · {len(d.fillers)} filler(s) · "
            f"{len(d.long_pauses)} long pause(s) · score {answer.analysis.score.overall:.0f}"
        )
        for w in d.recording_warnings:
            console.print(Text(f"  warning: {w}", style="yellow"))


class Player:
    """Plays mono float samples on an output device; pause, seek and position in seconds."""

    def __init__(self, samples: np.ndarray, sample_rate: int, device: Any = None) -> None:
        sd = sounddevice()  # DeviceError with one line when PortAudio is missing
        self._samples = np.asarray(samples, dtype=np.float32).reshape(-1)
        self.sample_rate = int(sample_rate)
        self._pos = 0
        self._lock = threading.Lock()
        self.paused = False
        self.done = threading.Event()
        try:
            self._stream = self._open(sd, device)
        except (sd.PortAudioError, ValueError) as exc:
            raise DeviceError(f"cannot open output device {device or 'default'}: {exc}") from exc

    def _open(self, sd: Any, device: Any) -> Any:
        try:
            stream = sd.OutputStream(
                samplerate=self.sample_rate, channels=1, dtype="float32",
                device=device, callback=self._callback, latency="high",
            )  # fmt: skip
        except sd.PortAudioError:
            # Some devices refuse 16 kHz: play at the device's own rate instead.
            rate = int(sd.query_devices(device, "output")["default_samplerate"])
            if rate == self.sample_rate:
                raise
            self._samples = soxr.resample(self._samples, self.sample_rate, rate).astype(np.float32)
            self.sample_rate = rate
            stream = sd.OutputStream(
                samplerate=rate, channels=1, dtype="float32", device=device,
                callback=self._callback, latency="high",
            )  # fmt: skip
        stream.start()
        return stream

    def _callback(self, out: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
        out.fill(0.0)
        with self._lock:
            if self.paused:
                return
            chunk = self._samples[self._pos : self._pos + frames]
            out[: len(chunk), 0] = chunk
            self._pos += len(chunk)
            if self._pos >= len(self._samples):
                self.done.set()

    @property
    def position(self) -> float:
        """Seconds heard so far: samples handed to the device minus its output latency."""
        latency = float(getattr(self._stream, "latency", 0.0) or 0.0)
        return max(0.0, self._pos / self.sample_rate - latency)

    @property
    def duration(self) -> float:
        return len(self._samples) / self.sample_rate

    def toggle(self) -> None:
        self.paused = not self.paused

    def seek(self, seconds: float) -> None:
        """Jump to ``seconds`` (clamped to the audio)."""
        with self._lock:
            self._pos = int(min(max(seconds, 0.0), self.duration) * self.sample_rate)
            if self._pos < len(self._samples):
                self.done.clear()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._stream.stop()
            self._stream.close()


@contextlib.contextmanager
def keys() -> Iterator[Any]:
    """A non-blocking key reader (cbreak mode); yields a function returning "" if no key."""
    if not sys.stdin.isatty():
        yield lambda: ""
        return

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)

    def read() -> str:
        if not select.select([fd], [], [], 0)[0]:
            return ""
        key = os.read(fd, 1).decode(errors="ignore")
        if key == "\x1b" and select.select([fd], [], [], 0.05)[0]:
            key += os.read(fd, 2).decode(errors="ignore")
        return {"\x1b[C": "right", "\x1b[D": "left", " ": "space"}.get(key, key.lower())

    try:
        yield read
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _pace(tokens: list[Token], now: float) -> float | None:
    """Words per minute over the last 10 s heard (None before 3 s of speech)."""
    words = [t for t in tokens if t.kind == "word" and now - PACE_WINDOW_S <= t.start <= now]
    first = min((t.start for t in tokens if t.kind != "pause"), default=now)
    window = min(PACE_WINDOW_S, now - first)
    return len(words) / window * 60.0 if window >= 3.0 else None


def render_frame(answer: AnswerRecord, tokens: list[Token], now: float, *, paused: bool) -> Any:
    """What the terminal shows at ``now`` seconds into the answer (a Rich Text)."""

    pace = _pace(tokens, now)
    head = Text()
    head.append(f"Answer {answer.index + 1}: {answer.question.get('text', '')}\n", style="bold")
    state = "paused" if paused else "playing"
    head.append(f"{_clock(now)}  {state}  pace {'–' if pace is None else f'{pace:.0f}'} wpm\n")
    heard = [t for t in tokens if t.start <= now]
    if len(heard) > SHOWN_TOKENS:  # keep the current words on screen in long answers
        head.append("…")
        heard = heard[-SHOWN_TOKENS:]
    for t in heard:
        current = t.start <= now < t.end
        if t.kind == "pause":
            if t.long or current:
                head.append(f" {_label(t)}", style=LONG_PAUSE_STYLE if t.long else "dim")
            continue
        style = FILLER_STYLE if t.kind == "filler" else ""
        head.append(" ")
        head.append(t.label, style=f"{style} reverse".strip() if current else style)
    head.append("\n[space] pause  [n] next  [←/→] 5 s  [q] quit", style="dim")
    return head


def _play(live: Any, player: Player, read_key: Any, frame: Any) -> str:
    """Run one clip until it ends or a key says otherwise; returns "end", "next" or "quit"."""
    while not player.done.is_set():
        key = read_key()
        if key in ("q", "\x03"):
            return "quit"
        if key == "n":
            return "next"
        if key == "space":
            player.toggle()
        elif key in ("left", "right"):
            player.seek(player.position + (JUMP_S if key == "right" else -JUMP_S))
        live.update(frame(player.position, player.paused))
        time.sleep(0.05)
    live.update(frame(player.duration, False))
    time.sleep(0.3)  # let the device drain the last block
    return "end"


def _device(spec: str | None) -> Any:
    """PortAudio index for ``--output-device`` (name part or number); None = the default."""
    if spec is None:
        return None

    return resolve_output(spec)


def replay_session(
    console: Any, record: SessionRecord, *, start: int = 1, device: str | None = None
) -> None:
    """Play question and answer audio of answers ``start``… with the live transcript."""

    dev = _device(device)
    with keys() as read_key, Live(Text(""), console=console, refresh_per_second=10) as live:
        for answer in record.answers:
            if answer.index + 1 < start:
                continue
            if _replay_answer(live, record, answer, dev, read_key) == "quit":
                return


def _replay_answer(
    live: Any, record: SessionRecord, answer: AnswerRecord, dev: Any, read_key: Any
) -> str:
    """Play one question and its answer; returns "end", "next" or "quit"."""

    tokens = timeline(answer.analysis) if answer.analysis else []
    question = Text(f"Q{answer.index + 1}: {answer.question.get('text', '')}", style="italic")
    frames = {
        "question": lambda _t, _p: question,
        "answer": lambda t, p: render_frame(answer, tokens, t, paused=p),
    }
    outcome = "end"
    for clip, kind in ((answer.question_audio, "question"), (answer.answer_audio, "answer")):
        audio = record.read_audio(clip)
        if audio is None:
            continue
        player = Player(audio[0], audio[1], dev)
        try:
            outcome = _play(live, player, read_key, frames[kind])
        finally:
            player.close()
        if outcome != "end":
            break
    return outcome
