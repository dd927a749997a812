"""Spearman ρ of voicesim's score against the graded answer set's levels (tests/data).

Usage: .venv/bin/python scripts/graded_rho.py [--no-question]
Prints overall ρ, per-group ρ and per-criterion ρ (criteria present on every answer).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from scipy.stats import spearmanr

from voicesim.packs import load_packs
from voicesim.scoring.rubric import load_rubric
from voicesim.scoring.written import score_text

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    no_q = "--no-question" in sys.argv
    rows = [
        json.loads(x) for x in (ROOT / "tests/data/graded_answers.jsonl").read_text().splitlines()
    ]
    rubric = load_rubric()
    packs = load_packs(known_checks=rubric.check_names())
    levels, overall = [], []
    groups: dict[str, list[tuple[int, float]]] = {}
    crit: dict[str, list[tuple[int, float]]] = {}
    for r in rows:
        q = None if no_q else packs.question(r["question"])
        s = score_text(r["text"], q, rubric)
        levels.append(r["level"])
        overall.append(s.overall)
        for g, value in s.groups.items():
            groups.setdefault(g, []).append((r["level"], value))
        for c in s.criteria:
            crit.setdefault(c.id, []).append((r["level"], c.score))
    asked = "no" if no_q else "yes"
    overall_rho = float(spearmanr(levels, overall)[0])
    print(f"overall rho {overall_rho:.3f}  (n={len(rows)}, question={asked})")
    for name, d in [("group", groups), ("criterion", crit)]:
        for k, pairs in sorted(d.items()):
            a, b = zip(*pairs, strict=True)
            rho = float(spearmanr(a, b)[0])
            print(f"  {name} {k:16s} rho {rho:+.3f} n={len(pairs)}")


if __name__ == "__main__":
    main()
