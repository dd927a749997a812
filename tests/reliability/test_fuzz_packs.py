"""Bad question packs in bulk (hypothesis): random TOML documents shaped like a pack, and
random text or bytes as a pack file. Loading gives a pack or one PackError; loading a folder
reports a bad file as an error line, never an exception.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.fuzz import cases
from tests.support.reliability import Sentinel
from voicesim.errors import PackError
from voicesim.packs import load_pack, load_packs
from voicesim.scoring.rubric import load_rubric

pytestmark = pytest.mark.timeout(240)

CHECKS = load_rubric().check_names()  # what a question may name, from the rubric


KEYS = ("pack", "questions", "id", "title", "text", "category", "kind", "target_s", "tip")
SCALARS = st.one_of(
    st.text(max_size=30),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True),
    st.booleans(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=4),
    ),
    max_leaves=12,
)


def toml_value(v: Any) -> str:
    """A minimal TOML writer (inline tables and arrays), enough for generated documents."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return (
            "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
        )
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + "}"


def toml_document(doc: dict[str, Any]) -> str:
    lines = []
    for key, value in doc.items():
        if isinstance(value, dict):
            lines.append(f"[{json.dumps(key)}]")
            lines += [f"{json.dumps(k)} = {toml_value(x)}" for k, x in value.items()]
        elif isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
            for item in value:
                lines.append(f"[[{json.dumps(key)}]]")
                lines += [f"{json.dumps(k)} = {toml_value(x)}" for k, x in item.items()]
        else:
            lines.insert(0, f"{json.dumps(key)} = {toml_value(value)}")
    return "\n".join(lines) + "\n"


PACK_DOCS = st.fixed_dictionaries(
    {
        "pack": st.dictionaries(st.sampled_from(("id", "title", "description", "x")), VALUES),
        "questions": st.lists(
            st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), VALUES),
            max_size=4,
        ),
    },
    optional={"extra": VALUES},
)


def check_pack_file(path: Path) -> None:
    try:
        load_pack(path, CHECKS)
    except PackError as exc:
        assert str(exc).strip()
    # a bad file is an error line, never an exception
    packset = load_packs([path.parent], known_checks=CHECKS)
    assert all(isinstance(e, str) for e in packset.errors)


@cases(120)
@given(doc=PACK_DOCS)
def test_random_toml_packs(work: Path, sentinel: Sentinel, doc: dict[str, Any]) -> None:
    folder = work / "packs-structured"
    folder.mkdir(exist_ok=True)
    path = folder / "fuzz.toml"
    path.write_text(toml_document(doc), encoding="utf-8")
    check_pack_file(path)
    sentinel.assert_untouched()


@cases(60)
@given(text=st.one_of(st.text(max_size=400), st.binary(max_size=400)))
def test_random_text_as_a_pack(work: Path, text: str | bytes) -> None:
    folder = work / "packs-text"
    folder.mkdir(exist_ok=True)
    path = folder / "fuzz.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    check_pack_file(path)
