"""Faults during a session, through the real CLI: nothing the user recorded is lost.

- The audio server dies mid-answer (a private PulseAudio, killed with SIGKILL): the answer so
  far is kept, one line says so, the session is saved and indexed.
- ``kill -9`` of voicesim mid-answer: the completed answer is intact, the partial audio is on
  disk, and the next ``voicesim practice`` offers to recover it (answered "y" on a terminal).
- The disk fills (a 1 MB tmpfs as the data directory): one clear line, exit 2, every
  ``session.json`` still parses, the index passes SQLite's integrity check.
- A read-only data directory: one clear line, exit 2, before anything is asked or played.

(``tests/unit/test_storage.py`` and ``tests/unit/test_practice_loop.py`` cover the same faults
at the API level; ``tests/e2e/test_practice_e2e.py`` covers kill -9 of ``practice`` then
``recover()``.)
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.support.paths import REPO
from tests.support.reliability import assert_user_error, cli_env, have_root, run_cli
from voicesim.testing.rig import PulseRig
from voicesim.testing.signals import silence
from voicesim.testing.speech import Say, compose

pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]

SR = 16000
PACK = """
[pack]
id = "rel"
title = "Reliability test pack"
{questions}
"""
QUESTION = """
[[questions]]
id = "rel-{n}"
text = "Why do people {verb}?"
category = "projective"
kind = "projective"
target_s = [5, 20]
tip = "Answer quickly."
"""
VERBS = ("work", "change jobs", "stay", "learn", "help others")
ANSWER = (
    "I led the redesign of our customer portal. We moved every page to the new design "
    "and the support calls went down by a third in two months."
)


def write_pack(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    qs = "".join(QUESTION.format(n=i, verb=VERBS[i % len(VERBS)]) for i in range(count))
    (folder / "rel.toml").write_text(PACK.format(questions=qs))
    return folder


def sessions(home: Path) -> list[Path]:
    return sorted(p for p in (home / "sessions").glob("*") if (p / "session.json").exists())


def partial_seconds(path: Path) -> float:
    try:
        return max(0, path.stat().st_size - 44) / 4 / SR
    except FileNotFoundError:
        return -1.0


def wait_for_partial(
    home: Path, name: str, seconds: float, proc: subprocess.Popen, timeout: float = 120
) -> Path:
    """Wait until some session holds ``name`` (e.g. a02.partial.wav) with ``seconds`` of audio."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for folder in sessions(home):
            if partial_seconds(folder / name) >= seconds:
                return folder / name
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"voicesim ended before {name}:\n{out}\n{err}")
        time.sleep(0.05)
    raise AssertionError(f"no {name} with {seconds} s of audio within {timeout} s")


def popen_cli(*args: str, home: Path, env: dict[str, str] | None = None, **kw: object):
    return subprocess.Popen(
        [sys.executable, "-m", "voicesim", *args],
        env=cli_env(home, env),
        cwd=REPO,
        text=True,
        **kw,  # type: ignore[arg-type]
    )


def index_is_sound(home: Path) -> bool:
    index = home / "index.sqlite3"
    if not index.exists():
        return True
    with sqlite3.connect(index) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# -- the audio server dies mid-answer ----------------------------------------------------------
