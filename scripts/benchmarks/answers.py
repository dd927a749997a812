"""The rendered answers every audio section measures on: known fillers and pauses."""

from __future__ import annotations

from pathlib import Path

from benchmarks.common import log
from voicesim.testing.speech import Composition, Fill, Gap, Piece, Say, compose

SENTENCES = [
    "When I joined the company the support team was missing its targets every week.",
    "We had a backlog of more than four hundred tickets and two people had just resigned.",
    "I sat down with each person on the team and asked what was slowing them down.",
    "Together we rebuilt the triage process and moved the routine requests to a shared form.",
    "I also agreed with my manager to hire one contractor for three months.",
    "Within six weeks the backlog fell by seventy percent and nobody else left the team.",
    "The lesson for me was to listen first and to change the process before the people.",
    "Since then I have used the same approach whenever a team is struggling.",
]


def render_answer(seconds: float, *, seed: int = 0) -> Composition:
    """A rendered answer of about `seconds` (at least) with fillers and pauses."""
    pieces: list[Piece] = []
    i = seed
    while True:
        pieces.append(Say(SENTENCES[i % len(SENTENCES)]))
        if i % 3 == 0:
            pieces.append(Fill("um"))
        if i % 4 == 1:
            pieces.append(Gap(1.2))
        elif i % 5 == 2:
            pieces.extend([Fill("you know", kind="discourse"), Gap(0.5)])
        else:
            pieces.append(Gap(0.35))
        i += 1
        comp = compose(pieces)
        if comp.duration_s >= seconds:
            return comp


def write_answers(workdir: Path, lengths: list[int]) -> dict[int, Path]:
    """One WAV answer per length (seconds) in `workdir`; length → path."""
    files = {}
    for n in lengths:
        comp = render_answer(n, seed=n)
        files[n] = comp.write_wav(workdir / f"answer_{n}s.wav")
        log(f"  rendered {n} s answer ({comp.duration_s:.1f} s, {len(comp.fillers)} fillers)")
    return files
