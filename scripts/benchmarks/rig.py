"""The benchmark's audio rig: the audio tests' private PulseAudio server (voicesim.testing.rig)."""

from __future__ import annotations

import contextlib

from voicesim.testing.rig import PulseRig, running_pulse

PREFIX = "vs-bench-pulse-"
"""Folder prefix of the benchmark's server, so a section can tell it is already inside one."""


def bench_rig() -> contextlib.AbstractContextManager[PulseRig]:
    """The private PulseAudio server with this process pointed at it (PortAudio re-read after)."""
    return running_pulse(PREFIX, reinit_after=True)
