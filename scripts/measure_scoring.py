#!/usr/bin/env python3
"""Print the scorer's figures on the paired spoken answers (voicesim.testing.corpora.scoring).

    .venv/bin/python scripts/measure_scoring.py

For each pair: the good and the bad answer's overall score, their gap and every criterion;
then the ablations of one good answer (ten fillers added, 230 wpm, a blaming sentence).
A measuring aid: the acceptance itself is tests/unit/test_scoring_speech.py.
"""

from __future__ import annotations

from voicesim.analysis.pipeline import analyze_samples
from voicesim.packs import find_question
from voicesim.scoring.rubric import load_rubric
from voicesim.testing.corpora.scoring import (
    ABLATION_QID,
    PAIRS,
    render,
    with_blame,
    with_ten_fillers,
)
from voicesim.testing.signals import SR
from voicesim.transcribe import Transcriber


def main() -> None:
    transcriber = Transcriber()
    rubric = load_rubric()  # loaded once, as a caller of the pure stages does
    for pair in PAIRS:
        q = find_question(pair.qid, known_checks=rubric.check_names())
        good = analyze_samples(
            render(pair.good).audio, SR, question=q, transcriber=transcriber, rubric=rubric
        )
        bad = analyze_samples(
            render(pair.bad).audio, SR, question=q, transcriber=transcriber, rubric=rubric
        )
        gap = good.score.overall - bad.score.overall
        print(f"{pair.qid:32} good {good.score.overall:5.1f}  bad {bad.score.overall:5.1f}", end="")
        print(f"  gap {gap:5.1f}")
        for g, b in zip(good.score.criteria, bad.score.criteria, strict=False):
            print(f"    {g.id:15} {g.score:5.1f} | {b.id:15} {b.score:5.1f}")
        print("   ", good.transcript.text[:300])
        print("   ", bad.transcript.text[:300])
    pair = next(p for p in PAIRS if p.qid == ABLATION_QID)
    q = find_question(ABLATION_QID, known_checks=rubric.check_names())
    variants = {
        "base": (pair.good, 150),
        "+10 fillers": (with_ten_fillers(pair.good), 150),
        "230 wpm": (pair.good, 230),
        "blame": (with_blame(pair.good), 150),
    }
    for name, (pieces, wpm) in variants.items():
        r = analyze_samples(
            render(pieces, wpm).audio, SR, question=q, transcriber=transcriber, rubric=rubric
        )
        scores = {c.id: c.score for c in r.score.criteria}
        print(f"{name:12} overall {r.score.overall:5.1f} wpm {r.delivery.wpm:5.0f} {scores}")


if __name__ == "__main__":
    main()
