"""Bad input in bulk (hypothesis): audio files, question packs, session ids, the SQLite index.

The bulk runs in-process and calls the functions a command calls: only ``UserError``
(and ``StorageError``, which the CLI also reports as exit 2) may escape, nothing may hang
(pytest-timeout), and a sentinel tree beside the data directory must stay byte-for-byte
unchanged. A handful of cases per family then go through the real CLI as a subprocess:
exit 2, one line on stderr, no traceback.

Example counts are set per test (``settings(max_examples=...)``) and recorded in the
README's reliability table; run with ``--hypothesis-show-statistics`` to see them.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.support.reliability import Sentinel, assert_user_error, run_cli
from tests.support.session_factory import make_session, sample_answer
from voicesim.errors import AudioError, PackError, SessionError, StorageError
from voicesim.scoring.rubric import load_rubric

CHECKS = load_rubric().check_names()  # what a question may name, from the rubric

RUBRIC = load_rubric()  # loaded once, as a caller of the pure stages does

FORMATS = ("wav", "flac", "mp3", "ogg", "m4a")
SR = 16000

FAST = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


def cases(n: int) -> settings:
    """Hypothesis settings for a family: n examples, no deadline (hangs: pytest-timeout)."""
    return settings(FAST, max_examples=n)


pytestmark = pytest.mark.timeout(240)


# -- fixtures -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def valid_files(work: Path) -> dict[str, bytes]:
    """One second of a 220 Hz tone in every supported format, as bytes."""
    t = np.arange(SR) / SR
    tone = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    wav = work / "valid.wav"
    sf.write(wav, tone, SR)
    out = {"wav": wav.read_bytes()}
    for ext in FORMATS[1:]:
        path = work / f"valid.{ext}"
        subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), str(path)],
            check=True,
            timeout=60,
        )
        out[ext] = path.read_bytes()
    return out


@pytest.fixture(scope="module")
def sentinel(work: Path) -> Sentinel:
    return Sentinel(work / "outside")


def load_or_refuse(path: Path, capfd: pytest.CaptureFixture[str]) -> np.ndarray | None:
    """The loader either gives clean samples or raises AudioError; anything else fails.

    Nothing may reach stderr on the way (decoder libraries print straight to fd 2, which
    would break the CLI's one-line error).
    """
    from voicesim.audio.files import load_audio

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
    load_or_refuse(path, capfd)
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
    seconds: float, specials: list[float], scale: float, channels: int, rate: int
) -> None:
    """analyze_samples (with a given transcript: no model) never yields NaN measures."""
    from voicesim.analysis.pipeline import analyze_samples
    from voicesim.results import Transcript, Word

    n = int(seconds * rate)
    rng = np.random.default_rng(n)
    x = (scale * rng.standard_normal((n, channels))).astype(np.float32)
    if specials and x.size:
        x.flat[rng.integers(0, x.size, len(specials))] = specials
    words = [Word("hello", 0.2, 0.5, 0.9), Word("um", 0.6, 0.9, 0.9), Word("world", 1.0, 1.4, 0.9)]
    result = analyze_samples(x, rate, transcript=Transcript("hello um world", words), rubric=RUBRIC)
    flat = json.dumps(result.to_dict(), allow_nan=False)  # ValueError on NaN/Inf anywhere
    assert flat


# -- question packs -----------------------------------------------------------------------------
KEYS = ("pack", "questions", "id", "title", "text", "category", "kind", "target_s", "tip")
SCALARS = st.one_of(
    st.text(max_size=30),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True),
    st.booleans(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=4),
    ),
    max_leaves=12,
)


def toml_value(v: Any) -> str:
    """A minimal TOML writer (inline tables and arrays), enough for generated documents."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return (
            "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
        )
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + "}"


def toml_document(doc: dict[str, Any]) -> str:
    lines = []
    for key, value in doc.items():
        if isinstance(value, dict):
            lines.append(f"[{json.dumps(key)}]")
            lines += [f"{json.dumps(k)} = {toml_value(x)}" for k, x in value.items()]
        elif isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
            for item in value:
                lines.append(f"[[{json.dumps(key)}]]")
                lines += [f"{json.dumps(k)} = {toml_value(x)}" for k, x in item.items()]
        else:
            lines.insert(0, f"{json.dumps(key)} = {toml_value(value)}")
    return "\n".join(lines) + "\n"


PACK_DOCS = st.fixed_dictionaries(
    {
        "pack": st.dictionaries(st.sampled_from(("id", "title", "description", "x")), VALUES),
        "questions": st.lists(
            st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), VALUES),
            max_size=4,
        ),
    },
    optional={"extra": VALUES},
)


def check_pack_file(path: Path) -> None:
    from voicesim.packs import load_pack, load_packs

    try:
        load_pack(path, CHECKS)
    except PackError as exc:
        assert str(exc).strip()
    packset = load_packs(
        [path.parent], known_checks=CHECKS
    )  # a bad file is an error line, never an exception
    assert all(isinstance(e, str) for e in packset.errors)


