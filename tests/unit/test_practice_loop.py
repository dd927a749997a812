"""The session loop's decisions, with the listening stage scripted.

Everything here is real — espeak-ng speech, the Whisper model, the analysis, the session
store on disk — except ``listen``, which returns the turns a test scripts (an answer, a
command, silence, a lost device, Ctrl+C). The same loop through real devices is covered in
``test_practice_e2e.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from tests.unit.test_feedback import result
from voicesim.audio.capture import FileMicrophone, is_muted
from voicesim.audio.speak import SilentSpeaker
from voicesim.errors import StorageError
from voicesim.interview import question as question_loop
from voicesim.interview import session as practice
from voicesim.interview.feedback import answer_status
from voicesim.interview.modes import get_mode
from voicesim.interview.probes import ASK_OWN_ACTION, ASK_RESULT, probe_for
from voicesim.interview.session import Interview, PracticeSettings, Reporter
from voicesim.listen.listener import ListenSettings, Turn
from voicesim.packs import Question
from voicesim.scoring.rubric import load_rubric
from voicesim.scoring.written import score_text, transcript_from_text
from voicesim.sessions.rescore import rescore_session
from voicesim.sessions.store import SessionStore
from voicesim.testing.signals import silence, white_noise
from voicesim.testing.speech import Say, compose
from voicesim.transcribe import Transcriber

pytestmark = pytest.mark.slow  # real speech, real Whisper: a few seconds per test

SR = 16000
ANSWER = "I led a small team and we finished the project early."

RUBRIC = load_rubric()
STORY_QUESTION = Question(
    id="story",
    text="Tell me about a delay you fixed.",
    category="test",
    kind="behavioural",
    target_s=(60.0, 120.0),
    tip="",
    expects=("car_structure",),
)


def question(qid: str, **kw: Any) -> Question:
    fields: dict[str, Any] = {
        "text": f"What about {qid}?",
        "category": "test",
        "kind": "behavioural",
        "target_s": (2.0, 4.0),
        "tip": "Be brief.",
    }
    fields.update(kw)
    return Question(id=qid, **fields)


class RecordingSpeaker(SilentSpeaker):
    """Renders with the real engine, plays nothing, remembers what was said and in which voice."""

    def __init__(self) -> None:
        super().__init__()
        self.said: list[tuple[str, str | None]] = []
        self.tones = 0

    def say(self, text: str, *, voice: str | None = None, rate: int | None = None) -> np.ndarray:
        self.said.append((text, voice))
        return super().say(text, voice=voice, rate=rate)

    def tone(self) -> None:
        self.tones += 1


def answer_turn() -> Turn:
    audio = np.concatenate([silence(0.5), compose([Say(ANSWER)], wpm=160).audio, silence(1.0)])
    return Turn(audio, SR, 0.5, len(audio) / SR - 1.0, "silence", None, None)


def command_turn(word: str) -> Turn:
    return Turn(silence(1.5), SR, 0.3, 0.8, "command", word, None)


def silent_turn() -> Turn:
    """Nothing said, in a quiet room: a live microphone's own noise (-70 dBFS)."""
    return Turn(white_noise(2.0, level_dbfs=-70.0), SR, None, None, "no_speech", None, None)


def muted_turn() -> Turn:
    """Nothing at all: the exact silence a muted microphone delivers."""
    return Turn(silence(2.0), SR, None, None, "no_speech", None, None)


Script = list[Callable[[], Turn] | BaseException]


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> Iterator[Script]:
    """Replace ``listen`` by a script: each call pops the next turn (or raises)."""
    script: Script = []

    def fake_listen(mic: Any, settings: ListenSettings, **kw: Any) -> Turn:
        step = script.pop(0)
        if isinstance(step, BaseException):
            if kw.get("sink"):
                kw["sink"](np.full(SR, 0.1, dtype=np.float32))  # a second of answer so far
            raise step
        turn = step()
        if kw.get("sink"):
            kw["sink"](turn.audio)
        cut = kw.get("on_interrupt")
        if cut and turn.ended_by == "silence" and cut(len(turn.audio) / SR + 100):
            turn.ended_by = "interrupted"
        return turn

    monkeypatch.setattr(question_loop, "listen", fake_listen)
    yield script
    assert not script, "the loop listened fewer times than scripted"


