"""``voicesim demo``: a complete practice session with no microphone.

Answers rendered by the text-to-speech engine stand in for the candidate: when the session
loop opens the microphone after a question, :class:`CandidateMicrophone` delivers a written
answer for that question (some good, some rambling with fillers, chosen by the question's
kind and category) through a :class:`~voicesim.audio.capture.FileMicrophone`. Everything else —
listening, transcription, analysis, storage, feedback — is the real practice loop, so the
demo produces a real stored session. With an output device the answers are played aloud
too; without one the demo runs silently (and faster than real time).
"""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Any

import numpy as np

from voicesim.audio.capture import FileMicrophone, Microphone
from voicesim.interview.session import Reporter

if TYPE_CHECKING:
    from collections.abc import Collection

    from voicesim.audio.speak import Speaker
    from voicesim.interview.modes import Ask, Mode
    from voicesim.interview.session import SessionResult

CANDIDATE_VOICE = "en-us+m3"
"""The candidate's espeak-ng voice, different from the interviewer's."""

CANDIDATE_RATE = 160
"""The candidate's speaking rate, words per minute (inside the comfortable 130–160 band)."""

GOOD, RAMBLING = 0, 1

# Written to be spoken: each key has a good answer (structured, numbers, team language) and
# a rambling one (fillers, hedges, no numbers, blame) so the demo's scores differ visibly.
ANSWERS: dict[str, tuple[str, str]] = {
    "opening": (
        "I am a project manager with eight years in logistics software. "
        "In my current role I lead a team of six, and last year we cut delivery delays "
        "by thirty percent. I am looking for a role where I can lead larger projects, "
        "and your expansion into new markets is exactly that.",
        "Um, well, so, basically I have done a lot of different things, you know. "
        "I worked in, uh, a few companies, and I kind of like working with people. "
        "I think maybe I am a workaholic, sort of, and um, I can solve any issue really.",
    ),
    "weakness": (
        "I used to take on too much myself. On a product launch two years ago I "
        "reviewed every ticket, and the team waited on me. Since then I delegate reviews "
        "to two senior engineers, and our release cycle went from three weeks to two.",
        "Uh, my weakness, um, I guess I am too much of a perfectionist, you know. "
        "I just, like, care too much, basically. I think that is, uh, sort of it really.",
    ),
    "salary": (
        "I would like to understand the full scope of the role first. "
        "What range have you planned for this position? I am confident we can find "
        "a figure that reflects the responsibility.",
        "Um, well, I want at least ninety thousand, and uh, honestly my last employer "
        "underpaid me, they were, you know, just terrible with money, basically.",
    ),
    "failure": (
        "We launched a billing feature without enough testing and it failed for "
        "two percent of customers. I owned it: we rolled back within an hour, "
        "added automated checks, and the next three releases had no incidents. "
        "The lesson was to test with real data before launch.",
        "Uh, so, it wasn't really my fault, you know. I warned them, um, the other team "
        "basically ignored me, and, uh, it kind of went wrong, sort of, like, badly.",
    ),
    "situational": (
        "First I would talk to both colleagues separately to hear the facts. "
        "Then we would meet together and agree on one shared goal and who owns which task. "
        "In my last team this approach settled a dispute in a week, and we hit the deadline.",
        "Um, I would, uh, probably just, you know, let them sort it out, basically. "
        "I mean, people are people, and, um, it is kind of hard to say really.",
    ),
    "projective": (
        "Most people stay in a job when they feel their work matters and they are "
        "trusted to decide things themselves.",
        "Um, well, people, you know, they sort of want money, basically, and, uh, "
        "I mean, it depends, kind of.",
    ),
    "closing": (
        "Yes. What would success look like in this role after the first six months, "
        "and how does the team measure it?",
        "Um, no, not really, I think, uh, you covered everything, basically.",
    ),
    "strengths": (
        "My main strength is planning. For example, I led the move of our warehouse system "
        "to the cloud: I split it into six steps, and we finished two weeks early. "
        "My team would also say I listen and give clear feedback.",
        "Um, I am, you know, very hard-working, basically. Uh, and I have an analytical "
        "mindset, um, and determination, and, uh, I can solve any issue, I think, sort of.",
    ),
    "people": (
        "I involve the team in decisions that affect them. Every week we review goals "
        "together, and I ask each person for feedback. When we introduced this, staff "
        "turnover fell from twenty to eight percent in a year, and I learned to listen first.",
        "Uh, well, I basically tell people what to do, you know, and um, they do it, "
        "I guess. I mean, some people are lazy, kind of, so, uh, you have to push them.",
    ),
    "why_hire": (
        "I have run projects like the ones in this role for five years. In my last position "
        "I grew our client base by a quarter. I would contribute the same focus on results "
        "to your team, and I am ready to start on your expansion plans.",
        "Um, because I really need this job, you know, and uh, I am a workaholic, basically. "
        "I don't have that experience, but I can learn, I think, sort of quickly.",
    ),
    "default": (
        "For example, in my last role our team had to reduce support tickets. I led the "
        "analysis of the top ten causes, we involved the support staff, fixed the three "
        "biggest together, and tickets fell by forty percent in two months. "
        "I learned that measuring first saves a lot of effort.",
        "Um, so, basically, you know, I have done things like that, uh, many times. "
        "I think, I mean, it sort of went well, kind of, and um, everyone was happy, "
        "I guess, and, uh, yeah, that is basically it.",
    ),
}

