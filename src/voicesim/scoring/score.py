"""Stage: transcript + delivery (+ question) → rubric score with evidence and tips.

Pure: no device, CLI, storage or file imports. The result types live in
``voicesim.results``; the criteria in ``clarity``, ``conciseness``, ``content`` and ``story``
(the story's structure, specificity, substance), their settings in the rubric
(``voicesim.scoring.rubric``), which the caller loads and passes in. Written answers enter
through ``written``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from voicesim.results import Criterion, Evidence, Group, Score
from voicesim.scoring import clarity
from voicesim.scoring import conciseness as concise
from voicesim.scoring.content import (
    avoided_donts,
    content_criteria,
    general_donts,
    we_i_balance,
)
from voicesim.scoring.story import elaboration, specificity
from voicesim.scoring.tokens import sentences_of, tokens_of
from voicesim.text import counted

if TYPE_CHECKING:
    from voicesim.packs import Question
    from voicesim.results import Delivery, Transcript
    from voicesim.scoring.rubric import Rubric


def score_answer(
    transcript: Transcript,
    delivery: Delivery,
    *,
    rubric: Rubric,
    question: Question | None = None,
    audio: bool = True,
    cut_off: bool = False,
) -> Score:
    """Score one answer (0–100): delivery, conciseness and the story; the question's checks.

    Deterministic and pure: the caller loads ``rubric`` once. ``overall`` and ``groups`` are
    weighted means (0–100) of the criteria that apply; criteria whose measure is missing (no
    pitch, no level) are left out, and so are those that need audio (pace, pauses,
    articulation) when ``audio`` is False. ``cut_off``: the interviewer cut the answer off
    for running long (``conciseness.length``).
    """
    qid = question.id if question else None
    tokens = tokens_of(transcript)
    if not [t for t in tokens if not t.filler]:
        return _no_speech(rubric, qid, [t.text for t in tokens])
    sentences = sentences_of(tokens, rubric.spec("rambling").num("pause_split_s"))
    heard: list[Criterion | None] = [  # AUDIO_CRITERIA
        clarity.pace(tokens, delivery, rubric),
        clarity.hesitation(tokens, delivery, rubric),
        clarity.articulation(tokens, rubric),
        clarity.audibility(delivery, rubric),
        clarity.pitch_variation(delivery, rubric),
    ]
    found: list[Criterion | None] = [
        *(heard if audio else []),
        clarity.fillers(delivery, rubric),
        clarity.fluency(tokens, rubric),
        concise.length(tokens, delivery, question, rubric, cut_off=cut_off),
        concise.repetition(tokens, rubric),
        concise.circling(tokens, rubric),
        concise.hedges(tokens, rubric),
        concise.rambling(sentences, rubric),
        concise.to_the_point(sentences, rubric),
        specificity(tokens, rubric),
        elaboration(tokens, rubric),
        we_i_balance(tokens, rubric),
    ]
    if question is not None:
        found += content_criteria(tokens, sentences, question, rubric)
    elif general := general_donts(rubric):
        found.append(avoided_donts(tokens, general, rubric, general=True))
    criteria = [c for c in found if c is not None and c.weight > 0]
    criteria = few_words(criteria, sum(not t.filler for t in tokens))
    return Score(
        overall=_weighted(criteria),
        criteria=criteria,
        groups={
            g: _weighted([c for c in criteria if c.group == g])
            for g in _GROUPS
            if any(c.group == g for c in criteria)
        },
        question_id=qid,
    )


_GROUPS: tuple[Group, ...] = ("clarity", "conciseness", "content")


AUDIO_CRITERIA = ("pace", "hesitation", "articulation", "audibility", "pitch_variation")
"""The criteria only a recording has: a written answer (``audio=False``) leaves them out."""


def scores_text(rubric: Rubric) -> bool:
    """True if the rubric weighs any criterion a written answer can have (a rubric that
    switched all the others off scored every text "overall 0/100")."""
    return any(s.weight > 0 for cid, s in rubric.criteria.items() if cid not in AUDIO_CRITERIA)


FAULT_FREE = ("pace", "hesitation", "articulation", "fillers", "fluency", "repetition",
              "circling", "hedges")  # fmt: skip
"""Criteria that score an answer by the faults it has: none found scores 100."""
FULL_WORDS = 40
"""Words an answer needs before finding none of a fault is proof of its absence."""


_DRAWN = "drawn from"
_DRAWN_FROM_FULL = re.compile(rf"\({_DRAWN} 100 towards 50 ")
"""The note of a criterion that found no fault and was drawn towards 50 for the words alone."""


def few_words(criteria: list[Criterion], words: int) -> list[Criterion]:
    """A short answer's FAULT_FREE criteria, drawn towards 50 in proportion to its words
    (under FULL_WORDS): "Yes." scored 100 for fillers, fluency, repetition, circling and
    hedges, since it had none of them, and 66 overall. A score under 50 (faults found) is
    kept: a fault heard is proof at any length. The graded answers start at 17 words."""
    if words >= FULL_WORDS:
        return criteria
    out = []
    for c in criteria:
        if c.id in FAULT_FREE and c.score > 50.0:
            drawn = round(50.0 + (c.score - 50.0) * words / FULL_WORDS, 1)
            note = Evidence(
                f"only {counted(words, 'word')}: too few to show the fault is absent "
                f"({_DRAWN} {c.score:.0f} towards 50 under {FULL_WORDS} words)"
            )
            tip = c.tip
            if c.score >= 100.0 and drawn <= 95.0:  # no fault: why not 100 ("No restarts" at 75)
                few = f"{counted(words, 'word')} {'is' if words == 1 else 'are'} too few"
                tip = f"{tip} (Scored {drawn:.0f}: {few} to be sure; {FULL_WORDS} are enough.)"
            c = replace(c, score=drawn, evidence=[*c.evidence, note], tip=tip)
        out.append(c)
    return out


def _weighted(criteria: list[Criterion]) -> float:
    total = sum(c.weight for c in criteria)
    if total <= 0:
        return 0.0
    return round(sum(c.score * c.weight for c in criteria) / total, 1)


NOTHING_HEARD = "Nothing was heard: check the microphone and answer aloud."
ONLY_FILLERS = "Only filler words, no answer: say what you did in full sentences."


def _no_speech(rubric: Rubric, qid: str | None, fillers: list[str]) -> Score:
    """An answer with no word but fillers (or none at all): 0 in every group (SPEC §3b names
    all three), with what was heard. "Um, uh." was told "Nothing was heard"."""
    spec = rubric.spec("length")
    said = ", ".join(f"“{t}”" for t in dict.fromkeys(fillers))
    criterion = Criterion(
        id="length",
        group="conciseness",
        score=0.0,
        weight=spec.weight,
        evidence=[Evidence(f"only filler words: {said}" if fillers else "no speech detected")],
        tip=ONLY_FILLERS if fillers else NOTHING_HEARD,
        label=spec.label,
    )
    groups: dict[str, float] = dict.fromkeys(_GROUPS, 0.0)
    return Score(overall=0.0, criteria=[criterion], groups=groups, question_id=qid)


def top_improvements(score: Score, n: int = 3) -> list[Criterion]:
    """The ``n`` criteria whose improvement would raise the overall score most.

    Ranked by weight × (100 − score), a tie by the lower score, then by id; criteria already
    at 100 are never returned, nor one that found no fault and is under 100 only because the
    answer is short (:func:`few_words`): jfk.flac's 22 words were told "Filler words (78):
    Fillers are rare" as a change to make, where saying more is the change, and the length
    and substance criteria say so. The first is the spoken tip's (``tips.best_change``).
    """
    gains = [
        c
        for c in score.criteria
        if c.score < 100
        and c.weight > 0
        and not any(_DRAWN_FROM_FULL.search(e.text) for e in c.evidence)
    ]
    gains.sort(key=lambda c: (-(c.weight * (100.0 - c.score)), c.score, c.id))
    return gains[:n]
