"""A whole 1 GB WARC ingested, every page extracted and stored: memory over the run, in one process
and on 2 Dask workers, and whether the two stores hold the same results.

1. Writes a gzipped WARC of --size-gb (default 1 GB) under /tmp (deleted at the end), shaped as a
   site crawl: each news page (bench/warc_ingest.py's page around a generated article) after its
   request record, then --images image responses of --image-kb KB each (incompressible bytes, as
   JPEGs are). Images are most of the bytes of a real crawl; here they also keep the count of
   pages to what this 2-core machine extracts in minutes rather than hours.
2. Runs `storyline ingest FILE --db one.db --quiet` as a user would, sampling every second the RSS
   of its whole process tree (the ingest, its reader process) and the articles stored so far;
   prints the peak and the RSS at each tenth of the articles.
3. The same with `--workers 2` (a Dask LocalCluster: scheduler, nannies and workers are in the
   tree): the peak of the tree and of its largest process.
4. Compares the two stores table by table (`query.export_rows`, every column): equal or not, and
   how many rows differ.

Run from the repo root: `.venv/bin/python bench/warc_full_ingest.py [--size-gb 1] [--image-kb 100]`.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline import query
from storyline_testing.generate import generate_records
from warc_ingest import page

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLI = Path(sys.executable).with_name("storyline")


def write_crawl(path: Path, size: int, images: int, image_bytes: int) -> tuple[int, int]:
    """Pages with their images until the file reaches `size` bytes: (pages, records)."""
    rng, pages, records = random.Random(1), 0, 0
    html = [("Content-Type", "text/html; charset=utf-8")]
    jpeg = [("Content-Type", "image/jpeg")]
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        for r in generate_records(10**9, seed=1):
            if f.tell() >= size:
                break
            request = io.BytesIO(b"GET / HTTP/1.1\r\nHost: example\r\n\r\n")
            writer.write_record(writer.create_warc_record(r["url"], "request", payload=request))
            headers = StatusAndHeaders("200 OK", html, protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    r["url"], "response", payload=io.BytesIO(page(r)), http_headers=headers
                )
            )
            for i in range(images):
                headers = StatusAndHeaders("200 OK", jpeg, protocol="HTTP/1.1")
                body = io.BytesIO(rng.randbytes(image_bytes))
                url = f"{r['url']}/image-{i}.jpg"
                writer.write_record(
                    writer.create_warc_record(url, "response", payload=body, http_headers=headers)
                )
            pages, records = pages + 1, records + 2 + images
    return pages, records


def tree_rss(root: int) -> list[float]:
    """RSS in MB of `root` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    rss, todo = [], [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm") as f:
                rss.append(int(f.read().split()[1]) * PAGE_SIZE / 1e6)
        except OSError:
            continue
        todo.extend(children.get(pid, []))
    return rss


def stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def run(label: str, args: list[str], db: Path) -> None:
    """One ingest, its process tree's RSS sampled every second."""
    samples: list[tuple[float, int, float, float]] = []  # seconds, articles, tree MB, largest MB
    started = time.perf_counter()
    proc = subprocess.Popen([str(CLI), "ingest", *args, "--db", str(db), "--quiet"], stderr=subprocess.PIPE)
    err: list[bytes] = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    while proc.poll() is None:
        rss = tree_rss(proc.pid)
        samples.append((time.perf_counter() - started, stored(db), sum(rss), max(rss, default=0.0)))
        time.sleep(1.0)
    reader.join()
    seconds, articles = time.perf_counter() - started, stored(db)
    last = (err[0].decode(errors="replace").strip().splitlines() or [""])[-1] if err else ""
    print(
        f"\n{label}: rc {proc.returncode}, {articles:,} articles in {seconds:.0f} s "
        f"({articles / seconds:.1f}/s)"
    )
    print(f"  {last}")
    working = [s for s in samples if s[1] > 0 and s[2] > 0]  # stored, and the process still there
    if not working:
        return
    print(
        f"  RSS of the process tree: peak {max(s[2] for s in samples):.0f} MB; largest process, peak "
        f"{max(s[3] for s in samples):.0f} MB"
    )
    marks = []
    for tenth in range(1, 11):
        at = next((s for s in working if s[1] >= articles * tenth / 10), working[-1])
        marks.append(f"{tenth * 10}%: {at[2]:.0f}")
    print("  tree RSS (MB) by share of the articles stored: " + ", ".join(marks))


def compare(one: Path, two: Path) -> None:
    conns = [sqlite3.connect(f"file:{db}?mode=ro", uri=True) for db in (one, two)]
    print("\nthe two stores, table by table:")
    for table in query.TABLES:
        rows = [[tuple(r.values()) for r in query.export_rows(c, table)] for c in conns]
        differ = sum(a != b for a, b in zip(rows[0], rows[1], strict=False)) + abs(
            len(rows[0]) - len(rows[1])
        )
        same = "the same" if rows[0] == rows[1] else f"{differ:,} rows differ"
        print(f"  {table:<10} {len(rows[0]):>8,} and {len(rows[1]):>8,} rows: {same}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-gb", type=float, default=1.0)
    parser.add_argument("--images", type=int, default=1, help="image records after each page (default 1)")
    parser.add_argument("--image-kb", type=int, default=100, help="size of each image (default 100 KB)")
    parser.add_argument("--workers", type=int, default=2, help="Dask workers of the second run (default 2)")
    args = parser.parse_args()
    if not CLI.exists():
        sys.exit(f"bench: {CLI} not found: run from the repo's .venv")
    folder = Path(tempfile.mkdtemp(prefix="storyline-warc-full-", dir="/tmp"))
    try:
        big = folder / "crawl.warc.gz"
        started = time.perf_counter()
        pages, records = write_crawl(big, int(args.size_gb * 1e9), args.images, args.image_kb * 1000)
        print(
            f"wrote {big.stat().st_size / 1e9:.2f} GB in {time.perf_counter() - started:.0f} s: "
            f"{pages:,} pages, {records:,} records ({args.images} image of {args.image_kb} KB after each "
            "page)"
        )
        run("one process", [str(big)], folder / "one.db")
        run(f"{args.workers} Dask workers", [str(big), "--workers", str(args.workers)], folder / "two.db")
        compare(folder / "one.db", folder / "two.db")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