_KEYWORDS = (
    ("salary", "salary"),
    ("income", "salary"),
    ("weak", "weakness"),
    ("mistake", "failure"),
    ("fail", "failure"),
    ("unsuccessful", "failure"),
    ("strength", "strengths"),
    ("personnel", "people"),
    ("management", "people"),
    ("leadership", "people"),
    ("why_hire", "why_hire"),
    ("problem", "situational"),
)


def answer_key(question: Any) -> str:
    """Which written answer fits ``question``: by category keywords, then by kind."""
    text = f"{getattr(question, 'category', '')} {getattr(question, 'id', '')}".lower()
    for word, key in _KEYWORDS:
        if word in text:
            return key
    kind = str(getattr(question, "kind", ""))
    if kind in ("opening", "closing", "projective", "situational"):
        return kind
    return "default"


def candidate_text(question: Any, number: int, said: Collection[str] = ()) -> str:
    """The demo candidate's answer to question ``number`` (0-based): good and rambling alternate.

    An answer already in ``said`` (this session's) is not given again while the general
    example ("default") of the same quality is unsaid: the default pack's three leadership
    questions all fit "people", and the demo answered the first and third word for word alike.
    """
    quality = GOOD if number % 2 == 0 else RAMBLING
    for key in (answer_key(question), "default"):
        text = ANSWERS[key][quality]
        if text not in said:
            return text
    return ANSWERS[answer_key(question)][quality]


class CandidateMicrophone(Microphone):
    """A microphone that "hears" the demo candidate answer whichever question was just asked.

    The session loop calls :meth:`start` after each question's tone; this renders the answer
    to the current question (see :meth:`prepare`) and queues it into a FileMicrophone.
    ``play_aloud`` also plays it through the speaker while it is being "heard".
    """

    def __init__(self, speaker: Speaker, *, play_aloud: bool) -> None:
        self.speaker = speaker
        self.play_aloud = play_aloud
        self.inner = FileMicrophone(speed=1.0 if play_aloud else 0.0)
        self.sample_rate = self.inner.sample_rate
        self.texts: list[str] = []
        self._pending: tuple[np.ndarray, int] | None = None
        self._asked = 0

    def prepare(self, question: Any) -> None:
        """Render the answer the next :meth:`start` delivers."""
        text = candidate_text(question, self._asked, self.texts)
        self._asked += 1
        self.texts.append(text)
        audio = self.speaker.render(text, voice=CANDIDATE_VOICE, rate=CANDIDATE_RATE)
        self._pending = (audio, self.speaker.sample_rate)

    def start(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self.inner.queue(pending[0], pending[1], lead_silence=0.5)
            if self.play_aloud:
                threading.Thread(target=self._play, args=pending, daemon=True).start()
        self.inner.start()

    def _play(self, audio: np.ndarray, sample_rate: int) -> None:
        # Played while FileMicrophone delivers the same audio in real time; 0.5 s lead silence.
        pad = np.zeros(int(0.5 * sample_rate), dtype=np.float32)
        with contextlib.suppress(Exception):  # a failed playback must not end the demo
            self.speaker.play(np.concatenate([pad, audio.astype(np.float32)]), sample_rate)

    @property
    def faster_than_real_time(self) -> bool:
        return self.inner.faster_than_real_time

    def stop(self) -> None:
        self.inner.stop()

    def read(self, timeout: float) -> np.ndarray | None:
        return self.inner.read(timeout)

    def close(self) -> None:
        self.inner.close()


class DemoReporter(Reporter):
    """Passes every event on to the real reporter; tells the candidate which question was asked."""

    def __init__(self, inner: Reporter, candidate: CandidateMicrophone) -> None:
        self.inner, self.candidate = inner, candidate

    def session_started(self, session_id: str, mode: Mode, count: int) -> None:
        self.inner.session_started(session_id, mode, count)

    def asking(self, number: int, total: int, ask: Ask) -> None:
        self.candidate.prepare(ask.question)
        self.inner.asking(number, total, ask)

    def listening(self, ask: Ask) -> None:
        self.inner.listening(ask)

    def heard(self, turn: Any) -> None:
        self.inner.heard(turn)

    def analysing(self, ended_by: str) -> None:
        self.inner.analysing(ended_by)

    def notice(self, text: str) -> None:
        self.inner.notice(text)

    def scorecard(self, number: int, card: Any, spoken: str) -> None:
        self.inner.scorecard(number, card, spoken)

    def summary(self, result: SessionResult) -> None:
        self.inner.summary(result)
