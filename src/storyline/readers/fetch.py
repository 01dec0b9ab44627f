"""Fetching pages, feeds and sitemaps from the web, politely and safely.

Polite: robots.txt is obeyed (RFC 9309: a 4xx robots.txt allows everything, a 5xx or unreachable
one disallows everything until it can be read; its Crawl-delay and Request-rate are honoured when
slower than the rate limit); requests to one host are spaced by the rate limit (default one a
second, from the end of one answer to the next request, robots.txt and retries included); the
user agent names storyline and its version; 429/5xx answers and failed connections are retried a
few times with a doubling back-off (a Retry-After up to MAX_RETRY_AFTER is waited for). Safe:
only http and https, every hop of a redirect checked again; a host that is, or resolves to, a
private, loopback, link-local or otherwise non-public address is refused unless `allow_private`
(tests serve from 127.0.0.1); bodies are cut at a size limit, and a response must finish within
a deadline. The address is checked when the name is resolved, before each request: a DNS server
that answers otherwise the second time (rebinding) is not defended against.

Nothing here raises for a bad URL or a failing server: each fetch returns a Page or a FetchError (a
ReadError) naming the URL and the reason in a few words, so a batch goes on.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from importlib import metadata
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import httpx

from storyline.model import ReadError


def _version() -> str:
    """The installed storyline's version (read from its metadata: readers sit below the package's
    own __init__)."""
    try:
        return metadata.version("storyline")
    except metadata.PackageNotFoundError:
        return "dev"


USER_AGENT = f"storyline/{_version()} (news timeline builder; obeys robots.txt)"
ROBOTS_AGENT = "storyline"  # the token a robots.txt names us by (User-agent: storyline)
SCHEMES = ("http", "https")
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 120.0  # seconds: a server asking for a longer pause is given up on for this run
MAX_ROBOTS_BYTES = 512_000  # RFC 9309 asks crawlers to read at least 500 KiB
ROBOTS_TTL = 24 * 3600.0  # seconds a robots.txt is kept before it is read again (RFC 9309)
RETRIED = frozenset((429, 500, 502, 503, 504))
REDIRECTS = frozenset((301, 302, 303, 307, 308))


@dataclass(frozen=True)
class FetchPolicy:
    """How politely and how far a Fetcher goes; the defaults are the command line's."""

    rate: float = 1.0  # requests per second to one host
    timeout: float = 10.0  # seconds to connect, and to wait for each piece of a response
    deadline: float = 60.0  # seconds a whole response may take
    retries: int = 3  # after the first try, on 429, 5xx and failed connections
    backoff: float = 1.0  # seconds before the first retry; doubles with each
    max_bytes: int = 5_000_000  # a page's body, decompressed
    allow_private: bool = False  # fetch private, loopback and link-local addresses too
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class FetchError(ReadError):
    """A URL that could not be fetched; `lasting` when asking again soon would not help (a 404, a
    page robots.txt disallows, a refused address), unlike a timeout or a 503."""

    lasting: bool = True


@dataclass(frozen=True)
class Page:
    """A fetched response: `url` as asked for, `final_url` after redirects. A 304 (the copy held is
    current) has no body."""

    url: str
    final_url: str
    status: int
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    fetched_at: datetime


def clean_url(url: str) -> str:
    """The URL as fetched and stored: surrounding space and the #fragment removed."""
    parts = urlsplit(url.strip())
    return urlunsplit(parts._replace(fragment=""))


