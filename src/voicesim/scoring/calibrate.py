"""Fit the rubric's criterion weights to a coach's own ratings.

Ratings come as CSV rows (id, question, text or a stored answer "SESSION/N", rating). Each
answer is scored with the current rubric; the weights are then fitted as a ridge
regression with non-negative weights (a criterion may only count for, never against, its
own direction), the penalty chosen by cross-validation, and the whole procedure itself
cross-validated so the reported Spearman ρ is for rows the fit never saw. Pure apart
from reading the CSV; scores 0–100.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import nnls
from scipy.stats import spearmanr

from voicesim.errors import UserError
from voicesim.packs import Question
from voicesim.results import Score
from voicesim.scoring.rubric import Rubric

PENALTIES = (0.01, 0.1, 1.0, 10.0, 100.0)
"""Ridge penalties tried, relative to the number of rows (criteria scores are 0–1)."""
FOLDS = 5
TEXT_COLUMNS = ("text", "answer")


@dataclass(frozen=True)
class Rating:
    """One rated answer: its id, its question (or None), its score, the rater's rating."""

    id: str
    score: Score
    rating: float


@dataclass(frozen=True)
class Fit:
    """Fitted weights (criterion id → weight), the CV ρ, the default rubric's ρ, the rows."""

    weights: dict[str, float]
    cv_rho: float
    default_rho: float
    rows: int
    penalty: float


def read_ratings(
    text: str,
    where: str,
    find: Callable[[str], Question | None],
    score: Callable[[str, Question | None], Score],
    stored: Callable[[str], tuple[Score, Question | None]] | None = None,
) -> list[Rating]:
    """Every CSV row scored; the first bad column or row raises UserError (line numbers from 1).

    ``score`` scores a text against a question; ``stored`` re-scores a stored answer id.
    """
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    need = {"id", "question", "rating"}
    if not need <= set(columns) or not set(TEXT_COLUMNS) & set(columns):
        missing = sorted(need - set(columns)) + (
            [] if set(TEXT_COLUMNS) & set(columns) else ["text"]
        )
        need_all = "id, question, text or answer, rating"
        raise UserError(f"{where}: missing column(s) {', '.join(missing)} (need {need_all})")
    out: list[Rating] = []
    for n, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        out.append(_rating(row, f"{where}: line {n}", find, score, stored))
    if len(out) < 2 * FOLDS:
        raise UserError(f"{where}: {len(out)} rated answers; need at least {2 * FOLDS} to fit")
    return out


def _rating(
    row: dict[str, str],
    where: str,
    find: Callable[[str], Question | None],
    score: Callable[[str, Question | None], Score],
    stored: Callable[[str], tuple[Score, Question | None]] | None,
) -> Rating:
    try:
        value = float(row["rating"])
    except ValueError:
        raise UserError(f"{where}: rating '{row['rating']}' is not a number") from None
    if not np.isfinite(value):
        raise UserError(f"{where}: rating must be a finite number")
    if not row.get("id"):
        raise UserError(f"{where}: empty id")
    question = None
    if row.get("question"):
        question = find(row["question"])
        if question is None:
            raise UserError(f"{where}: unknown question id '{row['question']}'")
    if row.get("text"):
        return Rating(row["id"], score(row["text"], question), value)
    if row.get("answer"):
        if stored is None:
            raise UserError(f"{where}: stored answers cannot be read here")
        result, _ = stored(row["answer"])
        return Rating(row["id"], result, value)
    raise UserError(f"{where}: neither text nor a stored answer id")


