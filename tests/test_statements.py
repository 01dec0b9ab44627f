"""One line per statement: a quote inside another of the same speaker is shown in it, with its
words marked, and quote text reads without corpus artefacts (storyline.quoting)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from downgrade import undo_after
from storyline import query
from storyline.cli import main
from storyline.cli.render import quotes as render_quotes
from storyline.cli.render import timeline as render_timeline
from storyline.cli.summary import render
from storyline.contract import from_dict, to_dict
from storyline.eval.polnear import _ours
from storyline.model import Article, Entity, Mention, Quote
from storyline.nlp.pipeline import Extractor
from storyline.quoting import clean, display_text, marks_in, nest, quoted, reach
from storyline.scale import duck
from storyline.scale.parquet import SCHEMAS, write_part
from storyline.store import Store
from storyline.store.identity import normalise
from storyline.store.schema import MIGRATIONS, VERSION
from storyline.web.app import create_app
from webstore import BASE_URL, SEED, build

# Invented texts in the shapes the corpus showed: a partial quote inside reported speech.
NEVER = (
    "Gary Lindqvist, the developer behind the Harbour Point towers, spoke to reporters on Monday. "
    'Lindqvist said he had "never seen, touched or signed" the permits at the heart of the dispute.'
)
CLOSE = (
    "Councillor Ana Mbeki addressed the meeting on Tuesday. "
    'Mbeki said she was "very close" to the investigation and would step aside from the vote.'
)
# Reported speech that ends on the words of a quotation ("... welcomed "any review.") ends after it.
REVIEW = (
    "Tern founder Daniel Okafor spoke on Monday. "
    'Okafor said he would not resign and that he welcomed "any review, by anyone."'
)
# Another speaker's words quoted inside reported speech: two statements.
OTHER = (
    "Nurse Lila Ortiz described the night of the storm. "
    'Ortiz said her supervisor, Paul Grant, told her to "keep the doors shut" until the power came back.'
)
# Doubled apostrophes as quotation marks, stray spaces before commas, doubled spaces.
ARTEFACTS = (
    "Mayor Tom Reyes defended the budget on Friday. Reyes said the audit had found ''no direct "
    "evidence'' of fraud , and that the council had been  ''misled''."
)


@pytest.fixture(scope="module")
def extracted() -> dict[str, Article]:
    texts = {"never": NEVER, "close": CLOSE, "review": REVIEW, "other": OTHER, "artefacts": ARTEFACTS}
    articles = [Article(text=t, published=date(2025, 3, 4), source=k) for k, t in texts.items()]
    return {a.source or "": a for a in Extractor().annotate(articles)}


def _pair(article: Article) -> tuple[Quote, Quote]:
    outer, inner = sorted(article.quotes, key=lambda q: (q.start, -q.end))
    return outer, inner


# ------------------------------------------------------------------ extraction sets `within`
@pytest.mark.parametrize(
    ("key", "words"), [("never", "never seen, touched or signed"), ("close", "very close")]
)
def test_a_partial_quote_in_reported_speech_lies_within_it(
    extracted: dict[str, Article], key: str, words: str
) -> None:
    outer, inner = _pair(extracted[key])
    assert (outer.kind, inner.kind, inner.text) == ("indirect", "partial", words)
    assert outer.speaker == inner.speaker is not None
    assert (outer.within, inner.within) == (None, outer.id)
    assert outer.start <= inner.start < inner.end <= outer.end


def test_reported_speech_ending_in_a_quotation_takes_in_its_closing_mark(
    extracted: dict[str, Article],
) -> None:
    a = extracted["review"]
    outer = next(q for q in a.quotes if q.kind == "indirect")
    inner = next(q for q in a.quotes if q.kind != "indirect")
    assert outer.text.endswith('welcomed "any review, by anyone."')
    assert inner.text == "any review, by anyone." and inner.within == outer.id


def test_another_speakers_words_quoted_in_reported_speech_stay_a_statement(
    extracted: dict[str, Article],
) -> None:
    a = extracted["other"]
    inner = next(q for q in a.quotes if q.text == "keep the doors shut")
    outer = next(q for q in a.quotes if q.kind == "indirect")
    assert inner.speaker_name == "Paul Grant" and (outer.speaker_name or "").endswith("Lila Ortiz")
    assert inner.within is None and outer.within is None


def test_quote_text_keeps_the_articles_characters(extracted: dict[str, Article]) -> None:
    q, *inner = extracted["artefacts"].quotes  # two apostrophes are a quotation mark: partial quotes within
    assert [(i.kind, i.text, i.within) for i in inner] == [
        ("partial", "no direct evidence", q.id),
        ("partial", "misled", q.id),
    ]
    assert extracted["artefacts"].text[q.start : q.end] == q.text
    assert "''no direct evidence''" in q.text and "fraud ," in q.text
    assert display_text(q.text) == (
        "the audit had found “no direct evidence” of fraud, and that the council had been “misled”"
    )


def test_within_goes_through_the_contract_both_ways(extracted: dict[str, Article]) -> None:
    a = extracted["never"]
    data = json.loads(json.dumps(to_dict(a)))
    assert [q["within"] for q in data["quotes"]] == [q.within for q in a.quotes] == [None, "q1"]
    assert [q.within for q in from_dict(data).quotes] == [None, "q1"]
    for q in data["quotes"]:
        del q["within"]  # output written before the field existed
    assert [q.within for q in from_dict(data).quotes] == [None, None]


def test_the_text_summary_shows_the_statement_once(extracted: dict[str, Article]) -> None:
    out = " ".join(render(extracted["never"]).split())
    assert "Quotes (0 quoted, 1 reported)" in out
    assert "[he had “never seen, touched or signed” the permits at the heart of the dispute]" in out
    assert out.count("never seen") == 1


def test_scoring_can_leave_the_inner_quotes_out(extracted: dict[str, Article]) -> None:
    a = extracted["never"]
    assert [len(p) for p in _ours(a)] == [0, 2]
    assert [len(p) for p in _ours(a, outer_only=True)] == [0, 1]


# ------------------------------------------------------------------ the functions
def test_display_text_artefacts() -> None:
    assert display_text("''It's anti-reform. She's layering''") == "It's anti-reform. She's layering"
    assert display_text("was ''taking a close look'' at it") == "was “taking a close look” at it"
    assert display_text("''A'' and ''B''") == "“A” and “B”"
    assert display_text("long-term problem''") == "long-term problem"
    assert display_text("``Yes,'' she said") == "“Yes,” she said"
    assert display_text("he , as chief ; knew  it .") == "he, as chief; knew it."
    assert display_text("( here ) and ... then a .45 calibre") == "(here) and ... then a .45 calibre"
    assert display_text("one\n  two") == "one\ntwo"
    assert display_text('he had "never seen" it') == 'he had "never seen" it'  # what is fine stays


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from(list("ab '`‘’\"“”,.;:?!()[]\n\t\u00a0")), max_size=40))
def test_display_text_is_idempotent_and_leaves_no_artefact(text: str) -> None:
    shown = display_text(text)
    assert shown == clean(text)  # the shortcut for text that needs nothing changes nothing
    assert display_text(shown) == shown
    assert "''" not in shown and "``" not in shown and "  " not in shown and " ," not in shown


def test_nest_takes_the_outermost_quote_of_the_same_speaker() -> None:
    spans = [
        (0, 100, "e1"),  # 0: a statement
        (10, 20, "e1"),  # 1: inside it, same speaker
        (30, 40, "e2"),  # 2: inside it, someone else: a statement of its own
        (32, 35, "e1"),  # 3: inside 2, but also inside 0, of its speaker
        (50, 60, None),  # 4: no speaker: inside whatever holds it
        (95, 110, "e1"),  # 5: overlaps 0 without lying inside it
        (120, 130, "e1"),
        (120, 130, "e1"),  # 7: the same span twice: the second lies in the first
        (125, 128, None),  # 8: inside 6
    ]
    assert nest(spans) == [None, 0, None, 0, 0, None, None, 6, 6]
    assert nest([]) == []


def test_reported_speech_reaches_over_the_closing_mark_it_stops_at() -> None:
    assert reach(10, '."') == 12 and reach(10, "”") == 11 and reach(10, ",” he") == 12
    assert reach(10, " and") == 10 and reach(10, "") == 10 and reach(10, "...") == 10


def test_marks_and_their_rendering() -> None:
    text = 'he was "very close," adding that he had "never" met her'
    marks = marks_in(text, [("very close", 8), ("never", 41), ("absent", 0)])
    assert [text[s:e] for s, e in marks] == ["very close", "never"]
    assert quoted(text, marks) == "he was ‘very close,’ adding that he had ‘never’ met her"
    assert marks_in("all of it", [("all of it", 0)]) == []  # the whole text is no inner quote


# ------------------------------------------------------------------ the store and its views
@pytest.fixture(scope="module")
def store_db(tmp_path_factory: pytest.TempPathFactory, extracted: dict[str, Article]) -> Path:
    path = tmp_path_factory.mktemp("statements") / "s.db"
    with Store(path) as store:
        for a in extracted.values():
            assert store.add(a)
        store.flush()
    return path


def _conn(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def test_the_timeline_shows_one_line_with_the_inner_words_marked(store_db: Path) -> None:
    conn = _conn(store_db)
    lines = [e for e in query.timeline(conn, "Gary Lindqvist").entries if e.kind == "quote"]
    (line,) = lines
    assert line.summary == (
        'Gary Lindqvist said: “he had "never seen, touched or signed" the permits at the heart of the '
        "dispute”"
    )
    assert [line.summary[s:e] for s, e in line.marks] == ["never seen, touched or signed"]
    shown = " ".join(render_timeline(query.timeline(conn, "Gary Lindqvist")).split())
    assert "Gary Lindqvist said: “he had ‘never seen, touched or signed’ the permits at the heart" in shown
    (close,) = [e for e in query.timeline(conn, "Ana Mbeki").entries if e.kind == "quote"]
    assert [close.summary[s:e] for s, e in close.marks] == ["very close"]


def test_the_quote_list_shows_one_line_per_statement(store_db: Path) -> None:
    conn = _conn(store_db)
    found = query.quotes(conn, speaker="Gary Lindqvist")
    (q,) = found.quotes
    assert [q.text[s:e] for s, e in q.marks] == ["never seen, touched or signed"]
    assert "“he had ‘never seen, touched or signed’ the permits" in " ".join(render_quotes(found).split())
    (reyes,) = query.quotes(conn, speaker="Tom Reyes").quotes
    assert (
        reyes.text
        == "the audit had found “no direct evidence” of fraud, and that the council had been “misled”"
    )
    # the stored text is the article's, so search and grouping see the same words as before
    assert [r.text for r in query.quotes(conn, search="no direct evidence").quotes] == [reyes.text]
    counts = query.stats(conn)
    assert (counts["quotes"], counts["nested_quotes"]) == (11, 5)
    assert query.person(conn, query.resolve(conn, "Gary Lindqvist")[0].id).quotes == 1


def test_the_inner_quote_is_stored_with_its_outer_one(store_db: Path) -> None:
    rows = (
        _conn(store_db)
        .execute(
            "SELECT q.kind, q.within, o.local_id FROM quotes q LEFT JOIN quotes o "
            "ON o.article_id = q.article_id AND o.local_id = q.within "
            "WHERE q.within IS NOT NULL ORDER BY q.id"
        )
        .fetchall()
    )
    assert [(kind, within == outer) for kind, within, outer in rows] == [
        ("partial", True),
        ("partial", True),
        ("direct", True),
        ("partial", True),  # the artefacts' ''no direct evidence'' and ''misled''
        ("partial", True),
    ]


def test_the_api_and_the_pages_mark_the_inner_words(store_db: Path) -> None:
    client = TestClient(create_app(store_db, rate=0), base_url=BASE_URL)
    who = query.resolve(_conn(store_db), "Gary Lindqvist")[0].id
    entries = client.get(f"/api/entities/{who}/timeline").json()["entries"]
    (line,) = [e for e in entries if e["kind"] == "quote"]
    assert [line["summary"][s:e] for s, e in line["marks"]] == ["never seen, touched or signed"]
    (q,) = client.get("/api/quotes", params={"speaker": who}).json()["quotes"]
    assert [q["text"][s:e] for s, e in q["marks"]] == ["never seen, touched or signed"]
    page = client.get(f"/people/{who}").text
    assert '<mark class="quoted">never seen, touched or signed</mark>' in page
    assert page.count("never seen, touched or signed") == 1


def test_reingesting_the_same_articles_changes_nothing(store_db: Path, extracted: dict[str, Article]) -> None:
    before = query.stats(_conn(store_db))
    with Store(store_db) as store:
        assert not any(store.add(a) for a in extracted.values())
    assert query.stats(_conn(store_db)) == before


def _cut_short() -> Article:
    """An article as extraction stored it before version 6: reported speech ending inside the
    quotation it ends in, nothing nested."""
    text = 'Hana Sato spoke on Monday. Sato said she welcomed "any review, by anyone."'
    sato = Entity("e1", "Hana Sato", "PERSON", mentions=[Mention(0, 9, "Hana Sato"), Mention(27, 31, "Sato")])
    end = text.index("anyone") + len("anyone")
    outer = Quote("q1", text[37:end], 37, end, "indirect", speaker="e1", speaker_name="Hana Sato")
    start = text.index("any review")
    inner = Quote(
        "q2", text[start:-1], start, len(text) - 1, "direct", speaker="e1", speaker_name="Hana Sato"
    )
    return Article(text=text, published=date(2025, 3, 4), source="y", entities=[sato], quotes=[outer, inner])


def test_a_version_5_store_is_nested_when_opened(tmp_path: Path, store_db: Path) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(store_db) as src, sqlite3.connect(old) as dst:
        src.backup(dst)
    with Store(old) as store:
        assert store.add(_cut_short())
    with sqlite3.connect(old) as conn:
        expected = conn.execute("SELECT id, within FROM quotes ORDER BY id").fetchall()
        assert expected[-2:] == [(expected[-2][0], None), (expected[-1][0], None)]
        expected[-1] = (expected[-1][0], "q1")  # the migration reaches over the closing mark
        conn.executescript(
            undo_after(5) + "DROP INDEX quotes_within; DROP INDEX quotes_within_speaker; "
            "ALTER TABLE quotes DROP COLUMN within; PRAGMA user_version = 5;"
        )
        fresh = sqlite3.connect(":memory:")
        for script in MIGRATIONS[:5]:
            fresh.executescript(script)
        tables = "SELECT name, sql FROM sqlite_master WHERE name = 'quotes'"
        assert conn.execute(tables).fetchall() == fresh.execute(tables).fetchall()  # as version 5 wrote it
    assert sum(w is not None for _, w in expected) == 6
    with Store(old) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone() == (VERSION,)
        assert store.conn.execute("SELECT id, within FROM quotes ORDER BY id").fetchall() == expected


# ------------------------------------------------------------------ Parquet and DuckDB
def _nested_article() -> Article:
    text = 'Ana Mbeki said she was "very close" to the investigation.'
    mbeki = Entity("e1", "Ana Mbeki", "PERSON", mentions=[Mention(0, 9, "Ana Mbeki")])
    outer = Quote("q1", text[15:56], 15, 56, "indirect", speaker="e1", speaker_name="Ana Mbeki")
    inner = Quote("q2", "very close", 24, 34, "partial", speaker="e1", speaker_name="Ana Mbeki", within="q1")
    return Article(text=text, published=date(2025, 3, 4), source="x", entities=[mbeki], quotes=[outer, inner])


def test_parquet_keeps_within_and_duckdb_shows_one_line(tmp_path: Path) -> None:
    assert "within" in SCHEMAS["quotes"].names
    write_part([_nested_article()], tmp_path / "ds", "part-00000")
    table = pq.read_table(next((tmp_path / "ds" / "quotes").rglob("*.parquet")))
    assert table.column("within").to_pylist() == [None, "q1"]
    db = duck.connect(tmp_path / "ds")
    assert [r.text for r in duck.quotes(db)] == ['she was "very close" to the investigation']
    assert [r.text for r in duck.timeline(db, "Ana Mbeki") if r.kind == "quote"] == [
        'she was "very close" to the investigation'
    ]


def test_duckdb_reads_quotes_written_before_within(tmp_path: Path) -> None:
    write_part([_nested_article()], tmp_path / "ds", "part-00000")
    path = next((tmp_path / "ds" / "quotes").rglob("*.parquet"))
    old = pq.read_table(path).drop_columns(["within"])
    pq.write_table(old, path)
    pq.write_table(pa.Table.from_pylist([], schema=SCHEMAS["quotes"]), path.with_name("part-00001.parquet"))
    assert len(duck.quotes(duck.connect(tmp_path / "ds"))) == 2  # nothing known nested: both shown
    path.with_name("part-00001.parquet").unlink()
    assert len(duck.quotes(duck.connect(tmp_path / "ds"))) == 2


# ------------------------------------------------------------------ the demo corpus and the founding article
def _quote_words(summary: str) -> list[str]:
    return normalise(summary[summary.index(": “") + 3 : -1]).split()


def _holds(words: list[str], part: list[str]) -> bool:
    return any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("demo") / "demo.db")


def test_no_timeline_line_repeats_another_of_its_speaker_date_and_sentence(demo_db: Path) -> None:
    conn = _conn(demo_db)
    people = [
        r[0]
        for r in conn.execute(
            "SELECT speaker_id FROM quotes WHERE speaker_id IS NOT NULL "
            "UNION SELECT entity_id FROM quote_about"
        )
    ]
    assert len(people) > 40
    # the founding article (examples/ holds a copy of ../shared/seed/000_ca187d1cd9f803a8.txt)
    seeds = conn.execute("SELECT count(*) FROM sources WHERE input_id = ?", (str(SEED),)).fetchone()
    assert seeds == (1,)
    checked = repeats = 0
    marked = 0
    for person in people:
        lines = [
            e
            for e in query.timeline(conn, person, min_confidence=0).entries
            if e.kind in {"quote", "quote_about"}
        ]
        marked += sum(bool(e.marks) for e in lines)
        for a in lines:
            for b in lines:
                if a is b or (a.participants[0]["id"], a.date) != (b.participants[0]["id"], b.date):
                    continue
                checked += 1
                same_sentence = any(
                    x[0] == y[0] and x[1] < y[2] and y[1] < x[2] for x in a.reports for y in b.reports
                )
                if same_sentence and _holds(_quote_words(a.summary), _quote_words(b.summary)):
                    repeats += 1
    assert checked > 500 and marked > 30  # pairs of lines compared; lines with quoted words marked
    assert repeats == 0
    nested = conn.execute("SELECT count(*) FROM quotes WHERE within IS NOT NULL").fetchone()[0]
    assert nested >= 20


def test_the_cli_timeline_marks_the_inner_words(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timeline", "--db", str(demo_db), "Daniel Okafor"]) == 0
    out = capsys.readouterr().out
    assert "‘never seen, touched or signed’" in out
    assert "Daniel Okafor said: “never seen, touched or signed”" not in out