def scheme_problem(url: str) -> str | None:
    """Why a URL is not one to fetch (its scheme, no host), or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as e:
        return f"not a valid URL ({e})"
    if parts.scheme.lower() not in SCHEMES:
        return f"not an http(s) URL (scheme {parts.scheme or 'missing'!r})"
    if not parts.hostname:
        return "not a valid URL (no host)"
    return None


def _kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for test, kind in (
        (ip.is_loopback, "a loopback"),
        (ip.is_link_local, "a link-local"),
        (ip.is_multicast, "a multicast"),
        (ip.is_unspecified, "an unspecified"),
        (ip.is_private, "a private"),
        (not ip.is_global, "a non-public"),
    ):
        if test:
            return kind
    return None


def address_problem(host: str, port: int, allow_private: bool) -> str | None:
    """Why a host may not be fetched: it is, or resolves to, an address that is not public (every
    address it resolves to is checked), or it does not resolve. None when it may."""
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        return f"cannot resolve {host} ({getattr(e, 'strerror', None) or type(e).__name__})"
    for *_, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if (kind := _kind(ip)) is not None:
            shown = host if host.strip("[]") == str(ip) else f"{host} ({ip})"
            return f"refused: {shown} is {kind} address; --allow-private fetches it"
    return None


def retry_after(value: str | None, now: datetime) -> float | None:
    """A Retry-After header in seconds (it may be a number or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def gunzip(data: bytes, limit: int) -> bytes | str:
    """A gzip file's content (a sitemap.xml.gz), or why not: never more than `limit` bytes are
    inflated, so a small bomb cannot fill memory."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as e:
        return f"not valid gzip ({e})"
    if len(out) > limit:
        return f"larger than {limit:,} bytes once decompressed"
    return out


@dataclass
class _Robots:
    parser: RobotFileParser | None  # None: everything allowed
    read_at: float
    refused: str | None = None  # why everything is disallowed (robots.txt unreachable)


@dataclass
class _Answer:
    status: int
    headers: httpx.Headers
    body: bytes


@dataclass
class Fetcher:
    """Fetches with one policy, keeping per host the time of its next allowed request and its
    robots.txt. `clock` and `sleep` are time.monotonic and time.sleep unless a test says otherwise."""

    policy: FetchPolicy = field(default_factory=FetchPolicy)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0  # made so far, retries and robots.txt included

    def __post_init__(self) -> None:
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.policy.timeout),
            follow_redirects=False,  # each hop is checked here
            trust_env=False,  # no proxy from the environment: the address checks need direct connections
            headers={"User-Agent": self.policy.user_agent},
        )
        self._next: dict[str, float] = {}
        self._robots: dict[str, _Robots] = {}
        self._crawl_delay: dict[str, float] = {}  # a site's robots.txt Crawl-delay, in seconds

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ the public interface
    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
    ) -> Page | FetchError:
        """The response to GET url (a 304 when etag/last_modified are still current), or why not."""
        url = clean_url(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        found = self._follow(url, headers, max_bytes or self.policy.max_bytes, robots=True)
        if isinstance(found, FetchError):
            return found
        final, answer = found
        if answer.status == 304:
            return self._page(url, final, answer)
        if answer.status >= 400:
            phrase = httpx.codes.get_reason_phrase(answer.status)
            return FetchError(url, f"HTTP {answer.status} {phrase}".strip(), lasting=answer.status < 500)
        return self._page(url, final, answer)

    # ------------------------------------------------------------------ redirects, robots, checks
    def _page(self, url: str, final: str, answer: _Answer) -> Page:
        return Page(
            url,
            final,
            answer.status,
            answer.body,
            answer.headers.get("content-type", "").split(";")[0].strip().lower(),
            answer.headers.get("etag"),
            answer.headers.get("last-modified"),
            datetime.now(UTC).replace(microsecond=0),
        )

    def _follow(
        self, url: str, headers: dict[str, str], max_bytes: int, robots: bool
    ) -> tuple[str, _Answer] | FetchError:
        """Follow redirects from url, checking every hop (and its robots.txt when `robots`)."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if (why := scheme_problem(current)) is not None:
                return FetchError(url, why if current == url else f"redirected to {current}: {why}")
            parts = urlsplit(current)
            host = parts.hostname or ""
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
            if (why := address_problem(host, port, self.policy.allow_private)) is not None:
                return FetchError(url, why if current == url else f"redirected to {current}: {why}")
            if robots and (why := self._disallowed(current)) is not None:
                return FetchError(url, why, lasting=not why.startswith("robots.txt unreachable"))
            answer = self._request(url, current, headers, max_bytes)
            if isinstance(answer, FetchError):
                return answer
            location = answer.headers.get("location")
            if answer.status not in REDIRECTS or not location:
                return current, answer
            current = clean_url(urljoin(current, location))
        return FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    def _disallowed(self, url: str) -> str | None:
        """Why robots.txt forbids this URL, or None."""
        parts = urlsplit(url)
        site = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        held = self._robots.get(site)
        if held is None or self.clock() - held.read_at > ROBOTS_TTL:
            held = self._robots[site] = self._read_robots(site)
        if held.refused is not None:
            return held.refused
        if held.parser is not None and not held.parser.can_fetch(ROBOTS_AGENT, url):
            return "disallowed by robots.txt"
        return None

    def _read_robots(self, site: str) -> _Robots:
        found = self._follow(site + "/robots.txt", {}, MAX_ROBOTS_BYTES, robots=False)
        now = self.clock()
        if isinstance(found, FetchError):
            if "larger than" in found.reason:  # RFC 9309: what is past the limit may be ignored
                return _Robots(None, now)
            return _Robots(None, now, f"robots.txt unreachable ({found.reason}); nothing fetched from {site}")
        _, answer = found
        if answer.status >= 500:
            return _Robots(
                None, now, f"robots.txt unreachable (HTTP {answer.status}); nothing fetched from {site}"
            )
        if answer.status >= 400:
            return _Robots(None, now)  # no robots.txt: everything is allowed
        parser = RobotFileParser()
        parser.parse(answer.body.decode("utf-8", errors="replace").splitlines())
        gaps = [float(d) for d in [parser.crawl_delay(ROBOTS_AGENT)] if d is not None]
        if (rate := parser.request_rate(ROBOTS_AGENT)) is not None and rate.requests > 0:
            gaps.append(rate.seconds / rate.requests)
        if gaps:
            self._crawl_delay[site] = max(gaps)
        return _Robots(parser, now)

    # ------------------------------------------------------------------ one request, with retries
    def _wait_turn(self, url: str) -> str:
        """Sleep until this URL's host may be asked again; returns the host's key for _done."""
        host = urlsplit(url).netloc.lower()
        if (wait := self._next.get(host, 0.0) - self.clock()) > 0:
            self.sleep(wait)
        return host

    def _done(self, url: str, host: str) -> None:
        """A request to the host has ended: the next may start one interval (or crawl delay) later,
        so that the server sees them that far apart however long connecting and answering took."""
        site = f"{urlsplit(url).scheme.lower()}://{host}"
        gap = max(1.0 / self.policy.rate, self._crawl_delay.get(site, 0.0))
        self._next[host] = self.clock() + gap

    def _request(
        self, url: str, current: str, headers: dict[str, str], max_bytes: int
    ) -> _Answer | FetchError:
        """GET current (as part of fetching url), retried on 429, 5xx and failed connections."""
        for attempt in range(self.policy.retries + 1):
            host = self._wait_turn(current)
            self.requests += 1
            answer = self._once(url, current, headers, max_bytes)
            self._done(current, host)
            asked = None
            if isinstance(answer, FetchError):
                if answer.lasting:
                    return answer
                failed = answer
            elif answer.status in RETRIED:
                phrase = httpx.codes.get_reason_phrase(answer.status)
                failed = FetchError(url, f"HTTP {answer.status} {phrase}".strip(), lasting=False)
                asked = retry_after(answer.headers.get("retry-after"), datetime.now(UTC))
                if asked is not None and asked > MAX_RETRY_AFTER:
                    return FetchError(
                        url, f"{failed.reason}; the server asks to wait {asked:.0f} s", lasting=False
                    )
            else:
                return answer
            if attempt == self.policy.retries:
                return _after(failed, attempt) if attempt else failed
            self.sleep(max(asked or 0.0, self.policy.backoff * 2**attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(self, url: str, current: str, headers: dict[str, str], max_bytes: int) -> _Answer | FetchError:
        started = self.clock()
        too_large = FetchError(url, f"larger than the limit of {max_bytes:,} bytes")
        try:
            with self._client.stream("GET", current, headers=headers) as response:
                if response.status_code in REDIRECTS or response.status_code == 304:
                    return _Answer(response.status_code, response.headers, b"")
                length = response.headers.get("content-length", "")
                if length.isdigit() and int(length) > max_bytes:
                    return too_large
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        return too_large
                    if self.clock() - started > self.policy.deadline:
                        return FetchError(url, f"took more than {self.policy.deadline:g} s", lasting=False)
                    chunks.append(chunk)
                return _Answer(response.status_code, response.headers, b"".join(chunks))
        except httpx.TimeoutException:
            return FetchError(url, f"timed out (no answer within {self.policy.timeout:g} s)", lasting=False)
        except httpx.DecodingError as e:
            return FetchError(url, f"could not decode the response ({_brief(e)})")
        except (httpx.TransportError, OSError) as e:  # refused, reset, protocol errors
            return FetchError(url, f"connection failed ({_brief(e)})", lasting=False)
        except httpx.HTTPError as e:  # an invalid URL httpx will not send, among others
            return FetchError(url, f"cannot fetch ({_brief(e)})")


def _after(error: FetchError, retries: int) -> FetchError:
    return FetchError(error.input, f"{error.reason} (after {retries} retries)", lasting=error.lasting)


def _brief(e: BaseException) -> str:
    message = " ".join(str(e).split())
    return f"{type(e).__name__}: {message[:100]}" if message else type(e).__name__
