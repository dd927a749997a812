"""A damaged session.json is named by its field, a repeated answer index or a copied folder
is one session's problem (reindex skips it, the rest stays listed, the index file is never
moved aside), and the index refuses rows that do not fit without blaming its own file."""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.session_factory import make_session, sample_answer
from voicesim.errors import SessionError
from voicesim.sessions.store import SessionRecord, SessionStore

Data = dict[str, Any]


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path)


def _two_sessions(store: SessionStore) -> tuple[SessionRecord, SessionRecord]:
    """A two-answer session and, created after it, a one-answer session (both indexed)."""
    first = make_session(store, [sample_answer(0), sample_answer(1)]).record
    second = make_session(store, [sample_answer(2)]).record
    assert [r.id for r in store.list()] == [first.id, second.id]
    return first, second


def _edit(record: SessionRecord, change: Callable[[Data], None]) -> bytes:
    """Apply ``change`` to the session's session.json on disk; returns the bytes written."""
    path = record.path / "session.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path.read_bytes()


def _moved_aside(store: SessionStore) -> list[Path]:
    return sorted(store.root.glob("index.sqlite3.damaged-*"))


def test_repeated_answer_index_is_corrupt_and_reindex_skips_only_that_session(
    store: SessionStore,
) -> None:
    bad, good = _two_sessions(store)
    saved = _edit(bad, lambda d: d["answers"][0].update(index=1))  # answers[1] is 1 too
    expected = (
        f"session {bad.id}: session.json is corrupt (answers[0].index and answers[1].index"
        " are both 1: answer 2 is stored twice)"
    )
    with pytest.raises(SessionError) as err:
        store.load(bad.id)
    assert str(err.value) == expected
    for _ in range(3):  # each run used to move the healthy index aside once more
        assert store.reindex() == 1
        assert store.skipped == [expected]
        assert [r.id for r in store.list()] == [good.id]
    assert _moved_aside(store) == []
    assert (bad.path / "session.json").read_bytes() == saved


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda d: d["answers"][0]["analysis"]["delivery"].update(wpm=None),
            "answer 1: analysis.delivery.wpm is not a number",
        ),
        (
            lambda d: d["answers"][1]["analysis"]["delivery"].update(wpm="fast"),
            "answer 2: analysis.delivery.wpm is not a number",
        ),
        (
            lambda d: d["answers"][0]["analysis"]["score"]["criteria"][0].update(evidence="x"),
            "answer 1: analysis.score.criteria[0].evidence is not a list",
        ),
        (
            lambda d: d["answers"][0]["analysis"]["delivery"].update(words=12.5),
            "answer 1: analysis.delivery.words is not a whole number",
        ),
        (
            lambda d: d["answers"][0]["analysis"]["delivery"].update(speaking_span_s=math.nan),
            "answer 1: analysis.delivery.speaking_span_s is not a finite number",
        ),
        (
            lambda d: d["answers"][0]["analysis"]["delivery"].update(syllables=2**70),
            "answer 1: analysis.delivery.syllables is out of range",
        ),
        (
            lambda d: d["answers"][0]["analysis"]["transcript"]["words"][2].pop("start"),
            "answer 1: analysis.transcript.words[2].start is missing",
        ),
        (
            lambda d: d["answers"][0]["analysis"]["score"]["groups"].update({"a\nb": "x"}),
            "answer 1: analysis.score.groups['a\\nb'] is not a number",
        ),
        (lambda d: d["answers"][1].update(skipped="no"), "answer 2: skipped is not true or false"),
        (
            lambda d: d["answers"][0]["question"].update(id=[1]),
            "answer 1: question.id is not a string",
        ),
        (lambda d: d["answers"][1].update(index=-1), "answers[1].index is below 0"),
        (lambda d: d["answers"][1].pop("index"), "answers[1].index is missing"),
        # A whole float past SQLite's integers (found by the fuzz test): the index refused it
        # after the schema had passed it.
        (lambda d: d["answers"][1].update(index=2.0**63), "answers[1].index is out of range"),
        (lambda d: d["answers"].append(5), "answers[2] is not an object"),
        (lambda d: d.pop("created"), "created is missing"),
        (lambda d: d.update(version="one"), "version is not a number"),
        (lambda d: d.update(version=None), "version is not a number"),
        (lambda d: d["summary"].update(wpm="fast"), "summary.wpm is not a number"),
    ],
)
def test_corrupt_field_is_named(
    store: SessionStore, change: Callable[[Data], None], problem: str
) -> None:
    """The message names the field, in the user's answer numbers, never Python's words."""
    bad, good = _two_sessions(store)
    saved = _edit(bad, change)
    expected = f"session {bad.id}: session.json is corrupt ({problem})"
    with pytest.raises(SessionError) as err:
        store.load(bad.id, check_audio=False)
    assert str(err.value) == expected
    assert store.reindex() == 1 and store.skipped == [expected]
    assert [r.id for r in store.list()] == [good.id] and _moved_aside(store) == []
    assert (bad.path / "session.json").read_bytes() == saved


@pytest.mark.parametrize("keep_original", [True, False], ids=["copied", "renamed"])
def test_folder_whose_session_json_is_another_sessions_is_left_out(
    store: SessionStore, keep_original: bool
) -> None:
    """A copy counted the same answers twice in the history, and showed under its folder's
    name as the session it was copied from; it is left out, and left on disk."""
    original, _ = _two_sessions(store)
    before = {p.name: p.read_bytes() for p in original.path.iterdir()}
    copy = store.sessions_dir / "20991231-235959-aaaa"  # sorts last: it is also `last`
    shutil.copytree(original.path, copy)
    if not keep_original:
        shutil.rmtree(original.path)
    expected = (
        f"session {copy.name}: session.json belongs to session {original.id!r} (a copied or"
        " renamed folder): a session's folder must be named by its id"
    )
    for name in (copy.name, "last"):
        with pytest.raises(SessionError) as err:
            store.load(name)
        assert str(err.value) == expected
    listed = store.reindex()
    assert store.skipped == [expected]
    assert listed == (2 if keep_original else 1) == len(store.list())
    assert copy.name not in {r.id for r in store.list()}
    if keep_original:
        assert store.load(original.id).id == original.id
    assert {p.name: p.read_bytes() for p in copy.iterdir()} == before  # nothing lost
