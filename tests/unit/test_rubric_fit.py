"""``voicesim rubric fit``: a hidden weighting is recovered; bad CSVs are one line, exit 2."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import spearmanr

from voicesim.cli.main import main
from voicesim.packs import load_packs
from voicesim.scoring.calibrate import Rating, criteria_matrix, fit_rubric, overall
from voicesim.scoring.rubric import load_rubric
from voicesim.scoring.written import score_text

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


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
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
