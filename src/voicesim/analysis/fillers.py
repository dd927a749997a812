"""Stage: words → fillers. Whisper's tokens classified in context (SPEC §1).

"um"/"uh" and their spellings always; "like", "you know", "I mean", "so"/"well", "kind of"…
only where they carry no content ("I like the team" and "it looks like rain" are not
fillers). The fillers Whisper never wrote are found in the signal: ``filled_pauses``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from voicesim.results import Filler, FillerKind, Word
from voicesim.text import is_filled_pause, plain

_ALWAYS = {"basically", "actually", "literally"}
_LIKE_VERB_BEFORE = {
    "i", "you", "we", "they", "he", "she", "would", "wouldn't", "i'd", "we'd", "you'd",
    "really", "don't", "didn't", "doesn't", "do", "does", "did", "to", "also", "always",
    "might", "will", "still", "people", "who", "not", "never",
}  # fmt: skip
_LIKE_SEEM = {
    "look", "looks", "looked", "looking", "seem", "seems", "seemed", "sound", "sounds",
    "sounded", "feel", "feels", "felt",
}  # fmt: skip
"""'it looks like rain': the verb's "like"; it can end a clause before a comma ('what good
looked like, so …')."""
_LIKE_PREP_BEFORE = _LIKE_SEEM | {
    "something", "things", "anything", "nothing", "more", "much", "just", "exactly", "stuff",
    "tools", "languages", "be", "is", "was",
}  # fmt: skip
_OBJECTS = {"it", "them", "him", "her", "me", "us"}
_LIKE_PREP_AFTER = _OBJECTS | {
    "a", "an", "the", "this", "that", "these", "those", "my", "your", "our", "their", "his",
    "its", "python", "what",
}  # fmt: skip
_LIKE_PRONOUN_AFTER = {"yours", "mine", "ours", "theirs", "hers", "ones"}
"""'companies like yours': "like" is a preposition before a pronoun that stands alone."""
_LIKE_HEDGED = {
    "really", "so", "very", "totally", "super", "just", "literally", "basically", "actually",
    "honestly", "completely", "absolutely", "maybe", "kinda", "pretty", "almost", "about",
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twenty",
    "thirty", "forty", "fifty", "hundred", "hundreds", "thousand", "thousands", "half",
}  # fmt: skip
"""'it was like really hard', 'I was like so nervous', 'it took like three months': before an
intensifier or an amount "like" is a hedge, also after "was"/"is"/"looks" (where "it was
like a dream" keeps its meaning). A number in digits counts the same."""
_NOT_PLURAL = {
    "always", "sometimes", "perhaps", "besides", "unless", "whereas", "towards", "afterwards",
    "says", "goes", "gets", "takes", "makes", "does", "has", "was", "means", "thinks", "knows",
    "guess", "yes", "thanks",
}  # fmt: skip
"""Words ending in "s" that are not plural nouns, besides _LIKE_SEEM's (adverbs, third-person
verbs: "he says like, whatever" keeps its filler)."""
_LIKE_AS = {"said", "say", "says", "mentioned", "discussed", "explained", "told", "planned"}
"""'like I said', 'like we discussed': "like" means "as" before a subject and one of these."""
_SUBJECTS = {"i", "we", "you", "they", "he", "she"}
_QUOTES = {'"', "“", "'", "‘"}
_LIKE_CLAUSE = _SUBJECTS | {
    "there", "and", "but", "or", "if", "when", "because", "um", "uh",
}  # fmt: skip
"""Words that open a clause. "Like" at a phrase's start (after a comma or a sentence's end)
is a filler before them ("…, like we had no plan") and introduces an example or a likeness
before anything else ("Like duplication of effort.", "…we should change, like make the sign
bigger", "The data, like the old ones, was wrong"; "Like it or not" is the verb; "ups and
downs, like everybody" compares).
"""
_YOU_KNOW_NOT_AFTER = {
    "do", "did", "does", "don't", "didn't", "if", "what", "how", "as", "would", "know",
    "think", "hope", "believe", "assume", "let", "everything", "anything", "something",
    "whatever", "people", "someone", "somebody", "that",
}  # fmt: skip
"""'I know you know the product', 'as you know', 'I'll let you know', 'everything you know',
'show that you know the process':
after these "know" is the verb. A
determiner after it does not tell: "you know the hardest part was the data" is a filler
(the rendered main set's, which Whisper writes without a comma)."""
_YOU_KNOW_OBJECT = {"that", "what", "how", "who", "where", "why", "him", "her", "it", "them"}
_KIND_NOUN_BEFORE = {
    "what", "this", "that", "a", "the", "some", "any", "which", "every", "one", "my", "our",
    "your", "his", "her", "their", "its", "same", "different", "new", "other", "another",
    "right", "wrong", "similar", "certain", "particular", "specific", "special", "best",
    "worst", "first", "last", "only", "whole", "each", "whatever", "usual", "main", "exact",
}  # fmt: skip
"""'a different kind of project': after a determiner or an adjective, "kind" is the noun."""
_VERB_BEFORE = {"to", "will", "would", "can", "could", "may", "might", "should", "must", "not"}
_VERB_FILLERS = {"err", "hum"}
"""'to err', 'the engine would hum': spelled as fillers, verbs after a modal or "to"."""


