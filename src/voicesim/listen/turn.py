"""Stage: listen. Capture one answer from a microphone until it ends.

listen() reads the microphone block by block into a Listener (voicesim.listen.listener:
stretches transcribed while the person speaks, probes of every pause), asks end-pointing
(voicesim.listen.endpoint) after every block whether the answer has ended, and returns the
Turn: the audio, how it ended, and its transcript.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from voicesim.audio.capture import DeviceLost, Microphone
from voicesim.listen.endpoint import decide
from voicesim.listen.listener import Listener, ListenSettings, Turn
from voicesim.listen.live import LiveTranscriber
from voicesim.results import Word
from voicesim.transcribe import Transcriber

CATCH_UP_S = 10.0
"""Longest wait, per pause, for the transcriber when audio comes faster than real time, s."""


def listen(
    mic: Microphone,
    settings: ListenSettings,
    *,
    transcriber: Transcriber | None,
    sink: Callable[[np.ndarray], None] | None = None,
    on_time_warning: Callable[[], None] | None = None,
    on_interrupt: Callable[[float], bool] | None = None,
    stop: threading.Event | None = None,
    on_end: Callable[[str], None] | None = None,
    on_words: Callable[[list[Word], float], None] | None = None,
) -> Turn:
    """Capture from a started ``mic`` until the answer ends; returns the Turn.

    ``sink`` gets every block as it arrives (the on-disk writer); ``on_time_warning`` is
    called once ``warn_before_end`` seconds before ``max_answer`` (counted from the start
    of listening); ``on_interrupt(elapsed_s)`` returning True cuts the answer (stress
    mode); setting ``stop`` ends the turn too. Both end it with ``ended_by="interrupted"``.
    ``on_end(ended_by)`` is called the moment end-pointing decides, before the rest of
    the transcript is waited for (the screen can say "analysing…" at once).
    ``on_words(words, until_s)`` gets the words transcribed so far up to ``until_s`` seconds,
    each time more are (called from this loop: it should only hand them on).
    A dead device ends it with ``"device_lost"`` and keeps the audio captured so far.
    """
    lis = Listener(settings, transcriber)
    try:
        return _loop(lis, mic, sink, on_time_warning, on_interrupt, stop, on_end, on_words)
    finally:
        if lis.live is not None:
            lis.live.close()  # ends the background thread even on Ctrl+C


def _loop(
    lis: Listener,
    mic: Microphone,
    sink: Callable[[np.ndarray], None] | None,
    on_time_warning: Callable[[], None] | None,
    on_interrupt: Callable[[float], bool] | None,
    stop: threading.Event | None,
    on_end: Callable[[str], None] | None = None,
    on_words: Callable[[list[Word], float], None] | None = None,
) -> Turn:
    settings = lis.settings
    ends = settings.endpoint
    warned = not (on_time_warning and ends.max_answer > settings.warn_before_end)
    started = time.monotonic()
    reported = 0  # stretches whose words on_words has had
    while True:
        try:
            block = mic.read(0.5)
        except DeviceLost:
            return lis.finish("device_lost", None)
        if stop is not None and stop.is_set():
            return lis.finish("interrupted", None)
        if block is None:
            continue
        if sink is not None:
            sink(block)
        lis.feed(block)
        if not warned and lis.now >= ends.max_answer - settings.warn_before_end:
            warned = True
            lis.warned_at = lis.now
            assert on_time_warning is not None
            on_time_warning()
        if on_interrupt is not None and on_interrupt(lis.now):
            return lis.finish("interrupted", None)
        state = lis.state()
        ended_by = decide(state, ends)
        if ended_by is not None:
            if on_end is not None:
                on_end(ended_by)
            return lis.finish(ended_by, state.command)
        if on_words is not None and lis.live is not None:
            reported = _report_settled(lis.live, lis.chunks, reported, on_words)
        ahead = mic.faster_than_real_time and lis.now - (time.monotonic() - started) > 0.2
        if ahead and lis.waiting_for_words(state):
            # Audio from a file comes faster than real time: let the transcriber catch up,
            # so a file is end-pointed as it would be live. A microphone never waits here
            # for a transcriber that is behind, not even while it reads what it buffered
            # during the model load (that once held a first answer open for 16 s).
            deadline = time.monotonic() + CATCH_UP_S
            while lis.waiting_for_words(lis.state()) and time.monotonic() < deadline:
                lis.live.wait_briefly(0.05)  # type: ignore[union-attr]


def _report_settled(
    live: LiveTranscriber,
    chunks: list[tuple[float, float]],
    reported: int,
    on_words: Callable[[list[Word], float], None],
) -> int:
    """Hand ``on_words`` the words of the stretches transcribed so far, with none before
    them still pending, and where the last of them ends (s), when more are than the
    ``reported`` stretches; returns how many have been reported."""
    got = live.settled(reported)
    if got is None:
        return reported
    n, last, words = got
    on_words(words, dict(chunks)[last])
    return n
