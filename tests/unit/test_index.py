"""The SQLite history index: migrations, rebuild from folders, locked and damaged files."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.support.session_factory import make_session, sample_answer
from voicesim.errors import StorageError
from voicesim.sessions.index import AnswerRow, IndexEntryError, SessionIndex, check_entry
from voicesim.sessions.migrations import MIGRATIONS
from voicesim.sessions.store import SessionStore


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    store = SessionStore(tmp_path)
    for i in range(3):
        make_session(store, [sample_answer(i), sample_answer(i + 1)], pack=f"pack{i}")
    return store


def _history(store: SessionStore) -> list[dict[str, object]]:
    return [r.to_dict() for r in store.list()]


def test_schema_is_fully_migrated(store: SessionStore) -> None:
    assert store.index.schema_version() == len(MIGRATIONS) == 2
    db = sqlite3.connect(store.index.path)
    columns = {row[1] for row in db.execute("PRAGMA table_info(answers)")}
    assert "response_latency_s" in columns


def test_old_schema_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    db = sqlite3.connect(path)
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    index = SessionIndex(path)
    assert index.schema_version() == 2
    assert index.rows() == []


def test_reindex_restores_the_same_history(store: SessionStore) -> None:
    before = _history(store)
    assert len(before) == 3 and all(r["answered"] == 2 for r in before)
    store.index.path.unlink()
    assert store.reindex() == 3
    assert _history(store) == before


def test_missing_index_is_rebuilt_on_list(store: SessionStore) -> None:
    before = _history(store)
    store.index.path.unlink()
    assert _history(store) == before


def test_damaged_index_is_a_clear_error_and_reindex_recovers(store: SessionStore) -> None:
    before = _history(store)
    store.index.path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError, match=r"damaged .* run `voicesim sessions reindex`"):
        store.list()
    assert store.reindex() == 3
    assert _history(store) == before
    aside = list(store.root.glob("index.sqlite3.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")


def test_locked_index_is_a_clear_error(store: SessionStore) -> None:
    holder = sqlite3.connect(store.index.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError, match="locked"):
            store.list()
        with pytest.raises(StorageError, match="locked"):
            store.reindex()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(store.list()) == 3


def test_category_and_since_filters(store: SessionStore) -> None:
    # Each session holds one "general" and one "behavioural" answer (factory questions 1, 2).
    rows = store.list(category="behavioural")
    assert [r.categories for r in rows] == [["behavioural"]] * 3
    assert all(r.answered == 1 for r in rows)
    assert store.list(category="nope") == []
    assert store.list(since="2999-01-01") == []
    assert len(store.list(since="2000-01-01")) == 3


def test_session_with_broken_json_is_skipped_by_reindex(store: SessionStore) -> None:
    broken = store.list()[0].id
    (store.sessions_dir / broken / "session.json").write_text("{")
    assert store.reindex() == 2
    assert len(store.skipped) == 1 and broken in store.skipped[0]


def test_read_only_data_dir_reads_history_and_says_why_it_cannot_write(
    store: SessionStore,
) -> None:
    import os
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("needs root to remount read-only")
    target = str(store.root)
    if subprocess.run(["mount", "--bind", target, target], capture_output=True).returncode:
        pytest.skip("cannot bind-mount here")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", target, target], check=True)
        assert len(store.list()) == 3  # reading needs no writes
        with pytest.raises(StorageError) as info:
            store.reindex()
        assert "damaged" not in str(info.value) and "readonly" in str(info.value)
    finally:
        subprocess.run(["umount", "-l", target], check=False)


def _bad_rows(kind: str, session: dict[str, Any], answers: list[AnswerRow]) -> None:
    """Spoil one session's index rows the way a damaged session.json could."""
    if kind == "repeated index":
        answers[0].idx = answers[1].idx
    elif kind == "NaN":  # SQLite stores NaN as NULL, against NOT NULL
        answers[1].speaking_s = math.nan
    elif kind == "object as id":  # "Error binding parameter"
        answers[0].question_id = {"id": "tell-me"}
    elif kind == "huge count":  # OverflowError, outside sqlite3.Error
        answers[0].words = 2**70
    elif kind == "no creation time":  # NOT NULL
        session["created"] = None


@pytest.mark.parametrize(
    "kind", ["repeated index", "NaN", "object as id", "huge count", "no creation time"]
)
def test_rows_that_do_not_fit_are_the_sessions_fault_not_a_damaged_index(
    store: SessionStore, kind: str
) -> None:
    """SQLite's complaint about one session's rows was read as a damaged file: the session
    could not be saved, and every rebuild moved the healthy index aside."""
    before = _history(store)
    bad = store.load(store.list()[0].id)
    session, answers = bad.index_entry()
    _bad_rows(kind, session, answers)
    with pytest.raises(IndexEntryError, match=rf"^session {bad.id} cannot be indexed: "):
        store.index.upsert(session, answers)
    items = [store.load(r.id).index_entry() for r in store.list()[1:]] + [(session, answers)]
    with pytest.raises(IndexEntryError):
        store.index.rebuild(items)
    assert _history(store) == before  # rolled back: the index as it was
    assert list(store.root.glob("index.sqlite3.damaged-*")) == []
    with pytest.raises(IndexEntryError):
        check_entry(session, answers)


def test_a_session_that_cannot_be_indexed_is_still_saved(store: SessionStore) -> None:
    """The writer's index update returns a warning line; it never fails the session."""
    record = store.load(store.list()[0].id)
    record.answers[0].index = record.answers[1].index
    warning = store.try_index(record)
    assert warning is not None and "two answers have index 1 (answer 2)" in warning
    assert "\n" not in warning and "damaged" not in warning
