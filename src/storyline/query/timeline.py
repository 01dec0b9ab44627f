"""One person's timeline across every stored article: events, quotes by and about them, relation
changes, and past dates they refer to ("our night together in 1991"), ordered by resolved date.

Fuzzy dates sort by the first day they cover, the coarser first ("2017-11" before "2017-11-20");
a bound ("before 2018-01-25", "by 2018-01-26") sorts just before that day; undated lines come last.
The same fact reported by several articles is one line with every article as evidence: an event
line is an event group of the store (store.event_groups), a quote line a quote group. Event and
relation lines below a confidence threshold (common.DEFAULT_MIN_CONFIDENCE) are hidden unless
asked for.

Lines are built from the reports' offsets alone; the evidence sentences are read only for the lines
a caller asks for (a page of a long timeline), because reading them dominated the cost of a query.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date

from storyline.dates import label
from storyline.intervals import PERIODS, granularity, interval
from storyline.query.common import (
    DEFAULT_MIN_CONFIDENCE,
    EntityRef,
    Evidence,
    EvidenceMaker,
    Result,
    date_label,
    inner_marks,
    names_of,
    resolve,
    rows_for_ids,
)
from storyline.query.events import group_ids_of, read_groups, summary
from storyline.query.narrow import Narrow, reported_by
from storyline.quoting import display_text

_MOD_RANK = {"BEFORE": 0, "ON_OR_BEFORE": 0, None: 1, "AFTER": 2}


@dataclass
class TimelineEntry(Result):
    kind: str  # event | quote | quote_about | relation | reference
    type: str  # the event or relation type, "quote", or "reference"
    date: str  # how the date reads: "2017-11", "before 2018-01-25", "undated"
    value: str | None  # the TIMEX3 value
    granularity: str | None
    date_start: str | None
    date_end: str | None
    summary: str
    participants: list[dict] = field(default_factory=list)
    modality: str = "asserted"
    evidence: list[Evidence] = field(default_factory=list)
    evidence_total: int = 0  # reports of this fact; `evidence` may hold only the first few
    mod: str | None = None  # BEFORE / AFTER / ON_OR_BEFORE: the date is a bound, not the time itself
    group_id: int | None = None  # an event line: its event group (/api/event-groups/{id})
    confidence: float | None = None  # events and relations: the highest of their reports'
    articles: int = 0  # event lines: the articles that report it
    outlets: list[str] = field(default_factory=list)  # event lines: the outlets that ran those articles
    label: str = ""  # the date in words, for people: "Nov 2017", "before 25 Jan 2018", "by 26 Jan 2018"
    # quote lines: where the words quoted inside the statement stand in `summary`, as [start, end)
    marks: list[list[int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.label = self.label or label(self.value, self.mod, self.date_start)
        # every report as (article id, start, end), not part of the JSON: `evidence` shows them
        self.reports: list[tuple[str, int, int]] = []
        self.first_published: str | None = None
        # a quote line: the quote it shows (article id, local id, start) and where its text begins
        # in `summary`; the text is put as a reader reads it, with its marks, for the lines shown
        # only (see as_shown)
        self.statement: tuple[str, str, int, int] | None = None

    def cite(self, article_id: str, start: int, end: int) -> None:
        """Count one more report of this fact; its sentence is read later, if it is shown."""
        self.reports.append((article_id, start, end))
        self.evidence_total += 1

    def sort_key(self) -> tuple:
        return (
            self.date_start is None,
            self.date_start or "",
            _MOD_RANK.get(self.mod, 1),
            "" if self.date_end is None else _invert(self.date_end),
            self.first_published or "",
        )


@dataclass
class Timeline(Result):
    entity: EntityRef
    also_matched: list[EntityRef]
    entries: list[TimelineEntry]
    total: int = 0  # lines in the whole timeline; `entries` may be one page of them


def in_order(conn: sqlite3.Connection, entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Sort lines by date; lines of the same date by when their first report was published
    (read here for all lines in one query: joining every report to its article cost more)."""
    firsts = list({e.reports[0][0] for e in entries if e.reports})
    sql = "SELECT id, published FROM articles WHERE id IN ({marks})"
    published: dict[str, str | None] = dict(rows_for_ids(conn, sql, firsts))
    for entry in entries:
        entry.first_published = published.get(entry.reports[0][0]) if entry.reports else None
    entries.sort(key=TimelineEntry.sort_key)
    return entries


