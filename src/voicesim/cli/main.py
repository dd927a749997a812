"""Entry point of the ``voicesim`` command.

A lazy command dispatch, as pipx does: each command group has a parser module in
``voicesim.cli`` (``register(subparsers)``: flags and help texts, standard library only) and a
command module in ``voicesim.cli.commands`` (the code that runs, its imports at the top). A
parser sets ``func="module.function"``; :func:`main` imports that command module only when
the command runs, so ``voicesim --help`` never loads numpy or the pipeline.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from voicesim import __version__
from voicesim.cli import analyze, packs, practice, rubric, score, sessions
from voicesim.errors import StorageError, UserError

PARSER_MODULES = (analyze, packs, practice, rubric, score, sessions)


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line on stderr and exits with 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="voicesim",
        description="Practise job interviews aloud: voicesim asks, listens, transcribes "
        "offline and coaches your pace, pauses, filler words and content.",
    )
    parser.add_argument("--version", action="version", version=f"voicesim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for module in PARSER_MODULES:
        module.register(sub)
    return parser


def command(target: str) -> Callable[[argparse.Namespace], int | None]:
    """The function named by a parser's ``func="module.function"`` default."""
    module_name, _, name = target.rpartition(".")
    # Imported here, not at the top: the command modules load numpy and the pipeline.
    module = importlib.import_module(f"voicesim.cli.commands.{module_name}")
    func: Callable[[argparse.Namespace], int | None] = getattr(module, name)
    return func


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(command(args.func)(args) or 0)
    except (UserError, StorageError) as exc:
        print(f"voicesim: error: {_one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("voicesim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: one line, exit 1
        if os.environ.get("VOICESIM_DEBUG"):
            raise
        print(
            f"voicesim: internal error: {type(exc).__name__}: {_one_line(str(exc))} "
            "(set VOICESIM_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return 1


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "unknown error"


if __name__ == "__main__":
    raise SystemExit(main())
