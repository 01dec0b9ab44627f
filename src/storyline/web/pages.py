"""The HTML pages: search, a person's timeline, an article read against its spans, contradictions.

Templates autoescape every value. The pages carry no inline script: behaviour comes from
/static/app.js, htmx and vis-timeline, and data reaches the timeline through the JSON API.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Annotated

import jinja2
from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from storyline import query
from storyline.web.highlight import highlight, speaker_legend
from storyline.web.state import ApiError, connection

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        auto_reload=False,
    )
)
Conn = Annotated[sqlite3.Connection, Depends(connection)]
EntityId = Annotated[int, PathParam(ge=1, le=2**62)]


def _page(request: Request, name: str, status_code: int = 200, **context: object) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return _page(request, "error.html", status, status=status, message=message)


def _found(call, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    try:
        return call(*args, **kwargs)
    except query.QueryError as e:
        raise ApiError(404 if str(e).startswith("no ") else 400, str(e)) from None


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(status_code=204)


@router.get("/", response_class=HTMLResponse)
def index(request: Request, conn: Conn) -> HTMLResponse:
    return _page(
        request,
        "index.html",
        stats=query.stats(conn),
        people=query.people(conn, limit=12),
        recent=query.articles(conn, limit=8)[1],
    )


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, conn: Conn, q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    """Instant results: people and quotes. A fragment for htmx, the whole page otherwise."""
    q = q.strip()
    people = query.people(conn, search=q, type_=None, limit=10) if q else []
    found = (
        query.quotes(conn, search=q, limit=10, reports=3).quotes if q and any(c.isalnum() for c in q) else []
    )
    name = "_results.html" if request.headers.get("hx-request") else "search.html"
    return _page(request, name, q=q, people=people, quotes=found)


@router.get("/people/{entity_id}", response_class=HTMLResponse)
def person(
    request: Request,
    conn: Conn,
    entity_id: EntityId,
    everything: Annotated[bool, Query(alias="all")] = False,
) -> HTMLResponse:
    """A person's page; events and relations below the confidence threshold only with ?all=1."""
    who = _found(query.person, conn, entity_id)
    threshold = 0.0 if everything else query.DEFAULT_MIN_CONFIDENCE
    return _page(
        request,
        "person.html",
        person=who,
        said=query.quotes(conn, speaker=entity_id, limit=30, reports=3).quotes,
        about=query.quotes(conn, about=entity_id, limit=30, reports=3).quotes,
        relations=query.relations(conn, entity_id, evidence=1, min_confidence=threshold).relations,
        articles=query.articles_of(conn, entity_id, limit=20),
        everything=everything,
        threshold=query.DEFAULT_MIN_CONFIDENCE,
        min_confidence=threshold,
    )


@router.get("/people/{entity_id}/contradictions", response_class=HTMLResponse)
def contradictions(request: Request, conn: Conn, entity_id: EntityId) -> HTMLResponse:
    result = _found(query.contradictions, conn, entity_id)
    return _page(request, "contradictions.html", result=result)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(
    request: Request,
    conn: Conn,
    article_id: Annotated[str, PathParam(pattern="^[0-9a-f]{64}$")],
    start: Annotated[int | None, Query(ge=0, le=10**9)] = None,
    end: Annotated[int | None, Query(ge=0, le=10**9)] = None,
) -> HTMLResponse:
    view = _found(query.article, conn, article_id)
    focus = (start, end) if start is not None and end is not None else None
    marked = highlight(view, focus)
    return _page(
        request,
        "article.html",
        article=view,
        body=marked.html,
        marked=marked,
        legend=speaker_legend(view),
        focus=focus is not None,
    )
