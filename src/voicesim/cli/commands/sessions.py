"""Stored sessions: sessions list/show/delete/reindex/recover, history, replay, report,
export and rescore. Flags: :mod:`voicesim.cli.sessions`."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path
from typing import Any

from rich import box
from rich.markup import escape
from rich.table import Table

from voicesim.cli.outputs import destination
from voicesim.cli.questions import configured_packs
from voicesim.cli.session_views import attempts_table, history_table, run_export, show_session
from voicesim.cli.view import term
from voicesim.config import load_config
from voicesim.errors import DeviceError, StorageError, UserError
from voicesim.review.replay import print_transcript, replay_session
from voicesim.review.report import render_report
from voicesim.sessions.files import atomic_write_text
from voicesim.sessions.history import history_rows, parse_since, plot_history
from voicesim.sessions.index import Attempt
from voicesim.sessions.rehearse import DEMO_MODE, question_attempts
from voicesim.sessions.rescore import load_rubric_file, rescore_session
from voicesim.sessions.store import SessionStore
from voicesim.transcribe import Transcriber


def _store() -> Any:

    return SessionStore()


def _fmt(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _console() -> Any:

    return term()


def cmd_list(args: argparse.Namespace) -> int:

    since = parse_since(args.since) if args.since else None
    _known_category(_store(), args.category)
    rows = _store().list(since=since, category=args.category)
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], indent=1))
        return 0
    if not rows:
        print("No stored sessions yet. Try `voicesim demo` or `voicesim practice`.")
        return 0
    # The id starts with the UTC date and time, and is what every other command takes.

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

    if args.question:
        return _question_history(args)
    since = parse_since(args.since) if args.since else None
    _known_category(_store(), args.category)
    plot = destination(args.plot, "voicesim-history.png", force=args.force) if args.plot else None
    band = load_rubric_file(_configured_rubric()).spec("pace").pair("band")  # the rubric's
    rows = history_rows(
        _store(),
        pace_band=band,
        since=since,
        category=args.category,
        include_demo=args.include_demo,
    )
    demo = [] if rows or args.include_demo else history_rows(
        _store(), pace_band=band, since=since, category=args.category, include_demo=True
    )  # fmt: skip
    if plot and not rows:  # said "no sessions with answers to plot yet" beside demo ones
        raise UserError(f"nothing to plot: {_no_history(args, len(demo))}")
    if plot:
        plot_history(rows, plot, pace_band=band)
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], indent=1))
    elif not rows:
        print(_no_history(args, len(demo)))
    else:
        history_table(_console(), rows, band)
    if plot:
        print(f"Plot written to {plot}", file=sys.stderr if args.json else sys.stdout)
    return 0


def _no_history(args: argparse.Namespace, demo_sessions: int) -> str:
    """What ``history`` says when it has no row: what was asked for, the demo sessions it
    left out, and what to do. After a first `voicesim demo` it used to say "No analysed
    answers yet. Try `voicesim demo`": the demo's sessions are left out by default."""
    where = "".join(
        (
            f" in category {args.category}" if args.category else "",
            f" since {args.since}" if args.since else "",
        )
    )
    text = f"No analysed answers{where}" + ("." if where else " yet.")
    text += _demo_left_out(demo_sessions, "session", " (the demo's answers are not yours)")
    if not where:
        text += " Practise with `voicesim practice`." if demo_sessions else (
            " Try `voicesim demo` or `voicesim practice`."
        )  # fmt: skip
    return text


def _demo_left_out(n: int, what: str, why: str = "") -> str:
    """ " 2 demo sessions are left out…: add --include-demo to see them." ("" for none)."""
    if not n:
        return ""
    some = f"1 demo {what} is" if n == 1 else f"{n} demo {what}s are"
    return f" {some} left out{why}: add --include-demo to see {'it' if n == 1 else 'them'}."


def _question_history(args: argparse.Namespace) -> int:

    every = question_attempts(_store(), args.question, include_demo=True)
    packset = _packset()
    if not every and packset is not None:
        packset.require_question(args.question)  # a typo: the close ids named, exit 2
    since = parse_since(args.since) if args.since else None
    dated = [a for a in every if since is None or a.created >= since]
    attempts = [a for a in dated if args.include_demo or a.mode != DEMO_MODE]
    if args.json:
        # "answer" counts from 1, as `replay --answer` and `export --answer` take it (the
        # index's own idx counts from 0 and is not shown).
        rows = [_attempt_row(a) for a in attempts]
        print(json.dumps(rows, indent=1))
    elif not attempts:
        demo = len(dated) - len(attempts)
        text = f"No answers to {args.question}" + (f" since {args.since}." if since else " yet.")
        text += _demo_left_out(demo, "answer")
        print(f"{text} Ask it with `voicesim practice --question {args.question}`.")
    else:
        attempts_table(_console(), args.question, attempts)
    return 0


def _attempt_row(a: Attempt) -> dict[str, object]:
    row = {("answer" if k == "idx" else k): v for k, v in a.__dict__.items()}
    return {**row, "answer": a.idx + 1, "wpm": a.wpm}


