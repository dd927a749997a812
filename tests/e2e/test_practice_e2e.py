"""End to end: ``voicesim practice`` as a subprocess on the private PulseAudio server.

No keyboard: stdin is closed. The test plays the candidate. It listens to the virtual
speaker's monitor, finds each "your turn" tone (a pure tone: nearly all its energy in one
narrow band), checks the question was heard just before it, then plays a rendered answer
(or a command, or nothing) into the virtual microphone. Afterwards it reads the stored
session and checks it against what was played.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voicesim.audio.capture import FLIPPED
from voicesim.testing.rig import PulseRig
from voicesim.testing.signals import silence
from voicesim.testing.speech import Composition, Say, compose, render

pytestmark = [pytest.mark.audio, pytest.mark.slow]

BLOCK = 0.05  # analysis block of the speaker monitor, seconds
SR = 16000
LEAD = 0.3  # silence before each played answer, seconds

PACK = """
[pack]
id = "e2e"
title = "End-to-end test pack"

[[questions]]
id = "e2e-about"
text = "Tell me about your last project."
category = "opening"
kind = "opening"
target_s = [10, 40]
tip = "Keep it short."

[[questions]]
id = "e2e-team"
text = "How do you work with your team?"
category = "personnel_management"
kind = "behavioural"
target_s = [10, 40]
tip = "Use team language."

[[questions]]
id = "e2e-learn"
text = "What did you learn last year?"
category = "professional_development"
kind = "behavioural"
target_s = [10, 40]
tip = "Name one lesson."
"""

# Sentences tiny.en hears the same wherever the listener cuts them. The first answer opened
# "I led the redesign of our customer portal" until 2026-12-05: heard "I land and re-denide"
# or "I land and read the line" in 6 of 8 practice runs through the rig, and over WER 0.2 in
# 6 of 24 offline decodes of the rendered answer (0.1-0.55 s of silence before, 0.3-1 s
# after, at 16 kHz and resampled to 48 kHz and back). This opening: word for word in all 24
# offline, and at most "was" as "when" (WER 0.08) in 8 runs of the spoken-commands test.
ANSWERS = (
    "My last project was a new website for our customers. We moved every page to the new "
    "design and the support calls went down a lot.",
    "My team plans the work together every Monday. I ask each person what blocks them "
    "and we fix the biggest problem first.",
    "I learned to write shorter reports. My manager reads them faster and we make "
    "decisions in the same meeting.",
)


# -- hearing the speaker -----------------------------------------------------------------
TONE_HZ = 880.0
"""Frequency of voicesim's "your turn" beep (``voicesim.audio.speak.tone_samples``), Hz."""


def tone_blocks(audio: np.ndarray) -> np.ndarray:
    """Per 50 ms block: True where the sound is a loud pure tone at TONE_HZ."""
    n = int(BLOCK * SR)
    blocks = len(audio) // n
    out = np.zeros(blocks, dtype=bool)
    window = np.hanning(n)
    for i in range(blocks):
        x = audio[i * n : (i + 1) * n]
        if np.sqrt(np.mean(x**2)) < 0.01:
            continue
        spec = np.abs(np.fft.rfft(x * window)) ** 2
        peak = int(np.argmax(spec))
        band = spec[max(0, peak - 3) : peak + 4].sum()
        at_tone = abs(peak * SR / n - TONE_HZ) <= 2 * SR / n
        out[i] = at_tone and band / spec.sum() > 0.85
    return out


def rms_db(audio: np.ndarray) -> float:
    """RMS level in dBFS (−120 for silence)."""
    return float(20 * np.log10(np.sqrt(np.mean(audio.astype(np.float64) ** 2)) + 1e-6))


