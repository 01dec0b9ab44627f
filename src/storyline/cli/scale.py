"""Commands for bulk work: `extract --out DIR` (Parquet, here or on Dask), `load DIR`, and
`bench generate N DIR` (a synthetic corpus for benchmarks)."""

from __future__ import annotations

import argparse
import sys
import time


def cmd_extract_out(args: argparse.Namespace) -> int:
    from storyline.scale.bulk import extract_to_parquet
    from storyline.scale.cluster import dask_client
    from storyline.store.ingest import read_inputs

    items = read_inputs(args.files, plain=args.plain, published=args.published, max_bytes=args.max_bytes)
    started = time.perf_counter()

    def progress(report) -> None:  # noqa: ANN001
        if not args.quiet and sys.stderr.isatty():
            rate = report.articles / max(1e-9, time.perf_counter() - started)
            print(
                f"\r{report.articles:,} articles in {report.parts} parts ({rate:.1f}/s)",
                end="",
                file=sys.stderr,
            )

    if args.workers or args.scheduler:
        with dask_client(args.workers, args.scheduler) as client:
            report = extract_to_parquet(
                items, args.out, part_size=args.part_size, client=client, on_part=progress
            )
    else:
        report = extract_to_parquet(items, args.out, part_size=args.part_size, on_part=progress)
    if not args.quiet and sys.stderr.isatty():
        print(file=sys.stderr)
    for failure in report.failed:
        print(f"storyline: error: {failure}", file=sys.stderr)
    seconds = time.perf_counter() - started
    print(
        f"storyline: {args.out}: {report.articles:,} articles in {report.parts} parts, "
        f"{len(report.failed)} failed, {seconds:.1f} s",
        file=sys.stderr,
    )
    return 1 if report.failed else 0


def cmd_load(args: argparse.Namespace) -> int:
    from pathlib import Path

    from storyline.scale.bulk import load_parquet
    from storyline.store import Store, default_path

    if not (Path(args.dir) / "articles").is_dir():
        print(f"storyline: error: {args.dir}: not a dataset from 'storyline extract --out'", file=sys.stderr)
        return 1
    with Store(args.db or default_path(), rules=args.entities) as store:
        added, known = load_parquet(store, args.dir)
        print(f"storyline: {store.path}: {added:,} added, {known:,} already stored", file=sys.stderr)
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from storyline.scale.generate import write_corpus

    started = time.perf_counter()
    shards = write_corpus(args.n, args.dir, seed=args.seed, shard_size=args.shard_size)
    print(
        f"storyline: {args.n:,} articles in {len(shards)} JSON Lines files under {args.dir} "
        f"({time.perf_counter() - started:.1f} s)",
        file=sys.stderr,
    )
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
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
    g.add_argument("n", type=int, help="how many articles")
    g.add_argument("dir", help="output folder")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--shard-size", type=int, default=10_000, metavar="N", help="articles per file (10,000)")
    g.set_defaults(func=cmd_generate)
