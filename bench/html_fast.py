"""trafilatura's fast mode with its full mode as the fallback (readers/html.py) against the full mode
on every page: how many articles come out different, and the time per page.

Pages: the HTML files under the directories given (any real pages at hand: saved news pages, a
documentation tree), and --generated news pages shaped as bench/warc_ingest.py writes them. Each
page is read both ways in alternating order, in one process; a page differs when any field of the
Article (text, title, author, outlet, date...) differs.

Run from the repo root: `.venv/bin/python bench/html_fast.py [DIR ...] [--generated 200] [--limit 500]`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).parent))

import storyline.readers.html as html_reader
from storyline.readers.html import read_html_bytes
from storyline_testing.generate import generate_records
from warc_ingest import page


def full_only(tree: object) -> object:
    """The extraction before the fast mode: trafilatura's full cascade on every page."""
    options = {"with_metadata": True, "include_comments": False, "favor_precision": True}
    return html_reader.trafilatura.bare_extraction(html_reader.prepare(tree), **options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="*", type=Path, help="directories of HTML pages (searched recursively)")
    parser.add_argument("--generated", type=int, default=200, help="generated news pages (default 200)")
    parser.add_argument("--limit", type=int, default=500, help="at most this many real pages (default 500)")
    args = parser.parse_args()
    files = sorted(p for d in args.dirs for p in d.rglob("*.htm*") if p.is_file())
    random.Random(1).shuffle(files)
    real = [p.read_bytes() for p in files[: args.limit]]
    generated = [page(r) for r in generate_records(args.generated, seed=1)]
    for name, pages in (("real pages", real), ("generated news pages", generated)):
        if not pages:
            continue
        times: dict[str, list[float]] = {"full": [], "fast": []}
        differ = fallbacks = 0
        for i, data in enumerate(pages):
            results = {}
            for mode in ("full", "fast") if i % 2 else ("fast", "full"):
                start = time.perf_counter()
                if mode == "full":
                    with mock.patch.object(html_reader, "_extract", full_only):
                        results[mode] = read_html_bytes(data, "page")
                else:
                    traf = html_reader.trafilatura
                    with mock.patch.object(traf, "bare_extraction", wraps=traf.bare_extraction) as calls:
                        results[mode] = read_html_bytes(data, "page")
                    fallbacks += calls.call_count > 1
                times[mode].append(time.perf_counter() - start)
            differ += results["full"] != results["fast"]
        print(f"{name}: {len(pages)}; articles different {differ}; full extraction as fallback {fallbacks}")
        for label, stat in (("median", statistics.median), ("mean", statistics.mean)):
            full, fast = (stat(times[m]) * 1000 for m in ("full", "fast"))
            print(f"  {label} ms a page: full {full:.2f}, fast with fallback {fast:.2f} ({fast / full:.0%})")


if __name__ == "__main__":
    main()
