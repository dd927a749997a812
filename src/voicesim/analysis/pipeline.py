"""The analyze pipeline: audio → transcript → delivery → score (SPEC §3).

Pure: the caller builds the Transcriber and loads the rubric once and passes them in.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from voicesim.analysis.acoustics import Frames, frame_count, frame_features
from voicesim.analysis.delivery import measure_answer
from voicesim.analysis.filled_pauses import acoustic_candidates
from voicesim.analysis.filler_candidates import Judged
from voicesim.analysis.filler_judge import judge
from voicesim.analysis.fillers import transcript_fillers
from voicesim.analysis.judge_windows import WindowScores, judge_tokens
from voicesim.analysis.levels import levels
from voicesim.audio import SAMPLE_RATE
from voicesim.audio.decode import Reading
from voicesim.audio.files import iter_audio_blocks, probe, to_mono
from voicesim.listen.endpoint import without_closing_phrase
from voicesim.results import AnalysisResult, AudioInfo, Transcript, Word
from voicesim.scoring.score import score_answer

if TYPE_CHECKING:
    from voicesim.packs import Question
    from voicesim.scoring.rubric import Rubric
    from voicesim.transcribe import Transcriber


BLOCK_S = 600.0
"""Long files are transcribed and measured in blocks of about this many seconds.

