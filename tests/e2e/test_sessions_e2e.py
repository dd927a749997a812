"""End to end: a session from `voicesim demo` replays, reports and exports in every format.

The demo's answers are written texts (``candidate_text``): the first good, the second
rambling with fillers, so the fillers the report shows are checked against the fillers
written. The exports and replay are checked against the stored analysis (their input).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.answer_builder import written_fillers
from tests.support.paths import REPO
from voicesim.interview.demo import candidate_text
from voicesim.packs import load_packs, select_questions
from voicesim.results import AnalysisResult, Word
from voicesim.scoring.rubric import load_rubric
from voicesim.sessions.store import SessionRecord, SessionStore

pytestmark = pytest.mark.slow

PACK, COUNT = "executive", 2  # its second answer rambles: "Um, I am, you know, …"

Demo = tuple[Path, SessionRecord, list[str]]
"""The demo's home, its stored session, and the text of each answer the candidate spoke."""


def _voicesim(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VOICESIM_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "voicesim", *args],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=900,
    )  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    home = tmp_path_factory.mktemp("demo-home")
    # Two questions keep the suite light (the demo runs Whisper); the 5-answer report size
    # is covered in test_report_browser and measured for the README.
    done = _voicesim(home, "demo", "--count", str(COUNT), "--pack", PACK, "--no-audio")
    assert done.returncode == 0, done.stderr[-2000:]
    record = SessionStore(home).load("last")
    questions = select_questions(
        load_packs(known_checks=load_rubric().check_names()), pack=PACK, count=COUNT
    )
    assert [a.question["id"] for a in record.answers] == [q.id for q in questions]
    said: list[str] = []
    for n, q in enumerate(questions):
        said.append(candidate_text(q, n, said))
    return home, record, said


def _analysis(record: SessionRecord, n: int) -> AnalysisResult:
    analysis = record.answers[n].analysis
    assert analysis is not None
    return analysis


def _stored_words(record: SessionRecord, n: int) -> list[Word]:
    """Answer n's stored words, fillers left out: what every view must show as words."""
    return [w for w in _analysis(record, n).transcript.words if w.text.strip() and not w.filler]


def _texts(words: list[Word]) -> list[str]:
    return [w.text.strip() for w in words]


_FILLED = re.compile(r"\(filled pause\)|u+m+|u+h+|e+r+m*|a+h+|h*m+", re.IGNORECASE)


def test_demo_session_is_stored_complete(demo: Demo) -> None:
    _, record, _ = demo
    assert record.status == "complete" and len(record.answers) == COUNT
    for a in record.answers:
        assert a.answer_audio and (record.path / a.answer_audio).is_file()
        assert a.analysis is not None and a.analysis.transcript.words


def test_demo_session_reports(
    demo: Demo, tmp_path: Path, report_size_limit: Callable[[SessionRecord], float]
) -> None:
    home, record, said = demo
    out = tmp_path / "report.html"
    done = _voicesim(home, "report", record.id, "--out", str(out))
    assert done.returncode == 0, done.stderr
    # The README's bytes per second of embedded audio (question and answer) plus the page.
    assert out.stat().st_size <= report_size_limit(record)
    page = out.read_text(encoding="utf-8")
    found = re.search(r'id="voicesim-data">(.*?)</script>', page, re.DOTALL)
    assert found, "the report holds no data"
    data = json.loads(found.group(1))
    assert len(data["answers"]) == COUNT
    for n, (answer, text) in enumerate(zip(data["answers"], said, strict=True)):
        fillers = [t["t"] for t in answer["tokens"] if t["k"] == "filler"]
        assert len(fillers) == len(_analysis(record, n).delivery.fillers)
        # Against the fillers written into the answer the candidate spoke.
        discourse, filled = written_fillers(text)
        shown_filled = [f for f in fillers if _FILLED.fullmatch(f.strip(" ,.?!"))]
        shown_discourse = [
            re.sub(r"[^a-z' ]+", "", f.lower()).strip() for f in fillers if f not in shown_filled
        ]
        assert shown_discourse == discourse, (n, fillers, text)
        written = sum(filled.values())
        most = written // 2 + 1 if written else 0  # Whisper drops some; more than half found
        assert most <= len(shown_filled) <= written, (n, fillers, text)
    assert written_fillers(said[0]) == ([], {})  # the good answer: no filler written
    assert len(written_fillers(said[1])[0]) >= 2 and sum(written_fillers(said[1])[1].values()) >= 3


