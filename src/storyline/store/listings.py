"""What the store knows of the web: which articles a URL holds, when a source was last fetched, and
what each feed or sitemap last said (storyline.ingest.crawl, `storyline watch`), so that a rerun, or a
watch restarted, asks only for what is new or updated.

Writes run on the store's connection: inside the ingest's open batch when there is one (committed
with its articles), else each on its own.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

# How an item of a listing last ended. A page that is not an article is not asked for again until
# the listing says it changed; an article whose URL is missing from the store (its extraction
# failed, or the run was stopped before it was committed) is fetched again.
ARTICLE, NOT_ARTICLE = "article", "not an article"


@dataclass(frozen=True)
class Seen:
    """An item of a listing as last seen: its updated stamp and what fetching it came to."""

    updated: str | None
    outcome: str


def articles_at(conn: sqlite3.Connection, url: str) -> list[str]:
    """The ids of the articles a URL is a source of (one, unless files gave it other texts)."""
    sql = "SELECT DISTINCT article_id FROM sources WHERE url = ? AND url != '' ORDER BY article_id"
    return [row[0] for row in conn.execute(sql, (url,))]


def touch(conn: sqlite3.Connection, article_id: str, url: str, when: str) -> None:
    """A page fetched again with the same text: its source's fetch time is now."""
    conn.execute(
        "UPDATE sources SET fetched_at = ? WHERE article_id = ? AND url = ?", (when, article_id, url)
    )


def validators(conn: sqlite3.Connection, listing: str) -> tuple[str | None, str | None]:
    """The ETag and Last-Modified the listing last answered with (for a conditional request)."""
    row = conn.execute("SELECT etag, last_modified FROM listings WHERE url = ?", (listing,)).fetchone()
    return (row[0], row[1]) if row else (None, None)


def save_validators(
    conn: sqlite3.Connection, listing: str, etag: str | None, last_modified: str | None, when: str
) -> None:
    conn.execute(
        "INSERT INTO listings (url, etag, last_modified, checked_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
        "checked_at = excluded.checked_at",
        (listing, etag, last_modified, when),
    )


def items_seen(conn: sqlite3.Connection, listing: str) -> dict[str, Seen]:
    """Every item of the listing as last seen, by its id."""
    return {
        item: Seen(updated, outcome)
        for item, updated, outcome in conn.execute(
            "SELECT item, updated, outcome FROM listing_items WHERE listing = ?", (listing,)
        )
    }


def record_item(
    conn: sqlite3.Connection, listing: str, item: str, url: str, updated: str | None, outcome: str, when: str
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO listing_items (listing, item, url, updated, outcome, seen_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (listing, item, url, updated, outcome, when),
    )


def forget_items(conn: sqlite3.Connection, listing: str, keep: set[str]) -> None:
    """Items the listing no longer names are forgotten: its state stays the size of the listing."""
    gone = [(listing, item) for item in items_seen(conn, listing) if item not in keep]
    conn.executemany("DELETE FROM listing_items WHERE listing = ? AND item = ?", gone)
