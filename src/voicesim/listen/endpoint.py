"""End of turn: decide, from timing and the words so far, whether an answer is over.

Pure logic, no audio: the listener feeds it what the voice-activity detector and the live
transcript say, and it answers "keep listening" or why the turn ended. A fixed silence
window cuts people off mid-thought, so the words count: after an unfinished sentence
("... and, um,") it waits longer; a closing phrase ("that's my answer") ends at once.
Only words already decoded count: the decision never waits for a transcriber that is
behind (on a busy machine that added seconds to every answer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from voicesim.results import Transcript, Word
from voicesim.text import is_filled_pause, is_murmur, words_of


def wordset(text: str) -> frozenset[str]:
    """The set of space-separated words in ``text``."""
    return frozenset(text.split())


# The only words a finished sentence never ends on: a filled pause, a conjunction, an
# article. Ending on anything else ("The first thing I did was") is treated as finished:
# a wider list (prepositions, auxiliaries, a trailing comma) held 3 of 5 real answers
# open for the long wait, because Whisper leaves the last words of a stretch unpunctuated.
OPEN_WORDS = wordset("and but or nor because although whereas unless a an the")

# Ends a sentence with a full stop after it ("I think so."), is open without one.
OPEN_UNLESS_PUNCTUATED = wordset("so")

# A closing phrase said as a sentence of its own (after leading "so", "okay", "um"…).
# Apostrophes are dropped before matching ("that's" → "thats"): Whisper writes both forms.
WHOLE_CLOSINGS = wordset(
    "thats_my_answer that_is_my_answer my_answer thats_my_final_answer my_final_answer "
    "final_answer that_is_my_final_answer thats_the_answer im_done i_am_done done "
    "im_finished i_am_finished finished thats_it that_is_it thats_all that_is_all "
    "thats_all_i_have thats_everything next_question end_of_answer end_of_my_answer"
)
# Unambiguous closings that may end a longer sentence ("…by ten percent, and that's it").
TRAILING_CLOSINGS = tuple(
    tuple(p.split("_"))
    for p in wordset(
        "thats_my_answer that_is_my_answer thats_my_final_answer that_is_my_final_answer "
        "end_of_my_answer and_thats_it and_that_is_it and_thats_all and_that_is_all "
        "and_im_done"
    )
)
# What Whisper writes for the "that's" of "that's my answer" when it mishears it.
_THATS_LIKE = wordset("thats that its this is was next and so at as dats thus lets")
_LEAD_NOISE = wordset("so and okay ok yeah yes well right alright anyway")


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
    ``has_transcriber`` says which). ``last_words`` is a quick decode of the last seconds
    of speech before the current pause (None until it is done): the words end-pointing
    trusts first, as they are known well before the whole stretch is. ``command`` is a
    recognised voice command in a short utterance (see voicesim.listen.voice_commands), already
    checked by the caller.
    """

    now_s: float
    speech_started: bool
    in_speech: bool
    last_speech_s: float
    text: str | None = None
    has_transcriber: bool = True
    last_words: str | None = None
    command: str | None = None


def ends_unfinished(text: str) -> bool:
    """True when ``text`` stops mid-thought: on a filled pause, a conjunction or an article.

    "so" counts as open only without a full stop after it ("It was hard, so" but not
    "I think so.").
    """
    stripped = text.strip()
    words = words_of(stripped)
    if not words:
        return False
    closed = stripped.endswith((".", "?", "!")) and not stripped.endswith(("...", "…"))
    if closed and len(words[-1]) == 1:
        # One letter that ends a sentence is a word the quick decode read as a letter, not a
        # hum or an article left open: "…and then trusts her team to deliver them." came out
        # "…to deliver M." and waited the 6 s of an unfinished answer in 4 of 9 turns of a
        # review; "I worked at A." was open on its "A".
        return False
    if words[-1] in OPEN_WORDS or is_filled_pause(words[-1]):
        return True
    return words[-1] in OPEN_UNLESS_PUNCTUATED and not closed


def _key(token: str) -> str:
    """A token as closing phrases are matched: lower case, no punctuation or apostrophes."""
    return re.sub(r"[^a-z0-9]+", "", token.lower())


def closing_phrase_length(tokens: list[str]) -> int:
    """How many of the last ``tokens`` (words as written, punctuation attached) form a
    closing phrase such as "that's my answer"; 0 when they do not end with one.

    Tolerant of how Whisper writes it: "That's my answer." may come out as "My answer.";
    "that is" and "that's" are the same. A short closing ("done", "that's it") counts
    only as a sentence of its own, so "I was done with it in May." is an answer.
    """
    keys = [_key(t) for t in tokens]
    sentence = _last_part(tokens, keys, (".", "?", "!"))
    words = [k for _, k in sentence]
    for phrase in TRAILING_CLOSINGS:
        if len(words) >= len(phrase) and tuple(words[-len(phrase) :]) == phrase:
            return len(tokens) - sentence[-len(phrase)][0]
    # "my answer" after a misheard "that's" ("next my answer", "it's my answer", and
    # "that's it my answer" for "that is my answer", heard alone).
    if words[-2:] == ["my", "answer"] and len(words) >= 3 and words[-3] in _THATS_LIKE:
        return len(tokens) - sentence[-3][0]
    if words[-3:] == ["it", "my", "answer"] and len(words) >= 4 and words[-4] in _THATS_LIKE:
        return len(tokens) - sentence[-4][0]
    if _whole(sentence):
        return len(tokens) - sentence[0][0]
    clause = _last_part(tokens, keys, (".", "?", "!", ",", ";", ":"))
    if len(clause) >= 2 and _whole(clause):  # "…three months, that's it."
        return len(tokens) - clause[0][0]
    return 0


