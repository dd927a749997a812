"""``voicesim analyze`` end to end: summary, JSON contract, several files, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import soundfile as sf
from rich.console import Console

from tests.support.model_copy import TINY_HEADS, model_copy
from voicesim.cli.commands.analyze import _print_score, print_summary
from voicesim.results import Criterion, Score, Word
from voicesim.testing.matching import content_wer
from voicesim.testing.signals import silence
from voicesim.testing.speech import Composition, Fill, Gap, Say, compose

VOICESIM = [sys.executable, "-m", "voicesim"]


def _run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VOICESIM_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [*VOICESIM, *args], capture_output=True, text=True, env=env, timeout=240, check=False
    )


@pytest.fixture(scope="module")
def answer(tmp_path_factory: pytest.TempPathFactory) -> tuple[Composition, Path]:
    """The rendered answer and its truth: its words, its one "um" and its one 2.5 s pause."""
    comp = compose(
        [Gap(0.5), Say("I led the migration of our billing system"), Fill("um"),
         Say("and it took three months"), Gap(2.5), Say("we finished on time"), Gap(0.5)]
    )  # fmt: skip
    return comp, comp.write_wav(tmp_path_factory.mktemp("cli") / "answer.wav")


@pytest.fixture(scope="module")
def answer_wav(answer: tuple[Composition, Path]) -> Path:
    return answer[1]


@pytest.fixture(scope="module")
def silence_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "silence.wav"
    sf.write(str(path), silence(3.0), 16000)
    return path


@pytest.mark.slow
def test_json_follows_the_contract(answer: tuple[Composition, Path], voicesim_home: Path) -> None:
    comp, answer_wav = answer
    proc = _run("analyze", str(answer_wav), "--json", home=voicesim_home)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) >= {"audio", "transcript", "delivery", "score"}
    assert data["audio"]["path"] == str(answer_wav) and data["audio"]["sample_rate"] == 16000
    words = data["transcript"]["words"]
    assert words and set(words[0]) >= {"text", "start", "end", "probability", "filler"}
    d = data["delivery"]
    for key in ("speaking_span_s", "words", "wpm", "articulation_rate", "pauses", "fillers",
                "fillers_per_100_words", "fillers_per_minute"):  # fmt: skip
        assert key in d
    # What is known because we built it: the words, the one "um", the one 2.5 s pause.
    heard = [Word.from_dict(w) for w in words]
    assert content_wer(comp.content_text, heard) < 0.2, (comp.content_text, data["transcript"])
    (um,) = comp.fillers
    assert len(d["fillers"]) == 1, d["fillers"]
    filler = d["fillers"][0]
    assert filler["kind"] == "filled_pause"
    assert filler["source"] in ("transcript", "acoustic")
    assert abs(filler["start"] - um.start) <= 0.3 and abs(filler["end"] - um.end) <= 0.3, (
        filler,
        um,
    )
    (pause,) = comp.pauses
    long = [p for p in d["pauses"] if p["end"] - p["start"] >= 2.0]
    assert len(long) == 1, d["pauses"]
    assert abs(long[0]["start"] - pause[0]) <= 0.3 and abs(long[0]["end"] - pause[1]) <= 0.3, (
        long,
        pause,
    )
    assert 0 <= data["score"]["overall"] <= 100
    for c in data["score"]["criteria"]:
        assert c["group"] in ("clarity", "conciseness", "content") and "tip" in c


@pytest.mark.slow
def test_summary_marks_pauses_and_says_no_speech(
    answer_wav: Path, silence_wav: Path, voicesim_home: Path
) -> None:
    proc = _run("analyze", str(answer_wav), str(silence_wav), home=voicesim_home)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "⏸2.5s" in out  # the long pause, marked in the transcript
    assert "wpm" in out and "130–160" in out
    assert "three changes that would raise it most" in out
    assert "no speech detected" in out
    assert proc.stderr == ""  # no progress bar when stderr is not a terminal


@pytest.mark.slow
def test_another_model_is_said_to_give_rougher_filler_counts(
    answer_wav: Path, voicesim_home: Path, tmp_path: Path
) -> None:
    """The figures are tiny.en's: another Whisper model (here tiny.en's weights under
    multilingual tiny's alignment heads, which is how voicesim tells the models apart) gets
    one line saying so; the answer is analysed all the same. A copy of tiny.en gets none."""
    other = model_copy(tmp_path / "other", heads=TINY_HEADS)
    proc = _run("analyze", str(answer_wav), "--json", "--model", str(other), home=voicesim_home)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("voicesim: note: "), proc.stderr
    assert "tiny.en" in lines[0]
    assert json.loads(proc.stdout)["transcript"]["words"]
    same = model_copy(tmp_path / "same")
    proc = _run("analyze", str(answer_wav), "--json", "--model", str(same), home=voicesim_home)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr


def test_a_long_tip_wraps_under_its_own_text() -> None:
    tip = "when you feel one coming, close your mouth and pause silently instead. " * 2
    score = Score(
        71.0,
        [
            Criterion("fillers", "clarity", 48.0, 2.0, tip=tip, label="Filler words"),
            Criterion("specificity", "content", 20.0, 1.0, tip="Name the tool.", label="Specific"),
        ],
    )
    console = Console(width=60, record=True, color_system=None)
    _print_score(SimpleNamespace(score=score), console)  # type: ignore[arg-type]
    lines = console.export_text().splitlines()
    tips = lines[lines.index("three changes that would raise it most:") + 1 :]
    assert tips[0].startswith("  1. Filler words (48): when you feel"), tips
    assert len(tips) > 3 and tips[-1].startswith("  2. Specific (20): Name the tool."), tips
    for line in tips[1:-1]:  # the first tip's continuation lines, under its text
        assert line.startswith("     ") and line[5] != " ", tips


def test_a_bracketed_file_name_heads_its_summary_as_written() -> None:
    # The file name is the user's text: Rich must not read "[take 2]" as markup and drop it.
    result = SimpleNamespace(
        audio=SimpleNamespace(path=Path("mock [take 2].wav"), duration_s=3.0),
        no_speech=True,
        delivery=SimpleNamespace(warnings=["no speech detected"], recording_warnings=[]),
    )
    console = Console(width=80, record=True, color_system=None)
    print_summary(result, console, None)  # type: ignore[arg-type]
    head = console.export_text().splitlines()[0]
    assert "mock [take 2].wav  (3.0 s)" in head, head


@pytest.mark.slow
def test_several_files_give_a_json_list(
    answer_wav: Path, silence_wav: Path, voicesim_home: Path
) -> None:
    proc = _run("analyze", str(answer_wav), str(silence_wav), "--json", home=voicesim_home)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert isinstance(data, list) and len(data) == 2
    assert data[1]["transcript"]["words"] == []


def _one_line_exit_2(proc: subprocess.CompletedProcess[str], needle: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, voicesim_home: Path, answer_wav: Path, jfk_path: Path
) -> None:
    empty = tmp_path / "empty.wav"
    empty.touch()
    noise = tmp_path / "random.wav"
    noise.write_bytes(np.random.default_rng(0).bytes(4000))
    # FFmpeg takes these bytes for a subtitle file: a container with no audio stream in it.
    # (os.urandom gave this about once in 300 runs, and the test failed on its wording.)
    subtitles = tmp_path / "lyrics.wav"
    subtitles.write_bytes(np.random.default_rng(289).bytes(4000))
    truncated = tmp_path / "cut.flac"
    truncated.write_bytes(jfk_path.read_bytes()[:30000])
    short = tmp_path / "short.wav"
    sf.write(str(short), silence(0.1), 16000)
    cases = [
        ([str(tmp_path / "missing.wav")], "no such file"),
        ([str(tmp_path)], "directory"),
        ([str(empty)], "empty"),
        ([str(noise)], "not a readable audio file"),
        ([str(subtitles)], "not a readable audio file (no audio stream"),
        ([str(truncated), "--json"], "before the file is cut off"),
        ([str(short)], "too short"),
        ([str(answer_wav), "--bogus"], "voicesim analyze: error: unknown option --bogus"),
        ([str(answer_wav), "--jsn"], "unknown option --jsn (did you mean --json?)"),
        ([str(answer_wav), "--model", str(tmp_path / "no-model")], "model path"),
        ([str(answer_wav), "--long-pause", "0"], "--long-pause"),
        ([str(answer_wav), "--long-pause", "nan"], "--long-pause"),  # was NaN in the JSON
        ([str(answer_wav), "--question", "no-such-question-id"], "unknown question id"),
    ]
    for args, needle in cases:
        _one_line_exit_2(_run("analyze", *args, home=voicesim_home), needle)


def test_help_imports_neither_whisper_nor_librosa() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from voicesim.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: main(['--help'])\n"
        "    except SystemExit: pass\n"
        "    try: main(['analyze', '--help'])\n"
        "    except SystemExit: pass\n"
        "heavy = ('faster_whisper', 'librosa', 'ctranslate2', 'numpy')\n"
        "bad = [m for m in heavy if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""


@pytest.mark.slow
def test_one_bad_file_among_several_still_analyses_the_good_ones(
    answer_wav: Path, silence_wav: Path, voicesim_home: Path
) -> None:
    # A missing file whose name holds a good one's ("answer.wav" in "answer.wav.old"): the
    # good one was dropped with it (the bad ones were matched by text in their errors).
    missing = Path(f"{answer_wav}.old")
    proc = _run(
        "analyze", str(answer_wav), str(missing), str(silence_wav), "--json", home=voicesim_home
    )
    assert proc.returncode == 2, proc.stderr
    data = json.loads(proc.stdout)
    assert [Path(d["audio"]["path"]).name for d in data] == ["answer.wav", "silence.wav"]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "answer.wav.old" in lines[0] and "no such file" in lines[0]


@pytest.mark.slow
def test_a_cut_off_recording_is_analysed_up_to_the_cut_and_says_so(
    jfk_path: Path, voicesim_home: Path, tmp_path: Path
) -> None:
    """jfk.flac cut at 60 % of its bytes, mid-frame: the words before the cut, a warning
    with where it is cut off, exit 0 (it was refused whole: "cannot decode audio")."""
    cut = tmp_path / "cut.flac"
    data = jfk_path.read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.6)])
    proc = _run("analyze", str(cut), "--json", home=voicesim_home)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    seconds = result["audio"]["duration_s"]
    assert 5.0 < seconds < 8.0  # 60 % of 11 s
    text = result["transcript"]["text"].lower()
    assert "fellow americans" in text and "for you" not in text  # the end (10 s) is gone
    assert f"recording is cut off at {seconds:.1f} s" in " ".join(result["delivery"]["warnings"])


@pytest.mark.slow
def test_a_recording_whose_channels_cancel_is_heard_and_says_so(
    jfk_path: Path, voicesim_home: Path, tmp_path: Path
) -> None:
    """jfk.flac with its second channel the first with the sign reversed: mixed to mono as
    recorded it is silence ("no speech detected", "move closer to the mic", and plain
    faster-whisper hears nothing either). Every word now, and a warning that says why."""
    stereo = tmp_path / "inverted.wav"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(jfk_path), "-af",
         "pan=stereo|c0=c0|c1=-1*c0", str(stereo)],
        check=True,
    )  # fmt: skip
    proc = _run("analyze", str(stereo), "--json", home=voicesim_home)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    words = [w["text"].strip(",.?").lower() for w in result["transcript"]["words"]]
    assert " ".join(words) == (
        "and so my fellow americans ask not what your country can do for you "
        "ask what you can do for your country"
    )
    warnings = " ".join(result["delivery"]["warnings"])
    assert "two channels cancel out" in warnings and "quiet" not in warnings


@pytest.mark.slow
def test_a_second_audio_stream_is_named_and_the_advice_printed_as_written(
    jfk_path: Path, voicesim_home: Path, tmp_path: Path
) -> None:
    """jfk.flac, then a tone as a second stream: the speech is analysed, and the summary's
    warning prints ffmpeg's "-map 0:a:1" as written (Rich read ":a:" as an emoji code)."""
    two = tmp_path / "two.mka"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(jfk_path), "-f", "lavfi", "-i",
         "sine=frequency=440:duration=11", "-map", "0:a", "-map", "1:a", str(two)],
        check=True,
    )  # fmt: skip
    proc = _run("analyze", str(two), home=voicesim_home)
    assert proc.returncode == 0, proc.stderr
    out = " ".join(proc.stdout.split())  # the summary wraps at 80 columns
    assert "my fellow Americans" in out
    assert "file has 2 audio streams: analysed the first" in out
    assert "(ffmpeg -i FILE -map 0:a:1 second.wav)" in out


