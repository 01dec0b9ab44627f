"""Throughput of the bulk path (`extract --out`, Parquet) in one process and on a Dask
LocalCluster of 1 and 2 workers, with each worker's peak memory. Prints figures; asserts nothing.

The corpus comes from `storyline bench generate` (deterministic). Each cluster is started and
every worker loads the model before the clock starts, so the figures are steady-state extraction
rates, not start-up. The rounds alternate (1 worker, 2 workers, 1, 2, ...) so both see the same
machine noise, and the medians are compared. Peak memory is each worker process's ru_maxrss.

Run from the repo root: `.venv/bin/python bench/scale_workers.py [--articles 1500] [--rounds 2]`.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from storyline.ingest import read_inputs
from storyline.scale.bulk import extract_to_parquet
from storyline.scale.cluster import dask_client
from storyline_testing.generate import write_corpus


def _warm() -> int:
    from storyline.nlp.pipeline import load

    load()
    return 0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(corpus: Path, out: Path, workers: int | None, part_size: int) -> tuple[float, list[float]]:
    shutil.rmtree(out, ignore_errors=True)
    items = list(read_inputs([str(corpus)]))
    if workers is None:
        _warm()
        started = time.perf_counter()
        report = extract_to_parquet(items, out, part_size=part_size)
        return report.articles / (time.perf_counter() - started), [_peak_mb()]
    with dask_client(workers=workers) as client:
        client.run(_warm)
        started = time.perf_counter()
        report = extract_to_parquet(items, out, part_size=part_size, client=client)
        rate = report.articles / (time.perf_counter() - started)
        peaks = list(client.run(_peak_mb).values())
    return rate, peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--part-size", type=int, default=50)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="storyline-workers-"))
    corpus = work / "corpus"
    write_corpus(args.articles, corpus, seed=11)
    print(f"{args.articles:,} generated articles, parts of {args.part_size}, {args.rounds} rounds")
    rates: dict[str, list[float]] = {"1 process, no Dask": [], "1 worker": [], "2 workers": []}
    peaks: dict[str, list[float]] = {k: [] for k in rates}
    for r in range(args.rounds):
        for name, workers in (("1 process, no Dask", None), ("1 worker", 1), ("2 workers", 2)):
            rate, peak = run(corpus, work / "out", workers, args.part_size)
            rates[name].append(rate)
            peaks[name] += peak
            print(f"   round {r + 1}: {name:<20} {rate:6.1f} articles/s, peak RSS {max(peak):.0f} MB")
    print(f"\n{'':<20} {'articles/s':>11} {'peak MB':>8}")
    for name in rates:
        print(f"{name:<20} {statistics.median(rates[name]):>11.1f} {max(peaks[name]):>8.0f}")
    one, two = statistics.median(rates["1 worker"]), statistics.median(rates["2 workers"])
    print(f"\n2 workers / 1 worker: {two / one:.2f}x")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
