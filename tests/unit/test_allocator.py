"""A practice session's process gives a freed block of a few MB back to the system even after
a larger block was freed before it (glibc's mmap threshold fixed: voicesim.cli.allocator).

Each case runs in a fresh interpreter, since the threshold is the process's."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from voicesim.cli import allocator

pytestmark = pytest.mark.skipif(not allocator.on_glibc(), reason="the threshold is glibc's")

# After a 24-MiB block is freed, glibc by default serves blocks up to 24 MiB from the heap
# and keeps them when freed (its trim threshold raised too). With the threshold fixed, a
# 12-MiB block is mapped (over 4 MiB) or comes from the heap's top, which is trimmed (16 MiB).
# The probe prints how much of a touched 12-MiB block, freed, is still resident (MiB).
PROBE = """
import ctypes, sys
{setup}
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]

def rss_kib():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))

def touched(n):
    p = libc.malloc(n)
    ctypes.memset(p, 1, n)
    return p

libc.free(touched(24 << 20))
before = rss_kib()
libc.free(touched(12 << 20))
print((rss_kib() - before) / 1024)
"""


def kept_mib(setup: str, env: dict[str, str] | None = None) -> float:
    """MiB of the freed 12-MiB block still resident, in a fresh interpreter after setup
    (glibc's thresholds as the environment leaves them: by default, none of the user's)."""
    if env is None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(setup=setup)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return float(out.stdout)


def test_glibc_keeps_a_freed_block_by_default() -> None:
    """The probe can fail: without voicesim's setting the block stays resident."""
    assert kept_mib("") > 10


def test_fixed_threshold_gives_the_block_back() -> None:
    setup = "from voicesim.cli.allocator import fix_mmap_threshold\nassert fix_mmap_threshold()"
    assert kept_mib(setup) < 1


def _command(argv: list[str], code: int) -> str:
    """Probe setup: run ``voicesim ARGV`` in the probe's process; it must exit with code."""
    return (
        "from voicesim.cli.main import main\n"
        "import contextlib, io\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):\n"
        f"    assert main({argv!r}) == {code}"
    )


def test_a_practice_session_fixes_the_threshold_before_anything_else() -> None:
    # A count of 0 is refused (exit 2) before the model loads; the threshold is set by then.
    assert kept_mib(_command(["demo", "--count", "0"], 2)) < 1


def test_other_commands_keep_glibcs_default() -> None:
    # analyze is timed against plain faster-whisper: the setting costs it CPU (cli.allocator).
    assert kept_mib(_command(["packs", "list"], 0)) > 10


def test_the_users_own_setting_is_left_alone() -> None:
    env = dict(os.environ, **{allocator.USER_SETTING: str(64 << 20)})
    code = "from voicesim.cli.allocator import fix_mmap_threshold\nprint(fix_mmap_threshold())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "False"


# Four threads, all alive, each allocate a block; glibc's malloc_info then lists one <heap>
# per arena. By default each thread that allocates gets an arena of its own (five in all).
ARENAS = """
import ctypes, os, tempfile, threading
{setup}
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.fclose.argtypes = [ctypes.c_void_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
kept = []
allocated = threading.Barrier(5)
done = threading.Event()

def work():
    kept.append(libc.malloc(4096))
    allocated.wait()
    done.wait()  # alive while arenas are counted: a finished thread's arena is reused

threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads:
    t.start()
allocated.wait()
fd, path = tempfile.mkstemp()
os.close(fd)
f = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, f)
libc.fclose(f)
print(open(path).read().count("<heap nr="))
os.unlink(path)
done.set()
"""


def arenas(setup: str, env: dict[str, str] | None = None) -> int:
    """How many arenas hold blocks after four threads allocated, in a fresh interpreter."""
    if env is None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    code = ARENAS.format(setup=setup)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    return int(out.stdout)


def test_threads_spread_over_arenas_by_default() -> None:
    """The probe can fail: without voicesim's setting the threads take arenas of their own."""
    assert arenas("") == 5


def test_a_practice_session_keeps_every_thread_on_one_arena() -> None:
    assert arenas(_command(["demo", "--count", "0"], 2)) == 1
    assert arenas(_command(["packs", "list"], 0)) == 5  # analyze and the rest: glibc's default


def test_the_users_own_arena_cap_is_left_alone() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    env[allocator.USER_ARENAS] = "3"
    setup = "from voicesim.cli.allocator import share_one_arena\nassert not share_one_arena()"
    assert arenas(setup, env) == 3
