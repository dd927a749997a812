"""glibc's mmap threshold fixed for a practice session's process, so its peak memory stays down.

glibc serves a block over the mmap threshold (128 KiB at start) with its own mapping, given
back to the system when freed. But when such a block is freed, glibc raises the threshold to
that block's size (up to 32 MiB), and from then on blocks under it come from the heap and its
per-thread arenas, which keep freed memory for reuse. One large block freed early decides
where every later one lives.

In voicesim that block is the filler check's (``filler_context``): CTranslate2's ``align``
holds each token's scores over the whole vocabulary, 5-15 MB for a few readings. After it,
the decodes' blocks of a few MB stayed in the arenas, and the practice demo's peak rose from
550-590 MB to 620-650 MB when the check came (the thirty-ninth session found it by
bisection; replacing the check by a constant gave 550-580 MB). A threshold set by ``mallopt``
is never raised, and the trim threshold, which glibc raises with it (to twice the mmap
threshold), stays at 128 KiB, so the heap's freed top goes back to the system too. Measured
with the setting in the environment (``MALLOC_MMAP_THRESHOLD_``), 3 runs each:

| fixed at | demo's peak RSS (MB) | set by the command (MB) | feedback (s) |
| --- | --- | --- | --- |
| glibc's default (raised as blocks are freed) | 626-642 | | 0.69 / 0.84, 0.71 / 0.88 |
| 32 MiB | 541-565 | | |
| 16 MiB (as set here) | 526-538 | 531-552 (7 runs) | 0.79 / 0.94 |
| 8 MiB | 525-557 | | |
| 4 MiB | 521-541 | 514-546 (10 runs) | 0.87 / 1.05 |
| 2 MiB | 507-524, the demo 14-16 s (12-13 s) | | |

The demo is ``voicesim demo --count 3 --no-audio``; "set by the command" is this module's
call, after the command's imports. Feedback is the time from the end of an answer to its
scorecard, 2.6 / 5-min answers, ``scripts/bench --only live --quick`` (4x real time).

Under the threshold the freed top of the heap is given back and taken again, over it each
block is mapped afresh with its page faults: both cost CPU where big arrays come and go.
``voicesim analyze --json`` as fresh processes at 4 MiB, the code without and with it
alternating, 4 rounds (medians): CPU 6.03 -> 6.31 s on a 30-s answer, 17.1 -> 19.1 s on a
2.6-min one (slower in every round), 31.1 -> 31.6 s on a 5-min one. So only the practice
session and the demo set it: a long-lived process whose decodes are spread over the answer
while it is spoken, where memory builds up. ``analyze``, a one-shot batch timed against plain
faster-whisper, keeps glibc's default. A threshold the user set (``MALLOC_MMAP_THRESHOLD_``)
is left as it is, and elsewhere than glibc nothing is done. The same sessions also keep
every thread's blocks in one arena (``share_one_arena``, with its measurements).
"""

from __future__ import annotations

import ctypes
import os

M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameter number (malloc.h)."""
M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter: how many arenas threads may spread their blocks over."""
MMAP_THRESHOLD = 16 * 1024 * 1024
"""Bytes: about the memory of 4 MiB for less of its CPU (the table above). At 256 KiB-1 MiB
the fourteenth session measured 20-41 % more CPU in ``analyze``."""
USER_SETTING = "MALLOC_MMAP_THRESHOLD_"
USER_ARENAS = "MALLOC_ARENA_MAX"


def settle_for_a_session() -> None:
    """A practice session's allocator: the mmap threshold fixed (above) and every thread on
    one arena (``share_one_arena``)."""
    fix_mmap_threshold()
    share_one_arena()


def on_glibc() -> bool:
    """Whether this process runs on GNU libc (the C library ``mallopt`` is for)."""
    try:
        return os.confstr("CS_GNU_LIBC_VERSION") is not None
    except (ValueError, OSError):  # no such name on this platform
        return False


def fix_mmap_threshold(threshold: int = MMAP_THRESHOLD) -> bool:
    """Fix glibc's mmap threshold at ``threshold`` bytes for this process (True if set)."""
    return USER_SETTING not in os.environ and _mallopt(M_MMAP_THRESHOLD, threshold)


def share_one_arena() -> bool:
    """Have every thread allocate from glibc's main arena (True if set).

    By default each new thread that allocates gets an arena of its own, up to eight per core,
    and each keeps its freed blocks for that thread's reuse. A practice session starts about
    six threads an answer (the live decode, the probes, the feature, judge and acoustics
    pools), and their blocks land in 16-19 arenas (forty-second session). Capped at one (the
    forty-fifth session, ``voicesim demo --count 3 --no-audio``, peak RSS, alternating):
    507-518 MB against 530-541 without; ``scripts/bench --only live --quick`` at 4x with
    ``MALLOC_ARENA_MAX=1`` against without, runs on an idle machine: feedback 0.49 / 0.72 and
    0.58 / 0.88 s against 0.55-0.68 / 0.79-1.08 s over four, the whole answer analysed after
    its end 8.6-8.8 / 16.3-17.4 s against 9.3-10.5 / 18.7-20.0 s. (Two arenas, the
    forty-second session: 539 MB, feedback 0.1 s slower in one run each.) ``voicesim
    analyze`` as a fresh process gains nothing from it (30 s: 2.94 against 2.93 s over 8
    rounds; 2.6 min: 10.37 against 10.34 s over 4) and keeps glibc's default. A cap the user
    set (``MALLOC_ARENA_MAX``) is left as it is.
    """
    return USER_ARENAS not in os.environ and _mallopt(M_ARENA_MAX, 1)


def _mallopt(param: int, value: int) -> bool:
    """glibc's ``mallopt(param, value)`` (True if set; False elsewhere than glibc)."""
    if not on_glibc():
        return False
    try:
        # The process's own symbols, glibc's among them: find_library would run ldconfig.
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(param, value))
