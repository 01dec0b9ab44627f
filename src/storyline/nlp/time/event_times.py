"""When each event happened, which quotes express it, and through which outlet.

An event's time comes from its own evidence first (a wrong date on a timeline line is worse than
a bound): a date in the trigger's own clause (not in a clause it governs or is conjoined to, and
for a noun trigger in its phrase or, when it is the object or subject of a verb, that verb's
clause: "filed a lawsuit on Monday"); inside a quotation, the quote's frame (its own dates, else
the time the statement was made). Where its own clause gives no time at all, the story around it
may: the next sentence detailing the same speaker's act ("During the rally Monday, the former
president said"); the speaker's last act of the type, for one named again ("the criticism");
the lede's event, for the sentence after the lede; the body's recent date of the same act, for
the lede; the publication day, for an act about or after what happened that day; for an event
the article reports more than once, the date another report of it gives ("Cruz endorsed Trump
on Friday ... his endorsement"). Else, for an asserted event, a bound from the publication date
("before 2018-01-26"); nothing for a hedged one, and for a negated one only a past date its own
clause gives ("refused to endorse him at the convention in July": July's refusal), never a bound. A clause
introduced by "after" or "since" happened before its main clause's time, one introduced by
"before" or "until" after it; "nine days after" moves the main clause's date by nine days. An
asserted event is never dated after the publication date.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from datetime import date, timedelta

from spacy.tokens import Token

from storyline.intervals import COARSE, POINTS, granularity, interval
from storyline.model import TimeValue, Timex
from storyline.nlp import lexicon
from storyline.nlp.events import HEADLINE_TOKENS, EventFinding
from storyline.nlp.paths import ENDING, children, is_document_noun
from storyline.nlp.quotes import Finding
from storyline.nlp.sentences import sentences_of


def words(key: str) -> frozenset[str]:
    """One row of rules/event_times.tsv: event types ("once", "speech") or words ("soon", ...)."""
    return lexicon.word_class(key, "event_times.tsv")


def once_types() -> frozenset[str]:
    """Event types that happen once to the same people in one story (rules/event_times.tsv)."""
    return words("once")


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
    dct: date | None,
) -> list[TimeValue | None]:
    """One time (or None) per event; `quote_times` maps id(quote finding) to its time."""
    points = [t for t in timexes if t.type in {"DATE", "TIME"} and granularity(t.value) in POINTS]
    quotes = sorted(quotes, key=lambda q: q.start)

    def in_a_quote(t: Timex) -> Finding | None:
        return next((q for q in quotes if q.kind != "indirect" and q.start <= t.start < q.end), None)

    frame_of = {id(t): in_a_quote(t) for t in points}  # once per article, not once per event

    out: list[TimeValue | None] = []
    by_own_date: set[int] = set()  # the events a date of their own sentence dates
    for ev in events:
        lo, hi = ev.sentence
        frame = ev.quote if ev.quote is not None and ev.quote.kind != "indirect" else None
        own = [t for t in points if lo <= t.start < hi and frame_of[id(t)] is frame]
        if ev.type in words("speech"):  # "alleging that he ... in 2021": the content's date is not the act's
            own = [t for t in own if not _in_content(ev.trigger, t.start)]
        own = [t for t in own if not _dates_another_noun(ev.trigger, t.start)]
        if own:
            mine = [t for t in own if _in_clause(ev.trigger, t.start, ev.type)]
            last = _token_at(ev.trigger, ev.end - 1)
            if not mine and last is not None and last.i > ev.trigger.i and last.head.i == ev.trigger.i:
                # "found Harrow guilty on Jan. 27": the date hangs on the phrase's own last word
                mine = [t for t in own if _in_clause(last, t.start)]
            if not mine and _shares_subject(ev.trigger):
                # "apologized on Thursday ... and announced that he was stepping down": one subject's
                # acts told together, the second undated, are the first's day
                mine = [t for t in own if _in_clause(ev.trigger.head, t.start)]
            clause = _clause_head(ev.trigger, ev.type)
            if not mine and ev.order and clause.head.i != clause.i:
                # "shortly after Jarosik filed ..., Storm resigned on Monday": a bound from the main clause
                mine = [t for t in own if _in_clause(clause.head, t.start, ev.type)]
            if mine:
                nearest = _nearest(mine, ev)
                # the ordered clause itself: "after filing suit" is the clause of "after"
                subtree = _clause_head(ev.trigger, ev.type)
                subtree = subtree.head if subtree.dep_ == "pcomp" else subtree
                inside = subtree.left_edge.idx <= nearest.start <= subtree.right_edge.idx
                value = _value(nearest)
                dated = value
                if ev.order and not inside:
                    shift = _offset(ev, timexes)  # "nine days after the Ledger published": exactly
                    moved = _shifted(value, shift, ev.order) if shift else None
                    dated = moved or TimeValue(value.value, value.granularity, _mod(ev.order))
                by_own_date.add(len(out))
                out.append(_not_after(dated, ev, dct))
                continue
            near = [t for t in own if _attached(ev.trigger, t.start)]
            if near and not ev.order:
                # "penned an article for the Reporter accusing him", however the parser hung it
                value = _value(_nearest(near, ev))
                by_own_date.add(len(out))
                out.append(_not_after(value, ev, dct))
                continue
            reported = [t for t in own if _in_reporting_clause(ev.trigger, t.start)]
            topic = _topic_verb(ev.trigger)
            if not reported and topic is not None and ev.modality == "asserted":
                # "spoke out Tuesday about the death of ...", "thanked Trump on Wednesday for backing
                # his bill": what a dated act is about happened before it
                reported = [t for t in own if _in_clause(topic, t.start)]
            if reported and ev.modality == "asserted" and _ongoing(ev.trigger):
                by_own_date.add(len(out))
                out.append(_not_after(_value(_nearest(reported, ev)), ev, dct))
                continue
            if reported and ev.modality == "asserted" and (_past(ev.trigger) or topic is not None):
                # "Okoro told reporters on Monday that Petrie had resigned": before Monday
                said = _value(_nearest(reported, ev))
                out.append(TimeValue(said.value, said.granularity, "BEFORE"))
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
        out.append(None)
    # the story around an event dates it only where its own clause gives no time at all: "Over
    # the past few days, Cruz signaled ..." is not the next sentence's Wednesday
    by_start = sorted(timexes, key=lambda t: t.start)
    starts = [t.start for t in by_start]
    free = {k for k, ev in enumerate(events) if out[k] is None and not _has_own_time(ev, by_start, starts)}
    _continued_statements(events, out, by_own_date, free)
    _lede_detailed(events, out, by_own_date, free)
    _about_today(events, out, points, dct, free)
    _repeated_statements(events, out, free)
    _simultaneous_events(events, out)
    _anaphoric_dates(events, out)
    _share_dates(events, out)
    _headline_dates(events, out)
    _lede_dates(events, out, dct, free)
    for k, ev in enumerate(events):  # hedged: "would consider naming him": no bound, it has not happened
        if ev.modality == "negated" and not (k in by_own_date and _past_date(out[k], dct)):
            # "refused to disclose them until Thursday", "won't testify Friday": what did not happen
            # has no date, nor a bound; but "refused to endorse him at the convention in July" is
            # July's refusal
            out[k] = None
        elif out[k] is None and dct is not None and ev.modality == "asserted":
            out[k] = TimeValue(dct.isoformat(), "day", "BEFORE")
    return out


def _past_date(value: TimeValue | None, dct: date | None) -> bool:
    """A date with no bound that ends before the publication day (or any, with no publication date)."""
    if value is None or value.mod:
        return False
    span = interval(value.value)
    return dct is None or (span is not None and span[1] < dct) or value.value[:10] == dct.isoformat()


_DURATION = re.compile(r"P(\d+)([DWMY])")


def _offset(ev: EventFinding, timexes: list[Timex]) -> tuple[int, str] | None:
    """ "nine days after ...", "two weeks before ...": the distance the text gives between an
    ordered clause and its main clause (a duration ending at the clause's "after" or "before")."""
    clause = _clause_head(ev.trigger, ev.type)
    marks = [c for c in clause.children if c.dep_ == "mark" and c.lower_ in {"after", "before"}]
    if clause.dep_ == "pcomp" and clause.head.lower_ in {"after", "before"}:
        marks.append(clause.head)
    for mark in marks:
        for t in timexes:
            found = _DURATION.fullmatch(t.value) if t.type == "DURATION" else None
            if found and t.start < mark.idx + len(mark.text) and mark.idx - t.end <= 1:
                return int(found[1]), found[2]
    return None


def _shifted(value: TimeValue, shift: tuple[int, str], order: str) -> TimeValue | None:
    """The main clause's date moved by the distance: a day by days or weeks, a month by months."""
    n, unit = shift
    sign = -1 if order == "before" else 1
    if unit in {"D", "W"} and value.granularity == "day":
        day = date.fromisoformat(value.value[:10]) + sign * timedelta(days=n * (7 if unit == "W" else 1))
        return TimeValue(day.isoformat(), "day")
    if unit == "M" and value.granularity in {"day", "month"}:
        months = int(value.value[:4]) * 12 + int(value.value[5:7]) - 1 + sign * n
        return TimeValue(f"{months // 12:04d}-{months % 12 + 1:02d}", "month")
    if unit == "Y" and value.granularity in {"day", "month", "year"}:
        return TimeValue(f"{int(value.value[:4]) + sign * n:04d}", "year")
    return None


def _nearest(timexes: list[Timex], ev: EventFinding) -> Timex:
    return min(timexes, key=lambda t: min(abs(t.start - ev.start), abs(t.end - ev.start)))


_OTHER_CLAUSES = frozenset({"ccomp", "advcl", "relcl", "acl", "csubj", "parataxis", "conj"})
_ARGUMENT_OF_VERB = frozenset({"dobj", "nsubj", "nsubjpass", "attr", "oprd"})


def _clause_head(trigger: Token, type_: str = "") -> Token:
    """The token whose clause dates the event: the verb trigger itself; for a noun trigger, the
    verb it is the direct argument of ("filed a lawsuit Monday"), or, for a statement, the verb
    of the phrase that frames it ("said in a statement Thursday"); else the noun's own phrase."""
    if trigger.pos_ in {"VERB", "AUX"}:
        return trigger
    if trigger.dep_ in _ARGUMENT_OF_VERB and trigger.head.pos_ in {"VERB", "AUX"}:
        # "filed a lawsuit Monday" is the lawsuit's Monday; "settled the lawsuit in August" is not
        return trigger if trigger.head.lemma_ in ENDING else trigger.head
    prep = trigger.head
    if (
        type_ in words("speech")
        and trigger.dep_ == "pobj"
        and prep.lower_ in words("framing")
        and prep.head.pos_ in {"VERB", "AUX"}
    ):
        return prep.head
    return trigger


def _simultaneous(clause: Token) -> bool:
    """A clause that happens at its governing clause's time: "as the opposition accused him",
    "when she penned a column", "filed papers on Friday, accusing Storm", "penned an article
    accusing him", "published an exposé in which the two were accused"."""
    if clause.dep_ not in {"advcl", "relcl", "xcomp", "acl"} or clause.head.i == clause.i:
        return False
    if clause.dep_ == "relcl" and is_document_noun(clause.head):
        return True
    if any(c.dep_ in {"mark", "advmod"} and c.lower_ in words("simultaneous") for c in clause.children):
        return True
    return clause.tag_ == "VBG" and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in clause.children)


