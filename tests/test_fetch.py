"""The polite fetcher (readers.fetch) and the feed and sitemap parser (readers.listings), against a
web site served from 127.0.0.1 only (tests/webserver.py): no test touches the internet."""

from __future__ import annotations

import gzip

import pytest

from storyline.readers import fetch
from storyline.readers.fetch import Fetcher, FetchError, FetchPolicy, Page, address_problem
from storyline.readers.listings import parse_listing
from webserver import serving

FAST = FetchPolicy(rate=50, backoff=0.01, timeout=2, allow_private=True)


def get(policy: FetchPolicy, url: str, **kw: object) -> Page | FetchError:
    with Fetcher(policy) as f:
        return f.get(url, **kw)  # type: ignore[arg-type]


# ---------------------------------------------------------------------- what is refused
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:9/", "refused: 127.0.0.1 is a loopback address"),
        ("http://localhost:9/", "refused: localhost (127.0.0.1) is a loopback address"),
        ("http://[::1]:9/", "refused: ::1 is a loopback address"),
        ("http://10.1.2.3/", "refused: 10.1.2.3 is a private address"),
        ("http://192.168.0.1/", "refused: 192.168.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a link-local address"),
        ("http://[::ffff:127.0.0.1]/", "is a loopback address"),
        ("http://0.0.0.0/", "is an unspecified address"),
        ("http://100.64.0.1/", "is a non-public address"),
        ("file:///etc/passwd", "not an http(s) URL (scheme 'file')"),
        ("ftp://example.org/x", "not an http(s) URL (scheme 'ftp')"),
        ("javascript:alert(1)", "not an http(s) URL (scheme 'javascript')"),
        ("http:///nohost", "not a valid URL (no host)"),
        ("http://example.org:99999/", "not a valid URL"),
    ],
)
def test_private_addresses_and_other_schemes_are_refused_by_default(url: str, reason: str) -> None:
    found = get(FetchPolicy(), url)
    assert isinstance(found, FetchError)
    assert reason in found.reason and found.input == url and found.lasting


def test_a_loopback_server_gets_no_request_by_default() -> None:
    with serving(lambda s: s.page("/a", "<p>hello</p>")) as site:
        found = get(FetchPolicy(), site.url("/a"))
        assert isinstance(found, FetchError) and "--allow-private" in found.reason
        assert site.hits == []  # not even robots.txt
        assert isinstance(get(FAST, site.url("/a")), Page)  # allowed when asked
        assert site.paths() == ["/robots.txt", "/a"]


def test_each_redirect_hop_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    real = fetch.address_problem
    # 127.0.0.1 stands in for a public server; any other name is checked for real
    monkeypatch.setattr(
        fetch,
        "address_problem",
        lambda host, port, allow: None if host == "127.0.0.1" else real(host, port, allow),
    )
    with serving() as site:
        port = site.base.rsplit(":", 1)[1]
        site.page("/to-local", "", status=302, headers={"Location": f"http://localhost:{port}/secret"})
        site.page("/to-file", "", status=301, headers={"Location": "file:///etc/passwd"})
        site.page("/secret", "<p>secret</p>")
        found = get(FetchPolicy(rate=50), site.url("/to-local"))
        assert isinstance(found, FetchError)
        assert found.reason.startswith(f"redirected to http://localhost:{port}/secret: refused: localhost")
        found = get(FetchPolicy(rate=50), site.url("/to-file"))
        assert (
            isinstance(found, FetchError)
            and "redirected to file:///etc/passwd: not an http(s) URL" in found.reason
        )
        assert site.count("/secret") == 0


