"""The versions of a web page (store.versions): which earlier texts an article replaced, what changed
from the last one, and for a replaced version, the article that replaced it.

What changed is a diff of sentences (difflib), bounded: texts of more than MAX_SENTENCES sentences
are not compared, and at most MAX_CHANGES changed sentences are listed.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from storyline.query.articles import ArticleView
from storyline.query.common import Result

MAX_VERSIONS = 20  # earlier versions listed, the latest first
MAX_SENTENCES = 3000  # per text, for the diff
MAX_CHANGES = 60  # changed sentences listed
_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"'”’)])\s+|\n+")


@dataclass
class Version(Result):
    id: str
    url: str
    replaced_at: str  # when the newer text was fetched and stored
    current: bool  # still an article of its own (other sources run this text)


@dataclass
class Change(Result):
    kind: str  # removed | added
    text: str


@dataclass
class History(Result):
    id: str
    replaced_by: str | None = None  # the article whose text replaced this one at its URL
    earlier: list[Version] = field(default_factory=list)  # the latest first
    changes: list[Change] = field(default_factory=list)  # from earlier[0] to this text
    compared: bool = True  # False: too long to compare
    more_changes: int = 0  # changed sentences past MAX_CHANGES


def _text(conn: sqlite3.Connection, article_id: str) -> tuple[str | None, bool]:
    """(the text of a version, whether it is still an article)."""
    row = conn.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is not None:
        return row[0], True
    row = conn.execute("SELECT text FROM superseded WHERE id = ?", (article_id,)).fetchone()
    return (row[0] if row else None), False


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def changes(before: str, after: str) -> tuple[list[Change], bool, int]:
    """(the sentences removed and added, whether compared, how many more were left out)."""
    a, b = sentences(before), sentences(after)
    if len(a) > MAX_SENTENCES or len(b) > MAX_SENTENCES:
        return [], False, 0
    found: list[Change] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            found += [Change("removed", s) for s in a[i1:i2]] + [Change("added", s) for s in b[j1:j2]]
    return found[:MAX_CHANGES], True, max(0, len(found) - MAX_CHANGES)


def history(conn: sqlite3.Connection, article_id: str) -> History:
    """The article's earlier versions (following links back, at most MAX_VERSIONS) and what
    changed from the latest; empty for an article never fetched again with other text."""
    found = History(article_id)
    row = conn.execute(
        "SELECT article_id FROM article_versions WHERE earlier_id = ? ORDER BY replaced_at DESC LIMIT 1",
        (article_id,),
    ).fetchone()
    found.replaced_by = row[0] if row else None
    frontier, seen = [article_id], {article_id}
    while frontier and len(found.earlier) < MAX_VERSIONS:
        rows = conn.execute(
            "SELECT earlier_id, url, replaced_at FROM article_versions WHERE article_id = ? "
            "ORDER BY replaced_at DESC",
            (frontier.pop(0),),
        ).fetchall()
        for earlier, url, when in rows:
            if earlier not in seen and len(found.earlier) < MAX_VERSIONS:
                seen.add(earlier)
                frontier.append(earlier)
                found.earlier.append(Version(earlier, url, when, _text(conn, earlier)[1]))
    if found.earlier:
        before, _ = _text(conn, found.earlier[0].id)
        after, _ = _text(conn, article_id)
        if before is not None and after is not None:
            found.changes, found.compared, found.more_changes = changes(before, after)
    return found


def superseded_view(conn: sqlite3.Connection, article_id: str) -> ArticleView | None:
    """A replaced version as an article to read (its text, no spans: its facts are gone), or None."""
    row = conn.execute(
        "SELECT id, title, author, published, text FROM superseded WHERE id = ?", (article_id,)
    ).fetchone()
    if row is None:
        return None
    sql = "SELECT DISTINCT url FROM article_versions WHERE earlier_id = ?"
    urls = [r[0] for r in conn.execute(sql, (article_id,))]
    return ArticleView(row[0], row[1], row[2], row[3], [], urls, row[4], [])
