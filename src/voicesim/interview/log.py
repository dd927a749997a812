"""What a practice session keeps as it runs: every question's outcome, stored at once.

Sits between the session loop (``practice.py``) and the store (``storage.py``): it turns a
question as asked, the turn heard and its analysis into an :class:`AnswerRecord`, saves it
atomically, and remembers the answer being recorded so that Ctrl+C or a lost device can
still keep its audio.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import soundfile as sf

from voicesim.interview.feedback import AnswerOutcome, Status
from voicesim.interview.modes import target_range
from voicesim.sessions.store import AnswerRecord, utc_now

if TYPE_CHECKING:
    from voicesim.interview.modes import Ask
    from voicesim.listen.listener import Turn
    from voicesim.results import AnalysisResult
    from voicesim.sessions.files import AnswerAudioWriter
    from voicesim.sessions.store import SessionWriter


def question_dict(question: Any) -> dict[str, Any]:
    """What ``session.json`` keeps about a question (id, text, category, kind, pack, target)."""

    keys = ("id", "text", "category", "kind", "pack", "tip")
    d = {k: getattr(question, k) for k in keys if getattr(question, k, None) is not None}
    target = target_range(question)
    if target is not None:
        d["target_s"] = list(target)
    return d


def audio_frames(path: Path) -> int:
    """How many samples an audio file holds (0 if it is missing or unreadable)."""

    try:
        return int(sf.info(str(path)).frames)
    except (OSError, RuntimeError):
        return 0


class SessionLog:
    """The outcomes of one session, each stored through ``writer`` as soon as it is known."""

    def __init__(self, writer: SessionWriter) -> None:
        self.writer = writer
        self.outcomes: list[AnswerOutcome] = []
        self._open: tuple[int, Ask, str, str | None] | None = None

    def open_answer(
        self, index: int, ask: Ask, q_audio: str | None, sample_rate: int
    ) -> AnswerAudioWriter:
        """Start streaming answer ``index`` to disk (sample rate in Hz); remember it is open."""
        sink = self.writer.open_answer_audio(
            index, sample_rate, question=question_dict(ask.question)
        )
        self._open = (index, ask, sink.name, q_audio)
        return sink

    def forget_open(self) -> None:
        """The open recording held only a voice command ("pause", "repeat"): nothing of it is
        an answer, so an interruption now keeps nothing of it. Ctrl+C during a pause stored
        the recorded "pause" as the question's partial answer, which rescore then scored."""
        self._open = None

    def keep(
        self,
        index: int,
        ask: Ask,
        status: Status,
        *,
        turn: Turn | None,
        q_audio: str | None,
        a_audio: str | None,
        result: AnalysisResult | None = None,
        sentence: str = "",
        ended_by: str = "interrupted",
        partial: bool = False,
    ) -> AnswerOutcome:
        """Store one question's outcome atomically and add it to :attr:`outcomes`."""

        extra: dict[str, Any] = {"asked": ask.text, "follow_up": ask.follow_up, "status": status}
        if partial:
            extra["partial"] = True  # cut off mid-answer: `voicesim rescore` analyses it
        if turn is not None:
            extra["command"] = turn.command
            extra["final_decode_s"] = turn.final_decode_s
        record = AnswerRecord(
            index=index,
            question=question_dict(ask.question),
            asked_at=utc_now(),
            question_audio=q_audio,
            answer_audio=a_audio,
            analysis=result,
            response_latency_s=turn.speech_start_s if turn is not None else None,
            ended_by=turn.ended_by if turn is not None else ended_by,
            skipped=status in ("skipped", "no_speech", "stopped"),
            interviewer=ask.interviewer.name,
            feedback=sentence,
            extra=extra,
        )
        self.writer.add_answer(record)
        if self._open is not None and self._open[0] == index:
            self._open = None  # stored: nothing left to rescue
        outcome = AnswerOutcome(
            index=index,
            question_id=str(record.question.get("id", "")),
            question_text=ask.text,
            status=status,
            result=result,
            follow_up=ask.follow_up,
            interviewer=ask.interviewer.name,
        )
        self.outcomes.append(outcome)
        return outcome

    def rescue(self, ended_by: str) -> None:
        """After Ctrl+C or a lost device mid-answer: keep the audio so far, unanalysed."""
        if self._open is None:
            return
        index, ask, name, q_audio = self._open
        self._open = None
        if audio_frames(self.writer.path / name) == 0:
            return
        try:
            self.keep(
                index,
                ask,
                "interrupted",
                turn=None,
                q_audio=q_audio,
                a_audio=name,
                ended_by=ended_by,
                partial=True,
            )
        except Exception:  # never let the rescue cost the answers already stored
            return