def _shares_subject(trigger: Token) -> bool:
    """A verb conjoined to the verb before it with no subject of its own ("apologized ... and
    announced"): the same person's acts in one clause."""
    return (
        trigger.pos_ == "VERB"
        and trigger.dep_ == "conj"
        and trigger.head.pos_ == "VERB"
        and trigger.tag_ == trigger.head.tag_
        and not any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in trigger.children)
    )


def _reaches(token: Token, head: Token, trigger: Token) -> bool:
    """Walking up from `token` meets `head` without crossing another clause, except one that
    modifies a noun trigger itself ("a lawsuit filed on Monday")."""
    while token.i != head.i:
        if token.head.i == token.i:
            return False
        modifies_trigger = token.head.i == trigger.i and token.dep_ in {"acl", "relcl"}
        if token.dep_ in _OTHER_CLAUSES and not modifies_trigger:
            return False
        token = token.head
    return True


def _token_at(trigger: Token, char: int) -> Token | None:
    span = trigger.doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _in_clause(trigger: Token, char: int, type_: str = "") -> bool:
    """Whether a character lies in the trigger's own clause, or in the clause a simultaneous
    clause of the trigger hangs on; not in a clause it governs or is conjoined to ("said that he
    resigned in 2019": 2019 is the resignation's, not the statement's; "sued the man who attacked
    her in 2019")."""
    token = _token_at(trigger, char)
    if token is None:
        return False
    head = _clause_head(trigger, type_)
    for _ in range(3):
        if _reaches(token, head, trigger):
            return True
        if not _simultaneous(head):
            return False
        head = head.head
        while head.pos_ not in {"VERB", "AUX"} and head.head.i != head.i:
            head = head.head  # "in May, when she penned": the clause of "May"
    return False


