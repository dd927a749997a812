"""voicesim: a local, voice-based interview simulator.

The public API, for use as a library::

    from voicesim import Transcriber, analyze_file, load_rubric

    result = analyze_file("answer.wav", transcriber=Transcriber(), rubric=load_rubric())

The names load on first use (module ``__getattr__``), so ``import voicesim`` and
``voicesim --help`` stay fast: the analysis stack pulls in numpy and soundfile.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

os.environ.setdefault("CT2_USE_MKL", "0")
"""CTranslate2 picks its int8 matrix library once, when it is imported: Intel MKL on an Intel
CPU, oneDNN on any other. The two round differently, and tiny.en's decode of the same file
differs with them: on one Intel Xeon the real set's content WER was 0.388 with MKL and 0.400
with oneDNN (the AMD machines' figure, bit for bit), 8-kHz files 0.422 against 0.407, and a
filled pause came and went in the noisy conditions. Every figure voicesim publishes was
measured with oneDNN, and a user's scores should not move with the processor, so oneDNN is
used everywhere, set here, before anything can import CTranslate2. A ``CT2_USE_MKL`` of the
user's own is left as it is. On that Xeon oneDNN was about as fast (plain faster-whisper,
alternating processes: 7 % faster on 330 s of real speech, 3–5 % slower on rendered answers)
and the demo's peak memory 40–100 MB lower."""

os.environ.setdefault("GOMP_SPINCOUNT", "300")
"""How long CTranslate2's OpenMP threads (libgomp) spin, waiting for the model's next step,
before they sleep; read once, when CTranslate2 loads. voicesim loads the model so that libgomp
does not throttle its threads (``models.loaded_apart``), and libgomp's own count is then
300 000 spins: two processes decoding at once on two cores each spun on the cores the other
needed, and the bench's 30-s answer took 4.7 s to decode in each, against 1.8 s throttled (as
plain faster-whisper runs); the test suite's two workers, 145 s -> 554 s. With 300 spins
(forty-eighth session, ``/work/scratch/s48/pair.sh``, twice): alone 1.04-1.11 s (300 000
spins 0.94-1.02 s, throttled 1.21-1.43 s), two at once 1.85-1.93 s each (throttled
1.73-1.89 s, 1 000 spins 2.08-2.17 s). A ``GOMP_SPINCOUNT`` of the user's own is left as it is."""

_API = {
    "analyze_file": "voicesim.analysis.pipeline",
    "analyze_samples": "voicesim.analysis.pipeline",
    "Transcriber": "voicesim.transcribe",
    "score_answer": "voicesim.scoring.score",
    "load_rubric": "voicesim.scoring.rubric",
    "load_packs": "voicesim.packs",
    "SessionStore": "voicesim.sessions.store",
    "AnalysisResult": "voicesim.results",
}

__all__ = [
    "AnalysisResult",
    "SessionStore",
    "Transcriber",
    "__version__",
    "analyze_file",
    "analyze_samples",
    "load_packs",
    "load_rubric",
    "score_answer",
]

if TYPE_CHECKING:
    from voicesim.analysis.pipeline import analyze_file, analyze_samples
    from voicesim.packs import load_packs
    from voicesim.results import AnalysisResult
    from voicesim.scoring.rubric import load_rubric
    from voicesim.scoring.score import score_answer
    from voicesim.sessions.store import SessionStore
    from voicesim.transcribe import Transcriber


def __getattr__(name: str) -> Any:
    """Load a public name from the module that owns it, on first use."""
    if name not in _API:
        raise AttributeError(f"module 'voicesim' has no attribute {name!r}")
    value = getattr(importlib.import_module(_API[name]), name)
    globals()[name] = value
    return value
