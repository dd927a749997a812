"""Question packs: the built-in packs cover the guide; bad packs give exact errors."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.support.paths import REPO
from voicesim.cli.main import main
from voicesim.errors import PackError, UserError
from voicesim.packs import (
    DEFAULT_PACK,
    find_question,
    load_pack,
    load_packs,
    select_questions,
)
from voicesim.scoring.rubric import load_rubric

CHECKS = load_rubric().check_names()  # what a question may name, from the rubric

PACK_FILES = sorted((REPO / "question_packs").glob("*.toml"))

# Every category the guide asks for (issue 3), by pack.
GUIDE_CATEGORIES = {
    "leadership", "achievements", "success_in_position", "goal_setting",
    "personnel_management", "problem_situations", "professional_development",
    "mistakes_failures", "income", "strengths", "management_style", "why_hire",
    "salary_expectations", "weaknesses", "unsuccessful_projects", "stress_resistance",
    "projective", "competency", "opening", "closing",
}  # fmt: skip

GOOD = """
[pack]
id = "mine"
title = "My pack"

[[questions]]
id = "my-q1"
text = "What did you ship last?"
category = "achievements"
kind = "behavioural"
target_s = [30, 60]
tip = "Say it with a number."
expects = ["numbers"]
donts = ["blames_others"]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_builtin_packs_cover_the_guide() -> None:
    packset = load_packs(known_checks=CHECKS)
    assert packset.errors == []
    questions = packset.questions()
    assert len(questions) >= 60
    counts: dict[str, int] = {}
    for q in questions:
        counts[q.category] = counts.get(q.category, 0) + 1
    assert set(counts) >= GUIDE_CATEGORIES
    assert all(counts[c] >= 3 for c in GUIDE_CATEGORIES), counts
    assert DEFAULT_PACK in packset.packs
    assert len({q.id for q in questions}) == len(questions)


def test_builtin_questions_use_known_checks_and_sane_targets() -> None:
    names = load_rubric().check_names()
    for q in load_packs(known_checks=CHECKS).questions():
        assert set(q.expects) <= names and set(q.donts) <= names, q.id
        assert 0 < q.target_s[0] <= q.target_s[1] <= 180, q.id
        assert q.tip and q.text.strip().endswith(("?", ".")), q.id
    projective = [q for q in load_packs(known_checks=CHECKS).questions() if q.kind == "projective"]
    assert projective and all(q.target_s[1] <= 30 for q in projective)
    stress = [q for q in load_packs(known_checks=CHECKS).questions() if q.kind == "stress"]
    assert stress and all(q.stress_follow_ups for q in stress)


def test_validate_command_passes_on_the_builtin_packs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["packs", "validate", *map(str, PACK_FILES)]) == 0
    assert capsys.readouterr().out.count(": ok (") == len(PACK_FILES)


