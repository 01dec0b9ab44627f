"""Write one extracted Article into the store, inside the caller's transaction.

Everything an article contributes goes in together or not at all, so a process killed mid-write
leaves the store as it was before that article; a rerun then finds the article missing and adds it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from bisect import bisect_left
from datetime import UTC, date, datetime

from storyline.intervals import interval
from storyline.model import Article, Quote, TimeValue
from storyline.store import event_groups, near_duplicates
from storyline.store.identity import Rules
from storyline.store.quote_groups import assign_group
from storyline.store.resolver import Resolver

NEAR = 250  # how far a speaker or cue may sit from its quote and still be part of its evidence
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?=\s)|\n")


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
        "INSERT OR IGNORE INTO sources (article_id, source, url, input_id, title, author, published) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            article_id,
            article.source or "",
            article.url or "",
            article.input_id,
            article.title,
            article.author,
            article.published.isoformat() if article.published else None,
        ),
    )
    return cur.rowcount > 0


def write_article(conn: sqlite3.Connection, article: Article, rules: Rules) -> str:
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
    near_duplicates.index(conn, article_id, a.text)

    resolver = Resolver(conn, rules)
    ids = resolver.link(article_id, a.entities)

    starts = {e.id: sorted(m.start for m in e.mentions) for e in a.entities if e.id in ids}
    for q in a.quotes:
        _write_quote(conn, article_id, a, q, ids, starts)

    conn.executemany(
        "INSERT INTO timexes (article_id, local_id, text, start, end, type, value, mod, anchor) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(article_id, t.id, t.text, t.start, t.end, t.type, t.value, t.mod, t.anchor) for t in a.timexes],
    )

    for v in a.events:
        first, last, mod = span_dates(v.time, a.published)
        event_id = conn.execute(
            "INSERT INTO events (article_id, local_id, type, trigger, start, end, sentence_start, "
            "sentence_end, time_value, time_granularity, time_mod, date_start, date_end, modality, "
            "confidence, args, quotes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article_id,
                v.id,
                v.type,
                v.trigger,
                v.start,
                v.end,
                v.sentence.start,
                v.sentence.end,
                v.time.value if v.time else None,
                v.time.granularity if v.time else None,
                mod,
                first,
                last,
                v.modality,
                v.confidence,
                json.dumps(v.args, ensure_ascii=False),
                json.dumps(v.quotes),
            ),
        ).lastrowid
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

    conn.executemany(
        "INSERT INTO relations (article_id, local_id, type, head_local, tail_local, head_id, tail_id, "
        "start_value, end_value, evidence_start, evidence_end, confidence) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                article_id,
                r.id,
                r.type,
                r.head,
                r.tail,
                ids[r.head],
                ids[r.tail],
                r.start,
                r.end,
                r.evidence.start if r.evidence else None,
                r.evidence.end if r.evidence else None,
                r.confidence,
            )
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
    quote_id = conn.execute(
        "INSERT INTO quotes (article_id, local_id, group_id, text, start, end, kind, speaker_local, "
        "speaker_id, speaker_name, cue, channel, medium, time_value, time_granularity, time_mod, "
        "date_start, date_end, evidence_start, evidence_end, confidence, within) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            article_id,
            q.id,
            group,
            q.text,
            q.start,
            q.end,
            q.kind,
            q.speaker,
            speaker,
            q.speaker_name,
            q.cue,
            q.channel,
            q.medium,
            q.time.value if q.time else None,
            q.time.granularity if q.time else None,
            mod,
            first,
            last,
            evidence[0],
            evidence[1],
            q.confidence,
            q.within,
        ),
    ).lastrowid
    about = {  # entities with a mention starting inside the quote (found by bisection)
        (ids[local], local)
        for local, found in starts.items()
        if local != q.speaker and (at := bisect_left(found, q.start)) < len(found) and found[at] < q.end
    }
    conn.executemany(
        "INSERT OR IGNORE INTO quote_about (entity_id, quote_id, local_id) VALUES (?, ?, ?)",
        [(entity, quote_id, local) for entity, local in sorted(about)],
    )
