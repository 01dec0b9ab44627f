"""Extraction time per KB of text: normal news against hostile inputs, as a ratio.

A hostile input must cost no more per KB than news does (the bar is 2x): no input may buy more
CPU than its size. Measured in one process:

- news: the demo articles (examples/demo) and, where present, PolNeAR dev's texts, in batches of
  16 through `Extractor.annotate` plus `to_json`, as `storyline extract --json` runs them;
- each hostile input as one article through the same path: runs of ")" and of mixed symbols,
  runs of straight and of curly quotation marks, one word of --word-kb KB of random letters,
  100,000 newlines, brackets nested 50,000 deep, and a news article with a run of quotation
  marks pasted into its middle (the shape of a hostile upload);
- and, printed apart and outside the bar, text of one token per two or four characters (quotation
  marks between spaces, one-letter words, '"a" ' repeated): linear, but spaCy's statistical
  components cost per token, and such text has three to five times news's tokens per KB.

Each hostile input is declared English (as a JSON Lines record may declare it), so that the
language check cannot turn it away before the tokenizer: the bench measures the extraction path
an attacker can reach. A KB here is 1,000 characters of article text. Each side runs --rounds
times, alternating, and the median is reported. An article whose extraction failed (its time
budget, say) is reported as failed, never timed as a success.

Run from the repo root: `.venv/bin/python bench/adversarial.py [--kb 100] [--rounds 3]`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
import time
from pathlib import Path

from storyline.contract import to_json
from storyline.model import Article
from storyline.nlp.pipeline import Extractor

ROOT = Path(__file__).resolve().parents[1]
POLNEAR_DEV = ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"


def news(folders: list[Path]) -> list[Article]:
    paths = [p for folder in folders for p in sorted(folder.glob("*.txt"))]
    if not paths:
        sys.exit("bench: no news texts found")
    return [Article(text=p.read_text(encoding="utf-8"), input_id=str(p)) for p in paths]


def hostile(kb: int, word_kb: int, article: str) -> dict[str, str]:
    n = kb * 1000
    rng = random.Random(15)
    half = article[: len(article) // 2]
    return {
        "run of )": ")" * n,
        "run of mixed symbols": "".join(rng.choice("!?.,;:-()[]{}*&^%$#@~/|") for _ in range(n)),
        'run of "': '"' * n,
        "run of “": "“" * n,
        "run of “”": "“”" * (n // 2),
        f"one {word_kb} KB word": "".join(rng.choice(string.ascii_letters) for _ in range(word_kb * 1000)),
        "100,000 newlines": "It rained.\n" + "\n" * 100_000 + "It stopped.",
        "brackets nested 50,000 deep": "(" * (n // 2) + "x" + ")" * (n // 2),
        'news with a run of " inside': half + '"' * n + article[len(half) :],
    }


def dense(kb: int) -> dict[str, str]:
    """Text of one token per two or four characters: linear, but past the bar (see the README)."""
    n = kb * 1000
    return {
        '" between spaces': '" ' * (n // 2),
        "one-letter words": "a " * (n // 2),
        '"a" repeated': '"a" ' * (n // 4),
    }


def run(extractor: Extractor, articles: list[Article]) -> float:
    """Seconds to extract the articles and write their JSON; exits on a failed extraction."""
    start = time.perf_counter()
    for article in extractor.annotate(articles):
        to_json(article)
        if article.failure:
            sys.exit(f"bench: {article.input_id}: {article.failure}")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", type=int, default=100, help="size of each hostile run (default 100 KB)")
    ap.add_argument("--word-kb", type=int, default=1000, help="size of the one word (default 1000 KB)")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    ap.add_argument("--news", type=Path, action="append", help="folder of news .txt files (repeatable)")
    ap.add_argument("--dense-kb", type=int, default=20, help="size of each token-dense input (default 20)")
    ap.add_argument("--no-dense", action="store_true", help="leave out the token-dense inputs")
    args = ap.parse_args(argv)

    folders = args.news or [ROOT / "examples" / "demo", *([POLNEAR_DEV] if POLNEAR_DEV.is_dir() else [])]
    corpus = news(folders)
    news_kb = sum(len(a.text) for a in corpus) / 1000
    longest = max(corpus, key=lambda a: len(a.text)).text
    texts = hostile(args.kb, args.word_kb, longest) | ({} if args.no_dense else dense(args.dense_kb))
    inputs = {name: Article(text=text, input_id=name, language="en") for name, text in texts.items()}
    extractor = Extractor(batch_size=16)
    run(extractor, corpus[:16])  # warm-up

    times: dict[str, list[float]] = {"news": [], **{name: [] for name in inputs}}
    for _ in range(args.rounds):
        times["news"].append(run(extractor, corpus))
        for name, article in inputs.items():
            times[name].append(run(extractor, [article]))

    per_kb = {"news": 1000 * statistics.median(times["news"]) / news_kb}
    sizes = {"news": news_kb}
    for name, article in inputs.items():
        sizes[name] = len(article.text) / 1000
        per_kb[name] = 1000 * statistics.median(times[name]) / sizes[name]
    print(f"news: {len(corpus)} articles from {', '.join(str(f) for f in folders)}; {args.rounds} rounds")
    print(f"{'input':<30} {'KB':>8} {'ms':>9} {'ms/KB':>7} {'ratio':>6}")
    for name, cost in per_kb.items():
        ms = cost * sizes[name]
        print(f"{name:<30} {sizes[name]:>8.1f} {ms:>9.0f} {cost:>7.2f} {cost / per_kb['news']:>5.2f}x")
        if name == 'news with a run of " inside' and not args.no_dense:
            print("token-dense text, outside the bar (spaCy's cost is per token):")
    worst = max((n for n in per_kb if n != "news" and n not in dense(1)), key=per_kb.__getitem__)
    print(f"worst: {worst}, {per_kb[worst] / per_kb['news']:.2f}x news per KB (the bar is 2x)")


if __name__ == "__main__":
    main()
