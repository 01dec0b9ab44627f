"""Commands for bulk work: `extract --out DIR` (Parquet, here or on Dask), `load DIR`, and
`bench generate N DIR` (a synthetic corpus for benchmarks, from a source checkout)."""

from __future__ import annotations

import argparse
import sys
import time

from storyline.cli.types import iso_date, non_negative_int, positive_int
from storyline.dates import label


def cmd_extract_out(args: argparse.Namespace) -> int:
    from pathlib import Path

    from storyline.ingest import read_inputs
    from storyline.model import ReadCounts
    from storyline.readers.warc import is_warc
    from storyline.scale.bulk import BulkReport, extract_to_parquet, extract_urls_to_parquet
    from storyline.scale.cluster import dask_client
    from storyline.scale.warc import extract_warc_urls_to_parquet

    # WARC URLs, and with a local cluster WARC files, are read by the workers (byte ranges of big ones)
    warcs = [f for f in args.files if is_warc(f) and ("://" in f or args.workers and Path(f).is_file())]
    warc_urls = [f if "://" in f else Path(f).resolve().as_uri() for f in warcs]
    urls = [f for f in args.files if "://" in f and f not in warcs]
    local = [f for f in args.files if "://" not in f and f not in warcs]
    counts = ReadCounts()
    items = read_inputs(
        local, plain=args.plain, published=args.published, max_bytes=args.max_bytes, counts=counts
    )
    started = time.perf_counter()

    def progress(report) -> None:
        if not args.quiet and sys.stderr.isatty():
            rate = report.articles / max(1e-9, time.perf_counter() - started)
            print(
                f"\r{report.articles:,} articles in {report.parts} parts ({rate:.1f}/s)",
                end="",
                file=sys.stderr,
            )

    remote, archives = BulkReport(), BulkReport()
    if args.workers or args.scheduler:
        with dask_client(args.workers, args.scheduler) as client:
            report = extract_to_parquet(
                items, args.out, part_size=args.part_size, client=client, on_part=progress
            )
            if urls:
                remote = extract_urls_to_parquet(urls, args.out, client=client)
            if warc_urls:
                archives = extract_warc_urls_to_parquet(
                    warc_urls, args.out, client=client, part_size=args.part_size
                )
    else:
        report = extract_to_parquet(items, args.out, part_size=args.part_size, on_part=progress)
        if urls:
            remote = extract_urls_to_parquet(urls, args.out)
        if warc_urls:
            archives = extract_warc_urls_to_parquet(warc_urls, args.out, part_size=args.part_size)
    report.counts = counts
    for other in (remote, archives):
        report.articles += other.articles
        report.parts += other.parts
        report.failed += other.failed
        report.counts.add(other.counts)
    if not args.quiet and sys.stderr.isatty():
        print(file=sys.stderr)
    for failure in report.failed:
        print(f"storyline: error: {failure}", file=sys.stderr)
    seconds = time.perf_counter() - started
    skipped = report.counts.summary()
    print(
        f"storyline: {args.out}: {report.articles:,} articles in {report.parts} parts, "
        f"{len(report.failed)} failed{', ' + skipped if skipped else ''}, {seconds:.1f} s",
        file=sys.stderr,
    )
    return 1 if report.failed else 0


