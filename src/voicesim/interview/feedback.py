"""Feedback after each answer and at the end of a session. Pure functions, no devices.

- :func:`scorecard`: what the terminal shows after an answer.
- :func:`spoken_feedback`: the one sentence said aloud, the single change that would help most.
- :func:`summarize`: the debrief right after the interview (the guide: "Debrief the meeting as
  soon as it is over. Mark for yourself the areas in which your answers did not sound
  convincing enough"): scores per answer, pace and filler trends, answers worth rehearsing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

from voicesim.interview.tips import speakable, spoken_tip
from voicesim.scoring.score import top_improvements
from voicesim.sessions.rehearse import REHEARSE_BELOW
from voicesim.sessions.trend import Direction, change, direction
from voicesim.text import counted

if TYPE_CHECKING:
    from voicesim.results import AnalysisResult, Criterion
    from voicesim.sessions.record import AnswerRecord, SessionRecord

PACE_STEADY_WPM = 8.0
"""A change in pace smaller than this (words per minute) counts as steady."""

FILLER_STEADY = 1.0
"""A change in filler rate smaller than this (fillers per 100 words) counts as steady."""

Status = Literal[
    "answered", "skipped", "no_speech", "interrupted", "cut_off", "device_lost", "stopped"
]
"""How a question ended. "stopped": the candidate said "stop" when it was asked (stored as
skipped, and said as "stopped here": it was recorded as "skipped" until 2026-12-06)."""
STATUSES: tuple[Status, ...] = get_args(Status)
UNFINISHED: tuple[Status, ...] = ("skipped", "no_speech", "interrupted", "cut_off", "device_lost")
"""An answer with no score and one of these is worth rehearsing, as ``practice --rehearse``
takes it (``sessions.rehearse``: skipped or never analysed). Not a question the candidate
stopped the interview at: nothing was tried there."""


@dataclass(frozen=True)
class Improvement:
    """One change that would raise the score: the criterion, its score 0–100, the tip."""

    criterion: str
    label: str
    group: str
    score: float
    tip: str


@dataclass(frozen=True)
class Scorecard:
    """What the terminal shows after one answer. Times in seconds, pace in words per minute."""

    overall: float
    groups: dict[str, float]
    words: int
    duration_s: float
    """Seconds recorded, with the thinking time before and the silence after the answer."""
    speaking_s: float
    """Seconds from the first word to the last, pauses included: what pace and length count."""
    wpm: float
    fillers: int
    fillers_per_100_words: float
    long_pauses: int
    response_latency_s: float | None
    improvements: list[Improvement]
    transcript: str
    no_speech: bool
    warnings: list[str] = field(default_factory=list)
    """What makes the recording's numbers doubtful ("recording is very quiet …: move closer
    to the mic"), said after the answer it was heard in."""


@dataclass
class AnswerOutcome:
    """What happened to one question in a session: its status and, if answered, the analysis."""

    index: int
    question_id: str
    question_text: str
    status: Status
    result: AnalysisResult | None = None
    follow_up: bool = False
    interviewer: str = ""


@dataclass(frozen=True)
class AnswerLine:
    """One row of the session summary. Score 0–100, pace in wpm, fillers per 100 words."""

    index: int
    question_id: str
    question_text: str
    status: Status
    overall: float | None
    wpm: float | None
    fillers_per_100_words: float | None
    response_latency_s: float | None
    weakest: str = ""


@dataclass(frozen=True)
class Trend:
    """How a measure moved over the session's answers, in order."""

    measure: str
    values: list[float]
    direction: Direction
    change: float
    text: str


@dataclass
class SessionSummary:
    """The debrief: every answer, the trends, and what to rehearse again."""

    answers: list[AnswerLine]
    pace: Trend
    fillers: Trend
    rehearse: list[AnswerLine]
    mean_score: float | None
    verdicts: dict[str, float] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        return sum(1 for a in self.answers if a.overall is not None)


def _improvement(c: Criterion) -> Improvement:
    label = c.label or c.id.replace("_", " ")
    return Improvement(c.id, label, c.group, c.score, speakable(c.tip))


def _top(result: AnalysisResult, n: int) -> list[Criterion]:

    return list(top_improvements(result.score, n))


