"""Ingest: read inputs, skip what the store already holds, extract the rest, store each article.

The pipeline run as an application (readers -> extraction -> store), in this process or on a Dask
cluster (`storyline.ingest.work`); the store itself only persists and reads.

Idempotent and resumable because an article is known by the sha256 of its cleaned text: an
article already stored is never extracted again (only a new source of it is noted), and each
stored article is written whole or not at all (a savepoint in a batch committed at least twice a
second). A run killed part way leaves whole articles behind; the
rerun skips them and adds the rest, ending with the counts of an uninterrupted run.
"""

from __future__ import annotations

import contextlib
import glob
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from storyline.ingest.extracting import beside
from storyline.limits import MAX_ARTICLE_BYTES
from storyline.model import Article, ReadCounts, ReadError
from storyline.nlp import language
from storyline.readers import READERS, read_path, suffix_of
from storyline.readers.metadata import apply_metadata, discover_metadata, load_metadata
from storyline.readers.records import read_jsonl_lines
from storyline.readers.text import not_a_file

if TYPE_CHECKING:  # not imported at run time: a reader process (ingest.reading) needs no store or spaCy
    from storyline.store.db import Store

ARTICLE_SUFFIXES = frozenset({".txt", ".text", *READERS})
STDIN = "-"


@dataclass
class IngestReport:
    """What an ingest did: the summary printed at its end."""

    added: int = 0
    duplicates: int = 0  # already stored (or seen earlier in this run): skipped, not extracted
    new_sources: int = 0  # of those, copies from a source not yet recorded
    near_duplicates: int = 0  # of those, copies with small edits (store.near_duplicates)
    not_english: Counter[str] = field(default_factory=Counter)  # added, not extracted: per language
    failed: list[ReadError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # "input: what was repaired", one per repair
    seconds: float = 0.0
    counts: ReadCounts | None = None  # records of archives (WARC) read and skipped

    @property
    def read(self) -> int:
        return self.added + self.duplicates + len(self.failed)

    def summary(self) -> str:
        rate = self.added / self.seconds if self.seconds else 0.0
        parts = [
            f"{self.added:,} added",
            f"{self.duplicates:,} skipped as duplicates"
            + (f" ({', '.join(notes)})" if (notes := self._duplicate_notes()) else ""),
            f"{len(self.failed):,} failed",
        ]
        if self.counts is not None and (skipped := self.counts.summary()):
            parts.append(skipped)
        return f"{', '.join(parts)} in {self.seconds:.1f} s ({rate:.1f} articles/s extracted)" + (
            f"; {language.note(self.not_english)}" if self.not_english else ""
        )

    def _duplicate_notes(self) -> list[str]:
        return [f"{self.near_duplicates:,} near-duplicates"] * bool(self.near_duplicates) + [
            f"{self.new_sources:,} new sources noted"
        ] * bool(self.new_sources)


def expand(paths: Iterable[str], skip: Iterable[Path] = ()) -> Iterator[str | ReadError]:
    """Files named, folders walked recursively (article suffixes only), globs expanded, '-' kept.

    Every path named (or matched, or found in a folder with an article suffix) is yielded or
    reported: a named pipe, a socket or a dangling symlink is a ReadError, never silently nothing.
    """
    skipped = {p.resolve() for p in skip}
    for raw in paths:
        if raw == STDIN:
            yield STDIN
            continue
        path = Path(raw)
        if path.is_file():
            yield raw
        elif path.is_dir():
            yield from _walk(path, skipped)
        elif os.path.lexists(raw):
            yield _not_read(raw)
        elif matches := sorted(glob.glob(raw, recursive=True)):
            for match in matches:  # folders a glob matches are containers, not inputs
                if Path(match).is_file() and Path(match).resolve() not in skipped:
                    yield match
                elif not Path(match).is_dir():
                    yield _not_read(match)
        else:
            yield ReadError(raw, "no such file, folder or matching files")


def _not_read(path: str | Path) -> ReadError:
    """Why a path that exists (or is a link) is not a file to read."""
    try:
        return ReadError(str(path), not_a_file(path) or "not a file")
    except OSError as e:
        return ReadError(str(path), f"cannot read file ({(e.strerror or type(e).__name__).lower()})")


def _walk(folder: Path, skipped: set[Path]) -> Iterator[str | ReadError]:
    """The article files under `folder` in name order; hidden ones and `skipped` left out."""
    found = sorted(
        p
        for p in folder.rglob("*")
        if suffix_of(p) in ARTICLE_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and not p.is_dir()
        and p.resolve() not in skipped
    )
    for p in found:
        yield str(p) if p.is_file() else _not_read(p)


def read_inputs(
    paths: Iterable[str],
    *,
    plain: bool = False,
    published: date | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
    metadata: str | Path | None = None,
    discover: bool = False,
    on_metadata: Callable[[Path], None] | None = None,
    counts: ReadCounts | None = None,
    ahead: bool | None = None,
) -> Iterator[Article | ReadError]:
    """Every article (or the reason it could not be read) from the paths, metadata applied;
    `counts` hears of the archive records read and skipped.

    `metadata` applies to every input; with `discover`, each folder given uses the metadata file
    kept with it, if any (readers.metadata.discover_metadata), and on_metadata hears of each.
    `ahead`: read in a process of its own (storyline.ingest.reading), by default when the inputs
    hold enough HTML or web archives for that to pay; the same items either way.
    """
    paths = list(paths)
    if ahead is not False:
        from storyline.ingest import reading

        if reading.wanted(paths, ahead):
            options = {"plain": plain, "published": published, "max_bytes": max_bytes}
            options |= {"metadata": metadata, "discover": discover}
            yield from reading.read_ahead(paths, counts=counts, on_metadata=on_metadata, **options)
            return
    tables: dict[Path, dict[str, dict[str, str]]] = {}
    for path in paths:
        found = Path(metadata) if metadata else discover_metadata([path]) if discover else None
        if found is not None and found not in tables and not metadata and on_metadata is not None:
            on_metadata(found)
        table = tables.setdefault(found, load_metadata(found)) if found else {}
        for item in expand([path], skip=list(tables)):
            if isinstance(item, ReadError):
                yield item
                continue
            if item == STDIN:
                records = read_jsonl_lines(
                    sys.stdin.buffer, "<stdin>", published=published, max_bytes=max_bytes
                )
            else:
                records = read_path(
                    item, plain=plain, published=published, max_bytes=max_bytes, counts=counts
                )
            try:
                for record in records:
                    yield apply_metadata(record, table) if table and isinstance(record, Article) else record
            except Exception as e:  # a reader's bug costs the rest of its input, not the batch
                yield ReadError("<stdin>" if item == STDIN else item, f"reading stopped ({_brief(e)})")


def _brief(e: BaseException) -> str:
    """An exception as a few words on one line: its type and the start of its message."""
    message = " ".join(str(e).split())
    return f"{type(e).__name__}: {message[:100]}" if message else type(e).__name__


def ingest(
    store: Store,
    items: Iterable[Article | ReadError],
    *,
    batch_size: int = 16,
    on_article: Callable[[IngestReport], None] | None = None,
    extract: Callable[[Iterable[Article]], Iterator[Article]] | None = None,
    counts: ReadCounts | None = None,
) -> IngestReport:
    """Extract and store the articles not yet in the store; call on_article after each input.

    `extract` runs the extraction (default: in batches, here and, once the ingest is long enough,
    in a process beside this one: storyline.ingest.extracting); storyline.ingest.work.on_cluster
    runs the same function on a Dask cluster. Either way articles are stored in input order.
    """
    report = IngestReport(counts=counts)  # the same counts the reader of `items` fills
    started = time.perf_counter()
    store.apply_rules()
    in_flight: dict[str, list[Article]] = {}  # read this run, not yet written: later copies wait here
    near = store.near_duplicates()

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
            elif (
                not store.updates_a_page(item) and (original := near.match(article_id, item.text)) is not None
            ):
                report.duplicates += 1
                report.near_duplicates += 1
                if original in in_flight:
                    in_flight[original].append(item)
                else:
                    report.new_sources += store.add_source(item, original)
                _tick()
            else:
                in_flight[article_id] = []
                yield item

    def _tick() -> None:
        if on_article is not None:
            report.seconds = time.perf_counter() - started
            on_article(report)

    extracted = (extract or beside(batch_size, warn=report.warnings.append))(fresh())
    with contextlib.closing(extracted):  # an extraction process ends with the loop, however it ends
        for article in extracted:
            later_copies = in_flight.pop(article.id, [])
            failure = str(article.failure) if article.failure else None
            name = article.input_id or "<article>"
            try:
                stored = None if failure else store.add(article, near_keys=near.keys_of(article.id))
            except (ValueError, OverflowError) as e:  # a value sqlite refuses costs this article only
                failure = f"could not be stored ({_brief(e)})"
            if failure:
                report.failed.append(ReadError(name, failure))
            elif stored:
                report.added += 1
                if not language.extracted(article.language):
                    report.not_english[article.language or ""] += 1
            else:
                report.duplicates += 1
            near.done([article.id])
            if later_copies and store.has_article(article.id):
                for copy in later_copies:
                    report.new_sources += store.add_source(copy, article.id)
            elif unstored := [c for c in later_copies if c.id != article.id]:  # near-copies of a failure
                report.duplicates -= len(unstored)
                report.near_duplicates -= len(unstored)
                report.failed += [
                    ReadError(
                        c.input_id or "<article>", f"not stored: a near-duplicate of {name}, which failed"
                    )
                    for c in unstored
                ]
            _tick()
    store.flush()
    report.seconds = time.perf_counter() - started
    return report
