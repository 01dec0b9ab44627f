"""Time to answer the article page (GET /articles/{id}) for one long article with many spans.

The article: --kb KB of news (PolNeAR dev's texts joined, where present, else the demo's),
extracted as one article, then given more entity mentions (words of three letters or more not yet
inside a mention, spread over its entities) until it has --spans quotes, mentions and dates: the issue's
case is 164 KB and about 9,000 spans. It is stored in a fresh store and the page is fetched
through the app in this process (FastAPI's TestClient: query, highlighting and template, no
network), --rounds times after one warm-up; the median and the slowest are printed with the
size of the page, and the CPU time of each fetch (the app runs in this process), which a busy
machine does not stretch. The bar is 200 ms.

Run from the repo root: `.venv/bin/python bench/article_page.py [--kb 164] [--spans 9000]`.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from fastapi.testclient import TestClient

from storyline.model import Article, Mention
from storyline.nlp.pipeline import Extractor
from storyline.store import Store
from storyline.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
POLNEAR_DEV = ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"


def news_text(kb: int, folder: Path | None) -> str:
    folder = folder or (POLNEAR_DEV if POLNEAR_DEV.is_dir() else ROOT / "examples" / "demo")
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    if not texts:
        sys.exit(f"bench: no .txt files in {folder}")
    joined = ""
    while len(joined) < kb * 1000:
        joined += "\n\n".join(texts) + "\n\n"
    return joined[: kb * 1000]


def with_spans(article: Article, spans: int) -> Article:
    """The article with extra mentions on words not yet in one until it has `spans` spans."""
    have = len(article.quotes) + len(article.timexes) + sum(len(e.mentions) for e in article.entities)
    taken = bytearray(len(article.text))
    for e in article.entities:
        for m in e.mentions:
            taken[m.start : m.end] = b"\x01" * (m.end - m.start)
    extra = [
        m for m in re.finditer(r"\b[A-Za-z]{3,}\b", article.text) if taken.find(1, m.start(), m.end()) < 0
    ][: max(0, spans - have)]
    entities = list(article.entities)
    for k, m in enumerate(extra):
        e = entities[k % len(entities)]
        entities[k % len(entities)] = replace(
            e, mentions=[*e.mentions, Mention(m.start(), m.end(), m.group(), "name")]
        )
    return replace(article, entities=entities)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", type=int, default=164, help="article size in KB (default 164)")
    ap.add_argument("--spans", type=int, default=9000, help="quotes, mentions and dates (default 9000)")
    ap.add_argument("--rounds", type=int, default=5, help="timed fetches (default 5)")
    ap.add_argument("--news", type=Path, help="folder of news .txt files (default PolNeAR dev)")
    args = ap.parse_args(argv)

    text = news_text(args.kb, args.news)
    article = next(Extractor().annotate([Article(text=text, input_id="long article")]))
    if article.failure:
        sys.exit(f"bench: {article.failure}")
    article = with_spans(article, args.spans)
    spans = len(article.quotes) + len(article.timexes) + sum(len(e.mentions) for e in article.entities)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "page.db"
        with Store(db) as store:
            store.add(article)
            store.flush()
        client = TestClient(create_app(db, rate=0), raise_server_exceptions=True, base_url="http://localhost")
        url = f"/articles/{article.id}"
        page = client.get(url)  # warm-up: templates compiled, connection opened
        if page.status_code != 200:
            sys.exit(f"bench: {url} answered {page.status_code}")
        times, cpu = [], []
        for _ in range(args.rounds):
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            times.append(1000 * (time.perf_counter() - start))
            cpu.append(1000 * (time.process_time() - start_cpu))
    capped = "; spans capped on the page" if "Marks are drawn for the first" in page.text else ""
    print(
        f"article page: {len(text) / 1000:.0f} KB, {spans:,} quotes, mentions and dates; "
        f"page {len(page.content) / 1e6:.1f} MB{capped}"
    )
    print(
        f"median {statistics.median(times):.0f} ms, slowest {max(times):.0f} ms over {args.rounds} fetches; "
        f"CPU median {statistics.median(cpu):.0f} ms (the app runs in this process: on a busy machine "
        "the wall time waits for a core)"
    )


if __name__ == "__main__":
    main()
