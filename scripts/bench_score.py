"""Benchmark of ``voicesim score --batch``: 700 written answers against one, same run.

    .venv/bin/python scripts/bench_score.py [--answers 700] [--runs 3]

The answers are the graded set (tests/data/graded_answers.jsonl) repeated with fresh ids.
Figures: ``score_batch_s`` (wall seconds for all answers, median), ``score_one_s`` (the same
command on one answer: start-up, packs and rubric — the baseline), their ratio, and the
scoring cost per answer in milliseconds ((batch − one) / (answers − 1)).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VOICESIM = str(ROOT / ".venv" / "bin" / "voicesim")
GRADED = ROOT / "tests" / "data" / "graded_answers.jsonl"


def write_batch(path: Path, answers: int) -> None:
    """``answers`` lines cycling through the graded set, each with its own id."""
    rows = [json.loads(line) for line in GRADED.read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as f:
        for n in range(answers):
            row = rows[n % len(rows)]
            line = {"id": f"{row['id']}-{n}", "question": row["question"], "text": row["text"]}
            f.write(json.dumps(line) + "\n")


def timed(batch: Path) -> float:
    t = time.perf_counter()
    subprocess.run([VOICESIM, "score", "--batch", str(batch)], check=True, capture_output=True)
    return time.perf_counter() - t


def bench_score(workdir: Path, answers: int, runs: int, out: dict[str, Any]) -> None:
    """Fill ``out`` with the batch and one-answer times, their ratio and ms per answer."""
    many, one = workdir / "many.jsonl", workdir / "one.jsonl"
    write_batch(many, answers)
    write_batch(one, 1)
    timed(one)  # warm the file cache
    batch = [timed(many) for _ in range(runs)]
    single = [timed(one) for _ in range(runs)]
    b, s = statistics.median(batch), statistics.median(single)
    out["score_answers"] = answers
    out["score_batch_s"] = round(b, 3)
    out["score_one_s"] = round(s, 3)
    out["score_ratio"] = round(b / s, 2)
    out["score_ms_per_answer"] = round((b - s) / (answers - 1) * 1000.0, 2)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--answers", type=int, default=700)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        bench_score(Path(tmp), args.answers, args.runs, out)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
