"""What every response and request passes through: security headers (on every answer, an
unexpected server error's included), a check of the Host header, a body size limit and a
per-client rate limit. Pure ASGI middleware, so that a refused request costs almost nothing.
docs/security.md lists what the server promises and which tests check each promise.

Articles contain arbitrary HTML and script-like text. Templates escape every value (Jinja2
autoescape), and the Content-Security-Policy allows scripts only from our own static files, so an
injected `<script>` or `onerror=` cannot run even if some value escaped the escaping.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Scripts only from our own files, never inline; styles may be set inline because vis-timeline
# positions its items with style attributes (a style cannot run code).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
# The Host names a server answers by default: this machine's own. A DNS-rebinding page reaches
# 127.0.0.1 under its own name (Host: attacker.example), so any other name is refused.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


async def _refuse(send: Send, status: int, message: str, extra: list[tuple[bytes, bytes]] = ()) -> None:  # type: ignore[assignment]
    body = json.dumps({"error": message}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *HEADERS,
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """The headers on every answer. An exception no handler caught is answered here, as a JSON 500
    with the headers (Starlette's own 500 is plain text sent outside every middleware), then
    raised again so that the server logs its traceback."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    h for h in HEADERS if h[0] not in present
                ]
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception:
            if not started:
                await _refuse(send, 500, "internal server error (the server's log has the details)")
            raise


_HOST = re.compile(r"(?:\[([0-9a-f:.]+)\]|([a-z0-9._-]+))(?::[0-9]{1,5})?")  # name, or [IPv6], and a port


def host_name(header: str) -> str | None:
    """The name in a Host header, lower-cased and without its port ('[::1]:8000' -> '::1');
    None when it is not a host[:port]."""
    found = _HOST.fullmatch(header.strip().lower())
    return (found.group(1) or found.group(2)) if found else None


class TrustedHosts:
    """Answer only requests whose Host header names this server (400 otherwise), so that a page
    of another site that rebinds its name to 127.0.0.1 cannot read the knowledge base, and no
    redirect can carry a forged host."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str]):
        self.app = app
        self.hosts = frozenset(h.strip("[]").lower() for h in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        header = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1")
        if host_name(header) not in self.hosts:
            shown = header if len(header) <= 100 else header[:100] + "..."
            await _refuse(
                send, 400, f"host {shown!r} is not served here (the server's --allowed-host adds a name)"
            )
            return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over `limit` bytes (413), whether declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _refuse(send, 413, f"request body over {self.limit:,} bytes")
            return
        seen = 0

        async def counting() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counting, send)
        except _TooLarge:
            await _refuse(send, 413, f"request body over {self.limit:,} bytes")


class _TooLarge(Exception):
    pass


class RateLimit:
    """A token bucket per client address: `rate` requests per second, bursts up to `burst`.
    A rate of 0 turns the limit off."""

    def __init__(self, app: ASGIApp, rate: float, burst: int):
        self.app, self.rate, self.burst = app, rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _allow(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= 1
            self._buckets[client] = (tokens - 1 if allowed else tokens, now)
            if len(self._buckets) > 10_000:  # forget idle clients rather than grow without bound
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60}
            return allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.rate:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("?", 0))[0]
        if not self._allow(client):
            await _refuse(send, 429, "too many requests; slow down", [(b"retry-after", b"1")])
            return
        await self.app(scope, receive, send)
