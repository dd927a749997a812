"""Stage: transcript + delivery (+ question) → rubric score with evidence and tips.

Pure: no device, CLI or storage imports. (Contract part written first.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

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
