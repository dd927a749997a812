"""End to end: a session from `voicesim demo` replays, reports and exports in every format."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import REPO
from voicesim.sessions.store import SessionRecord, SessionStore

pytestmark = pytest.mark.slow


def _voicesim(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VOICESIM_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "voicesim", *args],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=900,
    )  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SessionRecord]:
    home = tmp_path_factory.mktemp("demo-home")
    # One question keeps the suite light (the demo runs Whisper); the 5-answer report size
    # is covered in test_report_browser and measured for the README.
    done = _voicesim(home, "demo", "--count", "1", "--no-audio")
    assert done.returncode == 0, done.stderr[-2000:]
    record = SessionStore(home).load("last")
    return home, record


def test_demo_session_is_stored_complete(demo: tuple[Path, SessionRecord]) -> None:
    _, record = demo
    assert record.status == "complete" and len(record.answers) == 1
    for a in record.answers:
        assert a.answer_audio and (record.path / a.answer_audio).is_file()
        assert a.analysis is not None and a.analysis.transcript.words


def test_demo_session_reports(demo: tuple[Path, SessionRecord], tmp_path: Path) -> None:
    home, record = demo
    out = tmp_path / "report.html"
    done = _voicesim(home, "report", record.id, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size < 5_000_000
    fillers = sum(len(a.analysis.delivery.fillers) for a in record.answers if a.analysis)
    assert out.read_text().count('"k":"filler"') == fillers


@pytest.mark.parametrize("fmt", ["vtt", "srt", "audacity", "textgrid", "json"])
def test_demo_session_exports(demo: tuple[Path, SessionRecord], tmp_path: Path, fmt: str) -> None:
    home, record = demo
    folder = tmp_path / fmt
    folder.mkdir()
    done = _voicesim(home, "export", record.id, "--format", fmt, "--out", str(folder))
    assert done.returncode == 0, done.stderr
    (written,) = folder.iterdir()
    assert written.name.startswith(record.id)
    if fmt == "json":
        assert json.loads(written.read_text())["id"] == record.id
    else:
        assert written.stat().st_size > 0


def test_demo_session_replays_as_text(demo: tuple[Path, SessionRecord]) -> None:
    home, record = demo
    done = _voicesim(home, "replay", record.id, "--no-audio")
    assert done.returncode == 0, done.stderr
    for a in record.answers:
        assert f"Answer {a.index + 1}:" in done.stdout
