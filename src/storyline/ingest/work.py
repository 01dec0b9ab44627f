"""The one extraction function that every mode runs: in this process, on a local Dask cluster, or
on a remote scheduler. A worker loads the model once (the pipeline's loader is cached per process)
and then extracts batch after batch."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from storyline.model import Article


def extract_batch(articles: list[Article], batch_size: int = 16) -> list[Article]:
    """Extract a batch of read articles; the results come back in the same order."""
    from storyline.nlp.pipeline import Extractor

    return list(Extractor(batch_size=batch_size).annotate(articles))


def batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def in_process(batch_size: int = 16) -> Callable[[Iterable[Article]], Iterator[Article]]:
    """Extraction here, batch by batch, through extract_batch; the first batch is small, so that
    extraction starts while a reader process (storyline.ingest.reading) reads on."""

    def run(articles: Iterable[Article]) -> Iterator[Article]:
        it, size = iter(articles), batch_size
        while batch := list(islice(it, size)):
            yield from extract_batch(batch, batch_size)
            size = 4 * batch_size

    return run


def on_cluster(client, batch: int = 32, in_flight: int | None = None):
    """Extraction on a Dask cluster through extract_batch, results in input order.

    Batches are submitted ahead, at most `in_flight` at a time (memory stays bounded); a batch
    whose worker dies is run again elsewhere (Dask retries it), and since results are collected
    here, in order, nothing is lost or delivered twice.
    """
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    limit = in_flight or 2 * workers + 1

    def run(articles: Iterable[Article]) -> Iterator[Article]:
        pending: deque = deque()
        for chunk in batches(articles, batch):
            pending.append(client.submit(extract_batch, chunk, pure=False, retries=5))
            while len(pending) >= limit:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()

    return run
