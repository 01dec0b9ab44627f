"""What every query shares: finding the entity a user means by a name, and the evidence of a fact.

Every answer names its evidence: the article (id, title, date), the outlets that ran it, and the
exact sentence with its offsets into the stored article text.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field, fields, is_dataclass

from storyline.dates import label
from storyline.quoting import display_text, marks_in
from storyline.store.identity import (
    lookup_keys,
    middles_compatible,
    normalise,
    org_acronym,
    parse_person,
)


class Result:
    """A query result: a dataclass whose to_dict() is its JSON form (nested results included)."""

    def to_dict(self) -> dict:
        return plain(self)

    def to_json(self) -> bytes:
        """The JSON form as compact bytes, encoded straight from the dataclasses: a third faster
        than to_dict() and then json.dumps, for the web's large timelines."""
        return json.dumps(self, default=_fields_of, separators=(",", ":")).encode()


_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass's field names (None for other types), looked up once per class."""
    if kind not in _FIELD_NAMES:
        _FIELD_NAMES[kind] = tuple(f.name for f in fields(kind)) if is_dataclass(kind) else None
    return _FIELD_NAMES[kind]


def _fields_of(value: object) -> dict:
    names = field_names(type(value))
    if names is None:
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")
    return {name: getattr(value, name) for name in names}


