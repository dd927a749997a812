"""Interview modes from the guide: standard, panel, stress and rapid.

A mode decides who asks each question and in which voice, what is said around it, how
long the candidate may talk, whether a long answer is cut short, and which follow-up
comes next. The session loop (``practice.py``) asks the mode; a mode touches no device.

- **standard**: one interviewer, the questions in order.
- **panel** (guide: "two or three people can talk to you. Each of them evaluates a certain
  criterion"): two or three interviewers with different voices, introduced by name, each
  owning some criteria groups and asking in turn; each gives a verdict at the end.
- **stress** (guide: "take the applicant out of the comfort zone"): a curt follow-up after
  each answer, and an answer that runs far past its target is cut off.
- **rapid** (guide, projective questions: "answers ... must be given at a fast pace"):
  projective questions only, each with a short time limit, no spoken coaching in between.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from voicesim.errors import UserError
from voicesim.text import counted

if TYPE_CHECKING:
    from voicesim.listen.listener import ListenSettings

MODES = ("standard", "panel", "stress", "rapid")

ALL_GROUPS = ("clarity", "conciseness", "content")

STRESS_OVERRUN = 1.5
"""Stress mode cuts an answer once it runs this many times its target maximum."""

RAPID_END_SILENCE_S = 1.5
RAPID_FIRST_WORD_S = 4.0
RAPID_DEFAULT_LIMIT_S = 30.0


@dataclass(frozen=True)
class Interviewer:
    """Someone on the interviewing side: a name, an espeak-ng voice, the criteria they judge."""

    name: str
    voice: str | None
    groups: tuple[str, ...] = ALL_GROUPS
    role: str = ""


@dataclass(frozen=True)
class Ask:
    """One question as put to the candidate: who says what, and how the turn is listened to.

    ``interrupt_after_s`` (seconds from the start of listening) cuts the answer short in
    stress mode; ``None`` lets it run to ``listen.endpoint.max_answer``.
    """

    question: Any
    text: str
    interviewer: Interviewer
    listen: ListenSettings
    follow_up: bool = False
    interrupt_after_s: float | None = None


def target_range(question: Any) -> tuple[float, float] | None:
    """The question's target answer length (min, max) in seconds, if the pack gives one."""
    value = getattr(question, "target_s", None)
    if isinstance(value, tuple | list) and len(value) == 2:
        return float(value[0]), float(value[1])
    return None


def _follow_ups(question: Any) -> list[str]:
    """Stress follow-ups of the question if it has any, else its ordinary follow-ups."""
    value = getattr(question, "stress_follow_ups", None) or getattr(question, "follow_ups", None)
    return [str(v) for v in value] if value else []


def _is_projective(question: Any) -> bool:
    fields = (getattr(question, "category", ""), getattr(question, "kind", ""))
    return any("projective" in str(f).lower() for f in fields)


class Mode:
    """The standard interview: one interviewer asks every question in order."""

    name = "standard"
    spoken_feedback = True
    probes = True
    """Whether the interviewer asks "What was the result?" after an answer without one."""

    def __init__(self, voice: str | None = None) -> None:
        self.interviewers = [Interviewer("the interviewer", voice or None)]

    def select(self, questions: list[Any]) -> list[Any]:
        """The questions this mode asks, from those selected for the session."""
        return list(questions)

    def greeting(self, count: int) -> list[tuple[Interviewer, str]]:
        """What is said aloud before the first question, by whom (nothing: ask at once)."""
        return []

    def instructions(self, count: int) -> str:
        """What the terminal shows before the first question."""
        return (
            f"{counted(count, 'question')}. Answer after the tone; the answer ends when you stop "
            'talking or say "that\'s my answer". Say "repeat", "skip", "pause" or "stop" at any '
            "time."
        )

    def interviewer_for(self, index: int) -> Interviewer:
        """Who asks question number ``index`` (0-based)."""
        return self.interviewers[index % len(self.interviewers)]

    def listen_settings(self, question: Any, base: ListenSettings) -> ListenSettings:
        """How the answer to ``question`` is listened to."""
        return base

    def ask(self, question: Any, index: int, base: ListenSettings) -> Ask:
        """The question as put to the candidate."""
        return Ask(
            question=question,
            text=str(question.text),
            interviewer=self.interviewer_for(index),
            listen=self.listen_settings(question, base),
        )

    def follow_up(self, asked: Ask, answered: bool) -> Ask | None:
        """A further question after an answer to ``asked``, or None."""
        return None

    def interrupt_line(self) -> str:
        """Said when an answer is cut off."""
        return "Let me stop you there."

    def owner_of(self, group: str) -> Interviewer:
        """The interviewer who judges criteria group ``group``."""
        for person in self.interviewers:
            if group in person.groups:
                return person
        return self.interviewers[0]

    def closing(self) -> str:
        """Said after the last question."""
        return "That is the end of the interview. Thank you."


