"""Flags of ``voicesim score``: score written answers or transcripts (SPEC §3b).

Standard library only; the command runs in :mod:`voicesim.cli.commands.score`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    """Add the ``score`` sub-command."""
    p = sub.add_parser(
        "score",
        help="score a written answer or transcript (no audio needed)",
        description="Score the text of an answer — rehearse a story in writing before saying "
        "it aloud. Fillers written in the text (um, uh, you know…) count; criteria that need "
        "audio (pace, pauses, pitch, loudness) are left out. --batch reads JSON lines "
        '{"id": …, "question": …, "text": …} and writes one {"id": …, "score": …} line each.',
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="text files; - reads stdin")
    p.add_argument("--question", metavar="ID", help="score content against this question")
    p.add_argument("--json", action="store_true", help="print the score object as JSON")
    p.add_argument("--batch", metavar="FILE.jsonl", help="score one JSON object a line (- = stdin)")
    p.add_argument("--rubric", type=Path, metavar="FILE", help="a rubric TOML to score with")
    p.add_argument(
        "--packs-dir", action="append", default=[], type=Path, metavar="DIR",
        help="also look for question ids in the packs in DIR (repeatable)",
    )  # fmt: skip
    p.set_defaults(func="score.cmd_score")
