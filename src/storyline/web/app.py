"""The web app: `create_app(db)` returns the ASGI application that `storyline serve` runs.

Pages (Jinja2, htmx for the instant search, vis-timeline for the person page, all served from our
own static files) and the JSON API under /api/ (OpenAPI at /api/openapi.json, and at /api/docs a
page of our own whose script, /static/app.js, lists the endpoints from it: Swagger UI would load
from a CDN, with an inline script, both of which the CSP forbids, and the product works offline).
"""

from __future__ import annotations

import math
import secrets
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline import __version__
from storyline.limits import MAX_ARTICLE_BYTES
from storyline.store import StoreError
from storyline.web import api, pages
from storyline.web.security import LOOPBACK_NAMES, BodyLimit, RateLimit, SecurityHeaders, TrustedHosts
from storyline.web.state import THREADS, ApiError, WebState

STATIC = Path(__file__).parent / "static"
READ_LIMIT = 64 * 1024  # bytes a request may carry when ingest is off: queries carry none


def create_app(
    db: str | Path,
    *,
    allow_ingest: bool = False,
    token: str | None = None,
    max_upload: int = MAX_ARTICLE_BYTES,
    rate: float = 50.0,
    burst: int = 200,
    threads: int = THREADS,
    hosts: Iterable[str] = LOOPBACK_NAMES,
) -> FastAPI:
    """The app over the store at `db`. Ingest is off unless allowed; then it needs the token
    (a random one is made if none is given: read it from `app.state.storyline.ingest_token`).
    `threads` bounds the requests answered at once by one server process; the rest wait their turn.
    Only requests whose Host header is one of `hosts` are answered (default: this machine's names)."""

    if threads < 1:
        raise ValueError(f"threads must be at least 1, not {threads}")
    if not (math.isfinite(rate) and rate >= 0) or burst < 1 or max_upload < 1:
        raise ValueError(
            f"rate must be 0 or more, burst and max_upload 1 or more, not {rate}, {burst}, {max_upload}"
        )
    hosts = list(hosts)
    if not hosts:
        raise ValueError("at least one host name must be allowed")

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="storyline",
        version=__version__,
        description="Who said what, about whom, and when: the knowledge base over HTTP.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # pages.api_docs instead
        redoc_url=None,
    )
    app.state.storyline = WebState(
        Path(db), (token or secrets.token_urlsafe(24)) if allow_ingest else None, readers=threads
    )
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return _error(request, exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in {"query", "path", "body"})
        return _error(request, 400, f"bad parameter {where or 'value'}: {first.get('msg', 'invalid')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError):
        return _error(request, 503, str(exc))

    app.add_middleware(BodyLimit, limit=max_upload if allow_ingest else READ_LIMIT)
    app.add_middleware(RateLimit, rate=rate, burst=burst)
    app.add_middleware(TrustedHosts, hosts=hosts)
    app.add_middleware(SecurityHeaders)  # the outermost: every answer carries the headers
    return app


def app_from_env() -> FastAPI:
    """The app as `storyline serve --workers N` starts it in each worker process (settings by env)."""
    import os

    return create_app(
        os.environ["STORYLINE_DB"],
        allow_ingest=os.environ.get("STORYLINE_ALLOW_INGEST") == "1",
        token=os.environ.get("STORYLINE_TOKEN") or None,
        max_upload=int(os.environ.get("STORYLINE_MAX_UPLOAD", str(MAX_ARTICLE_BYTES))),
        rate=float(os.environ.get("STORYLINE_RATE_LIMIT", "50")),
        threads=int(os.environ.get("STORYLINE_THREADS", str(THREADS))),
        hosts=os.environ.get("STORYLINE_HOSTS", " ".join(LOOPBACK_NAMES)).split(),
    )


def _error(request: Request, status: int, message: str):
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        return JSONResponse({"error": message}, status_code=status)
    return pages.error_page(request, status, message)
