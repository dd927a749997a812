"""The rubric scorer on answers built directly as Transcript + Delivery (known content)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.support.answer_builder import build, with_fillers
from voicesim.packs import Question, find_question
from voicesim.results import Criterion, Delivery, Filler, Score, Transcript, Word
from voicesim.scoring import clarity
from voicesim.scoring.rubric import load_rubric
from voicesim.scoring.score import score_answer, top_improvements
from voicesim.scoring.tokens import Token, tokens_of
from voicesim.testing.truth import delivery_from_truth

CHECKS = load_rubric().check_names()  # what a question may name, from the rubric

RUBRIC = load_rubric()  # loaded once, as a caller of the pure stages does

QUESTION = Question(
    id="t-achievement",
    text="What is your biggest achievement?",
    category="achievements",
    kind="behavioural",
    target_s=(30.0, 90.0),
    tip="Numbers and team language.",
    expects=("numbers", "team_language", "car_structure", "lesson"),
    donts=("blames_others", "hackneyed_self_praise"),
)

GOOD = (
    "When I joined the sales unit in 2019, we were losing clients every month. "
    "I decided to set up weekly reviews with my team, and we introduced a new onboarding "
    "checklist for every account. As a result, we cut churn from nine percent to six percent "
    "in two quarters and grew revenue by 15%. I learned that small routines done together "
    "beat big plans, and since then I start every new team with the same review."
)
RAMBLING = (
    "Well, so, basically, I think maybe my biggest achievement was sort of at my old job, "
    "where I was kind of doing a lot of things and I was really working on a lot of stuff and "
    "basically I was a workaholic and I think that it was kind of good and I was sort of "
    "working and working on things and things like that and it was hard and I was doing a lot "
    "of things there and I think it was good."
)
BLAME = GOOD.replace(
    "As a result,", "It wasn't really my fault that it took so long, I warned them. As a result,"
)


def crit(score: Score, cid: str) -> Criterion:
    found = [c for c in score.criteria if c.id == cid]
    assert found, f"no criterion {cid} in {[c.id for c in score.criteria]}"
    return found[0]


def content(score: Score) -> dict[str, float]:
    return {c.id: c.score for c in score.criteria if c.group == "content"}


def test_every_criterion_has_evidence_and_a_tip() -> None:
    for text in (GOOD, RAMBLING, BLAME):
        score = score_answer(*build(text), question=QUESTION, rubric=RUBRIC)
        assert {"clarity", "conciseness", "content"} == set(score.groups)
        for c in score.criteria:
            assert c.evidence and c.tip.strip() and 0 <= c.score <= 100 and c.weight > 0, c.id


def test_structured_answer_beats_rambling_answer_by_20_points() -> None:
    good = score_answer(*build(GOOD), question=QUESTION, rubric=RUBRIC)
    bad = score_answer(*build(with_fillers(RAMBLING, 8)), question=QUESTION, rubric=RUBRIC)
    assert good.overall - bad.overall >= 20, (good.overall, bad.overall)
    assert crit(good, "quantified").score == 100 and crit(bad, "quantified").score == 0
    assert crit(good, "structure").score > crit(bad, "structure").score


def test_without_question_the_question_checks_are_left_out() -> None:
    score = score_answer(*build(GOOD), rubric=RUBRIC)
    assert set(score.groups) == {"clarity", "conciseness", "content"}
    # The don'ts of any answer stay (the rubric's donts.general), not the question's own
    assert {c.id for c in score.criteria if c.group == "content"} == {
        "specificity", "elaboration", "we_i_balance", "donts",
    }  # fmt: skip
    donts = crit(score, "donts")
    assert donts.score == 100 and donts.tip == (
        "You avoided the don'ts of any answer: blames others; speaks badly of an employer; "
        "hackneyed self-praise."
    )
    assert score.question_id is None


def test_deterministic() -> None:
    one = score_answer(*build(RAMBLING), question=QUESTION, rubric=RUBRIC).to_dict()
    two = score_answer(*build(RAMBLING), question=QUESTION, rubric=RUBRIC).to_dict()
    assert one == two


def test_empty_transcript_scores_zero_with_a_reason() -> None:
    transcript, delivery = build("")
    score = score_answer(transcript, delivery, question=QUESTION, rubric=RUBRIC)
    assert score.overall == 0.0
    assert "no speech" in score.criteria[0].evidence[0].text


def test_missing_pitch_and_loudness_leave_those_criteria_out() -> None:
    score = score_answer(*build(GOOD, pitch_sd=None, level_dbfs=None), rubric=RUBRIC)
    ids = {c.id for c in score.criteria}
    assert "pitch_variation" not in ids and "audibility" not in ids and "pace" in ids


def test_ten_more_fillers_lower_the_filler_criterion_only_there() -> None:
    base = score_answer(*build(GOOD), question=QUESTION, rubric=RUBRIC)
    more = score_answer(*build(with_fillers(GOOD, 10)), question=QUESTION, rubric=RUBRIC)
    assert crit(more, "fillers").score < crit(base, "fillers").score - 20
    assert len([e for e in crit(more, "fillers").evidence if e.start is not None]) == 8
    for cid, value in content(base).items():
        assert abs(content(more)[cid] - value) <= 2, cid


def test_fast_pace_lowers_pace_and_says_so() -> None:
    normal = score_answer(*build(GOOD, wpm=150), question=QUESTION, rubric=RUBRIC)
    fast = score_answer(*build(GOOD, wpm=230), question=QUESTION, rubric=RUBRIC)
    assert crit(normal, "pace").score == 100
    assert crit(fast, "pace").score < 40
    assert "rushing" in crit(fast, "pace").tip
    assert content(fast) == content(normal)


def test_slow_pace_is_a_problem_too() -> None:
    slow = score_answer(*build(GOOD, wpm=100), rubric=RUBRIC)
    assert crit(slow, "pace").score < 60 and "hesitant" in crit(slow, "pace").tip


def test_blaming_loses_on_that_dont_with_evidence() -> None:
    clean = score_answer(*build(GOOD), question=QUESTION, rubric=RUBRIC)
    blame = score_answer(*build(BLAME), question=QUESTION, rubric=RUBRIC)
    assert crit(clean, "donts").score == 100
    assert crit(blame, "donts").score <= 60
    said = [e.text for e in crit(blame, "donts").evidence]
    assert any("wasn't really my fault" in s for s in said)
    assert any("I warned them" in s for s in said)
    assert all(e.start is not None for e in crit(blame, "donts").evidence[:2])
    assert "my fault" in crit(blame, "donts").tip


def test_hackneyed_self_praise_is_caught() -> None:
    score = score_answer(*build(RAMBLING), question=QUESTION, rubric=RUBRIC)
    assert any("workaholic" in e.text for e in crit(score, "donts").evidence)


def test_numbers_are_counted_but_years_are_not() -> None:
    score = score_answer(*build(GOOD), question=QUESTION, rubric=RUBRIC)
    figures = [e.text for e in crit(score, "quantified").evidence[1:]]
    assert figures == ["“nine percent”", "“six percent”", "“two”", "“15%”"]
    few = score_answer(
        *build("In 2019 we grew revenue a lot with the team."), question=QUESTION, rubric=RUBRIC
    )
    assert crit(few, "quantified").score == 0


def test_structure_quotes_each_part_with_its_time_in_order() -> None:
    c = crit(score_answer(*build(GOOD), question=QUESTION, rubric=RUBRIC), "structure")
    assert c.score == 100
    roles = [e.text.split(":")[0] for e in c.evidence]
    assert roles[0] == "situation" and roles[-1] == "result" and "action" in roles
    assert all(e.start is not None and e.end is not None for e in c.evidence)
    starts = [e.start or 0.0 for e in c.evidence]
    assert starts == sorted(starts)
    no_result = score_answer(
        *build("When I joined we had a problem. I decided to fix it."),
        question=QUESTION,
        rubric=RUBRIC,
    )
    assert crit(no_result, "structure").score <= 70
    assert "no result" in crit(no_result, "structure").evidence[-1].text


def test_we_i_balance() -> None:
    only_i = "I planned it. I hired people. I built it. I sold it and I closed the deal myself."
    score = score_answer(*build(only_i), question=QUESTION, rubric=RUBRIC)
    assert crit(score, "we_i_balance").score <= 40
    good = score_answer(*build(GOOD), question=QUESTION, rubric=RUBRIC)
    assert crit(good, "we_i_balance").score == 100


def test_hedges_and_restarts() -> None:
    text = "I I went to the client and we we agreed. I guess it was sort of good, basically."
    score = score_answer(*build(text), rubric=RUBRIC)
    assert crit(score, "fluency").score < 100
    restarts = [e.text for e in crit(score, "fluency").evidence[1:]]
    assert restarts == ["restart “I I”", "restart “we we”"]
    hedges = [e.text for e in crit(score, "hedges").evidence[1:]]
    assert hedges == ["“I guess”", "“sort of”", "“basically”"]


def test_mid_sentence_pause_costs_more_than_one_between_sentences() -> None:
    between = score_answer(
        *build("We shipped the new app. {pause:3} Then we grew usage."), rubric=RUBRIC
    )
    inside = score_answer(
        *build("We shipped the new {pause:3} app. Then we grew usage."), rubric=RUBRIC
    )
    assert crit(inside, "hesitation").score < crit(between, "hesitation").score < 100
    assert "mid-sentence after “new”" in crit(inside, "hesitation").evidence[1].text


def test_length_against_target_and_mild_without_question() -> None:
    long_text = " ".join([GOOD] * 5)  # about 6.5 minutes at 150 wpm... well past 90 s
    long = score_answer(*build(long_text), question=QUESTION, rubric=RUBRIC)
    assert crit(long, "length").score < 80  # running long costs a little …
    assert crit(long, "repetition").score < 40  # … saying it all again costs a lot
    assert crit(long, "circling").score < 80
    short = "I ran the Berlin office for three years."
    assert crit(score_answer(*build(short), rubric=RUBRIC), "length").score >= 70
    assert crit(score_answer(*build(short), question=QUESTION, rubric=RUBRIC), "length").score < 60


def test_monotone_and_quiet_and_clipped() -> None:
    flat = score_answer(*build(GOOD, pitch_sd=1.0), rubric=RUBRIC)
    assert (
        crit(flat, "pitch_variation").score < 50 and "monotone" in crit(flat, "pitch_variation").tip
    )
    quiet = score_answer(*build(GOOD, level_dbfs=-48.0), rubric=RUBRIC)
    assert crit(quiet, "audibility").score < 50
    clipped = score_answer(*build(GOOD, clipping=0.03), rubric=RUBRIC)
    assert "clipped" in crit(clipped, "audibility").tip


def test_unclear_words_lower_articulation() -> None:
    unclear = score_answer(*build(GOOD, probability=0.3), rubric=RUBRIC)
    assert crit(unclear, "articulation").score == 0
    assert crit(score_answer(*build(GOOD), rubric=RUBRIC), "articulation").score == 100


def test_unclear_words_are_quoted_as_written() -> None:
    """The tip named an unclear "I" as “i”, and a name in lower case."""
    transcript, delivery = build("I moved our CRM to Lisbon. " * 4, probability=0.3)
    tip = crit(score_answer(transcript, delivery, rubric=RUBRIC), "articulation").tip
    assert "“I”, “moved”, “our”" in tip
    evidence = crit(score_answer(transcript, delivery, rubric=RUBRIC), "articulation").evidence
    assert [e.text for e in evidence[1:6]] == [
        "“I” (30%)",
        "“moved” (30%)",
        "“our” (30%)",
        "“CRM” (30%)",
        "“to” (30%)",
    ]


def test_salary_figure_versus_range() -> None:
    q = find_question("mgr-income-level", known_checks=CHECKS)
    figure = score_answer(*build("I want 120 thousand dollars a year."), question=q, rubric=RUBRIC)
    ranged = score_answer(
        *build("Based on a market study, between 100 and 120 thousand, depending on the package."),
        question=find_question("mgr-income-range", known_checks=CHECKS),
        rubric=RUBRIC,
    )
    assert crit(figure, "donts").score < 100
    assert crit(ranged, "donts").score == 100
    assert crit(ranged, "expectations").score == 100


def test_a_spoken_salary_figure_is_one_dont_across_the_gaps_between_its_words() -> None:
    q = find_question("mgr-income-level", known_checks=CHECKS)
    said = score_answer(
        *build("I would want 120 thousand dollars a year."), question=q, rubric=RUBRIC
    )
    assert crit(said, "donts").score == 70  # penalty 30, once


def test_questions_back_on_the_closing_question() -> None:
    q = find_question("close-questions-for-us", known_checks=CHECKS)
    asked = score_answer(
        *build(
            "Yes. What does the company expect from this role? "
            "How will my performance be evaluated?"
        ),
        question=q,
        rubric=RUBRIC,
    )
    none = score_answer(
        *build("No, I think you covered everything, thank you."), question=q, rubric=RUBRIC
    )
    assert crit(asked, "expectations").score == 100
    assert crit(none, "expectations").score == 0


def test_top_improvements_rank_by_weight_times_gap() -> None:
    score = score_answer(*build(with_fillers(RAMBLING, 8)), question=QUESTION, rubric=RUBRIC)
    top = top_improvements(score)
    assert len(top) == 3
    gains = [c.weight * (100 - c.score) for c in top]
    assert gains == sorted(gains, reverse=True)
    rest = [c.weight * (100 - c.score) for c in score.criteria if c not in top]
    assert max(rest) <= min(gains)
    # A criterion at 100 is never named, however heavy; one at weight 0 neither.
    done = Criterion("fillers", "clarity", 100.0, 2.0)
    short = Criterion("length", "conciseness", 90.0, 1.0)
    unweighted = Criterion("pitch", "clarity", 10.0, 0.0)
    perfect = Criterion("pace", "clarity", 100.0, 1.0)
    assert top_improvements(Score(95.0, [done, short, unweighted, perfect])) == [short]


@pytest.mark.parametrize(
    "qid", ["mgr-failures-biggest", "exec-style-describe", "proj-why-people-work"]
)
def test_real_questions_score_without_errors(qid: str) -> None:
    score = score_answer(
        *build(GOOD), question=find_question(qid, known_checks=CHECKS), rubric=RUBRIC
    )
    assert score.question_id == qid and 0 <= score.overall <= 100


def test_wildcard_phrases_match_word_beginnings() -> None:
    q = find_question("exec-weakness-main", known_checks=CHECKS)
    score = score_answer(
        *build("I avoid conflicts of any kind at work."), question=q, rubric=RUBRIC
    )
    said = [e.text for e in crit(score, "donts").evidence]
    assert any("avoid conflicts" in s for s in said), said


def filler_tip(*fillers: tuple[str, str, str], rate: float = 6.0) -> str:
    """The filler criterion's tip for an answer with these (text, kind, source) fillers."""
    from dataclasses import replace

    from voicesim.results import Filler
    from voicesim.scoring.clarity import fillers as filler_criterion

    _, delivery = build(GOOD)
    found = [Filler(t, 1.0 + i, 1.4 + i, k, s) for i, (t, k, s) in enumerate(fillers)]  # type: ignore[arg-type]
    return filler_criterion(
        replace(delivery, fillers=found, fillers_per_100_words=rate), RUBRIC
    ).tip


