"""Content criteria, scored against a question: its expectations and don'ts, the
circumstances–actions–results structure, quantified results and the "we"/"I" balance.

Times in seconds. Phrase lists live in the rubric.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from voicesim.answer_text import Hit, Sentence, Token, find_phrases, piecewise, quote
from voicesim.packs import Question
from voicesim.rubric import BUILTIN_EXPECTATIONS, Check, Rubric
from voicesim.scoring import Criterion, Evidence

PARTS = ("circumstances", "actions", "results")
_DIGITS = re.compile(r"^\$?£?€?\d[\d,.]*(k|m|%|x)?$")
_MONEY_CUES = {
    "dollars", "dollar", "euros", "euro", "pounds", "roubles", "rubles", "k", "thousand",
    "grand", "salary", "annually", "gross", "net", "usd", "eur", "bucks",
}  # fmt: skip
_RANGE_WORDS = {"to", "and", "between", "or", "from"}


def _criterion(
    rubric: Rubric, cid: str, score: float, evidence: list[Evidence], tip: str
) -> Criterion:
    spec = rubric.spec(cid)
    return Criterion(
        id=cid,
        group="content",
        score=round(max(0.0, min(100.0, score)), 1),
        weight=spec.weight,
        evidence=evidence,
        tip=tip,
        label=spec.label,
    )


def content_criteria(
    tokens: Sequence[Token], sentences: Sequence[Sentence], question: Question, rubric: Rubric
) -> list[Criterion]:
    """Every content criterion that applies to ``question``."""
    out: list[Criterion] = []
    if "car_structure" in question.expects:
        out.append(structure(sentences, rubric))
    if "numbers" in question.expects:
        out.append(quantified(tokens, rubric))
    if "team_language" in question.expects:
        out.append(we_i_balance(tokens, rubric))
    named = [e for e in question.expects if e not in BUILTIN_EXPECTATIONS and e in rubric.checks]
    if named:
        out.append(expectations(tokens, sentences, [rubric.checks[n] for n in named], rubric))
    donts = [d for d in question.donts if d in rubric.checks]
    if donts:
        out.append(avoided_donts(tokens, [rubric.checks[d] for d in donts], rubric))
    return out


def _check_hits(check: Check, tokens: Sequence[Token], sentences: Sequence[Sentence]) -> list[Hit]:
    if check.detector == "money":
        return money_hits(tokens)
    hits = find_phrases(tokens, check.phrases)
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


def avoided_donts(tokens: Sequence[Token], checks: Sequence[Check], rubric: Rubric) -> Criterion:
    """100 minus the penalty of each don't found; evidence: the words that broke it."""
    spec = rubric.spec("donts")
    evidence: list[Evidence] = []
    penalty = 0.0
    broken: list[Check] = []
    for check in checks:
        hits = _check_hits(check, tokens, [])
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
        tip = spec.tip("tip_ok")
    return _criterion(rubric, "donts", 100.0 - penalty, evidence, tip)


def is_number(token: Token, number_words: set[str]) -> bool:
    """A figure: digits (not a bare year), a percentage, or a number word."""
    text = token.text
    if _DIGITS.match(text):
        bare = text.replace(",", "")
        return not (bare.isdigit() and len(bare) == 4 and 1900 <= int(bare) <= 2100)
    return text in number_words or text.endswith("%")


def figures(tokens: Sequence[Token], number_words: set[str]) -> list[Hit]:
    """Consecutive number tokens grouped into figures ("two hundred thousand" is one)."""
    words = [t for t in tokens if not t.filler]
    out: list[Hit] = []
    run: list[Token] = []
    for tok in [*words, None]:
        if tok is not None and is_number(tok, number_words):
            run.append(tok)
            continue
        if run:
            said = " ".join(t.text for t in run)
            out.append(Hit("number", said, run[0].start, run[-1].end))
            run = []
    return out


def quantified(tokens: Sequence[Token], rubric: Rubric) -> Criterion:
    """How many figures back the answer: numbers, percentages, money, "doubled"."""
    spec = rubric.spec("quantified")
    found = figures(tokens, set(spec.words("words")))
    evidence = [Evidence(f"{len(found)} figures")]
    evidence += [Evidence(f"“{h.said}”", h.start, h.end) for h in found[:8]]
    score = piecewise(float(len(found)), spec.curve())
    key = "tip_bad" if not found else "tip_ok" if score >= 100 else "tip_some"
    return _criterion(rubric, "quantified", score, evidence, spec.tip(key, count=len(found)))


