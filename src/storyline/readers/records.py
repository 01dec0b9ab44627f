"""JSON Lines and CSV records (fields id, title, text, published, author, source, url).

A record's ``text`` is kept byte for byte: annotated corpora point into it by offset. One bad
record is one ReadError; the rest of the file is still read.
"""

from __future__ import annotations

import csv
import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

from storyline.limits import MAX_ARTICLE_BYTES
from storyline.model import Article, ReadError
from storyline.readers.byline import parse_iso
from storyline.readers.text import check_file, decode

META_FIELDS = ("title", "author", "source", "url")
# No field a record has needs a longer integer, and int() of a long one costs quadratic time (and
# raises ValueError past sys.get_int_max_str_digits()): refused before it is converted.
MAX_NUMBER_DIGITS = 100
SHOWN = 40  # characters of a bad value quoted in an error


class RecordError(ValueError):
    """A record that parses but cannot be an article; the message says why."""


def _kind(value: object) -> str:
    """How an error names a value of the wrong type: its JSON name, never its (maybe huge) repr."""
    if isinstance(value, str):
        return repr(value) if len(value) <= SHOWN else repr(value[:SHOWN]) + "..."
    kinds = {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object"}
    return kinds.get(type(value), type(value).__name__)


def _field(value: object, name: str, warnings: list[str]) -> str | None:
    """A metadata value as text; one of another type (a list, an object) is dropped with a warning."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        warnings.append(f"{name} is {_kind(value)}, not text; ignored")
        return None
    return str(value).strip() or None


def record_article(
    record: object, where: str, *, published: date | None = None, warnings: Iterable[str] = ()
) -> Article | ReadError:
    """One record as an Article, or a ReadError naming what is wrong with it.

    Warnings name `where` when the record has an id of its own, which is how the article is known.
    """
    if not isinstance(record, dict):
        return ReadError(where, "record is not an object")
    text = record.get("text")
    if text is not None and not isinstance(text, str):
        return ReadError(where, f"record text is {_kind(text)}, not a string")
    if not text or not text.strip():
        return ReadError(where, "record has no text")
    day, stamp = published, None
    if (raw := record.get("published")) not in (None, ""):
        parsed = parse_iso(raw) if isinstance(raw, str) else None
        if parsed is None:
            return ReadError(where, f"bad published value {_kind(raw)}")
        stamp = parsed if isinstance(parsed, datetime) else None
        day = parsed.date() if isinstance(parsed, datetime) else parsed
    notes = list(warnings)
    meta = {name: _field(record.get(name), name, notes) for name in META_FIELDS}
    record_id = _field(record.get("id"), "id", notes)
    article = Article(  # which replaces lone surrogates, with a warning
        text=text,
        published=day,
        published_datetime=stamp,
        input_id=record_id or where,
        warnings=notes,
        **meta,  # type: ignore[arg-type]
    )
    if article.input_id != where:  # known by its own id: its warnings say where it was read
        article.warnings = [f"{where}: {w}" for w in article.warnings]
    return article


def _number(digits: str) -> int:
    if (length := len(digits.lstrip("-"))) > MAX_NUMBER_DIGITS:
        raise RecordError(f"a number of {length:,} digits (the limit is {MAX_NUMBER_DIGITS})")
    return int(digits)


DECODER = json.JSONDecoder(parse_int=_number)  # made once: json.loads(parse_int=) makes one per call


def parse_record(line: str, where: str) -> object | ReadError:
    """One JSON value, or a ReadError saying why the line is not one we can use.

    json.loads raises more than JSONDecodeError on hostile input: RecursionError for deep nesting
    and ValueError for a huge integer. Each is this line's error, not the batch's.
    """
    try:
        return DECODER.decode(line)
    except json.JSONDecodeError as e:
        return ReadError(where, f"not valid JSON ({e.msg.lower()}: column {e.colno})")
    except RecordError as e:
        return ReadError(where, str(e))
    except RecursionError:
        return ReadError(where, "not usable JSON (nested too deeply)")


def _size_error(where: str, raw: bytes, max_bytes: int) -> ReadError | None:
    if len(raw) > max_bytes:
        return ReadError(where, f"record too large ({len(raw):,} bytes; the limit is {max_bytes:,})")
    return None


def read_jsonl_file(
    path: str | Path, *, published: date | None = None, max_bytes: int = MAX_ARTICLE_BYTES, **_: object
) -> Iterator[Article | ReadError]:
    """Streamed line by line: a dump of any size is read in constant memory."""
    problem = check_file(path, None)
    if problem is not None:
        yield problem
        return
    with Path(path).open("rb") as f:
        yield from read_jsonl_lines(f, str(path), published=published, max_bytes=max_bytes)


def read_jsonl_lines(
    lines: Iterable[bytes], name: str, *, published: date | None = None, max_bytes: int = MAX_ARTICLE_BYTES
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
        record = parse_record(line, where)
        if isinstance(record, ReadError):
            yield record
            continue
        yield record_article(record, where, published=published, warnings=warnings)


_CR = re.compile(rb"(?<=\r)(?!\n)")  # a lone CR ends a line, as in a file opened with newline=""


def _split_cr(line: bytes) -> list[bytes]:
    return [part for part in _CR.split(line) if part] if b"\r" in line else [line]


class _Lines:
    """Numbered, decoded csv lines that keep the current record's lines, so that a record whose
    quote does not close can be read again from its second line: the rows it swallowed are rows.

    A line is read again at most once, so a file costs at most twice its lines.
    """

    def __init__(self, lines: Iterable[bytes]) -> None:
        self._lines = (part for line in lines for part in _split_cr(line))
        self._again: deque[tuple[int, str, list[str]]] = deque()
        self.count = 0  # lines taken from the file
        self.record: list[tuple[int, str, list[str]]] = []  # (number, line, warnings) of this record
        self.reread_to = 0  # the lines up to this one have been read again once already

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._again:
            line = self._again.popleft()
        else:
            raw = next(self._lines)
            if self.count == 0:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            text, warnings = decode(raw)
            self.count += 1
            line = (self.count, text, [f"line {self.count}: {w}" for w in warnings])
        self.record.append(line)
        return line[1]

    @property
    def start(self) -> int:
        """The record's first non-blank line (csv skips the blank lines between rows)."""
        first = next((n for n, text, _ in self.record if text and not text.isspace()), None)
        return first or (self.record[0][0] if self.record else self.count)

    @property
    def end(self) -> int:
        return self.record[-1][0] if self.record else self.count

    @property
    def warnings(self) -> list[str]:
        return [w for _, _, found in self.record for w in found]

    def read_again(self) -> bool:
        """Queue the record's lines after its first to be read again (those not read again before);
        whether there were any."""
        again = [line for line in self.record if line[0] > max(self.start, self.reread_to)]
        self._again.extendleft(reversed(again))
        self.reread_to = max(self.reread_to, self.end)
        return bool(again)


def _lenient(text: str) -> list[str] | None:
    """One line parsed the forgiving way (text after a closing quote kept), or None if it cannot be."""
    try:
        return next(csv.reader([text]), None)
    except csv.Error:
        return None


UNCLOSED = "not valid CSV (a quote opened in this row does not close in it"


def _rows(
    path: str, lines: _Lines, reader: Iterator[list[str]], width: int
) -> Iterator[list[str] | ReadError]:
    """The rows after the header (`width` fields), parsed strictly: a row whose quote does not close
    is its error, and the lines it swallowed are read again as rows."""
    while True:
        lines.record = []
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield _bad_row(path, lines, str(e))
            continue
        if lines.end > lines.start and (why := _closed_elsewhere(row, width, lines.end)):
            yield _swallowed(path, lines, f"{UNCLOSED}: {why})")
            continue
        yield row


def _closed_elsewhere(row: list[str], width: int, end: int) -> str | None:
    """Why a row over several lines is an open quote closed by the quote of a later row's field
    (valid CSV, but not what was written), if it is: fields too many, or a long field ending where
    that later field began (after a comma, or at a line end with fields missing), but for the
    quotes that field's text began with."""
    if len(row) > width:
        return f"{len(row)} fields, not {width}, by line {end}"
    ends = [field.rstrip('"') for field in row if "\n" in field or "\r" in field]  # "" was a quote
    if any(f.endswith(",") or len(row) < width and f.endswith(("\n", "\r")) for f in ends):
        return f"the quote at line {end} that closes it opens a field of another row"
    return None


def _bad_row(path: str, lines: _Lines, message: str) -> ReadError | list[str]:
    """What a row the strict parser refused is: a one-line row read leniently, or its error."""
    if "field limit" in message:  # most likely a quote not closed, swallowing the rows after it
        limit = csv.field_size_limit()
        return _swallowed(
            path, lines, f"record too large (a field of over {limit:,} bytes by line {lines.end})"
        )
    if lines.start == lines.end and "end of data" not in message:
        row = _lenient(lines.record[-1][1])
        if row is not None:
            lines.record[-1][2].append("text after a closing quote kept")
            return row
        return ReadError(f"{path}:{lines.start}", f"not valid CSV ({message.lower()})")
    return _swallowed(path, lines, f"{UNCLOSED}: {message.lower()} at line {lines.end})")


def _swallowed(path: str, lines: _Lines, reason: str) -> ReadError:
    """The error of a row that ran over the lines after it: they are read again as rows."""
    if lines.read_again():
        reason += "; the lines after it are read again as rows"
    return ReadError(f"{path}:{lines.start}", reason)


def read_csv_file(
    path: str | Path, *, published: date | None = None, max_bytes: int = MAX_ARTICLE_BYTES, **_: object
) -> Iterator[Article | ReadError]:
    """Streamed record by record, like JSON Lines; a record's text is limited to `max_bytes`.

    Parsed strictly, so that a quote that does not close is reported at the line of its row
    instead of silently swallowing the rows up to the next quote (or the end of the file).
    """
    problem = check_file(path, None)
    if problem is not None:
        yield problem
        return
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes))  # article bodies exceed the 128 KB default
    with Path(path).open("rb") as f:
        lines = _Lines(f)
        reader = csv.reader(lines, strict=True)
        try:
            header = [name.strip().lower() for name in next(reader, [])]
        except csv.Error as e:
            yield ReadError(f"{path}:{lines.start}", f"not valid CSV ({str(e).lower()})")
            return
        if "text" not in header:
            yield ReadError(str(path), "no 'text' column in CSV header")
            return
        for row in _rows(str(path), lines, reader, len(header)):
            if isinstance(row, ReadError):
                yield row
            elif row:  # a short row's missing fields are absent; an extra field has no name: dropped
                record = dict(zip(header, row, strict=False))
                yield record_article(
                    record, f"{path}:{lines.start}", published=published, warnings=lines.warnings
                )
