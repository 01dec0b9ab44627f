"""JSON Lines and CSV records (fields id, title, text, published, author, source, url).

A record's ``text`` is kept byte for byte: annotated corpora point into it by offset. One bad
record is one ReadError; the rest of the file is still read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

from storyline.model import Article, ReadError
from storyline.readers.byline import parse_iso
from storyline.readers.text import decode, load_bytes

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


def read_jsonl_file(
    path: str | Path, *, published: date | None = None, max_bytes: int = 5_000_000, **_: object
) -> Iterator[Article | ReadError]:
    data = load_bytes(path, max_bytes)
    if isinstance(data, ReadError):
        yield data
        return
    for lineno, raw in enumerate(data.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
        line, warnings = decode(raw)
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            yield ReadError(where, f"not valid JSON ({e.msg.lower()}: column {e.colno})")
            continue
        yield record_article(record, where, published=published, warnings=warnings)


class _CountingLines:
    """Feeds csv lines while remembering where the current record's first non-blank line was."""

    def __init__(self, text: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self.count = 0
        self.start = 0

    def __iter__(self) -> _CountingLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.count += 1
        if not self.start and line.strip():
            self.start = self.count
        return line


def read_csv_file(
    path: str | Path, *, published: date | None = None, max_bytes: int = 5_000_000, **_: object
) -> Iterator[Article | ReadError]:
    data = load_bytes(path, max_bytes)
    if isinstance(data, ReadError):
        yield data
        return
    text, warnings = decode(data.removeprefix(b"\xef\xbb\xbf"))
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes))  # article bodies exceed the 128 KB default
    lines = _CountingLines(text)
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
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield ReadError(f"{path}:{lines.start or lines.count}", f"not valid CSV ({str(e).lower()})")
            return
        where = f"{path}:{lines.start}"
        yield record_article(row, where, published=published, warnings=warnings)
