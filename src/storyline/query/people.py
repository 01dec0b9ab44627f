"""People (and other entities) in the store with how much is known about them, and their relations."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

from storyline.dates import label
from storyline.intervals import interval
from storyline.query.common import (
    DEFAULT_MIN_CONFIDENCE,
    EntityRef,
    Evidence,
    EvidenceMaker,
    Result,
    _like,
    entity_refs,
    names_of,
    resolve,
)
from storyline.query.narrow import Narrow, reported_by


@dataclass
class Person(Result):
    id: int
    name: str
    type: str
    aliases: list[str]
    articles: int
    quotes: int
    events: int


def _filters(search: str | None, type_: str | None) -> tuple[list[str], list[str]]:
    where, params = [], []
    if type_:
        where.append("e.type = ?")
        params.append(type_.upper())
    if search:
        pattern = f"%{_like(search.strip())}%"
        where.append(
            "(e.name LIKE ? ESCAPE '\\' OR e.id IN "
            "(SELECT entity_id FROM aliases WHERE alias LIKE ? ESCAPE '\\'))"
        )
        params += [pattern, pattern]
    return where, params


def count_people(conn: sqlite3.Connection, *, search: str | None = None, type_: str | None = "PERSON") -> int:
    """How many entities `people` would list without a limit."""
    where, params = _filters(search, type_)
    sql = "SELECT count(*) FROM entities e" + (" WHERE " + " AND ".join(where) if where else "")
    return conn.execute(sql, params).fetchone()[0]


def people(
    conn: sqlite3.Connection,
    *,
    search: str | None = None,
    type_: str | None = "PERSON",
    limit: int | None = 50,
    offset: int = 0,
) -> list[Person]:
    """Entities by how many articles mention them; `search` matches any part of a name or alias."""
    where, params = _filters(search, type_)
    sql = (
        "SELECT ae.entity_id, count(DISTINCT ae.article_id) AS n FROM article_entities ae "
        "JOIN entities e ON e.id = ae.entity_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " GROUP BY ae.entity_id ORDER BY n DESC, e.name"
        + (f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit else f" LIMIT -1 OFFSET {int(offset)}")
    )
    ranked = conn.execute(sql, params).fetchall()
    return [_person(conn, ref) for ref in entity_refs(conn, [r[0] for r in ranked])]


def person(conn: sqlite3.Connection, entity_id: int) -> Person:
    """One entity with its counts; QueryError if there is none with this id."""
    return _person(conn, resolve(conn, entity_id)[0])


def _person(conn: sqlite3.Connection, ref: EntityRef) -> Person:
    # statements: a quote within another counts with it (both counts are read from an index alone)
    (quoted,) = conn.execute(
        "SELECT (SELECT count(*) FROM quotes WHERE speaker_id = ?) - "
        "(SELECT count(*) FROM quotes WHERE speaker_id = ? AND within IS NOT NULL)",
        (ref.id, ref.id),
    ).fetchone()
    (events,) = conn.execute(
        "SELECT count(DISTINCT event_id) FROM event_roles WHERE entity_id = ?", (ref.id,)
    ).fetchone()
    return Person(ref.id, ref.name, ref.type, ref.aliases, ref.articles, quoted, events)


@dataclass
class LinkReason(Result):
    reason: str  # the most frequent wording (reasons that differ only in their counts are one)
    articles: int
    variants: int = 1  # how many wordings, differing only in their counts, this stands for


@dataclass
class NameLinks(Result):
    """One name an entity was found under: in how many articles, and why those joined the entity."""

    name: str
    articles: int
    reasons: list[LinkReason]


@dataclass
class Why(Result):
    entity: EntityRef
    names: list[NameLinks]


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def why(conn: sqlite3.Connection, name: str | int) -> Why:
    """The names the entity `name` means was found under, each with its articles and the reasons
    (article_entities.link_reason, store.resolver) those article entities joined it; most reported
    first."""
    entity, _ = resolve(conn, name)
    counts = dict(
        conn.execute(
            "SELECT name, count(DISTINCT article_id) FROM article_entities WHERE entity_id = ? GROUP BY name",
            (entity.id,),
        ).fetchall()
    )
    reasons: dict[str, dict[str, LinkReason]] = {}
    for shown, reason, articles in conn.execute(
        "SELECT name, coalesce(link_reason, 'linked before reasons were recorded'), "
        "count(DISTINCT article_id) AS n FROM article_entities WHERE entity_id = ? GROUP BY 1, 2 "
        "ORDER BY n DESC, 2",
        (entity.id,),
    ):
        gist = _NUMBER.sub("#", reason)  # "scores 13x ... 16 x 15" and "scores 14x ... 109 x 13" are one
        same = reasons.setdefault(shown, {})
        if gist in same:
            same[gist].articles += articles
            same[gist].variants += 1
        else:
            same[gist] = LinkReason(reason, articles)
    names = [
        NameLinks(shown, counts[shown], sorted(found.values(), key=lambda r: (-r.articles, r.reason)))
        for shown, found in reasons.items()
    ]
    names.sort(key=lambda n: (-n.articles, n.name))
    return Why(entity, names)


@dataclass
class RelationResult(Result):
    type: str
    head: str
    head_id: int
    tail: str
    tail_id: int
    start: str | None
    end: str | None
    evidence: list[Evidence] = field(default_factory=list)
    evidence_total: int = 0  # reports of this relation; `evidence` may show only the first few
    confidence: float | None = None  # the highest of its reports'
    start_label: str | None = None  # `start` and `end` in words, for people ("1998"); null with them
    end_label: str | None = None

    @property
    def summary(self) -> str:
        """How the relation reads: "Russell Simmons spouse of Kimora Lee Simmons"."""
        return f"{self.head} {self.type.replace('_', ' ')} of {self.tail}"

    @property
    def first_day(self) -> str | None:
        """The first day of the relation's start, or else of its end (None: undated)."""
        days = interval(self.start) or interval(self.end)
        return days[0].isoformat() if days else None


