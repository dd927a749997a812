"""Clarity criteria: pace, filler rate, hesitation, articulation, audibility, pitch variation.

Each function reads the answer's tokens and delivery measures and returns one Criterion
(or None when the measure is missing). Times in seconds, pace in words per minute.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from voicesim.results import Criterion, Delivery, Evidence, Filler
from voicesim.scoring.conciseness import restarts
from voicesim.scoring.rubric import Rubric, rubric_criterion
from voicesim.scoring.tokens import Token, piecewise
from voicesim.text import counted, plain


def _criterion(
    rubric: Rubric, cid: str, score: float, evidence: list[Evidence], tip: str
) -> Criterion:
    return rubric_criterion(rubric, cid, "clarity", score, evidence, tip)


def pace(tokens: Sequence[Token], delivery: Delivery, rubric: Rubric) -> Criterion:
    """Words per minute against the comfortable band; evidence: overall and extreme stretches."""
    spec = rubric.spec("pace")
    words = [t for t in tokens if not t.filler]
    low, high = spec.pair("band")
    wpm = delivery.wpm
    span = delivery.speaking_span_s
    start = tokens[0].start if tokens else 0.0
    evidence = [
        Evidence(
            f"{wpm:.0f} wpm over {span:.1f} s (comfortable {low:.0f}–{high:.0f})",
            start,
            start + span,
        )
    ]
    if len(words) < spec.num("min_words"):
        few = counted(len(words), "word")
        evidence.append(Evidence(f"only {few}: too short to judge the pace"))
        return _criterion(
            rubric, "pace", 100.0, evidence, spec.tip("tip_ok", wpm=wpm, low=low, high=high)
        )
    evidence += _extreme_windows(words, spec.num("window_s"))
    score = piecewise(wpm, spec.curve())
    if wpm < low:
        tip = spec.tip("tip_slow", wpm=wpm, low=low, high=high)
    elif wpm > high:
        tip = spec.tip("tip_fast", wpm=wpm, low=low, high=high)
    else:
        tip = spec.tip("tip_ok", wpm=wpm, low=low, high=high)
    return _criterion(rubric, "pace", score, evidence, tip)


def _extreme_windows(words: Sequence[Token], window_s: float) -> list[Evidence]:
    """The fastest and slowest stretch of ``window_s`` seconds, when the answer is long enough."""
    if words[-1].end - words[0].start < 2 * window_s:
        return []
    rates: list[tuple[float, float, float]] = []
    j = 0
    last_end = words[-1].end
    for i, first in enumerate(words):
        if first.start + window_s > last_end:
            break
        while j < len(words) and words[j].end <= first.start + window_s:
            j += 1
        rates.append(((j - i) / window_s * 60.0, first.start, first.start + window_s))
    if not rates:
        return []
    fast = max(rates)
    slow = min(rates)
    return [
        Evidence(f"fastest stretch: {fast[0]:.0f} wpm", fast[1], fast[2]),
        Evidence(f"slowest stretch: {slow[0]:.0f} wpm", slow[1], slow[2]),
    ]


def fillers(delivery: Delivery, rubric: Rubric) -> Criterion:
    """Fillers per 100 words against the bands; evidence: each filler and its time."""
    spec = rubric.spec("fillers")
    rate = delivery.fillers_per_100_words
    count = len(delivery.fillers)
    excellent, fine = spec.pair("band")
    band = "excellent" if rate < excellent else "fine" if rate <= fine else "needs work"
    evidence = [
        Evidence(
            f"{counted(count, 'filler')}, {rate:.1f} per 100 words ({band}; "
            f"under {excellent:g} excellent, {excellent:g}–{fine:g} fine)"
        )
    ]
    limit = int(spec.num("max_evidence"))
    evidence += [Evidence(f"“{f.text}”", f.start, f.end) for f in delivery.fillers[:limit]]
    if count > limit:
        evidence.append(Evidence(f"… and {count - limit} more"))
    habits = filler_habits(delivery.fillers).most_common()
    top, most = habits[0] if habits else ("um", 0)
    tip_key = "tip_ok" if rate < excellent else "tip_bad" if 2 * most > count else "tip_mixed"
    tip = spec.tip(
        tip_key,
        rate=rate,
        count=count,
        fillers=counted(count, "filler"),
        top=top,
        kinds=", ".join(f"“{name}”" for name, _ in habits[:3]),
    )
    return _criterion(rubric, "fillers", piecewise(rate, spec.curve()), evidence, tip)


def filler_habits(found: Sequence[Filler]) -> Counter[str]:
    """How often the person says each filler, by the name they would recognise.

    The filled pauses count together, as one habit named by their most common written
    spelling ("um", "uh", "hmm"; "um" when Whisper wrote none): the ones the signal found have
    no spelling of their own (SPEC: "(filled pause)"), and "um" and "uh" are the same habit to
    break. Discourse fillers count by their words ("like", "you know").
    """
    pauses = [f for f in found if f.kind == "filled_pause"]
    spelt = Counter(plain(f.text) for f in pauses if f.source == "transcript" and plain(f.text))
    habits = Counter(_said(f.text) for f in found if f.kind != "filled_pause")
    if pauses:
        habits[spelt.most_common(1)[0][0] if spelt else "um"] += len(pauses)
    return habits


def _said(text: str) -> str:
    """A filler's words as said, for the tip: "I mean," → "I mean", "Like," → "like"."""
    return " ".join("I" if w == "i" else w for w in plain(text).split()) or text


