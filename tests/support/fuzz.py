"""Hypothesis settings shared by the bad-input-in-bulk tests (tests/reliability/test_fuzz_*)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

FORMATS = ("wav", "flac", "mp3", "ogg", "m4a")
"""Audio formats voicesim reads, as file extensions."""

FAST = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


def cases(n: int) -> settings:
    """Hypothesis settings for a family: n examples, no deadline (hangs: pytest-timeout)."""
    return settings(FAST, max_examples=n)
