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

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from storyline.contract import from_dict, to_dict
from storyline.model import Article

_S, _I, _F = pa.string(), pa.int64(), pa.float64()
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
    "entities": pa.schema(
        [
            ("article_id", _S),
            ("entity", _S),
            ("name", _S),
            ("type", _S),
            ("gender", _S),
            ("aliases", pa.list_(_S)),
        ]
    ),
    "mentions": pa.schema([("article_id", _S), ("entity", _S), ("start", _I), ("end", _I), ("text", _S)]),
    "quotes": pa.schema(
        [
            ("article_id", _S),
            ("id", _S),
            ("text", _S),
            ("start", _I),
            ("end", _I),
            ("kind", _S),
            ("speaker", _S),
            ("speaker_name", _S),
            ("cue", _S),
            ("channel", _S),
            ("medium", _S),
            ("time_value", _S),
            ("time_granularity", _S),
            ("time_mod", _S),
            ("confidence", _F),
            ("within", _S),
        ]
    ),
    "timexes": pa.schema(
        [
            ("article_id", _S),
            ("id", _S),
            ("text", _S),
            ("start", _I),
            ("end", _I),
            ("type", _S),
            ("value", _S),
            ("mod", _S),
            ("anchor", _S),
        ]
    ),
    "events": pa.schema(
        [
            ("article_id", _S),
            ("id", _S),
            ("type", _S),
            ("trigger", _S),
            ("start", _I),
            ("end", _I),
            ("sentence_start", _I),
            ("sentence_end", _I),
            ("time_value", _S),
            ("time_granularity", _S),
            ("time_mod", _S),
            ("modality", _S),
            ("confidence", _F),
            ("args", _S),
        ]
    ),
    "relations": pa.schema(
        [
            ("article_id", _S),
            ("id", _S),
            ("type", _S),
            ("head", _S),
            ("tail", _S),
            ("start", _S),
            ("end", _S),
            ("evidence_start", _I),
            ("evidence_end", _I),
            ("confidence", _F),
        ]
    ),
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
        "entities": [
            {
                "article_id": aid,
                "entity": e.id,
                "name": e.name,
                "type": e.type,
                "gender": e.gender,
                "aliases": e.aliases,
            }
            for e in a.entities
        ],
        "mentions": [
            {"article_id": aid, "entity": e.id, "start": m.start, "end": m.end, "text": m.text}
            for e in a.entities
            for m in e.mentions
        ],
        "quotes": [_flat(aid, q, "quotes") for q in contract["quotes"]],
        "timexes": [_flat(aid, t, "timexes") for t in contract["timexes"]],
        "events": [_flat(aid, v, "events") for v in contract["events"]],
        "relations": [_flat(aid, r, "relations") for r in contract["relations"]],
    }
    return rows


def _flat(article_id: str, record: dict, table: str) -> dict:
    """A contract record as a row: times and spans spread over columns, arguments as JSON."""
    row: dict = {"article_id": article_id}
    for key, value in record.items():
        if key == "time":
            for part in ("value", "granularity", "mod"):
                row[f"time_{part}"] = value[part] if value else None
        elif key in {"sentence", "evidence"}:
            row[f"{key}_start"], row[f"{key}_end"] = (value["start"], value["end"]) if value else (None, None)
        elif key == "args":
            row[key] = json.dumps(value, ensure_ascii=False)
        else:
            row[key] = value
    return {name: row.get(name) for name in SCHEMAS[table].names}


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