def cmd_replay(args: argparse.Namespace) -> int:

    record = _store().load(args.id)
    start = 1 if args.answer is None else args.answer
    record.answer(start)  # SessionError early if there is no such answer
    if args.no_audio:
        print_transcript(_console(), record, start=start, only=args.answer is not None)
        return 0
    try:
        replay_session(_console(), record, start=start, device=args.output_device)
    except DeviceError as exc:  # say what works without a speaker, not `voicesim demo`
        reason = str(exc).split("; see `voicesim devices`")[0]
        raise DeviceError(
            f"{reason}; `voicesim replay {args.id} --no-audio` prints the annotated transcript"
        ) from exc
    return 0


def cmd_report(args: argparse.Namespace) -> int:

    record = _store().load(args.id)
    out = destination(args.out, f"voicesim-{record.id}.html", force=args.force)
    html = render_report(record, pace_band=_scored_band(record))
    atomic_write_text(out, html)
    print(f"Report written to {out} ({out.stat().st_size / 1e6:.2f} MB)")
    return 0


def _scored_band(record: Any) -> tuple[float, float]:
    """The comfortable pace of the rubric that scored the session (stored since sessions
    record it; ``rescore`` stores its rubric's), else the configured rubric's."""
    band = record.settings.get("pace_band")
    if (
        isinstance(band, list)
        and len(band) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in band)
        and 0 < band[0] < band[1]
    ):
        return (float(band[0]), float(band[1]))
    low, high = load_rubric_file(_configured_rubric()).spec("pace").pair("band")
    return (low, high)


def cmd_export(args: argparse.Namespace) -> int:

    record = _store().load(args.id, check_audio=False)
    lines = run_export(record, args.format, answer=args.answer, out=args.out, force=args.force)
    for line in lines:
        print(line)
    return 0


def cmd_rescore(args: argparse.Namespace) -> int:

    if bool(args.id) == bool(args.all):
        raise UserError("give a session id or --all (not both)")
    store = _store()
    rubric = load_rubric_file(args.rubric or _configured_rubric())
    packset = _packset()
    # --all takes the folders, which are the truth: the index may still list a session whose
    # session.json broke since (and stopped the whole run at it) or miss one it could not read.
    ids = store.folder_ids() if args.all else [store.folder(args.id).name]
    done, skipped = 0, 0
    for sid in ids:
        try:
            changes = rescore_session(
                store,
                sid,
                rubric=rubric,
                packset=packset,
                transcriber=_transcriber,
                debrief=_debrief,
            )
        except (UserError, StorageError) as exc:
            if not args.all:
                raise
            # One line per session left as it was, as `sessions reindex` does; the rest are
            # still re-scored, and the exit code says that some were not.
            reason = str(exc) if sid in str(exc) else f"session {sid}: {exc}"
            print(f"skipped: {reason}", file=sys.stderr)
            skipped += 1
            continue
        done += 1
        for c in changes:
            if c.before is None:
                print(f"{c.session_id} answer {c.answer}: partial, analysed now: {c.after:.0f}")
            else:
                print(f"{c.session_id} answer {c.answer}: {c.before:.0f} → {c.after:.0f}")
    left = f" Skipped {skipped} that could not be re-scored." if skipped else ""
    print(f"Re-scored {done} session(s).{left}")
    return 2 if skipped else 0


def _debrief(record: Any) -> dict[str, Any]:
    """The stored debrief made again (``rescore``), a panel's verdicts by the interviewers
    who asked the questions."""
    from voicesim.interview.feedback import record_debrief
    from voicesim.interview.modes import PanelMode

    asked = {a.interviewer for a in record.answers}
    panel = {p.name: p.groups for p in PanelMode.PANEL if p.name in asked}
    return record_debrief(record, panel if record.mode == "panel" else None)


def _transcriber() -> Any:
    """The configured Whisper model, for answers cut off before they were analysed."""
    cfg = load_config()
    return Transcriber(cfg.model.name, threads=cfg.model.threads)


def _known_category(store: Any, category: str | None) -> None:
    """UserError for a category no stored answer and no question has, with the nearest: a
    typo ("leadrship") gave an empty list and exit 0, while --question said "did you mean"."""
    if not category:
        return
    known = {c for row in store.list() for c in row.categories if c}
    packset = _packset()
    if packset is not None:
        known |= {q.category for q in packset.questions() if q.category}
    if category.lower() in {c.lower() for c in known}:
        return
    near = difflib.get_close_matches(category, sorted(known), n=2, cutoff=0.5)
    hint = f"; did you mean {' or '.join(near)}?" if near else "; see `voicesim packs list`"
    raise UserError(f"no question or stored answer has the category '{category}'{hint}")


def _packset() -> Any:
    """The question packs (built-in + configured); None when they cannot be loaded."""
    try:
        return configured_packs(load_config(), warn=False)  # the rubric in use's checks
    except UserError:
        return None


def _configured_rubric() -> Path | None:

    return load_config().rubric_path
