"""``voicesim rubric fit``: a hidden weighting is recovered; bad CSVs are one line, exit 2."""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import spearmanr

from tests.support.paths import REPO
from tests.support.session_factory import make_session, sample_answer
from voicesim.cli.main import main
from voicesim.errors import UserError
from voicesim.packs import load_packs
from voicesim.scoring.calibrate import (
    Fit,
    Rating,
    check_useful,
    criteria_matrix,
    fit_rubric,
    overall,
)
from voicesim.scoring.rubric import load_rubric
from voicesim.scoring.written import score_text
from voicesim.sessions.store import SessionStore

RUBRIC = load_rubric()
PACKS = load_packs(known_checks=RUBRIC.check_names())

SITUATIONS = [
    "Last year our support queue had grown to 900 open tickets.",
    "In 2022 the Lisbon team kept missing its release dates.",
    "Some time ago things were not going well in the team.",
    "There were problems with a project at work.",
]
ACTIONS = [
    "I met every agent and I split the queue by product.",
    "We talked about it and we tried some things.",
    "I set up a daily review, then I moved two people onto testing.",
    "The manager changed the plan.",
]
RESULTS = [
    "Within three months the backlog fell to 120 tickets.",
    "We shipped every sprint on time after that, and defects dropped 40 percent.",
    "In the end it was better.",
    "",
]
EXTRAS = ["", "I am a team player and a perfectionist.", "Communication is key, in any company."]


def composed(rng: random.Random) -> str:
    """A story from random parts, with random fillers and restarts: criteria vary independently."""
    words = " ".join(
        [rng.choice(SITUATIONS), rng.choice(ACTIONS), rng.choice(RESULTS), rng.choice(EXTRAS)]
    ).split()
    filler_rate, restart_rate = rng.choice([0, 0.05, 0.15, 0.3]), rng.choice([0, 0.05, 0.15])
    out: list[str] = []
    for w in words:
        if rng.random() < filler_rate:
            out.append(rng.choice(["um,", "uh,", "you know,"]))
        if rng.random() < restart_rate:
            out.append(w)
        out.append(w)
    return " ".join(out)


def test_a_hidden_weighting_is_recovered_on_held_out_rows() -> None:
    rng = random.Random(7)
    question = PACKS.question("mgr-problems-conflict-in-team")
    scores = [score_text(composed(rng), question, RUBRIC) for _ in range(260)]
    ids = sorted({c.id for s in scores for c in s.criteria})
    hidden = np.array(
        [{"fillers": 3.0, "specificity": 1.5, "structure": 1.0}.get(c, 0.0) for c in ids]
    )
    x, present = criteria_matrix([Rating("", s, 0.0) for s in scores], ids)
    noise = np.random.default_rng(1).normal(0.0, 0.02, len(scores))
    truth = overall(x, present, hidden) + noise
    ratings = [
        Rating(str(i), s, float(t)) for i, (s, t) in enumerate(zip(scores, truth, strict=True))
    ]
    train, held_out = ratings[:200], ratings[200:]
    fit = fit_rubric(train, RUBRIC)
    assert fit.cv_rho >= 0.9
    w = np.array([fit.weights.get(c, 0.0) for c in ids])
    xh, ph = criteria_matrix(held_out, ids)
    rho = spearmanr(overall(xh, ph, w), [r.rating for r in held_out])[0]
    assert rho >= 0.9, rho
    top3 = sorted(fit.weights, key=lambda c: -fit.weights[c])[:3]
    assert set(top3) == {"fillers", "specificity", "structure"}, fit.weights


