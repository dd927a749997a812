"""The benchmark's plain-text table: every figure, each explained in one line underneath."""

from __future__ import annotations

from typing import Any, TextIO

from benchmarks.common import END_SILENCE


def fmt(value: Any, unit: str = "") -> str:
    """A figure with two decimals and its unit, or "-" when it was not measured."""
    return f"{value:.2f}{unit}" if isinstance(value, (int, float)) else "-"


def print_table(out: dict[str, Any], file: TextIO) -> None:
    """The figures of one run (bench.py's JSON object) as a table on `file`."""
    m = out["machine"]
    lines = [
        f"voicesim benchmark — {m['cores']} cores, {m['cpu']}, {m['memory_gb']} GB, "
        f"Python {m['python']}, {out['threads']} threads, median of {out['runs']} runs, "
        f"load {m['load_at_start']} → {m.get('load_at_end', '-')}",
        "",
        f"{'answer':>7} {'whisper':>8} {'analyze':>8} {'ratio':>6} {'cpu':>5}   "
        f"{'variant':>8} {'end det':>8} {'feedback':>9} {'an.cpu':>6} {'total':>6} {'batch':>6}",
    ]
    lines += _length_rows(out)
    lines += [
        "",
        "whisper   faster-whisper alone on the file (same model/threads/decode options), s",
        "analyze   voicesim analyze_file end to end on the same file, s; ratio = analyze/whisper",
        "cpu       the same ratio in CPU seconds of the process (robust when the machine is busy)",
        f"end det   answer's real end → end detected (the {END_SILENCE:g} s end-silence wait), "
        "audio s",
        "feedback  end detected → scorecard ready (final decode + analysis), wall s "
        "= live_latency_s",
        "an.cpu    CPU seconds of the analysis + scorecard inside feedback (idle-machine cost)",
        "total     end det + feedback: real end → scorecard, at real time, s",
        "batch     end detected → scorecard if the whole answer were transcribed after the end",
        "variant   4x: FileMicrophone at 4× real time; realtime: paplay → PulseAudio → "
        "DeviceMicrophone",
        "",
    ]
    if out.get("real_analyze_ratio") is not None:
        lines += [
            f"real set ({out['real_clips']} AMI clips of 30 s, medians over clips and runs): "
            f"whisper {fmt(out['real_baseline_s'], ' s')}, "
            f"analyze {fmt(out['real_analyze_s'], ' s')}, "
            f"ratio {fmt(out['real_analyze_ratio'])}, cpu {fmt(out['real_analyze_cpu_ratio'])}",
            "",
        ]
    if out.get("cold_ratio"):
        lines.append("fresh processes (voicesim analyze FILE --json; plain faster-whisper script):")
        lines += [
            f"{n + ' s':>7} plain {fmt(out['cold_baseline_s'][n], ' s')}, "
            f"analyze {fmt(out['cold_analyze_s'][n], ' s')}, ratio {fmt(out['cold_ratio'][n])}, "
            f"cpu {fmt(out['cold_cpu_ratio'][n])}; against plain with its model loaded as "
            f"voicesim's is {fmt(out.get('cold_apart_baseline_s', {}).get(n), ' s')}, ratio "
            f"{fmt(out.get('cold_apart_ratio', {}).get(n))}, "
            f"cpu {fmt(out.get('cold_apart_cpu_ratio', {}).get(n))}"
            for n in sorted(out["cold_ratio"], key=int)
        ]
        lines.append("")
    for k, v in out["peak_rss_mb"].items():
        lines.append(f"peak RSS {k}: {v:.0f} MB")
    if out.get("long_analyze_s"):
        lines += [f"analyze of the {k} file: {v:.0f} s" for k, v in out["long_analyze_s"].items()]
    lines += [
        f"voicesim --help: {fmt(out['help_s'], ' s')}",
        f"launch → first question audible: {fmt(out['first_question_s'], ' s')} "
        f"(CPU used by then: {fmt(out.get('first_question_cpu_s'), ' s')})",
        f"history over {out.get('history_sessions', '-')} sessions: {fmt(out['history_s'], ' s')}",
    ]
    lines += [f"note: {note}" for note in out["notes"]]
    print("\n".join(lines), file=file)


def _length_rows(out: dict[str, Any]) -> list[str]:
    """One line per answer length and live variant: transcription and live figures."""
    lines = []
    lengths = sorted({*out["baseline_s"], *(k for v in out["live"].values() for k in v)}, key=int)
    for n in lengths:
        head = (
            f"{n + ' s':>7} {fmt(out['baseline_s'].get(n)):>8} "
            f"{fmt(out['analyze_s'].get(n)):>8} {fmt(out['analyze_ratio'].get(n)):>6} "
            f"{fmt(out['analyze_cpu_ratio'].get(n)):>5}"
        )
        variants = [(v, t[n]) for v, t in out["live"].items() if n in t] or [("", {})]
        for i, (variant, row) in enumerate(variants):
            lines.append(
                f"{head if i == 0 else '':<38}   {variant:>8} {fmt(row.get('end_detect_s')):>8} "
                f"{fmt(row.get('processing_s')):>9} {fmt(row.get('analysis_cpu_s')):>6} "
                f"{fmt(row.get('total_s')):>6} "
                f"{fmt(row.get('batch_s')):>6}"
            )
    return lines
