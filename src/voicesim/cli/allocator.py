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
bisection; replacing the check by a constant gave 550-580 MB). A fixed threshold also stops
the raising:

| ``voicesim demo --count 3 --no-audio``, peak RSS, 3 runs each | MB |
| --- | --- |
| glibc's default (raised as blocks are freed) | 626-642 |
| fixed at 8 MiB | 525-557 |
| fixed at 4 MiB (as set here) | 521-541; 519-524 through ``voicesim`` itself |
| fixed at 2 MiB | 507-524, the demo running 13.8-16.1 s against 11.9-12.7 s |

Blocks over the threshold are mapped afresh each time, with page faults and zeroing, and
that costs CPU where big arrays come and go: ``voicesim analyze --json`` as fresh processes,
the code without and with the setting alternating, 4 rounds (medians): CPU 6.03 -> 6.31 s on a
30-s answer, 17.1 -> 19.1 s on a 2.6-min one (slower in every round), 31.1 -> 31.6 s on a
5-min one. So only the practice session and the demo set it: a long-lived process whose
decodes are spread over the answer while it is spoken, where memory builds up. ``analyze``,
a one-shot batch timed against plain faster-whisper, keeps glibc's default. A threshold the
user set (``MALLOC_MMAP_THRESHOLD_``) is left as it is, and elsewhere than glibc nothing is
done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import platform

M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameter number (malloc.h)."""
MMAP_THRESHOLD = 4 * 1024 * 1024
"""Bytes. Lower saves a little more memory for more CPU (the table above); at 256 KiB-1 MiB
the fourteenth session measured 20-41 % more CPU in ``analyze``."""
USER_SETTING = "MALLOC_MMAP_THRESHOLD_"


def fix_mmap_threshold(threshold: int = MMAP_THRESHOLD) -> bool:
    """Fix glibc's mmap threshold at ``threshold`` bytes for this process (True if set)."""
    if USER_SETTING in os.environ or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))
