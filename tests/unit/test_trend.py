"""The one trend rule (sessions.trend) on series whose direction is known by construction."""

from __future__ import annotations

import random

import pytest

from voicesim.interview.feedback import trend
from voicesim.sessions.history import _judge
from voicesim.sessions.trend import change, direction


def test_a_rising_series_rises_by_the_gap_between_its_thirds() -> None:
    values = [100.0, 110.0, 120.0, 130.0, 140.0, 150.0]
    # first third 100, 110 (mean 105); last third 140, 150 (mean 145)
    assert change(values) == pytest.approx(40.0)
    assert direction(values, steady=8.0) == "rising"


def test_a_falling_series_falls() -> None:
    values = [9.0, 8.0, 7.0, 5.0, 3.0, 2.0, 1.0]
    # k = 2: first mean 8.5, last mean 1.5
    assert change(values) == pytest.approx(-7.0)
    assert direction(values, steady=1.0) == "falling"


def test_a_flat_noisy_series_is_steady() -> None:
    rng = random.Random(11)
    values = [140.0 + rng.uniform(-3.0, 3.0) for _ in range(12)]
    # noise of at most ±3 wpm cannot move a third's mean by 6 or more
    assert direction(values, steady=6.0) == "steady"
    assert abs(change(values)) < 6.0


def test_two_values_compare_last_with_first() -> None:
    assert change([4.0, 1.5]) == pytest.approx(-2.5)
    assert direction([4.0, 1.5], steady=2.5) == "falling"
    assert direction([4.0, 1.6], steady=2.5) == "steady"


def test_fewer_than_two_values_have_no_trend() -> None:
    assert direction([], steady=1.0) == "n/a"
    assert direction([3.0], steady=1.0) == "n/a"
    assert change([3.0]) == 0.0


def test_one_odd_answer_at_the_end_does_not_decide_a_long_series() -> None:
    values = [150.0] * 8 + [150.0, 210.0]
    # k = 3: last third 150, 150, 210 (mean 170) → +20, a real rise but a third of the jump
    assert change(values) == pytest.approx(20.0)


def test_the_debrief_and_the_history_agree_on_direction() -> None:
    band = (120.0, 160.0)
    for old, new in [(100.0, 130.0), (130.0, 100.0), (130.0, 131.0)]:
        arrow, _ = _judge("wpm", old, new, band)
        heading = trend("pace", [old, new], steady=3.0, unit="wpm").direction
        assert {"rising": "↑", "falling": "↓", "steady": "→"}[heading] == arrow
