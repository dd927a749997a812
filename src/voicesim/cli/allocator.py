"""glibc's mmap threshold fixed for the ``voicesim`` process, so its peak memory stays down.

glibc serves a block over the mmap threshold (128 KiB at start) with its own mapping, given
back to the system when freed. But when such a block is freed, glibc raises the threshold to
that block's size (up to 32 MiB), and from then on blocks under it come from the heap and its
per-thread arenas, which keep freed memory for reuse. One large block freed early decides
where every later one lives.

In voicesim that block is the filler check's (``filler_context``): CTranslate2's ``align``
holds each token's scores over the whole vocabulary, 5-15 MB for a few readings. After it,
the decodes' blocks of a few MB stayed in the arenas, and the practice demo's peak rose from
560-575 MB to 620-640 MB when the check came (the thirty-ninth session found it by
bisection; replacing the check by a constant gave 550-580 MB). A fixed threshold also stops
the raising:

| ``voicesim demo --count 3 --no-audio``, peak RSS, 3 runs each | MB |
| --- | --- |
| glibc's default (raised as blocks are freed) | 626-642 |
| fixed at 8 MiB | 525-557 |
| fixed at 4 MiB (as set here) | 521-541; 519-524 through ``voicesim`` itself |
| fixed at 2 MiB | 507-524, but the demo took 10-20 % longer |

Blocks over the threshold are mapped afresh each time, with page faults and zeroing: the
price is paid in CPU (see MMAP_THRESHOLD). A threshold the user set
(``MALLOC_MMAP_THRESHOLD_``) is left as it is, and elsewhere than glibc nothing is done.
Only the command's process is changed, not a program that imports voicesim as a library.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import platform

M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameter number (malloc.h)."""
MMAP_THRESHOLD = 4 * 1024 * 1024
"""Bytes. CPU seconds of ``voicesim analyze --json`` over a rendered 2.6-min answer and six
real clips, processes alternating, medians of 4 rounds: 57.0 with glibc's default, 57.1 at
4 MiB, 57.8 at 8 MiB; each setting's rounds spread over 53-60 s, so no cost shows. (At
256 KiB-1 MiB the fourteenth session measured 20-41 % more.)"""
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
