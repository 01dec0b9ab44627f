"""Read articles from files: plain text (the seed format), HTML, JSON Lines and CSV.

Readers never raise for bad input: each yields an Article, or a ReadError saying in a few words
why that input (or that record) could not be read, so one bad file does not stop a batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

from storyline.limits import MAX_ARTICLE_BYTES
from storyline.model import Article, ReadError
from storyline.readers.html import read_html_file
from storyline.readers.records import read_csv_file, read_jsonl_file
from storyline.readers.text import read_text, read_text_file

__all__ = ["read_path", "read_paths", "read_text"]

Reader = Callable[..., Iterator[Article | ReadError]]
READERS: dict[str, Reader] = {
    ".html": read_html_file,
    ".htm": read_html_file,
    ".jsonl": read_jsonl_file,
    ".ndjson": read_jsonl_file,
    ".csv": read_csv_file,
}


def read_path(
    path: str | Path,
    *,
    plain: bool = False,
    published: date | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
) -> Iterator[Article | ReadError]:
    """Articles (or ReadErrors) from one file; the reader is chosen by its suffix, text by default."""
    reader = READERS.get(Path(path).suffix.lower(), read_text_file)
    yield from reader(path, plain=plain, published=published, max_bytes=max_bytes)


def read_paths(
    paths: Iterable[str | Path],
    *,
    plain: bool = False,
    published: date | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
) -> Iterator[Article | ReadError]:
    """read_path over several files, in order."""
    for path in paths:
        yield from read_path(path, plain=plain, published=published, max_bytes=max_bytes)
