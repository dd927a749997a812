"""Capture: file-backed and real (virtual PulseAudio) microphones deliver 16 kHz blocks."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest

from voicesim.audio.capture import (
    BLOCK,
    FLIPPED,
    ChannelMix,
    DeviceLost,
    DeviceMicrophone,
    FileMicrophone,
)
from voicesim.audio.devices import list_devices, resolve_input, resolve_output
from voicesim.cli.practice_view import print_devices
from voicesim.errors import DeviceError
from voicesim.testing.rig import PulseRig
from voicesim.testing.signals import silence
from voicesim.testing.speech import render


def _blocks(mic: DeviceMicrophone | FileMicrophone, seconds: float) -> list[np.ndarray]:
    """The blocks ``mic.read()`` returns, as returned, until ``seconds`` of audio came."""
    blocks: list[np.ndarray] = []
    got = 0
    deadline = time.monotonic() + seconds + 5
    while got < seconds * 16000 and time.monotonic() < deadline:
        block = mic.read(0.5)
        if block is not None:
            blocks.append(block)
            got += len(block)
    return blocks


def _collect(mic: DeviceMicrophone | FileMicrophone, seconds: float) -> np.ndarray:
    blocks = _blocks(mic, seconds)
    return np.concatenate(blocks) if blocks else np.zeros(0, np.float32)


def test_file_microphone_delivers_lead_silence_then_samples_then_silence() -> None:
    tone = np.full(16000, 0.5, dtype=np.float32)
    mic = FileMicrophone(speed=0)
    mic.queue(tone, 16000, lead_silence=0.5)
    mic.start()
    blocks = _blocks(mic, 2.0)
    assert len(blocks) >= 2 * 16000 // BLOCK
    assert [len(b) for b in blocks] == [BLOCK] * len(blocks)
    out = np.concatenate(blocks)
    assert np.all(out[:8000] == 0)
    assert np.all(out[8000:24000] == 0.5)
    assert np.all(out[24000:32000] == 0)


def test_file_microphone_resamples_and_paces_in_real_time() -> None:
    # 1 s of a 440 Hz tone at 8 kHz: resampled to 16 kHz it lasts 16000 samples and peaks
    # at 440 Hz (delivered unresampled it would last 8000 samples and peak at 880 Hz).
    tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(8000) / 8000)
    mic = FileMicrophone(speed=1.0)
    mic.queue(tone.astype(np.float32), 8000, lead_silence=0.0)
    mic.start()
    started = time.monotonic()
    out = _collect(mic, 1.25)
    elapsed = time.monotonic() - started
    assert len(out) >= 20000
    assert elapsed >= len(out) / 16000 - 0.05, elapsed  # paced: 1.25 s of audio takes 1.25 s
    sounding = np.flatnonzero(np.abs(out) > 0.01)
    assert sounding.size > 0, "the tone was not delivered"
    length = sounding[-1] + 1 - sounding[0]
    assert abs(length - 16000) <= 16, length  # 1 s at 16 kHz, within 1 ms
    part = out[sounding[0] : sounding[-1] + 1]
    spectrum = np.abs(np.fft.rfft(part * np.hanning(len(part))))
    peak_hz = np.argmax(spectrum) * 16000 / len(part)
    assert peak_hz == pytest.approx(440, abs=2), peak_hz


def test_file_microphone_start_drops_what_was_delivered_before() -> None:
    mic = FileMicrophone(speed=0)
    mic.queue(np.ones(1600, dtype=np.float32), 16000, lead_silence=0.0)
    mic.start()
    assert mic.read(0.1) is not None
    mic.stop()
    mic.start()  # nothing new queued: silence
    block = mic.read(0.1)
    assert block is not None and not block.any()


@pytest.mark.audio
def test_devices_are_listed_and_resolved(pulse: PulseRig) -> None:
    names = [d.name for d in list_devices()]
    assert "default" in names or "pulse" in names
    assert resolve_input(None) >= 0
    assert resolve_output("pulse") >= 0
    with pytest.raises(DeviceError):
        resolve_input("no such microphone")


@pytest.mark.audio
def test_devices_view_prints_a_bracketed_device_name_as_written(
    pulse: PulseRig, capsys: pytest.CaptureFixture[str]
) -> None:
    # Device names are the system's text: Rich must not read "[usb]" as markup and drop it,
    # or the name shown is not the one --output-device takes.
    module = pulse.pactl(
        "load-module", "module-null-sink", "sink_name=vs_bracket",
        "sink_properties=\"device.description='Desk speaker [usb]'\"",
    ).strip()  # fmt: skip
    try:
        print_devices([])
        out = capsys.readouterr().out
    finally:
        pulse.pactl("unload-module", module)
    assert "Desk speaker [usb]" in out, out


@pytest.mark.audio
def test_device_microphone_captures_what_is_played_into_the_mic(pulse: PulseRig) -> None:
    speech = np.concatenate([render("Testing the microphone."), silence(0.2)])
    with DeviceMicrophone() as mic:
        mic.start()
        time.sleep(0.3)
        pulse.play_into_mic(speech, 16000)
        out = _collect(mic, 0.3 + len(speech) / 16000 + 0.5)
    level = np.sqrt(np.mean(speech[speech != 0] ** 2))
    loud = np.flatnonzero(np.abs(out) > 0.05)
    assert loud.size > 0, "nothing captured"
    span = (loud[-1] - loud[0]) / 16000
    spoken = np.flatnonzero(np.abs(speech) > 0.05)
    assert span == pytest.approx((spoken[-1] - spoken[0]) / 16000, abs=0.1)
    captured_level = np.sqrt(np.mean(out[loud[0] : loud[-1]] ** 2))
    assert captured_level == pytest.approx(level, rel=0.3)


def _one_sample_later(x: np.ndarray) -> np.ndarray:
    return np.concatenate([np.zeros(1, x.dtype), x[:-1]])


@pytest.mark.audio
@pytest.mark.parametrize(
    ("second", "heard", "flipped"),
    [
        (lambda s: -s, 1.0, True),  # wired in reverse: the server's mono mix is exactly 0
        (lambda s: -_one_sample_later(s), 1.0, True),  # two mics 2 cm apart, one inverted
        (lambda s: s, 1.0, False),  # a mono microphone delivered in both channels
        (lambda s: 0 * s, 0.5, False),  # a dead second input: the mean, as a file's mix
    ],
    ids=["reversed", "reversed-spaced", "same", "dead-second"],
)
def test_a_two_channel_microphone_is_mixed_so_opposite_channels_do_not_cancel(
    pulse: PulseRig, second: Callable[[np.ndarray], np.ndarray], heard: float, flipped: bool
) -> None:
    """A voice played into the rig's stereo microphone with its second channel's polarity
    reversed was captured as exact silence when the audio server mixed it to mono (before
    ChannelMix): practice heard no answer. Mixed here, it is heard at its level, and the
    microphone says it flipped the channel; other pairs keep their mean."""
    speech = np.concatenate([render("Testing the microphone."), silence(0.2)])
    with DeviceMicrophone() as mic:
        mic.start()
        time.sleep(0.3)
        pulse.play_into_mic(np.stack([speech, second(speech)], axis=1), 16000)
        out = _collect(mic, 0.3 + len(speech) / 16000 + 0.5)
        warnings = mic.warnings()
    peak = np.abs(speech).max()
    assert np.abs(out).max() == pytest.approx(heard * peak, rel=0.1)
    loud = np.flatnonzero(np.abs(out) > 0.05 * heard)
    level = np.sqrt(np.mean(speech[speech != 0] ** 2))
    assert np.sqrt(np.mean(out[loud[0] : loud[-1]] ** 2)) == pytest.approx(heard * level, rel=0.3)
    assert warnings == ([FLIPPED] if flipped else [])


def test_channel_mix_keeps_its_choice_over_later_blocks() -> None:
    """A mono microphone's room noise in both channels keeps the mean; reversed speech
    flips the second channel, and the flip holds through a stretch of two unrelated
    noises as loud as the speech (the sums alone would have tipped back)."""
    rng = np.random.default_rng(0)
    speech = render("Testing the microphone.")
    mix = ChannelMix()
    quiet = rng.normal(0, 1e-3, 4000).astype(np.float32)
    assert np.array_equal(mix.mix(np.stack([quiet, quiet], axis=1)), quiet)
    assert not mix.flipped
    out = mix.mix(np.stack([speech, -speech], axis=1))
    assert mix.flipped and np.allclose(out, speech)
    apart = rng.normal(0, 0.05, (len(speech), 2)).astype(np.float32)
    out = mix.mix(apart)
    assert mix.flipped and np.allclose(out, (apart[:, 0] - apart[:, 1]) / 2)


@pytest.mark.audio
def test_killed_server_raises_device_lost(pulse: PulseRig) -> None:
    mic = DeviceMicrophone()
    mic.start()
    try:
        assert _collect(mic, 0.3).size > 0
        pulse.kill()
        with pytest.raises(DeviceLost):
            for _ in range(20):
                mic.read(0.5)
    finally:
        mic.close()
        pulse.restart()
    # The rig is back for the tests that follow.
    with DeviceMicrophone() as again:
        again.start()
        assert _collect(again, 0.2).size > 0


@pytest.mark.audio
def test_nothing_played_while_stopped_is_delivered_after_start(pulse: PulseRig) -> None:
    speech = render("The program must never hear itself.")
    with DeviceMicrophone() as mic:
        mic.start()
        mic.stop()
        pulse.play_into_mic(speech, 16000)  # "the program speaks" while capture is closed
        mic.start()
        out = _collect(mic, 0.5)
    assert out.size > 0
    assert np.abs(out).max() < 0.01


@pytest.mark.audio
def test_device_at_48k_is_resampled_to_16k(pulse: PulseRig) -> None:
    speech = np.concatenate([render("Resampled to sixteen kilohertz."), silence(0.2)])
    with DeviceMicrophone(rate=48000) as mic:
        mic.start()
        time.sleep(0.3)
        pulse.play_into_mic(speech, 16000)
        out = _collect(mic, 0.3 + len(speech) / 16000 + 0.5)
    loud = np.flatnonzero(np.abs(out) > 0.05)
    spoken = np.flatnonzero(np.abs(speech) > 0.05)
    assert loud.size > 0, "nothing captured"
    assert (loud[-1] - loud[0]) / 16000 == pytest.approx((spoken[-1] - spoken[0]) / 16000, abs=0.1)
