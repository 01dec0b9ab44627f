"""The same real event reported by several articles is one event group: one timeline line.

A report joins a group, at ingest and incrementally, when all of these hold (docs/store.md):

- **Same kind.** The same event type and modality.
- **Shared participants, none contradicting.** At least one agent in common; when neither side
  has an agent, a participant (target) in common. A report with agents never joins a group
  without, nor the reverse. Agents contradict when each side has an agent the other does not name
  at all (the marriage of A and B is not the marriage of A and C), or when an agent of one side is
  only a target of the other (X sued Y is not Y sued X).
- **Compatible times.** Two dated reports overlap (their calendar intervals share a day). A bound
  ("before 2025-04-15", mod BEFORE) accepts a dated report whose interval ends on or before its
  day and starts at most WINDOW_DAYS before it; AFTER mirrors that; two bounds are compatible
  when they are within WINDOW_DAYS of each other. A group compares a new report with what all its
  reports allow together: the days every dated report covers (their intersection) and the window
  every bound leaves open, so a group never holds two reports that contradict each other's dates
  ("2025-04" meets a group that "2025-04-14" narrowed, though alone it does not fit "before
  2025-04-15"). A report that fits several groups joins the largest, and merges the others that
  then agree with it, so the order in which reports arrive matters less.
- **Undated reports** (no time the calendar can place) join only a group of their own article:
  "resigned" with no date in two articles may be two resignations years apart. A bound alone
  ("before 2016-04-28") of an event that recurs between the same people (a statement, an
  accusation, a meeting: every type rules/event_times.tsv does not list as happening once) joins
  a group of another article only when that group has a date: "Sanders accused Clinton" before
  two publication dates is two accusations as often as one.

This is conservative on purpose: a missed merge leaves two lines a reader can still match up; a
wrong merge hides an event. A group keeps its participants (the union of its reports'), the most
precise date its reports support (the finest among them: 2025-04-14 over 2025-W16 over 2025-04 over
"before 2025-04-15"), its earliest report by publication date, its report count and the highest
confidence of its reports.

Finding candidates is indexed: event_group_keys holds one row per key participant of a group
(its agents, or its targets when it has none) with the type, modality and the last day of the
group's window, so a lookup is a seek on (participant, type, modality, role) ranging over windows
that end on or after the report's first day, the earliest-ending first, at most MAX_CANDIDATES.
Nothing scans all events or all groups.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from storyline.intervals import interval
from storyline.nlp.time.event_times import once_types

WINDOW_DAYS = 45  # how far before its day a bound ("before D") may reach to meet a dated report
MAX_CANDIDATES = 20  # groups read per key participant of a report, the earliest-ending windows first
_BATCH = 500  # ids per IN (...) list, well under SQLite's limit on parameters

BEFORE_MODS = frozenset({"BEFORE", "ON_OR_BEFORE"})
AFTER_MODS = frozenset({"AFTER"})

Interval = tuple[date, date]


@dataclass(frozen=True)
class When:
    """A report's time as the store holds it: the TIMEX3 value and mod, and the days it covers."""

    value: str | None
    mod: str | None = None
    start: date | None = None
    end: date | None = None
    granularity: str | None = None

    @classmethod
    def of(
        cls,
        value: str | None,
        mod: str | None = None,
        date_start: str | date | None = None,
        date_end: str | date | None = None,
        granularity: str | None = None,
    ) -> When:
        """From stored columns; the days default to the value's interval."""
        start, end = _day(date_start), _day(date_end)
        if (start is None or end is None) and (days := interval(value)) is not None:
            start, end = days
        return cls(value, mod, start, end, granularity)

    @property
    def kind(self) -> str:
        """dated | before | after | undated (no value the calendar can place)."""
        if self.value is None or self.start is None or self.end is None or interval(self.value) is None:
            return "undated"
        if self.mod in BEFORE_MODS:
            return "before"
        if self.mod in AFTER_MODS:
            return "after"
        return "dated"

    def window(self) -> Interval | None:
        """The days a compatible report must fall in (a bound) or meet (a dated report)."""
        kind = self.kind
        if kind == "undated":
            return None
        assert self.start is not None and self.end is not None
        if kind == "dated":
            return self.start, self.end
        if kind == "before":  # "before D" ends on D's first day; "on or before D" on its last
            anchor = self.start if self.mod == "BEFORE" else self.end
            return anchor - timedelta(days=WINDOW_DAYS), anchor
        return self.end, self.end + timedelta(days=WINDOW_DAYS)


