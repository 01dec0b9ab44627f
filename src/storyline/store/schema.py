"""The store's schema, versioned: each migration is a SQL script, applied in order, once.

`PRAGMA user_version` records how many have run. A store written by a newer storyline (a higher
version than this code knows) is refused rather than guessed at. The schema is documented in
docs/store.md; a change is a new entry at the end of MIGRATIONS, never an edit of an old one.

Every fact keeps its provenance: the article it came from (articles.id, the sha256 of the cleaned
body), its offsets into articles.text, and the offsets of its evidence sentence. Entities appear
twice: as the article's own entity (article_entities, keyed by the article's local id) and as the
cross-article entity it resolves to (entities). Facts keep both ids, so that changing how entities
resolve (the merges and splits file) rewrites links without re-extracting anything.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from itertools import chain

from storyline.quoting import nest, reach
from storyline.store import event_groups, near_duplicates

MIGRATIONS: tuple[str, ...] = (
    # 1: articles, sources, entities, quotes (with cross-article groups and full-text search),
    #    timexes, events, relations.
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        title TEXT,
        author TEXT,
        published TEXT,
        published_datetime TEXT,
        text TEXT NOT NULL,
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX articles_published ON articles (published);

    CREATE TABLE sources (
        article_id TEXT NOT NULL REFERENCES articles (id),
        source TEXT NOT NULL,
        url TEXT NOT NULL,
        input_id TEXT,
        title TEXT,
        author TEXT,
        published TEXT,
        PRIMARY KEY (article_id, source, url)
    );

    CREATE TABLE entities (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        gender TEXT
    );
    CREATE INDEX entities_name ON entities (name COLLATE NOCASE);

    CREATE TABLE article_entities (
        article_id TEXT NOT NULL REFERENCES articles (id),
        local_id TEXT NOT NULL,
        entity_id INTEGER NOT NULL REFERENCES entities (id),
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        gender TEXT,
        aliases TEXT NOT NULL,
        mentions TEXT NOT NULL,
        PRIMARY KEY (article_id, local_id)
    );
    CREATE INDEX article_entities_entity ON article_entities (entity_id);

    CREATE TABLE aliases (
        entity_id INTEGER NOT NULL REFERENCES entities (id),
        alias TEXT NOT NULL,
        PRIMARY KEY (entity_id, alias)
    ) WITHOUT ROWID;
    CREATE INDEX aliases_alias ON aliases (alias COLLATE NOCASE);

    CREATE TABLE quote_groups (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL,
        speaker_id INTEGER,
        first_date TEXT
    );
    CREATE TABLE quote_keys (
        key TEXT NOT NULL,
        group_id INTEGER NOT NULL REFERENCES quote_groups (id),
        PRIMARY KEY (key, group_id)
    ) WITHOUT ROWID;

    CREATE TABLE quotes (
        id INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles (id),
        local_id TEXT NOT NULL,
        group_id INTEGER REFERENCES quote_groups (id),
        text TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        kind TEXT NOT NULL,
        speaker_local TEXT,
        speaker_id INTEGER REFERENCES entities (id),
        speaker_name TEXT,
        cue TEXT,
        channel TEXT,
        medium TEXT,
        time_value TEXT,
        time_granularity TEXT,
        time_mod TEXT,
        date_start TEXT,
        date_end TEXT,
        evidence_start INTEGER NOT NULL,
        evidence_end INTEGER NOT NULL,
        confidence REAL
    );
    CREATE INDEX quotes_speaker ON quotes (speaker_id, date_start);
    CREATE INDEX quotes_group ON quotes (group_id);
    CREATE INDEX quotes_article ON quotes (article_id);
    CREATE INDEX quotes_date ON quotes (date_start);

    CREATE VIRTUAL TABLE quotes_fts USING fts5 (
        text, content = 'quotes', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
        INSERT INTO quotes_fts (rowid, text) VALUES (new.id, new.text);
    END;
    CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
        INSERT INTO quotes_fts (quotes_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END;

    CREATE TABLE quote_about (
        entity_id INTEGER NOT NULL,
        quote_id INTEGER NOT NULL REFERENCES quotes (id),
        local_id TEXT NOT NULL,
        PRIMARY KEY (entity_id, quote_id)
    ) WITHOUT ROWID;
    CREATE INDEX quote_about_quote ON quote_about (quote_id);

    CREATE TABLE timexes (
        article_id TEXT NOT NULL REFERENCES articles (id),
        local_id TEXT NOT NULL,
        text TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        type TEXT NOT NULL,
        value TEXT NOT NULL,
        mod TEXT,
        anchor TEXT,
        PRIMARY KEY (article_id, local_id)
    );

    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles (id),
        local_id TEXT NOT NULL,
        type TEXT NOT NULL,
        trigger TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        sentence_start INTEGER NOT NULL,
        sentence_end INTEGER NOT NULL,
        time_value TEXT,
        time_granularity TEXT,
        time_mod TEXT,
        date_start TEXT,
        date_end TEXT,
        modality TEXT NOT NULL,
        confidence REAL,
        args TEXT NOT NULL,
        quotes TEXT NOT NULL
    );
    CREATE INDEX events_article ON events (article_id);
    CREATE INDEX events_type ON events (type, date_start);

    CREATE TABLE event_roles (
        entity_id INTEGER NOT NULL,
        event_id INTEGER NOT NULL REFERENCES events (id),
        role TEXT NOT NULL,
        local_id TEXT NOT NULL,
        PRIMARY KEY (entity_id, event_id, role)
    ) WITHOUT ROWID;
    CREATE INDEX event_roles_event ON event_roles (event_id);

    CREATE TABLE relations (
        id INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles (id),
        local_id TEXT NOT NULL,
        type TEXT NOT NULL,
        head_local TEXT NOT NULL,
        tail_local TEXT NOT NULL,
        head_id INTEGER NOT NULL,
        tail_id INTEGER NOT NULL,
        start_value TEXT,
        end_value TEXT,
        evidence_start INTEGER,
        evidence_end INTEGER,
        confidence REAL
    );
    CREATE INDEX relations_head ON relations (head_id);
    CREATE INDEX relations_tail ON relations (tail_id);
    CREATE INDEX relations_article ON relations (article_id);
    """,
    # 2: quote keys carry the group's speaker (0: none), so that a lookup seeks (key, speaker) in
    #    the index instead of scanning every group that shares a common opening.
    """
    CREATE TABLE quote_keys_by_speaker (
        key TEXT NOT NULL,
        speaker INTEGER NOT NULL,
        group_id INTEGER NOT NULL REFERENCES quote_groups (id),
        PRIMARY KEY (key, speaker, group_id)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO quote_keys_by_speaker (key, speaker, group_id)
        SELECT k.key, coalesce(g.speaker_id, 0), k.group_id FROM quote_keys k
        JOIN quote_groups g ON g.id = k.group_id;
    DROP TABLE quote_keys;
    ALTER TABLE quote_keys_by_speaker RENAME TO quote_keys;
    """,
    # 3: an entity's articles read from the index alone: counting them for a heavily reported person
    #    took 0.5 ms (a table row per mention), now 0.03 ms; the person page lists them twice as fast.
    """
    CREATE INDEX IF NOT EXISTS article_entities_entity_article ON article_entities (entity_id, article_id);
    DROP INDEX IF EXISTS article_entities_entity;
    """,
    # 4: the resolver (store.resolver). Each article entity records why it joined its entity
    #    (link_reason) and, for a name decided by the corpus rather than by itself (a one-word name,
    #    an acronym), the form it was decided by, indexed so that a re-link finds them by a seek;
    #    entity_names indexes the candidates (full names by given name + surname, single names,
    #    defined acronyms, initials) with how many articles name each, single names also ranked by
    #    that count (the most reported few are read by a seek). A store linked by the old
    #    string key is marked so that the next ingest re-resolves it (meta 'resolver').
    """
    ALTER TABLE article_entities ADD COLUMN link_reason TEXT;
    ALTER TABLE article_entities ADD COLUMN form TEXT;
    CREATE INDEX article_entities_form ON article_entities (form) WHERE form IS NOT NULL;
    CREATE TABLE entity_names (
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        entity_id INTEGER NOT NULL REFERENCES entities (id),
        detail TEXT NOT NULL DEFAULT '',
        articles INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (kind, value, entity_id, detail)
    ) WITHOUT ROWID;
    CREATE INDEX entity_names_entity ON entity_names (entity_id);
    CREATE INDEX entity_names_rank ON entity_names (kind, value, articles) WHERE kind = 'word';
    INSERT OR REPLACE INTO meta (key, value)
        SELECT 'resolver', CASE WHEN EXISTS (SELECT 1 FROM article_entities) THEN 'key' ELSE '1' END;
    """,
    # 5: event groups (store.event_groups): the same real event from several articles is one group,
    #    with its participants, the windows its reports allow together, its best date, its earliest
    #    report, its report count and highest confidence. Each event names its group; the keys find
    #    a group by a seek on (participant, type, modality, role, last day of its window). Existing
    #    events are grouped by the Python step below, in the same transaction. (Events and relations
    #    have stored their confidence since version 1.)
    """
    CREATE TABLE event_groups (
        id INTEGER PRIMARY KEY,
        type TEXT NOT NULL,
        modality TEXT NOT NULL,
        participants TEXT NOT NULL,
        article_id TEXT,
        span_start TEXT,
        span_end TEXT,
        bound_start TEXT,
        bound_end TEXT,
        time_value TEXT,
        time_granularity TEXT,
        time_mod TEXT,
        date_start TEXT,
        date_end TEXT,
        best_event_id INTEGER,
        best_published TEXT,
        first_event_id INTEGER,
        first_article_id TEXT,
        first_published TEXT,
        reports INTEGER NOT NULL DEFAULT 0,
        confidence REAL
    );
    CREATE INDEX event_groups_article ON event_groups (article_id, type, modality)
        WHERE article_id IS NOT NULL;
    CREATE TABLE event_group_keys (
        entity_id INTEGER NOT NULL,
        type TEXT NOT NULL,
        modality TEXT NOT NULL,
        role TEXT NOT NULL,
        hi TEXT NOT NULL,
        group_id INTEGER NOT NULL REFERENCES event_groups (id),
        PRIMARY KEY (entity_id, type, modality, role, hi, group_id)
    ) WITHOUT ROWID;
    CREATE INDEX event_group_keys_group ON event_group_keys (group_id);
    ALTER TABLE events ADD COLUMN group_id INTEGER REFERENCES event_groups (id);
    CREATE INDEX events_group ON events (group_id);
    """,
    # 6: one line per statement (storyline.quoting): a quote inside another of the same speaker
    #    names it in `within` (the outer quote's local id), and the views show the outer one only.
    #    The Python step nests the quotes a store already holds, article by article.
    """
    ALTER TABLE quotes ADD COLUMN within TEXT;
    CREATE INDEX quotes_within ON quotes (article_id, within) WHERE within IS NOT NULL;
    CREATE INDEX quotes_within_speaker ON quotes (speaker_id) WHERE within IS NOT NULL;
    """,
    # 7: input from the web (storyline.ingest.crawl). A source keeps when it was fetched; sources are found
    #    by URL (is this page stored?). A page fetched again with other text is a new version of its
    #    article: article_versions links the two (with the URL and when), and an earlier version no
    #    source holds any more leaves `articles` for `superseded` (its text kept, its facts gone), so
    #    that every query shows the latest version only. `listings` and `listing_items` are what a
    #    feed or sitemap last said (its ETag and Last-Modified; each item's id, updated stamp and
    #    outcome), so that `storyline watch` asks for what is new only, across restarts.
    """
    ALTER TABLE sources ADD COLUMN fetched_at TEXT;
    CREATE INDEX sources_url ON sources (url) WHERE url != '';
    CREATE TABLE article_versions (
        article_id TEXT NOT NULL,
        earlier_id TEXT NOT NULL,
        url TEXT NOT NULL,
        replaced_at TEXT NOT NULL,
        PRIMARY KEY (article_id, earlier_id)
    ) WITHOUT ROWID;
    CREATE INDEX article_versions_earlier ON article_versions (earlier_id);
    CREATE TABLE superseded (
        id TEXT PRIMARY KEY,
        title TEXT,
        author TEXT,
        published TEXT,
        published_datetime TEXT,
        text TEXT NOT NULL,
        ingested_at TEXT NOT NULL,
        superseded_at TEXT NOT NULL
    );
    CREATE TABLE listings (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        checked_at TEXT NOT NULL
    );
    CREATE TABLE listing_items (
        listing TEXT NOT NULL,
        item TEXT NOT NULL,
        url TEXT NOT NULL,
        updated TEXT,
        outcome TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (listing, item)
    ) WITHOUT ROWID;
    """,
    # 8: near-duplicates and language (store.near_duplicates, nlp.language). Each stored article's
    #    MinHash band keys, so that a syndicated copy with small edits is found by a seek in a later
    #    run; each article's detected language (null: stored before detection, taken as English).
    #    The Python step indexes the articles a store already holds.
    """
    ALTER TABLE articles ADD COLUMN language TEXT;
    CREATE TABLE near_duplicate_articles (id INTEGER PRIMARY KEY, article_id TEXT NOT NULL UNIQUE);
    CREATE TABLE near_duplicate_keys (
        key INTEGER NOT NULL,
        doc INTEGER NOT NULL REFERENCES near_duplicate_articles (id),
        PRIMARY KEY (key, doc)
    ) WITHOUT ROWID;
    """,
    # 9: where a merged entity went. The resolver deletes an entity whose mentions all moved to
    #    another (a one-word name decided, a merge in the entities file); `entity_moves` keeps the
    #    id it went to, so that a link to its page, shared before the merge, still finds the person.
    """
    CREATE TABLE entity_moves (old INTEGER PRIMARY KEY, new INTEGER NOT NULL);
    CREATE INDEX entity_moves_new ON entity_moves (new);
    """,
    # 10: what a quote claims of a person (nlp/claims.py, the JSON contract's quotes[].claims), for
    #     the contradictions query. The subject is the article's local entity id, read through
    #     article_entities, so that a merge of entities needs no update here. A store written
    #     before has no claims until its articles are extracted again.
    """
    CREATE TABLE claims (
        quote_id INTEGER NOT NULL REFERENCES quotes (id),
        subject_local TEXT NOT NULL,
        predicate TEXT NOT NULL,
        negated INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL
    );
    CREATE INDEX claims_quote ON claims (quote_id);
    CREATE INDEX claims_predicate ON claims (predicate, negated);
    """,
    # 11: what a quote claims of a checkable thing, not a person (nlp/claims.py, the JSON contract's
    #     quotes[].thing_claims): "the logs were fake" is (record, falsify), for the contradictions
    #     query. A store written before has none until its articles are extracted again.
    """
    CREATE TABLE thing_claims (
        quote_id INTEGER NOT NULL REFERENCES quotes (id),
        thing TEXT NOT NULL,
        predicate TEXT NOT NULL,
        negated INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL
    );
    CREATE INDEX thing_claims_quote ON thing_claims (quote_id);
    CREATE INDEX thing_claims_thing ON thing_claims (thing, predicate, negated);
    """,
)