def scorecard(result: AnalysisResult, *, n_improvements: int = 3) -> Scorecard:
    """Summarise one analysed answer for printing."""
    d = result.delivery
    return Scorecard(
        overall=result.score.overall,
        groups=dict(result.score.groups),
        words=d.words,
        duration_s=result.audio.duration_s,
        speaking_s=d.speaking_span_s,
        wpm=d.wpm,
        fillers=len(d.fillers),
        fillers_per_100_words=d.fillers_per_100_words,
        long_pauses=len(d.long_pauses),
        response_latency_s=d.response_latency_s,
        improvements=[_improvement(c) for c in _top(result, n_improvements)],
        transcript=result.transcript.text.strip(),
        no_speech=result.no_speech,
        warnings=result.delivery.recording_warnings,
    )


def spoken_feedback(
    result: AnalysisResult, question: Any = None, checks: dict[str, Any] | None = None
) -> str:
    """The one sentence said after an answer: the single change that would help most.

    See :mod:`voicesim.tips` (off-topic first, then the largest expected gain).
    """
    return spoken_tip(result, question, checks)


def _line(o: AnswerOutcome) -> AnswerLine:
    r = o.result
    if r is None or r.no_speech:
        return AnswerLine(o.index, o.question_id, o.question_text, o.status, None, None, None, None)
    top = _top(r, 1)
    return AnswerLine(
        index=o.index,
        question_id=o.question_id,
        question_text=o.question_text,
        status=o.status,
        overall=r.score.overall,
        wpm=r.delivery.wpm,
        fillers_per_100_words=r.delivery.fillers_per_100_words,
        response_latency_s=r.delivery.response_latency_s,
        weakest=(top[0].label or top[0].id) if top else "",
    )


def trend(
    measure: str, values: list[float], *, steady: float, unit: str, decimals: int = 0
) -> Trend:
    """Direction of ``values`` over the session (sessions.trend: last third against first third),
    said with the range the answers spanned (``decimals`` places).

    The heading compares the first and last answers only, so a session whose middle answer
    ran far off both ends (165, 132, 165 wpm) has no heading; its text says "uneven" with
    the range, not "steady", which would tell the user the answers were alike.
    """
    if len(values) < 2:
        return Trend(measure, values, "n/a", 0.0, f"{measure}: too few answers for a trend")
    delta = change(values)
    heading = direction(values, steady=steady)
    low, high = min(values), max(values)
    span = f"{low:.{decimals}f}–{high:.{decimals}f} {unit}"
    if heading != "steady":
        text = f"{measure} {heading} by {abs(delta):.1f} {unit} from first to last answers ({span})"
    elif high - low < steady:
        text = f"{measure} steady ({span})"
    else:
        text = f"{measure} uneven ({span}), about the same at the end as at the start"
    return Trend(measure, values, heading, delta, text)


def summarize(
    outcomes: list[AnswerOutcome],
    *,
    panel: dict[str, tuple[str, ...]] | None = None,
    rehearse_below: float = REHEARSE_BELOW,
) -> SessionSummary:
    """The session debrief from every question's outcome, in the order asked.

    ``panel`` maps an interviewer's name to the criteria groups they judge; each gets a
    verdict, the mean of their groups' scores (0–100) over the answered questions.
    """
    lines = [_line(o) for o in outcomes]
    scored = [a for a in lines if a.overall is not None]
    pace = trend("pace", [a.wpm or 0.0 for a in scored], steady=PACE_STEADY_WPM, unit="wpm")
    fillers = trend(
        "fillers",
        [a.fillers_per_100_words or 0.0 for a in scored],
        steady=FILLER_STEADY,
        unit="per 100 words",
        decimals=1,
    )
    rehearse = [
        a
        for a in lines
        if (a.overall is not None and a.overall < rehearse_below)
        or (a.overall is None and a.status in UNFINISHED)
    ]
    rehearse.sort(key=lambda a: a.overall if a.overall is not None else -1.0)
    mean = sum(a.overall or 0.0 for a in scored) / len(scored) if scored else None
    return SessionSummary(lines, pace, fillers, rehearse, mean, _verdicts(outcomes, panel))


