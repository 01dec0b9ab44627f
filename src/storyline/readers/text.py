"""Plain-text articles: the seed format (``date YYYY-MM-DD Title`` + byline block + body) and
headerless text. Also the file checks every reader shares, so all report bad input alike."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

from storyline.limits import MAX_ARTICLE_BYTES
from storyline.model import Article, ReadError
from storyline.readers.byline import read_block

HEADER = re.compile(r"^\s*date\s+(?P<date>\d{4}-\d{1,2}-\d{1,2})(?:[ \t]+(?P<title>[^\n]*?))?\s*$")
BINARY_PROBE = 8192
MAX_TITLE = 300


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    return f"{n / 1000:.1f} KB" if n >= 1000 else f"{n} bytes"


SPECIAL_FILES = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def not_a_file(path: str | Path) -> str | None:
    """Why `path` is not a regular file (or a link to one), in a few words; None when it is one.

    Said before anything opens it: opening a named pipe would wait for a writer forever. Raises
    OSError when even that cannot be found out (a folder on the way that cannot be read).
    """
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        if p.is_symlink():
            return f"dangling symlink (to {os.readlink(p)}, which does not exist)"
        return "not a file (does not exist)"
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in SPECIAL_FILES if test(mode)), None)
    return f"not a regular file ({kind})" if kind else "not a file"


def check_file(path: str | Path, max_bytes: int | None) -> ReadError | None:
    """Why the file cannot be read as text at all, checked before anything is parsed; else None.

    `max_bytes` limits a single article's file; batch files (JSON Lines, CSV) pass None and are
    streamed, their limit applying to each record.
    """
    p, name = Path(path), str(path)
    try:
        if (why := not_a_file(p)) is not None:
            return ReadError(name, why)
        size = p.stat().st_size
        if max_bytes is not None and size > max_bytes:
            return ReadError(name, f"file too large ({_size(size)}; the limit is {_size(max_bytes)})")
        with p.open("rb") as f:
            head = f.read(BINARY_PROBE)
    except PermissionError:
        return ReadError(name, "permission denied")
    except OSError as e:
        return ReadError(name, f"cannot read file ({(e.strerror or type(e).__name__).lower()})")
    if b"\0" in head:
        return ReadError(name, "binary file, not text")
    if not head.strip() and size <= BINARY_PROBE:
        return ReadError(name, "empty file")
    return None


def load_bytes(path: str | Path, max_bytes: int) -> bytes | ReadError:
    """The file's bytes, or why it cannot be an article."""
    problem = check_file(path, max_bytes)
    if problem is not None:
        return problem
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        return ReadError(str(path), f"cannot read file ({(e.strerror or type(e).__name__).lower()})")
    if not data.strip():
        return ReadError(str(path), "empty file")
    return data


def decode(data: bytes) -> tuple[str, list[str]]:
    """UTF-8 text, bad bytes replaced rather than refused, with a warning saying where."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as e:
        return data.decode("utf-8", errors="replace"), [f"invalid UTF-8 at byte {e.start}, replaced"]


def read_text(
    text: str, *, input_id: str | None = None, plain: bool = False, published: date | None = None
) -> Article:
    """Parse a string in the text-file format. Raises ValueError (with the reason) when it cannot."""
    if not text.strip():
        raise ValueError("empty text")
    if plain:
        return Article(text=text, published=published, input_id=input_id)
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    first = next(i for i, line in enumerate(lines) if line.strip())
    title: str | None = None
    header_date: date | None = None
    warnings: list[str] = []
    if header := HEADER.match(lines[first].lstrip("\ufeff")):
        try:
            header_date = date.fromisoformat("-".join(f"{int(x):02d}" for x in header["date"].split("-")))
        except ValueError:
            raise ValueError(f"impossible date '{header['date']}' in header") from None
        title = header["title"] or None
        start = first + 1
    elif any(line.strip() for line in lines[first + 1 :]) and len(lines[first].strip()) <= MAX_TITLE:
        title, start = lines[first].strip().lstrip("\ufeff"), first + 1
    else:  # a single paragraph (or an over-long first line) is body, not a title
        start = first
    block = read_block(lines, start)
    body = text[offsets[block.body_line] :].strip()
    if not body:
        raise ValueError("no article body")
    dateline = block.dateline
    if dateline and header_date and dateline.date != header_date:
        warnings.append(f"dateline date {dateline.date} differs from header date {header_date}")
    return Article(
        text=body,
        title=title,
        author=block.author,
        published=header_date or (dateline.date if dateline else None) or published,
        published_datetime=dateline.datetime if dateline else None,
        input_id=input_id,
        warnings=warnings,
    )


def read_text_file(
    path: str | Path,
    *,
    plain: bool = False,
    published: date | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
) -> Iterator[Article | ReadError]:
    """One article from a text file, or one ReadError saying why not."""
    data = load_bytes(path, max_bytes)
    if isinstance(data, ReadError):
        yield data
        return
    text, warnings = decode(data)
    try:
        article = read_text(text, input_id=str(path), plain=plain, published=published)
    except ValueError as e:
        yield ReadError(str(path), str(e))
        return
    yield replace(article, source=Path(path).name, warnings=warnings + article.warnings)
