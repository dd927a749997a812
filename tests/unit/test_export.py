"""Exports parsed back with real parsers: webvtt-py (VTT, SRT), textgrid (Praat), and JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support.session_factory import Built, make_session, sample_answer
from voicesim.analysis.timeline import timeline
from voicesim.cli.main import main
from voicesim.review.export import export_answer
from voicesim.sessions.store import AnswerRecord, SessionStore


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    store = SessionStore(tmp_path_factory.mktemp("home"))
    return make_session(store, [sample_answer(0), sample_answer(1)])


def _spoken_items(built: Built) -> list[tuple[str, float, float]]:
    """What answer 1 says, in order, from the rendered truth: each word, or each filler
    bracketed, with its (start, end) in seconds (a filler's from the rendered filler)."""
    comp = built.answers[0]
    out, i = [], 0
    while i < len(comp.words):
        w = comp.words[i]
        filler = next((f for f in comp.fillers if abs(f.start - w.start) < 1e-6), None)
        if filler is not None and w.filler:
            n = len(filler.text.split())
            text = "[" + " ".join(x.text for x in comp.words[i : i + n]) + "]"
            out.append((text, filler.start, filler.end))
            i += n
        else:
            out.append((w.text, w.start, w.end))
            i += 1
    return out


def _spoken(built: Built) -> list[str]:
    return [text for text, _, _ in _spoken_items(built)]


def _spoken_times(built: Built) -> list[tuple[float, float]]:
    return [(start, end) for _, start, end in _spoken_items(built)]


def _seconds(clock: str) -> float:
    h, m, s = clock.replace(",", ".").split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_vtt_parses_back_with_fillers_marked(built: Built, tmp_path: Path) -> None:
    import webvtt

    path = tmp_path / "a.vtt"
    path.write_text(export_answer(built.record.answers[0], "vtt"))
    captions = webvtt.read(str(path))
    text = " ".join(c.text for c in captions)
    assert text.split() == " ".join(_spoken(built)).split()
    assert len(re.findall(r"\[[^\]]+\]", text)) == len(built.answers[0].fillers) == 2
    # No caption spans the long pause: captions before and after it are separate.
    start, end = built.answers[0].pauses[0]
    spans = [(_seconds(c.start), _seconds(c.end)) for c in captions]
    assert all(e <= start + 1e-3 or s >= end - 1e-3 for s, e in spans)
    assert all(s < e for s, e in spans)
    assert spans[0][0] == pytest.approx(built.answers[0].words[0].start, abs=1e-3)


def test_srt_parses_back(built: Built, tmp_path: Path) -> None:
    import webvtt

    path = tmp_path / "a.srt"
    path.write_text(export_answer(built.record.answers[0], "srt"))
    captions = webvtt.from_srt(str(path))
    assert " ".join(c.text for c in captions).split() == " ".join(_spoken(built)).split()
    # Each caption runs from its first word's start to its last word's end, as rendered;
    # SRT writes milliseconds.
    times = iter(_spoken_times(built))
    for c in captions:
        spans = [next(times) for _ in re.findall(r"\[[^\]]+\]|[^\s\[\]]+", c.text)]
        assert _seconds(c.start) == pytest.approx(spans[0][0], abs=5e-4 + 1e-9), c.text
        assert _seconds(c.end) == pytest.approx(max(e for _, e in spans), abs=5e-4 + 1e-9), c.text
    assert next(times, None) is None
    start, end = built.answers[0].pauses[0]
    assert all(_seconds(c.end) <= start + 1e-3 or _seconds(c.start) >= end - 1e-3 for c in captions)


def test_textgrid_tiers(built: Built, tmp_path: Path) -> None:
    import textgrid

    path = tmp_path / "a.TextGrid"
    path.write_text(export_answer(built.record.answers[0], "textgrid"))
    grid = textgrid.TextGrid.fromFile(str(path))
    assert [t.name for t in grid.tiers] == ["words", "fillers", "pauses"]
    comp = built.answers[0]
    fillers = [i for i in grid.getFirst("fillers") if i.mark]
    assert [(i.mark, round(i.minTime, 3)) for i in fillers] == [
        (f.text, round(f.start, 3)) for f in comp.fillers
    ]
    pauses = [i for i in grid.getFirst("pauses") if i.mark]
    assert [(i.mark, round(i.minTime, 3), round(i.maxTime, 3)) for i in pauses] == [
        ("long pause", round(s, 3), round(e, 3)) for s, e in comp.pauses
    ]
    words = [i.mark for i in grid.getFirst("words") if i.mark]
    assert words == [w.strip("[]") for w in _spoken(built)]
    assert grid.maxTime == pytest.approx(comp.duration_s, abs=1e-3)


def test_audacity_labels(built: Built) -> None:
    lines = export_answer(built.record.answers[0], "audacity").splitlines()
    rows = [line.split("\t") for line in lines]
    assert all(len(r) == 3 and float(r[0]) <= float(r[1]) for r in rows)
    labels = [r[2] for r in rows]
    assert "[um]" in labels and "[you know]" in labels
    assert sum(1 for x in labels if x.startswith("(long pause")) == 1
    assert len(rows) == len(timeline(built.record.answers[0].analysis))  # type: ignore[arg-type]
    # The times are the rendered truth's, to the microsecond the format writes.
    comp = built.answers[0]
    fillers = [(float(r[0]), float(r[1]), r[2]) for r in rows if r[2].startswith("[")]
    assert len(fillers) == len(comp.fillers) == 2
    for (start, end, label), f in zip(fillers, comp.fillers, strict=True):
        assert label == f"[{f.text}]"
        assert start == pytest.approx(f.start, abs=5e-7 + 1e-9), label
        assert end == pytest.approx(f.end, abs=5e-7 + 1e-9), label
    (pause,) = [r for r in rows if r[2].startswith("(long pause")]
    (truth,) = comp.pauses
    assert float(pause[0]) == pytest.approx(truth[0], abs=5e-7 + 1e-9)
    assert float(pause[1]) == pytest.approx(truth[1], abs=5e-7 + 1e-9)
    said = re.fullmatch(r"\(long pause ([0-9.]+) s\)", pause[2])
    assert said is not None and float(said[1]) == pytest.approx(truth[1] - truth[0], abs=0.05)


def test_json_round_trips(built: Built) -> None:
    answer = built.record.answers[1]
    again = AnswerRecord.from_dict(json.loads(export_answer(answer, "json")))
    assert again.to_dict() == answer.to_dict()


@pytest.mark.parametrize("fmt", ["vtt", "srt", "audacity", "textgrid", "json"])
def test_cli_exports_every_format_for_every_answer(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setenv("VOICESIM_HOME", str(built.record.path.parents[1]))
    out = tmp_path / fmt
    assert main(["export", built.record.id, "--format", fmt, "--out", str(out)]) == 0
    if fmt == "json":
        data = json.loads(out.read_text())
        assert data["id"] == built.record.id and len(data["answers"]) == 2
    else:
        assert len(list(out.iterdir())) == 2
    single = tmp_path / f"one.{fmt}"
    assert (
        main(["export", built.record.id, "--format", fmt, "--answer", "2", "--out", str(single)])
        == 0
    )
    assert single.read_text() == export_answer(built.record.answers[1], fmt)


def test_timeline_one_token_per_filler_even_when_retimed() -> None:
    """Whisper put "Um," at 4.05 s; the analyser re-timed the filler to 3.56–3.93 s acoustically."""
    from voicesim.results import (
        AnalysisResult,
        AudioInfo,
        Delivery,
        Filler,
        Score,
        Transcript,
        Word,
    )

    words = [
        Word("one.", 3.15, 3.67, 0.5),
        Word("Um,", 4.05, 4.05, 0.1, filler=True),
        Word("it", 4.17, 4.27, 0.9),
        Word("you", 7.71, 7.9, 0.9, filler=True),
        Word("know,", 7.9, 8.19, 0.9, filler=True),
        Word("and", 8.2, 8.4, 0.9),
    ]
    fillers = [
        Filler("um", 3.56, 3.93, "filled_pause", "transcript"),
        Filler("you know", 7.71, 8.19, "discourse", "transcript"),
        Filler("(filled pause)", 5.0, 5.5, "filled_pause", "acoustic"),
    ]
    delivery = Delivery(5.25, 3, 34.0, 3.0, 4, 5.0, fillers=fillers)
    analysis = AnalysisResult(
        AudioInfo("", 9.0, 16000), Transcript("x", words), delivery, Score(50.0)
    )
    tokens = timeline(analysis)
    assert [(t.kind, t.label) for t in tokens] == [
        ("word", "one."),
        ("filler", "[Um]"),
        ("word", "it"),
        ("filler", "[filled pause]"),
        ("filler", "[you know]"),
        ("word", "and"),
    ]
    assert [t.start for t in tokens if t.kind == "filler"] == [3.56, 5.0, 7.71]


def test_timeline_filled_pause_never_takes_a_discourse_word() -> None:
    """From a demo session: "uh" re-timed to 1.10 s, "basically" (flagged) at 1.85 s."""
    from voicesim.results import (
        AnalysisResult,
        AudioInfo,
        Delivery,
        Filler,
        Score,
        Transcript,
        Word,
    )

    words = [
        Word("Uh,", 0.292, 0.732, 0.15, filler=True),
        Word("well,", 1.092, 1.512, 0.9),
        Word("I", 1.852, 1.852, 0.9),
        Word("basically", 1.852, 2.112, 0.9, filler=True),
        Word("tell", 2.112, 2.512, 0.9),
    ]
    fillers = [
        Filler("uh", 1.1, 1.29, "filled_pause", "transcript"),
        Filler("basically", 1.852, 2.112, "discourse", "transcript"),
    ]
    delivery = Delivery(2.2, 3, 80.0, 3.0, 4, 2.0, fillers=fillers)
    analysis = AnalysisResult(
        AudioInfo("", 3.0, 16000), Transcript("x", words), delivery, Score(50.0)
    )
    # Tokens follow the analyser's times, so the re-timed "uh" comes after "well,".
    assert [(t.kind, t.text) for t in timeline(analysis)] == [
        ("word", "well,"),
        ("filler", "Uh"),
        ("word", "I"),
        ("filler", "basically"),
        ("word", "tell"),
    ]


def test_textgrid_keeps_every_word_under_a_filled_pause_or_stacked(tmp_path: Path) -> None:
    # An interval tier cannot overlap: each span was clamped to start where the last ended
    # and dropped if nothing was left. The demo's rambling answer lost "I" (0.51-1.13 s)
    # under an acoustic filled pause (0.17-1.21 s); a word Whisper stacks on its
    # neighbour (start = end) was lost too.
    import textgrid

    from voicesim.analysis.timeline import Token
    from voicesim.review.export import to_textgrid

    tokens = [
        Token(
            "(filled pause)", 0.17, 1.21, "filler", filler_kind="filled_pause", source="acoustic"
        ),
        Token("I", 0.51, 1.13, "word"),
        Token("think", 1.3, 1.6, "word"),
        Token("so", 1.6, 1.6, "word"),
        Token("um", 1.7, 1.9, "filler", filler_kind="filled_pause", source="transcript"),
        Token("yes", 2.0, 2.4, "word"),
    ]
    path = tmp_path / "a.TextGrid"
    path.write_text(to_textgrid(tokens, 3.0))
    grid = textgrid.TextGrid.fromFile(str(path))
    words = [(i.mark, i.minTime, i.maxTime) for i in grid.getFirst("words") if i.mark]
    assert [m for m, _, _ in words] == ["I", "think", "so", "um", "yes"]
    assert words[0][1:] == pytest.approx((0.51, 1.13))
    assert words[2][1:] == pytest.approx((1.6, 1.601))  # given a width of its own
    fillers = [(i.mark, i.minTime, i.maxTime) for i in grid.getFirst("fillers") if i.mark]
    assert fillers == [("(filled pause)", 0.17, 1.21), ("um", 1.7, 1.9)]


def _said(text: str, start: float = 0.0, step: float = 0.3) -> list:
    from voicesim.analysis.timeline import Token

    return [
        Token(w, start + i * step, start + i * step + 0.25, "word")
        for i, w in enumerate(text.split())
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a sentence's end ends its caption, as a pause does
        (
            "We shipped it on time. The team was happy.",
            ["We shipped it on time.", "The team was happy."],
        ),
        # a full caption keeps the sentence's last word: no caption of "guess." alone
        (
            "When they do it they do it, I guess. Fine.",
            ["When they do it they do it, I guess.", "Fine."],
        ),
        # …but only that word: a longer run still breaks at eight
        (
            "And they do it and then they do it again and again.",
            ["And they do it and then they do", "it again and again."],
        ),
        # "Yes." alone is no caption of its own at a sentence's end under three tokens
        ("Yes. We did it on time.", ["Yes. We did it on time."]),
    ],
)
def test_captions_follow_sentences(text: str, expected: list[str]) -> None:
    from voicesim.analysis.timeline import cues

    assert [c.text for c in cues(_said(text))] == expected


def _analysis(words: list, fillers: list, pauses: list = ()) -> object:
    from voicesim.results import AnalysisResult, AudioInfo, Delivery, Score, Transcript

    delivery = Delivery(5.0, 3, 40.0, 3.0, 4, 5.0, pauses=list(pauses), fillers=fillers)
    return AnalysisResult(AudioInfo("", 9.0, 16000), Transcript("x", words), delivery, Score(50.0))


def _labels(words: list, fillers: list, pauses: list = ()) -> list[tuple[str, float]]:
    return [(t.label, t.start) for t in timeline(_analysis(words, fillers, pauses))]


def test_a_filler_is_shown_as_written_though_whisper_timed_it_elsewhere() -> None:
    # The analyser re-timed the "um" Whisper put last at 2.6 s to 1.5–1.9 s.
    from voicesim.results import Filler, Word

    words = [Word("We", 0.0, 0.3, 0.9), Word("shipped", 0.3, 0.7, 0.9), Word("it.", 0.7, 1.0, 0.9)]
    um = [Filler("um", 1.5, 1.9, "filled_pause", "transcript")]
    written = [*words, Word("Um,", 2.6, 2.6, 0.2, filler=True)]
    assert _labels(written, um)[-1] == ("[Um]", 1.5)
    # another spelling of a filled pause is that filler's word too
    written = [*words, Word("Umm,", 2.6, 2.6, 0.2, filler=True)]
    assert _labels(written, um) == [("We", 0.0), ("shipped", 0.3), ("it.", 0.7), ("[Umm]", 1.5)]


def test_a_filler_takes_its_own_spelling_before_a_nearer_filled_pause() -> None:
    from voicesim.results import Filler, Word

    words = [
        Word("We", 0.0, 0.3, 0.9),
        Word("uh", 1.4, 1.6, 0.2, filler=True),
        Word("shipped", 1.7, 2.0, 0.9),
        Word("um", 2.6, 2.8, 0.2, filler=True),
    ]
    fillers = [
        Filler("um", 1.5, 1.9, "filled_pause", "transcript"),
        Filler("uh", 2.55, 2.75, "filled_pause", "transcript"),
    ]
    assert _labels(words, fillers) == [
        ("We", 0.0),
        ("[um]", 1.5),
        ("shipped", 1.7),
        ("[uh]", 2.55),
    ]


def test_a_filler_no_word_spells_takes_the_words_inside_its_time() -> None:
    from voicesim.results import Filler, Word

    words = [
        Word("It", 4.0, 4.2, 0.9),
        Word("was,", 4.4, 4.6, 0.9),
        Word("y'know,", 4.96, 5.1, 0.9, filler=True),
        Word("fine.", 6.0, 6.4, 0.9),
    ]
    fillers = [Filler("you know", 5.0, 5.6, "discourse", "transcript")]
    assert _labels(words, fillers) == [
        ("It", 4.0),
        ("was,", 4.4),
        ("[y'know]", 5.0),
        ("fine.", 6.0),
    ]


def test_a_word_flagged_inside_a_filled_pause_heard_is_no_word() -> None:
    # "…shops or my…": the "or" lies in an "uh" found in the signal; its token stands for it.
    from voicesim.results import Filler, Word

    words = [
        Word("shops", 0.0, 0.4, 0.9),
        Word("or", 0.6, 0.8, 0.5, filler=True),
        Word("my", 1.2, 1.4, 0.9),
    ]
    fillers = [Filler("(filled pause)", 0.5, 1.0, "filled_pause", "acoustic")]
    assert _labels(words, fillers) == [("shops", 0.0), ("[filled pause]", 0.5), ("my", 1.2)]


def test_a_pause_of_exactly_the_threshold_is_long() -> None:
    from voicesim.results import Pause, Word

    words = [Word("We", 0.0, 0.5, 0.9), Word("won.", 2.5, 2.75, 0.9), Word("Yes.", 4.625, 5, 0.9)]
    tokens = timeline(_analysis(words, [], [Pause(0.5, 2.5), Pause(2.75, 4.625)]))
    assert [(t.label, t.long) for t in tokens if t.kind == "pause"] == [
        ("(pause 2.0 s)", True),
        ("(pause 1.9 s)", False),
    ]


@pytest.mark.parametrize(
    ("text", "start", "step", "expected"),
    [
        # about 4 s make a caption: the fifth word, ending at 4.25 s, starts the next
        ("one two three four five six", 0.0, 1.0, ["one two three four", "five six"]),
        # three tokens and a sentence's end make a caption
        ("We did it. Then we left.", 0.0, 0.3, ["We did it.", "Then we left."]),
        # a full caption takes the sentence's last word within 1 s more (4.25 s in all)…
        ("one two three four five.", 10.0, 1.0, ["one two three four five."]),
        # …not 1.35 s more (5.35 s in all)
        ("one two three four.", 10.0, 1.7, ["one two three", "four."]),
    ],
)
def test_captions_last_about_4_s(text: str, start: float, step: float, expected: list) -> None:
    from voicesim.analysis.timeline import cues

    assert [c.text for c in cues(_said(text, start, step))] == expected
