"""Input from the web: pages by URL, the pages feeds and sitemaps list, and `storyline watch`.

Everything is fetched through readers.fetch (robots.txt, a per-host rate limit, retries, limits,
no private addresses) and read by the HTML reader. What the store already has is not fetched
again: a URL that is a source of a stored article is skipped, unless `refresh` asks for every page
again or the feed or sitemap says the item was updated since it was last seen (its updated or
lastmod stamp differs). A page fetched again with the same text only renews its source's fetch
time; with other text it is a new version of its article (store.versions), written by the ingest
like any article. A feed answers a conditional request with its last ETag and Last-Modified, so an
unchanged feed costs one short answer.

Each failure is a ReadError naming the URL and the reason, handed to the ingest with the articles
(one line each, the batch going on). A failure that may pass (a timeout, a 503) leaves the item to
be asked for again next time; one that will not (a 404, no article text on the page) is not asked
for again until its listing says the item changed.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from storyline.model import Article, ReadError
from storyline.readers.fetch import Fetcher, FetchError, clean_url, gunzip, scheme_problem
from storyline.readers.html import read_html_bytes
from storyline.readers.listings import Item, parse_listing
from storyline.store import listings as state

MAX_LISTING_BYTES = 50_000_000  # a sitemap's own limit, uncompressed (sitemaps.org)
MAX_SITEMAPS = 500  # sitemaps read from the indexes of one listing, per run
MAX_DEPTH = 3  # sitemap indexes naming indexes
HTML_TYPES = frozenset(("text/html", "application/xhtml+xml", ""))

Items = Iterator[Article | ReadError]


@dataclass
class CrawlCounts:
    """What a crawl did besides the articles it handed on: the summary's second line."""

    fetched: int = 0  # pages fetched
    known: int = 0  # pages not fetched: their URL is stored
    unchanged: int = 0  # fetched again, the same text
    changed: int = 0  # fetched again, other text: new versions
    listings: int = 0  # feeds and sitemaps read
    not_modified: int = 0  # feeds and sitemaps unchanged since the last visit (304)

    def summary(self, requests: int) -> str:
        parts = [f"{self.fetched:,} pages fetched"]
        if self.changed or self.unchanged:
            parts.append(f"{self.changed:,} changed (new versions), {self.unchanged:,} unchanged")
        parts.append(f"{self.known:,} already stored, not fetched")
        if self.listings or self.not_modified:
            parts.append(f"{self.listings:,} feeds/sitemaps read, {self.not_modified:,} not modified")
        return ", ".join(parts) + f"; {requests:,} requests"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Crawl:
    """Fetches pages and listings for one store. `note` hears a line of progress per listing."""

    conn: sqlite3.Connection  # the store's: read for what it has, written for the listings' state
    fetcher: Fetcher
    refresh: bool = False
    note: Callable[[str], None] = lambda line: None

    def __post_init__(self) -> None:
        self.counts = CrawlCounts()

    # ------------------------------------------------------------------ the public interface
    def pages(self, urls: Iterable[str]) -> Items:
        """The articles at these URLs (those not stored yet, or all with `refresh`), or why not."""
        for url in urls:
            if (found := self.page(url)) is not None:
                yield found

    def listings(self, urls: Iterable[str]) -> Items:
        """The articles the feeds and sitemaps at these URLs list, new or updated ones only."""
        for url in urls:
            yield from self._listing(clean_url(url), 0, set())

    def page(
        self, url: str, *, published: date | None = None, force: bool = False
    ) -> Article | ReadError | None:
        """The article at url, or why not, or None when there is nothing to do: the URL is stored
        (and neither `force` nor `refresh` asks again), or its text is unchanged."""
        if (why := scheme_problem(url.strip())) is not None:
            return FetchError(url, why)
        url = clean_url(url)
        known = state.articles_at(self.conn, url)
        if known and not (force or self.refresh):
            self.counts.known += 1
            return None
        page = self.fetcher.get(url)
        if isinstance(page, FetchError):
            return page
        self.counts.fetched += 1
        if page.content_type not in HTML_TYPES:
            return FetchError(url, f"not an HTML page ({page.content_type})")
        found = read_html_bytes(
            page.body,
            url,
            published=published or page.fetched_at.date(),  # a page without a date: by the fetch day
            source=urlsplit(page.final_url).hostname,
            url=url,
        )
        if isinstance(found, ReadError):
            return FetchError(url, found.reason)
        article = replace(found, url=url, fetched_at=page.fetched_at)
        if article.id in known:
            state.touch(self.conn, article.id, url, page.fetched_at.isoformat())
            self.counts.unchanged += 1
            return None
        self.counts.changed += bool(known)
        return article

    # ------------------------------------------------------------------ feeds and sitemaps
    def _listing(self, url: str, depth: int, seen: set[str]) -> Generator[Article | ReadError, None, bool]:
        """The new and updated articles of one listing; returns whether every item was dealt with
        (only then are its validators kept, so that a failed item is asked for again)."""
        if url in seen:
            return True
        seen.add(url)
        conn = self.conn
        etag, modified = (None, None) if self.refresh else state.validators(conn, url)
        page = self.fetcher.get(url, etag=etag, last_modified=modified, max_bytes=MAX_LISTING_BYTES)
        if isinstance(page, FetchError):
            yield page
            return False
        if page.status == 304:
            self.counts.not_modified += 1
            self.note(f"{url}: not modified since the last visit")
            return True
        body = gunzip(page.body, MAX_LISTING_BYTES) if page.body[:2] == b"\x1f\x8b" else page.body
        listing = parse_listing(body, page.final_url) if isinstance(body, bytes) else body
        if isinstance(listing, str):
            yield FetchError(url, listing)
            return False
        self.counts.listings += 1
        if listing.cut:
            self.note(f"{url}: {listing.cut:,} items past the first {len(listing.items):,} left out")
        done = True
        if listing.kind == "sitemapindex":
            if depth >= MAX_DEPTH:
                yield FetchError(url, f"sitemap indexes nested more than {MAX_DEPTH} deep; not read")
                return False
            for child in listing.sitemaps[: max(0, MAX_SITEMAPS - len(seen) + 1)]:
                done = (yield from self._listing(clean_url(child), depth + 1, seen)) and done
        else:
            done = yield from self._items(url, listing.items)
        if done:
            state.save_validators(conn, url, page.etag, page.last_modified, _now())
        return done

    def _items(self, listing: str, items: list[Item]) -> Generator[Article | ReadError, None, bool]:
        conn = self.conn
        seen = state.items_seen(conn, listing)
        before = (self.counts.known, self.counts.fetched, self.counts.changed)
        done, handed = True, 0
        for item in items:
            last = seen.get(item.id)
            changed = last is not None and item.updated is not None and last.updated != item.updated
            if last is not None and last.outcome == state.NOT_ARTICLE and not (changed or self.refresh):
                continue
            found = self.page(item.url, published=item.published, force=changed)
            lasting = not isinstance(found, FetchError) or found.lasting
            if isinstance(found, ReadError) and not lasting:
                done = False  # asked for again next time: its stamp is not recorded
            else:
                outcome = state.NOT_ARTICLE if isinstance(found, ReadError) else state.ARTICLE
                state.record_item(conn, listing, item.id, item.url, item.updated, outcome, _now())
            if found is not None:
                handed += isinstance(found, Article)
                yield found
        if done:
            state.forget_items(conn, listing, {item.id for item in items})
        known, fetched, changed = (
            now - then
            for now, then in zip(
                (self.counts.known, self.counts.fetched, self.counts.changed), before, strict=True
            )
        )
        self.note(
            f"{listing}: {len(items):,} items; {fetched:,} fetched ({handed:,} to extract, {changed:,} of "
            f"them changed), {known:,} already stored"
        )
        return done