def cmd_load(args: argparse.Namespace) -> int:
    from pathlib import Path

    from storyline.cli.kb import open_store
    from storyline.scale.bulk import load_parquet
    from storyline.store import RulesError

    if not (Path(args.dir) / "articles").is_dir():
        print(f"storyline: error: {args.dir}: not a dataset from 'storyline extract --out'", file=sys.stderr)
        return 1
    try:
        store = open_store(args, create=True)
    except RulesError as e:
        print(f"storyline: error: {e}", file=sys.stderr)
        return 2
    with store:
        added, known = load_parquet(store, args.dir)
        print(f"storyline: {store.path}: {added:,} added, {known:,} already stored", file=sys.stderr)
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    try:  # test and benchmark support: in a source checkout, not in the wheel
        from storyline_testing.generate import write_corpus
    except ModuleNotFoundError as e:
        if e.name != "storyline_testing":
            raise
        print(
            "storyline: error: bench generate needs a source checkout of storyline (its generator, "
            "src/storyline_testing, is not installed with the wheel): run it from a clone",
            file=sys.stderr,
        )
        return 1
    started = time.perf_counter()
    shards = write_corpus(args.n, args.dir, seed=args.seed, shard_size=args.shard_size)
    print(
        f"storyline: {args.n:,} articles in {len(shards)} JSON Lines files under {args.dir} "
        f"({time.perf_counter() - started:.1f} s)",
        file=sys.stderr,
    )
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    import json

    import duckdb

    from storyline.scale import duck

    try:
        db = duck.connect(args.parquet)
        if args.question == "timeline":
            result: object = [r.to_dict() for r in duck.timeline(db, args.name)]
        elif args.question == "quotes":
            found = duck.quotes(
                db,
                speaker=args.speaker,
                search=args.search,
                since=args.since and args.since.isoformat(),
                until=args.until and args.until.isoformat(),
                limit=args.limit,
            )
            result = [r.to_dict() for r in found]
        elif args.question == "people":
            result = [
                {"name": n, "articles": k} for n, k in duck.people(db, search=args.search, limit=args.limit)
            ]
        else:
            result = duck.stats(db)
    except (duck.ParquetError, duckdb.Error) as e:
        print(f"storyline: error: {e}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif isinstance(result, dict):
        print("\n".join(f"{k:>20}  {v}" for k, v in result.items()))
    else:
        for row in result:
            if "kind" in row:
                who = f"{row['who']}: " if row["kind"] == "quote" and args.question == "quotes" else ""
                print(f"{row['label']:<22} {row['kind']:<6} {who}{row['text'][:110]}")
                print(f"{'':<29}↳ {row['outlet'] or row['article_id'][:12]}, {label(row['published'])}")
            else:
                print(f"{row['articles']:>8}  {row['name']}")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "query",
        help="ask a Parquet dataset ('extract --out') the store's questions, with DuckDB",
        description="Answer timeline, quotes, people and stats straight from a Parquet dataset with DuckDB, "
        "without a store. Entities are resolved across articles by the store's rule.",
    )
    p.add_argument("--parquet", required=True, metavar="DIR", help="the dataset folder")
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--json", action="store_true", help="print JSON")
    questions = p.add_subparsers(dest="question", metavar="QUESTION", required=True)
    q = questions.add_parser("timeline", parents=[shared], help="events and quotes of a person, by date")
    q.add_argument("name")
    q = questions.add_parser("quotes", parents=[shared], help="quotes by speaker, words and date")
    q.add_argument("--speaker", metavar="NAME")
    q.add_argument("--search", metavar="TEXT")
    q.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD")
    q.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD")
    q.add_argument("--limit", type=positive_int, default=100, metavar="N", help="at most N (default 100)")
    q = questions.add_parser("people", parents=[shared], help="the most reported people")
    q.add_argument("--search", metavar="TEXT")
    q.add_argument("--limit", type=positive_int, default=50, metavar="N", help="at most N (default 50)")
    questions.add_parser("stats", parents=[shared], help="row counts")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser(
        "load",
        help="store a Parquet dataset from 'extract --out' (no extraction)",
        description="Bulk-load a dataset written by 'storyline extract --out DIR' into the store; articles "
        "already stored are skipped.",
    )
    p.add_argument("dir", help="the dataset folder")
    p.add_argument("--db", metavar="PATH", help="the store (default: $STORYLINE_DB, else ./storyline.db)")
    p.add_argument("--entities", metavar="FILE", help="merges and splits (default: beside the store)")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("bench", help="benchmark helpers", description="Benchmark helpers.")
    bench = p.add_subparsers(dest="bench_command", metavar="COMMAND", required=True)
    g = bench.add_parser(
        "generate",
        help="write a synthetic corpus (deterministic from --seed)",
        description="Write N varied, dated synthetic articles (quotes, pronoun speakers, dates, events) as "
        "JSON Lines shards under DIR. The same N and seed give byte-identical files.",
    )
    g.add_argument("n", type=non_negative_int, help="how many articles")
    g.add_argument("dir", help="output folder")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument(
        "--shard-size", type=positive_int, default=10_000, metavar="N", help="articles per file (10,000)"
    )
    g.set_defaults(func=cmd_generate)