def test_load_pack_reads_every_field(tmp_path: Path) -> None:
    pack = load_pack(write(tmp_path, "mine.toml", GOOD), CHECKS)
    (q,) = pack.questions
    assert (pack.id, q.id, q.pack, q.kind, q.target_s) == (
        "mine",
        "my-q1",
        "mine",
        "behavioural",
        (30.0, 60.0),
    )
    assert q.expects == ("numbers",) and q.donts == ("blames_others",)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t + t[t.index("[[questions]]") :], "question 'my-q1': duplicate id"),
        (
            lambda t: t.replace('kind = "behavioural"\n', ""),
            "question 'my-q1': missing field 'kind'",
        ),
        (
            lambda t: t.replace("target_s = [30, 60]", 'target_s = "long"'),
            "question 'my-q1': field 'target_s' must be [min, max]",
        ),
        (lambda t: t.replace("[30, 60]", "[60, 30]"), "field 'target_s' needs 0 < min ≤ max"),
        (
            lambda t: t.replace('tip = "Say', 'colour = "red"\ntip = "Say'),
            "question 'my-q1': unknown field 'colour'",
        ),
        (lambda t: t.replace('"behavioural"', '"chatty"'), "field 'kind' must be one of"),
        (
            lambda t: t.replace('["numbers"]', '["numbrs"]'),
            "unknown check 'numbrs' (did you mean 'numbers'?)",
        ),
        (lambda t: t.replace('["numbers"]', '"numbers"'), "field 'expects' must be a list"),
        (lambda t: t.replace('title = "My pack"', 'title = "My pack'), "not valid TOML"),
        (lambda t: t.replace('id = "mine"\n', ""), "[pack]: missing 'id'"),
        (
            lambda t: t.replace('text = "What did you ship last?"', "text = 5"),
            "field 'text' must be a non-empty string",
        ),
        # A 2 MB question validated, then crashed espeak-ng in `demo --no-audio`.
        (
            lambda t: t.replace("What did you ship last?", "word " * 200 + "?"),
            "question 'my-q1': field 'text' is 1001 characters long; at most 1000",
        ),
        (
            lambda t: t.replace("expects =", f'follow_ups = ["{"x" * 1001}"]\nexpects ='),
            "question 'my-q1': field 'follow_ups': an item is 1001 characters long; at most 1000",
        ),
        (
            lambda t: t.replace("expects =", f"follow_ups = {['Why?'] * 21}\nexpects ="),
            "question 'my-q1': field 'follow_ups' lists 21; at most 20",
        ),
        (
            lambda t: t.replace('"My pack"', f'"{"t" * 201}"'),
            "[pack]: 'title' is 201 characters long; at most 200",
        ),
        # The length tip then read "10–inf s", or a 300-digit number for 1e308.
        (
            lambda t: t.replace("[30, 60]", "[10, inf]"),
            "field 'target_s' needs 0 < min ≤ max ≤ 3600 seconds, got [10, inf]",
        ),
        (
            lambda t: t.replace("[30, 60]", "[10, 1e308]"),
            "field 'target_s' needs 0 < min ≤ max ≤ 3600 seconds, got [10, 1e+308]",
        ),
        (
            lambda t: t.replace('["numbers"]', '["numbers", "numbers"]'),
            "question 'my-q1': field 'expects': 'numbers' is listed twice",
        ),
        # A don't under expects was accepted and scored the fault as met (expectations 100).
        (
            lambda t: t.replace('["numbers"]', '["blames_others"]'),
            "field 'expects': 'blames_others' is a don't check (list it under 'donts')",
        ),
        (
            lambda t: t.replace('["blames_others"]', '["lesson"]'),
            "field 'donts': 'lesson' is an expectation (list it under 'expects')",
        ),
    ],
)
def test_bad_pack_gives_an_exact_error(tmp_path: Path, edit: object, message: str) -> None:
    path = write(tmp_path, "mine.toml", edit(GOOD))  # type: ignore[operator]
    with pytest.raises(PackError) as caught:
        load_pack(path, CHECKS)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_validate_command_reports_each_bad_file_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path, "good.toml", GOOD)
    bad = write(
        tmp_path, "bad.toml", GOOD.replace('kind = "behavioural"\n', "").replace("my-q1", "b-q1")
    )
    broken = write(tmp_path, "broken.toml", "[pack\nid=")
    assert main(["packs", "validate", str(good), str(bad), str(broken)]) == 2
    out = capsys.readouterr()
    assert f"{good}: ok" in out.out
    errors = out.err.strip().splitlines()
    assert len(errors) == 2
    assert f"{bad}: question 'b-q1': missing field 'kind'" in errors[0]
    assert f"{broken}: not valid TOML" in errors[1]


def test_broken_user_pack_is_reported_and_the_others_still_load(tmp_path: Path) -> None:
    write(tmp_path, "a_broken.toml", GOOD.replace("target_s = [30, 60]", "target_s = 7"))
    write(
        tmp_path,
        "b_good.toml",
        GOOD.replace('id = "mine"', 'id = "other"').replace("my-q1", "o-q1"),
    )
    packset = load_packs([tmp_path], known_checks=CHECKS)
    assert len(packset.errors) == 1 and "a_broken.toml" in packset.errors[0]
    assert "other" in packset.packs and "managerial" in packset.packs
    assert packset.question("o-q1") is not None


