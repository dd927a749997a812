"""The rubric: weights, bands, word lists and tips of every criterion, read from TOML.

The built-in rubric (``voicesim/data/rubric.toml``) is also the schema: a user rubric
holds only the keys it changes, and each must exist in the built-in one with the same
type. Under ``[checks]`` a user rubric may add new named checks that packs then use.
"""

from __future__ import annotations

import copy
import difflib
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicesim import paths
from voicesim.errors import PackError
from voicesim.pack_fields import CheckNames, read_toml_text
from voicesim.results import Criterion, Evidence, Group

GROUPS = ("clarity", "conciseness", "content")
# Expectations scored by their own content criterion rather than by a phrase check.
BUILTIN_EXPECTATIONS = {
    "numbers": "quantified",
    "team_language": "we_i_balance",
    "car_structure": "structure",
}
CHECK_KINDS = ("expect", "dont")
DETECTORS = ("phrases", "questions", "money")
_CHECK_KEYS: dict[str, type | tuple[type, ...]] = {
    "kind": str,
    "label": str,
    "phrases": list,
    "tip": str,
    "penalty": (int, float),
    "detector": str,
    "min_hits": int,
}
MAX_WEIGHT = 100.0
"""Largest criterion weight: the built-in ones are 0–2 and ``rubric fit`` writes at most 2;
a weight of ``inf`` made the overall score NaN (``"overall": NaN`` in --json)."""
POINTS = ("situation", "own_action", "team_action", "result", "order", "no_mentions")
"""Keys that hold points of a 0–100 score, as every ``*penalty*`` key and a curve's scores do."""
MAX_TEXT = 1000
"""Longest label, tip or phrase, in characters (the built-in longest is 174): tips are
spoken after an answer, and a question's 2 MB text crashed the speech engine."""
AT_LEAST_ONE = ("ngram", "window")
"""Whole-number keys that cannot be 0: a circling window of 0 divided by zero."""


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion's settings: group, label, weight and its own bands, lists and tips."""

    id: str
    group: str
    label: str
    weight: float
    params: dict[str, Any] = field(default_factory=dict)

    def num(self, key: str) -> float:
        return float(self.params[key])

    def pair(self, key: str) -> tuple[float, float]:
        low, high = self.params[key]
        return float(low), float(high)

    def curve(self, key: str = "curve") -> list[tuple[float, float]]:
        return [(float(x), float(y)) for x, y in self.params[key]]

    def words(self, key: str) -> list[str]:
        return [str(w) for w in self.params[key]]

    def tip(self, key: str, **values: Any) -> str:
        """The tip template ``key`` filled with ``values`` (unknown placeholders left as is)."""
        template = str(self.params[key])
        try:
            return template.format_map(_Lenient(values))
        except (ValueError, IndexError, AttributeError):
            return template  # a user rubric's malformed placeholder: show the text as written


@dataclass(frozen=True)
class Check:
    """A named expectation or don't that questions refer to by name."""

    name: str
    kind: str  # "expect" | "dont"
    label: str
    phrases: tuple[str, ...]
    tip: str
    penalty: float = 0.0
    detector: str = "phrases"
    min_hits: int = 1


@dataclass(frozen=True)
class Rubric:
    """Every criterion's settings and every named check, plus where they came from."""

    source: str
    criteria: dict[str, CriterionSpec]
    checks: dict[str, Check]

    def spec(self, criterion_id: str) -> CriterionSpec:
        return self.criteria[criterion_id]

    def check_names(self) -> CheckNames:
        """Names a question may use under ``expects`` / ``donts``, knowing the don'ts."""
        expects = [n for n, c in self.checks.items() if c.kind == "expect"]
        donts = [n for n, c in self.checks.items() if c.kind == "dont"]
        return CheckNames([*expects, *BUILTIN_EXPECTATIONS], donts)


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def builtin_rubric_path() -> Path:
    """The rubric shipped with voicesim."""
    return paths.package_data("rubric.toml")


def load_rubric(path: Path | str | None = None) -> Rubric:
    """Read the built-in rubric, then apply the user rubric at ``path`` on top (if given).

    Raises PackError naming the file, the key and what is wrong.
    """
    base_path = builtin_rubric_path()
    data = base = _read_toml(base_path)
    if path is not None:
        user_path = Path(path).expanduser()
        if user_path.is_dir():
            raise PackError(f"{user_path}: is a directory, not a rubric file")
        if not user_path.is_file():
            raise PackError(f"{user_path}: rubric file not found")
        user = _read_toml(user_path)
        data = _merge(data, user, str(user_path))
        source = str(user_path)
    else:
        source = "built-in"
    return _build(data, source, base)


def _read_toml(path: Path) -> dict[str, Any]:
    """The rubric file's TOML, read as packs are (a byte-order mark is fine)."""
    try:
        return tomllib.loads(read_toml_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"{path}: not valid TOML: {exc}") from None


