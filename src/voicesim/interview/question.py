"""One question of the interview: the per-question voice-command state machine.

Speak the question, listen (the answer streams to disk), then act on how the turn ended:
"repeat"/"continue" ask again (up to ``max_repeats``), "pause" waits for "continue",
"skip" moves on, "stop" ends the interview (:class:`Stop`), a silent turn is offered once
more, then skipped; an answer is analysed, stored, shown and (unless disabled) coached.
:class:`QuestionLoop` is the part of :class:`~voicesim.interview.session.Interview` that
does this; the session lifecycle (start, greeting, debrief) stays in ``session``.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import replace
from typing import TYPE_CHECKING

from voicesim.analysis.ahead import JudgeAhead
from voicesim.analysis.feature_stream import FeatureStream
from voicesim.analysis.pipeline import analyze_file
from voicesim.audio import SAMPLE_RATE
from voicesim.audio.capture import is_muted
from voicesim.errors import DeviceError
from voicesim.interview.cues import warning_line, without_warning_echo
from voicesim.interview.feedback import AnswerOutcome, Status, scorecard, spoken_feedback
from voicesim.interview.log import SessionLog
from voicesim.interview.modes import Ask, Interviewer, Mode
from voicesim.listen.listener import Turn
from voicesim.listen.turn import listen
from voicesim.scoring.score import score_answer, top_improvements
from voicesim.text import counted

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np

    from voicesim.audio.capture import Microphone
    from voicesim.audio.speak import Speaker
    from voicesim.interview.session import PracticeSettings, Reporter, _ModelLoader
    from voicesim.results import AnalysisResult
    from voicesim.scoring.rubric import Rubric

SILENT_RETRY_LINE = "Take your time. Here is the question again."
MUTED_RETRY_LINE = (
    "I cannot hear anything from your microphone. It may be muted. Here is the question again."
)
MUTED_NOTICE = (
    "The microphone gave exact silence: if you spoke, it may be muted or another input "
    "chosen (`voicesim devices` lists them)."
)
PAUSE_LINE = "Paused. Say continue when you are ready."
RESUME_LINE = "Welcome back."


class Stop(Exception):
    """The candidate said "stop": end the interview after saving what is done."""


class QuestionLoop:
    """Asks one question until it is answered, skipped or the interview is stopped."""

    # Set by Interview.__init__ / run().
    mode: Mode
    speaker: Speaker
    mic: Microphone
    settings: PracticeSettings
    reporter: Reporter
    rubric: Rubric
    log: SessionLog | None
    _model: _ModelLoader | None
    _next_index: int
    _features: FeatureStream | None = None
    """The frame features of the answer being recorded, computed as it is spoken."""
    _ahead: JudgeAhead | None = None
    """The filler judge's windows of that answer, scored as it is spoken."""

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
                self._record_skip(index, ask, q_audio, a_audio, turn, "stopped")
                raise Stop
            if command == "skip":
                self.reporter.notice("Skipped.")
                return self._record_skip(index, ask, q_audio, a_audio, turn, "skipped")
            if command == "pause":
                self._log().forget_open()  # Ctrl+C while paused keeps no "pause" as answer
                if not self._pause():  # "stop" while paused: stopped at this question
                    self._record_skip(index, ask, q_audio, a_audio, turn, "stopped")
                    raise Stop
                lead = ""
                continue
            if command in ("repeat", "continue") and repeats < self.settings.max_repeats:
                self._log().forget_open()
                repeats += 1
                lead = ""
                continue
            if command in ("repeat", "continue"):
                # Said "No answer heard; asking once more", then skipped it as no speech.
                asked = counted(repeats + 1, "time")
                self.reporter.notice(f"Asked {asked}: moving on to the next question.")
                return self._record_skip(index, ask, q_audio, a_audio, turn, "skipped")
            if turn.ended_by == "no_speech" or command is not None:
                # Exact silence is said, spoken too: a hands-free user would otherwise
                # answer a muted microphone question after question.
                muted = turn.ended_by == "no_speech" and is_muted(turn.audio)
                if muted:
                    self.reporter.notice(MUTED_NOTICE)
                if silent == 0:
                    silent, lead = 1, MUTED_RETRY_LINE if muted else SILENT_RETRY_LINE
                    self.reporter.notice("No answer heard; asking once more.")
                    continue
                self.reporter.notice("No answer heard; skipping this question.")
                return self._record_skip(index, ask, q_audio, a_audio, turn, "no_speech")
            status: Status = "cut_off" if turn.ended_by == "interrupted" else "answered"
            if status == "cut_off":
                self._say(self.mode.interrupt_line(), ask.interviewer)
                self.reporter.analysing(turn.ended_by)
            result = self._analyse(ask, turn, a_audio)
            if status == "cut_off":  # what was said before the cut is no measure of length
                result.score = score_answer(
                    result.transcript,
                    result.delivery,
                    rubric=self.rubric,
                    question=ask.question,
                    cut_off=True,
                )
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
        record = self._recorder(sink.write)
        limit = ask.interrupt_after_s
        try:
            # Open the microphone first: it buffers while the model finishes loading.
            self.mic.start()
            self.reporter.listening(ask)
            transcriber = self._model.get()
            if self._features is not None:
                self._ahead = JudgeAhead(transcriber, self._features)
            turn = listen(
                self.mic,
                ask.listen,
                transcriber=transcriber,
                sink=record,
                on_time_warning=lambda: self._time_warning(ask.listen.warn_before_end),
                on_interrupt=(lambda elapsed: elapsed >= limit) if limit else None,
                on_end=self._turn_ended,
                on_words=self._ahead.words if self._ahead is not None else None,
            )
        finally:
            self.mic.stop()
            name = sink.close()
        return turn, name

    def _recorder(self, write: Callable[[np.ndarray], None]) -> Callable[[np.ndarray], None]:
        """What each recorded block goes to: the answer's file, and (at the analysis' own
        rate) a FeatureStream, so the frame features are ready when the answer ends."""
        self._drop_features()
        if self.mic.sample_rate != SAMPLE_RATE:
            return write
        features = self._features = FeatureStream()

        def record(block: np.ndarray) -> None:
            write(block)
            features.push(block)

        return record

    def _drop_features(self) -> None:
        if self._ahead is not None:
            self._ahead.finish()
            self._ahead = None
        if self._features is not None:
            self._features.close()
            self._features = None

    def _turn_ended(self, ended_by: str) -> None:
        if ended_by in ("silence", "phrase", "max"):
            self.reporter.analysing(ended_by)

    def _pause(self) -> bool:
        """Wait, listening for commands only, until "continue" (True) or "stop" (False)."""
        assert self._model is not None
        self.reporter.notice('Paused. Say "continue" to go on.')
        self._say(PAUSE_LINE, self.mode.interviewers[0])
        ends = replace(
            self.settings.listen.endpoint,
            first_word_wait=self.settings.pause_wait_s,
            max_answer=max(self.settings.pause_wait_s, 10.0),
        )
        wait = replace(self.settings.listen, endpoint=ends)
        while True:
            self.mic.start()
            try:
                turn = listen(self.mic, wait, transcriber=self._model.get())
            finally:
                self.mic.stop()
            if turn.ended_by == "device_lost":
                raise DeviceError("the audio server stopped during the pause")
            if turn.command == "stop":
                return False
            if turn.command == "continue":
                self.reporter.notice("Resumed.")
                self._say(RESUME_LINE, self.mode.interviewers[0])
                return True

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
        sentence = spoken_feedback(result, ask.question, dict(self.rubric.checks))
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
        """Analyse the answer as stored, through ``analyze``'s own pipeline (one truth).

        The stored file (16-bit FLAC), not the samples in memory: ``voicesim analyze`` and
        ``rescore`` see that file, and the measures must not depend on who reads it. Only
        the transcript comes from listening (already decoded while the person spoke).
        """
        assert self._model is not None
        transcript = turn.transcript
        if transcript is not None:
            transcript = without_warning_echo(transcript, turn.warned_at_s)
        frames = scores = None
        if self._ahead is not None:
            scores = self._ahead.finish()  # the judge's windows scored while it was spoken
        if self._features is not None:
            # Computed from the same samples, rounded as the file stores them; analyze_file
            # checks they fit the file. Should the stream have failed, the file is measured.
            with contextlib.suppress(Exception):
                frames = self._features.frames()
        self._drop_features()
        result = analyze_file(
            self._log().writer.path / a_audio,
            question=ask.question,
            rubric=self.rubric,
            transcript=transcript,
            transcriber=self._model.get(),
            response_latency_s=turn.speech_start_s,
            frames=frames,
            scores=scores,
        )
        # How it was captured (channels that cancel), which the stored file no longer shows.
        result.delivery.warnings.extend(self.mic.warnings())
        return result

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
