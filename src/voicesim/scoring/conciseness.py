"""Conciseness criteria: length, repetition, hedges and padding, rambling, getting to the point.

Times in seconds; rates per 100 words.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

from voicesim.packs import Question
from voicesim.results import Criterion, Delivery, Evidence
from voicesim.scoring.rubric import Rubric, rubric_criterion
from voicesim.scoring.tokens import (
    STOP_WORDS,
    Sentence,
    Token,
    as_said,
    content_words,
    find_phrases,
    is_number,
    piecewise,
    quote,
    stem,
)
from voicesim.text import NUMBER_NAMES, TENS_NAMES, counted


def _criterion(
    rubric: Rubric, cid: str, score: float, evidence: list[Evidence], tip: str
) -> Criterion:
    return rubric_criterion(rubric, cid, "conciseness", score, evidence, tip)


def length(
    tokens: Sequence[Token],
    delivery: Delivery,
    question: Question | None,
    rubric: Rubric,
    *,
    cut_off: bool = False,
) -> Criterion:
    """Speaking time against the question's target (or the behavioural default).

    ``cut_off``: the interviewer cut the answer off for running long (stress mode, past
    1.5 × the target). Only what was said before the cut is measured, so an answer that
    would have run on scored as the cut made it: 11 s on a 4–8 s target, 81. It now scores
    at most ``cut_off_max`` and says why.

    The speaking time is the delivery's speaking span (SPEC §1: fillers included, its ends on
    the signal), the figure the scorecard and ``analyze`` show as the answer's length; the
    words' own span left out an "um" before the first word and said "8 s is short" beside a
    table's "9 s … good"."""
    spec = rubric.spec("length")
    start, end = tokens[0].start, tokens[-1].end
    span = delivery.speaking_span_s if delivery.speaking_span_s > 0 else end - start
    if question is not None:
        low, high = question.target_s
        short_max = spec.num("short_penalty")
        source = "this question's target"  # not its id ("target of mgr-leadership-…")
    else:
        low, high = spec.pair("behavioural")
        short_max = spec.num("short_penalty_no_question")
        source = "default for a behavioural answer"
    if span < low:
        score = 100.0 - short_max * (1.0 - span / low)
        key = "tip_short"
    elif span > high:
        zero_at = high * spec.num("over_zero")
        score = 100.0 * max(0.0, (zero_at - span) / (zero_at - high))
        key = "tip_long"
    else:
        score, key = 100.0, "tip_ok"
    evidence = [Evidence(f"spoke {span:.0f} s; {source}: {low:.0f}–{high:.0f} s", start, end)]
    if span > high:
        over = [t for t in tokens if t.start >= start + high]
        if over:
            evidence.append(
                Evidence(f"past the target from “{quote(over, 8)}”", over[0].start, end)
            )
    if cut_off:
        score = min(score, spec.num("cut_off_max"))
        evidence.append(Evidence(f"cut off by the interviewer after {span:.0f} s", start, end))
        key = "tip_cut"
    tip = spec.tip(key, span=span, low=low, high=high)
    return _criterion(rubric, "length", score, evidence, tip)


def repetition(tokens: Sequence[Token], rubric: Rubric) -> Criterion:
    """Repeated word sequences (saying a point again), per 100 words; restarts are fluency.

    The tip names restarts only when fluency found some: "We cut costs by twelve percent in
    March. Then we cut costs by twelve percent again in June." was told "You repeated “we cut
    costs” and restarted sentences" beside fluency's "0 restarts"."""
    spec = rubric.spec("repetition")
    words = [t for t in tokens if not t.filler]
    found: list[Evidence] = []
    n = int(spec.num("ngram"))
    seen: dict[tuple[str, ...], int] = {}
    repeats: Counter[tuple[str, ...]] = Counter()
    last_repeat_end = -1
    for i in range(len(words) - n + 1):
        gram = tuple(t.text for t in words[i : i + n])
        if all(w in STOP_WORDS for w in gram):
            continue
        if gram in seen and seen[gram] + n <= i and i >= last_repeat_end:
            repeats[gram] += 1
            last_repeat_end = i + n
            found.append(
                Evidence(f"repeated “{' '.join(gram)}”", words[i].start, words[i + n - 1].end)
            )
        seen.setdefault(gram, i)
    count = sum(repeats.values())
    rate = count / len(words) * 100.0 if words else 0.0
    limit = int(spec.num("max_evidence"))
    summary = f"{counted(count, 'repeated phrase')} ({rate:.1f} per 100 words)"
    evidence = [Evidence(summary), *found[:limit]]
    if count:
        key = "tip_restarts" if restarts(words) else "tip_bad"
        tip = spec.tip(key, phrase=" ".join(repeats.most_common(1)[0][0]))
    else:
        tip = spec.tip("tip_ok")
    return _criterion(rubric, "repetition", piecewise(rate, spec.curve()), evidence, tip)


