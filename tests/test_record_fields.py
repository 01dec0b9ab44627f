"""One declaration of each record's fields (storyline.model): the contract, the store's rows and the
Parquet tables follow it, and what is written by hand beside it (the store's SQL, the contract's
doc, the article's header) has not drifted from it.

The sample article sets every field to something other than its default, so that a field added to
a record without the contract, the store or Parquet carrying it fails here.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import MISSING, fields
from datetime import date, datetime
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from storyline.contract import RECORDS, from_dict, to_dict
from storyline.model import (
    Article,
    Claim,
    Entity,
    Event,
    Mention,
    Quote,
    Relation,
    Span,
    ThingClaim,
    TimeValue,
    Timex,
    columns,
)
from storyline.scale.parquet import RECORD_TABLES, SCHEMAS, write_part
from storyline.store import Store
from storyline.store.writer import TABLES

CONTRACT_DOC = Path(__file__).parent.parent / "docs" / "storyline-json.md"
TEXT = 'Ana Ruiz, who married Leo Park in 2009, said on Monday: "We sued Brightwater Foods."'


def at(words: str) -> Span:
    start = TEXT.index(words)
    return Span(start, start + len(words), words)


def sample() -> Article:
    ana, we, leo, foods, said, sued = (
        at(w) for w in ("Ana Ruiz", "We", "Leo Park", "Brightwater", "said", "sued")
    )
    ruiz = Entity(
        "e1",
        "Ana Ruiz",
        "PERSON",
        ["Ana Ruiz", "Ruiz"],
        [Mention(ana.start, ana.end, ana.text, "name"), Mention(we.start, we.end, we.text, "pronoun")],
        "f",
    )
    park = Entity("e2", "Leo Park", "PERSON", ["Leo Park"], [Mention(leo.start, leo.end, leo.text)], "m")
    company = Entity(
        "e3", "Brightwater", "ORG", ["Brightwater"], [Mention(foods.start, foods.end, foods.text)]
    )
    words = at("We sued Brightwater Foods.")
    quote = Quote(
        id="q1",
        text=words.text,
        start=words.start,
        end=words.end,
        kind="direct",
        speaker="e1",
        speaker_name="Ana Ruiz",
        speaker_mention=ana,
        cue="said",
        cue_span=said,
        channel="Radio Harbour",
        medium="interview",
        time=TimeValue("2025-03-10", "day", "BEFORE"),
        confidence=0.9,
        within="q0",
        claims=[Claim("e1", "sue company", False, sued.start, sued.end)],
        thing_claims=[ThingClaim("record", "falsify", True, sued.start, sued.end)],
    )
    monday = at("Monday")
    timex = Timex("t1", monday.text, monday.start, monday.end, "DATE", "2025-03-10", "APPROX", "t0")
    lawsuit = Event(
        id="v1",
        type="lawsuit",
        trigger="sued",
        start=sued.start,
        end=sued.end,
        sentence=Span(0, len(TEXT), ""),  # the contract writes a sentence's offsets only
        time=TimeValue("2025-03", "month", "AFTER"),
        args={"agent": ["e1"], "target": ["e3"], "amount": 5_000_000},
        quotes=["q1"],
        confidence=0.8,
        modality="hedged",
    )
    spouse = Relation(
        "r1", "spouse", "e1", "e2", "2009", "2015", at("Ana Ruiz, who married Leo Park in 2009"), 0.7
    )
    return Article(
        text=TEXT,
        title="Ruiz sues",
        author="Mia Lind",
        source="Harbour Post",
        url="https://news.example/ruiz",
        published=date(2025, 3, 11),
        published_datetime=datetime(2025, 3, 11, 9, 30),
        input_id="harbour-1",
        entities=[ruiz, park, company],
        quotes=[quote],
        timexes=[timex],
        events=[lawsuit],
        relations=[spouse],
        warnings=[],
    )


def _records(article: Article) -> list[object]:
    out: list[object] = [r for key in RECORDS for r in getattr(article, key)]
    return out + [m for e in article.entities for m in e.mentions]


def _nested(record: object) -> list[object]:
    return [v for f in fields(record) if isinstance(v := getattr(record, f.name), Span | TimeValue)]


def test_the_sample_sets_every_field() -> None:
    """Some record of each kind sets each field to other than its default: else a new field would
    pass every test below unseen."""
    article = sample()
    defaulted, changed = set(), set()
    for record in [*_records(article), *(n for r in _records(article) for n in _nested(r))]:
        for f in fields(record):
            default = f.default_factory() if f.default_factory is not MISSING else f.default
            if default is not MISSING:
                (changed if getattr(record, f.name) != default else defaulted).add(
                    (type(record).__name__, f.name)
                )
    assert defaulted - changed == set()
    assert len(changed) > 20


def test_every_field_goes_through_the_contract_and_back() -> None:
    article = sample()
    data = json.loads(json.dumps(to_dict(article)))
    assert from_dict(data) == article
    for key, kind in RECORDS.items():
        names = [f.name for f in fields(kind)]
        assert all(list(record) == names for record in data[key]), key  # every field, in order
    assert data["events"][0]["sentence"] == {"start": 0, "end": len(TEXT)}
    assert data["entities"][0]["mentions"][1] == {"start": 57, "end": 59, "text": "We", "kind": "pronoun"}
    header = {f.name for f in fields(Article)} - set(RECORDS) - {"warnings", "failure"}
    assert set(data["article"]) == header | {"id"}


def test_reading_fills_what_older_output_lacks() -> None:
    """Additive-only: a key an older storyline did not write reads as the field's default."""
    data = to_dict(sample())
    del data["quotes"][0]["within"], data["events"][0]["modality"], data["entities"][0]["mentions"][0]["kind"]
    data["quotes"][0]["confidence"] = None  # a fact read without a confidence counts as 0.0
    article = from_dict(data)
    assert article.quotes[0].within is None and article.quotes[0].confidence == 0.0
    assert article.events[0].modality == "asserted"
    assert article.entities[0].mentions[0].kind == "name"
    del data["quotes"][0]["kind"]
    with pytest.raises(KeyError, match="kind"):
        from_dict(data)


