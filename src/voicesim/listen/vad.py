"""Stage: voice activity. Streaming Silero VAD on 512-sample frames at 16 kHz.

Uses the Silero v6 ONNX model that faster-whisper ships (``faster_whisper/assets``), run
with onnxruntime one frame at a time so the listener knows within 32 ms whether someone
is speaking. A learned model, not an energy gate: a fan or keyboard clicks are loud but
are not speech, and must not hold a turn open.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime

from voicesim.audio import SAMPLE_RATE

FRAME = 512
"""Samples per VAD frame (32 ms at 16 kHz)."""

_CONTEXT = 64  # samples of the previous frame the model sees before each frame


def model_path() -> Path:
    """Path of the Silero VAD ONNX model inside the installed faster-whisper."""
    import faster_whisper  # lazy: heavy (ctranslate2); only its file location is needed

    return Path(faster_whisper.__file__).parent / "assets" / "silero_vad_v6.onnx"


@functools.cache
def _session() -> Any:
    """The ONNX session, loaded once per process (its run() is thread-safe)."""

    opts = onnxruntime.SessionOptions()
    opts.inter_op_num_threads = 1
    opts.intra_op_num_threads = 1
    opts.log_severity_level = 4
    return onnxruntime.InferenceSession(
        str(model_path()), providers=["CPUExecutionProvider"], sess_options=opts
    )


class SileroVAD:
    """Speech probability per 512-sample frame, with the model's state carried over.

    ``prob(frame)`` returns 0..1 for one frame; ``probs(samples)`` for a whole array
    (length cut down to a multiple of FRAME). ``reset()`` forgets the stream.
    """

    def __init__(self) -> None:
        self._session = _session()
        self.reset()

    def reset(self) -> None:
        """Forget everything heard so far (start of a new stream)."""
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(_CONTEXT, dtype=np.float32)

    def prob(self, frame: np.ndarray) -> float:
        """Speech probability (0..1) of one frame of FRAME samples, 16 kHz float32."""
        frame = np.asarray(frame, dtype=np.float32).reshape(-1)
        if frame.shape[0] != FRAME:
            raise ValueError(f"VAD frame must hold {FRAME} samples, got {frame.shape[0]}")
        x = np.concatenate([self._context, frame])[None, :]
        out, self._h, self._c = self._session.run(None, {"input": x, "h": self._h, "c": self._c})
        self._context = frame[-_CONTEXT:].copy()
        return float(np.asarray(out).reshape(-1)[0])

    def probs(self, samples: np.ndarray) -> np.ndarray:
        """Speech probability of each whole frame of ``samples`` (16 kHz), continuing the stream."""
        samples = np.asarray(samples, dtype=np.float32).reshape(-1)
        n = samples.shape[0] // FRAME
        return np.array([self.prob(samples[i * FRAME : (i + 1) * FRAME]) for i in range(n)])


@dataclass
class SpeechGate:
    """Hysteresis over frame probabilities: speech starts above ``on``, ends below ``off``.

    ``min_speech_s`` of consecutive speech frames is needed before speech counts as
    started, so a single click that fools the model for one frame does not open a turn.
    """

    on: float = 0.5
    off: float = 0.35
    min_speech_s: float = 0.16
    speaking: bool = False
    _run: int = 0

    def update(self, p: float) -> bool:
        """Feed one frame probability; returns True while in speech."""
        need = max(1, round(self.min_speech_s * SAMPLE_RATE / FRAME))
        if self.speaking:
            if p < self.off:
                self.speaking = False
                self._run = 0
        elif p >= self.on:
            self._run += 1
            if self._run >= need:
                self.speaking = True
        else:
            self._run = 0
        return self.speaking


def speech_regions(
    samples: np.ndarray, *, vad: SileroVAD | None = None
) -> list[tuple[float, float]]:
    """Speech stretches in 16 kHz audio as (start, end) seconds, by the streaming gate."""
    vad = vad or SileroVAD()
    vad.reset()
    gate = SpeechGate()
    need = max(1, round(gate.min_speech_s * SAMPLE_RATE / FRAME))
    regions: list[tuple[float, float]] = []
    start: float | None = None
    for i, p in enumerate(vad.probs(samples)):
        was = gate.speaking
        now = gate.update(float(p))
        if now and not was:
            start = (i + 1 - need) * FRAME / SAMPLE_RATE
        elif was and not now and start is not None:
            regions.append((start, i * FRAME / SAMPLE_RATE))
            start = None
    if start is not None:
        regions.append((start, (len(samples) // FRAME) * FRAME / SAMPLE_RATE))
    return regions
