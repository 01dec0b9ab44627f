"""Load test of `storyline serve` on loopback, bounded in requests and in time. It prints figures
and asserts nothing.

The script starts the server on the given store (a subprocess; rate limit off, because every
client shares 127.0.0.1). Optionally, it starts an ingest of --ingest-corpus into the same store,
in another process, so that readers meet a writer. Then --clients concurrent clients each loop
over two requests, a random person's page and that person's timeline API:

    GET /people/{id}
    GET /api/entities/{id}/timeline[?--timeline-params]

The timeline request takes the API's defaults (100 lines, 5 reports each) unless
--timeline-params says otherwise: "limit=2000&evidence=2" is the call the person page's script
makes to draw every line.

Each client waits a random 0 to 2x --think seconds before its first request (a ramp-up: 50
clients firing at the same instant measure a burst that real users do not make) and between its
requests. The figure that counts
is latency (p50, p95, p99, max) per request kind, with the error count; throughput is reported
next to it. The first --warmup requests (the server opening its connections and compiling its
templates) are not counted. People are drawn from the 500 most reported (heavy pages) and from all the rest.

Run from the repo root:
`.venv/bin/python bench/load_test.py STORE.db [--clients 50] [--requests 6000] [--ingest-corpus DIR]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx

# the storyline of this interpreter: PYTHONPATH=OTHER/src runs another checkout's code on the same store
STORYLINE = [sys.executable, "-m", "storyline.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(base: str) -> None:
    """Until the server at `base` answers (at most about 20 s)."""
    for _ in range(200):
        try:
            if httpx.get(base + "/api/stats", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)


def people(db: Path, rng: random.Random) -> list[int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    top = [
        r[0]
        for r in conn.execute(
            "SELECT entity_id FROM article_entities ae JOIN entities e ON e.id = ae.entity_id "
            "WHERE e.type = 'PERSON' GROUP BY entity_id ORDER BY count(*) DESC LIMIT 500"
        )
    ]
    (max_id,) = conn.execute("SELECT max(id) FROM entities").fetchone()
    rest = []
    while len(rest) < 500:
        pick = rng.randint(1, max_id)
        row = conn.execute("SELECT id FROM entities WHERE id = ? AND type = 'PERSON'", (pick,))
        if (found := row.fetchone()) is not None:
            rest.append(found[0])
    return top + rest


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered))) - 1))]


async def client(
    base: str,
    ids: list[int],
    rng: random.Random,
    budget: dict,
    think: float,
    results: dict,
    stop_at: float,
    query: str,
) -> None:
    async with httpx.AsyncClient(
        base_url=base, timeout=30, follow_redirects=True
    ) as http:  # a merged id moves
        await asyncio.sleep(rng.uniform(0, 2 * think))  # users arrive spread out, not all at one instant
        while budget["left"] > 0 and time.monotonic() < stop_at:
            person = rng.choice(ids)
            pages = (
                ("person page", f"/people/{person}"),
                ("timeline API", f"/api/entities/{person}/timeline" + (f"?{query}" if query else "")),
            )
            for kind, url in pages:
                if budget["left"] <= 0:
                    return
                budget["left"] -= 1
                started = time.perf_counter()
                try:
                    response = await http.get(url)
                    ok, answer = response.status_code == 200, str(response.status_code)
                except httpx.HTTPError as e:
                    ok, answer = False, type(e).__name__
                results[kind]["ms"].append(1000 * (time.perf_counter() - started))
                results[kind]["errors"] += not ok
                if not ok:
                    results[kind]["answers"][answer] = results[kind]["answers"].get(answer, 0) + 1
                await asyncio.sleep(rng.uniform(0, 2 * think))


async def run(
    base: str, ids: list[int], clients: int, requests: int, seconds: float, think: float, query: str = ""
) -> dict:
    results = {k: {"ms": [], "errors": 0, "answers": {}} for k in ("person page", "timeline API")}
    budget = {"left": requests}
    stop_at = time.monotonic() + seconds
    rngs = [random.Random(i) for i in range(clients)]
    tasks = [client(base, ids, rngs[i], budget, think, results, stop_at, query) for i in range(clients)]
    await asyncio.gather(*tasks)
    return results


def server_cpu(pid: int) -> float:
    """CPU seconds the process has used (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def count_articles(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=6000, help="total requests (bound)")
    parser.add_argument("--seconds", type=float, default=180, help="time bound")
    parser.add_argument("--think", type=float, default=0.5, help="mean seconds between a client's requests")
    parser.add_argument("--ingest-corpus", type=Path, help="a folder of JSON Lines to ingest meanwhile")
    parser.add_argument("--server-workers", type=int, default=1, help="storyline serve --workers")
    parser.add_argument("--server-threads", type=int, default=2, help="storyline serve --threads")
    parser.add_argument("--timeline-params", default="", help='e.g. "limit=2000&evidence=2" (as the page)')
    parser.add_argument("--warmup", type=int, default=200, help="requests made (and not counted) first")
    args = parser.parse_args()

    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [*STORYLINE, "serve", "--db", str(args.db), "--port", str(port), "--rate-limit", "0"]
        + ["--workers", str(args.server_workers), "--threads", str(args.server_threads)],
        stderr=subprocess.DEVNULL,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(base)
    ids = people(args.db, random.Random(7))
    asyncio.run(run(base, ids, args.clients, args.warmup, args.seconds, 0.0))  # connections, templates, cache
    ingest = None
    before = count_articles(args.db)
    if args.ingest_corpus:
        ingest = subprocess.Popen(
            [*STORYLINE, "ingest", str(args.ingest_corpus), "--db", str(args.db), "--quiet"],
            stderr=subprocess.DEVNULL,
        )
        time.sleep(8)  # let it load the model and start writing
    print(
        f"store {args.db} ({before:,} articles); server processes {args.server_workers} "
        f"x {args.server_threads} threads; "
        f"{args.clients} clients, think {args.think} s, "
        f"at most {args.requests:,} requests or {args.seconds:.0f} s; ingest meanwhile: {bool(ingest)}"
    )
    started = time.perf_counter()
    cpu_before = server_cpu(server.pid)
    results = asyncio.run(
        run(base, ids, args.clients, args.requests, args.seconds, args.think, args.timeline_params)
    )
    cpu = server_cpu(server.pid) - cpu_before
    elapsed = time.perf_counter() - started
    written = count_articles(args.db) - before
    if ingest is not None:
        ingest.send_signal(signal.SIGINT)
        try:
            ingest.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a long batch: the figures matter more than its last commit
            ingest.kill()
            ingest.wait()
    server.terminate()
    server.wait(timeout=30)
    total = sum(len(r["ms"]) for r in results.values())
    print(f"{total:,} requests in {elapsed:.1f} s ({total / elapsed:.0f}/s)")
    if args.server_workers == 1 and cpu > 0:  # with more, the work is in child processes
        print(f"server CPU: {cpu:.1f} s, {1000 * cpu / total:.1f} ms per request")
    print(f"articles ingested meanwhile by another process: {written:,}")
    print(f"{'':<14} {'n':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind, r in results.items():
        ms = r["ms"]
        print(
            f"{kind:<14} {len(ms):>6} {r['errors']:>6} {statistics.median(ms):>8.1f} "
            f"{percentile(ms, 95):>8.1f} "
            f"{percentile(ms, 99):>8.1f} {max(ms):>8.1f}"
        )
    for kind, r in results.items():
        if r["answers"]:
            print(f"{kind} errors: " + ", ".join(f"{n} x {a}" for a, n in sorted(r["answers"].items())))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
