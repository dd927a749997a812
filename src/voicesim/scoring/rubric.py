"""The rubric: weights, bands, word lists and tips of every criterion, read from TOML.

The built-in rubric (``voicesim/data/rubric.toml``) is also the schema: a user rubric
holds only the keys it changes, and each must exist in the built-in one with the same
type. Under ``[checks]`` a user rubric may add new named checks that packs then use.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicesim import paths
from voicesim.errors import PackError
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

    def check_names(self) -> set[str]:
        """Names a question may use under ``expects`` / ``donts``."""
        return set(self.checks) | set(BUILTIN_EXPECTATIONS)


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
    data = _read_toml(base_path)
    if path is not None:
        user_path = Path(path).expanduser()
        if not user_path.is_file():
            raise PackError(f"{user_path}: rubric file not found")
        user = _read_toml(user_path)
        data = _merge(data, user, str(user_path))
        source = str(user_path)
    else:
        source = "built-in"
    return _build(data, source)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"{path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"{path}: cannot read: {exc}") from None


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
    if isinstance(base, list) and base and not isinstance(base[0], list):
        _check_list(base, value, where)
    return value


def _check_list(base: list[Any], value: list[Any], where: str) -> None:
    """Word lists stay lists of strings; number pairs such as bands stay number pairs."""
    if isinstance(base[0], str):
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise PackError(f"{where} must be a list of non-empty strings")
        return
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    if not numbers or len(value) != len(base):
        raise PackError(f"{where} must be a list of {len(base)} numbers")


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


def _build(data: dict[str, Any], source: str) -> Rubric:
    criteria: dict[str, CriterionSpec] = {}
    for group in GROUPS:
        tables = data.get(group, {})
        if not isinstance(tables, dict):
            raise PackError(f"{source}: '{group}' must be a table")
        for cid, table in tables.items():
            where = f"{source}: '{group}.{cid}'"
            if not isinstance(table, dict):
                raise PackError(f"{where} must be a table")
            _check_curves(table, where)
            weight = table.get("weight", 0.0)
            if not isinstance(weight, int | float) or isinstance(weight, bool) or weight < 0:
                raise PackError(f"{where}.weight must be a number ≥ 0")
            criteria[cid] = CriterionSpec(
                id=cid,
                group=group,
                label=str(table.get("label", cid)),
                weight=float(weight),
                params=dict(table),
            )
    checks = {name: _build_check(name, t, source) for name, t in data.get("checks", {}).items()}
    return Rubric(source=source, criteria=criteria, checks=checks)


def _check_curves(table: dict[str, Any], where: str) -> None:
    for key, value in table.items():
        if not key.endswith("curve"):
            continue
        ok = isinstance(value, list) and len(value) >= 2
        ok = ok and all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(v, int | float) for v in p)
            for p in value
        )
        if not ok:
            raise PackError(f"{where}.{key} must be a list of at least two [x, score] pairs")
        xs = [float(p[0]) for p in value]
        if xs != sorted(xs):
            raise PackError(f"{where}.{key}: the x values must increase")


def _build_check(name: str, table: dict[str, Any], source: str) -> Check:
    where = f"{source}: 'checks.{name}'"
    for key, value in table.items():
        kind = _CHECK_KEYS.get(key)
        if kind is None:
            raise PackError(f"{where}: unknown key '{key}' (known: {', '.join(_CHECK_KEYS)})")
        if isinstance(value, bool) or not isinstance(value, kind):
            raise PackError(f"{where}.{key} has the wrong type")
    for key in ("kind", "label", "tip"):
        if key not in table:
            raise PackError(f"{where}: missing '{key}'")
    if table["kind"] not in CHECK_KINDS:
        raise PackError(f"{where}.kind must be one of {', '.join(CHECK_KINDS)}")
    detector = str(table.get("detector", "phrases"))
    if detector not in DETECTORS:
        raise PackError(f"{where}.detector must be one of {', '.join(DETECTORS)}")
    phrases = table.get("phrases", [])
    if not all(isinstance(p, str) and p.strip() for p in phrases):
        raise PackError(f"{where}.phrases must be a list of non-empty strings")
    if detector == "phrases" and not phrases:
        raise PackError(f"{where}: missing 'phrases'")
    return Check(
        name=name,
        kind=str(table["kind"]),
        label=str(table["label"]),
        phrases=tuple(str(p) for p in phrases),
        tip=str(table["tip"]),
        penalty=float(table.get("penalty", 30.0)),
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
