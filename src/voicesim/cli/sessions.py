"""Flags of the stored-session commands: sessions list/show/delete/reindex/recover,
history, replay, report, export and rescore. Standard library only; the commands run in
:mod:`voicesim.cli.commands.sessions`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

EXPORT_FORMATS = ("vtt", "srt", "audacity", "textgrid", "json")
FORCE_HELP = "replace a file that is already there"
"""``--force`` of every command that writes where the user says (voicesim.cli.outputs)."""


def register(sub: Any) -> None:
    """Add ``sessions``, ``history``, ``replay``, ``report``, ``export`` and ``rescore``."""
    p = sub.add_parser("sessions", help="list, show, delete or re-index stored sessions")
    ssub = p.add_subparsers(dest="sessions_command", metavar="ACTION", required=True)
    q = ssub.add_parser("list", help="stored sessions, oldest first")
    q.add_argument("--json", action="store_true", help="print JSON for scripts")
    q.add_argument("--since", help="only sessions since DATE (2026-11-01, or 7d / 2w)")
    q.add_argument("--category", help="only sessions with answers in this category")
    q.set_defaults(func="sessions.cmd_list")
    q = ssub.add_parser("show", help="one session's answers and measures")
    q.add_argument("id", help="session id (or 'last')")
    q.add_argument("--json", action="store_true", help="print the stored session as JSON")
    q.set_defaults(func="sessions.cmd_show")
    q = ssub.add_parser("delete", help="delete a session and its audio")
    q.add_argument("id", help="session id")
    q.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    q.set_defaults(func="sessions.cmd_delete")
    q = ssub.add_parser("reindex", help="rebuild the history index from the session folders")
    q.set_defaults(func="sessions.cmd_reindex")
    q = ssub.add_parser("recover", help="keep what an interrupted (killed) session recorded")
    q.add_argument("id", nargs="?", help="session id (default: every unfinished session)")
    q.set_defaults(func="sessions.cmd_recover")

    p = sub.add_parser("history", help="pace, fillers, pauses and scores over time")
    p.add_argument("--category", help="only answers to questions of this category")
    p.add_argument("--since", help="only sessions since DATE (2026-11-01, or 7d / 2w)")
    p.add_argument("--plot", metavar="FILE", help="also write a PNG plot to FILE")
    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.add_argument("--question", metavar="ID", help="one question's attempts over time")
    p.add_argument(
        "--include-demo", action="store_true", help="also count `voicesim demo` sessions"
    )
    p.set_defaults(func="sessions.cmd_history")

    p = sub.add_parser("replay", help="play a session back with its transcript annotated")
    p.add_argument("id", help="session id (or 'last')")
    p.add_argument(
        "--answer", type=int, metavar="N", help="start at answer N (1-based; --no-audio: only N)"
    )
    p.add_argument("--no-audio", action="store_true", help="print the annotated transcript")
    p.add_argument("--output-device", metavar="D", help="output device name or number")
    p.set_defaults(func="sessions.cmd_replay")

    p = sub.add_parser("report", help="write a self-contained HTML report of a session")
    p.add_argument("id", help="session id (or 'last')")
    p.add_argument("--out", metavar="PATH", help="file or folder (default: voicesim-ID.html here)")
    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.set_defaults(func="sessions.cmd_report")

    p = sub.add_parser("export", help="export answers as captions, labels or a TextGrid")
    p.add_argument("id", help="session id (or 'last')")
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    p.add_argument("--answer", type=int, metavar="N", help="only answer N (1-based)")
    p.add_argument("--out", metavar="PATH", help="file (one answer) or folder")
    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.set_defaults(func="sessions.cmd_export")

    p = sub.add_parser("rescore", help="re-score stored answers with the current or a given rubric")
    p.add_argument("id", nargs="?", help="session id (or 'last')")
    p.add_argument("--all", action="store_true", help="re-score every stored session")
    p.add_argument("--rubric", type=Path, metavar="FILE", help="a rubric TOML file")
    p.set_defaults(func="sessions.cmd_rescore")
