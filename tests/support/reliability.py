"""Helpers of the reliability tests: a sentinel tree, the real CLI as a subprocess, offline runs.

- :class:`Sentinel` is a small tree of files beside the data directory; a test snapshots it
  before and checks afterwards that nothing outside the data directory was touched.
- :func:`run_cli` runs ``python -m voicesim ARGS`` with a private ``VOICESIM_HOME`` and,
  optionally, inside ``unshare -n`` (no network at all) with an audit hook that fails the
  process on any socket connect that is not a local (AF_UNIX) one.
- :func:`no_audio_env` is an environment where ALSA's default leads to a PulseAudio server
  that does not exist: the CLI must refuse cleanly wherever it needs a device.
- :func:`assert_user_error` checks the contract for bad input: exit 2, one line on stderr,
  no traceback.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.paths import REPO

# Installed in every offline subprocess through PYTHONPATH. Records every connect() that is not
# to a unix socket (the audio server's), writes it to VOICESIM_NET_LOG and refuses it, so a
# hidden network look-up fails loudly even where a network exists.
SITECUSTOMIZE = """
import os, socket, sys

_LOG = os.environ.get("VOICESIM_NET_LOG")

def _hook(event, args):
    if event not in ("socket.connect", "socket.sendto", "socket.getaddrinfo"):
        return
    if event == "socket.connect" and args[0].family == socket.AF_UNIX:
        return
    line = f"{event} {args[1:] if event != 'socket.getaddrinfo' else args[:2]!r}"
    if _LOG:
        with open(_LOG, "a") as fh:
            fh.write(line + "\\n")
    raise PermissionError(f"voicesim reliability test: network use refused: {line}")

sys.addaudithook(_hook)
"""


def have_root() -> bool:
    return os.geteuid() == 0


def can_unshare_net() -> bool:
    """True where ``unshare -n`` works (root, util-linux present, namespaces allowed)."""
    if not shutil.which("unshare"):
        return False
    done = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=30)
    return done.returncode == 0


def require_unshare() -> None:
    if not can_unshare_net():
        pytest.skip("`unshare -n` is not available here (needs root and util-linux)")


@dataclass
class Offline:
    """Where an offline run's audit hook lives and where it logs attempted connections."""

    hook_dir: Path
    log: Path

    def attempts(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []


def offline_hook(tmp: Path) -> Offline:
    hook_dir = tmp / "nethook"
    hook_dir.mkdir(exist_ok=True)
    (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE)
    return Offline(hook_dir, tmp / "net.log")


def cli_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, "VOICESIM_HOME": str(home), "COLUMNS": "120", **(extra or {})}
    env.pop("VOICESIM_DEBUG", None)
    return env


def run_cli(
    *args: str,
    home: Path,
    offline: Offline | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120.0,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m voicesim ARGS``; ``offline`` adds ``unshare -n`` and the audit hook."""
    full = cli_env(home, env)
    cmd = [sys.executable, "-m", "voicesim", *args]
    if offline is not None:
        full["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(offline.hook_dir), full.get("PYTHONPATH", "")) if p
        )
        full["VOICESIM_NET_LOG"] = str(offline.log)
        # Only the code decides what is offline: drop what a developer's shell might set.
        for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
            full.pop(key, None)
        cmd = ["unshare", "-n", *cmd]
    return subprocess.run(
        cmd,
        env=full,
        cwd=str(cwd or REPO),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def no_audio_env(tmp_path: Path) -> dict[str, str]:
    """An environment where ALSA's default goes to a PulseAudio server that does not exist."""
    asoundrc = tmp_path / "asoundrc"
    asoundrc.write_text("pcm.!default { type pulse }\nctl.!default { type pulse }\n")
    alsa = "/usr/share/alsa/alsa.conf"
    return {
        **os.environ,
        "VOICESIM_HOME": str(tmp_path / "home"),
        "PULSE_SERVER": f"unix:{tmp_path}/no-such-socket",
        "ALSA_CONFIG_PATH": f"{alsa}:{asoundrc}",
    }


def assert_user_error(done: subprocess.CompletedProcess[str]) -> str:
    """Exit 2, exactly one non-empty line on stderr, no traceback; returns that line."""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    assert len(lines) == 1, done.stderr
    return lines[0]


# -- the sentinel tree ------------------------------------------------------------------------
Snapshot = dict[str, tuple[str, int, str]]


class Sentinel:
    """Files next to the data directory, including targets a path-traversal would reach."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for rel, text in {
            "precious.txt": "do not touch",
            "sessions/20260101-000000-0000/session.json": '{"not": "the data dir"}',
            "nested/deeper/notes.md": "# mine",
            "index.sqlite": "not the index either",
        }.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        self.before = snapshot(root)

    def assert_untouched(self) -> None:
        assert snapshot(self.root) == self.before, "something outside the data directory changed"


def snapshot(root: Path) -> Snapshot:
    """Every path under ``root``: kind, size, content hash (files) — what a change would alter."""
    out: Snapshot = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            out[rel] = ("link", 0, os.readlink(path))
        elif path.is_dir():
            out[rel] = ("dir", 0, "")
        else:
            data = path.read_bytes()
            out[rel] = ("file", len(data), hashlib.sha256(data).hexdigest())
    return out
