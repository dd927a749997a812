"""``voicesim score``: files, stdin, --batch, and bad input (SPEC §3b)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from voicesim.cli.main import main

GOOD = (
    "Last year two of my developers disagreed about a rewrite, and it blocked three releases. "
    "I met each of them separately, then I asked them for one proposal each. "
    "We chose a staged rewrite, and incidents fell from five a month to one."
)
POOR = "Um, conflicts, uh, happen. I, like, avoid conflict, you know. It goes away."
QID = "mgr-problems-conflict-in-team"


@pytest.fixture(autouse=True)
def _home(voicesim_home: Path) -> None:
    """Each test reads no real user config."""


def run(
    argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str = ""
) -> tuple[int, str, str]:
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(argv)
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return code, out, err


def test_file_json_holds_overall_groups_and_criteria(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "answer.txt"
    path.write_text(GOOD, encoding="utf-8")
    code, out, _ = run(["score", str(path), "--question", QID, "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert set(data["groups"]) == {"clarity", "conciseness", "content"}
    assert 0 <= data["overall"] <= 100 and data["question_id"] == QID
    assert "pace" not in {c["id"] for c in data["criteria"]}


def test_stdin_and_a_readable_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["score", "-", "--question", QID], capsys, stdin=GOOD)
    assert code == 0 and out.startswith("overall ") and "Filler words" in out


def test_batch_is_one_line_out_per_line_in_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {"id": "b", "question": QID, "text": POOR},
        {"id": "a", "text": GOOD},
        {"id": "c", "question": QID, "text": GOOD},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    code, out, _ = run(["score", "--batch", str(path)], capsys)
    assert code == 0
    lines = [json.loads(x) for x in out.splitlines()]
    assert [x["id"] for x in lines] == ["b", "a", "c"]
    assert lines[0]["score"]["overall"] < lines[2]["score"]["overall"]
    assert lines[1]["score"]["question_id"] is None
    assert set(lines[2]["score"]["groups"]) == {"clarity", "conciseness", "content"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "line 2: not valid JSON"),
        ('{"id": "x"}', "line 2: 'text' must be a string"),
        ('{"id": 7, "text": "hi"}', "line 2: 'id' must be a non-empty string"),
        ('{"id": "x", "text": "  "}', "line 2: 'text' has no words"),
        ('{"id": "x", "question": "no-such-q", "text": "hi"}', "line 2: unknown question id"),
        ("[1, 2]", "line 2: expected a JSON object"),
        # A misspelt key was ignored: the answer was scored without its question.
        (
            '{"id": "x", "questoin": "exec-weakness-main", "text": "hi"}',
            "line 2: unknown key 'questoin' (did you mean 'question'?)",
        ),
        ('{"id": "x", "txt": "hi"}', "line 2: unknown key 'txt' (did you mean 'text'?)"),
    ],
)
def test_a_bad_batch_line_is_named_and_nothing_is_written(
    line: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = json.dumps({"id": "ok", "text": GOOD}) + "\n" + line + "\n"
    code, out, err = run(["score", "--batch", "-"], capsys, stdin=batch)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["score", "/no/such/file.txt"], "file not found"),
        (["score", "/"], "/: is a folder, not a text file"),  # said "file not found"
        (["score", "-", "--question", "no-such-q"], "unknown question id"),
        (["score"], "give a FILE"),
        (["score", "x.txt", "--batch", "y.jsonl"], "--batch takes the question"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(argv, capsys, stdin=GOOD)
    assert code == 2 and out == "" and message in err
    assert len(err.strip().splitlines()) == 1


def test_an_empty_answer_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["score", "-"], capsys, stdin="  \n")
    assert code == 2 and out == "" and "no words to score" in err


def test_a_pack_that_fails_to_load_is_named_and_the_rest_are_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `score --packs-dir` with a broken pack said nothing: its questions were just "unknown".
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "broken.toml").write_text("[pack\nid = ", encoding="utf-8")
    code, out, err = run(["score", "-", "--packs-dir", str(packs), "--question", QID], capsys, GOOD)
    assert code == 0, err
    assert out.strip()  # scored with the built-in question
    warnings = err.strip().splitlines()
    assert len(warnings) == 1 and warnings[0].startswith("voicesim: warning: ")
    assert "broken.toml" in warnings[0]
    code, _, err = run(
        ["score", "-", "--packs-dir", str(packs), "--question", "mine-q1"], capsys, GOOD
    )
    assert code == 2 and "broken.toml" in err and "unknown question id 'mine-q1'" in err


def test_an_answer_of_fillers_only_is_scored_with_every_group_and_what_was_said(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # It scored {"conciseness": 0} alone with "Nothing was heard: check the microphone",
    # and a line of punctuation did the same.
    line = json.dumps({"id": "f", "text": "Um, uh, hmm."})
    code, out, err = run(["score", "--batch", "-"], capsys, line + "\n")
    assert code == 0, err
    score = json.loads(out)["score"]
    assert score["groups"] == {"clarity": 0.0, "conciseness": 0.0, "content": 0.0}
    (criterion,) = score["criteria"]
    assert criterion["evidence"][0]["text"] == "only filler words: “um”, “uh”, “hmm”"
    assert "microphone" not in criterion["tip"]
    code, out, err = run(["score", "--batch", "-"], capsys, '{"id": "p", "text": "... --- !!!"}\n')
    assert code == 2 and out == "" and "line 1: 'text' has no words" in err
    code, out, err = run(["score", "-"], capsys, "... !!!")
    assert code == 2 and "no words to score" in err
    # a transcriber's notes alone are no words either
    code, out, err = run(["score", "--batch", "-"], capsys, '{"id": "n", "text": "[inaudible]"}\n')
    assert code == 2 and out == "" and "line 1: 'text' has no words" in err
    code, out, err = run(["score", "-"], capsys, "(laughs) [crosstalk]")
    assert code == 2 and "no words to score" in err


def test_a_batch_with_a_byte_order_mark_is_read_as_a_text_file_is(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # "line 1: not valid JSON (Unexpected UTF-8 BOM …)", where `score FILE` reads the same.
    line = json.dumps({"id": "b", "text": GOOD})
    code, out, err = run(["score", "--batch", "-"], capsys, "\ufeff" + line + "\n")
    assert code == 0, err
    assert json.loads(out)["id"] == "b"


def test_a_batch_line_may_carry_the_users_own_keys(capsys: pytest.CaptureFixture[str]) -> None:
    """Only a key that looks misspelt is refused: a rater's "level" is the user's data."""
    batch = json.dumps({"id": "a", "level": 3, "rater": "kim", "text": GOOD}) + "\n"
    code, out, err = run(["score", "--batch", "-"], capsys, stdin=batch)
    assert code == 0 and err == "" and json.loads(out)["id"] == "a"


def _text_weights(path: Path, weights: dict[str, float]) -> Path:
    """A rubric at ``path`` giving every criterion a text has these weights (0 if unnamed)."""
    from voicesim.scoring.rubric import load_rubric
    from voicesim.scoring.score import AUDIO_CRITERIA

    path.write_text(
        "\n".join(
            f"[{s.group}.{cid}]\nweight = {weights.get(cid, 0.0)}\n"
            for cid, s in load_rubric().criteria.items()
            if cid not in AUDIO_CRITERIA
        )
    )
    return path


def test_a_rubric_that_scores_recordings_only_scores_no_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every criterion a text has switched off scored every text "overall 0/100"."""
    path = _text_weights(tmp_path / "audio-only.toml", {})
    code, out, err = run(["score", "-", "--rubric", str(path)], capsys, stdin=GOOD)
    assert code == 2 and out == "" and "nothing to score" in err
    assert len(err.strip().splitlines()) == 1


def test_a_rubric_weighing_one_text_criterion_a_little_scores_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _text_weights(tmp_path / "fluency-only.toml", {"fluency": 0.5})
    code, out, err = run(["score", "-", "--rubric", str(path), "--json"], capsys, stdin=GOOD)
    assert code == 0 and err == ""
    scored = json.loads(out)
    assert [c["id"] for c in scored["criteria"]] == ["fluency"]
    # one criterion weighing 0.5: the overall and its group are its score
    assert scored["overall"] == scored["criteria"][0]["score"] == scored["groups"]["clarity"]