def hesitation(tokens: Sequence[Token], delivery: Delivery, rubric: Rubric) -> Criterion:
    """Long silent pauses, counted harder when they fall inside a sentence.

    Counts are grammatical, in the evidence and in the tips' {pauses} ("1 long pause"): one
    pause read "1 long pauses (≥ 2 s), 1 of them mid-sentence" and "Your 1 long pauses"."""
    spec = rubric.spec("hesitation")
    long_pauses = delivery.long_pauses
    evidence: list[Evidence] = []
    penalty = 0.0
    mid = 0
    mid_word = ""
    for pause in long_pauses:
        before = [t for t in tokens if t.end <= pause.start + 0.05]
        prev = before[-1] if before else None
        inside = prev is not None and not prev.ends_sentence
        extra = max(0.0, pause.duration - delivery.long_pause_s) * spec.num("penalty_per_extra_s")
        penalty += spec.num("penalty_mid" if inside else "penalty_between") + extra
        where = f"mid-sentence after “{prev.text}”" if inside and prev else "between sentences"
        if inside and prev:
            mid += 1
            mid_word = mid_word or prev.text
        evidence.append(Evidence(f"{pause.duration:.1f} s pause {where}", pause.start, pause.end))
    limit = int(spec.num("max_evidence"))
    count = len(long_pauses)
    pauses = counted(count, "long pause")
    summary = Evidence(f"{pauses} (≥ {delivery.long_pause_s:g} s), {mid} mid-sentence")
    evidence = [summary, *evidence[:limit]]
    if mid:
        tip = spec.tip("tip_bad", count=count, mid=mid, word=mid_word, pauses=pauses)
    elif count:
        tip = spec.tip("tip_between", count=count, pauses=pauses)
    else:
        tip = spec.tip("tip_ok")
    return _criterion(rubric, "hesitation", 100.0 - penalty, evidence, tip)


