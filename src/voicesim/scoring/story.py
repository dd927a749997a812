"""Content criteria read from how the answer is told: the story's structure, its concrete
detail, how much it says, whether it answers the question, and "I" against "we".

Times in seconds. Grammar comes from ``voicesim.scoring.grammar``; bands, cue lists and tips from
the rubric.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from voicesim.packs import Question
from voicesim.results import Criterion, Evidence, Score
from voicesim.scoring.grammar import STATE_VERBS, is_past, subject, verb_after, word_set
from voicesim.scoring.rubric import Rubric, rubric_criterion
from voicesim.scoring.tokens import (
    STOP_WORDS,
    Sentence,
    Token,
    content_words,
    figures,
    find_phrases,
    piecewise,
    quote,
    stem,
)
from voicesim.text import counted

NO_SITUATION = "no situation: nothing sets the scene in the past"
NO_OWN_ACTION = "no own action: no “I” followed by something you did"
NO_RESULT = "no result: no change, figure, decision or lesson after the actions"

FOLLOW_UP_ACTION = "What did you do yourself?"
FOLLOW_UP_RESULT = "What was the result — can you put a number on it?"

_DECISIONS = word_set("decided chose agreed settled decide choose agree settle")
NUMBER_WORDS = word_set(
    """two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty
    fifty sixty seventy eighty ninety hundred thousand million billion dozen percent half"""
)
"""Number words that make a figure of a result ("two thousand users", "half the time")."""
_SUBORDINATORS = word_set("when after before since while until once as if because")
_YEAR = re.compile(r"^(19|20)\d\d(s)?$")
_MONTHS = word_set(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday spring summer autumn winter"""
)
_COMMON = word_set("may march spring")
"""Month and season names that are common words too: "you may", "march on", "a spring"."""
_BEFORE_DATE = word_set("in since until till by during early late mid last next")
_PERIODS = word_set("year years month months quarter quarters week weeks day days")
_RELATIVE = word_set("last ago within next previous first")


@dataclass(frozen=True)
class Part:
    """One sentence playing a part of the story: its role and where it was said (seconds)."""

    role: str  # "situation" | "action" | "own_action" | "result"
    sentence: Sentence


def _criterion(
    rubric: Rubric, cid: str, score: float, evidence: list[Evidence], tip: str
) -> Criterion:
    return rubric_criterion(rubric, cid, "content", score, evidence, tip)


def story_parts(sentences: Sequence[Sentence], outcome_words: Sequence[str]) -> list[Part]:
    """Each clause's roles, in order: setting, own or team action, result.

    A setting is past tense or dated; an action is "I"/"we" + an action verb; a result is a
    change, a decision, a lesson, or a figure outside the setting.
    """
    parts: list[Part] = []
    for s in sentences:
        words = s.words
        actors = _actions(words)
        acted = {j for j, _ in actors}
        own_verbs = {words[j].start for j, who in actors if who == "self"}
        # "I decided to…" is an action; "we agreed…", "churn fell…", "I learned…" a result.
        changes = [
            h
            for h in find_phrases(s.tokens, outcome_words)
            if not (h.start in own_verbs and h.said in _DECISIONS)
        ]
        past = [j for j, t in enumerate(words) if is_past(t.text, _before(words, j))]
        setting = any(j not in acted for j in past) or _dated(words)
        if setting:
            parts.append(Part("situation", s))
        if any(who == "self" for _, who in actors):
            parts.append(Part("own_action", s))
        elif actors:
            parts.append(Part("action", s))
        # A figure in the setting ("it blocked three releases") describes the problem.
        if changes or (figures(s.tokens, NUMBER_WORDS) and not setting):
            parts.append(Part("result", s))
    return parts


def _before(words: Sequence[Token], j: int) -> str:
    return words[j - 1].text if j else ""


def _actions(words: Sequence[Token]) -> list[tuple[int, str]]:
    """(verb index, "self" | "team") for each first-person subject doing something.

    Not in a subordinate clause: "when I joined" sets the scene, it is not an action.
    """
    out = []
    for i, w in enumerate(words):
        who = subject(w)
        if who is None or (i and words[i - 1].text in _SUBORDINATORS):
            continue
        found = verb_after(words, i)
        if found and words[found[0]].text not in STATE_VERBS:
            out.append((found[0], who))
    return out


def _month(words: Sequence[Token], i: int) -> bool:
    """Word ``i`` names a month, day or season. "may", "march" and "spring" only as dates:
    capitalised mid-sentence, after "in"/"since"/"by"…, or before a figure ("May 5",
    "March 2021"); the modal "may" was a concrete detail and set the scene of a story."""
    w = words[i]
    if w.text not in _MONTHS:
        return False
    if w.text not in _COMMON or w.proper:
        return True
    after = words[i + 1].text if i + 1 < len(words) else ""
    return (i > 0 and words[i - 1].text in _BEFORE_DATE) or after[:1].isdigit()


