"""How a person's page loads and reads in a real browser: for the most reported people of a store,
the time to the page's HTML, the time until its timeline is drawn, how many lines it draws and how
many boxes a reader sees in the first view (clusters count once), and the span that view covers.
It prints figures and asserts nothing.

The script starts `storyline serve` on the store (the storyline on PYTHONPATH, so that two
checkouts can be compared on one store), opens each page --rounds times in headless Chromium
(/usr/bin/chromium, through Playwright) and prints the median of each figure per person.

Run from the repo root: `.venv/bin/python bench/page_timing.py STORE.db [--people 5] [--rounds 3]`.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from load_test import free_port, wait_for  # bench/ is on the path when this script runs

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
SETTLE_MS = 1500  # after the drawing: vis-timeline redraws (and clusters) once more


def heaviest(db: Path, n: int) -> list[tuple[int, str, int]]:
    """(id, name, articles) of the n people in the most articles."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(
            "SELECT e.id, e.name, count(DISTINCT ae.article_id) AS n FROM article_entities ae "
            "JOIN entities e ON e.id = ae.entity_id WHERE e.type = 'PERSON' GROUP BY e.id "
            "ORDER BY n DESC LIMIT ?",
            (n,),
        ).fetchall()


def one_load(browser, url: str) -> dict:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        started = time.perf_counter()
        page.goto(url)
        html = page.evaluate("performance.getEntriesByType('navigation')[0].responseEnd")
        page.wait_for_selector("#timeline[data-ready]", timeout=120_000)
        ready = 1000 * (time.perf_counter() - started)
        page.wait_for_timeout(SETTLE_MS)
        box = page.locator("#timeline")
        majors = [t for t in page.locator("#timeline .vis-text.vis-major").all_text_contents() if len(t) > 2]
        return {
            "html": html,
            "ready": ready,
            "lines": int(box.get_attribute("data-ready") or 0),
            "boxes": page.locator("#timeline .vis-item:not(.vis-dot)").count(),
            "axis": f"{majors[0]} … {majors[-1]}" if majors else "",  # the axis's years (or months)
        }
    finally:
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--people", type=int, default=5, help="the most reported people to open")
    parser.add_argument("--rounds", type=int, default=3, help="loads of each page (the median is shown)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "storyline.cli", "serve", "--db", str(args.db), "--port", str(port)]
        + ["--rate-limit", "0"],
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base)
        people = heaviest(args.db, args.people)
        print(f"store {args.db}; {args.rounds} loads of each page, medians; boxes: drawn in the first view")
        head = f"{'person':<24} {'articles':>8} {'lines':>6} {'HTML ms':>8} {'drawn ms':>9} {'boxes':>6}"
        print(head + "  first view")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            one_load(browser, f"{base}/people/{people[0][0]}")  # warm-up: the server's caches, the browser's
            for entity, name, articles in people:
                runs = [one_load(browser, f"{base}/people/{entity}") for _ in range(args.rounds)]
                med = {k: statistics.median(r[k] for r in runs) for k in ("html", "ready", "lines", "boxes")}
                print(
                    f"{name[:24]:<24} {articles:>8} {med['lines']:>6.0f} {med['html']:>8.0f} "
                    f"{med['ready']:>9.0f} {med['boxes']:>6.0f}  {runs[-1]['axis']}"
                )
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
