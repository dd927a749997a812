"""A filled pause heard in context: the words around it with and without a filler.

Real expectations come from the human reference of ../shared/fixtures/real/manifest.json;
the whole real set is measured by scripts/measure_analyze.py.
"""

from __future__ import annotations

import json
from typing import Any, cast

import numpy as np
import pytest

from tests.support.paths import REPO
from voicesim.analysis import filler_context
from voicesim.analysis.filler_candidates import Judged
from voicesim.analysis.filler_context import (
    CONTEXT_FLOOR,
    DOUBT_CONTEXT,
    DOUBT_SCORE,
    context_scores,
    drawn_out,
    hypotheses,
)
from voicesim.analysis.filler_judge import decide
from voicesim.analysis.judge_windows import WindowScores
from voicesim.audio.files import load_audio
from voicesim.results import Filler, Word
from voicesim.testing.corpora.jfk import shared_fixtures
from voicesim.transcribe import Transcriber

REAL = shared_fixtures(REPO) / "real"


def _clip(clip_id: str) -> dict[str, Any]:
    manifest = json.loads((REAL / "manifest.json").read_text())
    return next(c for c in manifest if c["id"] == clip_id)


def _covering(clip: dict[str, Any], span: tuple[float, float]) -> list[str]:
    """The reference's words lying over all of span."""
    return [w["text"] for w in clip["words"] if w["start"] <= span[0] and span[1] <= w["end"]]


def test_hypotheses_put_a_filler_between_words_and_in_place_of_a_covered_word() -> None:
    words = [
        Word("Okay.", 0.0, 0.4, 0.9),
        Word("So", 0.5, 0.7, 0.9),
        Word("and", 1.0, 1.3, 0.2),  # lies in the span: perhaps the filler misheard
        Word("then", 1.6, 1.9, 0.9),
    ]
    got = [" ".join(h) for h in hypotheses(words, 0.9, 1.4)]
    assert got == [
        "Okay. So and then",
        "Okay. So um, and then",  # before the first word whose middle is past the span's
        "Okay. So uh, and then",
        "Okay. So um, then",  # in place of "and"
        "Okay. So uh, then",
    ]
    # At a sentence's start the filler is capitalised; the span (0.42–0.48 s) covers no word.
    got = [" ".join(h) for h in hypotheses(words, 0.42, 0.48)]
    assert got == ["Okay. So and then", "Okay. Um, So and then", "Okay. Uh, So and then"]
    assert [" ".join(h) for h in hypotheses(words, 2.0, 2.4)][1] == "Okay. So and then um,"
    # An unsure "or" just after the span may be the "uh" itself: Whisper's times for a word
    # it made of an "uh" lag the sound ("…six months, uh, she…" read "months, or she").
    late = [Word("months,", 0.0, 0.5, 0.9), Word("or", 0.95, 1.1, 0.3), Word("she", 1.2, 1.4, 0.9)]
    got = [" ".join(h) for h in hypotheses(late, 0.6, 0.9)]
    assert got[3:] == ["months, um, she", "months, uh, she"]
    sure = [late[0], Word("or", 0.95, 1.1, 0.9), late[2]]
    assert len(hypotheses(sure, 0.6, 0.9)) == 3  # a sure "or" is a word


def test_hypotheses_put_a_filler_before_the_word_whisper_started_over_it() -> None:
    # The second real set's "cares, um, this is me" (MFA acoustic_corpus): Whisper wrote
    # "this" 8.05-8.74 s over the "um" (8.02-8.58 s) and the real "this" (8.58 s). At the
    # span's middle (8.45 s) the filler goes after "this", and in its place; only the
    # span's start puts it where it was said.
    words = [
        Word("but", 6.66, 6.75, 0.94),
        Word("cares", 7.04, 7.54, 0.61),
        Word("this", 8.05, 8.74, 0.59),
        Word("is", 8.74, 9.0, 1.0),
    ]
    got = [" ".join(h) for h in hypotheses(words, 8.08, 8.82)]
    assert "but cares um, this is" in got, got
    assert "but cares this um, is" in got and "but cares um, is" in got


def test_no_word_near_a_span_gives_no_context_score() -> None:
    # Nothing to compare: the model is not needed (None), and an unasked span is None.
    words = [Word("fine", 0.0, 0.3, 0.9)]
    samples = np.zeros(16000 * 10, dtype=np.float32)
    nobody = cast("Transcriber", None)
    assert context_scores(nobody, samples, words, [(6.0, 6.5), None]) == [None, None]
    assert not drawn_out(None)
    assert drawn_out(CONTEXT_FLOOR - 0.01) and not drawn_out(CONTEXT_FLOOR)


def test_context_scores_already_known_are_not_computed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Practice checks spans while the answer is spoken; the analysis reuses those scores
    # when the window's samples and the readings compared are the same.
    calls: list[tuple[int, tuple[str, ...]]] = []

    def compare(tr: Transcriber, x: np.ndarray, readings: tuple[str, ...]) -> float:
        calls.append((len(x), readings))
        return -float(len(calls))

    monkeypatch.setattr(filler_context, "_compare", compare)
    words = [Word("we", 1.0, 1.3, 0.9), Word("shipped", 2.0, 2.4, 0.9)]
    x = np.zeros(16000 * 6, dtype=np.float32)
    nobody = cast("Transcriber", None)
    known = WindowScores()
    assert context_scores(nobody, x, words, [(1.4, 1.9)], known=known.context) == [-1.0]
    assert calls == [(int(16000 * 3.4), ("we shipped", "we um, shipped", "we uh, shipped"))]
    again = known.copy()
    assert context_scores(nobody, x, words, [(1.4, 1.9)], known=again.context) == [-1.0]
    assert len(calls) == 1
    # Another word near the span is another question: scored afresh.
    more = [*words, Word("it", 2.5, 2.7, 0.9)]
    assert context_scores(nobody, x, more, [(1.4, 1.9)], known=again.context) == [-2.0]
    # In a block starting 1 s into the recording the window starts with the block (1.0–3.4 s).
    block = x[16000:]
    assert context_scores(nobody, block, words, [(1.4, 1.9)], offset=1.0, known=known.context)
    assert len(calls) == 3 and calls[-1][0] == int(16000 * 2.4)


