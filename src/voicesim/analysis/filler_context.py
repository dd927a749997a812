"""Stage: a filled pause heard in context, or a word drawn out.

The filler judge (``judge_windows``) hears a candidate's audio alone, and an "Okaaay" or a
"Whooo" drawn out over a second sounds like a hum there: on the real set both false filled
pauses as recorded were such words (EN2002a's "Okay" held 3 s, EN2002b's "Who" 1.4 s), the
judge scoring them 0.54 and 0.32. Heard with the words around it, Whisper tells them apart:
the transcript with "um" put there is far less probable than the transcript without it,
because the sound is the word's. So each acoustic filled pause the judge was not sure of
(SURE) is checked once more in a short window of its context: the words Whisper wrote there
are forced through the decoder as they are and with the filler put in (between the words,
or in place of a word that may be the filler misheard), and the log-probabilities compared
(:func:`context_scores`). A filled pause whose best filler reading is under
``CONTEXT_FLOOR`` of the reading without it is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from voicesim.analysis.filled_pauses import late_echo
from voicesim.analysis.judge_windows import window_mel
from voicesim.audio import SAMPLE_RATE
from voicesim.models import storage_view
from voicesim.results import Filler
from voicesim.text import plain

if TYPE_CHECKING:
    from voicesim.results import Word
    from voicesim.transcribe import Transcriber

CONTEXT_FLOOR = -10.0
"""A filled pause whose context score is under this is a word drawn out, not a filler: the
transcript with the filler is e**10 (about 22 000) times less probable than without it.

Measured (2026-12-05, thirtieth session; scratch ``variants.py``, ``shipped.py``) on every
acoustic filled pause voicesim reported on the real set in eight recording conditions (as
recorded, -12 dB, +6 dB, pink noise, a room, MP3, 48 kHz stereo, telephone band: 79 hits,
37 false) and on the three rendered sets (51 hits, 2 false). Checked as shipped (SURE), the
lowest hit scored -7.2 on the real set and -8.8 on the rendered. Real set, tp/fp/fn by floor:

| floor | pooled over the conditions | as recorded | rendered hits lost |
| --- | --- | --- | --- |
| none | 83/37/69, F1 0.610 | 11/2/8 | – |
| -12 | 83/32/69, 0.622 | 11/2/8 | 0 |
| -11 | 83/28/69, 0.631 | 11/1/8 | 0 |
| **-10** | **83/23/69, 0.643** | **11/0/8** | **0** |
| -9 | 83/20/69, 0.651 | 11/0/8 | 0 |
| -8 | 83/16/69, 0.661 | 11/0/8 | 1 |

