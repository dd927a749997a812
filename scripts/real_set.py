"""The real-speech part of scripts/measure_analyze.py: AMI clips with human references.

    .venv/bin/python scripts/measure_analyze.py --real-only

For each clip of ``../shared/fixtures/real/`` (manifest.json: every word with speaker and
times, and the filled pauses' times; ``--real DIR`` for another folder in that format) and
for three systems — voicesim ``analyze``, plain faster-whisper (same tiny.en int8 model,
default decode) and ``erm`` 0.4.0 (only when installed into the scratch folder, never a
dependency) — it measures:

* filled pauses by time: a detection matches a reference filler when their spans overlap
  once each is widened by 0.3 s; each matches at most once (maximum matching);
* content word error rate: fillers (um, uh, hmm, mm-hmm, …) dropped from both sides,
  both normalised by the same function, errors summed over clips / reference words;
* pace on single-speaker stretches (runs of ≥ 6 words by one speaker that nobody else
  talks over): voicesim's and plain faster-whisper's wpm on the stretch's audio vs the
  reference's non-filler words over the stretch's speaking time, the articulation rate
  (syllables per second of speaking time less pauses) beside the reference's, and the pitch
  (median and spread) beside Praat's, when parselmouth is installed into PRAAT_DIR;
* silent pauses of 0.5 s or more against the reference's gaps where no one says a word
  (voicesim's from the signal, the transcribers' from the gaps between their words), and
  against the gaps inside one speaker's turn;
* the same filled-pause and WER figures on the clips joined into one 5.5-min recording
  (joined_clip), where Whisper decodes with the text before as context.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "fixtures" / "real"
ERM_DIR = Path("/work/scratch/erm")
"""Where ``pip install --target /work/scratch/erm --no-deps erm==0.4.0`` put erm."""
PRAAT_DIR = Path("/work/scratch/pm")
"""Where ``pip install --target /work/scratch/pm --no-deps praat-parselmouth==0.4.7`` put
Praat (the peer for pitch; never a dependency)."""

TOL_S = 0.3
MIN_STRETCH_WORDS = 6
TARGET_F1 = 0.70
"""Issue 12's acceptance figure for the real set's filled pauses."""

Span = tuple[float, float]


@dataclass
class Clip:
    """One clip of the manifest: its audio path, reference words and filler spans."""

    id: str
    path: Path
    words: list[dict[str, Any]]
    fillers: list[Span]
    alone: list[bool] = field(default_factory=list)
    """For each filler: said with no other speaker's word over it (matching.said_alone)."""

    @property
    def timed_words(self) -> list[tuple[str, float, float]]:
        """The reference's words as (text, start, end), seconds."""
        return [(w["text"], float(w["start"]), float(w["end"])) for w in self.words]

    @property
    def content_text(self) -> str:
        """The reference's words without fillers, normalised."""
        return content_text(w["text"] for w in self.words)


@dataclass
class Output:
    """What a system produced for one clip: filled-pause spans and content words."""

    fillers: list[Span]
    words: list[str]
    seconds: float = 0.0
    any_fillers: list[Span] | None = None
    """Every filler the system reports, discourse fillers included (None: same as fillers).
    Issue 12's figures were counted this way; filled pauses alone are the real measure."""
    extra: dict[str, Any] = field(default_factory=dict)
    timed: list[tuple[str, float, float]] | None = None
    """Every word the system wrote with its start and end (s), for the word-time figures."""
    replaced: list[tuple[str, float, float]] | None = None
    """Words the system wrote but counts as a filled pause in their place (an "and" Whisper
    wrote for an "um"), with their times (s); None for a system that does not do this."""
    pauses: list[Span] | None = None
    """The system's silent pauses (s): voicesim's from the signal, a transcriber's the gaps
    of 0.25 s or more between its words; None for none measured."""


class ManifestError(ValueError):
    """A real-set folder whose manifest.json cannot be used; the message is one line."""