def test_filler_tip_names_the_habit_heard_most_in_words() -> None:
    # Two filled pauses, one heard only in the signal, and one "like": the habit is the
    # filled pause, named as Whisper spelt the other one, never by its placeholder text.
    tip = filler_tip(
        ("(filled pause)", "filled_pause", "acoustic"),
        ("like", "discourse", "transcript"),
        ("Uh,", "filled_pause", "transcript"),
    )
    assert tip.startswith("3 fillers (6.0 per 100 words), mostly “uh”"), tip
    assert "(filled pause)" not in tip
    only_heard = filler_tip(("(filled pause)", "filled_pause", "acoustic"))
    assert "mostly “um”" in only_heard and "(filled pause)" not in only_heard, only_heard


def test_filler_tip_without_a_majority_says_mostly_nothing() -> None:
    tip = filler_tip(
        ("like", "discourse", "transcript"),
        ("I mean,", "discourse", "transcript"),
        ("um", "filled_pause", "transcript"),
    )
    assert "mostly" not in tip, tip
    assert "of several kinds (“like”, “I mean”, “um”)" in tip, tip


def test_one_filler_is_one_filler() -> None:
    tip = filler_tip(("um", "filled_pause", "transcript"), rate=2.5)
    assert tip.startswith("1 filler (2.5 per 100 words)"), tip