_SEPARATE = frozenset({"ccomp", "conj", "relcl", "parataxis", "csubj", "advcl"})


def _attached(trigger: Token, char: int) -> bool:
    """A date of the sentence that the parse does not put in another clause: the tree path
    from the trigger to it crosses no reported content, conjoined, relative or adverbial clause,
    and a noun trigger is not the topic of another noun ("comments Tuesday on the death")."""
    token = _token_at(trigger, char)
    if token is None:
        return False
    up = [trigger]
    while up[-1].head.i != up[-1].i:
        up.append(up[-1].head)
    mine = {t.i: n for n, t in enumerate(up)}
    path = [token]
    while path[-1].i not in mine and path[-1].head.i != path[-1].i:
        path.append(path[-1].head)
    if path[-1].i not in mine:
        return False
    rise = up[: mine[path[-1].i]]  # the trigger's side, below the common ancestor
    if any(t.dep_ in _SEPARATE or _infinitive(t) for t in rise + path[:-1]):
        return False  # "denied on Monday a motion to dismiss the indictment": not Monday's
    if len(rise) > 1 and _topic_verb(trigger) is not None:
        return False  # what a dated act is about: "thanked him on Wednesday for backing the bill"
    if trigger.dep_ in _ARGUMENT_OF_VERB and trigger.head.lemma_ in ENDING:
        return False  # "settled the lawsuit in August": the settlement's August
    if trigger.pos_ in {"NOUN", "PROPN"}:
        return not any(t.dep_ == "prep" and t.head.pos_ in {"NOUN", "PROPN"} for t in rise)
    return True


