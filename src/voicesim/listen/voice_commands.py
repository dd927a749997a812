"""Voice commands said instead of an answer: repeat, skip, pause, continue, stop.

Only a short utterance that is nothing but the command counts ("skip", "next question,
please"), so an answer that mentions "stop" ("I had to stop the release") is an answer.
"""

from __future__ import annotations

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


WITHIN = 2.5
"""A command phrase counts as heard when Whisper finds it about as probable for the audio as
its own reading: at most this much less in log-probability (a factor of e**2.5, about 12)."""
FLOOR = -7.0
"""... and probable in itself (e**-7, about 1 in 1100). On real meeting speech Whisper's own
reading of a second or two is long and unsure, and a short phrase can come within WITHIN of
it at -8 to -12 ("Stop." in EN2002a). The shipped check on the audio of decode_command's
table, without a floor and with it (2026-12-05, scratch ``cmdcompare.py``): real windows
read as a command 5 of 922 (EN2002a "Stop." twice, EN2006a "Next.") against 2 ("Okay,
again."); near-commands 11 of 75 against 7; rendered commands taken 389 + 355 of 920 against
373 + 337. An earlier sweep (the reading's full greedy decode as reference, 460 clean
commands, 175 openings and near-commands, 467 real 2-s windows; ``cmdrule.py``) put WITHIN:

| WITHIN, FLOOR | commands right / wrong | openings | real windows |
| --- | --- | --- | --- |
| 2, none | 378 / 8 | 11 | 25 |
| 2, -7 | 363 / 7 | 8 | 1 |
| **2.5, -7** | **373 / 8** | **8** | **1** |
| 3, -7 | 378 / 10 | 9 | 2 |"""


def _written(phrase: str) -> str:
    """A command phrase as Whisper writes a short utterance: " Skip", " I'm ready"."""
    return " " + (phrase[0].upper() + phrase[1:]).replace("i'm", "I'm")


WRITTEN: dict[str, str] = {
    _written(phrase) + end: name
    for name, phrases in COMMANDS.items()
    for phrase in phrases
    for end in ((".", "?") if name == "repeat" else (".",))
}
"""Every command phrase as Whisper would write it said alone, and its command ("Pardon?")."""


def decode_command(transcriber: Transcriber, samples: np.ndarray) -> str | None:
    """The voice command a short utterance (16 kHz) is, or None.

    Whisper's own reading of the utterance when it is one; else the command phrase Whisper
    finds about as probable for the audio as that reading (WITHIN, FLOOR). A plain decode
    often misses a lone word ("skip" came out "Cute!"), and a decode primed with the command
    words (the earlier way) wrote them for what was none ("Hmm." read "Pause.") or leaked the
    prompt's other phrases ("pass" read "Pause.", "stop the interview" "Stop. End the
    interview."). The two ways on the same audio in one run (2026-12-05, scratch
    ``cmdcompare.py``; this check alone, before the listener's plain transcript):

    | audio | now | prompted decode |
    | --- | --- | --- |
    | rendered commands, clean: their command / another | 373 / 8 of 460 | 316 / 17 |
    | the same at 20 dB SNR | 337 / 2 of 460 | 287 / 11 |
    | rendered openings ("Hmm.", "Okay, so.", …) read as one | 1 of 100 | 0 |
    | near-commands ("Pasta.", "I paused.", "Skipper.", …) | 7 of 75 | 16 |
    | real meeting windows (1.2 and 2 s) read as one | 2 of 922 | 6 |

    (46 phrases in five espeak voices at two speeds; "unpause" is heard "Pause." either way.)
    """
    heard = transcriber.closest_phrase(samples, tuple(WRITTEN), within=WITHIN, floor=FLOOR)
    command = recognise(heard.text)
    if command is None and heard.phrase is not None:
        command = WRITTEN[heard.phrase]
    return command
