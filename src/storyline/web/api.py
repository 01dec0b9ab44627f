"""The JSON API under /api/: the queries of storyline.query over HTTP, by entity id, paginated.

Every error is a JSON object `{"error": "..."}` with a 4xx status: 400 for a bad parameter, 404
for an unknown entity, event group or article, 403 when ingest is off or the token is wrong.
Timelines, events and relations leave out what the extractor is not confident of
(query.DEFAULT_MIN_CONFIDENCE) unless `min_confidence` says otherwise.
"""

from __future__ import annotations

import hmac
import sqlite3
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator

from storyline import query
from storyline.query.common import Result
from storyline.web.state import ApiError, connection, web_state

router = APIRouter(prefix="/api", tags=["api"])
ERRORS = {400: {"description": "bad parameter"}, 404: {"description": "no such entity or article"}}

Limit = Annotated[int, Query(ge=1, le=200, description="items per page (1-200)")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="items to skip")]
EntityId = Annotated[int, Path(ge=1, le=2**62, description="an entity id, from /api/entities")]
Conn = Annotated[sqlite3.Connection, Depends(connection)]
LineLimit = Annotated[int, Query(ge=1, le=2000, description="lines per page (1-2000)")]
LineEvidence = Annotated[
    int, Query(ge=0, le=100, description="reports shown per line (0: none, only their count)")
]
MinConfidence = Annotated[
    float,
    Query(
        ge=0.0,
        le=1.0,
        allow_inf_nan=False,
        description="events and relations whose best report has this confidence (0-1) or more; 0: all",
    ),
]
# a form's empty field is no choice: "since=" is no date, not a bad one
Blank = BeforeValidator(lambda value: value or None)
Day = Annotated[date | None, Blank]
Since = Annotated[Day, Query(description="dated from this day (YYYY-MM-DD): its date's first day")]
Until = Annotated[Day, Query(description="dated up to this day (YYYY-MM-DD): its date's first day")]
Search = Annotated[str | None, Query(max_length=200, description="all these words")]
Outlet = Annotated[str | None, Query(max_length=200, description="only what this outlet ran")]


# The narrowing dependencies are `async`: they do no I/O, and FastAPI runs a plain `def`
# dependency in a worker thread, three hops per request that waited for the --threads slots and
# cost a third more server CPU on a light person's timeline.
async def dated_narrowing(
    outlet: Outlet = None, since: Since = None, until: Until = None, search: Search = None
) -> query.Narrow:
    """The narrowing every list of an entity takes (query.narrow): outlet, date range, words."""
    return _ask(query.Narrow.of, outlet=outlet, since=since, until=until, search=search)


async def event_narrowing(
    narrow: Annotated[query.Narrow, Depends(dated_narrowing)],
    type: Annotated[
        str | None,
        Query(pattern="^([a-z][a-z_]{0,39})?$", description="only events of this type; other lines as is"),
    ] = None,
) -> query.Narrow:
    return replace(narrow, event_type=type) if type else narrow


async def line_narrowing(
    narrow: Annotated[query.Narrow, Depends(event_narrowing)],
    kind: Annotated[
        list[Literal["event", "quote", "quote_about", "relation", "reference"]] | None,
        Query(max_length=5, description="only these kinds of line (repeat it for more); default: all"),
    ] = None,
) -> query.Narrow:
    return replace(narrow, kinds=frozenset(kind)) if kind else narrow


DatedNarrow = Annotated[query.Narrow, Depends(dated_narrowing)]
EventNarrow = Annotated[query.Narrow, Depends(event_narrowing)]
LineNarrow = Annotated[query.Narrow, Depends(line_narrowing)]


@dataclass
class EntityPage(Result):
    total: int
    limit: int
    offset: int
    items: list[query.Person]


@dataclass
class EntityDetail(Result):
    entity: query.Person
    articles: list[query.ArticleSummary]


@dataclass
class TimelinePage(Result):
    entity: query.EntityRef
    total: int
    limit: int
    offset: int
    entries: list[query.TimelineEntry]


@dataclass
class EventGroupPage(Result):
    entity: query.EntityRef
    total: int
    limit: int
    offset: int
    groups: list[query.EventGroup]


@dataclass
class RelationPage(Result):
    entity: query.EntityRef
    total: int
    limit: int
    offset: int
    relations: list[query.RelationResult]


@dataclass
class ContradictionPage(Result):
    entity: query.EntityRef
    total: int
    limit: int
    offset: int
    pairs: list[query.Contradiction]


@dataclass
class QuotePage(Result):
    limit: int
    offset: int
    quotes: list[query.QuoteResult]
    matches: int | None = None  # quotes the search words match
    truncated: bool = False  # very common words: only the latest 2,000 matches were ordered


@dataclass
class StoryPage(query.Story):
    limit: int = 100
    offset: int = 0


