"""What the server promises a hostile client (docs/security.md): only its own host names, every
error as JSON with the security headers (an unexpected 500 included), the ingest token compared in
constant time, bad records named while the good ones are stored, and an API docs page that works
under the app's own CSP with nothing from outside."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from storyline.store import Store
from storyline.web import api
from storyline.web.app import create_app
from storyline.web.security import CSP, LOOPBACK_NAMES, host_name
from webstore import BASE_URL, serving

TOKEN = "s3cret"
GOOD = {"text": 'The governor said, "We will rebuild the bridge."', "published": "2024-01-02"}
OTHER = {"text": 'Mayor Ann Lee said, "The library opens in May."', "published": "2024-02-03"}


@pytest.fixture()
def empty_store(tmp_path: Path) -> Path:
    path = tmp_path / "s.db"
    Store(path).close()
    return path


@pytest.fixture()
def client(empty_store: Path) -> TestClient:
    app = create_app(empty_store, allow_ingest=True, token=TOKEN, rate=0)
    return TestClient(app, base_url=BASE_URL, raise_server_exceptions=False)


def _is_guarded_json(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    return response.json()


# ------------------------------------------------------------------ trusted hosts
@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8000", "127.0.0.1.nip.io", "", "a b"])
def test_a_foreign_host_header_is_refused(client: TestClient, host: str) -> None:
    """DNS rebinding: a page of attacker.example that resolves its name to 127.0.0.1 once read
    /api/stats (200); now any Host that does not name this machine is a 400 JSON error."""
    for url in ("/api/stats", "/", "/api/docs", "/static/app.js"):
        body = _is_guarded_json(client.get(url, headers={"Host": host}), 400)
        assert "is not served here" in body["error"]


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "LOCALHOST", "127.0.0.1:1234", "[::1]:8000"])
def test_this_machines_names_are_served(client: TestClient, host: str) -> None:
    assert client.get("/api/stats", headers={"Host": host}).json()["articles"] == 0


def test_no_redirect_carries_a_forged_host(client: TestClient) -> None:
    forged = client.get("/api/stats/", headers={"Host": "attacker.example"}, follow_redirects=False)
    assert forged.status_code == 400 and "location" not in forged.headers
    ours = client.get("/api/stats/", follow_redirects=False)
    assert ours.status_code == 307 and urlsplit(ours.headers["location"]).hostname == "localhost"


def test_the_allowed_hosts_are_configurable(empty_store: Path) -> None:
    app = create_app(empty_store, rate=0, hosts=["news.example.org"])
    assert TestClient(app, base_url="http://news.example.org").get("/api/stats").status_code == 200
    assert TestClient(app, base_url=BASE_URL).get("/api/stats").status_code == 400
    assert TestClient(app).get("/api/stats").status_code == 400  # TestClient's own "testserver"


def test_host_names_are_read_without_their_port() -> None:
    assert [host_name(h) for h in ("LocalHost:80", "[::1]", "[::1]:8000", "::1", "x:123456", "")] == [
        "localhost",
        "::1",
        "::1",
        None,
        None,
        None,
    ]


def test_serve_answers_loopback_the_address_bound_and_the_names_added() -> None:
    from storyline.cli import serve

    assert serve.LOOPBACK_NAMES == LOOPBACK_NAMES  # copied so that the CLI starts without the web stack
    assert serve.served_hosts("127.0.0.1", []) == ["localhost", "127.0.0.1", "::1"]
    assert serve.served_hosts("0.0.0.0", ["News.Example.org"]) == [*LOOPBACK_NAMES, "news.example.org"]
    assert serve.served_hosts("192.168.1.5", []) == [*LOOPBACK_NAMES, "192.168.1.5"]


def test_a_real_server_refuses_a_foreign_host(empty_store: Path) -> None:
    """What `curl -H 'Host: attacker.example' 127.0.0.1:PORT/api/stats` sees, through uvicorn."""
    with serving(create_app(empty_store, rate=0)) as url:
        status, csp, body = _get(url, "/api/stats", host="attacker.example")
        assert status == 400 and csp == CSP and b"not served here" in body
        assert _get(url, "/api/stats")[0] == 200


def test_a_real_server_logs_an_unexpected_error_and_tells_the_client_nothing_of_it(
    empty_store: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom: a detail for the log only")

    monkeypatch.setattr("storyline.query.stats", broken)
    with (
        caplog.at_level(logging.ERROR, logger="uvicorn.error"),
        serving(create_app(empty_store, rate=0)) as url,
    ):
        status, csp, body = _get(url, "/api/stats")
    assert status == 500 and csp == CSP and b"boom" not in body
    assert json.loads(body) == {"error": "internal server error (the server's log has the details)"}
    logged = [r for r in caplog.records if r.name == "uvicorn.error" and r.exc_info]
    assert [str(r.exc_info[1]) for r in logged] == ["boom: a detail for the log only"]


def _get(url: str, path: str, host: str | None = None) -> tuple[int, str | None, bytes]:
    where = urlsplit(url)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
    conn.request("GET", path, headers={"Host": host or where.netloc})
    response = conn.getresponse()
    answer = (response.status, response.getheader("content-security-policy"), response.read())
    conn.close()
    return answer


# ------------------------------------------------------------------ errors
def test_an_unexpected_error_is_json_with_the_security_headers(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Starlette answers an uncaught exception with a text/plain 500 sent outside every
    middleware, so without the security headers; ours is JSON and carries them."""

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("storyline.query.stats", broken)
    for url in ("/api/stats", "/"):
        body = _is_guarded_json(client.get(url), 500)
        assert body == {"error": "internal server error (the server's log has the details)"}
        assert "boom" not in json.dumps(body)  # the details go to the log, not to the client


