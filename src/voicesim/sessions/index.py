"""The SQLite history index: one row per session and per answer, rebuilt from the folders.

The session folders are the truth; this index only makes history queries fast. Its schema
steps live in :mod:`voicesim.sessions.migrations`. A locked or damaged index raises
:class:`StorageError` with one line; ``SessionIndex.rebuild`` moves a damaged file aside
and starts afresh. Rows that do not fit the columns (one session's data, not the file) are
refused before SQLite sees them, with :class:`IndexEntryError`: SQLite's own complaint
about them ("UNIQUE constraint failed", "Error binding parameter") read as a damaged file,
and every rebuild moved the healthy index aside.
"""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from voicesim.errors import SessionError, StorageError
from voicesim.sessions.migrations import migrate

INDEX_NAME = "index.sqlite3"
LOCK_TIMEOUT_S = 2.0


@dataclass
class AnswerRow:
    """The numbers of one answer the history needs (counts, seconds, score 0–100)."""

    idx: int
    question_id: str | None
    category: str | None
    skipped: bool
    analysed: bool
    words: int = 0
    speaking_s: float = 0.0
    fillers: int = 0
    pauses: int = 0
    long_pauses: int = 0
    score: float | None = None
    response_latency_s: float | None = None


@dataclass
class Attempt:
    """One answer to a question as the index keeps it (score 0–100, seconds of speech)."""

    session_id: str
    created: str
    mode: str
    status: str
    idx: int
    question_id: str
    skipped: bool
    analysed: bool
    score: float | None
    words: int
    speaking_s: float
    fillers: int

    @property
    def wpm(self) -> float | None:
        return round(self.words / self.speaking_s * 60, 1) if self.speaking_s > 0 else None


@dataclass
class SessionSummaryRow:
    """One session in the history: pace in wpm, fillers per 100 words, pauses per minute."""

    id: str
    created: str
    mode: str
    pack: str | None
    status: str
    n_answers: int
    answered: int
    categories: list[str] = field(default_factory=list)
    wpm: float | None = None
    fillers_per_100: float | None = None
    pauses_per_min: float | None = None
    long_pauses: int = 0
    score: float | None = None
    speaking_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class IndexLockedError(StorageError):
    """Another process holds the index; waiting and trying again helps, rebuilding does not."""


class IndexDamagedError(StorageError):
    """The index file is not a usable SQLite database; ``rebuild`` replaces it."""


class IndexEntryError(SessionError):
    """One session's rows do not fit the index (its data is at fault, not the index file)."""


_LARGEST = 2**63  # SQLite INTEGER is 64-bit: a larger Python int raises OverflowError


def check_entry(session: dict[str, Any], answers: Sequence[AnswerRow]) -> None:
    """Raise IndexEntryError unless one session's rows fit the index's columns.

    Checked here, before SQLite: a repeated answer index (the key is (session, index)), a
    NaN (SQLite stores it as NULL, against NOT NULL), a dict or a huge number all failed
    inside SQLite, where they could not be told from a damaged file.
    """
    sid = session.get("id")
    if not isinstance(sid, str):
        raise IndexEntryError(f"a session cannot be indexed: its id {sid!r} is not text")

    def refuse(problem: str) -> NoReturn:
        raise IndexEntryError(f"session {sid} cannot be indexed: {problem}")

    for key in ("created", "mode", "status"):
        if not isinstance(session.get(key), str):
            refuse(f"{key} {session.get(key)!r} is not text")
    if not isinstance(session.get("pack"), str | None):
        refuse(f"pack {session.get('pack')!r} is not text")
    seen: set[int] = set()
    for a in answers:
        if not _is_count(a.idx):
            refuse(f"answer index {a.idx!r} is not a whole number ≥ 0")
        if a.idx in seen:
            refuse(f"two answers have index {a.idx} (answer {a.idx + 1})")
        seen.add(a.idx)
        where = f"answer {a.idx + 1}"
        for name in ("question_id", "category"):
            if not isinstance(getattr(a, name), str | None):
                refuse(f"{where}: {name} {getattr(a, name)!r} is not text")
        for name in ("skipped", "analysed"):
            if not isinstance(getattr(a, name), bool):
                refuse(f"{where}: {name} is not true or false")
        for name in ("words", "fillers", "pauses", "long_pauses"):
            if not _is_count(getattr(a, name)):
                refuse(f"{where}: {name} {getattr(a, name)!r} is not a whole number ≥ 0")
        for name in ("speaking_s", "score", "response_latency_s"):
            value = getattr(a, name)
            if value is None and name != "speaking_s":
                continue
            if not _is_real(value):
                refuse(f"{where}: {name} {value!r} is not a finite number")


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < _LARGEST