def run(
    home: Path,
    transcriber: Transcriber,
    questions: list[Question],
    mode: str = "standard",
    spoken_feedback: bool = False,
    reporter: Reporter | None = None,
) -> tuple[practice.SessionResult, RecordingSpeaker]:
    speaker = RecordingSpeaker()
    interview = Interview(
        questions,
        mode=get_mode(mode, count=len(questions)),
        speaker=speaker,
        mic=FileMicrophone(speed=0),
        store=SessionStore(home),
        transcriber_factory=lambda: transcriber,
        settings=PracticeSettings(spoken_feedback=spoken_feedback),
        reporter=reporter or Reporter(),
        rubric=RUBRIC,  # not the one a developer's own config.toml may name
    )
    return interview.run(), speaker


class NoticeReporter(Reporter):
    def __init__(self) -> None:
        self.notices: list[str] = []

    def notice(self, text: str) -> None:
        self.notices.append(text)


def stored(home: Path) -> Any:
    store = SessionStore(home)
    (sid,) = [p.name for p in (home / "sessions").iterdir() if p.is_dir()]
    return store.load(sid)


def test_repeat_skip_and_answer(scripted: Script, tmp_path: Path, transcriber: Transcriber) -> None:
    scripted += [lambda: command_turn("repeat"), answer_turn, lambda: command_turn("skip")]
    result, speaker = run(tmp_path, transcriber, [question("a"), question("b")])
    asked = [text for text, _ in speaker.said]
    assert asked[:3] == ["What about a?", "What about a?", "What about b?"]
    assert speaker.tones == 3
    assert result.status == "complete"
    record = stored(tmp_path)
    first, second = record.answers
    assert not first.skipped and first.analysis is not None
    words = first.analysis.transcript.text.lower()
    assert "team" in words and "project" in words
    assert first.response_latency_s == 0.5
    assert second.skipped and second.ended_by == "command"
    assert [o.status for o in result.outcomes] == ["answered", "skipped"]


def test_silent_turn_is_asked_again_then_skipped(
    scripted: Script, tmp_path: Path, transcriber: Transcriber
) -> None:
    scripted += [silent_turn, silent_turn]
    result, speaker = run(tmp_path, transcriber, [question("a")])
    asked = [text for text, _ in speaker.said]
    assert asked[0] == "What about a?"
    assert asked[1] == f"{question_loop.SILENT_RETRY_LINE} What about a?"
    (record,) = stored(tmp_path).answers
    assert record.skipped and record.ended_by == "no_speech"
    assert result.summary.rehearse[0].question_id == "a"


def test_a_muted_microphone_is_said_aloud_and_on_screen(
    scripted: Script, tmp_path: Path, transcriber: Transcriber
) -> None:
    """Exact silence is no quiet room: the re-ask says the microphone may be muted (a
    hands-free user hears it), and so does the screen, with where to look."""
    scripted += [muted_turn, muted_turn]
    reporter = NoticeReporter()
    _, speaker = run(tmp_path, transcriber, [question("a")], reporter=reporter)
    asked = [text for text, _ in speaker.said]
    assert asked[1] == (
        "I cannot hear anything from your microphone. It may be muted. "
        "Here is the question again. What about a?"
    )
    muted = [n for n in reporter.notices if "exact silence" in n and "voicesim devices" in n]
    assert len(muted) == 2 and reporter.notices[-1] == "No answer heard; skipping this question."
    (record,) = stored(tmp_path).answers
    assert record.skipped and record.ended_by == "no_speech"


def test_microphone_noise_and_one_bit_dither_are_told_apart() -> None:
    assert is_muted(silence(1.0))
    assert is_muted(np.full(SR, 1 / 32768, dtype=np.float32))  # one 16-bit step
    assert not is_muted(white_noise(1.0, level_dbfs=-80.0))  # a quiet room, a good interface
    assert not is_muted(np.zeros(0, dtype=np.float32))


def test_pause_waits_for_continue_and_stop_ends(
    scripted: Script, tmp_path: Path, transcriber: Transcriber
) -> None:
    scripted += [
        lambda: command_turn("pause"),
        silent_turn,  # nothing said while paused: keep waiting
        lambda: command_turn("continue"),
        lambda: command_turn("stop"),
    ]
    result, speaker = run(tmp_path, transcriber, [question("a"), question("b")])
    texts = [text for text, _ in speaker.said]
    assert texts[:2] == ["What about a?", question_loop.PAUSE_LINE]
    assert question_loop.RESUME_LINE in texts
    assert texts.count("What about a?") == 2  # asked again after the pause
    assert "What about b?" not in texts  # "stop" ended the interview
    assert result.status == "complete"
    (kept,) = stored(tmp_path).answers
    # Kept as not answered, and said as stopped there: it was "skipped", and the debrief
    # asked to rehearse a question the candidate had chosen not to try.
    assert kept.skipped and answer_status(kept) == "stopped"
    assert [o.status for o in result.outcomes] == ["stopped"]
    assert result.summary.rehearse == []


