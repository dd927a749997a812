"""The clip bootstrap the real-set benchmark reports its F1 intervals with, and which of the
reference's fillers were said with no one else talking."""

from __future__ import annotations

import numpy as np
import pytest

from voicesim.testing.matching import (
    f1_draws,
    gaps,
    interval,
    pause_agreement,
    said_alone,
    word_time_errors,
)


def test_identical_clips_give_no_spread() -> None:
    # Every draw pools the same counts: 3 tp, 1 fp, 1 fn → F1 = 6 / 8.
    draws = f1_draws([(3, 1, 1)] * 5, draws=500)
    assert interval(draws) == pytest.approx((0.75, 0.75))


def test_two_clips_give_the_three_pooled_outcomes_in_their_proportions() -> None:
    # A clip with its one filler found and a clip with its one filler missed: a draw of
    # two clips is both found (F1 1, p 1/4), one of each (2 / 3, p 1/2) or both missed
    # (0, p 1/4).
    draws = f1_draws([(1, 0, 0), (0, 0, 1)], draws=20_000, seed=3)
    assert set(np.round(draws, 6)) == {0.0, round(2 / 3, 6), 1.0}
    assert np.mean(draws == 1.0) == pytest.approx(0.25, abs=0.02)
    assert np.mean(draws == 0.0) == pytest.approx(0.25, abs=0.02)
    assert interval(draws) == (0.0, 1.0)
    assert interval(draws, level=0.4) == pytest.approx((2 / 3, 2 / 3))


def test_a_draw_with_nothing_in_it_scores_zero() -> None:
    draws = f1_draws([(0, 0, 0), (2, 0, 0)], draws=2_000, seed=1)
    assert set(np.round(draws, 6)) == {0.0, 1.0}


def test_two_systems_on_the_same_clips_are_paired_draw_by_draw() -> None:
    a = [(2, 0, 1), (0, 1, 0), (1, 0, 3), (3, 0, 0)]
    better = [(tp + fn, fp, 0) for tp, fp, fn in a]  # the same clips, every filler found
    da, db = f1_draws(a, draws=3_000), f1_draws(better, draws=3_000)
    assert np.all(db >= da)
    assert np.any(db > da)
    np.testing.assert_array_equal(f1_draws(a, draws=3_000), da)


def test_no_clips_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one clip"):
        f1_draws([])


def test_word_time_errors_pair_words_by_text_in_order() -> None:
    reference = [("Hello", 0.0, 0.5), ("um", 0.5, 0.8), ("big", 0.8, 1.0), ("world", 1.0, 1.4)]
    found = [("hello,", 0.1, 0.6), ("bag", 0.85, 1.0), ("World.", 1.2, 1.3), ("again", 1.4, 2.0)]
    # "um" is a filled pause and "bag" matches nothing: two pairs, found minus reference.
    assert word_time_errors(reference, found) == [
        (pytest.approx(0.1), pytest.approx(0.1)),
        (pytest.approx(0.2), pytest.approx(-0.1)),
    ]
    assert word_time_errors(reference, []) == []


def test_a_filler_is_said_alone_unless_another_speaker_talks_over_it() -> None:
    words = [("A", 0.0, 1.0), ("B", 1.5, 2.5), ("A", 3.0, 3.4), ("B", 4.0, 4.5)]
    fillers = [
        ("A", 1.2, 1.6),  # B's word starts under it
        ("A", 2.5, 2.9),  # B's word ends as it starts: touching, not over it
        ("A", 3.1, 3.3),  # inside A's own word
        ("C", 0.2, 0.4),  # a third speaker's "hmm" under A's word
        ("B", 4.1, 4.2),  # B's own word around it
        ("A", 5.0, 5.5),  # nothing near
    ]
    assert said_alone(fillers, words) == [False, True, True, False, True, True]


def test_gaps_lie_where_no_ones_word_does() -> None:
    # Two speakers: B's word bridges A's two; the gap after is 0.6 s, one before 0.2 s.
    words = [(0.0, 1.0), (2.0, 3.0), (0.9, 2.1), (3.2, 4.0), (4.6, 5.0)]
    assert gaps(words) == [(4.0, 4.6)]
    assert gaps(words, min_s=0.1) == [(3.0, 3.2), (4.0, 4.6)]
    assert gaps([]) == []


def test_a_true_pause_is_found_by_pauses_covering_half_of_it() -> None:
    truth = [(1.0, 3.0), (5.0, 6.0), (8.0, 8.3)]
    # 1–3 s is split by a breath into 1.1–1.7 and 2.0–2.5: 1.1 s of 2 covered, found; its
    # errors are from 1.1–1.7, which overlaps it most. 5–6 s has only 5.8–6.3 over it (0.2 of
    # 1 s): missed, and that pause lies mostly outside any true one: not true. 9–9.7 s lies
    # in speech: not true. 8–8.3 s is under 0.5 s: neither found nor missed.
    found = [(1.1, 1.7), (2.0, 2.5), (5.8, 6.3), (9.0, 9.7)]
    got = pause_agreement(truth, found, (0.0, 10.0))
    assert (got["truth"], got["found"], got["reported"], got["true"]) == (2, 1, 4, 2)
    start, end = got["errors"][0]
    assert start == pytest.approx(0.1) and end == pytest.approx(-1.3)


def test_only_pauses_within_the_common_stretch_count() -> None:
    truth = [(0.5, 1.5), (4.0, 5.0)]
    found = [(0.5, 1.5), (4.0, 5.0)]
    got = pause_agreement(truth, found, (1.0, 6.0))
    assert (got["truth"], got["found"], got["reported"], got["true"]) == (1, 1, 1, 1)
