"""Stage: question packs. Read and validate ``*.toml`` packs, find and select questions.

A pack file::

    [pack]
    id = "managerial"
    title = "Interview for a managerial position"
    description = "..."          # optional

    [[questions]]
    id = "mgr-achievements-biggest"
    text = "What is your most significant achievement as a manager?"
    category = "achievements"
    kind = "behavioural"
    target_s = [60, 120]
    tip = "Back it with numbers and say what your team achieved."
    follow_ups = ["How did you measure it?"]        # optional
    stress_follow_ups = ["So what?"]                # optional, curt, for the stress mode
    expects = ["numbers", "team_language", "car_structure"]   # optional, named checks
    donts = ["hackneyed_self_praise"]               # optional, named checks

Check names come from the rubric in use (``voicesim/data/rubric.toml``, ``[checks]``, with
the checks a user rubric adds): the caller passes them, as ``pack_fields.CheckNames`` when it knows
which are don'ts.
"""

from __future__ import annotations

import difflib
import random
import re
import tomllib
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicesim import paths
from voicesim.errors import PackError, UserError
from voicesim.pack_fields import (
    MAX_FOLLOW_UPS,
    check_length,
    check_names,
    read_toml_text,
    strings_of,
    target_range_of,
)

DEFAULT_PACK = "managerial"
KINDS = ("behavioural", "factual", "situational", "projective", "stress", "opening", "closing")
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_PACK_KEYS = {"id": str, "title": str, "description": str}
_REQUIRED = ("id", "text", "category", "kind", "target_s", "tip")
_OPTIONAL = ("follow_ups", "stress_follow_ups", "expects", "donts")


@dataclass(frozen=True)
class Question:
    """One interview question and what a good answer to it holds; target in seconds."""

    id: str
    text: str
    category: str
    kind: str
    target_s: tuple[float, float]
    tip: str
    pack: str = ""
    follow_ups: tuple[str, ...] = ()
    stress_follow_ups: tuple[str, ...] = ()
    expects: tuple[str, ...] = ()
    donts: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "pack": self.pack,
            "category": self.category,
            "kind": self.kind,
            "text": self.text,
            "target_s": list(self.target_s),
            "tip": self.tip,
            "follow_ups": list(self.follow_ups),
            "stress_follow_ups": list(self.stress_follow_ups),
            "expects": list(self.expects),
            "donts": list(self.donts),
        }


@dataclass(frozen=True)
class Pack:
    """A named set of questions read from one file."""

    id: str
    title: str
    path: Path
    questions: tuple[Question, ...]
    description: str = ""

    @property
    def categories(self) -> list[str]:
        return sorted({q.category for q in self.questions})


@dataclass
class PackSet:
    """All packs that loaded (user packs override built-ins by id) and the errors of the rest."""

    packs: dict[str, Pack] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def questions(self) -> list[Question]:
        return [q for pack in self.packs.values() for q in pack.questions]

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions() if q.id == qid), None)

    def clash(self, pack: Pack) -> tuple[str, str] | None:
        """The first question id of ``pack`` that another pack here already uses, with that
        pack's id; None when there is none. A pack here with ``pack``'s id does not count:
        ``pack`` would replace it."""
        for other in self.packs.values():
            if other.id == pack.id:
                continue
            ids = {q.id for q in other.questions}
            clash = next((q.id for q in pack.questions if q.id in ids), None)
            if clash:
                return clash, other.id
        return None

    def require_question(self, qid: str) -> Question:
        """The question ``qid``; UserError naming the closest ids when no pack has it."""
        found = self.question(qid)
        if found is not None:
            return found
        ids = [q.id for q in self.questions()]
        close = difflib.get_close_matches(qid, ids, n=3, cutoff=0.5)
        if not close:
            close = [i for i in ids if qid.lower() in i][:3]
        hint = f"; did you mean {', '.join(close)}?" if close else "; see `voicesim packs list`"
        raise UserError(f"unknown question id '{qid}'{hint}")

    def require_pack(self, name: str) -> Pack:
        """The pack ``name``; UserError naming the packs (and the closest) when none is."""
        if name in self.packs:
            return self.packs[name]
        choices = ", ".join(sorted(self.packs)) or "none"
        raise UserError(
            f"unknown pack '{name}' (packs: {choices}){_did_you_mean(name, self.packs)}"
        )