def test_a_word_taken_for_a_filled_pause_is_shown_once() -> None:
    # "…small shops, uh, my parents…" written "shops or my": the "or" is flagged as the
    # acoustic filled pause it lies in. The summary showed both "{or}" and "{(um)}" for
    # the one filler counted; replay and the exports showed one.
    from voicesim.analysis.timeline import timeline
    from voicesim.cli.commands.analyze import marked_transcript
    from voicesim.results import AnalysisResult, AudioInfo, Delivery, Filler, Transcript, Word

    words = [Word("shops", 4.4, 4.86, 0.9), Word("or", 4.86, 5.38, 0.4, filler=True)]
    words.append(Word("my", 5.4, 5.6, 0.9))
    uh = Filler("(filled pause)", 4.89, 5.2, "filled_pause", "acoustic")
    delivery = Delivery(1.2, 2, 100.0, 4.0, 3, 1.2, fillers=[uh])
    transcript = Transcript("shops or my", words)
    result = AnalysisResult(AudioInfo("", 6.0, 16000), transcript, delivery, Score(50.0))
    assert marked_transcript(result) == "shops [bold yellow]{(um)}[/bold yellow] my"
    assert [t.text for t in timeline(result)] == ["shops", "(filled pause)", "my"]


@pytest.mark.parametrize(("span", "question", "verdict"), [
    (10.0, False, "watch"), (90.0, False, "good"), (400.0, False, "watch"),
    (10.0, True, "problem"), (50.0, True, "good"),
])  # fmt: skip
def test_answer_length_is_a_problem_only_against_a_questions_target(
    span: float, question: bool, verdict: str
) -> None:
    """With no --question the rubric takes off at most a few points for length (jfk's 10 s:
    75), but the table called it a red "problem"."""
    from voicesim.cli.commands.analyze import measures_table
    from voicesim.results import AnalysisResult, AudioInfo, Delivery, Transcript
    from voicesim.scoring.rubric import load_rubric

    delivery = Delivery(span, 20, 120.0, 4.0, 30, span)
    result = AnalysisResult(AudioInfo("", span, 16000), Transcript("", []), delivery, Score(50.0))
    asked = SimpleNamespace(id="q1", target_s=(45.0, 90.0)) if question else None
    console = Console(width=160, record=True, color_system=None)
    console.print(measures_table(result, load_rubric(), asked))
    row = next(line for line in console.export_text().splitlines() if "answer length" in line)
    assert row.rstrip().endswith(verdict), row
    assert ("target of q1" if question else "no --question given") in row
