"""Paired spoken answers for the scorer's acceptance: the same question answered well
(concise, circumstances → actions → results, numbers, "we") and badly (rambling,
filler-heavy, hedging, no numbers), plus ablations of one good answer.

Used by ``tests/unit/test_scoring_speech.py``; ``scripts/measure_scoring.py`` prints the
measured scores.
"""

from __future__ import annotations

from dataclasses import dataclass

from voicesim.testing.speech import Composition, Fill, FillerKind, Gap, Piece, Say, compose

D: FillerKind = "discourse"


@dataclass(frozen=True)
class Pair:
    """A question id with a good and a bad answer, as pieces to render."""

    qid: str
    good: tuple[Piece, ...]
    bad: tuple[Piece, ...]


def sentences(*texts: str, gap: float = 0.35) -> tuple[Piece, ...]:
    """Each text as one spoken piece, with a short breath between them."""
    out: list[Piece] = []
    for text in texts:
        if out:
            out.append(Gap(gap))
        out.append(Say(text))
    return tuple(out)


def render(pieces: tuple[Piece, ...], wpm: int = 150) -> Composition:
    """Render with half a second of silence around, as a recording has."""
    return compose([Gap(0.5), *pieces, Gap(0.5)], voice="en-us", wpm=wpm)


PAIRS: tuple[Pair, ...] = (
    Pair(
        "mgr-achievements-biggest",
        sentences(
            "When I took over the regional sales team, we were losing about ten clients a month.",
            "I decided to meet every key account in person, and we set up a weekly review of "
            "open deals with the whole team.",
            "We also introduced a simple onboarding checklist for new clients.",
            "As a result, my team cut churn from nine percent to four percent within two "
            "quarters, and revenue grew by twenty percent that year.",
            "I learned that a small routine that the whole team owns beats a big plan.",
        ),
        (
            Say("Well"),
            Fill("um"),
            Say("I think my biggest achievement was basically"),
            Fill("uh"),
            Say("sort of the work I was doing at my old job"),
            Fill("um"),
            Say(
                "where I was kind of responsible for a lot of things and I was doing a lot of "
                "different things and"
            ),
            Fill("you know", D),
            Say("I was really working hard on all of that and it was kind of good I guess"),
            Fill("um"),
            Say(
                "and I think people liked it and I was working on it for a long "
                "time and it was basically a good thing for me"
            ),
            Fill("uh"),
            Say("and I think that is probably my biggest achievement"),
        ),
    ),
    Pair(
        "mgr-problems-conflict-in-team",
        sentences(
            "Last year two senior engineers on my team disagreed about the release process, and "
            "the deadline was at risk.",
            "I met each of them separately, then we held one joint meeting where we agreed on "
            "clear owners for each step.",
            "As a result, we shipped the release on time, and the number of failed deploys fell "
            "by half over the next three months.",
            "I learned to bring a conflict into the open early instead of waiting.",
        ),
        (
            Say("So"),
            Fill("um"),
            Say("there was sort of a conflict once I think"),
            Fill("uh"),
            Say("between some people and it was kind of about the process and"),
            Fill("um"),
            Say("they were basically arguing about it for a long time and"),
            Fill("you know", D),
            Say("I was sort of trying to stay out of it"),
            Fill("uh"),
            Say("and they kept arguing and it was really not great and I guess"),
            Fill("um"),
            Say("in the end it kind of worked out somehow and things were fine I think"),
        ),
    ),
    Pair(
        "exec-project-unsuccessful",
        sentences(
            "Two years ago we were building a billing platform for our largest client, and it "
            "was falling behind the deadline.",
            "Having realized that we would miss the date, I immediately organized a series of "
            "meetings with everyone on the project, and we told the client frankly.",
            "We cut the scope to the three features they needed first and delivered them only "
            "two weeks late, which saved about forty thousand dollars in penalties.",
            "I learned to report risks to the client early, and since then I review every "
            "deadline weekly.",
        ),
        (
            Say("Well"),
            Fill("um"),
            Say("there was this project which was sort of a mess"),
            Fill("uh"),
            Say("and basically it was not really working and"),
            Fill("um"),
            Say("people were kind of doing their own thing and"),
            Fill("you know", D),
            Say("it was really hard to get anything done and I guess it just kind of failed"),
            Fill("uh"),
            Say("and the client was not happy and things like that and"),
            Fill("um"),
            Say("I think it was sort of just one of those projects"),
        ),
    ),
    Pair(
        "mgr-goals-sales-one-week",
        sentences(
            "I would start with the data: which ten clients are closest to a purchase this week.",
            "Then we would split them across the team, give each person a short call script "
            "and a discount valid for five days, and hold a fifteen minute check-in every "
            "morning.",
            "I would track the daily numbers on one dashboard, and move people to the deals "
            "that move.",
            "With that plan my team raised weekly sales by twelve percent in a similar push "
            "last spring.",
        ),
        (
            Say("Well"),
            Fill("um"),
            Say("I think I would sort of try to motivate people"),
            Fill("uh"),
            Say("and basically tell them that they need to sell more and"),
            Fill("um"),
            Say("kind of control what they are doing and"),
            Fill("you know", D),
            Say("make sure that they are really working hard on it and"),
            Fill("uh"),
            Say("I guess I would just keep pushing them and see what happens and"),
            Fill("um"),
            Say("I think that would probably work somehow"),
        ),
    ),
    Pair(
        "mgr-failures-missed-target",
        sentences(
            "In my last job our team missed the quarterly sales target by fifteen percent.",
            "I went through every lost deal with the team, and we found that most of them "
            "stalled at the pricing stage.",
            "So we introduced a pricing review with finance within forty eight hours, and in "
            "the next quarter we closed thirty percent more of those deals.",
            "I learned to look at where deals stall, not only at the total.",
        ),
        (
            Say("So"),
            Fill("um"),
            Say("I guess we kind of missed the target once"),
            Fill("uh"),
            Say("and it was basically because of the market and things like that and"),
            Fill("um"),
            Say("the sales people were sort of not really doing enough and"),
            Fill("you know", D),
            Say("I think there was not much that could be done about it"),
            Fill("uh"),
            Say("and it was kind of a bad time for everybody and"),
            Fill("um"),
            Say("so I guess that was it basically"),
        ),
    ),
    Pair(
        "exec-strengths-proof",
        sentences(
            "My strongest skill is turning around teams that are behind plan.",
            "At my previous company our service desk was answering only sixty percent of "
            "tickets within a day.",
            "I introduced a triage rota and we built a shared knowledge base together.",
            "Within four months the team answered ninety five percent of tickets within a day, "
            "and customer satisfaction rose from three point two to four point five.",
        ),
        (
            Say("Well"),
            Fill("um"),
            Say("I think my strengths are basically my determination"),
            Fill("uh"),
            Say("and my analytical mindset and"),
            Fill("um"),
            Say("I am sort of a workaholic really and"),
            Fill("you know", D),
            Say("I can solve any issue that comes up and I guess people kind of know that"),
            Fill("uh"),
            Say("and I am really a hard worker and things like that and"),
            Fill("um"),
            Say("I think that is basically it"),
        ),
    ),
)

ABLATION_QID = "mgr-achievements-biggest"


def with_ten_fillers(pieces: tuple[Piece, ...]) -> tuple[Piece, ...]:
    """The same answer with ten filled pauses added between phrases of four to six words."""
    out: list[Piece] = []
    added = 0
    kinds = ("um", "uh")
    for piece in pieces:
        if not isinstance(piece, Say):
            out.append(piece)
            continue
        words = piece.text.split()
        cut = len(words) // 2
        if added < 10 and len(words) >= 8:
            out += [Say(" ".join(words[:cut])), Fill(kinds[added % 2])]
            added += 1
            out.append(Say(" ".join(words[cut:])))
        else:
            out.append(piece)
    while added < 10:
        position = 2 * added + 1
        out.insert(min(position, len(out)), Fill(kinds[added % 2]))
        added += 1
    return tuple(out)


def with_blame(pieces: tuple[Piece, ...]) -> tuple[Piece, ...]:
    """The same answer with a sentence that blames the former employer."""
    blame = Say(
        "Honestly, my previous employer was a total mess, the management there was useless "
        "and they never listened to anyone."
    )
    return (*pieces[:2], blame, Gap(0.35), *pieces[2:])
