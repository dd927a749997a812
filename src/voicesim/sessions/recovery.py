"""Recovery of sessions a killed process left "in_progress", and the writer's lock.

A live writer holds an flock on ``.writer.lock`` in its session folder (the kernel drops it
if the process dies), so a session still marked "in_progress" whose lock nobody holds was
killed: :func:`recover` turns its ``aNN.partial.wav`` streams into FLAC answers.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicesim.errors import SessionError
from voicesim.sessions.files import partial_sample_rate, read_partial, write_flac
from voicesim.sessions.record import SESSION_FILE, AnswerRecord, SessionRecord, summarize

if TYPE_CHECKING:
    from voicesim.sessions.store import SessionStore


def unfinished(store: SessionStore) -> list[str]:
    """Ids of sessions left "in_progress" (the process was killed): offer :func:`recover`."""
    found = []
    for sid in store.folder_ids():
        try:
            data = json.loads((store.sessions_dir / sid / SESSION_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            continue
        running = lock_is_held(store.sessions_dir / sid)
        if isinstance(data, dict) and data.get("status") == "in_progress" and not running:
            found.append(sid)
    return found


def recover(store: SessionStore, session_id: str) -> SessionRecord:
    """Keep what a killed session recorded: partial answers become FLAC; status interrupted."""
    record = store.load(session_id, check_audio=False)
    if lock_is_held(record.path):
        raise SessionError(f"session {record.id} is still being recorded by another voicesim")
    done = {a.index for a in record.answers}
    for partial in sorted(record.path.glob("a[0-9][0-9].partial.wav")):
        index = int(partial.name[1:3]) - 1
        samples = read_partial(partial)
        name = partial.name.replace(".partial.wav", ".flac")
        if samples.size:
            write_flac(record.path / name, samples, partial_sample_rate(partial))
        sidecar = partial.with_name(partial.name.replace(".wav", ".json"))
        if index not in done and samples.size:
            question = _read_sidecar(sidecar)
            record.answers.append(
                AnswerRecord(
                    index=index,
                    question=question,
                    asked_at="",
                    question_audio=_existing(record.path, f"q{index + 1:02d}.flac"),
                    answer_audio=name,
                    analysis=None,
                    ended_by="interrupted",
                    extra={"recovered": True, "partial": True},
                )
            )
        for leftover in (partial, sidecar):
            with contextlib.suppress(OSError):
                leftover.unlink()
    with contextlib.suppress(OSError):
        (record.path / LOCK_FILE).unlink()
    record.answers.sort(key=lambda a: a.index)
    record.status = "interrupted"
    record.summary = summarize(record.answers)
    store.save(record)
    store.try_index(record)
    return record


def _read_sidecar(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
        return dict(data.get("question") or {})
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def _existing(folder: Path, name: str) -> str | None:
    return name if (folder / name).is_file() else None


LOCK_FILE = ".writer.lock"


def hold_lock(folder: Path) -> int | None:
    """Hold an flock on the session while a writer runs (the kernel drops it if we die)."""

    try:
        fd = os.open(folder / LOCK_FILE, os.O_CREAT | os.O_RDWR, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def release_lock(folder: Path, fd: int | None) -> None:
    """Drop the writer's lock taken by :func:`hold_lock` and remove its file."""
    if fd is None:
        return
    with contextlib.suppress(OSError):
        (folder / LOCK_FILE).unlink()
    with contextlib.suppress(OSError):
        os.close(fd)


def lock_is_held(folder: Path) -> bool:
    """True while a live writer holds the session's lock."""

    try:
        fd = os.open(folder / LOCK_FILE, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False
