"""Stage: frame features → the recording's levels. Its noise floor, its speech level and the
speech threshold between them (``levels``), and what lies under that threshold: the silent
stretches (``silent_runs``) and the frames loud and periodic enough to be voice
(``voiced_mask``). Pauses, the words Whisper made up, the filled-pause candidates and the
pitch all read the recording against these.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voicesim.analysis.acoustics import FLOOR_DB, FRAME_S, Frames


@dataclass(frozen=True)
class Levels:
    """Adaptive levels of one recording, dBFS: noise floor, typical speech, speech threshold."""

    noise_db: float
    speech_db: float
    threshold_db: float

    @property
    def snr_db(self) -> float:
        return self.speech_db - self.noise_db


def levels(frames: Frames) -> Levels:
    """Noise floor (3rd percentile), speech level (95th) and the speech threshold, dBFS,
    over the frames between any digital silence, or any quieter lead-in or tail, at the
    recording's ends.

    The threshold sits THRESHOLD_OVER_NOISE_DB over the floor but never more than 35 dB under the
    speech level, so both digital silence and a hissy room give sensible pauses; in a noisy
    recording, no higher over the floor than SNR_SHARE of the way to the speech level.
    """
    if len(frames) == 0:
        return Levels(FLOOR_DB, FLOOR_DB, FLOOR_DB)
    level = _between_digital_silence(frames.rms_db)
    found = _levels(level)
    if found.snr_db < 12.0:
        # No contrast: nothing stands out as speech, nor as its ends. Between digital
        # silence (one steady sound), the digital silence is the floor.
        return _levels(frames.rms_db) if len(level) < len(frames) else found
    sound = np.flatnonzero(level >= found.threshold_db)
    between = level[sound[0] : sound[-1] + 1]
    if len(between) == len(level):
        return found
    inner = _levels(between)
    pause = round(QUIET_ENDS_PAUSE_S / frames.hop)
    own_pause = any(b - a >= pause for a, b in runs(between < inner.threshold_db))
    if inner.noise_db - found.noise_db >= QUIET_ENDS_DB and inner.snr_db >= 12.0 and own_pause:
        return inner
    return found


THRESHOLD_OVER_NOISE_DB = 12.0
"""How far over the noise floor the speech threshold sits, at most (dB)."""
SNR_SHARE = 0.4
"""In a noisy recording the threshold sits at most this share of the way from the noise
floor to the speech level. 12 dB over the floor is most of the way where the speech is only
15–20 dB over the noise, and a threshold there lies over the quieter half of the words: on
MFA 3.4.3's "cold_corpus" (14 dB) voicesim dropped a third of the words as made up (content
WER 0.362 against plain faster-whisper's 0.052), put pauses over most of the speech
(articulation rate +174 %) and gave 96 wpm for 151. With this share: WER 0.052, 152 wpm and
+5 %. Measured on the three MFA monologues before the high-pass: a third of the way kept the
pauses truest (10 of 11 true) but found fewer (7 of 13); half found 10 of 13, 15 of 20
true, but lost words again (WER 0.083 against 0.071); 0.4 found 8, 13 of 14 true, the
words plain faster-whisper's, articulation within 5 % on average. Under 30 dB of contrast
this lowers the threshold; the real set's headsets are at 41–56 dB and jfk.flac at 32."""


def _levels(level: np.ndarray) -> Levels:
    """Floor, speech level and threshold of these frame levels (dBFS), as ``levels`` says."""
    noise = float(np.percentile(level, 3))
    speech = float(np.percentile(level, 95))
    over_noise = min(THRESHOLD_OVER_NOISE_DB, SNR_SHARE * (speech - noise))
    threshold = max(noise + over_noise, speech - 35.0)
    if speech - noise < 12.0:  # no contrast: nothing stands out as speech
        threshold = speech + 1.0
    return Levels(noise, speech, threshold)


