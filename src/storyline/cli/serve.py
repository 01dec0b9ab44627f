"""`storyline serve`: the web interface and JSON API over a store (uvicorn, loopback by default)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from storyline.cli.types import non_negative_float, port, positive_int
from storyline.limits import MAX_ARTICLE_BYTES

THREADS = 2  # storyline.web.state.THREADS, copied: the CLI starts without the web stack (a test checks)
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")  # storyline.web.security.LOOPBACK_NAMES, copied


def cmd_serve(args: argparse.Namespace) -> int:
    from storyline.store import Store, StoreError, default_path

    db = args.db or default_path()
    try:
        # fail now, with a clear line, rather than on the first request; only a server that may
        # ingest creates or upgrades a store, as `storyline ingest` does
        Store(db, create=args.allow_ingest).close()
    except StoreError as e:
        print(f"storyline: error: {e}", file=sys.stderr)
        return 1
    import uvicorn

    from storyline.web.app import create_app

    hosts = served_hosts(args.host, args.allowed_host or [])
    given = args.token or os.environ.get("STORYLINE_TOKEN")
    token = given
    if args.allow_ingest and not token and args.workers > 1:
        import secrets

        token = secrets.token_urlsafe(24)  # every server process must accept the same token
    app = create_app(
        Path(db),
        allow_ingest=args.allow_ingest,
        token=token,
        max_upload=args.max_upload,
        rate=args.rate_limit,
        threads=args.threads,
        hosts=hosts,
    )
    if args.allow_ingest:
        shown = "from $STORYLINE_TOKEN / --token" if given else app.state.storyline.ingest_token
        print(
            f"storyline: ingest allowed at POST /api/ingest with 'Authorization: Bearer {shown}'",
            file=sys.stderr,
        )
    print(
        f"storyline: serving {db} at http://{args.host}:{args.port}/ (API docs at /api/docs)", file=sys.stderr
    )
    options = {"host": args.host, "port": args.port, "log_level": args.log_level}
    options["access_log"] = args.log_level == "debug"
    if args.workers <= 1:
        uvicorn.run(app, **options)
        return 0
    os.environ.update(  # each server process builds the same app from these (web.app.app_from_env)
        STORYLINE_DB=str(Path(db).resolve()),
        STORYLINE_ALLOW_INGEST="1" if args.allow_ingest else "0",
        STORYLINE_TOKEN=app.state.storyline.ingest_token or "",
        STORYLINE_MAX_UPLOAD=str(args.max_upload),
        STORYLINE_RATE_LIMIT=str(args.rate_limit),
        STORYLINE_THREADS=str(args.threads),
        STORYLINE_HOSTS=" ".join(hosts),
    )
    uvicorn.run("storyline.web.app:app_from_env", factory=True, workers=args.workers, **options)
    return 0


def served_hosts(bound: str, extra: list[str]) -> list[str]:
    """The names a request's Host header may carry: this machine's loopback names, the address
    bound (unless it is every address, which names no host) and the ones added by --allowed-host."""
    names = [*LOOPBACK_NAMES, *([] if bound in {"0.0.0.0", "::", ""} else [bound]), *extra]
    return list(dict.fromkeys(n.strip("[]").lower() for n in names))


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="browse the store in a web browser; JSON API under /api/",
        description="Serve the web interface (search, a person's timeline, articles read against their "
        "quotes and dates, contradictions) and the JSON API (OpenAPI at /api/openapi.json). Bound to "
        "127.0.0.1 unless --host says otherwise; ingest from the web is off unless --allow-ingest.",
    )
    p.add_argument("--db", metavar="PATH", help="the store (default: $STORYLINE_DB, else ./storyline.db)")
    p.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    p.add_argument("--port", type=port, default=8000, help="port (default 8000)")
    p.add_argument(
        "--allowed-host",
        action="append",
        metavar="NAME",
        help="also answer requests whose Host header is NAME (repeatable; default only localhost, "
        "127.0.0.1, ::1 and --host): the names this server is reached by, e.g. behind a proxy",
    )
    p.add_argument("--allow-ingest", action="store_true", help="accept POST /api/ingest (needs the token)")
    p.add_argument("--token", help="the ingest token (default: $STORYLINE_TOKEN, else a random one, printed)")
    p.add_argument(
        "--max-upload",
        type=positive_int,
        default=MAX_ARTICLE_BYTES,
        metavar="BYTES",
        help=f"ingest upload limit ({MAX_ARTICLE_BYTES // 1_000_000} MB)",
    )
    p.add_argument(
        "--rate-limit",
        type=non_negative_float,
        default=50.0,
        metavar="N",
        help="requests per second per client (0: no limit)",
    )
    p.add_argument(
        "--workers", type=positive_int, default=1, metavar="N", help="server processes (default 1)"
    )
    p.add_argument(
        "--threads",
        type=positive_int,
        default=THREADS,
        metavar="N",
        help=f"requests answered at once per process (default {THREADS}; more only adds GIL contention)",
    )
    p.add_argument(
        "--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"]
    )
    p.set_defaults(func=cmd_serve)
