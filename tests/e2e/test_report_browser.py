"""The HTML report in a real headless Chromium (Debian's, driven by Playwright), offline."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.session_factory import (
    QUIET,
    Built,
    make_session,
    sample_answer,
    warned_session,
)
from voicesim.review.report import render_report
from voicesim.scoring.rubric import load_rubric
from voicesim.sessions.store import SessionRecord, SessionStore

BAND = load_rubric().spec("pace").pair("band")  # the comfortable pace, from the rubric

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--autoplay-policy=no-user-gesture-required",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INJECTED = "<script>window.__pwned = 1</script>"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, Path]:
    home = tmp_path_factory.mktemp("home")
    store = SessionStore(home)
    built = make_session(store, [sample_answer(0), sample_answer(1)], text_override=INJECTED)
    out = home / "report.html"
    out.write_text(render_report(store.load(built.record.id), pace_band=BAND), encoding="utf-8")
    return built, out


def _open(browser: Any, path: Path) -> tuple[Any, Any, list[str]]:
    context = browser.new_context()
    outside: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready='1']")
    assert errors == []
    return context, page, outside


def test_report_offline_fillers_and_escaping(browser: Any, report: tuple[Built, Path]) -> None:
    built, path = report
    context, page, outside = _open(browser, path)
    try:
        # Fillers built into the answers: one "um" and one "you know" per answer.
        expected = sum(len(c.fillers) for c in built.answers)
        stored = sum(len(a.analysis.delivery.fillers) for a in built.record.answers if a.analysis)
        assert expected == stored == 4
        assert page.locator(".transcript .w.filler").count() == expected
        data = json.loads(page.locator("#voicesim-data").text_content() or "{}")
        assert sum(len(a["delivery"]["fillers"]) for a in data["answers"]) == expected
        # The injected script is shown as text and never runs.
        assert page.evaluate("window.__pwned") is None
        assert page.get_by_text(INJECTED, exact=True).count() == 2
        assert page.locator(".transcript script").count() == 0
        assert page.locator("audio.answer-audio").count() == 2
        assert page.locator(".pause-mark.long").count() == 2
        assert outside == []
    finally:
        context.close()


def test_click_word_and_evidence_seek_audio(browser: Any, report: tuple[Built, Path]) -> None:
    built, path = report
    context, page, outside = _open(browser, path)
    try:
        answer = page.locator("#answer-2")
        word = next(
            w for w in built.record.answers[1].analysis.transcript.words if w.text == "took"
        )
        answer.locator(".transcript .w", has_text="took").first.click()
        t = answer.locator("audio.answer-audio").evaluate("a => a.currentTime")
        assert t == pytest.approx(round(word.start, 3), abs=0.01)
        # The word under the playhead is highlighted.
        assert answer.locator(".transcript .w.current").inner_text() == "took"
        # The scorecard's filler evidence jumps to the first filler ("um").
        um = built.answers[1].fillers[0]
        answer.locator("button.ev").first.click()
        t = answer.locator("audio.answer-audio").evaluate("a => a.currentTime")
        assert t == pytest.approx(um.start, abs=0.01)
        assert outside == []
    finally:
        context.close()


def test_five_answer_report_is_small(
    tmp_path: Path, report_size_limit: Callable[[SessionRecord], float]
) -> None:
    """The README's size per second of audio (Ogg Vorbis), not uncompressed audio."""
    store = SessionStore(tmp_path)
    built = make_session(store, [sample_answer(i) for i in range(5)])
    record = store.load(built.record.id)
    size = len(render_report(record, pace_band=BAND).encode("utf-8"))
    assert size <= report_size_limit(record), (size, report_size_limit(record))


