"""Config: one check for every setting, from config.toml, the environment or a flag."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from voicesim.config import RULES, check, load_config
from voicesim.errors import UserError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOICESIM_MODEL", raising=False)
    monkeypatch.delenv("VOICESIM_THREADS", raising=False)
    cfg = load_config(tmp_path / "absent.toml")
    assert (
        cfg.practice.endpoint.end_silence == 2.5
        and cfg.model.threads == 0
        and cfg.model.name is None
    )


def test_valid_values_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOICESIM_THREADS", raising=False)
    path = write(
        tmp_path,
        "[practice]\nend_silence = 1\nrate = 450\nvolume = 0\nspoken_feedback = false\n"
        '[model]\nthreads = 2\ncompute_type = "float32"\n[rubric]\npath = ""\n',
    )
    cfg = load_config(path)
    assert cfg.practice.endpoint.end_silence == 1.0 and isinstance(
        cfg.practice.endpoint.end_silence, float
    )
    assert cfg.practice.rate == 450 and cfg.practice.volume == 0.0
    assert cfg.practice.spoken_feedback is False
    assert cfg.model.threads == 2 and cfg.model.compute_type == "float32"
    assert cfg.rubric_path is None


@pytest.mark.parametrize(
    "toml, message",
    [
        (
            "[practice]\nend_silence = -1",
            "practice.end_silence = -1: must be between 0.3 and 10 seconds",
        ),
        ("[practice]\nend_silence = 0.2", "practice.end_silence = 0.2: must be between 0.3 and 10"),
        ("[practice]\nmax_answer = 0", "practice.max_answer = 0: must be between 5 and 3600"),
        ("[practice]\nrate = 500", "practice.rate = 500: must be between 60 and 450 words per"),
        ("[practice]\nrate = 170.5", "practice.rate = 170.5: must be a whole number"),
        ("[practice]\nvolume = 2", "practice.volume = 2: must be between 0 and 1"),
        ("[practice]\nspoken_feedback = 1", "practice.spoken_feedback = 1: must be true or false"),
        ("[practice]\nend_silence = true", "practice.end_silence = True: must be a number"),
        ("[practice]\nend_silense = 2", "practice.end_silense: unknown setting"),
        ("[model]\nthreads = -1", "model.threads = -1: must be between 0 and 256"),
        ('[model]\ncompute_type = "int4"', "model.compute_type = 'int4': must be one of int8"),
        ("[model]\nname = 3", "model.name = 3: must be a string"),
        ("[packs]\ndirs = 3", "packs.dirs = 3: must be a list of paths"),
        ("[sound]\nx = 1", "[sound]: unknown section"),
        ("practice = 3", "[practice] must be a table"),
    ],
)
def test_a_bad_value_is_one_line_naming_file_key_and_range(
    tmp_path: Path, toml: str, message: str
) -> None:
    path = write(tmp_path, toml)
    with pytest.raises(UserError) as err:
        load_config(path)
    text = str(err.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


@pytest.mark.parametrize(
    "env, value, message",
    [
        ("VOICESIM_THREADS", "two", "VOICESIM_THREADS = 'two': must be a whole number"),
        ("VOICESIM_THREADS", "-2", "VOICESIM_THREADS = '-2': must be between 0 and 256"),
    ],
)
def test_environment_values_are_checked_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: str, value: str, message: str
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(UserError, match=message):
        load_config(tmp_path / "absent.toml")


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICESIM_THREADS", "3")
    monkeypatch.setenv("VOICESIM_MODEL", "/models/x")
    cfg = load_config(write(tmp_path, "[model]\nthreads = 1\n"))
    assert cfg.model.threads == 3 and cfg.model.name == "/models/x"


def test_a_flag_is_named_in_its_error() -> None:
    with pytest.raises(UserError, match=r"^--end-silence = 0: must be between 0.3 and 10 seconds$"):
        check("practice.end_silence", 0, "--end-silence")
    assert check("practice.end_silence", 10, "--end-silence") == 10.0


def test_every_default_passes_its_own_check() -> None:
    from voicesim.config import Config

    cfg = Config()
    for name in RULES:
        section, key = name.split(".")
        if name == "rubric.path":
            continue
        owner: object = cfg.model if section == "model" else cfg.practice
        if hasattr(cfg.practice.endpoint, key):
            owner = cfg.practice.endpoint
        value = getattr(owner, key)
        if value is None:
            continue
        assert check(name, value, "default") == value


def test_cli_exits_2_with_one_line_for_a_bad_config_value(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"VOICESIM_HOME": str(home), "PATH": "/usr/bin:/bin"}
    probe = subprocess.run(
        [sys.executable, "-c", "from voicesim import paths; print(paths.config_file())"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    config = Path(probe.stdout.strip())
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[practice]\nend_silence = -1\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "voicesim", "packs", "list"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "practice.end_silence = -1: must be between 0.3 and 10" in lines[0]


def test_a_config_starting_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    # Windows Notepad's "UTF-8": "config.toml: not valid TOML: Invalid statement (at line 1,
    # column 1)" for a file that looked perfect.
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf[practice]\nrate = 150\n")
    assert load_config(path).practice.rate == 150


def test_a_binary_config_is_one_sentence(tmp_path: Path) -> None:
    # It was "not valid TOML: 'utf-8' codec can't decode byte 0xff in position 0: ...".
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xff\xfe[practice]\n")
    with pytest.raises(UserError) as caught:
        load_config(path)
    assert str(caught.value) == f"{path}: not a text file (not UTF-8): is it a TOML file?"