def test_user_pack_overrides_builtin_by_id(tmp_path: Path) -> None:
    write(tmp_path, "mine.toml", GOOD.replace('id = "mine"', 'id = "stress"'))
    packset = load_packs([tmp_path], known_checks=CHECKS)
    assert packset.errors == []
    assert [q.id for q in packset.packs["stress"].questions] == ["my-q1"]
    assert packset.question("stress-why-take-you") is None


def test_question_id_clash_across_packs_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "mine.toml", GOOD.replace("my-q1", "mgr-failures-biggest"))
    packset = load_packs([tmp_path], known_checks=CHECKS)
    assert any("mgr-failures-biggest': duplicate id" in e for e in packset.errors)
    assert "managerial" in packset.packs and "mine" not in packset.packs


def test_unknown_question_id_suggests_close_matches() -> None:
    assert (
        find_question("exec-salary-expect", known_checks=CHECKS).category == "salary_expectations"
    )
    with pytest.raises(UserError) as caught:
        find_question("exec-salary-expects", known_checks=CHECKS)
    assert "unknown question id 'exec-salary-expects'" in str(caught.value)
    assert "exec-salary-expect" in str(caught.value)


def test_select_questions_filters_and_shuffles_deterministically() -> None:
    packset = load_packs(known_checks=CHECKS)
    income = select_questions(packset, pack="managerial", category="income")
    assert {q.category for q in income} == {"income"} and len(income) == 3
    first = select_questions(packset, count=5, shuffle=True, seed=7)
    again = select_questions(packset, count=5, shuffle=True, seed=7)
    assert [q.id for q in first] == [q.id for q in again] and len(first) == 5
    with pytest.raises(UserError, match="unknown pack 'nope'"):
        select_questions(packset, pack="nope")
    with pytest.raises(UserError, match="unknown pack ''"):  # `--pack ""` is not "every pack"
        select_questions(packset, pack="")
    with pytest.raises(UserError, match="no questions in category 'nope'"):
        select_questions(packset, category="nope")