def _topic_verb(trigger: Token) -> Token | None:
    """The verb whose act a noun or gerund trigger is the topic of ("spoke out about the death")."""
    prep = trigger.head
    if trigger.dep_ not in {"pobj", "pcomp"} or prep.lower_ not in words("topic"):
        return None
    verb = prep.head
    return verb if verb.pos_ in {"VERB", "AUX"} and verb.i != trigger.i else None


_NOUN_MODIFIERS = frozenset({"compound", "amod", "nummod", "poss"})


def _dates_another_noun(trigger: Token, char: int) -> bool:
    """A date that modifies a noun other than the trigger is that thing's date: "an article
    founded upon his 1995 tax return" is not dated 1995."""
    token = _token_at(trigger, char)
    if token is None:
        return False
    while token.head.i != token.i and token.head.ent_type_ in {"DATE", "TIME"} and token.head.i != trigger.i:
        token = token.head  # the top of the date phrase
    if token.dep_ not in _NOUN_MODIFIERS:
        return False
    noun = token.head
    while noun.dep_ in _NOUN_MODIFIERS and noun.i != trigger.i and noun.head.i != noun.i:
        noun = noun.head  # "a 2014 Senate hearing": the hearing's
    if noun.i == trigger.i or noun.pos_ not in {"NOUN", "PROPN"} or noun.ent_type_ in {"DATE", "TIME"}:
        return False
    clause = _clause_head(trigger)
    if noun.head.i in {clause.i, trigger.i} and noun.dep_ in _ARGUMENT_OF_VERB:
        return False  # "published her 2003 book", "whose 1972 song was written"
    prep = noun.head
    framing = noun.dep_ == "pobj" and prep.lower_ in words("framing")
    return not (framing and prep.head.i in {clause.i, trigger.i})  # "praised him in a 2019 interview"


def _infinitive(t: Token) -> bool:
    """ "a motion to dismiss", "plans to sue": a clause of what is wanted, not done then."""
    return t.dep_ in {"acl", "xcomp", "advcl"} and any(c.tag_ == "TO" for c in t.children)


def _in_reporting_clause(trigger: Token, char: int) -> bool:
    """Whether a character dates the speech act whose content holds the trigger."""
    head = _clause_head(trigger)
    if head.dep_ != "ccomp" or head.head.i == head.i:
        return False
    speech = head.head
    token = _token_at(trigger, char)
    is_speech = bool(lexicon.cue_verbs().get(speech.text))
    if token is None or not is_speech:
        return False
    if _reaches(token, speech, speech):
        return True
    return _shares_subject(speech) and _reaches(token, speech.head, speech)  # "apologized Monday and said"


def _ongoing(trigger: Token) -> bool:
    """A progressive in reported content ("announced that he was stepping down", "said she is
    resigning"): under the sequence of tenses, it happens when it is told."""
    auxes = {c.lower_ for c in trigger.children if c.dep_ == "aux"}
    return trigger.tag_ == "VBG" and bool(auxes & words("progressive"))


