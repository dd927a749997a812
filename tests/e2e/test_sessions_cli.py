"""The sessions / history / report / rescore commands, and their bad-input behaviour."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import REPO
from tests.support.session_factory import Built, make_session, sample_answer
from voicesim.cli.main import main
from voicesim.scoring.rubric import load_rubric
from voicesim.sessions.store import SessionStore


@pytest.fixture
def built(voicesim_home: Path) -> Built:
    store = SessionStore()
    make_session(store, [sample_answer(0)])
    return make_session(store, [sample_answer(1), sample_answer(2)])


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_list_and_show_json(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["sessions", "list", "--json"], capsys)
    rows = json.loads(out)
    assert code == 0 and len(rows) == 2 and rows[1]["id"] == built.record.id
    assert rows[1]["answered"] == 2 and rows[1]["n_answers"] == 2
    code, out, _ = _run(["sessions", "show", built.record.id, "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["version"] == 1 and len(data["answers"]) == 2
    code, out, _ = _run(["sessions", "show", "last"], capsys)
    assert code == 0 and "Describe a conflict at work." in out


@pytest.mark.parametrize(
    "argv",
    [
        ["sessions", "show", "../../etc/passwd"],
        ["sessions", "delete", "../sessions", "--yes"],
        ["report", "20260101-000000-abcd"],
        ["export", "..", "--format", "vtt"],
        ["replay", "nonsense", "--no-audio"],
        ["rescore", "20260101-000000-abcd"],
    ],
)
def test_bad_ids_one_line_exit_2_nothing_touched(
    built: Built,
    voicesim_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    # Run where `report` and `export` write by default: nothing may appear there either.
    monkeypatch.chdir(tmp_path)
    before = _snapshot(tmp_path)  # the working directory, the data directory inside it
    assert voicesim_home.parent == tmp_path and any(p.startswith("home/") for p in before)
    code, out, err = _run(argv, capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("voicesim: error: ")
    assert _snapshot(tmp_path) == before
    assert list(tmp_path.glob("*.html")) == []


def test_damaged_session_folder(
    built: Built,
    voicesim_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Run where `report` writes by default: no report may be left there on failure.
    monkeypatch.chdir(tmp_path)
    (built.record.path / "a02.flac").unlink()
    before = _snapshot(tmp_path)  # the working directory, the data directory inside it
    assert voicesim_home.parent == tmp_path and any(p.startswith("home/") for p in before)
    for argv in (["report", built.record.id], ["replay", built.record.id, "--no-audio"]):
        code, _, err = _run(argv, capsys)
        assert code == 2 and "a02.flac is missing" in err and len(err.strip().splitlines()) == 1
    assert _snapshot(tmp_path) == before
    assert list(tmp_path.glob("*.html")) == []
    (built.record.path / "session.json").write_text("{ not json")
    before = _snapshot(voicesim_home)
    code, _, err = _run(["sessions", "show", built.record.id], capsys)
    assert code == 2 and "corrupt" in err and len(err.strip().splitlines()) == 1
    assert _snapshot(voicesim_home) == before


def test_locked_and_damaged_index(
    built: Built, voicesim_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = voicesim_home / "index.sqlite3"
    holder = sqlite3.connect(index, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, _, err = _run(["history"], capsys)
        assert code == 2 and "locked" in err and len(err.strip().splitlines()) == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _, history_before, _ = _run(["history", "--json"], capsys)
    index.write_bytes(b"garbage" * 500)
    code, _, err = _run(["sessions", "list"], capsys)
    assert code == 2 and "reindex" in err and len(err.strip().splitlines()) == 1
    code, out, _ = _run(["sessions", "reindex"], capsys)
    assert code == 0 and "Indexed 2 session(s)" in out
    _, history_after, _ = _run(["history", "--json"], capsys)
    assert json.loads(history_after) == json.loads(history_before)


def test_delete_asks_and_yes_deletes(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "voicesim", "sessions", "delete", built.record.id],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=REPO,
    )  # fmt: skip
    assert proc.returncode == 2 and "--yes" in proc.stderr and "Traceback" not in proc.stderr
    assert built.record.path.exists()
    code, out, _ = _run(["sessions", "delete", built.record.id, "--yes"], capsys)
    assert code == 0 and not built.record.path.exists()
    code, out, _ = _run(["sessions", "list", "--json"], capsys)
    assert built.record.id not in out


def test_history_table_and_plot(
    built: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plot = tmp_path / "h.png"
    code, out, _ = _run(["history", "--plot", str(plot)], capsys)
    assert code == 0 and built.record.id in out and "pace wpm" in out
    assert plot.read_bytes()[:4] == b"\x89PNG"
    code, _, err = _run(["history", "--since", "yesterday-ish"], capsys)
    assert code == 2 and "not a date" in err


def test_report_command_writes_html(
    built: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "r.html"
    code, out, _ = _run(["report", built.record.id, "--out", str(out_file)], capsys)
    text = out_file.read_text()
    assert "Report written to" in out
    assert code == 0 and text.startswith("<!DOCTYPE html>") and "data:audio/ogg;base64," in text
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in text


def test_rescore_with_builtin_and_user_rubric(
    built: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from voicesim.scoring.rubric import load_rubric
    from voicesim.scoring.score import score_answer

    stored = built.record.answers[0].analysis
    assert stored is not None and stored.score.overall == 70.0  # the factory's hand-made score
    code, out, _ = _run(["rescore", built.record.id], capsys)
    assert code == 0 and "Re-scored 1 session(s)" in out
    expected = score_answer(stored.transcript, stored.delivery, rubric=load_rubric())
    after = SessionStore().load(built.record.id).answers[0].analysis
    assert after is not None and after.score.overall == pytest.approx(expected.overall)
    assert after.transcript == stored.transcript

    rubric = tmp_path / "rubric.toml"
    rubric.write_text("[clarity.pace]\nweight = 20.0\n")
    code, _, _ = _run(["rescore", "--all", "--rubric", str(rubric)], capsys)
    heavy = score_answer(stored.transcript, stored.delivery, rubric=load_rubric(rubric))
    after = SessionStore().load(built.record.id).answers[0].analysis
    assert code == 0 and after is not None and after.score.overall == pytest.approx(heavy.overall)
    assert heavy.overall != pytest.approx(expected.overall)
    rubric.write_text("[clarity.pace]\nweight = 'heavy'\n")
    code, _, err = _run(["rescore", "--all", "--rubric", str(rubric)], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_recover_command_keeps_an_abandoned_answer(
    voicesim_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    child = (
        "import numpy as np\n"
        "from voicesim.sessions.store import SessionStore\n"
        "w = SessionStore().create(mode='practice', pack=None, settings={})\n"
        "a = w.open_answer_audio(0, 16000, question={'id': 'q', 'text': 'Why?'})\n"
        "a.write(np.full(8000, 0.1, np.float32))\n"
        "import os; os._exit(0)\n"  # dies without finishing, like a crash
    )
    subprocess.run([sys.executable, "-c", child], check=True, cwd=REPO)
    code, out, _ = _run(["sessions", "recover"], capsys)
    assert code == 0 and "1 answer(s), marked interrupted" in out
    (row,) = SessionStore().list()
    assert row.status == "interrupted" and row.n_answers == 1
    code, out, _ = _run(["sessions", "recover"], capsys)
    assert code == 0 and "No unfinished sessions." in out


# -- files written where the user says (voicesim.cli.outputs) ---------------------------------


def test_export_and_report_keep_a_file_that_is_there_unless_forced(
    built: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sid = built.record.id
    kept = tmp_path / "keep.srt"
    kept.write_text("KEEP\n")
    code, _, err = _run(
        ["export", sid, "--format", "srt", "--answer", "1", "--out", str(kept)], capsys
    )
    assert code == 2 and kept.read_text() == "KEEP\n"
    assert err.count("\n") == 1 and "already there; give --force" in err
    code, out, _ = _run(
        ["export", sid, "--format", "srt", "--answer", "1", "--out", str(kept), "--force"], capsys
    )
    assert code == 0 and kept.read_text().startswith("1\n") and f"wrote {kept}" in out

    page = tmp_path / "r.html"
    page.write_text("mine")
    code, _, err = _run(["report", sid, "--out", str(page)], capsys)
    assert code == 2 and page.read_text() == "mine" and "--force" in err
    code, _, _ = _run(["report", sid, "--out", str(page), "--force"], capsys)
    assert code == 0 and page.read_text().startswith("<!DOCTYPE html>")

    plot = tmp_path / "h.png"
    plot.write_bytes(b"mine")
    code, _, err = _run(["history", "--plot", str(plot)], capsys)
    assert code == 2 and plot.read_bytes() == b"mine" and "--force" in err


def test_no_export_lands_in_the_stored_sessions(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    """Named after an answer's recording, an export replaced it: the session was lost."""
    sid = built.record.id
    before = _snapshot(built.record.path)
    recording = built.record.path / built.record.answers[0].answer_audio
    for argv in (
        ["export", sid, "--format", "srt", "--answer", "1", "--out", str(recording), "--force"],
        ["export", sid, "--format", "srt", "--out", str(built.record.path)],
        ["export", sid, "--format", "json", "--out", str(built.record.path / "new") + "/"],
        ["report", sid, "--out", str(built.record.path / "r.html")],
    ):
        code, _, err = _run(argv, capsys)
        assert code == 2 and "inside voicesim's stored sessions" in err, argv
        assert err.count("\n") == 1
    assert _snapshot(built.record.path) == before
    code, _, _ = _run(["replay", sid, "--no-audio"], capsys)
    assert code == 0


