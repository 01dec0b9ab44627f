"""The story view: how a query is read (names, event types, words, phrases), the lines it gives
(those that involve every name, the events of a type, the quotes with the words), and the same
story from the CLI (text and --json), the API and the page, on the web tests' store (the demo
corpus, the founding article and a hostile article)."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import test_web
from storyline import query
from storyline.cli import main
from storyline.dates import label
from storyline.query.story import read
from storyline.store import Store
from test_dates import RAW, _outside_quotes
from webstore import HOSTILE_QUOTE

db, client = test_web.db, test_web.client  # their fixtures, built once for this module


@pytest.fixture()
def conn(db: Path) -> Iterator[sqlite3.Connection]:
    with Store(db, create=False) as store:
        yield store.conn


def _story(db: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(["story", *argv, "--json", "--db", str(db)]) == 0
    return json.loads(capsys.readouterr().out)


def _facts(entries: list) -> set[tuple[str, str, str]]:
    """Lines as (type, summary, date), whatever their kind: a quote by one person is a quote about
    the other in the other's timeline."""
    return {(e.type, e.summary, e.date) for e in entries if e.kind != "reference"}


# ------------------------------------------------------------------ how a query is read
def test_names_types_joiners_and_words_are_told_apart(conn: sqlite3.Connection) -> None:
    two = read(conn, "Okafor and Brennan")
    assert [(n.text, n.entity.name) for n in two.people] == [
        ("Okafor", "Daniel Okafor"),
        ("Brennan", "Lucy Brennan"),
    ]
    assert (two.types, two.words, two.fts) == ([], [], None)
    assert two.describe() == "people: Daniel Okafor, Lucy Brennan"
    typed = read(conn, "Raman lawsuits")
    assert typed.describe() == "person: Priya Raman; type: lawsuit"
    assert [o.name for o in typed.people[0].also_matched] == ["Raman v. Tern Logistics Inc."]
    # the longest name wins, joiners inside it included; a part of a name or a description is no name
    case = read(conn, "Raman v. Tern Logistics Inc.")
    assert [n.entity.name for n in case.people] == ["Raman v. Tern Logistics Inc."]
    words = read(conn, "the company fire")
    assert (words.people, words.words) == ([], ["the", "company", "fire"])
    # a full name the resolver would stretch over the next name ("Russell ... Simmons") stays two
    pair = read(conn, "Russell Simmons Kimora Lee Simmons")
    assert [n.entity.name for n in pair.people] == ["Russell Simmons", "Kimora Lee Simmons"]
    phrase = read(conn, 'Okafor "make the numbers clean" resignation')
    assert phrase.describe() == "person: Daniel Okafor; type: resignation; words: “make the numbers clean”"
    assert phrase.fts == '"make the numbers clean"'


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "an empty story query"),
        ("  and , ", "nothing to follow in 'and ,'"),
        ("Okafor Zzyzx", "no person or organisation called 'Zzyzx' in the store, and no quote says it"),
        ("Okafor John Zzyzx and Brennan", "no person or organisation called 'John Zzyzx'"),
        (" ".join(["word"] * 40), "a story query has at most 32 words, not 40"),
    ],
)
def test_a_query_that_cannot_be_read_is_a_clear_error(
    conn: sqlite3.Connection, text: str, error: str
) -> None:
    with pytest.raises(query.QueryError) as exc:
        read(conn, text)
    assert str(exc.value).startswith(error) and "\n" not in str(exc.value)


def test_a_capitalised_word_that_quotes_contain_is_searched_for(conn: sqlite3.Connection) -> None:
    reading = read(conn, "Okafor Monday")  # no entity, but quotes about Okafor say it
    assert reading.describe() == "person: Daniel Okafor; words: Monday"
    found = query.story(conn, "Okafor Monday")
    assert found.total >= 1 and all("monday" in e.summary.lower() for e in found.entries)
    place = read(conn, "Okafor Toronto")  # a place is a name too
    assert place.describe() == "names: Daniel Okafor (PERSON), Toronto (GPE)"


# ------------------------------------------------------------------ the lines
def test_two_people_are_the_lines_of_both_timelines(conn: sqlite3.Connection) -> None:
    for a, b in [("Daniel Okafor", "Lucy Brennan"), ("Priya Raman", "Daniel Okafor")]:
        both = _facts(query.timeline(conn, a).entries) & _facts(query.timeline(conn, b).entries)
        found = query.story(conn, f"{a} {b}")
        assert found.total == len(found.entries) == len(both) > 5
        assert _facts(found.entries) == both