def _dated(words: Sequence[Token]) -> bool:
    """A time frame: a year, a month or season, "last quarter", "two years ago"."""
    texts = [w.text for w in words]
    for i, t in enumerate(texts):
        if _YEAR.match(t) or _month(words, i):
            return True
        if t in _PERIODS and i and texts[i - 1] in _RELATIVE:
            return True
        if t == "ago":
            return True
    return False


def clauses(sentences: Sequence[Sentence]) -> list[Sentence]:
    """Sentences cut where a new clause starts ("…, so I…", "and then we…", "in the end…").

    Spoken answers run clauses together without full stops, and a run-on sentence would hold
    the situation, the actions and the result at once; cut, their order shows.
    """
    out: list[Sentence] = []
    for sentence in sentences:
        toks = sentence.tokens
        words = [i for i, t in enumerate(toks) if not t.filler]
        cuts = [0]
        for n, i in enumerate(words):
            if not _opens_clause(toks, words, n):
                continue
            prev = words[n - 1] if n else None
            if prev is not None and toks[prev].text in _CLAUSE_GLUE:
                i = prev  # cut before "and then", "since then": keep the phrase whole
            if sum(1 for j in words if cuts[-1] <= j < i) >= _MIN_CLAUSE:
                cuts.append(i)
        cuts.append(len(toks))
        out += [Sentence(toks[a:b]) for a, b in itertools.pairwise(cuts) if b > a]
    return out


def _opens_clause(toks: Sequence[Token], words: Sequence[int], n: int) -> bool:
    """Word ``n`` (of the non-filler ``words``) starts a clause: a conjunction before a
    subject ("so I", "and we", "and then") or a closing phrase ("in the end")."""
    text = toks[words[n]].text
    nxt = toks[words[n + 1]].text if n + 1 < len(words) else ""
    if text in _CLAUSE_OPENERS and nxt in _CLAUSE_SUBJECTS:
        return True
    if text == "and" and (nxt in _CLAUSE_SUBJECTS or nxt == "then"):
        return True
    end = words[min(n + 2, len(words) - 1)] + 1  # three words on, fillers between them
    ahead = find_phrases(toks[words[n] : end], _CLAUSE_PHRASES)
    return bool(ahead) and ahead[0].start == toks[words[n]].start


_CLAUSE_OPENERS = word_set("so but then because after")
_CLAUSE_SUBJECTS = word_set("i we they he she it my our the everyone nobody everybody")
_CLAUSE_PHRASES = ["by the end", "in the end", "after that", "as a result", "eventually", "finally"]
_CLAUSE_GLUE = word_set("and since from but so")
_MIN_CLAUSE = 3


def structure(sentences: Sequence[Sentence], rubric: Rubric) -> Criterion:
    """Situation → own actions → result, found from tense, person and outcome; in order."""
    spec = rubric.spec("structure")
    sentences = clauses(sentences)
    parts = story_parts(sentences, spec.words("outcomes"))
    index = {id(s): n for n, s in enumerate(sentences)}
    at = {role: [index[id(p.sentence)] for p in parts if p.role == role] for role in _ROLES}
    acts = sorted(at["own_action"] + at["action"])
    # The story turns at the candidate's own first action ("we" only when there is no "I"):
    # what is told before it is the situation, what follows it can be the result.
    first_act: int | None = (at["own_action"] or acts)[0] if acts else None
    situation = [n for n in at["situation"] if first_act is None or n <= first_act]
    # A result comes after the first action ("I decided to fix it" is an action, not its
    # result), unless the action's own sentence carries the figure ("we cut churn by 9 %").
    results = [
        n
        for n in at["result"]
        if first_act is not None
        and (n > first_act or (n == first_act and figures(sentences[n].tokens, NUMBER_WORDS)))
    ]
    own = len(at["own_action"])
    score = spec.num("situation") if situation else 0.0
    score += spec.num("own_action") * min(1.0, own / 2) if own else 0.0
    score += spec.num("team_action") if not own and at["action"] else 0.0
    score += spec.num("result") if results else 0.0
    if situation and results and first_act is not None and situation[0] <= first_act:
        score += spec.num("order")
    evidence = _structure_evidence(sentences, situation, at["own_action"] or acts, results)
    missing = [
        part
        for part, absent in (
            ("the situation", not situation),
            ("your own actions (“I …”)", not own),
            ("the result", not results),
        )
        if absent
    ]
    tip = spec.tip("tip_missing", missing=" and ".join(missing)) if missing else spec.tip("tip_ok")
    return _criterion(rubric, "structure", score, evidence, tip)


_ROLES = ("situation", "own_action", "action", "result")