def test_decision_drops_a_filled_pause_whose_context_says_a_word_drawn_out() -> None:
    detector = Filler("(filled pause)", 1.0, 1.4, "filled_pause", "acoustic")
    low = CONTEXT_FLOOR - 1.0
    judged = [
        Judged(1.0, 1.4, 0.3, detector=True, context=low),  # the detector's: a long "Who"
        Judged(2.0, 2.5, 0.6, context=low),  # heard alone as "uh", in context a word
        Judged(3.0, 3.5, 0.6, context=CONTEXT_FLOOR + 1.0),  # a filler in context too
        Judged(4.0, 4.5, 0.9),  # sure: not checked
    ]
    kept = decide([detector], judged, veto=0.1)
    assert [(f.start, f.source) for f in kept] == [(3.0, "acoustic"), (4.0, "acoustic")]
    # Unchecked (no word near it) stays as the judge decided.
    assert decide([detector], [Judged(1.0, 1.4, 0.3, detector=True)], veto=0.1) == [detector]
    # The veto by context holds without the score veto too.
    assert decide([detector], judged[:1], veto=None) == []


def test_decision_drops_a_detector_filled_pause_doubted_alone_and_in_context() -> None:
    # Each sign alone keeps it: the detector's span matched to EN2004a's "um" scores 0.11
    # alone but +1.6 in context; a poor context (over the floor) with a score of
    # DOUBT_SCORE or more is not enough either.
    def kept(score: float, context: float | None) -> bool:
        detector = Filler("(filled pause)", 1.0, 1.4, "filled_pause", "acoustic")
        judged = [Judged(1.0, 1.4, score, detector=True, context=context)]
        return decide([detector], judged, veto=0.1) == [detector]

    low, weak = DOUBT_SCORE - 0.01, DOUBT_CONTEXT - 0.1
    assert weak > CONTEXT_FLOOR  # a doubt, not a word drawn out
    assert not kept(low, weak)
    assert kept(0.11, 1.6)
    assert kept(DOUBT_SCORE, weak)
    assert kept(low, DOUBT_CONTEXT)
    assert kept(low, None)  # no word near it: nothing to compare


@pytest.mark.slow
def test_real_words_drawn_out_score_under_the_floor_and_real_fillers_over_it(
    transcriber: Transcriber,
) -> None:
    # Where voicesim's candidates found a hum that the reference writes as a word held
    # long (EN2002a's "Okay", 8.72–11.83 s; EN2002b's "Who", 24.80–26.20 s), and the
    # reference's own filled pauses (every "um"/"uh" of EN2009b said alone, and EN2005a's).
    drawn = {"ami_EN2002a_0-30": [(10.61, 11.06)], "ami_EN2002b_0-30": [(24.82, 25.24)]}
    fillers = {
        "ami_EN2009b_0-30": [(0.10, 0.35), (7.09, 7.55), (13.04, 13.67)],
        "ami_EN2005a_0-30": [(15.88, 16.90), (26.45, 27.92)],
    }
    for clip_id, spans in {**drawn, **fillers}.items():
        clip = _clip(clip_id)
        refs = [(f["start"], f["end"]) for f in clip["filler_times"]]
        if clip_id in drawn:
            assert refs == [] or not any(a < s[1] and s[0] < b for a, b in refs for s in spans)
            assert all(len(_covering(clip, s)) == 1 for s in spans)
        else:
            assert all(s in refs for s in spans)
        samples, _ = load_audio(REAL / clip["file"])
        words = transcriber.transcribe(samples).words
        scores = context_scores(transcriber, samples, words, spans)
        assert all(s is not None for s in scores), (clip_id, scores)
        if clip_id in drawn:
            assert all(drawn_out(s) for s in scores), (clip_id, scores)
        else:
            assert not any(drawn_out(s) for s in scores), (clip_id, scores)


@pytest.mark.slow
def test_readings_forced_in_small_batches_score_as_in_one(
    transcriber: Transcriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ALIGN_BATCH bounds the memory of the check; the scores must not depend on it. EN2005a's
    # "um" (26.45-27.92 s, the reference's) lies among enough words for more readings than
    # one batch holds.
    clip = _clip("ami_EN2005a_0-30")
    samples, _ = load_audio(REAL / clip["file"])
    words = transcriber.transcribe(samples).words
    spans: list[tuple[float, float] | None] = [(26.45, 27.92), (15.88, 16.90)]
    t0, t1 = 26.45 - filler_context.LEAD_S, 27.92 + filler_context.TAIL_S
    near = [w for w in words if w.end > t0 and w.start < t1]
    assert len(hypotheses(near, 26.45, 27.92)) > filler_context.ALIGN_BATCH
    batched = context_scores(transcriber, samples, words, spans)
    monkeypatch.setattr(filler_context, "ALIGN_BATCH", 1000)
    whole = context_scores(transcriber, samples, words, spans)
    assert all(a is not None for a in batched)
    assert batched == pytest.approx(whole, abs=1e-3)