def _past(trigger: Token) -> bool:
    """Reported as past: "resigned", "had resigned", "was charged", "filed a lawsuit"; not "is
    scheduled to begin", "will be sentenced", nor a noun with no verb of its own."""
    verb = trigger if trigger.pos_ in {"VERB", "AUX"} else _clause_head(trigger)
    if verb.pos_ not in {"VERB", "AUX"}:
        return False
    auxes = {c.lower_ for c in verb.children if c.dep_ in {"aux", "auxpass"}}
    if verb.tag_ == "VBD":
        return True
    return verb.tag_ == "VBN" and bool(auxes & {"had", "has", "have", "was", "were", "'d"})


def _not_after(value: TimeValue, ev: EventFinding, dct: date | None) -> TimeValue:
    """An asserted event reported as past is not dated after publication ("on Friday" read
    forward by mistake): it gets the publication bound instead."""
    if dct is None or ev.modality != "asserted" or value.mod:
        return value
    past = _past(ev.trigger)
    if past and value.value[:10] > dct.isoformat() and value.value[:4].isdigit():
        return TimeValue(dct.isoformat(), "day", "BEFORE")
    return value


def _agents(ev: EventFinding) -> set[str]:
    return {c.id for c in ev.args.get("agent", [])}


def _has_own_time(ev: EventFinding, timexes: list[Timex], starts: list[int]) -> bool:
    """Whether a time expression of any kind ("over the past few days", "for years") other than
    "now", which is the story's own time, lies in the event's own clause. `timexes` are sorted by
    start (`starts`), so only the sentence's own are looked at: linear in the article."""
    lo, hi = ev.sentence
    return any(
        t.value != "PRESENT_REF" and _in_clause(ev.trigger, t.start, ev.type)
        for t in timexes[bisect_left(starts, lo) : bisect_left(starts, hi)]
    )


def _undated_speech(ev: EventFinding, time: TimeValue | None) -> bool:
    """An asserted speech act in the narrative (not inside a quotation) that its own sentence does
    not date, with a known speaker: the acts the rules below may date from the story around it."""
    return (
        time is None
        and ev.type in words("speech")
        and ev.modality == "asserted"
        and ev.quote is None
        and bool(_agents(ev))
    )


def _continued_statements(
    events: list[EventFinding], times: list[TimeValue | None], own: set[int], free: set[int]
) -> None:
    """A speech act followed, in the next sentence, by the same speaker's speech act that its own
    clause dates is one occasion reported and then detailed: "Clinton criticized the law as a crazy
    system. During the rally Monday, the former president said ..." is Monday's criticism."""
    if not events:
        return
    sentences = sentences_of(events[0].trigger.doc)
    speech = words("speech")
    for k, ev in enumerate(events):
        if k not in free or not _undated_speech(ev, times[k]):
            continue
        after = sentences.index(ev.trigger.i) + 1
        dated = {
            times[j]
            for j in own
            if events[j].type in speech
            and events[j].modality == "asserted"
            and _agents(ev) & _agents(events[j])
            and sentences.index(events[j].trigger.i) == after
            and not times[j].mod
        }
        if len(dated) == 1:
            times[k] = dated.pop()


def _repeated_statements(events: list[EventFinding], times: list[TimeValue | None], free: set[int]) -> None:
    """A speech act named again by a definite or possessive noun ("the criticism", "his comments",
    "Trump's declaration", "her appearance") is the same speaker's last speech act, whatever its
    type ("accused the officer on Tuesday ... her comments"), and takes that act's date."""
    for k, ev in enumerate(events):
        trigger = ev.trigger
        if k not in free or not _undated_speech(ev, times[k]) or trigger.pos_ != "NOUN":
            continue
        if not any(c.dep_ == "poss" or c.lower_ in words("definite") for c in trigger.children):
            continue
        earlier = [
            j
            for j, other in enumerate(events)
            if other.start < ev.start
            and other.type in words("speech")
            and other.quote is None
            and _agents(ev) & _agents(other)
        ]
        last = max(earlier, key=lambda j: events[j].start, default=None)
        when = times[last] if last is not None else None
        if when is not None and not when.mod and events[last].modality == "asserted":
            times[k] = when


