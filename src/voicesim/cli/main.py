"""Entry point of the ``voicesim`` command.

Each sub-command lives in its own module under ``voicesim.cli`` with a ``register(subparsers)``
function. Modules import only the standard library at import time, so ``voicesim --help``
stays instant; heavy imports happen inside the command functions.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from voicesim import __version__
from voicesim.errors import StorageError, UserError

COMMAND_MODULES = ("analyze", "packs", "practice", "rubric", "score", "sessions")


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
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"voicesim.cli.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
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
