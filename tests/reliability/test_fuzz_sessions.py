"""Bad session ids and damaged stores in bulk (hypothesis): path traversal, odd unicode and
huge ids against every store entry point and the CLI; garbage SQLite indexes and session.json
files. Only SessionError/StorageError escape, the real session and the sentinel stay intact,
and reindex restores the index.
"""

from __future__ import annotations

import copy
import functools
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.fuzz import cases
from tests.support.reliability import Sentinel
from tests.support.session_factory import make_session, sample_answer
from voicesim.cli.main import main
from voicesim.errors import SessionError, StorageError
from voicesim.sessions.index import check_entry
from voicesim.sessions.store import SessionStore, summarize

pytestmark = pytest.mark.timeout(240)


TRAVERSAL = st.sampled_from(
    (
        "..",
        "../outside",
        "../../outside/precious.txt",
        "/etc/passwd",
        "sessions/../..",
        "./",
        "~",
        "last/../..",
        "20260101-000000-0000/../../outside",
        "..\\..\\outside",
        "%2e%2e%2f",
        "\x00",
        "20261126-131500-3fa2\x00",
    )
)
IDS = st.one_of(
    TRAVERSAL,
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0x80), max_size=40),
    st.text(min_size=1000, max_size=6000),
    st.builds(lambda a, b: a + b, TRAVERSAL, st.text(max_size=20)),
    st.from_regex(r"\A\d{8}-\d{6}-[0-9a-f]{4}\Z"),  # well-formed but unknown
).filter(lambda s: s not in ("last", "latest"))


@pytest.fixture(scope="module")
def populated(work: Path) -> tuple[Path, str]:
    """A data directory holding one real session, inside work/ beside the sentinel."""
    home = work / "home"
    store = SessionStore(home)
    built = make_session(store, [sample_answer(0)])
    return home, built.record.id


@cases(150)
@given(session_id=IDS)
def test_bad_session_ids_in_process(
    populated: tuple[Path, str], sentinel: Sentinel, session_id: str
) -> None:
    """Every store entry point refuses the id; the real session and the sentinel stay."""
    home, real = populated
    before = (home / "sessions" / real / "session.json").read_bytes()
    store = SessionStore(home)
    for call in (store.folder, store.load, store.delete, store.recover):
        with pytest.raises(SessionError) as err:
            call(session_id)
        assert "\n" not in str(err.value)
    assert (home / "sessions" / real / "session.json").read_bytes() == before
    sentinel.assert_untouched()


@cases(40)
@given(
    # argv cannot hold NUL; "-x" is an option; "" means "no id" to `recover` and `rescore`.
    session_id=IDS.filter(lambda s: s and "\x00" not in s and not s.startswith("-")),
    command=st.sampled_from(
        (
            ["sessions", "show"],
            ["sessions", "delete", "--yes"],
            ["sessions", "recover"],
            ["replay", "--no-audio"],
            ["report", "--out", "/dev/null"],
            ["export", "--format", "srt"],
            ["rescore"],
        )
    ),
)
def test_bad_session_ids_through_main(
    populated: tuple[Path, str],
    sentinel: Sentinel,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    session_id: str,
    command: list[str],
) -> None:
    """The CLI entry point (in-process): exit 2, one stderr line, real session intact."""
    home, real = populated
    monkeypatch.setenv("VOICESIM_HOME", str(home))
    capfd.readouterr()
    code = main([*command, session_id])
    err = capfd.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert (home / "sessions" / real / "session.json").is_file()
    sentinel.assert_untouched()


# -- the SQLite index and session.json ----------------------------------------------------------
def valid_index_bytes(work: Path) -> bytes:
    home = work / "index-source"
    if not (home / "index.sqlite3").is_file():
        store = SessionStore(home)
        make_session(store, [sample_answer(0), sample_answer(1)])
        store.list()
    return (home / "index.sqlite3").read_bytes()


GARBAGE = st.one_of(
    st.binary(max_size=4096).map(lambda b: ("random", b, 0)),
    st.binary(max_size=4096).map(lambda b: ("sqlite-header", b"SQLite format 3\x00" + b, 0)),
    st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=512)).map(
        lambda t: ("valid-mangled", t[1], t[0])
    ),
    st.floats(0, 1).map(lambda f: ("valid-truncated", b"", f)),
)


