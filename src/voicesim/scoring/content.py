"""Content criteria, scored against a question: its expectations and don'ts, quantified
results, and (from ``scoring.story``) the story's structure and relevance; the "we"/"I" balance.

Times in seconds. Phrase lists live in the rubric.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from voicesim.packs import Question
from voicesim.results import Criterion, Evidence
from voicesim.scoring.rubric import BUILTIN_EXPECTATIONS, Check, Rubric, rubric_criterion
from voicesim.scoring.story import relevance, structure
from voicesim.scoring.tokens import (
    Hit,
    Sentence,
    Token,
    figures,
    find_phrases,
    is_number,
    piecewise,
    quote,
)
from voicesim.text import NUMBER_NAMES, TENS_NAMES, counted

_MONEY_CUES = {
    "dollars", "dollar", "euros", "euro", "pounds", "roubles", "rubles", "k", "thousand",
    "grand", "salary", "annually", "gross", "net", "usd", "eur", "bucks",
}  # fmt: skip
_RANGE_WORDS = {"to", "and", "between", "or", "from"}
_THOUSANDS = re.compile(r"^\d{2,3}(\.\d+)?k$")
"""A salary said in thousands ("120k"); not "5k", which is more often a run."""


def _criterion(
    rubric: Rubric, cid: str, score: float, evidence: list[Evidence], tip: str
) -> Criterion:
    return rubric_criterion(rubric, cid, "content", score, evidence, tip)


def content_criteria(
    tokens: Sequence[Token], sentences: Sequence[Sentence], question: Question, rubric: Rubric
) -> list[Criterion]:
    """Every content criterion that applies to ``question``: structure, figures, checks."""
    out: list[Criterion] = []
    if "car_structure" in question.expects:
        out.append(structure(sentences, rubric))
    if "numbers" in question.expects:
        out.append(quantified(tokens, rubric))
    named = [e for e in question.expects if e not in BUILTIN_EXPECTATIONS and e in rubric.checks]
    if named:
        out.append(expectations(tokens, sentences, [rubric.checks[n] for n in named], rubric))
    donts = [d for d in question.donts if d in rubric.checks]
    if donts:
        out.append(avoided_donts(tokens, [rubric.checks[d] for d in donts], rubric))
    out.append(relevance(tokens, question, rubric))
    return out


def _check_hits(check: Check, tokens: Sequence[Token], sentences: Sequence[Sentence]) -> list[Hit]:
    if check.detector == "money":
        return money_hits(tokens)
    # An expectation is met in any regular plural of its words' last ("courses"); a don't
    # only as written (the safer side for a penalty).
    hits = find_phrases(tokens, check.phrases, plurals=check.kind == "expect")
    if check.detector == "questions":
        asked = [Hit("?", quote(s.tokens, 10), s.start, s.end) for s in sentences if s.is_question]
        return asked if len(asked) >= len(hits) else hits
    return hits


def expectations(
    tokens: Sequence[Token], sentences: Sequence[Sentence], checks: Sequence[Check], rubric: Rubric
) -> Criterion:
    """Share of the question's phrase expectations met; evidence: what was said, what is missing."""
    spec = rubric.spec("expectations")
    evidence: list[Evidence] = []
    missing: list[Check] = []
    for check in checks:
        hits = _check_hits(check, tokens, sentences)
        if len(hits) >= check.min_hits:
            first = hits[0]
            evidence.append(
                Evidence(f"covers {check.label}: “{first.said}”", first.start, first.end)
            )
        else:
            missing.append(check)
            evidence.append(
                Evidence(f"missing {check.label} (found {len(hits)}, need {check.min_hits})")
            )
    score = 100.0 * (len(checks) - len(missing)) / len(checks)
    if missing:
        tip = spec.tip("tip_bad", missing="; ".join(c.tip for c in missing[:2]))
    else:
        tip = spec.tip("tip_ok")
    return _criterion(rubric, "expectations", score, evidence, tip)


