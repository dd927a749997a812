"""The analyze pipeline: audio → transcript → delivery → score (SPEC §3).

Pure: the caller builds the Transcriber and loads the rubric once and passes them in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from voicesim.analysis.acoustics import Frames, frame_features
from voicesim.analysis.delivery import measure_answer
from voicesim.audio import SAMPLE_RATE
from voicesim.audio.files import iter_audio_blocks, probe, to_mono
from voicesim.listen.endpoint import without_closing_phrase
from voicesim.results import AnalysisResult, AudioInfo, Transcript, Word
from voicesim.scoring.score import score_answer

if TYPE_CHECKING:
    from voicesim.packs import Question
    from voicesim.scoring.rubric import Rubric
    from voicesim.transcribe import Transcriber


BLOCK_S = 120.0
"""Long files are transcribed and measured in blocks of about this many seconds.

Long enough that Whisper's 30-s windows are rarely cut short at block edges (30-s blocks
doubled the encoder passes), short enough to keep memory bounded: faster-whisper's VAD
runs a whole block in one batch (about 0.4 MB per second of audio)."""

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
    frames = frame_features(samples, SAMPLE_RATE)
    if transcript is None:
        assert transcriber is not None
        transcript = transcriber.transcribe(samples)
    info = AudioInfo(path, round(len(samples) / SAMPLE_RATE, 3), sr)
    return _finish(info, frames, transcript, question, rubric, response_latency_s, long_pause_s)


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
) -> AnalysisResult:
    """Analyse an audio file block by block (bounded memory for hour-long recordings).

    ``transcript`` may be precomputed (practice's live transcript of the same file, word
    times from the file's start): then nothing is transcribed (``transcriber`` may be
    None), and everything else is what ``analyze`` does with the file. Raises AudioError
    for a file that cannot be used; ModelError for a model that fails.
    """

    info = probe(path)
    if transcript is None and transcriber is None:
        raise ValueError("analyze_file needs a transcriber or a transcript")
    parts: list[Frames] = []
    words: list[Word] = []
    done = 0.0
    for offset, block in iter_audio_blocks(path, block_s=BLOCK_S):
        parts.append(frame_features(block, SAMPLE_RATE, offset=offset))
        if transcript is None:
            assert transcriber is not None
            words.extend(transcriber.transcribe(block, offset=offset).words)
        done = offset + len(block) / SAMPLE_RATE
        if progress:
            progress(done, max(info.duration_s, done))
    if transcript is None:
        transcript = Transcript(text=" ".join(w.text for w in words), words=words)
    info = AudioInfo(str(path), round(done, 3), info.sample_rate)
    frames = Frames.concat(parts)
    return _finish(info, frames, transcript, question, rubric, response_latency_s, long_pause_s)


def _finish(
    info: AudioInfo,
    frames: Frames,
    transcript: Transcript,
    question: Question | None,
    rubric: Rubric,
    latency: float | None,
    long_pause_s: float,
) -> AnalysisResult:
    # "…that's my answer" ends the turn; it is not part of the answer's words or time.
    transcript, cut = without_closing_phrase(transcript)
    if cut is not None:
        frames = _frames_before(frames, cut)
    transcript, delivery = measure_answer(
        frames, transcript, long_pause_s=long_pause_s, response_latency_s=latency
    )
    score = score_answer(transcript, delivery, question=question, rubric=rubric)
    return AnalysisResult(audio=info, transcript=transcript, delivery=delivery, score=score)


def _frames_before(frames: Frames, t: float) -> Frames:
    """The frames centred before ``t`` seconds."""
    n = max(0, min(len(frames), int((t - frames.offset) / frames.hop)))
    fields = ("rms_db", "f0", "clarity", "flux", "peak", "clipped")
    return replace(frames, **{f: getattr(frames, f)[:n] for f in fields})
