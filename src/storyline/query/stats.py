"""Counts of what the store holds: the figures that must not change when the same input comes twice."""

from __future__ import annotations

import sqlite3

from storyline.store.schema import VERSION

_COUNTS = {
    "articles": "SELECT count(*) FROM articles",
    "sources": "SELECT count(*) FROM sources",
    "entities": "SELECT count(*) FROM entities",
    "people": "SELECT count(*) FROM entities WHERE type = 'PERSON'",
    "organisations": "SELECT count(*) FROM entities WHERE type = 'ORG'",
    "mentions": "SELECT count(*) FROM article_entities",
    "quotes": "SELECT count(*) FROM quotes",
    "nested_quotes": "SELECT count(*) FROM quotes WHERE within IS NOT NULL",  # shown in the outer one
    "quote_groups": "SELECT count(*) FROM quote_groups",
    "timexes": "SELECT count(*) FROM timexes",
    "events": "SELECT count(*) FROM events",
    "event_groups": "SELECT count(*) FROM event_groups",
    "relations": "SELECT count(*) FROM relations",
}


def stats(conn: sqlite3.Connection) -> dict[str, object]:
    """Row counts, the date range of the articles and the schema version."""
    out: dict[str, object] = {name: conn.execute(sql).fetchone()[0] for name, sql in _COUNTS.items()}
    first, last = conn.execute("SELECT min(published), max(published) FROM articles").fetchone()
    out["published_from"], out["published_to"] = first, last
    out["schema_version"] = VERSION
    return out
