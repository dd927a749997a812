"""Replay: the annotated transcript (--no-audio), and playback heard on the virtual speaker."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.support.session_factory import (
    QUIET,
    Built,
    make_session,
    sample_answer,
    warned_session,
)
from voicesim.cli.main import main
from voicesim.sessions.store import SessionStore
from voicesim.testing.rig import PulseRig


@pytest.fixture
def built(voicesim_home: Path) -> Built:
    return make_session(SessionStore(), [sample_answer(0), sample_answer(1)])


def _clock(seconds: float) -> str:
    m, s = divmod(seconds, 60)
    return f"{int(m):02d}:{s:04.1f}"


def test_no_audio_prints_annotated_transcript(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", built.record.id, "--answer", "2", "--no-audio"]) == 0
    out = capsys.readouterr().out
    comp = built.answers[1]
    assert "Answer 2: Describe a conflict at work." in out
    assert "Answer 1:" not in out
    # Every filler bracketed, every content word present, the long pause with its time.
    for filler in comp.fillers:
        assert f"[{filler.text}]" in out
    for word in comp.content_words:
        assert word in out
    start, end = comp.pauses[0]
    assert f"[{_clock(start)}] (long pause {end - start:.1f} s)" in out


def test_no_audio_says_the_recording_warning_under_its_answer(
    voicesim_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = warned_session(SessionStore())
    assert main(["replay", record.id, "--no-audio"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # the console wraps at 80 columns
    assert out.count("warning:") == 1 and out.index(f"warning: {QUIET}") > out.index("Answer 2:")


def test_no_audio_unknown_answer_is_one_line_error(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", built.record.id, "--answer", "7", "--no-audio"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no answer 7" in err


def _active_seconds(samples: np.ndarray, sr: int = 16000, frame_s: float = 0.05) -> float:
    n = int(sr * frame_s)
    frames = samples[: len(samples) // n * n].reshape(-1, n)
    rms = np.sqrt((frames**2).mean(axis=1))
    return float((rms > 0.01).sum() * frame_s)


@pytest.mark.audio
@pytest.mark.slow
def test_replay_is_heard_on_the_virtual_speaker(built: Built, pulse: PulseRig) -> None:
    with pulse.speaker_recorder() as rec:
        time.sleep(0.3)
        assert main(["replay", built.record.id, "--answer", "2"]) == 0
        time.sleep(0.5)
    heard = rec.samples
    # Answer 2 onwards was played: its question and its answer (the factory's audio),
    # not answer 1 — so the heard speech lasts as long as question 2 + answer 2.
    second = built.record.answers[1]
    q2, _ = sf.read(built.record.path / str(second.question_audio), dtype="float32")
    a2, _ = sf.read(built.record.path / str(second.answer_audio), dtype="float32")
    expected = _active_seconds(q2) + _active_seconds(a2)
    assert expected > 5
    assert _active_seconds(heard) == pytest.approx(expected, rel=0.2)
    # And it is that answer's audio: each second of it is found in the recording (chunks,
    # so an underrun gap on a busy machine does not spoil the match).
    from scipy.signal import correlate

    chunks = [a2[i : i + 6400] for i in range(0, len(a2) - 6400, 6400)]  # 0.4 s each
    chunks = [c for c in chunks if np.sqrt((c**2).mean()) > 0.01]
    found = 0
    for chunk in chunks:
        lag = int(np.argmax(np.abs(correlate(heard, chunk, mode="valid", method="fft"))))
        found += float(np.corrcoef(heard[lag : lag + len(chunk)], chunk)[0, 1]) > 0.8
    assert len(chunks) >= 10 and found >= 0.75 * len(chunks), (found, len(chunks))


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt((x**2).mean())) if x.size else 0.0


@pytest.mark.audio
@pytest.mark.slow
def test_keys_pause_and_quit_in_a_terminal(built: Built, pulse: PulseRig) -> None:
    """Replay in a pseudo-terminal: space pauses (the speaker goes silent), q quits early."""
    import contextlib
    import os
    import pty
    import subprocess
    import sys
    import threading

    total = _active_seconds(
        np.concatenate(
            [
                sf.read(built.record.path / name, dtype="float32")[0]
                for a in built.record.answers
                for name in (str(a.question_audio), str(a.answer_audio))
            ]
        )
    )
    leader, follower = pty.openpty()
    with pulse.speaker_recorder() as rec:
        proc = subprocess.Popen(
            [sys.executable, "-m", "voicesim", "replay", built.record.id],
            stdin=follower, stdout=follower, stderr=subprocess.PIPE, env=os.environ.copy(),
        )  # fmt: skip
        os.close(follower)

        def drain() -> None:  # keep the terminal's buffer from filling up and blocking
            with contextlib.suppress(OSError):
                while os.read(leader, 4096):
                    pass

        threading.Thread(target=drain, daemon=True).start()
        try:
            deadline = time.monotonic() + 30
            while _active_seconds(rec.samples) < 1.0:  # wait until the question is heard
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.1)
            os.write(leader, b" ")
            # Paused: the speaker falls silent (after the output latency) and stays silent.
            deadline = time.monotonic() + 10
            while _rms(rec.samples[-8000:]) >= 0.002:
                assert time.monotonic() < deadline, "the speaker never went silent after space"
                time.sleep(0.1)
            mark = len(rec.samples)
            time.sleep(1.5)
            paused = rec.samples[mark:]
            os.write(leader, b"q")
            assert proc.wait(timeout=20) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
            os.close(leader)
    assert paused.size > 16000 and _rms(paused) < 0.002
    assert _active_seconds(rec.samples) < total / 2


@pytest.mark.audio
def test_unknown_output_device_is_one_line_error(
    built: Built,
    pulse: PulseRig,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["replay", built.record.id, "--output-device", "no such speaker"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no such speaker" in err
