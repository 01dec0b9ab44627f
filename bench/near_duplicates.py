"""Near-duplicates: MinHash signature speed of rensa and datasketch on the same shingle sets, the
cost of storyline's lookup per article beside extraction's, and precision and recall of the
decision at several thresholds (the set of `storyline eval near-duplicates`), in one run.

- signatures: PolNeAR's texts (train + dev) cut into storyline's shingles, then a signature of
  PERMUTATIONS values each, by rensa's RMinHash and by datasketch's MinHash (update_batch);
- lookup: Finder.match against a store holding every PolNeAR text (band keys read by seeks, the
  candidates' texts re-read and compared), per article, beside Extractor.annotate on --extract N
  PolNeAR texts;
- thresholds: storyline.eval.near_duplicates.evaluate at each of THRESHOLDS.

Run from the repo root: `.venv/bin/python bench/near_duplicates.py [--shared ../shared] [--extract 40]`.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from language import arguments, extraction_ms, polnear_articles  # bench/language.py, beside this
from storyline.eval import near_duplicates as evaluation
from storyline.model import Article
from storyline.readers import read_path
from storyline.store import near_duplicates as nd

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)


def texts(shared: Path) -> list[str]:
    polnear = shared / "data" / "polnear"
    paths = [p for s in ("train", "dev") for p in sorted((polnear / s / "text").glob("*.txt"))]
    return [a.text for p in paths for a in read_path(p) if isinstance(a, Article)]


def per_article_ms(run, items) -> float:
    started = time.perf_counter()
    for item in items:
        run(item)
    return 1000 * (time.perf_counter() - started) / len(items)


def signatures(grams: list[frozenset[str]]) -> dict[str, float]:
    """ms per article of each library's signature; datasketch only where it is installed (it is
    not a dependency: `pip install datasketch==2.0.0` to compare)."""
    from rensa import RMinHash

    def with_rensa(g: frozenset[str]) -> None:
        sketch = RMinHash(num_perm=nd.PERMUTATIONS, seed=nd.SEED)
        sketch.update(sorted(g))
        sketch.digest()

    speeds = {"rensa": per_article_ms(with_rensa, grams)}
    try:
        from datasketch import MinHash
    except ImportError:
        print("datasketch is not installed: pip install datasketch==2.0.0 to compare")
        return speeds

    def with_datasketch(g: frozenset[str]) -> None:
        sketch = MinHash(num_perm=nd.PERMUTATIONS, seed=nd.SEED)
        sketch.update_batch([s.encode() for s in g])

    speeds["datasketch"] = per_article_ms(with_datasketch, grams)
    return speeds


def lookup_ms(found: list[str]) -> float:
    """Finder.match per article against a store of all of them (each finds itself: worst case)."""
    with tempfile.TemporaryDirectory() as tmp:
        conn = evaluation._scratch_store(Path(tmp) / "b.db")
        conn.execute("BEGIN")
        for i, text in enumerate(found):
            conn.execute("INSERT INTO articles (id, text, ingested_at) VALUES (?, ?, '')", (str(i), text))
            nd.index(conn, str(i), text)
        conn.execute("COMMIT")
        finder = nd.Finder(conn)
        ms = per_article_ms(lambda t: finder.match("new", t), found)
        conn.close()
    return ms


def main() -> None:
    args = arguments(40)
    found = texts(args.shared)
    started = time.perf_counter()
    grams = [nd.shingles(t) for t in found]
    shingle_ms = 1000 * (time.perf_counter() - started) / len(found)
    speeds = signatures(grams)
    print(f"{len(found)} PolNeAR texts, {sum(map(len, grams)) / len(grams):.0f} shingles each on average")
    print(f"shingles {shingle_ms:.3f} ms/article")
    for name, ms in speeds.items():
        print(f"signature, {name:10} {ms:.3f} ms/article ({nd.PERMUTATIONS} values)")
    if "datasketch" in speeds:
        print(f"datasketch / rensa: {speeds['datasketch'] / speeds['rensa']:.1f}x")
    lookup = lookup_ms(found)
    extract = extraction_ms(polnear_articles(args.shared, args.extract))
    print(
        f"lookup (Finder.match, store of {len(found)}) {lookup:.3f} ms/article; extraction {extract:.1f} "
        f"ms/article: the lookup is {100 * lookup / extract:.2f} % of extraction time"
    )
    polnear = args.shared / "data" / "polnear"
    print("threshold  precision  recall  tp  fp  fn  same-story pairs merged")
    for threshold in THRESHOLDS:
        s = evaluation.evaluate(polnear, ROOT / "examples" / "demo", threshold)
        print(
            f"{threshold:9.2f}  {s.precision:9.3f}  {s.recall:6.3f}  {s.true_positives}  "
            f"{s.false_positives}  {s.false_negatives}  {s.negative_pairs_merged} of {s.negative_pairs}"
        )


if __name__ == "__main__":
    main()
