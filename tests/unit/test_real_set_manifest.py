"""The real-speech benchmark reads any folder in the fixtures' format (``measure_analyze.py
--real DIR``): a team's held-out set, or a user's own annotated recordings. A manifest it
cannot use is one line naming the clip and the field, exit 2, before any model loads. And the
articulation rate it gives a reference from word times.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.support.paths import REPO
from voicesim.testing.corpora.jfk import shared_fixtures

SCRIPTS = REPO / "scripts"
FIXTURE = shared_fixtures(REPO) / "real"


@pytest.fixture(scope="module")
def real_set() -> Iterator[ModuleType]:
    """scripts/real_set.py, imported by path (scripts/ is no package) and registered while
    the tests run (its dataclasses look their module up)."""
    name = "_bench_real_set"
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / "real_set.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[name]


def _folder(tmp_path: Path, manifest: Any, audio: tuple[str, ...] = ()) -> Path:
    """A real-set folder: these fixture clips copied in, and the manifest (a list of clips, the
    file's text as it is, or None for no manifest.json)."""
    for name in audio:
        shutil.copy(FIXTURE / "ami" / name, tmp_path / name)
    if manifest is not None:
        text = manifest if isinstance(manifest, str) else json.dumps(manifest)
        (tmp_path / "manifest.json").write_text(text)
    return tmp_path


def test_a_folder_of_one_speakers_recordings_is_read_without_speakers(
    real_set: ModuleType, tmp_path: Path
) -> None:
    # One answer, one speaker: no "speaker" anywhere. Every filler is said alone, and the
    # whole run of words is one stretch for the pace figure.
    words = [
        {"text": t, "start": 0.5 + 0.4 * i, "end": 0.8 + 0.4 * i}
        for i, t in enumerate(["so", "I", "led", "the", "team", "um", "through", "it"])
    ]
    um = {"text": "um", "start": 2.1, "end": 2.4}
    root = _folder(
        tmp_path,
        [{"id": "mine", "file": "EN2005a_0-30.flac", "words": words, "filler_times": [um]}],
        ("EN2005a_0-30.flac",),
    )
    (clip,) = real_set.load_clips(root)
    assert clip.id == "mine" and clip.path == root / "EN2005a_0-30.flac"
    assert clip.fillers == [(2.1, 2.4)] and clip.alone == [True]
    ((start, end), n), *more = real_set.stretches(clip)
    assert not more and (start, end) == pytest.approx((0.5, 3.6))
    assert n == 7  # "um" is no word of the pace


def test_the_fixture_set_reads_as_before(real_set: ModuleType) -> None:
    clips = real_set.load_clips(FIXTURE)
    assert len(clips) == 11 and sum(len(c.fillers) for c in clips) == 19
    # Filled pauses said over another speaker's words are not alone (EN2001a's 22.33 s "uh").
    en2001a = next(c for c in clips if c.id == "ami_EN2001a_0-30")
    assert [round(a, 2) for a, _ in en2001a.fillers] == [12.15, 22.33, 25.08, 27.02]
    assert en2001a.alone == [True, False, False, True]


@pytest.mark.parametrize(
    ("manifest", "audio", "message"),
    [
        (None, (), "no manifest.json in"),
        ("[{", (), "cannot be read as JSON"),
        ("[]", (), "must be a non-empty list of clips"),
        (
            [{"id": "x", "file": "x.flac", "words": [], "filler_times": []}],
            (),
            "clip 'x': no audio file",
        ),
        (
            [{"id": "x", "file": "EN2005a_0-30.flac", "words": [{"text": "a", "start": 1}],
              "filler_times": []}],
            ("EN2005a_0-30.flac",),
            "clip 'x': missing or bad field 'end'",
        ),
        (
            [{"id": "x", "file": "EN2005a_0-30.flac", "words": [],
              "filler_times": [{"start": 2.0, "end": 1.0}]}],
            ("EN2005a_0-30.flac",),
            "clip 'x': missing or bad field 'start' 2.0 after 'end' 1.0",
        ),
    ],
)  # fmt: skip
def test_a_manifest_it_cannot_use_is_one_line_and_exit_2(
    tmp_path: Path, manifest: Any, audio: tuple[str, ...], message: str
) -> None:
    root = _folder(tmp_path, manifest, audio)
    script = str(SCRIPTS / "measure_analyze.py")
    done = subprocess.run(
        [sys.executable, script, "--real-only", "--real", str(root)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert lines[0].startswith("measure_analyze.py: error: ") and done.stdout == ""


def test_articulation_from_word_times_leaves_out_gaps_of_a_quarter_second(
    real_set: ModuleType,
) -> None:
    # The reference's (and plain faster-whisper's) rate: "so" 1 + "um" 1 + "management" 3
    # + "seven" 2 syllables over 0.0-2.0 s less the 0.5-s gap (the 0.2-s ones stay).
    from voicesim.results import Word

    words = [Word("so", 0.0, 0.3, 1.0), Word("um", 0.5, 0.8, 1.0),
             Word("management", 1.3, 1.5, 1.0), Word("seven", 1.7, 2.0, 1.0)]  # fmt: skip
    assert real_set.articulation(words) == (7, pytest.approx(1.5))
    assert real_set.articulation([]) == (0, 0.0)


def test_a_pause_inside_a_turn_has_one_speaker_on_both_sides_and_no_one_in_it(
    real_set: ModuleType,
) -> None:
    def word(speaker: str, start: float, end: float) -> dict[str, Any]:
        return {"text": "w", "speaker": speaker, "start": start, "end": end}

    words = [
        word("A", 0.0, 1.0), word("A", 1.8, 2.2),  # A pauses 0.8 s: a pause in A's turn
        word("B", 2.0, 3.5),                       # B talks over A's next gap...
        word("A", 2.6, 3.0), word("A", 3.7, 4.0),  # ...so 3.0-3.7 is not one (B until 3.5)
        word("A", 4.2, 4.5),                       # 0.2 s: too short
        word("B", 5.5, 6.0),                       # 4.5-5.5: between two speakers
    ]  # fmt: skip
    clip = real_set.Clip("x", Path("x.flac"), words, [], [])
    assert real_set.turn_gaps(clip) == [(1.0, 1.8)]


SHORT_GRID = """File type = "ooTextFile"
Object class = "TextGrid"

0
3.0
<exists>
1
"IntervalTier"
"words"
0
3.0
6
0
0.5
""
0.5
0.9
"uh"
0.9
0.91
"uh"
0.91
1.4
"so"
1.4
1.9
"<VOCNOISE>"
1.9
3.0
"thanks"
"""

LONG_GRID = """File type = "ooTextFile"
Object class = "TextGrid"

xmin = 0
xmax = 2.0
tiers? <exists>
size = 2
item []:
    item [1]:
        class = "IntervalTier"
        name = "word"
        xmin = 0
        xmax = 2.0
        intervals: size = 3
        intervals [1]:
            xmin = 0
            xmax = 0.6
            text = "sil"
        intervals [2]:
            xmin = 0.6
            xmax = 1.1
            text = "um"
        intervals [3]:
            xmin = 1.1
            xmax = 2.0
            text = "right"
    item [2]:
        class = "IntervalTier"
        name = "phone"
        xmin = 0
        xmax = 2.0
        intervals: size = 1
        intervals [1]:
            xmin = 0
            xmax = 2.0
            text = "AH0"
"""


def test_the_monologue_set_reads_both_textgrid_formats() -> None:
    """scripts/mfa_set.py turns an aligner's TextGrid into a manifest entry: the words tier
    in Praat's short or long format; silences, noises and an aligner's 10-ms "uh" are not
    words or fillers; and no speaker, so the recording is one person's."""
    spec = importlib.util.spec_from_file_location("_mfa_set", SCRIPTS / "mfa_set.py")
    assert spec is not None and spec.loader is not None
    mfa = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mfa)
    short = mfa.clip("cold_corpus", SHORT_GRID)
    assert [w["text"] for w in short["words"]] == ["so", "thanks"]
    assert short["filler_times"] == [{"text": "uh", "start": 0.5, "end": 0.9}]
    assert not any("speaker" in w for w in short["words"])
    long = mfa.clip("acoustic_corpus", LONG_GRID)
    assert long["words"] == [{"text": "right", "start": 1.1, "end": 2.0}]
    assert long["filler_times"] == [{"text": "um", "start": 0.6, "end": 1.1}]
    assert long["file"] == "audio/acoustic_corpus.flac"