def load_pack(path: Path | str, known_checks: AbstractSet[str]) -> Pack:
    """Read and validate one pack file against the rubric's ``known_checks`` (check names).

    Raises PackError with the file, the question id and the field at fault.
    """
    path = Path(path)
    try:
        data = tomllib.loads(read_toml_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"{path}: not valid TOML: {exc}") from None
    checks = known_checks
    unknown = sorted(set(data) - {"pack", "questions"})
    if unknown:
        raise PackError(f"{path}: unknown key '{unknown[0]}' (known: pack, questions)")
    head = data.get("pack")
    if not isinstance(head, dict):
        raise PackError(f"{path}: missing [pack] table with id and title")
    for key, value in head.items():
        if key not in _PACK_KEYS:
            raise PackError(f"{path}: [pack]: unknown key '{key}' (known: {', '.join(_PACK_KEYS)})")
        if not isinstance(value, str):
            raise PackError(f"{path}: [pack]: '{key}' must be a string")
    for key in ("id", "title"):
        if not str(head.get(key, "")).strip():
            raise PackError(f"{path}: [pack]: missing '{key}'")
    for key, value in head.items():
        check_length(value, key, f"{path}: [pack]: '{key}'")
    pack_id = str(head["id"])
    if not _ID.match(pack_id):
        raise PackError(f"{path}: [pack]: id '{pack_id}' may hold only a-z, 0-9, '-', '_', '.'")
    items = data.get("questions")
    if not isinstance(items, list) or not items:
        raise PackError(f"{path}: no [[questions]]")
    questions: list[Question] = []
    seen: set[str] = set()
    errors: list[str] = []  # every bad question is reported, not only the first
    for n, item in enumerate(items, start=1):
        try:
            q = _question(item, n, path, pack_id, checks)
        except PackError as exc:
            errors.append(str(exc))
            continue
        if q.id in seen:
            errors.append(f"{path}: question '{q.id}': duplicate id")
        seen.add(q.id)
        questions.append(q)
    if errors:
        raise PackError("\n".join(errors))
    return Pack(
        pack_id, str(head["title"]), path, tuple(questions), str(head.get("description", ""))
    )


def _question(item: Any, n: int, path: Path, pack_id: str, checks: AbstractSet[str]) -> Question:
    if not isinstance(item, dict):
        raise PackError(f"{path}: question #{n}: must be a table")
    qid = item.get("id")
    where = (
        f"{path}: question '{qid}'" if isinstance(qid, str) and qid else f"{path}: question #{n}"
    )
    for key in item:
        if key not in _REQUIRED and key not in _OPTIONAL:
            known = ", ".join(_REQUIRED + _OPTIONAL)
            raise PackError(f"{where}: unknown field '{key}' (known: {known})")
    for key in _REQUIRED:
        if key not in item:
            raise PackError(f"{where}: missing field '{key}'")
    for key in ("id", "text", "category", "kind", "tip"):
        if not isinstance(item[key], str) or not item[key].strip():
            raise PackError(f"{where}: field '{key}' must be a non-empty string")
    if not _ID.match(item["id"]):
        raise PackError(f"{where}: field 'id' may hold only a-z, 0-9, '-', '_', '.'")
    if item["kind"] not in KINDS:
        raise PackError(
            f"{where}: field 'kind' must be one of {', '.join(KINDS)}, got '{item['kind']}'"
        )
    for key in ("id", "text", "category", "tip"):
        check_length(item[key], key, f"{where}: field '{key}'")
    target = target_range_of(item["target_s"], where)
    lists = {key: strings_of(item.get(key, []), where, key) for key in _OPTIONAL}
    for key in ("follow_ups", "stress_follow_ups"):
        if len(lists[key]) > MAX_FOLLOW_UPS:
            raise PackError(
                f"{where}: field '{key}' lists {len(lists[key])}; at most {MAX_FOLLOW_UPS}"
            )
        for text in lists[key]:
            check_length(text, key, f"{where}: field '{key}': an item")
    for key in ("expects", "donts"):
        check_names(lists[key], key, where, checks)
    return Question(
        id=item["id"],
        text=item["text"].strip(),
        category=item["category"].strip(),
        kind=item["kind"],
        target_s=target,
        tip=item["tip"].strip(),
        pack=pack_id,
        follow_ups=lists["follow_ups"],
        stress_follow_ups=lists["stress_follow_ups"],
        expects=lists["expects"],
        donts=lists["donts"],
    )


