"""Stage: history. Pace, fillers, pauses and scores per session over time, with trends and a plot.

Rows come from the SQLite index (fast); "better" depends on the measure: fewer fillers and
pauses are better, a higher score is better, and pace is better the closer it is to the
comfortable band, which the caller reads from the rubric (``clarity.pace.band``, words per
minute) so a user rubric moves the arrows as it moves the scores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from voicesim.errors import UserError
from voicesim.sessions.index import SessionSummaryRow
from voicesim.sessions.store import SessionStore
from voicesim.sessions.trend import direction

# Changes smaller than these are shown as steady ("→"), units as the measure.
STEADY = {"wpm": 3.0, "fillers_per_100": 0.5, "pauses_per_min": 0.5, "score": 2.0}
MEASURES = ("wpm", "fillers_per_100", "pauses_per_min", "score")


@dataclass
class HistoryRow:
    """One session in the history with, per measure, an arrow against the previous session.

    ``arrows[m]`` is "↑", "↓" or "→" (direction of the value); ``better[m]`` says whether
    that change is an improvement (True), a setback (False) or neither (None).
    """

    session: SessionSummaryRow
    arrows: dict[str, str] = field(default_factory=dict)
    better: dict[str, bool | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {**self.session.to_dict(), "trend": dict(self.arrows), "better": dict(self.better)}


def parse_since(text: str, *, now: datetime | None = None) -> str:
    """An ISO-8601 UTC lower bound from "2026-11-01", "2026-11-01T10:00" or "7d"/"2w"."""
    now = now or datetime.now(UTC)
    relative = re.fullmatch(r"(\d+)\s*([dw])", text.strip())
    if relative:
        days = int(relative[1]) * (7 if relative[2] == "w" else 1)
        return (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise UserError(f"--since: {text!r} is not a date (use 2026-11-01 or 7d)") from exc
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


Band = tuple[float, float]


def _pace_distance(wpm: float, band: Band) -> float:
    low, high = band
    return max(low - wpm, 0.0, wpm - high)


def _judge(measure: str, old: float, new: float, pace_band: Band) -> tuple[str, bool | None]:
    heading = direction([old, new], steady=STEADY[measure])
    if heading == "steady":
        return "→", None
    arrow = "↑" if heading == "rising" else "↓"
    if measure == "wpm":
        gap_old, gap_new = _pace_distance(old, pace_band), _pace_distance(new, pace_band)
        return arrow, None if gap_old == gap_new else gap_new < gap_old
    if measure == "score":
        return arrow, new > old
    return arrow, new < old


def history_rows(
    store: SessionStore,
    *,
    pace_band: Band,
    since: str | None = None,
    category: str | None = None,
    include_demo: bool = False,
) -> list[HistoryRow]:
    """Sessions with answers, oldest first, each with trend arrows against the previous one.

    ``pace_band`` is the rubric's comfortable pace (low, high words per minute). Demo
    sessions (rendered answers, not the user's) are left out unless ``include_demo``.
    """
    rows = [
        r
        for r in store.list(since=since, category=category)
        if r.answered > 0 and (include_demo or r.mode != "demo")
    ]
    out: list[HistoryRow] = []
    previous: dict[str, float] = {}
    for row in rows:
        item = HistoryRow(row)
        for m in MEASURES:
            value = getattr(row, m)
            if value is None:
                continue
            if m in previous:
                item.arrows[m], item.better[m] = _judge(m, previous[m], value, pace_band)
            previous[m] = value
        out.append(item)
    return out


def overall_trend(
    rows: list[HistoryRow], measure: str, *, pace_band: Band
) -> tuple[str, bool | None]:
    """Arrow and verdict comparing the mean of the first and second half of the history."""
    values = [getattr(r.session, measure) for r in rows if getattr(r.session, measure) is not None]
    if len(values) < 2:
        return "", None
    half = len(values) // 2
    first, second = values[:half], values[len(values) - half :]
    return _judge(measure, sum(first) / len(first), sum(second) / len(second), pace_band)


PLOT_FORMATS = ("png", "svg", "pdf")
"""What ``--plot`` writes, by the file name's ending (no ending: PNG). "out.jpg" held PNG data."""


def plot_history(rows: list[HistoryRow], out: Path, *, pace_band: Band) -> Path:
    """Write a PNG (or SVG, PDF: PLOT_FORMATS) with one panel per measure (``pace_band``
    shaded, wpm); returns ``out``."""
    fmt = out.suffix.lower().lstrip(".") or "png"
    if fmt not in PLOT_FORMATS:
        raise UserError(f"cannot write the plot as .{fmt}: name it .png, .svg or .pdf")
    import matplotlib  # lazy: heavy (~1 s), only the plot needs it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not rows:
        raise UserError("no sessions with answers to plot yet")
    when = [datetime.fromisoformat(r.session.created.replace("Z", "+00:00")) for r in rows]
    titles = {
        "wpm": "Pace (words per minute)",
        "fillers_per_100": "Fillers per 100 words",
        "pauses_per_min": "Pauses per minute",
        "score": "Score (0–100)",
    }
    fig, axes = plt.subplots(len(MEASURES), 1, figsize=(8, 9), sharex=True)
    try:
        for ax, m in zip(axes, MEASURES, strict=True):
            points = [(t, getattr(r.session, m)) for t, r in zip(when, rows, strict=True)]
            points = [(t, v) for t, v in points if v is not None]
            if m == "wpm":
                ax.axhspan(*pace_band, color="tab:green", alpha=0.15, label="comfortable")
            if points:
                ax.plot([p[0] for p in points], [p[1] for p in points], marker="o")
            ax.set_title(titles[m], fontsize=10)
            ax.grid(alpha=0.3)
        fig.autofmt_xdate()
        fig.tight_layout()
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out, format=fmt, dpi=100)
    except OSError as exc:
        raise UserError(f"cannot write the plot {out}: {exc.strerror or exc}") from exc
    finally:
        plt.close(fig)
    return out
