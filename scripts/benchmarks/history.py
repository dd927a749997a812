"""Section "history": ``voicesim history`` over N stored sessions of 5 analysed answers.

The sessions are built through the real storage API (session.json + SQLite index), without
audio, since ``voicesim history`` reads only the index. Measures vary from session to
session so the trend arrows have work to do.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import VOICESIM, log, median_of, spread_note, timed_command
from voicesim.results import (
    AnalysisResult,
    AudioInfo,
    Criterion,
    Evidence,
    Filler,
    Pause,
    Score,
    Transcript,
    Word,
)
from voicesim.sessions.store import AnswerRecord, SessionStore, utc_now
from voicesim.testing.signals import SR
from voicesim.testing.truth import delivery_from_truth

CATEGORIES = ("general", "behavioural", "motivation", "teamwork")


@dataclass
class HistoryFigures:
    """Median wall seconds of ``voicesim history`` over ``history_sessions`` sessions."""

    history_s: float
    history_sessions: int
    notes: list[str] = field(default_factory=list)


def run(workdir: Path, sessions: int, runs: int) -> HistoryFigures:
    """Store `sessions` sessions, then time ``voicesim history`` (once untimed, `runs` timed)."""
    home = workdir / "home-history"
    make_sessions(home, sessions)
    env = dict(os.environ, VOICESIM_HOME=str(home))
    timed_command([VOICESIM, "history"], env)
    value, values = median_of(lambda: timed_command([VOICESIM, "history"], env), runs)
    out = HistoryFigures(round(value, 3), sessions)
    spread_note("history", values, out.notes)
    log(f"  voicesim history over {sessions} sessions: {value:.3f} s")
    return out


def make_sessions(home: Path, count: int, *, answers: int = 5, seed: int = 1) -> list[str]:
    """Create ``count`` complete sessions under data directory ``home``; returns their ids."""
    rng = random.Random(seed)
    store = SessionStore(home)
    ids = []
    for _ in range(count):
        writer = store.create(mode="practice", pack="general", settings={})
        for i in range(answers):
            question = {"id": f"q{i}", "text": "Question?", "category": rng.choice(CATEGORIES)}
            writer.add_answer(AnswerRecord(i, question, utc_now(), None, None, _analysis(rng)))
        writer.finish()
        ids.append(writer.id)
    return ids


def _analysis(rng: random.Random, words: int = 150) -> AnalysisResult:
    """An answer of `words` words at a random pace with random fillers and pauses."""
    span = words / rng.uniform(100, 190) * 60
    step = span / words
    tokens = [Word(f"word{i}", i * step, (i + 0.8) * step, 0.9) for i in range(words)]
    fillers = [
        Filler("um", t, t + 0.4, "filled_pause", "acoustic")
        for t in sorted(rng.uniform(0, span) for _ in range(rng.randint(0, 12)))
    ]
    pauses = [
        Pause(t, t + rng.uniform(0.3, 3.0)) for t in sorted(rng.uniform(0, span) for _ in range(8))
    ]
    delivery = delivery_from_truth(tokens, fillers, pauses, articulation_rate=4.2)
    overall = rng.uniform(40, 95)
    score = Score(overall, [Criterion("pace", "clarity", overall, 1.0, [Evidence("x", 1.0, 2.0)])])
    text = " ".join(w.text for w in tokens)
    return AnalysisResult(AudioInfo("", span + 1, SR), Transcript(text, tokens), delivery, score)
