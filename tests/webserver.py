"""A small web site for the fetch and watch tests, served from 127.0.0.1 only, in a thread: pages,
feeds, sitemaps and robots.txt set per path (changeable while it runs), with every request logged
(path, monotonic time, headers) so that a test can count them and check their spacing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # answered with 304 when the request's If-None-Match matches
    length: bool = True  # send Content-Length (else the body ends when the connection closes)
    delay: float = 0.0  # seconds before answering
    script: list[int] = field(default_factory=list)  # statuses answered first, one per request


@dataclass
class Hit:
    path: str
    at: float
    headers: dict[str, str]


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.base = ""

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, html: str, **kw: object) -> None:
        self.routes[path] = Route(html.encode("utf-8"), **kw)  # type: ignore[arg-type]

    def xml(self, path: str, xml: str | bytes, **kw: object) -> None:
        data = xml.encode("utf-8") if isinstance(xml, str) else xml
        self.routes[path] = Route(data, content_type="application/xml", **kw)  # type: ignore[arg-type]

    def count(self, path: str) -> int:
        return sum(1 for h in self.hits if h.path == path)

    def paths(self) -> list[str]:
        return [h.path for h in self.hits]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # http.server's name
            with site.lock:
                site.hits.append(Hit(self.path, time.monotonic(), dict(self.headers.items())))
                route = site.routes.get(self.path)
                scripted = route.script.pop(0) if route is not None and route.script else None
            if route is None:
                return self._answer(404, b"not here", "text/plain", {})
            if route.delay:
                time.sleep(route.delay)
            if scripted is not None:
                return self._answer(scripted, b"try later", "text/plain", route.headers)
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                return self._answer(304, b"", route.content_type, {"ETag": route.etag})
            extra = dict(route.headers) | ({"ETag": route.etag} if route.etag else {})
            self._answer(route.status, route.body, route.content_type, extra, route.length)

        def _answer(
            self, status: int, body: bytes, kind: str, headers: dict[str, str], length: bool = True
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            for name, value in headers.items():
                self.send_header(name, value)
            if length:
                self.send_header("Content-Length", str(len(body)))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if status != 304:
                with suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

    return Handler


@contextmanager
def serving(setup: Callable[[Site], None] | None = None) -> Iterator[Site]:
    """A Site on a free port of 127.0.0.1; `setup` may fill in its routes once its address is known."""
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    if setup is not None:
        setup(site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
