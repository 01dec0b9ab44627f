"""Contradictions: pairs of reported facts where one side affirms what the other denies.

A pair is shown only when both sides are about the same thing, because a wrong pair sends a
reader after a contradiction that is not there:
- a claim against someone (accusation, lawsuit, charge) and that person's denial, or a third
  party's defence of them ("defended", "stood by", "came to his defence": not any praise or
  endorsement), when the response answers that claim: in an article that reports both, it follows
  the claim closely (NEAR_CHARS) or names the claim it answers ("denied the allegations"), within
  the story's time (STORY_DAYS after the claim, never before it);
- an event that happens once to the same people (rules/event_times.tsv: a birth, a resignation, a
  charge; not a statement or a meeting, which recur) reported as happening and, with the same
  participants, as not happening, in one article or at overlapping dates;
- a claim one speaker's statement makes of a person and another speaker's statement that denies
  it: the same subject and predicate (nlp/claims.py: "he shouted at people" and "he never once
  raised his voice"), one affirmed and one negated, within the story's time (STORY_DAYS);
- a claim the entity's statement makes of a checkable thing (nlp/claims.py: "The logs were fake")
  and another speaker's statement that denies it ("categorically denies that any safety records
  were altered"), or the other way round: the same thing and act, within the story's time, and
  in articles of one story (STORY_ENTITIES), since "records were altered" is said of many
  unrelated records.
The event sides are event groups (store.event_groups): one line per real event, whatever the number of
articles that report it, and only lines at or above the timeline's confidence threshold.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date

from storyline.nlp import lexicon
from storyline.nlp.time.event_times import once_types
from storyline.query.common import DEFAULT_MIN_CONFIDENCE, EntityRef, EvidenceMaker, Result, resolve
from storyline.query.events import GroupData, read_groups
from storyline.query.timeline import (
    QUOTE_COLUMNS,
    TimelineEntry,
    as_shown,
    events_of,
    in_order,
    quote_entries,
    with_evidence,
)

CLAIMS = frozenset({"accusation", "lawsuit", "charge"})
# words of a support report that make it a defence against a claim, not praise or an endorsement
DEFENCE_WORDS = tuple(sorted(w.replace("_", " ") for w in lexicon.word_class("defence", "query_words.tsv")))
STORY_DAYS = 365  # a response more than this after its claim answers some other story
NEAR_CHARS = 600  # in one article, a response this close after its claim answers it
STORY_ENTITIES = 2  # two articles whose people and organisations, besides the two speakers, share
# this many tell of one story: a thing is not named, so its story is told by who is around it


@dataclass
class Contradiction(Result):
    kind: str
    affirmed: TimelineEntry
    denied: TimelineEntry


@dataclass
class Contradictions(Result):
    entity: EntityRef
    pairs: list[Contradiction]


def _agents(g: GroupData) -> set[int]:
    return {who for role, who in g.participants if role == "agent"}


def _others(g: GroupData) -> set[int]:
    return {who for role, who in g.participants if role != "agent"}


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text and len(text) >= 10 else None
    except ValueError:
        return None


def _first_published(g: GroupData) -> date | None:
    days = [d for r in g.reports if (d := _day(r.published))]
    return min(days) if days else None


def _in_story_time(claim: GroupData, response: GroupData) -> bool:
    """The response is not dated before the claim, nor more than STORY_DAYS after it."""
    c_start = _day(claim.date_start) if not claim.mod else None
    c_end = _day(claim.date_end) if not claim.mod else None
    r_start = _day(response.date_start) if not response.mod else None
    if c_start and r_start and r_start < c_start:
        return False
    if c_end and r_start and (r_start - c_end).days > STORY_DAYS:
        return False  # "34,000 people supported Trump" in 2016 does not answer a 1991 lawsuit
    c_pub, r_pub = _first_published(claim), _first_published(response)
    return not (c_pub and r_pub and abs((r_pub - c_pub).days) > STORY_DAYS)


def _answers(claim: GroupData, response: GroupData, defence: bool = False) -> bool:
    """In an article that reports both, the response follows the claim closely, or follows it and
    names the claim's type as what it answers ("denied the allegations"). For a defence, only its
    reports that defend answer: the same group's "endorsed him last week" answers nothing."""
    responding = [r for r in response.reports if not defence or _defends(r.trigger)]
    names_it = any(r.args.get("about") == claim.type for r in responding)
    for r in responding:
        for c in claim.reports:
            gap = r.sentence[0] - c.sentence[0]
            if r.article_id == c.article_id and gap >= 0 and (gap <= NEAR_CHARS or names_it):
                return _in_story_time(claim, response)
    return False


