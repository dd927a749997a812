"""CLI: ``voicesim practice``, ``voicesim demo`` and ``voicesim devices``.

Parses flags, checks what must hold before an interview starts (questions, an input device,
a writable data directory), builds the real speaker and microphone, and runs the session
loop of :mod:`voicesim.interview.session` with a Rich reporter. Standard library only at
import time.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from voicesim.cli.questions import choose_questions, pack_of
from voicesim.errors import UserError

if TYPE_CHECKING:
    from voicesim.config import Config
    from voicesim.interview.session import PracticeSettings, SessionResult
    from voicesim.sessions.store import SessionStore

MODES = ("standard", "panel", "stress", "rapid")
EXIT_INTERRUPTED = 130
EXIT_DEVICE_LOST = 1


def register(sub: Any) -> None:
    """Add practice, demo and devices to the parser."""
    p = sub.add_parser("practice", help="a mock interview by voice: asks, listens, coaches")
    _question_flags(p)
    p.add_argument("--category", help="only questions of this category")
    p.add_argument(
        "--question",
        action="append",
        default=[],
        metavar="ID",
        help="ask this question (repeatable; ids in `voicesim packs show PACK`)",
    )
    p.add_argument(
        "--rehearse",
        action="store_true",
        help="ask the questions scored lowest or skipped in recent sessions, weakest first",
    )
    p.add_argument(
        "--shuffle",
        action="store_true",
        help="random order (default: questions never or least recently practised first)",
    )
    p.add_argument("--mode", choices=MODES, default="standard", help="interview mode")
    p.add_argument("--input-device", metavar="D", help="microphone: index or name part")
    p.add_argument("--output-device", metavar="D", help="speaker: index or name part")
    p.add_argument(
        "--end-silence", type=float, metavar="S", help="seconds of silence ending an answer (2.5)"
    )
    p.add_argument("--max-answer", type=float, metavar="S", help="longest answer, seconds (180)")
    p.add_argument(
        "--first-word-wait",
        type=float,
        metavar="S",
        help="thinking time before the first word, seconds (8)",
    )
    p.add_argument(
        "--no-spoken-feedback", action="store_true", help="do not speak the tip after each answer"
    )
    p.add_argument(
        "--no-follow-ups",
        action="store_true",
        help='no "What was the result?" follow-up after an answer without a result or own action',
    )
    p.add_argument(
        "--voice", metavar="V", help="interviewer voice (see `voicesim devices --voices`)"
    )
    p.add_argument(
        "--rate", type=int, metavar="WPM", help="interviewer speaking rate, words per minute"
    )
    p.set_defaults(func=cmd_practice)

    d = sub.add_parser("demo", help="a complete session with no microphone (rendered answers)")
    _question_flags(d, default_count=3)
    d.add_argument("--no-audio", action="store_true", help="play nothing aloud")
    d.set_defaults(func=cmd_demo)

    v = sub.add_parser("devices", help="list audio input and output devices")
    v.add_argument("--json", action="store_true", help="machine-readable output")
    v.add_argument("--voices", action="store_true", help="list the interviewer voices instead")
    v.set_defaults(func=cmd_devices)


def _question_flags(p: argparse.ArgumentParser, default_count: int | None = None) -> None:
    p.add_argument("--pack", help="question pack id (see `voicesim packs list`)")
    p.add_argument(
        "--count", type=int, default=default_count, metavar="N", help="number of questions"
    )
    p.add_argument(
        "--packs-dir", action="append", default=[], metavar="DIR", help="extra packs directory"
    )


# -- practice ------------------------------------------------------------------------------
def cmd_practice(args: argparse.Namespace) -> int:
    """``voicesim practice``: the hands-free interview through real audio devices."""
    from voicesim.audio.devices import require_input_device
    from voicesim.config import load_config
    from voicesim.interview.modes import get_mode

    _interrupt_on_signals()
    cfg = load_config()
    settings = _settings(args, cfg)
    store = _store()
    questions = choose_questions(args, cfg, store)
    settings.pack = pack_of(questions)
    mode = get_mode(args.mode, voice=settings.voice, count=len(questions))
    if not mode.select(questions):
        raise UserError(f"no questions for {args.mode} mode")
    _offer_recovery(store)
    input_device = require_input_device(args.input_device)
    from voicesim.audio.capture import DeviceMicrophone
    from voicesim.interview.session import Interview

    reporter = _reporter()
    speaker = _speaker(args.output_device, cfg, settings, reporter)
    with DeviceMicrophone(device=input_device) as mic:
        interview = Interview(
            questions,
            mode=mode,
            speaker=speaker,
            mic=mic,
            store=store,
            transcriber_factory=_transcriber_factory(cfg),
            settings=settings,
            reporter=reporter,
        )
        reporter.notice(mode.instructions(len(interview.questions)))
        result = interview.run()
    return _exit_code(result)


def _interrupt_on_signals() -> None:
    """SIGTERM and SIGHUP (a closed terminal) end the session as Ctrl+C does.

    Their default action kills the process at once, leaving the session "in_progress" and
    the answer being recorded unconverted; as KeyboardInterrupt the session loop keeps every
    answer, stores the one cut off, and closes the session as "interrupted".
    """
    import signal

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupt)


def _settings(args: argparse.Namespace, cfg: Config) -> PracticeSettings:
    from voicesim.interview.session import PracticeSettings
    from voicesim.listen.turn import ListenSettings

    p = cfg.practice
    ends = replace(
        p.endpoint,
        end_silence=_flag(args, "end_silence", p.endpoint.end_silence),
        max_answer=_flag(args, "max_answer", p.endpoint.max_answer),
        first_word_wait=_flag(args, "first_word_wait", p.endpoint.first_word_wait),
    )
    voice = getattr(args, "voice", None)
    if voice:
        _check_voice(voice)
    rate = _flag(args, "rate", p.rate)
    listen = ListenSettings(
        endpoint=ends,
        warn_before_end=min(ListenSettings().warn_before_end, ends.max_answer / 3),
    )
    return PracticeSettings(
        listen=listen,
        spoken_feedback=p.spoken_feedback and not getattr(args, "no_spoken_feedback", False),
        voice=getattr(args, "voice", None) or p.voice or None,
        rate=rate,
        pack=getattr(args, "pack", None),
        follow_ups=not getattr(args, "no_follow_ups", False),
    )


def _check_voice(voice: str) -> None:
    """UserError now, not mid-interview, for a voice the speech engine does not have."""
    from voicesim.audio.speak import SilentSpeaker

    base = voice.partition("+")[0].strip().lower()
    known = SilentSpeaker().voices()
    if not any(base in (v.id.lower(), v.name.lower(), v.language.lower()) for v in known):
        raise UserError(
            f"unknown voice {voice!r}; see `voicesim devices --voices` (e.g. en-us, en-gb)"
        )


def _flag(args: argparse.Namespace, key: str, configured: Any) -> Any:
    """The flag's value checked like config.toml's (configured value when not given)."""
    from voicesim.config import check

    value = getattr(args, key, None)
    if value is None:
        return configured  # checked when config.toml was read
    return check(f"practice.{key}", value, "--" + key.replace("_", "-"))


def _store() -> SessionStore:
    from voicesim.sessions.store import SessionStore

    store = SessionStore()
    store.check_writable()
    return store


def _offer_recovery(store: SessionStore) -> None:
    """Offer to keep what a killed session recorded; non-interactive: say how, in one line."""
    for sid in store.unfinished():
        if not sys.stdin or not sys.stdin.isatty():
            print(
                f"voicesim: session {sid} was cut off; keep what it recorded with "
                f"`voicesim sessions recover {sid}`",
                file=sys.stderr,
            )
            continue
        try:
            answer = input(f"Session {sid} was cut off. Recover what it recorded? [Y/n] ")
        except EOFError:
            answer = "n"
        if answer.strip().lower() in ("", "y", "yes"):
            record = store.recover(sid)
            print(f"Recovered session {sid}: {len(record.answers)} answers kept.")


def _speaker(device: str | None, cfg: Config, settings: PracticeSettings, reporter: Any) -> Any:
    from voicesim.audio.speak import SilentSpeaker, TTSSpeaker
    from voicesim.errors import DeviceError

    kwargs: dict[str, Any] = {"voice": settings.voice or "", "rate": settings.rate or 170}
    try:
        from voicesim.audio.devices import resolve_output

        out = resolve_output(device)
    except DeviceError as exc:
        if device is not None:
            raise
        reporter.notice(f"No output device ({exc}); questions are shown, not spoken.")
        return SilentSpeaker(**kwargs)
    return TTSSpeaker(device=out, volume=cfg.practice.volume, **kwargs)


def _transcriber_factory(cfg: Config) -> Any:
    def build() -> Any:
        from voicesim.transcribe import Transcriber

        return Transcriber(
            cfg.model.name, threads=cfg.model.threads, compute_type=cfg.model.compute_type
        )

    return build


def _reporter() -> Any:
    from voicesim.cli.practice_view import RichReporter

    return RichReporter()


def _exit_code(result: SessionResult) -> int:
    if result.device_lost:
        return EXIT_DEVICE_LOST
    if result.status == "interrupted":
        return EXIT_INTERRUPTED
    return 0


# -- demo ----------------------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace) -> int:
    """``voicesim demo``: the practice loop on rendered answers, no microphone needed."""
    from voicesim.config import load_config
    from voicesim.interview.demo import CandidateMicrophone, DemoReporter
    from voicesim.interview.modes import Mode
    from voicesim.interview.session import Interview

    _interrupt_on_signals()
    cfg = load_config()
    if args.count is not None and args.count < 1:
        raise UserError(f"--count must be at least 1, got {args.count}")
    settings = _settings(args, cfg)
    ends = settings.listen.endpoint
    settings.listen.endpoint = replace(ends, end_silence=min(ends.end_silence, 1.5))
    settings.demo = True
    settings.follow_ups = False  # the written answers have no replies to a follow-up
    questions = choose_questions(args, cfg)
    settings.pack = pack_of(questions)
    store = _store()
    reporter = _reporter()
    speaker, aloud = _demo_speaker(args.no_audio, cfg, settings, reporter)
    candidate = CandidateMicrophone(speaker, play_aloud=aloud)
    with candidate:
        interview = Interview(
            questions,
            mode=Mode(settings.voice),
            speaker=speaker,
            mic=candidate,
            store=store,
            transcriber_factory=_transcriber_factory(cfg),
            settings=settings,
            reporter=DemoReporter(reporter, candidate),
        )
        reporter.notice(
            f"Demo: {len(interview.questions)} questions answered by a synthetic candidate."
        )
        result = interview.run()
    return _exit_code(result)


def _demo_speaker(
    no_audio: bool, cfg: Config, settings: PracticeSettings, reporter: Any
) -> tuple[Any, bool]:
    from voicesim.audio.speak import SilentSpeaker, TTSSpeaker
    from voicesim.errors import DeviceError

    kwargs: dict[str, Any] = {"voice": settings.voice or "", "rate": settings.rate or 170}
    if no_audio:
        return SilentSpeaker(**kwargs), False
    try:
        from voicesim.audio.devices import resolve_output

        out = resolve_output(None)
    except DeviceError:
        reporter.notice("No audio output device: the demo runs silently (nothing is played).")
        return SilentSpeaker(**kwargs), False
    return TTSSpeaker(device=out, volume=cfg.practice.volume, **kwargs), True


# -- devices -------------------------------------------------------------------------------
def cmd_devices(args: argparse.Namespace) -> int:
    """``voicesim devices``: the audio devices voicesim can use (or the voices)."""
    import dataclasses
    import json

    if args.voices:
        from voicesim.audio.speak import SilentSpeaker

        voices = [dataclasses.asdict(v) for v in SilentSpeaker().voices()]
        if args.json:
            print(json.dumps(voices, indent=2))
        else:
            # The language code is what --voice takes (en-gb, en-us, add +f3 for a variant);
            # the engine's id is its name here, so each voice is shown once.
            print(f"{'--voice':<18} name")
            seen: set[str] = set()
            for v in sorted(voices, key=lambda v: v["language"]):
                # A second voice of the same language is chosen by its name.
                code = v["language"] if v["language"] not in seen else f'"{v["name"]}"'
                seen.add(v["language"])
                print(f"{code or v['id']:<18} {v['name']}")
        return 0
    from voicesim.audio.devices import list_devices

    devices = [dataclasses.asdict(d) for d in list_devices()]
    if args.json:
        print(json.dumps(devices, indent=2))
        return 0
    if not devices:
        print("No audio devices found. `voicesim demo` runs a session without any.")
        return 0
    from voicesim.cli.practice_view import print_devices

    print_devices(devices)
    return 0