def garbage_index(valid: bytes, kind: str, junk: bytes, where: float) -> bytes:
    if kind == "valid-truncated":
        return valid[: int(len(valid) * where)]
    if kind == "valid-mangled":
        data = bytearray(valid)
        at = int(len(data) * where)
        data[at : at + len(junk)] = junk
        return bytes(data[: len(valid)])
    return junk


@cases(80)
@given(garbage=GARBAGE)
def test_garbage_index_is_refused_or_healed_and_reindex_restores(
    work: Path, sentinel: Sentinel, garbage: tuple[str, bytes, float]
) -> None:
    valid = valid_index_bytes(work)
    home = work / "garbage-index"
    shutil.rmtree(home, ignore_errors=True)
    store = SessionStore(home)
    real = make_session(store, [sample_answer(0)]).record.id
    saved = (home / "sessions" / real / "session.json").read_bytes()
    (home / "index.sqlite3").write_bytes(garbage_index(valid, *garbage))
    try:
        listed = [r.id for r in store.list()]
        assert real in listed or listed == []  # a readable index may be stale, never wrong
    except StorageError as exc:
        assert "\n" not in str(exc)
    assert store.reindex() == 1
    assert [r.id for r in store.list()] == [real]
    assert (home / "sessions" / real / "session.json").read_bytes() == saved
    sentinel.assert_untouched()


@cases(60)
@given(
    text=st.one_of(
        st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda i: st.lists(i, max_size=3) | st.dictionaries(st.text(max_size=8), i, max_size=3),
            max_leaves=10,
        ).map(json.dumps),
    )
)
def test_garbage_session_json_is_a_session_error(work: Path, text: str) -> None:
    home = work / "garbage-json"
    shutil.rmtree(home, ignore_errors=True)
    store = SessionStore(home)
    sid = make_session(store, [sample_answer(0)]).record.id
    (home / "sessions" / sid / "session.json").write_text(text, encoding="latin-1")
    with pytest.raises(SessionError) as err:  # none of these texts is a session
        store.load(sid)
    assert "\n" not in str(err.value)
    # The index skips what it cannot read and never raises: the one session is not listed.
    assert store.reindex() == 0
    assert store.list() == []


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a parsed session.json: object keys and list positions, nested."""
    found = [at] if at else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*at, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*at, i))
    return found


DELETE = object()
VALUES = st.one_of(
    st.just(DELETE),
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([2**63, -(2**70), 12.5, float("nan"), float("inf")]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.lists(st.integers(0, 2), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


@pytest.fixture(scope="module")
def two_answers(work: Path) -> tuple[Path, str, dict[str, Any]]:
    """A data directory holding one real two-answer session, and its parsed session.json."""
    home = work / "mutated"
    store = SessionStore(home)
    sid = make_session(store, [sample_answer(0), sample_answer(1)]).record.id
    return home, sid, json.loads((home / "sessions" / sid / "session.json").read_text())


@cases(150)
@given(data=st.data())
def test_one_changed_field_loads_or_is_named(
    two_answers: tuple[Path, str, dict[str, Any]], data: st.DataObject
) -> None:
    """One field of a real session.json replaced or removed: the session loads (and its
    rows fit the index), or one SessionError line names what is wrong, never Python's own
    words; reindex skips it and never moves the index aside."""
    home, sid, valid = two_answers
    doc = copy.deepcopy(valid)
    path = data.draw(st.sampled_from(_paths(doc)), label="path")
    value = data.draw(VALUES, label="value")
    *parents, last = path
    holder = functools.reduce(lambda node, key: node[key], parents, doc)
    if value is DELETE:
        del holder[last]
    else:
        holder[last] = value
    (home / "sessions" / sid / "session.json").write_text(json.dumps(doc), encoding="utf-8")
    store = SessionStore(home)
    try:
        record = store.load(sid, check_audio=False)
    except SessionError as exc:
        message = str(exc)
        assert "\n" not in message and message.startswith(f"session {sid}")
        assert "is corrupt (unreadable:" not in message  # check_session named the field
        assert store.reindex() == 0 and store.skipped == [message]
    else:
        check_entry(*record.index_entry())
        summarize(record.answers)
        assert store.reindex() == 1 and store.skipped == []
    assert list(home.glob("index.sqlite3.damaged-*")) == []
