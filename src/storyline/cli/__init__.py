"""The `storyline` command: a thin layer over the Python API.

Every command reads its inputs one by one, reports each bad input as one line on stderr and goes on;
the exit code is 1 when any input failed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline import __version__
from storyline.cli.types import Parser, iso_date, positive_int
from storyline.limits import MAX_ARTICLE_BYTES
from storyline.model import Article, ReadCounts, ReadError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EVAL_CORPORA = ("polnear", "timeml", "meantime", "events", "meantime-coref", "gap", "near-duplicates")


class _Reporter:
    """Counts and prints per-input problems, one line each, and shows progress on a terminal."""

    def __init__(self, total: int, quiet: bool = False):
        self.failed = 0
        self.done = 0
        self.total = total
        self.progress = sys.stderr.isatty() and total > 1 and not quiet

    def error(self, item: ReadError | str) -> None:
        self.failed += 1
        self._clear()
        print(f"storyline: error: {item}", file=sys.stderr)

    def warn(self, where: str, message: str) -> None:
        self._clear()
        print(f"storyline: warning: {where}: {message}", file=sys.stderr)

    def tick(self) -> None:
        self.done += 1
        if self.progress:
            print(f"\r{self.done} articles read ({self.failed} failed)", end="", file=sys.stderr, flush=True)

    def _clear(self) -> None:
        if self.progress and self.done:
            print("\r\033[K", end="", file=sys.stderr)

    def finish(self) -> None:
        if self.progress and self.done:
            print(file=sys.stderr)


def _articles(args: argparse.Namespace, reporter: _Reporter, counts: ReadCounts) -> Iterator[Article]:
    from storyline.readers import read_path

    for path in args.files:
        for item in read_path(
            path, plain=args.plain, published=args.published, max_bytes=args.max_bytes, counts=counts
        ):
            if isinstance(item, ReadError):
                reporter.error(item)
                continue
            for w in item.warnings:
                reporter.warn(item.input_id or str(path), w)
            yield item


def cmd_extract(args: argparse.Namespace) -> int:
    if args.out:
        from storyline.cli.scale import cmd_extract_out

        return cmd_extract_out(args)
    from storyline import extract_many
    from storyline.cli.summary import render
    from storyline.contract import to_json

    reporter = _Reporter(len(args.files))
    counts = ReadCounts()
    out = sys.stdout
    for article in extract_many(_articles(args, reporter, counts), batch_size=args.batch_size):
        reporter.tick()
        if article.failure:
            reporter.error(f"{article.input_id}: {article.failure}")
            continue
        out.write(to_json(article) + "\n" if args.json else render(article) + "\n")
    reporter.finish()
    if skipped := counts.summary():  # archive records that are not articles: said, not errors
        print(f"storyline: {skipped}", file=sys.stderr)
    return EXIT_FAILED if reporter.failed else EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    if args.corpus == "polnear":
        from storyline.eval.polnear import main as run

        return run(args)
    if args.corpus in {"timeml", "meantime"}:
        from storyline.eval.timex import main as run

        return run(args)
    if args.corpus == "events":
        from storyline.eval.events import main as run

        return run(args)
    if args.corpus in {"meantime-coref", "gap"}:
        from storyline.eval.coref import main as run

        return run(args)
    if args.corpus == "near-duplicates":
        from storyline.eval.near_duplicates import main as run

        return run(args)
    print(f"storyline: error: unknown corpus {args.corpus!r}", file=sys.stderr)
    return EXIT_USAGE


def _reading_options(p: argparse.ArgumentParser) -> None:
    """How inputs are read: shared by extract and ingest."""
    p.add_argument("--plain", action="store_true", help="take each text file's whole content as the body")
    p.add_argument(
        "--published", type=iso_date, metavar="YYYY-MM-DD", help="publication date where the input has none"
    )
    p.add_argument(
        "--batch-size",
        type=positive_int,
        default=16,
        metavar="N",
        help="articles per spaCy batch (default 16)",
    )
    p.add_argument(
        "--max-bytes",
        type=positive_int,
        default=MAX_ARTICLE_BYTES,
        metavar="N",
        help=f"skip files larger than this (default {MAX_ARTICLE_BYTES // 1_000_000} MB)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="storyline",
        description="Dated news articles in; who said what, about whom, and when out.",
    )
    parser.add_argument("--version", action="version", version=f"storyline {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "extract",
        help="extract quotes, speakers, entities, dates, events and relations from articles",
        description="Read articles (text in the seed format, HTML, JSON Lines, CSV, WARC/ARC) and print what "
        "they say: dates, quotes grouped by speaker, events and relations; or, with --json, one JSON "
        "object per article (docs/storyline-json.md).",
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="article files (.txt, .html, .jsonl, .csv, .warc, .warc.gz, .arc)",
    )
    p.add_argument("--json", action="store_true", help="print the JSON contract, one line per article")
    _reading_options(p)
    p.add_argument(
        "--out",
        metavar="DIR",
        help="write a Parquet dataset partitioned by publication month instead of printing "
        "(articles, entities, mentions, quotes, timexes, events, relations)",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=positive_int, metavar="N", help="with --out: extract on a local Dask cluster"
    )
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="with --out: extract on an existing Dask cluster"
    )
    p.add_argument(
        "--part-size", type=positive_int, default=256, metavar="N", help="with --out: articles per part file"
    )
    p.add_argument("--quiet", action="store_true", help="no progress line")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser(
        "eval",
        help="score extraction against an annotated corpus",
        description="Score quote extraction against PolNeAR (brat Source/Cue/Content), with textacy's "
        "direct_quotations as the peer baseline; time expressions against TimeML / MEANTIME "
        "(TempEval-3 measures), with dateparser's search_dates as the peer baseline, in the same run; "
        "events and relations against hand-annotated articles (precision and recall per type); or "
        "entity coreference against MEANTIME (mention recall, within- and cross-article B-cubed, beside "
        "same-string and no-linking baselines) and GAP (pronoun-name F1 by gender, beside the "
        "nearer-name baseline); or the near-duplicate decision (precision and recall on a set built "
        "from the demo corpus and PolNeAR).",
    )
    p.add_argument(
        "corpus",
        choices=EVAL_CORPORA,
        help="polnear: quotes (brat); timeml: time expressions (TempEval-3 .tml); meantime: time "
        "expressions (MEANTIME CAT XML); events: events and relations (NAME.txt + NAME.json pairs, "
        "e.g. tests/events_dev, or articles.jsonl + gold.json, e.g. ../shared/data/events_news); "
        "meantime-coref: PER/ORG entity coreference (MEANTIME CAT XML); "
        "gap: pronoun coreference (a GAP .tsv, or the GAP folder); near-duplicates: the near-duplicate "
        "decision on copies with controlled edits of the demo corpus and PolNeAR (the PolNeAR folder)",
    )
    p.add_argument(
        "dir",
        type=Path,
        help="the corpus folder, e.g. ../shared/data/polnear/dev, ../shared/data/tbaq; for gap, the "
        "folder or a .tsv file",
    )
    p.add_argument("--limit", type=positive_int, metavar="N", help="score only the first N articles")
    p.add_argument("--no-baseline", action="store_true", help="skip the peer baseline")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument(
        "--misses",
        action="store_true",
        help="events: also list the expected events not found; with articles.jsonl + gold.json, per "
        "article the missed, unmatched and partly wrong events (gold beside system) and relations",
    )
    p.add_argument(
        "--split",
        choices=["development", "validation"],
        help="gap, given the folder: which split's gap-SPLIT.tsv to score (default development)",
    )
    p.set_defaults(func=cmd_eval)

    from storyline.cli.kb import add_parsers

    add_parsers(sub, _reading_options)

    from storyline.cli.scale import add_parsers as add_scale
    from storyline.cli.serve import add_parser as add_serve

    add_serve(sub)
    add_scale(sub)
    return parser


def main(argv: Iterable[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("storyline: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except (RuntimeError, OSError) as exc:
        print(f"storyline: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
