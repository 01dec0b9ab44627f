"""`storyline extract --out DIR`: read, extract (here or on a Dask cluster) and write Parquet;
`storyline load DIR`: store such a dataset without extracting again."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from storyline.ingest.work import batches
from storyline.model import Article, ReadCounts, ReadError
from storyline.scale.parquet import extract_and_write, read_articles


@dataclass
class BulkReport:
    articles: int = 0
    parts: int = 0
    failed: list[ReadError] = field(default_factory=list)
    counts: ReadCounts = field(default_factory=ReadCounts)  # archive records read and skipped


def extract_to_parquet(
    items: Iterable[Article | ReadError],
    out: str | Path,
    *,
    part_size: int = 256,
    client=None,  # a distributed.Client, or None to work here
    on_part: Callable[[BulkReport], None] | None = None,
) -> BulkReport:
    """Extract every readable article into the dataset at `out`; parts are written as they finish."""
    report = BulkReport()
    Path(out).mkdir(parents=True, exist_ok=True)

    def readable() -> Iterable[Article]:
        for item in items:
            if isinstance(item, ReadError):
                report.failed.append(item)
            else:
                yield item

    def done(count: int) -> None:
        report.articles += count
        report.parts += 1
        if on_part is not None:
            on_part(report)

    pending: deque = deque()
    limit = 2 * max(1, len(client.scheduler_info().get("workers", {}))) + 1 if client is not None else 0
    for number, batch in enumerate(batches(readable(), part_size)):
        part = f"part-{number:05d}"
        if client is None:
            done(extract_and_write(batch, str(out), part))
            continue
        pending.append(client.submit(extract_and_write, batch, str(out), part, pure=False, retries=5))
        while len(pending) >= limit:
            done(pending.popleft().result())
    while pending:
        done(pending.popleft().result())
    return report


def _records_to_parquet(lines: list[str], out: str, part: str) -> tuple[int, list[ReadError]]:
    """Worker side of the URL path: JSON Lines read by Dask (fsspec) -> articles -> extract -> Parquet."""
    from storyline.readers.records import parse_record, record_article

    articles, failed = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{part}:{number}"
        record = parse_record(line, where)
        item = record if isinstance(record, ReadError) else record_article(record, where)
        (failed if isinstance(item, ReadError) else articles).append(item)
    return extract_and_write(articles, out, part), failed


def extract_urls_to_parquet(
    urls: list[str], out: str | Path, *, client=None, blocksize: str = "16MiB"
) -> BulkReport:
    """JSON Lines anywhere fsspec reaches (s3://, gs://, https://, file://, with the user's driver),
    read by Dask on the workers, extracted there and written as parts `url-NNNNN`."""
    import dask
    import dask.bag as db

    report = BulkReport()
    Path(out).mkdir(parents=True, exist_ok=True)
    pieces = db.read_text(urls, blocksize=blocksize).to_delayed()
    work = [dask.delayed(_records_to_parquet)(p, str(out), f"url-{i:05d}") for i, p in enumerate(pieces)]
    results = (
        client.gather(client.compute(work)) if client is not None else dask.compute(*work, scheduler="sync")
    )
    for count, failed in results:
        report.articles += count
        report.parts += 1
        report.failed += failed
    return report


def load_parquet(store, folder: str | Path) -> tuple[int, int]:  # a storyline.store.Store
    """Store every article of a dataset; returns (added, already stored)."""
    added = known = 0
    store.apply_rules()
    for article in read_articles(folder):
        if store.add(article):
            added += 1
        else:
            known += 1
    return added, known