def _documented() -> dict[str, set[str]]:
    """Per record list of the contract, the keys docs/storyline-json.md gives it: those in its part
    of the example object, and those named `quotes[].cue_span` or `time.mod` in the text."""
    doc = CONTRACT_DOC.read_text(encoding="utf-8")
    sketch = doc.split("```")[1]
    starts = {key: sketch.index(f'"{key}": ') for key in ("article", *RECORDS)}
    ends = sorted(starts.values()) + [len(sketch)]
    found = {}
    for key, start in starts.items():
        part = sketch[start : ends[ends.index(start) + 1]]
        found[key] = set(re.findall(r'"(\w+)":', part)) | set(re.findall(rf"`{key}\[\]\.(\w+)`", doc))
        found[key] |= set(re.findall(r"`\w+\.(\w+)`", doc))  # a nested key: `time.mod`
    return found


def test_the_contract_doc_names_every_field() -> None:
    documented = _documented()
    data = to_dict(sample())
    assert set(data["article"]) <= documented["article"], set(data["article"]) - documented["article"]
    for key in RECORDS:
        keys = {k for record in data[key] for k in record}
        keys |= {k for record in data[key] for v in record.values() if isinstance(v, dict) for k in v}
        keys |= {
            k
            for record in data[key]
            for v in record.values()
            if isinstance(v, list)
            for m in v
            if isinstance(m, dict)
            for k in m
        }
        keys -= set(data["events"][0]["args"])  # the arguments have their own list in the doc
        assert keys <= documented[key], (key, keys - documented[key])


# What a table leaves out, on purpose: spans a reader takes from the contract, a mention's kind.
NOT_STORED = {  # claims: tables of their own
    ("Quote", "speaker_mention"),
    ("Quote", "cue_span"),
    ("Quote", "claims"),
    ("Quote", "thing_claims"),
}
NOT_IN_PARQUET = NOT_STORED | {("Event", "quotes"), ("Entity", "mentions"), ("Mention", "kind")}


def _left_out(table: str, kinds: list[type]) -> set[tuple[str, str]]:
    return {
        (k.__name__, f.name)
        for k in kinds
        for f in fields(k)
        if f.name not in {c.field for c in columns(k, table)}
    }


def test_the_tables_leave_out_only_what_is_meant() -> None:
    assert _left_out("store", [t.record for t in TABLES.values()]) == NOT_STORED
    assert _left_out("parquet", list(RECORD_TABLES.values())) == NOT_IN_PARQUET


def _table_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def test_the_store_schema_has_the_columns_the_writer_fills(tmp_path: Path) -> None:
    """The schema is SQL, migration by migration: it cannot be derived, so it is compared."""
    later = {"events": {"id", "group_id"}}  # event_groups.assign sets an event's group after the insert
    with Store(tmp_path / "s.db") as store:
        for name, table in TABLES.items():
            written = {c.name for c in table.own} | set(table.computed)
            assert written == _table_columns(store.conn, name) - later.get(name, {"id"}), name
        article_entities = _table_columns(store.conn, "article_entities")
        assert {c.name for c in columns(Entity, "store")} <= article_entities
        header = {f.name for f in fields(Article)} - set(RECORDS) - {"warnings", "failure"}
        assert header <= _table_columns(store.conn, "articles") | _table_columns(store.conn, "sources")


def test_every_stored_field_reaches_its_column(tmp_path: Path) -> None:
    article = sample()
    with Store(tmp_path / "s.db") as store:
        assert store.add(article)
        store.flush()
        for name, table in TABLES.items():
            (record,) = getattr(article, name)
            cursor = store.conn.execute(f"SELECT * FROM {name}")
            row = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
            for c in table.own:
                value = c.value(record)
                expected = json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value
                assert row[c.name] == expected, (name, c.name)
            assert row["article_id"] == article.id


def test_every_parquet_column_holds_its_field(tmp_path: Path) -> None:
    article = sample()
    assert write_part([article], tmp_path, "part-00000") == 1
    for table, kind in RECORD_TABLES.items():
        read = ds.dataset(tmp_path / table, format="parquet", partitioning="hive").to_table()
        assert read.schema.names[: len(SCHEMAS[table].names)] == SCHEMAS[table].names
        rows = read.to_pylist()
        records = (
            [m for e in article.entities for m in e.mentions] if kind is Mention else getattr(article, table)
        )
        assert len(rows) == len(records) > 0, table
        for row, record in zip(rows, records, strict=True):
            for c in columns(kind, "parquet"):
                value = c.value(record)
                assert row[c.name] == (json.dumps(value) if isinstance(value, dict) else value), (
                    table,
                    c.name,
                )
