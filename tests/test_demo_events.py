"""One real event, one timeline line: the demo corpus's real events, read from its README's table
("Real events, one timeline line each"), each checked against the timeline of every person listed.

For a listed event and person, its reports are the events storyline extracts of that type, with
that person as a participant, from the articles listed (an article that reports two listed events
of the same type and person gives each report to the event whose date it fits, else the nearest).
The reports whose own time fits the real date, asserted, must be one line of the person's
timeline: its date compatible with the real one, every such report among its evidence and their
outlets among its sources.

Outcomes that belong to the extraction, not to the store, are marked xfail with the reports
named, decided from the data at each run: nothing extracted at all; reports whose extracted time
or modality does not fit the real date (a wrong date, or a bound too far from it to group), which
make lines of their own or are the only reports there are; reports only below the confidence
threshold. Once the extraction gets them right, the same case passes and asserts. Since an
extraction that found nothing would xfail every case, a floor on the cases that pass outright
(PASSING) is asserted too.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from storyline import query
from storyline.ingest import ingest, read_inputs
from storyline.intervals import interval
from storyline.store import Store
from storyline.store.event_groups import WINDOW_DAYS, When, compatible

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo"
README = DEMO / "README.md"
SECTION = "## Real events, one timeline line each"


@dataclass(frozen=True)
class RealEvent:
    date: str
    type: str
    people: tuple[str, ...]
    articles: tuple[str, ...]  # "04-15": the demo files of that date
    what: str

    def __str__(self) -> str:
        return f"{self.date} {self.type} ({self.what})"


def real_events() -> list[RealEvent]:
    """The rows of the README's table."""
    text = README.read_text(encoding="utf-8")
    assert SECTION in text, f"{README} has no section {SECTION!r}"
    body = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in body.splitlines() if line.startswith("|")]
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    assert header == ["date", "type", "people", "articles", "event"], header
    events = []
    for line in rows[2:]:
        date, type_, people, articles, what = (c.strip() for c in line.strip("|").split("|"))
        assert interval(date) is not None, f"not a date: {date!r}"
        events.append(
            RealEvent(
                date,
                type_,
                tuple(p.strip() for p in people.split(";")),
                tuple(a.strip() for a in articles.split(",")),
                what,
            )
        )
    return events


EVENTS = real_events()
CASES = [(event, name) for event in EVENTS for name in event.people]


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("demo-events") / "demo.db"
    with Store(path) as store:
        report = ingest(
            store,
            read_inputs(
                [str(DEMO), *map(str, sorted(DEMO.parent.glob("*.txt")))],
                metadata=DEMO.parent / "metadata.tsv",
            ),
        )
        assert report.added > 20 and not report.failed
    with Store(path, create=False) as store:
        yield store.conn


@dataclass(frozen=True)
class Extracted:
    event_id: int
    article_id: str
    file: str
    group_id: int
    modality: str
    when: When

    def __str__(self) -> str:
        shown = self.when.value or "undated"
        if self.when.mod:
            shown = f"{self.when.mod.lower()} {shown}"
        return f"{self.file}: {shown}{'' if self.modality == 'asserted' else ', ' + self.modality}"


def _articles(conn: sqlite3.Connection, day: str) -> dict[str, str]:
    """article id -> file name, for the demo files of date 2025-`day`."""
    out = {}
    for article_id, input_id in conn.execute("SELECT article_id, input_id FROM sources"):
        name = Path(input_id or "").name
        if name.startswith(f"2025-{day}-"):
            out[article_id] = name
    assert out, f"no demo article of 2025-{day}"
    return out


def _reports(conn: sqlite3.Connection, event: RealEvent, entity: int) -> list[Extracted]:
    files: dict[str, str] = {}
    for day in event.articles:
        files |= _articles(conn, day)
    rows = conn.execute(
        "SELECT e.id, e.article_id, e.group_id, e.modality, e.time_value, e.time_mod, e.date_start, "
        "e.date_end FROM events e WHERE e.type = ? "
        "AND e.id IN (SELECT event_id FROM event_roles WHERE entity_id = ?)",
        (event.type, entity),
    ).fetchall()
    return [
        Extracted(i, a, files[a], g, modality, When.of(value, mod, first, last))
        for i, a, g, modality, value, mod, first, last in rows
        if a in files
    ]


