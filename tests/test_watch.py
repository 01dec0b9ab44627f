"""Ingest from the web and `storyline watch`, end to end against a site served from 127.0.0.1
(tests/webserver.py): new items only on a second run, what a feed said kept across restarts, a
changed page a new version whose old quotes leave the timeline, each failure one line."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline.cli import main
from storyline.cli.types import interval
from storyline.ingest import crawl
from webserver import Site, serving

PAGE = """<html><head><title>{title}</title>
<meta property="article:published_time" content="2024-03-{day:02d}T10:00:00Z"></head>
<body><nav>Home | World | Sport</nav><article><h1>{title}</h1>
<p>Mayor Jane Doe spoke to reporters at City Hall about the {topic}.</p>
<p>"{quote}," Doe said. Councillor Raj Patel said that the council would vote next week.</p>
</article></body></html>"""
WEB = ("--allow-private", "--rate", "50", "--quiet")


def page(topic: str, quote: str, day: int = 1) -> str:
    return PAGE.format(title=f"News on the {topic}", topic=topic, quote=quote, day=day)


def rss(site: Site, *paths: str, updated: dict[str, str] | None = None) -> str:
    items = "".join(
        f"<item><link>{site.url(p)}</link><guid>{p}</guid>"
        + (f"<pubDate>{(updated or {})[p]}</pubDate>" if p in (updated or {}) else "")
        + "</item>"
        for p in paths
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>{items}</channel></rss>"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def quotes_of(db: Path) -> list[str]:
    return [r[0] for r in rows(db, "SELECT text FROM quotes WHERE within IS NULL ORDER BY text")]


@pytest.fixture
def site() -> Site:
    with serving() as s:
        s.page("/a", page("bridge", "The bridge will reopen in May"))
        s.page("/b", page("budget", "The budget is balanced and ready", 2))
        s.page("/c", page("library", "The library stays open on Sundays", 3))
        yield s


def test_a_feed_gives_new_items_only_on_the_second_run(site: Site, tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "s.db")
    site.xml("/feed.xml", rss(site, "/a", "/b"))
    code, err = run(capsys, "ingest", "--db", db, "--feed", site.url("/feed.xml"), *WEB)
    assert code == 0, err
    assert "2 added" in err and (site.count("/a"), site.count("/b")) == (1, 1)
    site.xml("/feed.xml", rss(site, "/c", "/a", "/b"))
    code, err = run(capsys, "ingest", "--db", db, "--feed", site.url("/feed.xml"), *WEB)
    assert code == 0, err
    assert (site.count("/a"), site.count("/b"), site.count("/c")) == (1, 1, 1)  # only the new item
    assert "1 added" in err and "2 already stored, not fetched" in err
    sources = rows(tmp_path / "s.db", "SELECT url, fetched_at IS NOT NULL, source FROM sources ORDER BY url")
    assert sources == [(site.url(p), 1, "127.0.0.1") for p in ("/a", "/b", "/c")]
    # a URL already stored is not fetched again, whether given as a page or by a sitemap
    site.xml("/sitemap.xml", f"<urlset><url><loc>{site.url('/a')}</loc></url></urlset>")
    code, err = run(
        capsys, "ingest", "--db", db, "--url", site.url("/b"), "--sitemap", site.url("/sitemap.xml"), *WEB
    )
    assert code == 0 and "2 already stored, not fetched" in err
    assert (site.count("/a"), site.count("/b")) == (1, 1)


def test_a_sitemap_index_lists_its_sitemaps_pages(site: Site, tmp_path: Path, capsys) -> None:
    import gzip

    site.xml(
        "/index.xml", f"<sitemapindex><sitemap><loc>{site.url('/s1.xml.gz')}</loc></sitemap></sitemapindex>"
    )
    urlset = f"<urlset><url><loc>{site.url('/a')}</loc></url><url><loc>{site.url('/c')}</loc></url></urlset>"
    site.xml("/s1.xml.gz", gzip.compress(urlset.encode()))
    code, err = run(
        capsys, "ingest", "--db", str(tmp_path / "s.db"), "--sitemap", site.url("/index.xml"), *WEB
    )
    assert code == 0, err
    assert "2 added" in err and site.count("/b") == 0
    assert len(rows(tmp_path / "s.db", "SELECT id FROM articles")) == 2


def test_a_changed_page_is_a_new_version_and_the_timeline_shows_its_text_only(
    site: Site, tmp_path: Path, capsys
) -> None:
    db = tmp_path / "s.db"
    assert run(capsys, "ingest", "--db", str(db), "--url", site.url("/a"), *WEB)[0] == 0
    (first,) = rows(db, "SELECT id FROM articles")
    assert quotes_of(db)[0] == "The bridge will reopen in May"
    # fetched again unchanged: nothing new, the fetch time renewed
    code, err = run(capsys, "ingest", "--db", str(db), "--url", site.url("/a"), "--refresh", *WEB)
    assert code == 0 and "0 added" in err and "1 unchanged" in err
    site.page("/a", page("bridge", "The bridge will reopen in June, not May"))
    code, err = run(capsys, "ingest", "--db", str(db), "--url", site.url("/a"), "--refresh", *WEB)
    assert code == 0 and "1 added" in err and "1 changed (new versions)" in err
    (latest,) = rows(db, "SELECT id FROM articles")
    assert latest != first
    assert rows(db, "SELECT article_id, earlier_id, url FROM article_versions") == [
        (latest[0], first[0], site.url("/a"))
    ]
    assert rows(db, "SELECT id FROM superseded") == [first]
    assert quotes_of(db) == ["The bridge will reopen in June, not May", "the council would vote next week"]
    # nothing of the old version is left behind: groups, events, entities, the full-text index
    assert rows(db, "SELECT count(*) FROM quote_groups") == rows(
        db, "SELECT count(DISTINCT group_id) FROM quotes"
    )
    assert rows(db, "SELECT count(*) FROM event_groups") == rows(
        db, "SELECT count(DISTINCT group_id) FROM events"
    )
    assert rows(
        db, "SELECT count(*) FROM entities WHERE id NOT IN (SELECT entity_id FROM article_entities)"
    ) == [(0,)]
    assert rows(db, "SELECT sum(articles) FROM entity_names WHERE kind = 'full'") == [
        (2,)
    ]  # Jane Doe, Raj Patel
    assert rows(db, "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'May'") == [(1,)]
    code, out = main(["timeline", "--db", str(db), "Jane Doe"]), capsys.readouterr().out
    assert "June, not May" in out and "reopen in May”" not in out
    # the article page shows the earlier version and what changed; the earlier one points on
    from storyline.web.app import create_app

    client = TestClient(create_app(db, rate=0), base_url="http://localhost")
    html = client.get(f"/articles/{latest[0]}").text
    assert "Earlier versions" in html and f"/articles/{first[0]}" in html
    assert '<li class="removed">− &#34;The bridge will reopen in May,&#34; Doe said.</li>' in html
    assert '<li class="added">+ &#34;The bridge will reopen in June, not May,&#34; Doe said.</li>' in html
    old = client.get(f"/articles/{first[0]}")
    assert old.status_code == 200 and f'replaced by <a href="/articles/{latest[0]}">' in old.text
    assert "The bridge will reopen in May" in old.text


def test_an_item_the_feed_says_was_updated_is_fetched_again(site: Site, tmp_path: Path, capsys) -> None:
    db = tmp_path / "s.db"
    site.xml("/feed.xml", rss(site, "/a", "/b", updated={"/a": "Fri, 01 Mar 2024 10:00:00 GMT"}))
    assert run(capsys, "ingest", "--db", str(db), "--feed", site.url("/feed.xml"), *WEB)[0] == 0
    site.page("/a", page("bridge", "The bridge will reopen in July"))
    assert run(capsys, "ingest", "--db", str(db), "--feed", site.url("/feed.xml"), *WEB)[0] == 0
    assert site.count("/a") == 1  # the feed says nothing changed: not asked again
    site.xml("/feed.xml", rss(site, "/a", "/b", updated={"/a": "Sat, 02 Mar 2024 09:00:00 GMT"}))
    code, err = run(capsys, "ingest", "--db", str(db), "--feed", site.url("/feed.xml"), *WEB)
    assert code == 0 and "1 changed (new versions)" in err
    assert (site.count("/a"), site.count("/b")) == (2, 1)
    assert "The bridge will reopen in July" in quotes_of(db) and len(rows(db, "SELECT id FROM articles")) == 2


def test_each_failure_is_one_line_and_the_batch_goes_on(site: Site, tmp_path: Path, capsys) -> None:
    site.page("/pdf", "%PDF-1.4", content_type="application/pdf")
    site.page("/menu", "<html><body><nav>Home</nav></body></html>")
    site.page("/busy", page("busy", "Never read"), script=[503] * 8)
    site.xml("/feed.xml", rss(site, "/gone", "/pdf", "/menu", "/busy", "/a"))
    db = str(tmp_path / "s.db")
    argv = (
        "ingest",
        "--db",
        db,
        "--feed",
        site.url("/feed.xml"),
        "--url",
        "ftp://example.org/x",
        "--retries",
        "1",
    )
    code, err = run(capsys, *argv, *WEB)
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("storyline: error: ")]
    assert errors == [
        "storyline: error: ftp://example.org/x: not an http(s) URL (scheme 'ftp')",
        f"storyline: error: {site.url('/gone')}: HTTP 404 Not Found",
        f"storyline: error: {site.url('/pdf')}: not an HTML page (application/pdf)",
        f"storyline: error: {site.url('/menu')}: no article text found in HTML",
        f"storyline: error: {site.url('/busy')}: HTTP 503 Service Unavailable (after 1 retries)",
    ]
    assert "1 added" in err and "5 failed" in err
    # lasting failures are not asked for again; the one that may pass is
    run(capsys, "ingest", "--db", db, "--feed", site.url("/feed.xml"), *WEB)
    assert [site.count(p) for p in ("/gone", "/pdf", "/menu", "/busy", "/a")] == [1, 1, 1, 2 + 4, 1]


def test_private_addresses_are_refused_by_default(site: Site, tmp_path: Path, capsys) -> None:
    code, err = run(capsys, "ingest", "--db", str(tmp_path / "s.db"), "--url", site.url("/a"), "--quiet")
    assert code == 1 and site.hits == []
    assert f"storyline: error: {site.url('/a')}: refused: 127.0.0.1 is a loopback address" in err
    code, err = run(capsys, "ingest", "--db", str(tmp_path / "s.db"))
    assert code == 2 and "nothing to ingest" in err


def test_watch_keeps_what_each_feed_said_across_restarts(site: Site, tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "s.db")
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# the city desk\n{site.url('/feed.xml')}\n\n", encoding="utf-8")
    site.xml("/feed.xml", rss(site, "/a", "/b"), etag='"v1"')
    code, err = run(capsys, "watch", str(feeds), "--db", db, "--once", *WEB)
    assert code == 0 and "round 1: " in err and "2 added" in err
    code, err = run(capsys, "watch", str(feeds), "--db", db, "--once", *WEB)  # a restart
    assert code == 0 and "1 not modified" in err
    assert site.hits[-1].headers.get("If-None-Match") == '"v1"' and site.count("/feed.xml") == 2
    site.xml("/feed.xml", rss(site, "/c", "/a", "/b"), etag='"v2"')
    code, err = run(capsys, "watch", str(feeds), "--db", db, "--once", *WEB)
    assert code == 0 and "1 added" in err
    assert [site.count(p) for p in ("/a", "/b", "/c")] == [1, 1, 1]


def test_watch_stops_cleanly_on_ctrl_c(site: Site, tmp_path: Path, capsys, monkeypatch) -> None:
    db = tmp_path / "s.db"
    site.xml("/feed.xml", rss(site, "/a"))
    real = crawl.watch

    def interrupted(one_round, every, **kw):
        def sleep(seconds: float) -> None:
            assert 0 < seconds <= every
            raise KeyboardInterrupt

        return real(one_round, every, sleep=sleep, **kw)

    monkeypatch.setattr(crawl, "watch", interrupted)
    code, err = run(capsys, "watch", site.url("/feed.xml"), "--db", str(db), "--interval", "1h", *WEB)
    assert code == 0 and "watch stopped" in err and "1 added" in err
    assert len(rows(db, "SELECT id FROM articles")) == 1  # committed before it stopped


def test_rounds_start_an_interval_apart() -> None:
    now = [0.0]
    slept: list[float] = []

    def one_round(n: int) -> None:
        now[0] += 3.0
        if n == 3:
            raise KeyboardInterrupt

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    with pytest.raises(KeyboardInterrupt):
        crawl.watch(one_round, 10.0, clock=lambda: now[0], sleep=sleep)
    assert slept == [7.0, 7.0]
    assert crawl.watch(one_round, 10.0, once=True, clock=lambda: now[0], sleep=sleep) == 1


def test_intervals_and_feed_lists(tmp_path: Path) -> None:
    assert [interval(t) for t in ("90", "90s", "15m", "1h", "1d")] == [90, 90, 900, 3600, 86400]
    for bad in ("0", "soon", "-5m", "0.5"):
        with pytest.raises(argparse.ArgumentTypeError):
            interval(bad)
    listed = tmp_path / "feeds.txt"
    listed.write_text("https://a.example/feed # news\n\nhttps://b.example/rss\nhttps://a.example/feed\n")
    urls, errors = crawl.feed_list([str(listed), "https://c.example/atom", str(tmp_path / "missing.txt")])
    assert urls == ["https://a.example/feed", "https://b.example/rss", "https://c.example/atom"]
    assert [str(e) for e in errors] == [
        f"{tmp_path / 'missing.txt'}: cannot read the list of feeds (no such file or directory)"
    ]