def _simultaneous_events(events: list[EventFinding], times: list[TimeValue | None]) -> None:
    """An event in a clause that happens at its governing clause's time takes the time of that
    clause's event, however that one was dated: "He made the criticism while showing support"; a
    participle on a noun that event's verb governs takes that verb's ("nine days after the Ledger
    published an investigation alleging that he ...": the day the investigation came out)."""
    heads = [_clause_head(ev.trigger, ev.type) for ev in events]
    by_head: dict[int, list[int]] = {}  # clause head -> its events, in list order
    for j, head in enumerate(heads):
        by_head.setdefault(head.i, []).append(j)
    for k, ev in enumerate(events):
        clause = heads[k]
        if times[k] is not None or ev.modality != "asserted" or not _simultaneous(clause):
            continue
        governor = clause.head  # "published an investigation alleging that ...": the verb of the noun
        while governor.pos_ not in {"VERB", "AUX"} and governor.head.i != governor.i:
            governor = governor.head
        for j in by_head.get(clause.head.i, ()) or by_head.get(governor.i, ()):
            when = times[j]
            if j != k and when is not None and not when.mod and events[j].modality == "asserted":
                times[k] = when
                break


def _lede(doc) -> int:
    """The index of the body's first sentence: after a headline (a short first paragraph of one
    sentence, as events.py tells a headline) the second paragraph opens the body."""
    opening = sentences_of(doc).of(doc[0])
    starts = doc._.paragraph_starts or [0]
    headline = len(starts) > 1 and opening.end_char <= starts[1] and len(opening) <= HEADLINE_TOKENS
    return 1 if headline else 0


def _lede_detailed(
    events: list[EventFinding], times: list[TimeValue | None], own: set[int], free: set[int]
) -> None:
    """The sentence after the lede details the lede's news: an event of the same type there, by
    the same agent or where one of the two names none, is the lede's event, dated by the lede's
    own clause ("An appeals court ruled Friday against the procedure. A three-judge panel of the
    Court of Appeals overruled a district judge's decision" is Friday's)."""
    if not events:
        return
    sentences = sentences_of(events[0].trigger.doc)
    lede = _lede(events[0].trigger.doc)
    for k, ev in enumerate(events):
        if k not in free or times[k] is not None or ev.modality != "asserted" or ev.quote is not None:
            continue
        if sentences.index(ev.trigger.i) != lede + 1:
            continue
        dated = {
            times[j]
            for j in own
            if events[j].type == ev.type
            and events[j].modality == "asserted"
            and sentences.index(events[j].trigger.i) == lede
            and not times[j].mod
            and (not _agents(ev) or not _agents(events[j]) or _agents(ev) & _agents(events[j]))
        }
        if len(dated) == 1:
            times[k] = dated.pop()


def _about_today(
    events: list[EventFinding],
    times: list[TimeValue | None],
    points: list[Timex],
    dct: date | None,
    free: set[int],
) -> None:
    """An act reported as past about what happened on the publication day, or after it, is of that
    day too, being after it and before publication: "Twenty-nine people were injured tonight by an
    explosion that the mayor described as an intentional act"."""
    if dct is None:
        return
    today = dct.isoformat()
    intros: dict[str, list[Token]] | None = None  # built once, for the first act that needs it
    for k, ev in enumerate(events):
        trigger = ev.trigger
        if k not in free or not _undated_speech(ev, times[k]) or not _past(trigger):
            continue
        if trigger.dep_ == "relcl" and trigger.head.pos_ in {"NOUN", "PROPN"}:
            # the noun is what the act is about, not who does it ("Christie, who has campaigned")
            subjects = [c for c in trigger.children if c.dep_ in {"nsubj", "nsubjpass"}]
            about = subjects and not any(c.tag_ in {"WDT", "WP"} for c in subjects)
            if about and _dated_today(trigger.head, points, today):
                times[k] = TimeValue(today, "day")
                continue
        intros = intros if intros is not None else _introduced(trigger.doc)
        _after_today(ev, k, times, points, today, intros)


def _after_today(
    ev: EventFinding,
    k: int,
    times: list[TimeValue | None],
    points: list[Timex],
    today: str,
    intros: dict[str, list[Token]],
) -> None:
    """ "Following initial reports of the explosion, Trump said ...": an act after what the story
    has dated on the publication day (a definite noun naming again what an earlier noun brought
    into the story on that day: "injured tonight by an explosion") is of that day."""
    clause = _clause_head(ev.trigger, ev.type)
    for prep in clause.children:
        if prep.dep_ != "prep" or prep.lower_ not in words("after"):
            continue
        for noun in prep.subtree:
            if noun.pos_ != "NOUN" or not any(c.lower_ in words("definite") for c in noun.children):
                continue
            if _mentioned_today(noun, points, today, intros):
                times[k] = TimeValue(today, "day")
                return


def _dated_today(noun: Token, points: list[Timex], today: str) -> bool:
    """Whether a date of the publication day in the noun's sentence dates the noun's phrase."""
    sent = sentences_of(noun.doc).of(noun)
    return any(
        sent.start_char <= t.start < sent.end_char and t.value[:10] == today and _attached(noun, t.start)
        for t in points
    )


