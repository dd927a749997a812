"""A Whisper model directory beside the bundled tiny.en: its files linked, its config rewritten.

The weights stay tiny.en's (they load and transcribe as usual); only what voicesim reads to
tell one Whisper model from another, the alignment heads in ``config.json``, is changed.
"""

from __future__ import annotations

import json
from pathlib import Path

from voicesim.models import resolve_model

TINY_HEADS = [[2, 2], [3, 0], [3, 2], [3, 3], [3, 4], [3, 5]]
"""Multilingual Whisper tiny's alignment heads (openai/whisper's ``_ALIGNMENT_HEADS``); tiny.en
has other ones. Heads of a larger model would not do here: CTranslate2 dies (SIGSEGV) aligning
with a layer tiny.en's weights do not have."""


def model_copy(dest: Path, heads: list[list[int]] | None = None) -> Path:
    """A model directory at ``dest``: the bundled model's files, with ``heads`` as its
    alignment heads if given (the bundled config unchanged otherwise)."""
    bundled = Path(resolve_model(None))
    dest.mkdir(parents=True)
    for f in bundled.iterdir():
        if f.name != "config.json":
            (dest / f.name).symlink_to(f)
    config = json.loads((bundled / "config.json").read_text(encoding="utf-8"))
    if heads is not None:
        config["alignment_heads"] = heads
    (dest / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return dest
