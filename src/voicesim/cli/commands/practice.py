"""``voicesim practice``, ``voicesim demo`` and ``voicesim devices``.

Checks what must hold before an interview starts (questions, an input device, a writable
data directory), builds the real speaker and microphone, and runs the session loop of
:mod:`voicesim.interview.session` with a Rich reporter. Flags: :mod:`voicesim.cli.practice`.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
import signal
import sys
from dataclasses import replace
from typing import Any

from voicesim.audio.capture import DeviceMicrophone
from voicesim.audio.devices import list_devices, require_input_device, resolve_output
from voicesim.audio.speak import SilentSpeaker, TTSSpeaker, espeak_variants
from voicesim.cli.allocator import settle_for_a_session
from voicesim.cli.practice_view import RichReporter, print_devices
from voicesim.cli.questions import choose_questions, pack_of
from voicesim.config import Config, check, load_config
from voicesim.errors import DeviceError, UserError
from voicesim.interview.demo import CandidateMicrophone, DemoReporter
from voicesim.interview.modes import Mode, get_mode
from voicesim.interview.session import Interview, PracticeSettings, SessionResult
from voicesim.listen.listener import ListenSettings
from voicesim.models import model_note, resolve_model
from voicesim.sessions.store import SessionStore
from voicesim.text import counted
from voicesim.transcribe import Transcriber

EXIT_INTERRUPTED = 130
EXIT_DEVICE_LOST = 1


def cmd_practice(args: argparse.Namespace) -> int:
    """``voicesim practice``: the hands-free interview through real audio devices."""
    _interrupt_on_signals()
    settle_for_a_session()  # a session's memory, before the model loads (cli.allocator)
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

    reporter = _reporter()
    _note_model(cfg, reporter)  # a model path that is not one fails here, before the mic opens
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

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupt)


def _settings(args: argparse.Namespace, cfg: Config) -> PracticeSettings:

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
    """UserError now, not mid-interview, for a voice the speech engine does not have, or a
    variant espeak-ng does not have ("en-us+zz" spoke plain en-us without a word)."""
    base, plus, variant = voice.partition("+")
    base = base.strip().lower()
    known = SilentSpeaker().voices()
    if not any(base in (v.id.lower(), v.name.lower(), v.language.lower()) for v in known):
        raise UserError(
            f"unknown voice {voice!r}; see `voicesim devices --voices` (e.g. en-us, en-gb)"
        )
    variants = espeak_variants() if plus else None
    if variants is not None and variant.strip().lower() not in variants:
        near = difflib.get_close_matches(variant.strip().lower(), sorted(variants), n=1)
        hint = f"; did you mean +{near[0]}?" if near else " (e.g. +f3, +m3)"
        raise UserError(f"unknown voice variant {voice!r}{hint}")


def _flag(args: argparse.Namespace, key: str, configured: Any) -> Any:
    """The flag's value checked like config.toml's (configured value when not given)."""
    value = getattr(args, key, None)
    if value is None:
        return configured  # checked when config.toml was read
    return check(f"practice.{key}", value, "--" + key.replace("_", "-"))


def _store() -> SessionStore:

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
            print(f"Recovered session {sid}: {counted(len(record.answers), 'answer')} kept.")


def _speaker(device: str | None, cfg: Config, settings: PracticeSettings, reporter: Any) -> Any:

    kwargs: dict[str, Any] = {"voice": settings.voice or "", "rate": settings.rate or 170}
    try:
        out = resolve_output(device)
    except DeviceError as exc:
        if device is not None:
            raise
        reporter.notice(f"No output device ({exc}); questions are shown, not spoken.")
        return SilentSpeaker(**kwargs)
    return TTSSpeaker(device=out, volume=cfg.practice.volume, **kwargs)


def _transcriber_factory(cfg: Config) -> Any:
    def build() -> Any:

        # Two workers: the quick decode of the last words runs beside a stretch's decode.
        return Transcriber(
            cfg.model.name,
            threads=cfg.model.threads,
            compute_type=cfg.model.compute_type,
            workers=2,
        )

    return build


def _note_model(cfg: Config, reporter: Any) -> None:
    """Say so at the start when the configured model is not the one the figures hold for.

    Raises ModelError for a model path that is no model: before anything is asked or stored
    (the model itself loads in the background during the first question)."""
    note = model_note(resolve_model(cfg.model.name))
    if note:
        reporter.notice(f"Note: {note}.")


def _reporter() -> Any:

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
    _interrupt_on_signals()
    settle_for_a_session()
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
    _note_model(cfg, reporter)
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
        asked = counted(len(interview.questions), "question")
        reporter.notice(f"Demo: {asked} answered by a synthetic candidate.")
        result = interview.run()
    return _exit_code(result)


def _demo_speaker(
    no_audio: bool, cfg: Config, settings: PracticeSettings, reporter: Any
) -> tuple[Any, bool]:

    kwargs: dict[str, Any] = {"voice": settings.voice or "", "rate": settings.rate or 170}
    if no_audio:
        return SilentSpeaker(**kwargs), False
    try:
        out = resolve_output(None)
    except DeviceError:
        reporter.notice("No audio output device: the demo runs silently (nothing is played).")
        return SilentSpeaker(**kwargs), False
    return TTSSpeaker(device=out, volume=cfg.practice.volume, **kwargs), True


# -- devices -------------------------------------------------------------------------------
def cmd_devices(args: argparse.Namespace) -> int:
    """``voicesim devices``: the audio devices voicesim can use (or the voices)."""
    if args.voices:
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

    devices = [dataclasses.asdict(d) for d in list_devices()]
    if args.json:
        print(json.dumps(devices, indent=2))
        return 0
    if not devices:
        print("No audio devices found. `voicesim demo` runs a session without any.")
        return 0

    print_devices(devices)
    return 0