@dataclass
class ArticlePage(Result):
    total: int
    limit: int
    offset: int
    items: list[query.ArticleSummary]


@dataclass
class IngestResult(Result):
    added: int
    duplicates: int
    failed: list[str]


def _json(result: Result) -> Response:
    """The result as JSON, sent as is: the response_model documents it; validating it again on the
    way out doubled the time of a large timeline."""
    return Response(result.to_json(), media_type="application/json")


def _ask(call, *args, **kwargs):
    """Run a query; its QueryError becomes a 404 (unknown name or id) or 400 (bad value)."""
    try:
        return call(*args, **kwargs)
    except query.QueryError as e:
        message = str(e)
        raise ApiError(404 if message.startswith("no ") else 400, message) from None


@router.get("/stats", response_model=dict[str, int | str | None], summary="counts of what the store holds")
def stats(conn: Conn) -> dict:
    return query.stats(conn)


@router.get("/entities", response_model=EntityPage, responses=ERRORS, summary="people and organisations")
def entities(
    conn: Conn,
    search: Annotated[str | None, Query(max_length=200, description="part of a name or alias")] = None,
    type: Annotated[str, Query(pattern="^(PERSON|ORG|GPE|NORP|WORK|OTHER|all)$")] = "PERSON",
    limit: Limit = 20,
    offset: Offset = 0,
) -> EntityPage:
    kind = None if type == "all" else type
    items = query.people(conn, search=search, type_=kind, limit=limit, offset=offset)
    return _json(EntityPage(query.count_people(conn, search=search, type_=kind), limit, offset, items))


@router.get("/entities/{entity_id}", response_model=EntityDetail, responses=ERRORS, summary="one entity")
def entity(conn: Conn, entity_id: EntityId) -> EntityDetail:
    ref = _ask(query.resolve, conn, entity_id)[0]
    return _json(EntityDetail(query.person(conn, ref.id), query.articles_of(conn, ref.id, limit=50)))


@router.get(
    "/entities/{entity_id}/timeline",
    response_model=TimelinePage,
    responses=ERRORS,
    summary="an entity's timeline",
)
def timeline(
    conn: Conn,
    entity_id: EntityId,
    narrow: LineNarrow,
    limit: LineLimit = 100,
    offset: Offset = 0,
    evidence: LineEvidence = 5,
    min_confidence: MinConfidence = query.DEFAULT_MIN_CONFIDENCE,
):
    result = _ask(
        query.timeline,
        conn,
        entity_id,
        limit=limit,
        offset=offset,
        evidence=evidence,
        min_confidence=min_confidence,
        narrow=narrow,
    )
    return _json(TimelinePage(result.entity, result.total, limit, offset, result.entries))


@router.get(
    "/entities/{entity_id}/events",
    response_model=EventGroupPage,
    responses=ERRORS,
    summary="an entity's events: one group per real event, with its reports",
)
def events(
    conn: Conn,
    entity_id: EntityId,
    narrow: EventNarrow,
    limit: Limit = 50,
    offset: Offset = 0,
    reports: Annotated[
        int, Query(ge=0, le=100, description="reports shown per event (0: only their count)")
    ] = 5,
    min_confidence: MinConfidence = query.DEFAULT_MIN_CONFIDENCE,
) -> EventGroupPage:
    found = _ask(
        query.event_groups,
        conn,
        entity_id,
        min_confidence=min_confidence,
        limit=limit,
        offset=offset,
        reports=reports,
        narrow=narrow,
    )
    return _json(EventGroupPage(found.entity, found.total, limit, offset, found.groups))


@router.get(
    "/event-groups/{group_id}",
    response_model=query.EventGroup,
    responses={**ERRORS, 404: {"description": "no such event group"}},
    summary="one real event with every report of it, each with its article and sentence",
)
def event_group(
    conn: Conn,
    group_id: Annotated[
        int, Path(ge=1, le=2**62, description="an event group id, from a timeline or /events")
    ],
) -> query.EventGroup:
    return _json(_ask(query.event_group, conn, group_id))


@router.get("/entities/{entity_id}/relations", response_model=RelationPage, responses=ERRORS)
def relations(
    conn: Conn,
    entity_id: EntityId,
    narrow: DatedNarrow,
    limit: Limit = 100,
    offset: Offset = 0,
    evidence: Annotated[
        int, Query(ge=0, le=100, description="reports shown per relation (0: none, only their count)")
    ] = 5,
    min_confidence: MinConfidence = query.DEFAULT_MIN_CONFIDENCE,
) -> RelationPage:
    page = {"narrow": narrow, "limit": limit, "offset": offset}
    found = _ask(query.relations, conn, entity_id, evidence=evidence, min_confidence=min_confidence, **page)
    return _json(RelationPage(found.entity, found.total, limit, offset, found.relations))