def pack_files(directory: Path) -> list[Path]:
    """The ``*.toml`` files of a packs directory, sorted by name."""
    return sorted(p for p in directory.glob("*.toml") if p.is_file())


def load_packs(extra_dirs: Iterable[Path | str] = (), *, known_checks: AbstractSet[str]) -> PackSet:
    """Built-in packs, then the packs in ``extra_dirs`` (later ones override by pack id).

    ``known_checks`` are the check names a question may use (``Rubric.check_names()``).

    A pack that fails validation is left out and its error recorded in ``errors``; a
    question id that another loaded pack already uses is an error of the later pack.
    """
    checks = known_checks
    result = PackSet()
    dirs = [paths.builtin_packs_dir(), *(Path(d).expanduser() for d in extra_dirs)]
    for directory in dirs:
        if not directory.is_dir():
            if directory != dirs[0]:
                result.errors.append(f"{directory}: {_not_a_dir(directory)}")
            continue
        for file in pack_files(directory):
            try:
                pack = load_pack(file, checks)
            except PackError as exc:
                result.errors.append(str(exc))
                continue
            result.packs[pack.id] = pack
    _drop_clashing_ids(result)
    return result


def _not_a_dir(path: Path) -> str:
    """Why ``path`` is no packs directory: a file was reported "packs directory not found"."""
    if path.exists():
        return f"is a file, not a packs directory (to check it: voicesim packs validate {path})"
    return "packs directory not found"


def require_packs_dir(path: Path | str) -> Path:
    """``path`` given with --packs-dir as a directory; UserError in one line when it is none.

    A flag is asked for on this run, so a missing directory or a file is an error up front
    (exit 2), where packs that fail to load are warnings: ``packs list --packs-dir FILE``
    warned "packs directory not found" and exited 0, ``--packs-dir /nonexistent`` printed
    the whole list and exited 2, ``practice`` went on with the built-in packs.
    """
    directory = Path(path).expanduser()
    if not directory.is_dir():
        raise UserError(f"--packs-dir {path}: {_not_a_dir(directory)}")
    return directory


def _drop_clashing_ids(result: PackSet) -> None:
    owner: dict[str, str] = {}
    for pack in list(result.packs.values()):
        clash = next((q.id for q in pack.questions if q.id in owner), None)
        if clash:
            result.errors.append(
                f"{pack.path}: question '{clash}': duplicate id (also in pack '{owner[clash]}')"
            )
            del result.packs[pack.id]
            continue
        owner.update({q.id: pack.id for q in pack.questions})


def find_question(
    qid: str, *, known_checks: AbstractSet[str], extra_dirs: Iterable[Path | str] = ()
) -> Question:
    """The question with id ``qid`` in any loaded pack; UserError suggesting close ids if none."""
    return load_packs(extra_dirs, known_checks=known_checks).require_question(qid)


def select_questions(
    packset: PackSet,
    pack: str | None = None,
    category: str | None = None,
    count: int | None = None,
    shuffle: bool = False,
    seed: int | None = None,
) -> list[Question]:
    """Questions for a session: from one pack (default: all), one category, at most ``count``.

    Unknown pack or category: UserError naming the choices.
    """
    pool = list(packset.require_pack(pack).questions) if pack is not None else packset.questions()
    if category is not None:
        categories = sorted({q.category for q in pool})
        pool = [q for q in pool if q.category == category]
        if not pool:
            raise UserError(
                f"no questions in category '{category}' (categories: {', '.join(categories)})"
                + _did_you_mean(category, categories)
            )
    if count is not None and count < 1:
        raise UserError(f"--count must be at least 1, got {count}")
    if shuffle:
        random.Random(seed).shuffle(pool)
    return pool[:count] if count is not None else pool


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    """ "; did you mean X?" for the closest of ``choices``, or ""."""
    close = difflib.get_close_matches(word, list(choices), n=2, cutoff=0.5)
    return f"; did you mean {' or '.join(close)}?" if close else ""


def categories(questions: Sequence[Question]) -> dict[str, int]:
    """Question count per category, sorted by category."""
    out: dict[str, int] = {}
    for q in sorted(questions, key=lambda q: q.category):
        out[q.category] = out.get(q.category, 0) + 1
    return out
