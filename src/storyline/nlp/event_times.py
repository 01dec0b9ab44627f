"""When each event happened, which quotes express it, and through which outlet.

An event takes the date of its own clause; inside a quotation, the quote's frame (its own dates,
else the time the statement was made); else the date the discourse carries (the last date given
in this or the previous paragraph, or the time of the last quote there); else a bound from the
publication date ("before 2018-01-26"). A clause introduced by "after" or "since" happened before
its main clause's time, one introduced by "before" or "until" after it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from datetime import date

from spacy.tokens import Token

from storyline.model import TimeValue, Timex
from storyline.nlp import lexicon
from storyline.nlp.events import EventFinding
from storyline.nlp.paths import governing_verb, is_document_noun
from storyline.nlp.quotes import Finding
from storyline.nlp.timexes import granularity

_POINTS = {"day", "week", "month", "quarter", "season", "year", "decade", "century", "time"}
SPEECH_ACTS = frozenset({"support", "denial", "accusation", "apology", "statement"})
_CHANNEL_HEADS = frozenset(
    {"statement", "interview", "post", "op-ed", "letter", "article", "appearance", "video"}
)
_MAX_PARAGRAPHS_BACK = 1


def _value(t: Timex) -> TimeValue:
    """An event is dated by day: "Friday night" (2021-11-04TNI) is 2021-11-04."""
    g = granularity(t.value)
    if g == "time" and len(t.value) >= 10:
        return TimeValue(t.value[:10], "day")
    return TimeValue(t.value, g)


def event_times(
    events: list[EventFinding],
    timexes: list[Timex],
    quotes: list[Finding],
    quote_times: dict[int, TimeValue | None],
    paragraph_starts: list[int],
    dct: date | None,
) -> list[TimeValue | None]:
    """One time (or None) per event; `quote_times` maps id(quote finding) to its time."""
    points = [t for t in timexes if t.type in {"DATE", "TIME"} and granularity(t.value) in _POINTS]
    quotes = sorted(quotes, key=lambda q: q.start)

    def paragraph(char: int) -> int:
        return max(0, bisect_right(paragraph_starts, char) - 1) if paragraph_starts else 0

    def in_a_quote(t: Timex) -> Finding | None:
        return next((q for q in quotes if q.kind != "indirect" and q.start <= t.start < q.end), None)

    frame_of = {id(t): in_a_quote(t) for t in points}  # once per article, not once per event

    out: list[TimeValue | None] = []
    for ev in events:
        lo, hi = ev.sentence
        frame = ev.quote if ev.quote is not None and ev.quote.kind != "indirect" else None
        own = [t for t in points if lo <= t.start < hi and frame_of[id(t)] is frame]
        if ev.type in SPEECH_ACTS:  # "alleging that he ... in 2021": the content's date is not the act's
            own = [t for t in own if not _in_content(ev.trigger, t.start)]
        if own:
            # a date in the trigger's own clause beats a nearer one in a conjoined clause:
            # "founded Tern in 2012 and resigned as chief executive in April"
            mine = [t for t in own if _in_clause(ev.trigger, t.start)] or own
            nearest = min(mine, key=lambda t: min(abs(t.start - ev.start), abs(t.end - ev.start)))
            subtree = ev.trigger.head if ev.order else ev.trigger
            inside = subtree.left_edge.idx <= nearest.start <= subtree.right_edge.idx
            value = _value(nearest)
            out.append(
                TimeValue(value.value, value.granularity, _mod(ev.order))
                if ev.order and not inside
                else value
            )
            continue
        if frame is not None and quote_times.get(id(frame)) is not None:
            said = quote_times[id(frame)]
            # "We were married, divorced": before the statement; "I apologize": when it is made
            trigger = ev.trigger
            before = trigger.tag_ == "VBD" or (
                trigger.tag_ == "VBN" and not any(c.dep_ == "auxpass" for c in trigger.children)
            )
            before = before or any(c.lower_ in {"have", "has", "had"} for c in trigger.children)
            out.append(TimeValue(said.value, said.granularity, "BEFORE") if before else said)
            continue
        outside = [t for t in points if frame_of[id(t)] is None]
        carried = _carried(lo, outside, quotes, quote_times, paragraph)
        if carried is not None:
            out.append(TimeValue(carried.value, carried.granularity, _mod(ev.order)) if ev.order else carried)
        elif dct is not None and ev.modality == "asserted":
            out.append(TimeValue(dct.isoformat(), "day", "BEFORE"))
        else:
            out.append(None)
    return out


def _in_clause(trigger: Token, char: int) -> bool:
    """Whether a character lies in the trigger's clause, leaving out clauses conjoined to it."""
    head = trigger if trigger.pos_ in {"VERB", "AUX"} else governing_verb(trigger) or trigger.head
    if not head.left_edge.idx <= char < head.right_edge.idx + len(head.right_edge):
        return False
    return not any(
        c.left_edge.idx <= char < c.right_edge.idx + len(c.right_edge)
        for c in head.children
        if c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"}
    )


