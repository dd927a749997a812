"""A handful of bad inputs of every family through the real CLI as a subprocess: exit 2, one
line on stderr, no traceback, nothing outside the data directory touched.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.reliability import Sentinel, assert_user_error, run_cli
from tests.support.session_factory import make_session, sample_answer
from voicesim.cli.main import build_parser
from voicesim.sessions.store import SessionStore

pytestmark = pytest.mark.timeout(240)


def cli_cases(work: Path, valid_files: dict[str, bytes]) -> list[tuple[str, list[str], Callable]]:
    """(name, argv, setup(home)) for the subprocess checks."""
    bad = work / "cli"
    bad.mkdir(exist_ok=True)
    (bad / "random.wav").write_bytes(bytes(range(256)) * 20)
    (bad / "empty.mp3").write_bytes(b"")
    (bad / "truncated.m4a").write_bytes(valid_files["m4a"][:300])
    (bad / "truncated.flac").write_bytes(valid_files["flac"][:200])
    (bad / "pack.toml").write_text('[pack]\nid = "x"\ntitle = 3\n[[questions]]\nid = 1\n')
    (bad / "binary.toml").write_bytes(b"\xff\xfe\x00garbage")

    def none(home: Path) -> None:
        del home

    def garbage_index(home: Path) -> None:
        make_session(SessionStore(home), [sample_answer(0)])
        (home / "index.sqlite3").write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 8)

    cases: list[tuple[str, list[str], Callable]] = [
        ("pack: wrong types", ["packs", "validate", str(bad / "pack.toml")], none),
        ("pack: binary file", ["packs", "validate", str(bad / "binary.toml")], none),
        ("id: traversal", ["sessions", "show", "../../outside"], none),
        ("id: unicode", ["report", "séance-☃-会话"], none),
        ("id: 5000 chars", ["sessions", "delete", "--yes", "a" * 5000], none),
        ("index: garbage", ["sessions", "list"], garbage_index),
    ]
    if _has_analyze():
        cases += [
            (f"audio: {p.name}", ["analyze", str(p)], none)
            for p in sorted(bad.glob("*"))
            if p.suffix in (".wav", ".mp3", ".m4a", ".flac")
        ]
    return cases


def _has_analyze() -> bool:
    try:
        build_parser().parse_args(["analyze", "x.wav"])
    except SystemExit:
        return False
    return True


def test_a_handful_through_the_real_cli(
    work: Path, valid_files: dict[str, bytes], sentinel: Sentinel, tmp_path: Path
) -> None:
    failures = []
    cases = cli_cases(work, valid_files)
    for name, argv, setup in cases:
        home = tmp_path / f"home-{len(failures)}-{abs(hash(name))}"
        home.mkdir()
        setup(home)
        done = run_cli(*argv, home=home, timeout=120)
        try:
            line = assert_user_error(done)
            assert line.startswith("voicesim: error:") or ": error:" in line, line
        except AssertionError as exc:
            failures.append(f"{name}: {exc}")
    assert not failures, "\n".join(failures)
    sentinel.assert_untouched()