def feed_list(args: Iterable[str]) -> tuple[list[str], list[ReadError]]:
    """The feed URLs given: each argument a URL, or a file of URLs (one a line, # comments)."""
    urls: list[str] = []
    errors: list[ReadError] = []
    for arg in args:
        if "://" in arg:
            urls.append(arg.strip())
            continue
        try:
            with open(arg, encoding="utf-8", errors="replace") as f:
                lines = [line.split("#", 1)[0].strip() for line in f]
        except OSError as e:
            errors.append(
                ReadError(arg, f"cannot read the list of feeds ({(e.strerror or type(e).__name__).lower()})")
            )
            continue
        urls += [line for line in lines if line]
        if not any(lines):
            errors.append(ReadError(arg, "no feed URLs in it"))
    return list(dict.fromkeys(urls)), errors


def watch(
    one_round: Callable[[int], object],
    interval: float,
    *,
    once: bool = False,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] | None = None,
) -> int:
    """Run one_round(n) now, then every `interval` seconds from the start of the last, until
    stopped (Ctrl-C raises KeyboardInterrupt for the caller) or, with `once`, after one round.
    Returns the number of rounds run."""
    rounds = 0
    while True:
        rounds += 1
        started = clock()
        one_round(rounds)
        if once:
            return rounds
        (sleep or time.sleep)(max(0.0, interval - (clock() - started)))
