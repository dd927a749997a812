"""The one trend rule: where a series of measures is heading, within a steady margin.

Used by the session debrief (pace and fillers over one session's answers) and by the
history (each session against the previous one, a series of two). It lives in ``sessions``
because ``interview`` imports ``sessions`` and not the other way round.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

Direction = Literal["rising", "falling", "steady", "n/a"]


def change(values: Sequence[float]) -> float:
    """Mean of the last third of ``values`` minus the mean of the first third; units of values.

    Thirds (at least one value each) rather than last minus first so that one odd answer
    at either end does not decide the trend; for two values it is simply the difference.
    """
    if len(values) < 2:
        return 0.0
    k = max(1, len(values) // 3)
    return sum(values[-k:]) / k - sum(values[:k]) / k


def direction(values: Sequence[float], *, steady: float) -> Direction:
    """The heading of ``values``: rising, falling, steady (|change| < ``steady``) or n/a (< 2)."""
    if len(values) < 2:
        return "n/a"
    delta = change(values)
    if abs(delta) < steady:
        return "steady"
    return "rising" if delta > 0 else "falling"
