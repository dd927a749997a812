"""Stage: transcript + delivery (+ question) → rubric score with evidence and tips.

Pure: no device, CLI or storage imports. The contract dataclasses come first; the
criteria themselves live in ``criteria_clarity``, ``criteria_conciseness`` and
``criteria_content``, their settings in the rubric (``voicesim.rubric``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from voicesim.delivery import Delivery
    from voicesim.packs import Question
    from voicesim.rubric import Rubric
    from voicesim.transcribe import Transcript

Group = Literal["clarity", "conciseness", "content"]


@dataclass(frozen=True)
class Evidence:
    """What earned or cost points: a quote and/or a time span (seconds)."""

    text: str
    start: float | None = None
    end: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass
class Criterion:
    """One rubric criterion: score 0–100, its weight, the evidence and one concrete tip."""

    id: str
    group: Group
    score: float
    weight: float
    evidence: list[Evidence] = field(default_factory=list)
    tip: str = ""
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "group": self.group,
            "score": self.score,
            "weight": self.weight,
            "evidence": [e.to_dict() for e in self.evidence],
            "tip": self.tip,
        }


@dataclass
class Score:
    """The overall score (0–100, weighted mean of criteria) and each criterion."""

    overall: float
    criteria: list[Criterion] = field(default_factory=list)
    groups: dict[str, float] = field(default_factory=dict)
    question_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall,
            "groups": dict(self.groups),
            "question_id": self.question_id,
            "criteria": [c.to_dict() for c in self.criteria],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Score:
        return cls(
            overall=float(d["overall"]),
            groups={str(k): float(v) for k, v in d.get("groups", {}).items()},
            question_id=d.get("question_id"),
            criteria=[
                Criterion(
                    id=str(c["id"]),
                    group=c["group"],
                    score=float(c["score"]),
                    weight=float(c["weight"]),
                    evidence=[
                        Evidence(str(e["text"]), e.get("start"), e.get("end"))
                        for e in c.get("evidence", [])
                    ],
                    tip=str(c.get("tip", "")),
                    label=str(c.get("label", "")),
                )
                for c in d.get("criteria", [])
            ],
        )


def rubric_criterion(
    rubric: Rubric, cid: str, group: Group, score: float, evidence: list[Evidence], tip: str
) -> Criterion:
    """A criterion with its weight and label from the rubric; ``score`` clamped to 0–100."""
    spec = rubric.spec(cid)
    return Criterion(
        id=cid,
        group=group,
        score=round(max(0.0, min(100.0, score)), 1),
        weight=spec.weight,
        evidence=evidence,
        tip=tip,
        label=spec.label,
    )


def score_answer(
    transcript: Transcript,
    delivery: Delivery,
    *,
    question: Question | None = None,
    rubric: Rubric | None = None,
) -> Score:
    """Score one answer: clarity and conciseness always, content when a question is given.

    Deterministic and pure. ``overall`` and ``groups`` are weighted means (0–100) of the
    criteria that apply; criteria whose measure is missing (no pitch, no level) are left out.
    """
    from voicesim import criteria_clarity as clarity
    from voicesim import criteria_conciseness as concise
    from voicesim.answer_text import sentences_of, tokens_of
    from voicesim.criteria_content import content_criteria
    from voicesim.rubric import load_rubric

    rubric = rubric or load_rubric()
    qid = question.id if question else None
    tokens = tokens_of(transcript)
    if not [t for t in tokens if not t.filler]:
        return _no_speech(rubric, qid)
    sentences = sentences_of(tokens, rubric.spec("rambling").num("pause_split_s"))
    found: list[Criterion | None] = [
        clarity.pace(tokens, delivery, rubric),
        clarity.fillers(delivery, rubric),
        clarity.hesitation(tokens, delivery, rubric),
        clarity.articulation(tokens, rubric),
        clarity.audibility(delivery, rubric),
        clarity.pitch_variation(delivery, rubric),
        concise.length(tokens, question, rubric),
        concise.repetition(tokens, rubric),
        concise.hedges(tokens, rubric),
        concise.rambling(sentences, rubric),
        concise.to_the_point(sentences, rubric),
    ]
    if question is not None:
        found += content_criteria(tokens, sentences, question, rubric)
    criteria = [c for c in found if c is not None and c.weight > 0]
    return Score(
        overall=_weighted(criteria),
        criteria=criteria,
        groups={
            g: _weighted([c for c in criteria if c.group == g])
            for g in _GROUPS
            if any(c.group == g for c in criteria)
        },
        question_id=qid,
    )


_GROUPS: tuple[Group, ...] = ("clarity", "conciseness", "content")


def _weighted(criteria: list[Criterion]) -> float:
    total = sum(c.weight for c in criteria)
    if total <= 0:
        return 0.0
    return round(sum(c.score * c.weight for c in criteria) / total, 1)


def _no_speech(rubric: Rubric, qid: str | None) -> Score:
    spec = rubric.spec("length")
    criterion = Criterion(
        id="length",
        group="conciseness",
        score=0.0,
        weight=spec.weight,
        evidence=[Evidence("no speech detected")],
        tip="Nothing was heard: check the microphone and answer aloud.",
        label=spec.label,
    )
    return Score(overall=0.0, criteria=[criterion], groups={"conciseness": 0.0}, question_id=qid)


def top_improvements(score: Score, n: int = 3) -> list[Criterion]:
    """The ``n`` criteria whose improvement would raise the overall score most.

    Ranked by weight × (100 − score); criteria already at 100 are never returned.
    """
    gains = [c for c in score.criteria if c.score < 100 and c.weight > 0]
    gains.sort(key=lambda c: (-(c.weight * (100.0 - c.score)), c.id))
    return gains[:n]
