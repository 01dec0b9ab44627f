"""Feeds (RSS 2.0, RSS 1.0/RDF, Atom) and sitemaps (urlset, sitemapindex, gzipped or not): the
pages they list, each with the id and the last-changed stamp that tell a new item and an updated one.

Parsed here with lxml rather than feedparser (not among the pinned dependencies) or trafilatura's
feeds/sitemaps modules: those find links with regular expressions, drop each item's id and
updated date (so an updated item cannot be told from one already read), filter links by their own
rules and fetch by themselves, past the polite fetcher. The XML parser resolves no entities and
loads nothing from the network (no XXE, no billion laughs); one pass over the elements, so the
cost is linear; at most MAX_ITEMS items are read from one listing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from lxml import etree

from storyline.readers.byline import parse_iso

MAX_ITEMS = 50_000  # a sitemap's own limit (sitemaps.org); a feed holds far fewer
ITEM_TAGS = {"rss": "item", "RDF": "item", "feed": "entry", "urlset": "url", "sitemapindex": "sitemap"}


@dataclass(frozen=True)
class Item:
    """One page a listing names: its URL, its id in the listing (a feed's guid or Atom id, else the
    URL), its last-changed stamp as the listing gives it (compared, never parsed, to tell an update)
    and its publication date where one can be read."""

    url: str
    id: str
    updated: str | None = None
    published: date | None = None


@dataclass
class Listing:
    """What a feed or sitemap lists: pages, and for a sitemap index the sitemaps it names."""

    kind: str  # rss | rdf | atom | sitemap | sitemapindex
    items: list[Item] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    cut: int = 0  # items past MAX_ITEMS, left out


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child(element: etree._Element, *names: str) -> etree._Element | None:
    """The first child with one of these local names, in the order the names are given."""
    found = {}
    for child in element:
        name = _local(child.tag)
        if name in names and name not in found:
            found[name] = child
    return next((found[n] for n in names if n in found), None)


def _text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    text = "".join(element.itertext()).strip()
    return text or None


def _day(stamp: str | None) -> date | None:
    """The day of an RSS (RFC 822) or Atom/sitemap (ISO 8601) date, or None."""
    if not stamp:
        return None
    parsed = parse_iso(stamp)
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(stamp)
        except (TypeError, ValueError, IndexError):
            return None
    if isinstance(parsed, datetime):
        return (parsed.astimezone(UTC) if parsed.tzinfo else parsed).date()
    return parsed


def _atom_link(entry: etree._Element) -> str | None:
    links = [c for c in entry if _local(c.tag) == "link" and c.get("href")]
    for link in links:
        if link.get("rel", "alternate") == "alternate":
            return link.get("href")
    return links[0].get("href") if links else None


def _item(element: etree._Element, kind: str, base: str) -> Item | None:
    if kind == "atom":
        link = _atom_link(element)
        ident = _text(_child(element, "id"))
        updated = _text(_child(element, "updated", "published"))
        published = _text(_child(element, "published", "updated"))
    elif kind == "sitemap":
        link = _text(_child(element, "loc"))
        ident, updated = None, _text(_child(element, "lastmod"))
        news = _child(element, "news")  # Google News sitemaps give the publication date
        published = _text(_child(news, "publication_date")) if news is not None else updated
    else:  # rss, rdf
        link = _text(_child(element, "link"))
        guid = _child(element, "guid")
        ident = _text(guid)
        if link is None and guid is not None and guid.get("isPermaLink", "true") != "false":
            link = ident
        if kind == "rdf":
            ident = ident or element.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
        updated = _text(_child(element, "updated", "modified", "date", "pubDate"))
        published = _text(_child(element, "pubDate", "date", "published"))
    if not link:
        return None
    url = urljoin(base, link.strip())
    return Item(url, ident or url, updated, _day(published))


def parse_listing(data: bytes, base: str) -> Listing | str:
    """The listing in a feed's or sitemap's bytes (relative links resolved against `base`), or why
    it is not one, in a few words."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as e:
        return f"not a feed or sitemap (not XML: {' '.join(str(e).split())[:80]})"
    if root is None:
        return "not a feed or sitemap (no XML in it)"
    name = _local(root.tag)
    kinds = {"rss": "rss", "RDF": "rdf", "feed": "atom", "urlset": "sitemap", "sitemapindex": "sitemapindex"}
    if name not in kinds:
        return f"not a feed or sitemap (its root element is <{name or root.tag}>)"
    listing = Listing(kinds[name])
    wanted = ITEM_TAGS[name]
    channels = [c for c in root if _local(c.tag) == "channel"] if name == "rss" else [root]
    elements = (element for channel in channels for element in channel)
    seen = 0
    for element in elements:
        if _local(element.tag) != wanted:
            continue
        seen += 1
        if seen > MAX_ITEMS:
            listing.cut += 1
            continue
        if listing.kind == "sitemapindex":
            if (loc := _text(_child(element, "loc"))) is not None:
                listing.sitemaps.append(urljoin(base, loc))
        elif (item := _item(element, listing.kind, base)) is not None:
            listing.items.append(item)
    return listing