def circling(tokens: Sequence[Token], rubric: Rubric) -> Criterion:
    """Coming back to the same few words: the moving-window share of new content words.

    The window keeps the measure independent of length, so a long, complete answer that
    keeps adding substance is not punished; one that says "communication" ten times is.
    """
    spec = rubric.spec("circling")
    stems = [stem(t.text) for t in content_words(tokens)]
    window = int(spec.num("window"))
    if len(stems) <= window:
        novelty = len(set(stems)) / len(stems) if stems else 1.0
    else:
        spans = [stems[i : i + window] for i in range(len(stems) - window + 1)]
        novelty = sum(len(set(w)) for w in spans) / (len(spans) * window)
    top = Counter(stems).most_common(3)
    evidence = [Evidence(f"{novelty:.0%} of content words new within any {window}")]
    evidence += [Evidence(f"“{w}” × {n}") for w, n in top if n >= 3]
    score = piecewise(novelty, spec.curve())
    if score < 80 and top:
        # {count} is how often the word was said; {more}, how often the speaker came back to
        # it: "budget" said 4 times was told "You came back to “budget” 4 times".
        word, said = top[0]
        tip = spec.tip("tip_bad", word=word, count=said, more=counted(said - 1, "more time"))
    else:
        tip = spec.tip("tip_ok")
    return _criterion(rubric, "circling", score, evidence, tip)


def restarts(words: Sequence[Token]) -> list[tuple[str, float, float]]:
    """A word or word pair said twice in a row ("I I went", "we had we had")."""
    out: list[tuple[str, float, float]] = []
    i = 0
    while i < len(words) - 1:
        if words[i].text == words[i + 1].text and words[i].text not in ("that", "had", "very"):
            pair = as_said((words[i].text, words[i + 1].text))
            out.append((pair, words[i].start, words[i + 1].end))
            i += 2
            continue
        if i + 3 < len(words) and (words[i].text, words[i + 1].text) == (
            words[i + 2].text,
            words[i + 3].text,
        ):
            text = as_said(t.text for t in words[i : i + 4])
            out.append((text, words[i].start, words[i + 3].end))
            i += 4
            continue
        i += 1
    return out


def hedges(tokens: Sequence[Token], rubric: Rubric) -> Criterion:
    """Hedges and padding phrases per 100 words (words already counted as fillers excluded)."""
    spec = rubric.spec("hedges")
    words = [t for t in tokens if not t.filler]
    only = _just_before_a_number(words)
    hits = [
        h
        for h in find_phrases(tokens, spec.words("phrases"))
        if not (h.said == "just" and h.start in only)
    ]
    rate = len(hits) / len(words) * 100.0 if words else 0.0
    limit = int(spec.num("max_evidence"))
    found = counted(len(hits), "hedge or padding phrase")
    evidence = [Evidence(f"{found} ({rate:.1f} per 100 words)")]
    evidence += [Evidence(f"“{h.said}”", h.start, h.end) for h in hits[:limit]]
    if hits:
        top = Counter(h.said for h in hits).most_common(1)[0][0]
        tip = spec.tip("tip_bad", phrase=top, count=len(hits), hedges=counted(len(hits), "hedge"))
    else:
        tip = spec.tip("tip_ok")
    return _criterion(rubric, "hedges", piecewise(rate, spec.curve()), evidence, tip)


_QUANTITY_WORDS = frozenset((*NUMBER_NAMES, *TENS_NAMES, "hundred", "thousand", "million", "dozen"))