def test_length_is_the_speaking_span_the_scorecard_shows() -> None:
    # An "uhh" before the first word and an "umm" after the last, heard in the signal and
    # written by nobody: the speaking span (9 s) holds them, the words' span (8 s) does not.
    # The table said "9 s … good" and the length tip "8 s is short for a 9–30 s answer".
    from dataclasses import replace

    transcript, delivery = build(" ".join(["word"] * 21), wpm=150)  # words over 8.3 s
    assert transcript.words[-1].end - transcript.words[0].start < 8.5
    question = replace(find_question("mgr-income-level", known_checks=CHECKS), target_s=(9, 30))
    heard = replace(delivery, speaking_span_s=9.2)
    length = crit(score_answer(transcript, heard, question=question, rubric=RUBRIC), "length")
    assert length.score == 100 and length.evidence[0].text.startswith("spoke 9 s")
    short = crit(score_answer(transcript, delivery, question=question, rubric=RUBRIC), "length")
    assert short.score < 100


def test_the_pitch_tip_agrees_with_the_verdict() -> None:
    """jfk.flac's 2.2 semitones: evidence "varied; monotone under 2", table "varied", tip
    "Your pitch varies by only 2.2 semitones (monotone under 2)"."""
    narrow = crit(score_answer(*build(GOOD, pitch_sd=2.2), rubric=RUBRIC), "pitch_variation")
    assert "(varied; monotone under 2)" in narrow.evidence[0].text
    assert narrow.score == 70  # 2 → 65, 3 → 90
    assert narrow.tip.startswith("Your pitch varies by 2.2 semitones, not monotone"), narrow.tip
    assert "only" not in narrow.tip
    flat = crit(score_answer(*build(GOOD, pitch_sd=1.9), rubric=RUBRIC), "pitch_variation")
    assert "(monotone; monotone under 2)" in flat.evidence[0].text
    assert flat.tip.startswith("Your pitch varies by only 1.9 semitones (monotone under 2):")
    lively = crit(score_answer(*build(GOOD, pitch_sd=3.5), rubric=RUBRIC), "pitch_variation")
    assert lively.tip.startswith("Your voice is lively (3.5 semitones"), lively.tip