def with_evidence(entries: list[TimelineEntry], make: EvidenceMaker) -> list[TimelineEntry]:
    """Read the evidence sentences of these lines (their first `make.cap` reports, or all)."""
    todo = {id(e): e for e in entries if not e.evidence}  # a line may come twice
    for key, entry in todo.items():
        for report in entry.reports[: make.cap]:
            make.keep(key, *report)
    for key, evidence in make.kept().items():
        todo[key].evidence = evidence  # type: ignore[index]
    return entries


def narrowed(conn: sqlite3.Connection, entries: list[TimelineEntry], narrow: Narrow) -> list[TimelineEntry]:
    """The lines `narrow` keeps (query.narrow): their kind, event type, first day and words, then
    their outlets, read only for the lines left."""
    kept = [
        e
        for e in entries
        if narrow.wants(e.kind)
        and (narrow.event_type is None or e.kind != "event" or e.type == narrow.event_type)
        and narrow.in_range(e.date_start)
        and narrow.says(e.summary)
    ]
    if narrow.outlet is None:
        return kept
    ran = reported_by(conn, narrow.outlet, {i: [r[0] for r in e.reports] for i, e in enumerate(kept)})
    return [e for i, e in enumerate(kept) if i in ran]


_INVERTED_DIGITS = str.maketrans("0123456789", "9876543210")


def _invert(day: str) -> str:
    """A string that sorts the later day first (coarser intervals before the finer ones inside)."""
    return day.translate(_INVERTED_DIGITS)


def timeline(
    conn: sqlite3.Connection,
    name: str | int,
    *,
    limit: int | None = None,
    offset: int = 0,
    evidence: int | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    narrow: Narrow | None = None,
) -> Timeline:
    """The timeline of the entity `name` means (see query.common.resolve): its lines from `offset`,
    at most `limit` of them; with `evidence`, each line shows only its first few reports
    (evidence_total still counts them all). Event and relation lines whose best report has a
    confidence below `min_confidence` are left out (0: everything), and so is what `narrow` does
    not keep (total counts the lines kept)."""
    entity, others = resolve(conn, name)
    entries = [
        *events_of(conn, entity.id, min_confidence),
        *_quotes(conn, entity.id),
        *relations_of(conn, entity.id, min_confidence),
    ]
    entries += _references(conn, entity.id, entries)
    if narrow is not None and not narrow.everything:
        entries = narrowed(conn, entries, narrow)
    in_order(conn, entries)
    page = entries[offset : offset + limit] if limit else entries[offset:]
    as_shown(conn, page)
    return Timeline(entity, others, with_evidence(page, EvidenceMaker(conn, cap=evidence)), len(entries))


