"""One damaged or copied session folder through the CLI: one line naming it, a non-zero exit
where the command could not do all it was asked, every other session still listed, indexed
and re-scored, and nothing on disk lost (the index file is never moved aside for it)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.support.session_factory import make_session, sample_answer
from voicesim.cli.main import main
from voicesim.sessions.store import SessionRecord, SessionStore


@pytest.fixture
def two(voicesim_home: Path) -> tuple[SessionRecord, SessionRecord]:
    """A two-answer session and, created after it, a one-answer one (both indexed)."""
    store = SessionStore()
    first = make_session(store, [sample_answer(0), sample_answer(1)]).record
    second = make_session(store, [sample_answer(2)]).record
    store.list()
    return first, second


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _session_json(record: SessionRecord) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((record.path / "session.json").read_text("utf-8"))
    return data


def _write(record: SessionRecord, data: dict[str, Any]) -> bytes:
    (record.path / "session.json").write_text(json.dumps(data), encoding="utf-8")
    return (record.path / "session.json").read_bytes()


def _listed(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    code, out, err = _run([*argv, "--json"], capsys)
    assert code == 0 and err == "", err
    return [row["id"] for row in json.loads(out)]


def test_repeated_answer_index_leaves_the_rest_of_the_history(
    two: tuple[SessionRecord, SessionRecord],
    voicesim_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad, good = two
    data = _session_json(bad)
    data["answers"][0]["index"] = 1  # answers[1] has index 1 too
    saved = _write(bad, data)
    line = (
        f"skipped: session {bad.id}: session.json is corrupt (answers[0].index and"
        " answers[1].index are both 1: answer 2 is stored twice)\n"
    )
    for _ in range(2):  # each run used to move the healthy index aside once more
        code, out, err = _run(["sessions", "reindex"], capsys)
        assert (code, err) == (0, line)
        assert out.startswith("Indexed 1 session(s) in ")
        assert _listed(capsys, "sessions", "list") == [good.id]
        assert _listed(capsys, "history") == [good.id]
    assert sorted(p.name for p in voicesim_home.iterdir()) == ["index.sqlite3", "sessions"]
    code, _, err = _run(["sessions", "show", bad.id], capsys)
    assert code == 2 and err == f"voicesim: error: {line.removeprefix('skipped: ')}"
    assert (bad.path / "session.json").read_bytes() == saved


def test_copied_session_folder_is_left_out_and_shown_as_what_it_is(
    two: tuple[SessionRecord, SessionRecord],
    voicesim_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    original, other = two
    copy = original.path.with_name("20991231-235959-aaaa")  # sorts last: it is `last` too
    shutil.copytree(original.path, copy)
    reason = (
        f"session {copy.name}: session.json belongs to session {original.id!r} (a copied or"
        " renamed folder): a session's folder must be named by its id\n"
    )
    code, out, err = _run(["sessions", "reindex"], capsys)
    assert code == 0 and err == f"skipped: {reason}" and out.startswith("Indexed 2 session(s)")
    assert _listed(capsys, "sessions", "list") == [original.id, other.id]
    for name in (copy.name, "last"):
        code, out, err = _run(["sessions", "show", name], capsys)
        assert (code, out, err) == (2, "", f"voicesim: error: {reason}")
    code, out, _ = _run(["sessions", "show", original.id, "--json"], capsys)
    assert code == 0 and json.loads(out)["id"] == original.id
    assert (copy / "session.json").read_bytes() == (original.path / "session.json").read_bytes()


def test_rescore_all_skips_a_corrupt_session_and_rescores_the_rest(
    two: tuple[SessionRecord, SessionRecord], capsys: pytest.CaptureFixture[str]
) -> None:
    bad, good = two  # the corrupt one comes first, where it stopped the whole run
    saved = _write(bad, {"version": 1, "id": bad.id})
    before = _session_json(good)
    assert before["answers"][0]["analysis"]["score"]["overall"] == 70.0  # the factory's
    code, out, err = _run(["rescore", "--all"], capsys)
    assert code == 2
    assert err == f"skipped: session {bad.id}: session.json is corrupt (created is missing)\n"
    after = _session_json(good)["answers"][0]["analysis"]["score"]["overall"]
    assert out.splitlines() == [
        f"{good.id} answer 1: 70 → {after:.0f}",
        "Re-scored 1 session(s). Skipped 1 that could not be re-scored.",
    ]
    assert after != 70.0
    assert (bad.path / "session.json").read_bytes() == saved
    assert _run(["sessions", "delete", bad.id, "--yes"], capsys)[0] == 0
    code, out, err = _run(["rescore", "--all"], capsys)  # nothing left to skip: exit 0
    assert (code, err) == (0, "") and out.endswith("\nRe-scored 1 session(s).\n")
