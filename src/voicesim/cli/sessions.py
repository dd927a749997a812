"""CLI: stored sessions — sessions list/show/delete/reindex/recover, history, replay, report,
export and rescore. Only the standard library is imported here at module level."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from voicesim.errors import UserError

EXPORT_FORMATS = ("vtt", "srt", "audacity", "textgrid", "json")


def register(sub: Any) -> None:
    """Add ``sessions``, ``history``, ``replay``, ``report``, ``export`` and ``rescore``."""
    p = sub.add_parser("sessions", help="list, show, delete or re-index stored sessions")
    ssub = p.add_subparsers(dest="sessions_command", metavar="ACTION", required=True)
    q = ssub.add_parser("list", help="stored sessions, oldest first")
    q.add_argument("--json", action="store_true", help="print JSON for scripts")
    q.add_argument("--since", help="only sessions since DATE (2026-11-01, or 7d / 2w)")
    q.add_argument("--category", help="only sessions with answers in this category")
    q.set_defaults(func=cmd_list)
    q = ssub.add_parser("show", help="one session's answers and measures")
    q.add_argument("id", help="session id (or 'last')")
    q.add_argument("--json", action="store_true", help="print the stored session as JSON")
    q.set_defaults(func=cmd_show)
    q = ssub.add_parser("delete", help="delete a session and its audio")
    q.add_argument("id", help="session id")
    q.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    q.set_defaults(func=cmd_delete)
    q = ssub.add_parser("reindex", help="rebuild the history index from the session folders")
    q.set_defaults(func=cmd_reindex)
    q = ssub.add_parser("recover", help="keep what an interrupted (killed) session recorded")
    q.add_argument("id", nargs="?", help="session id (default: every unfinished session)")
    q.set_defaults(func=cmd_recover)

    p = sub.add_parser("history", help="pace, fillers, pauses and scores over time")
    p.add_argument("--category", help="only answers to questions of this category")
    p.add_argument("--since", help="only sessions since DATE (2026-11-01, or 7d / 2w)")
    p.add_argument("--plot", type=Path, metavar="FILE", help="also write a PNG plot to FILE")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.add_argument("--question", metavar="ID", help="one question's attempts over time")
    p.add_argument(
        "--include-demo", action="store_true", help="also count `voicesim demo` sessions"
    )
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("replay", help="play a session back with its transcript annotated")
    p.add_argument("id", help="session id (or 'last')")
    p.add_argument("--answer", type=int, metavar="N", help="start at answer N (1-based)")
    p.add_argument("--no-audio", action="store_true", help="print the annotated transcript")
    p.add_argument("--output-device", metavar="D", help="output device name or number")
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("report", help="write a self-contained HTML report of a session")
    p.add_argument("id", help="session id (or 'last')")
    p.add_argument("--out", type=Path, metavar="FILE", help="default: voicesim-ID.html")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("export", help="export answers as captions, labels or a TextGrid")
    p.add_argument("id", help="session id (or 'last')")
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    p.add_argument("--answer", type=int, metavar="N", help="only answer N (1-based)")
    p.add_argument("--out", type=Path, metavar="PATH", help="file (one answer) or folder")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("rescore", help="re-score stored answers with the current or a given rubric")
    p.add_argument("id", nargs="?", help="session id (or 'last')")
    p.add_argument("--all", action="store_true", help="re-score every stored session")
    p.add_argument("--rubric", type=Path, metavar="FILE", help="a rubric TOML file")
    p.set_defaults(func=cmd_rescore)


def _store() -> Any:
    from voicesim.sessions.store import SessionStore

    return SessionStore()


def _fmt(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False)


def cmd_list(args: argparse.Namespace) -> int:
    from rich.markup import escape
    from rich.table import Table

    from voicesim.sessions.history import parse_since

    since = parse_since(args.since) if args.since else None
    rows = _store().list(since=since, category=args.category)
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], indent=1))
        return 0
    if not rows:
        print("No stored sessions yet. Try `voicesim demo` or `voicesim practice`.")
        return 0
    # The id starts with the UTC date and time, and is what every other command takes.
    from rich import box

    # No vertical rules and no edge padding: at 80 columns every cell is shown whole
    # ("managerial", "interrupted" were cut to "manager…", "comple…" in a boxed table).
    table = Table(
        "id (UTC date-time)", "mode", "pack", "status", "answers", "wpm", "score",
        box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
    )  # fmt: skip
    for column in table.columns:
        column.no_wrap = True
    for r in rows:
        table.add_row(
            r.id, escape(r.mode), escape(r.pack or ""), r.status,
            f"{r.answered}/{r.n_answers}", _fmt(r.wpm), _fmt(r.score),
        )  # fmt: skip
    _console().print(table)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from voicesim.cli.session_views import show_session

    record = _store().load(args.id, check_audio=False)
    if args.json:
        print(json.dumps({**record.to_dict(), "path": str(record.path)}, indent=1))
        return 0
    show_session(_console(), record)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    store = _store()
    folder = store.folder(args.id)
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError("not deleting without confirmation: add --yes")
        reply = input(f"Delete session {folder.name} and its audio? [y/N] ")
        if reply.strip().lower() not in ("y", "yes"):
            print("Kept.")
            return 0
    store.delete(folder.name)
    print(f"Deleted session {folder.name}.")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    store = _store()
    count = store.reindex()
    for line in store.skipped:
        print(f"skipped: {line}", file=sys.stderr)
    print(f"Indexed {count} session(s) in {store.index.path}.")
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    store = _store()
    ids = [store.folder(args.id).name] if args.id else store.unfinished()
    if not ids:
        print("No unfinished sessions.")
    for sid in ids:
        record = store.recover(sid)
        print(f"Recovered {sid}: {len(record.answers)} answer(s), marked interrupted.")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from voicesim.cli.session_views import history_table
    from voicesim.sessions.history import history_rows, parse_since, plot_history
    from voicesim.sessions.rescore import load_rubric_file

    if args.question:
        return _question_history(args)
    since = parse_since(args.since) if args.since else None
    band = load_rubric_file(_configured_rubric()).spec("pace").pair("band")  # the rubric's
    rows = history_rows(
        _store(),
        pace_band=band,
        since=since,
        category=args.category,
        include_demo=args.include_demo,
    )
    if args.plot:
        plot_history(rows, args.plot, pace_band=band)
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], indent=1))
    elif not rows:
        print("No analysed answers yet. Try `voicesim demo` or `voicesim practice`.")
    else:
        history_table(_console(), rows, band)
    if args.plot:
        print(f"Plot written to {args.plot}", file=sys.stderr if args.json else sys.stdout)
    return 0


def _question_history(args: argparse.Namespace) -> int:
    from voicesim.cli.session_views import attempts_table
    from voicesim.sessions.rehearse import question_attempts

    attempts = question_attempts(_store(), args.question, include_demo=args.include_demo)
    if args.since:
        from voicesim.sessions.history import parse_since

        since = parse_since(args.since)
        attempts = [a for a in attempts if a.created >= since]
    if args.json:
        rows = [{**a.__dict__, "wpm": a.wpm} for a in attempts]
        print(json.dumps(rows, indent=1))
    elif not attempts:
        print(f"No answers to {args.question} yet. Ask it with `voicesim practice --question "
              f"{args.question}`.")  # fmt: skip
    else:
        attempts_table(_console(), args.question, attempts)
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from voicesim.review.replay import print_transcript, replay_session

    record = _store().load(args.id)
    start = args.answer or 1
    record.answer(start)  # SessionError early if there is no such answer
    if args.no_audio:
        print_transcript(_console(), record, start=start, only=args.answer is not None)
        return 0
    replay_session(_console(), record, start=start, device=args.output_device)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from voicesim.review.report import render_report
    from voicesim.sessions.files import atomic_write_text
    from voicesim.sessions.rescore import load_rubric_file

    record = _store().load(args.id)
    out = args.out or Path(f"voicesim-{record.id}.html")
    if out.is_dir():
        out = out / f"voicesim-{record.id}.html"
    band = load_rubric_file(_configured_rubric()).spec("pace").pair("band")
    html = render_report(record, pace_band=band)
    atomic_write_text(out, html)
    print(f"Report written to {out} ({out.stat().st_size / 1e6:.2f} MB)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from voicesim.cli.session_views import run_export

    record = _store().load(args.id, check_audio=False)
    for line in run_export(record, args.format, answer=args.answer, out=args.out):
        print(line)
    return 0


def cmd_rescore(args: argparse.Namespace) -> int:
    from voicesim.sessions.rescore import load_rubric_file, rescore_session

    if bool(args.id) == bool(args.all):
        raise UserError("give a session id or --all (not both)")
    store = _store()
    rubric = load_rubric_file(args.rubric or _configured_rubric())
    packset = _packset()
    ids = [r.id for r in store.list()] if args.all else [store.folder(args.id).name]
    for sid in ids:
        changes = rescore_session(
            store, sid, rubric=rubric, packset=packset, transcriber=_transcriber
        )
        for c in changes:
            if c.before is None:
                print(f"{c.session_id} answer {c.answer}: partial, analysed now: {c.after:.0f}")
            else:
                print(f"{c.session_id} answer {c.answer}: {c.before:.0f} → {c.after:.0f}")
    print(f"Re-scored {len(ids)} session(s).")
    return 0


def _transcriber() -> Any:
    """The configured Whisper model, for answers cut off before they were analysed."""
    from voicesim.config import load_config
    from voicesim.transcribe import Transcriber

    cfg = load_config()
    return Transcriber(cfg.model.name, threads=cfg.model.threads)


def _packset() -> Any:
    """The question packs (built-in + configured); None when they cannot be loaded."""
    from voicesim.config import load_config
    from voicesim.packs import load_packs
    from voicesim.scoring.rubric import load_rubric

    try:
        return load_packs(load_config().packs_dirs, known_checks=load_rubric().check_names())
    except UserError:
        return None


def _configured_rubric() -> Path | None:
    from voicesim.config import load_config

    return load_config().rubric_path
