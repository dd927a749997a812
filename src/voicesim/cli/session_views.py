"""How stored sessions look in the terminal (Rich), and where exports are written.

Imported only by the sessions CLI commands, after argument parsing (so Rich may load here).
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from voicesim.errors import UserError
from voicesim.review.export import EXTENSIONS, export_answer, export_session_json
from voicesim.sessions.files import atomic_write_text
from voicesim.sessions.history import MEASURES, HistoryRow, overall_trend
from voicesim.sessions.index import Attempt
from voicesim.sessions.store import AnswerRecord, SessionRecord


def _fmt(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def show_session(console: Console, record: SessionRecord) -> None:
    """Print one session: header, then one row per answer with its key measures."""
    console.print(
        f"[bold]Session {record.id}[/bold]  {record.created}  mode={escape(record.mode)}  "
        f"pack={escape(record.pack or '–')}  status={escape(record.status)}"
    )
    console.print(f"folder: {record.path}", markup=False)
    for a in record.answers:
        q = a.question
        console.print(f"{a.index + 1}. [{q.get('category', '')}] {q.get('text', '')}", markup=False)
    table = Table("#", "ended by", "wpm", "fillers", "pauses (long)", "latency s", "score")
    for a in record.answers:
        d = a.analysis.delivery if a.analysis else None
        table.add_row(
            str(a.index + 1),
            "skipped" if a.skipped else a.ended_by,
            _fmt(d.wpm) if d else "–",
            str(len(d.fillers)) if d else "–",
            f"{len(d.pauses)} ({len(d.long_pauses)})" if d else "–",
            _fmt(a.response_latency_s, 1),
            _fmt(a.analysis.score.overall) if a.analysis else "–",
        )
    console.print(table)
    s = record.summary
    if s:
        console.print(
            f"overall: {s.get('answered', 0)} answered, pace {_fmt(s.get('wpm'))} wpm, "
            f"fillers {_fmt(s.get('fillers_per_100_words'), 1)}/100 words, "
            f"score {_fmt(s.get('score'))}"
        )


_LABELS = {
    "wpm": "pace wpm",
    "fillers_per_100": "fillers/100 w",
    "pauses_per_min": "pauses/min",
    "score": "score",
}
_DIGITS = {"wpm": 0, "fillers_per_100": 1, "pauses_per_min": 1, "score": 0}


def _cell(row: HistoryRow, measure: str) -> str:
    value = getattr(row.session, measure)
    arrow = row.arrows.get(measure, "")
    better = row.better.get(measure)
    colour = None if better is None else ("green" if better else "red")
    shown = f"{arrow}" if not colour else f"[{colour}]{arrow}[/{colour}]"
    return f"{_fmt(value, _DIGITS[measure])} {shown}".rstrip()


def history_table(console: Console, rows: list[HistoryRow], pace_band: tuple[float, float]) -> None:
    """The history as a table: one session per row, arrows against the previous session."""
    # The id holds the date (YYYYMMDD-HHMMSS, UTC) and is what replay/report take.
    table = Table("session", "n", *[_LABELS[m] for m in MEASURES])
    table.columns[0].no_wrap = True
    for r in rows:
        table.add_row(r.session.id, str(r.session.answered), *[_cell(r, m) for m in MEASURES])
    console.print(table)
    verdicts = []
    for m in MEASURES:
        arrow, better = overall_trend(rows, m, pace_band=pace_band)
        if arrow:
            if better is None:
                word = "steady" if arrow == "→" else "neutral"
            else:
                word = "improving" if better else "getting worse"
            verdicts.append(f"{_LABELS[m]} {arrow} {word}")
    if verdicts:
        console.print("Trend (first half vs second half): " + "; ".join(verdicts))


def attempts_table(console: Console, question_id: str, attempts: list[Attempt]) -> None:
    """One question's answers over time: when, score, pace, fillers, or why unanswered."""
    table = Table("session", "answer", "score", "wpm", "fillers", "status", title=question_id)
    table.columns[0].no_wrap = True
    for a in attempts:
        answered = a.analysed and not a.skipped
        table.add_row(
            a.session_id,
            str(a.idx + 1),
            f"{a.score:.0f}" if answered and a.score is not None else "—",
            f"{a.wpm:.0f}" if answered and a.wpm is not None else "—",
            str(a.fillers) if answered else "—",
            "answered" if answered else ("skipped" if a.skipped else "not analysed"),
        )
    console.print(table)
    scores = [a.score for a in attempts if a.analysed and not a.skipped and a.score is not None]
    if len(scores) >= 2:
        change = scores[-1] - scores[0]
        console.print(
            f"Score {scores[0]:.0f} → {scores[-1]:.0f} ({change:+.0f}) over {len(scores)} answers"
        )


def run_export(
    record: SessionRecord, fmt: str, *, answer: int | None, out: Path | None
) -> list[str]:
    """Write the export; returns lines to print (the export itself when it goes to stdout)."""
    if fmt == "json" and answer is None:
        return _emit(export_session_json(record), out, f"{record.id}.json")
    if answer is not None or len(record.answers) == 1:
        chosen = record.answer(answer or 1)
        if fmt != "json" and chosen.analysis is None:
            raise UserError(f"answer {chosen.index + 1} {_unanalysed(chosen)}: no words to export")
        name = f"{record.id}-a{chosen.index + 1:02d}.{EXTENSIONS[fmt]}"
        return _emit(export_answer(chosen, fmt), out, name)
    if not record.answers:
        raise UserError(f"session {record.id} has no answers to export")
    folder = out or Path.cwd()
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file; with several answers --out must be a folder")
    if not folder.exists() and folder.suffix.lstrip(".") == EXTENSIONS[fmt]:
        raise UserError(
            f"session {record.id} has {len(record.answers)} answers: give --answer N to write "
            f"one to {folder}, or a folder for all"
        )
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for a in record.answers:
        if fmt != "json" and a.analysis is None:
            written.append(f"answer {a.index + 1} {_unanalysed(a)}: not exported")
            continue
        path = folder / f"{record.id}-a{a.index + 1:02d}.{EXTENSIONS[fmt]}"
        atomic_write_text(path, export_answer(a, fmt))
        written.append(f"wrote {path}")
    return written


def _unanalysed(a: AnswerRecord) -> str:
    """Why an answer has no words: "was skipped", "had no speech", "was cut off"…"""
    if a.skipped:
        return "had no speech" if a.ended_by == "no_speech" else "was skipped"
    return "was cut off before it was analysed (run `voicesim rescore` first)"


def _emit(text: str, out: Path | None, default_name: str) -> list[str]:
    if out is None:
        return [text.rstrip("\n")]
    path = out / default_name if out.is_dir() else out
    atomic_write_text(path, text)
    return [f"wrote {path}"]
