"""Versions of a web page: a page fetched again with other text (a correction, an update) is a new
version of its article, linked to the earlier one, never a second article beside it.

Only articles fetched from the web (Article.fetched_at set) are versioned, by their URL: files and
records keep their own identity however their url field reads. When such an article is written (or
its text is already stored and it becomes another source of it), every other article its URL held
loses that source and becomes its earlier version (article_versions). An earlier version that no
source holds any more is retired: its quotes, events, relations, time expressions and article
entities are deleted with the groups and index rows they counted in, and its row moves to
`superseded`, text kept, so that the article page can show what changed. Every query then sees the
latest version only, without a filter of its own. An earlier version other outlets still run (a
wire story one outlet corrected) stays an article of its own, with its other sources.

All of it runs inside the writer's savepoint: a new version is written whole, with its predecessor
retired, or not at all.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import UTC, datetime

from storyline.model import Article
from storyline.store import event_groups, resolver
from storyline.store.identity import Rules
from storyline.store.quote_groups import keys_of, words_of


def updates_a_page(conn: sqlite3.Connection, article: Article) -> bool:
    """Whether this fetched article is a new text of a URL the store holds under another text: an
    update, to be stored as a new version (never taken for a near-copy of its earlier text)."""
    if article.fetched_at is None or not article.url:
        return False
    return (
        conn.execute(
            "SELECT 1 FROM sources WHERE url = ? AND url != '' AND article_id != ? LIMIT 1",
            (article.url, article.id),
        ).fetchone()
        is not None
    )


def before_write(conn: sqlite3.Connection, rules: Rules, article: Article) -> int:
    """Make the other articles of a fetched article's URL its earlier versions; returns how many."""
    if article.fetched_at is None or not article.url:
        return 0
    new, url = article.id, article.url
    earlier = [
        row[0]
        for row in conn.execute(
            "SELECT DISTINCT article_id FROM sources WHERE url = ? AND url != '' AND article_id != ?",
            (url, new),
        )
    ]
    if not earlier:
        return 0
    now = datetime.now(UTC).isoformat(timespec="seconds")
    conn.execute("DELETE FROM superseded WHERE id = ?", (new,))  # a page back to an earlier text
    for old in earlier:
        conn.execute("DELETE FROM sources WHERE article_id = ? AND url = ?", (old, url))
        conn.execute(
            "INSERT OR REPLACE INTO article_versions (article_id, earlier_id, url, replaced_at) "
            "VALUES (?, ?, ?, ?)",
            (new, old, url, now),
        )
        if conn.execute("SELECT 1 FROM sources WHERE article_id = ? LIMIT 1", (old,)).fetchone() is None:
            retire(conn, rules, old, now)
    return len(earlier)


def retire(conn: sqlite3.Connection, rules: Rules, article_id: str, when: str) -> None:
    """Delete an article's facts (and what they counted in) and move its row to `superseded`."""
    quotes = conn.execute(
        "SELECT id, text, group_id FROM quotes WHERE article_id = ?", (article_id,)
    ).fetchall()
    conn.executemany("DELETE FROM quote_about WHERE quote_id = ?", [(q[0],) for q in quotes])
    conn.executemany("DELETE FROM claims WHERE quote_id = ?", [(q[0],) for q in quotes])
    conn.executemany("DELETE FROM thing_claims WHERE quote_id = ?", [(q[0],) for q in quotes])
    conn.execute("DELETE FROM quotes WHERE article_id = ?", (article_id,))
    left: dict[int, list[str]] = defaultdict(list)
    for _, text, group in quotes:
        if group is not None:
            left[group].append(text)
    for group, texts in sorted(left.items()):
        _leave_group(conn, group, texts)
    events = [row[0] for row in conn.execute("SELECT id FROM events WHERE article_id = ?", (article_id,))]
    event_groups.forget(conn, events)
    conn.execute("DELETE FROM relations WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM timexes WHERE article_id = ?", (article_id,))
    resolver.forget(conn, rules, article_id)
    conn.execute(
        "INSERT OR REPLACE INTO superseded (id, title, author, published, published_datetime, text, "
        "ingested_at, superseded_at) SELECT id, title, author, published, published_datetime, text, "
        "ingested_at, ? FROM articles WHERE id = ?",
        (when, article_id),
    )
    conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))


def _leave_group(conn: sqlite3.Connection, group: int, texts: list[str]) -> None:
    """A quote group after quotes of these texts left it: deleted with its keys if empty; else its
    keys, earliest date, speaker and text are those of the quotes that stay."""
    stay = conn.execute(
        "SELECT text, speaker_id, date_start FROM quotes WHERE group_id = ? ORDER BY id", (group,)
    ).fetchall()
    kept = {k for text, _, _ in stay for k in keys_of(words_of(text))}
    gone = sorted({k for text in texts for k in keys_of(words_of(text))} - kept)
    conn.executemany("DELETE FROM quote_keys WHERE key = ? AND group_id = ?", [(k, group) for k in gone])
    if not stay:
        conn.execute("DELETE FROM quote_groups WHERE id = ?", (group,))
        return
    dates = [d for _, _, d in stay if d]
    speakers = [s for _, s, _ in stay if s is not None]
    (text, speaker) = conn.execute(
        "SELECT text, speaker_id FROM quote_groups WHERE id = ?", (group,)
    ).fetchone()
    if text not in {t for t, _, _ in stay}:
        text = stay[0][0]
    if speaker not in speakers:
        speaker = speakers[0] if speakers else None
    conn.execute(
        "UPDATE quote_groups SET text = ?, speaker_id = ?, first_date = ? WHERE id = ?",
        (text, speaker, min(dates) if dates else None, group),
    )
