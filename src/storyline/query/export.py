"""Export the store's tables as JSON Lines, CSV or Parquet, for other tools.

Parquet is written by DuckDB (from a CSV staged beside it), because DuckDB is what we recommend for
analytics over an export: it scans Parquet far faster than SQLite scans its own tables, while SQLite
stays the store (many readers beside a writer, incremental full-text search).

A CSV is what people open in a spreadsheet, and article text is anyone's: a cell that starts
with = + - @ (or a tab, carriage return, newline or NUL) would run as a formula (`=HYPERLINK(...)`,
`+cmd|...`). Such a text cell gets a leading single quote, as OWASP recommends, which spreadsheets
read as "this is text"; JSON Lines and Parquet keep every value exactly as stored.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

FORMATS = ("json", "csv", "parquet")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")

# table -> (columns with DuckDB types, the SELECT that yields them)
TABLES: dict[str, tuple[dict[str, str], str]] = {
    "articles": (
        {
            "id": "VARCHAR",
            "title": "VARCHAR",
            "author": "VARCHAR",
            "published": "DATE",
            "outlets": "VARCHAR",
            "urls": "VARCHAR",
            "text": "VARCHAR",
        },
        "SELECT a.id, a.title, a.author, a.published, "
        "(SELECT group_concat(DISTINCT source) FROM sources s WHERE s.article_id = a.id AND source != ''), "
        "(SELECT group_concat(DISTINCT url) FROM sources s WHERE s.article_id = a.id AND url != ''), "
        "a.text FROM articles a ORDER BY a.published, a.id",
    ),
    "entities": (
        {
            "id": "BIGINT",
            "name": "VARCHAR",
            "type": "VARCHAR",
            "gender": "VARCHAR",
            "aliases": "VARCHAR",
            "articles": "BIGINT",
        },
        "SELECT e.id, e.name, e.type, e.gender, "
        "(SELECT group_concat(alias, '; ') FROM aliases WHERE entity_id = e.id), "
        "(SELECT count(DISTINCT article_id) FROM article_entities WHERE entity_id = e.id) "
        "FROM entities e ORDER BY e.id",
    ),
    "quotes": (
        {
            "id": "BIGINT",
            "group_id": "BIGINT",
            "article_id": "VARCHAR",
            "published": "DATE",
            "text": "VARCHAR",
            "kind": "VARCHAR",
            "speaker_id": "BIGINT",
            "speaker": "VARCHAR",
            "cue": "VARCHAR",
            "channel": "VARCHAR",
            "medium": "VARCHAR",
            "time_value": "VARCHAR",
            "time_mod": "VARCHAR",
            "date_start": "DATE",
            "date_end": "DATE",
            "start": "BIGINT",
            "end": "BIGINT",
            "sentence": "VARCHAR",
            "within": "BIGINT",  # the id of the quote this one lies in (storyline.quoting)
        },
        "SELECT q.id, q.group_id, q.article_id, a.published, q.text, q.kind, q.speaker_id, "
        "coalesce(e.name, q.speaker_name), q.cue, q.channel, q.medium, q.time_value, q.time_mod, "
        "q.date_start, q.date_end, q.start, q.end, "
        "substr(a.text, q.evidence_start + 1, q.evidence_end - q.evidence_start), "
        "(SELECT o.id FROM quotes o WHERE o.article_id = q.article_id AND o.local_id = q.within) "
        "FROM quotes q JOIN articles a ON a.id = q.article_id LEFT JOIN entities e ON e.id = q.speaker_id "
        "ORDER BY q.id",
    ),
    "events": (
        {
            "id": "BIGINT",
            "group_id": "BIGINT",
            "article_id": "VARCHAR",
            "published": "DATE",
            "type": "VARCHAR",
            "trigger": "VARCHAR",
            "modality": "VARCHAR",
            "time_value": "VARCHAR",
            "time_mod": "VARCHAR",
            "date_start": "DATE",
            "date_end": "DATE",
            "confidence": "DOUBLE",
            "participants": "VARCHAR",
            "sentence": "VARCHAR",
        },
        "SELECT v.id, v.group_id, v.article_id, a.published, v.type, v.trigger, v.modality, v.time_value, "
        "v.time_mod, v.date_start, v.date_end, v.confidence, "
        "(SELECT json_group_array(json_object('role', r.role, 'id', r.entity_id, 'name', e.name)) "
        "FROM event_roles r JOIN entities e ON e.id = r.entity_id WHERE r.event_id = v.id), "
        "substr(a.text, v.sentence_start + 1, v.sentence_end - v.sentence_start) "
        "FROM events v JOIN articles a ON a.id = v.article_id ORDER BY v.id",
    ),
    "relations": (
        {
            "id": "BIGINT",
            "article_id": "VARCHAR",
            "type": "VARCHAR",
            "head_id": "BIGINT",
            "head": "VARCHAR",
            "tail_id": "BIGINT",
            "tail": "VARCHAR",
            "start": "VARCHAR",
            "end": "VARCHAR",
            "confidence": "DOUBLE",
            "evidence": "VARCHAR",
        },
        "SELECT r.id, r.article_id, r.type, r.head_id, h.name, r.tail_id, t.name, r.start_value, "
        "r.end_value, r.confidence, "
        "substr(a.text, r.evidence_start + 1, r.evidence_end - r.evidence_start) FROM relations r "
        "JOIN articles a ON a.id = r.article_id JOIN entities h ON h.id = r.head_id "
        "JOIN entities t ON t.id = r.tail_id ORDER BY r.id",
    ),
}


def rows(conn: sqlite3.Connection, table: str) -> Iterator[dict]:
    """The table's rows as dicts, streamed."""
    columns, sql = TABLES[table]
    names = list(columns)
    for row in conn.execute(sql):
        yield dict(zip(names, row, strict=True))


def export(
    conn: sqlite3.Connection, fmt: str, out_dir: str | Path, tables: list[str] | None = None
) -> list[Path]:
    """Write each table to out_dir/TABLE.{jsonl,csv,parquet}; returns the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    unknown = [t for t in tables or [] if t not in TABLES]
    if unknown:
        raise ValueError(f"unknown table {unknown[0]!r} (one of {', '.join(TABLES)})")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables or list(TABLES):
        if fmt == "json":
            path = out / f"{table}.jsonl"
            with path.open("w", encoding="utf-8") as f:
                for row in rows(conn, table):
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            path = out / f"{table}.csv"
            write_csv(conn, table, path, for_spreadsheets=fmt == "csv")
            if fmt == "parquet":  # staged through a CSV that only DuckDB reads: values kept as they are
                path = _to_parquet(path, TABLES[table][0])
        written.append(path)
    return written


def spreadsheet_cell(value: object) -> object:
    """A text that a spreadsheet would run as a formula, prefixed with ' so that it shows as text."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def write_csv(conn: sqlite3.Connection, table: str, path: Path, *, for_spreadsheets: bool = True) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(TABLES[table][0])
        if for_spreadsheets:
            writer.writerows(tuple(map(spreadsheet_cell, row.values())) for row in rows(conn, table))
        else:
            writer.writerows(tuple(row.values()) for row in rows(conn, table))


def _to_parquet(csv_path: Path, columns: dict[str, str]) -> Path:
    import duckdb

    target = csv_path.with_suffix(".parquet")
    types = ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items())
    with duckdb.connect() as db:
        db.execute(
            f"COPY (SELECT * FROM read_csv(?, header = true, columns = {{{types}}}, "
            "quote = '\"', escape = '\"')) "
            "TO ? (FORMAT parquet)",
            [str(csv_path), str(target)],
        )
    csv_path.unlink()
    return target
