"""Web archives: WARC and ARC files, gzipped or not, as crawlers and Common Crawl (CC-NEWS) write them.

Each response (or resource) record holding an HTML page is read by the HTML reader; the record's
target URI, host and WARC-Date stand in for the URL, outlet and publication date when the page has
none. Every other record (requests, metadata, revisits, images, redirects, pages without article
text) is skipped and counted in a ReadCounts. A truncated or corrupt record is one ReadError named
``FILE@OFFSET`` (its byte offset in the file); reading goes on at the next record found after it.

Read with warcio, which reads ARC as well as WARC (README: why not FastWARC), record by record from
the stream: memory does not grow with the file. A byte range [start, end) reads the records that
begin in it, so a gzipped WARC (one gzip member per record) can be split among workers.
"""

from __future__ import annotations

import gzip
import io
import logging
import re
import zlib
from collections.abc import Iterator
from contextlib import redirect_stderr
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from storyline.limits import MAX_ARTICLE_BYTES
from storyline.model import Article, ReadCounts, ReadError
from storyline.readers.html import NO_TEXT, read_html_bytes
from storyline.readers.text import BINARY, check_file

logging.getLogger("warcio").setLevel(logging.CRITICAL)  # it logs repaired target URIs as warnings

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
GZIP_MAGIC = b"\x1f\x8b\x08"
SCAN_CHUNK = 1 << 20  # bytes searched at a time for the next record after a bad one
PROBE = 2048  # compressed bytes inflated to tell a gzip member that starts a record
# Where a record starts: a WARC version line, or an ARC URL line (URL IP DATE TYPE LENGTH).
ARC_LINE = rb"[a-z][a-z0-9+.-]*:\S* \S+ \d{14} \S+ \d+\r?\n"
RECORD_HEAD = re.compile(rb"WARC/1\.[01]\r?\n|" + ARC_LINE)
# Not gzipped: a version line anywhere (a record cut short is followed by the next one mid-line)
# whose header has a WARC-Type, or an ARC URL line at a line start.
RAW_START = re.compile(rb"WARC/1\.[01]\r?\n(?=(?:[^\r\n]+\r?\n){0,40}?WARC-Type:)|(?<=\n)" + ARC_LINE, re.I)
OVERLAP = 512  # a start split across two scanned chunks is found in the second
FIRST_MEMBER = 8 * 2**20  # compressed bytes looked at to see that a file has more than one member


class _Sink(io.TextIOBase):
    """Where warcio's own warnings go: each one is turned into a ReadError of ours instead."""

    def write(self, s: str) -> int:
        return len(s)


_SINK = _Sink()


def suffix_of(path: str | Path) -> str:
    """A file's format suffix: '.warc.gz' for a gzipped WARC, else the last suffix, lower-cased."""
    name = Path(path).name.lower()
    return next((s for s in (".warc.gz", ".arc.gz") if name.endswith(s)), Path(name).suffix)


def is_warc(path: str | Path) -> bool:
    return suffix_of(path) in WARC_SUFFIXES


def is_gzip(f: IO[bytes]) -> bool:
    f.seek(0)
    return f.read(2) == GZIP_MAGIC[:2]


def _starts_record(f: IO[bytes], pos: int) -> bool:
    """Whether the gzip member at `pos` inflates to the start of a WARC or ARC record."""
    f.seek(pos)
    try:
        head = zlib.decompressobj(31).decompress(f.read(PROBE), 256)
    except zlib.error:
        return False
    return RECORD_HEAD.match(head) is not None


def next_record(f: IO[bytes], start: int, gz: bool) -> int | None:
    """The first offset at or after `start` where a record begins (None: none before the end).

    Gzipped: a gzip member whose first bytes inflate to a record header, which a run of compressed
    bytes all but never does. Not gzipped: a version line (or ARC URL line) at a line start.
    """
    pos = start
    while True:
        f.seek(max(0, pos - 1))
        chunk = f.read(SCAN_CHUNK + 1)
        base = max(0, pos - 1)
        if len(chunk) <= pos - base:
            return None
        if gz:
            at = chunk.find(GZIP_MAGIC, pos - base)
            while at != -1:
                if _starts_record(f, base + at):
                    return base + at
                at = chunk.find(GZIP_MAGIC, at + 1)
        elif pos == 0 and RECORD_HEAD.match(chunk):
            return 0
        elif found := RAW_START.search(chunk, pos - base):
            return base + found.start()
        if len(chunk) < SCAN_CHUNK + 1:
            return None
        pos = base + len(chunk) - OVERLAP


def per_record_gzip(f: IO[bytes]) -> bool:
    """Whether the file is gzip with more than one member, its first ending within FIRST_MEMBER:
    the form WARC tools write, whose records can be found (and a range started) by their member."""
    if not is_gzip(f):
        return False
    f.seek(0)
    inflate, seen = zlib.decompressobj(31), 0
    while not inflate.eof and seen < FIRST_MEMBER:
        data = f.read(1 << 16)
        if not data:
            return False
        seen += len(data)
        try:
            while data and not inflate.eof:  # output discarded, a bounded amount at a time
                inflate.decompress(data, 1 << 16)
                data = inflate.unconsumed_tail
        except zlib.error:
            return False
    return inflate.eof and bool(inflate.unused_data or f.read(1))


def _warc_date(value: str | None) -> date | None:
    try:
        return datetime.fromisoformat(value).date() if value else None
    except ValueError:
        return None


