"""When a quote was said: the date its attribution, its paragraph or the story around it states.

A date inside the quoted words dates what the speaker talks about ("our night together in 1991"),
never the statement, so only dates outside quotes count. In order of trust: a date in the
attribution's sentence; one earlier in the quote's paragraph; the time of the same speaker's
quote just before (a statement continued); the last date of the paragraph before. Nothing else:
no time when the text gives none. A date found by the paragraph rules must also be recent (within
RECENT of the publication date): a paragraph's date years back is background ("they married in
2009"), not when the next quote was said; in the attribution's own sentence, an older date counts
only right after the cue or at the sentence's start ("he said in 2009", "In 2009, he told"; not
"who has chaired the board since 2020, said", nor "she wrote beside a photo of their 2009 wedding").
A date in an aside about the speaker ("X, who resigned last month, said") is the aside's, and the
paragraph rules pass over a date attached to a noun that is no statement or filing ("a change of
tone from March, when ...", "Wednesday's ceremony"): that dates the thing, not the next quote.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta

from storyline.intervals import DATING, granularity, interval
from storyline.model import TimeValue, Timex
from storyline.nlp import lexicon
from storyline.nlp.quotes import Finding
from storyline.nlp.sentences import Sentences

RECENT = timedelta(days=183)
_ASIDES = frozenset({"relcl", "acl", "appos"})  # a clause or phrase about a noun, not the statement
_OCCASIONS = lexicon.word_list("occasion_nouns.txt") | lexicon.word_list("statement_nouns.txt")
CUE_REACH = 25  # an older date dates the statement right after its cue or opening its sentence


def _occasion(noun) -> bool:
    """A noun that names a statement, where it was made or what it was written in ("statement",
    "interview", "op-ed", "complaint")."""
    return noun.lower_ in _OCCASIONS or noun.lemma_.lower() in _OCCASIONS


def _subjects(cue) -> set[int]:
    """The cue's subjects with their conjuncts and appositions: who speaks."""
    out: set[int] = set()
    for child in cue.children:
        if child.dep_ in {"nsubj", "nsubjpass"}:
            out |= {child.i, *(c.i for c in child.conjuncts)}
            out |= {c.i for c in child.children if c.dep_ == "appos"}
    return out


def quote_times(
    findings: list[Finding],
    timexes: list[Timex],
    sentences: Sentences,
    paragraph_starts: list[int],
    quoted: list[tuple[int, int]],
    published: date | None = None,
) -> list[TimeValue | None]:
    def outside(t: Timex) -> bool:
        return not any(s <= t.start and t.end <= e for s, e in quoted)

    dating = [
        t for t in timexes if t.type in {"DATE", "TIME"} and granularity(t.value) in DATING and outside(t)
    ]

    doc = sentences.doc

    def root_of(t: Timex):
        span = doc.char_span(t.start, t.end, alignment_mode="expand")
        return span.root if span is not None and len(span) else None

    def aside(t: Timex, cue=None) -> bool:
        """In a clause or phrase about a noun that is no statement ("X, who resigned last month,
        said"; not "a statement issued on Monday"); in the attribution's sentence, only one about
        the cue's subject, the speaker: a date of the noun, not of what was said."""
        token = root_of(t)
        while token is not None and token.head.i != token.i:
            if token.dep_ in _ASIDES:
                noun = token.head
                if _occasion(noun):
                    return False
                return cue is None or noun.i in _subjects(cue)
            token = token.head
        return False

    def of_a_noun(t: Timex) -> bool:
        """Attached to a noun that is no statement ("a sharp change of tone from March", "Monday's
        vote"; not "an interview on Monday"): outside the attribution's own sentence, a date of
        that thing, not of what was said next."""
        root = root_of(t)
        if root is None or root.head.i == root.i:
            return False
        head = root.head
        while head.dep_ == "prep" and head.head.i != head.i:
            head = head.head
        return head.pos_ in {"NOUN", "PROPN"} and not _occasion(head)

    def background(t: Timex) -> bool:
        return aside(t) or of_a_noun(t)

    def recent(t: Timex) -> bool:
        days = interval(t.value)
        return published is None or days is None or days[1] >= published - RECENT

    def paragraph(char: int) -> int:
        return max(0, bisect_right(paragraph_starts, char) - 1)

    out: list[TimeValue | None] = []
    previous: tuple[Finding, TimeValue | None] | None = None
    for f in findings:
        value: Timex | None = None
        if f.cue is not None:
            sent = sentences.of(f.cue)
            cue_end = f.cue.idx + len(f.cue.text)
            value = next(
                (
                    t
                    for t in dating
                    if sent.start_char <= t.start < sent.end_char
                    and (recent(t) or 0 <= t.start - cue_end <= CUE_REACH or t.start - sent.start_char <= 3)
                    and not aside(t, f.cue)
                ),
                None,
            )
        here = paragraph(f.start)
        if value is None:
            value = next(
                (
                    t
                    for t in reversed(dating)
                    if paragraph(t.start) == here and t.start < f.start and recent(t) and not background(t)
                ),
                None,
            )
        time = TimeValue(value.value, granularity(value.value)) if value else None
        if time is None and previous is not None:
            before, before_time = previous
            if before.speaker is f.speaker and f.speaker is not None and here - paragraph(before.start) <= 1:
                time = before_time
        if time is None and here > 0:
            last = next(
                (
                    t
                    for t in reversed(dating)
                    if paragraph(t.start) == here - 1 and recent(t) and not background(t)
                ),
                None,
            )
            time = TimeValue(last.value, granularity(last.value)) if last else None
        out.append(time)
        previous = (f, time)
    return out