def load_clips(root: Path = REAL) -> list[Clip]:
    """The clips of a real set (``root``/manifest.json, in the fixtures' format), in manifest
    order. A word or filler without a ``speaker`` is the one speaker's (a recording of one
    answer). Raises ManifestError, naming the clip and the field, for a manifest that cannot
    be read, a missing field or time, or an audio file that is not there."""
    from voicesim.testing.matching import said_alone

    path = root / "manifest.json"
    if not path.is_file():
        raise ManifestError(f"no manifest.json in {root}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ManifestError(f"{path}: cannot be read as JSON ({e})") from None
    if not isinstance(manifest, list) or not manifest:
        raise ManifestError(f"{path}: must be a non-empty list of clips")
    clips = []
    for n, c in enumerate(manifest, 1):
        where = f"{path}, clip {n}"
        try:
            where = f"{path}, clip {c['id']!r}"
            words = [_item(w, text=True) for w in c["words"]]
            fillers = [_item(f) for f in c["filler_times"]]
            audio = root / c["file"]
        except (KeyError, TypeError, ValueError) as e:
            raise ManifestError(f"{where}: missing or bad field {e}") from None
        if not audio.is_file():
            raise ManifestError(f"{where}: no audio file {audio}")
        spans = [(f["speaker"], f["start"], f["end"]) for f in fillers]
        spoken = [(w["speaker"], w["start"], w["end"]) for w in words]
        clips.append(
            Clip(
                str(c["id"]),
                audio,
                words,
                [(f["start"], f["end"]) for f in fillers],
                said_alone(spans, spoken),
            )
        )
    return clips


def _item(item: dict[str, Any], *, text: bool = False) -> dict[str, Any]:
    """A manifest word (``text``) or filler: its times as floats (start ≤ end), the speaker
    defaulted. Raises KeyError/TypeError/ValueError naming what is wrong."""
    start, end = float(item["start"]), float(item["end"])
    if not start <= end:
        raise ValueError(f"'start' {start} after 'end' {end}")
    out = {**item, "start": start, "end": end, "speaker": str(item.get("speaker", "-"))}
    if text:
        out["text"] = str(item["text"])
    return out


def short_id(clip_id: str) -> str:
    """A clip's id as the tables print it: the fixtures' "ami_" prefix left off."""
    return clip_id.removeprefix("ami_")


def _normalise(text: str) -> list[str]:
    from voicesim.testing.matching import spoken_tokens

    return spoken_tokens(text)


def content_text(tokens: Any) -> str:
    """Tokens normalised (lower case, punctuation gone) with fillers (um, mm-hmm…) dropped."""
    return " ".join(t for tok in tokens for t in _normalise(str(tok)))


def wer_counts(reference: str, hypothesis: str) -> tuple[int, int]:
    """(errors, reference words) of hypothesis against reference."""
    import jiwer

    ref = reference.split()
    if not ref:
        return len(hypothesis.split()), 0
    out = jiwer.process_words(reference, hypothesis or "<empty>")
    return out.substitutions + out.deletions + out.insertions, len(ref)


def match(truth: Sequence[Span], found: Sequence[Span], tol: float = TOL_S) -> tuple[int, int, int]:
    """(tp, fp, fn): maximum one-to-one matching of spans overlapping within tol seconds."""
    adj = [
        [j for j, (fa, fb) in enumerate(found) if fa < tb + tol and ta - tol < fb]
        for ta, tb in truth
    ]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in adj[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    tp = sum(augment(i, set()) for i in range(len(truth)))
    return tp, len(found) - tp, len(truth) - tp


def _time_figures(errors: Sequence[Span]) -> dict[str, float]:
    """Median absolute start and end error (s), their median signed errors, and the share of
    starts and ends within 0.1 s."""
    import numpy as np

    e = np.asarray(errors, dtype=float).reshape(-1, 2)
    if not len(e):
        return {"words": 0}
    return {
        "words": len(e),
        "start_median_abs_s": round(float(np.median(np.abs(e[:, 0]))), 3),
        "end_median_abs_s": round(float(np.median(np.abs(e[:, 1]))), 3),
        "start_median_s": round(float(np.median(e[:, 0])), 3),
        "end_median_s": round(float(np.median(e[:, 1])), 3),
        "start_within_100ms": round(float(np.mean(np.abs(e[:, 0]) <= 0.1)), 3),
        "end_within_100ms": round(float(np.mean(np.abs(e[:, 1]) <= 0.1)), 3),
    }


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """(recall, precision, F1)."""
    r = tp / max(tp + fn, 1)
    p = tp / max(tp + fp, 1)
    return r, p, (2 * r * p / (r + p) if r + p else 0.0)


def word_gaps(timed: Sequence[tuple[str, float, float]]) -> list[Span]:
    """A transcriber's pauses: the gaps of 0.25 s or more (the SPEC's shortest silent pause)
    between its words, as its word times give them."""
    from voicesim.testing.matching import gaps

    return gaps([(a, b) for _, a, b in timed])


def turn_gaps(clip: Clip, min_s: float = 0.5) -> list[Span]:
    """Pauses inside one speaker's turn: gaps of at least ``min_s`` between two consecutive
    words of the same speaker in which no one's word lies, as an answer's pauses are."""
    ws = sorted(clip.words, key=lambda w: float(w["start"]))
    out: list[Span] = []
    reach = float("-inf")  # the latest end of any word so far
    for w, after in pairwise(ws):
        a, b = float(w["end"]), float(after["start"])
        reach = max(reach, a)
        if after["speaker"] == w["speaker"] and b - a >= min_s and reach <= a:
            out.append((a, b))
    return out


def _pause_lines(
    clips: Sequence[Clip], found: dict[str, dict[str, tuple[list[Span], Span]]]
) -> dict:
    """Print and return each system's silent pauses against the reference's: the gaps of
    0.5 s or more where no one says a word (matching.pause_agreement), within the stretch
    both the reference and the system speak to, and the pauses inside one speaker's turn.
    ``found``: each system's pauses and (first start, last end) of its words, by clip id."""
    import numpy as np

    from voicesim.testing.matching import gaps, pause_agreement

    print(
        "  silent pauses of 0.5 s or more against the reference's gaps (no one's word in them;"
        " found: covered half; true: half in a reference gap; within both sides' first to last"
        " word):"
    )
    # The reference's side, once per clip: its first start and last end, gaps, turn gaps.
    truth: dict[str, tuple[Span, list[Span], list[Span]]] = {}
    for clip in clips:
        ref = [(float(w["start"]), float(w["end"])) for w in clip.words]
        if ref:
            lo, hi = min(a for a, _ in ref), max(b for _, b in ref)
            truth[clip.id] = ((lo, hi), gaps(ref), turn_gaps(clip))
    figures: dict[str, Any] = {}
    for name, per_clip in found.items():
        sums = {"truth": 0, "found": 0, "reported": 0, "true": 0, "turn": 0, "turn_found": 0}
        errors: list[Span] = []
        for clip_id, ((lo, hi), ref_gaps, turns) in truth.items():
            if clip_id not in per_clip:
                continue
            pauses, (sys_lo, sys_hi) = per_clip[clip_id]
            within = (max(lo, sys_lo), min(hi, sys_hi))
            got = pause_agreement(ref_gaps, pauses, within)
            errors += got.pop("errors")
            for k, v in got.items():
                sums[k] += v
            turn = pause_agreement(turns, pauses, within)
            sums["turn"] += turn["truth"]
            sums["turn_found"] += turn["found"]
        e = np.abs(np.asarray(errors, dtype=float).reshape(-1, 2))
        fig = figures[name] = {
            **sums,
            "recall": round(sums["found"] / max(sums["truth"], 1), 3),
            "precision": round(sums["true"] / max(sums["reported"], 1), 3),
            "start_median_abs_s": round(float(np.median(e[:, 0])), 3) if len(e) else None,
            "end_median_abs_s": round(float(np.median(e[:, 1])), 3) if len(e) else None,
        }
        edges = (
            f"; edges |error| median {fig['start_median_abs_s']:.2f} s start,"
            f" {fig['end_median_abs_s']:.2f} s end"
            if len(e)
            else ""
        )
        print(
            f"  {name:10} found {sums['found']}/{sums['truth']} ({fig['recall']:.2f}), "
            f"{sums['true']} of its {sums['reported']} true ({fig['precision']:.2f}){edges};"
            f" inside one speaker's turn {sums['turn_found']}/{sums['turn']}"
        )
    return figures


# --- the systems -----------------------------------------------------------------------


def _rubric() -> Any:
    from voicesim.scoring.rubric import load_rubric

    return load_rubric()


def voicesim_system(transcriber: Any) -> Callable[[Clip], Output]:
    """voicesim analyze on the whole file: filled pauses from delivery, non-filler words."""
    from voicesim.analysis.pipeline import analyze_file

    def run(clip: Clip) -> Output:
        t0 = time.perf_counter()
        res = analyze_file(clip.path, transcriber=transcriber, rubric=_rubric())
        dt = time.perf_counter() - t0
        fill = [(f.start, f.end) for f in res.delivery.fillers if f.kind == "filled_pause"]
        words = spoken_words(res)
        every = [(f.start, f.end) for f in res.delivery.fillers]
        timed = [(w.text, w.start, w.end) for w in res.transcript.words]
        out = Output(fill, words, dt, every, {"text": res.transcript.text}, timed)
        out.replaced = replaced_words(res)
        out.pauses = [(p.start, p.end) for p in res.delivery.pauses]
        return out

    return run


def spoken_words(result: Any) -> list[str]:
    """The words of a voicesim result that are not filled pauses.

    Discourse fillers ("like", "I mean") are words the speaker said and the reference
    writes, so they stay; a word flagged as a filled pause (an "uh" Whisper wrote as
    "and") goes, as the reference's "uh" does.
    """
    dropped = _filled_pause_word(result)
    return [w.text for w in result.transcript.words if not dropped(w)]


def replaced_words(result: Any) -> list[tuple[str, float, float]]:
    """The words of a voicesim result counted as a filled pause in their place: dropped by
    spoken_words (flagged by filled_pauses.absorb_lookalikes) but not spelled as one."""
    from voicesim.text import is_filled_pause

    dropped = _filled_pause_word(result)
    return [
        (w.text, w.start, w.end)
        for w in result.transcript.words
        if dropped(w) and not is_filled_pause(w.text)
    ]


def _filled_pause_word(result: Any) -> Callable[[Any], bool]:
    """For a voicesim result: is a word of its transcript flagged as filler and not inside
    a discourse filler ("like", "I mean": words the speaker said), i.e. a filled pause?"""
    discourse = [(f.start, f.end) for f in result.delivery.fillers if f.kind == "discourse"]
    return lambda w: w.filler and not any(a <= (w.start + w.end) / 2 <= b for a, b in discourse)


def replaced_verdicts(clip: Clip, replaced: Sequence[tuple[str, float, float]]) -> list[int]:
    """[right, wrong, unclear] for words a system counted as a filled pause in their place:
    right where the reference has a filler within TOL_S and not that word, wrong where it has
    that word and no filler, unclear otherwise."""
    from voicesim.text import plain

    out = [0, 0, 0]
    for text, start, end in replaced:
        near = [t for t, a, b in clip.timed_words if a < end + TOL_S and b > start - TOL_S]
        said = any(plain(t) == plain(text) for t in near)
        filler = any(a < end + TOL_S and b > start - TOL_S for a, b in clip.fillers)
        out[0 if filler and not said else 1 if said and not filler else 2] += 1
    return out


def _tally_replaced(totals: dict[str, list[int]], name: str, clip: Clip, out: Output) -> None:
    """Add the replaced_verdicts of one system's output on one clip to ``totals[name]``
    (nothing for a system that does not replace words)."""
    if out.replaced is not None:
        acc = totals.setdefault(name, [0, 0, 0])
        for i, v in enumerate(replaced_verdicts(clip, out.replaced)):
            acc[i] += v


def _print_replaced(counts: dict[str, list[int]], where: str) -> None:
    """One line per system that replaces words: the replaced_verdicts totals."""
    for name, (right, wrong, unclear) in counts.items():
        print(
            f"  {name:10} words counted as a filled pause in their place, {where}: {right} right"
            f" (a reference filler there), {wrong} wrong (the reference's word), {unclear} unclear"
        )


def plain_words(model: Any, audio: Any, hotwords: str | None = None) -> list[Any]:
    """faster-whisper as it comes (beam 5, no VAD, no prompt) on a path or 16-kHz samples:
    its words with their times, as voicesim Words. ``hotwords``: a prompt faster-whisper
    puts before every 30-s window (spelled_table)."""
    from voicesim.results import Word

    segments, _ = model.transcribe(audio, language="en", word_timestamps=True, hotwords=hotwords)
    return [
        Word(w.word.strip(), float(w.start), float(w.end), w.probability)
        for seg in segments
        for w in seg.words or []
    ]


def plain_system(model: Any, hotwords: str | None = None) -> Callable[[Clip], Output]:
    """faster-whisper as it comes (plain_words); fillers = its written "um"s."""
    from voicesim.analysis.fillers import transcript_fillers
    from voicesim.text import is_filled_pause

    def run(clip: Clip) -> Output:
        t0 = time.perf_counter()
        ws = plain_words(model, str(clip.path), hotwords)
        dt = time.perf_counter() - t0
        fill = [(w.start, w.end) for w in ws if is_filled_pause(w.text)]
        words = [w.text for w in ws if not is_filled_pause(w.text)]
        every = [(f.start, f.end) for f in transcript_fillers(ws)[1]]
        timed = [(w.text, w.start, w.end) for w in ws]
        return Output(fill, words, dt, every, timed=timed, pauses=word_gaps(timed))

    return run


def erm_system(model_path: str) -> Callable[[Clip], Output] | None:
    """erm 0.4.0's detection as its ``erm remove`` runs it (cli defaults), or None.

    Transcription with its verbatim initial prompt, then its transcript fillers, gap,
    intra-word and pitch-confirmed overlong-word detectors, then its boundary refining and
    merging of cuts closer than 0.12 s;
    the cut list is its filled-pause output. Only imported from ERM_DIR.
    """
    if not (ERM_DIR / "erm").is_dir():
        return None
    if str(ERM_DIR) not in sys.path:
        sys.path.append(str(ERM_DIR))
    from erm.acoustic import is_sustained_vowel
    from erm.asr import transcribe
    from erm.audio import load_audio_mono
    from erm.detect import detect_gap_fillers, detect_intraword_fillers, detect_overlong_words
    from erm.fillers import DEFAULT_FILLERS, find_fillers, is_filler, normalize_word
    from erm.ranges import merge_close_cuts
    from erm.refine import refine_boundaries

    def run(clip: Clip) -> Output:
        t0 = time.perf_counter()
        words, duration = transcribe(
            clip.path, model_name=model_path, device="cpu", compute_type="int8"
        )
        audio, sr = load_audio_mono(clip.path)
        cuts = find_fillers(words, DEFAULT_FILLERS)
        cuts += detect_gap_fillers(audio, sr, words, duration, min_gap_s=0.35)
        cuts += detect_intraword_fillers(audio, sr, words, min_word_s=0.55)
        cuts += [
            c
            for c in detect_overlong_words(audio, sr, words)
            if is_sustained_vowel(audio, sr, c.start, c.end)
        ]
        cuts = sorted(cuts, key=lambda c: c.start)
        cuts = refine_boundaries(audio, sr, cuts, words=words, total_duration=duration)
        cuts = merge_close_cuts(cuts, min_gap_s=0.12)  # its --merge-gap-ms default
        dt = time.perf_counter() - t0
        content = [w.text for w in words if not is_filler(normalize_word(w.text), DEFAULT_FILLERS)]
        timed = [(w.text, w.start, w.end) for w in words]
        cut = [(c.start, c.end) for c in cuts]
        return Output(cut, content, dt, timed=timed, pauses=word_gaps(timed))

    return run


# --- the report ------------------------------------------------------------------------


def filler_table(clips: Sequence[Clip], systems: dict[str, Callable[[Clip], Output]]) -> dict:
    """Run every system on every clip; print per-clip and total filler and WER figures,
    and the word times of every system that gives them."""
    from voicesim.testing.matching import word_time_errors

    totals: dict[str, list[int]] = {name: [0, 0, 0, 0, 0] for name in systems}
    any_totals: dict[str, list[int]] = {name: [0, 0, 0] for name in systems}
    alone_totals: dict[str, list[int]] = {name: [0, 0, 0] for name in systems}
    times: dict[str, float] = dict.fromkeys(systems, 0.0)
    timing: dict[str, list[Span]] = {name: [] for name in systems}
    replaced: dict[str, list[int]] = {}
    per_clip: dict[str, dict[str, Any]] = {}
    paused: dict[str, dict[str, tuple[list[Span], Span]]] = {name: {} for name in systems}
    head = "  ".join(f"{n:>22}" for n in systems)
    print(f"\nreal set: filled pauses tp/fp/fn and content WER per clip\n{'clip':18} ref {head}")
    for clip in clips:
        cells = []
        per_clip[clip.id] = {}
        for name, run in systems.items():
            out = run(clip)
            tp, fp, fn = match(clip.fillers, out.fillers)
            err, n = wer_counts(clip.content_text, content_text(out.words))
            acc = totals[name]
            for i, v in enumerate((tp, fp, fn, err, n)):
                acc[i] += v
            times[name] += out.seconds
            if out.timed is not None:
                timing[name] += word_time_errors(clip.timed_words, out.timed)
            _tally_replaced(replaced, name, clip, out)
            if out.pauses is not None and out.timed:
                first, last = min(w[1] for w in out.timed), max(w[2] for w in out.timed)
                paused[name][clip.id] = (out.pauses, (first, last))
            m_any = match(clip.fillers, out.fillers if out.any_fillers is None else out.any_fillers)
            for i, v in enumerate(m_any):
                any_totals[name][i] += v
            alone = [span for span, said in zip(clip.fillers, clip.alone, strict=True) if said]
            a_tp, _, a_fn = match(alone, out.fillers)
            for i, v in enumerate((a_tp, fp, a_fn)):
                alone_totals[name][i] += v
            per_clip[clip.id][name] = {"tp": tp, "fp": fp, "fn": fn, "wer": err / max(n, 1)}
            cells.append(f"{tp:>2}/{fp:<2}/{fn:<2} wer {err / max(n, 1):.3f}")
        print(
            f"{short_id(clip.id):18} {len(clip.fillers):3} " + "  ".join(f"{c:>22}" for c in cells)
        )
    summary: dict[str, dict[str, Any]] = {}
    total = sum(len(clip.fillers) for clip in clips)
    print(f"\ntotals ({total} reference filled pauses; WER = errors / reference words, all clips):")
    for name, (tp, fp, fn, err, n) in totals.items():
        summary[name] = fig = _figures(tp, fp, fn, err, n)
        print(
            f"  {name:10} F1 {fig['f1']:.2f}  R {fig['recall']:.2f}  P {fig['precision']:.2f}"
            f"  ({tp}/{fp}/{fn})  content WER {fig['wer']:.3f}  time {times[name]:.1f} s"
        )
    print(
        "  counting every reported filler, discourse fillers too (not the issue's measure:"
        " its 0.26 recall for voicesim was reproduced from the filled pauses alone):"
    )
    for name, (tp, fp, fn) in any_totals.items():
        r, p, f1 = prf(tp, fp, fn)
        summary[name]["any_f1"] = f1
        print(f"  {name:10} F1 {f1:.2f}  R {r:.2f}  P {p:.2f}  ({tp}/{fp}/{fn})")
    n_alone = sum(sum(c.alone) for c in clips)
    print(
        f"  the {n_alone} filled pauses said with no one else talking, as in an interview answer"
        " (a filler found under another speaker's talk is neither a hit nor a false one):"
    )
    for name, (tp, fp, fn) in alone_totals.items():
        fig = summary[name]["alone"] = {"tp": tp, "fp": fp, "fn": fn, **_filler_figures(tp, fp, fn)}
        print(
            f"  {name:10} F1 {fig['f1']:.2f}  R {fig['recall']:.2f}  P {fig['precision']:.2f}"
            f"  ({tp}/{fp}/{fn})"
        )
    _print_replaced(replaced, "all clips")
    for name, (right, wrong, unclear) in replaced.items():
        summary[name]["replaced"] = {"right": right, "wrong": wrong, "unclear": unclear}
    print("  word times against the reference's (words matched by text; s = system − reference):")
    for name, errors in timing.items():
        t = summary[name]["word_times"] = _time_figures(errors)
        if t["words"]:
            print(
                f"  {name:10} {t['words']} words: start |error| median"
                f" {t['start_median_abs_s']:.3f} s"
                f" (signed {t['start_median_s']:+.3f}), within 0.1 s {t['start_within_100ms']:.0%};"
                f" end {t['end_median_abs_s']:.3f} s ({t['end_median_s']:+.3f}),"
                f" within 0.1 s {t['end_within_100ms']:.0%}"
            )
    for name, figures in _pause_lines(clips, paused).items():
        summary[name]["pauses"] = figures
    _uncertainty(per_clip, summary)
    return {"summary": summary, "per_clip": per_clip}


def _uncertainty(per_clip: dict[str, dict[str, Any]], summary: dict[str, Any]) -> None:
    """Print (and add to ``summary``) how far each F1 could move on other clips like these:
    90 % clip-bootstrap intervals, and voicesim against each peer on the same draws."""
    import numpy as np

    from voicesim.testing.matching import f1_draws, interval

    names = list(summary)
    draws = {
        n: f1_draws([(c[n]["tp"], c[n]["fp"], c[n]["fn"]) for c in per_clip.values()], seed=0)
        for n in names
    }
    print(
        f"  F1 on the clips drawn again ({len(per_clip)} clips with replacement, "
        f"{len(draws[names[0]])} draws; 90 % intervals):"
    )
    for n in names:
        lo, hi = interval(draws[n])
        summary[n]["f1_interval"] = [lo, hi]
        summary[n]["f1_share_at_target"] = float(np.mean(draws[n] >= TARGET_F1))
        print(
            f"  {n:10} {lo:.2f}–{hi:.2f}; at or over {TARGET_F1:.2f} in "
            f"{summary[n]['f1_share_at_target']:.0%} of draws"
        )
    for peer in names:
        if peer == "voicesim" or "voicesim" not in draws:
            continue
        diff = draws["voicesim"] - draws[peer]
        lo, hi = interval(diff)
        summary["voicesim"][f"f1_minus_{peer}"] = [lo, hi]
        print(
            f"  voicesim − {peer}: {lo:+.2f} to {hi:+.2f}; voicesim ahead in "
            f"{int(np.sum(diff > 0))} of {len(diff)} draws"
        )


def stretches(clip: Clip, min_words: int = MIN_STRETCH_WORDS) -> list[tuple[Span, int]]:
    """Single-speaker stretches: ((start, end) s, non-filler words) of runs of ≥ min_words
    consecutive words by one speaker with no other speaker's word overlapping them."""
    ws = clip.words
    out: list[tuple[Span, int]] = []
    i = 0
    while i < len(ws):
        j = i
        while j + 1 < len(ws) and ws[j + 1]["speaker"] == ws[i]["speaker"]:
            j += 1
        a, b = float(ws[i]["start"]), float(ws[j]["end"])
        others = [
            w
            for w in ws
            if w["speaker"] != ws[i]["speaker"] and w["start"] < b + 0.3 and w["end"] > a - 0.3
        ]
        n = sum(len(_normalise(w["text"])) for w in ws[i : j + 1])
        if not others and n >= min_words:
            out.append(((a, b), n))
        i = j + 1
    return out


def pace_table(clips: Sequence[Clip], transcriber: Any, plain_model: Any) -> dict[str, Any]:
    """voicesim's and plain faster-whisper's wpm on each single-speaker stretch.

    Two references: the reference's words without filled pauses (the issue's wording), and
    the same words with voicesim's own filler rules applied to the reference text (a
    sentence-opening "Like" is a discourse filler and no word by the SPEC's wpm), so the
    pace measure is compared with its own definition. Plain faster-whisper counts its
    words (by the same rules) over its first word's start to its last word's end.

    Beside it the articulation rate: the reference's and plain faster-whisper's from their
    words and word times (``articulation``), voicesim's as it reports it (pauses from the
    signal). The reference's words span silences (EN2005a's "um" at 26.45-27.92 s holds
    over a second under -70 dBFS), so its speaking time runs long and its rate low.
    """
    from voicesim.analysis.fillers import transcript_fillers
    from voicesim.analysis.pipeline import analyze_samples
    from voicesim.audio.files import load_audio
    from voicesim.results import Word

    rows: list[dict[str, Any]] = []
    print("\npace on single-speaker stretches (wpm; reference: non-filler words / span):")
    print(
        f"  {'clip':18} {'stretch':>12}  {'ref':>5} {'ref*':>5}  {'voicesim':>16}  "
        f"{'plain fw':>16}   (* voicesim's filler rules applied to the reference text)"
    )
    for clip in clips:
        samples, _ = load_audio(clip.path)
        for (a, b), n in stretches(clip):
            # A little room either side, as a recording of one answer has.
            lo, hi = max(0.0, a - 0.3), min(len(samples) / 16000, b + 0.3)
            piece = samples[int(lo * 16000) : int(hi * 16000)]
            res = analyze_samples(piece, 16000, transcriber=transcriber, rubric=_rubric())
            ref = n / (b - a) * 60
            said = [
                Word(t, w["start"], w["end"], 1.0)
                for w in clip.words
                if a <= w["start"] < b
                for t in _normalise(w["text"])
            ]
            same = sum(not w.filler for w in transcript_fillers(said)[0]) / (b - a) * 60
            pw = plain_words(plain_model, piece)
            counted = [w for w in transcript_fillers(pw)[0] if not w.filler]
            span = (pw[-1].end - pw[0].start) if pw else 0.0
            plain_wpm = len(counted) / span * 60 if span > 0 else 0.0
            spoken = [
                Word(w["text"], w["start"], w["end"], 1.0)
                for w in clip.words
                if a <= w["start"] < b
            ]
            timed = {
                "ref": articulation(spoken),
                "voicesim": (res.delivery.syllables, res.delivery.phonation_time_s),
                "plain": articulation(pw),
            }
            nuclei = praat_articulation(piece)
            if nuclei is not None:
                timed["djw"] = nuclei
            rates = {who: n / t if t > 0 else 0.0 for who, (n, t) in timed.items()}
            row: dict[str, Any] = {
                "clip": clip.id,
                "span": [float(a), float(b)],
                "ref_wpm": round(float(ref), 1),
                "ref_same_rules_wpm": round(float(same), 1),
                "voicesim_wpm": float(res.delivery.wpm),
                "plain_wpm": round(float(plain_wpm), 1),
            }
            for who, (n, t) in timed.items():
                row[f"{who}_syl_s"] = round(rates[who], 2)
                row[f"{who}_syllables"] = n
                row[f"{who}_speaking_s"] = round(t, 2)
            pitch, figures = pitch_line(piece, res)
            row |= figures
            rows.append(row)
            print(
                f"  {short_id(clip.id):18} {a:5.1f}-{b:5.1f} s  {ref:5.1f} {same:5.1f}  "
                f"{res.delivery.wpm:5.1f} ({_pct(res.delivery.wpm, ref, same)})  "
                f"{plain_wpm:5.1f} ({_pct(plain_wpm, ref, same)})"
            )
            print(
                f"  {'':18} {'syllables/s':>12}  {rates['ref']:5.2f} {'':5}  "
                f"{rates['voicesim']:5.2f} ({_pct(rates['voicesim'], rates['ref'])}){'':7} "
                f"{rates['plain']:5.2f} ({_pct(rates['plain'], rates['ref'])})   syllables / "
                "speaking s: " + ", ".join(f"{n} / {t:.2f}" for n, t in timed.values())
            )
            if "djw" in rates:
                n, t = timed["djw"]
                print(
                    f"  {'':18} de Jong & Wempe (Praat's syllable nuclei): {rates['djw']:.2f}"
                    f" ({_pct(rates['djw'], rates['ref'])}; {n} / {t:.2f})"
                )
            print(f"  {'':18} {pitch}")
    summary: dict[str, Any] = {}
    for system in ("voicesim", "plain", "djw"):
        for ref_key, unit in (("ref", "wpm"), ("ref_same_rules", "wpm"), ("ref", "syl_s")):
            errs = [
                abs(r[f"{system}_{unit}"] - r[f"{ref_key}_{unit}"]) / r[f"{ref_key}_{unit}"]
                for r in rows
                # words of no length in another set's reference; no wpm from the nuclei
                if r[f"{ref_key}_{unit}"] > 0 and f"{system}_{unit}" in r
            ]
            if errs:
                summary[f"{system}_vs_{ref_key}" + ("_syl_s" if unit == "syl_s" else "")] = {
                    "mean": round(sum(errs) / len(errs), 4),
                    "worst": round(max(errs), 4),
                    "within_5pct": sum(e <= 0.05 for e in errs),
                }
    for key, v in summary.items():
        print(
            f"  {key:28} mean |error| {v['mean'] * 100:4.1f} %, worst {v['worst'] * 100:5.1f} %, "
            f"within 5 %: {v['within_5pct']}/{len(rows)}"
        )
    pairs = [
        (r["voicesim_pitch_sd_st"], r["praat_pitch_sd_st"])
        for r in rows
        if "praat_pitch_sd_st" in r
    ]
    if pairs:
        flat = _rubric().spec("pitch_variation").num("monotone_semitones")
        summary["pitch_spread_vs_praat"] = {
            "mean_abs_st": round(sum(abs(v - p) for v, p in pairs) / len(pairs), 2),
            "same_monotone_flag": sum((v < flat) == (p < flat) for v, p in pairs),
            "n": len(pairs),
        }
        print(
            f"  pitch spread, voicesim vs Praat: mean |difference| "
            f"{summary['pitch_spread_vs_praat']['mean_abs_st']:.2f} st; the same monotone flag"
            f" (under {flat:g} st) on {summary['pitch_spread_vs_praat']['same_monotone_flag']}"
            f" of {len(pairs)}"
        )
    return {"stretches": rows, "summary": summary}


def _parselmouth() -> Any:
    """parselmouth (Praat) from PRAAT_DIR, or None where it was not installed there."""
    if not any(PRAAT_DIR.glob("parselmouth*")):
        return None
    if str(PRAAT_DIR) not in sys.path:
        sys.path.append(str(PRAAT_DIR))
    import parselmouth
    import parselmouth.praat

    return parselmouth


def praat_pitch(samples: Any, start: float, end: float) -> tuple[float, float] | None:
    """Praat's pitch over ``start``-``end`` s of 16-kHz samples, summed up as voicesim sums up
    its own: the median F0 (Hz) of the voiced frames and their spread in semitones (standard
    deviation after the 5-95 % trim). Praat's autocorrelation method, 10-ms steps, 60-500 Hz,
    its own voicing decision. None when parselmouth is not in PRAAT_DIR."""
    import numpy as np

    from voicesim.analysis.acoustics import spread_semitones

    parselmouth = _parselmouth()
    if parselmouth is None:
        return None
    sound = parselmouth.Sound(np.asarray(samples, dtype=np.float64), sampling_frequency=16000)
    pitch = sound.to_pitch(time_step=0.01, pitch_floor=60.0, pitch_ceiling=500.0)
    f0, t = pitch.selected_array["frequency"], pitch.xs()
    f0 = f0[(t >= start) & (t <= end) & (f0 > 0)]
    if f0.size < 10:
        return None
    return round(float(np.median(f0)), 1), round(spread_semitones(f0), 2)


def pitch_table(clips: Sequence[Clip]) -> dict[str, Any]:
    """voicesim's pitch of each whole clip beside Praat's, over the reference's first to last
    word: voicesim's measures on the clip's frames with the reference's words as the
    transcript (no decode: the pitch depends on the signal and the speaking span), Praat's
    as ``praat_pitch`` sums it up. The clips mix voices, so a spread here is the mix's; the
    figure is how far the two pitch trackers and voicing decisions are apart."""
    from voicesim.analysis.acoustics import frame_features
    from voicesim.analysis.delivery import measure_frames
    from voicesim.audio.files import load_audio
    from voicesim.results import Transcript, Word

    flat = _rubric().spec("pitch_variation").num("monotone_semitones")
    rows: list[dict[str, Any]] = []
    for clip in clips:
        samples, _ = load_audio(clip.path)
        words = [Word(w["text"], w["start"], w["end"], 1.0) for w in clip.words]
        if not words:
            continue
        text = " ".join(w.text for w in words)
        pitch = measure_frames(
            frame_features(samples, 16000), Transcript(text, words), monotone_st=flat
        ).pitch
        praat = praat_pitch(samples, min(w.start for w in words), max(w.end for w in words))
        if pitch is None or praat is None:
            continue
        rows.append(
            {"clip": clip.id, "voicesim_sd_st": pitch.sd_semitones, "praat_sd_st": praat[1]}
        )
    if not rows:
        print("\npitch of the whole clips beside Praat: Praat not installed (or no voiced frames)")
        return {}
    diffs = [abs(r["voicesim_sd_st"] - r["praat_sd_st"]) for r in rows]
    same = sum((r["voicesim_sd_st"] < flat) == (r["praat_sd_st"] < flat) for r in rows)
    print(
        "\npitch spread of the whole clips, voicesim vs Praat (semitones): "
        + ", ".join(
            f"{short_id(r['clip'])} {r['voicesim_sd_st']:.2f}/{r['praat_sd_st']:.2f}" for r in rows
        )
    )
    print(
        f"  mean |difference| {sum(diffs) / len(diffs):.2f} st; the same monotone flag (under"
        f" {flat:g} st) on {same} of {len(rows)}"
    )
    return {"clips": rows, "mean_abs_st": round(sum(diffs) / len(diffs), 2), "same_flag": same}


def praat_articulation(samples: Any, sr: int = 16000) -> tuple[int, float] | None:
    """The acoustic peer for the articulation rate: de Jong & Wempe's syllable nuclei (2009,
    "Praat script to detect syllable nuclei and measure speech rate automatically"), on
    Praat through parselmouth, with the script's settings: intensity peaks over the 99th
    percentile less 25 dB, each followed by a dip of 2 dB before the next, that Praat finds
    voiced; phonation time the sounding intervals of Praat's silence detection (-25 dB, pauses
    of 0.3 s). (syllables, phonation s) of samples at ``sr`` Hz, or None when parselmouth is not in
    PRAAT_DIR. No words: it hears syllables where voicesim counts the transcript's."""
    import numpy as np

    parselmouth = _parselmouth()
    if parselmouth is None:
        return None
    call = parselmouth.praat.call
    sound = parselmouth.Sound(np.asarray(samples, dtype=np.float64), sampling_frequency=sr)
    intensity = sound.to_intensity(minimum_pitch=50.0, subtract_mean=True)
    level, times = intensity.values[0], intensity.xs()
    threshold = max(float(np.quantile(level, 0.99)) - 25.0, float(level.min()))
    grid = call(sound, "To TextGrid (silences)", 100, 0, -25.0, 0.3, 0.1, "silent", "sounding")
    sounding = 0.0
    for i in range(1, call(grid, "Get number of intervals", 1) + 1):
        if call(grid, "Get label of interval", 1, i) == "sounding":
            start = call(grid, "Get start time of interval", 1, i)
            sounding += call(grid, "Get end time of interval", 1, i) - start
    peaks = [
        i
        for i in range(1, len(level) - 1)
        if level[i] > level[i - 1] and level[i] >= level[i + 1] and level[i] > threshold
    ]
    ends = [*peaks[1:], len(level) - 1]
    nuclei = [
        i for i, j in zip(peaks, ends, strict=True) if level[i] - level[i : j + 1].min() > 2.0
    ]
    pitch = call(sound, "To Pitch (ac)", 0.02, 30, 4, "no", 0.03, 0.25, 0.01, 0.35, 0.25, 450)
    voiced = [
        i
        for i in nuclei
        if not np.isnan(call(pitch, "Get value at time", times[i], "Hertz", "Linear"))
    ]
    return len(voiced), sounding


def pitch_line(samples: Any, result: Any) -> tuple[str, dict[str, float]]:
    """voicesim's pitch of an analysed recording beside Praat's over the same words: the
    printed line and the figures."""
    p = result.delivery.pitch
    words = result.transcript.words
    if p is None or not words:
        return "pitch: none measured", {}
    figures = {"voicesim_pitch_hz": p.median_hz, "voicesim_pitch_sd_st": p.sd_semitones}
    line = f"pitch: voicesim {p.median_hz:.1f} Hz, spread {p.sd_semitones:.2f} st"
    praat = praat_pitch(samples, words[0].start, words[-1].end)
    if praat is None:
        return line + "; Praat not installed (or no voiced frames)", figures
    figures |= {"praat_pitch_hz": praat[0], "praat_pitch_sd_st": praat[1]}
    return line + f"; Praat {praat[0]:.1f} Hz, {praat[1]:.2f} st", figures


def articulation(words: Sequence[Any]) -> tuple[int, float]:
    """(syllables, speaking time s) from words alone (``text``, ``start``, ``end``, as
    voicesim Words): every word's syllables, fillers too, and the first start to the last
    end less every gap of 0.25 s or more between words (the SPEC's shortest silent pause).
    How a reference with word times, or a transcript without the signal, gives the
    articulation rate; voicesim takes its pauses from the signal instead."""
    from voicesim.analysis.syllables import count_syllables
    from voicesim.testing.matching import gaps

    if not words:
        return 0, 0.0
    spans = [(w.start, w.end) for w in words]
    paused = sum(b - a for a, b in gaps(spans))
    speaking = max(b for _, b in spans) - min(a for a, _ in spans) - paused
    return sum(count_syllables(w.text) for w in words), speaking


def _pct(value: float, *refs: float) -> str:
    """value's signed errors against each reference, as '+3.1%/-0.4%'."""
    return "/".join(f"{(value - r) / r * 100:+.1f}%" for r in refs)


CONDITIONS: dict[str, Callable[[Any, int], Any]] = {
    "-12 dB": lambda x, _: x * 10 ** (-12 / 20),
    "+6 dB": lambda x, _: x * 2.0,
    "pink noise 20 dB under the clip": lambda x, i: x + 0.1 * _rms(x) * _pink(len(x), i),
    "room reverb (RT60 0.5 s)": lambda x, i: _room(x, 300 + i),
}
"""Recording conditions a user's set-up changes, applied to each real clip: a quieter or
louder microphone (the clips' 95th-percentile frame levels are -22 to -38 dBFS), and a fan
or room hum: pink noise at a tenth of the clip's RMS (the clip's speech, quiet fillers and
silences together; a quiet filler then sits about 13 dB over the noise). The AMI clips are
headset recordings; a laptop's microphone an arm's length away also hears the room: an
office's reverberation (RT60 0.5 s, as much reflected as direct sound, _room). Samples are
clipped to ±1 and written as 16-bit FLAC, as the clips are (faster-whisper, and voicesim
since it reads files as faster-whisper does, would round a float file to 16 bits anyway)."""


FORMATS: dict[str, tuple[str, ...]] = {
    "MP3 64 kbit/s": ("mp3", "-b:a", "64k"),
    "WAV 48 kHz stereo": ("wav", "-ar", "48000", "-ac", "2"),
    "telephone band (8 kHz WAV)": ("wav", "-af", "highpass=f=300,lowpass=f=3400", "-ar", "8000"),
}
"""Files a user brings that are not 16 kHz mono: a phone's or a recorder's compressed file,
a 48 kHz stereo recording, a telephone interview (300–3400 Hz, 8 kHz). Converted from each
clip by FFmpeg (extension first, then FFmpeg's output options); the speech is the same, so
every system must still hear the same words."""


def _rms(x: Any) -> float:
    import numpy as np

    return float(np.sqrt(np.mean(np.square(x))))


def _pink(n: int, seed: int) -> Any:
    """n samples of unit-RMS pink (1/f power) noise, the same for the same seed (the
    tests' ``voicesim.testing.signals.pink_noise``)."""
    from voicesim.testing.signals import SR, pink_noise

    return pink_noise(n / SR, level_dbfs=0.0, seed=seed)


def _room(x: Any, seed: int, *, rt60_s: float = 0.5, drr_db: float = 0.0) -> Any:
    """x as heard in a room: convolved with a statistical impulse response (the direct
    sound, then from 3 ms on Gaussian noise decaying by 60 dB over ``rt60_s``, carrying
    ``drr_db`` dB less energy than the direct sound), cut to x's length and scaled back to
    x's RMS so that only the room, not the level, changes. The clips are 16 kHz (SR)."""
    import numpy as np

    from voicesim.testing.signals import SR

    n = int(1.2 * rt60_s * SR)
    t = np.arange(n) / SR
    h = np.random.default_rng(seed).standard_normal(n) * np.exp(-6.9 * t / rt60_s)
    h[: int(0.003 * SR)] = 0.0
    h *= 10 ** (-drr_db / 20) / np.sqrt(np.sum(h**2))
    h[0] = 1.0
    size = len(x) + n - 1
    y = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(h, size), size)[: len(x)]
    return y * _rms(x) / _rms(y)


NEIGHBOURS: dict[str, tuple[float, float]] = {
    "-1 dB": (-1.0, 0.0),
    "+1 dB": (1.0, 0.0),
    "-3 dB": (-3.0, 0.0),
    "0.05 s of silence before": (0.0, 0.05),
    "0.13 s of silence before": (0.0, 0.13),
    "0.5 s of silence before": (0.0, 0.5),
}
"""Changes to each clip that should not change what is heard: (gain dB, seconds of digital
silence put before it). They change Whisper's log-mel input a little, so its words and their
times, and with them every figure: how far the figures move here is how far one run of the
set can be trusted (2026-12-06: voicesim's F1 0.64-0.75 against 0.73 as recorded; 0.64-0.73
before an "oh" held stopped being a filled pause)."""


def neighbour_table(clips: Sequence[Clip], systems: dict[str, Callable[[Clip], Output]]) -> dict:
    """Filled-pause and content-WER totals of every system on the clips changed by each of
    NEIGHBOURS (reference times shifted by the silence put before); prints one row each and
    the range of every system's F1 and WER."""
    from dataclasses import replace

    import numpy as np
    import soundfile as sf

    def changed(folder: Path, name: str) -> list[Clip]:
        gain_db, lead_s = NEIGHBOURS[name]
        out = []
        for clip in clips:
            x, sr = sf.read(str(clip.path), dtype="float64", always_2d=True)
            y = np.concatenate([np.zeros(round(lead_s * sr)), x.mean(axis=1)])
            path = folder / f"{clip.id}.flac"
            sf.write(str(path), np.clip(y * 10 ** (gain_db / 20), -1.0, 1.0), sr, "PCM_16")
            words = [
                {**w, "start": w["start"] + lead_s, "end": w["end"] + lead_s} for w in clip.words
            ]
            fillers = [(a + lead_s, b + lead_s) for a, b in clip.fillers]
            out.append(replace(clip, path=path, words=words, fillers=fillers))
        return out

    title = "real set changed in ways that should not matter"
    out = _changed_table(title, "change", list(NEIGHBOURS), changed, systems)
    for name in systems:
        f1 = [row[name]["f1"] for row in out.values()]
        wer = [row[name]["wer"] for row in out.values()]
        print(
            f"  {name:10} F1 {min(f1):.2f}-{max(f1):.2f}, content WER {min(wer):.3f}-{max(wer):.3f}"
        )
    return out


def condition_table(clips: Sequence[Clip], systems: dict[str, Callable[[Clip], Output]]) -> dict:
    """Filled-pause and content-WER totals of every system with the clips' audio changed
    by each of CONDITIONS, then converted to each of FORMATS; prints one row per condition."""
    import subprocess
    from dataclasses import replace

    import numpy as np
    import soundfile as sf

    def changed(folder: Path, name: str) -> list[Clip]:
        out = []
        for i, clip in enumerate(clips):
            if name in FORMATS:
                ext, *args = FORMATS[name]
                path = folder / f"{clip.id}.{ext}"
                ffmpeg = ["ffmpeg", "-loglevel", "error", "-y", "-i", str(clip.path)]
                subprocess.run([*ffmpeg, *args, str(path)], check=True)
            else:
                x, sr = sf.read(str(clip.path), dtype="float64", always_2d=True)
                y = np.clip(CONDITIONS[name](x.mean(axis=1), i), -1.0, 1.0)
                path = folder / f"{clip.id}.flac"
                sf.write(str(path), y, sr, subtype="PCM_16")
            out.append(replace(clip, path=path))
        return out

    title = "real set in other recording conditions"
    return _changed_table(title, "condition", [*CONDITIONS, *FORMATS], changed, systems)


def _changed_table(
    title: str,
    label: str,
    names: Sequence[str],
    changed: Callable[[Path, str], list[Clip]],
    systems: dict[str, Callable[[Clip], Output]],
) -> dict[str, dict[str, dict[str, float]]]:
    """Every system on the clips as ``changed(folder, name)`` writes them into a temporary
    folder, for each name: filled pauses and content WER, one printed row per name."""
    import tempfile

    out: dict[str, dict[str, dict[str, float]]] = {}
    replaced: dict[str, list[int]] = {}
    print(f"\n{title} (filled pauses tp/fp/fn, F1; content WER)")
    print(f"{label:32} " + "  ".join(f"{n:>30}" for n in systems))
    for name in names:
        with tempfile.TemporaryDirectory(prefix="voicesim-changed-") as tmp:
            clips = changed(Path(tmp), name)
            out[name] = {}
            cells = []
            for system, run in systems.items():
                tp, fp, fn, err, n = _set_counts(clips, run, replaced, system)
                out[name][system] = fig = _figures(tp, fp, fn, err, n)
                cells.append(f"{tp:>2}/{fp:<2}/{fn:<2} F1 {fig['f1']:.2f} wer {fig['wer']:.3f}")
        print(f"{name:32} " + "  ".join(f"{c:>30}" for c in cells))
    _print_replaced({k: v for k, v in replaced.items() if any(v)}, "all rows")
    return out


def _filler_figures(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Recall, precision and F1 of filled pauses from the counts."""
    r, p, f1 = prf(tp, fp, fn)
    return {"recall": r, "precision": p, "f1": f1}


def _figures(tp: int, fp: int, fn: int, err: int, n: int) -> dict[str, float]:
    """Recall, precision and F1 of filled pauses, and the content WER, from the counts."""
    return {**_filler_figures(tp, fp, fn), "wer": err / max(n, 1)}


def _set_counts(
    clips: Sequence[Clip],
    run: Callable[[Clip], Output],
    replaced: dict[str, list[int]] | None = None,
    name: str = "",
) -> tuple[int, ...]:
    """One system over the clips: filled pauses tp, fp, fn, then content word errors and
    reference words. ``replaced``: the system's replaced_verdicts are added under ``name``."""
    tp = fp = fn = err = n = 0
    for clip in clips:
        got = run(clip)
        if replaced is not None:
            _tally_replaced(replaced, name, clip, got)
        m = match(clip.fillers, got.fillers)
        tp, fp, fn = tp + m[0], fp + m[1], fn + m[2]
        e, k = wer_counts(clip.content_text, content_text(got.words))
        err, n = err + e, n + k
    return tp, fp, fn, err, n


JOINED_LEVEL_DB = -33.0
"""The speech level (``levels.levels``: the 95th percentile of the 40-ms frame levels,
dBFS) every clip is brought to before the clips are joined: within the clips' own range
(-22 to -38 dBFS), and low enough that no sample clips (a knock in EN2006b peaks 33 dB over
its speech level; at -26 dBFS 34 of its samples went over full scale)."""


def joined_clip(clips: Sequence[Clip], folder: Path) -> Clip:
    """The clips joined back to back into one recording (5.5 min), as one clip.

    A real answer or meeting is longer than 30 s: Whisper then decodes window after window
    with the text before as context, and the levels, the noise floor and the filled-pause
    checks are taken over the whole recording. Each clip is first brought to one speech
    level (JOINED_LEVEL_DB): one recording has one microphone level, and the clips' levels
    differ by 16 dB. The reference's times are shifted, and each speaker named with its clip.
    """
    import numpy as np
    import soundfile as sf

    from voicesim.analysis.acoustics import frame_features
    from voicesim.analysis.levels import levels

    parts: list[Any] = []
    words: list[dict[str, Any]] = []
    fillers: list[Span] = []
    alone: list[bool] = []
    t = 0.0
    for clip in clips:
        x, sr = sf.read(str(clip.path), dtype="float64", always_2d=True)
        x = x.mean(axis=1)
        speech_db = levels(frame_features(x.astype(np.float32), sr)).speech_db
        parts.append(x * 10 ** ((JOINED_LEVEL_DB - speech_db) / 20))
        for w in clip.words:
            moved = {"start": w["start"] + t, "end": w["end"] + t}
            words.append({**w, **moved, "speaker": f"{clip.id}/{w['speaker']}"})
        fillers += [(a + t, b + t) for a, b in clip.fillers]
        alone += clip.alone
        t += len(x) / sr
    path = folder / "joined.flac"
    sf.write(str(path), np.clip(np.concatenate(parts), -1.0, 1.0), 16000, subtype="PCM_16")
    return Clip("joined", path, words, fillers, alone)


def joined_table(clips: Sequence[Clip], systems: dict[str, Callable[[Clip], Output]]) -> dict:
    """Filled pauses and content WER of every system on the clips joined into one recording
    (joined_clip): what a longer recording does to the figures measured clip by clip."""
    import tempfile

    out: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="voicesim-joined-") as tmp:
        joined = joined_clip(clips, Path(tmp))
        print(
            f"\nthe {len(clips)} clips joined into one {joined.words[-1]['end'] / 60:.1f}-min"
            f" recording, each at one speech level ({len(joined.fillers)} filled pauses)"
        )
        for name, run in systems.items():
            tp, fp, fn, err, n = _set_counts([joined], run)
            out[name] = fig = _figures(tp, fp, fn, err, n)
            print(
                f"  {name:10} {tp:>2}/{fp:<2}/{fn:<2} F1 {fig['f1']:.2f} (R {fig['recall']:.2f},"
                f" P {fig['precision']:.2f})  content WER {fig['wer']:.3f}"
            )
    return out


def spelled_table(clips: Sequence[Clip], plain_model: Any) -> dict:
    """The real set when Whisper writes the fillers itself: voicesim and plain faster-whisper
    both decoding after the filler prompt (VERBATIM_PROMPT, before every window).

    Plain faster-whisper writes almost no "um" on these clips, but on other recordings it
    writes many (on the issue's held-out real set it alone reached F1 0.59), and there each
    written "um" must count once, where it sounds. Telling Whisper to spell fillers makes it
    write them on these clips too, with its own late or shrunken times; "plain" counts them
    at those times, as a transcript-only counter would."""
    from voicesim.transcribe import VERBATIM_PROMPT, DecodeOptions, Transcriber

    spelling = Transcriber(options=DecodeOptions(verbatim_prompt=VERBATIM_PROMPT))
    systems = {
        "voicesim": voicesim_system(spelling),
        "plain": plain_system(plain_model, hotwords=VERBATIM_PROMPT),
    }
    out: dict[str, dict[str, float]] = {}
    print("\nreal set, Whisper spelling the fillers (both decode after the filler prompt)")
    for name, run in systems.items():
        tp, fp, fn, err, n = _set_counts(clips, run)
        out[name] = fig = _figures(tp, fp, fn, err, n)
        print(
            f"  {name:10} {tp:>2}/{fp:<2}/{fn:<2} F1 {fig['f1']:.2f} (R {fig['recall']:.2f},"
            f" P {fig['precision']:.2f})  content WER {fig['wer']:.3f}"
        )
    return out


def run_real(
    transcriber: Any,
    plain_model: Any,
    *,
    conditions: bool = False,
    clips: Sequence[Clip] | None = None,
) -> dict:
    """The whole real-set report (fillers, WER, pace, the clips joined into one recording;
    with ``conditions`` also the fillers and WER of every system on the clips changed in
    ways that should not matter and in other recording conditions, and of voicesim and plain
    faster-whisper with Whisper spelling the fillers); returns the figures. ``clips``: a real
    set as load_clips read it, the fixtures' by default."""
    from voicesim.models import resolve_model

    clips = load_clips() if clips is None else clips
    systems: dict[str, Callable[[Clip], Output]] = {
        "voicesim": voicesim_system(transcriber),
        "plain": plain_system(plain_model),
    }
    erm = erm_system(resolve_model(None))
    if erm is None:
        print("erm: not installed (pip install --target /work/scratch/erm --no-deps erm==0.4.0)")
    else:
        systems["erm"] = erm
    figures = filler_table(clips, systems)
    figures["pace"] = pace_table(clips, transcriber, plain_model)
    figures["pitch"] = pitch_table(clips)
    figures["joined"] = joined_table(clips, systems)
    if conditions:
        figures["neighbours"] = neighbour_table(clips, systems)
        figures["conditions"] = condition_table(clips, systems)
        figures["spelled"] = spelled_table(clips, plain_model)
    return figures
