"""Entry point of the ``voicesim`` command.

A lazy command dispatch, as pipx does: each command group has a parser module in
``voicesim.cli`` (``register(subparsers)``: flags and help texts, standard library only) and a
command module in ``voicesim.cli.commands`` (the code that runs, its imports at the top). A
parser sets ``func="module.function"``; :func:`main` imports that command module only when
the command runs, so ``voicesim --help`` never loads numpy or the pipeline.
"""

from __future__ import annotations

import argparse
import difflib
import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from voicesim import __version__
from voicesim.cli import analyze, packs, practice, rubric, score, sessions
from voicesim.errors import StorageError, UserError

PARSER_MODULES = (analyze, packs, practice, rubric, score, sessions)


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line on stderr and exits with 2.

    An option it does not know is named first, with the nearest it knows: a typo in a
    required option (``export last --fromat vtt``) was reported only as "the following
    arguments are required: --format", hiding the typo.
    """

    _given: tuple[str, ...] = ()  # the arguments of this parser's last parse

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        self._given = tuple(str(a) for a in (sys.argv[1:] if args is None else args))
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        prog, known, given = self._options()
        for arg in given:
            flag = arg.split("=", 1)[0]
            if arg == "--":
                break
            if flag.startswith("--") and flag not in known:
                near = difflib.get_close_matches(flag, known, n=1)
                message = f"unknown option {flag}" + (f" (did you mean {near[0]}?)" if near else "")
                break
        else:
            prog = self.prog
        self.exit(2, f"{prog}: error: {message} (see --help)\n")

    def _options(self) -> tuple[str, list[str], list[str]]:
        """The (sub)command the arguments chose: its name, its options and the arguments
        given to it. The top parser reports a sub-command's unknown options ("unrecognized
        arguments") but knows none of them itself."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                for arg in self._given:
                    chosen = action.choices.get(arg)
                    if isinstance(chosen, OneLineParser) and chosen._given:
                        return chosen._options()
        return self.prog, list(self._option_string_actions), list(self._given)


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


def entry() -> NoReturn:
    """The ``voicesim`` program (the console script and ``python -m voicesim``): :func:`main`,
    then exit.

    Before the exit every object is frozen out of the cyclic garbage collector's sight
    (``gc.freeze``): the interpreter's last collections walk every object of every module
    loaded, and after librosa's (scipy, numba) that took 0.44 s of a fresh 30-s ``voicesim
    analyze``, against 0.08 s for plain faster-whisper's process; frozen, 0.03 s. Objects are
    still released by their reference counts, so files are flushed and closed, threads joined
    and exit handlers run; only garbage in reference cycles is left to the operating system.
    Tests call :func:`main` in their own process, without this (nor :func:`one_blas_thread`).
    """
    one_blas_thread()
    code = main()
    gc.freeze()
    sys.exit(code)


def one_blas_thread() -> None:
    """numpy's and scipy's OpenBLAS run on one thread in this process, unless the user chose
    (``OPENBLAS_NUM_THREADS``); read once, when numpy loads, so before any command's import.

    After a call into BLAS (the frame features' and faster-whisper's mel spectrogram's
    products of matrices) OpenBLAS's other thread spins, waiting for more, on a core the
    Whisper decode needs: a fresh 30-s ``voicesim analyze`` as a process, 10 rounds
    alternating (forty-eighth session): 2.69 s wall and 3.99 CPU-s with the spinning thread,
    2.57 s and 3.68 CPU-s without, plain faster-whisper 2.31 s and 3.31 CPU-s. The products
    are small (80 or so rows) and gain nothing from a second thread."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "unknown error"


if __name__ == "__main__":
    entry()
