"""The spoken time warning during an answer, and its echo in the answer's transcript.

The warning is spoken while the microphone is open (the answer goes on). Through laptop
speakers the microphone hears it, and Whisper writes it into the answer: "…the budget.
Fifteen seconds left. So we…". Those words are the program's, not the speaker's, so they
are taken out of the transcript before the answer is measured and scored.


The closing phrase ("…that's my answer") is taken out the same way, in the analysis
pipeline (``voicesim.listen.endpoint.without_closing_phrase``).
"""

from __future__ import annotations

from dataclasses import replace

from voicesim.results import Transcript
from voicesim.text import NUMBER_NAMES, TENS_NAMES, plain

_NUMBERS = [*NUMBER_NAMES, "twenty"]  # 0 … 20, each at its value's index
_TENS = TENS_NAMES[:5]  # 20, 30, … 60


def warning_line(seconds_left: float) -> str:
    """What is said when ``seconds_left`` seconds of the answer remain ("Ten seconds left.")."""
    n = max(1, round(seconds_left))
    return f"{_spell(n).capitalize()} second{'s' if n != 1 else ''} left."


def without_warning_echo(
    transcript: Transcript, warned_at_s: float | None, *, window_s: float = 5.0
) -> Transcript:
    """The transcript without the spoken warning, if the microphone picked it up.

    The echo is a run of at least two words starting within ``window_s`` seconds after
    ``warned_at_s`` (answer time, seconds) made only of a number, "second(s)" and "left",
    holding both "second(s)" and "left". The speaker's own "left" or "seconds" elsewhere,
    or in other words, stays.
    """
    if warned_at_s is None or not transcript.words:
        return transcript
    words = transcript.words
    keys = [_key(w.text) for w in words]
    for i in range(len(words)):
        if not warned_at_s - 0.3 <= words[i].start <= warned_at_s + window_s:
            continue
        j = i
        while j < len(words) and keys[j] is not None:
            j += 1
        run = set(keys[i:j])
        if j - i >= 2 and {"second", "left"} <= run:
            kept = words[:i] + words[j:]
            return replace(transcript, text=" ".join(w.text for w in kept), words=kept)
    return transcript


def _key(text: str) -> str | None:
    """The token's role in a warning ("number", "second", "left"), or None."""
    parts = plain(text).split()  # "Twenty-five," → twenty, five
    if parts and all(p.isdigit() or p in _NUMBERS or p in _TENS for p in parts):
        return "number"
    t = "".join(parts)
    if t in ("second", "seconds"):
        return "second"
    return "left" if t == "left" else None


def _spell(n: int) -> str:
    if n < len(_NUMBERS):
        return _NUMBERS[n]
    tens, ones = divmod(n, 10)
    if not 2 <= tens < 2 + len(_TENS):
        return str(n)
    name = _TENS[tens - 2]
    return name if ones == 0 else f"{name}-{_NUMBERS[ones]}"
