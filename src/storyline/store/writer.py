"""Write one extracted Article into the store, inside the caller's transaction.

Everything an article contributes goes in together or not at all, so a process killed mid-write
leaves the store as it was before that article; a rerun then finds the article missing and adds it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property

from storyline.intervals import interval
from storyline.model import Article, Column, Event, Quote, Relation, TimeValue, Timex, columns
from storyline.store import event_groups, near_duplicates
from storyline.store.identity import Rules
from storyline.store.quote_groups import assign_group
from storyline.store.resolver import Resolver

NEAR = 250  # how far a speaker or cue may sit from its quote and still be part of its evidence
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?=\s)|\n")


@dataclass(frozen=True)
class Table:
    """How one kind of record is written: its own columns, as storyline.model declares them, and
    those the store works out (the article, resolved ids, days, evidence), which win over a
    declared one of the same name (`time_mod`: a date taken from publication is ON_OR_BEFORE)."""

    name: str
    record: type
    computed: tuple[str, ...]

    @cached_property
    def own(self) -> tuple[Column, ...]:
        return tuple(c for c in columns(self.record, "store") if c.name not in self.computed)

    @cached_property
    def sql(self) -> str:
        names = [c.name for c in self.own] + list(self.computed)
        return f"INSERT INTO {self.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"

    def row(self, record: object, **computed: object) -> tuple:
        """The values for `sql`: lists and dicts as JSON."""
        own = (c.value(record) for c in self.own)
        values = [json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v for v in own]
        return (*values, *(computed[name] for name in self.computed))


_DAYS = ("time_mod", "date_start", "date_end")
TABLES = {
    "quotes": Table(
        "quotes", Quote, ("article_id", "group_id", "speaker_id", *_DAYS, "evidence_start", "evidence_end")
    ),
    "timexes": Table("timexes", Timex, ("article_id",)),
    "events": Table("events", Event, ("article_id", *_DAYS)),  # group_id: event_groups.assign
    "relations": Table("relations", Relation, ("article_id", "head_id", "tail_id")),
}


def span_dates(time: TimeValue | None, published: date | None) -> tuple[str | None, str | None, str | None]:
    """(first day, last day, mod) of a fact's time; a fact with none was made by the publication date."""
    if time is not None and (days := interval(time.value)) is not None:
        return days[0].isoformat(), days[1].isoformat(), time.mod
    if published is not None:
        return published.isoformat(), published.isoformat(), "ON_OR_BEFORE"
    return None, None, None


def sentence_around(text: str, start: int, end: int, reach: int = 300) -> tuple[int, int]:
    """Widen [start, end) to the sentence(s) it sits in: the evidence a reader checks."""
    left = max(0, start - reach)
    before = [m.end() for m in _SENTENCE_END.finditer(text, left, start)]
    first = before[-1] if before else (left if left else 0)
    after = _SENTENCE_END.search(text, max(end - 1, start), min(len(text), end + reach))
    last = after.end() if after else min(len(text), end + reach if end + reach < len(text) else len(text))
    while first < start and text[first].isspace():
        first += 1
    return first, max(last, end)


def _quote_evidence(text: str, q: Quote) -> tuple[int, int]:
    ends = [q.start, q.end]
    for span in (q.cue_span, q.speaker_mention):
        if span is not None and abs(span.start - q.start) < NEAR + (q.end - q.start):
            ends += [span.start, span.end]
    return sentence_around(text, min(ends), max(ends))


