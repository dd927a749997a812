"""Build real stored sessions for tests: espeak-ng answers, real FLAC files, real session.json.

Each answer's analysis is ``truth_analysis(comp)``: the AnalysisResult of what we rendered
(words, fillers, pauses at known times, the Delivery from
:func:`voicesim.testing.truth.delivery_from_truth`) — for tests of storage, exports and the
report that must not depend on Whisper. (End-to-end tests get Whisper's analysis from
``voicesim demo`` instead.)

    comp = compose([Say("I led the migration"), Fill("um"), Gap(1.0), Say("in three months")])
    record = make_session(SessionStore(home), [comp])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

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
from voicesim.sessions.store import AnswerRecord, SessionRecord, SessionStore, utc_now
from voicesim.testing.signals import SR
from voicesim.testing.speech import Composition, Fill, Gap, Say, compose, render
from voicesim.testing.truth import delivery_from_truth

QUESTIONS = [
    {"id": "tell-me", "text": "Tell me about yourself.", "category": "general", "kind": "open"},
    {"id": "conflict", "text": "Describe a conflict at work.", "category": "behavioural",
     "kind": "behavioural"},
    {"id": "weakness", "text": "What is your greatest weakness?", "category": "general",
     "kind": "open"},
    {"id": "failure", "text": "Tell me about a time you failed.", "category": "behavioural",
     "kind": "behavioural"},
    {"id": "why-us", "text": "Why do you want to work here?", "category": "motivation",
     "kind": "open"},
]  # fmt: skip


def sample_answer(n: int = 0) -> Composition:
    """A short answer with two fillers ("um", "you know") and one long pause, known times."""
    return compose(
        [
            Gap(0.3),
            Say(f"I led the migration of our billing system number {n + 1}"),
            Fill("um"),
            Say("it took three months"),
            Gap(2.2),
            Fill("you know", kind="discourse"),
            Say("and we shipped it on time"),
            Gap(0.3),
        ],
        wpm=150,
    )


def truth_analysis(comp: Composition, *, text_override: str | None = None) -> AnalysisResult:
    """An AnalysisResult holding exactly what was rendered (no Whisper involved)."""
    words = [Word(w.text, w.start, w.end, 0.99, w.filler) for w in comp.words]
    if text_override is not None and words:
        first = words[0]
        words[0] = Word(text_override, first.start, first.end, 0.99, False)
    fillers = [Filler(f.text, f.start, f.end, f.kind, "transcript") for f in comp.fillers]
    delivery = delivery_from_truth(words, fillers, [Pause(s, e) for s, e in comp.pauses])
    first_filler = fillers[0] if fillers else None
    criteria = [
        Criterion("pace", "clarity", 80.0, 1.0, [Evidence(f"{delivery.wpm:.0f} wpm")], "Keep it."),
        Criterion(
            "fillers",
            "clarity",
            60.0,
            1.0,
            [Evidence(f'"{first_filler.text}"', first_filler.start, first_filler.end)]
            if first_filler
            else [],
            "Pause silently instead of saying um.",
        ),
    ]
    score = Score(70.0, criteria, {"clarity": 70.0})
    text = " ".join(w.text for w in words)
    return AnalysisResult(
        AudioInfo("", comp.duration_s, SR), Transcript(text, words), delivery, score
    )


@dataclass
class Built:
    """A stored session and the compositions it was built from (the truth)."""

    record: SessionRecord
    answers: list[Composition]


def make_session(
    store: SessionStore,
    answers: Sequence[Composition],
    *,
    mode: str = "standard",
    pack: str | None = "general",
    text_override: str | None = None,
) -> Built:
    """Store a complete session: question audio (espeak-ng), answer audio, analyses."""
    writer = store.create(mode=mode, pack=pack, settings={"test": True})
    for i, comp in enumerate(answers):
        question = {**QUESTIONS[i % len(QUESTIONS)], "pack": pack}
        q_name = writer.save_question_audio(i, render(str(question["text"])), SR)
        with writer.open_answer_audio(i, SR, question=question) as audio:
            for block in np.array_split(comp.audio, max(1, comp.audio.size // 1600)):
                audio.write(block)
        analysis = truth_analysis(comp, text_override=text_override)
        writer.add_answer(
            AnswerRecord(
                index=i,
                question=question,
                asked_at=utc_now(),
                question_audio=q_name,
                answer_audio=audio.name,
                analysis=analysis,
                response_latency_s=0.8,
                ended_by="silence",
                feedback="Good structure; fewer fillers next time.",
            )
        )
    return Built(writer.finish(), list(answers))


def session_path(record: SessionRecord, name: str) -> Path:
    """A file inside the session folder."""
    return record.path / name


QUIET = "recording is very quiet (speech mostly under -38 dBFS): move closer to the mic"


def warned_session(store: SessionStore) -> SessionRecord:
    """A stored two-answer session: the first answer's only warning is "no speech detected"
    (said apart by every view), the second's is QUIET."""
    writer = store.create(mode="practice", pack=None, settings={})
    for i, warnings in enumerate([["no speech detected"], [QUIET]]):
        comp = sample_answer(i)
        with writer.open_answer_audio(i, SR) as audio:
            audio.write(comp.audio)
        analysis = truth_analysis(comp)
        analysis.delivery.warnings = warnings
        writer.add_answer(
            AnswerRecord(i, {"text": f"Q{i}?"}, utc_now(), None, audio.name, analysis)
        )
    return writer.finish(status="complete")