def _later(claim: GroupData, response: GroupData) -> bool:
    """The claim is dated (or bounded) after the response's time: it cannot be what it answers."""
    return bool(claim.date_start and response.date_end and claim.date_start > response.date_end)


def _distance(claim: GroupData, response: GroupData) -> tuple[int, int]:
    gaps = [
        r.sentence[0] - c.sentence[0]
        for r in response.reports
        for c in claim.reports
        if r.article_id == c.article_id and r.sentence[0] >= c.sentence[0]
    ]
    return (0, min(gaps)) if gaps else (1, 0)


def _defends(trigger: str) -> bool:
    return any(w in trigger.lower() for w in DEFENCE_WORDS)


def _is_defence(g: GroupData) -> bool:
    return any(_defends(r.trigger) for r in g.reports)


def _overlap(a: GroupData, b: GroupData) -> bool:
    if a.mod or b.mod or not (a.date_start and a.date_end and b.date_start and b.date_end):
        return False
    return a.date_start <= b.date_end and b.date_start <= a.date_end


def _pairs(groups: list[GroupData], entity_id: int) -> list[tuple[str, GroupData, GroupData]]:
    asserted = [g for g in groups if g.modality == "asserted"]
    claims = [g for g in asserted if g.type in CLAIMS and _others(g) and not _agents(g) & _others(g)]
    out: list[tuple[str, GroupData, GroupData]] = []
    for response in asserted:
        if response.type == "denial":
            kind = "accusation and denial"
            answered = [c for c in claims if _agents(response) & _others(c)]
        elif response.type == "support" and _agents(response) and _is_defence(response):
            kind = "accusation and defence"
            answered = [  # the defender is neither the one accused nor the accuser
                c
                for c in claims
                if _others(response) & _others(c) and not _agents(response) & (_others(c) | _agents(c))
            ]
        else:
            continue
        fitting = [
            c
            for c in answered
            if entity_id in _agents(c) | _others(c) | _agents(response)
            and _answers(c, response, defence=kind == "accusation and defence")
            and not _later(c, response)
        ]
        if fitting:  # the claim it answers: the nearest before it in an article with both
            out.append((kind, min(fitting, key=lambda c: _distance(c, response)), response))
    once = once_types() - {"support"}  # a statement, a meeting, a backing recur: not one event
    for negated in (g for g in groups if g.modality == "negated" and g.type in once and _agents(g)):
        for affirmed in asserted:
            same = affirmed.type == negated.type and affirmed.participants == negated.participants
            shared = {r.article_id for r in affirmed.reports} & {r.article_id for r in negated.reports}
            if (
                same
                and entity_id in _agents(affirmed) | _others(affirmed)
                and (shared or _overlap(affirmed, negated))
            ):
                out.append((f"{negated.type} affirmed and denied", affirmed, negated))
    return out


CLAIM_KIND = "claim and denial"


@dataclass(frozen=True)
class _Said:
    """One claim about the entity, in the statement that shows it."""

    predicate: str
    negated: bool
    statement: int  # the quote shown (the outer one of a quote within another)
    group: int | None  # its quote group: one statement however many articles report it
    speaker: int
    day: date | None
    article: str | None = None  # read for a claim of a thing, whose story is its article's


_CLAIM_SELECT = (
    "SELECT c.predicate, c.negated, coalesce(o.id, q.id), coalesce(o.group_id, q.group_id), "
    "coalesce(q.speaker_id, o.speaker_id), coalesce(q.date_start, a.published), q.article_id, "
    "c.subject_local "
    "FROM article_entities ae JOIN quotes q ON q.article_id = ae.article_id "
    "JOIN claims c ON c.quote_id = q.id AND {match} "
    "JOIN articles a ON a.id = q.article_id "
    "LEFT JOIN quotes o ON o.article_id = q.article_id AND o.local_id = q.within "
    "WHERE ae.entity_id = ?"
)
_OTHER = re.compile(r"\{(e\d+)\}")  # the other person of a claim ("contact {e5}"), by local id


