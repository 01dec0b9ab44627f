"""The knowledge base at scale: ingest throughput against extract, memory over a long ingest, and
query latency with a million quotes stored. Prints figures; asserts nothing.

Phases, in one process, on a corpus from `storyline_testing.generate` (deterministic, seed 0):

1. throughput: on the first --sample articles, alternating rounds of `extract` (extraction plus
   the JSON contract of every article, what `storyline extract --json` does) and `ingest` (the same
   extraction plus the store's writes, into a fresh store each round); the ratio of the medians is
   the headline, because both sides see the same machine noise;
2. scale: ingest all --articles articles into one store, printing resident memory (VmRSS) and the
   running rate every 5% of the way: a flat RSS means memory does not grow with the corpus;
3. top-up: if the store holds fewer than --quotes quotes, copies of the articles extracted in phase
   1 are stored (text marked as a copy, so each is a new article, dated later, from another outlet)
   until it does; their quotes join the original quotes' groups as re-reports. This writes facts
   without running the model again, so the query phase sees a store of the stated size;
4. queries, through the Python API the CLI calls, as the CLI calls it (3 reports kept per line,
   its default): `timeline` of random people, `quotes --search` of two consecutive words from
   random stored quotes, `quotes --speaker`; p50, p95 and max. `--store DB` runs only this phase.

Run from the repo root: `.venv/bin/python bench/ingest_scale.py [--articles N] [--sample N] ...`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from storyline import extract_many, query
from storyline.contract import to_json
from storyline.ingest import ingest
from storyline.model import Article
from storyline.readers.records import read_jsonl_file
from storyline.store import Store
from storyline_testing.generate import write_corpus


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def articles(corpus: list[Path], limit: int | None = None) -> Iterator[Article]:
    n = 0
    for shard in corpus:
        for item in read_jsonl_file(shard):
            if isinstance(item, Article):
                yield item
                n += 1
                if limit is not None and n >= limit:
                    return


def fresh_store(db: Path, base: Path | None) -> None:
    """An empty store, or a copy of `base` (to measure writes into a large store)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    if base is not None:
        import sqlite3

        with sqlite3.connect(f"file:{base}?mode=ro", uri=True) as src, sqlite3.connect(db) as dst:
            src.backup(dst)


def throughput(
    corpus: list[Path], sample: int, rounds: int, work: Path, base: Path | None = None
) -> list[Article]:
    where = f"a copy of {base}" if base else "an empty store"
    print(
        f"\n1. throughput on {sample:,} generated articles, {rounds} alternating rounds; ingest into {where}"
    )
    extract_rates, ingest_rates, kept = [], [], []
    warm = list(extract_many(articles(corpus, 32)))  # load the model once, outside the timing
    assert warm
    chosen = list(articles(corpus, sample))
    for r in range(rounds):
        started = time.perf_counter()
        kept = []
        with open("/dev/null", "w") as sink:
            for a in extract_many(chosen):
                sink.write(to_json(a) + "\n")
                kept.append(a)
        extract_rates.append(sample / (time.perf_counter() - started))
        db = work / f"round{r}.db"
        fresh_store(db, base)
        with Store(db) as store:
            started = time.perf_counter()
            report = ingest(store, iter(chosen))
            ingest_rates.append(report.added / (time.perf_counter() - started))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        print(
            f"   round {r + 1}: extract {extract_rates[-1]:.1f} articles/s, "
            f"ingest {ingest_rates[-1]:.1f} articles/s"
        )
    e, i = statistics.median(extract_rates), statistics.median(ingest_rates)
    print(
        f"   median: extract {e:.1f}/s, ingest {i:.1f}/s; "
        f"ingest keeps {100 * i / e:.1f}% of extract throughput"
    )
    return kept


