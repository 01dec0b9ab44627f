"""The store's questions answered straight from a Parquet dataset (`extract --out`) with DuckDB:
no store, no loading. This is the path for analytics over very large bulk runs.

Entities are resolved across articles by the name-only part of the store's rule
(store.identity.automatic_key, or the user's merges and splits, registered as the DuckDB function
`entity_key`): people by given name, surname and suffix after honorifics are dropped (a family-name-
first name such as "Kim Jong Un" whole), organisations by their base name ("Apple Inc." = "Apple").
That is all a key computed from one name can carry; what the store's resolver (store.resolver)
decides from the corpus is not applied here: middle parts are not compared ("George W. Bush" and
"George H.W. Bush" share a key here, but are two people in the store), one-word names ("Obama") stay
apart from the full names they may mean, and acronyms ("VW") from the organisations they stand for.
So the same name may mean fewer people here than in the store, and a one-word name more. Answers
are plain rows with their evidence (article, outlet, date, offsets): timeline, quotes, people and
stats.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from storyline.dates import label
from storyline.intervals import interval
from storyline.quoting import display_text
from storyline.store.identity import Rules, normalise

TABLES = ("articles", "entities", "mentions", "quotes", "timexes", "events", "relations")


class ParquetError(ValueError):
    """The folder is not a dataset, or the question cannot be answered."""


@dataclass
class Row:
    date: str | None
    kind: str
    text: str
    who: str | None
    outlet: str | None
    published: str | None
    article_id: str
    start: int | None
    end: int | None
    value: str | None = None  # the TIMEX3 value the date comes from ("2017-11"), if any
    label: str = ""  # the date in words, for people: "Nov 2017", "before 15 Apr 2025", "by 26 Jan 2018"

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _words(value: str | None, mod: str | None, day: str | None) -> str:
    """A row's date in words: its own time, else the article's day as a bound ("by 26 Jan 2018")."""
    return label(value, mod) if value else label(None, "ON_OR_BEFORE", day)


def _first_day(value: str | None) -> str | None:
    days = interval(value)
    return days[0].isoformat() if days else None


def connect(folder: str | Path, rules: Rules | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per table of the dataset and the `entity_key` function (the
    name-only key: see the module's docstring for what it cannot decide)."""
    root = Path(folder)
    if not (root / "articles").is_dir():
        raise ParquetError(f"{folder}: not a dataset from 'storyline extract --out'")
    rules = rules or Rules()
    db = duckdb.connect()
    db.create_function("entity_key", rules.key, ["VARCHAR", "VARCHAR"], "VARCHAR", side_effects=False)
    db.create_function("first_day", _first_day, ["VARCHAR"], "VARCHAR", null_handling="special")
    for table in TABLES:
        files = str(root / table / "**" / "*.parquet")
        if any((root / table).rglob("*.parquet")):
            # by name: parts written before a column was added (quotes.within) read it as null
            source = f"read_parquet('{files}', hive_partitioning = true, union_by_name = true)"
            db.execute(f"CREATE VIEW {table} AS SELECT * FROM {source}")
            if table == "quotes" and "within" not in _columns(db, table):
                db.execute(f'CREATE OR REPLACE VIEW quotes AS SELECT *, NULL::VARCHAR "within" FROM {source}')
    db.execute(
        "CREATE TEMP TABLE keyed AS SELECT article_id, entity, name, type, entity_key(name, type) AS key "
        "FROM entities"
    )
    return db


