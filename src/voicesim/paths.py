"""Where voicesim keeps its data and configuration.

``VOICESIM_HOME`` overrides everything (tests point it at a temp dir); otherwise the
platform's user data and config directories are used.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

HOME_ENV = "VOICESIM_HOME"


def data_dir() -> Path:
    """Directory holding sessions and the history index."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser()

    return Path(platformdirs.user_data_dir("voicesim", appauthor=False))


def config_dir() -> Path:
    """Directory holding ``config.toml`` (and user packs by default)."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser()

    return Path(platformdirs.user_config_dir("voicesim", appauthor=False))


def sessions_dir() -> Path:
    """Directory with one folder per stored session."""
    return data_dir() / "sessions"


def config_file() -> Path:
    """The user's optional ``config.toml``."""
    return config_dir() / "config.toml"


def package_data(name: str) -> Path:
    """A file shipped inside the package (``voicesim/data/NAME``)."""
    return Path(__file__).parent / "data" / name


def builtin_packs_dir() -> Path:
    """The question packs shipped with voicesim."""
    env = os.environ.get("VOICESIM_BUILTIN_PACKS")
    if env:
        return Path(env)
    # Installed editable from the repo: question_packs/ sits at the repo root.
    repo = Path(__file__).resolve().parents[2] / "question_packs"
    if repo.is_dir():
        return repo
    # Installed from a wheel: the packs are the package voicesim.question_packs.
    return Path(__file__).parent / "question_packs"