def scale(corpus: list[Path], total: int, db: Path) -> None:
    print(f"\n2. ingest of {total:,} articles into {db}")
    print(f"   {'articles':>10} {'RSS MB':>8} {'articles/s':>11}")
    step = max(1, total // 20)
    samples: list[tuple[int, float]] = []
    started = time.perf_counter()

    def watch(report) -> None:
        if report.read % step == 0:
            samples.append((report.read, rss_mb()))
            rate = report.read / (time.perf_counter() - started)
            print(f"   {report.read:>10,} {samples[-1][1]:>8.0f} {rate:>11.1f}", flush=True)

    with Store(db) as store:
        report = ingest(store, articles(corpus, total), on_article=watch)
    print(f"   {report.summary()}")
    if len(samples) >= 4:
        early = statistics.mean(r for _, r in samples[1:3])
        late = statistics.mean(r for _, r in samples[-2:])
        print(
            f"   RSS early (5-15%) {early:.0f} MB, late (last 10%) {late:.0f} MB: "
            f"growth {late - early:+.0f} MB"
        )


def top_up(db: Path, kept: list[Article], target: int) -> None:
    with Store(db) as store:
        have = query.stats(store.conn)["quotes"]
        print(f"\n3. store holds {have:,} quotes; target {target:,}")
        copy = 0
        started = time.perf_counter()
        while have < target and kept:
            copy += 1
            for a in kept:
                clone = dataclasses.replace(
                    a,
                    text=a.text + f"\n\n[Republished copy {copy}]",
                    source=f"Syndicate {copy % 40}",
                    published=a.published + timedelta(days=copy) if a.published else None,
                )
                store.add(clone)
                have += len(a.quotes)
                if have >= target:
                    break
        stats = query.stats(store.conn)
        print(
            f"   added copies in {time.perf_counter() - started:.0f} s: {stats['articles']:,} articles, "
            f"{stats['quotes']:,} quotes, {stats['quote_groups']:,} quote groups, {stats['events']:,} events"
        )


def latencies(db: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with Store(db, create=False) as store:
        conn = store.conn
        people = [
            r[0] for r in conn.execute("SELECT name FROM entities WHERE type = 'PERSON' AND name LIKE '% %'")
        ]
        (max_id,) = conn.execute("SELECT max(id) FROM quotes").fetchone()
        phrases = []
        while len(phrases) < n:
            row = conn.execute("SELECT text FROM quotes WHERE id = ?", (rng.randint(1, max_id),)).fetchone()
            words = re.findall(r"[A-Za-z]{3,}", row[0]) if row else []
            if len(words) >= 2:
                k = rng.randrange(len(words) - 1)
                phrases.append(f"{words[k]} {words[k + 1]}")
        print(f"\n4. query latency over {n} queries each (Python API, warm cache)")
        cases = {
            "timeline NAME": lambda: query.timeline(conn, rng.choice(people), evidence=3),
            "quotes --search TEXT": lambda: query.quotes(conn, search=phrases.pop(), reports=3),
            "quotes --speaker NAME": lambda: query.quotes(conn, speaker=rng.choice(people), reports=3),
        }
        for name, ask in cases.items():
            ask()
            times = []
            for _ in range(n - 1):
                started = time.perf_counter()
                ask()
                times.append(1000 * (time.perf_counter() - started))
            times.sort()
            p95 = times[int(0.95 * len(times)) - 1]
            print(
                f"   {name:<24} p50 {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms   "
                f"max {times[-1]:6.1f} ms"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="corpus size (default 100,000)")
    parser.add_argument("--sample", type=int, default=1_000, help="articles per throughput round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quotes", type=int, default=1_000_000, help="quotes stored for the query phase")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--work", type=Path, help="folder for the corpus and store (default: a temp folder)")
    parser.add_argument("--store", type=Path, help="only measure query latency on this existing store")
    parser.add_argument(
        "--base", type=Path, help="only measure throughput, ingesting into copies of this store"
    )
    args = parser.parse_args()
    if args.base:
        work = args.work or Path(tempfile.mkdtemp(prefix="storyline-bench-"))
        corpus = sorted((work / "corpus-extra").glob("*.jsonl")) or write_corpus(
            args.sample, work / "corpus-extra", seed=1
        )
        throughput(corpus, args.sample, args.rounds, work, base=args.base)
        return
    if args.store:
        with Store(args.store, create=False) as store:
            s = query.stats(store.conn)
        print(f"store {args.store}: {s['articles']:,} articles, {s['quotes']:,} quotes")
        latencies(args.store, args.queries)
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="storyline-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus_dir = work / f"corpus-{args.articles}"
    corpus = sorted(corpus_dir.glob("*.jsonl")) or write_corpus(args.articles, corpus_dir)
    words = sum(len(json.loads(line)["text"].split()) for line in corpus[0].open() if line.strip())
    lines = sum(1 for _ in corpus[0].open())
    print(
        f"corpus: {args.articles:,} generated articles in {corpus_dir} "
        f"({words / lines:.0f} words each on average)"
    )
    kept = throughput(corpus, args.sample, args.rounds, work)
    db = work / "scale.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    scale(corpus, args.articles, db)
    top_up(db, kept, args.quotes)
    latencies(db, args.queries)
    print(f"\nstore: {db} ({db.stat().st_size / 1e9:.2f} GB)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
