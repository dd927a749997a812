"""The rubric TOML: the built-in file, partial user rubrics, exact errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.support.answer_builder import build
from voicesim.cli.main import main
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
        ("[clarity.pace]\nweight = -1\n", "'clarity.pace.weight' must be a number ≥ 0"),
        ("[clarity.pace]\nband = [120]\n", "'clarity.pace.band' must be a list of 2 numbers"),
        ("[conciseness.hedges]\nphrases = [1, 2]\n", "must be a list of non-empty strings"),
        (
            '[checks.x]\nkind = "maybe"\nlabel = "x"\ntip = "t"\nphrases = ["a"]\n',
            "'checks.x.kind' must be one of",
        ),
        ('[checks.x]\nkind = "dont"\nlabel = "x"\nphrases = ["a"]\n', "'checks.x': missing 'tip'"),
        (
            '[checks.x]\nkind = "dont"\nlabel = "x"\ntip = "t"\nwords = ["a"]\n',
            "unknown key 'words'",
        ),
        # `weight = inf` made the overall NaN ("overall": NaN in --json); `nan` dropped the
        # criterion silently.
        ("[clarity.fillers]\nweight = inf\n", "'clarity.fillers.weight' must be a finite number"),
        ("[clarity.fillers]\nweight = nan\n", "'clarity.fillers.weight' must be a finite number"),
        ("[clarity.fillers]\nweight = 1000\n", "weight' must be a number ≥ 0 and at most 100"),
        # A negative penalty switched the don't off: donts 100 on "It was not my fault".
        (
            "[checks.blames_others]\npenalty = -50\n",
            "'checks.blames_others.penalty' must be a number from 0 to 100, got -50",
        ),
        (
            "[checks.blames_others]\npenalty = inf\n",
            "'checks.blames_others.penalty' must be a number from 0 to 100, got inf",
        ),
        (
            "[clarity.pace]\ncurve = [[0.5, 0], [0.9, 500]]\n",
            "'clarity.pace.curve': each score must be 0–100",
        ),
        ("[clarity.pace]\ncurve = [[0.5, 0], [inf, 50]]\n", "must hold finite numbers"),
        # generic_penalty = -12 rewarded clichés (specificity 56 instead of 0).
        (
            "[content.specificity]\ngeneric_penalty = -12\n",
            "'content.specificity.generic_penalty' must be a number ≥ 0, got -12",
        ),
        (
            "[content.structure]\nresult = 300\n",
            "'content.structure.result' holds points of a 0–100 score: at most 100",
        ),
        # window = 0 was an internal error (ZeroDivisionError).
        (
            "[conciseness.circling]\nwindow = 0\n",
            "'conciseness.circling.window' must be a whole number ≥ 1, got 0",
        ),
        (
            "[clarity.fillers]\nmax_evidence = 2.5\n",
            "'clarity.fillers.max_evidence' must be a whole number ≥ 0, got 2.5",
        ),
        ("[clarity.pace]\nband = [160, 130]\n", "'clarity.pace.band' must be numbers ≥ 0 from low"),
        # `phrases = []` was reported as "missing 'phrases'".
        (
            "[checks.blames_others]\nphrases = []\n",
            "'checks.blames_others.phrases' is empty: a phrase check needs at least one phrase",
        ),
        (
            '[checks.blames_others]\ntip = "' + "t" * 1001 + '"\n',
            "'checks.blames_others.tip' is 1001 characters long; at most 1000",
        ),
        (
            '[clarity.pace]\ntip_ok = "' + "t" * 1001 + '"\n',
            "'clarity.pace.tip_ok' is 1001 characters long; at most 1000",
        ),
        (
            '[content.donts]\ngeneral = ["blames_other"]\n',
            "'content.donts.general' names no don't 'blames_other' (did you mean blames_others?)",
        ),
        (
            '[content.donts]\ngeneral = ["strengths"]\n',  # an expectation, not a don't
            "'content.donts.general' names no don't 'strengths'",
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


def test_a_rubric_with_every_weight_0_is_an_error(tmp_path: Path) -> None:
    # Every answer scored "overall 0/100", as if it were worthless.
    tables = [f"[{s.group}.{s.id}]\nweight = 0\n" for s in RUBRIC.criteria.values()]
    path = write(tmp_path, "\n".join(tables))
    with pytest.raises(PackError) as caught:
        load_rubric(path)
    assert str(caught.value) == f"{path}: every criterion has weight 0: nothing would be scored"
    # One criterion left on is a rubric.
    assert load_rubric(write(tmp_path, "\n".join(tables[1:]))).criteria


def test_a_rubric_starting_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "rubric.toml"
    path.write_bytes(b"\xef\xbb\xbf[clarity.fillers]\nweight = 3\n")
    assert load_rubric(path).spec("fillers").weight == 3.0


def test_a_directory_as_the_rubric_is_named_as_one(tmp_path: Path) -> None:
    with pytest.raises(PackError) as caught:
        load_rubric(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a directory, not a rubric file"


def test_a_non_finite_weight_is_one_line_and_exit_2_in_score_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], voicesim_home: Path
) -> None:
    # `score --json` printed "overall": NaN and "weight": Infinity: not JSON.
    path = write(tmp_path, "[clarity.fillers]\nweight = inf\n")
    answer = tmp_path / "answer.txt"
    answer.write_text("We grew revenue by 20 percent in 2023.", encoding="utf-8")
    assert main(["score", str(answer), "--rubric", str(path), "--json"]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.strip().splitlines() == [
        f"voicesim: error: {path}: 'clarity.fillers.weight' must be a finite number, got inf"
    ]
