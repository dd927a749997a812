"""Text facts shared by the stages: the one normaliser and the filled-pause words."""

from __future__ import annotations

import re

_FILLED = re.compile(r"^(u+h*m+|u+m+|u+h+|e+r+m*|e+h+|a+h+|h+m+|h+u+m+|m+h*m*|hm+|mm+hm+)$")


def plain(text: str) -> str:
    """Lower case, punctuation stripped (apostrophes kept)."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())


def is_filled_pause(token: str) -> bool:
    """True for "um", "uh", "er", "erm", "ah", "hmm", "hum", "mm", "m" and their spellings."""
    return bool(_FILLED.match(plain(token).replace(" ", "")))
