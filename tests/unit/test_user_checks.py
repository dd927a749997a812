"""Checks a user rubric adds are usable in the user's packs in every command that loads
packs, as README "Your own rubric" says; packs are checked against the rubric in use."""

from __future__ import annotations

import argparse
import json
import textwrap
from pathlib import Path

import pytest

from voicesim.cli.main import main
from voicesim.cli.questions import choose_questions, configured_packs
from voicesim.config import load_config
from voicesim.errors import PackError, UserError

RUBRIC = """
[checks.mentions_kpi]
kind = "expect"
label = "names a KPI"
phrases = ["kpi", "okr", "nps"]
tip = "name the KPI you moved"

[checks.blames_the_market]
kind = "dont"
label = "blames the market"
phrases = ["the market"]
tip = "say what you did"
penalty = 30
"""

PACK = """
[pack]
id = "kpi"
title = "KPI pack"

[[questions]]
id = "kpi-q1"
text = "Which KPI did you move last year?"
category = "kpi"
kind = "behavioural"
target_s = [30, 60]
tip = "Name it."
expects = ["mentions_kpi", "numbers"]
donts = ["blames_the_market"]
"""


@pytest.fixture
def user_files(tmp_path: Path) -> tuple[Path, Path]:
    """A user rubric with a new expectation and a new don't, and a pack using both."""
    rubric = tmp_path / "rub.toml"
    rubric.write_text(textwrap.dedent(RUBRIC), encoding="utf-8")
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "k.toml").write_text(textwrap.dedent(PACK), encoding="utf-8")
    return rubric, packs


@pytest.fixture
def configured(voicesim_home: Path, user_files: tuple[Path, Path]) -> tuple[Path, Path]:
    """config.toml naming the user rubric and the user packs directory."""
    rubric, packs = user_files
    (voicesim_home / "config.toml").write_text(
        f'[rubric]\npath = "{rubric}"\n[packs]\ndirs = ["{packs}"]\n', encoding="utf-8"
    )
    return rubric, packs


def session_args(**given: object) -> argparse.Namespace:
    """The flags practice and demo pass to choose_questions, unset unless ``given``."""
    args = argparse.Namespace(
        packs_dir=[], question=None, rehearse=False, pack=None, count=None, category=None,
        mode="standard", shuffle=False,
    )  # fmt: skip
    vars(args).update(given)
    return args


def test_practice_and_demo_ask_a_pack_that_uses_the_configured_rubrics_checks(
    configured: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # practice and demo chose their questions against the built-in rubric: "unknown check
    # 'mentions_kpi'", then "unknown pack 'kpi'", exit 2.
    (question,) = choose_questions(session_args(pack="kpi", count=1), load_config())
    assert question.id == "kpi-q1"
    assert question.expects == ("mentions_kpi", "numbers")
    assert question.donts == ("blames_the_market",)
    assert capsys.readouterr().err == ""


def test_packs_list_show_and_validate_use_the_configured_rubric(
    configured: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, packs = configured
    assert main(["packs", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["errors"] == []
    assert "kpi-q1" in [q["id"] for q in listed["questions"]]
    assert main(["packs", "show", "kpi", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["questions"][0]["expects"] == [
        "mentions_kpi",
        "numbers",
    ]
    assert main(["packs", "validate", str(packs / "k.toml")]) == 0
    assert f"{packs / 'k.toml'}: ok (1 question, pack 'kpi')" in capsys.readouterr().out


def test_packs_validate_takes_the_rubric_as_a_flag(
    user_files: tuple[Path, Path], voicesim_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric, packs = user_files
    pack = str(packs / "k.toml")
    assert main(["packs", "validate", pack]) == 2  # the built-in rubric lacks the checks
    assert "unknown check 'mentions_kpi'" in capsys.readouterr().err
    assert main(["packs", "validate", "--rubric", str(rubric), pack]) == 0
    assert f"{pack}: ok" in capsys.readouterr().out


def test_a_dont_under_expects_is_an_error_for_a_user_rubrics_checks_too(
    configured: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # A user check keeps its kind: "blames_the_market" is a don't wherever it is defined.
    _, packs = configured
    swapped = textwrap.dedent(PACK).replace(
        'expects = ["mentions_kpi", "numbers"]\ndonts = ["blames_the_market"]',
        'expects = ["blames_the_market"]\ndonts = ["mentions_kpi"]',
    )
    bad = packs.parent / "swapped.toml"
    bad.write_text(swapped.replace('id = "kpi"', 'id = "kpi2"'), encoding="utf-8")
    assert main(["packs", "validate", str(bad)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.endswith(
        "question 'kpi-q1': field 'expects': 'blames_the_market' is a don't check "
        "(list it under 'donts')"
    )


def test_a_packs_dir_that_is_no_directory_stops_every_command_in_one_line(
    user_files: tuple[Path, Path], voicesim_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--packs-dir FILE`` warned "packs directory not found" and exited 0 (the file is
    there), ``--packs-dir /nonexistent`` printed the whole list and exited 2, and practice
    went on with the built-in packs."""
    _, packs = user_files
    file, missing = packs / "k.toml", packs / "absent"
    commands = (["packs", "list"], ["packs", "show", "kpi"], ["practice"], ["demo", "--no-audio"])
    for argv in commands:
        assert main([*argv, "--packs-dir", str(file)]) == 2
        out = capsys.readouterr()
        assert out.out == ""
        assert out.err.strip().splitlines() == [
            f"voicesim: error: --packs-dir {file}: is a file, not a packs directory "
            f"(to check it: voicesim packs validate {file})"
        ]
        assert main([*argv, "--packs-dir", str(missing)]) == 2
        out = capsys.readouterr()
        assert out.out == ""
        assert out.err.strip().splitlines() == [
            f"voicesim: error: --packs-dir {missing}: packs directory not found"
        ]


def test_configured_packs_loads_against_the_checks_it_is_given(
    user_files: tuple[Path, Path], voicesim_home: Path
) -> None:
    rubric, packs = user_files
    cfg = load_config()
    with_rubric = configured_packs(cfg, [packs], rubric=rubric, warn=False)
    assert with_rubric.errors == [] and "kpi" in with_rubric.packs
    builtin = configured_packs(cfg, [packs], warn=False)
    assert "kpi" not in builtin.packs
    assert "unknown check 'mentions_kpi'" in builtin.errors[0]


def test_a_broken_configured_rubric_stops_practice_before_it_starts(
    voicesim_home: Path, tmp_path: Path
) -> None:
    rubric = tmp_path / "bad.toml"
    rubric.write_text("[clarity.fillers]\nweight = inf\n", encoding="utf-8")
    (voicesim_home / "config.toml").write_text(f'[rubric]\npath = "{rubric}"\n', encoding="utf-8")
    with pytest.raises(PackError, match=r"'clarity\.fillers\.weight' must be a finite number"):
        choose_questions(session_args(), load_config())
    assert issubclass(PackError, UserError)  # exit 2, one line
