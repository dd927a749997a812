"""Stored sessions for the history benchmark: N sessions of 5 analysed answers each.

Built through the real storage API (session.json + SQLite index), without audio, since
``voicesim history`` reads only the index. Measures vary from session to session so the
trend arrows have work to do.

    from bench_sessions import make_sessions
    make_sessions(Path("/tmp/home"), 50)
"""

from __future__ import annotations

import random
from pathlib import Path

from voicesim.results import (
    AnalysisResult,
    AudioInfo,
    Criterion,
    Delivery,
    Evidence,
    Filler,
    Pause,
    Score,
    Transcript,
    Word,
)
from voicesim.sessions.store import AnswerRecord, SessionStore, utc_now

CATEGORIES = ("general", "behavioural", "motivation", "teamwork")


def _analysis(rng: random.Random, words: int = 150) -> AnalysisResult:
    wpm = rng.uniform(100, 190)
    span = words / wpm * 60
    step = span / words
    tokens = [Word(f"word{i}", i * step, (i + 0.8) * step, 0.9) for i in range(words)]
    fillers = [
        Filler("um", t, t + 0.4, "filled_pause", "acoustic")
        for t in sorted(rng.uniform(0, span) for _ in range(rng.randint(0, 12)))
    ]
    pauses = [
        Pause(t, t + rng.uniform(0.3, 3.0)) for t in sorted(rng.uniform(0, span) for _ in range(8))
    ]
    delivery = Delivery(
        speaking_span_s=span, words=words, wpm=wpm, articulation_rate=4.2, syllables=words * 2,
        phonation_time_s=span * 0.8, pauses=pauses, fillers=fillers,
        fillers_per_100_words=len(fillers) / words * 100,
        fillers_per_minute=len(fillers) / span * 60,
    )  # fmt: skip
    overall = rng.uniform(40, 95)
    score = Score(overall, [Criterion("pace", "clarity", overall, 1.0, [Evidence("x", 1.0, 2.0)])])
    text = " ".join(w.text for w in tokens)
    return AnalysisResult(AudioInfo("", span + 1, 16000), Transcript(text, tokens), delivery, score)


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