def _distance(when: When, date: str) -> int:
    days = interval(date)
    window = when.window()
    if days is None or window is None:
        return 10**6
    return abs((window[0] - days[0]).days) + abs((window[1] - days[1]).days)


def _belongs(report: Extracted, event: RealEvent, person: str) -> bool:
    """Whether a report is of this listed event rather than of another one listed for the same
    article, type and person: the one its date fits, else the nearest."""
    rivals = [
        e
        for e in EVENTS
        if e.type == event.type
        and person in e.people
        and any(report.file.startswith(f"2025-{d}-") for d in e.articles)
    ]
    fitting = [e for e in rivals if compatible(report.when, When.of(e.date))]
    pool = fitting or rivals
    return min(pool, key=lambda e: (_distance(report.when, e.date), EVENTS.index(e))) == event


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _listed(reports: list[Extracted]) -> str:
    return "; ".join(str(r) for r in sorted(reports, key=lambda r: r.event_id))


def _check(conn: sqlite3.Connection, event: RealEvent, person: str) -> str | None:
    """Assert what the store owes a listed event and person; the outcome that belongs to the
    extraction (the reason to xfail), or None when the event is one line and nothing strays."""
    entity = query.resolve(conn, person)[0]
    assert entity.name == person
    reports = [r for r in _reports(conn, event, entity.id) if _belongs(r, event, person)]
    if not reports:
        where = ", ".join(event.articles)
        return f"not extracted: no {event.type} event about {person} in {where} ({event.what})"
    real = When.of(event.date)
    right = [r for r in reports if r.modality == "asserted" and compatible(r.when, real)]
    wrong = [r for r in reports if r not in right]
    if not right:
        return f"extracted only with a time or modality that does not fit {event.date}: {_listed(wrong)}"

    groups = {r.group_id for r in right}
    assert len(groups) == 1, f"{person}: reports that fit {event} are {len(groups)} lines: {_listed(right)}"
    (group,) = groups
    entries = query.timeline(conn, entity.id).entries
    lines = [e for e in entries if e.group_id == group]
    if not lines:
        every = [e for e in query.timeline(conn, entity.id, min_confidence=0).entries if e.group_id == group]
        assert every and (every[0].confidence or 0) < query.DEFAULT_MIN_CONFIDENCE
        return f"extracted only below the confidence threshold: {_listed(right)}"
    (line,) = lines
    assert compatible(When.of(line.value, line.mod, line.date_start, line.date_end), real), line.date
    assert {r.article_id for r in right} <= {a for a, _, _ in line.reports}
    assert line.evidence_total == len(line.reports) >= len(right)
    outlets = {
        source
        for r in right
        for (source,) in conn.execute("SELECT source FROM sources WHERE article_id = ?", (r.article_id,))
    }
    assert outlets <= set(line.outlets)

    others = {r.group_id for r in reports} - {group}
    if others:
        strays = [r for r in wrong if r.group_id in others]
        return (
            f"the line is right ({line.date}, {_n(line.evidence_total, 'report')}), but {len(others)} more "
            f"come from reports whose extracted time or modality does not fit {event.date} (a wrong date, "
            f"or a bound more than {WINDOW_DAYS} days from it): {_listed(strays)}"
        )
    return None


@pytest.mark.parametrize(("event", "person"), CASES, ids=[f"{e.date}-{e.type}-{p}" for e, p in CASES])
def test_a_real_event_is_one_timeline_line(conn: sqlite3.Connection, event: RealEvent, person: str) -> None:
    if (reason := _check(conn, event, person)) is not None:
        pytest.xfail(reason)


# Cases that pass outright today (17 of 38): the xfails above name what the extraction misses, and
# would also hide an extraction that found nothing at all; this floor does not.
PASSING = 17


def test_most_real_events_are_already_one_line(conn: sqlite3.Connection) -> None:
    passing = [f"{e.date} {e.type} {p}" for e, p in CASES if _check(conn, e, p) is None]
    assert len(CASES) == 38 and len(passing) >= PASSING, passing
