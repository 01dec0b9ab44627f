"""WARC input at scale: memory on a 1 GB archive, the two WARC libraries, and ingest throughput from
a WARC against the same pages from JSON Lines.

1. Writes a gzipped WARC of --size-gb (default 1 GB) under /tmp (deleted at the end): synthetic
   articles (storyline_testing.generate) rendered as news pages of about 26 KB (navigation, a script,
   OpenGraph and article metadata), each response record after a request record.
2. Libraries, on that file: warcio and FastWARC (when installed) read every response record's
   payload (records/s, MB/s of the file and of payload); then the first --sample responses again
   with the HTML reader's extraction (trafilatura) included.
3. Memory: storyline's WARC reader (readers/warc.py, what `ingest` and `extract` call) reads the
   whole file, RSS sampled every 0.5 s; the HTML extraction runs on every --every-th page (all of
   them would take half an hour here), the others stand in as their record's bytes. Prints the peak
   and the RSS at each tenth of the file.
4. Throughput: `ingest` (read, extract with spaCy, store) of the first --ingest pages from a WARC
   of just those pages, against the same records as JSON Lines, into fresh stores, in alternating
   rounds; the ratio of the median articles/s is the figure (target >= 0.90). The WARC is read
   ahead (its readers in a process of their own, storyline.ingest.reading, read_inputs(ahead=True))
   and, for comparison, in the ingesting process (ahead=False); `ingest` chooses between the two by
   the size of the input and the cores to spare, which the script prints. CPU seconds per article
   are printed for the ingesting process and the reader: they show the noise of other work.

Run from the repo root:
`.venv/bin/python bench/warc_ingest.py [--size-gb 1] [--ingest 200] [--rounds 3] [--throughput-only]`.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import storyline.readers.warc as warc_reader
from storyline.ingest import ingest, read_inputs
from storyline.model import Article, ReadCounts
from storyline.readers.html import read_html_bytes
from storyline.store import Store
from storyline_testing.generate import generate_records

NAV = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(60))
SCRIPT = "var tracking = [" + ",".join(str(i) for i in range(4000)) + "];"
PAGE_SIZE = 4096  # bytes of /proc/self/statm's unit


def page(r: dict[str, str]) -> bytes:
    """A news page around a generated article, with the metadata a real one carries."""
    title, paragraphs = (
        html.escape(r["title"]),
        "".join(f"<p>{html.escape(p)}</p>" for p in r["text"].split("\n\n")),
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | {r["source"]}</title>
<meta property="og:site_name" content="{r["source"]}"><meta property="og:title" content="{title}">
<meta name="author" content="{r["author"]}">
<meta property="article:published_time" content="{r["published"]}T09:00:00Z">
<link rel="canonical" href="{r["url"]}"><script>{SCRIPT}</script></head>
<body><header><nav><ul>{NAV}</ul></nav></header><main><article><h1>{title}</h1>{paragraphs}</article></main>
<footer><ul>{NAV}</ul><p>Copyright {r["source"]}.</p></footer></body></html>""".encode()  # fmt: skip


def write_warc(path: Path, *, size: int | None = None, count: int | None = None) -> int:
    """Pages (with a request record each) until the file reaches `size` bytes or `count` pages."""
    http = [("Content-Type", "text/html; charset=utf-8")]
    written = 0
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        for r in generate_records(10**9, seed=1):
            if (size is not None and f.tell() >= size) or written == count:
                break
            request = io.BytesIO(b"GET / HTTP/1.1\r\nHost: example\r\n\r\n")
            writer.write_record(writer.create_warc_record(r["url"], "request", payload=request))
            headers = StatusAndHeaders("200 OK", http, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                r["url"], "response", payload=io.BytesIO(page(r)), http_headers=headers
            )
            writer.write_record(record)
            written += 1
    return written


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE_SIZE / 1e6


