"""Voice commands said instead of an answer: repeat, skip, pause, continue, stop.

Only a short utterance that is nothing but the command counts ("skip", "next question,
please"), so an answer that mentions "stop" ("I had to stop the release") is an answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from voicesim.listen.endpoint import wordset
from voicesim.text import is_filled_pause, words_of

if TYPE_CHECKING:
    from voicesim.transcribe import Transcriber

MAX_WORDS = 4
"""A command utterance has at most this many words, politeness and fillers removed."""

COMMANDS: dict[str, tuple[str, ...]] = {
    "repeat": (
        "repeat",
        "repeat that",
        "repeat it",
        "repeat the question",
        "repeat question",
        "say that again",
        "say it again",
        "again",
        "pardon",
        "come again",
    ),
    "skip": (
        "skip",
        "skip it",
        "skip that",
        "skip this",
        "skip this one",
        "skip question",
        "skip this question",
        "skip the question",
        "next",
        "next question",
        "next one",
        "pass",
    ),
    "pause": ("pause", "pause the interview", "pause interview", "take a break"),
    "continue": ("continue", "resume", "go on", "carry on", "i'm ready", "ready", "unpause"),
    "stop": (
        "stop",
        "stop the interview",
        "stop interview",
        "end the interview",
        "end interview",
        "quit",
        "exit",
    ),
}

# Politeness around a command; filled pauses ("um") are ignored too (text.is_filled_pause).
_NOISE = wordset("please okay ok oh can could would will you let's lets just now")
_LOOKUP = {phrase: name for name, phrases in COMMANDS.items() for phrase in phrases}


def could_be_command(text: str) -> bool:
    """False when ``text`` (a decode of the utterance) holds more words than any command,
    politeness and fillers aside: no other reading of the same audio would be one."""
    core = [w for w in words_of(text) if w not in _NOISE and not is_filled_pause(w)]
    return len(core) <= MAX_WORDS


def recognise(text: str) -> str | None:
    """The command a whole utterance is, or None.

    Returns "repeat", "skip", "pause", "continue" or "stop". Politeness and fillers are
    ignored ("could you repeat the question, please?" is "repeat"); anything else in the
    utterance, or more than MAX_WORDS words, makes it not a command.
    """
    words = words_of(text)
    if not words or len(words) > MAX_WORDS + 3:
        return None
    core = [w for w in words if w not in _NOISE and not is_filled_pause(w)]
    if not core or len(core) > MAX_WORDS:
        return None
    return _LOOKUP.get(" ".join(core))


COMMAND_PROMPT = "Repeat. Skip. Next question. Pause. Continue. Stop. End the interview."
"""Whisper prompt that makes a short command utterance come out as the command word."""


SURE_LOGPROB = -0.6
"""A command decoded (after COMMAND_PROMPT) at this average token log-probability or more is
taken as it is; a less probable one only when the plain decode of the utterance is the same
command. After the prompt Whisper writes command words for what is not one: a rendered
"Hmm." came out "Pause." for three of five voices (log-probability -0.81 to -0.84), and on
real meeting speech cut into 922 windows of 1.2-2 s, 17 greedy decodes read as a command
(-0.36 to -0.90; "Stop." five times). Measured on 630 rendered commands that decode to
themselves (42 phrases, five voices, two speeds, clean and in white noise at 20 dB SNR),
2026-12-05, scratch ``cmdeval.py``:

| taken at | commands kept | noisy kept | meeting windows still a command | "Hmm." |
| --- | --- | --- | --- | --- |
| any (Whisper's checks only) | 629 / 630 | 302 / 302 | 17 / 33 | 2 / 3 |
| -0.7 | 615 | 293 | 9 | 0 |
| **-0.6** | **603** | **287** | **6** | **0** |
| -0.5 | 587 | 280 | 4 | 0 |

Of the six left, two are "Okay, again." heard the same by the plain decode (taken as
"repeat"); four are "Stop.", "End the interview." or "Next question." over murmur."""


def decode_command(
    transcriber: Transcriber, samples: np.ndarray, plain: Callable[[], str] | None = None
) -> str | None:
    """Decode a short utterance (16 kHz) as a possible command; the command or None.

    A plain transcript often loses a lone word ("skip" came out as a low-confidence
    "Keep." and was dropped as noise), so short utterances get a second, greedy decode
    primed with the command words. Only an exact command phrase is accepted, and one
    Whisper was unsure of (under SURE_LOGPROB) only when ``plain()``, the utterance's
    plain transcript (by default decoded here), reads as the same command.
    """
    reading = transcriber.decode_prompted(samples, COMMAND_PROMPT)
    if reading is None:
        return None
    command = recognise(reading.text)
    if command is None or reading.logprob >= SURE_LOGPROB:
        return command
    heard = plain() if plain is not None else transcriber.transcribe(samples, bounded=True).text
    return command if recognise(heard) == command else None
