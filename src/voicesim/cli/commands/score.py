"""``voicesim score``: score written answers or transcripts (SPEC §3b).

``voicesim score FILE… [--question ID] [--json]`` scores each file's text (``-`` reads
stdin); ``voicesim score --batch FILE.jsonl`` scores one JSON object a line and writes one
line each, in order. Everything is read and checked before anything is written, so a bad
line leaves stdout empty. Flags: :mod:`voicesim.cli.score`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from voicesim.cli.questions import configured_packs
from voicesim.config import load_config
from voicesim.errors import UserError
from voicesim.scoring.rubric import load_rubric
from voicesim.scoring.score import scores_text
from voicesim.scoring.written import has_words, parse_batch, score_batch, score_text


def cmd_score(args: argparse.Namespace) -> int:
    """Score files or a batch; print text, JSON or JSON lines. Bad input: UserError (exit 2)."""
    if args.batch and (args.files or args.question):
        raise UserError("--batch takes the question from each line: give no FILE or --question")
    if not args.batch and not args.files:
        raise UserError("give a FILE to score (- for stdin) or --batch FILE.jsonl")

    cfg = load_config()
    rubric = load_rubric(args.rubric or cfg.rubric_path)
    if not scores_text(rubric):
        raise UserError(
            f"{args.rubric or cfg.rubric_path}: every criterion a written answer has weighs 0 "
            "(the rubric scores recordings only): nothing to score"
        )
    packs = configured_packs(cfg, args.packs_dir, checks=rubric.check_names())
    if args.batch:
        return _batch(args.batch, packs, rubric)
    question = packs.require_question(args.question) if args.question else None
    texts = [(name, _read(name)) for name in args.files]

    scores = []
    for name, text in texts:
        if not has_words(text):
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

    items = parse_batch(_read(source).splitlines(), packs.question)
    lines = [json.dumps(row, ensure_ascii=False) for row in score_batch(items, rubric)]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _read(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    path = Path(name)
    if path.is_dir():
        raise UserError(f"{name}: is a folder, not a text file")
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