def test_ctrl_c_keeps_completed_answers_and_the_partial_audio(
    scripted: Script, tmp_path: Path, transcriber: Transcriber
) -> None:
    scripted += [answer_turn, KeyboardInterrupt()]
    result, _ = run(tmp_path, transcriber, [question("a"), question("b"), question("c")])
    assert result.status == "interrupted"
    record = stored(tmp_path)
    assert record.status == "interrupted"
    done, partial = record.answers
    assert done.analysis is not None and done.analysis.delivery.words >= 8
    assert partial.analysis is None and partial.answer_audio
    audio, sr = sf.read(record.path / partial.answer_audio)
    assert len(audio) == sr  # the second of audio recorded before Ctrl+C


def test_ctrl_c_while_paused_keeps_no_command_as_an_answer(
    scripted: Script, tmp_path: Path, transcriber: Transcriber
) -> None:
    """The recorded "pause" was kept as the question's partial answer, and rescore scored
    it (practice review): a voice command is no part of an answer."""
    scripted += [lambda: command_turn("pause"), KeyboardInterrupt()]
    result, _ = run(tmp_path, transcriber, [question("a"), question("b")])
    assert result.status == "interrupted"
    record = stored(tmp_path)
    assert record.status == "interrupted" and record.answers == []


def test_stop_while_paused_is_stopped_at_that_question(
    scripted: Script, tmp_path: Path, transcriber: Transcriber
) -> None:
    """A "stop" said straight away kept the question (as skipped); said while paused it
    kept nothing of it: the same wish, stored alike."""
    scripted += [answer_turn, lambda: command_turn("pause"), lambda: command_turn("stop")]
    result, speaker = run(tmp_path, transcriber, [question("a"), question("b"), question("c")])
    assert "What about c?" not in [text for text, _ in speaker.said]
    assert result.status == "complete"
    done, stopped = stored(tmp_path).answers
    assert done.analysis is not None and not done.skipped
    assert stopped.question["text"] == "What about b?"
    assert stopped.skipped and answer_status(stopped) == "stopped"
    assert [o.status for o in result.outcomes] == ["answered", "stopped"]


def test_a_fourth_repeat_moves_on_and_says_why(
    scripted: Script, tmp_path: Path, transcriber: Transcriber
) -> None:
    """After three repeats a fourth was answered "No answer heard; asking once more", and
    a fifth skipped the question as "no_speech" (practice review)."""
    scripted += [lambda: command_turn("repeat")] * 4 + [answer_turn]
    reporter = NoticeReporter()
    _, speaker = run(tmp_path, transcriber, [question("a"), question("b")], reporter=reporter)
    assert [t for t, _ in speaker.said].count("What about a?") == 4  # asked, then 3 repeats
    assert "Asked 4 times: moving on to the next question." in reporter.notices
    assert not any("No answer heard" in n for n in reporter.notices)
    first, second = stored(tmp_path).answers
    assert first.skipped and first.ended_by == "command" and second.analysis is not None


def test_lost_device_keeps_the_answer_so_far(
    scripted: Script, tmp_path: Path, transcriber: Transcriber
) -> None:
    def lost() -> Turn:
        turn = answer_turn()
        turn.ended_by = "device_lost"
        return turn

    scripted += [lost]
    result, _ = run(tmp_path, transcriber, [question("a"), question("b")])
    assert result.device_lost and result.status == "interrupted"
    (answer,) = stored(tmp_path).answers
    assert answer.analysis is not None and answer.ended_by == "device_lost"


