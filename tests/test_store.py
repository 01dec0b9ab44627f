"""The knowledge base: ingest (idempotent, several sources), entity resolution, quote groups and
every query, on the demo corpus and the founding article."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from storyline import query
from storyline.cli import main
from storyline.ingest import ingest, read_inputs
from storyline.readers.metadata import load_metadata
from storyline.store import SchemaError, Store, StoreError
from storyline.store.identity import automatic_key, load_rules
from storyline.store.schema import VERSION

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo"
SEED = ROOT / "examples" / "kimora-lee-simmons-2018-01-26.txt"
METADATA = DEMO.parent / "metadata.tsv"
INPUTS = [str(DEMO), str(SEED)]


def _ingest(db: Path, rules: Path | None = None):
    with Store(db, rules=rules) as store:
        return ingest(store, read_inputs(INPUTS, metadata=METADATA))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kb") / "demo.db"
    report = _ingest(path)
    assert report.added > 20 and not report.failed
    return path


@pytest.fixture()
def conn(db: Path):
    with Store(db, create=False) as store:
        yield store.conn


def _demo_texts() -> dict[str, list[str]]:
    """Article files of the demo corpus grouped by their exact content."""
    groups: dict[str, list[str]] = defaultdict(list)
    for f in sorted(DEMO.glob("*.txt")):
        groups[f.read_text(encoding="utf-8")].append(f.name)
    return groups


# ------------------------------------------------------------------ ingest
def test_second_ingest_changes_no_count(db: Path) -> None:
    before = _stats(db)
    report = _ingest(db)
    assert report.added == 0 and report.new_sources == 0
    assert report.duplicates == len(list(DEMO.glob("*.txt"))) + 1
    assert _stats(db) == before


def _stats(db: Path) -> dict:
    with Store(db, create=False) as store:
        return query.stats(store.conn)


def test_same_text_from_two_outlets_is_one_article_with_both_sources(conn: sqlite3.Connection) -> None:
    copies = [names for names in _demo_texts().values() if len(names) > 1]
    assert copies, "the demo corpus has a story run by two outlets"
    meta = load_metadata(METADATA)
    for names in copies:
        outlets = {meta[n]["source"] for n in names}
        assert len(outlets) == len(names)
        rows = conn.execute(
            "SELECT article_id, group_concat(source, '|') FROM sources WHERE input_id IN ({}) "
            "GROUP BY article_id".format(",".join("?" * len(names))),
            [str(DEMO / n) for n in names],
        ).fetchall()
        assert len(rows) == 1
        assert set(rows[0][1].split("|")) == outlets


def test_counts_match_the_inputs(conn: sqlite3.Connection) -> None:
    stats = query.stats(conn)
    distinct = len(_demo_texts()) + 1
    assert stats["articles"] == distinct
    assert stats["sources"] == len(list(DEMO.glob("*.txt"))) + 1
    assert stats["schema_version"] == VERSION
    for key in ("quotes", "events", "relations", "timexes", "people"):
        assert stats[key] > 0


def test_ingest_reports_bad_inputs_and_goes_on(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "ok.txt").write_text(
        'date 2020-05-01 A title\nThe mayor said, "We will win."\n', encoding="utf-8"
    )
    with Store(tmp_path / "s.db") as store:
        report = ingest(store, read_inputs([str(tmp_path / "*.txt"), str(tmp_path / "missing")]))
    assert report.added == 1
    assert sorted(Path(f.input).name for f in report.failed) == ["empty.txt", "missing"]
    reasons = {Path(f.input).name: f.reason for f in report.failed}
    assert reasons == {"empty.txt": "empty file", "missing": "no such file, folder or matching files"}


# ------------------------------------------------------------------ entities
@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Kimora Lee Simmons", "Kimora Simmons", True),
        ("Kimora Lee Simmons", "Russell Simmons", False),
        ("Dr. Jane Roe", "Jane Roe", True),
        ("John Smith Jr.", "John Smith", False),
        ("Simmons", "Russell Simmons", False),
    ],
)
def test_person_keys(a: str, b: str, same: bool) -> None:
    assert (automatic_key(a, "PERSON") == automatic_key(b, "PERSON")) is same


def test_organisation_keys_ignore_legal_forms() -> None:
    assert automatic_key("Tern Logistics Inc.", "ORG") == automatic_key("Tern Logistics", "ORG")
    assert automatic_key("The Hollywood Reporter", "ORG") == automatic_key("Hollywood Reporter", "ORG")


def test_people_sharing_a_surname_stay_apart(conn: sqlite3.Connection) -> None:
    found = query.people(conn, search="Okafor")
    full_names = {p.name for p in found if len(p.name.split()) > 1}
    assert len(full_names) >= 3  # the founder, his ex-wife, his brother, an unrelated organiser
    kimora, russell = query.resolve(conn, "Kimora Lee Simmons")[0], query.resolve(conn, "Russell Simmons")[0]
    assert kimora.id != russell.id


def test_a_person_lists_aliases_and_articles(conn: sqlite3.Connection) -> None:
    person = query.resolve(conn, "Russell Simmons")[0]
    assert person.articles == 1
    assert {"Russell", "Simmons"} <= set(person.aliases)
    top = query.people(conn, limit=1)[0]
    assert top.articles > 5 and top.quotes > 5


def test_rules_file_merges_and_splits(tmp_path: Path, db: Path) -> None:
    copy = tmp_path / "copy.db"
    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    rules = tmp_path / "rules.txt"
    with Store(copy, rules=rules) as store:
        russell_alone = len(query.quotes(store.conn, speaker="Russell Simmons", limit=None).quotes)
    rules.write_text("# test\nmerge: Russell Simmons = Kimora Lee Simmons\n", encoding="utf-8")
    assert _ingest(copy, rules).added == 0  # the next ingest applies the rules
    with Store(copy, create=False, rules=rules) as store:
        merged = query.resolve(store.conn, "Kimora Lee Simmons")[0]
        assert merged.id == query.resolve(store.conn, "Russell Simmons")[0].id
        assert merged.name == "Russell Simmons"
        both = query.quotes(store.conn, speaker="Russell Simmons", limit=None).quotes
        assert len(both) == russell_alone + 5
    rules.write_text("split: Kimora Simmons / Kimora Lee Simmons\n", encoding="utf-8")
    with Store(copy, rules=rules) as store:
        assert store.apply_rules()
        assert not store.apply_rules()  # nothing changed since
        kimora = query.resolve(store.conn, "Kimora Lee Simmons")[0]
        assert kimora.name == "Kimora Lee Simmons"
        assert kimora.id != query.resolve(store.conn, "Russell Simmons")[0].id
        assert len(query.quotes(store.conn, speaker="Kimora Lee Simmons").quotes) == 5


def test_bad_rules_line_is_named(tmp_path: Path) -> None:
    rules = tmp_path / "r.txt"
    rules.write_text("merge: Only One\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"r\.txt:1: a merge needs two names"):
        load_rules(rules)


# ------------------------------------------------------------------ quotes
def test_speaker_quotes_with_dates_and_evidence(conn: sqlite3.Connection) -> None:
    result = query.quotes(conn, speaker="Kimora Lee Simmons")
    assert len(result.quotes) == 5
    for q in result.quotes:
        assert q.date == "2018-01-25"
        assert q.reports and q.reports[0].published == "2018-01-26"
        assert (
            q.text[:30]
            in conn.execute("SELECT text FROM articles WHERE id = ?", (q.reports[0].article_id,)).fetchone()[
                0
            ]
        )


def test_a_requote_from_another_outlet_is_one_quote(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT group_id, count(DISTINCT article_id), count(DISTINCT text), min(date_start) FROM quotes "
        "GROUP BY group_id HAVING count(DISTINCT article_id) > 1 AND count(DISTINCT text) > 1"
    ).fetchall()
    assert rows, "a lightly edited re-quote joins its original"
    for group, _, _, first in rows:
        (group_date,) = conn.execute("SELECT first_date FROM quote_groups WHERE id = ?", (group,)).fetchone()
        assert group_date == first  # the group carries the earliest date


def test_quote_filters(conn: sqlite3.Connection) -> None:
    everything = query.quotes(conn, limit=None).quotes
    found = query.quotes(conn, search="unequivocally deny").quotes
    assert found and all("unequivocally deny" in q.text.lower() for q in found)
    late = query.quotes(conn, since="2025-09-01", limit=None).quotes
    early = query.quotes(conn, until="2025-08-31", limit=None).quotes
    assert late and early and len(late) + len(early) == len(everything)
    assert all(q.date_start >= "2025-09-01" for q in late)
    assert all(q.date_start <= "2025-08-31" for q in early)
    about = query.quotes(conn, about="Russell Simmons", limit=None).quotes
    assert about and all(q.speaker != "Russell Simmons" for q in about)
    with pytest.raises(query.QueryError, match="not a date"):
        query.quotes(conn, since="last week")


# ------------------------------------------------------------------ timeline, relations, contradictions
def test_timeline_is_in_date_order_with_evidence(conn: sqlite3.Connection) -> None:
    result = query.timeline(conn, "Russell Simmons")
    dated = [e for e in result.entries if e.date_start]
    assert [e.date_start for e in dated] == sorted(e.date_start for e in dated)
    values = [e.value or e.date for e in result.entries]
    wanted = ["1991", "1998", "2009", "2017-11", "2018-01-25"]
    positions = [values.index(v) for v in wanted]
    assert positions == sorted(positions)
    for entry in result.entries:
        assert entry.evidence and entry.evidence[0].sentence
    kinds = {e.kind for e in result.entries}
    assert {"event", "quote", "relation", "reference"} <= kinds


def test_a_timeline_page_is_a_slice_of_the_whole(conn: sqlite3.Connection) -> None:
    whole = query.timeline(conn, "Russell Simmons")
    page = query.timeline(conn, "Russell Simmons", limit=4, offset=3, evidence=1)
    assert whole.total == page.total == len(whole.entries) > 7
    assert [e.summary for e in page.entries] == [e.summary for e in whole.entries[3:7]]
    for short, full in zip(page.entries, whole.entries[3:7], strict=True):
        assert short.evidence == full.evidence[:1]
        assert short.evidence_total == full.evidence_total == len(full.evidence)


def test_results_encode_to_json_as_their_dicts(conn: sqlite3.Connection) -> None:
    for result in (
        query.timeline(conn, "Russell Simmons", evidence=2),
        query.relations(conn, "Kimora Lee Simmons"),
        query.contradictions(conn, "Russell Simmons"),
    ):
        assert json.loads(result.to_json()) == result.to_dict()
    assert "reports" not in query.timeline(conn, "Russell Simmons").to_dict()["entries"][0]


def test_relations_of_a_person(conn: sqlite3.Connection) -> None:
    found = query.relations(conn, "Kimora Lee Simmons").relations
    spouse = next(r for r in found if r.type == "spouse")
    assert {spouse.head, spouse.tail} == {"Kimora Lee Simmons", "Russell Simmons"}
    assert (spouse.start, spouse.end) == ("1998", "2009")
    assert spouse.evidence_total == len(spouse.evidence) >= 1
    capped = query.relations(conn, "Kimora Lee Simmons", evidence=1).relations
    assert [len(r.evidence) for r in capped] == [min(1, r.evidence_total) for r in found]


def test_contradictions_pair_an_accusation_with_its_denial(conn: sqlite3.Connection) -> None:
    pairs = query.contradictions(conn, "Russell Simmons").pairs
    denials = [p for p in pairs if p.kind == "accusation and denial"]
    assert denials
    for p in denials:
        russell = query.resolve(conn, "Russell Simmons")[0].id
        assert any(x["id"] == russell and x["role"] == "agent" for x in p.denied.participants)
        assert not (p.affirmed.date_start and p.denied.date_end and p.affirmed.date_start > p.denied.date_end)


def test_unknown_name_is_a_clear_error(conn: sqlite3.Connection) -> None:
    with pytest.raises(query.QueryError, match="no person or organisation called 'Nobody Atall'"):
        query.timeline(conn, "Nobody Atall")


# ------------------------------------------------------------------ export, schema, CLI
@pytest.mark.parametrize("fmt", ["json", "csv", "parquet"])
def test_export(fmt: str, db: Path, tmp_path: Path) -> None:
    written = query.export(sqlite3.connect(db), fmt, tmp_path)
    assert {p.stem for p in written} == set(query.TABLES)
    quotes = next(p for p in written if p.stem == "quotes")
    stats = _stats(db)
    if fmt == "json":
        assert sum(1 for _ in quotes.open(encoding="utf-8")) == stats["quotes"]
    elif fmt == "parquet":
        import duckdb

        with duckdb.connect() as duck:
            assert (
                duck.execute("SELECT count(*) FROM read_parquet(?)", [str(quotes)]).fetchone()[0]
                == stats["quotes"]
            )
            events = str(quotes.with_name("events.parquet"))
            assert (
                duck.execute("SELECT count(*) FROM read_parquet(?)", [events]).fetchone()[0]
                == stats["events"]
            )


FORMULAS = ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\t=1", "\r=1"]


def test_a_csv_export_runs_no_formula(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`export --format csv` wrote `=HYPERLINK(...)` and `=1+2` as they were: a spreadsheet runs
    them. Each such cell now starts with a single quote; JSON Lines and Parquet keep the text."""
    from storyline.model import Article

    db = tmp_path / "f.db"
    articles = [
        Article(
            text=f'=HYPERLINK("http://evil.example","x") said Mayor Ann Lee{i}. "{f} is the plan," Lee said.',
            title=f,
            source=f,
            url="https://news.example/" + str(i),
            published=date(2024, 1, 1 + i),
        )
        for i, f in enumerate(FORMULAS)
    ]
    with Store(db) as store:
        assert ingest(store, articles).added == len(FORMULAS)
    assert main(["export", "--format", "csv", "--db", str(db), "--out", str(tmp_path / "csv")]) == 0
    capsys.readouterr()
    cells = [
        cell
        for path in (tmp_path / "csv").glob("*.csv")
        for row in csv.reader(path.open(encoding="utf-8", newline=""))
        for cell in row
    ]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    with (tmp_path / "csv" / "articles.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["title"] for r in rows) == sorted("'" + f for f in FORMULAS)
    assert all(r["text"].startswith("'=HYPERLINK(") for r in rows)
    assert {r["published"] for r in rows} >= {"2024-01-01"} and all(r["id"][0] != "'" for r in rows)
    for fmt in ("json", "parquet"):
        written = query.export(sqlite3.connect(db), fmt, tmp_path / fmt, ["articles"])
        if fmt == "json":
            titles = [json.loads(line)["title"] for line in written[0].open(encoding="utf-8")]
        else:
            import duckdb

            with duckdb.connect() as duck:
                titles = [
                    r[0]
                    for r in duck.execute("SELECT title FROM read_parquet(?)", [str(written[0])]).fetchall()
                ]
        assert sorted(titles) == sorted(FORMULAS), fmt


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store(path).close()
    with sqlite3.connect(path) as c:
        c.execute(f"PRAGMA user_version = {VERSION + 1}")
    with pytest.raises(SchemaError, match="newer than this storyline knows"):
        Store(path)


def test_cli_queries(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quotes", "--speaker", "Kimora Lee Simmons", "--json", "--db", str(db)]) == 0
    assert len(json.loads(capsys.readouterr().out)["quotes"]) == 5
    assert main(["timeline", "Russell Simmons", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.index("1998") < out.index("2009") < out.index("Nov 2017")
    assert main(["stats", "--json", "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] > 20


def test_cli_errors_are_one_line(tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--db", str(tmp_path / "none.db")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no store here" in err
    assert main(["timeline", "Nobody Atall", "--db", str(db)]) == 1
    assert capsys.readouterr().err.startswith("storyline: error: no person")
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    assert main(["stats", "--db", str(tmp_path / "junk.db")]) == 1
    assert "not a storyline store" in capsys.readouterr().err
    with pytest.raises(StoreError):
        Store(tmp_path / "junk.db")


def test_stdin_json_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [
        {
            "id": "a",
            "title": "T",
            "published": "2021-03-04",
            "source": "Wire",
            "text": 'The mayor said, "We won."',
        },
        {
            "id": "b",
            "title": "T",
            "published": "2021-03-05",
            "source": "Paper",
            "text": 'The mayor said, "We won."',
        },
        {"id": "c", "text": ""},
    ]
    data = "\n".join(json.dumps(r) for r in records).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    db = tmp_path / "stdin.db"
    assert main(["ingest", "-", "--db", str(db), "--quiet"]) == 1  # one bad record
    err = capsys.readouterr().err
    assert "<stdin>:3: record has no text" in err
    assert "1 added, 1 skipped as duplicates (1 new sources noted), 1 failed" in err
    with Store(db, create=False) as store:
        assert store.conn.execute("SELECT group_concat(source) FROM sources").fetchone()[0] in {
            "Wire,Paper",
            "Paper,Wire",
        }


POLNEAR = ROOT.parent / "shared" / "data" / "polnear"


@pytest.mark.skipif(not (POLNEAR / "metadata.tsv").is_file(), reason="PolNeAR is not beside the repository")
def test_metadata_file_dates_a_corpus() -> None:
    from storyline.readers.metadata import discover_metadata

    assert discover_metadata([str(POLNEAR / "dev")]) == (POLNEAR / "metadata.tsv").resolve()
    assert discover_metadata([str(POLNEAR / "dev" / "text" / "nothing.txt")]) is None
    meta = load_metadata(POLNEAR / "metadata.tsv")
    files = sorted((POLNEAR / "dev" / "text").glob("*.txt"))[:3]
    read = list(read_inputs([str(f) for f in files], metadata=POLNEAR / "metadata.tsv"))
    assert len(read) == 3
    for f, article in zip(files, read, strict=True):
        assert article.published is not None
        assert article.published.isoformat() == meta[f.stem]["published"]
        assert article.source == meta[f.stem]["source"]


def test_demo_prints_a_dated_timeline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--quiet", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["entity"]["name"] == "Daniel Okafor"
    dated = [e["date_start"] for e in result["entries"] if e["date_start"]]
    assert len(dated) > 20 and dated == sorted(dated)
    assert {"resignation", "lawsuit", "verdict"} <= {e["type"] for e in result["entries"]}


def test_every_query_command_prints_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["people", "--limit", "3"],
        ["relations", "Russell Simmons"],
        ["contradictions", "Russell Simmons"],
        ["timeline", "Russell Simmons", "--evidence", "0"],
        ["stats"],
    ):
        assert main([*argv, "--json", "--db", str(db)]) == 0, argv
        data = json.loads(capsys.readouterr().out)
        assert data, argv
    people = main(["people", "--limit", "2", "--json", "--db", str(db)])
    assert people == 0 and len(json.loads(capsys.readouterr().out)) == 2


def _contradictions_in(tmp_path: Path, texts: dict[str, str], name: str) -> list:
    """The contradictions of `name` in a store of these dated texts."""
    for file, text in texts.items():
        (tmp_path / file).write_text(text, encoding="utf-8")
    db = tmp_path / "c.db"
    with Store(db) as store:
        ingest(store, read_inputs([str(tmp_path)]))
    with Store(db, create=False) as store:
        return query.contradictions(store.conn, name).pairs


def test_contradictions_pair_only_responses_to_the_same_claim(tmp_path: Path) -> None:
    """A denial that answers the claim in its article pairs with it; a defence decades after a
    claim of another story, and a mere endorsement, do not."""
    texts = {
        "2016-04-28-funds.txt": "date 2016-04-28 Funds\nThe Sanders campaign accused Maria Lopez of "
        "misusing joint fundraising committees. Maria Lopez rejected the allegation on Thursday.\n",
        "2016-05-02-rally.txt": "date 2016-05-02 Rally\nIn 1991, Tom Reyes sued Maria Lopez for breach of "
        "contract. On Monday, Ann Fields defended Maria Lopez at a rally in Ohio. Ann Fields also "
        "endorsed Maria Lopez.\n",
    }
    pairs = _contradictions_in(tmp_path, texts, "Maria Lopez")
    assert [(p.kind, p.affirmed.type, p.denied.type) for p in pairs] == [
        ("accusation and denial", "accusation", "denial")
    ]


def test_a_defence_answers_a_claim_only_by_its_defending_reports(tmp_path: Path) -> None:
    """An endorsement that shares a group with a defence does not answer a claim beside it."""
    texts = {
        "2016-03-01-endorse.txt": "date 2016-03-01 Endorsement\nOn Friday, a columnist accused Maria "
        "Lopez of exploiting the party. Ann Fields endorsed Maria Lopez on Monday.\n",
        "2016-03-02-radio.txt": "date 2016-03-02 Radio\nAnn Fields endorsed Maria Lopez on Monday. "
        "On Monday, Ann Fields also defended Maria Lopez on her radio show.\n",
    }
    assert _contradictions_in(tmp_path, texts, "Maria Lopez") == []


def test_an_accuser_does_not_defend_against_their_own_claim(tmp_path: Path) -> None:
    """Who criticised someone and later praised or defended them is no contradiction of parties."""
    texts = {
        "2016-04-11-guns.txt": "date 2016-04-11 Guns\nMaria Lopez accused Tom Reyes of voting against "
        "the gun bill. On Monday, Maria Lopez also defended Tom Reyes at a rally in Ohio.\n",
    }
    assert _contradictions_in(tmp_path, texts, "Maria Lopez") == []
