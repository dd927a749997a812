"""Rendered interview answers with known fillers, pauses and pace (issue 2 acceptance set).

Twelve answers, several espeak-ng voices and speeds, 45 known fillers mixing filled
pauses and discourse fillers, inserted pauses of 0.5–2.4 s, and non-filler uses of
"like" and "so" that must not be counted; two more sets (HELDOUT, FRESH) never used for
tuning. Used by the tests (a subset) and by ``scripts/measure_analyze.py`` (all of it);
:mod:`voicesim.testing.matching` scores a result against their truth.
"""

from __future__ import annotations

from dataclasses import dataclass

from voicesim.testing.speech import Composition, Fill, FillerKind, Gap, Piece, Say, compose

D: FillerKind = "discourse"


@dataclass(frozen=True)
class Answer:
    """One answer of the set: its pieces and how to render them."""

    name: str
    voice: str
    wpm: int
    pieces: tuple[Piece, ...]

    def render(self) -> Composition:
        """Render with half a second of silence before and after, as a recording has."""
        return compose([Gap(0.5), *self.pieces, Gap(0.5)], voice=self.voice, wpm=self.wpm)


ANSWERS: tuple[Answer, ...] = (
    Answer("migration", "en-us", 150, (
        Say("I led the migration of our billing system to a new platform"), Fill("um"),
        Say("and it took about three months"), Gap(0.8),
        Fill("you know", D), Say("the hardest part was the data"), Fill("uh"),
        Say("because nobody had documented the old tables"), Fill("hmm"),
        Say("so we wrote the documents first"),
    )),
    Answer("conflict", "en-gb", 140, (
        Fill("so", D), Gap(0.4), Say("there was a conflict in my team about the release date"),
        Fill("erm"), Say("two engineers wanted to wait"), Gap(1.2),
        Say("and I really like the team so I listened to both of them"), Fill("uh"),
        Say("and we agreed on a smaller first release"),
    )),
    Answer("strength", "en-us", 170, (
        Say("my main strength is that I stay calm under pressure"), Fill("um"),
        Say("when our site went down last year"), Fill("like", D),
        Say("I was the one who organised the response"), Fill("hmm"), Gap(0.6),
        Say("and we were back online within an hour"), Fill("basically", D),
        Say("without losing any orders"),
    )),
    Answer("weakness", "en-gb-scotland", 160, (
        Say("a weakness of mine is public speaking"), Fill("uh"),
        Say("it looks like a small thing"), Gap(0.9), Fill("I mean", D),
        Say("it used to stop me from sharing ideas"), Fill("um"),
        Say("so I joined a speaking club and it helped a lot"),
    )),
    Answer("failure", "en-us-nyc", 150, (
        Say("the project failed because we misjudged the scope"), Fill("er"),
        Say("we promised too much to the client"), Fill("basically", D),
        Say("we had no buffer at all"), Gap(2.4), Fill("um"),
        Say("now I always plan a margin for surprises"), Fill("uh"),
        Say("and I tell the client early"),
    )),
    Answer("leadership", "en-029", 150, (
        Say("I coached a junior developer for six months"), Fill("uh"),
        Say("she was shy at first"), Fill("you know", D),
        Say("but she grew very quickly"), Fill("hmm"), Gap(0.7),
        Say("today she leads her own small team"), Fill("um"),
        Say("and I am proud of her"),
    )),
    Answer("deadline", "en-gb-x-rp", 130, (
        Fill("well", D), Gap(0.4), Say("the deadline moved forward by two weeks"), Fill("um"),
        Say("so we cut the scope and kept the quality"), Gap(1.0),
        Say("it was so tight that we met every morning"), Fill("ah"),
        Say("and we delivered on the new date"), Fill("you know", D),
        Say("without any overtime"),
    )),
    Answer("motivation", "en-us", 190, (
        Say("what motivates me is solving real problems for users"), Fill("um"),
        Say("I really enjoy support tickets"), Fill("like", D),
        Say("they show me what is broken"), Gap(0.8), Fill("uh"),
        Say("and that tells me what to build next"), Fill("er"),
        Say("it keeps me close to the people we serve"),
    )),
    Answer("teamwork", "en-gb", 170, (
        Say("in my last job I worked with designers every day"), Fill("erm"),
        Say("we shared a board with all the tasks"), Fill("kind of", D),
        Say("like a small studio"), Gap(1.5), Fill("um"),
        Say("and it made hand offs much easier"), Fill("uh"),
        Say("for everyone involved"),
    )),
    Answer("mistake", "en-us-nyc", 140, (
        Say("I once deleted a production table by mistake"), Fill("uh"),
        Say("I told my manager right away"), Gap(0.6), Fill("I mean", D),
        Say("hiding it would have been worse"), Fill("mm"),
        Say("we restored it from the backup in ten minutes"),
    )),
    Answer("priorities", "en-gb-scotland", 180, (
        Say("I sort tasks by impact and urgency"), Fill("um"),
        Say("each morning I pick three things"), Fill("actually", D),
        Say("only three"), Gap(1.1), Fill("uh"),
        Say("and I protect time for them in my calendar"), Fill("um"),
        Say("the rest can wait"),
    )),
    Answer("why_us", "en-029", 160, (
        Fill("so", D), Gap(0.4),
        Say("I want to join because your product helps small shops"), Fill("er"),
        Say("my parents ran a shop"), Fill("you know", D),
        Say("and I saw how hard the paperwork was"), Gap(0.9), Fill("hmm"),
        Say("I would like to fix that"),
    )),
)  # fmt: skip

