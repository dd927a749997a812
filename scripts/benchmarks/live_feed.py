"""Feeding a rendered answer to ``listen`` as practice does, and timing the feedback.

Both variants run the real code paths. Live latency feeds a rendered answer through
``listen`` (the capture path of ``voicesim practice``, live transcription on) into what
practice records it with (the answer's file, ``AnswerAudioWriter``, and a ``FeatureStream``
computing the frame features as the blocks arrive, with a ``JudgeAhead`` scoring the filler
judge's windows as the words come), and then does what practice does when an answer ends
(the file closed, ``analyze_file`` of it with the live transcript, the streamed frames and
the scores so far, the scorecard):

- fast variant: a ``FileMicrophone`` delivering the answer at ``speed`` × real time;
- real-time variant: a ``DeviceMicrophone`` on the private PulseAudio server of the audio
  tests (:mod:`voicesim.testing.rig`), the answer played into its virtual microphone by paplay.

A wrapping microphone stamps every block it hands to ``listen`` with the wall clock, so the
figures come from what the program actually received, not from what ``listen`` reports:

- ``end_detect_s``: the answer's real end (the time its last 10 ms above -46 dBFS was due on
  the stream's clock) → ``listen`` deciding the answer is over (its return minus the final
  decode it reports), in seconds of audio (wall seconds × speed); by design about
  ``end_silence`` (longer after an unfinished sentence).
- ``processing_s``: that decision → the scorecard ready (the final decode inside ``listen``,
  the file closed, ``analyze_file`` with the live transcript and streamed frames, the
  scorecard and spoken tip text), wall seconds. This is the feedback latency.
- ``unstreamed_s``: the same analysis with the frame features computed and the judge's
  windows scored from the file after the end (practice before the stream, 2026-12-02): the
  baseline of the gain of both.
- ``ahead_windows`` / ``end_windows``: judge windows scored while the answer was spoken,
  and after its end.
- ``batch_s``: the same analysis of the same file with everything transcribed after the end.
- ``final_decode_s``: what ``listen`` itself reports as transcription after the end.
- ``analysis_cpu_s``: CPU seconds of the analysis and scorecard after ``listen`` returned
  (with ``final_decode_s``, what the processing costs on an idle machine).
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from voicesim.analysis.ahead import JudgeAhead
from voicesim.analysis.feature_stream import FeatureStream
from voicesim.analysis.pipeline import analyze_file
from voicesim.audio.capture import DeviceMicrophone, FileMicrophone, Microphone
from voicesim.interview.feedback import scorecard, spoken_feedback
from voicesim.listen.endpoint import EndpointSettings
from voicesim.listen.listener import ListenSettings
from voicesim.listen.turn import listen
from voicesim.scoring.rubric import Rubric
from voicesim.sessions.files import AnswerAudioWriter
from voicesim.testing.rig import PulseRig
from voicesim.transcribe import Transcriber

SPEECH_RMS = 0.005
"""A 10 ms stretch with RMS above this (about -46 dBFS) counts as speech when feeding."""


class StampedMic(Microphone):
    """Wraps a microphone; keeps the stream's clock and where the last speech sample is.

    The clock maps a sample position to the wall time it was due: the earliest arrival seen
    (position / rate / speed subtracted) — a reader that falls behind does not move it.
    """

    def __init__(self, inner: Microphone, speed: float) -> None:
        self.inner = inner
        self.speed = speed
        self.sample_rate = inner.sample_rate
        self.pos = 0  # samples handed over
        self.zero = float("inf")  # wall time (perf_counter) of sample 0
        self.last_speech_pos = 0  # position just after the last speech sample

    def start(self) -> None:
        self.inner.start()

    def stop(self) -> None:
        self.inner.stop()

    def read(self, timeout: float) -> np.ndarray | None:
        block = self.inner.read(timeout)
        now = time.perf_counter()
        if block is None or len(block) == 0:
            return block
        x = np.asarray(block, dtype=np.float32).reshape(len(block), -1).mean(axis=1)
        n = len(x) // 160 * 160
        if n:
            rms = np.sqrt((x[:n].reshape(-1, 160) ** 2).mean(axis=1))
            loud = np.flatnonzero(rms > SPEECH_RMS)
            if len(loud):
                self.last_speech_pos = self.pos + (int(loud[-1]) + 1) * 160
        self.pos += len(x)
        self.zero = min(self.zero, now - self.pos / self.sample_rate / self.speed)
        return block

    def due(self, pos: int) -> float:
        """Wall time (perf_counter) at which sample `pos` was due."""
        return self.zero + pos / self.sample_rate / self.speed

    def close(self) -> None:
        self.inner.close()


@dataclass
class LiveFigures:
    """One fed answer: see the module docstring for what each figure is (seconds)."""

    end_detect_s: float
    processing_s: float
    batch_s: float
    final_decode_s: float
    ended_by: str
    analysis_cpu_s: float = 0.0
    unstreamed_s: float = 0.0
    ahead_windows: int = 0
    end_windows: int = 0


def measure_live(
    mic: StampedMic,
    feed: Callable[[], Any],
    transcriber: Transcriber,
    rubric: Rubric,
    end_silence: float,
    length: float,
) -> LiveFigures:
    """Start `mic`, call `feed` (starts the answer playing), listen, then build the scorecard."""
    settings = ListenSettings(
        endpoint=EndpointSettings(
            end_silence=end_silence, max_answer=length + 60, first_word_wait=30.0
        ),
        commands=False,
    )
    with tempfile.TemporaryDirectory(prefix="voicesim-live-") as tmp:
        writer = AnswerAudioWriter(Path(tmp), 0, mic.sample_rate)
        features = FeatureStream()
        ahead = JudgeAhead(transcriber, features)

        def record(block: np.ndarray) -> None:  # practice's QuestionLoop._recorder
            writer.write(block)
            features.push(block)

        mic.start()
        feed()
        turn = listen(mic, settings, transcriber=transcriber, sink=record, on_words=ahead.words)
        detected = time.perf_counter() - float(turn.final_decode_s)  # listen decided the end
        cpu = time.process_time()  # (the final decode's CPU is not in here: another thread)
        mic.stop()
        path = Path(tmp) / writer.close()

        def analyse(frames: Any, scores: Any) -> Any:
            return analyze_file(
                path,
                transcript=turn.transcript,
                transcriber=transcriber,
                response_latency_s=turn.speech_start_s,
                rubric=rubric,
                frames=frames,
                scores=scores,
            )

        started = time.perf_counter()
        scores = ahead.finish()
        ahead_windows = len(scores)
        result = analyse(features.frames(), scores)
        scorecard(result)
        spoken_feedback(result)
        ready = time.perf_counter()
        cpu = time.process_time() - cpu
        t = time.perf_counter()
        again = analyse(None, None)
        scorecard(again)
        spoken_feedback(again)
        # The same feedback had the frames and the judge been computed from the file after
        # the end.
        unstreamed = (started - detected) + (time.perf_counter() - t)
        t = time.perf_counter()
        analyze_file(path, transcriber=transcriber, rubric=rubric)
        batch = time.perf_counter() - t
    return LiveFigures(
        end_detect_s=(detected - mic.due(mic.last_speech_pos)) * mic.speed,
        processing_s=ready - detected,
        analysis_cpu_s=cpu,
        batch_s=batch,
        final_decode_s=float(turn.final_decode_s),
        ended_by=str(turn.ended_by),
        unstreamed_s=unstreamed,
        ahead_windows=ahead_windows,
        end_windows=len(scores) - ahead_windows,
    )


def live_fast(
    path: Path, speed: float, transcriber: Transcriber, rubric: Rubric, end_silence: float
) -> LiveFigures:
    """Feed `path` through a FileMicrophone at `speed` × real time."""
    audio, sr = sf.read(str(path), dtype="float32")
    inner = FileMicrophone(speed=speed)
    inner.queue(audio, sr, lead_silence=0.5)
    mic = StampedMic(inner, speed)
    try:
        return measure_live(mic, lambda: None, transcriber, rubric, end_silence, len(audio) / sr)
    finally:
        mic.close()


def live_realtime(
    path: Path, rig: PulseRig, transcriber: Transcriber, rubric: Rubric, end_silence: float
) -> LiveFigures:
    """Play `path` into the rig's virtual microphone; practice's DeviceMicrophone records it."""
    info = sf.info(str(path))
    mic = StampedMic(DeviceMicrophone(device=None), 1.0)
    players: list[subprocess.Popen[bytes]] = []

    def feed() -> None:
        time.sleep(0.5)  # lead silence, as the fast variant
        players.append(rig.play_into_mic(path, wait=False))

    try:
        return measure_live(mic, feed, transcriber, rubric, end_silence, info.duration)
    finally:
        for p in players:
            p.wait(timeout=30)
        mic.close()
