"""Bad audio in bulk (hypothesis): random bytes, truncated and mangled files of every format,
absurd WAV headers, odd rates/channels and non-finite samples. The loader gives clean
samples or one-line AudioError, never anything else, and prints nothing to stderr; the
measures never come out NaN. Example counts are per test (``cases(n)``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.support.fuzz import FORMATS, cases
from tests.support.reliability import Sentinel
from voicesim.analysis.pipeline import analyze_samples
from voicesim.audio.files import load_audio
from voicesim.errors import AudioError
from voicesim.results import Transcript, Word
from voicesim.scoring.rubric import Rubric
from voicesim.testing.signals import SR

pytestmark = pytest.mark.timeout(240)


def load_or_refuse(path: Path, capfd: pytest.CaptureFixture[str]) -> np.ndarray | None:
    """The loader either gives clean samples or raises AudioError; anything else fails.

    Nothing may reach stderr on the way (decoder libraries print straight to fd 2, which
    would break the CLI's one-line error).
    """
    capfd.readouterr()
    try:
        samples, info = load_audio(path)
    except AudioError as exc:
        assert "\n" not in str(exc) and str(exc).strip()
        assert capfd.readouterr().err == ""
        return None
    assert capfd.readouterr().err == ""
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert np.isfinite(samples).all()
    assert np.abs(samples).max(initial=0.0) <= 1.5  # clipped to ±1, then resampling may ring
    assert len(samples) >= 0.5 * SR and info.duration_s > 0
    return samples


# -- audio loader ---------------------------------------------------------------------------
@cases(60)
@given(data=st.binary(max_size=8192), ext=st.sampled_from((*FORMATS, "bin", "")))
def test_random_bytes_are_refused(
    capfd: pytest.CaptureFixture[str], work: Path, sentinel: Sentinel, data: bytes, ext: str
) -> None:
    path = work / f"random.{ext}" if ext else work / "random"
    path.write_bytes(data)
    assert load_or_refuse(path, capfd) is None  # refused with one line, never "audio"
    sentinel.assert_untouched()


@cases(80)
@given(fmt=st.sampled_from(FORMATS), cut=st.floats(0.0, 1.0))
def test_truncated_files_of_every_format(
    capfd: pytest.CaptureFixture[str],
    work: Path,
    valid_files: dict[str, bytes],
    fmt: str,
    cut: float,
) -> None:
    data = valid_files[fmt]
    path = work / f"truncated.{fmt}"
    path.write_bytes(data[: int(len(data) * cut)])
    load_or_refuse(path, capfd)


WAV_FIELDS = {  # offset, size of the canonical 44-byte RIFF/WAVE header fields
    "riff_size": (4, 4),
    "format_tag": (20, 2),
    "channels": (22, 2),
    "sample_rate": (24, 4),
    "byte_rate": (28, 4),
    "block_align": (32, 2),
    "bits": (34, 2),
    "data_size": (40, 4),
}


@cases(80)
@given(
    field=st.sampled_from(sorted(WAV_FIELDS)),
    value=st.one_of(st.sampled_from((0, 1, 3, 255, 65535, 2**31, 2**32 - 1)), st.integers(0)),
)
def test_absurd_wav_headers(
    capfd: pytest.CaptureFixture[str],
    work: Path,
    valid_files: dict[str, bytes],
    field: str,
    value: int,
) -> None:
    offset, size = WAV_FIELDS[field]
    data = bytearray(valid_files["wav"])
    data[offset : offset + size] = (value % 2 ** (8 * size)).to_bytes(size, "little")
    path = work / "header.wav"
    path.write_bytes(bytes(data))
    load_or_refuse(path, capfd)


@cases(60)
@given(
    fmt=st.sampled_from(FORMATS),
    where=st.floats(0.0, 0.2),
    junk=st.binary(min_size=1, max_size=64),
)
def test_corrupted_headers_of_every_format(
    capfd: pytest.CaptureFixture[str],
    work: Path,
    valid_files: dict[str, bytes],
    fmt: str,
    where: float,
    junk: bytes,
) -> None:
    """Random bytes written over the first fifth of a valid file (where headers live)."""
    data = bytearray(valid_files[fmt])
    at = int(len(data) * where)
    data[at : at + len(junk)] = junk
    path = work / f"mangled.{fmt}"
    path.write_bytes(bytes(data))
    load_or_refuse(path, capfd)


SPECIAL = st.sampled_from((math.nan, math.inf, -math.inf, 0.0, 1.0, -1.0, 1e30, -1e30))


@cases(40)
@given(
    rate=st.one_of(st.sampled_from((1, 2, 8000, 44100, 384000)), st.integers(1, 384000)),
    channels=st.integers(1, 8),
    seconds=st.floats(0.1, 3.0),
    specials=st.lists(SPECIAL, max_size=20),
    subtype=st.sampled_from(("FLOAT", "DOUBLE", "PCM_16")),
    fmt=st.sampled_from(("wav", "flac")),
)
def test_odd_rates_channels_and_non_finite_samples(
    capfd: pytest.CaptureFixture[str],
    work: Path,
    rate: int,
    channels: int,
    seconds: float,
    specials: list[float],
    subtype: str,
    fmt: str,
) -> None:
    """1 Hz to 384 kHz, 1 to 8 channels, NaN/Inf/huge values: clean samples or AudioError."""
    if fmt == "flac":
        subtype = "PCM_16"
        assume(rate <= 655350)
    frames = max(1, min(int(rate * seconds), 400_000))
    rng = np.random.default_rng(frames)
    x = (0.2 * rng.standard_normal((frames, channels))).astype(np.float64)
    if specials:
        x.flat[rng.integers(0, x.size, len(specials))] = specials
    if subtype.startswith("PCM"):  # integer samples cannot hold NaN/Inf: those are float files
        x = np.nan_to_num(x, nan=0.0, posinf=1.0, neginf=-1.0)
    path = work / f"odd.{fmt}"
    try:
        sf.write(path, x, rate, subtype=subtype)
    except (sf.LibsndfileError, ValueError, RuntimeError):
        assume(False)  # libsndfile cannot even write this combination
    samples = load_or_refuse(path, capfd)
    if rate < 4000:  # cannot hold speech, and would be resampled into gigabytes: refused
        assert samples is None
    if samples is not None:
        assert abs(len(samples) / SR - frames / rate) < 0.05 + 2 / rate


@cases(25)
@given(
    seconds=st.floats(0.0, 4.0),
    specials=st.lists(SPECIAL, max_size=50),
    scale=st.sampled_from((0.0, 1e-6, 0.01, 0.5, 1.0, 100.0)),
    channels=st.integers(1, 8),
    rate=st.sampled_from((8000, 16000, 44100, 96000)),
)
def test_measures_stay_finite_on_any_samples(
    rubric: Rubric, seconds: float, specials: list[float], scale: float, channels: int, rate: int
) -> None:
    """analyze_samples (with a given transcript: no model) never yields NaN measures."""
    n = int(seconds * rate)
    rng = np.random.default_rng(n)
    x = (scale * rng.standard_normal((n, channels))).astype(np.float32)
    if specials and x.size:
        x.flat[rng.integers(0, x.size, len(specials))] = specials
    words = [Word("hello", 0.2, 0.5, 0.9), Word("um", 0.6, 0.9, 0.9), Word("world", 1.0, 1.4, 0.9)]
    result = analyze_samples(x, rate, transcript=Transcript("hello um world", words), rubric=rubric)
    flat = json.dumps(result.to_dict(), allow_nan=False)  # ValueError on NaN/Inf anywhere
    assert flat