@dataclass
class Relations(Result):
    entity: EntityRef
    relations: list[RelationResult]
    total: int = 0  # relations kept; `relations` may be one page of them


def relations(
    conn: sqlite3.Connection,
    name: str | int,
    *,
    evidence: int | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    narrow: Narrow | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Relations:
    """Every relation the entity is part of, the same relation from several articles merged; with
    `evidence`, each shows only its first few reports (evidence_total counts them all). A relation
    whose most confident report is below `min_confidence` is left out (0: everything), and so is
    one `narrow` does not keep (query.narrow: outlet, first day, words). `limit` and `offset`
    choose a page of them (total counts them all), whose sentences alone are read."""
    entity, _ = resolve(conn, name)
    rows = conn.execute(
        "SELECT article_id, type, head_id, tail_id, start_value, end_value, evidence_start, evidence_end, "
        "confidence FROM relations WHERE head_id = ? OR tail_id = ? ORDER BY id",
        (entity.id, entity.id),
    ).fetchall()
    best: dict[tuple, float] = {}
    for row in rows:
        key = (row[1], row[2], row[3])
        best[key] = max(best.get(key, 0.0), row[8] or 0.0)
    rows = [row for row in rows if best[(row[1], row[2], row[3])] >= min_confidence]
    names = names_of(conn, [r[2] for r in rows] + [r[3] for r in rows])
    if narrow is not None and narrow.outlet is not None:
        articles: dict[object, list[str]] = {}
        for row in rows:
            articles.setdefault((row[1], row[2], row[3]), []).append(row[0])
        ran = reported_by(conn, narrow.outlet, articles)
        rows = [row for row in rows if (row[1], row[2], row[3]) in ran]
    merged: dict[tuple, RelationResult] = {}
    reports: dict[tuple, list[tuple[str, int, int]]] = {}
    for article_id, type_, head, tail, start, end, s0, s1, _ in rows:
        key = (type_, head, tail)
        result = merged.get(key)
        if result is None:
            result = merged[key] = RelationResult(
                type_, names.get(head, "?"), head, names.get(tail, "?"), tail, start, end
            )
            result.confidence = best[key]
            reports[key] = []
        result.start = result.start or start
        result.end = result.end or end
        if s0 is not None:
            result.evidence_total += 1
            reports[key].append((article_id, s0, s1))
    kept = list(merged.items())
    if narrow is not None and (narrow.dated or narrow.search):
        kept = [(k, r) for k, r in kept if narrow.in_range(r.first_day) and narrow.says(r.summary)]
    page = kept[offset : offset + limit] if limit else kept[offset:]
    make = EvidenceMaker(conn, cap=evidence)  # the sentences of the page's relations alone
    for key, result in page:
        result.start_label = label(result.start) if result.start else None
        result.end_label = label(result.end) if result.end else None
        for report in reports[key]:
            make.keep(key, *report)
    for key, shown in make.kept().items():
        merged[key].evidence = shown  # type: ignore[index]
    return Relations(entity, [r for _, r in page], len(kept))