def test_skipped_and_unanalysed_answers_render(browser: Any, tmp_path: Path) -> None:
    import numpy as np

    from voicesim.sessions.store import AnswerRecord, utc_now

    store = SessionStore(tmp_path)
    writer = store.create(mode="practice", pack=None, settings={})
    comp = sample_answer(0)
    writer.add_answer(
        AnswerRecord(0, {"text": "Skipped one?"}, utc_now(), None, None, None, skipped=True)
    )
    with writer.open_answer_audio(1, 16000) as audio:
        audio.write(comp.audio)
    # An answer recovered after a crash: audio, but never analysed.
    writer.add_answer(AnswerRecord(1, {"text": "Cut short?"}, utc_now(), None, audio.name, None))
    with writer.open_answer_audio(2, 16000) as silent:
        silent.write(np.zeros(16000, dtype=np.float32))
    writer.add_answer(AnswerRecord(2, {"text": "Silence?"}, utc_now(), None, silent.name, None))
    # "stop" said when asked, as stored before 2026-12-06 (status "skipped"): it read
    # "Skipped.", and the list of answers to rehearse named it.
    stop = {"status": "skipped", "command": "stop"}
    writer.add_answer(
        AnswerRecord(3, {"text": "Stopped?"}, utc_now(), None, None, None, ended_by="command",
                     skipped=True, extra=stop)
    )  # fmt: skip
    record = writer.finish(status="interrupted")
    out = tmp_path / "r.html"
    out.write_text(render_report(store.load(record.id), pace_band=BAND), encoding="utf-8")
    context, page, outside = _open(browser, out)
    try:
        assert page.locator("section.answer").count() == 4
        assert page.locator("audio.answer-audio").count() == 2
        assert page.get_by_text("Skipped.").count() == 1
        assert page.get_by_text("Not answered: the interview was stopped here.").count() == 1
        assert "Stopped?" not in page.locator("ul.rehearse").inner_text()
        # Kept but never analysed (a crash, Ctrl+C): said so, not "No speech was heard".
        cut = page.get_by_text("Not analysed: the answer was cut off", exact=False)
        assert cut.count() == 2
        assert page.get_by_text("No speech was heard.").count() == 0
        assert page.locator(".transcript .w").count() == 0
        assert outside == []
    finally:
        context.close()


def test_numbers_round_as_the_terminal_rounds_them(browser: Any, tmp_path: Path) -> None:
    # toFixed rounds a tie up, Python's format to the even digit: a stored 142.5 wpm read
    # 143 in the report and 142 in the terminal; a 72.5 score 73 against 72.
    store = SessionStore(tmp_path)
    built = make_session(store, [sample_answer(0)])
    record = store.load(built.record.id)
    analysis = record.answers[0].analysis
    assert analysis is not None
    analysis.delivery.wpm = 142.5
    analysis.delivery.fillers_per_100_words = 2.25
    analysis.score.overall = 72.5
    out = tmp_path / "r.html"
    out.write_text(render_report(record, pace_band=BAND), encoding="utf-8")
    context, page, _ = _open(browser, out)
    try:
        cards = page.locator("#answer-1 .card").all_inner_texts()
        shown = {c.split("\n")[-1].strip(): c.split("\n")[0].strip() for c in cards}
        assert shown["pace (wpm)"] == f"{142.5:.0f}" == "142"
        assert shown["fillers"].endswith(f"({2.25:.1f}/100 w)") and "2.2/100" in shown["fillers"]
        heading = page.get_by_text("Scorecard — overall", exact=False).inner_text()
        assert heading == f"Scorecard — overall {72.5:.0f} / 100" == "Scorecard — overall 72 / 100"
    finally:
        context.close()


def test_word_being_heard_is_highlighted(browser: Any, report: tuple[Built, Path]) -> None:
    """Real playback in Chromium: after pausing, the highlighted word is the word the built
    answer says at currentTime (the truth: start <= now < end), not the product's timeline."""
    import time

    built, path = report
    truth = built.answers[0].words
    slack = 0.05  # a word within this of `now` at either edge is too close to call
    # Pause in the middle of the answer's longest word (not the first: its text is INJECTED).
    target = max((w for w in truth[1:] if not w.filler), key=lambda w: w.end - w.start)
    aim = target.start + 0.3 * (target.end - target.start)
    context, page, outside = _open(browser, path)
    try:
        audio = page.locator("#answer-1 audio.answer-audio")
        said: list[Any] = []
        now = -1.0
        for _ in range(3):  # played again from the start if the pause fell on a boundary
            play = "a => { a.currentTime = 0; return a.play().then(() => 'ok', e => String(e)); }"
            assert audio.evaluate(play) == "ok"
            deadline = time.monotonic() + 10.0
            while audio.evaluate("a => a.currentTime") < aim and time.monotonic() < deadline:
                time.sleep(0.02)
            audio.evaluate("a => a.pause()")
            time.sleep(0.3)
            now = audio.evaluate("a => a.currentTime")
            said = [w for w in truth if w.start + slack <= now < w.end - slack]
            if said:
                break
        assert len(said) == 1 and not said[0].filler, (now, target)  # mid-word, by design
        shown = page.locator("#answer-1 .w.current").all_inner_texts()
        assert shown == [said[0].text], (now, said[0])
        assert outside == []
    finally:
        context.close()