def test_one_long_pause_and_one_word_are_singular() -> None:
    """ "1 long pauses (≥ 2 s), 1 of them mid-sentence", "Your 1 long pauses come…",
    "only 1 words"."""
    inside = score_answer(*build("We shipped the new {pause:3} app. Then we grew."), rubric=RUBRIC)
    hesitation = crit(inside, "hesitation")
    assert hesitation.evidence[0].text == "1 long pause (≥ 2 s), 1 mid-sentence"
    assert hesitation.tip.startswith("Long pauses mid-sentence (1 of 1, e.g. after “new”):")
    between = score_answer(*build("We shipped the app. {pause:3} Then we grew."), rubric=RUBRIC)
    assert crit(between, "hesitation").evidence[0].text == "1 long pause (≥ 2 s), 0 mid-sentence"
    assert crit(between, "hesitation").tip.startswith("1 long pause between sentences:")
    pace = crit(score_answer(*build("Yes."), rubric=RUBRIC), "pace")
    assert pace.evidence[1].text == "only 1 word: too short to judge the pace"


def pace_at(words: int, wpm: float) -> Criterion:
    """The pace criterion of ``words`` words measured at ``wpm``."""
    transcript, delivery = build(" ".join(["word"] * words))
    return clarity.pace(tokens_of(transcript), replace(delivery, wpm=wpm), RUBRIC)


