"""Ingest: skip what the store already holds, extract the rest, store each article.

Idempotent and resumable because an article is known by the sha256 of its cleaned text: an
article already stored is never extracted again (only a new source of it is noted), and each
stored article is written whole or not at all (a savepoint in a batch committed at least twice a
second). A run killed part way leaves whole articles behind; the
rerun skips them and adds the rest, ending with the counts of an uninterrupted run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from storyline.ingest.inputs import brief
from storyline.ingest.work import in_process
from storyline.model import Article, ReadError
from storyline.store.db import Store


@dataclass
class IngestReport:
    """What an ingest did: the summary printed at its end."""

    added: int = 0
    duplicates: int = 0  # already stored (or seen earlier in this run): skipped, not extracted
    new_sources: int = 0  # of those, copies from a source not yet recorded
    failed: list[ReadError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # "input: what was repaired", one per repair
    seconds: float = 0.0

    @property
    def read(self) -> int:
        return self.added + self.duplicates + len(self.failed)

    def summary(self) -> str:
        rate = self.added / self.seconds if self.seconds else 0.0
        parts = [
            f"{self.added:,} added",
            f"{self.duplicates:,} skipped as duplicates"
            + (f" ({self.new_sources:,} new sources noted)" if self.new_sources else ""),
            f"{len(self.failed):,} failed",
        ]
        return f"{', '.join(parts)} in {self.seconds:.1f} s ({rate:.1f} articles/s extracted)"


def ingest(
    store: Store,
    items: Iterable[Article | ReadError],
    *,
    batch_size: int = 16,
    on_article: Callable[[IngestReport], None] | None = None,
    extract: Callable[[Iterable[Article]], Iterator[Article]] | None = None,
) -> IngestReport:
    """Extract and store the articles not yet in the store; call on_article after each input.

    `extract` runs the extraction (default: here, in batches, `work.in_process`); `work.on_cluster`
    runs the same function on a Dask cluster. Either way articles are stored in input order.
    """
    report = IngestReport()
    started = time.perf_counter()
    store.apply_rules()
    in_flight: dict[str, list[Article]] = {}  # read this run, not yet written: later copies wait here

    def fresh() -> Iterator[Article]:
        for item in items:
            if isinstance(item, ReadError):
                report.failed.append(item)
                _tick()
                continue
            report.warnings += [f"{item.input_id or '<article>'}: {w}" for w in item.warnings]
            article_id = item.id
            if article_id in in_flight:
                in_flight[article_id].append(item)
                report.duplicates += 1
                _tick()
            elif store.has_article(article_id):
                report.duplicates += 1
                report.new_sources += store.add_source(item)
                _tick()
            else:
                in_flight[article_id] = []
                yield item

    def _tick() -> None:
        if on_article is not None:
            report.seconds = time.perf_counter() - started
            on_article(report)

    for article in (extract or in_process(batch_size))(fresh()):
        later_copies = in_flight.pop(article.id, [])
        failure = str(article.failure) if article.failure else None
        name = article.input_id or "<article>"
        try:
            stored = None if failure else store.add(article)
        except (ValueError, OverflowError) as e:  # a value sqlite refuses costs this article only
            failure = f"could not be stored ({brief(e)})"
        if failure:
            report.failed.append(ReadError(name, failure))
        elif stored:
            report.added += 1
        else:
            report.duplicates += 1
        if later_copies and store.has_article(article.id):
            for copy in later_copies:
                report.new_sources += store.add_source(copy)
        _tick()
    store.flush()
    report.seconds = time.perf_counter() - started
    return report
