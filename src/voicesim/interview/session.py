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
handled here; a silent turn is offered once more, then skipped. Each answer is analysed,
stored atomically, shown as a scorecard and (unless disabled) followed by one spoken tip.

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

from voicesim.analysis.pipeline import analyze_samples
from voicesim.errors import DeviceError
from voicesim.interview.cues import warning_line, without_warning_echo
from voicesim.interview.feedback import (
    AnswerOutcome,
    Scorecard,
    SessionSummary,
    Status,
    scorecard,
    spoken_feedback,
    spoken_summary,
    summarize,
)
from voicesim.interview.log import SessionLog, question_dict
from voicesim.interview.modes import Ask, Interviewer, Mode
from voicesim.listen.turn import ListenSettings, Turn, listen
from voicesim.scoring.rubric import Rubric, load_rubric
from voicesim.scoring.score import top_improvements

if TYPE_CHECKING:
    from voicesim.audio.capture import Microphone
    from voicesim.audio.speak import Speaker
    from voicesim.results import AnalysisResult
    from voicesim.sessions.store import SessionStore
    from voicesim.transcribe import Transcriber

SILENT_RETRY_LINE = "Take your time. Here is the question again."
PAUSE_LINE = "Paused. Say continue when you are ready."
RESUME_LINE = "Welcome back."


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

    def notice(self, text: str) -> None:
        """A one-line message: skipped, paused, device lost, time warning."""

    def scorecard(self, number: int, card: Scorecard, spoken: str) -> None:
        """The analysed answer to question ``number`` and the sentence said about it."""

    def summary(self, result: SessionResult) -> None:
        """The session ended; the debrief is ready."""


class _Stop(Exception):
    """The candidate said "stop": end the interview after saving what is done."""


