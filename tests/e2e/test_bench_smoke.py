"""Smoke run of ``scripts/bench``: it runs end to end and its JSON keeps its stable keys.

Only the shape is checked (keys, types, positive durations): speed itself is what the
benchmark reports, never a test assertion.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.support.paths import REPO


def _seconds_by_length(value: object) -> dict[str, float]:
    assert isinstance(value, dict) and value, value
    for length, seconds in value.items():
        assert int(length) > 0
        assert isinstance(seconds, float) and seconds > 0, (length, seconds)
    return value


@pytest.mark.slow
def test_bench_smoke_json_has_the_stable_keys() -> None:
    done = subprocess.run(
        [str(REPO / "scripts" / "bench"), "--smoke", "--json"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)

    ratios = _seconds_by_length(out["analyze_ratio"])
    assert set(ratios) == {"10"}
    assert set(_seconds_by_length(out["cold_ratio"])) == {"10"}  # fresh processes
    assert set(_seconds_by_length(out["cold_apart_ratio"])) == {"10"}  # plain loaded apart
    assert set(_seconds_by_length(out["live_latency_s"])) == {"10"}
    assert out["live_method"] == "4x"
    live = out["live"]["4x"]["10"]
    for key in (
        "end_detect_s",
        "processing_s",
        "unstreamed_s",
        "total_s",
        "batch_s",
        "final_decode_s",
    ):
        assert isinstance(live[key], float) and live[key] >= 0, (key, live)
    rss = out["peak_rss_mb"]
    assert rss and all(isinstance(v, float) and v > 0 for v in rss.values()), rss
    for key in ("help_s", "history_s"):
        assert isinstance(out[key], float) and out[key] > 0, (key, out[key])
    assert out["first_question_s"] is None  # needs the audio rig: not in the smoke run
    assert out["machine"]["cores"] >= 1
    # The table goes to stderr with --json, naming what each figure is.
    assert "feedback  end detected → scorecard ready" in done.stderr