def _last_part(tokens: list[str], keys: list[str], ends: tuple[str, ...]) -> list[tuple[int, str]]:
    """(index, key) of the words after the last token (before the final one) ending in ``ends``."""
    begin = 0
    for i in range(len(tokens) - 2, -1, -1):
        if tokens[i].rstrip("\"')”’").endswith(ends):
            begin = i + 1
            break
    return [(i, k) for i, k in enumerate(keys[begin:], begin) if k]


def _whole(part: list[tuple[int, str]]) -> bool:
    """True when ``part``, leading "so"/"okay"/"um" aside, is a closing phrase."""
    core = [k for _, k in part]
    while len(core) > 1 and (core[0] in _LEAD_NOISE or is_murmur(core[0])):
        core.pop(0)
    return bool(core) and "_".join(core) in WHOLE_CLOSINGS


def without_closing_phrase(transcript: Transcript) -> tuple[Transcript, float | None]:
    """The transcript without a closing phrase at its end, and where the phrase began (s).

    None for the time when there was no closing phrase (the transcript is returned as is).
    """
    n = closing_phrase_length([w.text for w in transcript.words])
    if n == 0:
        return transcript, None
    kept = transcript.words[:-n]
    cut = transcript.words[-n].start
    return replace(transcript, text=" ".join(w.text.strip() for w in kept), words=kept), cut


def closing_words(said: str, start: float, end: float) -> list[Word]:
    """The closing phrase that ends ``said`` as words spread evenly over [start, end] s
    (a closing heard by a quick decode, which gives no word times); [] when there is none."""
    tokens = said.split()
    n = closing_phrase_length(tokens)
    if n == 0 or end <= start:
        return []
    step = (end - start) / n
    return [
        Word(t, round(start + i * step, 3), round(start + (i + 1) * step, 3), 1.0)
        for i, t in enumerate(tokens[-n:])
    ]


HEARD_TWICE_S = 0.55
"""How far before a closing phrase its decode alone can reach: the earliest cut starts
0.35 s before the phrase (voicesim.listen.listener), and Whisper's word times are off by up
to about 0.2 s."""


def heard_twice(words: list[Word], closing: list[Word]) -> int:
    """How many of the last ``words`` are the first words of ``closing`` heard again: the
    decode of the answer reached into the phrase ("…reports. Next." + "Next question.",
    when the VAD split "Next" from "question" and the phrase was heard from before both).
    Words that ended more than HEARD_TWICE_S before the phrase were said before it ("…what
    to do next." then "Next question.")."""
    keys = [_key(w.text) for w in words]
    heads = [_key(w.text) for w in closing]
    for k in range(min(len(keys), len(heads)), 0, -1):
        if keys[-k:] == heads[:k] and words[-1].end >= closing[0].start - HEARD_TWICE_S:
            return k
    return 0


def with_closing(words: list[Word], closing: list[Word]) -> Transcript | None:
    """``words`` followed by ``closing``, as a transcript whose closing phrase is exactly
    ``closing`` when read back (the last word ends its sentence with a full stop if that is
    what it takes: the speaker paused before the phrase); None when it is not. Words of the
    phrase the answer's decode heard too are the phrase's (:func:`heard_twice`), which then
    begins where they did."""
    twice = heard_twice(words, closing)
    if twice:
        start, end = words[-twice].start, closing[-1].end
        step = (end - start) / len(closing)
        times = [round(start + i * step, 3) for i in range(len(closing) + 1)]
        closing = [replace(w, start=times[i], end=times[i + 1]) for i, w in enumerate(closing)]
        words = words[:-twice]
    bodies = [words]
    if words and not words[-1].text.rstrip().endswith((".", "?", "!")):
        last = words[-1]
        stop = Word(last.text.rstrip(",;:") + ".", last.start, last.end, last.probability,
                    last.filler)  # fmt: skip
        bodies.append([*words[:-1], stop])
    for body in bodies:
        joined = Transcript(
            text=" ".join(w.text.strip() for w in [*body, *closing]), words=[*body, *closing]
        )
        kept, at = without_closing_phrase(joined)
        if at == closing[0].start and len(kept.words) == len(body):
            return joined
    return None


def ends_with_closing_phrase(text: str) -> bool:
    """True when ``text`` ends with a closing phrase such as "that's my answer"."""
    return closing_phrase_length(text.split()) > 0


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
    known = [t for t in (state.last_words, state.text) if t is not None]
    if silence >= settings.phrase_silence and any(ends_with_closing_phrase(t) for t in known):
        return "phrase"
    # Only words already decoded count: a transcriber that is behind never holds the turn
    # open past end_silence (on a busy machine it would otherwise add seconds).
    unfinished = bool(known) and ends_unfinished(known[0])
    wait = settings.unfinished_wait if unfinished else settings.end_silence
    return "silence" if silence >= wait else None