def _recurs(event_type: str) -> bool:
    """Statements, accusations, meetings recur between the same people (rules/event_times.tsv
    lists those that happen once): a bound alone does not make two reports of them one event."""
    return event_type not in once_types()


def compatible(a: When, b: When) -> bool:
    """Whether two reports' times can be the same event's (undated ones only with each other: the
    caller confines those to one article)."""
    ka, kb = a.kind, b.kind
    if "undated" in (ka, kb):
        return ka == kb
    wa, wb = a.window(), b.window()
    assert wa is not None and wb is not None
    if ka == "dated" and kb == "dated":
        return _overlap(wa, wb) is not None
    if ka == "dated":
        return _inside(wa, wb)
    if kb == "dated":
        return _inside(wb, wa)
    return _overlap(wa, wb) is not None


@dataclass(frozen=True)
class Report:
    """One stored event, as grouping sees it."""

    event_id: int
    article_id: str
    published: str | None  # the article's publication date (ISO), for the earliest report
    type: str
    modality: str
    participants: frozenset[tuple[str, int]]  # (role, store entity id)
    when: When
    confidence: float | None = None

    @property
    def agents(self) -> frozenset[int]:
        return frozenset(who for role, who in self.participants if role == "agent")


def participants_compatible(a: Iterable[tuple[str, int]], b: Iterable[tuple[str, int]]) -> bool:
    """Shared agents (or, when neither side has any, shared participants) and no contradicting agent."""
    a, b = set(a), set(b)
    agents_a = {w for r, w in a if r == "agent"}
    agents_b = {w for r, w in b if r == "agent"}
    named_a, named_b = {w for _, w in a}, {w for _, w in b}
    if not agents_a and not agents_b:
        return bool(named_a & named_b)
    if not (agents_a & agents_b):
        return False
    if (agents_a - named_b) and (agents_b - named_a):
        return False  # each side has an agent the other does not name at all
    # an agent of one side that the other names only in another role: the roles are swapped
    return not ((agents_a & named_b) - agents_b or (agents_b & named_a) - agents_a)


@dataclass
class Group:
    """An event group's state: what it is about and what its reports allow together."""

    id: int | None
    type: str
    modality: str
    participants: set[tuple[str, int]]
    article_id: str | None  # undated groups stay within their article
    span: Interval | None  # the days every dated report covers
    bound: Interval | None  # the days every bound leaves open
    best: When
    best_event: int
    best_published: str | None
    first_event: int
    first_article: str
    first_published: str | None
    reports: int = 1
    confidence: float | None = None
    _keys: set[tuple[int, str, str]] = field(default_factory=set, repr=False)  # written keys

    @classmethod
    def start(cls, r: Report) -> Group:
        kind = r.when.kind
        window = r.when.window()
        return cls(
            None,
            r.type,
            r.modality,
            set(r.participants),
            r.article_id if kind == "undated" else None,
            window if kind == "dated" else None,
            window if kind in {"before", "after"} else None,
            r.when,
            r.event_id,
            r.published,
            r.event_id,
            r.article_id,
            r.published,
            1,
            r.confidence,
        )

    @property
    def agents(self) -> set[int]:
        return {w for role, w in self.participants if role == "agent"}

    def window(self) -> Interval | None:
        """The days a new report's window must meet (the lookup key)."""
        return self.span or self.bound

    def accepts(self, r: Report) -> bool:
        if (r.type, r.modality) != (self.type, self.modality):
            return False
        if not participants_compatible(self.participants, r.participants):
            return False
        kind = r.when.kind
        if kind == "undated" or self.article_id is not None:
            return kind == "undated" and self.article_id == r.article_id
        elsewhere = self.first_article != r.article_id
        if kind != "dated" and self.span is None and _recurs(self.type) and elsewhere:
            return False  # "Sanders accused Clinton" before two dates: two accusations, maybe
        window = r.when.window()
        assert window is not None
        if kind == "dated":  # the days the group already narrowed to lie inside its bounds
            if self.span is not None:
                return _overlap(self.span, window) is not None
            return self.bound is None or _inside(window, self.bound)
        return (self.span is None or _inside(self.span, window)) and (
            self.bound is None or _overlap(self.bound, window) is not None
        )

    def agrees(self, other: Group) -> bool:
        """Whether another group can be the same event: the same kind, participants that fit, and
        dates that every report of both still allows."""
        if (other.type, other.modality, other.article_id) != (self.type, self.modality, self.article_id):
            return False
        if not participants_compatible(self.participants, other.participants):
            return False
        apart = self.first_article != other.first_article
        if self.span is None and other.span is None and _recurs(self.type) and apart:
            return False  # two bounds of a recurring event in two articles: not one event
        span, bound = _meet(self.span, other.span), _meet(self.bound, other.bound)
        if span == () or bound == ():
            return False
        return span is None or bound is None or _inside(span, bound)  # type: ignore[arg-type]

    def merge(self, other: Group) -> None:
        """Take in another group that `agrees` (its date state; the caller moves its reports)."""
        self.participants |= other.participants
        self.span, self.bound = _meet(self.span, other.span) or None, _meet(self.bound, other.bound) or None
        self.reports += other.reports

    def add(self, r: Report) -> None:
        """Take in a report that `accepts` let through."""
        self.participants |= r.participants
        kind = r.when.kind
        window = r.when.window()
        if kind == "dated" and window is not None:
            self.span = window if self.span is None else _overlap(self.span, window)
        elif kind in {"before", "after"} and window is not None:
            self.bound = window if self.bound is None else _overlap(self.bound, window)
        if precision(r.when, r.published, r.event_id) < precision(
            self.best, self.best_published, self.best_event
        ):
            self.best, self.best_event, self.best_published = r.when, r.event_id, r.published
        if _earlier(r.published, self.first_published):
            self.first_event, self.first_article, self.first_published = r.event_id, r.article_id, r.published
        self.reports += 1
        if r.confidence is not None and (self.confidence is None or r.confidence > self.confidence):
            self.confidence = r.confidence

    def keys(self) -> set[tuple[int, str, str]]:
        """(entity, role, last day of the window) rows that find this group; none for undated ones."""
        window = self.window()
        if window is None:
            return set()
        agents = self.agents
        if agents:
            return {(w, "agent", window[1].isoformat()) for w in agents}
        return {(w, "target", window[1].isoformat()) for _, w in self.participants}