@cases(120)
@given(doc=PACK_DOCS)
def test_random_toml_packs(work: Path, sentinel: Sentinel, doc: dict[str, Any]) -> None:
    folder = work / "packs-structured"
    folder.mkdir(exist_ok=True)
    path = folder / "fuzz.toml"
    path.write_text(toml_document(doc), encoding="utf-8")
    check_pack_file(path)
    sentinel.assert_untouched()


@cases(60)
@given(text=st.one_of(st.text(max_size=400), st.binary(max_size=400)))
def test_random_text_as_a_pack(work: Path, text: str | bytes) -> None:
    folder = work / "packs-text"
    folder.mkdir(exist_ok=True)
    path = folder / "fuzz.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    check_pack_file(path)


# -- session ids --------------------------------------------------------------------------------
TRAVERSAL = st.sampled_from(
    (
        "..",
        "../outside",
        "../../outside/precious.txt",
        "/etc/passwd",
        "sessions/../..",
        "./",
        "~",
        "last/../..",
        "20260101-000000-0000/../../outside",
        "..\\..\\outside",
        "%2e%2e%2f",
        "\x00",
        "20261126-131500-3fa2\x00",
    )
)
IDS = st.one_of(
    TRAVERSAL,
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0x80), max_size=40),
    st.text(min_size=1000, max_size=6000),
    st.builds(lambda a, b: a + b, TRAVERSAL, st.text(max_size=20)),
    st.from_regex(r"\A\d{8}-\d{6}-[0-9a-f]{4}\Z"),  # well-formed but unknown
).filter(lambda s: s not in ("last", "latest"))


@pytest.fixture(scope="module")
def populated(work: Path) -> tuple[Path, str]:
    """A data directory holding one real session, inside work/ beside the sentinel."""
    from voicesim.sessions.store import SessionStore

    home = work / "home"
    store = SessionStore(home)
    built = make_session(store, [sample_answer(0)])
    return home, built.record.id


@cases(150)
@given(session_id=IDS)
def test_bad_session_ids_in_process(
    populated: tuple[Path, str], sentinel: Sentinel, session_id: str
) -> None:
    """Every store entry point refuses the id; the real session and the sentinel stay."""
    from voicesim.sessions.store import SessionStore

    home, real = populated
    before = (home / "sessions" / real / "session.json").read_bytes()
    store = SessionStore(home)
    for call in (store.folder, store.load, store.delete, store.recover):
        with pytest.raises(SessionError) as err:
            call(session_id)
        assert "\n" not in str(err.value)
    assert (home / "sessions" / real / "session.json").read_bytes() == before
    sentinel.assert_untouched()


@cases(40)
@given(
    # argv cannot hold NUL; "-x" is an option; "" means "no id" to `recover` and `rescore`.
    session_id=IDS.filter(lambda s: s and "\x00" not in s and not s.startswith("-")),
    command=st.sampled_from(
        (
            ["sessions", "show"],
            ["sessions", "delete", "--yes"],
            ["sessions", "recover"],
            ["replay", "--no-audio"],
            ["report", "--out", "/dev/null"],
            ["export", "--format", "srt"],
            ["rescore"],
        )
    ),
)
def test_bad_session_ids_through_main(
    populated: tuple[Path, str],
    sentinel: Sentinel,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    session_id: str,
    command: list[str],
) -> None:
    """The CLI entry point (in-process): exit 2, one stderr line, real session intact."""
    from voicesim.cli.main import main

    home, real = populated
    monkeypatch.setenv("VOICESIM_HOME", str(home))
    capfd.readouterr()
    code = main([*command, session_id])
    err = capfd.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert (home / "sessions" / real / "session.json").is_file()
    sentinel.assert_untouched()


# -- the SQLite index and session.json ----------------------------------------------------------
def valid_index_bytes(work: Path) -> bytes:
    from voicesim.sessions.store import SessionStore

    home = work / "index-source"
    if not (home / "index.sqlite3").is_file():
        store = SessionStore(home)
        make_session(store, [sample_answer(0), sample_answer(1)])
        store.list()
    return (home / "index.sqlite3").read_bytes()


GARBAGE = st.one_of(
    st.binary(max_size=4096).map(lambda b: ("random", b, 0)),
    st.binary(max_size=4096).map(lambda b: ("sqlite-header", b"SQLite format 3\x00" + b, 0)),
    st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=512)).map(
        lambda t: ("valid-mangled", t[1], t[0])
    ),
    st.floats(0, 1).map(lambda f: ("valid-truncated", b"", f)),
)