def test_every_refusal_is_json_with_the_security_headers(client: TestClient) -> None:
    assert "bad parameter" in _is_guarded_json(client.get("/api/entities?limit=0"), 400)["error"]
    _is_guarded_json(client.get("/api/no-such-thing"), 404)
    _is_guarded_json(client.get("/api/ingest"), 405)
    _is_guarded_json(client.post("/api/ingest", content=b"{}"), 403)
    _is_guarded_json(client.post("/api/ingest", content=b"x" * 6_000_000), 413)


def test_bad_records_are_named_and_the_good_ones_stored(client: TestClient) -> None:
    lines = [
        json.dumps(GOOD),
        "not json",
        json.dumps({"text": "x", "published": "2024-13-45"}),
        "[1]",
        json.dumps({"title": "no text"}),
        json.dumps(OTHER),
    ]
    answer = client.post(
        "/api/ingest", content="\n".join(lines).encode(), headers={"Authorization": f"Bearer {TOKEN}"}
    )
    body = _is_guarded_json(answer, 200)
    assert body["added"] == 2 and body["duplicates"] == 0
    assert [f.split(": ")[0] for f in body["failed"]] == [
        "<upload>:2",
        "<upload>:3",
        "<upload>:4",
        "<upload>:5",
    ]
    assert body["failed"][0] == "<upload>:2: not valid JSON (expecting value: column 1)"
    assert client.get("/api/stats").json()["articles"] == 2


# ------------------------------------------------------------------ the token
def test_the_token_is_compared_in_constant_time(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[bytes, bytes]] = []
    real = api.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(api.hmac, "compare_digest", spy)
    wrong = client.post("/api/ingest", content=b"", headers={"Authorization": "Bearer s3creT"})
    assert wrong.status_code == 403
    assert seen == [(b"Bearer s3creT", b"Bearer s3cret")]


def test_a_token_header_of_any_bytes_is_a_403_not_a_500(client: TestClient) -> None:
    for header in ("Bearer s3cr\xe9t".encode("latin-1"), b"Bearer \xff\xfe", b""):
        answer = client.post("/api/ingest", content=b"", headers={"Authorization": header})
        assert _is_guarded_json(answer, 403)["error"].startswith("a valid 'Authorization")


def test_a_non_ascii_token_works(empty_store: Path) -> None:
    app = TestClient(create_app(empty_store, allow_ingest=True, token="sécret", rate=0), base_url=BASE_URL)
    ok = app.post("/api/ingest", content=b"", headers={"Authorization": "Bearer sécret".encode()})
    assert ok.status_code == 200 and ok.json() == {"added": 0, "duplicates": 0, "failed": []}


# ------------------------------------------------------------------ /api/docs
def test_api_docs_use_only_our_own_files_with_their_integrity(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == CSP
    html = page.text
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # no inline script
    assert "cdn" not in html.lower()
    tags = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"[^>]*integrity="([^"]+)"', html)
    assert {url for url, _ in tags} == {
        "/static/style.css",
        "/static/vendor/htmx.min.js",
        "/static/app.js",
    }
    for url, integrity in tags:
        body = client.get(url)
        assert body.status_code == 200, url
        assert integrity == "sha384-" + base64.b64encode(hashlib.sha384(body.content).digest()).decode()
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith("/") and not url.startswith("//"), url  # same origin
        assert client.get(url).status_code == 200, url
    assert 'data-schema="/api/openapi.json"' in html


# ------------------------------------------------------------------ serve's defaults
def test_serve_binds_loopback_logs_no_requests_and_prints_only_a_token_it_made(
    empty_store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from storyline.cli import main

    started: list[tuple[object, dict]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: started.append((app, options)))
    monkeypatch.delenv("STORYLINE_TOKEN", raising=False)
    assert main(["serve", "--db", str(empty_store)]) == 0
    app, options = started.pop()
    assert options == {"host": "127.0.0.1", "port": 8000, "log_level": "warning", "access_log": False}
    assert (
        capsys.readouterr().err
        == f"storyline: serving {empty_store} at http://127.0.0.1:8000/ (API docs at /api/docs)\n"
    )
    probe = TestClient(app, base_url=BASE_URL)
    assert probe.post("/api/ingest", content=b"").status_code == 403  # ingest off
    assert probe.get("/api/stats", headers={"Host": "attacker.example"}).status_code == 400

    assert main(["serve", "--db", str(empty_store), "--allow-ingest"]) == 0
    app, _ = started.pop()
    made = app.state.storyline.ingest_token
    assert len(made) >= 32 and f"'Authorization: Bearer {made}'" in capsys.readouterr().err
    assert main(["serve", "--db", str(empty_store), "--allow-ingest", "--token", "given-token"]) == 0
    app, _ = started.pop()
    assert app.state.storyline.ingest_token == "given-token"
    assert "given-token" not in capsys.readouterr().err  # a token the user chose is never echoed
