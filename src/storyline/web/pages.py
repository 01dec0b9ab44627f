"""The HTML pages: search, a person's timeline, an article read against its spans, contradictions.

A person's page is narrowed by one form (kinds, event type, outlet, dates, words; query.narrow)
that both the drawing and the lists below it follow; the lists come a page at a time, and htmx
swaps in a list's next page or all of them narrowed anew (the fragments under
/people/{id}/lists). Templates autoescape every value. The pages carry no inline script: behaviour comes from
/static/app.js, htmx and vis-timeline (each with its integrity hash), and data reaches the
timeline through the JSON API. An article's links are only ever http or https (`http_url`).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from storyline import query
from storyline.dates import label
from storyline.web.api import LineNarrow
from storyline.web.highlight import highlight, marked, speaker_legend
from storyline.web.state import ApiError, connection

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"
templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        auto_reload=False,
    )
)
# A link's scheme, as a browser reads it: spaces and control characters before it are dropped and
# tabs and newlines inside it ignored, so 'java\tscript:' is javascript:. Only these two may link.
_WEB_URL = re.compile(r"https?://[^\x00-\x20\x7f]+", re.IGNORECASE)


def http_url(url: object) -> str | None:
    """The URL if it may be a link (http or https, no space or control character), else None:
    a source URL comes from the input, and `javascript:` or `data:` must never reach an href."""
    return url if isinstance(url, str) and _WEB_URL.fullmatch(url) else None


@functools.cache
def sri(name: str) -> str:
    """The Subresource Integrity hash of a file under static/, for its tag's integrity attribute."""
    digest = hashlib.sha384((STATIC / name).read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode()


templates.env.filters["http_url"] = http_url
templates.env.globals["sri"] = sri
templates.env.filters["when"] = label  # a date in words: {{ article.published | when }} -> "26 Jan 2018"
templates.env.filters["marked"] = marked
Conn = Annotated[sqlite3.Connection, Depends(connection)]
EntityId = Annotated[int, PathParam(ge=1, le=2**62)]


def _page(request: Request, name: str, status_code: int = 200, **context: object) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return _page(request, "error.html", status, status=status, message=message)


def _found(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except query.QueryError as e:
        raise ApiError(404 if str(e).startswith("no ") else 400, str(e)) from None


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The API's endpoints, drawn by /static/app.js from /api/openapi.json."""
    return _page(request, "api_docs.html", schema=request.app.openapi_url)


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


STORY_PAGE = 100  # lines per page of a story
STORY_EVIDENCE = 3  # reports shown under each line


@router.get("/story", response_class=HTMLResponse)
def story(
    request: Request,
    conn: Conn,
    q: Annotated[str, Query(max_length=200)] = "",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    everything: Annotated[bool, Query(alias="all")] = False,
) -> HTMLResponse:
    """A story's lines with their evidence, a page at a time; without a query, how one is read. A
    query that cannot be answered keeps the form, with the reason, so that it can be changed."""
    text = q.strip()
    threshold = 0.0 if everything else query.DEFAULT_MIN_CONFIDENCE
    found, error, status = None, None, 200
    if text:
        try:
            found = _found(
                query.story,
                conn,
                text,
                limit=STORY_PAGE,
                offset=offset,
                evidence=STORY_EVIDENCE,
                min_confidence=threshold,
            )
        except ApiError as e:
            error, status = e.message, e.status
    return _page(
        request,
        "story.html",
        status,
        text=text,
        story=found,
        error=error,
        offset=offset,
        page=STORY_PAGE,
        everything=everything,
        threshold=query.DEFAULT_MIN_CONFIDENCE,
    )


PAGE = 20  # items per page of each list on a person's page
KIND_NAMES = {
    "event": "events",
    "quote": "quotes by",
    "quote_about": "quotes about",
    "relation": "relations",
    "reference": "dates mentioned",
}
ListName = Literal["said", "about", "events", "relations", "articles"]
LAZY = {"events"}  # read only when scrolled into view: grouping every report costs as much as the drawing


@dataclass
class ListPage:
    """One page of one list of a person's page."""

    name: str
    title: str
    items: list = field(default_factory=list)
    offset: int = 0
    more: bool = False  # a next page exists
    total: int | None = None  # every item the filter keeps, where counting them is cheap
    lazy: bool = False  # not read yet: htmx asks for it when it comes into view

    @property
    def last(self) -> int:
        return self.offset + len(self.items)

    @property
    def previous(self) -> int:
        return max(0, self.offset - PAGE)


def _shown(narrow: query.Narrow) -> dict[str, str | None]:
    """The lists a narrowing shows, each with the kind of line it holds (None: articles)."""
    lists = {"said": "quote", "about": "quote_about", "events": "event", "relations": "relation"}
    return {name: kind for name, kind in lists.items() if narrow.wants(kind)} | {"articles": None}


def _list_page(
    conn: sqlite3.Connection,
    who: query.Person,
    name: str,
    narrow: query.Narrow,
    offset: int,
    min_confidence: float,
    lazy: bool = False,
) -> ListPage:
    """The page of list `name` from `offset`, narrowed (query.narrow); a lazy list stays empty."""
    titles = {
        "said": f"Quotes by {who.name}",
        "about": f"Quotes about {who.name}",
        "events": "Events",
        "relations": "Relations",
        "articles": "Articles",
    }
    page = ListPage(name, titles[name], offset=offset, lazy=lazy)
    if lazy:
        return page
    if name in {"said", "about"}:
        chosen = {"speaker": who.id} if name == "said" else {"about": who.id}
        found = query.quotes(
            conn,
            **chosen,
            search=narrow.search,
            since=narrow.since,
            until=narrow.until,
            outlet=narrow.outlet,
            limit=PAGE + 1,  # one more than shown: whether there is a next page (no count: a heavy
            offset=offset,  # person's quotes about them number tens of thousands)
            reports=3,
        ).quotes
        page.items, page.more = found[:PAGE], len(found) > PAGE
        return page
    if name == "events":
        groups = query.event_groups(
            conn, who.id, min_confidence=min_confidence, limit=PAGE, offset=offset, reports=1, narrow=narrow
        )
        page.items, page.total = groups.groups, groups.total
    elif name == "relations":
        found = query.relations(
            conn, who.id, evidence=1, min_confidence=min_confidence, narrow=narrow, limit=PAGE, offset=offset
        )
        page.items, page.total = found.relations, found.total
    else:
        page.total, page.items = query.articles_about(conn, who.id, narrow=narrow, limit=PAGE, offset=offset)
    page.more = page.last < (page.total or 0)
    return page


def _filters(narrow: query.Narrow) -> str:
    """The narrowing as a query string, as the filter form sends it (for links that keep it)."""
    pairs: list[tuple[str, str]] = []
    if narrow.kinds != frozenset(query.KINDS):
        pairs += [("kind", k) for k in query.KINDS if k in narrow.kinds]
    for key, value in (
        ("type", narrow.event_type),
        ("outlet", narrow.outlet),
        ("since", narrow.since),
        ("until", narrow.until),
        ("search", narrow.search),
    ):
        if value:
            pairs.append((key, value))
    return urlencode(pairs)


def _lists(
    conn: sqlite3.Connection, who: query.Person, narrow: query.Narrow, min_confidence: float
) -> list[ListPage]:
    return [
        _list_page(conn, who, name, narrow, 0, min_confidence, lazy=name in LAZY) for name in _shown(narrow)
    ]


Everything = Annotated[bool, Query(alias="all")]


@router.get("/people/{entity_id}", response_class=HTMLResponse)
def person(
    request: Request, conn: Conn, entity_id: EntityId, narrow: LineNarrow, everything: Everything = False
) -> Response:
    """A person's page; events and relations below the confidence threshold only with ?all=1. The
    filter's choices may come in the query string (the form without script, a reloaded page)."""
    who = _found(query.person, conn, entity_id)
    if who.id != entity_id:  # merged into another since the link was made: the page moved for good
        moved = f"/people/{who.id}" + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(moved, status_code=301)
    threshold = 0.0 if everything else query.DEFAULT_MIN_CONFIDENCE
    return _page(
        request,
        "person.html",
        person=who,
        lists=_lists(conn, who, narrow, threshold),
        narrow=narrow,
        kinds=KIND_NAMES,
        filters=_filters(narrow),
        everything=everything,
        threshold=query.DEFAULT_MIN_CONFIDENCE,
        min_confidence=threshold,
    )


@router.get("/people/{entity_id}/lists", response_class=HTMLResponse)
def person_lists(
    request: Request, conn: Conn, entity_id: EntityId, narrow: LineNarrow, everything: Everything = False
) -> HTMLResponse:
    """Every list of a person's page, narrowed anew (htmx swaps them in when the filter changes)."""
    who = _found(query.person, conn, entity_id)
    threshold = 0.0 if everything else query.DEFAULT_MIN_CONFIDENCE
    lists = _lists(conn, who, narrow, threshold)
    return _page(request, "_person_lists.html", person=who, lists=lists)


@router.get("/people/{entity_id}/lists/{name}", response_class=HTMLResponse)
def person_list(
    request: Request,
    conn: Conn,
    entity_id: EntityId,
    name: ListName,
    narrow: LineNarrow,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    everything: Everything = False,
) -> HTMLResponse:
    """One page of one list of a person's page (htmx: its next or previous page, or a lazy list)."""
    who = _found(query.person, conn, entity_id)
    threshold = 0.0 if everything else query.DEFAULT_MIN_CONFIDENCE
    page = _list_page(conn, who, name, narrow, offset, threshold)
    return _page(request, "_person_list.html", person=who, page=page)


@router.get("/people/{entity_id}/facets", response_class=HTMLResponse)
def person_facets(
    request: Request, conn: Conn, entity_id: EntityId, narrow: LineNarrow, everything: Everything = False
) -> HTMLResponse:
    """The event types and outlets a person's page may be narrowed to, as the options of the
    filter's two selects; asked for when a reader first reaches the filter, not with the page."""
    who = _found(query.person, conn, entity_id)
    threshold = 0.0 if everything else query.DEFAULT_MIN_CONFIDENCE
    found = query.facets(conn, who.id, threshold)
    return _page(request, "_facets.html", person=who, facets=found, narrow=narrow)


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
    versions = query.history(conn, article_id)  # earlier texts of its page, or the one replacing it
    view = query.superseded_view(conn, article_id) or _found(query.article, conn, article_id)
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
        versions=versions,
    )