def as_shown(conn: sqlite3.Connection, entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """These quote lines as a reader reads them (storyline.quoting): the quote's display text, and
    the words quoted inside the statement marked. Done for the lines shown only, as their evidence
    is (a long timeline's other lines cost nothing)."""
    shown = {}
    for e in entries:
        if e.statement is not None:  # (twice is harmless: display_text is idempotent)
            at = e.statement[3]
            text = display_text(e.summary[at:-1])
            e.summary = f"{e.summary[:at]}{text}”"
            shown[id(e)] = (*e.statement[:3], text)
    by_key = {id(e): e for e in entries}
    for key, marks in inner_marks(conn, shown).items():
        entry = by_key[key]  # type: ignore[index]
        at = entry.statement[3] if entry.statement else 0
        entry.marks = [[start + at, end + at] for start, end in marks]
    return entries


def events_of(conn: sqlite3.Connection, entity_id: int, min_confidence: float = 0.0) -> list[TimelineEntry]:
    """The events the entity takes part in: one entry per event group (store.event_groups: the same
    real event from every article that reports it) whose best report reaches `min_confidence`,
    with all its reports (their evidence not yet read: see with_evidence)."""
    return event_entries(conn, group_ids_of(conn, entity_id), min_confidence)


def event_entries(
    conn: sqlite3.Connection, group_ids: list[int], min_confidence: float = 0.0
) -> list[TimelineEntry]:
    """One line per event group of these ids that reaches `min_confidence` (see events_of)."""
    found = read_groups(conn, group_ids, min_confidence)
    names = names_of(conn, [w for g in found for _, w in g.participants])
    entries = []
    for g in found:
        entry = TimelineEntry(
            "event",
            g.type,
            date_label(g.value, g.mod, g.date_start),
            g.value,
            g.granularity,
            g.date_start,
            g.date_end,
            summary(g, names),
            [{"id": who, "name": names.get(who, "?"), "role": role} for role, who in g.participants],
            g.modality,
            mod=g.mod,
            group_id=g.id,
            confidence=g.confidence,
            articles=g.articles,
            outlets=g.outlets,
        )
        for r in g.reports:
            entry.cite(r.article_id, *r.sentence)
        entries.append(entry)
    return entries


# the columns of a quote line's rows, after its kind ('quote' or 'quote_about'): see quote_entries
QUOTE_COLUMNS = (
    "q.group_id, q.article_id, q.text, q.speaker_name, q.speaker_id, q.cue, q.channel, q.time_value, "
    "q.time_granularity, q.time_mod, q.date_start, q.date_end, q.evidence_start, q.evidence_end, "
    "q.local_id, q.start"
)


def _quotes(conn: sqlite3.Connection, entity_id: int) -> list[TimelineEntry]:
    """Quote lines: one per statement (a quote within another is shown in it), however many
    articles report it (a quote group)."""
    rows = conn.execute(
        f"SELECT 'quote', {QUOTE_COLUMNS} FROM quotes q WHERE q.speaker_id = ? AND q.within IS NULL "
        "UNION ALL "
        f"SELECT 'quote_about', {QUOTE_COLUMNS} FROM quote_about a JOIN quotes q ON q.id = a.quote_id "
        "WHERE a.entity_id = ? AND (q.speaker_id IS NULL OR q.speaker_id != ?) AND q.within IS NULL",
        (entity_id, entity_id, entity_id),
    ).fetchall()
    return quote_entries(conn, rows)


def quote_entries(conn: sqlite3.Connection, rows: list[tuple]) -> list[TimelineEntry]:
    """Quote lines from rows of (kind, QUOTE_COLUMNS...): one line per kind and quote group, dated
    by its earliest report, citing every report (story.py selects its quotes its own way)."""
    names = names_of(conn, [r[5] for r in rows if r[5] is not None])
    grouped: dict[tuple, TimelineEntry] = {}
    for (
        kind,
        group,
        article_id,
        text,
        speaker_name,
        speaker,
        cue,
        channel,
        value,
        gran,
        mod,
        first,
        last,
        s0,
        s1,
        local_id,
        start,
    ) in rows:
        key = (kind, group)
        entry = grouped.get(key)
        who = names.get(speaker, speaker_name) if speaker is not None else (speaker_name or "unattributed")
        if entry is None:
            how = " ".join(x for x in [cue, f"({channel})" if channel else None] if x)
            head = f"{who} {how}: “" if how else f"{who}: “"
            entry = grouped[key] = TimelineEntry(
                kind,
                "quote",
                date_label(value, mod, first),
                value,
                gran,
                first,
                last,
                f"{head}{text}”",  # as stored; as_shown puts it as a reader reads it
                [{"id": speaker, "name": who, "role": "speaker"}],
                mod=mod,
            )
            entry.statement = (article_id, local_id, start, len(head))
        elif first and (entry.date_start is None or first < entry.date_start):  # the earliest report wins
            entry.date, entry.value, entry.granularity = date_label(value, mod, first), value, gran
            entry.label = label(value, mod, first)
            entry.mod = mod
            entry.date_start, entry.date_end = first, last
        entry.cite(article_id, s0, s1)
    return list(grouped.values())


def relations_of(
    conn: sqlite3.Connection, entity_id: int, min_confidence: float = 0.0
) -> list[TimelineEntry]:
    """Relation lines: the same relation (and change) from several articles is one line, shown when
    its most confident report reaches `min_confidence`."""
    rows = conn.execute(
        "SELECT article_id, type, head_id, tail_id, start_value, end_value, evidence_start, evidence_end, "
        "confidence FROM relations WHERE head_id = ? OR tail_id = ? ORDER BY id",
        (entity_id, entity_id),
    ).fetchall()
    names = names_of(conn, [r[2] for r in rows] + [r[3] for r in rows])
    grouped: dict[tuple, TimelineEntry] = {}
    for article_id, type_, head, tail, start, end, s0, s1, confidence in rows:
        relation = f"{names.get(head, '?')} {type_.replace('_', ' ')} of {names.get(tail, '?')}"
        people = [
            {"id": head, "name": names.get(head), "role": "head"},
            {"id": tail, "name": names.get(tail), "role": "tail"},
        ]
        marks = [("began", start), ("ended", end)] if start or end else [("", None)]
        for change, value in marks:
            if change and not value:
                continue
            days = interval(value)
            key = ("relation", type_, head, tail, change, value)
            entry = grouped.get(key)
            if entry is None:
                entry = grouped[key] = TimelineEntry(
                    "relation",
                    type_,
                    date_label(value, None, days[0].isoformat() if days else None),
                    value,
                    (granularity(value) if value else None),
                    days[0].isoformat() if days else None,
                    days[1].isoformat() if days else None,
                    f"{relation}: {change}" if change else relation,
                    people,
                )
            if confidence is not None and (entry.confidence is None or confidence > entry.confidence):
                entry.confidence = confidence
            if s0 is not None:
                entry.cite(article_id, s0, s1)
    return [e for e in grouped.values() if (e.confidence or 0.0) >= min_confidence]


def _references(
    conn: sqlite3.Connection, entity_id: int, entries: list[TimelineEntry]
) -> list[TimelineEntry]:
    """Past dates the person names in their own quotes, where no event or relation already has them."""
    rows = conn.execute(
        "SELECT q.article_id, t.text, t.start, t.end, t.value, "
        "(SELECT published FROM articles WHERE id = q.article_id), q.start, q.end, q.text "
        "FROM quotes q JOIN timexes t ON t.article_id = q.article_id "
        "AND t.start >= q.start AND t.end <= q.end "
        "WHERE q.speaker_id = ? AND t.type = 'DATE' AND q.kind != 'indirect' "
        # words quoted inside a quoted statement are that statement's; inside reported speech, the
        # only quotation of them
        "AND (q.within IS NULL OR EXISTS (SELECT 1 FROM quotes o WHERE o.article_id = q.article_id "
        "AND o.local_id = q.within AND o.kind = 'indirect'))",
        (entity_id,),
    ).fetchall()
    known = {(e.value, r[0]) for e in entries for r in e.reports if e.kind in {"event", "relation"}}
    grouped: dict[tuple, TimelineEntry] = {}
    for article_id, _, t0, t1, value, published, q0, _, quote in rows:
        days = interval(value)
        if (
            days is None
            or (granularity(value) if value else None) not in PERIODS
            or (value, article_id) in known
        ):
            continue
        if published and days[1] >= date.fromisoformat(published).replace(day=1):
            continue  # only the past before the article's month: "now", "this week" are not references
        local0, local1 = _clause(quote, t0 - q0, t1 - q0)
        key = (value, article_id, local0)
        if key in grouped:
            continue
        entry = grouped[key] = TimelineEntry(
            "reference",
            "reference",
            value,
            value,
            (granularity(value) if value else None),
            days[0].isoformat(),
            days[1].isoformat(),
            f"mentioned “{display_text(quote[local0:local1])}”",
            [{"id": entity_id, "name": None, "role": "speaker"}],
        )
        entry.cite(article_id, q0 + local0, q0 + local1)
    return list(grouped.values())


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence of a quotation around [start, end)."""
    before = [m.end() for m in re.finditer(r"[.!?]\s+", text[:start])]
    after = re.search(r"[.!?](\s|$)", text[end:])
    return (before[-1] if before else 0), (end + after.end() if after else len(text))