class _ModelLoader:
    """Builds the transcriber in a background thread (while the first question is spoken)."""

    def __init__(self, factory: Callable[[], Transcriber]) -> None:
        self._factory = factory
        self._value: Transcriber | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._load, name="voicesim-model", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        try:
            self._value = self._factory()
        except BaseException as exc:  # re-raised in the main thread by get()
            self._error = exc

    def get(self) -> Transcriber:
        """The transcriber, waiting for the load to finish; re-raises its error."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


class Interview:
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
        self.rubric = rubric or load_rubric()  # loaded once, not per answer
        self._next_index = 0
        self._model: _ModelLoader | None = None
        self.log: SessionLog | None = None

    # -- the session -----------------------------------------------------------------------
    def run(self) -> SessionResult:
        """Run the whole interview; returns how it ended (Ctrl+C included)."""
        self.store.check_writable()
        writer = self.store.create(
            mode=self.mode.name, pack=self.settings.pack, settings=self._settings_dict()
        )
        self._model = _ModelLoader(self.factory)
        self.log = SessionLog(writer)
        self.reporter.session_started(writer.id, self.mode, len(self.questions))
        status, lost = "complete", False
        try:
            self._interview()
        except _Stop:
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
                ask = self.mode.follow_up(ask, outcome.status in ("answered", "cut_off"))
        self._say(self.mode.closing(), self.mode.interviewers[0])

    def _finish(self, status: str, lost: bool) -> SessionResult:

        log = self._log()
        panel = (
            {p.name: p.groups for p in self.mode.interviewers}
            if self.mode.name == "panel"
            else None
        )
        summary = summarize(log.outcomes, panel=panel)
        debrief = {
            "mean_score": summary.mean_score,
            "pace_trend": summary.pace.text,
            "filler_trend": summary.fillers.text,
            "rehearse": [a.index for a in summary.rehearse],
            "verdicts": summary.verdicts,
        }
        log.writer.finish(status=status, summary=debrief)
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
            "end_silence": s.listen.end_silence,
            "max_answer": s.listen.max_answer,
            "first_word_wait": s.listen.first_word_wait,
            "spoken_feedback": s.spoken_feedback,
            "voice": s.voice,
            "rate": s.rate,
            "questions": [question_dict(q).get("id") for q in self.questions],
        }

    # -- one question ----------------------------------------------------------------------
    def _question(self, ask: Ask) -> AnswerOutcome:
        index = self._next_index
        self._next_index += 1
        repeats, silent, lead = 0, 0, ""
        while True:
            q_audio = self._speak_question(index, ask, lead)
            turn, a_audio = self._listen(index, ask, q_audio)
            self.reporter.heard(turn)
            command = turn.command if turn.ended_by == "command" else None
            if turn.ended_by == "device_lost":
                self._record(index, ask, turn, q_audio, a_audio, "device_lost")
                raise DeviceError("the audio server stopped during the answer")
            if command == "stop":
                self._record_skip(index, ask, q_audio, a_audio, turn, "skipped")
                raise _Stop
            if command == "skip":
                self.reporter.notice("Skipped.")
                return self._record_skip(index, ask, q_audio, a_audio, turn, "skipped")
            if command == "pause":
                self._pause()
                lead = ""
                continue
            if command in ("repeat", "continue") and repeats < self.settings.max_repeats:
                repeats += 1
                lead = ""
                continue
            if turn.ended_by == "no_speech" or command is not None:
                if silent == 0:
                    silent, lead = 1, SILENT_RETRY_LINE
                    self.reporter.notice("No answer heard; asking once more.")
                    continue
                self.reporter.notice("No answer heard; skipping this question.")
                return self._record_skip(index, ask, q_audio, a_audio, turn, "no_speech")
            status: Status = "cut_off" if turn.ended_by == "interrupted" else "answered"
            if status == "cut_off":
                self._say(self.mode.interrupt_line(), ask.interviewer)
            result = self._analyse(ask, turn, a_audio)
            if result.no_speech:
                # Sound but no words (a cough, a word the model missed): as a silent turn.
                if silent == 0:
                    silent, lead = 1, SILENT_RETRY_LINE
                    self.reporter.notice("No words heard; asking once more.")
                    continue
                self.reporter.notice("No words heard; skipping this question.")
                return self._record_skip(index, ask, q_audio, a_audio, turn, "no_speech")
            return self._record(index, ask, turn, q_audio, a_audio, status, result)

    def _speak_question(self, index: int, ask: Ask, lead: str) -> str | None:
        self.mic.stop()
        text = f"{lead} {ask.text}".strip()
        audio = self.speaker.say(text, voice=self._voice(ask.interviewer), rate=self.settings.rate)
        name = self._log().writer.save_question_audio(index, audio, self.speaker.sample_rate)
        self.speaker.tone()
        return name

    def _listen(self, index: int, ask: Ask, q_audio: str | None) -> tuple[Turn, str]:
        assert self._model is not None
        sink = self._log().open_answer(index, ask, q_audio, self.mic.sample_rate)
        limit = ask.interrupt_after_s
        try:
            # Open the microphone first: it buffers while the model finishes loading.
            self.mic.start()
            self.reporter.listening(ask)
            transcriber = self._model.get()
            turn = listen(
                self.mic,
                ask.listen,
                transcriber=transcriber,
                sink=sink.write,
                on_time_warning=lambda: self._time_warning(ask.listen.warn_before_end),
                on_interrupt=(lambda elapsed: elapsed >= limit) if limit else None,
            )
        finally:
            self.mic.stop()
            name = sink.close()
        return turn, name

    def _pause(self) -> None:
        """Wait, listening for commands only, until "continue" (or "stop")."""
        assert self._model is not None
        self.reporter.notice('Paused. Say "continue" to go on.')
        self._say(PAUSE_LINE, self.mode.interviewers[0])
        wait = replace(
            self.settings.listen,
            first_word_wait=self.settings.pause_wait_s,
            max_answer=max(self.settings.pause_wait_s, 10.0),
        )
        while True:
            self.mic.start()
            try:
                turn = listen(self.mic, wait, transcriber=self._model.get())
            finally:
                self.mic.stop()
            if turn.ended_by == "device_lost":
                raise DeviceError("the audio server stopped during the pause")
            if turn.command == "stop":
                raise _Stop
            if turn.command == "continue":
                self.reporter.notice("Resumed.")
                self._say(RESUME_LINE, self.mode.interviewers[0])
                return

    def _time_warning(self, seconds_left: float) -> None:

        line = warning_line(seconds_left)
        self.reporter.notice(line)
        threading.Thread(target=self._say_quietly, args=(line,), daemon=True).start()

    def _say_quietly(self, text: str) -> None:
        # A missed warning must not end the answer.
        with contextlib.suppress(Exception):
            self.speaker.say(
                text, voice=self._voice(self.mode.interviewers[0]), rate=self.settings.rate
            )

    # -- records ---------------------------------------------------------------------------
    def _record(
        self,
        index: int,
        ask: Ask,
        turn: Turn,
        q_audio: str | None,
        a_audio: str,
        status: Status,
        result: AnalysisResult | None = None,
    ) -> AnswerOutcome:
        """Analyse (unless done), store atomically, show the scorecard, speak the tip."""

        if result is None:
            result = self._analyse(ask, turn, a_audio)
        sentence = spoken_feedback(result)
        outcome = self._log().keep(
            index,
            ask,
            status,
            turn=turn,
            q_audio=q_audio,
            a_audio=a_audio,
            result=result,
            sentence=sentence,
        )
        if status == "device_lost":
            return outcome
        self.reporter.scorecard(len(self._log().outcomes), scorecard(result), sentence)
        if self.settings.spoken_feedback and self.mode.spoken_feedback:
            self._say(sentence, self._feedback_voice(result))
        return outcome

    def _record_skip(
        self, index: int, ask: Ask, q_audio: str | None, a_audio: str, turn: Turn, status: Status
    ) -> AnswerOutcome:
        return self._log().keep(index, ask, status, turn=turn, q_audio=q_audio, a_audio=a_audio)

    def _analyse(self, ask: Ask, turn: Turn, a_audio: str) -> AnalysisResult:
        assert self._model is not None
        transcript = turn.transcript
        if transcript is not None:
            transcript = without_warning_echo(transcript, turn.warned_at_s)
        return analyze_samples(
            turn.audio,
            turn.sample_rate,
            path=str(self._log().writer.path / a_audio),
            question=ask.question,
            rubric=self.rubric,
            transcript=transcript,
            transcriber=self._model.get(),
            response_latency_s=turn.speech_start_s,
        )

    def _log(self) -> SessionLog:
        assert self.log is not None, "the session has not started"
        return self.log

    # -- speaking --------------------------------------------------------------------------
    def _voice(self, person: Interviewer) -> str | None:
        return person.voice or self.settings.voice or None

    def _say(self, text: str, person: Interviewer) -> None:
        self.mic.stop()
        self.speaker.say(text, voice=self._voice(person), rate=self.settings.rate)

    def _feedback_voice(self, result: AnalysisResult) -> Interviewer:

        top = list(top_improvements(result.score, 1))
        return self.mode.owner_of(top[0].group) if top else self.mode.interviewers[0]
