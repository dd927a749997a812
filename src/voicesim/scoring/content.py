"""Content criteria, scored against a question: its expectations and don'ts, the
circumstances–actions–results structure, quantified results and the "we"/"I" balance.

Times in seconds. Phrase lists live in the rubric.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from voicesim.packs import Question
from voicesim.results import Criterion, Evidence
from voicesim.scoring.rubric import BUILTIN_EXPECTATIONS, Check, Rubric, rubric_criterion
from voicesim.scoring.tokens import Hit, Sentence, Token, find_phrases, piecewise, quote

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
    return rubric_criterion(rubric, cid, "content", score, evidence, tip)


def content_criteria(
    tokens: Sequence[Token], sentences: Sequence[Sentence], question: Question, rubric: Rubric
) -> list[Criterion]:
    """Every content criterion that applies to ``question``."""
    out: list[Criterion] = []
    if "car_structure" in question.expects:
        out.append(structure(tokens, rubric))
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


def structure(tokens: Sequence[Token], rubric: Rubric) -> Criterion:
    """Circumstances → actions → results from cue phrases, with each part's share of time.

    Each cue starts its part, which runs until the next cue of another part; talk before
    the first cue is background (circumstances). Punctuation is not used, so the split does
    not depend on where the recogniser put full stops.
    """
    spec = rubric.spec("structure")
    segments, cued = _segments(tokens, {p: spec.words(p) for p in PARTS})
    total = (tokens[-1].end - tokens[0].start) or 1.0
    shares = {p: sum(e - s for part, s, e in segments if part == p) / total for p in PARTS}
    lead_in = segments[0][2] - segments[0][1]
    present = [p for p in PARTS if p in cued or (p == "circumstances" and lead_in >= 3.0)]
    score = [0.0, 40.0, 70.0, 100.0][len(present)]
    evidence = [
        Evidence("time split: " + " · ".join(f"{p} {shares[p]:.0%}" for p in PARTS)),
        *(_part_evidence(part, segments, tokens, shares[part]) for part in present),
    ]
    centres = [_centre(p, segments) for p in present]
    if centres != sorted(centres):
        score -= 15.0
        evidence.append(Evidence("the parts come out of order"))
    max_context, min_result = spec.pair("shares")
    over = min(15.0, max(0.0, shares["circumstances"] - max_context) * 60.0)
    under = min(10.0, max(0.0, min_result - shares["results"]) * 60.0)
    under = under if "results" in present else 0.0
    score -= over + under
    missing = [p for p in PARTS if p not in present]
    evidence += [Evidence(f"no {p} found") for p in missing]
    if missing:
        tip = spec.tip("tip_missing", missing=" and ".join(missing))
    elif over or under:
        part = "circumstances" if over >= under else "results"
        tip = spec.tip("tip_unbalanced", part=part, share=shares[part])
    else:
        tip = spec.tip("tip_ok")
    return _criterion(rubric, "structure", score, evidence, tip)


def _segments(
    tokens: Sequence[Token], cues: dict[str, list[str]]
) -> tuple[list[tuple[str, float, float]], set[str]]:
    """(part, start, end) stretches — background first, then one per run of same-part
    cues — and the parts that have at least one cue."""
    part_of: dict[str, str] = {}
    for part in PARTS:
        for phrase in cues[part]:
            part_of.setdefault(phrase, part)
    # One search over all cues, so overlapping cues resolve to the longest ("since then"
    # is a result, not the action "then I").
    hits = [(h.start, part_of[h.phrase]) for h in find_phrases(tokens, list(part_of))]
    first, last = tokens[0].start, tokens[-1].end
    marks: list[tuple[str, float]] = [("circumstances", first)]
    for start, part in hits:
        if part != marks[-1][0]:
            marks.append((part, max(start, marks[-1][1])))
    bounds = [t for _, t in marks[1:]] + [last]
    segments = [(part, start, end) for (part, start), end in zip(marks, bounds, strict=True)]
    return segments, {part for _, part in hits}


def _centre(part: str, segments: Sequence[tuple[str, float, float]]) -> float:
    """Time-weighted middle of a part, seconds."""
    spans = [(s, e) for p, s, e in segments if p == part and e > s]
    weight = sum(e - s for s, e in spans)
    return sum((s + e) / 2 * (e - s) for s, e in spans) / weight if weight else 0.0


def _part_evidence(
    part: str, segments: Sequence[tuple[str, float, float]], tokens: Sequence[Token], share: float
) -> Evidence:
    spans = [(s, e) for p, s, e in segments if p == part]
    start, end = spans[0]
    said = [t for t in tokens if start <= t.start < end and not t.filler]
    return Evidence(
        f"{part}: {share:.0%} of the time, from “{quote(said, 8)}”", start, spans[-1][1]
    )


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