def add_source(conn: sqlite3.Connection, article_id: str, article: Article) -> bool:
    """Record where this copy of the article came from; False if that source is already known."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO sources (article_id, source, url, input_id, title, author, published, "
        "fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            article_id,
            article.source or "",
            article.url or "",
            article.input_id,
            article.title,
            article.author,
            article.published.isoformat() if article.published else None,
            article.fetched_at.isoformat(timespec="seconds") if article.fetched_at else None,
        ),
    )
    return cur.rowcount > 0


def write_article(
    conn: sqlite3.Connection, article: Article, rules: Rules, near_keys: list[int] | None = None
) -> str:
    """Insert the article and every fact found in it; returns its id."""
    a = article
    article_id = a.id
    conn.execute(
        "INSERT INTO articles (id, title, author, published, published_datetime, text, ingested_at, "
        "language) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            article_id,
            a.title,
            a.author,
            a.published.isoformat() if a.published else None,
            a.published_datetime.isoformat(timespec="minutes") if a.published_datetime else None,
            a.text,
            datetime.now(UTC).isoformat(timespec="seconds"),
            a.language,
        ),
    )
    add_source(conn, article_id, a)
    near_duplicates.index(conn, article_id, a.text, near_keys)

    resolver = Resolver(conn, rules)
    ids = resolver.link(article_id, a.entities)

    starts = {e.id: sorted(m.start for m in e.mentions) for e in a.entities if e.id in ids}
    for q in a.quotes:
        _write_quote(conn, article_id, a, q, ids, starts)

    timexes = TABLES["timexes"]
    conn.executemany(timexes.sql, [timexes.row(t, article_id=article_id) for t in a.timexes])

    events = TABLES["events"]
    for v in a.events:
        first, last, mod = span_dates(v.time, a.published)
        row = events.row(v, article_id=article_id, time_mod=mod, date_start=first, date_end=last)
        event_id = conn.execute(events.sql, row).lastrowid
        roles = {
            (ids[local], role, local)
            for role, value in v.args.items()
            if isinstance(value, list)
            for local in value
            if isinstance(local, str) and local in ids
        }
        conn.executemany(
            "INSERT OR IGNORE INTO event_roles (entity_id, event_id, role, local_id) VALUES (?, ?, ?, ?)",
            [(entity, event_id, role, local) for entity, role, local in sorted(roles)],
        )
        assert event_id is not None
        event_groups.assign(
            conn,
            event_groups.Report(
                event_id,
                article_id,
                a.published.isoformat() if a.published else None,
                v.type,
                v.modality,
                frozenset((role, entity) for entity, role, _ in roles),
                event_groups.When.of(
                    v.time.value if v.time else None, mod, first, last, v.time.granularity if v.time else None
                ),
                v.confidence,
            ),
        )

    relations = TABLES["relations"]
    conn.executemany(
        relations.sql,
        [
            relations.row(r, article_id=article_id, head_id=ids[r.head], tail_id=ids[r.tail])
            for r in a.relations
            if r.head in ids and r.tail in ids
        ],
    )
    resolver.relink_pending()  # earlier one-word names and acronyms this article decides anew
    return article_id


def _write_quote(
    conn: sqlite3.Connection,
    article_id: str,
    a: Article,
    q: Quote,
    ids: dict[str, int],
    starts: dict[str, list[int]],
) -> None:
    first, last, mod = span_dates(q.time, a.published)
    speaker = ids.get(q.speaker) if q.speaker else None
    evidence = _quote_evidence(a.text, q)
    group = assign_group(conn, q.text, speaker, first)
    quotes = TABLES["quotes"]
    row = quotes.row(
        q,
        article_id=article_id,
        group_id=group,
        speaker_id=speaker,
        time_mod=mod,
        date_start=first,
        date_end=last,
        evidence_start=evidence[0],
        evidence_end=evidence[1],
    )
    quote_id = conn.execute(quotes.sql, row).lastrowid
    about = {  # entities with a mention starting inside the quote (found by bisection)
        (ids[local], local)
        for local, found in starts.items()
        if local != q.speaker and (at := bisect_left(found, q.start)) < len(found) and found[at] < q.end
    }
    conn.executemany(
        "INSERT OR IGNORE INTO quote_about (entity_id, quote_id, local_id) VALUES (?, ?, ?)",
        [(entity, quote_id, local) for entity, local in sorted(about)],
    )
    conn.executemany(
        "INSERT INTO claims (quote_id, subject_local, predicate, negated, start, end) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (quote_id, c.subject, c.predicate, int(c.negated), c.start, c.end)
            for c in q.claims
            if c.subject in ids
        ],
    )
    conn.executemany(
        "INSERT INTO thing_claims (quote_id, thing, predicate, negated, start, end) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(quote_id, c.thing, c.predicate, int(c.negated), c.start, c.end) for c in q.thing_claims],
    )