def test_under_eight_words_the_pace_is_not_judged_and_scores_full_marks() -> None:
    short = pace_at(7, 100.0)
    assert short.score == 100
    assert short.evidence[1].text == "only 7 words: too short to judge the pace"
    judged = pace_at(8, 100.0)  # 110 → 60, 70 → 0: 100 wpm → 45
    assert judged.score == 45
    assert "hesitant" in judged.tip


@pytest.mark.parametrize("wpm", [130.0, 160.0])
def test_the_comfortable_band_holds_its_edges(wpm: float) -> None:
    edge = pace_at(40, wpm)
    assert edge.score == 100
    assert edge.tip.startswith(f"Your pace of {wpm:.0f} wpm is comfortable"), edge.tip


def test_the_fastest_and_slowest_15_second_stretches_are_named() -> None:
    """20 s at 180 wpm, then 20 s at 120 wpm: any 15 s inside the first part holds 45
    words, any inside the second 30 (and so do those that take only the first part's last
    one or two)."""
    fast = [Word(" word", k / 3, k / 3 + 0.3, 0.95) for k in range(60)]
    slow = [Word(" word", 20.0 + m / 2, 20.0 + m / 2 + 0.45, 0.95) for m in range(40)]
    words = fast + slow
    transcript = Transcript(" ".join(["word"] * len(words)), words)
    pace = clarity.pace(tokens_of(transcript), delivery_from_truth(words), RUBRIC)
    fastest, slowest = pace.evidence[1:]
    assert fastest.text == "fastest stretch: 180 wpm"
    assert slowest.text == "slowest stretch: 120 wpm"
    assert fastest.start is not None and fastest.end is not None
    assert slowest.start is not None and slowest.end is not None
    assert fastest.start >= 0.0 and fastest.end <= 20.0
    assert slowest.start >= 19.0 and slowest.end <= 39.95
    assert fastest.end - fastest.start == pytest.approx(15.0)
    assert slowest.end - slowest.start == pytest.approx(15.0)
    assert (pace.evidence[0].start, pace.evidence[0].end) == (0.0, pytest.approx(39.95))