def _just_before_a_number(words: Sequence[Token]) -> set[float]:
    """The start times of each "just" that means "only" before a number ("in just six
    months", "just 3 people"): it stresses a figure and pads nothing."""
    return {
        w.start
        for w, after in itertools.pairwise(words)
        if w.text == "just" and is_number(after, _QUANTITY_WORDS)
    }


def rambling(sentences: Sequence[Sentence], rubric: Rubric) -> Criterion:
    """Share of words inside sentences longer than the limit (Whisper's punctuation)."""
    spec = rubric.spec("rambling")
    limit_words = int(spec.num("long_sentence_words"))
    total = sum(len(s.words) for s in sentences)
    long = [s for s in sentences if len(s.words) > limit_words]
    share = sum(len(s.words) for s in long) / total if total else 0.0
    longest = max((len(s.words) for s in sentences), default=0)
    evidence = [
        Evidence(
            f"{counted(len(sentences), 'sentence')}, longest {counted(longest, 'word')}; "
            f"{len(long)} over {limit_words} words ({share:.0%} of the words)"
        )
    ]
    limit = int(spec.num("max_evidence"))
    evidence += [
        Evidence(f"{len(s.words)} words: “{quote(s.tokens, 10)}”", s.start, s.end)
        for s in long[:limit]
    ]
    tip = spec.tip("tip_bad", words=longest) if long else spec.tip("tip_ok")
    return _criterion(rubric, "rambling", piecewise(share, spec.curve()), evidence, tip)


RUN_PIECES = 3
"""At most this many pieces of one sentence split at its pauses make a point together."""


def to_the_point(sentences: Sequence[Sentence], rubric: Rubric) -> Criterion:
    """Seconds from the first word to the first substantive sentence.

    An answer with no such sentence never reaches a point: it scores the curve's lowest,
    whatever its length. It used to be scored on its whole length, so "Yes." and "Well,
    yeah, okay, so, right." (under 5 s) scored 100 and were told "You opened with a real
    point" beside the evidence "no sentence with a substantive point"."""
    spec = rubric.spec("to_the_point")
    need = int(spec.num("min_content_words"))
    preamble = spec.words("preamble")
    first = sentences[0].start

    def real(sentence: Sentence) -> int:
        """Content words not inside a lead-in phrase."""
        padding = {
            t.index
            for h in find_phrases(sentence.tokens, preamble)
            for t in sentence.tokens
            if h.start <= t.start and t.end <= h.end
        }
        return sum(t.index not in padding for t in content_words(sentence.tokens))

    counts = [real(s) for s in sentences]
    point: Sentence | None = None
    for i in range(len(sentences)):
        if not counts[i]:
            continue
        # A spoken sentence split at its pauses (a transcript with no full stop before its
        # last word is split there) makes its point over its pieces: jfk.flac's "And so, my
        # fellow Americans, / ask not what your country can do for you, / …" has no piece
        # of 4 content words, and scored 0 as an answer that never made a point.
        j, found = i, counts[i]
        while found < need and j < min(i + RUN_PIECES - 1, len(sentences) - 1):
            if sentences[j].tokens[-1].ends_sentence:
                break
            j += 1
            found += counts[j]
        if found >= need:
            point = Sentence(tuple(t for piece in sentences[i : j + 1] for t in piece.tokens))
            break
    if point is None:
        score = min(y for _, y in spec.curve())
        evidence = [
            Evidence(
                f"no sentence with a substantive point ({need}+ content words "
                "that are not a lead-in)",
                first,
                sentences[-1].end,
            )
        ]
        tip = spec.tip("tip_none", need=need)
        return _criterion(rubric, "to_the_point", score, evidence, tip)
    seconds = point.start - first
    evidence = [
        Evidence(
            f"first point after {seconds:.1f} s: “{quote(point.tokens, 10)}”",
            point.start,
            point.end,
        )
    ]
    if seconds > 0:
        evidence.append(Evidence("lead-in before it", first, point.start))
    score = piecewise(seconds, spec.curve())
    within = "at once" if seconds < 0.5 else f"within {seconds:.0f} s"
    tip = spec.tip("tip_ok" if score >= 90 else "tip_bad", seconds=seconds, within=within)
    return _criterion(rubric, "to_the_point", score, evidence, tip)
