"""Stage: store. One folder per session (audio as FLAC + a versioned ``session.json``).

Layout under the data directory (``VOICESIM_HOME`` overrides)::

    sessions/20261126-131500-3fa2/session.json   every transcript, measure and score
    sessions/20261126-131500-3fa2/q01.flac       the question as spoken
    sessions/20261126-131500-3fa2/a01.flac       the answer as recorded
    index.sqlite3                                the history index (rebuildable)

``session.json`` is rewritten atomically (temp file, fsync, ``os.replace``), so a full or
read-only disk raises :class:`StorageError` and leaves the previous version intact.
Answer audio streams to ``aNN.partial.wav`` while it is recorded, so a killed process
leaves everything recorded so far on disk for :meth:`SessionStore.recover`
(:mod:`voicesim.sessions.recovery`).
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicesim import paths
from voicesim.errors import SessionError, StorageError
from voicesim.sessions import recovery
from voicesim.sessions.files import (
    AnswerAudioWriter,
    atomic_write_text,
    storage_error,
    write_flac,
)
from voicesim.sessions.index import (
    INDEX_NAME,
    IndexEntryError,
    SessionIndex,
    SessionSummaryRow,
    check_entry,
)
from voicesim.sessions.record import (
    FORMAT_VERSION,
    SESSION_FILE,
    AnswerRecord,
    SessionRecord,
    summarize,
    utc_now,
)
from voicesim.sessions.recovery import hold_lock, release_lock
from voicesim.sessions.schema import CorruptSession, check_session, format_version

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "AnswerAudioWriter",
    "AnswerRecord",
    "SessionRecord",
    "SessionStore",
    "SessionSummaryRow",
    "SessionWriter",
    "summarize",
    "utc_now",
]

ID_RE = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{4}$")
STATUSES = ("in_progress", "complete", "interrupted")


class SessionWriter:
    """Writes one session while it runs; every ``add_answer`` leaves a complete session.json."""

    def __init__(self, store: SessionStore, record: SessionRecord) -> None:
        self.store, self.record = store, record
        self.id, self.path = record.id, record.path
        self.warnings: list[str] = []
        self._lock = hold_lock(self.path)

    def save_question_audio(self, index: int, samples: np.ndarray, sample_rate: int) -> str:
        """Store the spoken question as ``qNN.flac``; returns the file name. Rate in Hz."""
        name = f"q{index + 1:02d}.flac"
        write_flac(self.path / name, samples, sample_rate)
        return name

    def open_answer_audio(
        self, index: int, sample_rate: int, question: dict[str, Any] | None = None
    ) -> AnswerAudioWriter:
        """Start streaming an answer to disk; ``question`` is kept for crash recovery."""
        if question is not None:
            sidecar = self.path / f"a{index + 1:02d}.partial.json"
            atomic_write_text(sidecar, json.dumps({"index": index, "question": question}))
        return AnswerAudioWriter(self.path, index, sample_rate)

    def add_answer(self, record: AnswerRecord) -> None:
        """Add (or replace, by index) an answer and save the session atomically."""
        answers = [a for a in self.record.answers if a.index != record.index] + [record]
        self.record.answers = sorted(answers, key=lambda a: a.index)
        self.record.summary = summarize(self.record.answers)
        self._save()
        with contextlib.suppress(OSError):
            (self.path / f"a{record.index + 1:02d}.partial.json").unlink()

    def finish(
        self, *, status: str = "complete", summary: dict[str, Any] | None = None
    ) -> SessionRecord:
        """Close the session with ``status`` ("complete" or "interrupted"); returns the record."""
        if status not in STATUSES:
            raise ValueError(f"unknown session status {status!r}")
        self.record.status = status
        self.record.summary = {**summarize(self.record.answers), **(summary or {})}
        self._save()
        release_lock(self.path, self._lock)
        self._lock = None
        return self.record

    def _save(self) -> None:
        self.store.save(self.record)
        warning = self.store.try_index(self.record)
        if warning:
            self.warnings.append(warning)


class SessionStore:
    """All stored sessions under one data directory (default ``voicesim.paths.data_dir()``)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else paths.data_dir()
        self.sessions_dir = self.root / "sessions"
        self.index = SessionIndex(self.root / INDEX_NAME)
        self.skipped: list[str] = []  # damaged folders the last reindex left out, one line each

    # -- writing -------------------------------------------------------------------------
    def check_writable(self) -> None:
        """Raise StorageError (one line) unless sessions can be written here."""
        probe = self.sessions_dir / f".probe-{os.getpid()}"
        try:
            self.sessions_dir.mkdir(parents=True, exist_ok=True)
            with open(probe, "wb") as fh:
                fh.write(b"\0" * 4096)
                fh.flush()
                os.fsync(fh.fileno())
            probe.unlink()
        except OSError as exc:
            with contextlib.suppress(OSError):
                probe.unlink()
            reason = exc.strerror or str(exc)
            raise StorageError(f"cannot store sessions in {self.root}: {reason}") from exc

    def create(self, *, mode: str, pack: str | None, settings: dict[str, Any]) -> SessionWriter:
        """Start a new session folder (status "in_progress") and return its writer."""
        self.check_writable()
        now = datetime.now(UTC)
        # The suffix is the fraction of the second (1/65536 s), so ids sort in creation order.
        tick = now.microsecond * 65536 // 1_000_000
        for bump in range(64):
            session_id = f"{now:%Y%m%d-%H%M%S}-{(tick + bump) % 65536:04x}"
            folder = self.sessions_dir / session_id
            try:
                folder.mkdir()
            except FileExistsError:
                continue
            except OSError as exc:
                raise storage_error(folder, exc) from exc
            record = SessionRecord(
                id=session_id,
                path=folder,
                created=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                mode=mode,
                pack=pack,
                status="in_progress",
                answers=[],
                settings=dict(settings),
                summary={},
            )
            writer = SessionWriter(self, record)
            writer._save()
            return writer
        raise StorageError(f"cannot create a new session folder in {self.sessions_dir}")

    def save(self, record: SessionRecord) -> None:
        """Write ``session.json`` of ``record`` atomically (the index is not touched)."""
        text = json.dumps(record.to_dict(), indent=1, ensure_ascii=False)
        atomic_write_text(record.path / SESSION_FILE, text + "\n")

    def try_index(self, record: SessionRecord) -> str | None:
        """Update the history index; returns a warning line instead of failing the session."""
        try:
            self.index.upsert(*record.index_entry())
        except (StorageError, IndexEntryError) as exc:
            return str(exc)
        return None

    # -- reading -------------------------------------------------------------------------
    def folder(self, session_id: str) -> Path:
        """The folder of an existing session; SessionError for a malformed or unknown id."""
        if session_id in ("last", "latest"):
            ids = self.folder_ids()
            if not ids:
                raise SessionError("there are no stored sessions yet")
            return self.sessions_dir / ids[-1]
        if not ID_RE.match(session_id):
            raise SessionError(
                f"{session_id!r} is not a session id (they look like 20261126-131500-3fa2)"
            )
        folder = self.sessions_dir / session_id
        if not (folder / SESSION_FILE).is_file():
            raise SessionError(f"no session {session_id} (see `voicesim sessions list`)")
        return folder

    def load(self, session_id: str, *, check_audio: bool = True) -> SessionRecord:
        """Read a session; SessionError if unknown, corrupt or (``check_audio``) missing audio."""
        folder = self.folder(session_id)
        sid = folder.name
        try:
            data = json.loads((folder / SESSION_FILE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SessionError(
                f"session {sid}: {SESSION_FILE} is unreadable or corrupt ({exc})"
            ) from exc
        if not isinstance(data, dict):
            raise SessionError(f"session {sid}: {SESSION_FILE} is corrupt (not an object)")
        try:
            if format_version(data) > FORMAT_VERSION:
                raise SessionError(
                    f"session {sid} was written by a newer voicesim (format {data['version']})"
                )
            check_session(data)  # names the bad field, as Python's own errors did not
            record = SessionRecord.from_dict(data, folder)
        except CorruptSession as exc:
            raise SessionError(f"session {sid}: {SESSION_FILE} is corrupt ({exc})") from exc
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            # What check_session let through (it should not): still one line, exit 2.
            raise SessionError(
                f"session {sid}: {SESSION_FILE} is corrupt (unreadable: {exc})"
            ) from exc
        if record.id != sid:
            # A copied or renamed folder: indexed under the id inside, it showed (and counted)
            # the same answers as their session's under another name, or hid the session
            # behind its copy. The folder name is what every command takes, so the two must
            # agree; the folder stays as it is, for the user to rename or delete.
            raise SessionError(
                f"session {sid}: {SESSION_FILE} belongs to session {record.id!r} (a copied or"
                " renamed folder): a session's folder must be named by its id"
            )
        if check_audio:
            for answer in record.answers:
                for name in (answer.question_audio, answer.answer_audio):
                    if name and not self._safe_file(folder, name).is_file():
                        raise SessionError(f"session {sid}: audio file {name} is missing")
        return record

    @staticmethod
    def _safe_file(folder: Path, name: str) -> Path:
        if "/" in name or "\\" in name or name.startswith("."):
            raise SessionError(f"session {folder.name}: bad audio file name {name!r}")
        return folder / name

    def folder_ids(self) -> list[str]:
        """Ids of the session folders on disk (named like 20261126-131500-3fa2), sorted."""
        if not self.sessions_dir.is_dir():
            return []
        return sorted(
            p.name for p in self.sessions_dir.iterdir() if ID_RE.match(p.name) and p.is_dir()
        )

    def list(
        self, *, since: str | None = None, category: str | None = None
    ) -> list[SessionSummaryRow]:
        """Sessions oldest first, from the index (sessions the index lacks are added first)."""
        self._sync_index()
        return self.index.rows(since=since, category=category)

    def _sync_index(self) -> None:
        # Folders are the truth: add sessions the index missed (e.g. it was locked meanwhile)
        # and forget deleted ones. A missing index file is simply rebuilt this way.
        on_disk = set(self.folder_ids())
        known = self.index.ids()
        for sid in sorted(on_disk - known):
            with contextlib.suppress(SessionError):
                self.index.upsert(*self.load(sid, check_audio=False).index_entry())
        for sid in known - on_disk:
            self.index.delete(sid)

    # -- maintenance ---------------------------------------------------------------------
    def delete(self, session_id: str) -> None:
        """Remove a session folder and its index rows."""

        folder = self.folder(session_id)
        self.index.delete(folder.name)
        try:
            shutil.rmtree(folder)
        except OSError as exc:
            raise StorageError(f"cannot delete {folder}: {exc.strerror or exc}") from exc

    def reindex(self) -> int:
        """Rebuild the index from the session folders; returns how many sessions it holds."""
        entries, self.skipped = [], []
        for sid in self.folder_ids():
            try:
                entry = self.load(sid, check_audio=False).index_entry()
                check_entry(*entry)  # one session's bad rows must not fail the whole index
            except SessionError as exc:  # IndexEntryError is one
                self.skipped.append(str(exc))
                continue
            entries.append(entry)
        self.root.mkdir(parents=True, exist_ok=True)
        return self.index.rebuild(entries)

    def unfinished(self) -> builtins.list[str]:
        """Ids of sessions left "in_progress" (the process was killed): offer :meth:`recover`."""
        return recovery.unfinished(self)

    def recover(self, session_id: str) -> SessionRecord:
        """Keep what a killed session recorded: partial answers become FLAC; status interrupted."""
        return recovery.recover(self, session_id)
