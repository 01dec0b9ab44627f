"""Event groups: one real event however many articles report it (store.event_groups), read back as
a line with its best date, participants, sources and every report.

The timeline draws an entity's groups as its event lines; the API also serves a group with all of
its reports, each linked to its article and sentence, so that a reader can check how the line was
assembled. Groups whose best report is below a confidence threshold (common.DEFAULT_MIN_CONFIDENCE
unless asked otherwise) are not shown.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from functools import cached_property

from storyline.dates import label
from storyline.query.common import (
    DEFAULT_MIN_CONFIDENCE,
    EntityRef,
    Evidence,
    EvidenceMaker,
    QueryError,
    Result,
    date_label,
    names_of,
    resolve,
    rows_for_ids,
)
from storyline.query.narrow import Narrow


@dataclass
class GroupReport:
    """One report of a group as read from the store (its sentence not read yet)."""

    event_id: int
    article_id: str
    published: str | None
    trigger: str
    modality: str
    value: str | None
    mod: str | None
    date_start: str | None
    date_end: str | None
    confidence: float | None
    sentence: tuple[int, int]
    args_json: str  # decoded when asked: a heavy person's timeline reads thousands of reports

    @cached_property
    def args(self) -> dict:
        return json.loads(self.args_json)


@dataclass
class GroupData:
    """An event group and its reports, earliest published first."""

    id: int
    type: str
    modality: str
    participants: list[tuple[str, int]]  # (role, entity id), sorted
    value: str | None
    granularity: str | None
    mod: str | None
    date_start: str | None
    date_end: str | None
    confidence: float | None
    first_event: int | None
    reports: list[GroupReport] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)  # of every report's article, first report first

    @property
    def articles(self) -> int:
        return len({r.article_id for r in self.reports})

    @property
    def first(self) -> GroupReport | None:
        return next((r for r in self.reports if r.event_id == self.first_event), None) or (
            self.reports[0] if self.reports else None
        )


def group_ids_of(conn: sqlite3.Connection, entity_id: int) -> list[int]:
    """The groups of the events an entity takes part in."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT DISTINCT e.group_id FROM event_roles r JOIN events e ON e.id = r.event_id "
            "WHERE r.entity_id = ? AND e.group_id IS NOT NULL ORDER BY e.group_id",
            (entity_id,),
        )
    ]


def read_groups(conn: sqlite3.Connection, ids: list[int], min_confidence: float = 0.0) -> list[GroupData]:
    """The groups with these ids whose best report reaches `min_confidence`, with their reports and
    the outlets that ran them, in the order of the ids."""
    groups: dict[int, GroupData] = {}
    sql = (
        "SELECT id, type, modality, participants, time_value, time_granularity, time_mod, date_start, "
        "date_end, confidence, first_event_id FROM event_groups WHERE id IN ({marks})"
    )
    for row in rows_for_ids(conn, sql, ids):
        if (row[9] if row[9] is not None else 0.0) < min_confidence:
            continue
        groups[row[0]] = GroupData(
            row[0], row[1], row[2], sorted((r, w) for r, w in json.loads(row[3])), *row[4:]
        )
    if not groups:
        return []
    sql = (
        "SELECT e.group_id, e.id, e.article_id, a.published, e.trigger, e.modality, e.time_value, "
        "e.time_mod, e.date_start, e.date_end, e.confidence, e.sentence_start, e.sentence_end, e.args "
        "FROM events e JOIN articles a ON a.id = e.article_id WHERE e.group_id IN ({marks})"
    )
    for group_id, event_id, article_id, published, *rest in rows_for_ids(conn, sql, list(groups)):
        trigger, modality, value, mod, first, last, confidence, s0, s1, args = rest
        groups[group_id].reports.append(
            GroupReport(
                event_id,
                article_id,
                published,
                trigger,
                modality,
                value,
                mod,
                first,
                last,
                confidence,
                (s0, s1),
                args,
            )
        )
    outlets: dict[str, list[str]] = {}
    articles = list({r.article_id for g in groups.values() for r in g.reports})
    sql = "SELECT article_id, source FROM sources WHERE article_id IN ({marks}) ORDER BY published, source"
    for article_id, source in rows_for_ids(conn, sql, articles):
        if source:
            outlets.setdefault(article_id, []).append(source)
    for g in groups.values():
        g.reports.sort(key=lambda r: (r.event_id != g.first_event, r.published or "9999", r.event_id))
        g.outlets = list(dict.fromkeys(o for r in g.reports for o in outlets.get(r.article_id, [])))
    return [groups[i] for i in ids if i in groups]


def summary(g: GroupData, names: dict[int, str]) -> str:
    """How a group reads on one line: its type, who did it to whom, its trigger and modality."""
    first = g.first
    return event_summary(
        g.type,
        first.trigger if first else g.type,
        g.modality,
        g.participants,
        names,
        first.args if first else {},
    )