HELDOUT: tuple[Answer, ...] = (
    Answer("h_budget", "en-gb-x-gbclan", 155, (
        Say("our budget was cut in half during the second quarter"), Fill("um"),
        Say("so I had to choose which features to keep"), Gap(0.9), Fill("you know", D),
        Say("the customers only used a few of them"), Fill("uh"),
        Say("so the choice was easier than it looked"),
    )),
    Answer("h_feedback", "en-us+f3", 165, (
        Fill("well", D), Gap(0.5), Say("I ask for feedback after every project"), Fill("hmm"),
        Say("sometimes it hurts a little"), Fill("um"), Gap(0.7),
        Say("but it makes my next plan much better"), Fill("I mean", D),
        Say("nobody sees their own blind spots"),
    )),
    Answer("h_learning", "en-gb-x-gbcwmd", 135, (
        Say("last spring I had to learn a new database quickly"), Fill("uh"),
        Say("I read the manual every evening"), Fill("like", D),
        Say("for two whole weeks"), Gap(1.3), Fill("erm"),
        Say("then I rebuilt our reports with it"), Fill("um"),
        Say("and they ran ten times faster"),
    )),
    Answer("h_customer", "en-us+m3", 185, (
        Say("an angry customer called me on a friday night"), Fill("um"),
        Say("his shop could not take payments"), Fill("basically", D),
        Say("our update had broken his card reader"), Gap(0.8), Fill("uh"),
        Say("I rolled it back within twenty minutes"), Fill("hmm"),
        Say("and I called him again the next morning"),
    )),
    Answer("h_goals", "en-gb", 200, (
        Say("in five years I hope to lead a product team"), Fill("er"),
        Say("I enjoy planning with engineers"), Fill("you know", D),
        Say("and talking to the people who use the product"), Gap(1.0), Fill("um"),
        Say("I would like to grow into that role here"),
    )),
    Answer("h_pressure", "en-029", 140, (
        Say("during a big launch our servers ran out of memory"), Fill("uh"),
        Say("I stayed calm and split the work"), Fill("actually", D),
        Say("everyone knew their part"), Gap(0.6), Fill("um"),
        Say("we fixed it before the press release went out"), Fill("ah"),
        Say("and the launch went well"),
    )),
    Answer("h_change", "en-us-nyc", 175, (
        Fill("so", D), Gap(0.4), Say("when our company changed its whole process"), Fill("um"),
        Say("many people felt lost"), Fill("kind of", D),
        Say("I wrote a short guide for my team"), Gap(1.1), Fill("uh"),
        Say("and it looks like they still use it today"),
    )),
    Answer("h_hiring", "en-gb-scotland", 145, (
        Say("I helped hire four engineers last year"), Fill("mm"),
        Say("I like to give people a real task"), Fill("um"),
        Say("instead of puzzles on a whiteboard"), Gap(0.9), Fill("I mean", D),
        Say("it shows how they really work"), Fill("erm"),
        Say("and it is fairer to them"),
    )),
)  # fmt: skip
"""A second set with other sentences, voices (two voice variants) and speeds, never used
to tune the filler detector's thresholds: the check that they were not fitted to ANSWERS."""