def _is_real(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return abs(value) < _LARGEST if isinstance(value, int) else math.isfinite(value)


def _damaged(path: Path, exc: sqlite3.Error | UnicodeDecodeError) -> StorageError:
    # One line: SQLite quotes the damaged schema text, which may hold newlines or control bytes.
    text = " ".join(str(exc).split())[:200]
    if "locked" in text or "busy" in text:
        return IndexLockedError(
            f"the history index {path} is locked by another voicesim; try again"
        )
    if "readonly" in text or "unable to open" in text or "disk I/O" in text:
        return StorageError(f"cannot use the history index {path}: {text}")
    return IndexDamagedError(
        f"the history index {path} is damaged ({text}); run `voicesim sessions reindex`"
    )


class SessionIndex:
    """The history index file ``index.sqlite3``; every method opens, works and closes."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create {self.path.parent}: {exc.strerror or exc}") from exc
        try:
            db = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise _damaged(self.path, exc) from exc
        try:
            db.execute("PRAGMA foreign_keys = ON")
            migrate(db)
            yield db
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # a mangled text cell is damage too
            raise _damaged(self.path, exc) from exc
        finally:
            db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def schema_version(self) -> int:
        """How many migrations have run on this file."""
        with self._connect() as db:
            return int(db.execute("PRAGMA user_version").fetchone()[0])

    def upsert(self, session: dict[str, Any], answers: Iterable[AnswerRow]) -> None:
        """Insert or replace one session and all its answers, in one transaction."""
        with self._transaction() as db:
            self._upsert(db, session, list(answers))

    def replace_all(self, items: Iterable[tuple[dict[str, Any], list[AnswerRow]]]) -> int:
        """Empty the index and fill it with ``items``; returns the number of sessions."""
        count = 0
        with self._transaction() as db:
            db.execute("DELETE FROM answers")
            db.execute("DELETE FROM sessions")
            for session, answers in items:
                self._upsert(db, session, answers)
                count += 1
        return count

    @staticmethod
    def _upsert(db: sqlite3.Connection, s: dict[str, Any], answers: list[AnswerRow]) -> None:
        check_entry(s, answers)  # raised inside the transaction: rolled back, file untouched
        db.execute("DELETE FROM answers WHERE session_id = ?", (s["id"],))
        db.execute(
            "INSERT OR REPLACE INTO sessions (id, created, mode, pack, status, n_answers)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (s["id"], s["created"], s["mode"], s["pack"], s["status"], len(answers)),
        )
        db.executemany(
            "INSERT INTO answers (session_id, idx, question_id, category, skipped, analysed,"
            " words, speaking_s, fillers, pauses, long_pauses, score, response_latency_s)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    s["id"],
                    a.idx,
                    a.question_id,
                    a.category,
                    int(a.skipped),
                    int(a.analysed),
                    a.words,
                    a.speaking_s,
                    a.fillers,
                    a.pauses,
                    a.long_pauses,
                    a.score,
                    a.response_latency_s,
                )
                for a in answers
            ],
        )

    def delete(self, session_id: str) -> None:
        """Forget one session (its answers go with it)."""
        with self._transaction() as db:
            db.execute("DELETE FROM answers WHERE session_id = ?", (session_id,))
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    def ids(self) -> set[str]:
        """Every session id the index knows."""
        with self._connect() as db:
            return {row[0] for row in db.execute("SELECT id FROM sessions")}

    def rows(
        self, *, since: str | None = None, category: str | None = None
    ) -> list[SessionSummaryRow]:
        """Sessions oldest first, with measures aggregated over their (matching) answers.

        ``since`` is an ISO-8601 date or time compared with the creation time (UTC);
        ``category`` keeps only answers of that question category (and sessions having one).
        """
        where, params = ["1 = 1"], []
        if since:
            where.append("s.created >= ?")
            params.append(since)
        join_cond = "a.session_id = s.id"
        if category:
            join_cond += " AND lower(a.category) = lower(?)"
            params.insert(0, category)
            where.append("a.idx IS NOT NULL")
        sql = f"""
            SELECT s.id, s.created, s.mode, s.pack, s.status, s.n_answers,
                   SUM(CASE WHEN a.analysed AND NOT a.skipped THEN 1 ELSE 0 END),
                   GROUP_CONCAT(DISTINCT a.category),
                   SUM(CASE WHEN a.analysed THEN a.words END),
                   SUM(CASE WHEN a.analysed THEN a.speaking_s END),
                   SUM(CASE WHEN a.analysed THEN a.fillers END),
                   SUM(CASE WHEN a.analysed THEN a.pauses END),
                   SUM(CASE WHEN a.analysed THEN a.long_pauses END),
                   AVG(CASE WHEN a.analysed AND NOT a.skipped THEN a.score END)
            FROM sessions s LEFT JOIN answers a ON {join_cond}
            WHERE {" AND ".join(where)}
            GROUP BY s.id ORDER BY s.created, s.id"""
        with self._connect() as db:
            return [_summary_row(r) for r in db.execute(sql, params)]

    def attempts(self, question_id: str | None = None) -> list[Attempt]:
        """Every stored answer (of one question, if given), oldest session first."""
        sql = """
            SELECT s.id, s.created, s.mode, s.status, a.idx, a.question_id, a.skipped,
                   a.analysed, a.score, a.words, a.speaking_s, a.fillers
            FROM answers a JOIN sessions s ON a.session_id = s.id
            WHERE a.question_id IS NOT NULL AND (? IS NULL OR a.question_id = ?)
            ORDER BY s.created, s.id, a.idx"""
        with self._connect() as db:
            return [Attempt(*r) for r in db.execute(sql, (question_id, question_id))]

    def rebuild(self, items: Iterable[tuple[dict[str, Any], list[AnswerRow]]]) -> int:
        """Recreate the index from ``items``; a damaged file is moved aside first."""
        try:
            return self.replace_all(items)
        except IndexDamagedError:
            pass
        self._move_aside()
        return self.replace_all(items)

    def _move_aside(self) -> Path:
        aside = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            self.path.replace(aside)
            for suffix in ("-journal", "-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    side.unlink()
        except OSError as exc:
            raise StorageError(f"cannot move the damaged index {self.path} aside: {exc}") from exc
        return aside


def _summary_row(r: tuple[Any, ...]) -> SessionSummaryRow:
    words, span, fillers, pauses = (r[8] or 0), (r[9] or 0.0), (r[10] or 0), (r[11] or 0)
    return SessionSummaryRow(
        id=r[0],
        created=r[1],
        mode=r[2],
        pack=r[3],
        status=r[4],
        n_answers=int(r[5]),
        answered=int(r[6] or 0),
        categories=sorted(c for c in (r[7] or "").split(",") if c),
        wpm=words / span * 60.0 if span > 0 else None,
        fillers_per_100=fillers / words * 100.0 if words > 0 else None,
        pauses_per_min=pauses / span * 60.0 if span > 0 else None,
        long_pauses=int(r[12] or 0),
        score=float(r[13]) if r[13] is not None else None,
        speaking_s=float(span),
    )
