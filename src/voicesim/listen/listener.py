"""Stage: listen — the state of one turn, frame by frame (voicesim.listen.turn runs it).

Each 32 ms frame goes through the streaming Silero VAD. Speech is cut into stretches at
pauses and each stretch is transcribed in a background thread as soon as it is closed,
so the words are known within a second of any pause: end-pointing reads them
(voicesim.listen.endpoint), short utterances are checked for voice commands
(voicesim.listen.voice_commands), and when the answer ends the transcript is already
(nearly) done. At every pause the last few seconds are also decoded quickly on their own
(a "probe", voicesim.listen.live), so a closing phrase ("that's my answer") or a trailing
"and, um" is known a few hundred milliseconds after it was said.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from voicesim.listen.endpoint import EndpointSettings, TurnState, closing_words, with_closing
from voicesim.listen.live import LiveTranscriber, Probed
from voicesim.listen.vad import FRAME, SAMPLE_RATE, SileroVAD, SpeechGate
from voicesim.listen.voice_commands import recognise
from voicesim.results import Transcript, Word
from voicesim.transcribe import Transcriber

ENDED_BY = ("silence", "phrase", "max", "no_speech", "command", "device_lost", "interrupted")


@dataclass
class ListenSettings:
    """How a turn is listened to. All times in seconds.

    Live transcription cuts speech into stretches at pauses: a ``long_pause`` closes any
    stretch (a possible end of the answer, whose words end-pointing needs), a
    ``cut_pause`` closes one that already holds ``min_chunk`` seconds, a stretch longer
    than ``max_chunk`` is cut at its quietest recent frame, and a short utterance (at most
    ``command_max_speech`` of speech, a possible command) is closed after
    ``command_pause``. Longer stretches give Whisper more context and cost fewer passes.
    At a ``cut_pause`` in a stretch of at least ``draft_chunk`` seconds, when no stretch is
    waiting for the transcriber and the pause's probe is done, the stretch up to
    ``cut_pause`` after its last word is decoded as a draft: if nothing but silence (or a
    closing phrase) follows, that is its transcript, ready when the answer ends.
    After ``probe_pause`` of silence the last ``probe_window`` seconds are decoded on
    their own for end-pointing, and before them the last utterance alone (speech after a
    pause of at least ``utterance_gap``) when it lasts at most ``probe_utterance``: a
    closing phrase said as a sentence of its own, which then is not decoded again (its
    words are the probe's). Once the turn has ended, the rest of the transcript is waited
    for at most ``final_wait``.
    """

    endpoint: EndpointSettings = field(default_factory=EndpointSettings)
    """When the answer ends (end_silence, max_answer…): end-pointing's own options, nested."""
    warn_before_end: float = 15.0
    commands: bool = True
    command_max_speech: float = 2.2
    command_pause: float = 0.6
    cut_pause: float = 0.4
    long_pause: float = 1.0
    min_chunk: float = 10.0
    draft_chunk: float = 2.0
    max_chunk: float = 20.0
    probe_pause: float = 0.25
    probe_window: float = 3.0
    utterance_gap: float = 0.3
    probe_utterance: float = 2.5
    final_wait: float = 60.0


@dataclass
class Turn:
    """One captured answer. Times in seconds from the start of ``audio`` (listen() start)."""

    audio: np.ndarray
    sample_rate: int
    speech_start_s: float | None
    speech_end_s: float | None
    ended_by: str
    command: str | None = None
    transcript: Transcript | None = None
    final_decode_s: float = 0.0
    ended_at_s: float = 0.0
    chunks: list[tuple[float, float]] = field(default_factory=list)
    warned_at_s: float | None = None
    """When the time warning was given (it may be heard in the audio), seconds."""

    @property
    def duration_s(self) -> float:
        return len(self.audio) / self.sample_rate


class Listener:
    """The state of one listen() call, frame by frame: stretches, probes, drafts, the end."""

    def __init__(self, settings: ListenSettings, transcriber: Transcriber | None) -> None:
        self.settings = settings
        self.vad = SileroVAD()
        self.gate = SpeechGate()
        self.live = LiveTranscriber(transcriber) if transcriber is not None else None
        self.blocks: list[np.ndarray] = []
        self.buffer = np.zeros(0, dtype=np.float32)
        self.audio = np.zeros(0, dtype=np.float32)
        self.probs: list[float] = []
        self.frames = 0
        self.speech_start: float | None = None
        self.last_speech = 0.0
        self.speech_s = 0.0  # seconds of frames in speech
        self.chunk_start: float | None = None  # start of the stretch not yet sent, s
        self.unsent_speech = False
        self.chunks: list[tuple[float, float]] = []
        self.warned_at: float | None = None  # when the time warning was given, s
        self.probed_at: float | None = None  # last_speech of the latest probe, s
        self.utterance_start: float | None = None  # where the latest utterance began, s
        self.utterance_after: float | None = None  # end of the speech before it, s
        self.draft_end: float | None = None  # end of the current stretch's draft, s

    @property
    def now(self) -> float:
        return self.frames * FRAME / SAMPLE_RATE

    def feed(self, block: np.ndarray) -> list[float]:
        """Add a block; returns the speech probability of each whole frame it completed."""
        self.blocks.append(block)
        self.buffer = np.concatenate([self.buffer, block])
        out = []
        while len(self.buffer) >= FRAME:
            frame, self.buffer = self.buffer[:FRAME], self.buffer[FRAME:]
            out.append(self._frame(frame))
        return out

    def _frame(self, frame: np.ndarray) -> float:
        p = self.vad.prob(frame)
        was = self.gate.speaking
        speaking = self.gate.update(p)
        self.frames += 1
        self.probs.append(p)
        if speaking:
            if not was:
                need = round(self.gate.min_speech_s * SAMPLE_RATE / FRAME)
                onset = max(0.0, self.now - (need + 1) * FRAME / SAMPLE_RATE)
                if self.speech_start is None:
                    self.speech_start = self.utterance_start = onset
                elif onset - self.last_speech >= self.settings.utterance_gap:
                    self.utterance_start = onset
                    self.utterance_after = self.last_speech
            if self.chunk_start is None:
                self.chunk_start = max(0.0, self.now - 0.5)
            self.unsent_speech = True
            self.last_speech = self.now
            self.speech_s += FRAME / SAMPLE_RATE
        self._maybe_cut(speaking)
        self._maybe_probe(speaking)
        return p

    def _maybe_probe(self, speaking: bool) -> None:
        s = self.settings
        if self.live is None or speaking or self.speech_start is None:
            return
        if self.probed_at == self.last_speech or self.now - self.last_speech < s.probe_pause:
            return
        self.probed_at = self.last_speech
        start = max(0.0, self.speech_start, self.last_speech - s.probe_window)
        alone = None
        begun = self.utterance_start
        if begun is not None and begun > start and self.last_speech - begun <= s.probe_utterance:
            # Cut 0.2 s before the onset the gate reports (the gate needs a few frames of
            # speech to open, and Whisper hears "I'm done" as "I don't" without them), and
            # again 0.15 s earlier where the pause allows: Whisper's reading of a short
            # utterance depends on where its audio starts (see LiveTranscriber.probe).
            before = 0.0 if self.utterance_after is None else self.utterance_after + 0.05
            cuts = sorted({max(0.0, begun - 0.2), max(0.0, before, begun - 0.35)}, reverse=True)
            if cuts[-1] > cuts[0] - 0.05:
                cuts = cuts[:1]
            alone = [self._samples(c, self.now) for c in cuts]
        self.live.probe(self._samples(start, self.now), self.last_speech, alone=alone)

    def _maybe_cut(self, speaking: bool) -> None:
        s = self.settings
        if self.chunk_start is None or not self.unsent_speech:
            return
        length = self.now - self.chunk_start
        if not speaking:
            pause = self.now - self.last_speech
            short = s.commands and self.speech_s <= s.command_max_speech
            if (
                pause >= s.long_pause
                or (pause >= s.cut_pause and length >= s.min_chunk)
                or (short and pause >= s.command_pause)
            ):
                self._send(self.now)
            elif pause >= s.cut_pause and length >= s.draft_chunk:
                self._maybe_draft()
        elif length >= s.max_chunk:
            # Cut at the least speech-like frame of the last 3 s, to split between words.
            recent = np.array(self.probs[-round(3.0 * SAMPLE_RATE / FRAME) :])
            back = len(recent) - int(np.argmin(recent)) - 1
            self._send(self.now - back * FRAME / SAMPLE_RATE)

    def _maybe_draft(self) -> None:
        """Decode the stretch so far early, if the transcriber has nothing else to do."""
        live = self.live
        if live is None or self.chunk_start is None or self.draft_end is not None:
            return
        if not live.idle or live.drafting:
            return
        if self.probed_at == self.last_speech and self._probed() is None:
            # The probe of this pause first: it decides whether the answer ended, and a
            # draft decoded beside it takes half the cores from it (each decode uses all).
            return
        # Up to cut_pause after the last word, however long it waited for the probe: a
        # draft cut later can reach into the next utterance's onset (a closing phrase 0.4 s
        # on), and then it no longer covers the stretch before it.
        end = min(self.now, self.last_speech + self.settings.cut_pause)
        live.draft(self._samples(self.chunk_start, end), self.chunk_start)
        self.draft_end = end

    def _send(
        self,
        end_s: float,
        *,
        spoken_until: float | None = None,
        resumed_at: float | None = None,
        command_check: bool | None = None,
    ) -> None:
        """Close the stretch at ``end_s``. Its draft is its transcript when the speech in it
        (up to ``spoken_until``, by default the last speech) ended before the draft did, and
        the draft ends before the speech after it (from ``resumed_at``, by default end_s).
        A stretch to check for a voice command (by default: a short utterance) is decoded
        as a possible command either way."""
        assert self.chunk_start is not None
        start = self.chunk_start
        drafted, self.draft_end = self.draft_end, None
        spoken = self.last_speech if spoken_until is None else spoken_until
        limit = end_s if resumed_at is None else resumed_at
        if command_check is None:
            command_check = (
                self.settings.commands and self.speech_s <= self.settings.command_max_speech
            )
        if self.live is not None and end_s > start:
            samples = self._samples(start, end_s)
            covered = drafted is not None and spoken <= drafted <= limit
            checked = samples if command_check else None
            if covered and self.live.promote(start, command_samples=checked):
                pass  # the draft heard everything said in the stretch
            else:
                if drafted is not None:
                    self.live.drop_draft()
                self.live.submit(samples, start, command_check=command_check)
        self.chunks.append((start, end_s))
        self.chunk_start = end_s
        self.unsent_speech = self.gate.speaking

    def _samples(self, start_s: float, end_s: float) -> np.ndarray:
        audio = self.all_audio()
        return audio[round(start_s * SAMPLE_RATE) : round(end_s * SAMPLE_RATE)].copy()

    def all_audio(self) -> np.ndarray:
        """Everything captured so far (16 kHz mono float32)."""
        if self.blocks:
            self.audio = np.concatenate([self.audio, *self.blocks])
            self.blocks = []
        return self.audio

    def state(self) -> TurnState:
        """What end-pointing needs to know now."""
        text: str | None = None
        command: str | None = None
        if self.live is not None and not self.unsent_speech:
            text, command = self.live.tail()
        if text is not None and self.settings.commands:
            if self.speech_s <= self.settings.command_max_speech:
                command = command or recognise(text)
            else:
                command = None
        started = self.speech_start is not None
        if started and text == "" and command is None:
            started = False  # the VAD fired on something that holds no words (a cough)
        probed = self._probed()
        return TurnState(
            now_s=self.now,
            speech_started=started,
            in_speech=self.gate.speaking,
            last_speech_s=self.last_speech,
            text=text,
            has_transcriber=self.live is not None,
            command=command,
            last_words=probed.text if probed is not None and not probed.looped else None,
        )

    def _probed(self) -> Probed | None:
        """What the probe of the current pause heard (None: no probe, or not done yet)."""
        if self.live is None or self.probed_at != self.last_speech:
            return None
        return self.live.probed(self.last_speech)

    def waiting_for_words(self, state: TurnState) -> bool:
        """True when the transcriber has not yet decoded words the end decision could use."""
        if self.live is None or state.in_speech:
            return False
        probing = self.probed_at == self.last_speech and self._probed() is None
        return probing or (state.text is None and not self.unsent_speech)

    def _late_command(self, ended_by: str, command: str | None) -> tuple[str, str | None]:
        """A short utterance whose command was decoded only after the silence ended the turn.

        The end no longer waits for the transcriber, so with a short ``end_silence`` (or a
        busy machine) "skip" can end the turn by silence before its command decode is done;
        the command still decides what the turn was.
        """
        if ended_by != "silence" or self.live is None or not self.settings.commands:
            return ended_by, command
        if self.speech_s > self.settings.command_max_speech:
            return ended_by, command
        text, found = self.live.tail()
        found = found or (recognise(text) if text else None)
        return ("command", found) if found else (ended_by, command)

    def _closing_heard_alone(self) -> tuple[float, list[Word]] | None:
        """(where to cut, the closing phrase's words) when the turn ends on a closing phrase
        the probe heard in the last utterance alone (or in its window, the utterance alone
        misheard: ``Probed.misheard_closing``); None otherwise.

        The phrase is then not decoded again: only the speech before it is (if any is
        still unsent), and the phrase's words are the probe's, spread over the utterance.
        Decoding it with the answer's last stretch held the tip 0.45-1.2 s after the end
        (through the rig, idle), and decoded alone by the full transcriber it came out as
        words ("I don't.", "That did my answer.") that stayed in the answer.
        """
        probed = self._probed()
        begun, after = self.utterance_start, self.utterance_after
        if probed is None or begun is None or not (probed.closing_alone or probed.misheard_closing):
            return None
        words = closing_words(probed.text, begun, self.last_speech)
        if not words:
            return None
        # In the pause before the phrase (at least utterance_gap long): the gate's onset is
        # a frame or a few late, so its middle is clear of both the answer and the phrase.
        cut = max(0.0, begun - 0.3) if after is None else (after + begun) / 2
        return cut, words

    def _finish_before_closing(self, cut: float, closing: list[Word]) -> Transcript:
        """The transcript of the speech before ``cut`` (decoding what is unsent of it),
        followed by the closing phrase's words, as the analysis will read it."""
        assert self.live is not None
        after = self.utterance_after
        spoke_before = after is not None and after > (self.chunk_start or 0.0)
        if self.chunk_start is not None and spoke_before and cut > self.chunk_start:
            # Not a voice command: the answer ended on a closing phrase.
            self._send(cut, spoken_until=after, resumed_at=closing[0].start, command_check=False)
        self.live.wait(self.settings.final_wait)
        joined = with_closing(self.live.transcript().words, closing)
        if joined is not None:
            return joined
        # Not read back as a closing after these words: decode the utterance after all.
        if self.chunk_start is not None and self.now > self.chunk_start:
            self._send(self.now)
        self.live.wait(self.settings.final_wait)
        return self.live.transcript()

    def finish(self, ended_by: str, command: str | None) -> Turn:
        """Transcribe whatever is left and build the Turn."""
        ended_at = self.now
        t0 = time.monotonic()
        transcript = None
        if self.live is not None:
            closing = self._closing_heard_alone() if ended_by == "phrase" else None
            if closing is not None:
                transcript = self._finish_before_closing(*closing)
            else:
                if self.unsent_speech and self.chunk_start is not None:
                    self._send(self.now)
                # Bounded: a transcriber that never finishes must not hang the session;
                # the stretches done so far are the transcript then.
                self.live.wait(self.settings.final_wait)
                transcript = self.live.transcript()
            ended_by, command = self._late_command(ended_by, command)
        final = time.monotonic() - t0
        started = self.speech_start is not None and (transcript is None or bool(transcript.words))
        if ended_by == "no_speech" or not started:
            transcript = Transcript(text="", words=[]) if self.live is not None else None
        return Turn(
            audio=self.all_audio(),
            sample_rate=SAMPLE_RATE,
            speech_start_s=self.speech_start if started else None,
            speech_end_s=self.last_speech if started else None,
            ended_by=ended_by,
            command=command if ended_by == "command" else None,
            transcript=transcript,
            final_decode_s=final,
            ended_at_s=ended_at,
            chunks=list(self.chunks),
            warned_at_s=self.warned_at,
        )