def test_list_and_show_json(capsys: pytest.CaptureFixture[str], voicesim_home: Path) -> None:
    assert main(["packs", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed["questions"]) >= 60
    assert set(listed["questions"][0]) == {"id", "pack", "category", "kind", "text"}
    assert main(["packs", "show", "stress", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["id"] == "stress" and all(q["pack"] == "stress" for q in shown["questions"])


def test_show_unknown_pack_exits_2_with_suggestion(
    capsys: pytest.CaptureFixture[str], voicesim_home: Path
) -> None:
    assert main(["packs", "show", "stres"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "did you mean stress" in err
    # A name like none of them gets no guess ("nope" was "did you mean competency?"), as
    # `practice --pack nope` gets none: one rule for an unknown pack everywhere.
    assert main(["packs", "show", "nope"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("voicesim: error: unknown pack 'nope' (packs: competency, ")
    assert "did you mean" not in err


def test_an_unknown_question_id_gets_the_same_hint_in_every_command(
    capsys: pytest.CaptureFixture[str], voicesim_home: Path
) -> None:
    """`score --question` said "(see `voicesim packs list`)" and `practice --question`
    "unknown question 'x'", without the close ids `analyze --question` offered."""
    expected = "unknown question id 'exec-salary-expects'; did you mean exec-salary-expect"
    assert main(["score", "-", "--question", "exec-salary-expects"]) == 2
    assert expected in capsys.readouterr().err
    assert main(["practice", "--question", "exec-salary-expects"]) == 2
    assert expected in capsys.readouterr().err


def test_packs_dir_option_and_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], voicesim_home: Path
) -> None:
    user = tmp_path / "user-packs"
    user.mkdir()
    write(user, "mine.toml", GOOD)
    assert main(["packs", "list", "--json", "--packs-dir", str(user)]) == 0
    assert any(q["id"] == "my-q1" for q in json.loads(capsys.readouterr().out)["questions"])
    (voicesim_home / "config.toml").write_text(f'[packs]\ndirs = ["{user}"]\n', encoding="utf-8")
    assert main(["packs", "show", "mine", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["questions"][0]["id"] == "my-q1"


def test_validate_flags_an_id_used_in_two_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write(tmp_path, "first.toml", GOOD)
    second = write(tmp_path, "second.toml", GOOD.replace('id = "mine"', 'id = "again"'))
    assert main(["packs", "validate", str(first), str(second)]) == 2
    err = capsys.readouterr().err
    assert f"{second}: question 'my-q1': duplicate id (also in {first})" in err


def test_list_and_show_print_bracketed_text_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], voicesim_home: Path
) -> None:
    # A pack is the user's text: Rich must not read "[draft]" as markup and drop it.
    user = tmp_path / "user-packs"
    user.mkdir()
    bracketed = GOOD.replace('"My pack"', '"My pack [draft]"').replace(
        "What did you ship last?", "What [exactly] did you ship?"
    )
    write(user, "mine.toml", bracketed)
    assert main(["packs", "list", "--packs-dir", str(user)]) == 0
    assert "My pack [draft]" in capsys.readouterr().out
    assert main(["packs", "show", "mine", "--packs-dir", str(user)]) == 0
    out = capsys.readouterr().out
    assert "My pack [draft]" in out and "What [exactly] did you ship?" in out


def test_a_pack_starting_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    # Windows Notepad's "UTF-8": the file looked perfect and was "not valid TOML: Invalid
    # statement (at line 1, column 1)".
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + textwrap.dedent(GOOD).encode("utf-8"))
    assert [q.id for q in load_pack(path, CHECKS).questions] == ["my-q1"]


def test_validate_reports_a_question_id_a_loaded_pack_already_uses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], voicesim_home: Path
) -> None:
    """`packs validate` said ok; loading then left the pack out as a duplicate."""
    clash = write(tmp_path, "clash.toml", GOOD.replace("my-q1", "mgr-achievements-biggest"))
    assert main(["packs", "validate", str(clash)]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.strip().splitlines() == [
        f"voicesim: error: {clash}: question 'mgr-achievements-biggest': duplicate id "
        "(also in pack 'managerial')"
    ]
    # A pack with the built-in pack's id replaces it, so its ids clash with nothing.
    replacing = write(
        tmp_path,
        "managerial.toml",
        GOOD.replace('id = "mine"', 'id = "managerial"').replace(
            "my-q1", "mgr-achievements-biggest"
        ),
    )
    assert main(["packs", "validate", str(replacing)]) == 0
    # A configured user pack is loaded too: a new file may not reuse its ids.
    user = tmp_path / "user-packs"
    user.mkdir()
    write(user, "mine.toml", GOOD)
    (voicesim_home / "config.toml").write_text(f'[packs]\ndirs = ["{user}"]\n', encoding="utf-8")
    other = write(tmp_path, "other.toml", GOOD.replace('id = "mine"', 'id = "other"'))
    assert main(["packs", "validate", str(other), str(user / "mine.toml")]) == 2
    out = capsys.readouterr()
    assert f"{user / 'mine.toml'}: ok" in out.out
    assert f"{other}: question 'my-q1': duplicate id (also in pack 'mine')" in out.err


def test_validate_names_a_directory_or_a_binary_file_in_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], voicesim_home: Path
) -> None:
    """It printed "cannot read: IsADirectoryError: [Errno 21] ..." and "UnicodeDecodeError:
    'utf-8' codec can't decode byte 0xff"."""
    folder = tmp_path / "good"
    folder.mkdir()
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00[pack]")
    missing = tmp_path / "absent.toml"
    assert main(["packs", "validate", str(folder), str(binary), str(missing)]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"voicesim: error: {folder}: is a directory, not a TOML file (its files: {folder}/*.toml)",
        f"voicesim: error: {binary}: not a text file (not UTF-8): is it a TOML file?",
        f"voicesim: error: {missing}: file not found",
    ]


def test_a_configured_packs_dir_that_is_a_file_is_named_as_one(tmp_path: Path) -> None:
    # It was "packs directory not found" for a file that is there.
    file = write(tmp_path, "mine.toml", GOOD)
    packset = load_packs([file], known_checks=CHECKS)
    assert packset.errors == [
        f"{file}: is a file, not a packs directory (to check it: voicesim packs validate {file})"
    ]
    assert "managerial" in packset.packs and "mine" not in packset.packs