def test_the_story_of_okafor_and_brennan(conn: sqlite3.Connection) -> None:
    found = query.story(conn, "Okafor Brennan")
    lines = {(e.label, e.kind, e.summary) for e in found.entries}
    meeting = next(e for e in found.entries if e.kind == "event")
    assert (meeting.label, meeting.type, meeting.evidence_total) == ("16 Aug 2021", "meeting", 2)
    assert {p["name"] for p in meeting.participants} >= {"Daniel Okafor", "Lucy Brennan"}
    said = {e.summary for e in found.entries if e.kind == "quote"}
    assert any(s.startswith("Daniel Okafor said: “I never told Lucy Brennan, or anyone") for s in said)
    assert any(s.startswith("Lucy Brennan said: “the instruction came directly from Okafor") for s in said)
    assert not any("resignation" in summary for _, _, summary in lines)  # Okafor's alone: not this story
    dated = [e.date_start for e in found.entries if e.date_start]
    assert dated == sorted(dated) and all(e.evidence for e in found.entries)


def test_an_event_type_lists_its_events(conn: sqlite3.Connection) -> None:
    found = query.story(conn, "resignation")
    assert {e.type for e in found.entries} == {"resignation"} and found.total == 6
    resigned = next(e for e in found.entries if e.summary.startswith("resignation: Daniel Okafor → Tern"))
    assert (resigned.label, resigned.evidence_total, resigned.articles) == ("14 Apr 2025", 7, 7)
    assert "Russell Simmons" in {p["name"] for e in found.entries for p in e.participants}
    only = query.story(conn, "Okafor resignations")
    assert {p["name"] for e in only.entries for p in e.participants} >= {"Daniel Okafor"}
    assert all(any(p["name"] == "Daniel Okafor" for p in e.participants) for e in only.entries)
    assert resigned.summary in {e.summary for e in only.entries} and only.total == 2
    confident = query.story(conn, "resignation", min_confidence=0.85)
    assert [e.summary for e in confident.entries] == [resigned.summary]


def test_words_and_a_phrase_find_their_quotes(conn: sqlite3.Connection) -> None:
    phrase = query.story(conn, '"make the numbers clean"')
    assert phrase.total >= 5 and {e.kind for e in phrase.entries} == {"quote"}
    assert all("make the numbers clean" in e.summary.lower() for e in phrase.entries)
    assert any(
        e.summary
        == "Lucy Brennan said: “I was told to make the numbers clean, and I knew exactly what that meant”"
        for e in phrase.entries
    )
    anywhere = query.story(conn, "clean numbers make")  # every word, in any order
    assert _facts(phrase.entries) <= _facts(anywhere.entries)
    hers = query.story(conn, 'Brennan "make the numbers clean"')
    assert 0 < hers.total < phrase.total
    assert all(e.participants[0]["name"] == "Lucy Brennan" or e.kind == "quote_about" for e in hers.entries)


def test_a_page_and_a_range_of_days(conn: sqlite3.Connection) -> None:
    whole = query.story(conn, "Okafor Brennan")
    page = query.story(conn, "Okafor Brennan", limit=3, offset=2, evidence=1)
    assert page.total == whole.total and _facts(page.entries) == _facts(whole.entries[2:5])
    assert all(len(e.evidence) == 1 for e in page.entries)
    later = query.story(conn, "Okafor Brennan", since=date(2025, 9, 1))
    assert 0 < later.total < whole.total
    assert all((e.date_end or e.date_start) >= "2025-09-01" for e in later.entries)
    early = query.story(conn, "Okafor Brennan", until=date(2025, 3, 31))
    assert {e.label for e in early.entries} >= {"16 Aug 2021", "4 Mar 2025"}
    assert all(e.date_start <= "2025-03-31" for e in early.entries)
    with pytest.raises(query.QueryError, match="since 2025-09-01 is after until 2025-03-31"):
        query.story(conn, "Okafor Brennan", since=date(2025, 9, 1), until=date(2025, 3, 31))


