"""How fillers are placed among Whisper's words: cases from real recordings whose words,
times and reference are known (the Montreal Forced Aligner's test clips, one real speaker,
with their transcripts; the whole sets are measured by scripts/measure_analyze.py)."""

from __future__ import annotations

from voicesim.analysis.filler_candidates import Judged
from voicesim.analysis.word_gaps import join_touching, place_written
from voicesim.results import Filler, Word


def _fp(start: float, end: float, source: str = "acoustic") -> Filler:
    text = "uh" if source == "transcript" else "(filled pause)"
    return Filler(text, start, end, "filled_pause", source)  # type: ignore[arg-type]


def test_a_drawn_out_uh_cut_in_two_is_one_filler() -> None:
    # mfa_uh, reference "montreal uh forced aligner": Whisper wrote "Montreal, uh, forced"
    # with the "uh" placed on the judged 2.31-3.66 s; the detector heard 1.55-2.27 s of
    # the same sound before the spectrum shifted.
    words = [
        Word("Montreal,", 1.27, 1.80, 0.95),
        Word("uh,", 2.88, 2.88, 0.40, filler=True),
        Word("forced", 3.90, 4.00, 0.36),
    ]
    heard, written = _fp(1.55, 2.27), _fp(2.31, 3.66, "transcript")
    assert join_touching([heard, written], words) == [_fp(1.55, 3.66, "transcript")]


def test_fillers_apart_written_or_across_a_word_stay_apart() -> None:
    words = [
        Word("Montreal,", 1.27, 1.80, 0.95),
        Word("forced", 3.90, 4.00, 0.36),
    ]
    # A breath's length between a heard one and a written one: two fillers.
    apart = [_fp(1.9, 2.3), _fp(2.55, 3.1, "transcript")]
    assert join_touching(apart, words) == apart
    # Two that Whisper wrote: it heard two.
    written = [_fp(2.0, 2.3, "transcript"), _fp(2.3, 2.6, "transcript")]
    assert join_touching(written, words) == written
    # Two heard: the detector parted them (a rendered "uh, uh" 0.04 s apart is two).
    heard = [_fp(1.9, 2.18), _fp(2.2, 2.5)]
    assert join_touching(heard, words) == heard
    # A word between: "uh, so, um".
    with_so = [words[0], Word("so", 2.28, 2.34, 0.9), words[1]]
    parted = [_fp(1.9, 2.28), _fp(2.34, 2.8, "transcript")]
    assert join_touching(parted, with_so) == parted


def test_a_run_of_written_uhs_stacked_in_one_place_takes_the_hums_of_its_gap() -> None:
    # mfa_uhuh, reference "montreal uh uh uh uh uh uh forced aligner": Whisper wrote six
    # "uh"s, two at 4.72 s and four at 5.36-5.46 s; the hums it did not place sound from
    # 2.6 s on (the detector's 2.59-2.82 and 3.22-3.53 s), and the first "uh" is on the
    # judged 4.52-5.22 s. Before: eight filled pauses.
    words = [
        Word("Montreal,", 0.99, 1.22, 0.99),
        *(Word("uh,", a, b, 0.9, filler=True) for a, b in _UHS),
        Word("forced", 5.62, 5.62, 0.25),
        Word("to", 5.62, 5.78, 0.75),
    ]
    hums = [_fp(2.59, 2.82), _fp(3.22, 3.53)]
    written = [_fp(4.52, 5.22, "transcript"), *(_fp(a, b, "transcript") for a, b in _UHS[1:])]
    kept = place_written([*hums, *written], [Judged(4.52, 5.22, 0.91)], words)
    assert len(kept) == 6
    assert all(f.source == "transcript" for f in kept)
    assert sorted((f.start, f.end) for f in kept)[:3] == [(2.59, 2.82), (3.22, 3.53), (4.52, 5.22)]
    # A written "uh" with a time of its own, more than MATE_S from a hum, stays a second filler.
    own = [Word("Montreal,", 0.99, 1.22, 0.99), Word("uh,", 4.5, 4.8, 0.9, filler=True)]
    alone = [_fp(2.59, 2.82), _fp(4.5, 4.8, "transcript")]
    assert place_written(alone, [], own) == alone


_UHS = [(4.72, 4.72), (4.72, 4.74), (5.36, 5.42), (5.42, 5.44), (5.44, 5.44), (5.46, 5.46)]