def test_stress_cuts_off_and_follows_up(
    scripted: Script, tmp_path: Path, transcriber: Transcriber
) -> None:
    scripted += [answer_turn, answer_turn]
    q = question("a", stress_follow_ups=("Give me a number.",))
    result, speaker = run(tmp_path, transcriber, [q], mode="stress")
    texts = [text for text, _ in speaker.said]
    assert "Let me stop you there." in texts
    assert any(t.endswith("Give me a number.") for t in texts)
    assert [o.status for o in result.outcomes] == ["cut_off", "cut_off"]
    answers = stored(tmp_path).answers
    assert [a.extra["follow_up"] for a in answers] == [False, True]
    # Cut off for running long: the length before the cut is no measure of a concise answer
    # (an answer cut at 12 s on a 4–8 s target scored 81 on length; practice review).
    for a in answers:
        assert a.analysis is not None
        length = next(c for c in a.analysis.score.criteria if c.id == "length")
        assert length.score <= 40 and length.tip.startswith("The interviewer cut you off")
        assert any(e.text.startswith("cut off by the interviewer") for e in length.evidence)
    # …and rescore knows it was cut off (the question is the test's own: no pack has it).
    rescore_session(SessionStore(tmp_path), stored(tmp_path).id, rubric=load_rubric(), packset=None)
    for a in stored(tmp_path).answers:
        assert a.analysis is not None
        length = next(c for c in a.analysis.score.criteria if c.id == "length")
        assert length.score <= 40 and length.tip.startswith("The interviewer cut you off")


def test_panel_members_ask_in_their_own_voices(
    scripted: Script, tmp_path: Path, transcriber: Transcriber
) -> None:
    scripted += [lambda: command_turn("skip")] * 3
    _, speaker = run(tmp_path, transcriber, [question(x) for x in "abc"], mode="panel")
    asked = [(t, v) for t, v in speaker.said if "What about" in t]
    assert len({v for _, v in asked}) == 3
    intro = " ".join(t for t, _ in speaker.said[:4])
    assert "Maria" in intro and "David" in intro and "Sam" in intro


def test_unwritable_data_dir_fails_before_anything_is_said(
    scripted: Script, tmp_path: Path, transcriber: Transcriber
) -> None:
    home = tmp_path / "not-a-dir"
    home.write_text("a file where the data directory should be")  # unwritable even for root
    speaker = RecordingSpeaker()
    with pytest.raises(StorageError):
        Interview(
            [question("a")],
            mode=get_mode("standard"),
            speaker=speaker,
            mic=FileMicrophone(speed=0),
            store=SessionStore(home),
            transcriber_factory=lambda: transcriber,
        ).run()
    assert speaker.said == []


def test_a_turn_with_sound_but_no_words_counts_as_silent(
    scripted: Script, tmp_path: Path, transcriber: Transcriber
) -> None:
    def cough() -> Turn:
        noise = white_noise(1.5, level_dbfs=-30.0)
        return Turn(noise, SR, 0.2, 1.4, "silence", None, None)

    scripted += [cough, cough]
    _, speaker = run(tmp_path, transcriber, [question("a")])
    assert [t for t, _ in speaker.said][1].startswith(question_loop.SILENT_RETRY_LINE)
    (record,) = stored(tmp_path).answers
    assert record.skipped and record.analysis is None


def test_panel_speaks_feedback_and_verdicts_in_the_owners_voices(
    scripted: Script, tmp_path: Path, transcriber: Transcriber
) -> None:
    scripted += [answer_turn, answer_turn]
    result, speaker = run(
        tmp_path, transcriber, [question("a"), question("b")], "panel", spoken_feedback=True
    )
    mode = get_mode("panel", count=2)
    voices = {p.name: p.voice for p in mode.interviewers}
    verdicts = [(t, v) for t, v in speaker.said if t.startswith("My verdict")]
    assert sorted(v for _, v in verdicts) == sorted(voices[n] for n in result.summary.verdicts)
    assert len(verdicts) == len(result.summary.verdicts) >= 1
    tips = [(t, v) for t, v in speaker.said if t.startswith(("One thing", "Good answer"))]
    assert len(tips) == 2
    for outcome, (_, voice) in zip(result.outcomes, tips, strict=True):
        from voicesim.scoring.score import top_improvements

        assert outcome.result is not None
        group = top_improvements(outcome.result.score, 1)[0].group
        assert voice == mode.owner_of(group).voice


def _said_turn(text: str) -> Callable[[], Turn]:
    def make() -> Turn:
        audio = np.concatenate([silence(0.5), compose([Say(text)], wpm=160).audio, silence(1.0)])
        return Turn(audio, SR, 0.5, len(audio) / SR - 1.0, "silence", None, None)

    return make


