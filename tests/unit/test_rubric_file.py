"""The rubric TOML: the built-in file, partial user rubrics, exact errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.support.answer_builder import build
from voicesim.errors import PackError
from voicesim.packs import load_pack
from voicesim.scoring.rubric import builtin_rubric_path, load_rubric
from voicesim.scoring.score import score_answer

RUBRIC = load_rubric()  # loaded once, as a caller of the pure stages does

CLARITY = {
    "pace", "fillers", "fluency", "hesitation", "articulation", "audibility", "pitch_variation",
}  # fmt: skip
CONCISENESS = {"length", "repetition", "circling", "hedges", "rambling", "to_the_point"}
CONTENT = {
    "expectations", "donts", "structure", "specificity", "elaboration", "relevance",
    "quantified", "we_i_balance",
}  # fmt: skip
OFF_BY_DEFAULT = {"rambling", "relevance"}  # ranked the wrong way; see their comments


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rubric.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_builtin_rubric_has_every_criterion_with_weight_and_tips() -> None:
    rubric = load_rubric()
    assert rubric.source == "built-in"
    groups = {g: {c.id for c in rubric.criteria.values() if c.group == g} for g in
              ("clarity", "conciseness", "content")}  # fmt: skip
    assert groups == {"clarity": CLARITY, "conciseness": CONCISENESS, "content": CONTENT}
    for spec in rubric.criteria.values():
        assert (spec.weight == 0) == (spec.id in OFF_BY_DEFAULT), spec.id
        assert spec.label
        assert any(k.startswith("tip") for k in spec.params), spec.id
    assert rubric.spec("pace").pair("band") == (130.0, 160.0)
    assert rubric.spec("pace").pair("problem") == (110.0, 190.0)
    assert rubric.spec("fillers").pair("band") == (2.0, 5.0)
    assert rubric.spec("length").pair("behavioural") == (60.0, 120.0)
    assert rubric.spec("pitch_variation").num("monotone_semitones") == 2.0


def test_builtin_rubric_copied_verbatim_loads_the_same(tmp_path: Path) -> None:
    copy = write(tmp_path, builtin_rubric_path().read_text(encoding="utf-8"))
    assert load_rubric(copy).criteria == load_rubric().criteria


def test_partial_user_rubric_changes_only_what_it_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [clarity.fillers]
        weight = 3
        [checks.blames_others]
        phrases = ["the intern did it"]
        """,
    )
    rubric = load_rubric(path)
    assert rubric.spec("fillers").weight == 3.0
    assert rubric.spec("pace").weight == load_rubric().spec("pace").weight
    assert rubric.checks["blames_others"].phrases == ("the intern did it",)
    assert rubric.checks["blames_others"].penalty == load_rubric().checks["blames_others"].penalty


def test_user_rubric_changes_the_score(tmp_path: Path) -> None:
    answer = build("{um} We {um} grew {um} sales {um} by {um} ten {um} percent this year.")
    default = score_answer(*answer, rubric=RUBRIC)
    heavy = score_answer(
        *answer, rubric=load_rubric(write(tmp_path, "[clarity.fillers]\nweight = 10\n"))
    )
    assert heavy.overall < default.overall


def test_new_check_in_user_rubric_is_usable_by_a_pack(tmp_path: Path) -> None:
    rubric = load_rubric(
        write(
            tmp_path,
            """
            [checks.mentions_budget]
            kind = "expect"
            label = "the budget"
            phrases = ["budget"]
            tip = "say what it cost"
            """,
        )
    )
    pack = tmp_path / "p.toml"
    pack.write_text(
        '[pack]\nid = "p"\ntitle = "P"\n[[questions]]\nid = "p1"\ntext = "Cost?"\n'
        'category = "x"\nkind = "factual"\ntarget_s = [10, 30]\ntip = "t"\n'
        'expects = ["mentions_budget"]\n',
        encoding="utf-8",
    )
    question = load_pack(pack, rubric.check_names()).questions[0]
    score = score_answer(*build("We stayed within the budget."), question=question, rubric=rubric)
    assert [c.score for c in score.criteria if c.id == "expectations"] == [100.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[clarity.pace]\nspeed = 3\n", "'clarity.pace': unknown key 'speed'"),
        (
            '[clarity.pace]\nweight = "high"\n',
            "'clarity.pace.weight' must be a number, got a string",
        ),
        ("[clarity.pacing]\nweight = 1\n", "'clarity': unknown key 'pacing'"),
        ("[colour]\nx = 1\n", "unknown key 'colour'"),
        ("[clarity.pace\n", "not valid TOML"),
        ("[clarity.pace]\ncurve = [[100, 50], [50, 100]]\n", "the x values must increase"),
        ("[clarity.pace]\nweight = -1\n", "weight must be a number ≥ 0"),
        ("[clarity.pace]\nband = [120]\n", "'clarity.pace.band' must be a list of 2 numbers"),
        ("[conciseness.hedges]\nphrases = [1, 2]\n", "must be a list of non-empty strings"),
        (
            '[checks.x]\nkind = "maybe"\nlabel = "x"\ntip = "t"\nphrases = ["a"]\n',
            "kind must be one of",
        ),
        ('[checks.x]\nkind = "dont"\nlabel = "x"\nphrases = ["a"]\n', "'checks.x': missing 'tip'"),
        (
            '[checks.x]\nkind = "dont"\nlabel = "x"\ntip = "t"\nwords = ["a"]\n',
            "unknown key 'words'",
        ),
    ],
)
def test_bad_rubric_gives_an_exact_error(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(PackError) as caught:
        load_rubric(path)
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_missing_rubric_file(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="rubric file not found"):
        load_rubric(tmp_path / "nope.toml")


def test_a_user_band_is_the_band_the_pace_tip_names(tmp_path: Path) -> None:
    # A rubric with band = [120, 150] at 155 wpm: the evidence said "comfortable 120–150"
    # and the tip "aim for 130–160" (the built-in band, written into the tip's text).
    text = " ".join(f"word{i}" for i in range(40))
    rubric = load_rubric(write(tmp_path, "[clarity.pace]\nband = [120.0, 150.0]\n"))
    pace = next(
        c for c in score_answer(*build(text, wpm=155), rubric=rubric).criteria if c.id == "pace"
    )
    assert "comfortable 120–150" in pace.evidence[0].text
    assert "aim for 120–150" in pace.tip
    builtin = next(
        c for c in score_answer(*build(text, wpm=175), rubric=RUBRIC).criteria if c.id == "pace"
    )
    assert "aim for 130–160" in builtin.tip


def test_the_pitch_tip_states_the_rubrics_monotone_threshold(tmp_path: Path) -> None:
    # The tip's "(monotone under 2)" was written into its text: with a threshold of 2.5, a
    # 2.2-semitone voice was "monotone" in the evidence and "under 2" in the tip.
    rubric = load_rubric(write(tmp_path, "[clarity.pitch_variation]\nmonotone_semitones = 2.5\n"))
    text = " ".join(f"word{i}" for i in range(40))
    pitch = next(
        c
        for c in score_answer(*build(text, pitch_sd=2.2), rubric=rubric).criteria
        if c.id == "pitch_variation"
    )
    assert "(monotone; monotone under 2.5)" in pitch.evidence[0].text
    assert "(monotone under 2.5)" in pitch.tip, pitch.tip
