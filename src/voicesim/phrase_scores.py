"""How probable Whisper finds each of a few phrases for a short utterance: closed-set
recognition of voice commands.

A free decode of a lone word is Whisper's best guess among all of English ("skip" came
out "Cute!", "pardon" "Arden."); primed with the command words instead, it wrote them for
what was none and leaked the prompt ("stop the interview" read "Stop. End the interview.",
"Hmm." read "Pause."). Scoring each phrase against the audio asks the question directly:
how probable is "Skip." for this audio, beside the most probable reading Whisper finds on
its own? Both are full transcripts, end of text included, in Whisper's own 30-s window:
in a 5-s window Whisper rarely ended a short utterance ("Repeat Repeat Repeat …"), and
cut out of the 30-s encoding, the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from voicesim.models import storage_view

if TYPE_CHECKING:
    from collections.abc import Sequence

    from voicesim.transcribe import Transcriber

FREE_TOKENS = 40
"""Tokens at most in Whisper's own reading of the utterance (a command has under ten)."""


@dataclass(frozen=True)
class Heard:
    """A short utterance read freely and against the phrases (``closest_phrase``)."""

    text: str
    """Whisper's own reading (greedy, no prompt), cut where ending it was most probable."""
    logprob: float
    """That reading's log-probability, end of text included."""
    phrase: str | None = None
    """The most probable phrase, when it is within ``within`` of the reading and at least
    ``floor`` (``closest_phrase``)."""
    phrase_logprob: float = float("-inf")
    """That phrase's log-probability, end of text included."""


def closest_phrase(
    transcriber: Transcriber,
    samples: np.ndarray,
    phrases: Sequence[str],
    *,
    within: float,
    floor: float = float("-inf"),
) -> Heard:
    """Whisper's own reading of ``samples`` (16 kHz, under 30 s) and the most probable of
    ``phrases`` (written as Whisper writes them: " Skip.") if its log-probability is at
    most ``within`` under the reading's and at least ``floor``.

    Each phrase scored costs the decoder a pass over the 1500 encoder frames (about 0.05 s
    here), so phrases are bounded before they are scored, as no later token can make a
    phrase more probable: by their first token (read with Whisper's own first step), then,
    where many share one ("Skip.", "Skip it.", "Skip this question.", …), by their first two.
    """
    utterance = _Utterance(transcriber, samples)
    heard, first = utterance.read()
    if " " + heard.text in phrases and heard.logprob >= floor:  # its own reading is one
        return Heard(heard.text, heard.logprob, " " + heard.text, heard.logprob)
    least = max(heard.logprob - within, floor)
    tokens = {p: utterance.tok.encode(p) for p in phrases}
    alive = [p for p, t in tokens.items() if t and first[t[0]] >= least]
    heads = sorted({tokens[p][0] for p in alive})
    if len(alive) > 2 * len(heads):
        after = dict(zip(heads, utterance.steps([[h] for h in heads]), strict=True))
        alive = [p for p in alive if _path(tokens[p][:2], [first, after[tokens[p][0]][1]]) >= least]
    if not alive:
        return heard
    eot = utterance.tok.eot
    scored = utterance.steps([tokens[p] for p in alive])
    scores = [_path([*tokens[p], eot], s) for p, s in zip(alive, scored, strict=True)]
    top = int(np.argmax(scores))
    if scores[top] < least:
        return heard
    return Heard(heard.text, heard.logprob, alive[top], scores[top])


class _Utterance:
    """A short utterance encoded once in Whisper's 30-s window, read freely or forced."""

    def __init__(self, transcriber: Transcriber, samples: np.ndarray) -> None:
        self.model = transcriber.model.model
        self.tok = transcriber.tokenizer()
        fe = transcriber.model.feature_extractor
        mel = padded_mel(fe, samples, fe.nb_max_frames)[None]
        self.encoded = np.asarray(self.model.encode(storage_view(mel), to_cpu=True))
        self.start = [*self.tok.sot_sequence, self.tok.no_timestamps]

    def read(self) -> tuple[Heard, np.ndarray]:
        """Whisper's own reading (greedy) and its first step's log-probabilities."""
        free = self.model.generate(
            storage_view(self.encoded),
            [self.start],
            beam_size=1,
            max_length=len(self.start) + FREE_TOKENS,
            suppress_blank=False,
            return_logits_vocab=True,
        )[0]
        steps = [_log_softmax(s) for s in free.logits[0]]
        ids = [t for t in free.sequences_ids[0] if t < self.tok.eot]
        cut, logprob = _best_ending(steps, ids, self.tok.eot)
        return Heard(str(self.tok.decode(ids[:cut])).strip(), logprob), steps[0]

    def steps(self, prefixes: list[list[int]]) -> list[list[np.ndarray]]:
        """For each token prefix, forced in one batch: the log-probabilities over the
        vocabulary at each of its tokens and at the step after it."""
        batch = np.repeat(self.encoded, len(prefixes), axis=0)
        longest = max(len(t) for t in prefixes)
        results = self.model.generate(
            storage_view(batch),
            [self.start + t for t in prefixes],
            beam_size=1,
            # Measured (CTranslate2 4.x): a forced prefix of n tokens returns its n steps'
            # logits and the next one's only from a max_length of 2 (n + 1).
            max_length=2 * (longest + 1),
            suppress_blank=False,
            return_logits_vocab=True,
        )
        out = []
        for r, t in zip(results, prefixes, strict=True):
            logits = r.logits[0]
            if len(logits) <= len(t):
                raise RuntimeError(f"CTranslate2 returned {len(logits)} steps for {len(t)} tokens")
            out.append([_log_softmax(x) for x in logits[: len(t) + 1]])
        return out


def padded_mel(fe: Any, samples: np.ndarray, frames: int) -> np.ndarray:
    """Whisper's log-mel (feature extractor ``fe``) of ``samples`` cut or zero-padded to
    ``frames`` frames of ``fe.hop_length`` samples: the window Whisper's encoder is given
    (30 s here; a few seconds for ``Transcriber.quick_texts``)."""
    window = np.zeros(frames * fe.hop_length, dtype=np.float32)
    x = np.asarray(samples, dtype=np.float32)[: len(window)]
    window[: len(x)] = x
    return np.asarray(fe(window)[:, :frames])


def _best_ending(steps: list[np.ndarray], ids: list[int], eot: int) -> tuple[int, float]:
    """(tokens kept, log-probability) of the greedy reading ended where that is most
    probable: a reading that goes round in a loop is worth its first round."""
    cut, best, run = 0, float("-inf"), 0.0
    for k, step in enumerate(steps):
        if run + step[eot] > best:
            cut, best = k, run + float(step[eot])
        if k >= len(ids):
            break
        run += float(step[ids[k]])
    return cut, best


def _path(tokens: list[int], steps: list[np.ndarray]) -> float:
    """The log-probability of ``tokens`` read step by step (steps[k] for tokens[k])."""
    return float(sum(steps[k][t] for k, t in enumerate(tokens)))


def _log_softmax(logits: Any) -> np.ndarray:
    x = np.asarray(logits, dtype=np.float64).ravel()
    top = x.max()
    return x - top - np.log(np.exp(x - top).sum())
