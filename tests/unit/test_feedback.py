"""Feedback: scorecard, the one spoken sentence, and the session debrief (pure functions)."""

from __future__ import annotations

from rich.console import Console

from voicesim.cli.practice_view import print_scorecard, print_summary
from voicesim.interview.feedback import AnswerOutcome, scorecard, spoken_feedback, summarize, trend
from voicesim.results import (
    AnalysisResult,
    AudioInfo,
    Criterion,
    Delivery,
    Filler,
    Pause,
    Score,
    Transcript,
    Word,
)


def result(
    *,
    overall: float,
    wpm: float = 140.0,
    fillers_per_100: float = 1.0,
    criteria: list[Criterion] | None = None,
    words: int = 30,
    groups: dict[str, float] | None = None,
) -> AnalysisResult:
    """An analysed answer whose numbers we choose."""
    criteria = criteria or [Criterion("pace", "clarity", overall, 1.0, tip="Keep it up.")]
    text_words = [Word(f"w{i}", i * 0.4, i * 0.4 + 0.3, 0.9) for i in range(words)]
    return AnalysisResult(
        audio=AudioInfo("", 20.0, 16000),
        transcript=Transcript(" ".join(w.text for w in text_words), text_words),
        delivery=Delivery(
            speaking_span_s=12.0,
            words=words,
            wpm=wpm,
            articulation_rate=4.0,
            syllables=45,
            phonation_time_s=10.0,
            pauses=[Pause(2.0, 4.5), Pause(6.0, 6.4)],
            fillers=[Filler("um", 1.0, 1.3, "filled_pause", "acoustic")],
            fillers_per_100_words=fillers_per_100,
            response_latency_s=1.2,
        ),
        score=Score(overall=overall, criteria=criteria, groups=groups or {"clarity": overall}),
    )


def test_spoken_feedback_names_the_change_that_helps_most() -> None:
    criteria = [
        Criterion("pace", "clarity", 90.0, 1.0, tip="Keep this pace."),
        Criterion(
            "fillers",
            "clarity",
            30.0,
            2.0,
            tip="Replace um and uh with a silent pause. Practise the opening.",
        ),
        Criterion("length", "conciseness", 60.0, 1.0, tip="Finish within 90 seconds."),
    ]
    sentence = spoken_feedback(result(overall=50, criteria=criteria))
    # The filler criterion has the largest weight x (100 - score); one sentence only.
    assert sentence == "One thing to change: replace um and uh with a silent pause."


def test_spoken_feedback_for_a_strong_answer_and_for_silence() -> None:
    strong = [Criterion("pace", "clarity", 96.0, 1.0, tip="Slow down a touch.")]
    assert "keep" in spoken_feedback(result(overall=96, criteria=strong)).lower()
    silent = result(overall=0, words=0)
    assert spoken_feedback(silent) == "I did not hear an answer to that one."


def test_scorecard_carries_the_measures_and_three_improvements() -> None:
    criteria = [Criterion(f"c{i}", "clarity", 10.0 * i, 1.0, tip=f"tip {i}") for i in range(5)]
    card = scorecard(result(overall=40, criteria=criteria))
    assert card.words == 30 and card.wpm == 140.0
    assert card.fillers == 1 and card.long_pauses == 1  # 2.5 s pause is long, 0.4 s is not
    assert card.response_latency_s == 1.2
    assert [i.criterion for i in card.improvements] == ["c0", "c1", "c2"]


def test_scorecard_tips_print_as_written_and_wrap_under_their_text() -> None:
    # A user's rubric may write brackets; Rich must not read them as markup. A long tip
    # wraps under its own text, not back to column 0.
    tip = "Say [pause] in your head where the um comes, then go on. " * 2
    criteria = [Criterion("fillers", "clarity", 20.0, 2.0, tip=tip, label="Filler words")]
    console = Console(width=60, record=True, color_system=None)
    print_scorecard(console, scorecard(result(overall=40, criteria=criteria)), "")
    lines = console.export_text().splitlines()
    first = next(i for i, line in enumerate(lines) if "▲" in line)
    assert lines[first].startswith("  ▲ Filler words (20): Say [pause] in"), lines
    rest = lines[first + 1 :]
    assert rest and all(line.startswith("    ") and line[4] != " " for line in rest), lines
    assert "".join(lines).count("[pause]") == 2


