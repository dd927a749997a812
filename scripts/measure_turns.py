"""Measure how fast practice ends a turn and speaks the tip, through the PulseAudio rig.

Runs the real session loop (``voicesim.interview.session.Interview``) in this process on a private
PulseAudio server (``tests/audio_rig.py``): questions and tips are spoken into the
virtual speaker, answers are played into the virtual microphone with ``paplay`` — speech
rendered by espeak-ng and the real AMI meeting clips of ``../shared/fixtures/real`` — and
the loop listens as it would to a person. Twice: with the machine as it is ("idle") and
with a CPU hog this script starts on every core and stops afterwards ("busy").

Reported per condition (seconds; "after the last word" is wall-clock time of the end
decision minus the wall-clock time the last word's end was heard):

- end-of-turn delay after the last word: 90th percentile and max, for answers ending on
  a finished sentence (answers ending on "and", "the", "um"… counted separately, as are
  answers the loop ended before their last word because the speaker paused long);
- closing-phrase trials ("…That's my answer."): how many ended within 1.0 s;
- from the end of the turn to the tip being heard (first sound on the speaker after it).

How the last word is timed: the answer is found in the recorded turn audio by
cross-correlation with what was played; its last word's offset is known (espeak-ng
composition or the clip's human word times); audio time 0 is when the microphone stream
started (the ``listening`` callback, ± one capture block, about 30 ms).

    .venv/bin/python scripts/measure_turns.py [--rendered 10] [--phrases 20] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from voicesim.interview.session import Interview, PracticeSettings, Reporter
from voicesim.listen.endpoint import OPEN_WORDS, EndpointSettings
from voicesim.listen.listener import ListenSettings, Turn
from voicesim.packs import Question
from voicesim.testing.rig import PulseRig, running_pulse
from voicesim.testing.speech import SR, Gap, Say, compose, silence
from voicesim.text import words_of

REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"
if not REAL.is_dir():
    REAL = Path("/work/shared/fixtures/real")
LEAD_S = 0.8  # silence before each answer, s
LISTEN = ListenSettings(endpoint=EndpointSettings(end_silence=2.5))  # the default end

BODIES = (
    "I led the move of our billing system to the cloud. It took three months and we cut "
    "costs by a fifth.",
    "My team plans the work together every Monday. I ask each person what blocks them, and "
    "we fix the biggest problem first.",
    "The hardest part was the data migration. We tested it twice on a copy before the real "
    "weekend.",
    "I learned to write shorter reports. My manager reads them faster and we decide in the "
    "same meeting.",
    "When two colleagues disagreed, I met each of them, then both together, and we agreed on "
    "one goal.",
)
PHRASES = ("That's my answer.", "I'm done.", "That's it.", "Next question.", "That is my answer.")


@dataclass
class Answer:
    """One answer to play: its samples (16 kHz, lead silence included) and the truth."""

    name: str
    audio: np.ndarray
    words: list[tuple[str, float]]  # each word and its end, seconds from the start of audio
    kind: str  # "rendered", "real" or "phrase"


@dataclass
class Trial:
    """What happened to one answer (times in seconds; wall-clock differences)."""

    name: str
    kind: str
    ended_by: str = ""
    delay_s: float | None = None  # end decision − last word heard
    tip_s: float | None = None  # tip heard − end decision
    unfinished: bool = False
    early: bool = False  # the loop ended the turn before the last word
    transcript: str = ""
    final_decode_s: float | None = None  # end decision → whole transcript ready


@dataclass
class _Clock:
    t_listen: float = 0.0
    t_end: float = 0.0
    turn: Turn | None = None


class MeasuringReporter(Reporter):
    """Plays the next answer when the microphone opens; notes when the turn ends."""

    def __init__(self, rig: PulseRig, answers: list[Answer]) -> None:
        self.rig, self.answers = rig, answers
        self.clocks: list[_Clock] = [_Clock() for _ in answers]
        self.current = 0
        self._player: subprocess.Popen[bytes] | None = None

    def listening(self, ask: Any) -> None:
        # Keyed by question: a re-asked question (no words heard) plays its answer again.
        self.current = int(str(ask.question.id)[1:])
        self.clocks[self.current] = _Clock(t_listen=time.monotonic())
        answer = self.answers[self.current]
        self._player = self.rig.play_into_mic(answer.audio, SR, wait=False)

    def analysing(self, ended_by: str) -> None:
        self.clocks[self.current].t_end = time.monotonic()

    def heard(self, turn: Turn) -> None:
        clock = self.clocks[self.current]
        clock.turn = turn
        if not clock.t_end:
            clock.t_end = time.monotonic()
        if self._player is not None and self._player.poll() is None:
            self._player.kill()  # an answer ended early must not play into the next one


def rendered(n: int) -> list[Answer]:
    """``n`` rendered answers ending on a finished sentence."""
    out = []
    for i in range(n):
        comp = compose([Say(s + ".") for s in BODIES[i % len(BODIES)].split(". ")], wpm=160)
        out.append(_answer(f"rendered-{i + 1}", comp, "rendered"))
    return out


def phrase_trials(n: int) -> list[Answer]:
    """``n`` rendered answers that end with a closing phrase after a short pause."""
    out = []
    for i in range(n):
        body = BODIES[i % len(BODIES)].split(". ")[0] + "."
        comp = compose([Say(body), Gap(0.5), Say(PHRASES[i % len(PHRASES)])], wpm=160)
        out.append(_answer(f"phrase-{i + 1}-{PHRASES[i % len(PHRASES)]}", comp, "phrase"))
    return out


def _answer(name: str, comp: Any, kind: str) -> Answer:
    audio = np.concatenate([silence(LEAD_S), comp.audio]).astype(np.float32)
    return Answer(name, audio, [(w.text, LEAD_S + w.end) for w in comp.words], kind)


def real_clips() -> list[Answer]:
    """The real AMI clips, played as answers; their last word from the human reference."""
    out = []
    for clip in json.loads((REAL / "manifest.json").read_text()):
        samples, sr = sf.read(REAL / clip["file"], dtype="float32", always_2d=False)
        if samples.ndim > 1:
            samples = samples.mean(axis=1)
        if sr != SR:
            import soxr

            samples = soxr.resample(samples, sr, SR).astype(np.float32)
        offset = float(clip["span_s"][0])
        words = [(str(w["text"]), LEAD_S + float(w["end"]) - offset) for w in clip["words"]]
        audio = np.concatenate([silence(LEAD_S), samples]).astype(np.float32)
        out.append(Answer(clip["id"], audio, words, "real"))
    return out


def onset_in(recorded: np.ndarray, played: np.ndarray) -> float:
    """Where ``played`` starts in ``recorded`` (both 16 kHz), seconds, by cross-correlation."""
    a = recorded[: int(20 * SR)].astype(np.float64)
    b = played[: int(4 * SR)].astype(np.float64)
    n = 1 << int(np.ceil(np.log2(len(a) + len(b))))
    corr = np.fft.irfft(np.fft.rfft(a, n) * np.conj(np.fft.rfft(b, n)), n)[: len(a)]
    return float(np.argmax(corr)) / SR


def first_sound_after(monitor: np.ndarray, start_s: float, level_db: float = -45.0) -> float:
    """Seconds into ``monitor`` of the first 20 ms block above ``level_db`` after start_s."""
    block = int(0.02 * SR)
    i = max(0, int(start_s * SR))
    while i + block <= len(monitor):
        x = monitor[i : i + block].astype(np.float64)
        if 20 * np.log10(np.sqrt(np.mean(x**2)) + 1e-9) > level_db:
            return i / SR
        i += block
    return float("nan")


def run_condition(rig: PulseRig, answers: list[Answer], transcriber: Any) -> list[Trial]:
    """One practice session answering every question with the next of ``answers``."""
    from voicesim.audio.capture import DeviceMicrophone
    from voicesim.audio.devices import require_input_device
    from voicesim.audio.speak import TTSSpeaker
    from voicesim.interview.modes import get_mode
    from voicesim.sessions.store import SessionStore

    questions = [_question(i) for i in range(len(answers))]
    reporter = MeasuringReporter(rig, answers)
    home = Path(os.environ.get("VOICESIM_HOME", "/tmp/measure-turns"))
    rec = rig.speaker_recorder().start()
    try:
        with DeviceMicrophone(device=require_input_device(None)) as mic:
            Interview(
                questions,
                mode=get_mode("standard", count=len(questions)),
                speaker=TTSSpeaker(rate=220),
                mic=mic,
                store=SessionStore(home),
                transcriber_factory=lambda: transcriber,
                settings=PracticeSettings(
                    listen=ListenSettings(endpoint=EndpointSettings(end_silence=2.5)),
                    follow_ups=False,
                ),
                reporter=reporter,
            ).run()
        time.sleep(1.0)
    finally:
        monitor = rec.stop()
    return [
        _trial(a, c, monitor, rec.started) for a, c in zip(answers, reporter.clocks, strict=True)
    ]


def _question(i: int) -> Question:
    return Question(
        id=f"m{i}",
        text="Your answer, please.",
        category="measure",
        kind="behavioural",
        target_s=(5.0, 60.0),
        tip="",
    )


def _trial(answer: Answer, clock: _Clock, monitor: np.ndarray, rec_start: float) -> Trial:
    """The figures of one answer. A real clip may hold a silence longer than end_silence
    (people in a meeting pause): the turn then rightly ends there, and the delay counts
    from the last word before that end, which is what the person would have said last."""
    turn = clock.turn
    trial = Trial(answer.name, answer.kind)
    if turn is None:
        return trial
    trial.ended_by = turn.ended_by
    trial.transcript = turn.transcript.text if turn.transcript else ""
    trial.final_decode_s = round(turn.final_decode_s, 3)
    onset = onset_in(turn.audio, answer.audio[int(LEAD_S * SR) :]) - LEAD_S
    heard_until = clock.t_end - clock.t_listen - onset  # answer time of the end decision
    said = [(w, end) for w, end in answer.words if end <= heard_until]
    if not said:
        return trial
    word, last_end = said[-1]
    trial.early = len(said) < len(answer.words)
    trial.unfinished = (words_of(word) or [""])[-1] in OPEN_WORDS
    trial.delay_s = round(heard_until - last_end, 3)
    tip_at = first_sound_after(monitor, clock.t_end - rec_start)
    if tip_at == tip_at:  # not NaN
        trial.tip_s = round(rec_start + tip_at - clock.t_end, 3)
    return trial


def summary(trials: list[Trial], end_silence: float = 2.5) -> dict[str, Any]:
    """The acceptance figures of one condition."""
    normal = [t for t in trials if t.kind != "phrase" and not t.unfinished]
    delays = sorted(t.delay_s for t in normal if t.delay_s is not None)
    phrases = [t for t in trials if t.kind == "phrase"]
    tips = sorted(t.tip_s for t in trials if t.tip_s is not None)
    out: dict[str, Any] = {
        "answers": len(trials),
        "finished_sentence_answers": len(delays),
        "unfinished_sentence_answers": sum(t.unfinished for t in trials if t.kind != "phrase"),
        "ended_at_a_pause_in_the_clip": [t.name for t in trials if t.early],
    }
    if delays:
        out["delay_p90_s"] = round(float(np.percentile(delays, 90)), 2)
        out["delay_max_s"] = round(delays[-1], 2)
        out["delay_median_s"] = round(statistics.median(delays), 2)
        out["within_end_silence_plus_0.7"] = sum(d <= end_silence + 0.7 for d in delays)
        out["over_end_silence_plus_2"] = sum(d > end_silence + 2.0 for d in delays)
    if phrases:
        ok = [t for t in phrases if t.ended_by == "phrase" and (t.delay_s or 99) <= 1.0]
        out["phrase_trials"] = len(phrases)
        out["phrase_within_1s"] = len(ok)
        out["phrase_delays_s"] = [t.delay_s for t in phrases]
    if tips:
        out["tip_median_s"] = round(statistics.median(tips), 2)
        out["tip_p90_s"] = round(float(np.percentile(tips, 90)), 2)
        out["tip_max_s"] = round(tips[-1], 2)
        out["tip_within_1s"] = sum(t <= 1.0 for t in tips)
        out["tips"] = len(tips)
    return out


def cpu_hog(n: int) -> list[subprocess.Popen[bytes]]:
    """``n`` busy-looping processes (one per core), stopped by the caller."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def main() -> int:
    """Run both conditions; print (and optionally write) the figures as JSON."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rendered", type=int, default=10, help="rendered answers per condition")
    p.add_argument("--phrases", type=int, default=20, help="closing-phrase trials (idle)")
    p.add_argument("--busy-phrases", type=int, default=10, help="closing-phrase trials (busy)")
    p.add_argument("--no-real", action="store_true", help="leave out the real clips")
    p.add_argument("--only", choices=("idle", "busy"), help="run one condition only")
    p.add_argument("--json", type=Path, help="also write the full results here")
    args = p.parse_args()
    from voicesim.transcribe import Transcriber

    os.environ.setdefault("VOICESIM_HOME", f"/tmp/measure-turns-{os.getpid()}")
    results: dict[str, Any] = {"load_before": os.getloadavg()}
    with running_pulse("vs-measure-") as rig:
        transcriber = Transcriber(workers=2)  # as practice builds it
        real = [] if args.no_real else real_clips()
        for condition in ("idle", "busy"):
            if args.only and condition != args.only:
                continue
            n_phrases = args.phrases if condition == "idle" else args.busy_phrases
            answers = [*rendered(args.rendered), *real, *phrase_trials(n_phrases)]
            hogs = cpu_hog(os.cpu_count() or 2) if condition == "busy" else []
            try:
                t0 = time.monotonic()
                trials = run_condition(rig, answers, transcriber)
                load = os.getloadavg()
            finally:
                for h in hogs:
                    h.kill()
                    h.wait()
            results[condition] = {
                "summary": summary(trials),
                "load_average": load,
                "wall_s": round(time.monotonic() - t0, 1),
                "trials": [t.__dict__ for t in trials],
            }
            print(condition, json.dumps(results[condition]["summary"], indent=1), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