def nest_all(conn: sqlite3.Connection) -> None:
    """Version 6's step: set `within` on the stored quotes that lie inside another of their speaker,
    as extraction now does (storyline.quoting.nest), one article at a time. Reported speech was
    stored ending inside a quotation it ends in; it reaches over that quotation's closing mark here,
    as extraction now takes it in."""
    rows = (
        (article, quote, local, start, reach(end, after or ""), speaker)
        for article, quote, local, start, end, speaker, after in conn.execute(
            "SELECT q.article_id, q.id, q.local_id, q.start, q.end, q.speaker_local, CASE WHEN "
            "q.kind = 'indirect' THEN substr(a.text, q.end + 1, 3) END FROM quotes q "
            "JOIN articles a ON a.id = q.article_id ORDER BY q.article_id, q.id"
        )
    )
    updates: list[tuple[str, int]] = []
    article: list[tuple] = []
    for row in chain(rows, [None]):
        if article and (row is None or row[0] != article[0][0]):
            outer = nest([(start, end, speaker) for _, _, _, start, end, speaker in article])
            updates += [(article[o][2], r[1]) for r, o in zip(article, outer, strict=True) if o is not None]
            article = []
        if row is not None:
            article.append(row)
    conn.executemany("UPDATE quotes SET within = ? WHERE id = ?", updates)


