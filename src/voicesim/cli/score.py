"""CLI: ``voicesim score`` — score written answers or transcripts (SPEC §3b).

``voicesim score FILE… [--question ID] [--json]`` scores each file's text (``-`` reads
stdin); ``voicesim score --batch FILE.jsonl`` scores one JSON object a line and writes one
line each, in order. Everything is read and checked before anything is written, so a bad
line leaves stdout empty. Only the standard library is imported at module level.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from voicesim.errors import UserError


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
    p.set_defaults(func=cmd_score)


def cmd_score(args: argparse.Namespace) -> int:
    """Score files or a batch; print text, JSON or JSON lines. Bad input: UserError (exit 2)."""
    if args.batch and (args.files or args.question):
        raise UserError("--batch takes the question from each line: give no FILE or --question")
    if not args.batch and not args.files:
        raise UserError("give a FILE to score (- for stdin) or --batch FILE.jsonl")
    from voicesim.config import load_config
    from voicesim.packs import load_packs
    from voicesim.scoring.rubric import load_rubric

    cfg = load_config()
    rubric = load_rubric(args.rubric or cfg.rubric_path)
    packs = load_packs([*cfg.packs_dirs, *args.packs_dir], known_checks=rubric.check_names())
    if args.batch:
        return _batch(args.batch, packs, rubric)
    question = None
    if args.question:
        question = packs.question(args.question)
        if question is None:
            raise UserError(f"unknown question id '{args.question}' (see `voicesim packs list`)")
    texts = [(name, _read(name)) for name in args.files]
    from voicesim.scoring.written import score_text

    scores = []
    for name, text in texts:
        if not text.strip():
            raise UserError(f"{name}: no words to score")
        scores.append((name, score_text(text, question, rubric)))
    if args.json:
        data = [s.to_dict() for _, s in scores]
        json.dump(data[0] if len(data) == 1 else data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for name, score in scores:
            _print_summary(name, score, len(scores) > 1)
    return 0


def _batch(source: str, packs: Any, rubric: Any) -> int:
    from voicesim.scoring.written import parse_batch, score_batch

    items = parse_batch(_read(source).splitlines(), packs.question)
    lines = [json.dumps(row, ensure_ascii=False) for row in score_batch(items, rubric)]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _read(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    path = Path(name)
    if not path.is_file():
        raise UserError(f"{name}: file not found")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{name}: not UTF-8 text") from None
    except OSError as exc:
        raise UserError(f"{name}: cannot read: {exc.strerror}") from None


def _print_summary(name: str, score: Any, heading: bool) -> None:
    if heading:
        print(f"== {name}")
    groups = "  ".join(f"{g} {v:.0f}" for g, v in score.groups.items())
    print(f"overall {score.overall:.0f}/100   {groups}")
    for c in sorted(score.criteria, key=lambda c: c.score):
        print(f"  {c.score:5.0f}  {c.label or c.id}: {c.tip}")