_SEPARATED = (",", ".", "?", "!", ";", ":")
"""A token ending in one of these was written apart from the next: "Um, uh," are two
fillers however close Whisper put them."""


def transcript_fillers(
    words: Sequence[Word], *, pause_after_s: float = 0.3, joins_split: bool = True
) -> tuple[list[Word], list[Filler]]:
    """Mark filler tokens in context; return the words (filler flag set) and the fillers.

    A two-word filler ("you know") becomes one Filler spanning both words. With
    ``joins_split``, filled-pause tokens Whisper split from one sound (touching, nothing
    written between them: "M", ".M.") are one filler; a written answer (``score``), whose
    words are laid end to end, passes False: there "um um" is two.
    """
    toks = [plain(w.text) for w in words]
    out = list(words)
    fillers: list[Filler] = []
    i = 0
    while i < len(words):
        span, kind = _classify(words, toks, i, pause_after_s, joins_split)
        if span:
            for j in range(i, i + span):
                out[j] = replace(words[j], filler=True)
            text = " ".join(toks[i : i + span])
            fillers.append(
                Filler(text, words[i].start, words[i + span - 1].end, kind, "transcript")
            )
            i += span
        else:
            i += 1
    return out, fillers


def _classify(
    words: Sequence[Word], toks: list[str], i: int, pause_after_s: float, joins_split: bool
) -> tuple[int, FillerKind]:
    """(number of tokens, kind) of a filler starting at token i, or (0, _)."""
    tok = toks[i]
    prev = toks[i - 1] if i > 0 else ""
    nxt = toks[i + 1] if i + 1 < len(toks) else ""
    comma_after = words[i].text.rstrip().endswith((",", "...", "-"))
    if is_filled_pause(tok) and not (tok in _VERB_FILLERS and prev in _VERB_BEFORE):
        # Whisper sometimes splits one "mm" into touching tokens ("M", ".M."): one filler.
        span = 1
        while joins_split and i + span < len(toks) and is_filled_pause(toks[i + span]):
            before = words[i + span - 1]
            if words[i + span].start - before.end > 0.05 or before.text.endswith(_SEPARATED):
                break
            span += 1
        return span, "filled_pause"
    if tok in _ALWAYS:
        return 1, "discourse"
    if tok == "like" and _like_is_filler(words, toks, i):
        return 1, "discourse"
    if tok == "you" and nxt == "know" and _you_know_is_filler(words, toks, i):
        return 2, "discourse"
    if tok == "i" and nxt == "mean" and prev not in {"what", "do", "did", "if"}:
        after = toks[i + 2] if i + 2 < len(toks) else ""
        if after not in {"it", "that", "to", "what", "you"} or words[i + 1].text.endswith(","):
            return 2, "discourse"
    if tok in {"kind", "sort"} and nxt == "of" and prev not in _KIND_NOUN_BEFORE:
        return 2, "discourse"
    if tok in {"so", "well"} and _opens_sentence(words, i):
        # "Well," is always a discourse marker, and so is an answer's opening "So,";
        # later a "So" counts only when a pause or filler follows ("So… um, I think"),
        # since "So I hired two people" carries content.
        gap = words[i + 1].start - words[i].end if i + 1 < len(words) else 1.0
        first_of_answer = i == 0 and comma_after
        if (tok == "well" and comma_after) or first_of_answer:
            return 1, "discourse"
        if gap >= pause_after_s or is_filled_pause(nxt):
            return 1, "discourse"
    return 0, "discourse"


