"""Audio loading: formats, rates, channels, block-wise reading and bad files."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voicesim.audio.decode import Reading
from voicesim.audio.files import iter_audio_blocks, load_audio, probe
from voicesim.errors import AudioError
from voicesim.testing.signals import SR, silence
from voicesim.testing.speech import render


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    """Two seconds of rendered speech followed by half a second of silence, 16 kHz."""
    return np.concatenate([render("this is a short test answer"), silence(0.5)])


def _ffmpeg(src: Path, dst: Path, *args: str) -> Path:
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(src), *args, str(dst)], check=True
    )
    return dst


@pytest.mark.parametrize("ext", ["wav", "flac", "ogg", "mp3", "m4a"])
def test_formats_decode_to_16k_mono_of_the_same_length(
    tmp_path: Path, speech: np.ndarray, ext: str
) -> None:
    src = tmp_path / "src.wav"
    # 44.1 kHz stereo source: every format must come back as 16 kHz mono.
    stereo = np.stack([speech, speech], axis=1)
    import soxr

    sf.write(str(src), soxr.resample(stereo, SR, 44100), 44100)
    path = src if ext == "wav" else _ffmpeg(src, tmp_path / f"a.{ext}")
    samples, info = load_audio(path)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert info.sample_rate == 44100
    # Lossy codecs pad a few ms; the duration must still match within 60 ms.
    assert abs(len(samples) / SR - len(speech) / SR) < 0.06
    assert abs(info.duration_s - len(samples) / SR) < 1e-6
    assert np.sqrt(np.mean(samples**2)) > 0.01


WHISPER_FORMATS = {
    "jfk.flac as it is (44.1 kHz stereo, 24-bit)": (),
    "flac 16 kHz mono": ("flac", "-ar", "16000", "-ac", "1"),
    "wav 44.1 kHz stereo": ("wav", "-ar", "44100", "-ac", "2"),
    "wav 48 kHz float": ("wav", "-ar", "48000", "-c:a", "pcm_f32le"),
    "wav 8 kHz": ("wav", "-ar", "8000"),
    "wav 22.05 kHz 24-bit 5.1": ("wav", "-ar", "22050", "-ac", "6", "-c:a", "pcm_s24le"),
    "mp3 64 kbit/s": ("mp3", "-b:a", "64k"),
    "m4a (AAC)": ("m4a", "-c:a", "aac"),
    "ogg (Vorbis)": ("ogg", "-c:a", "libvorbis"),
}


@pytest.mark.parametrize("name", sorted(WHISPER_FORMATS))
def test_whisper_hears_the_samples_plain_faster_whisper_hears(
    tmp_path: Path, jfk_path: Path, name: str
) -> None:
    """Every format decodes to exactly faster-whisper's own samples for the file, so a
    decode in voicesim starts from what plain faster-whisper's does (real speech, jfk.flac).
    libsndfile + soxr differed on anything not already 16 kHz mono, and lost words there."""
    from faster_whisper.audio import decode_audio

    path = jfk_path
    if WHISPER_FORMATS[name]:
        ext, *args = WHISPER_FORMATS[name]
        path = _ffmpeg(jfk_path, tmp_path / f"jfk.{ext}", *args)
    samples, _ = load_audio(path)
    expected = decode_audio(str(path))
    assert samples.dtype == expected.dtype == np.float32
    assert len(samples) == len(expected)
    assert np.array_equal(samples, expected)
    blocks = np.concatenate([b for _, b in iter_audio_blocks(path, block_s=4.0)])
    assert np.array_equal(blocks, expected)


VIDEOS = {
    "mp4 (H.264 + AAC, a phone's)": ("mp4", "libx264", "aac"),
    "webm (VP8 + Opus, a browser's)": ("webm", "libvpx", "libopus"),
    "mov (MPEG-4 + PCM)": ("mov", "mpeg4", "pcm_s16le"),
}


@pytest.mark.parametrize("name", sorted(VIDEOS))
def test_a_video_gives_its_sound(tmp_path: Path, jfk_path: Path, name: str) -> None:
    """An answer filmed with a phone, a webcam or a browser: the picture is skipped and the
    sound is faster-whisper's, bit for bit, with the file's length."""
    from faster_whisper.audio import decode_audio

    ext, video, audio = VIDEOS[name]
    path = tmp_path / f"answer.{ext}"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=10",
         "-i", str(jfk_path), "-shortest", "-c:v", video, "-c:a", audio, str(path)],
        check=True,
    )  # fmt: skip
    samples, info = load_audio(path)
    assert np.array_equal(samples, decode_audio(str(path)))
    # The probed length is the sound's, not the picture's (12.96 s in the MP4); WebM gives
    # only the whole file's, Opus's 0.1 s of encoder delay included.
    assert abs(len(samples) / SR - 11.0) < 0.1 and abs(probe(path).duration_s - 11.0) < 0.15
    assert info.duration_s == len(samples) / SR


def _read(path: Path) -> tuple[np.ndarray, Reading]:
    reading = Reading()
    blocks = [b for _, b in iter_audio_blocks(path, block_s=4.0, reading=reading)]
    return np.concatenate(blocks), reading


@pytest.mark.parametrize("ext", ["flac", "mp3", "wav"])
def test_a_cut_off_recording_is_read_up_to_the_cut(
    tmp_path: Path, jfk_path: Path, ext: str
) -> None:
    """A file that stops part-way (a recorder that crashed, a copy that stopped) gives the
    audio before the cut: exactly the samples faster-whisper decodes from it. A FLAC cut
    mid-frame was refused whole ("cannot decode audio"); now it says where it is cut off."""
    from faster_whisper.audio import decode_audio

    whole = _ffmpeg(jfk_path, tmp_path / f"whole.{ext}", "-ar", "16000", "-ac", "1")
    data = whole.read_bytes()
    cut = tmp_path / f"cut.{ext}"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    samples, reading = _read(cut)
    expected = decode_audio(str(cut))
    assert np.array_equal(samples, expected)
    full, _ = _read(whole)
    assert 0.5 * len(full) < len(samples) < 0.7 * len(full)
    assert np.array_equal(samples[: len(samples) - SR // 10], full[: len(samples) - SR // 10])
    if ext == "flac":  # its last frame is incomplete: damage at the end, said so
        assert reading.cut_at_s == len(samples) / SR
        assert reading.stretches == 0
        assert any(
            w.startswith(f"recording is cut off at {len(samples) / SR:.1f} s")
            for w in reading.warnings()
        )


def test_damage_mid_file_is_heard_as_silence_and_the_rest_is_kept(
    tmp_path: Path, jfk_path: Path
) -> None:
    """200 scrambled bytes in the middle of an AAC file: the packet FFmpeg cannot decode
    becomes silence of its length and every sample after it is the undamaged file's, at
    the same time. (faster-whisper stops at that packet: it keeps 5.7 s of the 11.)"""
    whole = _ffmpeg(jfk_path, tmp_path / "whole.m4a", "-ar", "16000", "-ac", "1")
    data = bytearray(whole.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 200] = bytes(b ^ 0x5A for b in data[middle : middle + 200])
    damaged = tmp_path / "damaged.m4a"
    damaged.write_bytes(bytes(data))
    samples, reading = _read(damaged)
    full, clean = _read(whole)
    assert clean == Reading(samples=len(full))
    assert len(samples) == len(full)
    differ = np.flatnonzero(samples != full)
    assert differ.size and differ[-1] - differ[0] < 0.2 * SR  # one short stretch
    assert 0.4 * len(full) < differ[0] < 0.6 * len(full)
    assert reading.stretches == 1 and 0.0 < reading.silence_s < 0.2 and reading.cut_at_s is None
    silent = samples[differ[0] : differ[-1] + 1]
    assert np.count_nonzero(silent) <= 2048  # AAC frames overlap: the one after is partial
    assert reading.warnings() == [
        f"recording has 1 damaged stretch ({reading.silence_s:.2f} s) that could not be "
        "decoded: counted as silence"
    ]


INVERTED = "pan=stereo|c0=c0|c1=-1*c0"  # the second channel the first with its sign reversed


@pytest.mark.parametrize("codec", ["pcm_s16le", "pcm_u8", "pcm_f32le", "flac", "libmp3lame", "aac"])
def test_channels_that_cancel_are_read_with_the_second_flipped(
    tmp_path: Path, jfk_path: Path, codec: str
) -> None:
    """A stereo recording whose second channel is the first with its polarity reversed (a
    cable or interface wired the wrong way round): mixed to mono, as faster-whisper mixes
    it, the speech cancels to nothing (and voicesim said "no speech detected", "move closer
    to the mic"). Read with the second channel flipped, it is the mono recording again."""
    from faster_whisper.audio import decode_audio

    ext = {"libmp3lame": "mp3", "aac": "m4a", "flac": "flac"}.get(codec, "wav")
    mono = _ffmpeg(jfk_path, tmp_path / f"mono.{ext}", "-ar", "16000", "-ac", "1", "-c:a", codec)
    stereo = _ffmpeg(mono, tmp_path / f"stereo.{ext}", "-af", INVERTED, "-c:a", codec)
    expected, _ = _read(mono)
    mixed = decode_audio(str(stereo))
    assert np.sqrt(np.mean(mixed**2)) < 0.01 * np.sqrt(np.mean(expected**2))  # it cancels
    samples, reading = _read(stereo)
    assert reading.flipped
    assert reading.warnings() == [
        "recording's two channels cancel out when mixed to mono (one has its polarity "
        "reversed): read with the second channel flipped"
    ]
    assert abs(len(samples) - len(expected)) <= 1024  # AAC's priming: the lossy codecs pad
    if codec in ("pcm_s16le", "pcm_f32le"):  # lossless: the mono file, bit for bit
        assert np.array_equal(samples, expected)
    elif codec == "flac":  # 24-bit (as jfk.flac): FFmpeg's mix rounds to 16 bits its own way
        assert np.abs(samples - expected).max() <= 1 / 32768
    elif codec == "pcm_u8":  # 8-bit: a flipped 0 is 255, one step of 1/128 off
        assert np.abs(samples - expected).max() <= 1 / 128
    else:  # lossy: the stereo file's own channels, mixed by FFmpeg with the second flipped
        remixed = _ffmpeg(stereo, tmp_path / "remixed.wav", "-af", "pan=mono|c0=0.5*c0-0.5*c1")
        expected, _ = _read(remixed)
        assert len(samples) == len(expected)
        assert np.abs(samples - expected).max() <= 2 / 32768


def test_a_mono_recording_joined_after_channels_that_cancel_is_read_too(
    tmp_path: Path, jfk_path: Path
) -> None:
    """``cat`` of a stereo MP3 whose channels cancel and a mono one: the first part read
    flipped, the second as it is (flipping expected two channels in every frame)."""
    mono = _ffmpeg(jfk_path, tmp_path / "mono.mp3", "-ar", "16000", "-ac", "1", "-b:a", "32k")
    stereo = _ffmpeg(mono, tmp_path / "stereo.mp3", "-af", INVERTED, "-b:a", "128k")
    joined = tmp_path / "joined.mp3"
    joined.write_bytes(stereo.read_bytes() + mono.read_bytes())
    samples, reading = _read(joined)
    first, _ = _read(stereo)
    second, _ = _read(mono)
    assert reading.flipped
    assert np.array_equal(samples[: len(first) - SR // 10], first[: len(first) - SR // 10])
    assert abs(len(samples) - len(first) - len(second)) < SR // 4  # the header, as silence
    assert np.sqrt(np.mean(samples[-len(second) // 2 :] ** 2)) > 0.05  # the mono part heard


@pytest.mark.parametrize("pan", ["c0=c0|c1=c0", "c0=c0|c1=0*c0", "c0=c0|c1=c1"])
def test_stereo_that_does_not_cancel_is_mixed_as_faster_whisper_mixes_it(
    tmp_path: Path, jfk_path: Path, pan: str
) -> None:
    """The same speech in both channels, speech in one channel only, and jfk.flac's own two
    channels: nothing is flipped, and the samples are faster-whisper's, bit for bit."""
    from faster_whisper.audio import decode_audio

    stereo = _ffmpeg(jfk_path, tmp_path / "stereo.wav", "-af", f"pan=stereo|{pan}")
    samples, reading = _read(stereo)
    assert not reading.flipped and reading.warnings() == []
    assert np.array_equal(samples, decode_audio(str(stereo)))


def test_a_file_with_two_audio_streams_reads_the_first_and_says_so(
    tmp_path: Path, jfk_path: Path
) -> None:
    """A container with a tone as its first audio stream and speech as its second (a screen
    recorder's tracks): the first is read, as faster-whisper reads it, bit for bit, and the
    warning says there is another and how to analyse it."""
    from faster_whisper.audio import decode_audio

    two = tmp_path / "two.mka"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=11",
         "-i", str(jfk_path), "-map", "0:a", "-map", "1:a", "-c:a", "flac", str(two)],
        check=True,
    )  # fmt: skip
    samples, reading = _read(two)
    assert np.array_equal(samples, decode_audio(str(two)))
    assert reading.streams == 2
    assert reading.warnings() == [
        "file has 2 audio streams: analysed the first; to analyse another, extract it first "
        "(ffmpeg -i FILE -map 0:a:1 second.wav)"
    ]
    spectrum = np.abs(np.fft.rfft(samples[: SR // 2]))
    assert abs(np.argmax(spectrum) * 2 - 440) <= 2  # the tone, not the speech
    _, one = _read(jfk_path)
    assert one.streams == 1 and one.warnings() == []


def test_recordings_joined_end_to_end_are_read_whole(tmp_path: Path, jfk_path: Path) -> None:
    """Two MP3s of other rates and channels joined byte for byte (``cat a.mp3 b.mp3``): the
    second file's header is a packet FFmpeg cannot decode, and after it the frames change
    rate. voicesim refused the file there ("cannot decode audio"; faster-whisper stops there
    and keeps the first part), and read past it the resampler stopped ("Frame does not
    match AudioResampler setup"). Each part now comes out as it does alone, in turn."""
    first = _ffmpeg(jfk_path, tmp_path / "a.mp3", "-ar", "44100", "-ac", "2", "-b:a", "128k")
    second = _ffmpeg(jfk_path, tmp_path / "b.mp3", "-ar", "16000", "-ac", "1", "-b:a", "32k")
    joined = tmp_path / "joined.mp3"
    joined.write_bytes(first.read_bytes() + second.read_bytes())
    samples, _ = _read(joined)
    a, _ = _read(first)
    b, _ = _read(second)
    # Alone, each file's encoder delay and padding are trimmed; joined, the second's
    # priming and the first's padding are decoded too (0.12 s here).
    assert 0 <= len(samples) - (len(a) + len(b)) < 0.2 * SR
    assert np.array_equal(samples[: len(a) - SR // 10], a[: len(a) - SR // 10])
    piece = b[len(b) // 2 : len(b) // 2 + 2 * SR]  # 2 s of the second part, as it is alone
    rest = samples[len(a) :]
    at = int(np.argmax(np.correlate(rest, piece, mode="valid")))
    assert np.array_equal(rest[at : at + len(piece)], piece)
    assert abs(at - len(b) // 2) < 0.2 * SR  # where it is in the second part


def test_a_wav_its_recorder_never_closed_is_read_to_the_end(
    tmp_path: Path, speech: np.ndarray
) -> None:
    """A recorder that stops without closing its WAV leaves the RIFF and data sizes at 0 (or
    at 0xFFFFFFFF while it streams). FFmpeg reads the samples all the same, as
    faster-whisper does; voicesim refused the file ("no audio in file"), trusting
    libsndfile's frame count. A header with no data after it still says so."""
    closed = tmp_path / "closed.wav"
    sf.write(str(closed), speech, SR, subtype="PCM_16")
    data = closed.read_bytes()
    at = data.index(b"data")
    expected, _ = load_audio(closed)
    for size in (0, 0xFFFFFFFF):
        unclosed = tmp_path / f"unclosed-{size}.wav"
        head = data[:4] + size.to_bytes(4, "little") + data[8 : at + 4]
        unclosed.write_bytes(head + size.to_bytes(4, "little") + data[at + 8 :])
        samples, info = load_audio(unclosed)
        assert np.array_equal(samples, expected)
        assert info.sample_rate == SR and probe(unclosed).sample_rate == SR
    empty = tmp_path / "header-only.wav"
    empty.write_bytes(data[: at + 8])
    with pytest.raises(AudioError, match="no audio in file"):
        load_audio(empty)


def _latin1_title_wav(path: Path, wav: Path) -> Path:
    """The 16-bit mono WAV with a LIST/INFO title in Latin-1 ("Café"), as Windows tools
    write it."""
    import struct

    pcm = sf.read(str(wav), dtype="int16")[0].astype("<i2").tobytes()
    info = b"INFO" + b"INAM" + struct.pack("<I", 6) + b"Caf\xe9\xff\x00"
    chunks = [
        b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, SR, SR * 2, 2, 16),
        b"LIST" + struct.pack("<I", len(info)) + info,
        b"data" + struct.pack("<I", len(pcm)) + pcm,
    ]
    body = b"WAVE" + b"".join(chunks)
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def _bad_utf8_title_mp3(path: Path, mp3: Path) -> Path:
    """The MP3 with an ID3v2.3 title declared UTF-8 that is not."""
    import struct

    text = b"\x03" + b"Caf\xe9 \xff"
    frame = b"TIT2" + struct.pack(">I", len(text)) + b"\x00\x00" + text
    n = len(frame)
    size = bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])
    path.write_bytes(b"ID3\x03\x00\x00" + size + frame + mp3.read_bytes())
    return path


def test_a_title_that_is_not_utf8_does_not_make_the_file_unreadable(
    tmp_path: Path, speech: np.ndarray
) -> None:
    """A Latin-1 title in a WAV, a bad UTF-8 title in an MP3: FFmpeg reads the audio, and
    so does faster-whisper; voicesim refused both as "not a readable audio file"."""
    plain = tmp_path / "plain.wav"
    sf.write(str(plain), speech, SR, subtype="PCM_16")
    tagged = _latin1_title_wav(tmp_path / "tagged.wav", plain)
    mp3 = _ffmpeg(plain, tmp_path / "plain.mp3", "-write_xing", "0", "-id3v2_version", "0")
    tagged_mp3 = _bad_utf8_title_mp3(tmp_path / "tagged.mp3", mp3)
    for untagged, path in ((plain, tagged), (mp3, tagged_mp3)):
        samples, info = load_audio(path)
        assert np.array_equal(samples, load_audio(untagged)[0])
        assert info.sample_rate == SR
        assert probe(path).sample_rate == SR


def test_out_of_range_float_samples_are_clipped_not_wrapped(tmp_path: Path) -> None:
    """1e30 in a float file is full scale positive, -1e30 negative (FFmpeg's conversion to
    16 bits turned 1e30, -1e30, NaN and Inf alike into -1.0)."""
    x = np.zeros(SR, dtype=np.float32)
    x[1000:1100], x[2000:2100], x[3000:3100] = 1e30, -1e30, 0.5
    path = tmp_path / "loud.wav"
    sf.write(str(path), x, SR, subtype="FLOAT")
    samples, _ = load_audio(path)
    assert np.all(samples[1000:1100] == 32767 / 32768)
    assert np.all(samples[2000:2100] == -1.0)
    assert np.all(samples[3000:3100] == 0.5)
    assert np.all(samples[:1000] == 0.0)


def test_non_finite_samples_are_zeroed(tmp_path: Path, speech: np.ndarray) -> None:
    bad = speech.copy()
    bad[100:200] = np.nan
    bad[300] = np.inf
    path = tmp_path / "nan.wav"
    sf.write(str(path), bad, SR, subtype="FLOAT")
    samples, _ = load_audio(path)
    assert np.all(np.isfinite(samples))
    assert np.all(samples[100:200] == 0)
    _, reading = _read(path)
    assert reading.invalid_s == 101 / SR
    assert reading.warnings() == [
        "recording has 0.01 s of samples that are not numbers (NaN or infinite): counted as silence"
    ]


@pytest.mark.parametrize("subtype", ["FLOAT", "DOUBLE"])
def test_samples_that_are_not_numbers_are_said_with_their_time(
    tmp_path: Path, speech: np.ndarray, subtype: str
) -> None:
    """NaN or Inf in a float recording (a broken plug-in wrote them) are read as silence,
    and the warning says for how long: a moment counts once whichever channels are bad."""
    stereo = np.stack([speech, speech], axis=1)
    stereo[SR // 2 : SR // 2 + SR // 4, 0] = np.nan  # 0.50-0.75 s on the left
    stereo[SR // 2 + SR // 8 : SR // 2 + 3 * SR // 8, 1] = -np.inf  # 0.625-0.875 s on the right
    path = tmp_path / "bad.wav"
    sf.write(str(path), stereo, SR, subtype=subtype)
    samples, reading = _read(path)
    assert len(samples) == len(speech) and np.all(np.isfinite(samples))
    assert reading.invalid_s == 0.375
    assert reading.warnings() == [
        "recording has 0.38 s of samples that are not numbers (NaN or infinite): counted as silence"
    ]
    sf.write(str(path), np.stack([speech, speech], axis=1), SR, subtype=subtype)
    assert _read(path)[1] == Reading(samples=len(speech))


def test_samples_that_are_not_numbers_in_planar_frames_count_once_per_moment() -> None:
    """Compressed formats decode to planar frames (one row per channel): the same count."""
    from fractions import Fraction

    import av

    from voicesim.audio.decode import _mended

    x = np.zeros((2, 1000), dtype=np.float32)
    x[0, 100:300], x[1, 200:400] = np.nan, np.inf
    frame = av.AudioFrame.from_ndarray(x, format="fltp", layout="stereo")
    frame.sample_rate, frame.pts, frame.time_base = 8000, 0, Fraction(1, 8000)  # as decoded
    reading = Reading()
    out = _mended(frame, reading).to_ndarray()
    assert reading.invalid_s == 300 / 8000
    assert out.shape == (2, 1000) and np.all(np.isfinite(out)) and not out.any()


def test_blocks_cover_the_file_and_cut_in_silence(tmp_path: Path) -> None:
    # 70 s: speech with 1-second silences every ~3 s, so quiet cut points exist.
    unit = np.concatenate([render("one more sentence of the long answer"), silence(1.0)])
    audio = np.tile(unit, int(np.ceil(70 * SR / len(unit))))[: 70 * SR]
    path = tmp_path / "long.wav"
    sf.write(str(path), audio, SR)
    blocks = list(iter_audio_blocks(path, block_s=20.0))
    assert len(blocks) >= 3
    assert all(15.0 <= len(b) / SR <= 25.0 for _, b in blocks[:-1])
    offsets = [o for o, _ in blocks]
    ends = [o + len(b) / SR for o, b in blocks]
    assert offsets[0] == 0.0 and np.allclose(offsets[1:], ends[:-1])
    joined = np.concatenate([b for _, b in blocks])
    assert len(joined) == len(audio)
    for _, b in blocks[:-1]:  # each cut lands in a quiet 50 ms window
        assert np.sqrt(np.mean(b[-400:] ** 2)) < 0.01


def _bad_files(tmp: Path, jfk: Path) -> dict[str, Path]:
    empty = tmp / "empty.wav"
    empty.touch()
    noise = tmp / "random.wav"
    noise.write_bytes(np.random.default_rng(1).bytes(5000))
    truncated = tmp / "truncated.flac"
    truncated.write_bytes(jfk.read_bytes()[:30000])
    short = tmp / "short.wav"
    sf.write(str(short), silence(0.1), SR)
    return {
        "missing": tmp / "nope.wav",
        "directory": tmp,
        "empty": empty,
        "random bytes": noise,
        "truncated": truncated,
        "too short": short,
    }


def test_bad_files_raise_one_line_audio_errors(tmp_path: Path, jfk_path: Path) -> None:
    expected = {
        "missing": "no such file",
        "directory": "directory",
        "empty": "empty",
        "random bytes": "not a readable audio file",
        "truncated": "before the file is cut off",
        "too short": "too short",
    }
    for name, path in _bad_files(tmp_path, jfk_path).items():
        with pytest.raises(AudioError) as err:
            load_audio(path)
        message = str(err.value)
        assert expected[name] in message, (name, message)
        assert "\n" not in message


def test_random_bytes_are_never_audio_and_always_say_so(tmp_path: Path) -> None:
    # FFmpeg reads seed 289's bytes as an LRC subtitle file: a container with no audio
    # stream, which once had its own wording and broke the CLI's "not a readable" contract.
    path = tmp_path / "random.wav"
    for seed in range(300):
        path.write_bytes(np.random.default_rng(seed).bytes(4000))
        for read in (probe, load_audio):
            with pytest.raises(AudioError) as err:
                read(path)
            message = str(err.value)
            assert "not a readable audio file" in message, (seed, read.__name__, message)
            assert "\n" not in message