def _merge(base: dict[str, Any], user: dict[str, Any], where: str) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in user.items():
        if key == "checks":
            merged["checks"] = _merge_checks(merged.get("checks", {}), value, where)
        elif key not in base:
            raise PackError(f"{where}: unknown key '{key}' (known: {', '.join(sorted(base))})")
        else:
            merged[key] = _merge_value(base[key], value, f"{where}: '{key}'")
    return merged


def _merge_value(base: Any, value: Any, where: str) -> Any:
    if isinstance(base, dict):
        if not isinstance(value, dict):
            raise PackError(f"{where} must be a table")
        out = dict(base)
        for key, item in value.items():
            if key not in base:
                raise PackError(f"{where}: unknown key '{key}' (known: {', '.join(sorted(base))})")
            out[key] = _merge_value(base[key], item, f"{where[:-1]}.{key}'")
        return out
    if not _same_type(base, value):
        raise PackError(f"{where} must be {_type_name(base)}, got {_type_name(value)}")
    if isinstance(value, float) and not math.isfinite(value):  # `weight = inf`, `= nan`
        raise PackError(f"{where} must be a finite number, got {value}")
    _check_length(value, where)
    if isinstance(base, list) and base and not isinstance(base[0], list):
        _check_list(base, value, where)
    return value


def _check_list(base: list[Any], value: list[Any], where: str) -> None:
    """Word lists stay lists of strings; number pairs such as bands stay number pairs."""
    if isinstance(base[0], str):
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise PackError(f"{where} must be a list of non-empty strings")
        for item in value:
            _check_length(item, f"{where}: an item")
        return
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    if not numbers or len(value) != len(base):
        raise PackError(f"{where} must be a list of {len(base)} numbers")


