"""The voicesim program runs numpy's OpenBLAS on one thread (cli.main.one_blas_thread): its
second thread would spin on a core the Whisper decode needs. A choice of the user's stands.

Each case is a fresh interpreter, since OpenBLAS reads the setting once, when numpy loads."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Runs ``voicesim packs list`` as the console script does (entry, which exits), and at the
# exit prints how many threads each OpenBLAS loaded in the process has.
PROBE = """
import atexit, sys
def report():
    import numpy, threadpoolctl
    pools = threadpoolctl.threadpool_info()
    print("blas", [p["num_threads"] for p in pools if p["internal_api"] == "openblas"])
atexit.register(report)
{run}
"""
ENTRY = 'from voicesim.cli.main import entry\nsys.argv = ["voicesim", "packs", "list"]\nentry()'


def blas_threads(run: str, **setting: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(run=run)],
        capture_output=True,
        text=True,
        env={**env, **setting},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="OpenBLAS starts one thread on one core")
def test_numpy_alone_starts_a_blas_thread_per_core() -> None:
    """The probe can fail: without voicesim's setting OpenBLAS takes more than one thread."""
    threads = blas_threads("")
    assert threads.startswith("blas [") and threads != "blas [1]"


def test_the_voicesim_program_runs_blas_on_one_thread() -> None:
    assert blas_threads(ENTRY) == "blas [1]"


def test_the_users_own_setting_is_left_alone() -> None:
    assert blas_threads(ENTRY, OPENBLAS_NUM_THREADS="2") == "blas [2]"