def _in_content(trigger: Token, char: int) -> bool:
    """Whether a character lies in what a speech act says (its clausal complement)."""
    return any(
        c.left_edge.idx <= char < c.right_edge.idx + len(c.right_edge)
        for c in trigger.children
        if c.dep_ in {"ccomp", "xcomp"}
    )


def _mod(order: str | None) -> str | None:
    return {"before": "BEFORE", "after": "AFTER"}.get(order or "")


def _carried(
    start: int,
    outside: list[Timex],
    quotes: list[Finding],
    quote_times: dict[int, TimeValue | None],
    paragraph: Callable[[int], int],
) -> TimeValue | None:
    """The last date outside quotations, or quote time, before `start`, at most a paragraph back."""
    here = paragraph(start)
    candidates = [
        (t.start, _value(t))
        for t in outside
        if t.start < start and here - paragraph(t.start) <= _MAX_PARAGRAPHS_BACK
    ]
    candidates += [
        (q.start, when)
        for q in quotes
        if (when := quote_times.get(id(q))) is not None
        and q.start < start
        and here - paragraph(q.start) <= _MAX_PARAGRAPHS_BACK
    ]
    best = max(candidates, key=lambda c: c[0], default=None)
    return best[1] if best else None


def link_quotes(events: list[EventFinding], quotes: list[Finding]) -> list[list[Finding]]:
    """The quotes each event is expressed in: the one around its trigger; those of its agent in its
    sentence; for a statement-like event, its agent's quotes that follow it, until someone else
    speaks or the agent's next event ("Kimora defended her ex ... 'I add my voice ...'")."""
    out: list[list[Finding]] = []
    ordered = sorted(quotes, key=lambda q: q.start)
    for k, ev in enumerate(events):
        agents = {c.id for c in ev.args.get("agent", [])}
        linked: list[Finding] = []
        if ev.quote is not None:
            linked.append(ev.quote)
        lo, hi = ev.sentence
        for q in ordered:
            if lo <= q.start < hi and q.speaker is not None and q.speaker.id in agents and q not in linked:
                linked.append(q)
        if ev.type in SPEECH_ACTS and ev.quote is None and agents:
            later = [
                e.start
                for e in events[k + 1 :]
                if e.quote is None and agents & {c.id for c in e.args.get("agent", [])}
            ]
            stop = min(later, default=None)
            for q in ordered:
                if q.start < hi or (stop is not None and q.start >= stop):
                    continue
                if q.speaker is None or q.speaker.id not in agents:
                    break
                if q not in linked:
                    linked.append(q)
        out.append(linked)
    return out


def channel_of(ev: EventFinding, linked: list[Finding]) -> str | None:
    """The outlet the event's own sentence names ("an article for The Hollywood Reporter", "in a
    statement to E! News", "on Instagram"), else the channel of the quotes that express it."""
    doc = ev.trigger.doc
    sent = doc.char_span(*ev.sentence, alignment_mode="expand")
    platforms = lexicon.word_list("platforms.txt")
    index = doc._.entity_index
    for prep in sent or ():
        # "an article for The Hollywood Reporter", however the parser attached the name
        if prep.lower_ in {"for", "to", "with", "in"} and prep.head.lemma_.lower() in _CHANNEL_HEADS | {
            "article"
        }:
            nxt = doc[prep.i + 1] if prep.i + 1 < len(doc) else None
            hit = index.at(nxt) if index is not None and nxt is not None else None
            if hit is not None and hit[0].type == "ORG":
                return hit[0].name
    for token in sent or ():
        if token.dep_ != "pobj" or token.head.lower_ not in {"for", "to", "on", "via", "with", "in"}:
            continue
        if ev.quote is None and any(q.start <= token.idx < q.end for q in linked if q.kind != "indirect"):
            continue
        holder = token.head.head
        name = doc[token.left_edge.i : token.i + 1].text
        if token.text in platforms and token.head.lower_ in {"on", "via"}:
            return token.text
        if (holder.lemma_.lower() in _CHANNEL_HEADS or is_document_noun(holder)) and name[:1].isupper():
            return name.removeprefix("the ").strip()
    for q in linked:
        if q.channel:
            return q.channel
    return None