def garbage_index(valid: bytes, kind: str, junk: bytes, where: float) -> bytes:
    if kind == "valid-truncated":
        return valid[: int(len(valid) * where)]
    if kind == "valid-mangled":
        data = bytearray(valid)
        at = int(len(data) * where)
        data[at : at + len(junk)] = junk
        return bytes(data[: len(valid)])
    return junk


@cases(80)
@given(garbage=GARBAGE)
def test_garbage_index_is_refused_or_healed_and_reindex_restores(
    work: Path, sentinel: Sentinel, garbage: tuple[str, bytes, float]
) -> None:
    from voicesim.sessions.store import SessionStore

    valid = valid_index_bytes(work)
    home = work / "garbage-index"
    shutil.rmtree(home, ignore_errors=True)
    store = SessionStore(home)
    real = make_session(store, [sample_answer(0)]).record.id
    saved = (home / "sessions" / real / "session.json").read_bytes()
    (home / "index.sqlite3").write_bytes(garbage_index(valid, *garbage))
    try:
        listed = [r.id for r in store.list()]
        assert real in listed or listed == []  # a readable index may be stale, never wrong
    except StorageError as exc:
        assert "\n" not in str(exc)
    assert store.reindex() == 1
    assert [r.id for r in store.list()] == [real]
    assert (home / "sessions" / real / "session.json").read_bytes() == saved
    sentinel.assert_untouched()


@cases(60)
@given(
    text=st.one_of(
        st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda i: st.lists(i, max_size=3) | st.dictionaries(st.text(max_size=8), i, max_size=3),
            max_leaves=10,
        ).map(json.dumps),
    )
)
def test_garbage_session_json_is_a_session_error(work: Path, text: str) -> None:
    from voicesim.sessions.store import SessionStore

    home = work / "garbage-json"
    shutil.rmtree(home, ignore_errors=True)
    store = SessionStore(home)
    sid = make_session(store, [sample_answer(0)]).record.id
    (home / "sessions" / sid / "session.json").write_text(text, encoding="latin-1")
    try:
        store.load(sid)
    except SessionError as exc:
        assert "\n" not in str(exc)
    store.reindex()  # skips what it cannot read, never raises
    store.list()


# -- a handful through the real CLI ----------------------------------------------------------------
def cli_cases(work: Path, valid_files: dict[str, bytes]) -> list[tuple[str, list[str], Callable]]:
    """(name, argv, setup(home)) for the subprocess checks."""
    bad = work / "cli"
    bad.mkdir(exist_ok=True)
    (bad / "random.wav").write_bytes(bytes(range(256)) * 20)
    (bad / "empty.mp3").write_bytes(b"")
    (bad / "truncated.m4a").write_bytes(valid_files["m4a"][:300])
    (bad / "truncated.flac").write_bytes(valid_files["flac"][:200])
    (bad / "pack.toml").write_text('[pack]\nid = "x"\ntitle = 3\n[[questions]]\nid = 1\n')
    (bad / "binary.toml").write_bytes(b"\xff\xfe\x00garbage")

    def none(home: Path) -> None:
        del home

    def garbage_index(home: Path) -> None:
        from voicesim.sessions.store import SessionStore

        make_session(SessionStore(home), [sample_answer(0)])
        (home / "index.sqlite3").write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 8)

    cases: list[tuple[str, list[str], Callable]] = [
        ("pack: wrong types", ["packs", "validate", str(bad / "pack.toml")], none),
        ("pack: binary file", ["packs", "validate", str(bad / "binary.toml")], none),
        ("id: traversal", ["sessions", "show", "../../outside"], none),
        ("id: unicode", ["report", "séance-☃-会话"], none),
        ("id: 5000 chars", ["sessions", "delete", "--yes", "a" * 5000], none),
        ("index: garbage", ["sessions", "list"], garbage_index),
    ]
    if _has_analyze():
        cases += [
            (f"audio: {p.name}", ["analyze", str(p)], none)
            for p in sorted(bad.glob("*"))
            if p.suffix in (".wav", ".mp3", ".m4a", ".flac")
        ]
    return cases


def _has_analyze() -> bool:
    from voicesim.cli.main import build_parser

    try:
        build_parser().parse_args(["analyze", "x.wav"])
    except SystemExit:
        return False
    return True


def test_a_handful_through_the_real_cli(
    work: Path, valid_files: dict[str, bytes], sentinel: Sentinel, tmp_path: Path
) -> None:
    failures = []
    cases = cli_cases(work, valid_files)
    for name, argv, setup in cases:
        home = tmp_path / f"home-{len(failures)}-{abs(hash(name))}"
        home.mkdir()
        setup(home)
        done = run_cli(*argv, home=home, timeout=120)
        try:
            line = assert_user_error(done)
            assert line.startswith("voicesim: error:") or ": error:" in line, line
        except AssertionError as exc:
            failures.append(f"{name}: {exc}")
    assert not failures, "\n".join(failures)
    sentinel.assert_untouched()