def _seconds(clock: str) -> float:
    h, m, s = clock.replace(",", ".").split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def _check_cues(cues: list[tuple[float, float, str]], record: SessionRecord, n: int) -> None:
    """Captions: their words, fillers in brackets left out, are the stored words in order,
    each inside its caption's span; the bracketed fillers are the stored fillers."""
    words = _stored_words(record, n)
    shown = [w for _, _, text in cues for w in re.sub(r"\[[^\]]*\]", " ", text).split()]
    assert shown == _texts(words), (n, cues)
    brackets = sum(len(re.findall(r"\[[^\]]*\]", text)) for _, _, text in cues)
    assert brackets == len(_analysis(record, n).delivery.fillers)
    pending = list(words)
    for start, end, text in cues:
        for _ in re.sub(r"\[[^\]]*\]", " ", text).split():
            w = pending.pop(0)
            assert start - 0.001 <= w.start and w.end <= end + 0.001, (w, start, end, text)


def _check_export(fmt: str, path: Path, record: SessionRecord, n: int) -> None:
    if fmt in ("vtt", "srt"):
        import webvtt

        captions = webvtt.read(str(path)) if fmt == "vtt" else webvtt.from_srt(str(path))
        cues = [(_seconds(c.start), _seconds(c.end), c.text) for c in captions.captions]
        _check_cues(cues, record, n)
    elif fmt == "textgrid":
        import textgrid

        grid = textgrid.TextGrid.fromFile(str(path))
        assert grid.getNames() == ["words", "fillers", "pauses"]
        filler_marks = [i.mark for i in grid.getFirst("fillers") if i.mark]
        assert len(filler_marks) == len(_analysis(record, n).delivery.fillers)
        # The words tier holds the fillers written as words too (not those heard only in
        # the signal, "(filled pause)"), in time order: take them out in turn.
        written = [m for m in filler_marks if m != "(filled pause)"]
        spans = [i for i in grid.getFirst("words") if i.mark]
        rest, k = [], 0
        for i in spans:
            if k < len(written) and i.mark == written[k]:
                k += 1
            else:
                rest.append(i)
        stored = _stored_words(record, n)
        assert [i.mark for i in rest] == _texts(stored), (n, [i.mark for i in spans])
        assert k == len(written), (n, [i.mark for i in spans], filler_marks)
        for i, w in zip(rest, stored, strict=True):  # inside the word's own time
            assert w.start - 0.001 <= i.minTime < i.maxTime <= w.end + 0.001, (i, w)
    elif fmt == "audacity":
        labels = [line.split("\t") for line in path.read_text().splitlines()]
        words = [(float(s), float(e), t) for s, e, t in labels if not t.startswith(("[", "("))]
        stored = _stored_words(record, n)
        assert [t for _, _, t in words] == _texts(stored), (n, labels)
        for (s, e, _), w in zip(words, stored, strict=True):
            assert s == pytest.approx(w.start, abs=1e-5) and e == pytest.approx(w.end, abs=1e-5)
        fillers = [t for _, _, t in labels if t.startswith("[")]
        assert len(fillers) == len(_analysis(record, n).delivery.fillers)


@pytest.mark.parametrize("fmt", ["vtt", "srt", "audacity", "textgrid", "json"])
def test_demo_session_exports(demo: Demo, tmp_path: Path, fmt: str) -> None:
    home, record, _ = demo
    folder = tmp_path / fmt
    folder.mkdir()
    done = _voicesim(home, "export", record.id, "--format", fmt, "--out", str(folder))
    assert done.returncode == 0, done.stderr
    written = sorted(folder.iterdir())
    if fmt == "json":
        (path,) = written
        assert path.name == f"{record.id}.json"
        data = json.loads(path.read_text())
        assert data["id"] == record.id
        for n, a in enumerate(data["answers"]):
            assert a["analysis"] == _analysis(record, n).to_dict()
        return
    ext = {"vtt": "vtt", "srt": "srt", "audacity": "txt", "textgrid": "TextGrid"}[fmt]
    assert [p.name for p in written] == [f"{record.id}-a{n + 1:02d}.{ext}" for n in range(COUNT)]
    for n, path in enumerate(written):
        _check_export(fmt, path, record, n)


def test_demo_session_replays_as_text(demo: Demo) -> None:
    home, record, _ = demo
    done = _voicesim(home, "replay", record.id, "--no-audio")
    assert done.returncode == 0, done.stderr
    parts = re.split(r"^Answer (\d+):", done.stdout, flags=re.MULTILINE)
    assert [int(n) for n in parts[1::2]] == list(range(1, COUNT + 1)), done.stdout
    for n, part in enumerate(parts[2::2]):
        # The transcript: from the first time stamp to the measures line; time stamps and
        # bracketed fillers and pauses left out, the words are the stored words in order.
        body = part[part.index("\n  [") :]
        body = body[: body.index("\n  pace ")]
        body = re.sub(r"\[\d\d:\d\d\.\d\]|\[[^\]]*\]|\((long )?pause [\d.]+ s\)", " ", body)
        assert body.split() == _texts(_stored_words(record, n)), (n, part)