class Sampler:
    """RSS every `interval` seconds in a thread, with the value of `where()` at the time."""

    def __init__(self, where: Callable[[], int], interval: float = 0.5):
        self.samples: list[tuple[float, int, float]] = []
        self._where, self._interval, self._stop = where, interval, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        started = time.perf_counter()
        while not self._stop.wait(self._interval):
            self.samples.append((time.perf_counter() - started, self._where(), rss_mb()))

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def libraries(path: Path, sample: int) -> None:
    """warcio against FastWARC on the same file: response payloads, then with extraction."""
    from warcio.archiveiterator import ArchiveIterator

    size = path.stat().st_size

    def warcio_records(limit: int | None = None):
        with path.open("rb") as f:
            for n, r in enumerate(r for r in ArchiveIterator(f) if r.rec_type == "response"):
                if n == limit:
                    return
                yield r.content_stream().read()

    readers = {"warcio 1.8.1": warcio_records}
    try:
        import fastwarc.warc as fw

        def fastwarc_records(limit: int | None = None):
            for n, r in enumerate(fw.ArchiveIterator(str(path), record_types=fw.response, parse_http=True)):
                if n == limit:
                    return
                yield r.reader.read()

        readers["FastWARC 2.0.1"] = fastwarc_records
    except ImportError:
        print("FastWARC is not installed: warcio alone")
    print(f"\nlibraries, on {size / 1e9:.2f} GB ({path.name}):")
    for name, records in readers.items():
        started, n, payload = time.perf_counter(), 0, 0
        for data in records():
            n, payload = n + 1, payload + len(data)
        s = time.perf_counter() - started
        print(
            f"  {name:<15} reading only:     {n / s:8,.0f} responses/s  {size / s / 1e6:6.1f} MB/s of file "
            f"{payload / s / 1e6:6.1f} MB/s of payload  ({s:.1f} s, {n:,} responses)"
        )
    for name, records in readers.items():
        started = time.perf_counter()
        for data in records(sample):
            read_html_bytes(data, "bench")
        s = time.perf_counter() - started
        print(f"  {name:<15} with extraction:  {sample / s:8,.1f} responses/s  (first {sample:,} responses)")


def memory(path: Path, every: int) -> None:
    """The reader over the whole file, extraction on every `every`-th page; RSS over time."""
    size, counts, seen = path.stat().st_size, ReadCounts(), [0]
    real = warc_reader.read_html_bytes

    def sampled(data: bytes, where: str, **kw: object) -> object:
        seen[0] += 1
        if seen[0] % every == 0:
            return real(data, where, **kw)
        return Article(text=str(len(data)), input_id=where)

    warc_reader.read_html_bytes = sampled  # type: ignore[assignment]
    try:
        start_rss, started = rss_mb(), time.perf_counter()
        with Sampler(lambda: counts.bytes) as sampler:
            articles = sum(1 for _ in warc_reader.read_warc_file(path, counts=counts))
        s = time.perf_counter() - started
    finally:
        warc_reader.read_html_bytes = real
    print(
        f"\nmemory, storyline's reader over the whole {size / 1e9:.2f} GB: {counts.records:,} records, "
        f"{articles:,} pages ({seen[0] // every:,} extracted), {s:.0f} s"
    )
    rss = [r for _, _, r in sampler.samples]
    print(f"  RSS at start {start_rss:.0f} MB, peak {max(rss, default=start_rss):.0f} MB")
    marks = []
    for tenth in range(1, 11):
        at = next((r for _, b, r in sampler.samples if b >= size * tenth / 10 * 0.98), rss[-1] if rss else 0)
        marks.append(f"{tenth * 10}%: {at:.0f}")
    print("  RSS (MB) by share of the file read: " + ", ".join(marks))


