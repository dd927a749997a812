"""Small CLI frictions found by a new user, each fixed (issue 14)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.session_factory import make_session, sample_answer
from tests.unit.test_rehearse import _session
from voicesim.sessions.store import SessionStore


def _cli(home: Path, *args: str, columns: int = 80) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VOICESIM_HOME": str(home), "COLUMNS": str(columns)}
    return subprocess.run(
        [sys.executable, "-m", "voicesim", *args], capture_output=True, text=True, env=env,
        timeout=120,
    )  # fmt: skip


def test_sessions_list_is_whole_at_80_columns(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    _session(store, [("q-a", 40.0)])
    record = _session(store, [("q-b", 70.0)])
    record.status = "interrupted"
    store.save(record)
    store.reindex()
    out = _cli(tmp_path, "sessions", "list").stdout
    assert "…" not in out
    assert "managerial" in out and "interrupted" in out and "score" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_exporting_a_skipped_answer_says_so(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    record = _session(store, [("q-a", 40.0), ("q-b", None)])
    done = _cli(tmp_path, "export", record.id, "--format", "srt", "--answer", "2")
    assert done.returncode == 2
    assert "answer 2 was skipped: no words to export" in done.stderr
    folder = tmp_path / "out"
    done = _cli(tmp_path, "export", record.id, "--format", "srt", "--out", str(folder))
    assert "answer 2 was skipped: not exported" in done.stdout
    assert [p.name for p in folder.iterdir()] == [f"{record.id}-a01.srt"]


def test_a_question_stopped_at_is_said_so_not_skipped(tmp_path: Path) -> None:
    # "stop" said when question 2 was asked: `sessions show` and `export` called it skipped.
    store = SessionStore(tmp_path)
    record = _session(store, [("q-a", 40.0), ("q-b", None)])
    record.answers[1].extra = {"status": "stopped", "command": "stop"}
    store.save(record)
    shown = _cli(tmp_path, "sessions", "show", record.id, columns=120).stdout
    (row,) = [line for line in shown.splitlines() if line.strip("│ ").startswith("2 ")]
    assert "stopped here" in row and "skipped" not in row
    done = _cli(tmp_path, "export", record.id, "--format", "srt", "--answer", "2")
    assert done.returncode == 2
    assert "answer 2 was not answered (the interview was stopped there)" in done.stderr


def test_export_to_a_file_name_with_several_answers_asks_for_one(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    built = make_session(store, [sample_answer(0), sample_answer(1)])
    target = tmp_path / "x.srt"
    done = _cli(tmp_path, "export", built.record.id, "--format", "srt", "--out", str(target))
    assert done.returncode == 2 and "give --answer N" in done.stderr
    assert not target.exists()
    done = _cli(
        tmp_path, "export", built.record.id, "--format", "srt", "--answer", "2",
        "--out", str(target),
    )  # fmt: skip
    assert done.returncode == 0 and target.is_file()


def test_voices_are_listed_once_by_the_code_voice_takes(tmp_path: Path) -> None:
    out = _cli(tmp_path, "devices", "--voices").stdout.splitlines()
    codes = [line.split()[0] for line in out[1:]]
    assert len(codes) == len(set(codes))
    assert "en-gb" in codes and "en-us" in codes


def test_packs_validate_reports_every_bad_question(tmp_path: Path) -> None:
    pack = tmp_path / "bad.toml"
    pack.write_text(
        '[pack]\nid = "bad"\ntitle = "Bad"\n\n'
        '[[questions]]\nid = "q1"\ntext = "One?"\ncategory = "c"\nkind = "behavioural"\n'
        'target_s = [20, 10]\ntip = "t"\n\n'
        '[[questions]]\nid = "q2"\ntext = "Two?"\ncategory = "c"\nkind = "behavioural"\n'
        'target_s = [10, 20]\ntip = "t"\ncolour = "red"\n'
    )
    done = _cli(tmp_path, "packs", "validate", str(pack))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2
    assert "'q1'" in lines[0] and "target_s" in lines[0]
    assert "'q2'" in lines[1] and "colour" in lines[1]


def test_misspelt_pack_and_category_get_a_suggestion(tmp_path: Path) -> None:
    done = _cli(tmp_path, "practice", "--pack", "managrial")
    assert done.returncode == 2 and "did you mean managerial?" in done.stderr
    done = _cli(tmp_path, "practice", "--pack", "managerial", "--category", "leadrship")
    assert done.returncode == 2 and "did you mean leadership?" in done.stderr


@pytest.mark.audio
def test_pulseaudio_devices_are_listed_and_chosen_by_name(
    pulse: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    env = {**os.environ, **pulse.env, "VOICESIM_HOME": str(tmp_path), "COLUMNS": "120"}
    out = subprocess.run(
        [sys.executable, "-m", "voicesim", "devices"], capture_output=True, text=True, env=env,
        timeout=60,
    ).stdout  # fmt: skip
    assert "PulseAudio" in out and "vs_speaker" in out and "vs_mic" in out
    from voicesim.audio.devices import list_devices, resolve_output

    monkeypatch.delenv("PULSE_SINK", raising=False)
    index = resolve_output("vs_mic")  # a sink by its name, not a PortAudio device name
    assert {d.index: d.name for d in list_devices()}[index] == "pulse"
    assert os.environ["PULSE_SINK"] == "vs_mic"


def test_count_above_the_pack_says_how_many_it_asks(tmp_path: Path) -> None:
    # A device that cannot exist: the session must not start, the count is said first.
    done = _cli(
        tmp_path, "practice", "--pack", "projective", "--count", "999",
        "--input-device", "no-such-microphone-xyz",
    )  # fmt: skip
    assert done.returncode == 2
    assert "questions match; asking all" in done.stderr


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        # a typo in a required option was reported as the option missing, the typo unsaid
        (["export", "last", "--fromat", "vtt"], "export: error: unknown option --fromat (did "
         "you mean --format?)"),
        (["export", "last", "--format", "vtt", "--answr", "2"], "export: error: unknown "
         "option --answr (did you mean --answer?)"),
        (["sessions", "show", "last", "--jsn"], "sessions show: error: unknown option --jsn "
         "(did you mean --json?)"),
        (["history", "--zzz"], "history: error: unknown option --zzz (see --help)"),
    ],
)  # fmt: skip
def test_an_unknown_option_is_named_with_the_nearest_known(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from voicesim.cli.main import main

    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.count("\n") == 1 and err.startswith(f"voicesim {said}")