FRESH: tuple[Answer, ...] = (
    Answer("f_vendor", "en-us+m3", 150, (
        Say("we had a vendor who kept missing delivery dates"), Fill("um"),
        Say("so I set up a weekly call with their lead"), Gap(0.8), Fill("you know", D),
        Say("just to see the risks early"), Fill("uh"),
        Say("after a month they were on time again"))),
    Answer("f_hire", "en-gb-scotland", 165, (
        Say("the hardest hire I made was a senior architect"), Fill("er"),
        Say("we interviewed twelve people"), Fill("basically", D),
        Say("before we found the right one"), Gap(1.0), Fill("um"),
        Say("she has stayed with us for three years"))),
    Answer("f_budget", "en-029", 145, (
        Fill("well", D), Gap(0.4), Say("I manage a budget of two million a year"), Fill("uh"),
        Say("and I review it with finance every month"), Fill("hmm"), Gap(0.7),
        Say("that way there are no surprises at the end"))),
    Answer("f_remote", "en-gb-x-rp", 175, (
        Say("my team works across three time zones"), Fill("um"),
        Say("we write everything down"), Fill("I mean", D),
        Say("decisions and meeting notes and plans"), Gap(1.2), Fill("er"),
        Say("it keeps everyone on the same page"))),
    Answer("f_quality", "en-us-nyc", 160, (
        Say("quality dropped after we doubled the team"), Fill("uh"),
        Say("so I paired new people with experienced ones"), Fill("like", D),
        Say("for their first six weeks"), Gap(0.9), Fill("um"),
        Say("and the number of bugs fell by half"))),
    Answer("f_pivot", "en-us+f3", 185, (
        Say("we changed our product strategy last autumn"), Fill("hmm"),
        Say("I explained the reasons to every team"), Fill("actually", D),
        Say("in small groups"), Gap(0.6), Fill("uh"),
        Say("people accepted it faster than I expected"))),
    Answer("f_coach", "en-gb-x-gbclan", 140, (
        Fill("so", D), Gap(0.4), Say("one of my engineers wanted to become a manager"), Fill("um"),
        Say("I gave him a small project to lead"), Gap(1.1), Fill("erm"),
        Say("and we talked about it every friday"))),
    Answer("f_risk", "en-gb", 155, (
        Say("before a launch I list the top five risks"), Fill("uh"),
        Say("each one gets an owner"), Fill("kind of", D),
        Say("and a plan if it happens"), Gap(0.8), Fill("um"),
        Say("it has saved us more than once"))),
)  # fmt: skip
"""A third set, written in the second session to test a decode change (a short filler
prompt, rejected: no better here) before anything was tuned on it. It showed that
faster-whisper splits a hyphenated word ("high-right" → "high", "-right"), which
counted one word twice; fixed in transcribe.join_pieces."""

SETS: dict[str, tuple[Answer, ...]] = {"main": ANSWERS, "held-out": HELDOUT, "fresh": FRESH}

SMALL = ("migration", "conflict", "weakness", "deadline")
"""The subset the test suite runs (the script runs everything)."""


def answers(names: tuple[str, ...] | None = None, *, set_name: str = "main") -> list[Answer]:
    """The answers of SETS[set_name] with these names (all if None), in set order."""
    return [a for a in SETS[set_name] if names is None or a.name in names]
