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
from lxml import etree
from trafilatura.utils import load_html

from storyline.limits import MAX_ARTICLE_BYTES
from storyline.model import Article, ReadError
from storyline.readers.byline import block_facts, is_boilerplate, parse_iso
from storyline.readers.text import load_bytes

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs "discarding data" as a warning
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

# Without one sentence-like line (5+ words, final punctuation) a page is navigation, not an article:
# trafilatura's fallback otherwise returns menus such as "Home".
SENTENCE = re.compile(r"(?:\S+\s+){4,}\S*[.!?\"”'’)]\s*$", re.M)
PUBLISHED_META = ("article:published_time", "og:article:published_time", "datePublished", "pubdate")

# Inline elements: their words belong to the sentence around them. Where text and inline elements
# share a parent with block elements (`<div>"The <b>budget</b> is fine," she said.<p>...</div>`),
# trafilatura breaks the line at every inline element and the sentence splits in three; each such
# run is wrapped in a <p> of its own first, as a browser lays it out (an anonymous block box).
INLINE = frozenset((
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del", "dfn", "em",
    "font", "i", "img", "ins", "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strike",
    "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
))  # fmt: skip
# Inline elements whose text trafilatura drops or cuts off (`on <time>March 3</time>` gives "on ");
# they are unwrapped, their text joining their parent's. A <q> is printed with its quotation marks.
UNWRAPPED = ("time", "label", "data", "code", "kbd", "samp", "tt", "var", "q")
# libxml2 stops parsing a page where its elements nest this deep (short of its "huge" option, which
# lifts other limits too): the rest of the page is lost, and said so.
MAX_DEPTH = 256
CUT = f"nested {MAX_DEPTH} elements deep: the page is not read past there"
NO_TEXT = "no article text found in HTML"
# trafilatura's fast mode skips its fallback extractors (readability, jusText): a quarter of its time
# on a news page. The fallback is run only where the fast text looks like a miss: shorter than
# trafilatura's own minimum (MIN_EXTRACTED_SIZE), or under 40% of the page's visible text. On 500
# real HTML pages (bench/html_fast.py, README: WARC input) 3 articles came out different, by under
# 100 characters; a page where the fast mode kept 37% of the text is why the share is 40%, not 25%.
FAST_MIN_CHARS = 250
FAST_MIN_SHARE = 0.4
VISIBLE_TEXT = etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
)
# Containers whose loose text is not prose (or not laid out as such): left as they are.
NOT_PROSE = frozenset((
    "html", "head", "title", "table", "thead", "tbody", "tfoot", "tr", "colgroup", "ul", "ol", "dl",
    "select", "optgroup", "datalist", "script", "style", "template", "noscript", "pre", "textarea",
    "svg", "math",
))  # fmt: skip


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


# an element MAX_DEPTH deep: libxml2 walks the path level by level, each element once (linear)
_AT_MAX_DEPTH = etree.XPath("boolean(/" + "/".join(["*"] * MAX_DEPTH) + ")")


def _too_deep(tree: Any) -> bool:
    """Whether the page's elements nest MAX_DEPTH deep, where libxml2 stopped reading it."""
    return bool(_AT_MAX_DEPTH(tree))


def _is_inline(node: Any) -> bool:
    return not isinstance(node.tag, str) or node.tag in INLINE  # comments sit in the text


def _wrap_runs(parent: Any) -> None:
    """Wrap each run of text and inline elements beside a block element in a <p> of its own."""
    children = list(parent)
    if all(_is_inline(c) for c in children):
        return
    loose = (parent.text or "").strip() or any(
        (c.tail or "").strip() or isinstance(c.tag, str) and c.tag in INLINE for c in children
    )
    if not loose:  # blocks, blank space and comments only
        return
    run = None
    if (parent.text or "").strip():
        run = parent.makeelement("p")
        run.text, parent.text = parent.text, None
        parent.insert(0, run)
    for child in children:
        if _is_inline(child):
            if run is None:
                run = parent.makeelement("p")
                child.addprevious(run)
            run.append(child)  # moves it, with its tail
            continue
        run = None
        if (child.tail or "").strip():
            run = parent.makeelement("p")
            run.text, child.tail = child.tail, None
            child.addnext(run)


def _unwrap(tree: Any) -> None:
    """Inline elements trafilatura would lose the text of, replaced by their text."""
    for q in tree.iter("q"):
        q.text = "“" + (q.text or "")
        if len(q):
            q[-1].tail = (q[-1].tail or "") + "”"
        else:
            q.text += "”"
    etree.strip_tags(tree, *UNWRAPPED)


def prepare(tree: Any) -> Any:
    """The page as trafilatura should see it: inline markup never splits a sentence. Linear."""
    _unwrap(tree)
    for element in list(tree.iter(etree.Element)):
        if element.tag not in NOT_PROSE and element.tag not in INLINE:
            _wrap_runs(element)
    return tree


def read_html_file(
    path: str | Path, *, published: date | None = None, max_bytes: int = MAX_ARTICLE_BYTES, **_: object
) -> Iterator[Article | ReadError]:
    """One article from an HTML page, or a ReadError when there is no article text in it."""
    data = load_bytes(path, max_bytes)
    if isinstance(data, ReadError):
        yield data
        return
    yield read_html_bytes(data, str(path), published=published, source=Path(path).name)


def _visible_chars(tree: Any) -> int:
    """Characters of text a browser would show in the page's body (read-only, linear)."""
    return sum(len(text.strip()) for text in VISIBLE_TEXT(tree))


def _extract(tree: Any) -> Any:
    """trafilatura's fast extraction, or its full one where the fast one kept too little text (the
    date search is the same in both: trafilatura's EXTENSIVE_DATE_SEARCH setting decides it)."""
    page_chars = _visible_chars(tree)
    prepared = prepare(tree)  # trafilatura works on a copy of the tree it is given
    options = {"with_metadata": True, "include_comments": False, "favor_precision": True}
    doc = trafilatura.bare_extraction(prepared, fast=True, **options)
    kept = len(doc.text or "") if doc else 0
    if kept >= FAST_MIN_CHARS and kept >= FAST_MIN_SHARE * page_chars:
        return doc
    return trafilatura.bare_extraction(prepared, **options)


def read_html_bytes(
    data: bytes,
    where: str,
    *,
    published: date | None = None,
    source: str | None = None,
    url: str | None = None,
) -> Article | ReadError:
    """The article in a page's bytes (a file, a WARC record); `published`, `source` and `url` are
    used where the page's own metadata has none. Errors name `where`."""
    try:  # never let a parser bug in a third-party library stop a batch
        tree = load_html(data)
        cut = [CUT] if tree is not None and _too_deep(tree) else []
        stamp = _published_from_tree(tree) if tree is not None else None
        doc = tree is not None and _extract(tree)
    except Exception as e:
        return ReadError(where, f"html extraction failed ({type(e).__name__})")
    no_text = ReadError(where, NO_TEXT + "".join(f" ({c})" for c in cut))
    if not doc or not (doc.text or "").strip():
        return no_text
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
        return no_text
    stamped = stamp if isinstance(stamp, datetime) else (dateline.datetime if dateline else None)
    day = stamp.date() if isinstance(stamp, datetime) else stamp
    if day is None and doc.date and isinstance(found := parse_iso(doc.date[:10]), date):
        day = found
    return Article(
        text=body,
        title=doc.title or None,
        author=author or None,
        source=doc.sitename or source,
        url=doc.url or url,
        published=day or (dateline.date if dateline else None) or published,
        published_datetime=stamped,
        input_id=where,
        warnings=cut,
    )