def _by_ids(predicate: str, subject: int | None, others: list[int | None]) -> str:
    """ "contact {e5}" as "#12: contact #40": its subject and other person by store id."""
    rest = iter(others)
    return f"#{subject}: " + _OTHER.sub(lambda _: f"#{next(rest)}", predicate)


def _claims_about(conn: sqlite3.Connection, entity_id: int) -> list[_Said]:
    """The entity's claims in attributed statements (a quote within another speaks with its outer
    quote's speaker when it has none), and the claims of others that name it as the other person
    ("contact {e5}"). A claim's subject and other person are written by their store ids, so that
    two articles' claims of the same two people share one predicate."""
    rows = conn.execute(_CLAIM_SELECT.format(match="c.subject_local = ae.local_id"), (entity_id,)).fetchall()
    rows += conn.execute(
        _CLAIM_SELECT.format(match="c.predicate LIKE '%{' || ae.local_id || '}%'"), (entity_id,)
    ).fetchall()
    ids: dict[tuple[int, str], int] = {}
    for article in {r[6] for r in rows if "{" in r[0]}:
        for local, entity in conn.execute(
            "SELECT local_id, entity_id FROM article_entities WHERE article_id = ?", (article,)
        ):
            ids[article, local] = entity
    out = []
    for predicate, negated, statement, group, speaker, when, article, subject in rows:
        if speaker is None:
            continue
        if "{" in predicate:
            named = [ids.get((article, m)) for m in _OTHER.findall(predicate)]
            if None in named:
                continue
            predicate = _by_ids(predicate, ids.get((article, subject)), named)
        out.append(_Said(predicate, bool(negated), statement, group, speaker, _day(when)))
    return list(dict.fromkeys(out))


ANYONE = " by anyone"  # nlp/claims.py: "No one asked me to leave" denies it of every asker


def _near(a: _Said, b: _Said) -> bool:
    return a.day is not None and b.day is not None and abs((a.day - b.day).days) <= STORY_DAYS


def _claim_pairs(said: list[_Said]) -> list[tuple[_Said, _Said]]:
    """Each denial with the nearest-dated affirmation of the same predicate by another speaker,
    one pair per two statements."""
    affirmed: dict[str, list[_Said]] = {}
    for s in said:
        if not s.negated:
            affirmed.setdefault(s.predicate, []).append(s)
            if s.predicate.startswith("be ") and " by " in s.predicate:  # denied by "nobody"
                affirmed.setdefault(s.predicate.rsplit(" by ", 1)[0] + ANYONE, []).append(s)
    out: dict[tuple, tuple[_Said, _Said]] = {}
    for denial in (s for s in said if s.negated):
        others = [
            s for s in affirmed.get(denial.predicate, []) if s.speaker != denial.speaker and _near(s, denial)
        ]
        if others:
            best = min(others, key=lambda s: (abs((s.day - denial.day).days), s.statement))  # type: ignore[operator]
            key = (best.group or -best.statement, denial.group or -denial.statement)
            out.setdefault(key, (best, denial))
    return list(out.values())


_THING_SELECT = (
    "SELECT t.thing, t.predicate, t.negated, coalesce(o.id, q.id), coalesce(o.group_id, q.group_id), "
    "coalesce(q.speaker_id, o.speaker_id), coalesce(q.date_start, a.published), q.article_id "
    "FROM thing_claims t JOIN quotes q ON q.id = t.quote_id JOIN articles a ON a.id = q.article_id "
    "LEFT JOIN quotes o ON o.article_id = q.article_id AND o.local_id = q.within WHERE "
)


def _things_said(conn: sqlite3.Connection, where: str, args: tuple) -> list[_Said]:
    """Attributed statements' claims of things, each as "<thing> <act>" (one statement once)."""
    rows = conn.execute(_THING_SELECT + where, args).fetchall()
    return list(
        dict.fromkeys(
            _Said(f"{thing} {act}", bool(negated), statement, group, speaker, _day(when), article)
            for thing, act, negated, statement, group, speaker, when, article in rows
            if speaker is not None
        )
    )


