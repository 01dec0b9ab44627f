"""JSON Lines and CSV records (fields id, title, text, published, author, source, url).

A record's ``text`` is kept byte for byte: annotated corpora point into it by offset. One bad
record is one ReadError; the rest of the file is still read.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

from storyline.model import Article, ReadError
from storyline.readers.byline import parse_iso
from storyline.readers.text import check_file, decode

META_FIELDS = ("title", "author", "source", "url")


def _field(value: object) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def record_article(
    record: object, where: str, *, published: date | None = None, warnings: Iterable[str] = ()
) -> Article | ReadError:
    """One record as an Article, or a ReadError naming what is wrong with it."""
    if not isinstance(record, dict):
        return ReadError(where, "record is not an object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return ReadError(where, "record has no text")
    day, stamp = published, None
    if (raw := record.get("published")) not in (None, ""):
        parsed = parse_iso(raw) if isinstance(raw, str) else None
        if parsed is None:
            return ReadError(where, f"bad published value {raw!r}")
        stamp = parsed if isinstance(parsed, datetime) else None
        day = parsed.date() if isinstance(parsed, datetime) else parsed
    meta = {name: _field(record.get(name)) for name in META_FIELDS}
    return Article(
        text=text,
        published=day,
        published_datetime=stamp,
        input_id=_field(record.get("id")) or where,
        warnings=list(warnings),
        **meta,  # type: ignore[arg-type]
    )


def _size_error(where: str, raw: bytes, max_bytes: int) -> ReadError | None:
    if len(raw) > max_bytes:
        return ReadError(where, f"record too large ({len(raw):,} bytes; the limit is {max_bytes:,})")
    return None


def read_jsonl_file(
    path: str | Path, *, published: date | None = None, max_bytes: int = 5_000_000, **_: object
) -> Iterator[Article | ReadError]:
    """Streamed line by line: a dump of any size is read in constant memory."""
    problem = check_file(path, None)
    if problem is not None:
        yield problem
        return
    with Path(path).open("rb") as f:
        yield from read_jsonl_lines(f, str(path), published=published, max_bytes=max_bytes)


def read_jsonl_lines(
    lines: Iterable[bytes], name: str, *, published: date | None = None, max_bytes: int = 5_000_000
) -> Iterator[Article | ReadError]:
    """JSON Lines from any stream of byte lines (a file, stdin); `name` is how errors call it."""
    for lineno, raw in enumerate(lines, start=1):
        if lineno == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if not raw.strip():
            continue
        where = f"{name}:{lineno}"
        if (too_large := _size_error(where, raw, max_bytes)) is not None:
            yield too_large
            continue
        line, warnings = decode(raw)
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            yield ReadError(where, f"not valid JSON ({e.msg.lower()}: column {e.colno})")
            continue
        yield record_article(record, where, published=published, warnings=warnings)


class _CountingLines:
    """Feeds decoded csv lines while remembering where the current record's first line was."""

    def __init__(self, lines: Iterable[bytes]) -> None:
        self._lines = iter(lines)
        self.count = 0
        self.start = 0
        self.warnings: list[str] = []

    def __iter__(self) -> _CountingLines:
        return self

    def __next__(self) -> str:
        raw = next(self._lines)
        if self.count == 0:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        line, warnings = decode(raw)
        self.count += 1
        self.warnings += [f"line {self.count}: {w}" for w in warnings]
        if not self.start and line.strip():
            self.start = self.count
        return line


def read_csv_file(
    path: str | Path, *, published: date | None = None, max_bytes: int = 5_000_000, **_: object
) -> Iterator[Article | ReadError]:
    """Streamed record by record, like JSON Lines; a record's text is limited to `max_bytes`."""
    problem = check_file(path, None)
    if problem is not None:
        yield problem
        return
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes))  # article bodies exceed the 128 KB default
    with Path(path).open("rb") as f:
        lines = _CountingLines(f)
        reader = csv.DictReader(lines)
        try:
            header = [name.strip().lower() for name in reader.fieldnames or []]
        except csv.Error as e:
            yield ReadError(f"{path}:1", f"not valid CSV ({str(e).lower()})")
            return
        if "text" not in header:
            yield ReadError(str(path), "no 'text' column in CSV header")
            return
        reader.fieldnames = header
        while True:
            lines.start = 0
            lines.warnings = []
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                yield ReadError(f"{path}:{lines.start or lines.count}", f"not valid CSV ({str(e).lower()})")
                return
            where = f"{path}:{lines.start}"
            yield record_article(row, where, published=published, warnings=lines.warnings)