# ------------------------------------------------------------------ the CLI
def test_cli_text_says_how_it_read_the_query(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["story", "Okafor", "Brennan", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Story of “Okafor Brennan”: people: Daniel Okafor, Lucy Brennan (9 lines)"
    assert any(
        line.startswith("16 Aug 2021 ") and "meeting: Daniel Okafor → Lucy Brennan" in line for line in lines
    )
    assert "↳ Courthouse Bulletin, 31 Mar 2025: “According to the complaint, Okafor convened a meeting" in out
    assert not RAW.search(_outside_quotes(out))
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", _outside_quotes(out))
    assert main(["story", "Raman", "lawsuit", "--limit", "2", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Story of “Raman lawsuit”: person: Priya Raman; type: lawsuit (4 lines)\n")
    assert "  (“Raman” also matches: Raman v. Tern Logistics Inc.)" in out
    assert sum(1 for line in out.splitlines() if line[:1].isdigit() or line.startswith("before ")) == 2


def test_cli_json_is_the_query_result(
    db: Path, capsys: pytest.CaptureFixture[str], conn: sqlite3.Connection
) -> None:
    data = _story(db, capsys, "resignation", "--evidence", "0")
    assert (data["read_as"], data["types"], data["total"]) == ("type: resignation", ["resignation"], 6)
    for e in data["entries"]:
        assert e["label"] == label(e["value"], e["mod"], e["date_start"])
        assert len(e["evidence"]) == e["evidence_total"]  # --evidence 0: every report
        assert all(ev["published_label"] == label(ev["published"]) for ev in e["evidence"])
    assert data["entries"] == query.story(conn, "resignation").to_dict()["entries"]
    two = _story(db, capsys, "Okafor", "Brennan", "--since", "2025-09-01")
    assert [p["entity"]["name"] for p in two["people"]] == ["Daniel Okafor", "Lucy Brennan"]
    assert two["total"] == len(two["entries"]) and all(e["date_start"] for e in two["entries"])


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (
            ["Nobody", "Atall"],
            "storyline: error: no person or organisation called 'Nobody Atall' in the store",
        ),
        ([""], "storyline: error: an empty story query: give one or more names"),
    ],
)
def test_cli_errors_are_one_line(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], error: str
) -> None:
    assert main(["story", *argv, "--db", str(db)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(error) and err.count("\n") == 1


def test_cli_help_says_how_the_query_is_read(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["story", "--help"])
    assert exc.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for words in ["names alone give every kind of line", "exact phrase", "--since", "--evidence", "--all"]:
        assert words in out


# ------------------------------------------------------------------ the API and the page
def test_api_story(client: TestClient, conn: sqlite3.Connection) -> None:
    page = client.get(
        "/api/story", params={"q": "Okafor Brennan", "limit": 4, "offset": 1, "evidence": 1}
    ).json()
    whole = query.story(conn, "Okafor Brennan", evidence=1).to_dict()
    assert (page["read_as"], page["total"], page["limit"], page["offset"]) == (whole["read_as"], 9, 4, 1)
    assert page["entries"] == whole["entries"][1:5]
    assert [p["entity"]["id"] for p in page["people"]] == [p["entity"]["id"] for p in whole["people"]]
    phrase = client.get("/api/story", params={"q": '"make the numbers clean"'}).json()
    assert phrase["words"] == ["“make the numbers clean”"] and phrase["total"] >= 5


@pytest.mark.parametrize(
    ("q", "status", "error"),
    [
        ("Okafor Zzyzx", 404, "no person or organisation called 'Zzyzx'"),
        ("  ", 400, "an empty story query"),
        ("", 400, "bad parameter q"),
    ],
)
def test_api_story_errors(client: TestClient, q: str, status: int, error: str) -> None:
    answer = client.get("/api/story", params={"q": q})
    assert answer.status_code == status and answer.json()["error"].startswith(error)


def test_story_page(client: TestClient) -> None:
    page = client.get("/story", params={"q": "Okafor Brennan"})
    assert page.status_code == 200
    html = page.text
    assert "Read as people: Daniel Okafor, Lucy Brennan." in html and "9 lines." in html
    okafor = test_web._id(client, "Daniel Okafor")
    assert f'<a href="/people/{okafor}">Daniel Okafor</a>' in html
    assert '<span class="date">16 Aug 2021</span> · <span class="kind-event">event</span> meeting:' in html
    sources = re.findall(
        r'href="/articles/([0-9a-f]{64})\?start=(\d+)&amp;end=(\d+)#focus">([^<]*)</a>', html
    )
    assert len(sources) >= 10 and ("Courthouse Bulletin, 31 Mar 2025" in {s[3] for s in sources})
    article_id, start, end, _ = sources[0]
    view = client.get(f"/api/articles/{article_id}").json()
    assert "Okafor convened a meeting" in view["text"][int(start) : int(end)]
    assert not RAW.search(re.sub(r"<[^>]+>", "", html).split("Read as", 1)[1])


def test_story_page_pages_and_errors(client: TestClient) -> None:
    first = client.get("/story", params={"q": "Okafor"}).text
    assert "lines 1–100 of" in first and 'rel="next" href="/story?q=Okafor&amp;offset=100"' in first
    second = client.get("/story", params={"q": "Okafor", "offset": 100}).text
    assert "lines 101–" in second and 'rel="prev" href="/story?q=Okafor&amp;offset=0"' in second
    missing = client.get("/story", params={"q": "Okafor Zzyzx"})
    assert missing.status_code == 404 and "no person or organisation called &#39;Zzyzx&#39;" in missing.text
    assert 'name="q" value="Okafor Zzyzx"' in missing.text  # the form keeps the query to change
    empty = client.get("/story")
    assert empty.status_code == 200 and "keep the lines that involve all of them" in empty.text
    assert 'href="/story?q=Okafor"' in client.get("/search", params={"q": "Okafor"}).text


def test_story_page_escapes_what_articles_say(client: TestClient) -> None:
    page = client.get("/story", params={"q": "Whitfield"})
    assert page.status_code == 200 and "alert(1)" in page.text
    assert HOSTILE_QUOTE not in page.text and "<script>alert" not in page.text
