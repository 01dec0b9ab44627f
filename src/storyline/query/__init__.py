"""Questions asked of the store, each a function of an open connection returning typed results
with `to_dict()` for JSON: the CLI and the web API are thin layers over these.

    >>> from storyline.store import Store
    >>> from storyline import query
    >>> with Store("storyline.db", create=False) as store:
    ...     for entry in query.timeline(store.conn, "Russell Simmons").entries:
    ...         print(entry.date, entry.summary)
"""

from storyline.query.articles import (
    ArticleSummary,
    ArticleView,
    SpanInfo,
    article,
    articles,
    articles_about,
    articles_of,
)
from storyline.query.common import (
    DEFAULT_MIN_CONFIDENCE,
    EntityRef,
    Evidence,
    QueryError,
    find_entities,
    resolve,
)
from storyline.query.contradictions import Contradiction, Contradictions, contradictions
from storyline.query.events import EventGroup, EventGroups, EventReport, event_group, event_groups
from storyline.query.export import FORMATS, TABLES, export
from storyline.query.export import rows as export_rows
from storyline.query.narrow import KINDS, Facets, Narrow, facets
from storyline.query.people import Person, RelationResult, Relations, count_people, people, person, relations
from storyline.query.quotes import QuoteQuery, QuoteResult, quotes
from storyline.query.stats import stats
from storyline.query.story import Story, StoryName, story
from storyline.query.timeline import Timeline, TimelineEntry, timeline
from storyline.query.versions import History, history, superseded_view

__all__ = [
    "History",
    "history",
    "superseded_view",
    "DEFAULT_MIN_CONFIDENCE",
    "EventGroup",
    "EventGroups",
    "EventReport",
    "event_group",
    "event_groups",
    "ArticleSummary",
    "ArticleView",
    "SpanInfo",
    "article",
    "articles",
    "articles_of",
    "articles_about",
    "KINDS",
    "Narrow",
    "Facets",
    "facets",
    "count_people",
    "person",
    "FORMATS",
    "TABLES",
    "Contradiction",
    "Contradictions",
    "EntityRef",
    "Evidence",
    "Person",
    "QueryError",
    "QuoteQuery",
    "QuoteResult",
    "RelationResult",
    "Relations",
    "Timeline",
    "TimelineEntry",
    "contradictions",
    "export",
    "export_rows",
    "find_entities",
    "people",
    "quotes",
    "relations",
    "resolve",
    "stats",
    "story",
    "Story",
    "StoryName",
    "timeline",
]
