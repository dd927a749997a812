"""Fit the rubric's criterion weights to a coach's own ratings.

Ratings come as CSV rows (id, question, text or a stored answer "SESSION/N", rating). Each
answer is scored with the current rubric; the weights are then fitted as a ridge
regression with non-negative weights (a criterion may only count for, never against, its
own direction), the penalty chosen by cross-validation, and the whole procedure itself
cross-validated so the reported Spearman ρ is for rows the fit never saw. Pure apart
from reading the CSV; scores 0–100.

What the CSV may look like, and why (each case a spreadsheet produced):

- Column names are read without case: Excel's ``ID,Question,Text,Rating`` was "missing
  column(s) id, question, rating, text", though nothing else can be meant.
- The fields may be separated by ``;`` or a tab instead of ``,``, whichever makes the
  header hold the columns; in a ``;`` file a rating may have a decimal comma (``4,5``).
  Excel writes ``;`` and decimal commas in every locale whose decimal mark is a comma, even
  for "CSV", so refusing such a file would leave those users no way to produce one.
- A row with more non-empty fields than the header is refused (an unquoted comma in a text
  had silently cut it short and dropped the rest); rows whose fields are all empty, as
  spreadsheets leave at the end, are skipped. Line numbers are those of the file, where
  the row starts, even after a text spanning several lines.
- Ids must be unique: a repeated id is nearly always a pasted row twice, and the same
  answer in a training and a test fold would make the cross-validated ρ look better than
  it is. Several raters' ratings of one answer belong averaged in one row.
- Ratings that are all the same rank nothing: refused as such (it was "no criterion ranks
  these answers the way the ratings do", which hid the cause).
- An error about a stored answer (``answer`` column) names the file and line, as for the
  other columns (it was "session … has no answer 0 (it has 2)" with no line).

A fit is refused (UserError, so nothing is written) when it would be worse than keeping
the current rubric in a way the user cannot see from the numbers alone:

- The current rubric ranks the ratings at ρ ≤ REVERSED_RHO: the ratings almost surely run
  the other way (1 = best, or ranks). A scale of ranks fitted as given turned off 13 of 14
  criteria (ρ −0.90 current, −0.08 fitted) and was written without a word. The fix is one
  column of the CSV (rate with the negative), which the message says.
- The cross-validated ρ of the fit is ≤ 0: on answers it never saw it ranks no better than
  chance (12 random ratings gave ρ −0.43 and a rubric was written). Refusing loses
  nothing: such weights are worth less than the current ones, which stay in use, and a
  warning beside a written file could be missed while the file is used for months.
"""

from __future__ import annotations

import csv
import io
import re
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
NEEDED = frozenset({"id", "question", "rating"})
TEXT_COLUMNS = ("text", "answer")
DELIMITERS = (",", ";", "\t")
"""Field separators tried in this order; the first that makes the header whole is used."""
SEPARATOR_NAMES = {",": "','", ";": "';'", "\t": "a tab"}
DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
"""A rating as a ``;`` file from a decimal-comma locale writes it: ``4,5``."""
REVERSED_RHO = -0.5
"""The current rubric ranking the ratings at or below this: they run the other way."""


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
    """Every CSV row scored; the first bad column or row raises UserError naming the line.

    ``score`` scores a text against a question; ``stored`` re-scores a stored answer id.
    What the CSV may look like: the module docstring.
    """
    delimiter, header = _header(text)
    column = _columns(header, where)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(reader, None)
    out: list[Rating] = []
    first_line: dict[str, int] = {}
    end = reader.line_num
    for fields in reader:
        line, end = end + 1, reader.line_num
        if not any(f.strip() for f in fields):
            continue  # a blank line, or the empty rows a spreadsheet leaves at the end
        at = f"{where}: line {line}"
        if any(f.strip() for f in fields[len(header) :]):
            raise UserError(
                f"{at}: {len(fields)} fields but the header has {len(header)} (a text "
                f"holding {SEPARATOR_NAMES[delimiter]} must be in double quotes)"
            )
        row = {name: (fields[j].strip() if j < len(fields) else "") for name, j in column.items()}
        if delimiter == ";" and DECIMAL_COMMA.fullmatch(row["rating"]):
            row["rating"] = row["rating"].replace(",", ".")
        rating = _rating(row, at, find, score, stored)
        if rating.id in first_line:
            raise UserError(
                f"{at}: id '{rating.id}' is already on line {first_line[rating.id]} (ids must "
                "be unique; average several ratings of one answer into one row)"
            )
        first_line[rating.id] = line
        out.append(rating)
    if len(out) < 2 * FOLDS:
        raise UserError(f"{where}: {len(out)} rated answers; need at least {2 * FOLDS} to fit")
    if len({r.rating for r in out}) == 1:
        raise UserError(
            f"{where}: every rating is {out[0].rating:g}; the fit needs ratings that differ"
        )
    return out


