"""A filler found in the signal marks the word Whisper wrote for it everywhere (issue 11).

Whisper often writes an "uh" as "or" over the filled pause's time. The analyser flags such a
lookalike as filler (``absorb_lookalikes``); that flag must reach the transcript that the
score and the timeline read, not only the word count inside the delivery measures.
The answer is rendered with a known "uhh" and given a transcript whose "or" lies exactly
over it, so the right answer is known: "or" is a filler, every other word is a word.
"""

from __future__ import annotations

import pytest

from voicesim.analysis.pipeline import analyze_samples
from voicesim.analysis.timeline import timeline
from voicesim.results import Transcript, Word
from voicesim.scoring.rubric import Rubric
from voicesim.scoring.tokens import tokens_of
from voicesim.testing.signals import SR
from voicesim.testing.speech import Fill, Say, compose

pytestmark = pytest.mark.slow


def test_an_or_written_for_a_filled_pause_is_a_filler_in_transcript_timeline_and_score(
    rubric: Rubric,
) -> None:
    comp = compose(
        [Say("we moved the whole team to the new system"), Fill("uhh"), Say("and it went well")]
    )
    (uh,) = comp.fillers
    words = [Word(w.text, w.start, w.end, 0.9) for w in comp.words if not w.filler]
    words.append(Word("or", uh.start, uh.end, 0.4))  # the "uh" as Whisper writes it
    words.sort(key=lambda w: w.start)
    transcript = Transcript(" ".join(w.text for w in words), words)

    result = analyze_samples(comp.audio, SR, transcript=transcript, rubric=rubric)

    acoustic = [f for f in result.delivery.fillers if f.source == "acoustic"]
    assert any(f.start < uh.end and f.end > uh.start for f in acoustic), result.delivery.fillers
    flagged = [w.text for w in result.transcript.words if w.filler]
    assert flagged == ["or"], flagged
    n_words = sum(not w.filler for w in result.transcript.words)
    assert result.delivery.words == n_words == len(comp.content_words)
    assert "or" not in [t.text for t in timeline(result) if t.kind == "word"]
    assert "or" not in [t.text for t in tokens_of(result.transcript) if not t.filler]
