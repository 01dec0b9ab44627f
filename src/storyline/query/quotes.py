"""Quotes across the store, filtered by speaker, subject, words and date; one line per quote group
(the same quote re-reported by several outlets), with its earliest date and every report.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date

from storyline.dates import label
from storyline.query.common import (
    EntityRef,
    Evidence,
    EvidenceMaker,
    Result,
    date_label,
    fts_query,
    inner_marks,
    resolve,
)
from storyline.query.narrow import day as _day
from storyline.quoting import display_text


@dataclass
class QuoteResult(Result):
    group_id: int
    text: str
    speaker: str | None
    speaker_id: int | None
    cue: str | None
    channel: str | None
    kind: str
    date: str
    date_start: str | None
    reports: list[Evidence] = field(default_factory=list)
    reports_total: int = 0  # every report of this quote; `reports` may hold only the first few
    label: str = ""  # `date` in words, for people: "25 Jan 2018", "by 26 Jan 2018"
    marks: list[list[int]] = field(default_factory=list)  # words quoted inside it: [start, end) in `text`


@dataclass
class QuoteQuery(Result):
    speaker: EntityRef | None
    about: EntityRef | None
    quotes: list[QuoteResult]
    matches: int | None = None  # quotes the search words match, when there is a search
    truncated: bool = False  # the search matched more than BROAD: only the latest WINDOW were ordered


BROAD = 5_000  # a search matching more quotes than this (alone) orders only the latest WINDOW
WINDOW = 2_000


def _page_of_groups(
    conn: sqlite3.Connection, filters: str, params: list, limit: int | None, offset: int
) -> list[int]:
    """The groups on the asked page, oldest first (a group's first date is its earliest quote's)."""
    sql = (
        f"SELECT q.group_id FROM quotes q JOIN quote_groups g ON g.id = q.group_id{filters} "
        "ORDER BY q.date_start, q.group_id"
    )
    seen: dict[int, None] = {}
    wanted = None if limit is None else offset + limit
    for (group,) in conn.execute(sql, params):
        seen.setdefault(group)
        if wanted is not None and len(seen) >= wanted:
            break
    return list(seen)[offset:]


def quotes(
    conn: sqlite3.Connection,
    *,
    speaker: str | int | None = None,
    about: str | int | None = None,
    search: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    outlet: str | None = None,
    limit: int | None = 100,
    offset: int = 0,
    reports: int | None = None,
) -> QuoteQuery:
    """Quote groups matching every filter given, oldest first: at most `limit` (None: all), after
    skipping `offset`. Search words that match more than BROAD quotes (with no speaker or subject to
    narrow them) order only the WINDOW most recently stored matches: `truncated` says so. Speaker
    and subject are names (or entity ids); `outlet` keeps the quotes that outlet ran (a group then
    shows only those reports). With `reports`, each quote keeps only its first few reports
    (reports_total still counts them all)."""
    where, params = ["q.within IS NULL"], []  # one line per statement: a quote within another is in it
    who = resolve(conn, speaker)[0] if speaker not in (None, "") else None
    subject = resolve(conn, about)[0] if about not in (None, "") else None
    if who is not None:
        where.append("q.speaker_id = ?")
        params.append(who.id)
    if subject is not None:
        where.append("q.id IN (SELECT quote_id FROM quote_about WHERE entity_id = ?)")
        params.append(subject.id)
    fts = fts_query(search) if search else None
    matches, truncated = None, False
    if fts:
        (matches,) = conn.execute(
            "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH ?", [fts]
        ).fetchone()
        if who is not None or subject is not None:  # the other filter drives; probe the index per quote
            where.append("EXISTS (SELECT 1 FROM quotes_fts WHERE quotes_fts MATCH ? AND rowid = q.id)")
        elif matches > BROAD:  # common words: order only the latest matches, and say so
            truncated = True
            where.append(
                "q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ? "
                f"ORDER BY rowid DESC LIMIT {WINDOW})"
            )
        else:
            where.append("q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)")
        params.append(fts)
    if (first := _day(since, "--since")) is not None:
        where.append("g.first_date >= ?")
        params.append(first)
    if (last := _day(until, "--until")) is not None:
        where.append("g.first_date <= ?")
        params.append(last)
    if outlet:
        where.append("EXISTS (SELECT 1 FROM sources s WHERE s.article_id = q.article_id AND s.source = ?)")
        params.append(outlet)
    filters = " WHERE " + " AND ".join(where)
    chosen = _page_of_groups(conn, filters, params, limit, offset)
    if not chosen:
        return QuoteQuery(who, subject, [], matches, truncated)
    marks = ",".join("?" * len(chosen))
    sql = (
        "SELECT q.group_id, g.text, g.first_date, q.article_id, q.speaker_id, q.speaker_name, q.cue, "
        "q.channel, q.kind, q.time_value, q.time_mod, q.date_start, q.evidence_start, q.evidence_end, "
        "q.local_id, q.start FROM quotes q JOIN quote_groups g ON g.id = q.group_id"
        + filters
        + f" AND q.group_id IN ({marks}) "
        "ORDER BY g.first_date IS NULL, g.first_date, q.group_id, q.date_start"
    )
    params = [*params, *chosen]
    offset, limit = 0, None  # the page is already chosen
    evidence = EvidenceMaker(conn, cap=reports)
    groups: dict[int, QuoteResult] = {}
    names: dict[int, str] = {}
    skipped: set[int] = set()
    shown: dict[int, tuple[str, str, int, str]] = {}  # group -> its first report, for the marks
    for row in conn.execute(sql, params):
        *report, local_id, quote_start = row
        group, text, first_date, article_id, spk, spk_name, cue, channel, kind, value, mod, start, s0, s1 = (
            report
        )
        if group in skipped:
            continue
        result = groups.get(group)
        if result is None:
            if len(skipped) < offset:
                skipped.add(group)
                continue
            if limit and len(groups) >= limit:
                break
            if spk is not None and spk not in names:
                names[spk] = conn.execute("SELECT name FROM entities WHERE id = ?", (spk,)).fetchone()[0]
            own = start == first_date  # the earliest report's own date, else the group's first day
            result = groups[group] = QuoteResult(
                group,
                display_text(text),
                names.get(spk, spk_name) if spk is not None else spk_name,
                spk,
                cue,
                channel,
                kind,
                date_label(value, mod, start) if own else date_label(None, None, first_date),
                first_date,
                label=label(value, mod, start) if own else label(None, None, first_date),
            )
            shown[group] = (article_id, local_id, quote_start, result.text)
        result.reports_total += 1
        evidence.keep(group, article_id, s0, s1)
    for group, reports in evidence.kept().items():
        groups[group].reports = reports  # type: ignore[index]
    for group, found in inner_marks(conn, shown).items():  # type: ignore[arg-type]
        groups[group].marks = found  # type: ignore[index]
    return QuoteQuery(who, subject, list(groups.values()), matches, truncated)