def _header(text: str) -> tuple[str, list[str]]:
    """The delimiter and the column names (stripped, lower-case) of the first row.

    ``,`` unless ``;`` or a tab makes the header hold more of the needed columns, so a
    ``;`` file missing a column is told that column, not all four."""
    parsed = [
        (d, [c.strip().lower() for c in next(csv.reader(io.StringIO(text), delimiter=d), [])])
        for d in DELIMITERS
    ]
    return min(parsed, key=lambda dn: len(_missing(dn[1])))  # the first of equals


def _missing(names: Sequence[str]) -> list[str]:
    return sorted(NEEDED - set(names)) + ([] if set(TEXT_COLUMNS) & set(names) else ["text"])


def _columns(header: Sequence[str], where: str) -> dict[str, int]:
    """Column name → index for the columns read; UserError if one is missing or repeated."""
    missing = _missing(header)
    if missing:
        need_all = "id, question, text or answer, rating"
        raise UserError(f"{where}: missing column(s) {', '.join(missing)} (need {need_all})")
    column: dict[str, int] = {}
    for j, name in enumerate(header):
        if name in NEEDED or name in TEXT_COLUMNS:
            if name in column:
                raise UserError(
                    f"{where}: column '{name}' appears twice (columns {column[name] + 1} and "
                    f"{j + 1})"
                )
            column[name] = j
    return column


def _rating(
    row: dict[str, str],
    where: str,
    find: Callable[[str], Question | None],
    score: Callable[[str, Question | None], Score],
    stored: Callable[[str], tuple[Score, Question | None]] | None,
) -> Rating:
    if not row["rating"]:
        raise UserError(f"{where}: no rating")
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
        try:
            result, _ = stored(row["answer"])
        except UserError as exc:  # "session … has no answer 0": which row said so?
            raise UserError(f"{where}: {exc}") from None
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
    fit = Fit(
        weights={cid: round(float(v), 3) for cid, v in zip(ids, w, strict=True)},
        cv_rho=_rho(pred, y),
        default_rho=_rho(np.array([r.score.overall for r in ratings]), y),
        rows=len(ratings),
        penalty=penalty,
    )
    check_useful(fit)
    return fit


def check_useful(fit: Fit) -> None:
    """UserError unless ``fit`` can be used instead of the current rubric (module docstring).

    Reversed ratings are named first: they are the likely cause of a useless fit, and the
    one the user can mend."""
    rhos = f"fitted ρ {fit.cv_rho:+.2f}, current rubric {fit.default_rho:+.2f}"
    if fit.default_rho <= REVERSED_RHO:
        raise UserError(
            f"the ratings look reversed ({rhos}): higher ratings must mean better answers; "
            "for a scale where 1 is best, rate with the negative (-rating)"
        )
    if fit.cv_rho <= 0:
        raise UserError(
            f"on answers the fit did not see, its weights rank no better than chance ({rhos}); "
            "check that higher ratings mean better answers, or rate more answers"
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