def precision(when: When, published: str | None, event_id: int) -> tuple:
    """Sort key of how precise a report's date is, most precise first: dated before bounds, a
    shorter interval before a longer, a tighter bound before a looser; then the earliest report."""
    kind = when.kind
    if kind == "dated":
        assert when.start is not None and when.end is not None
        rank: tuple = (0, (when.end - when.start).days)
    elif kind in {"before", "after"}:
        window = when.window()
        assert window is not None
        rank = (1, window[1].toordinal()) if kind == "before" else (2, -window[0].toordinal())
    else:
        rank = (3, 0)
    return (*rank, published or "9999-99-99", event_id)


# ---------------------------------------------------------------------- the store's side
def assign(conn: sqlite3.Connection, report: Report) -> int:
    """Put a stored event into the group it belongs to (a new one if none accepts it); returns the
    group's id. Call once its row and roles are written."""
    candidates = _candidates(conn, report)
    fits = sorted((g for g in candidates if g.accepts(report)), key=lambda g: (-g.reports, g.id or 0))
    if fits:
        group = fits[0]
        group.add(report)
    else:
        group = Group.start(report)
    _save(conn, group)
    assert group.id is not None
    conn.execute("UPDATE events SET group_id = ? WHERE id = ?", (group.id, report.event_id))
    # a report that fits several groups may join them: "2025-04" and "before 2025-04-15" are too far
    # apart to group, but once "2025-04-14" narrows the first, the second agrees with it
    merged = False
    for other in fits[1:]:
        if group.agrees(other):
            conn.execute("UPDATE events SET group_id = ? WHERE group_id = ?", (group.id, other.id))
            conn.execute("DELETE FROM event_group_keys WHERE group_id = ?", (other.id,))
            conn.execute("DELETE FROM event_groups WHERE id = ?", (other.id,))
            group.merge(other)
            merged = True
    if merged:
        _rebuild(conn, group.id)
    return group.id


def regroup(conn: sqlite3.Connection, event_ids: Iterable[int]) -> None:
    """Take these events out of their groups and group them again (after their participants moved
    to another entity). The groups they leave are rebuilt from the reports that stay; a group left
    empty is deleted."""
    ids = sorted(set(event_ids))
    if not ids:
        return
    left: set[int] = set()
    for batch, marks in _marked(ids):
        left |= _groups_of(conn, batch, marks)
        conn.execute(f"UPDATE events SET group_id = NULL WHERE id IN ({marks})", batch)
    for group_id in sorted(left):
        _rebuild(conn, group_id)
    for report in reports_of(conn, ids):
        assign(conn, report)


