"""Input from the web on the command line: `ingest --url/--feed/--sitemap` and `watch`, thin layers
over storyline.ingest.crawl and readers.fetch."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain

from storyline.cli.types import interval, non_negative_int, rate, timeout

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
WEB_INPUTS = ("url", "feed", "sitemap")


def add_web_options(p: argparse.ArgumentParser, *, inputs: bool) -> None:
    """How pages are fetched (and, for ingest, which): shared by ingest and watch."""
    g = p.add_argument_group("input from the web")
    if inputs:
        for name, what in (
            ("--url", "a page to ingest"),
            ("--feed", "an RSS or Atom feed"),
            ("--sitemap", "a sitemap or sitemap index"),
        ):
            g.add_argument(name, action="append", default=[], metavar="URL", help=f"{what} (repeatable)")
    g.add_argument(
        "--refresh",
        action="store_true",
        help="fetch pages already stored again (a page whose text changed becomes a new version)",
    )
    g.add_argument(
        "--rate", type=rate, default=1.0, metavar="R", help="requests per second to one host (default 1)"
    )
    g.add_argument(
        "--timeout", type=timeout, default=10.0, metavar="S", help="seconds to wait for a server (default 10)"
    )
    g.add_argument(
        "--retries",
        type=non_negative_int,
        default=3,
        metavar="N",
        help="retries on 429, 5xx and failed connections (default 3)",
    )
    g.add_argument(
        "--allow-private",
        action="store_true",
        help="fetch private, loopback and link-local addresses too (refused by default)",
    )


def wants_web(args: argparse.Namespace) -> bool:
    return any(getattr(args, name, None) for name in WEB_INPUTS)


def _note(args: argparse.Namespace):
    """A line of progress on stderr (above a progress bar, if one is drawn); none with --quiet."""

    def note(line: str) -> None:
        if args.quiet:
            return
        if sys.stderr.isatty():
            from tqdm import tqdm

            tqdm.write(f"storyline: {line}", file=sys.stderr)
        else:
            print(f"storyline: {line}", file=sys.stderr)

    return note


def _fetcher(args: argparse.Namespace):  # a readers.fetch.Fetcher, imported late
    from storyline.readers.fetch import Fetcher, FetchPolicy

    return Fetcher(
        FetchPolicy(
            rate=args.rate,
            timeout=args.timeout,
            retries=args.retries,
            max_bytes=args.max_bytes,
            allow_private=args.allow_private,
        )
    )


class WebInput:
    """The pages, feeds and sitemaps an ingest was given, as articles (or errors) for it to store."""

    def __init__(self, args: argparse.Namespace, store, fetcher) -> None:
        from storyline.ingest.crawl import Crawl

        self.args, self.fetcher = args, fetcher
        self.crawl = Crawl(store.conn, fetcher, refresh=args.refresh, note=_note(args))

    def items(self) -> Iterator:
        listings = [*self.args.feed, *self.args.sitemap]
        return chain(self.crawl.pages(self.args.url), self.crawl.listings(listings))

    def summary(self) -> str:
        return self.crawl.counts.summary(self.fetcher.requests)


@contextmanager
def web_input(args: argparse.Namespace, store) -> Iterator[WebInput | None]:
    """The web input of an ingest, if it was given any; its connections are closed after."""
    if not wants_web(args):
        yield None
        return
    with _fetcher(args) as fetcher:
        yield WebInput(args, store, fetcher)


# ------------------------------------------------------------------ watch
def cmd_watch(args: argparse.Namespace) -> int:
    from storyline.cli.kb import _ingest_with, _progress, open_store, print_report
    from storyline.ingest.crawl import Crawl, feed_list, watch
    from storyline.store.identity import RulesError

    urls, problems = feed_list(args.feeds)
    if not urls:
        for problem in problems:
            print(f"storyline: error: {problem}", file=sys.stderr)
        print("storyline: error: no feeds to watch", file=sys.stderr)
        return EXIT_USAGE
    try:
        store = open_store(args, create=True)
    except RulesError as e:
        print(f"storyline: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    failed = False

    def one_round(number: int) -> None:
        nonlocal failed
        urls, problems = feed_list(args.feeds)  # read again each round: edits apply without a restart
        crawl = Crawl(store.conn, fetcher, refresh=args.refresh, note=_note(args))
        update, close = _progress(None, args.quiet)
        try:
            report = _ingest_with(args, store, chain(problems, crawl.listings(urls)), update)
        finally:
            close()
        failed = failed or bool(report.failed)
        print_report(args, store, report, f"round {number}: ")
        print(f"storyline: round {number}: web: {crawl.counts.summary(fetcher.requests)}", file=sys.stderr)

    previous = signal.signal(signal.SIGTERM, _stop) if _main_thread() else None
    rounds = 0
    try:
        with store, _fetcher(args) as fetcher:
            rounds = watch(one_round, args.interval, once=args.once)
    except KeyboardInterrupt:
        print(f"storyline: watch stopped; what was ingested is kept ({store.path})", file=sys.stderr)
        return EXIT_OK
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return EXIT_FAILED if failed and rounds == 1 else EXIT_OK


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops a watch as Ctrl-C does: the store is committed and closed


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def add_parser(sub: argparse._SubParsersAction, add_reading, add_db) -> None:
    p = sub.add_parser(
        "watch",
        help="re-read feeds and sitemaps on an interval, ingesting what is new",
        description="Read a list of feeds and sitemaps now and then every --interval, ingesting only the "
        "items that are new or updated (a page whose text changed becomes a new version of its article). "
        "What each feed last said is kept in the store, so a restarted watch goes on where it stopped. "
        "Ctrl-C stops it cleanly.",
    )
    p.add_argument(
        "feeds",
        nargs="+",
        metavar="FEEDS_FILE_OR_URL",
        help="feed or sitemap URLs, or files listing them (one a line, # comments; read again each round)",
    )
    add_db(p)
    add_reading(p)
    p.add_argument(
        "--interval",
        type=interval,
        default=900.0,
        metavar="DURATION",
        help="between the starts of rounds: 90s, 15m, 1h (default 15m)",
    )
    p.add_argument("--once", action="store_true", help="one round, then stop")
    p.add_argument("--entities", metavar="FILE", help="merges and splits of entities (as for ingest)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_web_options(p, inputs=False)
    p.set_defaults(func=cmd_watch)