QUIET_ENDS_DB = 6.0
"""A start or end under the speech threshold whose frames put the floor this much under
that of the frames between them is no part of the room the answer was said in: a fade-in
or fade-out, or a noise suppressor that let less through before the first word. jfk.flac
with a 0.5-s fade-in and a 2-s fade-out had a floor of −52 dBFS against its hiss's −42,
and 2 of its 4 pauses; with 5 s of −60 dBFS noise before it, none, its hiss read as voice.
The floor is then taken between them, if what lies between has a pause of its own
(QUIET_ENDS_PAUSE_S): a short answer said without one keeps the room's floor."""
QUIET_ENDS_PAUSE_S = 0.5


DIGITAL_SILENCE_DB = -90.0
"""Frames under this (16-bit's last bit) at a recording's start or end are no sound at all:
zeros a recorder wrote before the microphone opened, or an editor's padding."""


def _between_digital_silence(level: np.ndarray) -> np.ndarray:
    """Frame levels without the digital silence at the start and end (all of them if
    there is nothing else). Counted in, 2 s of zeros before jfk.flac made them the noise
    floor: the threshold fell to 35 dB under the speech, under the recording's own hiss
    (−42 dBFS), and its 4 pauses became 0, its pitch spread 2.2 → 7.5 semitones (hiss
    read as voice), its articulation rate 4.2 → 2.6 syl/s. Zeros between words stay: a
    gated or rendered recording's pauses are digital silence, and its floor. ``levels``
    goes back to every frame when what lies between has no quiet part of its own."""
    sound = np.flatnonzero(level > DIGITAL_SILENCE_DB)
    return level[sound[0] : sound[-1] + 1] if sound.size else level


def silent_runs(
    frames: Frames, threshold_db: float, *, min_s: float = 0.25, bridge_s: float | None = None
) -> list[tuple[float, float]]:
    """Stretches of at least min_s seconds with every frame under threshold_db, seconds.

    ``bridge_s``: two stretches of at least min_s each, less than this apart (or meeting or
    overlapping once widened), are one (delivery.CLICK_S); None keeps every stretch as
    found. Shorter stretches are not joined across a sound: in running speech a stop's
    closure, its burst and the quiet after it would make a pause of a word.

    A run over librosa's RMS frames, not ``librosa.effects.split``. Set to the same level
    (``top_db=-threshold_db, ref=1.0``, 40-ms frames, 10-ms hop), split finds the same pauses
    on the rendered 30-s and 2.6-min answers: 6 of 6 and 28 of 28, edges within 15 ms (the
    widening below). But it needs the samples. The threshold is known only once every
    block's frames are in, since it adapts to the whole recording's noise floor and speech
    level, and a 60-minute file's samples are not kept.
    """
    quiet = frames.rms_db < threshold_db
    # A frame is quiet only once its whole 40 ms window is: widen each run by the
    # part of the window that reaches past the hop, so edges land on the signal's.
    widen = (FRAME_S - frames.hop) / 2
    found: list[tuple[float, float]] = []
    for a, b in runs(quiet):
        start = frames.offset + a * frames.hop - (widen if a > 0 else 0.0)
        end = frames.offset + b * frames.hop + (widen if b < len(quiet) else 0.0)
        if bridge_s is not None and found:
            prev = found[-1]
            gap = start - prev[1]
            both = prev[1] - prev[0] >= min_s and end - start >= min_s
            if gap < bridge_s and both:
                found[-1] = (prev[0], end)
                continue
        found.append((start, end))
    return [(a, b) for a, b in found if b - a >= min_s]


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Half-open index ranges [a, b) where mask is True."""
    if len(mask) == 0:
        return []
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))


def voiced_mask(frames: Frames, threshold_db: float, *, min_clarity: float = 0.6) -> np.ndarray:
    """Frames that are loud enough to be speech and clearly periodic."""
    return (frames.rms_db >= threshold_db) & (frames.clarity >= min_clarity)
