"""Live transcription of a turn: closed stretches of speech, and quick probes of the last words.

:class:`LiveTranscriber` runs two background threads on the Whisper model: one
transcribes each stretch of speech the listener closes (newest first); the other, at each
pause, decodes the last few seconds on their own (:func:`quick_decode`) so end-pointing
knows the last words within a few hundred milliseconds. With a transcriber of two workers
the two run at once, so a probe never waits behind a stretch's decode.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import numpy as np

from voicesim.listen.endpoint import closing_phrase_length
from voicesim.listen.voice_commands import could_be_command, decode_command
from voicesim.results import Transcript, Word
from voicesim.text import LOOP_RATIO, compression_ratio
from voicesim.transcribe import Transcriber

UTTERANCE_TOKENS = 24
"""Most tokens decoded from an utterance probed alone (a closing phrase needs 3–6)."""


def quick_decode(transcriber: Transcriber, samples: np.ndarray, *, max_tokens: int = 92) -> str:
    """The words in a few seconds of 16 kHz audio, decoded fast (``Transcriber.quick_text``)."""
    return transcriber.quick_text(samples, max_tokens=max_tokens)


@dataclass
class _Draft:
    samples: np.ndarray
    offset: float
    started: bool = False
    promoted: bool = False
    unusable: bool = False
    result: Transcript | None = None
    command_samples: np.ndarray | None = None  # promoted as a possible voice command

    def full_job(self) -> _Job:
        """The promoted stretch decoded in full (the draft's one pass unusable or not yet
        run): all of it, checked as a command first when it was promoted as one."""
        if self.command_samples is not None:
            return _Job(self.command_samples, self.offset, True)
        return _Job(self.samples, self.offset, False)


@dataclass
class _Job:
    """A closed stretch to decode. With ``command_check`` it is first decoded as a possible
    voice command; ``drafted`` (its draft's words) is then its transcript when it is none."""

    samples: np.ndarray
    offset: float
    command_check: bool
    drafted: Transcript | None = None


@dataclass(frozen=True)
class Probed:
    """What a probe heard: the last words, and whether they are a closing phrase heard in
    the last utterance decoded alone (then the phrase is all that utterance held).

    ``looped``: the quick decode went round in a loop ("any z, er, any z, er, er, er, …"
    on a real clip's murmur): Whisper would reject it (compression ratio over 2.4), and
    end-pointing reads the stretches' words instead. Its trailing "er" once held a
    finished answer open for the 6-s unfinished-sentence wait.
    """

    text: str
    closing_alone: bool = False
    looped: bool = False
    alone: tuple[str, ...] = ()
    """What the last utterance decoded alone read as (each cut), when it was no closing."""

    @property
    def misheard_closing(self) -> bool:
        """True when the window ends on a closing phrase of two words or more and the last
        utterance, decoded alone, held no more words than that phrase: it was the phrase,
        misheard alone ("I'm done." read "I turn." in both cuts, through the rig). Decoding
        the utterance again with the answer's last stretch held the tip 0.9 s after the end."""
        n = closing_phrase_length(self.text.split())
        return (
            n >= 2
            and not self.looped
            and bool(self.alone)
            and all(len(t.split()) <= n for t in self.alone)
        )


def unlooped(text: str) -> str:
    """``text`` without Whisper's loop on it: "Next question. Next question. Next" (a short
    utterance decoded alone, cut at the token bound) is "Next question."; else as is."""
    sentences = re.split(r"(?<=[.?!])\s+", text.strip())
    first = sentences[0]
    key = re.sub(r"[^a-z ]+", "", first.lower()).strip()
    rest = [re.sub(r"[^a-z ]+", "", t.lower()).strip() for t in sentences[1:]]
    if len(sentences) > 1 and key and all(t and key.startswith(t) for t in rest):
        return first
    return text


class LiveTranscriber:
    """Transcribes closed stretches of a turn, and probes the last words, in the background.

    Stretches: the newest first (end-pointing needs the words just said; on a busy machine
    a backlog should delay the full transcript, not the end of the turn). Probes: only the
    latest is kept, in a thread of its own.

    A *draft* is a stretch decoded early, at a short pause, while the stretch goes on: if
    the speaker says nothing more before it is closed (or only a closing phrase, which the
    probe heard), the listener :meth:`promote` s it and the stretch needs no decode of its
    own; if they go on, it is dropped and the whole stretch is decoded as before. Cutting
    stretches at every sentence instead cost words (decoded without the context around
    them, live-transcript WER on the real clips 0.528 → 0.555, rendered 0.153 → 0.173).
    """

    def __init__(self, transcriber: Transcriber) -> None:
        self._transcriber = transcriber
        self._jobs: list[_Job] = []
        self._probe_job: tuple[np.ndarray, float, list[np.ndarray]] | None = None
        self._offsets: list[float] = []  # every submitted stretch, in order
        self._results: dict[float, Transcript] = {}
        self._commands: dict[float, str | None] = {}
        self._probes: dict[float, Probed] = {}
        self._draft: _Draft | None = None
        self._error: BaseException | None = None
        self._cond = threading.Condition()
        self._closed = False
        self._threads = [
            threading.Thread(target=self._run, name="live-transcribe", daemon=True),
            threading.Thread(target=self._run_probes, name="live-probe", daemon=True),
        ]
        for t in self._threads:
            t.start()

    def submit(self, samples: np.ndarray, offset_s: float, *, command_check: bool) -> None:
        """Queue 16 kHz samples starting ``offset_s`` seconds into the turn.

        With ``command_check`` the stretch is first decoded as a possible voice command.
        """
        with self._cond:
            self._jobs.append(_Job(samples, offset_s, command_check))
            self._offsets.append(offset_s)
            self._cond.notify_all()

    def draft(self, samples: np.ndarray, offset_s: float) -> None:
        """Decode the stretch so far (starting ``offset_s``) early; at most one at a time."""
        with self._cond:
            if self._draft is None:
                self._draft = _Draft(samples, offset_s)
                self._cond.notify_all()

    @property
    def drafting(self) -> bool:
        """True while a draft is queued, being decoded or waiting to be promoted or dropped."""
        with self._cond:
            return self._draft is not None

    def promote(self, offset_s: float, *, command_samples: np.ndarray | None = None) -> bool:
        """Take the draft starting ``offset_s`` as the stretch's transcript (it may still be
        decoding: the stretch is pending until it is). False when there is no such draft,
        or when its one pass was not good enough (the stretch is then decoded in full).

        ``command_samples``: the stretch as closed, a short utterance that may be a voice
        command. Unless the draft heard more words than a command holds, it is still
        decoded as one (decode_command); when it is none, the draft's words are its
        transcript, not a second full decode of the same speech. Both decodes after a
        one-sentence answer held the tip 0.4-0.7 s after "That's it." ended the turn.
        """
        with self._cond:
            d = self._draft
            if d is None or d.offset != offset_s or d.unusable:
                return False
            self._draft = None
            self._offsets.append(offset_s)
            d.command_samples = command_samples
            if d.result is not None:
                self._file_draft(d.result, offset_s, command_samples)
            elif not d.started:  # still queued: it is the stretch, decoded as one
                self._jobs.append(d.full_job())
            else:
                d.promoted = True  # _run_draft files its result under the stretch
            self._cond.notify_all()
            return True

    def _file_draft(
        self, words: Transcript, offset: float, command_samples: np.ndarray | None
    ) -> None:
        """File a promoted draft's words under its stretch (caller holds the lock)."""
        if command_samples is not None and could_be_command(words.text):
            self._jobs.append(_Job(command_samples, offset, True, drafted=words))
        else:
            self._results[offset] = words
            self._commands[offset] = None

    def drop_draft(self) -> None:
        """Forget the draft (the speaker went on: the stretch will be decoded whole)."""
        with self._cond:
            self._draft = None

    def probe(
        self, samples: np.ndarray, key: float, *, alone: list[np.ndarray] | None = None
    ) -> None:
        """Queue a quick decode of the last words (16 kHz); its result is :meth:`probed` (key).

        ``alone``: the last utterance by itself, cut at two points before its onset,
        decoded first (one batch); if either is a closing phrase of two words or more ("I'm
        done", "that's my answer") that is the probe's text. Inside the longer window
        Whisper sometimes drops a short last sentence (measured through the rig: "…every
        Monday. I'm done." came out "…every Monday." and the phrase ended the turn only with
        the full decode, 1.6–2.4 s late, in 9 of 20 trials); on its own it is heard, but
        Whisper is sensitive to where the audio starts: over five phrases cut at 4
        points 8 ms apart, one cut heard 16–19 of 20 ("I'm done" as "I turn"), two cuts
        0.15 s apart 19–20 of 20. A one-word closing ("done") is not taken from an
        utterance alone, where it may be the end of a hesitant sentence.

        A probe not yet started is dropped when a newer one comes: only the latest pause
        matters, and on a busy machine stale probes would only delay it.
        """
        with self._cond:
            self._probe_job = (samples, key, list(alone or []))
            self._cond.notify_all()

    def probed(self, key: float) -> Probed | None:
        """What the probe submitted with ``key`` heard, or None while it is not done."""
        with self._cond:
            return self._probes.get(key)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._jobs) or self._draft_due() or self._closed)
                if self._closed:
                    return
                if not self._jobs:  # a draft only when no stretch waits
                    draft = self._draft
                    assert draft is not None
                    draft.started = True
                else:
                    draft = None
                    job = self._jobs.pop()  # the newest stretch
            if draft is not None:
                self._run_draft(draft)
                continue
            command, part = None, Transcript(text="")
            try:
                command, part = self._decode(job)
            except Exception as e:  # surfaced to the listener by transcript()
                self._error = e
            with self._cond:
                self._commands[job.offset] = command
                self._results[job.offset] = part
                self._cond.notify_all()

    def _decode(self, job: _Job) -> tuple[str | None, Transcript]:
        """A closed stretch's voice command (when it is checked as one) and its words (its
        draft's, or decoded in full; none for a command)."""
        if job.command_check:
            command = decode_command(self._transcriber, job.samples)
            if command is not None:
                return command, Transcript(text="")
        if job.drafted is not None:
            return None, job.drafted
        return None, self._transcriber.transcribe(job.samples, offset=job.offset, bounded=True)

    def _draft_due(self) -> bool:
        return self._draft is not None and not self._draft.started

    def _run_draft(self, d: _Draft) -> None:
        # One pass, no fallbacks: a draft may be thrown away, and on murmur the fallbacks
        # held the stretch worker for seconds.
        try:
            part = self._transcriber.transcribe_once(d.samples, offset=d.offset, bounded=True)
        except Exception:  # as if unusable: the stretch is decoded in full, errors and all
            part = None
        with self._cond:
            if part is None:
                d.unusable = True
                if d.promoted:  # decode the stretch (all of it is in the draft) in full
                    self._jobs.append(d.full_job())
            else:
                d.result = part
                if d.promoted:
                    self._file_draft(part, d.offset, d.command_samples)
            self._cond.notify_all()

    def _run_probes(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._probe_job is not None or self._closed)
                if self._closed or self._probe_job is None:
                    return
                samples, key, alone = self._probe_job
                self._probe_job = None
            found = self._probe(samples, alone)
            if found is not None:
                with self._cond:
                    self._probes[key] = found
                    self._cond.notify_all()

    def _probe(self, samples: np.ndarray, alone: list[np.ndarray]) -> Probed | None:
        try:
            lone: list[str] = []
            if alone:
                said = self._transcriber.quick_texts(alone, max_tokens=UTTERANCE_TOKENS)
                lone = [unlooped(t) for t in said]
                for text in lone:
                    if closing_phrase_length(text.split()) >= 2:
                        return Probed(text, closing_alone=True)
            text = quick_decode(self._transcriber, samples)
            return Probed(text, looped=compression_ratio(text) > LOOP_RATIO, alone=tuple(lone))
        except Exception:  # a failed probe only means end-pointing waits for the stretch
            return None

    def _pending(self) -> int:
        return len(self._offsets) - len(self._results)

    @property
    def idle(self) -> bool:
        """True when every submitted stretch has been transcribed."""
        with self._cond:
            return self._pending() == 0

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until idle (or ``timeout`` seconds); returns whether it is idle."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending() == 0, timeout)

    def wait_briefly(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for any decode (stretch or probe) to finish."""
        with self._cond:
            self._cond.wait(timeout)

    def tail(self) -> tuple[str | None, str | None]:
        """The latest words and the command in them, as far as end-pointing needs them.

        The text of the newest stretch that holds words, provided every stretch after it
        is done; "" when every stretch is done and none holds words; None while unknown.
        """
        with self._cond:
            for offset in reversed(self._offsets):
                part = self._results.get(offset)
                if part is None:
                    return None, None
                command = self._commands.get(offset)
                if part.text.strip() or command:
                    return part.text, command
        return "", None

    def settled(self, known: int = 0) -> tuple[int, float, list[Word]] | None:
        """The stretches decoded so far with none before them still pending: how many, the
        start of the last (s) and their words; None while that is still ``known`` of them."""
        with self._cond:
            n = 0
            for offset in self._offsets:
                if offset not in self._results:
                    break
                n += 1
            if n <= known:
                return None
            settled = self._offsets[:n]
            words = [w for offset in settled for w in self._results[offset].words]
        return n, settled[-1], words

    def transcript(self) -> Transcript:
        """Everything transcribed so far, joined in time order."""
        if self._error is not None:
            raise self._error
        with self._cond:
            parts = [self._results[o] for o in sorted(self._results)]
        words = [w for p in parts for w in p.words]
        text = " ".join(p.text.strip() for p in parts if p.text.strip())
        return Transcript(text=text, words=words)

    def close(self) -> None:
        """Let the background thread end and wait for a decode in progress (idempotent).

        Waiting matters when an error ends the session: a thread still inside CTranslate2
        while the interpreter exits aborts the process ("terminate called…", SIGSEGV).
        """
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        for t in self._threads:
            if t is not threading.current_thread():
                t.join(timeout=60)
