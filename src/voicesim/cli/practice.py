"""Flags of ``voicesim practice``, ``voicesim demo`` and ``voicesim devices``.

Standard library only; the commands run in :mod:`voicesim.cli.commands.practice`.
"""

from __future__ import annotations

import argparse
from typing import Any

MODES = ("standard", "panel", "stress", "rapid")


def register(sub: Any) -> None:
    """Add practice, demo and devices to the parser."""
    p = sub.add_parser("practice", help="a mock interview by voice: asks, listens, coaches")
    _question_flags(p)
    p.add_argument("--category", help="only questions of this category")
    p.add_argument(
        "--question",
        action="append",
        default=[],
        metavar="ID",
        help="ask this question (repeatable; ids in `voicesim packs show PACK`)",
    )
    p.add_argument(
        "--rehearse",
        action="store_true",
        help="ask the questions scored lowest or skipped in recent sessions, weakest first",
    )
    p.add_argument(
        "--shuffle",
        action="store_true",
        help="random order (default: questions never or least recently practised first)",
    )
    p.add_argument("--mode", choices=MODES, default="standard", help="interview mode")
    p.add_argument("--input-device", metavar="D", help="microphone: index or name part")
    p.add_argument("--output-device", metavar="D", help="speaker: index or name part")
    p.add_argument(
        "--end-silence", type=float, metavar="S", help="seconds of silence ending an answer (2.5)"
    )
    p.add_argument("--max-answer", type=float, metavar="S", help="longest answer, seconds (180)")
    p.add_argument(
        "--first-word-wait",
        type=float,
        metavar="S",
        help="thinking time before the first word, seconds (8)",
    )
    p.add_argument(
        "--no-spoken-feedback", action="store_true", help="do not speak the tip after each answer"
    )
    p.add_argument(
        "--no-follow-ups",
        action="store_true",
        help='no "What was the result?" follow-up after an answer without a result or own action',
    )
    p.add_argument(
        "--voice", metavar="V", help="interviewer voice (see `voicesim devices --voices`)"
    )
    p.add_argument(
        "--rate", type=int, metavar="WPM", help="interviewer speaking rate, words per minute"
    )
    p.set_defaults(func="practice.cmd_practice")

    d = sub.add_parser("demo", help="a complete session with no microphone (rendered answers)")
    _question_flags(d, default_count=3)
    d.add_argument("--no-audio", action="store_true", help="play nothing aloud")
    d.set_defaults(func="practice.cmd_demo")

    v = sub.add_parser("devices", help="list audio input and output devices")
    v.add_argument("--json", action="store_true", help="machine-readable output")
    v.add_argument("--voices", action="store_true", help="list the interviewer voices instead")
    v.set_defaults(func="practice.cmd_devices")


def _question_flags(p: argparse.ArgumentParser, default_count: int = 5) -> None:
    p.add_argument("--pack", help="question pack id (see `voicesim packs list`)")
    # --count stays None unless given, so only an explicit count too large for the
    # selection is worth a notice; the command's own default applies otherwise.
    p.add_argument(
        "--count", type=int, metavar="N", help=f"number of questions (default {default_count})"
    )
    p.set_defaults(default_count=default_count)
    p.add_argument(
        "--packs-dir", action="append", default=[], metavar="DIR", help="extra packs directory"
    )


# -- practice ------------------------------------------------------------------------------