class PanelMode(Mode):
    """Two or three interviewers with their own voices, each judging some criteria."""

    name = "panel"
    probes = False

    PANEL = (
        Interviewer("Maria", "en-us+f3", ("clarity",), "how clearly you speak"),
        Interviewer("David", "en-gb", ("conciseness",), "how concise you are"),
        Interviewer("Sam", "en-us", ("content",), "what your answers say"),
    )

    def __init__(self, voice: str | None = None, size: int = 3) -> None:
        del voice  # each panel member has a voice of their own
        if size >= 3:
            self.interviewers = list(self.PANEL)
        else:
            first, _, third = self.PANEL
            self.interviewers = [
                replace(
                    first,
                    groups=("clarity", "conciseness"),
                    role="how clearly and concisely you speak",
                ),
                third,
            ]

    def greeting(self, count: int) -> list[tuple[Interviewer, str]]:
        noun = "question" if count == 1 else "questions"
        lines = [
            (
                self.interviewers[0],
                f"Welcome to the panel. We will ask you {count} {noun} in turn; "
                "answer after the tone.",
            )
        ]
        for person in self.interviewers:
            lines.append((person, f"I am {person.name}. I will be listening to {person.role}."))
        return lines

    def ask(self, question: Any, index: int, base: ListenSettings) -> Ask:
        asked = super().ask(question, index, base)
        return replace(asked, text=f"{asked.interviewer.name} here. {asked.text}")

    def closing(self) -> str:
        return "Thank you. The panel will now give its verdict."


class StressMode(Mode):
    """Curt follow-ups, and an answer far past its target is cut off."""

    name = "stress"
    probes = False  # its own curt follow-ups come after every answer

    CURT = ("Be specific.", "That is vague.", "Really?", "Is that all?")

    def __init__(self, voice: str | None = None) -> None:
        super().__init__(voice)
        self._turns = 0

    def instructions(self, count: int) -> str:
        return (
            f"Stress interview, {counted(count, 'question')}: expect curt follow-ups, and an "
            "answer far past its target is cut off. Stay calm and courteous."
        )

    def ask(self, question: Any, index: int, base: ListenSettings) -> Ask:
        asked = super().ask(question, index, base)
        target = target_range(question)
        if target is None:
            return asked
        return replace(asked, interrupt_after_s=target[1] * STRESS_OVERRUN)

    def follow_up(self, asked: Ask, answered: bool) -> Ask | None:
        if asked.follow_up or not answered:
            return None
        options = _follow_ups(asked.question) or ["What exactly did you do yourself?"]
        self._turns += 1
        lead = self.CURT[self._turns % len(self.CURT)]
        text = f"{lead} {options[0]}"
        return replace(asked, text=text, follow_up=True)

    def closing(self) -> str:
        return "That's all. We're done."


class RapidMode(Mode):
    """Projective questions, each answered fast within a short limit."""

    name = "rapid"
    spoken_feedback = False
    probes = False

    def select(self, questions: list[Any]) -> list[Any]:
        projective = [q for q in questions if _is_projective(q)]
        return projective or list(questions)

    def instructions(self, count: int) -> str:
        return (
            f"Quick-fire round of {counted(count, 'question')}: answer each fast, in a "
            "sentence or two; each has a short time limit."
        )

    def listen_settings(self, question: Any, base: ListenSettings) -> ListenSettings:
        target = target_range(question)
        limit = target[1] if target else RAPID_DEFAULT_LIMIT_S
        ends = base.endpoint
        limit = min(limit, ends.max_answer)
        return replace(
            base,
            endpoint=replace(
                ends,
                max_answer=limit,
                end_silence=min(ends.end_silence, RAPID_END_SILENCE_S),
                first_word_wait=min(ends.first_word_wait, RAPID_FIRST_WORD_S),
            ),
            warn_before_end=min(base.warn_before_end, limit / 3),
        )


def get_mode(name: str, *, voice: str | None = None, count: int = 3) -> Mode:
    """The mode called ``name``; ``count`` questions decide the panel's size."""
    if name == "standard":
        return Mode(voice)
    if name == "panel":
        return PanelMode(voice, size=3 if count >= 3 else 2)
    if name == "stress":
        return StressMode(voice)
    if name == "rapid":
        return RapidMode(voice)
    raise UserError(f"unknown mode {name!r}; choose one of {', '.join(MODES)}")
