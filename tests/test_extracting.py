"""Extracting beside the writes (storyline.ingest.extracting): the store an ingest leaves is the same
with the extraction here, in a child from the start, or in a child started part way; a child that
dies costs no article (what it had is extracted here, with a warning); Ctrl-C and a killed parent
leave no child behind."""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path

import pytest

from storyline.ingest import extracting, ingest, reading
from storyline.model import Article
from storyline.readers.records import read_jsonl_file
from storyline.store import Store
from storyline_testing.generate import write_corpus
from test_reading import _alive, _children, child_ends_with_parent, interrupt_when_stored

ROOT = Path(__file__).resolve().parents[1]
TABLES = (
    "articles",
    "quotes",
    "article_entities",
    "entities",
    "events",
    "event_groups",
    "quote_groups",
    "relations",
)
TIMES = {"ingested_at"}  # the only column two runs may differ in


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    (shard,) = write_corpus(24, tmp_path_factory.mktemp("corpus"), seed=5)
    return shard


def _articles(shard: Path) -> list[Article]:
    return [a for a in read_jsonl_file(shard) if isinstance(a, Article)]


def _contents(db: Path) -> dict[str, list[tuple]]:
    """Every stored row of the fact tables in storage order (ids included: the order must match),
    less the ingest time."""
    with sqlite3.connect(db) as conn:
        rows = {}
        for table in TABLES:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in TIMES]
            assert columns, table
            rows[table] = conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid").fetchall()
        return rows


def _ingest(db: Path, articles: list[Article], on_article=None):
    with Store(db) as store:
        return ingest(store, iter(articles), batch_size=2, on_article=on_article)


@pytest.fixture(scope="module")
def here(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    """The store with every article extracted in this process."""
    db = tmp_path_factory.mktemp("here") / "store.db"
    mp = pytest.MonkeyPatch()
    mp.setenv(extracting.ENV, "0")
    try:
        report = _ingest(db, _articles(corpus))
    finally:
        mp.undo()
    assert report.added == 24 and not report.failed
    return _contents(db)


def _extraction_children() -> list[int]:
    return [
        p
        for p in _children(os.getpid())
        if b"storyline.ingest.extracting" in Path(f"/proc/{p}/cmdline").read_bytes()
    ]


def test_a_child_from_the_start_stores_what_extracting_here_stores(
    corpus: Path, here: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(extracting.ENV, "1")
    seen: list[list[int]] = []
    report = _ingest(
        tmp_path / "s.db", _articles(corpus), on_article=lambda r: seen.append(_extraction_children())
    )
    assert report.added == 24 and not report.failed and not report.warnings
    assert all(len(pids) == 1 for pids in seen) and len({p for pids in seen for p in pids}) == 1
    assert not any(_alive(p) for p in seen[0])  # stopped with the ingest
    assert _contents(tmp_path / "s.db") == here


def test_a_child_started_part_way_takes_over(
    corpus: Path, here: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(extracting.ENV, raising=False)
    monkeypatch.setattr(reading, "cores", lambda: 2)
    monkeypatch.setattr(extracting, "START_AFTER", 4)
    started: list[int] = []
    original = extracting._Child.start

    def spy(batch_size: int) -> extracting._Child:
        started.append(batch_size)
        return original(batch_size)

    monkeypatch.setattr(extracting._Child, "start", spy)
    report = _ingest(tmp_path / "s.db", _articles(corpus))
    assert report.added == 24 and started == [2]
    assert _contents(tmp_path / "s.db") == here


def test_no_child_for_a_short_ingest_or_on_one_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(extracting.ENV, raising=False)
    monkeypatch.setattr(reading, "cores", lambda: 2)
    assert extracting.wanted() is None  # after START_AFTER articles
    monkeypatch.setattr(reading, "cores", lambda: 1)
    assert extracting.wanted() is False
    monkeypatch.setenv(extracting.ENV, "1")
    assert extracting.wanted() is True
    monkeypatch.setenv(extracting.ENV, "0")
    monkeypatch.setattr(reading, "cores", lambda: 8)
    assert extracting.wanted() is False


def test_a_child_that_dies_costs_no_article(
    corpus: Path, here: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(extracting.ENV, "1")
    killed: list[int] = []

    def kill_once(report) -> None:
        if not killed and report.added == 2:  # its first batch back, the next ones sent
            (child,) = _extraction_children()
            os.kill(child, signal.SIGKILL)
            killed.append(child)

    report = _ingest(tmp_path / "s.db", _articles(corpus), on_article=kill_once)
    assert killed and not _alive(killed[0])
    assert report.added == 24 and not report.failed
    assert report.warnings == [
        "<extraction process>: the extraction process was killed by SIGKILL; its articles were extracted here"
    ]
    assert _contents(tmp_path / "s.db") == here


def test_a_child_whose_parent_is_killed_ends(corpus: Path, tmp_path: Path) -> None:
    code = (
        "import sys, time; from storyline.ingest import extracting; "
        "from storyline.readers.records import read_jsonl_file; "
        "run = extracting.beside(2)(iter(list(read_jsonl_file(sys.argv[1])))); next(run); "
        "print('extracting', flush=True); time.sleep(300)"
    )
    child_ends_with_parent(code, [str(corpus)], "extracting", {extracting.ENV: "1"})


def test_ctrl_c_stops_the_ingest_and_its_extraction_process(tmp_path: Path) -> None:
    (shard,) = write_corpus(200, tmp_path / "corpus", seed=6)
    db = tmp_path / "s.db"
    interrupt_when_stored([str(shard)], db, {extracting.ENV: "1"})
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        (check,) = conn.execute("PRAGMA integrity_check").fetchone()
    assert 2 <= stored < 200 and check == "ok"