def _tokens_and_delivery(text: str) -> tuple[list[Token], Delivery]:
    transcript, delivery = build(text)
    return tokens_of(transcript), delivery


def test_a_long_pause_costs_5_between_sentences_12_inside_and_3_per_extra_second() -> None:
    between = clarity.hesitation(
        *_tokens_and_delivery("We shipped the new app. {pause:2.5} Then we grew usage."), RUBRIC
    )
    assert between.score == 93.5  # 100 − 5 − 0.5 × 3
    assert between.evidence[1].text == "2.5 s pause between sentences"
    inside = clarity.hesitation(
        *_tokens_and_delivery("We shipped the new {pause:3} app. Then we grew usage."), RUBRIC
    )
    assert inside.score == 85  # 100 − 12 − 1 × 3
    both = clarity.hesitation(
        *_tokens_and_delivery("We shipped the {pause:2} new app. {pause:4} Then we grew."), RUBRIC
    )
    assert both.score == 77  # 100 − 12 − 5 − 2 × 3
    assert both.evidence[0].text == "2 long pauses (≥ 2 s), 1 mid-sentence"


def fillers_at(rate: float, *said: str) -> Criterion:
    """The filler criterion at ``rate`` per 100 words, for these fillers (said in order)."""
    _, delivery = build(" ".join(["word"] * 40))
    kinds = {"um": "filled_pause", "uh": "filled_pause"}
    found = [
        Filler(t, 1.0 + i, 1.4 + i, kinds.get(t, "discourse"), "transcript")  # type: ignore[arg-type]
        for i, t in enumerate(said)
    ]
    return clarity.fillers(replace(delivery, fillers=found, fillers_per_100_words=rate), RUBRIC)


@pytest.mark.parametrize(
    ("rate", "band"),
    [(1.9, "excellent"), (2.0, "fine"), (5.0, "fine"), (5.1, "needs work")],
)
def test_filler_bands_under_2_excellent_2_to_5_fine_over_5_needs_work(
    rate: float, band: str
) -> None:
    summary = fillers_at(rate, "um").evidence[0].text
    assert f"({band};" in summary, summary


def test_fillers_are_rare_only_under_2_per_100_words() -> None:
    assert fillers_at(1.9, "um").tip.startswith("Fillers are rare")
    assert fillers_at(2.0, "um").tip.startswith("1 filler (2.0 per 100 words), mostly")


def test_a_filler_said_exactly_half_the_time_is_not_mostly_said() -> None:
    half = fillers_at(6.0, "um", "like", "um", "like").tip
    assert "mostly" not in half and "of several kinds" in half, half
    more = fillers_at(6.0, "um", "like", "um").tip
    assert "mostly “um”" in more, more