def test_scorecard_says_what_makes_the_recording_doubtful_after_the_answer() -> None:
    # Practice printed the numbers of a too-quiet answer with no word about the level;
    # "no speech detected" is said in the scorecard's own words, not twice.
    quiet = "recording is very quiet (speech mostly under -40 dBFS): move closer to the mic"
    answered, silent = result(overall=60), result(overall=0, words=0)
    answered.delivery.warnings = [quiet]
    silent.delivery.warnings = ["no speech detected", quiet]
    for r in (answered, silent):
        card = scorecard(r)
        assert card.warnings == [quiet]
        console = Console(width=200, record=True, color_system=None)
        print_scorecard(console, card, "")
        lines = console.export_text().splitlines()
        assert lines.count(f"warning: {quiet}") == 1, lines
        assert not any("no speech detected" in line for line in lines)
    assert scorecard(result(overall=60)).warnings == []


def test_trend_directions() -> None:
    assert trend("pace", [120, 130, 150], steady=8, unit="wpm").direction == "rising"
    assert trend("pace", [150, 151, 149], steady=8, unit="wpm").direction == "steady"
    assert trend("fillers", [6, 4, 1], steady=1, unit="x").direction == "falling"
    assert trend("pace", [140], steady=8, unit="wpm").direction == "n/a"


def test_trend_text_says_the_range_and_calls_a_wide_one_uneven() -> None:
    # The demo's debrief said "pace steady (within 8 wpm); fillers steady (within 1 per 100
    # words)" over answers at 165, 132 and 165 wpm with 0, 29.2 and 0 fillers per 100 words:
    # no heading from first to last, but far from alike.
    pace = trend("pace", [165, 132, 165], steady=8, unit="wpm")
    assert pace.direction == "steady"
    assert pace.text == "pace uneven (132–165 wpm), about the same at the end as at the start"
    fillers = trend("fillers", [0.0, 29.2, 0.0], steady=1, unit="per 100 words", decimals=1)
    assert fillers.text.startswith("fillers uneven (0.0–29.2 per 100 words)")
    assert trend("pace", [150, 151, 149], steady=8, unit="wpm").text == "pace steady (149–151 wpm)"
    rising = trend("pace", [120, 130, 150], steady=8, unit="wpm")
    assert rising.text == "pace rising by 30.0 wpm from first to last answers (120–150 wpm)"


def test_summary_lists_weak_and_skipped_answers_to_rehearse() -> None:
    outcomes = [
        AnswerOutcome(0, "q1", "Tell us about yourself.", "answered", result(overall=82, wpm=120)),
        AnswerOutcome(1, "q2", "Your weakness?", "answered", result(overall=48, wpm=150)),
        AnswerOutcome(2, "q3", "Salary?", "skipped"),
        AnswerOutcome(3, "q4", "Why us?", "answered", result(overall=70, wpm=170)),
    ]
    summary = summarize(outcomes)
    assert [a.question_id for a in summary.rehearse] == ["q3", "q2"]
    assert summary.mean_score == (82 + 48 + 70) / 3
    assert summary.pace.direction == "rising"  # 120 -> 170 wpm
    assert summary.answered == 3


def test_debrief_prints_a_bracketed_question_as_written() -> None:
    # A question of the user's own pack, and a transcript, may hold brackets ("[BLANK_AUDIO]"
    # is Whisper's own); Rich must not read them as markup and drop them.
    question = "Your plan [first 90 days]?"
    answered = result(overall=40)
    answered.transcript = Transcript("[BLANK_AUDIO] we [hired] two", answered.transcript.words)
    outcomes = [AnswerOutcome(0, "q1", question, "answered", answered)]
    console = Console(width=120, record=True, color_system=None)
    print_scorecard(console, scorecard(answered), "")
    print_summary(console, summarize(outcomes), "s1", "completed")
    text = console.export_text()
    assert "[BLANK_AUDIO] we [hired] two" in text
    assert text.count("[first 90 days]") == 2, text  # the table and "Rehearse again"


def test_a_long_question_to_rehearse_wraps_under_its_own_text() -> None:
    # At 80 columns the demo's "(score 52, weakest: Filler words)" went back to column 0.
    question = "What professional skills and personal qualities do you have as a leader?"
    outcomes = [AnswerOutcome(0, "q1", question, "answered", result(overall=40))]
    console = Console(width=60, record=True, color_system=None)
    print_summary(console, summarize(outcomes), "s1", "completed")
    lines = console.export_text().splitlines()
    first = lines.index("Rehearse again:") + 1
    assert lines[first].startswith("  1. What professional skills"), lines
    rest = lines[first + 1 : -1]  # up to the Replay line
    assert rest and all(line.startswith("     ") and line[5] != " " for line in rest), lines
    assert "(score 40, weakest:" in " ".join(lines[first:])


