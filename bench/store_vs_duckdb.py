"""SQLite (the store) against DuckDB over the store's Parquet export, on the same analytic
questions, in one run. It prints figures and asserts nothing.

This shows where each engine wins, which is why storyline keeps SQLite as the store and sends
analytics to DuckDB:

- DuckDB, for scans and aggregates over every row (quotes per speaker, per month, events per
  type and year);
- SQLite, for selective lookups: its FTS5 index and its indexed speaker lookup, against DuckDB
  scanning the whole column (DuckDB's own full-text index is static and would have to be rebuilt
  after each ingest).

Each question runs --repeat times per engine, and the median is printed. The export to Parquet
is timed too.

Run from the repo root: `.venv/bin/python bench/store_vs_duckdb.py STORE.db`.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from storyline.query import export

QUESTIONS: dict[str, tuple[str, str]] = {
    "quotes per speaker, top 20": (
        "SELECT speaker_id, count(*) AS n FROM quotes GROUP BY speaker_id ORDER BY n DESC LIMIT 20",
        "SELECT speaker_id, count(*) AS n FROM '{quotes}' GROUP BY speaker_id ORDER BY n DESC LIMIT 20",
    ),
    "quotes per month": (
        "SELECT substr(date_start, 1, 7) AS m, count(*) FROM quotes GROUP BY m",
        "SELECT strftime(date_start, '%Y-%m') AS m, count(*) FROM '{quotes}' GROUP BY m",
    ),
    "events per type and year": (
        "SELECT type, substr(date_start, 1, 4) AS y, count(*) FROM events GROUP BY type, y",
        "SELECT type, year(date_start) AS y, count(*) FROM '{events}' GROUP BY type, y",
    ),
    "quotes with the word 'deny' (FTS5 vs scan)": (
        "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'deny'",
        "SELECT count(*) FROM '{quotes}' WHERE regexp_matches(lower(text), '\\bdeny\\b')",
    ),
    "quotes of one speaker (index vs scan)": (
        "SELECT count(*) FROM quotes WHERE speaker_id = 7",
        "SELECT count(*) FROM '{quotes}' WHERE speaker_id = 7",
    ),
}


def timed(run, repeat: int) -> float:
    run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    (quotes,) = conn.execute("SELECT count(*) FROM quotes").fetchone()
    out = Path(tempfile.mkdtemp(prefix="storyline-parquet-"))
    started = time.perf_counter()
    files = {p.stem: p for p in export(conn, "parquet", out, ["quotes", "events"])}
    print(f"{quotes:,} quotes; export of quotes and events to Parquet: {time.perf_counter() - started:.1f} s")
    duck = duckdb.connect()
    print(f"\n{'question':<44} {'SQLite ms':>10} {'DuckDB ms':>10} {'SQLite/DuckDB':>14}")
    for name, (lite, ddb) in QUESTIONS.items():
        sql = ddb.format(quotes=files["quotes"], events=files["events"])
        a = timed(lambda lite=lite: conn.execute(lite).fetchall(), args.repeat)
        b = timed(lambda sql=sql: duck.execute(sql).fetchall(), args.repeat)
        print(f"{name:<44} {a:>10.2f} {b:>10.2f} {a / b:>14.2f}")


if __name__ == "__main__":
    main()