def _columns(db: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [d[0] for d in db.execute(f"SELECT * FROM {table} LIMIT 0").description]


def _key_of(db: duckdb.DuckDBPyConnection, name: str) -> str:
    """The entity key a name means: an exact name first, then an alias, then the rule on the name."""
    norm = normalise(name)
    row = db.execute(
        "SELECT key, count(*) AS n FROM keyed WHERE lower(name) = lower(?) "
        "GROUP BY key ORDER BY n DESC LIMIT 1",
        [name],
    ).fetchone()
    if row is None:
        row = db.execute(
            "SELECT k.key, count(*) AS n FROM entities e JOIN keyed k USING (article_id, entity) "
            "WHERE list_contains(list_transform(e.aliases, lambda x: lower(x)), lower(?)) GROUP BY k.key "
            "ORDER BY n DESC LIMIT 1",
            [name],
        ).fetchone()
    if row is None:
        raise ParquetError(f"no person or organisation called {name!r} in the dataset ({norm})")
    return row[0]


def quotes(
    db: duckdb.DuckDBPyConnection,
    *,
    speaker: str | None = None,
    search: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 100,
) -> list[Row]:
    where, params = ["q.within IS NULL"], []  # one line per statement (storyline.quoting)
    if speaker:
        where.append("k.key = ?")
        params.append(_key_of(db, speaker))
    for word in normalise(search or "").split():
        where.append("regexp_matches(lower(q.text), ?)")
        params.append(rf"\b{word}\b")
    day = "coalesce(first_day(q.time_value), a.published)"
    if since:
        where.append(f"{day} >= ?")
        params.append(since)
    if until:
        where.append(f"{day} <= ?")
        params.append(until)
    rows = db.execute(
        f"SELECT {day}, q.text, coalesce(k.name, q.speaker_name), a.source, a.published, q.article_id, "
        "q.start, q.end, q.time_value, q.time_mod FROM quotes q JOIN articles a ON a.id = q.article_id "
        "LEFT JOIN keyed k ON k.article_id = q.article_id AND k.entity = q.speaker "
        f"WHERE {' AND '.join(where)} ORDER BY 1 NULLS LAST, q.article_id, q.start LIMIT {int(limit)}",
        params,
    ).fetchall()
    return [
        Row(d, "quote", display_text(t), w, o, p, i, s, e, label=_words(v, m, d))
        for d, t, w, o, p, i, s, e, v, m in rows
    ]


def timeline(db: duckdb.DuckDBPyConnection, name: str) -> list[Row]:
    """Events the entity takes part in and quotes it makes, ordered by resolved date."""
    key = _key_of(db, name)
    events = db.execute(
        "SELECT DISTINCT coalesce(first_day(v.time_value), a.published), v.type || ': ' || v.trigger, "
        "CASE WHEN v.time_mod IS NULL THEN v.time_value ELSE lower(v.time_mod) || ' ' || v.time_value END, "
        "a.source, a.published, v.article_id, v.sentence_start, v.sentence_end, v.time_value, v.time_mod "
        "FROM events v JOIN articles a ON a.id = v.article_id JOIN keyed k ON k.article_id = v.article_id "
        "WHERE k.key = ? AND v.args LIKE '%\"' || k.entity || '\"%'",
        [key],
    ).fetchall()
    said = db.execute(
        "SELECT coalesce(first_day(q.time_value), a.published), q.text, q.time_value, a.source, "
        "a.published, q.article_id, q.start, q.end, q.time_mod FROM quotes q "
        "JOIN articles a ON a.id = q.article_id "
        "JOIN keyed k ON k.article_id = q.article_id AND k.entity = q.speaker WHERE k.key = ? "
        "AND q.within IS NULL",
        [key],
    ).fetchall()
    rows = [
        Row(d, "event", t, None, o, p, i, s, e, v, _words(raw, m, d))
        for d, t, v, o, p, i, s, e, raw, m in events
    ]
    rows += [
        Row(d, "quote", display_text(t), name, o, p, i, s, e, v, _words(v, m, d))
        for d, t, v, o, p, i, s, e, m in said
    ]
    rows.sort(key=lambda r: (r.date is None, r.date or "", r.kind, r.article_id, r.start or 0))
    return rows


def people(
    db: duckdb.DuckDBPyConnection, *, search: str | None = None, limit: int = 50
) -> list[tuple[str, int]]:
    """(name, articles) for the most reported people."""
    where = "type = 'PERSON'" + (" AND lower(name) LIKE lower(?)" if search else "")
    return db.execute(
        f"SELECT any_value(name ORDER BY length(name) DESC), count(DISTINCT article_id) AS n FROM keyed "
        f"WHERE {where} GROUP BY key ORDER BY n DESC LIMIT {int(limit)}",
        [f"%{search}%"] if search else [],
    ).fetchall()


def stats(db: duckdb.DuckDBPyConnection) -> dict[str, int]:
    out = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES if _has(db, t)}
    out["entities (resolved)"] = db.execute("SELECT count(DISTINCT key) FROM keyed").fetchone()[0]
    return out


def _has(db: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(db.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [table]).fetchone()[0])
