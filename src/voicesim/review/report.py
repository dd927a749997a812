"""Stage: report. One self-contained, offline HTML file for a stored session.

Everything the page needs is inside it: the CSS and JavaScript (``data/report.css`` and
``data/report.js``), the audio as base64 Ogg Vorbis, and the session data as JSON in a
``<script type="application/json">`` block. The page builds its DOM with ``textContent``
only, so transcript text can never become markup, and a Content-Security-Policy with a
per-report nonce forbids any script but ours and every network request.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
import secrets
from typing import Any

import numpy as np
import soundfile as sf

from voicesim.analysis.timeline import timeline
from voicesim.interview.feedback import (
    answer_status,
    no_words,
    outcomes_of,
    status_words,
    summarize,
)
from voicesim.paths import package_data
from voicesim.sessions.store import AnswerRecord, SessionRecord

ENVELOPE_POINTS = 600
PACE_WINDOW_S = 10.0
PACE_STEP_S = 1.0
# Vorbis compression level 0..1 (higher = smaller); 0.9 keeps speech clear at ~30 kbit/s.
AUDIO_COMPRESSION = 0.9


def _audio_data_uri(samples: np.ndarray, sample_rate: int) -> str:
    """Ogg Vorbis as a data: URI (about 3.6 KB per second of audio once base64-encoded)."""

    buf = io.BytesIO()
    data = np.clip(samples.astype(np.float32), -1.0, 1.0)
    if data.size == 0:
        data = np.zeros(int(sample_rate * 0.1), dtype=np.float32)
    sf.write(
        buf, data, sample_rate, format="OGG", subtype="VORBIS", compression_level=AUDIO_COMPRESSION
    )
    return "data:audio/ogg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def envelope(samples: np.ndarray, points: int = ENVELOPE_POINTS) -> list[float]:
    """Peak level per bucket, 0–1, ``points`` buckets spread over the whole signal."""
    if samples.size == 0:
        return []
    points = min(points, samples.size)
    edges = np.linspace(0, samples.size, points + 1).astype(int)
    peaks = np.maximum.reduceat(np.abs(samples), edges[:-1])
    top = float(peaks.max()) or 1.0
    return [round(float(p) / top, 3) for p in peaks]


def pace_curve(word_times: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Words per minute in a sliding 10 s window, every 1 s: [(centre time s, wpm)]."""
    if len(word_times) < 2:
        return []
    first, last = word_times[0][0], word_times[-1][1]
    # Short answers get a shorter window so the curve still has a shape.
    window = min(PACE_WINDOW_S, max((last - first) / 2, 2.0))
    mids = np.array([(s + e) / 2 for s, e in word_times])
    out = []
    t = first
    while t + window <= last + 1e-9:
        count = int(((mids >= t) & (mids < t + window)).sum())
        out.append((round(t + window / 2, 2), round(count / window * 60.0, 1)))
        t += PACE_STEP_S
    return out


def _answer_data(record: SessionRecord, answer: AnswerRecord) -> dict[str, Any]:
    item: dict[str, Any] = {
        "number": answer.index + 1,
        "question": {k: str(answer.question.get(k, "")) for k in ("text", "category", "id")},
        "ended_by": answer.ended_by,
        "status": answer_status(answer),
        "skipped": answer.skipped,
        "feedback": answer.feedback,
        "latency": answer.response_latency_s,
        "audio": None,
        "question_audio": None,
        "duration": 0.0,
        "envelope": [],
        "tokens": [],
        "pace": [],
        "delivery": None,
        "warnings": [],
        "score": None,
    }
    question = record.read_audio(answer.question_audio)
    if question is not None:
        item["question_audio"] = _audio_data_uri(*question)
    audio = record.read_audio(answer.answer_audio)
    if audio is not None:
        samples, sr = audio
        item["audio"] = _audio_data_uri(samples, sr)
        item["duration"] = round(samples.size / sr, 3)
        item["envelope"] = envelope(samples)
    if answer.analysis is not None:
        tokens = timeline(answer.analysis)
        item["tokens"] = [
            {"t": t.text, "s": round(t.start, 3), "e": round(t.end, 3), "k": t.kind, "long": t.long}
            for t in tokens
        ]
        item["pace"] = pace_curve([(t.start, t.end) for t in tokens if t.kind == "word"])
        item["delivery"] = answer.analysis.delivery.to_dict()
        item["warnings"] = answer.analysis.delivery.recording_warnings
        item["score"] = answer.analysis.score.to_dict()
    item["unheard"] = None if item["tokens"] else no_words(answer)[1]  # why there are none
    return item


def report_data(record: SessionRecord, pace_band: tuple[float, float]) -> dict[str, Any]:
    """Everything the page shows, as plain JSON-able data (audio as data: URIs).

    ``pace_band`` is the rubric's comfortable pace (low, high words per minute).
    """
    return {
        "pace_band": list(pace_band),
        "session": {
            "id": record.id,
            "created": record.created,
            "mode": record.mode,
            "pack": record.pack,
            "status": record.status,
        },
        "summary": record.summary,
        "debrief": debrief(record),
        "answers": [_answer_data(record, a) for a in record.answers],
    }


def debrief(record: SessionRecord) -> dict[str, Any]:
    """The session's debrief as the terminal shows it: trends and what to rehearse again."""
    s = summarize(outcomes_of(record))
    return {
        "pace": s.pace.text,
        "fillers": s.fillers.text,
        "mean_score": s.mean_score,
        "rehearse": [
            {
                "number": a.index + 1,
                "id": a.question_id,
                "question": a.question_text,
                "score": a.overall,
                "weakest": a.weakest,
                "status": a.status,
                "said": status_words(a.status),  # as the debrief says it
            }
            for a in s.rehearse
        ],
    }


def _script_json(data: Any) -> str:
    # Inside <script> only "</" can end the block; escaping <, > and & makes that impossible.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_report(record: SessionRecord, *, pace_band: tuple[float, float]) -> str:
    """The report HTML for ``record`` as one string (UTF-8 text, works offline)."""

    template = package_data("report.html").read_text(encoding="utf-8")
    nonce = secrets.token_urlsafe(16)
    values = {
        "NONCE": nonce,
        "TITLE": html.escape(f"voicesim session {record.id}"),
        "STYLE": package_data("report.css").read_text(encoding="utf-8"),
        "SCRIPT": package_data("report.js").read_text(encoding="utf-8"),
        "DATA": _script_json(report_data(record, pace_band)),
    }
    # One pass, so text inserted for one placeholder is never scanned for another.
    return re.sub(r"%%([A-Z]+)%%", lambda m: values[m[1]], template)
