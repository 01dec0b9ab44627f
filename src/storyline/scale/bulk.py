"""`storyline extract --out DIR`: read, extract (here or on a Dask cluster) and write Parquet;
`storyline load DIR`: store such a dataset without extracting again."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from storyline.model import Article, ReadError
from storyline.scale.parquet import extract_and_write, read_articles
from storyline.scale.work import batches


@dataclass
class BulkReport:
    articles: int = 0
    parts: int = 0
    failed: list[ReadError] = field(default_factory=list)


def extract_to_parquet(
    items: Iterable[Article | ReadError],
    out: str | Path,
    *,
    part_size: int = 256,
    client=None,  # noqa: ANN001 - a distributed.Client, or None to work here
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


def load_parquet(store, folder: str | Path) -> tuple[int, int]:  # noqa: ANN001 - a storyline.store.Store
    """Store every article of a dataset; returns (added, already stored)."""
    added = known = 0
    store.apply_rules()
    for article in read_articles(folder):
        if store.add(article):
            added += 1
        else:
            known += 1
    return added, known