def forget(conn: sqlite3.Connection, event_ids: Iterable[int]) -> None:
    """Delete these events (their article is replaced by a newer version) with their roles; the
    groups they leave are rebuilt from the reports that stay, and a group left empty is deleted."""
    ids = sorted(set(event_ids))
    left: set[int] = set()
    for batch, marks in _marked(ids):
        left |= _groups_of(conn, batch, marks)
        conn.execute(f"DELETE FROM event_roles WHERE event_id IN ({marks})", batch)
        conn.execute(f"DELETE FROM events WHERE id IN ({marks})", batch)
    for group_id in sorted(left):
        _rebuild(conn, group_id)


def regroup_all(conn: sqlite3.Connection) -> None:
    """Group every event of the store again, in the order they were written (after the entities
    were re-resolved, or when a store gains event groups)."""
    conn.execute("DELETE FROM event_group_keys")
    conn.execute("DELETE FROM event_groups")
    conn.execute("UPDATE events SET group_id = NULL WHERE group_id IS NOT NULL")
    after = 0
    while True:
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM events WHERE id > ? ORDER BY id LIMIT ?", (after, 5 * _BATCH)
            )
        ]
        if not ids:
            return
        for report in reports_of(conn, ids):
            assign(conn, report)
        after = ids[-1]


def reports_of(conn: sqlite3.Connection, event_ids: list[int]) -> list[Report]:
    """The stored events as reports, in the order of the ids given."""
    found: dict[int, Report] = {}
    for batch in _batches(event_ids):
        marks = ",".join("?" * len(batch))
        roles: dict[int, set[tuple[str, int]]] = {}
        for event_id, role, who in conn.execute(
            f"SELECT event_id, role, entity_id FROM event_roles WHERE event_id IN ({marks})", batch
        ):
            roles.setdefault(event_id, set()).add((role, who))
        for row in conn.execute(
            "SELECT e.id, e.article_id, a.published, e.type, e.modality, e.time_value, e.time_granularity, "
            "e.time_mod, e.date_start, e.date_end, e.confidence FROM events e "
            f"JOIN articles a ON a.id = e.article_id WHERE e.id IN ({marks})",
            batch,
        ):
            event_id, article_id, published, type_, modality, value, gran, mod, first, last, confidence = row
            found[event_id] = Report(
                event_id,
                article_id,
                published,
                type_,
                modality,
                frozenset(roles.get(event_id, ())),
                When.of(value, mod, first, last, gran),
                confidence,
            )
    return [found[i] for i in event_ids if i in found]


_COLUMNS = (
    "type, modality, participants, article_id, span_start, span_end, bound_start, bound_end, "
    "time_value, time_granularity, time_mod, date_start, date_end, best_event_id, best_published, "
    "first_event_id, first_article_id, first_published, reports, confidence"
)


def _candidates(conn: sqlite3.Connection, r: Report) -> list[Group]:
    window = r.when.window()
    if window is None:  # undated: only the groups of its own article
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM event_groups WHERE article_id = ? AND type = ? AND modality = ?",
                (r.article_id, r.type, r.modality),
            )
        ]
        return _load(conn, ids)
    agents = r.agents
    role, who = ("agent", agents) if agents else ("target", {w for _, w in r.participants})
    ids: list[int] = []
    for entity in sorted(who):
        ids += [
            row[0]
            for row in conn.execute(
                "SELECT group_id FROM event_group_keys WHERE entity_id = ? AND type = ? AND modality = ? "
                "AND role = ? AND hi >= ? ORDER BY hi LIMIT ?",
                (entity, r.type, r.modality, role, window[0].isoformat(), MAX_CANDIDATES),
            )
        ]
    return _load(conn, list(dict.fromkeys(ids)))


def _load(conn: sqlite3.Connection, ids: list[int]) -> list[Group]:
    if not ids:
        return []
    groups: list[Group] = []
    for batch in _batches(ids):
        marks = ",".join("?" * len(batch))
        for row in conn.execute(f"SELECT id, {_COLUMNS} FROM event_groups WHERE id IN ({marks})", batch):
            groups.append(_group(row))
    return sorted(groups, key=lambda g: g.id or 0)