An answer (30 s to 10 min) is one block, so Whisper decodes it in one call exactly as
plain faster-whisper does: no decoder restart and no context lost mid-answer (two 120-s
blocks made a 159-s answer 1.27× plain's time). Longer recordings are cut at the quietest
moment near each 10 minutes, and each block's decode is prompted with the end of the text
before it. Memory stays bounded by the block: 10 min of 16 kHz float32 is 38 MB, its
log-mel spectrogram 19 MB; frame features are computed 10 s at a time."""

FEATURE_THREADS = min(4, os.cpu_count() or 1)
"""Threads for the frame features when nothing else runs beside them: a practice answer
whose words were decoded while it was spoken, or samples analysed in memory. Beside a
Whisper decode they take one thread, since the decode keeps the cores busy."""

PROMPT_CHARS = 200
"""How much of the previous block's text (characters) prompts the next block's decode."""

Progress = Callable[[float, float], None]
"""Called with (seconds done, total seconds) while a file is analysed."""


def analyze_samples(
    samples: np.ndarray,
    sr: int,
    *,
    rubric: Rubric,
    transcriber: Transcriber | None = None,
    transcript: Transcript | None = None,
    path: str = "",
    question: Question | None = None,
    response_latency_s: float | None = None,
    long_pause_s: float = 2.0,
) -> AnalysisResult:
    """Analyse an answer held in memory (mono float samples at sr Hz).

    ``transcript`` may be precomputed (live transcription in practice mode); otherwise
    ``transcriber`` transcribes the samples (one of the two is required).
    """
    if transcript is None and transcriber is None:
        raise ValueError("analyze_samples needs a transcriber or a transcript")
    samples = to_mono(samples, sr)
    frames = frame_features(samples, SAMPLE_RATE, threads=FEATURE_THREADS)  # before any decode
    judged: list[Judged] = []
    if transcript is None:
        assert transcriber is not None
        transcript = transcriber.transcribe(samples)
    if transcriber is not None:  # precomputed words are judged the same way
        judged = _judge_block(transcriber, samples, frames, transcript.words, 0.0)
    info = AudioInfo(path, round(len(samples) / SAMPLE_RATE, 3), sr)
    return _finish(
        info, frames, transcript, question, rubric, response_latency_s, long_pause_s, judged
    )


def analyze_file(
    path: str | Path,
    *,
    transcriber: Transcriber | None,
    rubric: Rubric,
    question: Question | None = None,
    progress: Progress | None = None,
    long_pause_s: float = 2.0,
    transcript: Transcript | None = None,
    response_latency_s: float | None = None,
    frames: Frames | None = None,
    scores: WindowScores | None = None,
) -> AnalysisResult:
    """Analyse an audio file block by block (bounded memory for hour-long recordings).

    ``transcript`` may be precomputed (practice's live transcript of the same file, word
    times from the file's start): then nothing is transcribed (``transcriber`` may be
    None), and everything else is what ``analyze`` does with the file. ``frames`` may be
    too (practice's :class:`~voicesim.analysis.feature_stream.FeatureStream` of the samples
    the file was written from): they are used when the file is one block of exactly that
    many frames, and computed from the file otherwise. ``scores``: the filler judge's
    windows already scored from those samples (practice's
    :class:`~voicesim.analysis.ahead.JudgeAhead`), used on the same condition. Raises
    AudioError for a file that cannot be used; ModelError for a model that fails.
    """

    info = probe(path)
    if transcript is None and transcriber is None:
        raise ValueError("analyze_file needs a transcriber or a transcript")
    parts: list[Frames] = []
    words: list[Word] = []
    judged: list[Judged] = []
    done = 0.0
    reading = Reading()
    # The frame features (and librosa's first import, about 0.2 s of scipy loading)
    # run in a second thread while Whisper decodes the block, which releases the GIL.
    threads = 1 if transcript is None else FEATURE_THREADS  # one beside a decode
    with ThreadPoolExecutor(max_workers=1) as pool:
        for offset, block in iter_audio_blocks(path, block_s=BLOCK_S, reading=reading):
            known = None
            if (
                offset == 0
                and frames is not None
                and len(frames) == frame_count(len(block), SAMPLE_RATE)
            ):
                features = _done(frames)  # a second block would not match the whole file's
                known = scores
            else:
                features = pool.submit(
                    frame_features, block, SAMPLE_RATE, offset=offset, threads=threads
                )
            if offset == 0 and transcriber is not None:
                # The judge's filler tokens, read from the 51k-token vocabulary (0.07 s),
                # while Whisper decodes, not after it.
                pool.submit(judge_tokens, transcriber)
            if transcript is None:
                assert transcriber is not None
                # The text so far carries Whisper's context across the cut (as in one decode).
                prompt = " ".join(w.text for w in words[-60:])[-PROMPT_CHARS:] or None
                block_words = transcriber.transcribe(block, offset=offset, prompt=prompt).words
                words.extend(block_words)
            else:
                end = offset + len(block) / SAMPLE_RATE
                block_words = [w for w in transcript.words if offset <= w.start < end]
            parts.append(features.result())
            if transcriber is not None:  # practice's live words are judged the same way
                judged += _judge_block(transcriber, block, parts[-1], block_words, offset, known)
            done = offset + len(block) / SAMPLE_RATE
            if progress:
                progress(done, max(info.duration_s, done))
    if transcript is None:
        transcript = Transcript(text=" ".join(w.text for w in words), words=words)
    info = AudioInfo(str(path), round(done, 3), info.sample_rate)
    result = _finish(
        info,
        Frames.concat(parts),
        transcript,
        question,
        rubric,
        response_latency_s,
        long_pause_s,
        judged,
    )
    result.delivery.warnings.extend(reading.warnings())  # damage, a flipped channel, streams
    return result


def _done(frames: Frames) -> Future[Frames]:
    """Frames already computed, in the shape of a submitted computation."""
    done: Future[Frames] = Future()
    done.set_result(frames)
    return done


def _judge_block(
    transcriber: Transcriber,
    samples: np.ndarray,
    frames: Frames,
    words: list[Word],
    offset: float,
    scores: WindowScores | None = None,
) -> list[Judged]:
    """Filled-pause candidates of one block judged by Whisper, the detector's own
    filled pauses among them (so the decision can veto those Whisper hears as words)."""
    if not words:
        return []
    extra, known = judge_spans(frames, words)
    return judge(
        transcriber, samples, frames, words, offset=offset, extra=extra, known=known, scores=scores
    )


def judge_spans(
    frames: Frames, words: list[Word]
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """The block's spans the judge treats apart: the acoustic detector's filled pauses
    (scored for its veto) and the filled pauses Whisper wrote (not scored)."""
    marked, written = transcript_fillers(words)
    found = acoustic_candidates(frames, levels(frames).threshold_db, marked)
    extra = [(c.start, c.end) for c in found if c.confirmed]
    known = [(f.start, f.end) for f in written if f.kind == "filled_pause"]
    return extra, known


def _finish(
    info: AudioInfo,
    frames: Frames,
    transcript: Transcript,
    question: Question | None,
    rubric: Rubric,
    latency: float | None,
    long_pause_s: float,
    judged: list[Judged] | None = None,
) -> AnalysisResult:
    # "…that's my answer" ends the turn; it is not part of the answer's words or time.
    transcript, cut = without_closing_phrase(transcript)
    if cut is not None:
        frames = frames.before(cut)
    transcript, delivery = measure_answer(
        frames,
        transcript,
        # The rubric owns the monotone threshold; the delivery's flag follows it.
        monotone_st=rubric.spec("pitch_variation").num("monotone_semitones"),
        long_pause_s=long_pause_s,
        response_latency_s=latency,
        judged=judged,
    )
    score = score_answer(transcript, delivery, question=question, rubric=rubric)
    return AnalysisResult(audio=info, transcript=transcript, delivery=delivery, score=score)
