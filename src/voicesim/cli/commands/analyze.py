"""``voicesim analyze``: transcribe recorded answers and measure delivery.

Readable summary by default (Rich); ``--json`` prints the SPEC §3 object on stdout, or a
JSON list of such objects when several files are given. Progress goes to stderr, and only
when stderr is a terminal, so stdout stays clean JSON. Flags: :mod:`voicesim.cli.analyze`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.rule import Rule
from rich.table import Table

from voicesim.analysis.delivery import clipped
from voicesim.analysis.pipeline import analyze_file
from voicesim.analysis.timeline import timeline
from voicesim.audio.files import probe
from voicesim.cli.questions import configured_packs
from voicesim.cli.view import hanging, print_warnings, term
from voicesim.config import Config, check, load_config
from voicesim.errors import AudioError, UserError
from voicesim.models import model_note
from voicesim.results import AnalysisResult
from voicesim.scoring.rubric import Rubric, load_rubric
from voicesim.scoring.score import top_improvements
from voicesim.transcribe import Transcriber


def cmd_analyze(args: argparse.Namespace) -> int:
    """Analyse each file; print summaries or JSON. Bad input raises UserError (exit 2).

    With several files, a bad one does not stop the others: the good ones are analysed
    and printed, then each bad one is named on stderr (one line each) and the exit is 2.
    """

    if not math.isfinite(args.long_pause) or args.long_pause <= 0:  # "nan" parses as a float
        raise UserError(f"--long-pause must be a positive number of seconds, not {args.long_pause}")
    if args.threads is not None:
        check("model.threads", args.threads, "--threads")
    bad: list[str] = []
    good = []
    for path in args.files:  # refuse bad files before loading the model
        try:
            probe(path)
        except AudioError as exc:
            if len(args.files) == 1:
                raise
            bad.append(str(exc))
        else:
            good.append(path)
    args.files = good
    if not args.files:
        raise UserError("; ".join(bad))

    cfg = load_config()
    question, rubric = _question_and_rubric(args, cfg)
    transcriber = _transcriber(args, cfg)
    note = model_note(transcriber.model_ref)
    if note:
        print(f"voicesim: note: {note}", file=sys.stderr)
    results = _run(args, transcriber, question, rubric, bad)
    if args.json:
        data = [r.to_dict() for r in results]
        json.dump(data[0] if len(data) == 1 and not bad else data, sys.stdout, indent=2)
        sys.stdout.write("\n")
    for line in bad:
        print(f"voicesim: error: {line}", file=sys.stderr)
    return 2 if bad else 0


def _question_and_rubric(args: argparse.Namespace, cfg: Config) -> tuple[Any, Any]:

    rubric = load_rubric(args.rubric or cfg.rubric_path)  # None: the built-in one
    question = None
    if args.question:
        # Packs are checked against the rubric in use: a user rubric's own checks count.
        packs = configured_packs(cfg, args.packs_dir, checks=rubric.check_names())
        question = packs.require_question(args.question)
    return question, rubric


def _transcriber(args: argparse.Namespace, cfg: Config) -> Any:

    threads = args.threads if args.threads is not None else cfg.model.threads
    return Transcriber(
        args.model or cfg.model.name, threads=threads, compute_type=cfg.model.compute_type
    )


def _run(
    args: argparse.Namespace, transcriber: Any, question: Any, rubric: Any, bad: list[str]
) -> list[AnalysisResult]:

    out = term(soft_wrap=False)
    err = term(stderr=True)
    results = []
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
        transient=True,
    ) as progress:
        for path in args.files:
            task = progress.add_task(f"analysing {path.name}", total=1.0)

            def tick(done: float, total: float, task: Any = task) -> None:
                progress.update(task, completed=done / max(total, 1e-9))

            try:
                result = analyze_file(
                    path,
                    transcriber=transcriber,
                    question=question,
                    rubric=rubric,
                    progress=tick,
                    long_pause_s=args.long_pause,
                )
            except AudioError as exc:  # e.g. decodes fine at first, then is cut short
                if len(args.files) == 1 and not bad:
                    raise
                progress.remove_task(task)
                bad.append(str(exc))
                continue
            progress.remove_task(task)
            results.append(result)
            if not args.json:
                progress.stop()
                print_summary(result, out, rubric, question)
                progress.start()
    return results


# --- readable summary ---------------------------------------------------------------------


def print_summary(
    result: AnalysisResult, console: Console, rubric: Rubric, question: Any = None
) -> None:
    """Print one result: transcript with fillers and long pauses marked, measures, score."""
    d = result.delivery
    name = escape(str(result.audio.path))  # the user's file name, not Rich markup
    console.print(Rule(f"{name}  ({result.audio.duration_s:.1f} s)"))
    if result.no_speech:
        console.print("[bold]no speech detected[/bold]")
        print_warnings(console, d.recording_warnings)
        return
    console.print(marked_transcript(result))
    console.print("[dim]{…} filler   ⏸ long pause[/dim]\n")
    console.print(measures_table(result, rubric, question))
    print_warnings(console, d.warnings)
    _print_score(result, console)


def marked_transcript(result: AnalysisResult) -> str:
    """Rich markup of the transcript, read from the one timeline replay, the report and the
    exports read (``analysis.timeline``): fillers in {braces}, a filled pause nobody wrote
    down as {(um)}, long pauses where they happened. A word taken for a filled pause ("or"
    in an "uh") is that one filler, not shown twice."""
    parts = []
    for token in timeline(result):
        if token.kind == "word":
            parts.append(escape(token.text))
        elif token.kind == "filler":
            text = "(um)" if token.source == "acoustic" else token.text
            parts.append(f"[bold yellow]{{{escape(text)}}}[/bold yellow]")
        elif token.long:
            parts.append(f"[magenta]⏸{token.end - token.start:.1f}s[/magenta]")
    return " ".join(parts)


def _band(value: float, good: tuple[float, float], bad: tuple[float, float]) -> str:
    lo, hi = good
    if lo <= value <= hi:
        return "[green]good[/green]"
    if value < bad[0] or value > bad[1]:
        return "[red]problem[/red]"
    return "[yellow]watch[/yellow]"


def measures_table(result: AnalysisResult, rubric: Rubric, question: Any = None) -> Any:
    """The SPEC §1 measures, each with its reference band and a verdict, from ``rubric``.

    The answer length is judged against ``question``'s own target when one is given.
    """

    d = result.delivery
    t = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    t.add_column("measure")
    t.add_column("value", justify="right")
    t.add_column("reference")
    t.add_column("")
    pace = rubric.spec("pace")
    (good_lo, good_hi), (bad_lo, bad_hi) = pace.pair("band"), pace.pair("problem")
    t.add_row("pace", f"{d.wpm:.0f} wpm",
              f"{good_lo:g}–{good_hi:g}; <{bad_lo:g} or >{bad_hi:g} a problem",
              _band(d.wpm, (good_lo, good_hi), (bad_lo, bad_hi)))  # fmt: skip
    rate = d.fillers_per_100_words
    fine, work = rubric.spec("fillers").pair("band")
    verdict = "[green]excellent[/green]" if rate < fine else (
        "[yellow]fine[/yellow]" if rate <= work else "[red]needs work[/red]")  # fmt: skip
    filled = sum(f.kind == "filled_pause" for f in d.fillers)
    t.add_row("fillers", f"{rate:.1f} / 100 words",
              f"<{fine:g} excellent, {fine:g}–{work:g} fine, >{work:g} work", verdict)  # fmt: skip
    t.add_row(
        "", f"{len(d.fillers)} ({filled} um/uh)", f"{d.fillers_per_minute:.1f} per minute", ""
    )
    low, high = (
        question.target_s if question is not None else rubric.spec("length").pair("behavioural")
    )
    if question is not None:
        where = f"target of {question.id}"
        length = _band(d.speaking_span_s, (low, high), (low / 2, high * 1.5))
    else:  # no target known: the criterion takes off at most short_penalty_no_question
        where = "a behavioural answer's; no --question given"
        length = _band(d.speaking_span_s, (low, high), (0.0, float("inf")))
    t.add_row("answer length", f"{d.speaking_span_s:.0f} s", f"{low:g}–{high:g} s ({where})",
              length)  # fmt: skip
    t.add_row("pauses", f"{len(d.pauses)}", "silences ≥ 0.25 s", "")
    n_long = len(d.long_pauses)
    t.add_row("long pauses", f"{n_long}", f"≥ {d.long_pause_s:g} s",
              "[green]none[/green]" if not n_long else "[yellow]check[/yellow]")  # fmt: skip
    t.add_row(
        "articulation", f"{d.articulation_rate:.1f} syl/s", "speaking time without pauses", ""
    )
    if d.pitch:
        sd = d.pitch.sd_semitones
        flat = rubric.spec("pitch_variation").num("monotone_semitones")
        # The criterion's comparison (scoring.clarity.pitch_variation), so table and tip agree.
        verdict = "[red]monotone[/red]" if sd < flat else "[green]varied[/green]"
        t.add_row("pitch variation", f"{sd:.1f} st", f"monotone under {flat:g} st (SD)", verdict)
    if d.loudness:
        ld = d.loudness
        clip = "[red]clipped[/red]" if clipped(ld.clipping_ratio) else ""  # as the warning
        level = f"{ld.mean_dbfs:.0f} dBFS ± {ld.sd_db:.0f}"
        peak = f"peak {ld.peak_dbfs:.0f} dBFS, clipped {ld.clipping_ratio:.2%}"
        t.add_row("loudness", level, peak, clip)
    if d.response_latency_s is not None:
        t.add_row("response latency", f"{d.response_latency_s:.1f} s", "question end → speech", "")
    return t


def _print_score(result: AnalysisResult, console: Console) -> None:

    score = result.score
    groups = ", ".join(f"{g} {v:.0f}" for g, v in score.groups.items())
    console.print(
        f"\n[bold]score {score.overall:.0f}/100[/bold]" + (f"  ({groups})" if groups else "")
    )
    tips = top_improvements(score, 3)
    if tips:
        console.print("[bold]three changes that would raise it most:[/bold]")
        rows = (
            (f"  {i}.", f"{escape(c.label or c.id)} ({c.score:.0f}): {escape(c.tip)}")
            for i, c in enumerate(tips, 1)
        )
        console.print(hanging(rows))
