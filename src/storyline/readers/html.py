"""HTML pages: trafilatura finds the article text and metadata; byline.py cleans what leaks."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import trafilatura
from trafilatura.utils import load_html

from storyline.model import Article, ReadError
from storyline.readers.byline import block_facts, is_boilerplate, parse_iso
from storyline.readers.text import load_bytes

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs "discarding data" as a warning
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

# Without one sentence-like line (5+ words, final punctuation) a page is navigation, not an article:
# trafilatura's fallback otherwise returns menus such as "Home".
SENTENCE = re.compile(r"(?:\S+\s+){4,}\S*[.!?\"”'’)]\s*$", re.M)
PUBLISHED_META = ("article:published_time", "og:article:published_time", "datePublished", "pubdate")


def _date_published(node: Any) -> str | None:
    """The first ``datePublished`` in a JSON-LD value (objects, lists and ``@graph`` alike)."""
    if isinstance(node, dict):
        if isinstance(found := node.get("datePublished"), str):
            return found
        node = list(node.values())
    if isinstance(node, list):
        return next((d for d in map(_date_published, node) if d), None)
    return None


def _published_from_tree(tree: Any) -> datetime | date | None:
    """JSON-LD datePublished, then ``article:published_time`` meta: trafilatura keeps only the day."""
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            if (value := _date_published(json.loads(script))) and (parsed := parse_iso(value)):
                return parsed
        except ValueError:
            continue
    for name in PUBLISHED_META:
        for value in tree.xpath(
            f'//meta[@property="{name}" or @name="{name}" or @itemprop="{name}"]/@content'
        ):
            if parsed := parse_iso(value):
                return parsed
    return None


def read_html_file(
    path: str | Path, *, published: date | None = None, max_bytes: int = 5_000_000, **_: object
) -> Iterator[Article | ReadError]:
    """One article from an HTML page, or a ReadError when there is no article text in it."""
    data = load_bytes(path, max_bytes)
    if isinstance(data, ReadError):
        yield data
        return
    try:  # never let a parser bug in a third-party library stop a batch
        tree = load_html(data)
        doc = tree is not None and trafilatura.bare_extraction(
            tree, with_metadata=True, include_comments=False, favor_precision=True
        )
        stamp = _published_from_tree(tree) if tree is not None else None
    except Exception as e:  # noqa: BLE001
        yield ReadError(str(path), f"html extraction failed ({type(e).__name__})")
        return
    if not doc or not (doc.text or "").strip():
        yield ReadError(str(path), "no article text found in HTML")
        return
    author, dateline, kept = doc.author, None, []
    for line in doc.text.splitlines():
        if not kept and doc.title and line.strip() == doc.title.strip():
            continue  # trafilatura sometimes repeats the headline as the first line
        if line.strip() and is_boilerplate(line):
            named, dated = block_facts(line)
            author, dateline = author or named, dateline or dated
        else:
            kept.append(line)
    body = "\n".join(kept).strip()
    if not SENTENCE.search(body):
        yield ReadError(str(path), "no article text found in HTML")
        return
    stamped = stamp if isinstance(stamp, datetime) else (dateline.datetime if dateline else None)
    day = stamp.date() if isinstance(stamp, datetime) else stamp
    if day is None and doc.date and isinstance(found := parse_iso(doc.date[:10]), date):
        day = found
    yield Article(
        text=body,
        title=doc.title or None,
        author=author or None,
        source=doc.sitename or Path(path).name,
        url=doc.url or None,
        published=day or (dateline.date if dateline else None) or published,
        published_datetime=stamped,
        input_id=str(path),
    )
