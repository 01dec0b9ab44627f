"""One stored article with every span found in it (quotes, entity mentions, time expressions,
events), for reading it against its source; and the list of stored articles."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from storyline.dates import label
from storyline.query.common import QueryError, Result, rows_for_ids
from storyline.query.narrow import Narrow


@dataclass
class SpanInfo(Result):
    kind: str  # quote | mention | timex | event
    start: int
    end: int
    label: str  # the speaker, entity name, TIMEX3 value or event type
    entity_id: int | None = None
    detail: dict = field(default_factory=dict)


@dataclass
class ArticleView(Result):
    id: str
    title: str | None
    author: str | None
    published: str | None
    outlets: list[str]
    urls: list[str]
    text: str
    spans: list[SpanInfo]
    published_label: str = ""  # the publication day in words: "26 Jan 2018", "undated"

    def __post_init__(self) -> None:
        self.published_label = self.published_label or label(self.published)


@dataclass
class ArticleSummary(Result):
    id: str
    title: str | None
    published: str | None
    outlets: list[str]
    quotes: int
    published_label: str = ""  # the publication day in words: "26 Jan 2018", "undated"

    def __post_init__(self) -> None:
        self.published_label = self.published_label or label(self.published)


def article(conn: sqlite3.Connection, article_id: str) -> ArticleView:
    """The article and its spans, ordered by start; QueryError if no such article."""
    row = conn.execute(
        "SELECT id, title, author, published, text FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    if row is None:
        raise QueryError(f"no article {article_id!r} in the store")
    sources = conn.execute("SELECT source, url FROM sources WHERE article_id = ?", (article_id,)).fetchall()
    spans: list[SpanInfo] = []
    for start, end, speaker, speaker_id, cue, kind, value, mod in conn.execute(
        "SELECT q.start, q.end, coalesce(e.name, q.speaker_name), q.speaker_id, q.cue, q.kind, q.time_value, "
        "q.time_mod "
        "FROM quotes q LEFT JOIN entities e ON e.id = q.speaker_id WHERE q.article_id = ?",
        (article_id,),
    ):
        spans.append(
            SpanInfo(
                "quote",
                start,
                end,
                speaker or "unattributed",
                speaker_id,
                {"cue": cue, "kind": kind, "time": value, "time_label": label(value, mod) if value else None},
            )
        )
    for entity_id, name, type_, mentions in conn.execute(
        "SELECT ae.entity_id, e.name, e.type, ae.mentions FROM article_entities ae "
        "JOIN entities e ON e.id = ae.entity_id WHERE ae.article_id = ?",
        (article_id,),
    ):
        spans += [
            SpanInfo("mention", s, t, name, entity_id, {"type": type_}) for s, t in json.loads(mentions)
        ]
    for start, end, value, type_, mod in conn.execute(
        "SELECT start, end, value, type, mod FROM timexes WHERE article_id = ?", (article_id,)
    ):
        words = label(value, mod, kind=type_)
        spans.append(SpanInfo("timex", start, end, value, None, {"type": type_, "mod": mod, "label": words}))
    for start, end, type_, modality, value, mod in conn.execute(
        "SELECT start, end, type, modality, time_value, time_mod FROM events WHERE article_id = ?",
        (article_id,),
    ):
        detail = {"modality": modality, "time": value, "time_label": label(value, mod) if value else None}
        spans.append(SpanInfo("event", start, end, type_, None, detail))
    spans.sort(key=lambda s: (s.start, -s.end, s.kind))
    return ArticleView(
        row[0],
        row[1],
        row[2],
        row[3],
        list(dict.fromkeys(s for s, _ in sources if s)),
        list(dict.fromkeys(u for _, u in sources if u)),
        row[4],
        spans,
    )


_SUMMARY = (
    "SELECT a.id, a.title, a.published, "
    "(SELECT group_concat(DISTINCT source) FROM sources s WHERE s.article_id = a.id AND source != ''), "
    "(SELECT count(*) FROM quotes q WHERE q.article_id = a.id AND q.within IS NULL) FROM articles a "
)


def _summaries(rows: list[tuple]) -> list[ArticleSummary]:
    return [ArticleSummary(i, t, p, o.split(",") if o else [], n) for i, t, p, o, n in rows]


def articles(
    conn: sqlite3.Connection, *, limit: int = 50, offset: int = 0
) -> tuple[int, list[ArticleSummary]]:
    """(how many articles there are, one page of them, newest first)."""
    (total,) = conn.execute("SELECT count(*) FROM articles").fetchone()
    rows = conn.execute(
        _SUMMARY + "ORDER BY a.published DESC, a.id LIMIT ? OFFSET ?", (limit, offset)
    ).fetchall()
    return total, _summaries(rows)


def articles_of(conn: sqlite3.Connection, entity_id: int, *, limit: int = 50) -> list[ArticleSummary]:
    """The articles that mention an entity, newest first."""
    return articles_about(conn, entity_id, limit=limit)[1]


def articles_about(
    conn: sqlite3.Connection,
    entity_id: int,
    *,
    narrow: Narrow | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[ArticleSummary]]:
    """(how many articles mention the entity and pass `narrow`, one page of them, newest first).
    `narrow` keeps an outlet's articles, those published in its range and those whose title has
    its words (query.narrow); the kinds and the event type do not apply to articles."""
    where, params = ["a.id IN (SELECT article_id FROM article_entities WHERE entity_id = ?)"], [entity_id]
    if narrow is not None and narrow.outlet is not None:
        where.append("EXISTS (SELECT 1 FROM sources s WHERE s.article_id = a.id AND s.source = ?)")
        params.append(narrow.outlet)
    if narrow is not None and narrow.dated:
        where.append("a.published IS NOT NULL AND substr(a.published, 1, 10) BETWEEN ? AND ?")
        params += [narrow.since or "0000-00-00", narrow.until or "9999-99-99"]
    clause = " WHERE " + " AND ".join(where)
    ordered = "SELECT a.id, a.title FROM articles a" + clause + " ORDER BY a.published DESC, a.id"
    if narrow is not None and narrow.search:  # words of the title, matched as the other lists match
        ids = [i for i, title in conn.execute(ordered, params) if narrow.says(title)]
        total, page = len(ids), ids[offset : offset + limit]
    else:
        (total,) = conn.execute("SELECT count(*) FROM articles a" + clause, params).fetchone()
        page = [row[0] for row in conn.execute(ordered + " LIMIT ? OFFSET ?", [*params, limit, offset])]
    found = {row[0]: row for row in rows_for_ids(conn, _SUMMARY + "WHERE a.id IN ({marks})", page)}
    return total, _summaries([found[i] for i in page])
