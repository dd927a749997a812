"""The fields of a question pack, checked one by one, and reading a TOML file a user wrote
(packs, the rubric and config.toml share it). :mod:`voicesim.packs` builds packs from them.

Standard library only.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from voicesim.errors import PackError

MAX_TARGET_S = 3600.0
"""Longest target_s a question may give: the longest answer practice records (an hour)."""
MAX_CHARS = {
    "text": 1000, "tip": 1000, "follow_ups": 1000, "stress_follow_ups": 1000,
    "id": 100, "category": 100, "title": 200, "description": 2000,
}  # fmt: skip
"""Longest text of each field, in characters: several times what a real question (the
built-in longest is 109), tip (174) or title holds. A question is spoken and shown: a
2 MB question passed validation, then made espeak-ng crash (segfault) under ``demo
--no-audio``, leaving the session in progress; 20 000 words timed out as "audio device
lost"."""
MAX_FOLLOW_UPS = 20
"""Most follow-ups a question may list (of each kind): a session asks one or two."""


class CheckNames(frozenset[str]):
    """The check names a question may use, knowing which are don'ts (the rest expectations).

    A set of names for the callers that only ask whether a name is known; the kinds let a
    pack be told that a don't sits under ``expects``: ``expects = ["blames_others"]``
    validated, and "It wasn't my fault" then scored 100 on expectations.
    """

    donts: frozenset[str]

    def __new__(cls, expects: Iterable[str], donts: Iterable[str]) -> CheckNames:
        dont_names = frozenset(donts)
        self = super().__new__(cls, frozenset(expects) | dont_names)
        self.donts = dont_names
        return self


def read_toml_text(path: Path) -> str:
    """The text of a TOML file the user wrote; PackError in one sentence when it is not one.

    A UTF-8 byte-order mark is read as for other files (Windows Notepad writes one: the
    pack, config.toml or rubric looked perfect and was "not valid TOML ... line 1, column
    1"). A folder or a binary file given as a pack said "cannot read: IsADirectoryError:
    [Errno 21] ..." or "UnicodeDecodeError: 'utf-8' codec ...".
    """
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PackError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise PackError(
            f"{path}: is a directory, not a TOML file (its files: {path}/*.toml)"
        ) from None
    except UnicodeDecodeError:
        raise PackError(f"{path}: not a text file (not UTF-8): is it a TOML file?") from None
    except OSError as exc:
        raise PackError(f"{path}: cannot read: {exc.strerror or exc}") from None


def check_length(text: str, key: str, where: str) -> None:
    """PackError when ``text`` is longer than field ``key`` may be (:data:`MAX_CHARS`)."""
    limit = MAX_CHARS[key]
    if len(text.strip()) > limit:
        raise PackError(f"{where} is {len(text.strip())} characters long; at most {limit}")


def check_names(names: tuple[str, ...], key: str, where: str, checks: AbstractSet[str]) -> None:
    """Each name a known check of the field's kind, listed once.

    ``expects = ["numbers", "numbers"]`` was accepted silently; a don't under ``expects``
    rewarded the fault it names (see :class:`CheckNames`).
    """
    donts = checks.donts if isinstance(checks, CheckNames) else None
    for i, name in enumerate(names):
        if name not in checks:
            close = difflib.get_close_matches(name, sorted(checks), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise PackError(f"{where}: field '{key}': unknown check '{name}'{hint}")
        if name in names[:i]:
            raise PackError(f"{where}: field '{key}': '{name}' is listed twice")
        if donts is not None and key == "expects" and name in donts:
            raise PackError(
                f"{where}: field 'expects': '{name}' is a don't check (list it under 'donts')"
            )
        if donts is not None and key == "donts" and name not in donts:
            raise PackError(
                f"{where}: field 'donts': '{name}' is an expectation (list it under 'expects')"
            )


def target_range_of(value: Any, where: str) -> tuple[float, float]:
    ok = isinstance(value, list) and len(value) == 2
    ok = ok and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    if not ok:
        raise PackError(f"{where}: field 'target_s' must be [min, max] seconds, e.g. [60, 120]")
    low, high = float(value[0]), float(value[1])
    # `[10, inf]` and `[10, 1e308]` validated; the length tip then read "10–inf s" or a
    # 300-digit number.
    if not 0 < low <= high <= MAX_TARGET_S:
        raise PackError(
            f"{where}: field 'target_s' needs 0 < min ≤ max ≤ {MAX_TARGET_S:g} seconds, "
            f"got [{low:g}, {high:g}]"
        )
    return low, high


def strings_of(value: Any, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PackError(f"{where}: field '{key}' must be a list of non-empty strings")
    return tuple(v.strip() for v in value)