def test_the_mixed_filler_tip_names_at_most_three_kinds() -> None:
    tip = fillers_at(8.0, "um", "um", "like", "you know", "basically", "actually").tip
    assert "of several kinds (“um”, “like”, “you know”)" in tip, tip
    assert "basically" not in tip and "actually" not in tip


def test_filler_evidence_lists_eight_and_counts_the_rest() -> None:
    eight = fillers_at(8.0, *["um"] * 8).evidence
    assert len(eight) == 9 and not any("more" in e.text for e in eight)
    ten = fillers_at(10.0, *["um"] * 10).evidence
    assert len(ten) == 10 and ten[-1].text == "… and 2 more"


def _articulation(probabilities: list[float]) -> Criterion:
    words = [Word(f" word{n}", n * 0.4, n * 0.4 + 0.36, p) for n, p in enumerate(probabilities)]
    transcript = Transcript(" ".join(w.text.strip() for w in words), words)
    return clarity.articulation(tokens_of(transcript), RUBRIC)


def test_a_word_heard_with_50_percent_confidence_is_not_unclear() -> None:
    assert _articulation([0.5] * 20).score == 100


def test_clear_words_score_the_share_under_50_percent_and_name_the_least_sure() -> None:
    one_in_20 = _articulation([0.9] * 19 + [0.3])  # 5 % → 85
    assert one_in_20.score == 85
    assert "“word19”" in one_in_20.tip and "word0" not in one_in_20.tip


def _audibility(level: float, clipping: float) -> Criterion:
    _, delivery = build("We shipped it.", level_dbfs=level, clipping=clipping)
    found = clarity.audibility(delivery, RUBRIC)
    assert found is not None
    return found


def test_audibility_is_the_level_score_minus_the_clipping_loss() -> None:
    assert _audibility(-42.0, 0.01).score == 10  # −42 dBFS → 50, 1 % clipped → −40
    assert _audibility(-24.0, 0.01).score == 60
    assert "clipped" in _audibility(-24.0, 0.01).tip


def test_a_good_level_unclipped_is_told_so_a_quiet_one_is_told_to_come_closer() -> None:
    good = _audibility(-32.0, 0.0)
    assert good.score == 100 and good.tip.startswith("Your level is good (-32 dBFS)"), good.tip
    quiet = _audibility(-42.0, 0.0)
    assert quiet.tip.startswith("Your level is -42 dBFS: sit closer"), quiet.tip


def _pitch(sd: float, voiced: float = 0.5) -> Criterion | None:
    _, delivery = build("We shipped it.", pitch_sd=sd)
    assert delivery.pitch is not None
    return clarity.pitch_variation(
        replace(delivery, pitch=replace(delivery.pitch, voiced_ratio=voiced)), RUBRIC
    )


def test_two_semitones_is_varied_not_monotone() -> None:
    edge = _pitch(2.0)
    assert edge is not None and edge.score == 65
    assert "(varied; monotone under 2)" in edge.evidence[0].text
    assert edge.tip.startswith("Your pitch varies by 2.0 semitones, not monotone"), edge.tip


def test_the_voice_is_narrow_until_the_curve_reaches_90() -> None:
    at_90 = _pitch(3.0)
    assert at_90 is not None and at_90.score == 90
    assert at_90.tip.startswith("Your voice is lively (3.0 semitones"), at_90.tip


def test_pitch_needs_the_minimum_share_of_voiced_frames() -> None:
    assert _pitch(3.0, voiced=0.04) is None
    assert _pitch(3.0, voiced=0.05) is not None


def test_fluency_counts_restarts_per_100_words_and_quotes_the_first() -> None:
    text = "I I went to the client. " + " ".join(f"step{n}" for n in range(44)) + "."  # 50 words
    transcript, _ = build(text)
    fluency = clarity.fluency(tokens_of(transcript), RUBRIC)
    assert fluency.score == 70  # 1 → 85, 3 → 55: 2 per 100 words → 70
    assert fluency.evidence[0].text == "1 restart (2.0 per 100 words)"
    assert fluency.tip.startswith("You restarted sentences (“I I”)"), fluency.tip