def _introduced(doc) -> dict[str, list[Token]]:
    """The nouns that bring a new thing into the story ("an explosion"), by lemma, in text order."""
    found: dict[str, list[Token]] = {}
    for i in lexicon.positions(doc, frozenset(words("indefinite"))):  # the determiners, not every token
        det = doc[i]
        if det.dep_ == "det" and det.head.pos_ == "NOUN" and det.head not in found.get(det.head.lemma_, ()):
            found.setdefault(det.head.lemma_, []).append(det.head)
    return found


def _mentioned_today(noun: Token, points: list[Timex], today: str, intros: dict[str, list[Token]]) -> bool:
    """Whether the thing a definite noun names again ("the explosion") was brought into the story
    by an earlier noun ("an explosion") that a date of the publication day dates."""
    earlier = [t for t in intros.get(noun.lemma_, ()) if t.i < noun.i]
    return bool(earlier) and _dated_today(earlier[-1], points, today)


def _lede_dates(
    events: list[EventFinding], times: list[TimeValue | None], dct: date | None, free: set[int]
) -> None:
    """The body's first sentence sums up, as a headline does, the news the body then dates:
    "Christie described Clinton as a 'disgrace'" takes the date of "blasted Clinton as a 'disgrace'
    Wednesday" (the same type, agent and, when both name one, target), if that date is the news
    of the last days before publication (rules/event_times.tsv "lede-days"), not background."""
    if not events or dct is None:
        return
    sentences = sentences_of(events[0].trigger.doc)
    lede = _lede(events[0].trigger.doc)
    news = timedelta(days=int(min(words("lede-days"))))
    for k, ev in enumerate(events):
        if k not in free or times[k] is not None or ev.modality != "asserted" or not _agents(ev):
            continue
        if sentences.index(ev.trigger.i) != lede:
            continue
        targets = {c.id for c in ev.args.get("target", [])}
        for j, other in enumerate(events):
            when = times[j]
            other_targets = {c.id for c in other.args.get("target", [])}
            if (
                other.start <= ev.start
                or other.type != ev.type
                or other.modality != "asserted"
                or when is None
                or when.mod
                or when.granularity != "day"
                or not _agents(ev) & _agents(other)
                or (targets and other_targets and not targets & other_targets)
            ):
                continue
            day = date.fromisoformat(when.value[:10])
            if dct - news <= day <= dct:
                times[k] = when
            break


def _anaphoric_dates(events: list[EventFinding], times: list[TimeValue | None]) -> None:
    """Anchors the text gives by anaphora. "The post comes shortly after Jarosik filed a
    lawsuit": the filing is before the time of the post named earlier ("an Instagram post" in a
    dated sentence). "Shortly after the article was published, he stepped down": the resignation
    takes the month of the publication, itself dated by "an article" penned "that same month"."""
    for _ in range(2):  # an anchor may itself be dated by an anchor
        for k, ev in enumerate(events):
            if times[k] is not None:
                continue
            trigger = ev.trigger
            if ev.type in {"publication", "statement"}:
                for noun in [*children(trigger, {"nsubjpass", "dobj"}), trigger]:
                    when = _earlier_mention_date(noun, events, times)
                    if when is not None:  # "the article was published": the article penned that month
                        times[k] = when
                        break
                if times[k] is not None:
                    continue
            clause = _clause_head(trigger)
            if ev.order and clause.dep_ == "advcl":
                for subject in children(clause.head, {"nsubj"}):
                    when = _earlier_mention_date(subject, events, times)
                    if when is not None:
                        times[k] = TimeValue(when.value, when.granularity, _mod(ev.order))
                continue
            for clause in children(trigger if trigger.pos_ in {"VERB", "AUX"} else trigger.head, {"advcl"}):
                marks = {c.lower_ for c in clause.children if c.dep_ == "mark"}
                soon = {c.lower_ for c in clause.children if c.dep_ == "advmod"} & words("soon")
                soon |= {c.lower_ for c in clause.subtree if c.i < clause.i} & words("soon")
                if "after" not in marks or not soon:
                    continue
                inner = [
                    times[j]
                    for j, other in enumerate(events)
                    if j != k and other.trigger.i in {t.i for t in clause.subtree}
                ]
                inner += [_earlier_mention_date(n, events, times) for n in children(clause, {"nsubjpass"})]
                dated = [t for t in inner if t is not None and not t.mod and t.granularity in COARSE]
                if len(dated) == 1:
                    times[k] = dated[0]  # a month that holds the anchor holds what came shortly after