def event_summary(
    type_: str, trigger: str, modality: str, parts: list[tuple[str, int]], names: dict[int, str], args: dict
) -> str:
    agents = [names[w] for r, w in parts if r == "agent" and w in names]
    others = list(dict.fromkeys(names[w] for r, w in parts if r != "agent" and w in names))
    text = type_
    if agents:
        text += ": " + " and ".join(agents) + (" → " + ", ".join(others) if others else "")
    elif others:
        text += ": " + ", ".join(others)
    extra = [f"“{trigger}”"]
    if modality != "asserted":
        extra.append(modality)
    if isinstance(args.get("money"), dict):
        money = args["money"]
        extra.append(f"{money.get('currency', '')} {money.get('amount', '')}".strip())
    return f"{text} ({', '.join(extra)})"


# ---------------------------------------------------------------------- results
@dataclass
class EventReport(Result):
    """One article's report of an event: its own trigger, date and confidence, and its sentence."""

    event_id: int
    trigger: str
    modality: str
    date: str  # how the report's own date reads
    value: str | None
    mod: str | None
    date_start: str | None
    date_end: str | None
    confidence: float | None
    evidence: Evidence
    label: str = ""  # `date` in words, for people: "14 Apr 2025", "before 15 Apr 2025"


@dataclass
class EventGroup(Result):
    """One real event: its best supported date, its participants and its reports."""

    id: int
    type: str
    modality: str
    date: str  # the best date its reports support: "2025-04-14", "before 2025-04-15", ...
    value: str | None
    granularity: str | None
    mod: str | None
    date_start: str | None
    date_end: str | None
    summary: str
    participants: list[dict]
    confidence: float | None  # the highest of its reports'
    reports_total: int
    articles: int
    outlets: list[str]
    reports: list[EventReport] = field(default_factory=list)  # earliest first; maybe only the first few
    label: str = ""  # `date` in words, for people: "14 Apr 2025", "before 15 Apr 2025"


@dataclass
class EventGroups(Result):
    entity: EntityRef
    total: int
    groups: list[EventGroup]


def _results(conn: sqlite3.Connection, found: list[GroupData], reports: int | None) -> list[EventGroup]:
    names = names_of(conn, [w for g in found for _, w in g.participants])
    make = EvidenceMaker(conn)
    shown = [(g, r) for g in found for r in (g.reports[:reports] if reports is not None else g.reports)]
    evidence = make.many([(r.article_id, *r.sentence) for _, r in shown])
    out: dict[int, EventGroup] = {}
    for g in found:
        out[g.id] = EventGroup(
            g.id,
            g.type,
            g.modality,
            date_label(g.value, g.mod, g.date_start),
            g.value,
            g.granularity,
            g.mod,
            g.date_start,
            g.date_end,
            summary(g, names),
            [{"id": w, "name": names.get(w, "?"), "role": role} for role, w in g.participants],
            g.confidence,
            len(g.reports),
            g.articles,
            g.outlets,
            label=label(g.value, g.mod, g.date_start),
        )
    for (g, r), ev in zip(shown, evidence, strict=True):
        out[g.id].reports.append(
            EventReport(
                r.event_id,
                r.trigger,
                r.modality,
                date_label(r.value, r.mod, r.date_start),
                r.value,
                r.mod,
                r.date_start,
                r.date_end,
                r.confidence,
                ev,
                label=label(r.value, r.mod, r.date_start),
            )
        )
    return list(out.values())


def event_group(conn: sqlite3.Connection, group_id: int) -> EventGroup:
    """One event group with every report; QueryError if there is none with this id."""
    found = read_groups(conn, [group_id])
    if not found:
        raise QueryError(f"no event group {group_id} in the store")
    return _results(conn, found, None)[0]


def event_groups(
    conn: sqlite3.Connection,
    name: str | int,
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    limit: int | None = None,
    offset: int = 0,
    reports: int | None = None,
    narrow: Narrow | None = None,
) -> EventGroups:
    """The event groups an entity takes part in, by date (undated last), from `offset`, at most
    `limit`; each with its first `reports` reports (all if None; reports_total counts them all).
    With `narrow`, only the groups it keeps (query.narrow: event type, outlet, first day, words
    of the line); total counts those."""
    entity, _ = resolve(conn, name)
    found = read_groups(conn, group_ids_of(conn, entity.id), min_confidence)
    if narrow is not None and not narrow.everything:
        names = names_of(conn, [w for g in found for _, w in g.participants]) if narrow.search else {}
        found = [
            g
            for g in found
            if (narrow.event_type is None or g.type == narrow.event_type)
            and (narrow.outlet is None or narrow.outlet in g.outlets)
            and narrow.in_range(g.date_start)
            and (narrow.search is None or narrow.says(summary(g, names)))
        ]
    found.sort(key=lambda g: (g.date_start is None, g.date_start or "", g.id))
    page = found[offset : offset + limit] if limit else found[offset:]
    return EventGroups(entity, len(found), _results(conn, page, reports))
