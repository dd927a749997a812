"""Long use: a 50-question ``voicesim demo`` keeps flat memory and stores every answer.

The demo runs as a subprocess on a test pack of 50 short projective questions (the demo's
projective answers are one sentence, so the run stays lean) with ``--no-audio`` (answers are
fed faster than real time). The test reads ``session.json`` as it grows and samples the
process's resident memory (VmRSS from /proc) each time an answer is stored. After the
first questions (the model and the analysis stack are loaded by then) memory must not grow
by more than 10 %.

The demo runs as shipped: it keeps every thread's blocks in glibc's main arena
(``cli.allocator.share_one_arena``). Each answer starts about six threads (live decode,
probes, feature and judge pools), and by glibc's default their freed blocks stayed in up to 19
arenas: over 100 answers that kept 58 -> 84 MB more resident, rising until answers 40-60 and
flat after (a tracemalloc look, forty-second session: Python's own objects grow 19 kB an
answer, the stored results). That retention, bounded but landing anywhere in the test's
windows, gave +1.4 to +10.9 % on the same code, so the test capped the arenas at two itself
(+1.7 %) until the program did.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
import soundfile as sf

from tests.support.paths import REPO
from tests.support.reliability import cli_env

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

COUNT = 50
WARM = 5  # answers after which the baseline is taken
WINDOW = 10  # answers per window compared
TOPICS = (
    "work",
    "change jobs",
    "stay in one company",
    "learn new skills",
    "help colleagues",
    "ask for a raise",
    "avoid conflict",
    "work late",
    "choose a manager",
    "trust a team",
)


def long_pack(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ['[pack]\nid = "long"\ntitle = "Fifty short questions"\n']
    for i in range(COUNT):
        lines.append(
            f'\n[[questions]]\nid = "long-{i:02d}"\n'
            f'text = "Question {i + 1}: why do people {TOPICS[i % len(TOPICS)]}?"\n'
            'category = "projective"\nkind = "projective"\ntarget_s = [5, 20]\n'
            'tip = "Answer quickly."\n'
        )
    (folder / "long.toml").write_text("".join(lines))
    return folder


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def stored_answers(home: Path) -> int:
    for path in (home / "sessions").glob("*/session.json"):
        try:
            return len(json.loads(path.read_text())["answers"])
        except (OSError, ValueError, KeyError):
            return -1  # replaced atomically; a failed read is a race with the rename only
    return 0


def test_fifty_questions_flat_memory_every_answer_stored(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    packs = long_pack(tmp_path / "packs")
    flags = ("--packs-dir", str(packs), "--pack", "long", "--count", str(COUNT))
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "voicesim", "demo", "--no-audio", *flags],
        env={k: v for k, v in cli_env(home).items() if not k.startswith("MALLOC_")},
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    rss: dict[int, float] = {}
    try:
        while proc.poll() is None:
            n = stored_answers(home)
            if n > 0 and n not in rss:
                mb = rss_mb(proc.pid)
                if mb is not None:
                    rss[n] = mb
            time.sleep(0.05)
        err = proc.stderr.read() if proc.stderr else ""
    finally:
        if proc.poll() is None:
            proc.kill()
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, err

    (folder,) = (home / "sessions").iterdir()
    data = json.loads((folder / "session.json").read_text())
    assert data["status"] == "complete"
    answers = data["answers"]
    assert [a["question"]["id"] for a in answers] == [f"long-{i:02d}" for i in range(COUNT)]
    for a in answers:
        assert not a["skipped"] and a["analysis"]["delivery"]["words"] >= 3, a["question"]["id"]
        audio, sr = sf.read(folder / a["answer_audio"])
        assert len(audio) / sr > 1.0
    assert not list(folder.glob("*.partial.*"))

    samples = [rss[n] for n in sorted(rss)]
    assert len(samples) >= COUNT * 0.8, f"only {len(samples)} RSS samples"
    # A sample lands at a random moment of an answer's work, so consecutive samples swing
    # by ~5 % (the analysis's transient arrays), and glibc's heap grows in steps of 10–25 MB
    # at answers no code decides: compare the median of the first window after warm-up
    # with the median of the last one. The peaks were compared until 2026-12-06: the same
    # code gave +10.5 % and +2.1 % on peaks in two runs (one step landing just after the
    # first window). The sample at COUNT is the session's closing work (scorecard,
    # summary), another phase, reported but not part of the trend.
    early = [rss[n] for n in sorted(rss) if WARM <= n < WARM + WINDOW]
    late = [rss[n] for n in sorted(rss) if COUNT - WINDOW <= n < COUNT]
    assert early and late, f"RSS samples {sorted(rss)}"
    growth = statistics.median(late) / statistics.median(early) - 1
    summary = (
        f"{COUNT} answers in {elapsed:.0f} s; median RSS over answers {WARM}–"
        f"{WARM + WINDOW - 1}: {statistics.median(early):.0f} MB, over the last {WINDOW}: "
        f"{statistics.median(late):.0f} MB ({growth * 100:+.1f} %; peaks {max(early):.0f} and "
        f"{max(late):.0f} MB), at the end {samples[-1]:.0f} MB"
    )
    series = " ".join(f"{n}:{rss[n]:.0f}" for n in sorted(rss))
    print(f"\n{summary}\nRSS MB per stored answer: {series}")
    (tmp_path.parent / "long_use.txt").write_text(f"{summary}\n{series}\n")
    assert growth <= 0.10, summary