def test_panel_verdicts_average_each_members_groups() -> None:
    outcomes = [
        AnswerOutcome(
            0,
            "q1",
            "A",
            "answered",
            result(overall=60, groups={"clarity": 80.0, "conciseness": 40.0, "content": 60.0}),
        ),
        AnswerOutcome(
            1,
            "q2",
            "B",
            "answered",
            result(overall=60, groups={"clarity": 60.0, "conciseness": 20.0, "content": 90.0}),
        ),
    ]
    panel = {"Maria": ("clarity",), "David": ("conciseness",), "Sam": ("content",)}
    verdicts = summarize(outcomes, panel=panel).verdicts
    assert verdicts == {"Maria": 70.0, "David": 30.0, "Sam": 75.0}


def test_spoken_feedback_drops_a_label_prefix() -> None:
    criteria = [Criterion("expects", "content", 0.0, 1.0, tip="Missing: name one strength.")]
    assert spoken_feedback(result(overall=10, criteria=criteria)) == (
        "One thing to change: name one strength."
    )


def test_scorecard_words_time_and_pace_add_up_as_shown() -> None:
    """The demo said "40 words in 14 s of speaking … 169 wpm" (40 / 14 × 60 = 171): the
    span was 14.19 s, rounded for show. Shown to a tenth, the line adds up."""
    answer = result(overall=60, wpm=169.1, words=40)
    answer.delivery.speaking_span_s = 14.19
    console = Console(width=200, record=True, color_system=None)
    print_scorecard(console, scorecard(answer), "")
    line = next(x for x in console.export_text().splitlines() if "s of speaking" in x)
    assert "40 words in 14.2 s of speaking" in line and "169 wpm" in line
    assert round(40 / 14.2 * 60) == 169


def test_the_debrief_says_statuses_in_words() -> None:
    """ "1. Tell me about your last project. (no_speech)" showed the stored status."""
    outcomes = [
        AnswerOutcome(0, "q1", "Tell me about your last project.", "no_speech"),
        AnswerOutcome(1, "q2", "Why us?", "cut_off"),
    ]
    console = Console(width=120, record=True, color_system=None)
    print_summary(console, summarize(outcomes), "s1", "completed")
    text = console.export_text()
    assert "no_speech" not in text and "cut_off" not in text
    assert "(no answer heard)" in text and "(cut off)" in text


def test_a_panel_question_shows_its_speaker_once() -> None:
    """Spoken "Maria here. Tell me…" (the voice needs the name) printed "Maria: Maria here."."""
    from voicesim.cli.practice_view import RichReporter
    from voicesim.interview.modes import get_mode
    from voicesim.listen.listener import ListenSettings
    from voicesim.packs import load_packs
    from voicesim.scoring.rubric import load_rubric

    question = load_packs(known_checks=load_rubric().check_names()).questions()[0]
    mode = get_mode("panel", count=1)
    ask = mode.ask(question, 0, ListenSettings())
    assert ask.text.startswith(f"{ask.interviewer.name} here. ")
    console = Console(width=200, record=True, color_system=None)
    RichReporter(console).asking(1, 1, ask)
    shown = console.export_text().splitlines()[-1]
    assert shown == f"{ask.interviewer.name}: {question.text}", shown


def test_a_stress_question_shows_where_it_is_cut_off() -> None:
    """The listening line said "up to 180 s" above an answer the interviewer cut at 12 s."""
    from voicesim.cli.practice_view import RichReporter
    from voicesim.interview.modes import get_mode
    from voicesim.listen.listener import ListenSettings
    from voicesim.packs import load_packs
    from voicesim.scoring.rubric import load_rubric

    packs = load_packs(known_checks=load_rubric().check_names())
    question = next(q for q in packs.questions() if q.target_s and q.target_s[1] < 100)
    ask = get_mode("stress", count=1).ask(question, 0, ListenSettings())
    assert ask.interrupt_after_s is not None
    console = Console(width=200, record=True, color_system=None)
    RichReporter(console).listening(ask)
    assert f"(up to {ask.interrupt_after_s:.0f} s;" in console.export_text()
    assert ask.interrupt_after_s < ask.listen.endpoint.max_answer
