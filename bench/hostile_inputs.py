"""What hostile input costs the readers: CPU time, against clean input in the same run.

For JSON Lines, CSV and HTML, a clean file and a hostile one are read alternately (clean, hostile,
clean, ...) after a warm-up, and the medians compared; each at two sizes, N and 4N records, so
that linear cost shows as a size ratio near 4. The hostile files:

- JSON Lines: one record in ten a nesting bomb ('[' * 100,000), one in ten a 5,000-digit id, one
  in ten with lone surrogates in its text and title;
- CSV: the first row's quote never closes, so the rows after it are swallowed to the end of the
  file and then read again (the worst case: every line read twice);
- HTML: the same article with every word in inline markup (<b>, <i>, <span>, <a>, <time>) inside
  200 levels of <div>, beside loose text, so that every element is unwrapped or wrapped (a page
  nested 256 deep is cut there by libxml2, and said so).

MB is the size of the clean and the hostile file (a nesting bomb is 100 KB).

Run from the repo root: `.venv/bin/python bench/hostile_inputs.py [--records N] [--rounds R]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from storyline.readers import read_path

TEXT = (
    "Mayor Jane Doe said on Monday that the bridge number {} would open next spring, and the council agreed."
)


def jsonl(n: int, hostile: bool) -> bytes:
    lines = []
    for i in range(n):
        kind = i % 10 if hostile else -1
        if kind == 0:
            lines.append("[" * 100_000)
        elif kind == 1:
            lines.append('{"id": ' + "7" * 5000 + ', "text": "x"}')
        elif kind == 2:
            lines.append(json.dumps({"id": f"r{i}", "title": "T \ud800", "text": TEXT.format(i) + " \udfff"}))
        else:
            lines.append(json.dumps({"id": f"r{i}", "title": "T", "text": TEXT.format(i)}))
    return ("\n".join(lines) + "\n").encode()


def csv_rows(n: int, hostile: bool) -> bytes:
    rows = ["id,text,title"]
    rows += [f'r0,"{TEXT.format(0)}' if hostile else f"r0,{TEXT.format(0)},T"]
    rows += [f"r{i},{TEXT.format(i).replace(',', ';')},T" for i in range(1, n)]
    return ("\n".join(rows) + "\n").encode()


def html(n: int, hostile: bool) -> bytes:
    def marked(sentence: str) -> str:
        tags = ["b", "i", "span", "a", "time"]
        return " ".join(f"<{tags[k % 5]}>{w}</{tags[k % 5]}>" for k, w in enumerate(sentence.split()))

    if not hostile:
        body = "".join(f"<p>{TEXT.format(i)}</p>" for i in range(n))
    else:  # as many sentences, half loose beside the other half's <p>
        pairs = (f"{marked(TEXT.format(i))}<p>{marked(TEXT.format(i + 1))}</p>" for i in range(0, n, 2))
        body = "<div>" * 200 + "".join(pairs) + "</div>" * 200
    return f"<html><head><title>T</title></head><body><article>{body}</article></body></html>".encode()


FORMATS: dict[str, tuple[str, Callable[[int, bool], bytes], int]] = {
    "JSON Lines": ("r.jsonl", jsonl, 1),
    "CSV": ("r.csv", csv_rows, 1),
    "HTML": ("p.html", html, 50),  # one page of N/50 paragraphs: trafilatura is slow per page
}


def seconds(path: Path) -> float:
    """CPU seconds to read the file: steadier than wall time on a shared machine."""
    started = time.process_time()
    for _ in read_path(path, max_bytes=50_000_000):
        pass
    return time.process_time() - started


def median_pair(clean: Path, hostile: Path, rounds: int) -> tuple[float, float]:
    seconds(clean), seconds(hostile)  # warm-up
    times: dict[Path, list[float]] = {clean: [], hostile: []}
    for _ in range(rounds):
        for path in (clean, hostile):
            times[path].append(seconds(path))
    return statistics.median(times[clean]), statistics.median(times[hostile])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=5_000, help="N (default 5,000)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(
        f"{'format':<11} {'records':>8} {'clean ms':>9} {'hostile ms':>11} {'hostile/clean':>14} {'MB':>12}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for name, (file_name, make, per_unit) in FORMATS.items():
            medians = []
            for n in (args.records // per_unit, 4 * args.records // per_unit):
                clean, hostile = Path(folder) / f"clean-{file_name}", Path(folder) / f"hostile-{file_name}"
                clean.write_bytes(make(n, False))
                hostile.write_bytes(make(n, True))
                c, h = median_pair(clean, hostile, args.rounds)
                medians.append((c, h))
                size = f"{clean.stat().st_size / 1e6:.1f}/{hostile.stat().st_size / 1e6:.1f}"
                print(f"{name:<11} {n:>8,} {c * 1000:>9.1f} {h * 1000:>11.1f} {h / c:>14.2f} {size:>12}")
            (c1, h1), (c4, h4) = medians
            print(f"{name:<11} 4N/N time: clean {c4 / c1:.2f}, hostile {h4 / h1:.2f} (linear: 4)")


if __name__ == "__main__":
    main()