def _check_length(value: Any, where: str) -> None:
    """PackError when the text ``value`` is longer than :data:`MAX_TEXT`."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise PackError(f"{where} is {len(value)} characters long; at most {MAX_TEXT}")


def _same_type(base: Any, value: Any) -> bool:
    if isinstance(base, bool) or isinstance(value, bool):
        return isinstance(base, bool) and isinstance(value, bool)
    if isinstance(base, int | float):
        return isinstance(value, int | float)
    if isinstance(base, list):
        return isinstance(value, list)
    return isinstance(value, type(base))


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _merge_checks(base: dict[str, Any], user: Any, where: str) -> dict[str, Any]:
    if not isinstance(user, dict):
        raise PackError(f"{where}: 'checks' must be a table")
    out = copy.deepcopy(base)
    for name, table in user.items():
        if not isinstance(table, dict):
            raise PackError(f"{where}: 'checks.{name}' must be a table")
        out[name] = {**out.get(name, {}), **table}
    return out


def _build(data: dict[str, Any], source: str, base: dict[str, Any]) -> Rubric:
    """The rubric of the merged ``data``; ``base`` (the built-in file) says which settings
    are whole numbers."""
    criteria: dict[str, CriterionSpec] = {}
    for group in GROUPS:
        tables = data.get(group, {})
        if not isinstance(tables, dict):
            raise PackError(f"{source}: '{group}' must be a table")
        for cid, table in tables.items():
            where = f"{source}: '{group}.{cid}"  # the key's closing quote comes with the key
            if not isinstance(table, dict):
                raise PackError(f"{where}' must be a table")
            _check_curves(table, where)
            weight = table.get("weight", 0.0)
            if not isinstance(weight, int | float) or isinstance(weight, bool):
                raise PackError(f"{where}.weight' must be a number ≥ 0")
            if not 0 <= weight <= MAX_WEIGHT:  # NaN fails too: it dropped the criterion
                raise PackError(
                    f"{where}.weight' must be a number ≥ 0 and at most {MAX_WEIGHT:g}, got {weight}"
                )
            _check_numbers(table, where, base.get(group, {}).get(cid, {}))
            criteria[cid] = CriterionSpec(
                id=cid,
                group=group,
                label=str(table.get("label", cid)),
                weight=float(weight),
                params=dict(table),
            )
    if criteria and not any(spec.weight > 0 for spec in criteria.values()):
        # Every score would be "overall 0/100", as if the answer were worthless.
        raise PackError(f"{source}: every criterion has weight 0: nothing would be scored")
    checks = {name: _build_check(name, t, source) for name, t in data.get("checks", {}).items()}
    donts = {name for name, check in checks.items() if check.kind == "dont"}
    for name in criteria["donts"].params.get("general", []) if "donts" in criteria else []:
        if name not in donts:  # a misspelt name would leave that don't unchecked, unsaid
            near = difflib.get_close_matches(str(name), sorted(donts), n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise PackError(f"{source}: 'content.donts.general' names no don't {name!r}{hint}")
    return Rubric(source=source, criteria=criteria, checks=checks)


def _check_numbers(table: dict[str, Any], where: str, builtin: dict[str, Any]) -> None:
    """Every number of a criterion finite and in range, so no score turns NaN or negative.

    Points (:data:`POINTS`) lie in 0–100, whole-number settings stay whole, number pairs
    such as bands run low to high, and nothing else is negative (only a curve's measures
    may be, as dBFS levels are). ``generic_penalty = -12`` rewarded clichés;
    ``window = 0`` was an internal error.
    """
    for key, value in table.items():
        if key.endswith("curve") or key == "weight" or isinstance(value, bool):
            continue
        name = f"{where}.{key}'"
        numbers = isinstance(value, list) and value and isinstance(value[0], int | float)
        if numbers and (not all(0 <= v < math.inf for v in value) or value != sorted(value)):
            raise PackError(f"{name} must be numbers ≥ 0 from low to high, got {value}")
        if not isinstance(value, int | float):
            continue
        whole = isinstance(builtin.get(key), int) and not isinstance(builtin.get(key), bool)
        if not math.isfinite(value) or value < 0:
            raise PackError(f"{name} must be a number ≥ 0, got {value}")
        if (key in POINTS or "penalty" in key) and value > 100:
            raise PackError(f"{name} holds points of a 0–100 score: at most 100, got {value}")
        if whole and (not float(value).is_integer() or (key in AT_LEAST_ONE and value < 1)):
            low = 1 if key in AT_LEAST_ONE else 0
            raise PackError(f"{name} must be a whole number ≥ {low}, got {value}")


def _check_curves(table: dict[str, Any], where: str) -> None:
    for key, value in table.items():
        if not key.endswith("curve"):
            continue
        ok = isinstance(value, list) and len(value) >= 2
        ok = ok and all(
            isinstance(p, list)
            and len(p) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in p)
            for p in value
        )
        if not ok:
            raise PackError(f"{where}.{key}' must be a list of at least two [x, score] pairs")
        if not all(math.isfinite(v) for p in value for v in p):
            raise PackError(f"{where}.{key}' must hold finite numbers, got {value}")
        xs = [float(p[0]) for p in value]
        if xs != sorted(xs):
            raise PackError(f"{where}.{key}': the x values must increase")
        # `[[0.5, 0], [0.9, 500]]` was accepted; the criterion's score is 0–100.
        if not all(0 <= float(p[1]) <= 100 for p in value):
            raise PackError(f"{where}.{key}': each score must be 0–100, got {value}")


def _build_check(name: str, table: dict[str, Any], source: str) -> Check:
    where = f"{source}: 'checks.{name}"  # the key's closing quote comes with the key
    for key, value in table.items():
        kind = _CHECK_KEYS.get(key)
        if kind is None:
            raise PackError(f"{where}': unknown key '{key}' (known: {', '.join(_CHECK_KEYS)})")
        if isinstance(value, bool) or not isinstance(value, kind):
            raise PackError(f"{where}.{key}' has the wrong type")
        for item in value if isinstance(value, list) else [value]:
            _check_length(item, f"{where}.{key}'")
    for key in ("kind", "label", "tip"):
        if key not in table:
            raise PackError(f"{where}': missing '{key}'")
    if table["kind"] not in CHECK_KINDS:
        raise PackError(f"{where}.kind' must be one of {', '.join(CHECK_KINDS)}")
    detector = str(table.get("detector", "phrases"))
    if detector not in DETECTORS:
        raise PackError(f"{where}.detector' must be one of {', '.join(DETECTORS)}")
    phrases = table.get("phrases", [])
    if not all(isinstance(p, str) and p.strip() for p in phrases):
        raise PackError(f"{where}.phrases' must be a list of non-empty strings")
    if detector == "phrases" and not phrases:
        # `phrases = []` was reported as "missing 'phrases'" though it was there.
        said = "is empty" if "phrases" in table else "is missing"
        raise PackError(f"{where}.phrases' {said}: a phrase check needs at least one phrase")
    penalty = table.get("penalty", 30.0)
    # A negative penalty silently switched the don't off (donts 100 on "It was not my fault").
    if not (math.isfinite(penalty) and 0 <= penalty <= 100):
        raise PackError(f"{where}.penalty' must be a number from 0 to 100, got {penalty}")
    if table.get("min_hits", 1) < 1:
        raise PackError(f"{where}.min_hits' must be a whole number ≥ 1, got {table['min_hits']}")
    return Check(
        name=name,
        kind=str(table["kind"]),
        label=str(table["label"]),
        phrases=tuple(str(p) for p in phrases),
        tip=str(table["tip"]),
        penalty=float(penalty),
        detector=detector,
        min_hits=int(table.get("min_hits", 1)),
    )


def rubric_criterion(
    rubric: Rubric, cid: str, group: Group, score: float, evidence: list[Evidence], tip: str
) -> Criterion:
    """A criterion with its weight and label from the rubric; ``score`` clamped to 0–100."""
    spec = rubric.spec(cid)
    return Criterion(
        id=cid,
        group=group,
        score=round(max(0.0, min(100.0, score)), 1),
        weight=spec.weight,
        evidence=evidence,
        tip=tip,
        label=spec.label,
    )