def criteria_matrix(ratings: Sequence[Rating], ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(scores 0–1, present mask): one row per rating, one column per criterion id."""
    x = np.zeros((len(ratings), len(ids)))
    present = np.zeros_like(x, dtype=bool)
    col = {cid: j for j, cid in enumerate(ids)}
    for i, r in enumerate(ratings):
        for c in r.score.criteria:
            if c.id in col:
                x[i, col[c.id]] = c.score / 100.0
                present[i, col[c.id]] = True
    return x, present


def overall(x: np.ndarray, present: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The rubric's overall score: the weighted mean of the criteria present in each row."""
    weights = present * w
    total = weights.sum(axis=1)
    return np.where(total > 0, (weights * x).sum(axis=1) / np.where(total > 0, total, 1.0), 0.0)


def fit_weights(x: np.ndarray, present: np.ndarray, y: np.ndarray, penalty: float) -> np.ndarray:
    """Non-negative ridge weights; a criterion missing from a row counts at its mean there."""
    means = np.where(
        present.any(axis=0), (x * present).sum(axis=0) / np.maximum(present.sum(axis=0), 1), 0.0
    )
    filled = np.where(present, x, means)
    xc = filled - filled.mean(axis=0)
    yc = (y - y.mean()) / (y.std() or 1.0)
    k = x.shape[1]
    a = np.vstack([xc, np.sqrt(penalty * len(y)) * np.eye(k)])
    b = np.concatenate([yc, np.zeros(k)])
    w, _ = nnls(a, b)
    return np.asarray(w)


def _rho(a: np.ndarray, b: np.ndarray) -> float:
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0
    return float(spearmanr(a, b)[0])


def _folds(n: int) -> np.ndarray:
    folds = np.arange(n) % FOLDS
    np.random.default_rng(0).shuffle(folds)  # fixed seed: the same CSV gives the same fit
    return folds


def _out_of_fold(
    x: np.ndarray, present: np.ndarray, y: np.ndarray, penalty: Callable[[np.ndarray], float]
) -> np.ndarray:
    """Each row's overall score from weights fitted without its fold."""
    folds = _folds(len(y))
    pred = np.zeros(len(y))
    for f in range(FOLDS):
        train, test = folds != f, folds == f
        w = fit_weights(x[train], present[train], y[train], penalty(train))
        pred[test] = overall(x[test], present[test], w)
    return pred


def pick_penalty(x: np.ndarray, present: np.ndarray, y: np.ndarray) -> float:
    """The ridge penalty whose out-of-fold overall scores rank ``y`` best."""
    rhos = [_rho(_out_of_fold(x, present, y, _constant(p)), y) for p in PENALTIES]
    return PENALTIES[int(np.argmax(rhos))]


def _constant(penalty: float) -> Callable[[np.ndarray], float]:
    return lambda _rows: penalty


def fit_rubric(ratings: Sequence[Rating], rubric: Rubric) -> Fit:
    """Fit weights for every criterion the ratings' scores hold; CV ρ against the ratings."""
    ids = sorted({c.id for r in ratings for c in r.score.criteria} & set(rubric.criteria))
    x, present = criteria_matrix(ratings, ids)
    y = np.array([r.rating for r in ratings])
    # Nested: each outer fold picks its penalty on its own training rows only.
    pred = _out_of_fold(
        x, present, y, lambda train: pick_penalty(x[train], present[train], y[train])
    )
    penalty = pick_penalty(x, present, y)
    w = fit_weights(x, present, y, penalty)
    if not w.any():
        raise UserError("no criterion ranks these answers the way the ratings do: nothing to fit")
    w = w / w.max() * 2.0  # the largest weight 2, like the built-in rubric's scale
    default = np.array([r.score.overall for r in ratings])
    return Fit(
        weights={cid: round(float(v), 3) for cid, v in zip(ids, w, strict=True)},
        cv_rho=_rho(pred, y),
        default_rho=_rho(default, y),
        rows=len(ratings),
        penalty=penalty,
    )


def rubric_toml(fit: Fit, rubric: Rubric, source: str) -> str:
    """A user rubric holding only the fitted weights, with how they were fitted."""
    lines = [
        f"# Weights fitted by `voicesim rubric fit` to {fit.rows} rated answers in {source}.",
        f"# Cross-validated Spearman ρ {fit.cv_rho:.2f} (built-in weights: {fit.default_rho:.2f});",
        f"# non-negative ridge, penalty {fit.penalty:g}. Use: voicesim … --rubric THIS_FILE",
        '# or [rubric] path = "THIS_FILE" in config.toml. A weight of 0 switches a criterion off.',
        "",
    ]
    for cid, weight in sorted(
        fit.weights.items(), key=lambda kv: (rubric.spec(kv[0]).group, kv[0])
    ):
        lines += [f"[{rubric.spec(cid).group}.{cid}]", f"weight = {weight}", ""]
    return "\n".join(lines)
