"""A story: the timeline of everything a search matches, so that a reader can follow a story
(two people, a lawsuit, a phrase) rather than one person.

How a query is read, word by word from the left:
- a word in "double quotes" is searched for as an exact phrase, and is nothing else;
- the longest run of words (up to MAX_NAME_WORDS) that is the name or alias of an entity is that
  entity ("Okafor", "Lucy Brennan", "Raman v. Tern Logistics Inc."): never a part of a name
  ("fire" is not "Eastbridge Fire Department") nor a description ("the company");
- a word that is an event type, or its plural (rules/events.tsv: "resignation", "lawsuits"),
  is that type;
- "and", "&", "with", "vs." between names join them and are dropped;
- any other word is searched for in the quotes (full-text, every word, any order). A capitalised
  word that is no name and that no quote contains is taken for a name the store does not know:
  an error, rather than an empty story.

What the lines are: names narrow everything to the lines that involve all of them (an event with
every one as a participant; a quote said by one of them, or naming them, whose speaker and named
entities together include every one; with one or two names, their relations); types choose
event lines of those types and words choose quote lines containing them (with both, both kinds of
line); with names alone, every kind of line. Lines are timeline lines (query.timeline): the same
entries, order, evidence and confidence threshold.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date

from storyline.nlp import lexicon
from storyline.nlp.events import event_types
from storyline.query.common import (
    DEFAULT_MIN_CONFIDENCE,
    NAME_ALIAS,
    EntityRef,
    EvidenceMaker,
    QueryError,
    Result,
    find_entities,
)
from storyline.query.quotes import BROAD, WINDOW
from storyline.query.timeline import (
    QUOTE_COLUMNS,
    TimelineEntry,
    as_shown,
    event_entries,
    group_ids_of,
    in_order,
    quote_entries,
    relations_of,
    with_evidence,
)
from storyline.store.identity import normalise

MAX_NAME_WORDS = 6  # the longest name tried ("Raman v. Tern Logistics Inc." is five words)
MAX_WORDS = 32  # words in a query: each position tries up to MAX_NAME_WORDS names
JOINERS = lexicon.word_class("joiner", "query_words.tsv")  # "Raman v. Tern", "Simmons and Okafor"
_PIECE = re.compile(r'["“”]([^"“”]*)["“”]?|[^\s"“”]+')
_EDGES = ",;:!?()[]{}"


@dataclass
class StoryName(Result):
    """A name of the query and the entity it was read as."""

    text: str  # the words of the query: "Okafor"
    entity: EntityRef
    also_matched: list[EntityRef] = field(default_factory=list)


@dataclass
class Story(Result):
    query: str
    read_as: str  # how the query was read: "people: Daniel Okafor, Lucy Brennan; type: lawsuit"
    people: list[StoryName]
    types: list[str]
    words: list[str]  # searched for in the quotes: a word, or a “phrase” in curly quotes
    entries: list[TimelineEntry]
    total: int = 0  # lines in the whole story; `entries` may be one page of them
    truncated: bool = False  # types or words alone matched more than BROAD: only the latest WINDOW


@dataclass
class Reading:
    """A query as read (see the module's docstring); `fts` is the quote search, if any."""

    people: list[StoryName]
    types: list[str]
    words: list[str]
    fts: str | None

    def describe(self) -> str:
        parts = []
        if self.people:
            persons = all(n.entity.type == "PERSON" for n in self.people)
            names = [n.entity.name + ("" if persons else f" ({n.entity.type})") for n in self.people]
            noun = ("person", "people") if persons else ("name", "names")
            parts.append(f"{noun[len(names) > 1]}: " + ", ".join(names))
        if self.types:
            parts.append(("type: " if len(self.types) == 1 else "types: ") + ", ".join(self.types))
        if self.words:
            parts.append("words: " + " ".join(self.words))
        return "; ".join(parts)


def _type_of(word: str) -> str | None:
    """The event type a word names: the type itself or its plural ("lawsuits", "apologies")."""
    word = word.lower()
    known = event_types()
    if word in known:
        return word
    for plural, singular in (("ies", "y"), ("s", "")):
        if word.endswith(plural) and word[: -len(plural)] + singular in known:
            return word[: -len(plural)] + singular
    return None


def _fts_term(words: list[str]) -> str:
    """Words as one FTS5 term: a word, or a phrase of several (normalised: never a syntax error)."""
    return '"' + " ".join(words) + '"'


def _has_quotes(conn: sqlite3.Connection, fts: str) -> bool:
    return (
        conn.execute("SELECT 1 FROM quotes_fts WHERE quotes_fts MATCH ? LIMIT 1", (fts,)).fetchone()
        is not None
    )


def read(conn: sqlite3.Connection, text: str) -> Reading:
    """How a story query reads (the module's docstring); QueryError for an empty query or a
    capitalised word that is no name and in no quote."""
    runs: list[list[str]] = [[]]  # the bare words, in runs that a quoted phrase separates
    phrases: list[list[str]] = []
    for m in _PIECE.finditer(text):
        if m.group(1) is not None:
            if words := normalise(m.group(1)).split():
                phrases.append(words)
            runs.append([])
        elif word := m.group(0).strip(_EDGES):
            runs[-1].append(word)
    count = sum(len(r) for r in runs) + sum(len(p) for p in phrases)
    if count > MAX_WORDS:
        raise QueryError(f"a story query has at most {MAX_WORDS} words, not {count}")
    people: dict[int, StoryName] = {}
    types: list[str] = []
    leftover: list[list[str]] = []  # runs of words that are neither names nor types, in order
    for run in runs:
        leftover.append([])
        at = 0
        while at < len(run):
            if run[at].lower() in JOINERS:
                leftover.append([])
                at += 1
                continue
            end, found = _name_at(conn, run, at)
            if found is None and (kind := _type_of(run[at])) is not None:
                types.append(kind)
                leftover.append([])
                at += 1
                continue
            if found is None:
                leftover[-1].append(run[at])
                at += 1
                continue
            people.setdefault(found[0].id, StoryName(" ".join(run[at:end]), found[0], found[1:]))
            leftover.append([])
            at = end
    terms: list[str] = []
    shown: list[str] = []
    for words in leftover:
        _check_capitalised(conn, words)
        for word in words:
            if parts := normalise(word).split():
                terms.append(_fts_term(parts))
                shown.append(word)
    for words in phrases:
        terms.append(_fts_term(words))
        shown.append(f"“{' '.join(words)}”")
    if not people and not types and not terms:
        what = f"nothing to follow in {text.strip()!r}" if text.strip() else "an empty story query"
        raise QueryError(f"{what}: give one or more names, an event type or words from a quote")
    return Reading(list(people.values()), list(dict.fromkeys(types)), shown, " ".join(terms) or None)


def _name_at(conn: sqlite3.Connection, run: list[str], at: int) -> tuple[int, list[EntityRef] | None]:
    """The longest name starting at `at` (where its run ends, the entities it may mean), trying a
    single word only when it is no event type. Words that only fit a name the way the resolver
    fits one ("Russell Simmons Kimora Lee Simmons" fits Russell Simmons, with odd middle names)
    are not one name when their end is a name as it stands ("Kimora Lee Simmons")."""
    for end in range(min(len(run), at + MAX_NAME_WORDS), at + 1, -1):
        if run[end - 1].lower() in JOINERS:
            continue
        found = find_entities(conn, " ".join(run[at:end]), whole=True)
        if found and (
            _spelled(conn, run[at:end]) or not any(_spelled(conn, run[k:end]) for k in range(at + 1, end))
        ):
            return end, found
    if _type_of(run[at]) is None and (found := find_entities(conn, run[at], whole=True)):
        return at + 1, found
    return at + 1, None


def _spelled(conn: sqlite3.Connection, words: list[str]) -> bool:
    """Whether the words are an entity's name or one of its (capitalised) aliases as they stand."""
    text = " ".join(words)
    return (
        conn.execute(
            "SELECT 1 FROM entities WHERE name = ? COLLATE NOCASE UNION ALL "
            f"SELECT 1 FROM aliases WHERE alias = ? COLLATE NOCASE AND {NAME_ALIAS} LIMIT 1",
            (text, text),
        ).fetchone()
        is not None
    )


def _check_capitalised(conn: sqlite3.Connection, words: list[str]) -> None:
    """A run of capitalised words that is no name and that no quote contains was meant as a name."""
    names: list[list[str]] = [[]]
    for word in words:
        if word[:1].isupper():
            names[-1].append(word)
        elif names[-1]:
            names.append([])
    for name in names:
        parts = normalise(" ".join(name)).split()
        if parts and not _has_quotes(conn, " ".join(_fts_term([p]) for p in parts)):
            raise QueryError(
                f"no person or organisation called {' '.join(name)!r} in the store, and no quote says it "
                "(try 'storyline people'; put words in double quotes to search the quotes for them)"
            )


def story(
    conn: sqlite3.Connection,
    text: str,
    *,
    limit: int | None = None,
    offset: int = 0,
    evidence: int | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    since: date | None = None,
    until: date | None = None,
) -> Story:
    """The story a query means (see the module's docstring): its lines from `offset`, at most
    `limit`, each with its first `evidence` reports (all if None); with `since` or `until`, only
    the dated lines that reach into those days."""
    if since is not None and until is not None and since > until:
        raise QueryError(
            f"since {since.isoformat()} is after until {until.isoformat()}: no day is in between"
        )
    reading = read(conn, text)
    people = [n.entity.id for n in reading.people]
    truncated = False
    entries: list[TimelineEntry] = []
    if reading.types or not reading.fts:
        found, truncated = _events(conn, people, reading.types, min_confidence)
        entries += found
    if reading.fts or not reading.types:
        found, cut = _quotes(conn, people, reading.fts)
        entries += found
        truncated = truncated or cut
    if not reading.types and not reading.fts and len(people) <= 2:
        entries += [
            e
            for e in relations_of(conn, people[0], min_confidence)
            if set(people) <= {p["id"] for p in e.participants}
        ]
    if since is not None or until is not None:
        entries = [e for e in entries if _within(e, since, until)]
    in_order(conn, entries)
    page = as_shown(conn, entries[offset : offset + limit] if limit else entries[offset:])
    return Story(
        text,
        reading.describe(),
        reading.people,
        reading.types,
        reading.words,
        with_evidence(page, EvidenceMaker(conn, cap=evidence)),
        len(entries),
        truncated,
    )


def _events(
    conn: sqlite3.Connection, people: list[int], types: list[str], min_confidence: float
) -> tuple[list[TimelineEntry], bool]:
    """Event lines with every one of `people` as a participant, of one of `types` if any; types
    alone that match more than BROAD groups give only the WINDOW most recently stored."""
    if people:
        ids = group_ids_of(conn, people[0])
        for other in people[1:]:
            theirs = set(group_ids_of(conn, other))
            ids = [i for i in ids if i in theirs]
        found = event_entries(conn, ids, min_confidence)
        return [e for e in found if not types or e.type in types], False
    marks = ",".join("?" * len(types))
    sql = (
        f"SELECT DISTINCT group_id FROM events WHERE type IN ({marks}) AND group_id IS NOT NULL "
        f"ORDER BY group_id DESC LIMIT {BROAD + 1}"
    )
    ids = [row[0] for row in conn.execute(sql, types)]
    if len(ids) > BROAD:
        return event_entries(conn, ids[:WINDOW], min_confidence), True
    return event_entries(conn, ids, min_confidence), False


def _quotes(conn: sqlite3.Connection, people: list[int], fts: str | None) -> tuple[list[TimelineEntry], bool]:
    """Quote lines whose speaker and named entities include every one of `people`, containing the
    search words if any; words alone that match more than BROAD quotes give only the latest WINDOW."""
    if not people:
        (count,) = conn.execute("SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH ?", (fts,)).fetchone()
        window = f" ORDER BY rowid DESC LIMIT {WINDOW}" if count > BROAD else ""
        rows = conn.execute(
            f"SELECT 'quote', {QUOTE_COLUMNS} FROM quotes q WHERE q.within IS NULL AND q.id IN "
            f"(SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?{window})",
            (fts,),
        ).fetchall()
        return quote_entries(conn, rows), count > BROAD
    marks = ",".join("?" * len(people))
    where = [
        "q.within IS NULL",  # a quote within another is shown in that statement (timeline._quotes)
        "q.id IN (SELECT quote_id FROM quote_about WHERE entity_id = ? "
        "UNION SELECT id FROM quotes WHERE speaker_id = ?)",
    ]
    params: list[object] = [*people, people[0], people[0]]
    for other in people[1:]:
        where.append(
            "(q.speaker_id = ? OR EXISTS "
            "(SELECT 1 FROM quote_about a WHERE a.entity_id = ? AND a.quote_id = q.id))"
        )
        params += [other, other]
    if fts:
        where.append("EXISTS (SELECT 1 FROM quotes_fts WHERE quotes_fts MATCH ? AND rowid = q.id)")
        params.append(fts)
    rows = conn.execute(
        f"SELECT CASE WHEN q.speaker_id IN ({marks}) THEN 'quote' ELSE 'quote_about' END, {QUOTE_COLUMNS} "
        f"FROM quotes q WHERE {' AND '.join(where)}",
        params,
    ).fetchall()
    return quote_entries(conn, rows), False


def _within(entry: TimelineEntry, since: date | None, until: date | None) -> bool:
    """A dated line whose days reach into [since, until]."""
    if entry.date_start is None:
        return False
    last = entry.date_end or entry.date_start
    return (since is None or last >= since.isoformat()) and (
        until is None or entry.date_start <= until.isoformat()
    )
