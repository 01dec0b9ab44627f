"""The store: one SQLite file in WAL mode, so that queries run while an ingest writes.

SQLite is the default because it is in the standard library, lets many readers work beside one
writer, and keeps an incremental FTS5 index over quotes. Articles are committed in small batches
(at most half a second of work), each article a savepoint: a process killed at any moment (even by
SIGKILL) leaves every committed article intact and no half-written one, and WAL with
synchronous=NORMAL keeps committed transactions across a crash of the process (only a power cut
can take back the last few).

Only a writer (ingest, load, a server that may ingest, `storyline migrate`) creates a store or
upgrades its schema, and only in a file that is missing, empty or already a storyline store. A
reader refuses anything else, and a store of an older schema, before writing a byte: reading
never changes a file (`stats --db some.db` once added storyline's tables to another program's
database, and turned an empty file into a store).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from storyline.model import Article
from storyline.store import resolver, versions
from storyline.store.identity import Rules, load_rules
from storyline.store.near_duplicates import Finder
from storyline.store.schema import VERSION, migrate, refuse_newer
from storyline.store.writer import add_source, write_article

DEFAULT_DB = "storyline.db"
COMMIT_ARTICLES = 64
COMMIT_SECONDS = 0.5


def default_path() -> str:
    """`$STORYLINE_DB`, else ./storyline.db."""
    return os.environ.get("STORYLINE_DB") or DEFAULT_DB


def rules_path_for(db_path: str | Path) -> Path:
    """The merges-and-splits file that goes with a store: storyline.db -> storyline.entities.txt."""
    p = Path(db_path)
    return p.with_name(p.stem + ".entities.txt")


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message names it and says why."""


