"""End of turn: decide, from timing and the words so far, whether an answer is over.

Pure logic, no audio: the listener feeds it what the voice-activity detector and the live
transcript say, and it answers "keep listening" or why the turn ended. A fixed silence
window cuts people off mid-thought, so the words count: after an unfinished sentence
("... and, um,") it waits longer; a closing phrase ("that's my answer") ends at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from voicesim.text import is_filled_pause, words_of


def wordset(text: str) -> frozenset[str]:
    """The set of space-separated words in ``text``."""
    return frozenset(text.split())


# A sentence never ends on these (nor on a filled pause), whatever punctuation follows them.
ALWAYS_OPEN = wordset(
    "and but or nor because although whereas unless if whose "
    "a an the my our your their its i we they he she"
)

# Mid-clause words that can end a sentence ("the team I worked with."): open only when
# no full stop, question or exclamation mark follows.
OPEN_UNLESS_PUNCTUATED = wordset(
    "so like well then also plus yet which who that than as when where while since "
    "until after before though to of for with in on at by from into about over under "
    "between through during without within this these is are was were be been am have "
    "has had do does did will would could should can may might must not very really "
    "more most some any each every such"
)

CLOSING_PHRASES = (
    "that's my answer",
    "that is my answer",
    "that's my final answer",
    "i'm done",
    "i am done",
    "i'm finished",
    "i am finished",
    "that's all",
    "that is all",
    "end of answer",
)

_OPEN_PUNCTUATION = (",", "-", "—", ";", ":")
# An ellipsis is not a sign on its own: Whisper ends many cut-off stretches with one
# ("before we changed that..."), so after "..." only the last word decides.


@dataclass(frozen=True)
class EndpointSettings:
    """Thresholds of end-pointing, all in seconds."""

    end_silence: float = 2.5
    unfinished_wait: float = 6.0
    first_word_wait: float = 8.0
    max_answer: float = 180.0
    phrase_silence: float = 0.3
    command_silence: float = 0.8


@dataclass(frozen=True)
class TurnState:
    """What is known at one moment of a turn. Times in seconds from the turn's start.

    ``text`` is the transcript of all speech up to ``last_speech_s`` (None while the
    transcriber has not caught up, or when there is no transcriber at all:
    ``has_transcriber`` says which). ``command`` is a recognised voice command in a short
    utterance (see voicesim.listen.voice_commands), already checked by the caller.
    """

    now_s: float
    speech_started: bool
    in_speech: bool
    last_speech_s: float
    text: str | None = None
    has_transcriber: bool = True
    command: str | None = None


def ends_unfinished(text: str) -> bool:
    """True when ``text`` stops mid-thought: on a filler, a conjunction, or mid-clause.

    Mid-clause means ending on open punctuation (a comma, a dash), on an article or
    subject pronoun, or, without a closing full stop, on a preposition, auxiliary or
    similar word.
    """
    stripped = text.strip()
    words = words_of(stripped)
    if not words:
        return False
    last = words[-1]
    if stripped.endswith(_OPEN_PUNCTUATION) or last in ALWAYS_OPEN or is_filled_pause(last):
        return True
    closed = stripped.endswith((".", "?", "!")) and not stripped.endswith(("...", "…"))
    return words[-1] in OPEN_UNLESS_PUNCTUATED and not closed


def ends_with_closing_phrase(text: str) -> bool:
    """True when the words end with a closing phrase such as "that's my answer"."""
    tail = " ".join(words_of(text)[-5:])
    return any(tail == p or tail.endswith(" " + p) for p in CLOSING_PHRASES)


def decide(state: TurnState, settings: EndpointSettings) -> str | None:
    """Why the turn ends now, or None to keep listening.

    Returns "max", "no_speech", "command", "phrase" or "silence" (Turn.ended_by values).
    """
    if state.now_s >= settings.max_answer:
        return "max"
    if not state.speech_started:
        return "no_speech" if state.now_s >= settings.first_word_wait else None
    if state.in_speech:
        return None
    silence = state.now_s - state.last_speech_s
    if state.command is not None and silence >= settings.command_silence:
        return "command"
    if not state.has_transcriber:
        return "silence" if silence >= settings.end_silence else None
    if state.text is None:
        # Words still being transcribed: do not cut, but never wait past the long wait.
        return "silence" if silence >= settings.unfinished_wait else None
    if ends_with_closing_phrase(state.text) and silence >= settings.phrase_silence:
        return "phrase"
    wait = settings.unfinished_wait if ends_unfinished(state.text) else settings.end_silence
    return "silence" if silence >= wait else None
