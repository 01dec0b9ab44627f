"""The HTTP API and pages through FastAPI's TestClient: every endpoint, good and bad parameters
(a clear 4xx JSON error, never a 500), escaping, security headers and limits."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline.web.app import create_app
from webstore import BASE_URL, HOSTILE, HOSTILE_QUOTE, build, expected_articles


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("web") / "web.db")


@pytest.fixture(scope="module")
def client(db: Path) -> TestClient:
    return TestClient(create_app(db, rate=0), raise_server_exceptions=True, base_url=BASE_URL)


def _id(client: TestClient, name: str) -> int:
    found = client.get("/api/entities", params={"search": name}).json()["items"]
    return next(p["id"] for p in found if p["name"] == name)


def test_stats(client: TestClient) -> None:
    stats = client.get("/api/stats").json()
    assert stats["articles"] == expected_articles() and stats["quotes"] > 300


def test_entities_search_and_pagination(client: TestClient) -> None:
    page = client.get("/api/entities", params={"search": "Okafor", "limit": 2}).json()
    assert page["total"] >= 4 and len(page["items"]) == 2
    rest = client.get("/api/entities", params={"search": "Okafor", "limit": 2, "offset": 2}).json()
    assert {p["id"] for p in rest["items"]}.isdisjoint(p["id"] for p in page["items"])
    orgs = client.get("/api/entities", params={"type": "ORG"}).json()["items"]
    assert orgs and all(o["type"] == "ORG" for o in orgs)


def test_entity_detail_timeline_relations_contradictions(client: TestClient) -> None:
    russell = _id(client, "Russell Simmons")
    detail = client.get(f"/api/entities/{russell}").json()
    assert detail["entity"]["name"] == "Russell Simmons" and len(detail["articles"]) == 1
    timeline = client.get(f"/api/entities/{russell}/timeline").json()
    dated = [e["date_start"] for e in timeline["entries"] if e["date_start"]]
    assert dated == sorted(dated) and timeline["total"] == len(timeline["entries"])
    assert {"1991", "1998", "2009", "2017-11", "2018-01-25"} <= {
        e["value"] or e["date"] for e in timeline["entries"]
    }
    page = client.get(f"/api/entities/{russell}/timeline", params={"limit": 2, "offset": 1}).json()
    assert page["entries"] == timeline["entries"][1:3]
    bare = client.get(f"/api/entities/{russell}/timeline", params={"evidence": 0}).json()["entries"]
    assert [e["evidence"] for e in bare] == [[]] * len(timeline["entries"])
    assert [e["evidence_total"] for e in bare] == [e["evidence_total"] for e in timeline["entries"]]
    relations = client.get(f"/api/entities/{russell}/relations").json()["relations"]
    assert any(r["type"] == "spouse" and r["start"] == "1998" for r in relations)
    pairs = client.get(f"/api/entities/{russell}/contradictions").json()["pairs"]
    assert any(p["kind"] == "accusation and denial" for p in pairs)


def test_event_groups_with_their_reports(client: TestClient) -> None:
    okafor = _id(client, "Daniel Okafor")
    page = client.get(f"/api/entities/{okafor}/events", params={"limit": 200, "reports": 1}).json()
    assert page["entity"]["id"] == okafor and page["total"] == len(page["groups"]) > 5
    assert all(len(g["reports"]) == min(1, g["reports_total"]) for g in page["groups"])
    assert all(g["confidence"] >= 0.5 for g in page["groups"])  # the default threshold
    widest = max(page["groups"], key=lambda g: g["reports_total"])
    assert widest["reports_total"] > 2 and len(widest["outlets"]) > 1
    group = client.get(f"/api/event-groups/{widest['id']}").json()
    assert group["summary"] == widest["summary"] and len(group["reports"]) == group["reports_total"]
    assert {o for r in group["reports"] for o in r["evidence"]["outlets"]} == set(group["outlets"])
    for r in group["reports"]:
        ev = r["evidence"]
        article = client.get(f"/api/articles/{ev['article_id']}").json()
        assert " ".join(article["text"][ev["start"] : ev["end"]].split()) == ev["sentence"]
    published = [r["evidence"]["published"] for r in group["reports"]]
    assert published[0] == min(published)  # the earliest report first
    timeline = client.get(f"/api/entities/{okafor}/timeline", params={"limit": 2000}).json()["entries"]
    line = next(e for e in timeline if e["group_id"] == widest["id"])
    assert (line["evidence_total"], line["outlets"]) == (group["reports_total"], group["outlets"])
    everything = client.get(f"/api/entities/{okafor}/timeline", params={"limit": 2000, "min_confidence": 0})
    strict = client.get(f"/api/entities/{okafor}/timeline", params={"limit": 2000, "min_confidence": 0.85})
    totals = [everything.json()["total"], len(timeline), strict.json()["total"]]
    assert totals == sorted(totals, reverse=True) and totals[0] > totals[2]
    kept = [e for e in strict.json()["entries"] if e["kind"] in {"event", "relation"}]
    assert kept and all(e["confidence"] >= 0.85 for e in kept)
    assert client.get("/api/event-groups/999999999").status_code == 404
    assert client.get(f"/api/entities/{okafor}/timeline", params={"min_confidence": "nan"}).status_code == 400
    assert 'data-min-confidence="0.0"' in client.get(f"/people/{okafor}", params={"all": 1}).text


def test_quotes_filters(client: TestClient) -> None:
    kimora = _id(client, "Kimora Lee Simmons")
    quotes = client.get("/api/quotes", params={"speaker": kimora}).json()["quotes"]
    assert len(quotes) == 5 and all(q["date"] == "2018-01-25" for q in quotes)
    found = client.get("/api/quotes", params={"search": "unequivocally deny"}).json()["quotes"]
    assert found and "unequivocally deny" in found[0]["text"]
    late = client.get("/api/quotes", params={"since": "2025-10-01", "limit": 200}).json()["quotes"]
    assert late and all(q["date_start"] >= "2025-10-01" for q in late)
    odd = client.get("/api/quotes", params={"search": '"*( OR NEAR'}).json()
    assert odd["quotes"] == []


def test_articles_with_spans(client: TestClient) -> None:
    listing = client.get("/api/articles", params={"limit": 5}).json()
    assert listing["total"] == expected_articles() and len(listing["items"]) == 5
    article = client.get(f"/api/articles/{listing['items'][0]['id']}").json()
    kinds = {s["kind"] for s in article["spans"]}
    assert {"quote", "mention", "timex", "event"} <= kinds
    for s in article["spans"]:
        assert 0 <= s["start"] < s["end"] <= len(article["text"])


def test_timeline_narrowed_by_kind_type_outlet_dates_and_words(client: TestClient) -> None:
    okafor = _id(client, "Daniel Okafor")
    api = f"/api/entities/{okafor}/timeline"

    def lines(**params: object) -> list[dict]:
        page = client.get(api, params={"limit": 2000, "evidence": 100, **params}).json()
        assert page["total"] == len(page["entries"])
        return page["entries"]

    everything = lines()
    events = lines(kind="event")
    assert events == [e for e in everything if e["kind"] == "event"] and len(events) > 20
    talk = lines(kind=["quote", "quote_about"])
    assert talk == [e for e in everything if e["kind"] in {"quote", "quote_about"}] and len(talk) > 50
    lawsuits = lines(type="lawsuit")  # an event type narrows the events, not the other kinds
    assert [e for e in lawsuits if e["kind"] == "event"] == [e for e in events if e["type"] == "lawsuit"]
    assert len([e for e in lawsuits if e["kind"] != "event"]) == len(everything) - len(events)
    ledger = lines(outlet="The Eastbridge Ledger")

    def ran(line: dict) -> bool:
        return any("The Eastbridge Ledger" in ev["outlets"] for ev in line["evidence"])

    assert 0 < len(ledger) < len(everything) and ledger == [e for e in everything if ran(e)]
    march = lines(since="2025-03-01", until="2025-03-31")
    assert march == [e for e in everything if "2025-03-01" <= (e["date_start"] or "") <= "2025-03-31"] != []
    battery = lines(search="Battery FIRE")  # whole words, case aside
    words = [set(e["summary"].lower().replace("’", " ").split()) for e in battery]
    assert battery and all({"battery", "fire"} <= w for w in words)
    assert lines(kind="event", search="battery fire", since="2025-03-01") == [
        e for e in battery if e["kind"] == "event" and e["date_start"] and e["date_start"] >= "2025-03-01"
    ]
    both = client.get(api, params={"kind": "quote", "limit": 1, "offset": 2, "evidence": 0}).json()
    assert both["total"] == len([e for e in everything if e["kind"] == "quote"]) and len(both["entries"]) == 1
    assert client.get(api, params={"since": "", "type": "", "search": ""}).json()["total"] == len(everything)


def test_lists_narrowed_and_paged(client: TestClient) -> None:
    okafor = _id(client, "Daniel Okafor")
    events = client.get(f"/api/entities/{okafor}/events", params={"limit": 200}).json()
    lawsuits = client.get(f"/api/entities/{okafor}/events", params={"type": "lawsuit", "limit": 200}).json()
    assert lawsuits["total"] == len([g for g in events["groups"] if g["type"] == "lawsuit"]) > 1
    wire = client.get(f"/api/entities/{okafor}/events", params={"outlet": "Meridian Wire"}).json()
    assert wire["total"] == len([g for g in events["groups"] if "Meridian Wire" in g["outlets"]]) > 0
    relations = client.get(f"/api/entities/{okafor}/relations").json()
    first = client.get(f"/api/entities/{okafor}/relations", params={"limit": 2}).json()
    rest = client.get(f"/api/entities/{okafor}/relations", params={"limit": 50, "offset": 2}).json()
    assert first["total"] == rest["total"] == relations["total"] == len(relations["relations"]) > 2
    assert first["relations"] + rest["relations"] == relations["relations"]
    articles = client.get(f"/api/entities/{okafor}/articles", params={"limit": 200}).json()
    assert articles["total"] == len(articles["items"]) > 10
    buzz = client.get(f"/api/entities/{okafor}/articles", params={"outlet": "Buzzline"}).json()
    assert buzz["total"] == len([a for a in articles["items"] if "Buzzline" in a["outlets"]]) > 0
    spring = client.get(f"/api/entities/{okafor}/articles", params={"since": "2025-04-01"}).json()
    assert spring["items"] and all(a["published"] >= "2025-04-01" for a in spring["items"])
    said = client.get("/api/quotes", params={"speaker": okafor, "outlet": "Meridian Wire"}).json()
    reports = [r for q in said["quotes"] for r in q["reports"]]
    assert reports and all("Meridian Wire" in r["outlets"] for r in reports)
    page = client.get(f"/people/{okafor}/lists/said", params={"offset": 20})
    assert page.status_code == 200 and "<html" not in page.text and 'id="list-said"' in page.text
    assert "21–" in page.text and "previous" in page.text
    chosen = {"kind": ["event", "relation"], "outlet": "Buzzline"}
    narrowed = client.get(f"/people/{okafor}/lists", params=chosen)
    assert 'id="list-said"' not in narrowed.text and 'id="list-relations"' in narrowed.text
    listed = narrowed.text.split('id="list-articles"')[1]
    assert "Buzzline" in listed and "Meridian Wire" not in listed
    assert 'hx-trigger="intersect once"' in narrowed.text  # the events list is read when it comes into view
    facets = client.get(f"/people/{okafor}/facets", params={"type": "lawsuit"}).text
    assert '<option value="lawsuit" selected>lawsuit (4)</option>' in facets and "Buzzline (3)" in facets
    chosen = {"kind": "quote", "since": "2025-03-20", "search": "a"}
    person = client.get(f"/people/{okafor}", params=chosen).text
    assert 'value="2025-03-20"' in person and 'id="list-about"' not in person and 'id="list-said"' in person
    assert client.get(f"/people/{okafor}/lists/nothing").status_code == 400


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/entities?type=SPACESHIP", 400),
        ("/api/entities?limit=0", 400),
        ("/api/entities?limit=10000", 400),
        ("/api/entities?offset=-1", 400),
        ("/api/entities/abc", 400),
        ("/api/entities/0", 400),
        ("/api/entities/999999999", 404),
        ("/api/entities/999999999/timeline", 404),
        ("/api/entities/999999999/relations", 404),
        ("/api/entities/999999999/contradictions", 404),
        ("/api/entities/999999999/events", 404),
        ("/api/entities/999999999/articles", 404),
        ("/api/entities/1/timeline?kind=spaceship", 400),
        ("/api/entities/1/timeline?since=2025-02-01&until=2025-01-01", 400),
        ("/api/entities/1/events?type=Not%20a%20type", 400),
        ("/api/entities/1/articles?since=soon", 400),
        ("/api/entities/1/relations?outlet=" + "x" * 300, 400),
        ("/api/entities/1/timeline?min_confidence=2", 400),
        ("/api/event-groups/0", 400),
        ("/api/event-groups/999999999", 404),
        ("/api/entities/1/timeline?limit=abc", 400),
        ("/api/quotes?since=yesterday", 400),
        ("/api/quotes?until=2025-13-45", 400),
        ("/api/quotes?speaker=999999999", 404),
        ("/api/quotes?speaker=-3", 400),
        ("/api/quotes?search=" + "x" * 300, 400),
        ("/api/articles/not-a-hash", 400),
        ("/api/articles/" + "0" * 64, 404),
        ("/api/nothing-here", 404),
    ],
)
def test_bad_parameters_are_clear_json_errors(client: TestClient, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"]


def test_pages(client: TestClient) -> None:
    okafor = _id(client, "Daniel Okafor")
    home = client.get("/")
    assert home.status_code == 200 and "Daniel Okafor" in home.text
    person = client.get(f"/people/{okafor}")
    assert person.status_code == 200 and f'data-api="/api/entities/{okafor}/timeline' in person.text
    assert client.get(f"/people/{okafor}/contradictions").status_code == 200
    fragment = client.get("/search", params={"q": "Okafor"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and "Helen Okafor" in fragment.text
    assert "<html" in client.get("/search", params={"q": "Okafor"}).text
    missing = client.get("/people/999999999")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]


def test_article_page_marks_the_evidence_sentence(client: TestClient) -> None:
    russell = _id(client, "Russell Simmons")
    entry = next(
        e
        for e in client.get(f"/api/entities/{russell}/timeline").json()["entries"]
        if e["type"] == "marriage"
    )
    ev = entry["evidence"][0]
    page = client.get(f"/articles/{ev['article_id']}", params={"start": ev["start"], "end": ev["end"]})
    marked = "".join(re.findall(r'<mark class="focus"[^>]*>(.*?)</mark>', page.text, flags=re.S))
    assert re.sub(r"<[^>]+>", "", marked).strip() == ev["sentence"]
    assert 'title="1998"' in page.text  # the date, with its resolved value on hover


def test_hostile_text_is_escaped_everywhere(client: TestClient) -> None:
    article = client.get(f"/articles/{HOSTILE.id}")
    assert article.status_code == 200
    for page in (article.text, client.get("/search", params={"q": "alert"}).text, client.get("/").text):
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>Council" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article.text
    assert "onerror=alert(1)&gt;" in article.text
    quotes = client.get("/api/quotes", params={"search": "onerror"}).json()["quotes"]
    assert quotes and HOSTILE_QUOTE in quotes[0]["text"]  # the API returns the text as data, unchanged


def test_a_source_url_links_only_if_it_is_http(client: TestClient) -> None:
    """An article's url `javascript:alert(4)` was rendered as a link (the CSP stopped it running)."""
    page = client.get(f"/articles/{HOSTILE.id}").text
    assert " · javascript:alert(4)</p>" in page and 'href="javascript' not in page.lower()
    first = client.get("/api/articles", params={"limit": 1}).json()["items"][0]["id"]
    (url,) = client.get(f"/api/articles/{first}").json()["urls"]  # from examples/metadata.tsv
    assert url.startswith("https://")
    assert f'<a href="{url}" rel="noopener noreferrer nofollow">' in client.get(f"/articles/{first}").text


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://news.example/a?b=1", True),
        ("HTTP://NEWS.EXAMPLE/", True),
        ("javascript:alert(4)", False),
        ("JavaScript:alert(4)", False),
        (" javascript:alert(4)", False),
        ("java\tscript:alert(4)", False),
        ("data:text/html,<script>alert(4)</script>", False),
        ("vbscript:msgbox(4)", False),
        ("//evil.example/", False),
        ("https://news.example/\njavascript:", False),
        ("https://", False),
        ("ftp://files.example/", False),
    ],
)
def test_only_http_and_https_may_link(url: str, linked: bool) -> None:
    from storyline.web.pages import http_url

    assert http_url(url) == (url if linked else None)