class Store:
    """An open store. Use as a context manager, or call close().

    `create=True` (a writer): make the store if the file is missing or empty, and bring an older
    schema up to date. `create=False` (a reader): the file must be a store of the current schema;
    the connection is read-only (PRAGMA query_only).
    """

    def __init__(
        self, path: str | Path | None = None, *, create: bool = True, rules: str | Path | None = None
    ):
        self.path = str(path or default_path())
        if not create and not Path(self.path).is_file():
            raise StoreError(f"{self.path}: no store here; run 'storyline ingest' first (or pass --db)")
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
            self.conn.execute("PRAGMA busy_timeout = 30000")
            _check_schema(self.conn, self.path, create)  # before anything could write to the file
            if create:
                self.conn.execute("PRAGMA journal_mode = WAL")  # kept in the file: a writer's choice
            else:
                self.conn.execute("PRAGMA query_only = ON")  # reads only, whoever holds the connection
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA cache_size = -65536")
            # 64 MB of log between checkpoints: a page written again meanwhile is copied into the file once
            # (into a store of 1 million quotes, writes cost 17 ms an article at 16 MB, 14 ms at 64 MB)
            self.conn.execute("PRAGMA wal_autocheckpoint = 16000")
            self.upgraded_from = migrate(self.conn, self.path) if create else VERSION
        except sqlite3.OperationalError as e:
            raise StoreError(f"{self.path}: cannot open the store ({e})") from None
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: not a storyline store ({e})") from None
        self.rules_path = Path(rules) if rules else rules_path_for(self.path)
        self._rules: Rules | None = None
        self._batch_started: float | None = None
        self._batch_size = 0
        self._resolver_checked = False

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.flush()
        self.conn.close()

    @property
    def version(self) -> int:
        return VERSION

    @property
    def rules(self) -> Rules:
        if self._rules is None:
            self._rules = load_rules(self.rules_path)
        return self._rules

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------------ writing
    def has_article(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add(self, article: Article, near_keys: list[int] | None = None) -> bool:
        """Store an extracted article, whole or not at all; False (and only its source noted) if known.

        Articles are committed in small batches (COMMIT_ARTICLES, or COMMIT_SECONDS of work, whichever
        comes first; flush() and close() commit the rest): one commit per article would spend more
        time in commits than in writing once the store is large. Each article is a savepoint inside
        the batch, so a failure takes back that article only. `near_keys`: the article's
        near-duplicate band keys, when the ingest's Finder already has them.
        """
        if not self._resolver_checked:
            self._resolver_checked = True
            if self.meta("resolver") != resolver.VERSION:  # linked by an older resolver: re-resolve first
                self.apply_rules(force=True)
        return self._in_batch(lambda: self._write(article, near_keys))

    def _write(self, article: Article, near_keys: list[int] | None = None) -> bool:
        if self.has_article(article.id):
            self._add_source(article)
            return False
        versions.before_write(self.conn, self.rules, article)  # a page fetched again with other text
        write_article(self.conn, article, self.rules, near_keys)
        return True

    def add_source(self, article: Article, to: str | None = None) -> bool:
        """Note another source of an article already stored (`to`, for a near-duplicate: the stored
        article it copies); False if that source was known too."""
        return self._in_batch(lambda: self._add_source(article, to))

    def _add_source(self, article: Article, to: str | None = None) -> bool:
        """The source noted; an article fetched from the web also takes over its URL's earlier texts
        (not a near-copy's: ingest stores an update as a new version, see updates_a_page)."""
        if to is None:
            versions.before_write(self.conn, self.rules, article)
        return add_source(self.conn, to or article.id, article)

    def updates_a_page(self, article: Article) -> bool:
        """Whether `article` is a new text of a page the store holds (storyline.store.versions); the
        connection sees its own batch, so nothing is committed for the question."""
        return versions.updates_a_page(self.conn, article)

    def near_duplicates(self) -> Finder:
        """A finder of near-copies of this store's articles, its index brought up to date first."""
        self.flush()
        finder = Finder(self.conn)
        finder.ensure_index()
        return finder

    def _in_batch(self, write: Callable[[], bool]) -> bool:
        if self._batch_started is None:
            self.conn.execute("BEGIN IMMEDIATE")
            self._batch_started, self._batch_size = time.monotonic(), 0
        self.conn.execute("SAVEPOINT article")
        try:
            result = write()
        except BaseException:
            self.conn.execute("ROLLBACK TO article")
            self.conn.execute("RELEASE article")
            raise
        self.conn.execute("RELEASE article")
        self._batch_size += 1
        if self._batch_size >= COMMIT_ARTICLES or time.monotonic() - self._batch_started >= COMMIT_SECONDS:
            self.flush()
        return result

    def flush(self) -> None:
        """Commit the articles written so far."""
        if self._batch_started is not None:
            self.conn.execute("COMMIT")
            self._batch_started = None

    def transaction(self) -> _Transaction:
        self.flush()
        return _Transaction(self.conn)

    # ------------------------------------------------------------------ entity rules
    def apply_rules(self, force: bool = False) -> bool:
        """Re-resolve every article entity if the rules file changed since the last run, or the store
        was linked by another version of the resolver (store.resolver.VERSION).

        Facts keep their article-local entity ids, so this rewrites links without re-extracting.
        """
        rules = self.rules
        current = (self.meta("rules_digest") or "") == rules.digest
        if not force and current and self.meta("resolver") == resolver.VERSION:
            return False
        with self.transaction():
            resolver.Resolver(self.conn, rules).rebuild()
            self.conn.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                [("rules_digest", rules.digest), ("resolver", resolver.VERSION)],
            )
        self._resolver_checked = True
        return True


def _check_schema(conn: sqlite3.Connection, path: str, create: bool) -> None:
    """Refuse, reading only, a file that is not a storyline store a writer may make or upgrade
    (create) or a reader may read as it is (not create)."""
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    if found == 0 and not tables:  # an empty file, or an empty SQLite database
        if not create:
            empty = "an empty file" if Path(path).stat().st_size == 0 else "an empty database"
            raise StoreError(f"{path}: not a storyline store ({empty}); 'storyline ingest' makes one")
        return
    if found == 0 or not {"meta", "articles"} <= set(tables):
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        raise StoreError(
            f"{path}: not a storyline store (another program's database: {shown or 'no tables'})"
        )
    refuse_newer(found, path)
    if found < VERSION and not create:
        raise StoreError(
            f"{path}: store schema version {found} is older than this storyline's ({VERSION}); "
            f"run 'storyline migrate --db {path}' to upgrade it (reading never changes a store)"
        )


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (KeyboardInterrupt included)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.conn.execute("ROLLBACK" if kind else "COMMIT")