def _earlier_mention_date(noun: Token, events: list[EventFinding], times: list[TimeValue | None]):
    """A definite noun ("the post", "the article") that repeats a noun of an earlier dated event's
    sentence, at most two sentences back: that event's date."""
    if noun.pos_ != "NOUN" or not any(
        c.dep_ == "det" and c.lower_ in {"the", "this", "that"} for c in noun.children
    ):
        return None
    doc = noun.doc
    sentence = noun.sent
    earliest = sentence.start
    for _ in range(2):
        if earliest == 0:
            break
        earliest = doc[earliest - 1].sent.start
    for j in sorted(range(len(events)), key=lambda j: -events[j].start):
        other, when = events[j], times[j]
        if when is None or when.mod or other.start >= sentence.start_char:
            continue
        lo, hi = other.sentence
        if lo < doc[earliest].idx:
            break
        if any(
            t.lemma_ == noun.lemma_ and t.pos_ == "NOUN"
            for t in doc.char_span(lo, hi, alignment_mode="expand") or ()
        ):
            return when
    return None


def _share_dates(events: list[EventFinding], times: list[TimeValue | None]) -> None:
    """Reports of one real event in one article share its date: the same type (one that happens
    once to the same people: rules/event_times.tsv), the same agents and modality, and one date
    among the reports that give one."""
    kinds = once_types()
    by_key: dict[tuple, list[int]] = {}
    for k, ev in enumerate(events):
        agents = tuple(sorted(c.id for c in ev.args.get("agent", [])))
        if ev.type in kinds and agents and ev.modality == "asserted":
            by_key.setdefault((ev.type, agents), []).append(k)
    for members in by_key.values():
        dated = {times[k] for k in members if times[k] is not None and not times[k].mod}
        if len(dated) != 1:
            continue
        (value,) = dated
        targets = {k: {c.id for c in events[k].args.get("target", [])} for k in members}
        dated_targets = set().union(*(targets[k] for k in members if times[k] == value))
        for k in members:  # "Cruz's endorsement of Trump" is not dated by "Cruz endorsed Rubio"
            if times[k] is None and (not targets[k] or not dated_targets or targets[k] & dated_targets):
                times[k] = value


def _headline_dates(events: list[EventFinding], times: list[TimeValue | None]) -> None:
    """A headline sums up what the body reports: "Christie calls Clinton 'a disgrace'" takes the
    date of the body's first dated event of the same type by the same agent ("... blasted Clinton
    as a 'disgrace' Wednesday")."""
    for k, ev in enumerate(events):
        agents = {c.id for c in ev.args.get("agent", [])}
        if not ev.headline or times[k] is not None or not agents:
            continue
        for j, other in enumerate(events):
            when = times[j]
            if (
                other.headline
                or other.type != ev.type
                or not agents & {c.id for c in other.args.get("agent", [])}
            ):
                continue
            if when is not None and not when.mod and other.modality == ev.modality:
                times[k] = when
                break


def _in_content(trigger: Token, char: int) -> bool:
    """Whether a character lies in what a speech act says (its clausal complement)."""
    return any(
        c.left_edge.idx <= char < c.right_edge.idx + len(c.right_edge)
        for c in trigger.children
        if c.dep_ in {"ccomp", "xcomp"}
    )


def _mod(order: str | None) -> str | None:
    return {"before": "BEFORE", "after": "AFTER"}.get(order or "")


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
        if ev.type in words("speech") and ev.quote is None and agents:
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
        if prep.lower_ in words("head-preposition") and prep.head.lemma_.lower() in words("channel-head"):
            nxt = doc[prep.i + 1] if prep.i + 1 < len(doc) else None
            hit = index.at(nxt) if index is not None and nxt is not None else None
            if hit is not None and hit[0].type == "ORG":
                return hit[0].name
    for token in sent or ():
        if token.dep_ != "pobj" or token.head.lower_ not in words("outlet-preposition"):
            continue
        if ev.quote is None and any(q.start <= token.idx < q.end for q in linked if q.kind != "indirect"):
            continue
        holder = token.head.head
        name = doc[token.left_edge.i : token.i + 1].text
        if token.text in platforms and token.head.lower_ in {"on", "via"}:
            return token.text
        heads = words("channel-head")
        if (holder.lemma_.lower() in heads or is_document_noun(holder)) and name[:1].isupper():
            return name.removeprefix("the ").strip()
    for q in linked:
        if q.channel:
            return q.channel
    return None