def money_hits(tokens: Sequence[Token]) -> list[Hit]:
    """Salary figures named outright: a number next to a money word, unless given as a range."""
    words = [t for t in tokens if not t.filler]
    numbers = {"thousand", "hundred", "million", "fifty", "sixty", "seventy", "eighty", "ninety"}
    hits: list[Hit] = []
    for i, tok in enumerate(words):
        money_digits = tok.text.startswith(("$", "£", "€")) and any(c.isdigit() for c in tok.text)
        if not (money_digits or is_number(tok, numbers)):
            continue
        near = {w.text for w in words[max(0, i - 2) : i + 3]}
        if not (money_digits or near & _MONEY_CUES):
            continue
        around = {w.text for w in words[max(0, i - 4) : i + 5]}
        others = [w for w in words[max(0, i - 4) : i + 5] if w is not tok and is_number(w, numbers)]
        if around & _RANGE_WORDS and others:
            continue  # "between 90 and 110 thousand": a range is what the guide advises
        if hits and hits[-1].end >= words[max(0, i - 1)].start:
            continue
        hits.append(Hit("money", quote(words[max(0, i - 1) : i + 3], 4), tok.start, tok.end))
    return hits


def structure(sentences: Sequence[Sentence], rubric: Rubric) -> Criterion:
    """Circumstances → actions → results from cue phrases, with each part's share of time."""
    spec = rubric.spec("structure")
    labels = _label_sentences(sentences, {p: spec.words(p) for p in PARTS})
    spans: dict[str, list[Sentence]] = {p: [] for p in PARTS}
    for sentence, label in zip(sentences, labels, strict=True):
        if label:
            spans[label].append(sentence)
    total = sum(s.end - s.start for s in sentences) or 1.0
    shares = {p: sum(s.end - s.start for s in spans[p]) / total for p in PARTS}
    present = [p for p in PARTS if spans[p]]
    score = [0.0, 40.0, 70.0, 100.0][len(present)]
    evidence = [
        Evidence(
            f"{part}: {shares[part]:.0%} of the time, from “{quote(spans[part][0].tokens, 8)}”",
            spans[part][0].start,
            spans[part][-1].end,
        )
        for part in present
    ]
    firsts = [spans[p][0].start for p in present]
    if firsts != sorted(firsts):
        score -= 15.0
        evidence.append(Evidence("the parts come out of order"))
    max_context, min_result = spec.pair("shares")
    unbalanced = ""
    if shares["circumstances"] > max_context:
        score -= 15.0
        unbalanced = "circumstances"
    elif "results" in present and shares["results"] < min_result:
        score -= 10.0
        unbalanced = "results"
    missing = [p for p in PARTS if p not in present]
    evidence += [Evidence(f"no {p} found") for p in missing]
    if missing:
        tip = spec.tip("tip_missing", missing=" and ".join(missing))
    elif unbalanced:
        tip = spec.tip("tip_unbalanced", part=unbalanced, share=shares[unbalanced])
    else:
        tip = spec.tip("tip_ok")
    return _criterion(rubric, "structure", score, evidence, tip)


def _label_sentences(sentences: Sequence[Sentence], cues: dict[str, list[str]]) -> list[str]:
    """Each sentence's part: the one with most cues (ties go to the later part); a sentence
    without cues continues the part before it."""
    labels: list[str] = []
    current = ""
    for sentence in sentences:
        counts = {p: len(find_phrases(sentence.tokens, cues[p])) for p in PARTS}
        best = max(PARTS, key=lambda p: (counts[p], PARTS.index(p)))
        if counts[best]:
            current = best
        labels.append(current)
    return labels


def we_i_balance(tokens: Sequence[Token], rubric: Rubric) -> Criterion:
    """Share of "we"/"my team" among all we- and I-mentions."""
    spec = rubric.spec("we_i_balance")
    team_phrases = spec.words("team")
    hits = find_phrases(tokens, team_phrases + spec.words("self"))
    team = [h for h in hits if h.phrase in team_phrases]
    self_ = [h for h in hits if h.phrase not in team_phrases]
    mentions = len(team) + len(self_)
    share = len(team) / mentions if mentions else 0.0
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
