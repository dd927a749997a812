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
from hypothesis import example, given
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
    """``path`` loads as a pack or raises one PackError, and the folder loader agrees: a
    file load_pack refuses is left out with one error line naming it (never an
    exception); a file it accepts is loaded, unless its question ids clash with a built-in
    pack's, when it is left out with one duplicate-id error naming it."""
    pack, refused = None, ""
    try:
        pack = load_pack(path, CHECKS)
    except PackError as exc:
        refused = str(exc)
        assert refused.strip()
    packset = load_packs([path.parent], known_checks=CHECKS)
    assert all(isinstance(e, str) for e in packset.errors)
    naming = [e for e in packset.errors if str(path) in e]
    if pack is None:
        assert naming == [refused], packset.errors
        assert all(p.path != path for p in packset.packs.values())
        return
    ids = {q.id for q in pack.questions}
    if packset.packs.get(pack.id) == pack:
        assert naming == [], packset.errors
        rest = [q.id for p in packset.packs.values() if p.path != path for q in p.questions]
        assert not ids.intersection(rest), "two loaded packs share a question id"
    else:
        builtin = load_packs([], known_checks=CHECKS).questions()
        assert ids & {q.id for q in builtin if q.pack != pack.id}, "an accepted pack was left out"
        assert len(naming) == 1 and "duplicate id" in naming[0], packset.errors


def _valid_pack(pack_id: str, question_id: str) -> dict[str, Any]:
    """A pack document load_pack accepts: one question."""
    question = {
        "id": question_id,
        "text": "What did you change last year?",
        "category": "achievements",
        "kind": "behavioural",
        "target_s": [60, 120],
        "tip": "Say what changed, with a number.",
    }
    return {"pack": {"id": pack_id, "title": "Fuzz"}, "questions": [question]}


@cases(120)
@given(doc=PACK_DOCS)
@example(doc=_valid_pack("fuzz-valid", "fuzz-only-question"))  # loads
@example(doc=_valid_pack("managerial", "fuzz-only-question"))  # replaces the built-in pack
@example(doc=_valid_pack("fuzz-clash", "mgr-leadership-effective-leader"))  # duplicate id
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
