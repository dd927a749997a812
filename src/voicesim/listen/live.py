"""Live transcription of a turn: closed stretches of speech, and quick probes of the last words.

:class:`LiveTranscriber` runs one background thread on the Whisper model: each stretch of
speech the listener closes is transcribed there (newest first), and at each pause the
last few seconds are decoded on their own (:func:`quick_decode`) so end-pointing knows the
last words within a few hundred milliseconds, without waiting for the whole stretch.
"""

from __future__ import annotations

import threading

import numpy as np

from voicesim.listen.endpoint import closing_phrase_length
from voicesim.listen.voice_commands import decode_command
from voicesim.results import Transcript
from voicesim.transcribe import Transcriber

UTTERANCE_TOKENS = 24
"""Most tokens decoded from an utterance probed alone (a closing phrase needs 3–6)."""


def quick_decode(transcriber: Transcriber, samples: np.ndarray, *, max_tokens: int = 92) -> str:
    """The words in a few seconds of 16 kHz audio, decoded fast (``Transcriber.quick_text``)."""
    return transcriber.quick_text(samples, max_tokens=max_tokens)


class LiveTranscriber:
    """Transcribes closed stretches of a turn in a background thread.

    A probe goes first, then the newest stretch: end-pointing needs the words just said,
    and on a busy machine a backlog should delay the full transcript, not the end of the
    turn.
    """

    def __init__(self, transcriber: Transcriber) -> None:
        self._transcriber = transcriber
        # samples, offset (a probe: its key), kind, and a probe's last utterance alone
        self._jobs: list[tuple[np.ndarray, float, str, np.ndarray | None]] = []
        self._offsets: list[float] = []  # every submitted stretch, in order
        self._results: dict[float, Transcript] = {}
        self._commands: dict[float, str | None] = {}
        self._probes: dict[float, str] = {}
        self._error: BaseException | None = None
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="live-transcribe", daemon=True)
        self._thread.start()

    def submit(self, samples: np.ndarray, offset_s: float, *, command_check: bool) -> None:
        """Queue 16 kHz samples starting ``offset_s`` seconds into the turn.

        With ``command_check`` the stretch is first decoded as a possible voice command.
        """
        with self._cond:
            kind = "command" if command_check else "stretch"
            self._jobs.append((samples, offset_s, kind, None))
            self._offsets.append(offset_s)
            self._cond.notify_all()

    def probe(self, samples: np.ndarray, key: float, *, alone: np.ndarray | None = None) -> None:
        """Queue a quick decode of the last words (16 kHz); its text is :meth:`probed` (key).

        ``alone``: the last utterance by itself, decoded first; if it is a closing phrase
        of two words or more ("I'm done", "that's my answer") that is the probe's text.
        Inside the longer window Whisper sometimes drops a short last sentence (measured
        through the rig: "…every Monday. I'm done." came out "…every Monday." and the
        phrase ended the turn only with the full decode, 1.6–2.4 s late, in 9 of 20
        trials); on its own it is heard. A one-word closing ("done") is not taken from
        an utterance alone, where it may be the end of a hesitant sentence.

        A probe not yet started is dropped when a newer one comes: only the latest pause
        matters, and on a busy machine stale probes would only delay it.
        """
        with self._cond:
            self._jobs = [j for j in self._jobs if j[2] != "probe"]
            self._jobs.append((samples, key, "probe", alone))
            self._cond.notify_all()

    def probed(self, key: float) -> str | None:
        """The text of the probe submitted with ``key``, or None while it is not done."""
        with self._cond:
            return self._probes.get(key)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._jobs) or self._closed)
                if self._closed:
                    return
                samples, offset, kind, alone = self._jobs.pop(self._next_job())
            if kind == "probe":
                self._run_probe(samples, offset, alone)
                continue
            command = None
            part = Transcript(text="")
            try:
                if kind == "command":
                    command = decode_command(self._transcriber, samples)
                if command is None:
                    part = self._transcriber.transcribe(samples, offset=offset)
            except Exception as e:  # surfaced to the listener by transcript()
                self._error = e
            with self._cond:
                self._commands[offset] = command
                self._results[offset] = part
                self._cond.notify_all()

    def _next_job(self) -> int:
        """Index of the job to run next: a probe first, else the newest stretch.

        A probe is what the end decision waits for; behind a stretch's full decode (a
        second of CPU, several on a loaded machine) it came too late to end the turn on
        "that's my answer" (measured: 12 of 20 closing phrases ended by silence instead).
        """
        probes = [i for i, job in enumerate(self._jobs) if job[2] == "probe"]
        return probes[-1] if probes else len(self._jobs) - 1

    def _run_probe(self, samples: np.ndarray, key: float, alone: np.ndarray | None) -> None:
        text = None
        try:
            if alone is not None:
                said = quick_decode(self._transcriber, alone, max_tokens=UTTERANCE_TOKENS)
                if closing_phrase_length(said.split()) >= 2:
                    text = said
            if text is None:
                text = quick_decode(self._transcriber, samples)
        except Exception:  # a failed probe only means end-pointing waits for the stretch
            text = None
        if text is not None:
            with self._cond:
                self._probes[key] = text
                self._cond.notify_all()

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
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=60)