def first_onset(audio: np.ndarray) -> float:
    """Seconds from the start of ``audio`` to the first 50 ms block above −45 dBFS."""
    n = int(BLOCK * SR)
    for i in range(len(audio) // n):
        if rms_db(audio[i * n : (i + 1) * n]) > -45:
            return i * BLOCK
    return float("nan")


TONE_GAP_BLOCKS = 6
"""Non-tone blocks (0.3 s) that end a tone; shorter gaps are an underrun inside it."""


@dataclass
class Heard:
    """A tone found on the speaker monitor: its start/end (s) and the level before it (dBFS)."""

    start: float
    end: float
    before_db: float


@dataclass
class Session:
    """A running ``voicesim practice`` subprocess and what the test heard of it."""

    proc: subprocess.Popen[str]
    rec: object
    home: Path
    launched: float = 0.0
    tones: list[Heard] = field(default_factory=list)
    scanned: int = 0  # blocks of the monitor recording already searched for tones

    def wait_tone(self, timeout: float = 150.0) -> Heard:
        """Block until the next tone has played completely; returns when it was heard."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            audio = self.rec.samples  # type: ignore[attr-defined]
            flags = tone_blocks(audio)
            start_block = self.scanned
            idx = np.flatnonzero(flags[start_block:])
            if idx.size:
                first = start_block + int(idx[0])
                last = first
                # An output underrun under load can break the tone in two: gaps of up to
                # TONE_GAP_BLOCKS are bridged, or the next wait would find the tone's rest
                # (seen in CI: Ctrl-C then came 1 s after the first answer, not the second
                # one). One block may be all that survives; nothing else is a pure 880 Hz tone.
                k = last + 1
                while k < len(flags) and k - last <= TONE_GAP_BLOCKS:
                    if flags[k]:
                        last = k
                    k += 1
                # The tone is over once TONE_GAP_BLOCKS blocks after it are not tone.
                if last + TONE_GAP_BLOCKS < len(flags):
                    start, end = first * BLOCK, (last + 1) * BLOCK
                    window = audio[int(max(0.0, start - 1.5) * SR) : int((start - 0.2) * SR)]
                    heard = Heard(start, end, rms_db(window) if window.size else -120.0)
                    self.tones.append(heard)
                    self.scanned = last + 1
                    return heard
            if self.proc.poll() is not None:
                self.dump()
                raise AssertionError(f"voicesim exited early:\n{self.output()}")
            time.sleep(0.1)
        self.dump()
        # Still running: make it print every thread's stack (PYTHONFAULTHANDLER) for the report.
        self.proc.send_signal(signal.SIGABRT)
        raise AssertionError(f"no tone heard within {timeout} s:\n{self.output()[-8000:]}")

    def dump(self) -> None:
        """Keep what the speaker monitor heard next to the session, for diagnosis."""
        audio = self.rec.samples  # type: ignore[attr-defined]
        sf.write(self.home.parent / "speaker_monitor.wav", audio, SR)

    def output(self) -> str:
        try:
            out, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            return "(still running)"
        return f"stdout:\n{out}\nstderr:\n{err}"


def start_practice(
    pulse: PulseRig, tmp: Path, *extra: str, count: int = 3, env: dict[str, str] | None = None
) -> Session:
    home = tmp / "home"
    packs = tmp / "packs"
    home.mkdir(exist_ok=True)
    packs.mkdir(exist_ok=True)
    (packs / "e2e.toml").write_text(PACK)
    rec = pulse.speaker_recorder().start()
    full_env = {
        **os.environ,
        **pulse.env,
        "VOICESIM_HOME": str(home),
        "PYTHONFAULTHANDLER": "1",
        **(env or {}),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "voicesim",
            "practice",
            "--packs-dir",
            str(packs),
            "--pack",
            "e2e",
            "--count",
            str(count),
            "--end-silence",
            "1.0",
            "--no-spoken-feedback",
            "--no-follow-ups",  # the tests play one answer per question
            "--rate",
            "220",
            *extra,
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full_env,
        # Ctrl+C as in a terminal, however the suite was started: a suite run in the
        # background of a shell without job control inherits SIGINT ignored, and Python
        # then installs no KeyboardInterrupt handler (the Ctrl+C test's CI failure).
        preexec_fn=_default_sigint,
    )
    return Session(proc, rec, home, launched=time.monotonic())


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def answer_comp(text: str) -> Composition:
    """``text`` rendered sentence by sentence at 160 wpm, with its words' times (the truth)."""
    return compose([Say(s.strip() + ".") for s in text.split(".") if s.strip()], wpm=160)


def answer_audio(text: str) -> np.ndarray:
    """What the tests play: LEAD s of silence, then ``text`` spoken (``answer_comp``)."""
    return np.concatenate([silence(LEAD), answer_comp(text).audio])


def play(pulse: PulseRig, audio: np.ndarray) -> None:
    pulse.play_into_mic(audio, SR)


def finish(session: Session, timeout: float = 90.0) -> tuple[int, str, str]:
    try:
        out, err = session.proc.communicate(timeout=timeout)
    finally:
        session.rec.stop()  # type: ignore[attr-defined]
        if session.proc.poll() is None:
            session.proc.kill()
    return session.proc.returncode, out, err


def stored_session(home: Path) -> dict:
    files = sorted((home / "sessions").glob("*/session.json"))
    assert len(files) == 1, files
    return json.loads(files[0].read_text())


def words_of(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]+", " ", text.lower()).split()


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    return float(jiwer.wer(" ".join(words_of(reference)), " ".join(words_of(hypothesis))))


# The second answer of the interrupted sessions: unlike ANSWERS[0] (the first answer) from
# its first word on ("Last year …", not "My last project …"), and long enough to be cut.
# "I learned to write shorter reports" was heard "I learned the right shoulder report" in a
# run of the whole suite (WER 0.5); cut where a partial is cut (4.2-5.2 s, three leads, at
# 16 kHz and through 48 kHz), this opening read at WER 0.049 mean, 0.125 worst, in 24
# decodes, the best of six (scratch s34/cut_cands.py; that one 0.100 / 0.143 there).
CUT_ANSWER = (
    "Last year we hired four new engineers for the team. I gave each of them a mentor and a "
    f"small first project. {ANSWERS[1]}"
)
CUT_SLACK_S = 1.2
"""Seconds of the answer played before the signal that the partial may lack: the start of
paplay and of the audio path, the last block not yet written, the word being cut."""


def assert_partial_is_what_was_played(heard: str, comp: Composition, played_s: float) -> None:
    """``heard``, the transcript of a partial answer, holds the first words of ``comp`` up
    to the ``played_s`` seconds played before the signal (LEAD of them silence): N words,
    the words begun by then at the answer's known rate (its rendered word times), fewer by
    at most CUT_SLACK_S of them; and it opens as ``comp`` does, not as the first answer."""
    import jiwer

    said = words_of(comp.text)
    t = played_s - LEAD
    n = sum(1 for w in comp.words if w.start < t)
    fewest = sum(1 for w in comp.words if w.end <= t - CUT_SLACK_S)
    hyp = words_of(heard)
    assert fewest <= len(hyp) <= n + 1, (played_s, n, fewest, hyp)
    # Whisper's slips in the rig ("to write" heard "the right"; the cut word written as
    # two) came to 0.27 on one run: 0.4 leaves room, and the first answer's words score ~1.
    assert jiwer.wer(" ".join(said[:n]), " ".join(hyp)) < 0.4, (played_s, said[:n], hyp)
    # Its first words are the second answer's, not the first answer's.
    first = words_of(ANSWERS[0])
    assert said[0] != first[0] and hyp[:3] != first[:3], hyp
    own, other = (jiwer.wer(" ".join(ref[:4]), " ".join(hyp[:4])) for ref in (said, first))
    assert own <= 0.5 and own < other, (hyp[:4], said[:4], first[:4])


# -- the tests ---------------------------------------------------------------------------
def test_three_questions_hands_free(pulse: PulseRig, tmp_path: Path) -> None:
    session = start_practice(pulse, tmp_path)
    for text in ANSWERS:
        session.wait_tone()
        play(pulse, answer_audio(text))
    code, out, err = finish(session)
    assert code == 0, f"{out}\n{err}"
    first_sound = first_onset(session.rec.samples)  # type: ignore[attr-defined]
    launch_to_question = session.rec.started + first_sound - session.launched  # type: ignore[attr-defined]
    print(f"\nlaunch -> first question audible: {launch_to_question:.2f} s")

    # Each question was heard on the speaker just before its tone.
    assert len(session.tones) == 3
    assert all(t.before_db > -45 for t in session.tones), session.tones

    data = stored_session(session.home)
    assert data["status"] == "complete"
    answers = data["answers"]
    assert [a["question"]["id"] for a in answers] == ["e2e-about", "e2e-team", "e2e-learn"]
    folder = next((session.home / "sessions").iterdir())
    rates = []
    for a, text in zip(answers, ANSWERS, strict=True):
        assert not a["skipped"]
        audio, sr = sf.read(folder / a["answer_audio"])
        assert len(audio) / sr > 4.0  # the whole answer was recorded
        q_audio, q_sr = sf.read(folder / a["question_audio"])
        assert len(q_audio) / q_sr > 1.0
        analysis = a["analysis"]
        assert analysis["delivery"]["words"] >= 15
        assert 0 <= analysis["score"]["overall"] <= 100
        # The answer is played LEAD s of silence first, after the tone (found on the speaker
        # 0.3 s after it ends): its speech can start no sooner, give or take onset framing.
        latency = a["response_latency_s"]
        assert latency is not None and LEAD - 0.1 <= latency < 3.0, latency
        rates.append(wer(text, analysis["transcript"]["text"]))
    total = float(np.mean(rates))
    print(f"\nWER per answer: {[round(r, 3) for r in rates]}; mean {total:.3f}")
    (tmp_path.parent / "practice_wer.txt").write_text(f"{rates} mean={total}\n")
    assert total <= 0.15


def test_a_quiet_answer_is_flagged_right_after_it(pulse: PulseRig, tmp_path: Path) -> None:
    """An answer spoken far from the microphone (speech at -42 dBFS RMS): the scorecard
    printed after it says so and what to do, before the next question, as `analyze` does.
    The practice scorecard used to print the numbers alone, with no word about the level."""
    session = start_practice(pulse, tmp_path, count=2)
    session.wait_tone()
    play(pulse, answer_audio(ANSWERS[0]))  # as loud as the other tests' answers
    session.wait_tone()
    quiet = answer_audio(ANSWERS[1])
    voiced = np.abs(quiet) > 0.01 * np.abs(quiet).max()
    play(pulse, quiet * (10 ** (-42 / 20) / np.sqrt(np.mean(quiet[voiced] ** 2))))
    code, out, err = finish(session)
    assert code == 0, f"{out}\n{err}"
    answers = stored_session(session.home)["answers"]
    warned = [
        [w for w in a["analysis"]["delivery"]["warnings"] if "very quiet" in w] for a in answers
    ]
    assert answers[0]["analysis"]["delivery"]["warnings"] == [] and len(warned[1]) == 1, warned
    text = " ".join(out.split())  # the terminal wraps long lines
    assert text.count("warning:") == 1 and text.count("warning: recording is very quiet") == 1, out
    assert text.index("warning: recording is very quiet") > text.index("Q2/2"), out
    assert "move closer to the mic" in text


def test_an_answer_through_channels_that_cancel_is_heard_and_said(
    pulse: PulseRig, tmp_path: Path
) -> None:
    """The answer played into the rig's stereo microphone with one channel's polarity
    reversed. Recorded as one channel, the audio server's mix was silence: "No answer
    heard" twice and the question skipped. Now the answer is heard and transcribed as
    any other, and its scorecard and stored warnings say the channel was flipped."""
    session = start_practice(pulse, tmp_path, count=1)
    session.wait_tone()
    audio = answer_audio(ANSWERS[0])
    play(pulse, np.stack([audio, -audio], axis=1))
    code, out, err = finish(session)
    assert code == 0, f"{out}\n{err}"
    (answer,) = stored_session(session.home)["answers"]
    assert not answer["skipped"], out
    analysis = answer["analysis"]
    # One answer, so a wider margin than the three-answer mean of 0.15. Cancelled, nothing
    # was heard at all.
    assert wer(ANSWERS[0], analysis["transcript"]["text"]) < 0.3
    assert analysis["delivery"]["warnings"] == [FLIPPED]
    assert f"warning: {FLIPPED}" in " ".join(out.split())  # the terminal wraps long lines


def test_spoken_commands_and_a_silent_turn(pulse: PulseRig, tmp_path: Path) -> None:
    session = start_practice(pulse, tmp_path, "--first-word-wait", "2.5")
    command = {w: np.concatenate([silence(LEAD), render(w, wpm=140)]) for w in ("repeat", "skip")}
    session.wait_tone()  # question 1
    play(pulse, command["repeat"])
    session.wait_tone()  # question 1 again
    play(pulse, answer_audio(ANSWERS[0]))
    session.wait_tone()  # question 2
    play(pulse, command["skip"])
    session.wait_tone()  # question 3: stay silent
    session.wait_tone()  # asked once more after the silence: stay silent again
    code, out, err = finish(session)
    assert code == 0, f"{out}\n{err}"

    assert len(session.tones) == 5
    assert all(t.before_db > -45 for t in session.tones), session.tones  # each time re-spoken
    answers = stored_session(session.home)["answers"]
    by_id = {a["question"]["id"]: a for a in answers}
    assert set(by_id) == {"e2e-about", "e2e-team", "e2e-learn"}
    first = by_id["e2e-about"]
    assert not first["skipped"] and wer(ANSWERS[0], first["analysis"]["transcript"]["text"]) < 0.3
    assert by_id["e2e-team"]["skipped"] and by_id["e2e-team"]["ended_by"] == "command"
    assert by_id["e2e-learn"]["skipped"] and by_id["e2e-learn"]["ended_by"] == "no_speech"
    # Nothing played into the rig's microphone is exact silence, as a muted one gives: said
    # on screen for both silent turns (and spoken on the re-ask, test_practice_loop).
    said = " ".join(out.split())  # the terminal wraps long lines
    assert said.count("The microphone gave exact silence: if you spoke, it may be muted") == 2


def test_kill_9_mid_answer_keeps_completed_answers(pulse: PulseRig, tmp_path: Path) -> None:
    session = start_practice(pulse, tmp_path, count=2)
    session.wait_tone()
    play(pulse, answer_audio(ANSWERS[0]))
    session.wait_tone()
    comp = answer_comp(CUT_ANSWER)
    player = pulse.play_into_mic(np.concatenate([silence(LEAD), comp.audio]), SR, wait=False)
    playing = time.monotonic()
    time.sleep(4.0)
    played_s = time.monotonic() - playing
    session.proc.send_signal(signal.SIGKILL)
    session.proc.wait(timeout=10)
    player.kill()
    session.rec.stop()  # type: ignore[attr-defined]

    folder = next((session.home / "sessions").iterdir())
    data = json.loads((folder / "session.json").read_text())
    assert data["status"] == "in_progress"
    assert len(data["answers"]) == 1
    done = data["answers"][0]
    assert done["analysis"]["delivery"]["words"] >= 15
    assert (folder / done["answer_audio"]).is_file()
    partial = folder / "a02.partial.wav"
    audio, sr = sf.read(partial)
    assert len(audio) / sr > 2.0  # the interrupted answer so far is on disk

    from voicesim.sessions.store import SessionStore

    store = SessionStore(session.home)
    assert store.unfinished() == [folder.name]
    recovered = store.recover(folder.name)
    assert recovered.status == "interrupted" and len(recovered.answers) == 2
    # What the partial holds: the words played before the kill.
    env = {**os.environ, "VOICESIM_HOME": str(session.home)}
    done = subprocess.run(
        [sys.executable, "-m", "voicesim", "rescore", folder.name],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rescored = stored_session(session.home)["answers"][1]
    assert_partial_is_what_was_played(rescored["analysis"]["transcript"]["text"], comp, played_s)


def test_ctrl_c_ends_cleanly_keeping_completed_answers(pulse: PulseRig, tmp_path: Path) -> None:
    session = start_practice(pulse, tmp_path, count=2)
    session.wait_tone()
    play(pulse, answer_audio(ANSWERS[1]))
    session.wait_tone()
    time.sleep(1.0)  # listening to the second answer
    session.proc.send_signal(signal.SIGINT)
    code, out, err = finish(session)
    assert code == 130, f"{out}\n{err}"
    assert "Traceback" not in err
    data = stored_session(session.home)
    assert data["status"] == "interrupted"
    first = data["answers"][0]
    assert first["analysis"]["delivery"]["words"] >= 15
    assert wer(ANSWERS[1], first["analysis"]["transcript"]["text"]) < 0.3


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_or_hangup_mid_answer_keeps_a_rescorable_partial_answer(
    pulse: PulseRig, tmp_path: Path, sig: signal.Signals
) -> None:
    session = start_practice(pulse, tmp_path, count=2)
    session.wait_tone()
    play(pulse, answer_audio(ANSWERS[0]))
    session.wait_tone()
    comp = answer_comp(CUT_ANSWER)
    player = pulse.play_into_mic(np.concatenate([silence(LEAD), comp.audio]), SR, wait=False)
    playing = time.monotonic()
    time.sleep(5.0)  # a few sentences into the second answer
    played_s = time.monotonic() - playing
    session.proc.send_signal(sig)
    code, out, err = finish(session)
    player.kill()
    assert code == 130, f"{out}\n{err}"
    assert "Traceback" not in err
    data = stored_session(session.home)
    assert data["status"] == "interrupted"
    assert [a["index"] for a in data["answers"]] == [0, 1]
    cut = data["answers"][1]
    assert cut["analysis"] is None and cut["extra"]["partial"] is True
    folder = session.home / "sessions" / data["id"]
    assert (folder / cut["answer_audio"]).is_file()

    env = {**os.environ, "VOICESIM_HOME": str(session.home)}
    done = subprocess.run(
        [sys.executable, "-m", "voicesim", "rescore", data["id"]],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "answer 2: partial, analysed now" in done.stdout
    rescored = stored_session(session.home)["answers"][1]
    assert rescored["extra"]["partial"] is True
    heard = rescored["analysis"]["transcript"]["text"]
    assert rescored["analysis"]["delivery"]["words"] >= 8
    assert_partial_is_what_was_played(heard, comp, played_s)


def test_devices_lists_the_virtual_microphone(pulse: PulseRig) -> None:
    """The default input `voicesim devices` lists is the one that hears the rig's virtual
    microphone: a tone played into vs_mic is recorded from that device."""
    done = subprocess.run(
        [sys.executable, "-m", "voicesim", "devices", "--json"],
        env={**os.environ, **pulse.env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    devices = json.loads(done.stdout)
    (default_in,) = [d for d in devices if d["is_default_input"]]
    assert default_in["max_input_channels"] > 0, devices
    assert any(d["is_default_output"] and d["max_output_channels"] > 0 for d in devices)
    # ALSA's "default" is routed to the rig's server, whose default source is vs_mic's monitor.
    assert pulse.pactl("get-default-source").strip() == "vs_mic.monitor"
    from voicesim.audio.devices import sounddevice

    sd = sounddevice()
    hz, seconds = 1000.0, 2.0
    t = np.arange(int(seconds * SR)) / SR
    recording: list[np.ndarray] = []

    def keep(indata: np.ndarray, frames: int, when: object, status: object) -> None:
        recording.append(indata[:, 0].copy())

    with sd.InputStream(
        device=default_in["index"], channels=1, samplerate=SR, dtype="float32", callback=keep
    ):
        time.sleep(0.3)
        pulse.play_into_mic((0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32), SR)
        time.sleep(0.3)
    heard = np.concatenate(recording)
    assert heard.size > SR, heard.size
    loud = heard[np.abs(heard) > 0.05]
    assert loud.size > SR, "the tone played into vs_mic was not heard on the default input"
    spectrum = np.abs(np.fft.rfft(heard * np.hanning(heard.size)))
    peak_hz = np.argmax(spectrum) * SR / heard.size
    assert abs(peak_hz - hz) < 10, peak_hz