def _structure_evidence(
    sentences: Sequence[Sentence], situation: list[int], acts: list[int], results: list[int]
) -> list[Evidence]:
    def said(label: str, n: int) -> Evidence:
        s = sentences[n]
        return Evidence(f"{label}: “{quote(s.tokens, 10)}”", s.start, s.end)

    quoted = [said("situation", situation[0])] if situation else []
    quoted += [said("action", n) for n in acts[:3]]
    quoted += [said("result", results[-1])] if results else []
    missing = [] if situation else [Evidence(NO_SITUATION)]
    missing += [] if _has_self(sentences) else [Evidence(NO_OWN_ACTION)]
    missing += [] if results else [Evidence(NO_RESULT)]
    return sorted(quoted, key=lambda e: e.start or 0.0) + missing


def _has_self(sentences: Sequence[Sentence]) -> bool:
    return any(who == "self" for s in sentences for _, who in _actions(s.words))


def needs_follow_up(score: Score) -> str | None:
    """The one follow-up an interviewer asks, or None: own action first, then the result.

    Read from the structure criterion's evidence; None when structure was not scored.
    """
    found = next((c for c in score.criteria if c.id == "structure"), None)
    if found is None:
        return None
    said = {e.text for e in found.evidence}
    if NO_OWN_ACTION in said:
        return FOLLOW_UP_ACTION
    if NO_RESULT in said:
        return FOLLOW_UP_RESULT
    return None


def specificity(tokens: Sequence[Token], rubric: Rubric) -> Criterion:
    """Concrete details (figures, names, dates, time frames) per 100 words, less clichés."""
    spec = rubric.spec("specificity")
    words = [t for t in tokens if not t.filler]
    details = _details(words, set(spec.words("number_words")))
    generic = find_phrases(tokens, spec.words("generic"))
    density = 100.0 * len(details) / len(words) if words else 0.0
    penalty = min(spec.num("max_generic_penalty"), spec.num("generic_penalty") * len(generic))
    score = piecewise(density, spec.curve()) - penalty
    evidence = [
        Evidence(
            f"{counted(len(details), 'concrete detail')} ({density:.1f} per 100 words), "
            f"{counted(len(generic), 'cliché')}"
        )
    ]
    evidence += [Evidence(f"detail “{text}”", s, e) for text, s, e in details[:6]]
    evidence += [Evidence(f"cliché “{h.said}”", h.start, h.end) for h in generic[:4]]
    if generic:
        tip = spec.tip("tip_generic", phrase=generic[0].said)
    elif score < 70:
        tip = spec.tip("tip_vague")
    else:
        tip = spec.tip("tip_ok")
    return _criterion(rubric, "specificity", score, evidence, tip)


def _details(words: Sequence[Token], number_words: set[str]) -> list[tuple[str, float, float]]:
    """Figures, names and time frames, one entry per run of adjacent detail words, as
    written ("IT", not the pronoun "it"; "C++", not "c")."""
    numbers = {h.start for h in figures(words, number_words)}
    out: list[tuple[str, float, float]] = []
    prev = -2
    for i, w in enumerate(words):
        t = w.text
        timed = (
            _YEAR.match(t)
            or _month(words, i)
            or (t in _PERIODS and i and words[i - 1].text in _RELATIVE)
        )
        if not (w.proper or timed or w.start in numbers):
            continue
        if i == prev + 1 and out:
            text, s, _ = out[-1]
            out[-1] = (f"{text} {w.written}", s, w.end)
        else:
            out.append((w.written, w.start, w.end))
        prev = i
    return out


def elaboration(tokens: Sequence[Token], rubric: Rubric) -> Criterion:
    """How much the answer says: distinct content words (stems), against a saturating curve.

    None at all ("Yes.") has its own tip: it was told "Only 0 distinct content words"."""
    spec = rubric.spec("elaboration")
    distinct = {stem(t.text) for t in content_words(tokens)}
    score = piecewise(float(len(distinct)), spec.curve())
    words = counted(len(distinct), "distinct content word")
    evidence = [Evidence(words)]
    key = "tip_ok" if score >= 85 else "tip_thin" if distinct else "tip_none"
    tip = spec.tip(key, count=len(distinct), words=words)
    return _criterion(rubric, "elaboration", score, evidence, tip)


def relevance(tokens: Sequence[Token], question: Question, rubric: Rubric) -> Criterion:
    """Share of the question's key words (stems) the answer takes up."""
    spec = rubric.spec("relevance")
    ignore = set(spec.words("question_words"))
    keys = sorted(
        {stem(w) for w in re.findall(r"[a-z']+", question.text.lower())}
        - {stem(w) for w in ignore | STOP_WORDS}
    )
    said = {stem(t.text) for t in content_words(tokens)}
    hit = [k for k in keys if k in said]
    share = len(hit) / len(keys) if keys else 1.0
    evidence = [
        Evidence(f"takes up {len(hit)} of the question's key words: {', '.join(hit) or '—'}")
    ]
    missing = [k for k in keys if k not in said]
    if missing:
        evidence.append(Evidence(f"not mentioned: {', '.join(missing)}"))
    score = piecewise(share, spec.curve())
    tip = spec.tip("tip_ok" if score >= 80 else "tip_off", missing=", ".join(missing[:3]))
    return _criterion(rubric, "relevance", score, evidence, tip)
