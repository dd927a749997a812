"""Audio devices: list them and resolve what the user named (sounddevice / PortAudio).

sounddevice is imported lazily here and in capture/speak: its import fails on a machine
without PortAudio, and a machine like that must still be able to analyze files.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import subprocess
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from voicesim.errors import DeviceError

NO_INPUT = "no audio input device found; see `voicesim devices`, or try `voicesim demo`"
NO_OUTPUT = "no audio output device found; see `voicesim devices`, or try `voicesim demo`"


class DeviceLost(DeviceError):
    """The audio device or the audio server went away while it was in use."""


@dataclass(frozen=True)
class DeviceInfo:
    """One PortAudio device. ``default_samplerate`` in Hz."""

    index: int
    name: str
    hostapi: str
    max_input_channels: int
    max_output_channels: int
    default_samplerate: float
    is_default_input: bool = False
    is_default_output: bool = False


def sounddevice() -> ModuleType:
    """Import sounddevice, turning a missing PortAudio into a DeviceError."""
    _quiet_alsa()  # before the import: PortAudio probes ALSA as sounddevice loads
    try:
        import sounddevice as sd  # lazy: loads PortAudio, absent on some machines
    except OSError as e:  # PortAudio library not found
        raise DeviceError(f"audio devices unavailable (PortAudio: {e}); try `voicesim demo`") from e
    return sd


_ALSA_ERROR_HANDLER: Any = None


def _quiet_alsa() -> None:
    """Stop ALSA printing its own diagnostics ("underrun occurred") over our output.

    PortAudio reaches PulseAudio through ALSA, whose library writes recoverable hiccups
    straight to stderr; voicesim reports what matters itself. VOICESIM_DEBUG keeps them.
    """
    global _ALSA_ERROR_HANDLER
    if _ALSA_ERROR_HANDLER is not None or os.environ.get("VOICESIM_DEBUG"):
        return
    name = ctypes.util.find_library("asound")
    if not name:
        return
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return
    handler_type = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )
    _ALSA_ERROR_HANDLER = handler_type(lambda *_: None)  # kept alive for the process
    lib.snd_lib_error_set_handler(_ALSA_ERROR_HANDLER)


def list_devices() -> list[DeviceInfo]:
    """Every audio device PortAudio can see, with the defaults marked."""
    sd = sounddevice()
    devices: Any = sd.query_devices()
    hostapis: Any = sd.query_hostapis()
    default_in, default_out = _defaults(sd)
    out = []
    for d in devices:
        i = int(d["index"])
        out.append(
            DeviceInfo(
                index=i,
                name=str(d["name"]),
                hostapi=str(hostapis[d["hostapi"]]["name"]),
                max_input_channels=int(d["max_input_channels"]),
                max_output_channels=int(d["max_output_channels"]),
                default_samplerate=float(d["default_samplerate"]),
                is_default_input=i == default_in,
                is_default_output=i == default_out,
            )
        )
    return out


def _defaults(sd: ModuleType) -> tuple[int, int]:
    try:
        dev = sd.default.device
        return int(dev[0]), int(dev[1])
    except (TypeError, ValueError, IndexError):
        return -1, -1


def _resolve(spec: str | int | None, kind: str) -> int:
    devices = list_devices()
    channels = "max_input_channels" if kind == "input" else "max_output_channels"
    usable = [d for d in devices if getattr(d, channels) > 0]
    missing = NO_INPUT if kind == "input" else NO_OUTPUT
    if not usable:
        raise DeviceError(missing)
    if spec is None or spec == "":
        flag = "is_default_input" if kind == "input" else "is_default_output"
        for d in usable:
            if getattr(d, flag):
                return d.index
        return usable[0].index
    if isinstance(spec, int) or str(spec).isdigit():
        index = int(spec)
        for d in usable:
            if d.index == index:
                return index
        raise DeviceError(f"no audio {kind} device number {index}; see `voicesim devices`")
    wanted = str(spec).lower()
    exact = [d for d in usable if d.name.lower() == wanted]
    partial = [d for d in usable if wanted in d.name.lower()]
    if exact or partial:
        return (exact or partial)[0].index
    routed = _route_to_pulse(str(spec), kind, usable)
    if routed is not None:
        return routed
    raise DeviceError(f"no audio {kind} device matches {spec!r}; see `voicesim devices`")


@dataclass(frozen=True)
class PulseDevice:
    """A PulseAudio sink (output) or source (input): its name and readable description."""

    kind: str  # "output" or "input"
    name: str
    description: str


def pulse_devices() -> list[PulseDevice]:
    """The PulseAudio sinks and sources (monitors left out); empty without ``pactl``."""
    if not shutil.which("pactl"):
        return []
    found = []
    for kind, what in (("output", "sinks"), ("input", "sources")):
        try:
            text = subprocess.run(
                ["pactl", "list", what], capture_output=True, text=True, timeout=5, check=True
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return []
        name = ""
        for line in text.splitlines():
            key, _, value = line.strip().partition(": ")
            if key == "Name":
                name = value
            elif key == "Description" and name and not name.endswith(".monitor"):
                found.append(PulseDevice(kind, name, value))
    return found


def _route_to_pulse(spec: str, kind: str, usable: list[DeviceInfo]) -> int | None:
    """Pick a PulseAudio sink/source by name or description through PortAudio's "pulse".

    PortAudio sees PulseAudio as one ALSA device ("pulse"); which sink or source it uses
    is chosen by PULSE_SINK / PULSE_SOURCE, read when the stream opens.
    """
    wanted = spec.lower()
    matches = [
        d
        for d in pulse_devices()
        if d.kind == kind and (wanted in d.name.lower() or wanted in d.description.lower())
    ]
    bridge = [d for d in usable if d.name.lower() == "pulse"]
    if not matches or not bridge:
        return None
    os.environ["PULSE_SINK" if kind == "output" else "PULSE_SOURCE"] = matches[0].name
    return bridge[0].index


def resolve_input(spec: str | int | None = None) -> int:
    """The PortAudio index of the input device named by ``spec``.

    ``spec`` is a device number, a (part of a) device name, or None for the default.
    Raises DeviceError when nothing matches or there is no input device at all.
    """
    return _resolve(spec, "input")


def resolve_output(spec: str | int | None = None) -> int:
    """The PortAudio index of the output device named by ``spec`` (see resolve_input)."""
    return _resolve(spec, "output")


def require_input_device(spec: str | int | None = None) -> int:
    """Like resolve_input; the error names `voicesim devices` and `voicesim demo`."""
    try:
        return resolve_input(spec)
    except DeviceError as e:
        if spec is None or spec == "":
            raise DeviceError(NO_INPUT) from e
        raise