def test_report_carries_the_debrief(browser: Any, tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    built = make_session(store, [sample_answer(0), sample_answer(1), sample_answer(2)])
    record = store.load(built.record.id)
    weak = record.answers[1]
    assert weak.analysis is not None
    weak.analysis.score.overall = 41.0  # weakest; the others score 70 (session_factory)
    record.answers[2].skipped, record.answers[2].analysis = True, None
    store.save(record)
    out = tmp_path / "report.html"
    out.write_text(render_report(store.load(record.id), pace_band=BAND), encoding="utf-8")
    context, page, _ = _open(browser, out)
    try:
        items = page.locator("ul.rehearse li").all_text_contents()
        # Weakest first: the skipped answer, then the one scored 41; the 70 is not listed.
        assert len(items) == 2 and page.locator("ol.rehearse").count() == 0  # not "1. 3. …"
        assert items[0].startswith("Answer 3: ") and "(skipped)" in items[0]
        assert items[1].startswith("Answer 2: ") and "score 41" in items[1]
        assert "voicesim practice --question conflict" in items[1]
        trends = page.locator("ul.trends li").all_text_contents()
        assert trends[0].startswith("pace") and trends[1].startswith("fillers")
    finally:
        context.close()


def test_recording_warnings_show_under_their_answer(browser: Any, tmp_path: Path) -> None:
    """An answer recorded too quietly carries the analysis's warning under its measures;
    an answer without one shows no warning list at all."""
    store = SessionStore(tmp_path)
    record = warned_session(store)
    out = tmp_path / "r.html"
    out.write_text(render_report(store.load(record.id), pace_band=BAND), encoding="utf-8")
    context, page, outside = _open(browser, out)
    try:
        assert page.locator("#answer-1 .warnings li").count() == 0
        assert not page.locator("#answer-1 .warnings").is_visible()
        assert page.locator("#answer-2 .warnings li").all_inner_texts() == [QUIET]
        assert page.locator("#answer-2 .warnings").is_visible()
        assert outside == []
    finally:
        context.close()


def test_a_heard_filler_and_a_category_read_as_words(browser: Any, tmp_path: Path) -> None:
    """A filled pause heard only in the signal showed as "[(filled pause)]" (replay and the
    exports say "[filled pause]"), and a category id as "management_style"."""
    from voicesim.results import Filler

    store = SessionStore(tmp_path)
    built = make_session(store, [sample_answer(0)])
    record = store.load(built.record.id)
    answer = record.answers[0]
    assert answer.analysis is not None
    answer.question["category"] = "management_style"
    words = answer.analysis.transcript.words
    gap = next(b.start - 0.3 for a, b in itertools.pairwise(words) if b.start - a.end > 0.3)
    heard = Filler("(filled pause)", gap, gap + 0.25, "filled_pause", "acoustic")
    answer.analysis.delivery.fillers = sorted(
        [*answer.analysis.delivery.fillers, heard], key=lambda f: f.start
    )
    store.save(record)
    out = tmp_path / "report.html"
    out.write_text(render_report(store.load(record.id), pace_band=BAND), encoding="utf-8")
    context, page, _ = _open(browser, out)
    try:
        shown = page.locator(".transcript .w.filler").all_text_contents()
        assert "[filled pause]" in shown and not any("(" in t for t in shown)
        assert page.locator("h2", has_text="Answer 1 · management style").count() == 1
    finally:
        context.close()


@pytest.mark.parametrize("width", [420, 1280])
def test_report_fits_a_phones_width(browser: Any, report: tuple[Built, Path], width: int) -> None:
    """At 420 px the scorecard's six columns ran off the side and the pace chart's label,
    drawn inside the stretched SVG, was squeezed unreadable."""
    _, path = report
    context, page, _ = _open(browser, path)
    try:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        label = page.locator(".chart-label").first
        assert label.is_visible() and label.inner_text().startswith("wpm: band ")
        assert page.locator("svg.pace-chart text").count() == 0
        evidence = page.locator(".scorecard tr.criterion td").nth(4).bounding_box()
        assert evidence is not None and evidence["x"] + evidence["width"] <= width
    finally:
        context.close()
