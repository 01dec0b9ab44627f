"""Latency of `storyline story` queries beside the queries they build on, in the same run on the
same store: a story of two people against the timeline of the first, a story of quote words
against `quotes --search` of the same words, and a story of an event type alone. It prints
figures and asserts nothing.

The pairs are people who share an event group (so that the story has lines); the words are two
consecutive words of a random quote; the types are the event types the store holds. Every query
asks for the CLI's defaults (all lines, 1 report each) and the web page's (100 lines, 3 reports).

Run from the repo root: `.venv/bin/python bench/story_latency.py STORE.db [--n 200] [--seed 1]`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from storyline import query
from storyline.store import Store

T = TypeVar("T")


def _times(ask: Callable[[T], object], items: list[T], n: int) -> list[float]:
    """Milliseconds of n calls of ask, each on the next of the items, after one to warm up (the
    first call compiles statements and reads pages into the cache)."""
    ask(items[0])
    out = []
    for i in range(1, n + 1):
        started = time.perf_counter()
        ask(items[i % len(items)])
        out.append(1000 * (time.perf_counter() - started))
    return sorted(out)


def _row(name: str, times: list[float], base: list[float] | None = None) -> str:
    p50 = statistics.median(times)
    p95 = times[max(0, int(0.95 * len(times)) - 1)]
    ratio = f"   {p50 / statistics.median(base):4.2f}x its baseline's p50" if base else ""
    return f"   {name:<40} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   max {times[-1]:7.1f} ms{ratio}"


def _case(
    conn: sqlite3.Connection,
    title: str,
    limit: int | None,
    evidence: int,
    pairs: list[tuple[str, str]],
    phrases: list[str],
    types: list[str],
    n: int,
) -> None:
    """Each kind of story beside its baseline, asking for `limit` lines with `evidence` reports."""
    print(f"\n{title}, {n} queries each (Python API, warm cache)")
    page = {"limit": limit, "evidence": evidence}
    base = _times(lambda p: query.timeline(conn, p[0], **page), pairs, n)
    print(_row("timeline A (baseline)", base))
    print(_row("story 'A B'", _times(lambda p: query.story(conn, " ".join(p), **page), pairs, n), base))
    words = _times(lambda w: query.quotes(conn, search=w, reports=evidence, limit=limit), phrases, n)
    print(_row("quotes --search 'w1 w2' (baseline)", words))
    print(_row("story 'w1 w2'", _times(lambda w: query.story(conn, w, **page), phrases, n), words))
    print(_row("story TYPE", _times(lambda t: query.story(conn, t, **page), types, n)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--n", type=int, default=200, help="queries per case")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with Store(args.db, create=False) as store:
        conn = store.conn
        names = dict(conn.execute("SELECT id, name FROM entities WHERE type = 'PERSON'"))
        pairs = []
        for (participants,) in conn.execute("SELECT participants FROM event_groups ORDER BY id"):
            people = sorted({who for _, who in json.loads(participants) if who in names})
            if len(people) >= 2:
                pairs.append((names[people[0]], names[people[1]]))
        types = [row[0] for row in conn.execute("SELECT DISTINCT type FROM event_groups")]
        (top,) = conn.execute("SELECT max(id) FROM quotes").fetchone()
        phrases = []
        while len(phrases) < args.n + 1:
            row = conn.execute("SELECT text FROM quotes WHERE id = ?", (rng.randint(1, top),)).fetchone()
            words = re.findall(r"[a-z]{3,}", row[0]) if row else []  # lower case: read as quote words
            if len(words) >= 2:
                k = rng.randrange(len(words) - 1)
                phrases.append(f"{words[k]} {words[k + 1]}")
        (articles,) = conn.execute("SELECT count(*) FROM articles").fetchone()
        print(f"{args.db}: {articles:,} articles, {len(pairs):,} pairs sharing an event, {len(types)} types")
        chosen = [rng.choice(pairs) for _ in range(args.n + 1)]
        _case(conn, "CLI (all lines, 1 report)", None, 1, chosen, phrases, types, args.n)
        _case(conn, "page (100 lines, 3 reports)", 100, 3, chosen, phrases, types, args.n)
        sizes = [query.story(conn, t).total for t in types]
        print(f"\n(a type's story has {min(sizes):,} to {max(sizes):,} lines)")


if __name__ == "__main__":
    main()
