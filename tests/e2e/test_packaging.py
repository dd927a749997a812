"""A built wheel carries everything voicesim needs at run time: built-in packs, rubric, report."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import REPO

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_wheel_ships_the_question_packs_and_data(tmp_path: Path) -> None:
    # Build from a clean copy: setuptools leaves build/ behind, and a stale one would hide
    # a file the configuration no longer ships.
    source, wheels, site = tmp_path / "source", tmp_path / "wheels", tmp_path / "site"
    junk = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for folder in ("src", "question_packs"):
        shutil.copytree(REPO / folder, source / folder, ignore=junk)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    pip = [sys.executable, "-m", "pip", "-q", "--disable-pip-version-check"]
    build = [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(source)]
    subprocess.run(build, check=True, cwd=tmp_path)
    (wheel,) = wheels.glob("voicesim-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True)

    installed = site / "voicesim"
    for name in ("rubric.toml", "report.html", "report.js", "report.css"):
        assert (installed / "data" / name).is_file(), name
    repo_packs = sorted(REPO.glob("question_packs/*.toml"))
    assert repo_packs
    for pack in repo_packs:
        assert (installed / "question_packs" / pack.name).read_bytes() == pack.read_bytes()

    # Every module of the source tree (each stage package) is in the wheel.
    source_root = REPO / "src" / "voicesim"
    modules = {p.relative_to(source_root) for p in source_root.rglob("*.py")}
    shipped = {p.relative_to(installed) for p in installed.rglob("*.py")}
    assert modules <= shipped, sorted(map(str, modules - shipped))

    # Run from the installed copy only (PYTHONPATH puts it before the editable install).
    env = {**os.environ, "PYTHONPATH": str(site), "VOICESIM_HOME": str(tmp_path / "home")}
    env.pop("VOICESIM_BUILTIN_PACKS", None)
    where = subprocess.run(
        [sys.executable, "-c", "import voicesim.paths as p; print(p.builtin_packs_dir())"],
        env=env, cwd=tmp_path, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert Path(where.stdout.strip()) == installed / "question_packs"
    listed = subprocess.run(
        [sys.executable, "-m", "voicesim", "packs", "list"],
        env=env, cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    for pack in repo_packs:
        assert pack.stem in listed.stdout
