"""Narrowing what is known of one entity: by kind of line, event type, outlet, date range and
words. One filter serves the person page's drawing (timeline lines) and every list below it
(quotes, events, relations, articles), so that a reader who narrows the page sees the same facts
in both.

The rules, the same everywhere:
- a date range keeps what is dated from `since` to `until`, both included, by the first day its
  date covers (a quote group's first date, an event's best date, an article's publication day);
  anything undated is outside every range;
- an outlet keeps what one of that outlet's articles reports;
- words keep what contains all of them, as whole words, case and accents aside (the quote lists
  search the quotes' text, the other lists and the drawing what a line reads);
- an event type narrows the events and leaves the other kinds of line as they are.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from storyline.query.common import QueryError, Result, rows_for_ids
from storyline.store.identity import normalise

KINDS = ("event", "quote", "quote_about", "relation", "reference")  # the kinds of timeline line


def day(value: str | date | None, what: str) -> str | None:
    """A YYYY-MM-DD day as its ISO string (None stays None); QueryError naming `what` otherwise."""
    if value is None or isinstance(value, date):
        return value.isoformat() if value else None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise QueryError(f"{what}: not a date (YYYY-MM-DD): {value!r}") from None


@dataclass(frozen=True)
class Narrow:
    """What to keep; every field left at its default keeps everything."""

    kinds: frozenset[str] = frozenset(KINDS)
    event_type: str | None = None
    outlet: str | None = None
    since: str | None = None  # YYYY-MM-DD
    until: str | None = None
    search: str | None = None

    @classmethod
    def of(
        cls,
        *,
        kinds: Iterable[str] | None = None,
        event_type: str | None = None,
        outlet: str | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
        search: str | None = None,
    ) -> Narrow:
        """A filter from a reader's choices, checked: QueryError for an unknown kind, a day that is
        not one, or a range that ends before it starts. Empty choices keep everything."""
        chosen = frozenset(kinds) if kinds else frozenset(KINDS)
        if unknown := sorted(chosen - set(KINDS)):
            raise QueryError(f"kind: {', '.join(unknown)} is not one of {', '.join(KINDS)}")
        first, last = day(since, "since"), day(until, "until")
        if first and last and first > last:
            raise QueryError(f"since ({first}) is after until ({last})")
        words = normalise(search) if search else ""
        kind, source = (event_type or "").strip() or None, (outlet or "").strip() or None
        return cls(chosen, kind, source, first, last, words or None)

    @property
    def everything(self) -> bool:
        return self == Narrow()

    @property
    def dated(self) -> bool:
        """A range is set: only what is dated inside it is kept."""
        return self.since is not None or self.until is not None

    def wants(self, kind: str) -> bool:
        return kind in self.kinds

    def in_range(self, first_day: str | None) -> bool:
        """Whether something whose date starts on `first_day` (None: undated) is in the range."""
        if not self.dated:
            return True
        if first_day is None:
            return False
        first_day = first_day[:10]
        return (self.since or first_day) <= first_day <= (self.until or first_day)

    def says(self, text: str | None) -> bool:
        """Whether `text` holds every search word as a whole word (no search: always)."""
        if self.search is None:
            return True
        words = set(normalise(text or "").split())
        return all(w in words for w in self.search.split())


def outlets_of(conn: sqlite3.Connection, article_ids: Iterable[str]) -> dict[str, set[str]]:
    """The outlets that ran each of these articles, read in one pass over their sources."""
    found: dict[str, set[str]] = {}
    sql = "SELECT article_id, source FROM sources WHERE article_id IN ({marks})"
    for article_id, source in rows_for_ids(conn, sql, list(dict.fromkeys(article_ids))):
        if source:
            found.setdefault(article_id, set()).add(source)
    return found


def reported_by(conn: sqlite3.Connection, outlet: str, reports: dict[object, list[str]]) -> set[object]:
    """The keys of `reports` (a fact -> the articles that report it) one of whose articles the
    outlet ran."""
    outlets = outlets_of(conn, (a for articles in reports.values() for a in articles))
    return {key for key, articles in reports.items() if any(outlet in outlets.get(a, ()) for a in articles)}


@dataclass
class Facets(Result):
    """What a person's page may be narrowed to: the event types of their events (of the confidence
    shown) and the outlets of their articles, each with how many it holds, the most first."""

    event_types: list[tuple[str, int]]
    outlets: list[tuple[str, int]]


MAX_OUTLETS = 100  # a select of more outlets than this is no help; the rest are reached by the API


def facets(conn: sqlite3.Connection, entity_id: int, min_confidence: float = 0.0) -> Facets:
    """The choices a person's filter offers: what would narrow their page to something, never a
    type or an outlet that keeps nothing (event groups below `min_confidence` do not count)."""
    types = conn.execute(
        "SELECT g.type, count(DISTINCT g.id) FROM event_roles r JOIN events e ON e.id = r.event_id "
        "JOIN event_groups g ON g.id = e.group_id WHERE r.entity_id = ? AND coalesce(g.confidence, 0) >= ? "
        "GROUP BY g.type ORDER BY 2 DESC, 1",
        (entity_id, min_confidence),
    ).fetchall()
    outlets = conn.execute(
        "SELECT s.source, count(DISTINCT s.article_id) FROM article_entities ae "
        "JOIN sources s ON s.article_id = ae.article_id WHERE ae.entity_id = ? AND s.source != '' "
        f"GROUP BY s.source ORDER BY 2 DESC, 1 LIMIT {MAX_OUTLETS}",
        (entity_id,),
    ).fetchall()
    return Facets([tuple(t) for t in types], [tuple(o) for o in outlets])
