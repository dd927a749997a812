"""``voicesim practice`` refuses cleanly, before the interview starts, when it cannot run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.reliability import no_audio_env


def practice(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voicesim", "practice", *args],
        env=env or no_audio_env(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_no_input_device_gives_one_clear_line(tmp_path: Path) -> None:
    done = practice(tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "voicesim devices" in lines[0] and "voicesim demo" in lines[0]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "home" / "sessions").exists() or not any(
        (tmp_path / "home" / "sessions").iterdir()
    )


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--end-silence", "0"], "--end-silence"),
        (["--max-answer", "-3"], "--max-answer"),
        (["--pack", "no-such-pack"], "unknown pack"),
        (["--count", "0"], "--count"),
        (["--category", "nonsense"], "category"),
        (["--mode", "friendly"], "invalid choice"),
        (["--rate", "5"], "--rate"),
        (["--voice", "no-such-voice"], "unknown voice"),
        # espeak-ng spoke plain en-us for an unknown variant, without a word
        (["--voice", "en-us+zz"], "unknown voice variant 'en-us+zz'"),
        (["--voice", "en-us+f33"], "did you mean +f3?"),
    ],
)
def test_bad_flags_give_one_line_and_exit_2(tmp_path: Path, args: list[str], fragment: str) -> None:
    done = practice(tmp_path, *args)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], done.stderr


def test_devices_lists_nothing_without_a_server(tmp_path: Path) -> None:
    """No sound card here and ALSA's default goes to an audio server that is not there:
    PortAudio has no device at all, so both lists are empty and the table says so."""
    import json

    done = subprocess.run(
        [sys.executable, "-m", "voicesim", "devices", "--json"],
        env=no_audio_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [], done.stdout
    assert done.stderr == ""  # ALSA's own complaints are kept off the screen
    done = subprocess.run(
        [sys.executable, "-m", "voicesim", "devices"],
        env=no_audio_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "No audio devices found. `voicesim demo` runs a session without any."
    ]
    assert done.stderr == ""


def test_unwritable_data_dir_is_refused_before_the_interview(tmp_path: Path) -> None:
    env = no_audio_env(tmp_path)
    blocker = tmp_path / "home"
    blocker.write_text("a file where the data directory should be")
    done = practice(tmp_path, env=env)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot store sessions" in lines[0], done.stderr


def test_a_killed_session_is_offered_for_recovery(tmp_path: Path) -> None:
    env = no_audio_env(tmp_path)
    # A process that starts a session and dies without finishing it.
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            "from voicesim.sessions.store import SessionStore; "
            "print(SessionStore().create(mode='standard', pack=None, settings={}).id)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    sid = made.stdout.strip()
    done = practice(tmp_path, env=env)  # no device: the recovery hint still comes first
    lines = done.stderr.strip().splitlines()
    assert f"voicesim sessions recover {sid}" in lines[0], done.stderr
    assert "voicesim devices" in lines[-1] and done.returncode == 2