def plain(value: object) -> object:
    """Dataclasses, lists and dicts as JSON-ready values: dataclasses.asdict without its deep
    copies and with each class's fields looked up once (converting was the slowest part of
    answering a timeline)."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    names = field_names(kind)
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


# Events and relations carry the extractor's confidence (0.0-1.0, docs/storyline-json.md). Lines
# below this are hidden unless asked for (timeline --all / --min-confidence, the API's
# min_confidence): the extractor gives inferred, low-evidence facts a confidence below it.
DEFAULT_MIN_CONFIDENCE = 0.5


class QueryError(ValueError):
    """A query that cannot be answered as asked (a name that matches nothing, a bad date)."""


@dataclass
class EntityRef(Result):
    id: int
    name: str
    type: str
    articles: int = 0
    aliases: list[str] = field(default_factory=list)


@dataclass
class Evidence(Result):
    """Where a fact was read: enough to open the article and find the sentence."""

    article_id: str
    title: str | None
    published: str | None
    outlets: list[str]
    urls: list[str]
    start: int
    end: int
    sentence: str
    published_label: str = ""  # the publication day in words: "26 Jan 2018", "undated"

    def __post_init__(self) -> None:
        self.published_label = self.published_label or label(self.published)

    def cite(self) -> str:
        outlets = ", ".join(self.outlets) or self.article_id[:12]
        return f"{outlets}, {self.published_label}"


# SQL: an alias that is a name, not a description. A description ends in a lower-case word ("the
# company", "The privately held company", "the Def Jam Recordings cofounder"); a name ends in a
# capitalised word ("Okafor", "von der Leyen", "The Ledger", "Raman v. Tern Logistics Inc.").
NAME_ALIAS = "substr(rtrim(alias, 'abcdefghijklmnopqrstuvwxyz-'), -1) NOT IN ('', ' ')"


def find_entities(
    conn: sqlite3.Connection, name: str, limit: int = 10, *, whole: bool = False
) -> list[EntityRef]:
    """Entities a name may mean, best first: exact name, then alias, then how the store resolves
    names (store.resolver: the keys the name would make, the people whose full name it fits, the
    organisation an acronym was defined for), then a part of the name; within each, the most widely
    reported first. `whole`: only a name itself, never a part of one ("fire" is not "Eastbridge Fire
    Department") nor a description ("the company"), for a query that tells names from other words."""
    name = name.strip()
    if not name:
        raise QueryError("an empty name matches nothing")
    order = "ORDER BY (SELECT count(*) FROM article_entities ae WHERE ae.entity_id = e.id) DESC, e.id"
    keys, probes = _resolution_forms(conn, name)
    named = f" AND {NAME_ALIAS}" if whole else ""
    tries: list[tuple[str, tuple]] = [
        ("SELECT e.id FROM entities e WHERE e.name = ? COLLATE NOCASE " + order, (name,)),
        (
            "SELECT e.id FROM entities e WHERE e.id IN "
            f"(SELECT entity_id FROM aliases WHERE alias = ? COLLATE NOCASE{named}) " + order,
            (name,),
        ),
        (
            f"SELECT e.id FROM entities e WHERE e.key IN ({','.join('?' * len(keys))})"
            + (f" OR e.id IN ({','.join('?' * len(probes))})" if probes else "")
            + " "
            + order,
            (*keys, *probes),
        ),
        ("SELECT e.id FROM entities e WHERE e.name LIKE ? ESCAPE '\\' " + order, (f"%{_like(name)}%",)),
    ][: 3 if whole else 4]
    for sql, params in tries:
        ids = [row[0] for row in conn.execute(sql + f" LIMIT {int(limit)}", params)]
        if ids:
            return entity_refs(conn, ids)
    return []


def _resolution_forms(conn: sqlite3.Connection, name: str) -> tuple[list[str], list[int]]:
    """The entity keys a name would make in the store, and the ids of the entities its resolution
    index points at: people whose full name it fits (same given name and surname, compatible middle
    parts), organisations it was defined as the acronym of."""
    keys = lookup_keys(name)
    ids: list[int] = []
    person = parse_person(name)
    if person is not None and person.full:
        details: dict[int, list[str]] = {}
        for entity, detail in conn.execute(
            "SELECT entity_id, detail FROM entity_names WHERE kind = 'full' AND value = ?",
            (person.block,),
        ):
            details.setdefault(entity, []).append(detail)
        ids += [e for e, ds in details.items() if all(middles_compatible(person.detail, d) for d in ds)]
    if (acronym := org_acronym(name)) is not None:
        ids += [
            row[0]
            for row in conn.execute(
                "SELECT entity_id FROM entity_names WHERE kind = 'acronym' AND value = ?", (acronym.lower(),)
            )
        ]
    return keys, ids[:500]


def resolve(conn: sqlite3.Connection, name: str | int) -> tuple[EntityRef, list[EntityRef]]:
    """The entity a name (or an entity id) means and the others it might also mean; QueryError if none."""
    if isinstance(name, int):
        refs = entity_refs(conn, [name]) or entity_refs(conn, moved_to(conn, name))
        if not refs:
            raise QueryError(f"no entity {name} in the store")
        return refs[0], []
    found = find_entities(conn, name)
    if not found:
        raise QueryError(f"no person or organisation called {name!r} in the store (try 'storyline people')")
    return found[0], found[1:]


def moved_to(conn: sqlite3.Connection, entity_id: int) -> list[int]:
    """The entity a merged one went to (store.resolver keeps it in entity_moves), if any."""
    row = conn.execute("SELECT new FROM entity_moves WHERE old = ?", (entity_id,)).fetchone()
    return [row[0]] if row else []


def entity_refs(conn: sqlite3.Connection, ids: Iterable[int]) -> list[EntityRef]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = {
        row[0]: row
        for row in conn.execute(
            f"SELECT e.id, e.name, e.type, (SELECT count(DISTINCT article_id) FROM article_entities ae "
            f"WHERE ae.entity_id = e.id) FROM entities e WHERE e.id IN ({marks})",
            ids,
        )
    }
    aliases: dict[int, list[str]] = {}
    for entity, alias in conn.execute(
        f"SELECT entity_id, alias FROM aliases WHERE entity_id IN ({marks})", ids
    ):
        aliases.setdefault(entity, []).append(alias)
    return [
        EntityRef(i, rows[i][1], rows[i][2], rows[i][3], _distinct(aliases.get(i, []), rows[i][1]))
        for i in ids
        if i in rows
    ]


def _distinct(aliases: list[str], name: str) -> list[str]:
    """Aliases without the name itself and without case variants ("the founder", "The founder")."""
    seen = {name.lower()}
    out = []
    for alias in sorted(aliases, key=lambda a: (a.lower(), a)):
        if alias.lower() not in seen:
            seen.add(alias.lower())
            out.append(alias)
    return out


def names_of(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, str]:
    ids = list(set(ids))
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return dict(conn.execute(f"SELECT id, name FROM entities WHERE id IN ({marks})", ids).fetchall())


class EvidenceMaker:
    """Builds Evidence for (article, start, end), reading each article (text and sources) once;
    `many` reads all the articles it needs in one query, not one query per sentence (3x faster)."""

    def __init__(self, conn: sqlite3.Connection, cap: int | None = None):
        self.conn = conn
        self.cap = cap  # at most this many pieces of evidence per fact (None: all); the rest are counted
        self._articles: dict[str, tuple[str | None, str | None, list[str], list[str], str]] = {}
        self._kept: dict[Hashable, list[tuple[str, int, int]]] = {}

    def __call__(self, article_id: str, start: int, end: int) -> Evidence:
        if article_id not in self._articles:
            self._read([article_id])
        title, published, outlets, urls, text = self._articles[article_id]
        sentence = " ".join(text[start:end].split())
        return Evidence(article_id, title, published, outlets, urls, start, end, sentence)

    def many(self, reports: list[tuple[str, int, int]]) -> list[Evidence]:
        """Evidence for each (article, start, end), in order."""
        self._read(list(dict.fromkeys(r[0] for r in reports if r[0] not in self._articles)))
        return [self(*report) for report in reports]

    def keep(self, fact: Hashable, article_id: str, start: int, end: int) -> None:
        """Note a report of `fact` to show, unless the fact already has `cap` of them."""
        shown = self._kept.setdefault(fact, [])
        if self.cap is None or len(shown) < self.cap:
            shown.append((article_id, start, end))

    def kept(self) -> dict[Hashable, list[Evidence]]:
        """The evidence of every report noted by keep() since the last call, per fact, read in
        one go."""
        kept, self._kept = self._kept, {}
        built = iter(self.many([report for reports in kept.values() for report in reports]))
        return {fact: [next(built) for _ in reports] for fact, reports in kept.items()}

    def _read(self, ids: list[str]) -> None:
        sources: dict[str, list[tuple[str | None, str | None]]] = {}
        sql = (
            "SELECT article_id, source, url FROM sources WHERE article_id IN ({marks}) "
            "ORDER BY published, source"
        )
        for article_id, source, url in rows_for_ids(self.conn, sql, ids):
            sources.setdefault(article_id, []).append((source, url))
        sql = "SELECT id, title, published, text FROM articles WHERE id IN ({marks})"
        for article_id, title, published, text in rows_for_ids(self.conn, sql, ids):
            found = sources.get(article_id, [])
            outlets = list(dict.fromkeys(s for s, _ in found if s))
            urls = list(dict.fromkeys(u for _, u in found if u))
            self._articles[article_id] = (title, published, outlets, urls, text)


def rows_for_ids(conn: sqlite3.Connection, sql: str, ids: list) -> Iterator[tuple]:
    """The rows of `sql`, whose `{marks}` stands for the ids, asked 500 ids at a time (well under
    SQLite's limit on parameters)."""
    for at in range(0, len(ids), 500):
        batch = ids[at : at + 500]
        yield from conn.execute(sql.format(marks=",".join("?" * len(batch))), batch)


def inner_marks(
    conn: sqlite3.Connection, shown: dict[Hashable, tuple[str, str, int, str]]
) -> dict[Hashable, list[list[int]]]:
    """For each shown quote, given as (article id, local id, start, the text it is shown with),
    where the words quoted in it stand in that text: the direct and partial quotes that lie within
    it (storyline.quoting), found in one query over their articles."""
    wanted: dict[tuple[str, str], list[Hashable]] = {}
    for key, (article_id, local_id, _, _) in shown.items():
        wanted.setdefault((article_id, local_id), []).append(key)
    found: dict[Hashable, list[tuple[str, int]]] = {}
    sql = (
        "SELECT article_id, within, text, start FROM quotes WHERE article_id IN ({marks}) "
        "AND within IS NOT NULL AND kind != 'indirect' ORDER BY article_id, start"
    )
    for article_id, within, text, start in rows_for_ids(conn, sql, list({a for a, *_ in shown.values()})):
        for key in wanted.get((article_id, within), []):
            found.setdefault(key, []).append((display_text(text), start - shown[key][2]))
    return {key: [list(m) for m in marks_in(shown[key][3], inner)] for key, inner in found.items()}


def fts_query(text: str) -> str:
    """A user's search words as an FTS5 query that cannot be a syntax error: every word quoted."""
    words = normalise(text).split()
    if not words:
        raise QueryError(f"nothing to search for in {text!r}")
    return " ".join(f'"{w}"' for w in words)


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def date_label(value: str | None, mod: str | None, date_start: str | None) -> str:
    """The `date` of a line, for machines: '2017-11', 'before 2018-01-25', 'by 2018-01-26',
    'undated'. People read `label` (storyline.dates): 'Nov 2017', 'before 25 Jan 2018'."""
    if value is None and date_start is None:
        return "undated"
    shown = value or date_start or ""
    if mod == "ON_OR_BEFORE":
        return f"by {date_start}" if value is None else f"by {shown}"
    if mod in {"BEFORE", "AFTER"}:
        return f"{mod.lower()} {shown}"
    if mod:
        return f"{shown} ({mod.lower().replace('_', ' ')})"
    return shown