def test_address_problem_checks_every_address(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [(2, 1, 6, "", ("93.184.216.34", 80)), (2, 1, 6, "", ("10.0.0.7", 80))]
    monkeypatch.setattr(fetch.socket, "getaddrinfo", lambda *a, **k: answers)
    assert address_problem("mixed.example", 80, False) == (
        "refused: mixed.example (10.0.0.7) is a private address; --allow-private fetches it"
    )
    assert address_problem("mixed.example", 80, True) is None
    answers.pop()
    assert address_problem("mixed.example", 80, False) is None


# ---------------------------------------------------------------------- politeness
def test_robots_txt_is_obeyed_and_names_storyline() -> None:
    robots = (
        "User-agent: *\nDisallow: /\n\nUser-agent: storyline\nDisallow: /private/\nDisallow: /no-storyline/\n"
    )
    with serving() as site:
        site.page("/robots.txt", robots, content_type="text/plain")
        for path in ("/private/a", "/no-storyline/b", "/open"):
            site.page(path, "<p>x</p>")
        with Fetcher(FAST) as f:
            results = {p: f.get(site.url(p)) for p in ("/open", "/no-storyline/b", "/private/a", "/open")}
        assert isinstance(results["/open"], Page)
        for path in ("/no-storyline/b", "/private/a"):
            assert (
                isinstance(results[path], FetchError) and results[path].reason == "disallowed by robots.txt"
            )
        assert site.paths() == [
            "/robots.txt",
            "/open",
            "/open",
        ]  # robots.txt read once; nothing disallowed asked
        agent = site.hits[0].headers["User-Agent"]
        assert agent.startswith("storyline/0.1.0 ") and "robots.txt" in agent


def test_an_unreachable_robots_txt_disallows_the_site_and_a_missing_one_allows_it() -> None:
    with serving() as site:
        site.page("/robots.txt", "down", status=503)
        site.page("/a", "<p>a</p>")
        found = get(FastNoRetry, site.url("/a"))
        assert isinstance(found, FetchError) and found.reason.startswith("robots.txt unreachable (HTTP 503")
        assert not found.lasting and site.count("/a") == 0
        del site.routes["/robots.txt"]  # 404: no robots.txt, everything allowed
        assert isinstance(get(FastNoRetry, site.url("/a")), Page)


FastNoRetry = FetchPolicy(rate=50, retries=0, timeout=2, allow_private=True)


def test_the_rate_limit_spaces_requests_to_a_host() -> None:
    with serving() as site:
        for n in range(4):
            site.page(f"/p{n}", "<p>x</p>")
        with Fetcher(FetchPolicy(rate=5, allow_private=True)) as f:
            for n in range(4):
                assert isinstance(f.get(site.url(f"/p{n}")), Page)
        times = [h.at for h in site.hits]
        assert len(times) == 5  # robots.txt, then the four pages
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert min(gaps) >= 0.2 - 0.02, gaps  # one request each 1/5 s, robots.txt included


def test_crawl_delay_slows_a_site_down_further() -> None:
    with serving() as site:
        site.page("/robots.txt", "User-agent: *\nCrawl-delay: 1\n", content_type="text/plain")
        site.page("/a", "<p>a</p>")
        site.page("/b", "<p>b</p>")
        with Fetcher(FAST) as f:
            f.get(site.url("/a"))
            f.get(site.url("/b"))
        a, b = (h.at for h in site.hits if h.path in ("/a", "/b"))
        assert b - a >= 0.98


def test_429_and_5xx_are_retried_with_back_off_then_given_up() -> None:
    with serving() as site:
        site.page("/flaky", "<p>ok</p>", script=[503, 429])
        site.page("/down", "<p>never</p>", script=[500, 502, 503, 504])
        site.page("/busy", "<p>never</p>", script=[429], headers={"Retry-After": "3600"})
        with Fetcher(FAST) as f:
            assert isinstance(f.get(site.url("/flaky")), Page)
            down = f.get(site.url("/down"))
            busy = f.get(site.url("/busy"))
        assert site.count("/flaky") == 3
        assert isinstance(down, FetchError) and down.reason == "HTTP 504 Gateway Timeout (after 3 retries)"
        assert site.count("/down") == 4 and not down.lasting
        assert isinstance(busy, FetchError) and busy.reason.endswith("the server asks to wait 3600 s")
        assert site.count("/busy") == 1


def test_a_refused_connection_is_retried_and_reported_in_one_line() -> None:
    with serving() as site:
        url = site.url("/gone")
    found = get(FetchPolicy(rate=50, backoff=0.01, retries=2, allow_private=True), url)
    assert isinstance(found, FetchError)
    assert found.reason.startswith("robots.txt unreachable (connection failed (ConnectError")
    assert "(after 2 retries)" in found.reason and "\n" not in found.reason


def test_bodies_over_the_limit_are_cut_with_or_without_a_length() -> None:
    big = "<p>" + "x" * 5000 + "</p>"
    with serving() as site:
        site.page("/big", big)
        site.page("/streamed", big, length=False)
        site.page("/small", "<p>ok</p>", length=False)
        policy = FetchPolicy(rate=50, max_bytes=1000, allow_private=True)
        for path in ("/big", "/streamed"):
            found = get(policy, site.url(path))
            assert isinstance(found, FetchError) and found.reason == "larger than the limit of 1,000 bytes"
        small = get(policy, site.url("/small"))
        assert isinstance(small, Page) and small.body == b"<p>ok</p>"


def test_a_slow_server_times_out() -> None:
    with serving() as site:
        site.page("/slow", "<p>late</p>", delay=1.5)
        found = get(FetchPolicy(rate=50, timeout=0.3, retries=0, allow_private=True), site.url("/slow"))
        assert isinstance(found, FetchError) and found.reason == "timed out (no answer within 0.3 s)"


def test_conditional_requests_and_errors() -> None:
    with serving() as site:
        site.xml("/feed", "<rss/>", etag='"v1"')
        with Fetcher(FAST) as f:
            first = f.get(site.url("/feed"))
            again = f.get(site.url("/feed"), etag='"v1"')
            missing = f.get(site.url("/nothing#part"))
        assert isinstance(first, Page) and first.etag == '"v1"' and first.status == 200
        assert isinstance(again, Page) and again.status == 304 and again.body == b""
        assert site.hits[-2].headers["If-None-Match"] == '"v1"'
        assert isinstance(missing, FetchError) and missing.reason == "HTTP 404 Not Found" and missing.lasting
        assert missing.input.endswith("/nothing")  # the fragment is not part of what is fetched


def test_redirects_are_followed_and_counted() -> None:
    with serving() as site:
        site.page("/old", "", status=301, headers={"Location": "/new"})
        site.page("/new", "<p>new</p>")
        site.page("/loop", "", status=302, headers={"Location": "/loop"})
        with Fetcher(FAST) as f:
            moved = f.get(site.url("/old"))
            loop = f.get(site.url("/loop"))
        assert (
            isinstance(moved, Page) and moved.url == site.url("/old") and moved.final_url == site.url("/new")
        )
        assert isinstance(loop, FetchError) and loop.reason == "more than 5 redirects"


# ---------------------------------------------------------------------- feeds and sitemaps
RSS = """<?xml version="1.0"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>News</title>
<item><title>One</title><link>https://news.example/one</link><guid>id-1</guid>
  <pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item>
<item><title>Two</title><link>/two</link><pubDate>Wed, 06 Mar 2024 10:00:00 GMT</pubDate>
  <atom:updated>2024-03-07T08:00:00Z</atom:updated></item>
<item><title>No link</title></item>
</channel></rss>"""

ATOM = """<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><id>tag:a,2024:1</id><link rel="alternate" href="https://a.example/1"/><link rel="edit" href="x"/>
  <updated>2024-03-02T00:00:00Z</updated><published>2024-03-01T12:00:00+02:00</published></entry>
</feed>"""


def test_rss_and_atom_items_with_ids_and_stamps() -> None:
    rss = parse_listing(RSS.encode(), "https://news.example/feed.xml")
    assert not isinstance(rss, str) and rss.kind == "rss"
    assert [(i.url, i.id, i.updated, str(i.published)) for i in rss.items] == [
        ("https://news.example/one", "id-1", "Tue, 05 Mar 2024 10:00:00 GMT", "2024-03-05"),
        ("https://news.example/two", "https://news.example/two", "2024-03-07T08:00:00Z", "2024-03-06"),
    ]
    atom = parse_listing(ATOM.encode(), "https://a.example/")
    assert not isinstance(atom, str)
    assert [(i.url, i.id, i.updated, str(i.published)) for i in atom.items] == [
        ("https://a.example/1", "tag:a,2024:1", "2024-03-02T00:00:00Z", "2024-03-01")
    ]


def test_sitemaps_indexes_and_hostile_xml() -> None:
    urlset = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://s.example/a</loc>'
        "<lastmod>2024-01-02</lastmod></url><url><loc>https://s.example/b</loc></url></urlset>"
    )
    found = parse_listing(gzip.decompress(gzip.compress(urlset.encode())), "https://s.example/")
    assert not isinstance(found, str) and found.kind == "sitemap"
    assert [(i.url, i.updated) for i in found.items] == [
        ("https://s.example/a", "2024-01-02"),
        ("https://s.example/b", None),
    ]
    index = parse_listing(
        b"<sitemapindex><sitemap><loc>/s1.xml</loc></sitemap><sitemap><loc>/s2.xml</loc></sitemap></sitemapindex>",
        "https://s.example/index.xml",
    )
    assert not isinstance(index, str) and index.sitemaps == [
        "https://s.example/s1.xml",
        "https://s.example/s2.xml",
    ]
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><item><link>https://e.example/&x;</link></item></channel></rss>"
    )
    hostile = parse_listing(xxe, "https://e.example/")
    assert not isinstance(hostile, str) and "root:" not in hostile.items[0].url
    assert parse_listing(b"<html><body>hi</body></html>", "https://e.example/") == (
        "not a feed or sitemap (its root element is <html>)"
    )
    assert parse_listing(b"", "https://e.example/").startswith("not a feed or sitemap")
    assert fetch.gunzip(gzip.compress(b"x" * 10_000), 1000) == "larger than 1,000 bytes once decompressed"