def general_donts(rubric: Rubric) -> list[Check]:
    """The don'ts of any answer (the rubric's ``donts.general``, each a don't: checked as the
    rubric loads), for an answer scored without a question."""
    return [rubric.checks[n] for n in rubric.spec("donts").params.get("general", [])]


def avoided_donts(
    tokens: Sequence[Token], checks: Sequence[Check], rubric: Rubric, *, general: bool = False
) -> Criterion:
    """100 minus the penalty of each don't found; evidence: the words that broke it.
    ``general``: the don'ts of any answer, with no question (their own tip when clean)."""
    spec = rubric.spec("donts")
    evidence: list[Evidence] = []
    penalty = 0.0
    broken: list[Check] = []
    words = [t for t in tokens if not t.filler]
    for check in checks:
        hits = [h for h in _check_hits(check, tokens, []) if not _negated(h, words)]
        if not hits:
            continue
        broken.append(check)
        penalty += check.penalty + spec.num("repeat_penalty") * (len(hits) - 1)
        evidence += [Evidence(f"{check.label}: “{h.said}”", h.start, h.end) for h in hits[:3]]
    clean = [c.label for c in checks if c not in broken]
    if clean:
        evidence.append(Evidence("avoided: " + "; ".join(clean)))
    if broken:
        worst = max(broken, key=lambda c: c.penalty)
        tip = worst.tip[0].upper() + worst.tip[1:] + "."
    else:
        labels = "; ".join(c.label for c in checks)
        tip = spec.tip("tip_ok_general", donts=labels) if general else spec.tip("tip_ok")
    return _criterion(rubric, "donts", 100.0 - penalty, evidence, tip)


NEGATIONS = frozenset({
    "not", "never", "no", "don't", "didn't", "doesn't", "won't", "wouldn't", "can't",
    "cannot", "without", "wasn't", "isn't", "weren't", "aren't", "haven't", "hadn't",
})  # fmt: skip
"""A don't said with one of these just before it is its opposite: "I don't blame anyone"
was counted as blaming others (the guide's own advice: take responsibility)."""


def _negated(hit: Hit, words: Sequence[Token]) -> bool:
    """True if one of the two words before ``hit`` is a negation (NEGATIONS)."""
    before = [t for t in words if t.end <= hit.start + 1e-6][-2:]
    return any(t.text.replace("’", "'") in NEGATIONS for t in before)


def quantified(tokens: Sequence[Token], rubric: Rubric) -> Criterion:
    """How many figures back the answer: numbers, percentages, money, "doubled"."""
    spec = rubric.spec("quantified")
    found = figures(tokens, set(spec.words("words")))
    evidence = [Evidence(counted(len(found), "figure"))]
    evidence += [Evidence(f"“{h.said}”", h.start, h.end) for h in found[:8]]
    score = piecewise(float(len(found)), spec.curve())
    key = "tip_bad" if not found else "tip_ok" if score >= 100 else "tip_some"
    tip = spec.tip(key, count=len(found), figures=counted(len(found), "figure"))
    return _criterion(rubric, "quantified", score, evidence, tip)


def money_hits(tokens: Sequence[Token]) -> list[Hit]:
    """Salary figures named outright: a number next to a money word, unless given as a range."""
    words = [t for t in tokens if not t.filler]
    numbers = {"thousand", "hundred", "million", "fifty", "sixty", "seventy", "eighty", "ninety"}
    figure = _figure_of(words, numbers)
    hits: list[Hit] = []
    for i, tok in enumerate(words):
        money_digits = (
            tok.text.startswith(("$", "£", "€")) and any(c.isdigit() for c in tok.text)
        ) or _THOUSANDS.match(tok.text) is not None  # "120k"
        if not (money_digits or is_number(tok, numbers)):
            continue
        near = {w.text for w in words[max(0, i - 2) : i + 3]}
        if not (money_digits or near & _MONEY_CUES):
            continue
        # Four words either side of the whole figure, not its own words: "120 thousand
        # dollars, and I can start in May" was read as a range of 120 and thousand.
        first, last = _ends(figure, i)
        beside = [
            j for j in range(max(0, first - 4), min(last + 5, len(words))) if not first <= j <= last
        ]
        around = {words[j].text for j in beside}
        others = [j for j in beside if figure[j] != -1]
        if around & _RANGE_WORDS and others:
            continue  # "between 90 and 110 thousand": a range is what the guide advises
        if hits and hits[-1].end >= words[max(0, i - 1)].start:
            continue
        said = words[max(0, first - 1) : last + 2]  # the figure, a word either side
        hits.append(Hit("money", quote(said, len(said)), words[first].start, words[last].end))
    return hits


