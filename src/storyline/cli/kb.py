"""The knowledge-base commands: ingest, demo and the queries. Each is a thin layer over
storyline.store and storyline.query: parse arguments, call the API, print text or JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from itertools import chain
from pathlib import Path

from storyline.cli import render
from storyline.cli.crawl import add_parser as add_watch
from storyline.cli.crawl import add_web_options
from storyline.cli.types import iso_date, non_negative_int, positive_int, unit_float
from storyline.limits import MAX_ARTICLE_BYTES

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
DEMO_PERSON = "Daniel Okafor"


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def open_store(args: argparse.Namespace, create: bool = False):  # Store, imported late
    """The store of --db; an --entities file named must be there and readable (RulesError if not),
    said before any work, where the API takes a missing file for no rules yet."""
    from storyline.store import Store, default_path, load_rules

    rules = getattr(args, "entities", None)
    if rules:
        load_rules(rules, required=True)
    return Store(args.db or default_path(), create=create, rules=rules)


# ------------------------------------------------------------------ ingest
def _progress(total: int | None, quiet: bool, counts=None) -> tuple[Callable, Callable]:
    """A tqdm bar (articles/s, ETA) on a terminal, with the records and bytes of archives read
    (`counts`, a ReadCounts) when there are any; nothing otherwise."""
    if quiet or not sys.stderr.isatty():
        return (lambda report: None), (lambda: None)
    import shutil

    from tqdm import tqdm

    size = shutil.get_terminal_size((100, 20))  # a pty of unknown size reports 0 x 0: tqdm would hide
    bar = tqdm(
        total=total, unit="article", file=sys.stderr, ncols=size.columns, nrows=size.lines, smoothing=0.1
    )
    state = {"seen": 0, "failed": 0, "warnings": 0}

    def update(report) -> None:
        for item in report.failed[state["failed"] :]:
            bar.write(f"storyline: error: {item}", file=sys.stderr)
        for warning in report.warnings[state["warnings"] :]:
            bar.write(f"storyline: warning: {warning}", file=sys.stderr)
        state["failed"], state["warnings"] = len(report.failed), len(report.warnings)
        bar.update(report.read - state["seen"])
        state["seen"] = report.read
        archive = (
            {"records": counts.records, "MB": counts.bytes // 1_000_000} if counts and counts.records else {}
        )
        bar.set_postfix(
            added=report.added,
            duplicates=report.duplicates,
            failed=len(report.failed),
            **archive,
            refresh=False,
        )

    return update, bar.close


def run_ingest(args: argparse.Namespace, paths: list[str]) -> int:
    from storyline.cli.crawl import web_input
    from storyline.ingest import expand, read_inputs
    from storyline.model import ReadCounts
    from storyline.readers import suffix_of
    from storyline.readers.metadata import MetadataError
    from storyline.readers.warc import WARC_SUFFIXES
    from storyline.store.identity import RulesError

    try:
        store = open_store(args, create=True)
    except RulesError as e:
        print(f"storyline: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    with store, web_input(args, store) as web:
        inputs = list(expand(paths))  # each a file (or a reason it cannot be read): the bar's total
        single = web is None and all(
            not isinstance(p, str)
            or (p != "-" and suffix_of(p) not in {".jsonl", ".ndjson", ".csv", *WARC_SUFFIXES})
            for p in inputs
        )
        counts = ReadCounts()
        update, close = _progress(len(inputs) if single else None, args.quiet, counts)
        try:
            items = read_inputs(
                paths,
                plain=args.plain,
                published=args.published,
                max_bytes=args.max_bytes,
                metadata=args.metadata,
                discover=not getattr(args, "no_metadata", False),
                on_metadata=lambda found: print(
                    f"storyline: using metadata {found} for the files beside it "
                    "(--metadata FILE to choose one, --no-metadata for none)",
                    file=sys.stderr,
                ),
                counts=counts,
            )
            report = _ingest_with(args, store, chain(items, web.items()) if web else items, update, counts)
        except (MetadataError, RulesError) as e:
            close()
            print(f"storyline: error: {e}", file=sys.stderr)
            return EXIT_USAGE
        close()
        print_report(args, store, report)
        if web is not None:
            print(f"storyline: web: {web.summary()}", file=sys.stderr)
    return EXIT_FAILED if report.failed else EXIT_OK


def print_report(args: argparse.Namespace, store, report, prefix: str = "") -> None:
    """An ingest's warnings and failures (unless the progress bar showed them) and its summary."""
    if args.quiet or not sys.stderr.isatty():
        for warning in report.warnings:
            print(f"storyline: warning: {warning}", file=sys.stderr)
        for item in report.failed:
            print(f"storyline: error: {item}", file=sys.stderr)
    print(f"storyline: {prefix}{store.path}: {report.summary()}", file=sys.stderr)


