"""Event groups (store.event_groups) on hand-built articles: no NLP, only the store.

Each article is built the way the extractor hands it over (entities resolved within the article,
events with their roles, time and confidence) and stored with Store.add; the tests read back the
groups the store made, what the timeline shows, and a store of schema version 4 upgraded.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from downgrade import undo_after
from storyline import query
from storyline.cli import main
from storyline.intervals import granularity
from storyline.model import Article, Entity, Event, Span, TimeValue
from storyline.store import Store
from storyline.store.event_groups import WINDOW_DAYS, When, compatible, participants_compatible
from storyline.store.schema import MIGRATIONS, VERSION

_numbers = itertools.count()


def person(local: str, name: str) -> Entity:
    return Entity(local, name, "PERSON", [], [Span(0, len(name), name)], None)


def report(
    type_: str,
    *,
    agents: tuple[Entity, ...] = (),
    targets: tuple[Entity, ...] = (),
    when: str | None = None,
    mod: str | None = None,
    published: date = date(2025, 4, 15),
    source: str = "Meridian Wire",
    modality: str = "asserted",
    confidence: float = 0.8,
    events: int = 1,
) -> Article:
    """An article reporting `events` events of one kind about the people given."""
    people = list({p.id: p for p in (*agents, *targets)}.values())
    text = f"Story {next(_numbers)}: {' and '.join(p.name for p in people)} {type_}."
    time = TimeValue(when, granularity(when), mod) if when else None
    found = [
        Event(
            f"v{i + 1}",
            type_,
            type_,
            0,
            5,
            Span(0, len(text), text),
            time,
            {"agent": [p.id for p in agents], "target": [p.id for p in targets]},
            modality=modality,
            confidence=confidence,
        )
        for i in range(events)
    ]
    return Article(text=text, published=published, source=source, entities=people, events=found)


@pytest.fixture()
def store(tmp_path: Path):
    with Store(tmp_path / "s.db") as s:
        yield s


def stored(store: Store, *articles: Article) -> None:
    for a in articles:
        assert store.add(a)
    store.flush()


def groups(store: Store) -> list[dict]:
    rows = store.conn.execute(
        "SELECT g.id, g.type, g.modality, g.participants, g.time_value, g.time_mod, g.reports, "
        "(SELECT count(*) FROM events e WHERE e.group_id = g.id), g.first_published, g.confidence "
        "FROM event_groups g ORDER BY g.id"
    ).fetchall()
    return [
        {
            "id": r[0],
            "type": r[1],
            "modality": r[2],
            "participants": json.loads(r[3]),
            "value": r[4],
            "mod": r[5],
            "reports": r[6],
            "members": r[7],
            "first_published": r[8],
            "confidence": r[9],
        }
        for r in rows
    ]


OKAFOR = person("e1", "Daniel Okafor")
TERN = Entity("e2", "Tern Logistics", "ORG", [], [Span(0, 14, "Tern Logistics")], None)


def _three_outlets() -> list[Article]:
    """One resignation as three outlets date it: the day, its month, and a bound."""
    return [
        report("resignation", agents=(OKAFOR,), targets=(TERN,), when="2025-04-14", source="Meridian Wire"),
        report(
            "resignation",
            agents=(OKAFOR,),
            when="2025-04",
            published=date(2025, 5, 20),
            source="The Eastbridge Ledger",
        ),
        report(
            "resignation",
            agents=(OKAFOR,),
            when="2025-04-15",
            mod="BEFORE",
            published=date(2025, 4, 16),
            source="Buzzline",
        ),
    ]


# ------------------------------------------------------------------ one real event, one group
@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_one_event_from_three_outlets_is_one_group_with_the_best_date(
    store: Store, order: tuple[int, ...]
) -> None:
    articles = _three_outlets()
    stored(store, *(articles[i] for i in order))
    (group,) = groups(store)
    assert (group["type"], group["value"], group["mod"]) == ("resignation", "2025-04-14", None)
    assert group["reports"] == group["members"] == 3
    assert group["first_published"] == "2025-04-15"  # the earliest report, by publication date
    okafor = query.resolve(store.conn, "Daniel Okafor")[0].id
    tern = query.resolve(store.conn, "Tern Logistics")[0].id
    assert group["participants"] == [["agent", okafor], ["target", tern]]

    (line,) = [e for e in query.timeline(store.conn, "Daniel Okafor").entries if e.kind == "event"]
    assert (line.date, line.evidence_total, line.articles) == ("2025-04-14", 3, 3)
    assert line.outlets == ["Meridian Wire", "Buzzline", "The Eastbridge Ledger"]
    assert line.evidence[0].published == "2025-04-15"  # the earliest report first
    assert {e.article_id for e in line.evidence} == {a.id for a in articles}
    assert line.group_id == group["id"]


def test_the_same_persons_resignations_years_apart_are_two_groups(store: Store) -> None:
    stored(
        store,
        report("resignation", agents=(OKAFOR,), when="2019-03-01", published=date(2019, 3, 2)),
        report("resignation", agents=(OKAFOR,), when="2019-03", published=date(2019, 4, 2)),
        report("resignation", agents=(OKAFOR,), when="2025-04-14"),
        report("resignation", agents=(OKAFOR,), when="2025-04-16", mod="BEFORE", published=date(2025, 4, 16)),
    )
    found = groups(store)
    assert [(g["value"], g["reports"]) for g in found] == [("2019-03-01", 2), ("2025-04-14", 2)]
    lines = [e for e in query.timeline(store.conn, "Daniel Okafor").entries if e.kind == "event"]
    assert [e.date for e in lines] == ["2019-03-01", "2025-04-14"]


def test_bounds_far_apart_and_days_that_differ_stay_apart(store: Store) -> None:
    far = date(2025, 4, 15) + timedelta(days=WINDOW_DAYS + 1)
    stored(
        store,
        report("resignation", agents=(OKAFOR,), when="2025-04-15", mod="BEFORE"),
        report("resignation", agents=(OKAFOR,), when=far.isoformat(), mod="BEFORE", published=far),
        report("charge", targets=(OKAFOR,), when="2025-06-09"),
        report("charge", targets=(OKAFOR,), when="2025-06-10"),
    )
    assert [g["reports"] for g in groups(store)] == [1, 1, 1, 1]


def test_different_agents_are_two_groups(store: Store) -> None:
    adeyemi = person("e3", "Ruth Adeyemi")
    stored(
        store,
        report("resignation", agents=(OKAFOR,), when="2025-04-14"),
        report("resignation", agents=(adeyemi,), when="2025-04-14", source="Buzzline"),
    )
    assert [g["reports"] for g in groups(store)] == [1, 1]


def test_participants_that_contradict_are_two_groups(store: Store) -> None:
    helen, ruth = person("e3", "Helen Okafor"), person("e4", "Ruth Adeyemi")
    stored(
        store,
        report("marriage", agents=(OKAFOR, helen), when="2009"),
        report("marriage", agents=(OKAFOR, ruth), when="2009", source="Buzzline"),  # another spouse
        report("marriage", agents=(OKAFOR,), when="2009-06", source="Stackfeed"),  # fits the first
        report("lawsuit", agents=(helen,), targets=(ruth,), when="2025-03-26"),
        report("lawsuit", agents=(ruth,), targets=(helen,), when="2025-03-26", source="Buzzline"),  # swapped
        report("lawsuit", targets=(helen,), when="2025-03-26", source="Stackfeed"),  # no agent: apart
    )
    assert sorted((g["type"], g["reports"]) for g in groups(store)) == [
        ("lawsuit", 1),
        ("lawsuit", 1),
        ("lawsuit", 1),
        ("marriage", 1),
        ("marriage", 2),
    ]


def test_reports_without_agents_group_by_their_targets(store: Store) -> None:
    stored(
        store,
        report("charge", targets=(OKAFOR,), when="2025-06-09", published=date(2025, 6, 10)),
        report("charge", targets=(OKAFOR,), when="2025-06-24", mod="BEFORE", published=date(2025, 6, 24)),
    )
    assert [(g["value"], g["reports"]) for g in groups(store)] == [("2025-06-09", 2)]


def test_modality_and_type_keep_reports_apart(store: Store) -> None:
    stored(
        store,
        report("resignation", agents=(OKAFOR,), when="2025-04-14"),
        report("resignation", agents=(OKAFOR,), when="2025-04-14", modality="hedged", source="Buzzline"),
        report("appointment", agents=(OKAFOR,), when="2025-04-14", source="Stackfeed"),
    )
    assert len(groups(store)) == 3


def test_undated_reports_group_only_within_their_article(store: Store) -> None:
    stored(
        store,
        report("resignation", agents=(OKAFOR,), modality="hedged", events=2),
        report("resignation", agents=(OKAFOR,), modality="hedged", source="Buzzline"),
    )
    found = groups(store)
    assert [g["reports"] for g in found] == [2, 1]
    assert all(g["value"] is None and g["mod"] == "ON_OR_BEFORE" for g in found)


def test_time_compatibility() -> None:
    day, month, week = When.of("2025-04-14"), When.of("2025-04"), When.of("2025-W16")
    before = When.of("2025-04-15", "BEFORE")
    assert compatible(day, month) and compatible(day, week) and compatible(day, before)
    assert not compatible(month, before)  # April runs past the 15th
    assert compatible(When.of("2025-03-02"), before)  # 44 days before
    assert not compatible(When.of("2025-02-27"), before)  # more than WINDOW_DAYS before
    assert compatible(before, When.of("2025-05-20", "BEFORE"))  # bounds 35 days apart
    assert not compatible(before, When.of("2025-06-10", "BEFORE"))
    assert not compatible(day, When.of("2025-04-15"))
    assert not compatible(day, When.of(None, "ON_OR_BEFORE", "2025-04-15", "2025-04-15"))
    assert compatible(When.of("2023-11", "AFTER"), When.of("2023-12-20"))


def test_participant_compatibility() -> None:
    a, b, c = ("agent", 1), ("agent", 2), ("agent", 3)
    assert participants_compatible([a, b], [a]) and participants_compatible([a, ("target", 9)], [a])
    assert not participants_compatible([a, b], [a, c])
    assert not participants_compatible([a, ("target", 2)], [b, ("target", 1)])
    assert participants_compatible([("target", 1)], [("target", 1)])
    assert not participants_compatible([("target", 1)], [a])


# ------------------------------------------------------------------ confidence
def test_low_confidence_events_are_hidden_unless_asked_for(store: Store) -> None:
    stored(
        store,
        report("resignation", agents=(OKAFOR,), when="2025-04-14", confidence=0.4),
        report("charge", targets=(OKAFOR,), when="2025-06-09", confidence=0.9),
    )
    shown = [e.type for e in query.timeline(store.conn, "Daniel Okafor").entries if e.kind == "event"]
    every = [e for e in query.timeline(store.conn, "Daniel Okafor", min_confidence=0).entries]
    assert shown == ["charge"] and query.DEFAULT_MIN_CONFIDENCE == 0.5
    assert [(e.type, e.confidence) for e in every] == [("resignation", 0.4), ("charge", 0.9)]
    groups_api = query.event_groups(store.conn, "Daniel Okafor", min_confidence=0)
    assert groups_api.total == 2 and [g.reports_total for g in groups_api.groups] == [1, 1]


def test_the_cli_hides_low_confidence_lines_unless_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(tmp_path / "s.db") as store:
        stored(
            store,
            report("resignation", agents=(OKAFOR,), when="2025-04-14", confidence=0.4),
            report("charge", targets=(OKAFOR,), when="2025-06-09", confidence=0.9),
        )

    def events(*flags: str) -> list[str]:
        assert main(["timeline", "Daniel Okafor", "--json", "--db", str(tmp_path / "s.db"), *flags]) == 0
        return [e["type"] for e in json.loads(capsys.readouterr().out)["entries"] if e["kind"] == "event"]

    assert events() == ["charge"]
    assert events("--all") == events("--min-confidence", "0.4") == ["resignation", "charge"]
    assert events("--min-confidence", "0.95") == []
    with pytest.raises(SystemExit):
        main(["timeline", "Daniel Okafor", "--min-confidence", "2", "--db", str(tmp_path / "s.db")])


# ------------------------------------------------------------------ writes stay indexed
def test_every_lookup_of_a_grouping_write_is_an_indexed_seek(store: Store) -> None:
    stored(store, *_three_outlets()[:2])
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    stored(store, *_three_outlets()[2:], report("charge", targets=(OKAFOR,), when="2025-06-09"))
    store.conn.set_trace_callback(None)
    reads = {s for s in seen if s.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE"))}
    assert any("event_group_keys" in s for s in reads)
    for sql in reads:
        plan = " / ".join(row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
        scans = [p for p in plan.split(" / ") if p.startswith("SCAN") and not p.startswith("SCAN s")]
        assert not scans, (sql, plan)


def test_a_merge_rule_regroups_the_reports_it_joins(tmp_path: Path) -> None:
    rules = tmp_path / "s.entities.txt"
    short = person("e1", "Dan Okafor")
    with Store(tmp_path / "s.db", rules=rules) as store:
        stored(
            store,
            report("resignation", agents=(OKAFOR,), when="2025-04-14"),
            report("resignation", agents=(short,), when="2025-04", published=date(2025, 5, 20)),
        )
        assert [g["reports"] for g in groups(store)] == [1, 1]
    rules.write_text("merge: Daniel Okafor = Dan Okafor\n", encoding="utf-8")
    with Store(tmp_path / "s.db", rules=rules) as store:
        assert store.apply_rules()
        (group,) = groups(store)
        assert (group["value"], group["reports"]) == ("2025-04-14", 2)


# ------------------------------------------------------------------ migration from version 4
def _version_4(path: Path) -> None:
    """Turn a store of this version into one of version 4, as that version wrote it."""
    with sqlite3.connect(path) as conn:
        conn.executescript(
            undo_after(4) + "DROP INDEX quotes_within; DROP INDEX quotes_within_speaker; "
            "ALTER TABLE quotes DROP COLUMN within; "
            "DROP INDEX events_group; ALTER TABLE events DROP COLUMN group_id; "
            "DROP TABLE event_group_keys; DROP TABLE event_groups; PRAGMA user_version = 4;"
        )


def _schema(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    return {
        (name, " ".join(sql.split()).replace(" ,", ",").lower())
        for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
    }


def _rows(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    tables = [
        t
        for (t,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'quotes_fts%' "
            "AND name NOT LIKE 'event_group%' AND name NOT LIKE 'near_duplicate%' "
            "AND name NOT IN ('article_versions', 'superseded', 'listings', 'listing_items', 'entity_moves', "
            "'claims', 'thing_claims')"
        )
    ]
    out = {}
    later = {
        ("events", "group_id"),
        ("quotes", "within"),
        ("sources", "fetched_at"),
        ("articles", "language"),
    }  # since 4
    for table in tables:
        info = conn.execute(f"PRAGMA table_info({table})").fetchall()
        columns = [c[1] for c in info if (table, c[1]) not in later]
        out[table] = sorted(conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall(), key=repr)
    return out


def test_a_version_4_store_is_upgraded_with_every_row_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Store(path) as store:
        stored(store, *_three_outlets(), report("charge", targets=(OKAFOR,), when="2025-06-09"))
    _version_4(path)
    fresh = sqlite3.connect(":memory:")
    for script in MIGRATIONS[:4]:
        fresh.executescript(script)
    with sqlite3.connect(path) as old:
        assert _schema(old) == _schema(fresh)  # a genuine version 4 store
        before = _rows(old)
    assert sum(len(r) for r in before.values()) > 20 and len(before["events"]) == 4

    with Store(path) as store:  # opening it migrates it
        assert store.conn.execute("PRAGMA user_version").fetchone() == (VERSION,)
        assert _rows(store.conn) == before
        assert store.conn.execute("SELECT count(*) FROM events WHERE group_id IS NULL").fetchone() == (0,)
        assert sorted((g["type"], g["value"], g["reports"]) for g in groups(store)) == [
            ("charge", "2025-06-09", 1),
            ("resignation", "2025-04-14", 3),
        ]
        lines = [e for e in query.timeline(store.conn, "Daniel Okafor").entries if e.kind == "event"]
        assert [(e.date, e.evidence_total) for e in lines] == [("2025-04-14", 3), ("2025-06-09", 1)]


def test_bounds_of_a_recurring_event_in_two_articles_stay_apart_unless_one_is_dated(store: Store) -> None:
    brennan = person("e3", "Lucy Brennan")
    stored(
        store,  # two accusations known only to have happened before two publication dates
        report("accusation", agents=(brennan,), targets=(OKAFOR,), when="2025-03-10", mod="BEFORE"),
        report("accusation", agents=(brennan,), targets=(OKAFOR,), when="2025-03-20", mod="BEFORE"),
    )
    assert [g["reports"] for g in groups(store)] == [1, 1]
    stored(  # a resignation happens once: its bounds still meet
        store,
        report("resignation", agents=(OKAFOR,), when="2025-04-16", mod="BEFORE"),
        report("resignation", agents=(OKAFOR,), when="2025-04-20", mod="BEFORE"),
    )
    assert [g["reports"] for g in groups(store) if g["type"] == "resignation"] == [2]
    raman = person("e4", "Priya Raman")
    stored(  # a dated accusation takes in a bound from another article that allows its day
        store,
        report("accusation", agents=(raman,), targets=(TERN,), when="2025-03-04"),
        report("accusation", agents=(raman,), targets=(TERN,), when="2025-03-18", mod="BEFORE"),
    )
    assert [g["reports"] for g in groups(store) if g["value"] == "2025-03-04"] == [2]
