"""Stage: words + signal → delivery measures (SPEC §1): pace, pauses, fillers, pitch, level."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from voicesim.analysis.acoustics import FLOOR_DB, spread_semitones
from voicesim.analysis.filled_pauses import absorb_lookalikes, acoustic_candidates, merge_fillers
from voicesim.analysis.filler_candidates import Judged
from voicesim.analysis.filler_judge import decide
from voicesim.analysis.fillers import transcript_fillers
from voicesim.analysis.levels import levels, runs, silent_runs, voiced_mask
from voicesim.analysis.syllables import count_syllables, count_words
from voicesim.analysis.word_gaps import heard_words, join_touching
from voicesim.analysis.word_times import WHISPER_LAG_S, to_signal_time
from voicesim.audio import SAMPLE_RATE
from voicesim.results import (
    NO_SPEECH,
    Delivery,
    Filler,
    LoudnessStats,
    Pause,
    PitchStats,
    Transcript,
    Word,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from voicesim.analysis.acoustics import Frames
    from voicesim.analysis.levels import Levels

QUIET_DBFS = -32.0
"""Speech level (95th-percentile frame, dBFS) under this is "very quiet": measures may be
unreliable. −32 here is about −37 dBFS average speech RMS (a −40 dBFS recording warns)."""

SILENT_DBFS = -90.0
"""A recording whose loudest 40-ms frame is under this holds no sound: -90.3 dBFS is one
step of 16-bit audio. Only exact zeros (FLOOR_DB) were silent; a muted 16-bit input with
sox's ±1-step dither (-96 dBFS) was told "very quiet … move closer to the mic". A quiet
room through a good interface stays well over it (-85 dBFS: "very quiet")."""

CLIPPING_WARN = 0.001
"""Fraction of clipped samples above which the recording is called clipped."""

MIN_SNR_DB = 22.0
"""Speech level over the noise floor (95th over 3rd percentile frame, dB) under this makes
pauses and pitch unreliable. Speech peaks sit 6–10 dB over its average, so 22 here is an
average speech-to-noise ratio of about 12–16 dB (babble or a fan at 10 dB warns)."""

PITCH_RANGE_DB = 20.0
"""The pitch (median and spread) is read on voiced frames no more than this under the
speech level (``Levels.speech_db``, the 95th-percentile frame). Quieter voiced frames are a
word's fading edges, breath and other voices farther from the microphone, where YIN's F0
is least sure (octave-down guesses at its 60-Hz floor). Praat leaves them out too, with a
cut-off tied to the recording's single loudest sample: 8–28 dB under the speech level on
the real set's clips (a peak 33 dB over EN2006b's speech level leaves Praat calling three
of every four frames voicesim finds voiced unvoiced).
Against Praat frame by frame (the 11 real clips and jfk.flac, 10-ms steps; scratch
``pitchcmp.py``, fiftieth session's notes), frames one calls voiced and the other not went
from 36.6 % to 25.6 % and the clips' spreads from 0.48 to 0.28 st apart on average (18 dB
0.27, 22 dB 0.33, 25 dB 0.35: a plateau, a round value taken); ES2003b's whole clip, 1.28 st
to Praat, measured 2.71 st ("varied") and now 1.89 ("monotone"). On the 28 rendered
answers the spreads went from 0.027 to 0.020 st from Praat's, and the monotone verdict now
agrees on all 28 (27 before). ``voiced_ratio`` still counts every voiced frame: it says
whether there is voice enough to judge, not what the pitch is."""

JUDGE_VETO: float | None = 0.1
"""A filled pause found by the acoustic detector alone is dropped when Whisper, asked on
that stretch alone (filler_judge), gives a filler less than this probability: it heard a
word or a noise there. Round value; real set 10/5/9 → 9/2/10 (P 0.67 → 0.82), rendered
sets unchanged (espeak's "uhh", heard as "who", still scores 0.23)."""


def measure_frames(
    frames: Frames,
    transcript: Transcript,
    *,
    monotone_st: float,
    long_pause_s: float = 2.0,
    response_latency_s: float | None = None,
    acoustic: bool = True,
    judged: Sequence[Judged] | None = None,
) -> Delivery:
    """Delivery measures from per-frame features and the transcript (times in seconds).

    ``monotone_st`` is the pitch spread (SD, semitones) under which ``pitch.monotone`` is
    set: the rubric's ``pitch_variation.monotone_semitones``, which the caller reads (the
    rubric owns the threshold). ``acoustic=False`` counts only the fillers written in the
    transcript (for comparison); ``judged``: the filler judge's verdicts, as in
    :func:`measure_answer`.
    """
    lv = levels(frames)
    words = transcript.words
    return _measure(
        frames, lv, words, long_pause_s, response_latency_s, acoustic, monotone_st, judged
    )[1]


def measure_answer(
    frames: Frames,
    transcript: Transcript,
    *,
    monotone_st: float,
    long_pause_s: float = 2.0,
    response_latency_s: float | None = None,
    judged: Sequence[Judged] | None = None,
) -> tuple[Transcript, Delivery]:
    """The transcript with every filler flagged, and the delivery measures (seconds).

    Levels and filler classification run once, and the words returned are the ones the
    measures counted: words the signal never backs are dropped (Whisper made them up), and
    a lookalike ("or") lying in an acoustic filled pause is flagged as filler, so the score
    and the timeline read the same fillers as the delivery measures. ``monotone_st``: as
    in :func:`measure_frames` (semitones, from the rubric). ``judged``: the filler judge's
    verdicts (filler_judge), which add and veto filled pauses.
    The measures are taken on Whisper's word times; the words and written fillers
    returned are on the signal's (analysis.word_times: Whisper's lag removed, no word
    edge inside a silence).
    """
    lv = levels(frames)
    kept = _drop_words_in_silence(transcript.words, frames, lv.threshold_db)
    words, delivery = _measure(
        frames, lv, kept, long_pause_s, response_latency_s, True, monotone_st, judged
    )
    # Measured on Whisper's times; shown and stored on the signal's (word_times).
    words, fillers = to_signal_time(words, delivery.fillers, frames, lv.threshold_db)
    delivery = replace(delivery, fillers=fillers)
    return Transcript(text=" ".join(w.text for w in words), words=words), delivery


WORD_SLACK_S = 0.1
"""Whisper's word times are off by up to about this much (s); it even gives a word no
duration at all ("but" 16.46–16.46 s on a real clip, lying next to its sound)."""


def _drop_words_in_silence(words: list[Word], frames: Frames, threshold_db: float) -> list[Word]:
    """Drop words near which the signal never reaches speech level: Whisper made them up.

    "Near": WORD_SLACK_S either side, and WHISPER_LAG_S further back, since Whisper's times
    trail the sound (analysis.word_times). On the real set at -12 dB, EN2009b's "Yeah," was
    given no duration at 3.86 s, 0.16 s after the signal fell under the speech threshold,
    and was dropped. Measured (the real set, 2026-12-04, twenty-second session): one word
    more kept at -12 dB, in pink noise and in the room (content WER 0.403 -> 0.401, 0.467 ->
    0.466, 0.460 -> 0.458); as recorded and +6 dB unchanged; the filled pauses unchanged in
    all five. The cost: with Whisper spelling the fillers, a made-up "Yep." (no duration,
    p 0.34) over a sound of EN2002b that the reference has no word for is kept (0.388 ->
    0.389).
    """
    kept = []
    for w in words:
        a = frames.index(w.start - WORD_SLACK_S - WHISPER_LAG_S)
        b = frames.index(w.end + WORD_SLACK_S) + 1
        # initial=-inf: with no audio at all (an empty turn) every word is made up.
        if b > a and float(frames.rms_db[a:b].max(initial=-np.inf)) >= threshold_db:
            kept.append(w)
    return kept


def _measure(
    frames: Frames,
    lv: Levels,
    heard: list[Word],
    long_pause_s: float,
    response_latency_s: float | None,
    acoustic: bool,
    monotone_st: float,
    judged: Sequence[Judged] | None = None,
) -> tuple[list[Word], Delivery]:
    """The words with their filler flags, and the measures computed from them."""
    words, lexical = transcript_fillers(heard)
    if not words:
        return words, _no_speech(frames, lv, long_pause_s, response_latency_s)
    found = acoustic_candidates(frames, lv.threshold_db, words) if acoustic else []
    placed = heard_words(words, frames, lv.threshold_db, lag_s=WHISPER_LAG_S)
    fillers = merge_fillers(lexical, found, words, placed=placed)
    if judged is not None:
        # Whisper's verdict on candidate windows adds the fillers the detector cannot
        # see (quiet, fused, written as a word); see filler_judge.
        fillers = decide(fillers, judged, veto=JUDGE_VETO, words=words, placed=placed)
    words = absorb_lookalikes(words, fillers, frames=frames, threshold_db=lv.threshold_db)
    fillers = join_touching(fillers, words)
    start, end = _speaking_span(frames, lv.threshold_db, words, fillers)
    span = max(end - start, 1e-6)
    pauses = _pauses(frames, lv.threshold_db, start, end)
    fillers = _out_of_pauses(fillers, pauses)
    phonation = max(span - sum(p.duration for p in pauses), 1e-6)
    n_words = sum(count_words(w.text) for w in words if not w.filler)
    syllables = sum(count_syllables(w.text) for w in words) + sum(
        f.source == "acoustic" for f in fillers
    )
    return words, Delivery(
        speaking_span_s=round(span, 3),
        words=n_words,
        wpm=round(n_words / span * 60.0, 1),
        articulation_rate=round(syllables / phonation, 2),
        syllables=syllables,
        phonation_time_s=round(phonation, 3),
        pauses=pauses,
        long_pause_s=long_pause_s,
        fillers=fillers,
        fillers_per_100_words=round(len(fillers) / max(n_words, 1) * 100.0, 2),
        fillers_per_minute=round(len(fillers) / span * 60.0, 2),
        pitch=_pitch(frames, lv, start, end, monotone_st),
        loudness=_loudness(frames, lv.threshold_db, start, end),
        response_latency_s=response_latency_s,
        warnings=_warnings(frames, lv),
    )


def _no_speech(frames: Frames, lv: Levels, long_pause_s: float, latency: float | None) -> Delivery:
    return Delivery(
        speaking_span_s=0.0,
        words=0,
        wpm=0.0,
        articulation_rate=0.0,
        syllables=0,
        phonation_time_s=0.0,
        long_pause_s=long_pause_s,
        loudness=_loudness(frames, lv.threshold_db, frames.offset, frames.times()[-1])
        if len(frames)
        else None,
        response_latency_s=latency,
        warnings=[NO_SPEECH, *_warnings(frames, lv)],
    )


def _speaking_span(
    frames: Frames, threshold_db: float, words: list[Word], fillers: list[Filler]
) -> tuple[float, float]:
    """First speech onset → last speech offset, seconds, snapped to the signal.

    Whisper's first/last word times are loose (a final word often runs on into the
    silence after it), so the span's ends are moved to where the level crosses the
    speech threshold near those words.
    """

    first = min(words[0].start, *(f.start for f in fillers)) if fillers else words[0].start
    last = max(words[-1].end, *(f.end for f in fillers)) if fillers else words[-1].end

    t0, hop = frames.offset, frames.hop
    loud = [(t0 + a * hop, t0 + b * hop) for a, b in runs(frames.rms_db >= threshold_db)]
    # The speech the first word belongs to: the first loud run ending after it starts;
    # the last word's: the last loud run starting before it ends (later noise is not speech).
    opening = [r for r in loud if r[1] > first and r[0] < first + 0.5]
    closing = [r for r in loud if r[0] < last and r[1] > last - 0.5]
    start = max(opening[0][0], first - 0.3) if opening else first
    end = min(closing[-1][1], last + 0.3) if closing else last
    # A loud run ends where its next frame would be: at the recording's end, past the last
    # sample (a span of 30.01 s in a 30.00-s clip whose speech runs to the end).
    end = min(end, t0 + (len(frames) - 1) * hop)
    return (start, end) if end > start else (first, last)


CLICK_S = 0.05
"""A sound shorter than this between two silent pauses makes them one: no syllable is that
short, but a lip smack, a tick or a click is. Before, such a sound split a pause in two or
three, and a 2.5-s silence with two ticks in it was no long pause (EN2006b 24.4–26.9 s, two
50-ms ticks 24 dB under the speech); and quiet stretches that met or overlapped once their
edges were set stayed two (six of the real set's eleven clips had such pairs, and the
articulation rate took their overlap from the speaking time twice). Quiet stretches too
short to be pauses are not joined, across a sound or where they overlap: joined, a stop's
closure and the quiet after its burst made pauses inside words, and on the real set's
single-speaker stretches the speaking time fell 0.3 s further under the reference's
(EN2005a 6.31 → 5.99 s, reference 7.17; EN2002b 3.99 → 3.69 s, reference 4.28)."""


def _pauses(frames: Frames, threshold_db: float, start: float, end: float) -> list[Pause]:

    return [
        Pause(round(a, 3), round(b, 3))
        for a, b in silent_runs(frames, threshold_db, min_s=0.25, bridge_s=CLICK_S)
        if a > start and b < end
    ]


def _out_of_pauses(fillers: list[Filler], pauses: list[Pause]) -> list[Filler]:
    """Filled pauses heard in the signal, with an end that ran on into a silent pause moved
    to the pause's edge: a filled pause is sound, a silent pause is where the signal is under
    the speech threshold, and both were drawn over the same 0.18 s (EN2005a's "um" at
    26.54–26.98 s and the pause from 26.795 s). Their span comes from the candidate window
    the judge heard, which may reach past the sound; a silent pause's from the level itself.
    One that lies wholly in a pause (a hum under the threshold) is left as it is."""
    out = []
    for f in fillers:
        a, b = f.start, f.end
        if f.source == "acoustic":
            for p in pauses:
                if p.start < b <= p.end and a < p.start:
                    b = p.start
                elif p.start <= a < p.end and b > p.end:
                    a = p.end
        out.append(f if (a, b) == (f.start, f.end) else replace(f, start=a, end=b))
    return out


def _pitch(
    frames: Frames, lv: Levels, start: float, end: float, monotone_st: float
) -> PitchStats | None:
    """Median and spread of the F0 of the voiced frames within PITCH_RANGE_DB of the speech
    level, between ``start`` and ``end`` s; None with fewer than 10 such frames."""
    a, b = frames.index(start), frames.index(end) + 1
    speech = frames.rms_db[a:b] >= lv.threshold_db
    voiced = voiced_mask(frames, lv.threshold_db)[a:b]
    near = frames.rms_db[a:b] >= lv.speech_db - PITCH_RANGE_DB
    f0 = frames.f0[a:b][voiced & near]
    if f0.size < 10:
        return None
    sd = round(spread_semitones(f0), 2)  # as stored and judged
    return PitchStats(
        median_hz=round(float(np.median(f0)), 1),
        sd_semitones=sd,
        monotone=sd < monotone_st,
        voiced_ratio=round(float(voiced.sum() / max(speech.sum(), 1)), 3),
    )


def _loudness(
    frames: Frames, threshold_db: float, start: float, end: float
) -> LoudnessStats | None:

    if len(frames) == 0:
        return None
    a, b = frames.index(start), frames.index(end) + 1
    level = frames.rms_db[a:b]
    speech = level[level >= threshold_db]
    if speech.size == 0:
        speech = level
    peak = float(frames.peak.max())
    n_samples = max(len(frames) * frames.hop * SAMPLE_RATE, 1.0)
    return LoudnessStats(
        mean_dbfs=round(float(np.mean(speech)), 1),
        sd_db=round(float(np.std(speech)), 1),
        peak_dbfs=round(20 * float(np.log10(max(peak, 10 ** (FLOOR_DB / 20)))), 1),
        clipping_ratio=round(float(frames.clipped.sum()) / n_samples, 5),
    )


def clipped(ratio: float) -> bool:
    """Whether a share of clipped samples (as stored: 5 decimals) says "recording is clipped":
    the warning and ``analyze``'s table both ask this."""
    return ratio > CLIPPING_WARN


def _warnings(frames: Frames, lv: Levels) -> list[str]:
    """Say when the recording is too poor to trust the numbers."""
    out: list[str] = []
    if len(frames) == 0:
        return out
    n_samples = max(len(frames) * frames.hop * SAMPLE_RATE, 1.0)
    if clipped(round(float(frames.clipped.sum()) / n_samples, 5)):
        out.append("recording is clipped (too loud): loudness and pitch may be wrong")
    if float(frames.rms_db.max()) <= SILENT_DBFS:
        out.append(
            f"recording is silent throughout (under {SILENT_DBFS:.0f} dBFS): the microphone "
            "may have been muted"
        )
    elif lv.speech_db < QUIET_DBFS:
        out.append(
            f"recording is very quiet (speech mostly under {lv.speech_db:.0f} dBFS): "
            "move closer to the mic"
        )
    elif lv.snr_db < MIN_SNR_DB:
        out.append(
            f"recording is noisy (speech only {lv.snr_db:.0f} dB over the noise): "
            "pauses and fillers may be missed"
        )
    return out
