"""History: per-session measures from the index, trend arrows, filters and the PNG plot."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from voicesim.errors import UserError
from voicesim.results import AnalysisResult, AudioInfo, Delivery, Filler, Score, Transcript
from voicesim.scoring.rubric import load_rubric
from voicesim.sessions.history import history_rows, overall_trend, parse_since, plot_history
from voicesim.sessions.store import AnswerRecord, SessionStore

BAND = load_rubric().spec("pace").pair("band")  # the comfortable pace, from the rubric


def _analysis(wpm: float, fillers_per_100: float, score: float) -> AnalysisResult:
    words = 100
    span = words / wpm * 60
    fillers = [
        Filler("um", i, i + 0.3, "filled_pause", "transcript")
        for i in range(round(fillers_per_100))
    ]
    delivery = Delivery(span, words, wpm, 4.0, 150, span, fillers=fillers)
    return AnalysisResult(AudioInfo("", span, 16000), Transcript("x"), delivery, Score(score))


def add_session(
    store: SessionStore, created: str, measures: list[tuple[str, float, float, float]]
) -> str:
    """A session created at ``created`` with answers (category, wpm, fillers/100 words, score)."""
    writer = store.create(mode="practice", pack="p", settings={})
    writer.record.created = created
    for i, (category, wpm, fillers, score) in enumerate(measures):
        question = {"id": f"q{i}", "text": "?", "category": category}
        writer.add_answer(
            AnswerRecord(i, question, created, None, None, _analysis(wpm, fillers, score))
        )
    writer.finish()
    return writer.id


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    store = SessionStore(tmp_path)
    add_session(store, "2026-11-01T10:00:00Z", [("behavioural", 100, 8, 50)])
    add_session(
        store, "2026-11-03T10:00:00Z", [("behavioural", 120, 5, 60), ("general", 120, 5, 60)]
    )
    add_session(store, "2026-11-05T10:00:00Z", [("behavioural", 145, 5.2, 61)])
    add_session(store, "2026-11-07T10:00:00Z", [("general", 200, 2, 80)])
    return store


def test_measures_and_arrows(store: SessionStore) -> None:
    rows = history_rows(store, pace_band=BAND)
    assert [round(r.session.wpm or 0) for r in rows] == [100, 120, 145, 200]
    assert [round(r.session.fillers_per_100 or 0, 1) for r in rows] == [8.0, 5.0, 5.0, 2.0]
    assert [r.arrows.get("wpm") for r in rows] == [None, "↑", "↑", "↑"]
    # Faster is better only while it brings pace towards 130–160 wpm.
    assert [r.better.get("wpm") for r in rows] == [None, True, True, False]
    assert [r.arrows.get("fillers_per_100") for r in rows] == [None, "↓", "→", "↓"]
    assert [r.better.get("fillers_per_100") for r in rows] == [None, True, None, True]
    assert [r.arrows.get("score") for r in rows] == [None, "↑", "→", "↑"]
    assert overall_trend(rows, "fillers_per_100", pace_band=BAND) == ("↓", True)
    assert overall_trend(rows, "score", pace_band=BAND) == ("↑", True)


def test_category_and_since(store: SessionStore) -> None:
    behavioural = history_rows(store, pace_band=BAND, category="behavioural")
    assert [round(r.session.wpm or 0) for r in behavioural] == [100, 120, 145]
    assert [r.session.answered for r in behavioural] == [1, 1, 1]
    recent = history_rows(store, pace_band=BAND, since=parse_since("2026-11-04"))
    assert [round(r.session.wpm or 0) for r in recent] == [145, 200]


def test_parse_since() -> None:
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert parse_since("7d", now=now) == "2026-11-19T12:00:00Z"
    assert parse_since("2w", now=now) == "2026-11-12T12:00:00Z"
    assert parse_since("2026-11-01") == "2026-11-01T00:00:00Z"
    with pytest.raises(UserError, match="not a date"):
        parse_since("last tuesday")


def test_plot_is_a_png(store: SessionStore, tmp_path: Path) -> None:
    import matplotlib.image

    rows = history_rows(store, pace_band=BAND)
    out = plot_history(rows, tmp_path / "plots" / "history.png", pace_band=BAND)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width, _ = matplotlib.image.imread(out).shape
    assert (width, height) == (800, 900)


def test_plot_without_sessions_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no sessions"):
        plot_history([], tmp_path / "x.png", pace_band=BAND)
