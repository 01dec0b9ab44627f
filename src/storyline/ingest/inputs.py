"""Inputs: the paths named (files, folders, globs, '-'), read into Articles with their metadata.

Every path is yielded as an Article or reported as a ReadError, never silently dropped, so that a
batch goes on past a bad input.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

from storyline.model import Article, ReadError
from storyline.readers import READERS, read_path
from storyline.readers.metadata import apply_metadata, discover_metadata, load_metadata
from storyline.readers.records import read_jsonl_lines
from storyline.readers.text import not_a_file

ARTICLE_SUFFIXES = frozenset({".txt", ".text", *READERS})
STDIN = "-"


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
        if p.suffix.lower() in ARTICLE_SUFFIXES
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
    max_bytes: int = 5_000_000,
    metadata: str | Path | None = None,
    discover: bool = False,
    on_metadata: Callable[[Path], None] | None = None,
) -> Iterator[Article | ReadError]:
    """Every article (or the reason it could not be read) from the paths, metadata applied.

    `metadata` applies to every input; with `discover`, each folder given uses the metadata file
    kept with it, if any (readers.metadata.discover_metadata), and on_metadata hears of each.
    """
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
                records = read_path(item, plain=plain, published=published, max_bytes=max_bytes)
            try:
                for record in records:
                    yield apply_metadata(record, table) if table and isinstance(record, Article) else record
            except Exception as e:  # noqa: BLE001 - a reader's bug costs the rest of its input, not the batch
                yield ReadError("<stdin>" if item == STDIN else item, f"reading stopped ({brief(e)})")


def brief(e: BaseException) -> str:
    """An exception as a few words on one line: its type and the start of its message."""
    message = " ".join(str(e).split())
    return f"{type(e).__name__}: {message[:100]}" if message else type(e).__name__