@router.get(
    "/entities/{entity_id}/articles",
    response_model=ArticlePage,
    responses=ERRORS,
    summary="the articles that mention an entity, newest first",
)
def entity_articles(
    conn: Conn, entity_id: EntityId, narrow: DatedNarrow, limit: Limit = 20, offset: Offset = 0
) -> ArticlePage:
    ref = _ask(query.resolve, conn, entity_id)[0]
    total, items = query.articles_about(conn, ref.id, narrow=narrow, limit=limit, offset=offset)
    return _json(ArticlePage(total, limit, offset, items))


@router.get("/entities/{entity_id}/contradictions", response_model=ContradictionPage, responses=ERRORS)
def contradictions(
    conn: Conn, entity_id: EntityId, limit: Limit = 100, offset: Offset = 0
) -> ContradictionPage:
    found = _ask(query.contradictions, conn, entity_id)
    items = found.pairs
    return _json(ContradictionPage(found.entity, len(items), limit, offset, items[offset : offset + limit]))


@router.get("/quotes", response_model=QuotePage, responses=ERRORS, summary="quotes, filtered")
def quotes(
    conn: Conn,
    speaker: Annotated[int | None, Query(ge=1, le=2**62, description="said by this entity id")] = None,
    about: Annotated[int | None, Query(ge=1, le=2**62, description="naming this entity id")] = None,
    search: Search = None,
    since: Annotated[Day, Query(description="first said on or after this day (YYYY-MM-DD)")] = None,
    until: Annotated[Day, Query(description="first said on or before this day (YYYY-MM-DD)")] = None,
    outlet: Outlet = None,
    limit: Limit = 50,
    offset: Offset = 0,
    reports: Annotated[int, Query(ge=1, le=100, description="reports shown per quote")] = 5,
) -> QuotePage:
    if search is not None and not search.strip():
        search = None
    found = _ask(
        query.quotes,
        conn,
        speaker=speaker,
        about=about,
        search=search,
        since=since,
        until=until,
        outlet=outlet,
        limit=limit,
        offset=offset,
        reports=reports,
    )
    return _json(QuotePage(limit, offset, found.quotes, found.matches, found.truncated))


@router.get(
    "/story",
    response_model=StoryPage,
    responses=ERRORS,
    summary="the timeline of a story: lines involving all the names, events of a type, quotes with words",
)
def story(
    conn: Conn,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="names ('Okafor Brennan': lines that involve all of them), event types "
            "('resignation', 'lawsuits'), words searched for in the quotes, a \"quoted phrase\"",
        ),
    ],
    limit: LineLimit = 100,
    offset: Offset = 0,
    evidence: LineEvidence = 5,
    min_confidence: MinConfidence = query.DEFAULT_MIN_CONFIDENCE,
    since: Annotated[date | None, Query(description="only dated lines reaching this day or later")] = None,
    until: Annotated[date | None, Query(description="only dated lines beginning by this day")] = None,
) -> StoryPage:
    found = _ask(
        query.story,
        conn,
        q,
        limit=limit,
        offset=offset,
        evidence=evidence,
        min_confidence=min_confidence,
        since=since,
        until=until,
    )
    return _json(
        StoryPage(**{f.name: getattr(found, f.name) for f in fields(found)}, limit=limit, offset=offset)
    )


@router.get("/articles", response_model=ArticlePage, summary="stored articles, newest first")
def articles(conn: Conn, limit: Limit = 20, offset: Offset = 0) -> ArticlePage:
    total, items = query.articles(conn, limit=limit, offset=offset)
    return _json(ArticlePage(total, limit, offset, items))


@router.get(
    "/articles/{article_id}",
    response_model=query.ArticleView,
    responses=ERRORS,
    summary="an article with the spans of every quote, entity mention, time expression and event",
)
def article(
    conn: Conn, article_id: Annotated[str, Path(pattern="^[0-9a-f]{64}$", description="sha256 of the text")]
) -> query.ArticleView:
    return _json(_ask(query.article, conn, article_id))


@router.post(
    "/ingest",
    response_model=IngestResult,
    responses={
        403: {"description": "ingest is off, or the token is wrong"},
        413: {"description": "too large"},
    },
    summary="ingest JSON Lines (one article per line: text, title, published, source, url)",
)
async def ingest(request: Request, authorization: Annotated[str | None, Header()] = None) -> IngestResult:
    state = web_state(request)
    if not state.ingest_token:
        raise ApiError(403, "ingest from the web is off (start the server with --allow-ingest)")
    given = (authorization or "").encode("latin-1")  # the header's bytes, as Starlette decoded them
    if not hmac.compare_digest(given, f"Bearer {state.ingest_token}".encode()):  # in constant time
        raise ApiError(403, "a valid 'Authorization: Bearer TOKEN' header is required")
    body = await request.body()
    report = await state.ingest(body)
    return IngestResult(report.added, report.duplicates, [str(f) for f in report.failed])