def _group(row: tuple) -> Group:
    # the columns after the time pass through as they are stored: best and first report, counts
    group_id, type_, modality, participants, article_id, s0, s1, b0, b1, value, gran, mod, first, last = row[
        :14
    ]
    group = Group(
        group_id,
        type_,
        modality,
        {(role, who) for role, who in json.loads(participants)},
        article_id,
        _pair(s0, s1),
        _pair(b0, b1),
        When.of(value, mod, first, last, gran),
        *row[14:],
    )
    group._keys = group.keys()
    return group


def _save(conn: sqlite3.Connection, g: Group) -> None:
    values = (
        g.type,
        g.modality,
        json.dumps(sorted(g.participants)),
        g.article_id,
        *_iso(g.span),
        *_iso(g.bound),
        g.best.value,
        g.best.granularity,
        g.best.mod,
        *_iso((g.best.start, g.best.end) if g.best.start and g.best.end else None),
        g.best_event,
        g.best_published,
        g.first_event,
        g.first_article,
        g.first_published,
        g.reports,
        g.confidence,
    )
    if g.id is None:
        marks = ",".join("?" * len(values))
        g.id = conn.execute(f"INSERT INTO event_groups ({_COLUMNS}) VALUES ({marks})", values).lastrowid
    else:
        sets = ", ".join(f"{c.strip()} = ?" for c in _COLUMNS.split(","))
        conn.execute(f"UPDATE event_groups SET {sets} WHERE id = ?", (*values, g.id))
    keys = g.keys()
    gone, new = g._keys - keys, keys - g._keys
    conn.executemany(
        "DELETE FROM event_group_keys WHERE entity_id = ? AND type = ? AND modality = ? AND role = ? "
        "AND hi = ? AND group_id = ?",
        [(w, g.type, g.modality, role, hi, g.id) for w, role, hi in sorted(gone)],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO event_group_keys (entity_id, type, modality, role, hi, group_id) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(w, g.type, g.modality, role, hi, g.id) for w, role, hi in sorted(new)],
    )
    g._keys = keys


def _rebuild(conn: sqlite3.Connection, group_id: int) -> None:
    """A group's state from the reports it still holds (in the order they were written)."""
    old = _load(conn, [group_id])
    members = [
        row[0] for row in conn.execute("SELECT id FROM events WHERE group_id = ? ORDER BY id", (group_id,))
    ]
    if not members:
        conn.execute("DELETE FROM event_group_keys WHERE group_id = ?", (group_id,))
        conn.execute("DELETE FROM event_groups WHERE id = ?", (group_id,))
        return
    reports = reports_of(conn, members)
    group = Group.start(reports[0])
    for r in reports[1:]:
        group.add(r)
    group.id = group_id
    group._keys = old[0]._keys if old else set()
    _save(conn, group)


def _batches(ids: list[int]) -> Iterable[list[int]]:
    for at in range(0, len(ids), _BATCH):
        yield ids[at : at + _BATCH]


def _marked(ids: list[int]) -> Iterable[tuple[list[int], str]]:
    """The ids in batches, each with its `?,?,...` placeholders."""
    for batch in _batches(ids):
        yield batch, ",".join("?" * len(batch))


def _groups_of(conn: sqlite3.Connection, batch: list[int], marks: str) -> set[int]:
    """The groups these events are in."""
    sql = f"SELECT group_id FROM events WHERE id IN ({marks})"
    return {g for (g,) in conn.execute(sql, batch) if g is not None}


def _day(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _pair(a: str | None, b: str | None) -> Interval | None:
    first, last = _day(a), _day(b)
    return (first, last) if first is not None and last is not None else None


def _iso(days: tuple[date | None, date | None] | None) -> tuple[str | None, str | None]:
    if days is None or days[0] is None or days[1] is None:
        return None, None
    return days[0].isoformat(), days[1].isoformat()


def _overlap(a: Interval, b: Interval) -> Interval | None:
    first, last = max(a[0], b[0]), min(a[1], b[1])
    return (first, last) if first <= last else None


def _meet(a: Interval | None, b: Interval | None) -> Interval | None | tuple[()]:
    """The days both allow: None when neither constrains, () when they share none."""
    if a is None or b is None:
        return a or b
    return _overlap(a, b) or ()


def _inside(inner: Interval, outer: Interval) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _earlier(a: str | None, b: str | None) -> bool:
    """Whether publication date `a` is before `b` (a known date before an unknown one)."""
    if a is None:
        return False
    return b is None or a < b
