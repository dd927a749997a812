"""The Whisper filler judge: recall-rich candidates judged by one token of Whisper.

Expectations come from the human reference of ../shared/fixtures/real/manifest.json or
from rendered audio whose content we built; the whole real set is measured by
scripts/measure_analyze.py.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.support.paths import REPO
from voicesim.analysis import filler_judge, judge_windows
from voicesim.analysis.acoustics import frame_features
from voicesim.analysis.ahead import JudgeAhead
from voicesim.analysis.delivery import measure_frames
from voicesim.analysis.feature_stream import FeatureStream
from voicesim.analysis.filled_pauses import Candidate, absorb_lookalikes, merge_fillers
from voicesim.analysis.filler_candidates import Judged, candidates
from voicesim.analysis.filler_judge import THRESHOLD, decide, judge
from voicesim.analysis.judge_windows import WindowScores, filler_probabilities, window_cuts
from voicesim.analysis.levels import levels
from voicesim.analysis.pipeline import analyze_file, analyze_samples
from voicesim.analysis.word_gaps import heard_words
from voicesim.audio.files import load_audio
from voicesim.results import Filler, Word
from voicesim.scoring.rubric import load_rubric
from voicesim.sessions.files import AnswerAudioWriter
from voicesim.testing.corpora.jfk import shared_fixtures
from voicesim.testing.signals import pink_noise, silence, white_noise
from voicesim.testing.speech import Fill, Gap, Say, compose
from voicesim.text import is_filled_pause
from voicesim.transcribe import Transcriber

RUBRIC = load_rubric()
REAL = shared_fixtures(REPO) / "real"
TOL_S = 0.3


def _clip(clip_id: str) -> dict[str, Any]:
    manifest = json.loads((REAL / "manifest.json").read_text())
    return next(c for c in manifest if c["id"] == clip_id)


def _near(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] + TOL_S and b[0] - TOL_S < a[1]


@pytest.mark.slow
def test_judge_scores_rendered_um_high_and_a_word_low(transcriber: Transcriber) -> None:
    um = compose([Gap(0.3), Fill("um"), Gap(0.3)])
    word = compose([Gap(0.3), Say("table"), Gap(0.3)])
    spans = [(f.start, f.end) for f in um.fillers]
    (p_um,) = filler_probabilities(transcriber, um.audio, spans)
    w = word.words[0]
    (p_word,) = filler_probabilities(transcriber, word.audio, [(w.start, w.end)])
    assert p_um >= THRESHOLD > p_word, (p_um, p_word)
    assert filler_probabilities(transcriber, um.audio, []) == []


@pytest.mark.slow
def test_judge_tokens_are_every_single_token_filled_pause_but_the_mm_family(
    transcriber: Transcriber,
) -> None:
    # The definition, token by token through the tokenizer's own decode (slow: 50k tokens).
    tok = transcriber.tokenizer()
    expected = set()
    for token_id in range(tok.eot):
        text = tok.decode([token_id]).strip()
        if text.isalpha() and is_filled_pause(text) and not text.lower().startswith("m"):
            expected.add(token_id)
    _, ids = judge_windows.judge_tokens(transcriber)
    assert set(ids) == expected
    spelled = {tok.decode([i]) for i in ids}
    assert {" um", " uh", " Um", " Uh", " er", " Hmm"} <= spelled
    assert not any(s.strip().lower().startswith("m") for s in spelled)


@pytest.mark.slow
def test_real_filler_found_by_the_judge_not_the_detector(transcriber: Transcriber) -> None:
    # EN2009b: the reference has filled pauses the acoustic detector alone does not find.
    clip = _clip("ami_EN2009b_0-30")
    refs = [(f["start"], f["end"]) for f in clip["filler_times"]]
    result = analyze_file(REAL / clip["file"], transcriber=transcriber, rubric=RUBRIC)
    found = [(f.start, f.end) for f in result.delivery.fillers if f.kind == "filled_pause"]
    samples, _ = load_audio(REAL / clip["file"])
    flat = RUBRIC.spec("pitch_variation").num("monotone_semitones")
    alone = measure_frames(frame_features(samples, 16000), result.transcript, monotone_st=flat)
    by_detector = [(f.start, f.end) for f in alone.fillers if f.kind == "filled_pause"]
    judged_hits = [r for r in refs if any(_near(f, r) for f in found)]
    detector_hits = [r for r in refs if any(_near(f, r) for f in by_detector)]
    assert len(judged_hits) > len(detector_hits), (found, by_detector, refs)
    # Every filled pause reported on this clip is one the human heard.
    assert all(any(_near(f, r) for r in refs) for f in found), (found, refs)


@pytest.mark.slow
def test_real_um_whisper_wrote_as_an_unsure_and_is_found(transcriber: Transcriber) -> None:
    # ES2003a: the human reference has a quiet, creaky "um" at 20.58-20.80 s, said alone.
    # Whisper writes "and" over it (probability 0.19); weakly periodic, it was never judged.
    clip = _clip("ami_ES2003a_0-30")
    (um,) = [(f["start"], f["end"]) for f in clip["filler_times"] if 20 < f["start"] < 21]
    assert um == (20.58, 20.8)
    result = analyze_file(REAL / clip["file"], transcriber=transcriber, rubric=RUBRIC)
    found = [(f.start, f.end) for f in result.delivery.fillers if f.kind == "filled_pause"]
    assert any(_near(f, um) for f in found), found
    refs = [(f["start"], f["end"]) for f in clip["filler_times"]]
    assert all(any(_near(f, r) for r in refs) for f in found), (found, refs)
    spoken = [w.text.strip(",.").lower() for w in result.transcript.words if not w.filler]
    near = [w for w in result.transcript.words if _near((w.start, w.end), um)]
    assert "and" not in [w.text.strip(",.").lower() for w in near if not w.filler], near
    assert "he's" in spoken  # the words after it stay words


@pytest.mark.slow
@pytest.mark.parametrize("clip_id", ["ami_EN2002b_0-30", "ami_ES2003b_0-30"])
def test_real_clip_without_fillers_judged_at_most_one(
    transcriber: Transcriber, clip_id: str
) -> None:
    clip = _clip(clip_id)
    assert clip["filler_times"] == []
    result = analyze_file(REAL / clip["file"], transcriber=transcriber, rubric=RUBRIC)
    assert sum(f.kind == "filled_pause" for f in result.delivery.fillers) <= 1


@pytest.mark.slow
def test_rendered_answer_without_fillers_gets_none(transcriber: Transcriber) -> None:
    comp = compose(
        [Gap(0.5), Say("I led the migration of our billing system to a new provider"),
         Gap(0.8), Say("and we finished two weeks before the deadline"), Gap(0.5)]
    )  # fmt: skip
    result = analyze_samples(comp.audio, 16000, rubric=RUBRIC, transcriber=transcriber)
    assert [f for f in result.delivery.fillers if f.kind == "filled_pause"] == []


def test_candidates_cover_a_voiced_gap_and_an_unsure_short_word() -> None:
    sr = 16000
    frames = frame_features(_hum(3.0), sr)  # voiced throughout the words and gaps
    words = [
        Word("we", 0.0, 0.4, 0.9),
        Word("shipped", 1.2, 1.6, 0.9),  # 0.4–1.2 s: a voiced gap with no word
        Word("a", 2.0, 2.5, 0.2),  # short, unsure: may be the filler misheard
        Word("it", 2.6, 2.9, 0.95),
    ]
    found = candidates(frames, words)
    assert any(c.start <= 0.45 and c.end >= 1.15 and c.words == () for c in found), found
    assert any(c.words == (2.0,) for c in found), found
    assert not any(c.start >= 1.25 and c.end <= 1.95 for c in found), found


def _hum(seconds: float) -> np.ndarray:
    """A 120-Hz voice-like hum for ``seconds``, then 1 s of a room's quiet (white noise at
    −70 dBFS): a noise floor far under the hum, as a real recording has."""
    t = np.arange(round(seconds * 16000)) / 16000
    hum = 0.3 * np.sin(2 * np.pi * 120 * t)
    return np.concatenate([hum, white_noise(1.0, level_dbfs=-70)]).astype(np.float32)


def test_candidates_stand_out_of_a_noise_floor_near_the_peak() -> None:
    # A fan's hum 27 dB under the voice: every frame is within 40 dB of the loudest, so only
    # the noise floor tells the gap's "um" (2.3-2.8 s) from the noise around it. Counted
    # voiced, the whole 2-s gap was one run, too long for a filled pause, and no candidate.
    sr = 16000
    t = np.arange(4 * sr) / sr
    voice = (t < 1.6) | ((t >= 2.3) & (t < 2.8)) | (t >= 3.6)
    x = np.where(voice, 0.3 * np.sin(2 * np.pi * 120 * t), 0.0) + pink_noise(4.0, level_dbfs=-40)
    frames = frame_features(x.astype(np.float32), sr)
    words = [Word("we", 0.0, 0.4, 0.9), Word("shipped", 1.2, 1.6, 0.9), Word("it", 3.6, 3.9, 0.9)]
    found = candidates(frames, words)
    assert any(abs(c.start - 2.3) < 0.05 and abs(c.end - 2.8) < 0.05 for c in found), found
    assert not any(c.start < 2.2 and c.end > 1.7 for c in found), found  # noise alone


def test_candidates_include_a_fast_speakers_short_filler() -> None:
    sr = 16000
    t = np.arange(int(2.0 * sr)) / sr
    hum = 0.3 * np.sin(2 * np.pi * 120 * t)
    # Two words, and between them, alone, 0.24 s of voice: a quick "um" at 210 wpm.
    voiced = ((t >= 0.2) & (t < 0.76)) | ((t >= 0.9) & (t < 1.14)) | ((t >= 1.3) & (t < 1.5))
    frames = frame_features(np.where(voiced, hum, 0.0).astype(np.float32), sr)
    words = [Word("product", 0.2, 0.76, 0.99), Word("I", 1.3, 1.5, 0.99)]
    found = candidates(frames, words)
    assert any(abs(c.start - 0.9) < 0.05 and abs(c.end - 1.14) < 0.05 for c in found), found


def test_candidates_keep_a_voiced_run_merged_with_an_unvoiced_word() -> None:
    # A pink-noise copy of a real clip (EN2003a): the "um" (a voiced run) lies 0.12 s before
    # an unsure "if" Whisper wrote over breath and noise. Merged, the span's median clarity
    # fell under MIN_CLARITY and the "um" was never judged; a span is judged when any of
    # its pieces is voiced.
    sr = 16000
    t = np.arange(4 * sr) / sr
    hum = 0.3 * np.sin(2 * np.pi * 120 * t)
    hiss = 0.1 * np.random.default_rng(7).standard_normal(len(t))
    x = np.where((t < 0.4) | ((t >= 1.0) & (t < 1.3)) | ((t >= 2.6) & (t < 2.9)), hum, 0.0)
    x = np.where((t >= 1.4) & (t < 2.2), hiss, x)
    frames = frame_features(x.astype(np.float32), sr)
    words = [Word("we", 0.0, 0.4, 0.9), Word("if", 1.4, 2.2, 0.1), Word("it", 2.6, 2.9, 0.9)]
    found = candidates(frames, words)
    assert any(c.start <= 1.05 and c.end >= 1.25 for c in found), found
    # Without the hum before it, the unsure word alone is not judged: nothing in it is voiced.
    y = np.where((t >= 1.0) & (t < 1.3), 0.0, x)
    assert candidates(frame_features(y.astype(np.float32), sr), words) == []


def test_candidates_judge_an_unsure_word_on_a_vowels_spectrum_however_weakly_periodic() -> None:
    # A creaky or breathy "um" is weakly periodic (clarity under MIN_CLARITY), but its energy
    # lies low, as a vowel's or a nasal's does: here noise band-limited to 100-1500 Hz
    # (clarity about 0.26, spectral flatness under 0.01). An unsure "and" Whisper wrote over
    # it is judged; over hiss (flatness about 0.8) it is not, nor is a sure word over it.
    sr = 16000
    t = np.arange(3 * sr) / sr
    hum = 0.3 * np.sin(2 * np.pi * 120 * t)
    noise = np.random.default_rng(3).standard_normal(len(t))
    spectrum, hz = np.fft.rfft(noise), np.fft.rfftfreq(len(t), 1 / sr)
    murmur = np.fft.irfft(spectrum * ((hz > 100) & (hz < 1500)), len(t))
    murmur = 0.2 * murmur / np.abs(murmur).max()
    hiss = 0.1 * noise

    def frames_with(under: np.ndarray) -> Any:
        x = np.where((t < 0.4) | ((t >= 2.6) & (t < 2.9)), hum, 0.0)
        x = np.where((t >= 1.4) & (t < 2.0), under, x)
        return frame_features(x.astype(np.float32), sr)

    def words(p: float) -> list[Word]:
        return [Word("we", 0.0, 0.4, 0.9), Word("and", 1.4, 2.0, p), Word("it", 2.6, 2.9, 0.9)]

    found = candidates(frames_with(murmur), words(0.19))
    assert [(c.start, c.end, c.words) for c in found] == [(1.4, 2.0, (1.4,))]
    assert candidates(frames_with(hiss), words(0.19)) == []
    assert candidates(frames_with(murmur), words(0.9)) == []


def test_plan_judges_a_doubted_word_alone_when_it_merged_into_a_longer_candidate() -> None:
    # A voiced gap (0.4-1.3 s) and an unsure "a" just after it merge into one candidate; its
    # window begins 0.9 s before the word, so the word is also a candidate of its own (a real
    # "um" written "and" scored 0.57 alone, 0.39 in the merged windows).
    sr = 16000
    t = np.arange(3 * sr) / sr
    x = np.where((t < 1.6) | ((t >= 2.6) & (t < 2.9)), 0.3 * np.sin(2 * np.pi * 120 * t), 0.0)
    frames = frame_features(x.astype(np.float32), sr)

    def words(p: float) -> list[Word]:
        return [Word("we", 0.0, 0.4, 0.9), Word("a", 1.3, 1.6, p), Word("it", 2.6, 2.9, 0.9)]

    cands, wins, owner = filler_judge.plan(frames, words(0.2))
    assert [(c.start < 0.45, c.end, c.words) for c in cands] == [
        (True, 1.6, (1.3,)),  # the gap and the word merged
        (False, 1.6, (1.3,)),  # the word alone: a candidate of its own
    ]
    assert cands[1].start == 1.3 and wins[owner.index(1)] == (1.3, 1.6)
    sure, _, _ = filler_judge.plan(frames, words(0.9))
    assert [(c.start < 0.45, c.end, c.words) for c in sure] == [(True, 1.3, ())]


def test_plan_does_not_judge_alone_a_doubted_word_over_hiss_merged_with_a_voiced_gap() -> None:
    # The same voiced gap, but the unsure "a" lies over hiss (breath or noise: weakly
    # periodic, a flat spectrum). The merged candidate is judged (a piece of it is voiced);
    # the word alone is not worth a window of its own, as it would not be unmerged.
    sr = 16000
    t = np.arange(3 * sr) / sr
    hum = 0.3 * np.sin(2 * np.pi * 120 * t)
    hiss = 0.1 * np.random.default_rng(7).standard_normal(len(t))
    x = np.where((t < 1.3) | ((t >= 2.6) & (t < 2.9)), hum, 0.0)
    x = np.where((t >= 1.3) & (t < 1.6), hiss, x)
    frames = frame_features(x.astype(np.float32), sr)
    words = [Word("we", 0.0, 0.4, 0.9), Word("a", 1.3, 1.6, 0.2), Word("it", 2.6, 2.9, 0.9)]
    cands, wins, _ = filler_judge.plan(frames, words)
    assert [(c.start < 0.45, c.end, c.words) for c in cands] == [(True, 1.6, (1.3,))]
    assert (1.3, 1.6) not in wins


def test_judge_scores_no_candidate_where_a_filled_pause_is_already_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Which windows reach Whisper is the point here, not Whisper's answer: a stand-in
    # records the spans sent and scores each 0.9.
    sent: list[tuple[float, float]] = []

    def scores(_tr: object, _x: object, spans: list[tuple[float, float]], **_: object):
        sent.extend(spans)
        return [0.9] * len(spans)

    monkeypatch.setattr(filler_judge, "filler_probabilities", scores)
    sr = 16000
    t = np.arange(int(3.0 * sr)) / sr
    frames = frame_features(_hum(3.0), sr)
    words = [Word("we", 0.0, 0.4, 0.9), Word("shipped", 1.2, 1.6, 0.9), Word("it", 2.6, 2.9, 0.9)]
    x = np.zeros(len(t), dtype=np.float32)
    free = judge(None, x, frames, words)  # type: ignore[arg-type]
    assert any(j.start <= 0.45 and j.end >= 1.15 for j in free), free
    assert any(j.start <= 1.65 and j.end >= 2.55 for j in free), free
    # The detector's filled pause over the first gap is scored (for its veto) in place of
    # the gap's candidate; Whisper's written "um" over the second takes its candidate away.
    sent.clear()
    taken = judge(None, x, frames, words, extra=[(0.5, 1.0)], known=[(1.8, 2.4)])  # type: ignore[arg-type]
    assert [(j.start, j.end) for j in taken] == [(0.5, 1.0)], taken
    assert sent == [(0.5, 1.0)], sent


def test_a_score_just_under_the_threshold_is_not_a_filled_pause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The decision reads Whisper's probability as it is: 0.49987 must not round up to a
    # filler. A stand-in gives the scores; the threshold is the point, not Whisper.
    monkeypatch.setattr(
        filler_judge, "filler_probabilities", lambda _t, _x, spans, **_: [0.49987] * len(spans)
    )
    sr = 16000
    t = np.arange(int(3.0 * sr)) / sr
    frames = frame_features(_hum(3.0), sr)
    words = [Word("we", 0.0, 0.4, 0.9), Word("shipped", 1.2, 1.6, 0.9), Word("it", 2.6, 2.9, 0.9)]
    judged = judge(None, np.zeros(len(t), dtype=np.float32), frames, words)  # type: ignore[arg-type]
    assert judged and all(j.score < filler_judge.THRESHOLD for j in judged), judged
    assert decide([], judged) == []


def test_candidates_judge_the_tail_of_a_word_too_long_for_its_letters() -> None:
    sr = 16000
    t = np.arange(int(4.0 * sr)) / sr
    frames = frame_features((0.3 * np.sin(2 * np.pi * 120 * t)).astype(np.float32), sr)
    # "understanding" typically takes 0.12 + 13 × 0.08 = 1.16 s; here 1.8 s: Whisper
    # stretched it over the "um" after it. Its tail is judged on its own window.
    stretched = [Word("understanding", 0.2, 2.0, 0.99), Word("it", 3.5, 3.7, 0.99)]
    found = candidates(frames, stretched)
    assert any(abs(c.start - 1.36) < 0.02 and c.end == 2.0 for c in found), found
    # The same word at an ordinary length (1.1 s) has no tail to judge.
    ordinary = [Word("understanding", 0.2, 1.3, 0.99), Word("it", 3.5, 3.7, 0.99)]
    assert not any(c.start >= 0.2 and c.end <= 1.3 for c in candidates(frames, ordinary))


def _voiced_at(spans: list[tuple[float, float]], seconds: float) -> np.ndarray:
    """A 120-Hz hum during each span (s) and digital silence elsewhere, 16 kHz."""
    t = np.arange(round(seconds * 16000)) / 16000
    on = np.zeros(len(t), dtype=bool)
    for a, b in spans:
        on |= (t >= a) & (t < b)
    return np.where(on, 0.3 * np.sin(2 * np.pi * 120 * t), 0.0).astype(np.float32)


def test_candidates_judge_the_head_of_a_word_whisper_started_over_a_filler() -> None:
    # "words, um, and that" read "words and that": "and" 1.0-2.3 s over the "um" (1.0-1.6 s),
    # 0.6 s of silence and the real "and" (2.2-2.3 s). The "um" lies before the time "and"
    # needs at its end; judged alone, its window starts with the filler.
    frames = frame_features(_voiced_at([(0.2, 0.8), (1.0, 1.6), (2.2, 2.6)], 3.0), 16000)
    words = [Word("words", 0.2, 0.8, 0.9), Word("and", 1.0, 2.3, 0.7)]
    words.append(Word("that", 2.3, 2.6, 0.9))
    found = candidates(frames, words)
    assert any(abs(c.start - 1.0) < 0.03 and abs(c.end - 1.6) < 0.03 for c in found), found
    # A word whose letters need that time ("understanding", 1.74 s) has no head to judge.
    ordinary = [words[0], Word("understanding", 1.0, 2.3, 0.7), words[2]]
    assert not any(c.start < 1.6 and c.end > 1.0 for c in candidates(frames, ordinary))


def test_a_lookalike_with_a_sound_of_its_own_beside_the_filler_stays_a_word() -> None:
    # The same "and" (1.0-2.3 s) over a judged "um" (1.0-1.8 s): 0.8 of its 1.3 s lie in
    # the filler, but after 0.6 s of silence it has a sound of its own, the real "and".
    um = Filler("(filled pause)", 1.0, 1.8, "filled_pause", "acoustic")
    words = [Word("words", 0.2, 0.8, 0.9), Word("and", 1.0, 2.3, 0.7)]
    words.append(Word("that", 2.3, 2.6, 0.9))
    heard = frame_features(_voiced_at([(0.2, 0.8), (1.0, 1.6), (2.2, 2.6)], 3.0), 16000)
    thr = levels(heard).threshold_db
    flags = absorb_lookalikes(words, [um], frames=heard, threshold_db=thr)
    assert not any(w.filler for w in flags)
    # Silence after the hum to the span's end: the "and" was the "um" misheard.
    quiet = frame_features(_voiced_at([(0.2, 0.8), (1.0, 1.6), (2.4, 2.6)], 3.0), 16000)
    misheard = [words[0], Word("and", 1.0, 2.3, 0.7), Word("that", 2.4, 2.6, 0.9)]
    flags = absorb_lookalikes(misheard, [um], frames=quiet, threshold_db=thr)
    assert [w.text for w in flags if w.filler] == ["and"]
    # Running straight into the next word, with no silence between (espeak's "uh" read
    # "or"): no sound of its own either.
    run_on = frame_features(_voiced_at([(0.2, 0.8), (1.0, 2.6)], 3.0), 16000)
    flags = absorb_lookalikes(words, [um], frames=run_on, threshold_db=thr)
    assert [w.text for w in flags if w.filler] == ["and"]
    # The word said first, then silence, then the filler Whisper drew it over: the same.
    late_um = Filler("(filled pause)", 1.5, 2.3, "filled_pause", "acoustic")
    first = frame_features(_voiced_at([(0.2, 0.8), (1.0, 1.1), (1.5, 2.3), (2.4, 2.6)], 3.0), 16000)
    flags = absorb_lookalikes(misheard, [late_um], frames=first, threshold_db=thr)
    assert not any(w.filler for w in flags)
    # Without the frames the span alone decides, as before.
    assert [w.text for w in absorb_lookalikes(words, [um]) if w.filler] == ["and"]


def test_decision_adds_judged_vetoes_detector_and_absorbs_a_lookalike() -> None:
    detector = Filler("(filled pause)", 1.0, 1.4, "filled_pause", "acoustic")
    written = Filler("um", 3.0, 3.2, "filled_pause", "transcript")
    judged = [
        Judged(1.0, 1.4, 0.02, detector=True),  # the detector's span: Whisper hears a word
        Judged(2.0, 2.5, 0.8, (2.0,)),  # an unsure "a" Whisper, asked again, calls "uh"
        Judged(4.0, 4.5, 0.3),  # not a filler
    ]
    kept = decide([detector, written], judged, veto=0.05)
    assert [(f.start, f.source) for f in kept] == [(2.0, "acoustic"), (3.0, "transcript")]
    assert decide([detector], judged, veto=None)[0] == detector
    # Judged per block, the detector's span may differ a little from the whole answer's
    # (another level threshold, a word dropped by the silence check): still its own span.
    shifted = [Judged(1.03, 1.42, 0.02, detector=True)]
    assert decide([detector], shifted, veto=0.05) == []
    # A span the detector did not give is a candidate's verdict, not a veto of it;
    # nor is a detector span covering less than half of it.
    assert decide([detector], [Judged(1.0, 1.4, 0.02)], veto=0.05) == [detector]
    assert decide([detector], [Judged(1.25, 1.6, 0.02, detector=True)], veto=0.05) == [detector]
    # The unsure "a" lying in the judged filled pause is that filler; "it" after it is a word.
    words = [Word("a", 2.0, 2.5, 0.2), Word("it", 2.6, 2.9, 0.9)]
    assert [w.filler for w in absorb_lookalikes(words, kept)] == [True, False]


def test_an_oh_held_is_not_a_filled_pause_unless_the_judge_is_sure() -> None:
    # A real clip's "group. Oh, Ebenezer" 12 dB quieter: Whisper wrote "Oh," at the vowel's
    # onset (13.34-13.44 s) and the judge, hearing the rest alone, gave it 0.55.
    words = [Word("group.", 12.26, 13.2, 1.0), Word("Oh,", 13.34, 13.44, 0.19)]
    words += [Word("Ebenezer.", 13.84, 14.14, 0.82)]
    held = Judged(13.34, 13.84, 0.55)
    assert decide([], [held], veto=0.05, words=words) == []
    assert len(decide([], [held], veto=0.05)) == 1  # without the words nothing tells
    # Sure of a filler (a real "uh" Whisper wrote as "Oh"), or starting well after the word,
    # or on another word: a filled pause.
    sure = Judged(13.34, 13.84, 0.8)
    later = Judged(13.6, 13.84, 0.55)
    on_and = [*words[:1], Word("and,", 13.34, 13.44, 0.19), *words[2:]]
    assert len(decide([], [sure], veto=0.05, words=words)) == 1
    assert len(decide([], [later], veto=0.05, words=words)) == 1
    assert len(decide([], [held], veto=0.05, words=on_and)) == 1


@pytest.mark.slow
def test_a_real_oh_held_is_a_word_not_a_filled_pause(
    transcriber: Transcriber, tmp_path: Path
) -> None:
    # ES2003a 12 dB quieter (a quieter microphone): the reference has the word "Oh" at
    # 13.24-13.60 s and no filler near it; voicesim had counted a filled pause on its held
    # vowel and dropped the "Oh" as that filler's lookalike.
    import soundfile as sf

    clip = _clip("ami_ES2003a_0-30")
    oh = next((w["start"], w["end"]) for w in clip["words"] if w["text"] == "Oh")
    assert not any(_near(oh, (f["start"], f["end"])) for f in clip["filler_times"])
    x, sr = sf.read(str(REAL / clip["file"]), dtype="float64")
    quiet = tmp_path / "quiet.flac"
    sf.write(str(quiet), x * 10 ** (-12 / 20), sr, subtype="PCM_16")
    result = analyze_file(quiet, transcriber=transcriber, rubric=RUBRIC)
    found = [(f.start, f.end) for f in result.delivery.fillers if f.kind == "filled_pause"]
    assert not any(_near(f, oh) for f in found), found
    said = [w for w in result.transcript.words if w.text.strip(",.").lower() == "oh"]
    assert said and not any(w.filler for w in said), said


def test_a_judged_filled_pause_inside_a_discourse_filler_is_counted_too() -> None:
    # EN2006a: "sort of <hmm> interaction" — Whisper stretched "of" over the filled pause
    # (reference 28.87–29.13 s). "sort of" is a discourse filler; the filled pause is
    # another filler, not the same one counted twice.
    sort_of = Filler("sort of", 28.76, 29.38, "discourse", "transcript")
    judged = [Judged(29.04, 29.38, 0.61)]
    kept = decide([sort_of], judged, veto=0.1)
    assert [(f.kind, f.start) for f in kept] == [("discourse", 28.76), ("filled_pause", 29.04)]
    # A filled pause already counted there (Whisper wrote "um") is not counted again.
    um = Filler("um", 29.0, 29.3, "filled_pause", "transcript")
    assert decide([sort_of, um], judged, veto=0.1) == [sort_of, um]


def test_a_written_um_and_the_hum_judged_in_its_gap_are_one_filler() -> None:
    # EN2009b as Whisper writes it when it spells the fillers (verbatim prompt): "that,
    # um, the need" with "that" stretched to 7.72 s and the "um" given no duration at
    # 7.80 s; the reference's "um" is 7.09–7.55 s, where the judge hears it (7.32–7.72).
    words = [
        Word("that,", 6.66, 7.72, 0.99),
        Word("um,", 7.8, 7.8, 0.9, filler=True),
        Word("the", 7.84, 7.92, 0.9),
        Word("need", 7.92, 8.36, 0.99),
    ]
    um = Filler("um", 7.8, 7.8, "filled_pause", "transcript")
    judged = [Judged(7.32, 7.72, 0.8)]
    kept = decide([um], judged, veto=0.1, words=words)
    assert kept == [Filler("um", 7.32, 7.72, "filled_pause", "transcript")]
    # A word between them ("that, uh, so um, the need"): two fillers, one on each side.
    so = Word("so", 7.72, 7.78, 0.9)
    kept = decide([um], judged, veto=0.1, words=[*words[:1], so, *words[1:]])
    assert [(f.text, f.start) for f in kept] == [("(filled pause)", 7.32), ("um", 7.8)]
    # Unless Whisper gave that word no time of its own (word_gaps.PLACED_S): its place
    # is a guess, so it parts nothing.
    stacked = Word("so", 7.78, 7.8, 0.9)
    kept = decide([um], judged, veto=0.1, words=[*words[:1], stacked, *words[1:]])
    assert kept == [Filler("um", 7.32, 7.72, "filled_pause", "transcript")]
    # Two hums judged in the gap where Whisper wrote one "um": the nearer is that "um",
    # the other is a second filler.
    two = [Judged(7.2, 7.4, 0.7), Judged(7.5, 7.76, 0.8)]
    kept = decide([um], two, veto=0.1, words=words)
    assert [(f.text, f.start, f.end) for f in kept] == [
        ("(filled pause)", 7.2, 7.4),
        ("um", 7.5, 7.76),
    ]
    # A written "um" already on a judged span stays there.
    placed = Filler("um", 7.5, 7.76, "filled_pause", "transcript")
    assert decide([placed], two, veto=0.1, words=words) == [
        Filler("(filled pause)", 7.2, 7.4, "filled_pause", "acoustic"),
        placed,
    ]
    # Without the words there is no telling gaps apart: both are kept, as before.
    assert len(decide([um], judged, veto=0.1)) == 2
    # The detector's filled pause in the gap is that "um" too. ES2003a spelt: "reaction.
    # Um, we have", the "um" written at 10.18–10.56 s, the hum found at 9.21–9.90 s
    # (reference 9.20–10.47 s).
    around = [
        Word("reaction.", 8.56, 9.12, 0.9),
        Word("Um,", 10.18, 10.56, 0.9, filler=True),
        Word("we", 10.56, 10.74, 0.9),
    ]
    hum = Filler("(filled pause)", 9.21, 9.9, "filled_pause", "acoustic")
    late = Filler("um", 10.18, 10.56, "filled_pause", "transcript")
    assert decide([hum, late], [], words=around) == [
        Filler("um", 9.21, 9.9, "filled_pause", "transcript")
    ]


def test_a_written_um_does_not_move_past_a_word_to_a_hum() -> None:
    # EN2006a as Whisper writes it with the fillers spelt: "sort of, um, interaction on"
    # with the "um" at 29.36 s and "interaction" at 29.70 s; a voiced stretch at
    # 29.73–29.96 s lies after "interaction", so it is not the "um".
    words = [
        Word("of,", 28.8, 29.36, 1.0, filler=True),
        Word("um,", 29.36, 29.36, 0.8, filler=True),
        Word("interaction", 29.7, 29.7, 0.77),
        Word("on.", 29.7, 29.98, 0.9),
    ]
    um = Filler("um", 29.36, 29.36, "filled_pause", "transcript")
    after = Candidate(29.73, 29.96, confirmed=False)
    assert merge_fillers([um], [after], words) == [um]
    # In its own gap the nearest stretch places it.
    before = Candidate(29.08, 29.36, confirmed=False)
    assert merge_fillers([um], [after, before], words) == [
        Filler("um", 29.08, 29.36, "filled_pause", "transcript")
    ]
    # Without the words the nearest stretch takes it, wherever it lies.
    moved = Filler("um", 29.73, 29.96, "filled_pause", "transcript")
    assert merge_fillers([um], [after]) == [moved]


def test_a_written_uh_takes_its_hum_across_a_word_with_no_time_of_its_own() -> None:
    # EN2005a as Whisper writes it with the fillers spelt: "to, but, uh, they," with "but,"
    # at 16.42-16.44 s and "uh," at 16.44-16.44 s, where the reference has "but"
    # 15.50-15.88 s and one "uh" 15.88-16.90 s. The detector confirmed a hum at 15.91-16.27 s
    # (before "but,"'s middle) and found an unconfirmed voiced stretch in "they," at
    # 16.96-17.29 s. The "uh" is the hum: before, it took the stretch in "they," and the
    # hum counted again on its own.
    words = [
        Word("to,", 15.2, 15.56, 0.99),
        Word("but,", 16.42, 16.44, 0.98),
        Word("uh,", 16.44, 16.44, 0.04, filler=True),
        Word("they,", 16.94, 17.52, 0.74),
    ]
    uh = Filler("uh", 16.44, 16.44, "filled_pause", "transcript")
    hum = Candidate(15.91, 16.27, confirmed=True)
    in_they = Candidate(16.96, 17.29, confirmed=False)
    assert merge_fillers([uh], [hum, in_they], words) == [
        Filler("uh", 15.91, 16.27, "filled_pause", "transcript")
    ]
    # A word Whisper gave its own time still parts them: the hum is another filler.
    timed = [words[0], Word("but,", 16.3, 16.44, 0.98), *words[2:]]
    assert merge_fillers([uh], [hum, in_they], timed) == [
        Filler("(filled pause)", 15.91, 16.27, "filled_pause", "acoustic"),
        Filler("uh", 16.96, 17.29, "filled_pause", "transcript"),
    ]
    # So does any word for a stretch that does not count on its own.
    loose = Candidate(15.91, 16.27, confirmed=False)
    assert merge_fillers([uh], [loose], words) == [uh]


def test_a_word_whisper_put_in_a_silence_does_not_part_a_hum_from_its_um() -> None:
    # The demo's rendered "you know, and, um, they" as its live decode wrote it: espeak
    # said "and" at 4.36-4.56 s and the "um" at 4.60-4.88 s, then was silent until 5.10 s;
    # Whisper put "and," at 5.05-5.15 s and "um," at 5.21-5.25 s, and the detector
    # confirmed the hum at 4.70-4.92 s. One "um", not two.
    words = [
        Word("know,", 3.99, 4.51, 0.99, filler=True),
        Word("and,", 5.05, 5.15, 0.96),
        Word("um,", 5.21, 5.25, 0.34, filler=True),
        Word("they", 5.37, 5.41, 0.56),
    ]
    um = Filler("um", 5.21, 5.25, "filled_pause", "transcript")
    hum = Candidate(4.7, 4.92, confirmed=True)
    # Every word with a time of its own parts them, as before:
    assert merge_fillers([um], [hum], words) == [hum.filler(), um]
    # The signal places "and," nowhere Whisper put it.
    placed = [w for w in words if w.text != "and,"]
    one = Filler("um", 4.7, 4.92, "filled_pause", "transcript")
    assert merge_fillers([um], [hum], words, placed=placed) == [one]
    assert decide([hum.filler(), um], [], words=words, placed=placed) == [one]
    # A stretch that does not count on its own still stays in its own gap.
    loose = Candidate(4.7, 4.92, confirmed=False)
    assert merge_fillers([um], [loose], words, placed=placed) == [um]


def test_words_are_heard_where_the_signal_sounds_a_lag_before_whisper_put_them() -> None:
    # Sound 0-1 s and 2-3 s, digital silence between.
    audio = np.concatenate(
        [white_noise(1.0, level_dbfs=-20), silence(1.0), white_noise(1.0, level_dbfs=-20, seed=5)]
    )
    frames = frame_features(audio, 16000)
    threshold = levels(frames).threshold_db
    lost = Word("and", 1.2, 1.5, 0.9)  # 1.12-1.42 s less the lag: in the silence
    trailing = Word("then", 1.02, 1.07, 0.9)  # 0.94-0.99 s: on the sound before it
    late = Word("we", 2.05, 2.3, 0.9)  # 1.97-2.22 s: on the sound after it
    stacked = Word("so", 2.5, 2.5, 0.9)  # no duration, on sound
    words = [trailing, lost, late, stacked]
    assert heard_words(words, frames, threshold, lag_s=0.08) == [trailing, late, stacked]
    # Taken at Whisper's own times, "then" would lie in the silence too.
    assert heard_words(words, frames, threshold, lag_s=0.0) == [late, stacked]


@pytest.mark.slow
def test_a_window_scores_the_same_alone_as_in_any_batch(transcriber: Transcriber) -> None:
    # What lets practice score windows while the answer is spoken (analysis.ahead) and
    # the analysis reuse them: a window's score does not depend on its batch, bit for bit.
    samples, _ = load_audio(REAL / _clip("ami_EN2009b_0-30")["file"])
    spans = [(t, t + 0.3 + 0.05 * (i % 7)) for i, t in enumerate(np.arange(0.5, 28.0, 1.3))]
    batched = filler_probabilities(transcriber, samples, spans)
    alone = [filler_probabilities(transcriber, samples, [s])[0] for s in spans]
    threes = [p for i in range(0, len(spans), 3)
              for p in filler_probabilities(transcriber, samples, spans[i : i + 3])]  # fmt: skip
    assert alone == batched and threes == batched
    assert len(set(batched)) > len(spans) // 2  # real, different scores


def test_windows_already_scored_are_not_scored_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # Which windows reach Whisper is the point, not its answer: a stand-in scores each
    # window by its first sample and records the batches it gets.
    batches: list[list[tuple[int, int]]] = []

    def scorer(_tr: object, _x: object, cuts: list[tuple[int, int]]) -> list[float]:
        batches.append(list(cuts))
        return [a / 1e6 for a, _ in cuts]

    monkeypatch.setattr(judge_windows, "score_windows", scorer)
    x = np.zeros(16000 * 5, dtype=np.float32)
    spans = [(0.5, 0.9), (1.5, 2.0), (3.0, 3.4), (1.5, 2.0)]  # the last: the second again
    cuts = window_cuts(spans, len(x))
    assert cuts[0] == (round(0.4 * 16000), round(1.0 * 16000))  # 0.1 s either side
    known = WindowScores({cuts[1]: 0.75})
    got = filler_probabilities(None, x, spans, scores=known)  # type: ignore[arg-type]
    assert got == [cuts[0][0] / 1e6, 0.75, cuts[2][0] / 1e6, 0.75]
    assert batches == [[cuts[0], cuts[2]]]  # once each, none of those already known
    assert set(known) == set(cuts)  # the new scores are kept for the next call
    filler_probabilities(None, x, spans, scores=known)  # type: ignore[arg-type]
    assert len(batches) == 1


@pytest.mark.slow
def test_judging_ahead_gives_the_analysis_the_same_result_sooner(
    transcriber: Transcriber, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An answer recorded as practice records it (file + FeatureStream); the judge scores
    # ahead on the words of its first part, up to where they are settled.
    comp = compose(
        [Say("In my last role I ran the support team for our billing product"), Gap(0.5),
         Fill("um"), Gap(0.5), Say("and we cut the time to answer a ticket by half"),
         Gap(0.7), Fill("uh"), Gap(0.4), Say("mostly by writing down what we already knew"),
         Gap(0.8), Say("and by letting the newest people answer the easy questions first")]
    )  # fmt: skip
    stream = FeatureStream()
    with AnswerAudioWriter(tmp_path, 0, 16000) as writer:
        for i in range(0, len(comp.audio), 1600):
            writer.write(comp.audio[i : i + 1600])
            stream.push(comp.audio[i : i + 1600])
    path = tmp_path / writer.name
    transcript = transcriber.transcribe(load_audio(path)[0])
    until = 12.0
    deadline = time.monotonic() + 60
    while stream.so_far()[1] is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the first 10-s chunk of frames (librosa's first import)
    ahead = JudgeAhead(transcriber, stream)
    ahead.words([w for w in transcript.words if w.end <= until], until)
    while ahead.scored == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    early = ahead.finish()
    assert early and all(e <= 10.0 * 16000 for _, e in early)  # what was settled and framed
    frames = stream.frames()
    ends: list[int] = []
    scorer = judge_windows.score_windows

    def counted(tr: Transcriber, x: np.ndarray, cuts: list[tuple[int, int]]) -> list[float]:
        ends.append(len(cuts))
        return scorer(tr, x, cuts)

    monkeypatch.setattr(judge_windows, "score_windows", counted)
    kw: dict[str, Any] = {"transcriber": transcriber, "rubric": RUBRIC, "transcript": transcript}
    sooner = analyze_file(path, frames=frames, scores=early.copy(), **kw)
    at_end = sum(ends)
    ends.clear()
    plain = analyze_file(path, **kw)
    assert sooner.to_dict() == plain.to_dict()
    assert sum(f.kind == "filled_pause" for f in plain.delivery.fillers) == 2  # "um", "uh"
    # The windows scored ahead were not scored again (the first of them, the answer's
    # first windows, are planned the same at the end; one near the 10-s edge may not be).
    assert at_end < sum(ends)