def throughput(folder: Path, n: int, rounds: int) -> None:
    """ingest of n pages from a WARC against the same records from JSON Lines; the WARC both read
    ahead (in a reader process of its own, storyline.ingest.reading) and read here."""
    warc = folder / "pages.warc.gz"
    write_warc(warc, count=n)
    jsonl = folder / "pages.jsonl"
    with jsonl.open("w") as f:
        for r in generate_records(n, seed=1):
            f.write(json.dumps(r) + "\n")
    from storyline.nlp.pipeline import Extractor

    list(Extractor().annotate([Article(text='Warm-up. "It works," she said.')]))  # the model loaded
    from storyline.ingest import reading

    where = "ahead" if reading.wanted([str(warc)], None) else "here"
    print(
        f"  {reading.spare_cores():.1f} cores to spare (cores less the load average): by default, ingest "
        f"would read {where} (READ_AHEAD_BYTES, SPARE_CORES)"
    )
    kinds = {"warc": (warc, True), "warc read here": (warc, False), "jsonl": (jsonl, None)}
    rates: dict[str, list[float]] = {kind: [] for kind in kinds}
    cpu: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}  # this process, the reader
    peak = 0.0
    for round_ in range(rounds):
        for kind, (path, ahead) in kinds.items():
            db = folder / f"{kind.replace(' ', '-')}-{round_}.db"
            before = os.times()
            with Store(db) as store, Sampler(lambda: 0) as sampler:
                report = ingest(store, read_inputs([str(path)], ahead=ahead))
            after = os.times()
            cpu[kind].append((after.user + after.system - before.user - before.system,
                              after.children_user + after.children_system
                              - before.children_user - before.children_system))  # fmt: skip
            peak = max([peak, *(r for _, _, r in sampler.samples)])
            rates[kind].append(rate := report.added / report.seconds)
            print(
                f"  round {round_ + 1} {kind:<14} {report.added} added, {rate:5.2f} articles/s; CPU s: "
                f"{cpu[kind][-1][0]:5.1f} here, {cpu[kind][-1][1]:4.1f} in the reader process",
                flush=True,
            )
            db.unlink()
    median = {kind: statistics.median(r) for kind, r in rates.items()}
    paired = statistics.median(w / j for w, j in zip(rates["warc"], rates["jsonl"], strict=True))
    print(
        f"\nthroughput, ingest of {n} pages (medians of {rounds} rounds): WARC {median['warc']:.2f} "
        f"articles/s read ahead, JSON Lines {median['jsonl']:.2f}: "
        f"ratio {median['warc'] / median['jsonl']:.2f} "
        f"(median of the rounds' ratios {paired:.2f}; target >= 0.90); the WARC read in the ingesting "
        f"process {median['warc read here']:.2f} (ratio {median['warc read here'] / median['jsonl']:.2f})"
    )
    for kind in kinds:
        here, child = (statistics.median(c[i] for c in cpu[kind]) * 1000 / n for i in (0, 1))
        print(
            f"  CPU per article, {kind:<14}: {here:5.1f} ms in the ingesting process, "
            f"{child:4.1f} ms in the reader process"
        )
    print(f"  peak RSS while ingesting {peak:.0f} MB (the ingesting process)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-gb", type=float, default=1.0)
    parser.add_argument("--sample", type=int, default=500, help="responses extracted per library")
    parser.add_argument("--every", type=int, default=20, help="extract every N-th page in the memory run")
    parser.add_argument("--ingest", type=int, default=200, help="pages ingested for the throughput ratio")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--throughput-only", action="store_true", help="skip the 1 GB file (parts 1-3)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="storyline-warc-", dir="/tmp"))
    try:
        if args.throughput_only:
            throughput(folder, args.ingest, args.rounds)
            return
        big = folder / "big.warc.gz"
        started = time.perf_counter()
        pages = write_warc(big, size=int(args.size_gb * 1e9))
        print(
            f"wrote {big.stat().st_size / 1e9:.2f} GB, {pages:,} pages ({2 * pages:,} records) "
            f"in {time.perf_counter() - started:.0f} s"
        )
        libraries(big, args.sample)
        memory(big, args.every)
        big.unlink()
        throughput(folder, args.ingest, args.rounds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
