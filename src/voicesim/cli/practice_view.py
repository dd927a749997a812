"""What ``voicesim practice`` and ``voicesim demo`` print: a Rich reporter for the session loop."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from voicesim.audio.devices import pulse_devices
from voicesim.cli.view import hanging, print_warnings, term
from voicesim.interview.feedback import status_words
from voicesim.interview.session import Reporter
from voicesim.text import counted

if TYPE_CHECKING:
    from voicesim.interview.feedback import Scorecard, SessionSummary
    from voicesim.interview.modes import Ask, Mode
    from voicesim.interview.session import SessionResult
    from voicesim.listen.listener import Turn

_ENDED = {
    "silence": "you stopped talking",
    "phrase": "you said you were done",
    "max": "time limit reached",
    "interrupted": "cut off by the interviewer",
    "no_speech": "no answer heard",
    "device_lost": "audio device lost",
}


_ANALYSED = ("silence", "phrase", "max", "interrupted")


def _fmt(value: float | None, spec: str = ".0f", unit: str = "") -> str:
    return "—" if value is None else f"{value:{spec}}{unit}"


class RichReporter(Reporter):
    """Prints the session as it happens: question, listening, scorecard, the debrief."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or term()

    def session_started(self, session_id: str, mode: Mode, count: int) -> None:
        self.console.print(f"[bold]voicesim[/] {mode.name} interview · session {session_id}")

    def asking(self, number: int, total: int, ask: Ask) -> None:
        who = f"{ask.interviewer.name}: " if ask.interviewer.name != "the interviewer" else ""
        tag = "follow-up" if ask.follow_up else f"Q{number}/{total}"
        category = getattr(ask.question, "category", "")
        text = ask.text
        if who and text.startswith(f"{ask.interviewer.name} here. "):  # said, not shown twice
            text = text[len(ask.interviewer.name) + len(" here. ") :]
        # Packs are the user's text: a bracket in a question is not Rich markup.
        self.console.print(
            f"\n[bold cyan]{tag}[/] [dim]{escape(category)}[/]\n{escape(who + text)}"
        )

    def listening(self, ask: Ask) -> None:
        limit = ask.listen.endpoint.max_answer
        if ask.interrupt_after_s is not None and ask.interrupt_after_s < limit:
            # A stress question is cut off here, not at the answer limit ("up to 180 s"
            # above an answer the interviewer cut at 12 s).
            limit = ask.interrupt_after_s
        self.console.print(
            f"[green]● listening[/] [dim](up to {limit:.0f} s; "
            'say "repeat", "skip", "pause" or "stop")[/]'
        )

    def heard(self, turn: Turn) -> None:
        if turn.ended_by == "command":
            self.console.print(f'[dim]heard command: "{turn.command}"[/]')
        elif turn.ended_by in _ENDED and turn.ended_by not in _ANALYSED:
            # An analysed answer's end was shown by analysing(), the moment it ended.
            self.console.print(f"[dim]answer ended: {_ENDED[turn.ended_by]}[/]")

    def analysing(self, ended_by: str) -> None:
        why = _ENDED.get(ended_by, "")
        self.console.print(f"[dim]answer ended: {why}[/] · [cyan]analysing…[/]")

    def notice(self, text: str) -> None:
        self.console.print(f"[yellow]{text}[/]")

    def scorecard(self, number: int, card: Scorecard, spoken: str) -> None:
        print_scorecard(self.console, card, spoken)

    def summary(self, result: SessionResult) -> None:
        print_summary(self.console, result.summary, result.session_id, result.status)
        print_warnings(self.console, result.warnings)


