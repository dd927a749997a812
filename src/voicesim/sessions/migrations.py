"""The history index's schema, one step per function, applied in order.

Append-only (as simonw's llm keeps its migrations): a released step is never edited or
reordered, because ``PRAGMA user_version`` in every user's index counts how many of
:data:`MIGRATIONS` already ran on it; a schema change is a new function at the end.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def m001_create(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            created TEXT NOT NULL,
            mode TEXT NOT NULL,
            pack TEXT,
            status TEXT NOT NULL,
            n_answers INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute(
        """CREATE TABLE answers (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            question_id TEXT,
            category TEXT,
            skipped INTEGER NOT NULL DEFAULT 0,
            analysed INTEGER NOT NULL DEFAULT 0,
            words INTEGER NOT NULL DEFAULT 0,
            speaking_s REAL NOT NULL DEFAULT 0,
            fillers INTEGER NOT NULL DEFAULT 0,
            pauses INTEGER NOT NULL DEFAULT 0,
            long_pauses INTEGER NOT NULL DEFAULT 0,
            score REAL,
            PRIMARY KEY (session_id, idx)
        )"""
    )
    db.execute("CREATE INDEX sessions_created ON sessions(created)")
    db.execute("CREATE INDEX answers_category ON answers(category)")


def m002_response_latency(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE answers ADD COLUMN response_latency_s REAL")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_create, m002_response_latency]


def migrate(db: sqlite3.Connection) -> None:
    """Run, in one transaction, the migrations this index file has not had yet."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version >= len(MIGRATIONS):
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            migration(db)
            db.execute(f"PRAGMA user_version = {number}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
