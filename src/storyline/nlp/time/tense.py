"""Which way a date without a year points: the tense of the clause it dates.

A past "on Thursday" is the Thursday before the publication date, a future one the Thursday after;
"scheduled a news conference Thursday" and "agreed to leave on Thursday" look ahead whatever
their tense. The words that decide are rules/modality_verbs.tsv.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from storyline.nlp import lexicon


def modality(cls: str) -> frozenset[str]:
    """One class of rules/modality_verbs.tsv: "future-aux", "possibility-aux", "scheduling",
    "looking-ahead"."""
    return lexicon.word_class(cls, "modality_verbs.tsv")


def direction(doc: Doc | None, start: int, end: int) -> int:
    """-1 when the expression's clause is in the past, +1 in the future, 0 when the text does not say."""
    if doc is None:
        return 0
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return 0
    verb: Token = span.root
    if verb.dep_ in {"compound", "nmod", "amod", "poss"} and verb.head.pos_ in {"NOUN", "PROPN"}:
        return 0  # "under a June agreement": the noun's time, not the clause's
    for _ in range(4):
        if verb.pos_ in {"VERB", "AUX"}:
            break
        if verb.head.i == verb.i:
            break
        verb = verb.head
    if verb.pos_ not in {"VERB", "AUX"}:
        return 0
    return tense(verb)


def verb_above(token: Token) -> Token | None:
    """The nearest verb above a token, at most four steps up."""
    head = token.head
    for _ in range(4):
        if head.i == token.i or head.head.i == head.i and head.pos_ not in {"VERB", "AUX"}:
            return None
        if head.pos_ in {"VERB", "AUX"}:
            return head
        token, head = head, head.head
    return None


def tense(verb: Token, depth: int = 0) -> int:
    auxes = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    words = {a.lower_ for a in auxes}
    scheduling = modality("scheduling")
    if words & modality("future-aux") or ("going" in words and "to" in words):
        return 1
    if any(a.tag_ == "TO" for a in auxes):
        # "is scheduled to close Monday" looks ahead; "were to accede on Friday" looks back
        governor = verb.head
        looking_ahead = governor.lemma_ in scheduling or governor.lemma_ in modality("looking-ahead")
        if looking_ahead or governor.i == verb.i or depth >= 2:
            return 1  # "planned to leave on Thursday", "hopes to finish by Friday"
        return -1 if tense(governor, depth + 1) < 0 else 1
    if verb.tag_ in {"VBN", "VBG"} and not auxes:
        # a participle takes the tense of the clause it hangs on: "Elian was found Thanksgiving Day
        # clinging to a tube"; "a service planned for Saturday was canceled"
        outer = verb_above(verb)
        if outer is not None and depth < 2 and (found := tense(outer, depth + 1)):
            return found
        if verb.tag_ == "VBN":
            return 1 if verb.lemma_ in scheduling else -1
    if verb.lemma_ in scheduling and "had" not in words:
        return 1  # "scheduled a news conference Thursday", "is expected in December"
    if any(a.tag_ == "VBD" for a in auxes) or words & {"has", "have", "had"}:
        return -1  # "was found", "has said"
    if verb.tag_ == "VBD":
        return -1
    return 0  # present