def print_scorecard(console: Console, card: Scorecard, spoken: str) -> None:
    """One answer's score, its delivery in numbers, and the changes that would help most."""
    if card.no_speech:
        console.print("[yellow]No speech detected in this answer.[/]")
        print_warnings(console, card.warnings)
        return
    groups = "  ".join(f"{g} {s:.0f}" for g, s in card.groups.items())
    console.print(f"[bold]Score {card.overall:.0f}/100[/]  [dim]{groups}[/]")
    # Pace and the length tip count the speaking time (first word to last); the recorded
    # time adds the thinking before and the silence after, so it is named as such.
    console.print(
        f"{counted(card.words, 'word')} in {card.speaking_s:.1f} s of speaking "
        f"({card.duration_s:.0f} s recorded) · {card.wpm:.0f} wpm · "
        f"{counted(card.fillers, 'filler')} ({card.fillers_per_100_words:.1f}/100 words) · "
        f"{counted(card.long_pauses, 'long pause')} · "
        f"latency {_fmt(card.response_latency_s, '.1f', ' s')}"
    )
    console.print(f"[dim]“{escape(card.transcript)}”[/]")
    # What makes this answer's numbers doubtful, right after it: a microphone too far away
    # is worth moving before the next question, not after the session.
    print_warnings(console, card.warnings)
    # Escaped: a tip of the user's rubric may hold brackets, which Rich reads as markup.
    rows = (
        ("  [magenta]▲[/]", f"[magenta]{escape(t.label)}[/] ({t.score:.0f}): {escape(t.tip)}")
        for t in card.improvements
    )
    console.print(hanging(rows))
    if spoken:
        console.print(f"[italic]{escape(spoken)}[/]")


def print_summary(console: Console, summary: SessionSummary, session_id: str, status: str) -> None:
    """The debrief: one row per answer, trends, verdicts and what to rehearse again."""
    table = Table(title=f"Session {session_id} ({status})", show_lines=False)
    for col in ("#", "question", "status", "score", "wpm", "fillers/100", "latency s"):
        table.add_column(col, justify="right" if col not in ("question", "status") else "left")
    for a in summary.answers:
        table.add_row(
            str(a.index + 1),
            escape(a.question_text if len(a.question_text) <= 48 else a.question_text[:47] + "…"),
            status_words(a.status),
            _fmt(a.overall),
            _fmt(a.wpm),
            _fmt(a.fillers_per_100_words, ".1f"),
            _fmt(a.response_latency_s, ".1f"),
        )
    console.print()
    console.print(table)
    console.print(f"Mean score: {_fmt(summary.mean_score)}")
    console.print(f"{summary.pace.text}; {summary.fillers.text}")
    for name, verdict in summary.verdicts.items():
        console.print(f"Verdict of {name}: {verdict:.0f}/100")
    if summary.rehearse:
        console.print("[bold]Rehearse again:[/]")
        rows = []
        for a in summary.rehearse:
            why = (
                f"score {a.overall:.0f}, weakest: {a.weakest}"
                if a.overall is not None
                else status_words(a.status)
            )
            rows.append((f"  {a.index + 1}.", f"{escape(a.question_text)} [dim]({escape(why)})[/]"))
        console.print(hanging(rows))  # a long question wraps under itself, not to column 0
    console.print(
        f"[dim]Replay: voicesim replay {session_id} · report: voicesim report {session_id}[/]"
    )


def print_devices(devices: list[dict[str, Any]]) -> None:
    """The audio devices: PortAudio's (what --input-device/--output-device take by number
    or name) and, when PulseAudio runs, its sinks and sources by readable name."""
    console = term()
    table = Table("#", "name", "in", "out", "rate", "default", title="Audio devices")
    for d in devices:
        default = " ".join(
            k for k, flag in (("input", "is_default_input"), ("output", "is_default_output"))
            if d.get(flag)
        )  # fmt: skip
        # Device names are the system's text: a bracket in one is not Rich markup.
        table.add_row(
            str(d["index"]), escape(str(d["name"])), str(d["max_input_channels"]),
            str(d["max_output_channels"]), f"{d['default_samplerate']:.0f}", default,
        )  # fmt: skip
    console.print(table)
    pulse = pulse_devices()
    if pulse:
        sub = Table("kind", "description", "name", title="PulseAudio (by description or name)")
        for p in pulse:
            sub.add_row(p.kind, escape(p.description), escape(p.name))
        console.print(sub)
        console.print(
            '[dim]e.g. --output-device "' + escape(pulse[0].description) + '" plays through that '
            "sink (via the pulse device above)[/]"
        )