def articulation(tokens: Sequence[Token], rubric: Rubric) -> Criterion:
    """Share of words the recogniser was unsure of (a proxy for unclear articulation)."""
    spec = rubric.spec("articulation")
    words = [t for t in tokens if not t.filler]
    threshold = spec.num("low_probability")
    unclear = [t for t in words if t.probability < threshold]
    share = len(unclear) / len(words) if words else 0.0
    # The share, not "N of M words": M counts written tokens ("hard-working" two, "28" one),
    # and read as the answer's word count it disagreed with the pace's (40 beside 39).
    evidence = [
        Evidence(
            f"{counted(len(unclear), 'word')} recognised with confidence under "
            f"{threshold:.0%} ({share:.0%} of the words)"
        )
    ]
    limit = int(spec.num("max_evidence"))
    worst = sorted(unclear, key=lambda t: (t.probability, t.start))[:limit]
    evidence += [
        Evidence(f"“{t.written}” ({t.probability:.0%})", t.start, t.end)
        for t in sorted(worst, key=lambda t: t.start)
    ]
    if unclear:
        names = ", ".join(f"“{t.written}”" for t in worst[:3])
        tip = spec.tip("tip_bad", words=names)
    else:
        tip = spec.tip("tip_ok")
    return _criterion(rubric, "articulation", piecewise(share, spec.curve()), evidence, tip)


def audibility(delivery: Delivery, rubric: Rubric) -> Criterion | None:
    """Speech level and clipping; None when the level was not measured."""
    loud = delivery.loudness
    if loud is None:
        return None
    spec = rubric.spec("audibility")
    level_score = piecewise(loud.mean_dbfs, spec.curve("level_curve"))
    clip_loss = piecewise(loud.clipping_ratio, spec.curve("clipping_curve"))
    evidence = [
        Evidence(f"speech level {loud.mean_dbfs:.1f} dBFS (peak {loud.peak_dbfs:.1f} dBFS)"),
        Evidence(f"{loud.clipping_ratio:.2%} of samples clipped"),
    ]
    if clip_loss > 0:
        tip = spec.tip("tip_clipped", clipping=loud.clipping_ratio, level=loud.mean_dbfs)
    elif level_score < 100:
        tip = spec.tip("tip_quiet", level=loud.mean_dbfs)
    else:
        tip = spec.tip("tip_ok", level=loud.mean_dbfs)
    return _criterion(rubric, "audibility", level_score - clip_loss, evidence, tip)


def pitch_variation(delivery: Delivery, rubric: Rubric) -> Criterion | None:
    """F0 spread in semitones (monotone below the threshold); None when not measured.

    The tip follows the evidence's verdict: "monotone" only under the rubric's threshold
    (``analyze``'s table decides the same way); from there until the curve reaches 90 the
    voice is varied but narrow. jfk.flac's 2.2 semitones, "varied; monotone under 2" in the
    evidence, was told "only 2.2 semitones (monotone under 2)", the 2 written into the tip
    whatever the rubric's threshold."""
    pitch = delivery.pitch
    spec = rubric.spec("pitch_variation")
    if pitch is None or pitch.voiced_ratio < spec.num("min_voiced_ratio"):
        return None
    threshold = spec.num("monotone_semitones")
    flat = pitch.sd_semitones < threshold
    evidence = [
        Evidence(
            f"pitch varies by {pitch.sd_semitones:.1f} semitones around {pitch.median_hz:.0f} Hz"
            f" ({'monotone' if flat else 'varied'}; monotone under {threshold:g})"
        )
    ]
    score = piecewise(pitch.sd_semitones, spec.curve())
    key = "tip_flat" if flat else "tip_narrow" if score < 90 else "tip_ok"
    tip = spec.tip(key, sd=pitch.sd_semitones, threshold=threshold)
    return _criterion(rubric, "pitch_variation", score, evidence, tip)


def fluency(tokens: Sequence[Token], rubric: Rubric) -> Criterion:
    """Restarts and stumbles ("I I went", "we had we had") per 100 words."""
    spec = rubric.spec("fluency")
    words = [t for t in tokens if not t.filler]
    found = restarts(words)
    rate = 100.0 * len(found) / len(words) if words else 0.0
    limit = int(spec.num("max_evidence"))
    evidence = [Evidence(f"{counted(len(found), 'restart')} ({rate:.1f} per 100 words)")]
    evidence += [Evidence(f"restart “{text}”", s, e) for text, s, e in found[:limit]]
    tip = spec.tip("tip_bad", phrase=found[0][0]) if found else spec.tip("tip_ok")
    return _criterion(rubric, "fluency", piecewise(rate, spec.curve()), evidence, tip)
