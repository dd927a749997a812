"""The one tip after an answer: which change helps most, and words fit to be heard.

Pure logic, no devices. Three rules, in order:

1. An answer that does not address the question is told so first: no delivery tip helps
   an answer to another question.
2. Otherwise the tip of the criterion with the largest expected gain in the overall score,
   weight × (100 − score) / 100, over whatever criteria the rubric has: delivery (fillers,
   pace) competes with content on equal terms.
3. Every tip is cleaned for ears and screen: no template placeholders ("…", "{count}"),
   no raw status names (``no_speech``, "(filled pause)"), grammatical counts ("1 filler").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from voicesim.scoring.score import top_improvements

if TYPE_CHECKING:
    from voicesim.results import AnalysisResult, Criterion, Score

GOOD_ENOUGH = 90.0
"""A best criterion at or above this score (0–100) means there is nothing worth changing."""

OFF_TOPIC_MIN_WORDS = 15
"""Distinct content words an answer needs before it can be judged off-topic."""

NO_ANSWER = "I did not hear an answer to that one."
GOOD = "Good answer; keep doing exactly that."

_STOP_TEXT = (
    "a an the and or but so of to in on at by for with from into about as is are was were be "
    "been am do does did have has had i you we they he she it its my your our their me us them "
    "this that these those what which who whom how why when where there here not no yes if then "
    "than very really just also can could would should will may might must one some any all "
    "more most much many such own each every tell describe give example think see situation "
    "time ever let well like know way thing things get got make made go went say said"
)
_STOP = frozenset(_STOP_TEXT.split())
_SUFFIXES = ("ships", "ship", "ness", "ments", "ment", "ful", "ive", "ing", "ers", "er", "ed")


def best_change(score: Score) -> Criterion | None:
    """The criterion whose improvement would raise the overall score most (None if none can):
    the first of ``top_improvements``, so the spoken tip and the scorecard's first ▲ agree
    (they broke a tie differently: ▲ Fluency beside a spoken hesitation tip)."""
    top = top_improvements(score, 1)
    return top[0] if top else None


def stem(word: str) -> str:
    """A crude stem for topic matching: "leadership" → "lead", "successful" → "success"."""
    w = re.sub(r"[^a-z]", "", word.lower())
    for suffix in _SUFFIXES:
        if len(w) - len(suffix) >= 4 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w


def topic_stems(texts: Iterable[str]) -> set[str]:
    """Content-word stems of ``texts`` (stop words and words under 3 letters left out)."""
    out = set()
    for text in texts:
        for w in re.findall(r"[a-z']+", text.lower()):
            if len(w) >= 3 and w not in _STOP:
                out.add(stem(w))
    return out


# Words an answer meeting a built-in expectation uses (those have no phrase list).
_EXPECTATION_WORDS = {"team_language": "team people staff colleagues"}


def question_topic(question: Any, checks: dict[str, Any] | None = None) -> set[str]:
    """What an answer to ``question`` is about: stems of its text, category, coaching tip
    and the phrases of the checks it expects (``checks``: rubric check name → Check)."""
    texts = [str(getattr(question, k, "") or "") for k in ("text", "category", "tip")]
    for name in getattr(question, "expects", ()) or ():
        texts.append(_EXPECTATION_WORDS.get(name, ""))
        check = (checks or {}).get(name)
        if check is not None:
            texts += [*check.phrases, check.label]
    return topic_stems(t.replace("-", " ").replace("_", " ") for t in texts)


def off_topic(answer_words: list[str], question: Any, checks: dict[str, Any] | None) -> bool:
    """True when a long enough answer shares not one content word with its question's topic.

    Deliberately conservative (shared words are a weak sign of relevance either way):
    only an answer about something else entirely is called off-topic.
    """
    said = topic_stems(answer_words)
    if question is None or len(said) < OFF_TOPIC_MIN_WORDS:
        return False
    return not (said & question_topic(question, checks))


def spoken_tip(result: AnalysisResult, question: Any = None, checks: Any = None) -> str:
    """The one sentence said (and shown) after an answer; see the module docstring."""
    if result.no_speech:
        return NO_ANSWER
    words = [w.text for w in result.transcript.words if not w.filler]
    if off_topic(words, question, checks):
        asked = speakable(str(question.text)).rstrip(".")
        return f"Your answer did not address the question: {asked}"
    top = best_change(result.score)
    if top is None or top.score >= GOOD_ENOUGH or not speakable(top.tip):
        return GOOD
    tip = _first_sentence(speakable(re.sub(r"^[A-Za-z ]{1,20}:\s+", "", top.tip.strip())))
    return f"One thing to change: {tip[0].lower()}{tip[1:]}"


_PLURALS = {
    "fillers": "filler", "hedges": "hedge", "pauses": "pause", "figures": "figure",
    "seconds": "second", "words": "word", "sentences": "sentence", "times": "time",
    "questions": "question", "restarts": "restart", "examples": "example",
}  # fmt: skip


def speakable(text: str) -> str:
    """``text`` fit to be heard and read: placeholders, raw status names and "1 fillers" fixed."""
    t = " ".join(text.split())
    # A quoted template ("“you are looking for …, and I have …”") is for reading, not saying.
    t = re.sub(r"\s*[“\"][^”\"]*(?:…|\.\.\.)[^”\"]*[”\"]", "", t)
    t = re.sub(r"\{[^{}]*\}", "", t)  # an unfilled placeholder of a user's rubric
    t = t.replace("(filled pause)", "um").replace("filled_pause", "um")
    t = re.sub(r"\bno_speech\b", "no answer heard", t)
    t = re.sub(r"\b(\w+)\(s\)", lambda m: m[1] + "s", t)  # "figure(s)" → "figures"
    t = re.sub(
        r"\b(1|one) ([a-z]+)\b",
        lambda m: f"{m[1]} {_PLURALS.get(m[2], m[2])}",
        t,
    )
    t = re.sub(r"\s+([,.;:!?])", r"\1", t)
    t = re.sub(r"[:;,]\s*([.!?]|$)", r"\1", t)  # "needs: ." after a removed quote
    return t.strip()


def _first_sentence(text: str) -> str:
    # A sentence ends before a capital, not at "e.g. after" or "2.5 s".
    match = re.match(r"(.+?[.!?])(?=\s+[A-Z“\"]|$)", text)
    sentence = match.group(1) if match else text
    return sentence if sentence.endswith((".", "!", "?")) else sentence + "."
