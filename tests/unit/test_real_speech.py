"""Real speech (AMI meeting clips with human word-level references) and the cases it taught.

Expectations come from the human reference of ../shared/fixtures/real/manifest.json, or
from rendered answers whose filler times we built; the full set is measured by
scripts/measure_analyze.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.support.paths import REPO
from voicesim.analysis import delivery
from voicesim.analysis import pipeline as analysis
from voicesim.analysis.acoustics import frame_features
from voicesim.analysis.feature_stream import pcm16
from voicesim.analysis.levels import levels
from voicesim.analysis.pipeline import analyze_file, analyze_samples
from voicesim.audio import SAMPLE_RATE
from voicesim.audio.files import load_audio
from voicesim.results import AnalysisResult, AudioInfo, Transcript, Word
from voicesim.scoring.rubric import load_rubric
from voicesim.testing.corpora.jfk import JFK_TEXT, shared_fixtures
from voicesim.testing.matching import content_wer, word_time_errors
from voicesim.testing.signals import pink_noise
from voicesim.testing.speech import Fill, Gap, Say, compose
from voicesim.text import is_filled_pause, plain
from voicesim.transcribe import VERBATIM_PROMPT, DecodeOptions, Transcriber

RUBRIC = load_rubric()
REAL = shared_fixtures(REPO) / "real"
TOL_S = 0.3


def _clip(clip_id: str) -> dict[str, Any]:
    manifest = json.loads((REAL / "manifest.json").read_text())
    return next(c for c in manifest if c["id"] == clip_id)


def _filled_pauses(result: AnalysisResult) -> list[tuple[float, float]]:
    return [(f.start, f.end) for f in result.delivery.fillers if f.kind == "filled_pause"]


def _overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] + TOL_S and b[0] - TOL_S < a[1]


@pytest.fixture(scope="module")
def analysed(transcriber: Transcriber) -> dict[str, AnalysisResult]:
    """Five real clips analysed once: three with fillers, the two without any (controls)."""
    ids = (
        "ami_ES2003a_0-30",
        "ami_EN2005a_0-30",
        "ami_EN2006a_0-30",
        "ami_EN2002b_0-30",
        "ami_ES2003b_0-30",
    )
    return {
        i: analyze_file(REAL / _clip(i)["file"], transcriber=transcriber, rubric=RUBRIC)
        for i in ids
    }


@pytest.mark.slow
def test_real_um_between_words_is_found(analysed: dict[str, AnalysisResult]) -> None:
    # The reference's "um" at 9.20–10.47 s ("…because of real reaction um we have…").
    ref = _clip("ami_ES2003a_0-30")["filler_times"][0]
    assert (ref["start"], ref["end"]) == (9.2, 10.47)
    found = _filled_pauses(analysed["ami_ES2003a_0-30"])
    assert any(_overlaps(f, (ref["start"], ref["end"])) for f in found), found


@pytest.mark.slow
def test_real_um_fused_into_a_long_word_is_found(analysed: dict[str, AnalysisResult]) -> None:
    # The reference's "…understanding um the intricacies…": Whisper writes no "um" and
    # stretches "understanding" over it, so no word gap holds it.
    clip = _clip("ami_EN2005a_0-30")
    i = [w["text"] for w in clip["words"]].index("understanding")
    um = clip["words"][i + 1]
    assert um["text"] == "um"
    found = _filled_pauses(analysed["ami_EN2005a_0-30"])
    assert any(_overlaps(f, (um["start"], um["end"])) for f in found), found


@pytest.mark.slow
def test_real_um_after_a_discourse_filler_is_found(analysed: dict[str, AnalysisResult]) -> None:
    # The reference's "…had sort of um the interaction…": Whisper writes "sort of" and
    # stretches "of" over the "um". Both are fillers: the discourse one and the filled pause.
    clip = _clip("ami_EN2006a_0-30")
    i = [w["text"] for w in clip["words"]].index("sort")
    um = clip["words"][i + 2]
    assert [w["text"] for w in clip["words"][i : i + 3]] == ["sort", "of", "um"]
    found = _filled_pauses(analysed["ami_EN2006a_0-30"])
    assert any(_overlaps(f, (um["start"], um["end"])) for f in found), found


@pytest.mark.slow
@pytest.mark.parametrize("clip_id", ["ami_EN2002b_0-30", "ami_ES2003b_0-30"])
def test_real_clip_without_fillers_gets_at_most_one(
    analysed: dict[str, AnalysisResult], clip_id: str
) -> None:
    assert _clip(clip_id)["filler_times"] == []
    assert len(_filled_pauses(analysed[clip_id])) <= 1


@pytest.mark.slow
def test_real_ums_are_found_with_a_fan_humming(transcriber: Transcriber) -> None:
    # A fan's hum: pink noise at a tenth of the clip's RMS, as scripts/measure_analyze.py
    # --conditions adds it. The noise floor then comes within 40 dB of the loudest frame,
    # and when every frame counted as voiced neither of the clip's "um"s had a candidate.
    # The two said aloud are found. The third, creaky and quiet (20.58 s, "Um N_E_Z"), is
    # found as recorded; under the fan its candidate (20.54-21.46 s) scores 0.46 since the
    # features are high-passed (2026-12-07), and before that it was found only inside a
    # 1.7-s span reaching back over "that." (0.51).
    clip = _clip("ami_ES2003a_0-30")
    x, sr = load_audio(REAL / clip["file"])[0], SAMPLE_RATE
    rms_db = 20 * np.log10(np.sqrt(np.mean(np.square(x))))
    noisy = x + pink_noise(len(x) / sr, level_dbfs=rms_db - 20)[: len(x)]
    result = analyze_samples(pcm16(noisy), sr, transcriber=transcriber, rubric=RUBRIC)
    found = _filled_pauses(result)
    refs = [(f["start"], f["end"]) for f in clip["filler_times"]]
    assert refs[0] == (9.2, 10.47) and refs[1] == (18.43, 19.05)  # "reaction um", "Um yeah"
    assert all(any(_overlaps(f, r) for f in found) for r in (refs[0], refs[1])), found
    assert all(any(_overlaps(f, r) for r in refs) for f in found), found  # none false


@pytest.mark.slow
def test_real_word_held_long_is_no_filler_from_a_louder_microphone(
    transcriber: Transcriber, tmp_path: Path
) -> None:
    # EN2004a 6 dB louder (clipped, 16-bit FLAC, as measure_analyze.py --conditions makes
    # it): the speaker holds "and" for 1.1 s (24.18–25.25 s), which the detector took for
    # a filled pause; Whisper alone gave it 0.17, and in context it is e**7.7 less
    # probable with a filler. The reference's one "um" (12.08–13.02 s) is still found: the
    # detector's span just after it (13.28–13.58 s, within the ±0.3-s match) stays, since
    # though the judge alone gives it 0.12, in context a filler fits there.
    import soundfile as sf

    clip = _clip("ami_EN2004a_0-30")
    assert [(f["start"], f["end"]) for f in clip["filler_times"]] == [(12.08, 13.02)]
    x, sr = sf.read(str(REAL / clip["file"]), dtype="float64")
    path = tmp_path / "louder.flac"
    sf.write(str(path), np.clip(x * 2.0, -1.0, 1.0), sr, subtype="PCM_16")
    found = _filled_pauses(analyze_file(path, transcriber=transcriber, rubric=RUBRIC))
    assert any(_overlaps(f, (12.08, 13.02)) for f in found), found
    assert all(_overlaps(f, (12.08, 13.02)) for f in found), found  # the held "and" is none


@pytest.mark.slow
def test_real_um_whisper_spells_is_counted_once_where_it_sounds() -> None:
    # On some recordings Whisper writes the "um"s itself; told to spell fillers it does here:
    # "…was that, um, the need…" with "that" stretched to 7.72 s and the "um" at 7.80 s,
    # no duration, after the reference's "um" (7.09–7.55 s). The judge hears the hum in the
    # same gap between the words; it is that "um", not a second filler.
    clip = _clip("ami_EN2009b_0-30")
    refs = [(f["start"], f["end"]) for f in clip["filler_times"]]
    assert (7.09, 7.55) in refs
    spelling = Transcriber(options=DecodeOptions(verbatim_prompt=VERBATIM_PROMPT))
    result = analyze_file(REAL / clip["file"], transcriber=spelling, rubric=RUBRIC)
    written = [w for w in result.transcript.words if is_filled_pause(w.text)]
    assert any(7.55 < w.start < 8.0 for w in written), written  # Whisper wrote it, late
    found = _filled_pauses(result)
    for ref in refs:
        assert sum(_overlaps(f, ref) for f in found) <= 1, (ref, found)
    assert sum(_overlaps(f, (7.09, 7.55)) for f in found) == 1, found
    assert all(any(_overlaps(f, r) for r in refs) for f in found), found  # none false


@pytest.mark.slow
def test_real_word_whisper_gives_no_duration_is_kept(analysed: dict[str, AnalysisResult]) -> None:
    # The reference has "…ought to but they well…"; Whisper times "but" 16.46–16.46 s.
    ref = [w["text"] for w in _clip("ami_EN2005a_0-30")["words"]]
    assert "but" in ref
    words = [w.text.strip(",.").lower() for w in analysed["ami_EN2005a_0-30"].transcript.words]
    i = words.index("ought")
    assert words[i : i + 3] == ["ought", "to", "but"]


@pytest.mark.slow
def test_real_short_turns_whisper_is_unsure_of_are_kept(
    analysed: dict[str, AnalysisResult],
) -> None:
    # Single-word turns Whisper writes at word probability 0.03-0.07 (segments'
    # guards): the reference's "No" "No" (4.48 and 4.83 s, two speakers) and "'Kay"
    # (23.22 s). A floor of 0.1 on a segment's words dropped one "No." and the "OK.".
    assert [w["text"] for w in _clip("ami_EN2002b_0-30")["words"][:2]] == ["No", "No"]
    words = [plain(w.text) for w in analysed["ami_EN2002b_0-30"].transcript.words]
    assert words[:2] == ["no", "no"]
    kay = [
        w
        for w in analysed["ami_EN2006a_0-30"].transcript.words
        if plain(w.text) in {"ok", "okay", "kay"} and abs(w.start - 23.22) < 0.5
    ]
    assert len(kay) == 1


def _one_speaker_words(clip: dict[str, Any], a: float, b: float) -> int:
    """Words (filled pauses left out) of the reference run spanning exactly [a, b] s,
    checked to be one speaker's alone: no other speaker talks within 0.3 s of it."""
    run = [w for w in clip["words"] if w["start"] >= a and w["end"] <= b]
    assert (run[0]["start"], run[-1]["end"]) == (a, b)
    (speaker,) = {w["speaker"] for w in run}
    others = [
        w
        for w in clip["words"]
        if w["speaker"] != speaker and w["start"] < b + 0.3 and w["end"] > a - 0.3
    ]
    assert others == []
    return sum(not is_filled_pause(w["text"]) for w in run)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("clip_id", "a", "b"), [("ami_EN2005a_0-30", 22.54, 29.71), ("ami_EN2002b_0-30", 24.23, 28.51)]
)
def test_real_pace_on_one_speakers_stretch_is_within_5_percent(
    transcriber: Transcriber, clip_id: str, a: float, b: float
) -> None:
    # The real set's two single-speaker stretches longer than 4 s ("So they're not really
    # the sort of people…", "Okay. Who wants to take notes today"): wpm against the human
    # reference's words over the speaker's own span.
    clip = _clip(clip_id)
    n = _one_speaker_words(clip, a, b)
    samples, _ = load_audio(REAL / clip["file"])
    piece = samples[int((a - 0.3) * 16000) : int((b + 0.3) * 16000)]  # room, as an answer has
    result = analyze_samples(piece, 16000, transcriber=transcriber, rubric=RUBRIC)
    reference = n / (b - a) * 60
    assert abs(result.delivery.wpm - reference) <= 0.05 * reference, (
        result.delivery.wpm,
        reference,
    )