def _ingest_with(args: argparse.Namespace, store, items, update, counts=None):
    """Ingest here, or with the extraction on a Dask cluster (--workers N, --scheduler ADDRESS)."""
    from storyline.ingest import ingest

    workers, scheduler = getattr(args, "workers", None), getattr(args, "scheduler", None)
    if not workers and not scheduler:
        return ingest(store, items, batch_size=args.batch_size, on_article=update, counts=counts)
    from storyline.ingest.work import on_cluster
    from storyline.scale.cluster import dask_client

    with dask_client(workers, scheduler) as client:
        extract = on_cluster(client, batch=2 * args.batch_size)
        return ingest(store, items, on_article=update, extract=extract, counts=counts)


def cmd_ingest(args: argparse.Namespace) -> int:
    from storyline.cli.crawl import wants_web

    if not args.paths and not wants_web(args):
        print(
            "storyline ingest: error: nothing to ingest: give PATHs, or --url, --feed or --sitemap "
            "(see 'storyline ingest --help')",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return run_ingest(args, args.paths)


def cmd_demo(args: argparse.Namespace) -> int:
    """Ingest the bundled demo corpus (and the founding article) into a store, print a timeline."""
    demo = EXAMPLES / "demo"
    if not demo.is_dir():
        print(
            f"storyline: error: {demo}: the demo corpus is not here (run from a source checkout)",
            file=sys.stderr,
        )
        return EXIT_FAILED
    with tempfile.TemporaryDirectory(prefix="storyline-demo-") as tmp:
        args.db = args.db or str(Path(tmp) / "demo.db")
        args.metadata = str(EXAMPLES / "metadata.tsv")
        args.plain, args.published, args.max_bytes, args.entities = False, None, MAX_ARTICLE_BYTES, None
        paths = [str(demo), *map(str, sorted(EXAMPLES.glob("*.txt")))]
        status = run_ingest(args, paths)
        if status == EXIT_USAGE:
            return status
        args.name = args.person
        print(file=sys.stderr)
        return max(status, cmd_timeline(args))


# ------------------------------------------------------------------ queries
def _query(args: argparse.Namespace, ask: Callable, show: Callable[[object], str]) -> int:
    from storyline.query import QueryError
    from storyline.store import StoreError

    try:
        with open_store(args) as store:
            result = ask(store.conn)
    except (QueryError, StoreError) as e:
        print(f"storyline: error: {e}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        from storyline.query.common import plain

        _print_json(plain(result))
    else:
        print(show(result))
    return EXIT_OK


def _min_confidence(args: argparse.Namespace) -> float:
    """--all: 0; --min-confidence X: X; neither: the default threshold."""
    from storyline.query import DEFAULT_MIN_CONFIDENCE

    if getattr(args, "all", False):
        return 0.0
    given = getattr(args, "min_confidence", None)
    return DEFAULT_MIN_CONFIDENCE if given is None else given


def cmd_timeline(args: argparse.Namespace) -> int:
    from storyline.query import timeline

    return _query(
        args,
        lambda conn: timeline(
            conn,
            args.name,
            limit=args.limit or None,
            evidence=args.evidence or None,
            min_confidence=_min_confidence(args),
        ),
        lambda r: render.timeline(r, args.evidence),  # type: ignore[arg-type]
    )


def cmd_story(args: argparse.Namespace) -> int:
    from storyline.query import story

    return _query(
        args,
        lambda conn: story(
            conn,
            " ".join(args.query),
            limit=args.limit or None,
            evidence=args.evidence or None,
            min_confidence=_min_confidence(args),
            since=args.since,
            until=args.until,
        ),
        lambda r: render.story(r, args.evidence),  # type: ignore[arg-type]
    )


def cmd_quotes(args: argparse.Namespace) -> int:
    from storyline.query import quotes

    return _query(
        args,
        lambda conn: quotes(
            conn,
            speaker=args.speaker,
            about=args.about,
            search=args.search,
            since=args.since,
            until=args.until,
            limit=args.limit or None,
            reports=args.evidence or None,
        ),
        lambda r: render.quotes(r, args.evidence),  # type: ignore[arg-type]
    )


def cmd_people(args: argparse.Namespace) -> int:
    from storyline.query import people

    if getattr(args, "why", False):
        if not args.name:
            print(
                "storyline: error: people --why needs a NAME (e.g. storyline people Obama --why)",
                file=sys.stderr,
            )
            return EXIT_USAGE
        from storyline.query.people import why

        return _query(args, lambda conn: why(conn, args.name), _render_why)  # type: ignore[arg-type]
    kind = None if args.type == "all" else args.type
    search = args.search or getattr(args, "name", None)
    return _query(
        args,
        lambda conn: people(conn, search=search, type_=kind, limit=args.limit or None),
        render.people,  # type: ignore[arg-type]
    )


def _render_why(result) -> str:  # a query.people.Why
    e = result.entity
    out = [f"{e.name} ({e.type}, entity {e.id}, {e.articles} articles): its names, and why each joined it"]
    for name in result.names:
        out.append(f"  {name.name}: {name.articles} article{'' if name.articles == 1 else 's'}")
        for r in name.reasons:
            more = f"  (and {r.variants - 1} more like it, with other counts)" if r.variants > 1 else ""
            out.append(f"    {r.articles:>6}  {r.reason}{more}")
    return "\n".join(out)


def cmd_relations(args: argparse.Namespace) -> int:
    from storyline.query import relations

    return _query(
        args,
        lambda conn: relations(
            conn, args.name, evidence=args.evidence or None, min_confidence=_min_confidence(args)
        ),
        lambda r: render.relations(r, args.evidence),
    )  # type: ignore[arg-type]


def cmd_contradictions(args: argparse.Namespace) -> int:
    from storyline.query import contradictions

    return _query(
        args,
        lambda conn: contradictions(conn, args.name),
        lambda r: render.contradictions(r, args.evidence),  # type: ignore[arg-type]
    )


def cmd_stats(args: argparse.Namespace) -> int:
    from storyline.query import stats

    return _query(args, stats, render.stats)  # type: ignore[arg-type]


def cmd_migrate(args: argparse.Namespace) -> int:
    """Bring an existing store to this version's schema: the one thing besides ingest that writes
    to a store (the queries refuse an older one rather than change it)."""
    from storyline.store import VERSION, Store, StoreError, default_path

    path = args.db or default_path()
    try:
        if not Path(path).is_file():
            raise StoreError(f"{path}: no store here; run 'storyline ingest' first (or pass --db)")
        with Store(path, create=True) as store:
            found = store.upgraded_from
    except StoreError as e:
        print(f"storyline: error: {e}", file=sys.stderr)
        return EXIT_FAILED
    done = f"upgraded from schema version {found} to {VERSION}" if found < VERSION else "already current"
    print(f"storyline: {path}: {done}", file=sys.stderr)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from storyline.query import export
    from storyline.store import StoreError

    try:
        with open_store(args) as store:
            written = export(store.conn, args.format, args.out, args.table or None)
    except (StoreError, ValueError) as e:
        print(f"storyline: error: {e}", file=sys.stderr)
        return EXIT_FAILED
    for path in written:
        print(path)
    return EXIT_OK


# ------------------------------------------------------------------ parsers
def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH", help="the store (default: $STORYLINE_DB, else ./storyline.db)")


def _output(p: argparse.ArgumentParser, evidence: bool = True) -> None:
    _db(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    if evidence:
        p.add_argument(
            "--evidence",
            type=non_negative_int,
            default=1,
            metavar="N",
            help="reports shown per line (default 1; 0: all)",
        )


def _confidence(p: argparse.ArgumentParser) -> None:
    from storyline.query import DEFAULT_MIN_CONFIDENCE

    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--min-confidence",
        type=unit_float,
        metavar="X",
        help=f"events and relations of confidence X (0-1) or more (default {DEFAULT_MIN_CONFIDENCE})",
    )
    which.add_argument(
        "--all", action="store_true", help="every event and relation, low-confidence ones included"
    )


def add_parsers(sub: argparse._SubParsersAction, add_reading: Callable) -> None:
    """Register the knowledge-base commands on the main parser."""
    p = sub.add_parser(
        "ingest",
        help="extract articles into the store (idempotent, resumable)",
        description="Read articles (files, folders walked recursively, globs, '-' for JSON Lines on stdin), "
        "extract them and store the results. Articles already stored (same cleaned text) are skipped, noting "
        "any new source; each article is committed on its own, so an interrupted run loses nothing and a "
        "rerun finishes the job. Pages (--url), feeds (--feed) and sitemaps (--sitemap) are fetched politely "
        "(robots.txt, a rate limit per host); a URL already stored is not fetched again unless --refresh.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files (text, HTML, JSON Lines, CSV, WARC/ARC, gzipped or not), folders, globs, "
        "or - for JSON Lines on stdin",
    )
    _db(p)
    add_reading(p)
    p.add_argument(
        "--metadata",
        metavar="FILE",
        help="CSV/TSV of file name, published, source, title, author, url for the inputs; its values win "
        "over the files'. Default: a metadata.tsv/.csv in a folder given or up to two folders above it "
        "(e.g. PolNeAR's)",
    )
    p.add_argument(
        "--no-metadata",
        action="store_true",
        help="do not look for metadata.tsv/.csv beside the folders given",
    )
    p.add_argument(
        "--entities",
        metavar="FILE",
        help="merges and splits of entities (default: STORE.entities.txt beside the store), "
        "applied on ingest",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=positive_int,
        metavar="N",
        help="extract on a local Dask cluster of N worker processes",
    )
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="extract on an existing Dask cluster, e.g. tcp://10.0.0.5:8786"
    )
    add_web_options(p, inputs=True)
    p.set_defaults(func=cmd_ingest)
    add_watch(sub, add_reading, _db)

    p = sub.add_parser(
        "demo",
        help="ingest the bundled demo corpus into a temporary store and print a timeline",
        description="Ingest examples/demo (24 fictional articles from 8 outlets over eight months) and the "
        "founding article into a temporary store, then print one person's timeline.",
    )
    p.add_argument("--person", default=DEMO_PERSON, help=f"whose timeline to print (default {DEMO_PERSON!r})")
    _output(p)
    p.add_argument("--batch-size", type=positive_int, default=16, metavar="N", help=argparse.SUPPRESS)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _confidence(p)
    p.set_defaults(func=cmd_demo, limit=None, evidence=1)

    p = sub.add_parser(
        "timeline",
        help="one person's events, quotes and relations across all articles, by date",
        description="Events, quotes by and about, relation changes and past dates the person refers to, "
        "ordered by resolved date (fuzzy dates by the first day they cover, coarser first; bounds such as "
        "'before 2018-01-25' just before that day; undated last). Each line names its evidence. An event "
        "line is one real event with every article that reports it. Events and relations below the "
        "confidence threshold are left out unless --all or --min-confidence says otherwise.",
    )
    p.add_argument("name", help="a name or alias, e.g. 'Russell Simmons'")
    _output(p)
    p.add_argument(
        "--limit", type=non_negative_int, default=0, metavar="N", help="at most N lines (default 0: all)"
    )
    _confidence(p)
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser(
        "story",
        help="the timeline of a story: people together, an event type, or words from a quote",
        description="The timeline of everything QUERY matches, one line per fact with its evidence, as "
        "in 'timeline'. QUERY is read word by word: the longest run of words that is a name or alias "
        "in the store is that person or organisation ('Okafor', 'Lucy Brennan'); a word that is an "
        "event type, or its plural, is that type (resignation, lawsuits, charge, verdict, accusation, "
        "denial, statement, meeting, appointment, trial...); 'and', '&', 'with', 'vs.' between names "
        "are dropped; any other word is searched for in the quotes, and words in double quotes as an "
        "exact phrase ('\"make the numbers clean\"'). Names keep the lines that involve all of them "
        "(events with each as a participant, quotes by one of them naming the others, relations "
        "between two); types choose events of those types, words choose quotes containing them; "
        "names alone give every kind of line. The first line says how QUERY was read.",
        epilog="examples: storyline story Okafor Brennan; storyline story resignation; "
        "storyline story Raman lawsuit; storyline story '\"make the numbers clean\"'",
    )
    p.add_argument(
        "query", nargs="+", metavar="QUERY", help="names, event types and words, e.g. Okafor Brennan"
    )
    _output(p)
    p.add_argument(
        "--limit", type=non_negative_int, default=0, metavar="N", help="at most N lines (default 0: all)"
    )
    p.add_argument(
        "--since", type=iso_date, metavar="YYYY-MM-DD", help="only dated lines that reach this day or later"
    )
    p.add_argument(
        "--until", type=iso_date, metavar="YYYY-MM-DD", help="only dated lines that begin by this day"
    )
    _confidence(p)
    p.set_defaults(func=cmd_story)

    p = sub.add_parser(
        "quotes",
        help="quotes by speaker, subject, words and date",
        description="Quotes, one per "
        "quote group (the same quote from several outlets), oldest first, with every report.",
    )
    p.add_argument("--speaker", metavar="NAME", help="said by this person")
    p.add_argument("--about", metavar="NAME", help="naming this person or organisation")
    p.add_argument("--search", metavar="TEXT", help="containing all these words (full-text search)")
    p.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD", help="made on or after this day")
    p.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD", help="made on or before this day")
    p.add_argument(
        "--limit",
        type=non_negative_int,
        default=100,
        metavar="N",
        help="at most N quotes (default 100; 0: all)",
    )
    _output(p)
    p.set_defaults(func=cmd_quotes)

    p = sub.add_parser(
        "people",
        help="people (or other entities) with counts",
        description="Entities by the "
        "number of articles that mention them, with their aliases, quotes and events. With NAME --why: "
        "the names that entity was found under, each with its articles and the reason it joined the "
        "entity (same full name, a one-word name the corpus makes unambiguous, an acronym, a rule...).",
    )
    p.add_argument(
        "name",
        nargs="?",
        metavar="NAME",
        help="part of a name or alias (like --search); with --why, the entity",
    )
    p.add_argument("--search", metavar="TEXT", help="part of a name or alias")
    p.add_argument(
        "--why",
        action="store_true",
        help="the names NAME's entity was found under, each with its articles and why it joined the entity",
    )
    p.add_argument(
        "--type",
        default="PERSON",
        choices=["PERSON", "ORG", "GPE", "NORP", "WORK", "OTHER", "all"],
        help="entity type (default PERSON)",
    )
    p.add_argument(
        "--limit", type=non_negative_int, default=50, metavar="N", help="at most N (default 50; 0: all)"
    )
    _output(p, evidence=False)
    p.set_defaults(func=cmd_people)

    p = sub.add_parser("relations", help="a person's relations (spouse, child, founder...)")
    p.add_argument("name", help="a name or alias")
    _output(p)
    _confidence(p)
    p.set_defaults(func=cmd_relations)

    p = sub.add_parser(
        "contradictions",
        help="pairs where one side affirms what the other denies",
        description="Accusations and their denials, accusations and defences, events reported both as "
        "happening and as not, and one speaker's claim about the person that another speaker denies.",
    )
    p.add_argument("name", help="a name or alias")
    _output(p)
    p.set_defaults(func=cmd_contradictions)

    p = sub.add_parser("stats", help="counts of articles, entities, quotes, events, relations")
    _output(p, evidence=False)
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser(
        "migrate",
        help="upgrade a store written by an older storyline to this version's schema",
        description="Bring the store's schema up to this version of storyline (ingest does the same "
        "before it writes). The other commands only read a store, and refuse one of an older schema "
        "rather than change it.",
    )
    _db(p)
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser(
        "export",
        help="write the store's tables as JSON Lines, CSV or Parquet",
        description="Write the store's tables for other tools. In CSV, a text cell that starts with "
        "= + - @ (or a tab, carriage return, newline or NUL) gets a leading single quote (') so "
        "that a spreadsheet shows it as text rather than running it as a formula; JSON Lines and "
        "Parquet keep every value as stored.",
    )
    p.add_argument(
        "--format", choices=["json", "csv", "parquet"], default="json", help="default json (Lines)"
    )
    p.add_argument(
        "--out", default="storyline-export", metavar="DIR", help="folder (default ./storyline-export)"
    )
    p.add_argument(
        "--table",
        action="append",
        metavar="NAME",
        help="only this table (articles, entities, quotes, events, relations); repeatable",
    )
    _db(p)
    p.set_defaults(func=cmd_export)
