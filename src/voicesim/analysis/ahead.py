"""Stage run early: the filler judge's windows scored while the answer is spoken (practice).

Once practice had the frame features streamed (``feature_stream.FeatureStream``), the filler
judge was most of the wait for feedback: 0.67 of 0.92 s after a 2.6-min answer, realtime
through the audio rig. Its windows are cut from the recording's samples alone, and a
window scores the same whatever else is in its batch (bit for bit; a test checks it), so
most of them can be scored before the answer ends. After each stretch the live
transcriber finishes, :class:`JudgeAhead` plans the judge's windows as the analysis will
(``filler_judge.plan`` over the frames, words and samples so far) and scores those it has
not scored, then checks in context the spans it was unsure of (``filler_context``). The
analysis of the stored file then scores only the windows left (``analyze_file(scores=)``):
the same scores, so the same result as ``voicesim analyze``.
A window planned differently at the end (the level floor of the whole answer, a word
decoded later) is simply scored then; so is a context whose words changed.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from voicesim.analysis.filler_context import context_scores
from voicesim.analysis.filler_judge import plan, scored, unsure
from voicesim.analysis.judge_windows import WindowScores, score_windows, window_cuts
from voicesim.analysis.pipeline import judge_spans
from voicesim.audio import SAMPLE_RATE
from voicesim.results import Word

if TYPE_CHECKING:
    from voicesim.analysis.feature_stream import FeatureStream
    from voicesim.transcribe import Transcriber

AHEAD_BATCH = 4
"""Windows scored at a time ahead (the analysis uses 16). Small, so the live decode and the
end-of-turn probe, which share the model and the cores, never wait long behind one batch
(about 0.05 s), and so ``finish`` returns soon."""


class JudgeAhead:
    """Scores the filler judge's windows of the answer being recorded, in one thread.

    ``words`` is listen's ``on_words``: it only queues the newest words, and the thread
    scores what they add. ``finish`` stops it and gives the scores for ``analyze_file``.
    """

    def __init__(
        self, transcriber: Transcriber, features: FeatureStream, *, batch: int = AHEAD_BATCH
    ) -> None:
        self.scored = 0
        """Windows scored ahead."""
        self._transcriber = transcriber
        self._features = features
        self._batch = batch
        self._scores = WindowScores()
        self._latest: tuple[list[Word], float] | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="judge-ahead")

    def words(self, words: list[Word], until_s: float) -> None:
        """The words transcribed so far, up to ``until_s`` seconds into the recording."""
        with self._lock:
            queued = self._latest is not None
            self._latest = (words, until_s)
        if not queued and not self._stop.is_set():
            self._pool.submit(self._run)

    def finish(self) -> WindowScores:
        """Stop scoring ahead (after the batch in progress) and give the scores so far."""
        self._stop.set()
        self._pool.shutdown(wait=True)
        return self._scores.copy()

    def _run(self) -> None:
        with self._lock:
            job, self._latest = self._latest, None
        if job is None:
            return
        try:
            self._score(*job)
        except Exception:  # only a head start: the analysis scores whatever is missing
            return  # and reports its own errors

    def _score(self, words: list[Word], until_s: float) -> None:
        samples, frames = self._features.so_far()
        if frames is None:
            return
        end = min(until_s, frames.offset + len(frames) * frames.hop, len(samples) / SAMPLE_RATE)
        frames = frames.before(end)
        words = [w for w in words if w.end <= end]
        if not words:
            return
        x = samples[: round(end * SAMPLE_RATE)]
        extra, known = judge_spans(frames, words)
        cands, spans, owner = plan(frames, words, extra=extra, known=known)
        cuts = window_cuts(spans, len(x))
        todo = sorted({c for c in cuts if c not in self._scores})
        for i in range(0, len(todo), self._batch):
            if self._stop.is_set():
                return
            part = todo[i : i + self._batch]
            got = score_windows(self._transcriber, x, part)
            with self._lock:
                self._scores.update(zip(part, got, strict=True))
                self.scored += len(part)
        # Then the context of those the judge was unsure of (filler_context), one at a time.
        for j in scored(cands, owner, [self._scores[c] for c in cuts]):
            if self._stop.is_set():
                return
            if unsure(j):
                span = [(j.start, j.end)]
                context_scores(self._transcriber, x, words, span, known=self._scores.context)
