"""What the web app holds: the store's path, a pool of read connections (one per request being
answered, at most `readers` at once), and (only when ingest is allowed) the token and the single
writer."""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request

from storyline.ingest import IngestReport, ingest
from storyline.readers.records import read_jsonl_lines
from storyline.store import Store

# Requests answered at once per process. Queries are CPU-bound Python (one process uses one core
# however many threads it has), so more threads only add GIL contention and read connections: in
# the load test, 1, 2 and 4 threads gave the same latency within noise. More cores: --workers.
THREADS = 2


class ApiError(Exception):
    """An error answered as `{"error": message}` with this status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class WebState:
    db: Path
    ingest_token: str | None = None
    readers: int = THREADS  # requests answered at once; the others wait on the event loop, holding nothing
    _pool: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)
    _slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None
    _write_lock: threading.Lock = field(default_factory=threading.Lock)

    def borrow(self) -> sqlite3.Connection:
        """A read connection for one request: from the pool, or newly opened (the store must exist)."""
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            return Store(self.db, create=False).conn  # read-only (query_only): a request never writes

    def give_back(self, conn: sqlite3.Connection) -> None:
        self._pool.put(conn)

    @property
    def slots(self) -> asyncio.Semaphore:
        """The semaphore of the running event loop (a server has one; test clients may make more)."""
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(self.readers))
        return self._slots[1]

    async def ingest(self, body: bytes) -> IngestReport:
        """Extract and store JSON Lines, one writer at a time, off the event loop."""

        def run() -> IngestReport:
            with self._write_lock, Store(self.db) as store:
                items = read_jsonl_lines(body.splitlines(keepends=True), "<upload>")
                return ingest(store, items)

        return await asyncio.to_thread(run)


def web_state(request: Request) -> WebState:
    return request.app.state.storyline


async def connection(request: Request) -> AsyncIterator[sqlite3.Connection]:
    """FastAPI dependency: a pooled read connection, used by this request alone. A request waits
    for a free slot first, so that 50 clients make 4 connections, not 50."""
    state = web_state(request)
    async with state.slots:
        conn = state.borrow()
        try:
            yield conn
        finally:
            state.give_back(conn)
