"""CLI: analyze commands (being written)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add this module's sub-commands to the parser."""
    del sub


def _unused(args: argparse.Namespace) -> int:
    return 0