def test_spelled_letters_are_not_a_filler() -> None:
    assert not is_filled_pause("E-R.")
    assert not is_filled_pause("U-M")
    assert is_filled_pause("Uhm,")


@pytest.mark.slow
def test_filler_whisper_wrote_as_a_word_counts_as_filler_not_word(
    transcriber: Transcriber,
) -> None:
    """An "uh" that Whisper wrote as a short unsure word is a filler, not a word, everywhere."""
    comp = compose(
        [Gap(0.5), Say("we shipped the new billing system"), Fill("uh"),
         Say("two weeks before the deadline"), Gap(0.5)]
    )  # fmt: skip
    uh = comp.fillers[0]
    heard = transcriber.transcribe(comp.audio).words
    # Whisper's "and" (probability 0.2) over the "uh", as on the real clip ES2003a.
    fake = Word("and", round(uh.start + 0.02, 3), round(uh.end - 0.02, 3), 0.2)
    words = sorted([w for w in heard if w.end <= uh.start or w.start >= uh.end] + [fake],
                   key=lambda w: w.start)  # fmt: skip
    frames = frame_features(comp.audio, 16000)
    info = AudioInfo("", len(comp.audio) / 16000, 16000)
    result = analysis._finish(info, frames, Transcript("", words), None, RUBRIC, None, 2.0)
    out = next(w for w in result.transcript.words if w.text == "and")
    assert out.filler
    assert result.delivery.words == sum(1 for w in words if w is not fake)
    assert any(_overlaps(f, (uh.start, uh.end)) for f in _filled_pauses(result))
    exported = result.to_dict()["transcript"]["words"]
    assert [w["filler"] for w in exported if w["text"] == "and"] == [True]