def write_csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_cli_writes_a_rubric_that_loads_and_prints_both_rhos(
    tmp_path: Path, voicesim_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(3)
    rows = []
    for i in range(40):
        text = composed(rng)
        fillers = sum(w in ("um,", "uh,") for w in text.split())
        rows.append([f"a{i}", "mgr-problems-conflict-in-team", text, str(10 - fillers)])
    ratings = write_csv(tmp_path / "r.csv", ["id", "question", "text", "rating"], rows)
    out = tmp_path / "mine.toml"
    assert main(["rubric", "fit", str(ratings), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "fitted rubric (cross-validated)" in printed and "current rubric" in printed
    fitted = load_rubric(out)
    assert fitted.spec("fillers").weight == max(s.weight for s in fitted.criteria.values())
    before = out.read_text()  # the rubric written is kept unless --force
    assert main(["rubric", "fit", str(ratings), "--out", str(out)]) == 2
    assert "already there; give --force" in capsys.readouterr().err and out.read_text() == before
    out.write_text("# mine\n")
    assert main(["rubric", "fit", str(ratings), "--out", str(out), "--force"]) == 0
    assert load_rubric(out).spec("fillers").weight == fitted.spec("fillers").weight


@pytest.mark.parametrize(
    ("header", "row", "message"),
    [
        (["id", "question", "rating"], ["a", "", "3"], "missing column(s) text"),
        (["id", "text", "rating"], ["a", "We won.", "3"], "missing column(s) question"),
        (["id", "question", "text", "rating"], ["a", "", "We won.", "good"], "line 3: rating"),
        (["id", "question", "text", "rating"], ["a", "nope", "We won.", "3"], "line 3: unknown"),
        (["id", "question", "text", "rating"], ["a", "", "", "3"], "line 3: neither text"),
        (["id", "question", "text", "rating"], ["a", "", "", ""], "line 3: no rating"),
        # the same answer pasted twice: it would sit in a training and a test fold at once
        (
            ["id", "question", "text", "rating"],
            ["ok", "", "We won.", "4"],
            "line 3: id 'ok' is already on line 2",
        ),
        # an unquoted comma in a text: "We won" was read and " a lot" silently dropped
        (
            ["id", "question", "text", "rating"],
            ["a", "", "We won", " a lot", "3"],
            "line 3: 5 fields but the header has 4 (a text holding ',' must be in double quotes)",
        ),
        (
            ["id", "question", "text", "Text", "rating"],
            ["a", "", "We won.", "We won.", "3"],
            "column 'text' appears twice (columns 3 and 4)",
        ),
    ],
)
def test_bad_csv_is_one_line_exit_2_and_nothing_written(
    header: list[str],
    row: list[str],
    message: str,
    tmp_path: Path,
    voicesim_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = ["ok", "", "I led it and we won.", "3"][: len(header)] if "text" in header else row
    path = write_csv(tmp_path / "bad.csv", header, [good, row])
    out = tmp_path / "mine.toml"
    assert main(["rubric", "fit", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def conflict_rows(n: int, seed: int = 3) -> list[list[str]]:
    """``n`` composed answers rated 10.5 − their ums and uhs (a rating with a fraction)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        text = composed(rng)
        fillers = sum(w in ("um,", "uh,") for w in text.split())
        rows.append([f"a{i}", "mgr-problems-conflict-in-team", text, str(10.5 - fillers)])
    return rows


def fitted_body(path: Path) -> str:
    """The TOML written, without its first line (which names the ratings file)."""
    return path.read_text(encoding="utf-8").split("\n", 1)[1]


def test_spreadsheet_csv_dialects_fit_the_same_as_plain_csv(
    tmp_path: Path, voicesim_home: Path
) -> None:
    """Excel's capitalised headers, a ``;`` file with decimal commas (Excel's "CSV" where
    the decimal mark is a comma) and a tab-separated file mean the same ratings: the
    same weights. Each was "missing column(s) id, question, rating, text"."""
    rows = conflict_rows(40)
    header = ["id", "question", "text", "rating"]
    plain = write_csv(tmp_path / "plain.csv", header, rows)
    assert main(["rubric", "fit", str(plain), "--out", str(tmp_path / "plain.toml")]) == 0
    expected = fitted_body(tmp_path / "plain.toml")
    semicolon = [[*r[:3], r[3].replace(".", ",")] for r in rows]
    assert all("," in r[3] for r in semicolon)
    variants = {
        "caps": write_csv(tmp_path / "caps.csv", ["ID", "Question", " Text", "RATING"], rows),
        "semi": write_csv(tmp_path / "semi.csv", header, semicolon, delimiter=";"),
        "tab": write_csv(tmp_path / "tab.csv", [h.title() for h in header], rows, "\t"),
    }
    for name, path in variants.items():
        out = tmp_path / f"{name}.toml"
        assert main(["rubric", "fit", str(path), "--out", str(out)]) == 0, name
        assert fitted_body(out) == expected, name


def test_lines_are_the_file_lines_and_trailing_empty_rows_are_skipped(
    tmp_path: Path, voicesim_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A text over three lines and a blank line: the bad rating after them is on file line
    6 (the row count said 3). A spreadsheet's empty rows at the end are no error."""
    rows = conflict_rows(12)
    head = "id,question,text,rating\n"
    body = "".join(f'{r[0]},{r[1]},"{r[2]}",{r[3]}\n' for r in rows)
    good = tmp_path / "good.csv"
    good.write_text(head + body + ",,,\n,,,\n", encoding="utf-8")
    assert main(["rubric", "fit", str(good), "--out", str(tmp_path / "good.toml")]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(
        head + 'x1,,"We won.\nThen we\nwon again.",4\n\nx2,,We won.,five\n' + body,
        encoding="utf-8",
    )
    out = tmp_path / "bad.toml"
    capsys.readouterr()
    assert main(["rubric", "fit", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: line 6: rating 'five' is not a number" in err, err
    assert len(err.strip().splitlines()) == 1 and not out.exists()


def test_ratings_all_the_same_are_named_as_the_cause(
    tmp_path: Path, voicesim_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said "no criterion ranks these answers the way the ratings do", hiding why."""
    rows = [[*r[:3], "3"] for r in conflict_rows(12)]
    path = write_csv(tmp_path / "same.csv", ["id", "question", "text", "rating"], rows)
    out = tmp_path / "mine.toml"
    assert main(["rubric", "fit", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: every rating is 3; the fit needs ratings that differ" in err
    assert len(err.strip().splitlines()) == 1 and not out.exists()


def test_stored_answer_errors_name_the_file_and_line(
    tmp_path: Path, voicesim_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README promises the line for every column; the ``answer`` column gave none
    ("session … has no answer 0 (it has 2)")."""
    record = make_session(SessionStore(), [sample_answer(0)]).record
    header = ["id", "question", "text", "answer", "rating"]
    good = ["ok", "", "I led it and we won.", "", "3"]
    cases = {
        f"{record.id}/0": f"session {record.id} has no answer 0 (it has 1)",
        f"{record.id}/x": f"stored answer id '{record.id}/x' must be SESSION/N",
        "../../etc/passwd/1": "'../../etc/passwd' is not a session id",
        "20261206-180327-c8ed/1": "no session 20261206-180327-c8ed",
    }
    out = tmp_path / "mine.toml"
    for answer, message in cases.items():
        path = write_csv(tmp_path / "stored.csv", header, [good, ["b", "", "", answer, "4"]])
        assert main(["rubric", "fit", str(path), "--out", str(out)]) == 2, answer
        err = capsys.readouterr().err
        assert f"{path}: line 3: {message}" in err, err
        assert len(err.strip().splitlines()) == 1 and not out.exists()


def graded_csv(path: Path, rating: str) -> Path:
    """tests/data/graded_answers.jsonl (51 answers graded 1–5 by hand) as a ratings CSV."""
    lines = (REPO / "tests/data/graded_answers.jsonl").read_text(encoding="utf-8").splitlines()
    graded = [json.loads(line) for line in lines if line.strip()]
    rows = [
        [g["id"], g["question"], g["text"], str(g["level"] if rating == "level" else -g["level"])]
        for g in graded
    ]
    return write_csv(path, ["id", "question", "text", "rating"], rows)


def test_reversed_ratings_are_refused_and_nothing_written(
    tmp_path: Path, voicesim_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hand grades negated (a scale where 1 is best): the current rubric ranks them at
    ρ −0.90 and a rubric switching off 13 of 14 criteria was written without a word. The
    same grades the right way round are fitted and written."""
    out = tmp_path / "mine.toml"
    reversed_ = graded_csv(tmp_path / "reversed.csv", "-level")
    assert main(["rubric", "fit", str(reversed_), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{reversed_}: the ratings look reversed" in err, err
    # The current rubric ranks the hand grades at ρ 0.90 or so: negated, −0.9x.
    assert re.search(r"current rubric -0\.9\d\)", err), err
    assert "higher ratings must mean better answers" in err
    assert len(err.strip().splitlines()) == 1 and not out.exists()
    assert (
        main(["rubric", "fit", str(graded_csv(tmp_path / "g.csv", "level")), "--out", str(out)])
        == 0
    )
    assert out.is_file()


def fit_with(cv_rho: float, default_rho: float) -> Fit:
    return Fit({"fillers": 2.0}, cv_rho=cv_rho, default_rho=default_rho, rows=12, penalty=1.0)


def test_a_fit_no_better_than_chance_or_from_reversed_ratings_is_refused() -> None:
    """12 random ratings fitted at ρ −0.43 and were written; a useless rubric is refused,
    reversed ratings named as the likely cause. Just inside both bounds, a fit is kept."""
    refused = {
        (-0.43, 0.1): "no better than chance (fitted ρ -0.43, current rubric +0.10)",
        (0.0, 0.1): "no better than chance",
        (0.3, -0.9): "the ratings look reversed (fitted ρ +0.30, current rubric -0.90)",
        (-0.08, -0.5): "the ratings look reversed",
    }
    for (cv_rho, default_rho), message in refused.items():
        with pytest.raises(UserError, match=re.escape(message)):
            check_useful(fit_with(cv_rho, default_rho))
    check_useful(fit_with(0.01, -0.49))
    check_useful(fit_with(0.5, 0.9))


def test_out_that_cannot_be_written_is_one_line_before_the_answers_are_read(
    tmp_path: Path, voicesim_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--out /proc/x.toml`` was "internal error: FileNotFoundError", exit 1, after the
    fit. The CSV here has a bad row: the --out error comes first, so before any scoring."""
    path = write_csv(
        tmp_path / "r.csv", ["id", "question", "text", "rating"], [["a", "", "We won.", "x"]]
    )
    assert main(["rubric", "fit", str(path), "--out", "/proc/x.toml"]) == 2
    err = capsys.readouterr().err
    assert "cannot write /proc/x.toml" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("which", ["ratings", "link to ratings", "rubric"])
def test_out_naming_a_file_read_is_refused_even_with_force(
    which: str, tmp_path: Path, voicesim_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``rubric fit g.csv --out g.csv --force`` replaced the ratings with the TOML."""
    ratings = write_csv(tmp_path / "g.csv", ["id", "question", "text", "rating"], conflict_rows(12))
    start = tmp_path / "start.toml"
    start.write_text("[clarity.fillers]\nweight = 3.0\n", encoding="utf-8")
    out = {"ratings": ratings, "link to ratings": tmp_path / "link.csv", "rubric": start}[which]
    if which == "link to ratings":
        out.symlink_to(ratings)
    before = {p: p.read_bytes() for p in (ratings, start)}
    argv = ["rubric", "fit", str(ratings), "--out", str(out), "--force", "--rubric", str(start)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"--out {out} is the {which.split()[-1]} file read" in err, err
    assert len(err.strip().splitlines()) == 1
    assert {p: p.read_bytes() for p in before} == before