def _ends(figure: Sequence[int], i: int) -> tuple[int, int]:
    """The first and last index of the figure word ``i`` is part of (itself if none)."""
    if figure[i] == -1:
        return i, i
    first = last = i
    while first > 0 and figure[first - 1] == figure[i]:
        first -= 1
    while last + 1 < len(figure) and figure[last + 1] == figure[i]:
        last += 1
    return first, last


_SAID_NUMBERS = frozenset(NUMBER_NAMES[1:] + TENS_NAMES)
"""One … nineteen and the tens: said after a figure's number, they are part of it."""


def _figure_of(words: Sequence[Token], numbers: set[str]) -> list[int]:
    """Which figure each word is part of (-1: none): consecutive number tokens are one
    figure, as in tokens.figures ("120 thousand"), and so is a number said after it
    ("ninety five thousand") or after "hundred and" ("a hundred and twenty thousand")."""
    out: list[int] = []
    count = -1
    for i, w in enumerate(words):
        inside = bool(out) and out[-1] != -1
        after_hundred = (
            w.text == "and"
            and i > 0
            and words[i - 1].text == "hundred"
            and i + 1 < len(words)
            and words[i + 1].text in _SAID_NUMBERS
        )
        if not (is_number(w, numbers) or (inside and w.text in _SAID_NUMBERS) or after_hundred):
            out.append(-1)
            continue
        if not inside:
            count += 1
        out.append(count)
    return out


def we_i_balance(tokens: Sequence[Token], rubric: Rubric) -> Criterion:
    """Share of "we"/"my team" among all we- and I-mentions.

    Both sides count their contractions ("we're", "we've" as "I'm", "I've"): "We've cut
    costs… We're proud…" scored 30, as all "I". With no mention at all the share is
    undefined: the answer scores the rubric's ``no_mentions`` (neutral, half-way between
    all "I" and a balance) and says so, where it scored 30 and was told "0 × “I” against
    0 × “we”" as if it said "I" too much."""
    spec = rubric.spec("we_i_balance")
    team_phrases = spec.words("team")
    hits = find_phrases(tokens, team_phrases + spec.words("self"))
    team = [h for h in hits if h.phrase in team_phrases]
    self_ = [h for h in hits if h.phrase not in team_phrases]
    mentions = len(team) + len(self_)
    if not mentions:
        score = spec.num("no_mentions")
        evidence = [Evidence(f"no “we” or “I” at all: no balance to measure, neutral {score:g}")]
        return _criterion(rubric, "we_i_balance", score, evidence, spec.tip("tip_none"))
    share = len(team) / mentions
    evidence = [Evidence(f"{len(team)} × we/team, {len(self_)} × I/me ({share:.0%} team)")]
    evidence += [Evidence(f"“{h.said}”", h.start, h.end) for h in team[:5]]
    score = piecewise(share, spec.curve())
    if mentions < spec.num("min_mentions") and team:
        evidence.append(Evidence("few mentions, but the team is named"))
        score = 100.0
    if share > 0.95 and mentions >= spec.num("min_mentions"):
        key = "tip_all_we"
    elif score < 100:
        key = "tip_bad"
    else:
        key = "tip_ok"
    tip = spec.tip(key, team=len(team), me=len(self_))
    return _criterion(rubric, "we_i_balance", score, evidence, tip)
