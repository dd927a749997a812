"""Small facts of English grammar the story criteria read an answer with.

Word classes, not phrase lists: a verb in the past tense, a first-person subject, an action
verb versus a verb of state. Deliberately a heuristic (no tagger): it reads transcripts of
speech, where a tagger trained on written text is not much surer, and it costs nothing at
start-up. Every set holds normalised (lower-case) words.
"""

from __future__ import annotations

from collections.abc import Sequence

from voicesim.scoring.tokens import Token


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` (lists of words stay readable in code)."""
    return frozenset(text.split())


IRREGULAR_PAST = word_set(
    """was were had did made took went got gave found told saw came began brought built bought
    thought felt kept left lost met paid ran said sent set spent stood taught understood won
    wrote chose led cut put let grew fell rose knew held heard drew drove became spoke fought
    sold split shut quit sat hung struck caught dealt meant slept broke forgot forgave overcame
    undertook oversaw rebuilt rewrote withdrew upheld"""
)
"""Irregular simple-past forms (regular ones end in -ed)."""

STATE_VERBS = word_set(
    """was were had been felt thought knew liked wanted seemed believed loved hated needed
    wished hoped meant understood saw heard became got enjoyed preferred tended realised
    realized noticed guessed supposed appeared looked sounded"""
)
"""Past forms that tell a state or a thought, not something the speaker did."""

ACTION_BASE = word_set(
    """start gather call meet ask set build run check track prepare rehearse practise practice
    plan delegate involve give make use focus split prioritise prioritize pull pick review
    write hand talk speak organise organize create launch hire train coach move introduce
    propose negotiate offer agree decide assign measure analyse analyze test fix redesign
    design sit pair reply escalate schedule lead bring cut change share list book send
    open close contact visit tell explain"""
)
"""Base forms of action verbs, for "I would call…", "I'd start…", "since then I write…"."""

_NOT_PAST_ED = word_set(
    """need indeed speed seed feed exceed proceed succeed red bed shed weed breed greed bleed
    hundred kindred"""
)
_ADJECTIVE_CUES = word_set(
    "am is are i'm we're very really so highly more most quite too be become get feel"
)
SUBJECT_SELF = frozenset({"i"})
SUBJECT_TEAM = frozenset({"we"})
_MODALS = frozenset({"would", "will", "i'd", "we'd", "i'll", "we'll", "could", "can"})
_BETWEEN = word_set(
    """then also first immediately quickly personally actually just still finally soon later
    together both directly all even always"""
)
"""Adverbs allowed between a subject and its verb ("I then called", "we all agreed")."""
_AUXILIARIES = word_set("did do does")
_NEGATIONS = word_set("never not")
"""A verb denied is nothing done: "I never did anything to her", "I did not call him"."""
_SHORT_PAST = word_set("used owed fled sped")
"""Pasts of four letters, which the -ed rule leaves out with "need" and "seed": "I used the
logs" was no action where "I would use the logs" was one."""


def is_past(word: str, before: str = "") -> bool:
    """A simple-past verb form: irregular, or a regular -ed form not used as an adjective."""
    if word in IRREGULAR_PAST or word in _SHORT_PAST:
        return True
    if len(word) > 4 and word.endswith("ed") and word not in _NOT_PAST_ED:
        return before not in _ADJECTIVE_CUES
    return False


def verb_after(words: Sequence[Token], i: int) -> tuple[int, str] | None:
    """The verb the subject at ``i`` governs: (index, "past" | "modal" | "present"), or None.

    The verb must follow within three words, with only adverbs ("then", "also") between.
    A denied verb governs nothing ("I never did anything", "I did not call"): the speaker
    says what they did not do.
    """
    j = i + 1
    modal = words[i].text in _MODALS  # "i'd", "i'll" carry their modal
    while j < len(words) and j <= i + 3:
        w = words[j].text
        denied = j + 1 < len(words) and words[j + 1].text in _NEGATIONS
        if w in _NEGATIONS or (denied and (w in _AUXILIARIES or w in _MODALS)):
            return None
        if w in _MODALS:
            modal = True
        elif w in _BETWEEN:
            pass
        elif modal and w in ACTION_BASE:
            return j, "modal"
        elif is_past(w, words[j - 1].text):
            return j, "past"
        elif w in ACTION_BASE or (w.endswith("s") and w[:-1] in ACTION_BASE):
            return j, "present"
        else:
            return None
        j += 1
    return None


def subject(word: Token) -> str | None:
    """ "self" for I, "team" for we, else None."""
    if word.text in SUBJECT_SELF or word.text in ("i'd", "i'll"):
        return "self"
    if word.text in SUBJECT_TEAM or word.text in ("we'd", "we'll"):
        return "team"
    return None
