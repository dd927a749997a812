"""Files written where the user says (``export``/``report``/``rubric fit`` ``--out``,
``history --plot``): what such a path means, and what it may not replace.

- A file already there is replaced only with ``--force``. Before, ``export --out keep.srt``
  replaced the user's own file without a word, and so did a report or a plot.
- Nothing is written inside the stored sessions (``paths.sessions_dir()``), even with
  ``--force``: an export named after an answer's recording replaced the recording, and the
  session could no longer be replayed or reported.
- A path written with a trailing slash is a folder, made if it is not there, as the
  README's ``export … --out ~/praat/`` means; before, a file named ``praat`` was written.
- A folder that cannot be made is one line and exit 2 (it was an internal error).

Light (the standard library, voicesim.paths and voicesim.errors): the commands that write
check their path with it before any heavy work.
"""

from __future__ import annotations

import os
from pathlib import Path

from voicesim import paths
from voicesim.errors import StorageError, UserError


def names_folder(raw: str) -> bool:
    """True if the path as typed ends with a separator: the user means a folder."""
    return raw.endswith(("/", os.sep))


def destination(raw: str | None, default_name: str, *, force: bool) -> Path:
    """The file to write for ``--out raw`` (None: ``default_name`` in the working folder).

    A folder (one that exists, or ``raw`` ending in a separator) gets ``default_name``
    inside it, and is made if needed. Raises UserError or StorageError, one line, for a
    path that may not be written (:func:`check_new`)."""
    if raw is None:
        return check_new(Path(default_name), force=force)
    path = Path(raw).expanduser()
    if names_folder(raw) or path.is_dir():
        return check_new(make_folder(path) / default_name, force=force)
    return check_new(path, force=force)


def make_folder(folder: Path) -> Path:
    """``folder``, made with its parents if it is not there; one line if it cannot be, or
    if it lies in the stored sessions."""
    if inside_sessions(folder):
        raise UserError(f"{folder} is inside voicesim's stored sessions; write somewhere else")
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot make the folder {folder}: {exc.strerror or exc}") from exc
    return folder


def check_new(path: Path, *, force: bool) -> Path:
    """``path`` if a file may be written there, else UserError: never inside the stored
    sessions, never over a folder, and over a file only with ``force``."""
    if inside_sessions(path):
        raise UserError(f"{path} is inside voicesim's stored sessions; write somewhere else")
    if path.is_dir():
        raise UserError(f"{path} is a folder")
    if path.exists() and not force:
        raise UserError(f"{path} is already there; give --force to replace it")
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise UserError(f"{parent} is a file, not a folder")
    return path


def inside_sessions(path: Path) -> bool:
    """True if ``path`` lies in the stored sessions' folder (links resolved)."""
    try:
        target = path.expanduser().resolve()
        root = paths.sessions_dir().expanduser().resolve()
    except (OSError, RuntimeError):  # a link loop: not ours to write through either
        return True
    return target == root or root in target.parents