def test_security_headers(client: TestClient) -> None:
    for url in ("/", "/api/stats", "/api/entities/abc"):
        headers = client.get(url).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    paths = set(client.get("/api/openapi.json").json()["paths"])
    assert {
        "/api/stats",
        "/api/entities",
        "/api/entities/{entity_id}",
        "/api/entities/{entity_id}/timeline",
        "/api/entities/{entity_id}/relations",
        "/api/entities/{entity_id}/contradictions",
        "/api/entities/{entity_id}/events",
        "/api/entities/{entity_id}/articles",
        "/api/event-groups/{group_id}",
        "/api/quotes",
        "/api/story",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/ingest",
    } == paths


def test_static_files_only_from_the_package(client: TestClient) -> None:
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/vendor/vis-timeline-graph2d.min.js").status_code == 200
    for bad in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2f..%2fpyproject.toml"):
        assert client.get(bad).status_code == 404


def test_ingest_is_off_by_default(client: TestClient) -> None:
    response = client.post("/api/ingest", content=b"{}", headers={"Authorization": "Bearer x"})
    assert response.status_code == 403 and "off" in response.json()["error"]


def test_ingest_with_token_and_limits(tmp_path: Path, db: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    app = TestClient(
        create_app(copy, allow_ingest=True, token="s3cret", max_upload=2_000, rate=0), base_url=BASE_URL
    )
    line = json.dumps({"text": 'The governor said, "We will rebuild the bridge."', "published": "2024-01-02"})
    assert app.post("/api/ingest", content=line.encode()).status_code == 403
    assert (
        app.post("/api/ingest", content=line.encode(), headers={"Authorization": "Bearer nope"}).status_code
        == 403
    )
    ok = app.post("/api/ingest", content=line.encode(), headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200 and ok.json()["added"] == 1
    again = app.post("/api/ingest", content=line.encode(), headers={"Authorization": "Bearer s3cret"})
    assert again.json() == {"added": 0, "duplicates": 1, "failed": []}
    big = app.post("/api/ingest", content=b"x" * 5_000, headers={"Authorization": "Bearer s3cret"})
    assert big.status_code == 413 and "bytes" in big.json()["error"]


def test_request_bodies_are_refused_when_ingest_is_off(client: TestClient) -> None:
    assert client.post("/api/ingest", content=b"x" * 100_000).status_code == 413


def test_rate_limit(db: Path) -> None:
    limited = TestClient(create_app(db, rate=1, burst=3), base_url=BASE_URL)
    codes = [limited.get("/api/stats").status_code for _ in range(6)]
    assert codes[:3] == [200, 200, 200] and 429 in codes[3:]


def test_concurrent_requests_share_a_few_connections(db: Path) -> None:
    """50 requests at once are all answered, through no more read connections than `threads`."""
    import asyncio

    import httpx2

    app = create_app(db, rate=0, threads=2)

    async def burst() -> list[int]:
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            answers = await asyncio.gather(*(http.get("/api/entities?limit=5") for _ in range(50)))
        return [a.status_code for a in answers]

    assert asyncio.run(burst()) == [200] * 50
    assert app.state.storyline._pool.qsize() <= 2


def test_serve_refuses_zero_threads(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from storyline.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["serve", "--db", str(db), "--threads", "0"])
    assert exc.value.code == 2
    assert capsys.readouterr().err == (
        "storyline serve: error: argument --threads: must be 1 or more, not 0 "
        "(see 'storyline serve --help')\n"
    )
    with pytest.raises(ValueError, match="threads must be at least 1"):
        create_app(db, threads=0)
    for bad in ({"rate": -1}, {"rate": float("nan")}, {"burst": 0}, {"max_upload": 0}, {"hosts": []}):
        with pytest.raises(ValueError):
            create_app(db, **bad)


def test_the_cli_and_the_app_default_to_the_same_threads() -> None:
    from storyline.cli import serve
    from storyline.web import state

    assert serve.THREADS == state.THREADS