# Python steps that complete a migration, run after its script in the same transaction: what SQL
# alone cannot do (grouping the events a store already holds). A step reads and writes only the
# tables its own version has, so that a later migration cannot break it.
AFTER: dict[int, Callable[[sqlite3.Connection], None]] = {
    5: event_groups.regroup_all,
    6: nest_all,
    8: near_duplicates.reindex_all,
}

VERSION = len(MIGRATIONS)


class SchemaError(RuntimeError):
    """The store cannot be used by this version of storyline."""


def refuse_newer(found: int, path: str) -> None:
    """A store written by a newer storyline is refused rather than guessed at."""
    if found > VERSION:
        raise SchemaError(
            f"{path}: store schema version {found} is newer than this storyline knows ({VERSION}); "
            "upgrade storyline"
        )


def migrate(conn: sqlite3.Connection, path: str) -> int:
    """Bring the store to VERSION; returns the version it had. Each step is one transaction."""
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    refuse_newer(found, path)
    for number in range(found, VERSION):
        try:
            conn.execute("BEGIN IMMEDIATE")
            # executescript would commit first; run statement by statement inside the transaction
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
            if (step := AFTER.get(number + 1)) is not None:
                step(conn)
            conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return found


def _statements(script: str) -> list[str]:
    """Split a migration into statements; triggers keep their inner semicolons."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
