"""People (and other entities) in the store with how much is known about them, and their relations."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from storyline.query.common import (
    EntityRef,
    Evidence,
    EvidenceMaker,
    Result,
    _like,
    entity_refs,
    names_of,
    resolve,
)


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
    (quoted,) = conn.execute("SELECT count(*) FROM quotes WHERE speaker_id = ?", (ref.id,)).fetchone()
    (events,) = conn.execute(
        "SELECT count(DISTINCT event_id) FROM event_roles WHERE entity_id = ?", (ref.id,)
    ).fetchone()
    return Person(ref.id, ref.name, ref.type, ref.aliases, ref.articles, quoted, events)


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


@dataclass
class Relations(Result):
    entity: EntityRef
    relations: list[RelationResult]


def relations(conn: sqlite3.Connection, name: str | int, *, evidence: int | None = None) -> Relations:
    """Every relation the entity is part of, the same relation from several articles merged; with
    `evidence`, each shows only its first few reports (evidence_total counts them all)."""
    entity, _ = resolve(conn, name)
    rows = conn.execute(
        "SELECT article_id, type, head_id, tail_id, start_value, end_value, evidence_start, evidence_end "
        "FROM relations WHERE head_id = ? OR tail_id = ? ORDER BY id",
        (entity.id, entity.id),
    ).fetchall()
    names = names_of(conn, [r[2] for r in rows] + [r[3] for r in rows])
    make = EvidenceMaker(conn, cap=evidence)
    merged: dict[tuple, RelationResult] = {}
    for article_id, type_, head, tail, start, end, s0, s1 in rows:
        key = (type_, head, tail)
        result = merged.setdefault(
            key, RelationResult(type_, names.get(head, "?"), head, names.get(tail, "?"), tail, start, end)
        )
        result.start = result.start or start
        result.end = result.end or end
        if s0 is not None:
            result.evidence_total += 1
            make.keep(key, article_id, s0, s1)
    for key, evidence in make.kept().items():
        merged[key].evidence = evidence  # type: ignore[index]
    return Relations(entity, list(merged.values()))