def _media_type(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()


def _page(record: Any, where: str, max_bytes: int) -> bytes | ReadError | str:
    """The HTML bytes of a record, a ReadError, or why the record is skipped (a few words)."""
    kind = record.rec_type
    if kind not in ("response", "resource"):
        return kind
    http = record.http_headers if kind == "response" else None
    if http is not None and not (http.get_statuscode() or "").startswith("2"):
        return "not a 2xx response"
    headers = http if http is not None else record.rec_headers
    media = _media_type(headers.get_header("Content-Type"))
    if media and media not in HTML_TYPES:
        return "not HTML"
    try:
        data = record.content_stream().read(max_bytes + 1)
    except (OSError, zlib.error, ValueError) as e:  # a content encoding that does not decode
        return ReadError(where, f"record content cannot be decoded ({type(e).__name__})")
    if len(data) > max_bytes:
        return ReadError(where, f"record too large (over {max_bytes:,} bytes; the limit is {max_bytes:,})")
    if not media and not data.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html")):
        return "not HTML"
    return data


def _brief(e: BaseException) -> str:
    """Why warcio could not read a record, in a few printable words (it quotes the bad bytes)."""
    if isinstance(e, ArchiveLoadFailed):
        return "no readable WARC or ARC record here"
    if isinstance(e, zlib.error):
        return "its gzip data does not inflate"
    if isinstance(e, EOFError):
        return "the file ends inside it"
    message = " ".join("".join(c if c.isprintable() else " " for c in str(e)).split())[:80]
    return f"{type(e).__name__}: {message}" if message else type(e).__name__


def _records(
    it: ArchiveIterator,
    name: str,
    end: int | None,
    counts: ReadCounts,
    published: date | None,
    max_bytes: int,
) -> Iterator[Article | ReadError | tuple[bool, int]]:
    """Articles and errors from one run of warcio, then (whether it ended on a bad record, the
    offset reading stopped at)."""
    stop = it.offset
    while True:
        try:
            with redirect_stderr(_SINK):
                record = next(it)
        except StopIteration:
            yield False, stop
            return
        except Exception as e:  # a corrupt member or header: this record's error
            if end is not None and stop >= end:  # the next range's, which reports it
                yield False, stop
                return
            yield ReadError(f"{name}@{stop}", f"truncated or corrupt record ({_brief(e)})")
            yield True, stop
            return
        offset = stop = it.offset
        if end is not None and offset >= end:  # the next range's
            yield False, offset
            return
        where = f"{name}@{offset}"
        page = _page(record, where, max_bytes)
        warned = it.err_count
        try:
            with redirect_stderr(_SINK):
                length = it.get_record_length()  # reads to the record's end
        except Exception as e:
            yield ReadError(where, f"truncated or corrupt record ({_brief(e)})")
            yield True, offset
            return
        if it.err_count > warned or record.raw_stream.limit > 0:
            yield ReadError(where, "truncated record (its Content-Length runs past its end)")
            yield True, offset
            return
        stop = offset + length
        counts.records += 1
        counts.bytes += length
        if isinstance(page, str):
            counts.skip(page)
            continue
        if isinstance(page, ReadError):
            yield page
            continue
        uri = record.rec_headers.get_header("WARC-Target-URI") or None
        host = urlsplit(uri).hostname if uri else None
        article = read_html_bytes(
            page,
            where,
            published=_warc_date(record.rec_headers.get_header("WARC-Date")) or published,
            source=host.removeprefix("www.") if host else None,
            url=uri,
        )
        if isinstance(article, ReadError) and article.reason.startswith(NO_TEXT):
            counts.skip("without article text")
            continue
        yield article


def read_warc_stream(
    f: IO[bytes],
    name: str,
    *,
    start: int = 0,
    end: int | None = None,
    published: date | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
    counts: ReadCounts | None = None,
) -> Iterator[Article | ReadError]:
    """The articles of the records that begin in [start, end) of a seekable archive stream.

    After a bad record, reading goes on at the next record start found after it; a file that ends
    inside a record (a crawl cut short) says so at that record's offset.
    """
    counts = counts if counts is not None else ReadCounts()
    gz = is_gzip(f)
    whole = gz and not per_record_gzip(f)  # one gzip stream: read inflated, offsets in it
    if whole:
        if start:  # ranges are only made of per-record files
            return
        f.seek(0)
        f, gz = gzip.GzipFile(fileobj=f), False
    pos = start if start == 0 else next_record(f, start, gz)
    while pos is not None and (end is None or pos < end):
        f.seek(pos)
        it = ArchiveIterator(f, arc2warc=True)
        bad, stop = False, pos
        for item in _records(it, name, end, counts, published, max_bytes):
            if isinstance(item, tuple):
                bad, stop = item
            else:
                yield item
        if not bad:  # the end of the file: bytes left there are a record warcio could not make out
            f.seek(stop)
            rest = f.read(PROBE)
            if (end is None or stop < end) and (rest if gz else rest.strip()):
                at = next_record(f, stop, gz)
                yield ReadError(
                    f"{name}@{stop if at is None else at}", "truncated record (the file ends inside it)"
                )
            return
        if whole:  # finding the next record would inflate the stream again from its start
            yield ReadError(name, "not read past that record (one gzip stream, not one member per record)")
            return
        pos = next_record(f, stop + 1, gz)


def read_warc_file(
    path: str | Path,
    *,
    published: date | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
    counts: ReadCounts | None = None,
    **_: object,
) -> Iterator[Article | ReadError]:
    """Every article in a WARC or ARC file; `max_bytes` limits each page, not the file."""
    problem = check_file(path, None)
    if problem is not None and problem.reason != BINARY:  # archives hold bytes, not text
        yield problem
        return
    with Path(path).open("rb") as f:
        yield from read_warc_stream(f, str(path), published=published, max_bytes=max_bytes, counts=counts)
