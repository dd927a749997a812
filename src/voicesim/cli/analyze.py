"""Flags of ``voicesim analyze FILE [FILE…]``: transcribe recorded answers, measure delivery.

Standard library only, so ``voicesim --help`` stays fast; the command runs in
:mod:`voicesim.cli.commands.analyze`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    """Add the ``analyze`` sub-command."""
    p = sub.add_parser(
        "analyze",
        help="transcribe recorded answers offline and measure pace, pauses and fillers",
        description="Transcribe recorded answers offline (WAV, FLAC, MP3, OGG, M4A, or "
        "a video's sound: MP4, MOV, WebM) and "
        "measure pace, pauses, filler words, pitch and loudness, with a score and tips. "
        "With several files and --json, prints a JSON list (one object per file).",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="audio files")
    p.add_argument("--json", action="store_true", help="print the result as JSON (SPEC §3)")
    p.add_argument(
        "--model",
        metavar="M",
        help="Whisper model: a local CTranslate2 directory or a faster-whisper name "
        "(default: bundled tiny.en; a name not already downloaded is refused)",
    )
    p.add_argument("--threads", type=int, metavar="N", help="CPU threads (default: all)")
    p.add_argument("--question", metavar="ID", help="score content against this question")
    p.add_argument("--rubric", type=Path, metavar="FILE", help="a rubric TOML to score with")
    p.add_argument(
        "--long-pause",
        type=float,
        default=2.0,
        metavar="S",
        help="silences at least this long count as long pauses (seconds, default 2.0)",
    )
    p.add_argument(
        "--packs-dir", action="append", default=[], type=Path, metavar="DIR",
        help="also look for --question in the packs in DIR (repeatable)",
    )  # fmt: skip
    p.set_defaults(func="analyze.cmd_analyze")
