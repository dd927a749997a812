"""Where things are for the tests: the repository checkout."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
"""The repository root (holds pyproject.toml, scripts/, tests/)."""
