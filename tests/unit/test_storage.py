"""Session storage: folders, atomic session.json, crash-safe answer audio, bad ids and files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.support.paths import REPO
from tests.support.session_factory import make_session, sample_answer, truth_analysis
from voicesim.errors import SessionError, StorageError
from voicesim.sessions.store import ID_RE, AnswerRecord, SessionStore, utc_now


def test_round_trip_keeps_every_measure(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    built = make_session(store, [sample_answer(0), sample_answer(1)])
    loaded = store.load(built.record.id)
    assert ID_RE.match(loaded.id)
    assert loaded.status == "complete" and loaded.version == 1
    assert [a.to_dict() for a in loaded.answers] == [a.to_dict() for a in built.record.answers]
    data = json.loads((loaded.path / "session.json").read_text())
    assert data["version"] == 1
    assert len(data["answers"][0]["analysis"]["delivery"]["fillers"]) == 2
    # The answer audio on disk is the audio that was streamed in (16-bit FLAC).
    audio, sr = sf.read(loaded.path / "a01.flac", dtype="float32")
    assert sr == 16000
    assert np.allclose(audio, built.answers[0].audio, atol=1 / 32768 + 1e-6)
    assert sorted(p.name for p in loaded.path.iterdir()) == [
        "a01.flac", "a02.flac", "q01.flac", "q02.flac", "session.json",
    ]  # fmt: skip
    assert loaded.summary["answered"] == 2 and loaded.summary["fillers"] == 4


@pytest.mark.parametrize(
    "bad", ["../etc", "..", "20261126-131500-3fa2/../x", "/tmp", "abc", "20261126-131500-XYZ1", ""]
)
def test_malformed_ids_are_rejected(tmp_path: Path, bad: str) -> None:
    with pytest.raises(SessionError, match="not a session id"):
        SessionStore(tmp_path).load(bad)


def test_unknown_id(tmp_path: Path) -> None:
    with pytest.raises(SessionError, match="no session 20261126-131500-3fa2"):
        SessionStore(tmp_path).load("20261126-131500-3fa2")


def test_corrupt_json_and_missing_audio(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    one = make_session(store, [sample_answer(0)]).record
    two = make_session(store, [sample_answer(1)]).record
    (one.path / "session.json").write_text('{"version": 1, "id": ')
    with pytest.raises(SessionError, match="corrupt"):
        store.load(one.id)
    (two.path / "a01.flac").unlink()
    with pytest.raises(SessionError, match=r"audio file a01\.flac is missing"):
        store.load(two.id)
    assert store.load(two.id, check_audio=False).answers[0].answer_audio == "a01.flac"


def test_failed_write_leaves_previous_session_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SessionStore(tmp_path)
    writer = store.create(mode="practice", pack=None, settings={})
    before = (writer.path / "session.json").read_bytes()

    def full(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    record = AnswerRecord(0, {"id": "q"}, utc_now(), None, None, truth_analysis(sample_answer()))
    with pytest.raises(StorageError, match="No space left on device"):
        writer.add_answer(record)
    assert (writer.path / "session.json").read_bytes() == before
    assert sorted(p.name for p in writer.path.iterdir()) == [".writer.lock", "session.json"]


def _mount_tmpfs(where: Path, options: str) -> None:
    where.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True
        ).returncode
    ):
        pytest.skip("needs root to mount a tmpfs")


def test_read_only_data_dir(tmp_path: Path) -> None:
    mnt = tmp_path / "ro"
    _mount_tmpfs(mnt, "ro,size=1m")
    try:
        with pytest.raises(StorageError, match=r"cannot store sessions in .*Read-only"):
            SessionStore(mnt).check_writable()
        with pytest.raises(StorageError):
            SessionStore(mnt).create(mode="practice", pack=None, settings={})
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_disk_full_is_a_storage_error(tmp_path: Path) -> None:
    """A 1 MB tmpfs (root only): filling it fails with one StorageError, json stays valid."""
    mnt = tmp_path / "tiny"
    _mount_tmpfs(mnt, "size=1m")
    try:
        store = SessionStore(mnt)
        writer = store.create(mode="practice", pack=None, settings={})
        with (
            pytest.raises(StorageError, match="No space left"),
            writer.open_answer_audio(0, 16000) as audio,
        ):
            for _ in range(100):  # 100 × 0.1 MB of float32 ≫ 1 MB
                audio.write(np.zeros(25_000, dtype=np.float32))
        json.loads((writer.path / "session.json").read_text())
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_killed_session_keeps_partial_audio_and_recovers(tmp_path: Path) -> None:
    child = textwrap.dedent(
        f"""
        import time, numpy as np
        from pathlib import Path
        from voicesim.sessions.store import SessionStore
        w = SessionStore(Path({str(tmp_path)!r})).create(mode="practice", pack=None, settings={{}})
        q = {{"id": "conflict", "text": "Describe a conflict.", "category": "behavioural"}}
        a = w.open_answer_audio(0, 16000, question=q)
        for i in range(8):
            a.write(np.full(1600, 0.01 * (i + 1), np.float32))
        print("written", flush=True)
        time.sleep(60)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", child], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "written"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    store = SessionStore(tmp_path)
    (sid,) = store.unfinished()
    record = store.recover(sid)
    assert record.status == "interrupted" and store.unfinished() == []
    (answer,) = record.answers
    assert answer.ended_by == "interrupted" and answer.question["id"] == "conflict"
    audio, sr = sf.read(record.path / "a01.flac", dtype="float32")
    expected = np.repeat(0.01 * np.arange(1, 9), 1600)
    assert sr == 16000 and np.allclose(audio, expected, atol=1e-4)
    assert sorted(p.name for p in record.path.iterdir()) == ["a01.flac", "session.json"]
    assert store.list()[0].status == "interrupted"


def test_delete_removes_folder_and_index_row(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    keep = make_session(store, [sample_answer(0)]).record
    gone = make_session(store, [sample_answer(1)]).record
    store.delete(gone.id)
    assert not gone.path.exists()
    assert [r.id for r in store.list()] == [keep.id]
    assert store.load("last").id == keep.id


def test_running_session_is_not_offered_for_recovery(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    writer = store.create(mode="practice", pack=None, settings={})
    assert store.unfinished() == []
    with pytest.raises(SessionError, match="still being recorded"):
        store.recover(writer.id)
    writer.finish(status="interrupted")
    assert store.unfinished() == [] and store.load(writer.id).status == "interrupted"
    assert [p.name for p in writer.path.iterdir()] == ["session.json"]
