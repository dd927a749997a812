"""Stage: the filler judge's question to Whisper, one short window at a time.

``filler_judge`` chooses the spans worth asking about; here each span's window is cut from
the samples alone, turned into Whisper's log-mel, and Whisper is asked for one token after
a prompt of fillers: the probability that it opens with a filled pause. A window's score
depends only on its samples, so scores are kept by sample range (:class:`WindowScores`)
and practice scores most of them while the answer is still spoken (``ahead.JudgeAhead``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import numpy as np

from voicesim.audio import SAMPLE_RATE
from voicesim.models import storage_view
from voicesim.text import is_filled_pause

if TYPE_CHECKING:
    from voicesim.analysis.filler_context import ContextKey
    from voicesim.transcribe import Transcriber

JUDGE_PROMPT = "Um... uh... um, uh, hmm, uh... um."
"""Previous text for the filler judge: after it Whisper writes a filled pause it hears
(real fillers score 0.5–0.96); with no prompt, or "Umm, let me think, uh, hmm.", it
almost never gives one over 0.3 (measured on the 11 real clips)."""
JUDGE_WINDOW_S = 2.0
JUDGE_LEAD_S = 0.1
JUDGE_TAIL_S = 0.1
"""A judged span is cut out with this much audio before and after it (s) and padded with
silence to the window: audio after a filler (the next word) drowns it in Whisper's first
token (isolated windows: 8 hits / 0 false on the real set; 2 s of context: 8 / 5)."""
JUDGE_BATCH = 16


def filler_probabilities(
    transcriber: Transcriber,
    samples: np.ndarray,
    spans: Sequence[tuple[float, float]],
    *,
    offset: float = 0.0,
    scores: WindowScores | None = None,
) -> list[float]:
    """For each span (start, end; s, minus ``offset`` into samples), the probability
    (0–1) that Whisper opens it with a filled pause ("um", "uh", "hmm", "er"…).

    Each span is cut out alone (JUDGE_LEAD_S before, JUDGE_TAIL_S after, zero-padded
    to JUDGE_WINDOW_S), all windows are encoded in batches, and Whisper is asked for
    one token after a prompt of fillers: the softmax mass of the filled-pause tokens.
    Short windows: the encoder's attention is quadratic, so ten 2-s windows cost
    about a sixth of one 30-s window (measured 0.11 vs 0.67 CPU-s with tiny.en).
    A window found in ``scores`` is not scored again; the others are added to it.
    """
    if not spans:
        return []
    x = np.asarray(samples, dtype=np.float32)
    cuts = window_cuts(spans, len(x), offset=offset)
    known = scores if scores is not None else WindowScores()
    todo = sorted({c for c in cuts if c not in known})
    for i in range(0, len(todo), JUDGE_BATCH):
        part = todo[i : i + JUDGE_BATCH]
        known.update(zip(part, score_windows(transcriber, x, part), strict=True))
    return [known[c] for c in cuts]


def window_cuts(
    spans: Sequence[tuple[float, float]], n_samples: int, *, offset: float = 0.0
) -> list[tuple[int, int]]:
    """The samples [first, end) each span's window is cut from, of ``n_samples`` samples
    starting ``offset`` s into the recording: JUDGE_LEAD_S before the span to JUDGE_TAIL_S
    after it, at most JUDGE_WINDOW_S."""
    most = round(JUDGE_WINDOW_S * SAMPLE_RATE)
    cuts = []
    for a, b in spans:
        s = max(0, round((a - offset - JUDGE_LEAD_S) * SAMPLE_RATE))
        e = min(s + most, max(s, round((b - offset + JUDGE_TAIL_S) * SAMPLE_RATE)), n_samples)
        cuts.append((min(s, e), e))
    return cuts


class WindowScores(dict[tuple[int, int], float]):
    """Judge scores of one recording's windows, by (first, end) sample.

    A window's score depends only on its samples: the same window scores the same alone or
    in any batch (checked bit for bit by the tests). So practice scores the windows of
    the stretches already transcribed while the person is still speaking
    (:class:`voicesim.analysis.ahead.JudgeAhead`), and the analysis of the stored file
    scores only the windows left: the same scores, sooner. The filled pauses' context
    scores (filler_context) are kept beside them, in ``context``, for the same reason.
    """

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.context: dict[ContextKey, float] = {}

    def copy(self) -> WindowScores:
        """A copy, context scores too."""
        out = WindowScores(self)
        out.context.update(self.context)
        return out


def score_windows(
    transcriber: Transcriber, samples: np.ndarray, cuts: Sequence[tuple[int, int]]
) -> list[float]:
    """The filled-pause probability of each window ``samples[first:end]``, in one batch."""
    if not cuts:
        return []
    model = transcriber.model
    fe = model.feature_extractor
    frames = round(JUDGE_WINDOW_S * SAMPLE_RATE / fe.hop_length)
    prompt, filler_ids = judge_tokens(transcriber)
    scores: list[float] = []
    feats = [window_mel(fe, samples[a:b], frames) for a, b in cuts]
    enc = model.model.encode(storage_view(np.stack(feats)), to_cpu=False)
    results = model.model.generate(
        enc,
        [prompt] * len(feats),
        beam_size=1,
        # Measured: this length returns exactly one generated token's logits (the same
        # values); len(prompt) + 1 ran a second decoder step in some windows.
        max_length=len(prompt),
        suppress_blank=False,
        return_logits_vocab=True,
    )
    for r in results:
        logits = np.asarray(r.logits[0][0], dtype=np.float64).ravel()
        p = np.exp(logits - logits.max())
        scores.append(float(p[filler_ids].sum() / p.sum()))
    return scores


def window_mel(fe: Any, audio: np.ndarray, frames: int) -> np.ndarray:
    """Whisper's normalised log-mel of ``audio`` followed by silence, ``frames`` long.

    The same as the feature extractor ``fe`` on the zero-padded window, but the spectrum
    is computed over the audio only (a candidate is about 0.5 s of a 2-s window): past
    the audio every frame is silence, log10(1e-10) = -10 before normalisation.
    """
    buf = np.zeros(len(audio) + fe.n_fft + fe.hop_length, dtype=np.float32)
    buf[: len(audio)] = audio
    window = np.hanning(fe.n_fft + 1)[:-1].astype(np.float32)
    spec = fe.stft(buf, fe.n_fft, fe.hop_length, window=window, return_complex=True)
    power = np.abs(spec[..., :-1]) ** 2
    mel = np.log10(np.clip(fe.mel_filters @ power, 1e-10, None))
    out = np.full((mel.shape[0], frames), -10.0, dtype=np.float32)
    k = min(frames, mel.shape[1])
    out[:, :k] = mel[:, :k]
    out = np.maximum(out, out.max() - 8.0)
    return (out + 4.0) / 4.0


_TOKENS: WeakKeyDictionary[Transcriber, tuple[list[int], list[int]]] = WeakKeyDictionary()


def judge_tokens(transcriber: Transcriber) -> tuple[list[int], list[int]]:
    """The judge's prompt tokens and the filled-pause token ids (built once per model)."""
    if transcriber not in _TOKENS:
        tok = transcriber.tokenizer()
        prompt = [tok.sot_prev, *tok.encode(" " + JUDGE_PROMPT)]
        prompt += [*tok.sot_sequence, tok.no_timestamps]
        # Every single-token spelling of a filled pause by the one definition
        # (text.is_filled_pause), except the "mm" family: a listener's "mm" is as often a
        # yes (a backchannel, as "mm-hmm" is) as a hesitation. Read from the vocabulary's
        # byte-level strings ("Ġum" is " um"; a letter is its own byte): decoding each of the
        # 50k tokens took 0.4 s of a cold `voicesim analyze`, this 0.06 s, with the same 45 ids.
        ids = []
        for piece, token_id in tok.tokenizer.get_vocab().items():
            text = piece.removeprefix("Ġ")
            word = token_id < tok.eot and text.isascii() and text.isalpha()
            if word and is_filled_pause(text) and not text.lower().startswith("m"):
                ids.append(token_id)
        ids.sort()
        _TOKENS[transcriber] = (prompt, ids)
    return _TOKENS[transcriber]
