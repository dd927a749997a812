"""How stored sessions look in the terminal (Rich), and where exports are written.

Imported only by the sessions CLI commands, after argument parsing (so Rich may load here).
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from voicesim.cli.outputs import check_new, destination, make_folder, names_folder
from voicesim.errors import UserError
from voicesim.interview.feedback import answer_status, no_words, status_words
from voicesim.review.export import EXTENSIONS, export_answer, export_session_json
from voicesim.sessions.files import atomic_write_text
from voicesim.sessions.history import MEASURES, HistoryRow, overall_trend
from voicesim.sessions.index import Attempt
from voicesim.sessions.store import SessionRecord


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
            status_words(answer_status(a)) if a.skipped else a.ended_by,
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
    record: SessionRecord, fmt: str, *, answer: int | None, out: str | None, force: bool = False
) -> list[str]:
    """Write the export; returns lines to print (the export itself when it goes to stdout).

    ``out`` as typed (a trailing separator names a folder); files already there are
    replaced only with ``force``, and every file is checked before the first is written
    (:mod:`voicesim.cli.outputs`)."""
    if fmt == "json" and answer is None:
        return _emit(export_session_json(record), out, f"{record.id}.json", force)
    if answer is not None or len(record.answers) == 1:
        chosen = record.answer(1 if answer is None else answer)
        if fmt != "json" and chosen.analysis is None:
            raise UserError(f"answer {chosen.index + 1} {no_words(chosen)[0]}: no words to export")
        name = f"{record.id}-a{chosen.index + 1:02d}.{EXTENSIONS[fmt]}"
        return _emit(export_answer(chosen, fmt), out, name, force)
    if not record.answers:
        raise UserError(f"session {record.id} has no answers to export")
    folder = Path(out).expanduser() if out is not None else Path.cwd()
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file; with several answers --out must be a folder")
    named_file = folder.suffix.lstrip(".") == EXTENSIONS[fmt] and not names_folder(out or "")
    if named_file and not folder.exists():
        raise UserError(
            f"session {record.id} has {len(record.answers)} answers: give --answer N to write "
            f"one to {folder}, or a folder for all"
        )
    make_folder(folder)
    names = {
        a.index: f"{record.id}-a{a.index + 1:02d}.{EXTENSIONS[fmt]}"
        for a in record.answers
        if fmt == "json" or a.analysis is not None
    }
    targets = {i: check_new(folder / n, force=force) for i, n in names.items()}  # all first
    written = []
    for a in record.answers:
        if a.index not in targets:
            written.append(f"answer {a.index + 1} {no_words(a)[0]}: not exported")
            continue
        atomic_write_text(targets[a.index], export_answer(a, fmt))
        written.append(f"wrote {targets[a.index]}")
    return written


def _emit(text: str, out: str | None, default_name: str, force: bool) -> list[str]:
    if out is None:
        return [text.rstrip("\n")]
    path = destination(out, default_name, force=force)
    atomic_write_text(path, text)
    return [f"wrote {path}"]
