"""WARC files for Dask workers: each file, or each byte range of a large gzipped one, is opened by a
worker through fsspec (file://, s3://, gs://, https://, with the user's driver), read, extracted and
written as Parquet parts there, as JSON Lines URLs are (bulk.extract_urls_to_parquet).

A gzipped WARC holds one gzip member per record, so a range [start, end) is read from the first
record that begins at or after `start` to the last that begins before `end`: ranges side by side
read every record once. A file of one gzip member (the whole file compressed at once), an
uncompressed WARC and an ARC file are read whole by one worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from storyline.model import Article, ReadCounts, ReadError
from storyline.readers.warc import per_record_gzip, read_warc_stream
from storyline.scale.bulk import BulkReport
from storyline.scale.parquet import extract_and_write

RANGE_BYTES = 128 * 2**20  # a worker's share of a large file: a few thousand pages


@dataclass(frozen=True)
class Piece:
    """A worker's unit: the records of `url` that begin in [start, end) (end None: to the end)."""

    url: str
    start: int = 0
    end: int | None = None


def pieces(urls: list[str], range_bytes: int = RANGE_BYTES) -> list[Piece]:
    """The files the URLs name (globs expanded), large gzipped ones cut into byte ranges."""
    import fsspec

    found = []
    for file in fsspec.open_files(urls, mode="rb"):
        url = file.full_name
        size = file.fs.size(file.path)
        with file as f:
            split = size > range_bytes and per_record_gzip(f)
        if not split:
            found.append(Piece(url))
            continue
        starts = range(0, size, range_bytes)
        found += [Piece(url, s, None if s + range_bytes >= size else s + range_bytes) for s in starts]
    return found


def piece_to_parquet(
    piece: Piece, out: str, part: str, part_size: int = 256
) -> tuple[int, int, list[ReadError], ReadCounts]:
    """Worker side: read a piece, extract its articles and write them as parts PART-NNNN;
    returns (articles, parts, errors, counts)."""
    import fsspec

    counts, failed, written, batch = ReadCounts(), [], 0, []
    number = 0

    def flush(articles: list[Article]) -> int:
        nonlocal number
        number += 1
        return extract_and_write(articles, out, f"{part}-{number - 1:04d}")

    with fsspec.open(piece.url, "rb") as f:
        for item in read_warc_stream(f, piece.url, start=piece.start, end=piece.end, counts=counts):
            if isinstance(item, ReadError):
                failed.append(item)
                continue
            batch.append(item)
            if len(batch) == part_size:
                written += flush(batch)
                batch = []
    if batch:
        written += flush(batch)
    return written, number, failed, counts


def extract_warc_urls_to_parquet(
    urls: list[str],
    out: str | Path,
    *,
    client=None,  # a distributed.Client, or None to work here
    range_bytes: int = RANGE_BYTES,
    part_size: int = 256,
) -> BulkReport:
    """WARC files anywhere fsspec reaches, read and extracted by the workers (here without a client),
    written as parts `warc-NNNNN-MMMM`; the same parts whichever does the work."""
    report = BulkReport()
    Path(out).mkdir(parents=True, exist_ok=True)
    work = [(p, str(out), f"warc-{i:05d}", part_size) for i, p in enumerate(pieces(urls, range_bytes))]
    if client is None:
        results = [piece_to_parquet(*args) for args in work]
    else:
        futures = [client.submit(piece_to_parquet, *args, pure=False, retries=5) for args in work]
        results = client.gather(futures)
    for count, parts, failed, counts in results:
        report.articles += count
        report.parts += parts
        report.failed += failed
        report.counts.add(counts)
    return report
