"""Near-duplicates: a syndicated copy with small edits is one article with one more source."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from storyline.ingest import ingest
from storyline.model import Article
from storyline.nlp.pipeline import failed
from storyline.store import Store
from storyline.store import near_duplicates as nd
from storyline.store.schema import MIGRATIONS, _statements

WIRE = [
    "Harriet Vance resigned as chief executive of Corran Shipping on Monday, two months after "
    "regulators opened an inquiry into the company's safety record at its northern ports.",
    '"I have decided that the company needs a fresh start, and I am leaving so that it can have one," '
    "Vance said in a statement released by the board late on Monday evening.",
    "The board said finance director Tomas Lindqvist would serve as interim chief executive while it "
    "searched for a permanent successor, a process it expects to take several months.",
    "Vance, 58, joined Corran in 2009 from a rival freight firm and became chief executive in 2016. "
    "She will remain an adviser to the board until the end of the year.",
    "The inquiry, led by the national maritime safety authority, is examining accidents at three "
    "ports between 2021 and 2024, in which two dock workers were seriously injured.",
    "Shares in Corran fell four percent in early trading after the announcement, before recovering "
    "most of the loss by the close of the market in the afternoon.",
]
OUTLETS = ["Wire Service", "Harbour Herald", "Coastal Times", "Northern Post", "Evening Ledger"]


def wire_copies() -> list[Article]:
    """The wire story and four outlets' runs of it: a dateline, another headline line, an added
    paragraph, a trimmed ending, a word or two changed."""
    body = list(WIRE)
    texts = [
        body,
        ["PORTSMOUTH (Wire Service) - " + body[0], *body[1:]],
        ["Corran chief quits amid safety inquiry", *body[:4], *body[5:]],
        [
            *body[:3],
            "Union leaders welcomed the change at the top, saying dock workers had raised concerns "
            "about staffing for years without an answer from management.",
            *body[3:],
        ],
        [body[0].replace("on Monday", "Monday"), *body[1:5]],
    ]
    return [
        Article(
            text="\n\n".join(paragraphs),
            title=f"{outlet}: Corran chief executive resigns",
            source=outlet,
            url=f"https://{outlet.lower().replace(' ', '')}.example/corran",
            published=date(2025, 3, 10),
            input_id=f"{outlet}.txt",
        )
        for outlet, paragraphs in zip(OUTLETS, texts, strict=True)
    ]


def test_each_copy_is_near_its_original_and_not_exact() -> None:
    original, *copies = wire_copies()
    for copy in copies:
        assert copy.id != original.id
        assert nd.jaccard(nd.shingles(copy.text), nd.shingles(original.text)) >= nd.THRESHOLD


def store_only(articles):  # no extraction: the store's path alone
    return iter(articles)


def test_copies_in_one_run_are_one_article_with_every_source(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        report = ingest(store, wire_copies(), extract=store_only)
        assert (report.added, report.duplicates, report.near_duplicates, report.new_sources) == (1, 4, 4, 4)
        assert "4 near-duplicates" in report.summary()
        rows = store.conn.execute("SELECT article_id, source FROM sources ORDER BY source").fetchall()
        assert sorted(s for _, s in rows) == sorted(OUTLETS)
        assert {a for a, _ in rows} == {wire_copies()[0].id}


def test_copies_in_later_runs_are_found_in_the_stored_index(tmp_path: Path) -> None:
    original, *copies = wire_copies()
    with Store(tmp_path / "s.db") as store:
        ingest(store, [original], extract=store_only)
    for copy in copies:  # one run each, a new process's view of the store
        with Store(tmp_path / "s.db") as store:
            report = ingest(store, [copy], extract=store_only)
            assert (report.added, report.near_duplicates, report.new_sources) == (0, 1, 1)
    with Store(tmp_path / "s.db") as store:
        assert store.conn.execute("SELECT count(*) FROM articles").fetchone() == (1,)
        assert store.conn.execute("SELECT count(*) FROM sources").fetchone() == (5,)
        again = ingest(store, [copies[0]], extract=store_only)  # a source already noted
        assert (again.near_duplicates, again.new_sources) == (1, 0)


def test_different_articles_on_the_same_story_stay_apart(tmp_path: Path) -> None:
    demo = Path(__file__).resolve().parents[1] / "examples" / "demo"
    from storyline.readers import read_path

    same_story = [
        a
        for name in ("2025-03-04-tern-harassment-claims.txt", "2025-03-05-okafor-denies-claims.txt")
        for a in read_path(demo / name)
    ]
    with Store(tmp_path / "s.db") as store:
        report = ingest(store, same_story, extract=store_only)
    assert (report.added, report.near_duplicates) == (2, 0)


def test_short_texts_are_matched_exactly_only(tmp_path: Path) -> None:
    short = [Article(text="Vance resigned on Monday, the board said."), Article(text="Vance quit Monday.")]
    with Store(tmp_path / "s.db") as store:
        report = ingest(store, short, extract=store_only)
    assert (report.added, report.near_duplicates) == (2, 0)


def test_near_copies_of_a_failed_article_are_reported_not_lost(tmp_path: Path) -> None:
    def failing(articles):  # reads the whole batch first, as a cluster does
        for a in list(articles):
            yield failed(a, "test")

    with Store(tmp_path / "s.db") as store:
        report = ingest(store, wire_copies()[:2], extract=failing)
    assert (report.added, report.duplicates, report.near_duplicates) == (0, 0, 0)
    assert [str(f) for f in report.failed] == [
        "Wire Service.txt: extraction failed (test)",
        "Harbour Herald.txt: not stored: a near-duplicate of Wire Service.txt, which failed",
    ]


def test_a_store_of_the_previous_schema_is_indexed_when_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:6]:
        for statement in _statements(script):
            conn.execute(statement)
    original = wire_copies()[0]
    conn.execute(
        "INSERT INTO articles (id, text, ingested_at) VALUES (?, ?, '')", (original.id, original.text)
    )
    conn.execute("PRAGMA user_version = 6")
    conn.close()
    with Store(path) as store:
        assert store.upgraded_from == 6
        assert store.conn.execute("SELECT article_id FROM near_duplicate_articles").fetchall() == [
            (original.id,)
        ]
        assert store.conn.execute("SELECT language FROM articles").fetchall() == [(None,)]
        report = ingest(store, wire_copies()[1:], extract=store_only)
    assert (report.added, report.near_duplicates) == (0, 4)


def test_an_index_made_otherwise_is_made_anew(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        ingest(store, wire_copies()[:1], extract=store_only)
        store.conn.execute("UPDATE meta SET value = 'another rensa' WHERE key = 'near_duplicates'")
        store.conn.execute("DELETE FROM near_duplicate_keys")
        finder = store.near_duplicates()
        assert store.meta("near_duplicates") == nd.params()
        assert finder.match("x", wire_copies()[1].text) == wire_copies()[0].id


@pytest.mark.extraction
def test_a_wire_story_run_by_five_outlets_is_one_article_with_five_sources(tmp_path: Path) -> None:
    from storyline.query import timeline

    with Store(tmp_path / "s.db") as store:
        report = ingest(store, wire_copies())
        assert (report.added, report.near_duplicates, len(report.failed)) == (1, 4, 0)
        assert store.conn.execute("SELECT count(*) FROM articles").fetchone() == (1,)
        assert store.conn.execute("SELECT count(*) FROM sources").fetchone() == (5,)
        lines = timeline(store.conn, "Harriet Vance").entries
    quotes = [e for e in lines if e.kind == "quote"]
    assert quotes, "the statement is on Vance's timeline"
    events = [e for e in lines if e.kind == "event"]
    assert events, "the resignation is on Vance's timeline"
    for entry in quotes + events:  # quote groups and event groups keep every outlet
        assert sorted(entry.evidence[0].outlets) == sorted(OUTLETS)
    assert all(sorted(e.outlets) == sorted(OUTLETS) for e in events)


def test_a_page_fetched_again_with_a_small_correction_is_a_new_version_not_a_copy(tmp_path: Path) -> None:
    """A correction keeps most of its page's words: it is the page's new version (store.versions),
    which the near-duplicate index would otherwise take for a copy of the earlier text and drop."""
    first = wire_copies()[0]
    url, when = "https://wire.example/corran", datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    earlier = replace(first, url=url, fetched_at=when)
    corrected = replace(
        first,
        text=first.text.replace("Corran", "Corran Ports", 1),
        url=url,
        fetched_at=when + timedelta(hours=3),
    )
    assert (
        nd.jaccard(nd.shingles(earlier.text), nd.shingles(corrected.text)) >= nd.THRESHOLD
    )  # near enough to be taken for a copy
    with Store(tmp_path / "s.db") as store:
        ingest(store, [earlier], extract=store_only)
        report = ingest(store, [corrected], extract=store_only)
        assert (report.added, report.near_duplicates) == (1, 0)
        assert store.conn.execute("SELECT article_id, earlier_id FROM article_versions").fetchall() == [
            (corrected.id, earlier.id)
        ]
        assert [r[0] for r in store.conn.execute("SELECT id FROM articles")] == [corrected.id]


def test_the_keys_an_ingest_stores_are_the_text_s_own(tmp_path: Path) -> None:
    """The ingest hands the Finder's keys to the writer rather than signing each text twice: what
    is stored must be what the text signs to."""
    first = wire_copies()[0]
    with Store(tmp_path / "s.db") as store:
        ingest(store, [first], extract=store_only)
        stored_keys = {
            r[0]
            for r in store.conn.execute(
                "SELECT k.key FROM near_duplicate_keys k JOIN near_duplicate_articles d ON d.id = k.doc "
                "WHERE d.article_id = ?",
                (first.id,),
            )
        }
    assert stored_keys == set(nd.band_keys(nd.shingles(first.text)))