def test_an_answer_without_a_result_gets_one_spoken_follow_up(
    scripted: Script, tmp_path: Path, transcriber: Transcriber
) -> None:
    scripted += [
        _said_turn("Last year our releases slipped. I met each developer and I moved the reviews."),
        _said_turn("We cut the delays by a third in two months."),
    ]
    run(tmp_path, transcriber, [question("a", expects=("car_structure",))])
    record = stored(tmp_path)
    assert [a.extra["asked"] for a in record.answers] == ["What about a?", ASK_RESULT]
    follow = record.answers[1]
    assert follow.extra["follow_up"] is True and follow.question["id"] == "a"
    assert follow.analysis is not None and follow.analysis.score.question_id == "a"


def test_a_complete_answer_and_no_follow_ups_flag_ask_nothing_more(
    scripted: Script, tmp_path: Path, transcriber: Transcriber
) -> None:
    scripted += [answer_turn]  # "I led a small team and we finished the project early."
    run(tmp_path / "one", transcriber, [question("a", expects=("car_structure",))])
    assert len(stored(tmp_path / "one").answers) == 1
    scripted += [_said_turn("We talked about it as a team and everyone was happy.")]
    speaker = RecordingSpeaker()
    Interview(
        [question("b", expects=("car_structure",))],
        mode=get_mode("standard", count=1),
        speaker=speaker,
        mic=FileMicrophone(speed=0),
        store=SessionStore(tmp_path / "two"),
        transcriber_factory=lambda: transcriber,
        settings=PracticeSettings(spoken_feedback=False, follow_ups=False),
        reporter=Reporter(),
    ).run()
    assert len(stored(tmp_path / "two").answers) == 1


def test_the_probe_rule() -> None:
    """The interviewer asks exactly what the scorer finds missing: own action, then result."""

    def said(text: str) -> Any:
        r = result(overall=60.0)
        r.transcript = transcript_from_text(text)
        r.score = score_text(text, STORY_QUESTION, RUBRIC)
        return r

    no_result = "Last year our releases slipped. I met each developer and I moved the reviews."
    no_action = (
        "Last year our releases slipped. The team changed the process and we cut delays by 30%."
    )
    full = "Last year our releases slipped. I moved the reviews to Monday and we cut delays by 30%."
    assert probe_for(said(no_result), "behavioural") == ASK_RESULT
    assert probe_for(said(no_action), "behavioural") == ASK_OWN_ACTION
    assert probe_for(said(full), "behavioural") is None
    assert probe_for(said(no_result), "projective") is None


def _configure_rubric(home: Path) -> Path:
    """A user rubric that renames the pace criterion, named by ``[rubric] path`` in config.toml."""
    path = home / "my-rubric.toml"
    path.write_text('[clarity.pace]\nlabel = "Speed (my rubric)"\n', encoding="utf-8")
    (home / "config.toml").write_text(f"[rubric]\npath = {str(path)!r}\n", encoding="utf-8")
    return path


def _interview(home: Path, transcriber: Transcriber, **kw: Any) -> Interview:
    return Interview(
        [question("a")],
        mode=get_mode("standard", count=1),
        speaker=RecordingSpeaker(),
        mic=FileMicrophone(speed=0),
        store=SessionStore(home),
        transcriber_factory=lambda: transcriber,
        settings=PracticeSettings(spoken_feedback=False),
        reporter=Reporter(),
        **kw,
    )


def test_practice_scores_with_the_rubric_config_toml_names(
    scripted: Script, voicesim_home: Path, transcriber: Transcriber
) -> None:
    path = _configure_rubric(voicesim_home)
    interview = _interview(voicesim_home, transcriber)
    assert interview.rubric.source == str(path)
    scripted.append(answer_turn)
    assert interview.run().status == "complete"
    (answer,) = stored(voicesim_home).answers
    assert answer.analysis is not None
    labels = {c.id: c.label for c in answer.analysis.score.criteria}
    assert labels["pace"] == "Speed (my rubric)"


def test_a_rubric_passed_in_wins_over_config_and_no_config_means_built_in(
    voicesim_home: Path, transcriber: Transcriber
) -> None:
    assert _interview(voicesim_home, transcriber).rubric.spec("pace").label == "Pace"
    _configure_rubric(voicesim_home)
    assert _interview(voicesim_home, transcriber, rubric=RUBRIC).rubric is RUBRIC