@pytest.fixture
def doomed_pulse() -> Iterator[PulseRig]:
    """A private PulseAudio server of this test alone, so killing it harms no other test."""
    root = Path(tempfile.mkdtemp(prefix="vs-doom-"))
    rig = PulseRig(root)
    rig.start()
    try:
        yield rig
    finally:
        rig.kill()
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.audio
def test_audio_server_dies_mid_answer(doomed_pulse: PulseRig, tmp_path: Path) -> None:
    home, packs = tmp_path / "home", write_pack(tmp_path / "packs", 2)
    home.mkdir()
    proc = popen_cli(
        "practice",
        *("--packs-dir", str(packs), "--pack", "rel", "--count", "2"),
        *("--no-spoken-feedback", "--end-silence", "1.5", "--rate", "220"),
        home=home,
        env=doomed_pulse.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_partial(home, "a01.partial.wav", 0.0, proc)  # listening has begun
        comp = compose([Say(s.strip() + ".") for s in ANSWER.split(".") if s.strip()], wpm=160)
        doomed_pulse.play_into_mic(np.concatenate([silence(0.3), comp.audio]), SR, wait=False)
        wait_for_partial(home, "a01.partial.wav", 3.0, proc)
        doomed_pulse.kill()
        out, err = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert "Traceback" not in err, err
    # One notice says what happened and that nothing is lost (the turn's status line, "answer
    # ended: audio device lost", is printed for every turn and is not counted).
    told = [line for line in (out + err).splitlines() if "everything so far is saved" in line]
    assert len(told) == 1 and "audio" in told[0], f"{out}\n{err}"

    (folder,) = sessions(home)
    data = json.loads((folder / "session.json").read_text())
    assert data["status"] == "interrupted"
    (answer,) = data["answers"]
    assert answer["ended_by"] == "device_lost"
    audio, sr = sf.read(folder / answer["answer_audio"], dtype="float32")
    assert len(audio) / sr >= 2.5  # at least what was on disk when the server died
    loud = np.sqrt(np.mean(audio**2))
    assert 20 * np.log10(loud + 1e-9) > -45  # it is the answer, not silence
    assert not list(folder.glob("*.partial.*"))

    from voicesim.sessions.store import SessionStore

    store = SessionStore(home)
    assert store.unfinished() == []
    assert [(r.id, r.status) for r in store.list()] == [(folder.name, "interrupted")]


# -- kill -9 mid-answer, then the next start offers to recover ---------------------------------
def read_until(fd: int, pattern: str, proc: subprocess.Popen, seen: list[str], timeout: float):
    """Read the child's output from ``fd`` until ``pattern`` appears; returns all text so far."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = "".join(seen)
        if re.search(pattern, text):
            return text
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal (it exited)
                chunk = b""
            if chunk:
                seen.append(chunk.decode(errors="replace"))
            elif proc.poll() is not None:
                break
        elif proc.poll() is not None:
            break
    raise AssertionError(f"never saw {pattern!r} (exit {proc.poll()}):\n{''.join(seen)}")


@pytest.mark.audio
def test_kill_9_mid_answer_then_next_start_offers_recovery(pulse: PulseRig, tmp_path: Path) -> None:
    home, packs = tmp_path / "home", write_pack(tmp_path / "packs", 2)
    home.mkdir()
    flags = ("--packs-dir", str(packs), "--pack", "rel")
    demo = popen_cli(
        "demo",
        *flags,
        "--count",
        "2",
        home=home,
        env=pulse.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        partial = wait_for_partial(home, "a02.partial.wav", 1.5, demo)
        demo.send_signal(signal.SIGKILL)
        demo.wait(timeout=10)
    finally:
        if demo.poll() is None:
            demo.kill()
    folder = partial.parent
    data = json.loads((folder / "session.json").read_text())
    assert data["status"] == "in_progress"
    (done,) = data["answers"]
    assert done["analysis"]["delivery"]["words"] >= 5
    first, sr = sf.read(folder / done["answer_audio"], dtype="float32")
    assert sr == SR and len(first) / sr > 2.0
    kept = partial_seconds(partial)
    assert kept >= 1.5

    # The next start, typed at a terminal (stdin is a tty), offers to recover; we say yes,
    # then end the new interview with Ctrl+C. (Output goes to a pipe so the test can read it.)
    master, slave = pty.openpty()
    practice = subprocess.Popen(
        [sys.executable, "-m", "voicesim", "practice", *flags, "--count", "1"],
        env=cli_env(home, pulse.env),
        cwd=REPO,
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    os.close(slave)
    assert practice.stdout is not None
    out = practice.stdout.fileno()
    seen: list[str] = []
    try:
        read_until(out, r"Recover what it recorded\? \[Y/n\]", practice, seen, 120)
        assert folder.name in "".join(seen)
        os.write(master, b"y\n")
        read_until(out, r"Recovered session", practice, seen, 120)
        practice.send_signal(signal.SIGINT)
        practice.wait(timeout=60)
    finally:
        if practice.poll() is None:
            practice.kill()
        os.close(master)

    data = json.loads((folder / "session.json").read_text())
    assert data["status"] == "interrupted"
    assert [a["index"] for a in data["answers"]] == [0, 1]
    first_again = data["answers"][0]  # the completed answer, untouched
    assert first_again["answer_audio"] == done["answer_audio"]
    assert first_again["analysis"]["transcript"] == done["analysis"]["transcript"]
    second = data["answers"][1]
    recovered, _ = sf.read(folder / second["answer_audio"], dtype="float32")
    assert len(recovered) / SR >= kept - 0.01
    assert not list(folder.glob("*.partial.*"))


# -- the disk fills; the data directory is read-only ------------------------------------------
@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    yield from mounted(tmp_path / "tiny", "size=1m")


@pytest.fixture
def read_only_disk(tmp_path: Path) -> Iterator[Path]:
    yield from mounted(tmp_path / "ro", "ro,size=1m")


def mounted(where: Path, options: str) -> Iterator[Path]:
    if not have_root():
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True
    )
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_disk_full_during_a_session(tiny_disk: Path, tmp_path: Path) -> None:
    packs = write_pack(tmp_path / "packs", 5)
    done = run_cli(
        "demo", "--no-audio", "--packs-dir", str(packs), "--pack", "rel", "--count", "5",
        home=tiny_disk,
        timeout=300,
    )  # fmt: skip
    line = assert_user_error(done)
    assert re.search(r"no space left|disk (is )?full", line, re.I), line
    found = sessions(tiny_disk)
    assert found, "the session never started: the disk was full before the interview"
    for folder in found:
        data = json.loads((folder / "session.json").read_text())  # never half-written
        from voicesim.sessions.store import SessionStore

        record = SessionStore(tiny_disk).load(folder.name, check_audio=False)
        for answer in record.answers:  # every stored answer's audio is whole
            if answer.answer_audio:
                sf.read(folder / answer.answer_audio)
        print(f"\ndisk full after {len(data['answers'])} stored answers: {line}")
    assert index_is_sound(tiny_disk)


def test_read_only_data_dir_demo(read_only_disk: Path, tmp_path: Path) -> None:
    packs = write_pack(tmp_path / "packs", 1)
    done = run_cli(
        "demo", "--no-audio", "--packs-dir", str(packs), "--pack", "rel", home=read_only_disk
    )
    line = assert_user_error(done)
    assert "read-only" in line.lower(), line
    assert "Why do people" not in done.stdout  # no question was asked


@pytest.mark.audio
def test_read_only_data_dir_practice(pulse: PulseRig, read_only_disk: Path, tmp_path: Path) -> None:
    packs = write_pack(tmp_path / "packs", 1)
    rec = pulse.speaker_recorder().start()
    try:
        done = run_cli(
            "practice", "--packs-dir", str(packs), "--pack", "rel",
            home=read_only_disk,
            env=pulse.env,
        )  # fmt: skip
        time.sleep(0.5)
    finally:
        heard = rec.stop()
    line = assert_user_error(done)
    assert "read-only" in line.lower(), line
    assert "Why do people" not in done.stdout
    level = 20 * np.log10(np.sqrt(np.mean(heard.astype(np.float64) ** 2)) + 1e-9)
    assert level < -60, f"something was played ({level:.0f} dBFS)"
