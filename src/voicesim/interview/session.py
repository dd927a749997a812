"""The interview session loop: ask, listen until the answer ends, analyse, store, coach.

Device-agnostic: it takes a :class:`~voicesim.audio.speak.Speaker`, a
:class:`~voicesim.audio.capture.Microphone` and a
:class:`~voicesim.sessions.store.SessionStore`, so the
same loop runs on real devices, on the test suite's virtual PulseAudio devices, and in
``voicesim demo`` on rendered answers. It never prints: everything the user should see goes
through a :class:`Reporter`, which the CLI implements with Rich.

For each question: the microphone is stopped (the program never hears itself), the question
is spoken and stored, a tone says "your turn", the microphone starts and :func:`listen` runs
with the answer streaming to disk. Voice commands (repeat, skip, pause/continue, stop) are
handled per question (:mod:`voicesim.interview.question`); a silent turn is offered once
more, then skipped. Each answer is analysed, stored atomically, shown as a scorecard and
(unless disabled) followed by one spoken tip. This module holds the session lifecycle.

The Whisper model loads in a background thread while the first question is spoken, so the
first question starts at once. Ctrl+C ends cleanly, keeping every completed answer (and the
interrupted one's audio); a dead audio server ends the session the same way, with one line.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from voicesim.analysis.pipeline import analyze_samples
from voicesim.audio import SAMPLE_RATE
from voicesim.config import load_config
from voicesim.errors import DeviceError
from voicesim.interview.feedback import (
    AnswerOutcome,
    Scorecard,
    SessionSummary,
    spoken_summary,
    stored_debrief,
    summarize,
)
from voicesim.interview.log import SessionLog, question_dict
from voicesim.interview.modes import Ask, Mode
from voicesim.interview.probes import probe_for
from voicesim.interview.question import QuestionLoop, Stop
from voicesim.listen.listener import ListenSettings, Turn
from voicesim.results import Transcript, Word
from voicesim.scoring.rubric import Rubric, load_rubric

if TYPE_CHECKING:
    from voicesim.audio.capture import Microphone
    from voicesim.audio.speak import Speaker
    from voicesim.sessions.store import SessionStore
    from voicesim.transcribe import Transcriber


@dataclass
class PracticeSettings:
    """How a session runs; every field has a ``voicesim practice`` flag or config key."""

    listen: ListenSettings = field(default_factory=ListenSettings)
    spoken_feedback: bool = True
    voice: str | None = None
    rate: int | None = None
    pack: str | None = None
    max_repeats: int = 3
    pause_wait_s: float = 30.0
    demo: bool = False
    """Rendered answers (``voicesim demo``): stored with mode "demo", out of the history."""
    follow_ups: bool = True
    """Probe an answer without a result or own action with one spoken follow-up."""


@dataclass
class SessionResult:
    """How a session ended: its id, status ("complete"/"interrupted"), outcomes, debrief."""

    session_id: str
    status: str
    outcomes: list[AnswerOutcome]
    summary: SessionSummary
    device_lost: bool = False
    warnings: list[str] = field(default_factory=list)


class Reporter:
    """What the session tells the user. This base class shows nothing; the CLI prints."""

    def session_started(self, session_id: str, mode: Mode, count: int) -> None:
        """A session folder exists and the first question is about to be asked."""

    def asking(self, number: int, total: int, ask: Ask) -> None:
        """Question ``number`` (1-based) of ``total`` is about to be spoken."""

    def listening(self, ask: Ask) -> None:
        """The tone played; the microphone is open."""

    def heard(self, turn: Turn) -> None:
        """A turn ended (any reason)."""

    def analysing(self, ended_by: str) -> None:
        """The answer is over (``ended_by``, a Turn.ended_by) and is being analysed."""

    def notice(self, text: str) -> None:
        """A one-line message: skipped, paused, device lost, time warning."""

    def scorecard(self, number: int, card: Scorecard, spoken: str) -> None:
        """The analysed answer to question ``number`` and the sentence said about it."""

    def summary(self, result: SessionResult) -> None:
        """The session ended; the debrief is ready."""


class _ModelLoader:
    """Builds the transcriber in a background thread (while the first question is spoken),
    then warms the analysis there. :meth:`get` waits for the transcriber only: the first
    answer is heard while the warm-up finishes."""

    def __init__(self, factory: Callable[[], Transcriber], rubric: Rubric) -> None:
        self._factory = factory
        self._rubric = rubric
        self._value: Transcriber | None = None
        self._error: BaseException | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._load, name="voicesim-model", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        try:
            self._value = self._factory()
        except BaseException as exc:  # re-raised in the main thread by get()
            self._error = exc
            return
        finally:
            self._ready.set()
        with contextlib.suppress(Exception):  # only a head start; analysis itself reports
            _warm_analysis(self._rubric)

    def get(self) -> Transcriber:
        """The transcriber, waiting for it to be built; re-raises its error."""
        self._ready.wait()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


def _warm_analysis(rubric: Rubric) -> None:
    """Run the analysis once on a made-up second of audio while the question plays.

    The first analysis of a process pays for imports and first calls (about 0.5 s here),
    which would otherwise fall between the end of the first answer and its tip.
    """
    noise = (0.1 * np.random.default_rng(0).standard_normal(32000)).astype(np.float32)
    words = [Word("well", 0.2, 0.5, 0.9), Word("yes.", 0.6, 1.0, 0.9)]
    analyze_samples(noise, SAMPLE_RATE, rubric=rubric, transcript=Transcript("", words))


class Interview(QuestionLoop):
    """One practice session from the first question to the debrief (see module docstring)."""

    def __init__(
        self,
        questions: list[Any],
        *,
        mode: Mode,
        speaker: Speaker,
        mic: Microphone,
        store: SessionStore,
        transcriber_factory: Callable[[], Transcriber],
        settings: PracticeSettings | None = None,
        reporter: Reporter | None = None,
        rubric: Rubric | None = None,
    ) -> None:
        self.questions = mode.select(questions)
        self.mode, self.speaker, self.mic, self.store = mode, speaker, mic, store
        self.factory = transcriber_factory
        self.settings = settings or PracticeSettings()
        self.reporter = reporter or Reporter()
        # Loaded once, not per answer: the caller's, else the one config.toml's [rubric] path
        # names (the built-in when unset), as analyze and rescore score with.
        self.rubric = rubric if rubric is not None else load_rubric(load_config().rubric_path)
        self._next_index = 0
        self._model: _ModelLoader | None = None
        self.log: SessionLog | None = None

    # -- the session -----------------------------------------------------------------------
    def run(self) -> SessionResult:
        """Run the whole interview; returns how it ended (Ctrl+C included)."""
        self.store.check_writable()
        writer = self.store.create(
            mode="demo" if self.settings.demo else self.mode.name,
            pack=self.settings.pack,
            settings=self._settings_dict(),
        )
        self._model = _ModelLoader(self.factory, self.rubric)
        self.log = SessionLog(writer)
        self.reporter.session_started(writer.id, self.mode, len(self.questions))
        status, lost = "complete", False
        try:
            self._interview()
        except Stop:
            self.reporter.notice("Interview stopped at your request.")
        except KeyboardInterrupt:
            status = "interrupted"
            self.log.rescue("interrupted")
        except DeviceError as exc:
            status, lost = "interrupted", True
            self.log.rescue("device_lost")
            self.reporter.notice(f"audio device lost ({exc}); everything so far is saved")
        except BaseException:
            # Any other failure: keep what was recorded and close the session, then report.
            self.log.rescue("interrupted")
            with contextlib.suppress(Exception):
                self.log.writer.finish(status="interrupted")
            raise
        return self._finish(status, lost)

    def _interview(self) -> None:
        for person, line in self.mode.greeting(len(self.questions)):
            self._say(line, person)
        for i, question in enumerate(self.questions):
            ask: Ask | None = self.mode.ask(question, i, self.settings.listen)
            while ask is not None:
                self.reporter.asking(i + 1, len(self.questions), ask)
                outcome = self._question(ask)
                answered = outcome.status in ("answered", "cut_off")
                ask = self.mode.follow_up(ask, answered) or self._probe(ask, outcome)
        self._say(self.mode.closing(), self.mode.interviewers[0])

    def _probe(self, asked: Ask, outcome: AnswerOutcome) -> Ask | None:
        """The interviewer's follow-up to an answer lacking a result or own action, or None.

        Asked once per question, stored and scored with that question (voicesim.probes).
        """
        if not (self.settings.follow_ups and self.mode.probes) or asked.follow_up:
            return None
        text = probe_for(outcome.result, str(getattr(asked.question, "kind", "")))
        return replace(asked, text=text, follow_up=True) if text else None

    def _finish(self, status: str, lost: bool) -> SessionResult:

        log = self._log()
        panel = (
            {p.name: p.groups for p in self.mode.interviewers}
            if self.mode.name == "panel"
            else None
        )
        summary = summarize(log.outcomes, panel=panel)
        log.writer.finish(status=status, summary=stored_debrief(summary))
        result = SessionResult(
            log.writer.id, status, log.outcomes, summary, lost, list(log.writer.warnings)
        )
        self.reporter.summary(result)
        if status == "complete" and self.settings.spoken_feedback:
            with contextlib.suppress(DeviceError, KeyboardInterrupt):
                self._say(spoken_summary(summary), self.mode.interviewers[0])
                for person in self.mode.interviewers:  # the panel's verdicts, each in their voice
                    if person.name in summary.verdicts:
                        verdict = summary.verdicts[person.name]
                        self._say(f"My verdict: {verdict:.0f} out of 100.", person)
        return result

    def _settings_dict(self) -> dict[str, Any]:
        s = self.settings
        return {
            "mode": self.mode.name,
            "end_silence": s.listen.endpoint.end_silence,
            "max_answer": s.listen.endpoint.max_answer,
            "first_word_wait": s.listen.endpoint.first_word_wait,
            "spoken_feedback": s.spoken_feedback,
            "voice": s.voice,
            "rate": s.rate,
            "questions": [question_dict(q).get("id") for q in self.questions],
            "pace_band": list(self.rubric.spec("pace").pair("band")),  # the report's chart
        }

    # -- one question ----------------------------------------------------------------------