Real speech alone would bear a higher floor; the rendered sets' espeak fillers set it, a
round value over one below their lowest. The one rendered false filled pause dropped scored
-20.6 (in f_quality's "fell by half", where no filler was rendered)."""
SURE = 0.7
"""A span the judge scored at least this is not checked: 69 of the 116 real filled pauses
above and 28 of the 53 rendered are. With every span checked the real counts are the same
at -11 and -10 (at -9 one false filled pause more is dropped), and one rendered hit is
lost: espeak's "uh" in "five and save remote uh term" (-11.1), judged 0.71."""
PROMPT = "Um, uh, um."
"""Previous text: a reader who writes fillers. After the filler judge's longer prompt (22
tokens against 6) the real hits reached down to -9.4 and a check took 1.5× the time; with
no prompt, down to -12.9."""
LEAD_S = 2.0
TAIL_S = 1.5
"""The context window: this much audio (s) before the filled pause and after it, with the
words Whisper wrote there."""
EDGE_S = 0.05
FORMS = ("um,", "uh,")
"""The filler as Whisper writes it in running text; capitalised at a sentence's start.
"hmm" is left out: with it, a drawn-out "Okay" read "Okay. Hmm." (-8.4) and stayed. The
forms without a comma as well changed no count at -10 above, for 1.7× the time."""
ALIGN_BATCH = 3
"""Readings forced through the decoder at once. CTranslate2's ``align`` holds every token's
scores over the whole vocabulary (51 864 tokens) for the batch: 12 readings of a 5-s window
at once raised a process's peak by about 80 MB. Three at a time raise it by none, give the
same scores and took less CPU (2.3-2.6 s against 2.9-3.4 s for 12 windows, 3 runs each;
the thirty-ninth session's notes). The blocks freed here also raised glibc's thresholds in
a practice session's process, and its memory with them: see cli.allocator."""
_SENTENCE_END = (".", "?", "!")


DOUBT_SCORE = 0.3
DOUBT_CONTEXT = -4.0
"""Two weak signs against the acoustic detector's filled pause, taken together: Whisper,
hearing its span alone, gives a filler under DOUBT_SCORE, and, hearing it in context, finds
the words with a filler there more than e**4 (about 55) times less probable than without.
Each alone is no proof: the span the detector heard just after EN2004a's "um" (13.28 s; the
reference's "um" ends at 13.02 s, and the ±0.3-s match counts it) scores 0.11 alone but +1.6
in context, and real ones reach -7.2 in context. Together, on the real set, they were
words held long ("and" over 1.1 s, "last", "Okay"), a listener's "Mm-hmm", running speech
("find you", "Well I hope so", letters spelled under another voice) and a word cut off at a
clip's end; the detector takes such sounds for a vowel most often in the poorer recordings:
a telephone's band (its spectral flatness is half the wideband's or less, so the vowel test
passes almost everything), a room's echo, MP3, noise.

Measured (2026-12-06, thirty-fifth session; scratch ``s35/loo.py``) on every filled pause
voicesim reported on the real set in its eight recording conditions, and on the three
rendered sets, removing only what this rule removes:

| rule | real, 8 conditions pooled | as recorded | rendered main / held-out / fresh |
| --- | --- | --- | --- |
| none (before) | 86/25/66, F1 0.654 | 11/0/8 | 43/0/2, 29/1/1, 21/0/3 |
| score < 0.2, context < -4 | 85/16/67, 0.672 | 11/0/8 | 42/0/3, 29/1/1, 21/0/3 |
| **score < 0.3, context < -4** | **85/14/67, 0.677** | **11/0/8** | **42/0/3, 28/0/2, 21/0/3** |
| score < 0.3, context < -6 | 85/15/67, 0.675 | 11/0/8 | 42/0/3, 28/0/2, 21/0/3 |
| score < 0.4, context < -4 | 83/14/69, 0.667 | 11/0/8 | 41/0/4, 27/0/3, 21/0/3 |

Chosen with each clip left out in turn (the best setting on the other ten clips' conditions,
rendered recall and precision kept at 0.9 or more, applied to the clip left out): 85/15/67,
F1 0.675, against 86/25/66 before; (0.3, -4) was chosen in ten of eleven folds. The plateau
is wide (0.2-0.3 x -6 to -3 all remove 8-11 false ones for one real hit). What it costs:
the real set's one "um" in a room's echo judged 0.15 at -7.1, and two of espeak's rendered "uh"s
(0.15 and 0.21 alone, -8.9 and -6.2 in context)."""


HELD_WORDS = {"oh"}
"""Words that are themselves a held vowel: a word by the SPEC (its filled pauses are "um",
"uh", "er", "erm", "ah", "hmm", "mm"), which a speaker may draw out ("Ohhh, Ebenezer"). Whisper
writes such a word short, at the vowel's onset, so the rest of the vowel lies beside it."""
HELD_LAG_S = 0.1
"""How far after such a word's end (s) a judged span may start and still be its vowel."""
HELD_LEAD_S = 0.05
"""How far before such a word's start (s): its time and the span's 10-ms frames differ a little."""


def held_vowel(start: float, score: float, words: Sequence[Word] | None) -> bool:
    """True if a judged span that starts at ``start`` (s), and that the judge scored
    ``score`` (under SURE) hearing it alone, starts within a HELD_WORDS word Whisper wrote or
    within HELD_LAG_S after it: the word's vowel held, not a filled pause. Two weak signs
    together, as in :func:`doubted`: Whisper heard the word there, and the judge, hearing the
    span alone, was not sure of a filler.

    The acoustic detector takes such a word as accounting for a stretch already (a single
    vowel is as steady as an "uh"); this is the same for the judge's own spans. Measured
    (2026-12-06, scratch ``s37/ohsure.py``) on the real set as recorded, in its six
    neighbours and seven conditions, and on the rendered sets: it removed 7 false filled
    pauses, ES2003a's "Oh, Ebenezer" (-1 dB, 0.5 s of silence before, -12 dB, MP3, 48 kHz,
    telephone band) and EN2002b's "Oh. Okay." (telephone band), judged 0.51-0.64 alone and
    -1.7 to 0 in context where looked at (Whisper's language model reads "uh" and "oh"
    alike), and no hit (none lies on an "oh"). A real "uh" that Whisper writes as "Oh" and
    the judge is sure of (real fillers alone score 0.7-0.96) stays a filled pause."""
    if words is None or score >= SURE:
        return False
    return any(
        plain(w.text) in HELD_WORDS and w.start - HELD_LEAD_S <= start <= w.end + HELD_LAG_S
        for w in words
    )


def drawn_out(context: float | None) -> bool:
    """True if a context score says a word drawn out, not a filler (CONTEXT_FLOOR)."""
    return context is not None and context < CONTEXT_FLOOR


def doubted(score: float, context: float | None) -> bool:
    """True if the judge's score alone and the context score together say no filler
    (DOUBT_SCORE, DOUBT_CONTEXT); False where the context was not checked."""
    return context is not None and context < DOUBT_CONTEXT and score < DOUBT_SCORE


ContextKey = tuple[int, int, tuple[str, ...]]
"""What a context score depends on: the window's first and end sample in the recording, and
the readings compared."""


def context_scores(
    transcriber: Transcriber,
    samples: np.ndarray,
    words: Sequence[Word],
    spans: Sequence[tuple[float, float] | None],
    *,
    offset: float = 0.0,
    known: dict[ContextKey, float] | None = None,
) -> list[float | None]:
    """For each span (s; minus ``offset`` into samples), how much more probable Whisper
    finds the words around it with a filled pause there than without (log, < 0 when less):
    None where no word was written near it (nothing to compare), and for a span None.

    Each span's window (LEAD_S before to TAIL_S after) is encoded alone, and the words
    lying in it are forced through the decoder after PROMPT (so that Whisper writes the
    fillers it hears) as written and with each of FORMS put in (:func:`hypotheses`). A score
    found in ``known`` is not computed again; the others are added to it (practice checks
    spans while the answer is spoken: ``ahead.JudgeAhead``).
    """
    known = {} if known is None else known
    return [
        None if s is None else _score(transcriber, samples, words, *s, offset, known) for s in spans
    ]


def _score(
    transcriber: Transcriber,
    samples: np.ndarray,
    words: Sequence[Word],
    start: float,
    end: float,
    offset: float,
    known: dict[ContextKey, float],
) -> float | None:
    t0 = max(offset, start - LEAD_S)
    t1 = min(offset + len(samples) / SAMPLE_RATE, end + TAIL_S)
    # A word only grazing the window's edge is left out (Whisper's times are loose).
    near = [w for w in words if w.end > t0 + EDGE_S and w.start < t1 - EDGE_S]
    if not near or t1 <= t0:
        return None
    readings = tuple(" ".join(t) for t in hypotheses(near, start, end))
    first, last = (round(t * SAMPLE_RATE) for t in (t0, t1))
    key = (first, last, readings)
    if key not in known:
        skip = round(offset * SAMPLE_RATE)  # the block's first sample in the recording
        known[key] = _compare(transcriber, samples[first - skip : last - skip], readings)
    return known[key]


def _compare(transcriber: Transcriber, samples: np.ndarray, readings: Sequence[str]) -> float:
    """How much more probable the best of readings[1:] is than readings[0] (log) for these
    samples, each reading forced through the decoder after PROMPT."""
    tok = transcriber.tokenizer()
    prompt = [tok.sot_prev, *tok.encode(" " + PROMPT), *tok.sot_sequence, tok.no_timestamps]
    texts = [tok.encode(" " + r) for r in readings]
    model = transcriber.model
    frames = 2 * int(np.ceil(len(samples) / model.feature_extractor.hop_length / 2))
    mel = window_mel(model.feature_extractor, samples, frames)
    encoded = np.asarray(model.model.encode(storage_view(mel[None]), to_cpu=True))
    logp: list[float] = []
    for i in range(0, len(texts), ALIGN_BATCH):
        part = texts[i : i + ALIGN_BATCH]
        results = model.model.align(
            storage_view(np.repeat(encoded, len(part), axis=0)),
            prompt,
            part,
            [frames] * len(part),
            median_filter_width=1,  # only the tokens' probabilities are used, not the alignment
        )
        logp += [float(np.log(np.maximum(r.text_token_probs, 1e-12)).sum()) for r in results]
    return max(logp[1:]) - logp[0]


def hypotheses(words: Sequence[Word], start: float, end: float) -> list[list[str]]:
    """The words as written, then with a filler put in at the boundary nearest the span's
    middle, and at the one nearest its start, and in place of each word that may be the
    filler misheard: a word the span covers more than half of, or an unsure "or" just after
    it (Whisper's times for a word it made of an "uh" lag the sound;
    filled_pauses.late_echo). One list of texts per reading, the first the words as written.

    The boundary at the span's start: Whisper starts a word early, over the filler said just
    before it, so the filler's place in the words is before that word, not after it. The
    second real set's "cares, um, this is me" was read "cares this is me", "this" 8.05-8.74
    s over the "um" (8.02-8.58 s); with the filler only after "this" or in its place, the
    best reading scored -10.8 and the filled pause was taken for a word drawn out; "cares
    um, this is" scores -1.6. The boundary at the span's end as well changed nothing on
    either real set, for 5 % more readings (scratch ``s53/startonly.py``)."""
    texts = [w.text for w in words]
    out = [texts]
    points: list[int] = []
    for t in ((start + end) / 2, start):
        at = next((i for i, w in enumerate(words) if (w.start + w.end) / 2 >= t), len(words))
        if at not in points:
            points.append(at)
            out += [[*texts[:at], f, *texts[at:]] for f in _forms(texts, at)]
    span = [Filler("(filled pause)", start, end, "filled_pause", "acoustic")]
    for i, w in enumerate(words):
        covered = min(w.end, end) - max(w.start, start) > 0.5 * max(w.end - w.start, 0.05)
        if covered or late_echo(words, i, span):
            out += [[*texts[:i], f, *texts[i + 1 :]] for f in _forms(texts, i)]
    return out


def _forms(texts: Sequence[str], i: int) -> list[str]:
    """FORMS as written before texts[i]: capitalised at a sentence's start."""
    if i == 0 or texts[i - 1].endswith(_SENTENCE_END):
        return [f.capitalize() for f in FORMS]
    return list(FORMS)