@pytest.mark.slow
def test_long_file_blocks_keep_every_word(
    transcriber: Transcriber, jfk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cut into blocks (the previous text prompting the next), jfk.flac keeps its words."""
    whole = analyze_file(jfk_path, transcriber=transcriber, rubric=RUBRIC)
    monkeypatch.setattr(analysis, "BLOCK_S", 6.0)
    cut = analyze_file(jfk_path, transcriber=transcriber, rubric=RUBRIC)
    assert content_wer(JFK_TEXT, whole.transcript.words) == 0.0
    assert content_wer(JFK_TEXT, cut.transcript.words) == 0.0


def test_word_next_to_speech_with_no_duration_is_kept() -> None:
    """The silence check looks 0.1 s around a word (Whisper's times are that loose), and
    0.08 s further back (they trail the sound: analysis.word_times)."""
    sr = 16000
    audio = np.zeros(sr * 2, dtype=np.float32)
    audio[int(0.5 * sr) : int(0.9 * sr)] = 0.3 * np.sin(np.arange(int(0.4 * sr)) * 0.1)
    frames = frame_features(audio, sr)
    touching = Word("but", 0.95, 0.95, 0.9)
    trailing = Word("yeah", 1.06, 1.06, 0.9)  # 0.16 s after the sound: within 0.18 s
    beyond = Word("so", 1.12, 1.12, 0.9)  # 0.22 s after it
    after = Word("then", 0.7, 1.3, 0.9)  # the sound lies before it, but inside
    far = Word("thanks", 1.6, 1.7, 0.9)
    words = [touching, trailing, beyond, after, far]
    kept = delivery._drop_words_in_silence(words, frames, levels(frames).threshold_db)
    assert kept == [touching, trailing, after]


@pytest.mark.slow
def test_real_word_just_after_its_sound_is_kept(transcriber: Transcriber) -> None:
    """EN2009b 12 dB quieter: Whisper gives "Yeah," no duration at 3.86 s, 0.16 s after the
    signal falls under the speech threshold (the reference has speaker B's "Yeah" at
    3.32-4.19 s); it stays a word of the transcript, as in plain faster-whisper's."""
    clip = _clip("ami_EN2009b_0-30")
    x, _ = load_audio(REAL / clip["file"])
    result = analyze_samples(
        x * 10 ** (-12 / 20), SAMPLE_RATE, transcriber=transcriber, rubric=RUBRIC
    )
    words = result.transcript.words
    assert any(plain(w.text) == "yeah" and 3.3 <= w.start <= 3.9 for w in words), [
        (w.text, w.start) for w in words[:12]
    ]


@pytest.mark.slow
def test_real_word_times_are_on_the_reference(analysed: dict[str, AnalysisResult]) -> None:
    # Whisper's own times start 0.11 s from the human reference's (median, these clips:
    # 0.09 s late); moved onto the signal (analysis.word_times), 0.05 s.
    errors = [
        e
        for clip_id, result in analysed.items()
        for e in word_time_errors(
            [(w["text"], w["start"], w["end"]) for w in _clip(clip_id)["words"]],
            [(w.text, w.start, w.end) for w in result.transcript.words],
        )
    ]
    starts, ends = [s for s, _ in errors], [e for _, e in errors]
    assert len(starts) >= 100, len(starts)
    assert float(np.median(np.abs(starts))) <= 0.075, np.median(np.abs(starts))
    assert float(np.median(np.abs(ends))) <= 0.075, np.median(np.abs(ends))