def test_a_trailing_slash_names_a_folder(
    built: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's `--out ~/praat/` wrote a file called praat."""
    sid = built.record.id
    one = tmp_path / "praat"
    code, _, _ = _run(
        ["export", sid, "--format", "textgrid", "--answer", "2", "--out", f"{one}/"], capsys
    )
    assert code == 0 and one.is_dir()
    assert (one / f"{sid}-a02.TextGrid").read_text().startswith('File type = "ooTextFile"')
    code, _, _ = _run(["export", sid, "--format", "json", "--out", f"{tmp_path / 'js'}/"], capsys)
    assert code == 0 and json.loads((tmp_path / "js" / f"{sid}.json").read_text())["id"] == sid
    code, _, _ = _run(["report", sid, "--out", f"{tmp_path / 'pages'}/"], capsys)
    assert code == 0 and (tmp_path / "pages" / f"voicesim-{sid}.html").is_file()


def test_all_answers_checked_before_the_first_is_written(
    built: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sid = built.record.id
    folder = tmp_path / "vtt"
    folder.mkdir()
    (folder / f"{sid}-a02.vtt").write_text("mine")
    code, _, err = _run(["export", sid, "--format", "vtt", "--out", str(folder)], capsys)
    assert code == 2 and "a02.vtt is already there" in err
    assert sorted(p.name for p in folder.iterdir()) == [f"{sid}-a02.vtt"]


@pytest.mark.parametrize("under", ["file", "rofs"])
def test_a_folder_that_cannot_be_made_is_one_line(
    built: Built,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    under: str,
) -> None:
    """`--out FILE/sub` was an internal error (NotADirectoryError, exit 1)."""
    if under == "file":
        (tmp_path / "f").write_text("x")
        target = tmp_path / "f" / "sub"
    else:  # a folder mkdir refuses (root may write anywhere, so the refusal is simulated)
        target = tmp_path / "ro" / "sub"

        def refuse(self: Path, *a: object, **k: object) -> None:
            raise OSError(30, "Read-only file system")

        monkeypatch.setattr(Path, "mkdir", refuse)
    code, _, err = _run(
        ["export", built.record.id, "--format", "srt", "--out", str(target)], capsys
    )
    assert code == 2 and err.count("\n") == 1 and "internal error" not in err
    assert ("Not a directory" if under == "file" else "Read-only file system") in err


@pytest.mark.parametrize("command", [["export", "--format", "srt"], ["replay", "--no-audio"]])
def test_answer_zero_is_no_answer(
    built: Built, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """--answer 0 meant answer 1 (the flag is 1-based)."""
    code, out, err = _run([command[0], built.record.id, *command[1:], "--answer", "0"], capsys)
    assert code == 2 and out == "" and "has no answer 0" in err


def test_replay_without_a_speaker_points_to_no_audio(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said PortAudio's words, or to try `voicesim demo`; --no-audio is what works."""
    argv = ["replay", built.record.id, "--output-device", "no-such-speaker-3f"]
    code, _, err = _run(argv, capsys)
    assert code == 2 and err.count("\n") == 1 and "voicesim demo" not in err
    assert f"`voicesim replay {built.record.id} --no-audio` prints the annotated transcript" in err


def test_the_report_shades_the_pace_band_that_scored_the_answers(
    built: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After `rescore --rubric` the scorecard said "comfortable 160–200" and the chart on the
    same page shaded the configured 130–160."""
    import re

    rubric = tmp_path / "fast.toml"
    rubric.write_text("[clarity.pace]\nband = [160.0, 200.0]\nproblem = [140.0, 230.0]\n")

    def shaded() -> list[float]:
        page = tmp_path / "r.html"
        assert _run(["report", built.record.id, "--out", str(page), "--force"], capsys)[0] == 0
        found = re.search(r'"pace_band":\s*\[([^\]]*)\]', page.read_text())
        assert found is not None
        return [float(v) for v in found.group(1).split(",")]

    configured = list(load_rubric().spec("pace").pair("band"))
    assert shaded() == configured  # a session that stored no band: the configured rubric's
    assert _run(["rescore", built.record.id, "--rubric", str(rubric)], capsys)[0] == 0
    assert shaded() == [160.0, 200.0] != configured
    evidence = SessionStore().load(built.record.id).answers[0].analysis
    assert evidence is not None
    pace = next(c for c in evidence.score.criteria if c.id == "pace")
    assert "160–200" in pace.evidence[0].text
    assert _run(["rescore", built.record.id], capsys)[0] == 0  # the configured one again
    assert shaded() == configured


def test_an_unknown_category_is_named_with_the_nearest(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    """A typo gave an empty list and exit 0 (--question said "did you mean")."""
    for argv in (["history", "--category", "leadrship"], ["sessions", "list", "--category", "x"]):
        code, out, err = _run(argv, capsys)
        assert code == 2 and out == "" and err.count("\n") == 1, argv
        assert "no question or stored answer has the category" in err
    assert "did you mean leadership?" in _run(["history", "--category", "leadrship"], capsys)[2]
    # a stored answer's category (the factory's "behavioural") and a pack's (any case) are known
    code, out, _ = _run(["sessions", "list", "--json", "--category", "behavioural"], capsys)
    assert code == 0 and [r["id"] for r in json.loads(out)] == [built.record.id]
    assert _run(["history", "--category", "Leadership"], capsys)[0] == 0


def test_the_plot_is_written_in_the_format_its_name_asks(
    built: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "out.jpg" held PNG data; SVG and PDF are what matplotlib writes with no more packages."""
    svg, pdf, jpg = tmp_path / "h.svg", tmp_path / "h.pdf", tmp_path / "h.jpg"
    assert _run(["history", "--plot", str(svg)], capsys)[0] == 0
    assert b"<svg" in svg.read_bytes()[:400]
    assert _run(["history", "--plot", str(pdf)], capsys)[0] == 0
    assert pdf.read_bytes()[:5] == b"%PDF-"
    code, _, err = _run(["history", "--plot", str(jpg)], capsys)
    assert code == 2 and not jpg.exists() and "name it .png, .svg or .pdf" in err


def test_nothing_to_plot_but_demo_sessions_says_include_demo(
    voicesim_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_session(SessionStore(), [sample_answer(0)], mode="demo")
    code, _, err = _run(["history", "--plot", str(tmp_path / "h.png")], capsys)
    assert code == 2 and err.count("\n") == 1 and "add --include-demo" in err
    assert not (tmp_path / "h.png").exists()
