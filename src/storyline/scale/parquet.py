"""Bulk results as a Parquet dataset, partitioned by publication month: the contract's tables
(articles, entities, mentions, quotes, timexes, events, relations), one folder each, written as
`DIR/TABLE/month=YYYY-MM/part-NNNNN.parquet`.

Part names come from the position of the batch in the input, so a batch that is run again (a
retried task, a rerun) overwrites its own files: nothing is written twice. Each articles row keeps
the article's whole contract JSON, so `storyline load` rebuilds the Article exactly.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from storyline.contract import from_dict, to_dict
from storyline.model import Article, Entity, Event, Mention, Quote, Relation, Timex, columns

_S = pa.string()
# Arrow types by the fields' annotations; arguments are a JSON object, as in the contract
_ARROW: dict[Any, pa.DataType] = {
    str: _S,
    int: pa.int64(),
    float: pa.float64(),
    list[str]: pa.list_(_S),
    dict[str, object]: _S,
}
# table -> the record its rows hold, one per record of the article: their columns are the record's
# (storyline.model declares them) after the article's id, and a mention's entity's
RECORD_TABLES: dict[str, type] = {
    "entities": Entity,
    "mentions": Mention,
    "quotes": Quote,
    "timexes": Timex,
    "events": Event,
    "relations": Relation,
}
_OWNERS = {table: [("article_id", _S)] for table in RECORD_TABLES} | {
    "mentions": [("article_id", _S), ("entity", _S)]
}
SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema(
        [
            ("id", _S),
            ("published", _S),
            ("title", _S),
            ("author", _S),
            ("source", _S),
            ("url", _S),
            ("input_id", _S),
            ("text", _S),
            ("contract", _S),
        ]
    ),
    **{
        table: pa.schema(_OWNERS[table] + [(c.name, _ARROW[c.type]) for c in columns(kind, "parquet")])
        for table, kind in RECORD_TABLES.items()
    },
}


def month_of(article: Article) -> str:
    return article.published.strftime("%Y-%m") if article.published else "unknown"


def rows_of(article: Article) -> dict[str, list[dict]]:
    """The article as rows of each table."""
    a, aid = article, article.id
    contract = to_dict(a)
    rows: dict[str, list[dict]] = {
        "articles": [
            {
                "id": aid,
                "published": a.published.isoformat() if a.published else None,
                "title": a.title,
                "author": a.author,
                "source": a.source,
                "url": a.url,
                "input_id": a.input_id,
                "text": a.text,
                "contract": json.dumps(contract, ensure_ascii=False),
            }
        ],
        **{
            table: [_row(r, table, aid) for r in getattr(a, table)]
            for table in RECORD_TABLES
            if table != "mentions"
        },
        "mentions": [_row(m, "mentions", aid, e.id) for e in a.entities for m in e.mentions],
    }
    return rows


def _row(record: object, table: str, *owners: str) -> dict:
    """A record as a row: times and spans spread over columns, arguments as JSON."""
    row = dict(zip(SCHEMAS[table].names, owners, strict=False))
    for c in columns(RECORD_TABLES[table], "parquet"):
        value = c.value(record)
        row[c.name] = json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value
    return row


def write_part(articles: list[Article], out: str | Path, part: str) -> int:
    """Write extracted articles as part `part` of every table, one file per month; returns how many."""
    by_month: dict[tuple[str, str], list[dict]] = defaultdict(list)
    written = 0
    for article in articles:
        if article.failure:
            continue
        month = month_of(article)
        for table, rows in rows_of(article).items():
            by_month[(table, month)].extend(rows)
        written += 1
    for table in SCHEMAS:
        for month in sorted({m for t, m in by_month if t == table} or set()):
            folder = Path(out) / table / f"month={month}"
            folder.mkdir(parents=True, exist_ok=True)
            data = pa.Table.from_pylist(by_month[(table, month)], schema=SCHEMAS[table])
            pq.write_table(data, folder / f"{part}.parquet")
    return written


def extract_and_write(articles: list[Article], out: str, part: str) -> int:
    """The unit of bulk work: extract a batch (the same function as every mode) and write it."""
    from storyline.ingest.work import extract_batch

    return write_part(extract_batch(articles), out, part)


def read_articles(folder: str | Path) -> Iterator[Article]:
    """The Articles of a dataset written by write_part, month by month, part by part."""
    dataset = ds.dataset(Path(folder) / "articles", format="parquet", partitioning="hive")
    for fragment in sorted(dataset.get_fragments(), key=lambda f: f.path):
        for batch in fragment.to_batches(columns=["contract"]):
            for text in batch.column(0).to_pylist():
                yield from_dict(json.loads(text))