def _like_is_filler(words: Sequence[Word], toks: list[str], i: int) -> bool:
    """Whether the "like" at ``i`` is the SPEC's filler, by its neighbours, first rule first:
    a quotation after it (a word: it introduces what was said); a comma after it (filler); a
    subject or a plural noun before it (the verb, or an example: "I like", "skills like
    negotiation"); a hedge before an intensifier or an amount ("was like really hard", "like
    20 people"); "like I said"; at a phrase's start, a filler only before a clause; after
    "looks"/"is"/"something"… or an object ("treat it like a game"), a likeness; before a
    name, an object pronoun or a determiner, a preposition; anything else a filler."""
    prev = toks[i - 1] if i > 0 else ""
    nxt = toks[i + 1] if i + 1 < len(toks) else ""
    if i + 1 < len(words) and words[i + 1].text[:1] in _QUOTES:
        return False  # 'answers like, "It wasn't my fault"': a quotation follows
    if words[i].text.endswith(","):  # a filler, but not ending "what good looked like,"
        return prev not in _LIKE_SEEM
    opens = _opens_sentence(words, i) or words[i - 1].text.rstrip().endswith(",")
    if (prev in _LIKE_VERB_BEFORE or _plural_noun(prev)) and not opens:
        return False
    if nxt == "so" and (i + 2 >= len(words) or words[i + 1].text.rstrip().endswith((".", "?"))):
        return False  # "do it like so."
    if nxt in _LIKE_HEDGED or nxt[:1].isdigit():
        return True
    after = toks[i + 2] if i + 2 < len(toks) else ""
    if nxt in _SUBJECTS and after in _LIKE_AS:
        return False
    if opens:  # after a comma or a sentence's end: a clause follows a filler, an example not
        return nxt in _LIKE_CLAUSE
    if prev in _LIKE_PREP_BEFORE or prev in _OBJECTS:  # "fall into it like quicksand"
        return False
    # A name after it ("vendors like Acme"): Whisper capitalises names, not a filler's next
    # word, except after a sentence's end or for "I".
    named = i + 1 < len(words) and words[i + 1].text[:1].isupper() and nxt != "i"
    if named and not words[i].text.rstrip().endswith((".", "?", "!")):
        return False
    return nxt not in _LIKE_PREP_AFTER and nxt not in _LIKE_PRONOUN_AFTER


def _plural_noun(tok: str) -> bool:
    """A word that looks like a plural noun ("problems", "skills", "companies"): "like"
    after it gives an example ("skills like negotiation") or is the verb ("my colleagues like
    working here"), a filler in neither. By its ending, less the words ending so that are
    not plural nouns."""
    return (
        len(tok) >= 4
        and tok.endswith("s")
        and not tok.endswith(("ss", "us", "is", "'s"))
        and tok not in _NOT_PLURAL
        and tok not in _LIKE_SEEM
    )


def _you_know_is_filler(words: Sequence[Word], toks: list[str], i: int) -> bool:
    prev = toks[i - 1] if i > 0 else ""
    after = toks[i + 2] if i + 2 < len(toks) else ""
    apart = i > 0 and words[i - 1].text.rstrip().endswith(_SEPARATED)  # "I think, you know,"
    if prev in _YOU_KNOW_NOT_AFTER and not apart:
        return False
    if words[i + 1].text.rstrip().endswith((",", ".", "?", "!")) or not after:
        return True
    return after not in _YOU_KNOW_OBJECT


def _opens_sentence(words: Sequence[Word], i: int) -> bool:
    return i == 0 or words[i - 1].text.rstrip().endswith((".", "?", "!"))