def _verdicts(
    outcomes: list[AnswerOutcome], panel: dict[str, tuple[str, ...]] | None
) -> dict[str, float]:
    if not panel:
        return {}
    verdicts: dict[str, float] = {}
    for name, groups in panel.items():
        scores = [
            o.result.score.groups[g]
            for o in outcomes
            if o.result is not None and not o.result.no_speech
            for g in groups
            if g in o.result.score.groups
        ]
        if scores:
            verdicts[name] = sum(scores) / len(scores)
    return verdicts


def spoken_summary(summary: SessionSummary) -> str:
    """A short spoken debrief: how many answered, the mean score, what to rehearse."""
    if summary.mean_score is None:
        return "No answers were recorded in this session."
    parts = [
        f"You answered {summary.answered} of {counted(len(summary.answers), 'question')}, "
        f"with an average score of {summary.mean_score:.0f}."
    ]
    if summary.rehearse:
        n = len(summary.rehearse)
        parts.append(f"{n} answer{'s are' if n > 1 else ' is'} worth rehearsing again.")
    return " ".join(parts)


def stored_debrief(summary: SessionSummary) -> dict[str, Any]:
    """The debrief as ``session.json`` keeps it: written when the session ends and again by
    ``voicesim rescore``, so that it never contradicts the answers' scores."""
    return {
        "mean_score": summary.mean_score,
        "pace_trend": summary.pace.text,
        "filler_trend": summary.fillers.text,
        "rehearse": [a.index for a in summary.rehearse],
        "verdicts": summary.verdicts,
    }


_STATUS_WORDS = {
    "stopped": "stopped here",
    "no_speech": "no answer heard",
    "cut_off": "cut off",
    "device_lost": "audio device lost",
}


def status_words(status: str) -> str:
    """A status as the debrief and ``sessions show`` say it ("(no_speech)" was shown as
    stored); the report's script says the same."""
    return _STATUS_WORDS.get(status, status)


_NO_WORDS = {
    "stopped": (
        "was not answered (the interview was stopped there)",
        "Not answered: the interview was stopped here.",
    ),
    "no_speech": ("had no speech", "No speech was heard."),
    "skipped": ("was skipped", "Skipped."),
    "cut": (
        "was cut off before it was analysed (run `voicesim rescore` first)",
        "Not analysed: the answer was cut off (voicesim rescore analyses what was recorded).",
    ),
}


def no_words(answer: AnswerRecord) -> tuple[str, str]:
    """Why a stored answer has no words to show: what ``export`` says after "answer N", and
    the sentence the report shows. An answer cut off by Ctrl+C or a lost device is kept
    unanalysed ("cut"); an analysed one without words had no speech. One table for both:
    the report's script kept its own copy in other words."""
    if not answer.skipped:
        return _NO_WORDS["cut" if answer.analysis is None else "no_speech"]
    status = answer_status(answer)
    return _NO_WORDS[status if status in ("stopped", "no_speech") else "skipped"]


def answer_status(answer: AnswerRecord) -> Status:
    """How a stored answer ended, as the debrief said it: stored since 2026-12-05; for an
    older session, read from what was kept (a rescued answer was interrupted)."""
    said = answer.extra.get("status")
    if answer.skipped and answer.extra.get("command") == "stop":
        return "stopped"  # stored as "skipped" until 2026-12-06
    if said in STATUSES:
        return cast("Status", said)
    if answer.skipped:
        return "no_speech" if answer.ended_by == "no_speech" else "skipped"
    if answer.analysis is None:
        return "device_lost" if answer.ended_by == "device_lost" else "interrupted"
    return "answered"


def outcomes_of(record: SessionRecord) -> list[AnswerOutcome]:
    """Every stored answer as the session's outcome, for a debrief made again later (the
    report, ``rescore``)."""
    return [
        AnswerOutcome(
            a.index,
            str(a.question.get("id", "")),
            str(a.question.get("text", "")),
            answer_status(a),
            a.analysis,
            interviewer=a.interviewer or "",
        )
        for a in record.answers
    ]


def record_debrief(
    record: SessionRecord, panel: dict[str, tuple[str, ...]] | None
) -> dict[str, Any]:
    """:func:`stored_debrief` of a stored session (``panel``: its interviewers' groups)."""
    return stored_debrief(summarize(outcomes_of(record), panel=panel))