class _Stories:
    """Whether two articles tell one story: the same article, or STORY_ENTITIES people and
    organisations named in both besides the two speakers."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.named: dict[str, set[int]] = {}

    def _of(self, article: str) -> set[int]:
        if article not in self.named:
            rows = self.conn.execute(
                "SELECT entity_id FROM article_entities WHERE article_id = ? AND type IN ('PERSON', 'ORG')",
                (article,),
            )
            self.named[article] = {entity for (entity,) in rows}
        return self.named[article]

    def one(self, a: _Said, b: _Said) -> bool:
        if a.article is None or b.article is None:
            return False
        shared = (self._of(a.article) & self._of(b.article)) - {a.speaker, b.speaker}
        return a.article == b.article or len(shared) >= STORY_ENTITIES


def _thing_pairs(conn: sqlite3.Connection, entity_id: int) -> list[tuple[_Said, _Said]]:
    """Each claim of a thing in the entity's own statements with the nearest-dated statement of
    another speaker that says the opposite of the same thing and act, in the same story; as
    (affirmed, denied), one pair per two statements."""
    stories = _Stories(conn)
    out: dict[tuple, tuple[_Said, _Said]] = {}
    for own in _things_said(conn, "coalesce(q.speaker_id, o.speaker_id) = ?", (entity_id,)):
        thing, act = own.predicate.split(" ", 1)
        opposite = _things_said(
            conn, "t.thing = ? AND t.predicate = ? AND t.negated = ?", (thing, act, int(not own.negated))
        )
        others = [s for s in opposite if s.speaker != entity_id and _near(s, own) and stories.one(s, own)]
        if others:
            best = min(others, key=lambda s: (abs((s.day - own.day).days), s.statement))  # type: ignore[operator]
            affirmed, denied = (best, own) if own.negated else (own, best)
            out.setdefault(
                (affirmed.group or -affirmed.statement, denied.group or -denied.statement), (affirmed, denied)
            )
    return list(out.values())


def _statements(conn: sqlite3.Connection, ids: list[int]) -> dict[int, TimelineEntry]:
    """A quote line for each statement id."""
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT 'quote', {QUOTE_COLUMNS}, q.id FROM quotes q WHERE q.id IN ({marks})", ids
    ).fetchall()
    return {row[-1]: quote_entries(conn, [row[:-1]])[0] for row in rows}


def contradictions(
    conn: sqlite3.Connection, name: str, min_confidence: float = DEFAULT_MIN_CONFIDENCE
) -> Contradictions:
    """Every opposed pair that involves the entity, as claimant, target or respondent."""
    entity, _ = resolve(conn, name)
    entries = {e.group_id: e for e in events_of(conn, entity.id, min_confidence) if e.group_id is not None}
    groups = read_groups(conn, list(entries), min_confidence)
    # a defence the entity makes answers a claim against someone else: read that person's claims
    defended = {w for g in groups if g.type == "support" and entity.id in _agents(g) for w in _others(g)}
    extra: list[int] = []
    for other in sorted(defended - {entity.id}):
        for e in events_of(conn, other, min_confidence):
            if e.group_id is not None and e.type in CLAIMS and e.group_id not in entries:
                entries[e.group_id] = e
                extra.append(e.group_id)
    groups += read_groups(conn, extra, min_confidence)
    pairs = [
        Contradiction(kind, entries[a.id], entries[b.id])
        for kind, a, b in _pairs(groups, entity.id)
        if a.id in entries and b.id in entries
    ]
    claimed = _claim_pairs(_claims_about(conn, entity.id)) + _thing_pairs(conn, entity.id)
    statements = _statements(conn, sorted({s.statement for pair in claimed for s in pair}))
    pairs += [Contradiction(CLAIM_KIND, statements[a.statement], statements[b.statement]) for a, b in claimed]
    shown = list({id(e): e for p in pairs for e in (p.affirmed, p.denied)}.values())
    as_shown(conn, [e for e in shown if e.kind == "quote"])
    in_order(conn, shown)  # reads the dates the pairs sort by
    pairs.sort(key=lambda p: p.denied.sort_key())
    with_evidence(shown, EvidenceMaker(conn))
    return Contradictions(entity, pairs)
