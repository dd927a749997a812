"""What the end-to-end tests share: the report's size as the README states it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.support.paths import REPO
from voicesim.sessions.store import SessionRecord

REPORT_OVERHEAD_BYTES = 100_000
"""The report's fixed part: its page, script and style (about 16 KB), each answer's data
(tokens, waveform, pace, scorecard) and each embedded Ogg stream's headers. Measured: 46 KB
beside the audio of a 5-answer session."""


def readme_report_bytes_per_s() -> float:
    """The report's size per second of embedded audio, as the README's report section states
    it ("about 0.5 MB for a 100 s answer")."""
    text = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    found = re.search(r"about ([\d.]+) MB for a (\d+) s answer", text)
    assert found, "README.md no longer states the report's size per answer second"
    return float(found.group(1)) * 1e6 / float(found.group(2))


def embedded_audio_s(record: SessionRecord) -> float:
    """Seconds of audio the report embeds: every question's and answer's recording."""
    total = 0.0
    for a in record.answers:
        for name in (a.question_audio, a.answer_audio):
            audio = record.read_audio(name)
            if audio is not None:
                samples, sr = audio
                total += samples.size / sr
    return total


@pytest.fixture(scope="session")
def report_size_limit() -> Callable[[SessionRecord], float]:
    """The most bytes a session's report may take: the README's bytes per second of the
    audio it embeds, plus REPORT_OVERHEAD_BYTES."""
    per_s = readme_report_bytes_per_s()

    def limit(record: SessionRecord) -> float:
        return per_s * embedded_audio_s(record) + REPORT_OVERHEAD_BYTES

    return limit
