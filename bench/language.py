"""Language detection: accuracy and speed of py3langid and lingua on one mixed sample, and the cost
of storyline's detection (storyline.nlp.language) as a share of extraction time, in the same run.

The sample (built here, nothing of it committed but the fixtures):
- English: every PolNeAR text (train + dev), the first paragraph of at least LEDE words of each
  (short English: a lede), the
  first 500 GAP development snippets (Wikipedia paragraphs) and the demo corpus;
- other languages: tests/fixtures/languages/LANG-N.txt (news-like, a few sentences each, 12
  languages), whole and their first such paragraph alone.

A text is right when the detected ISO 639-1 code is its language. Detection reads at most the
first storyline.nlp.language.MAX_CHARS characters, as storyline does. Extraction time is
Extractor.annotate on PolNeAR texts (--extract N of them), detection included, so the ratio is
detection / extraction.

Run from the repo root: `.venv/bin/python bench/language.py [--shared ../shared] [--extract 60]`.
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from storyline.model import Article
from storyline.nlp import language
from storyline.readers import read_path

ROOT = Path(__file__).resolve().parents[1]
LEDE = 15


def lede(text: str) -> str:
    """The first paragraph of at least LEDE words (a headline line is not one), else the text."""
    return next((p for p in text.split("\n") if len(p.split()) >= LEDE), text)


def sample(shared: Path) -> list[tuple[str, str, str]]:
    """(group, expected code, text) for every text of the mixed sample."""
    out: list[tuple[str, str, str]] = []
    polnear = [
        p for s in ("train", "dev") for p in sorted((shared / "data/polnear" / s / "text").glob("*.txt"))
    ]
    demo = sorted((ROOT / "examples/demo").glob("*.txt"))
    for path in polnear + demo:
        for a in read_path(path):
            if isinstance(a, Article):
                out.append(("en: article", "en", a.text))
                out.append(("en: first paragraph", "en", lede(a.text)))
    gap = shared / "data/gap/gap-development.tsv"
    if gap.is_file():
        with gap.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))[:500]
        out += [("en: gap snippet", "en", r["Text"]) for r in rows]
    for path in sorted((ROOT / "tests/fixtures/languages").glob("*.txt")):
        code = path.stem.split("-")[0]
        for a in read_path(path):
            if isinstance(a, Article):
                out.append(("other: article", code, a.text))
                out.append(("other: first paragraph", code, lede(a.text)))
    return out


def detectors() -> dict[str, Callable[[str], str | None]]:
    """py3langid and storyline's use of it; lingua too where it is installed (it is not a
    dependency: `pip install lingua-language-detector==2.1.1` to compare)."""
    import py3langid

    found: dict[str, Callable[[str], str | None]] = {
        "py3langid": lambda text: py3langid.classify(text)[0],
        "storyline (nlp.language)": lambda text: language.detect(text) or language.ENGLISH,  # as extracted
    }
    try:
        from lingua import LanguageDetectorBuilder
    except ImportError:
        print("lingua is not installed: pip install lingua-language-detector==2.1.1 to compare")
        return found

    full = LanguageDetectorBuilder.from_all_languages().build()
    low = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()

    def lingua_of(detector):
        def detect(text: str) -> str | None:
            found = detector.detect_language_of(text)
            return found.iso_code_639_1.name.lower() if found is not None else None

        return detect

    return {**found, "lingua (high accuracy)": lingua_of(full), "lingua (low accuracy)": lingua_of(low)}


def score(
    texts: list[tuple[str, str, str]], detect: Callable[[str], str | None]
) -> tuple[float, float, Counter]:
    """(accuracy, ms per text, wrong per group); the first call (model loading) is left out."""
    detect(texts[0][2][: language.MAX_CHARS])
    wrong: Counter = Counter()
    started = time.perf_counter()
    for group, code, text in texts:
        if detect(text[: language.MAX_CHARS]) != code:
            wrong[group] += 1
    seconds = time.perf_counter() - started
    return 1 - sum(wrong.values()) / len(texts), 1000 * seconds / len(texts), wrong


def polnear_articles(shared: Path, n: int) -> list[Article]:
    paths = sorted((shared / "data/polnear/dev/text").glob("*.txt"))[:n]
    return [a for p in paths for a in read_path(p) if isinstance(a, Article)]


def extraction_ms(articles: list[Article]) -> float:
    """ms per article of Extractor.annotate (the model loaded first); bench/near_duplicates.py too."""
    from storyline.nlp.pipeline import Extractor

    extractor = Extractor()
    list(extractor.annotate(articles[:2]))
    started = time.perf_counter()
    list(extractor.annotate(articles))
    return 1000 * (time.perf_counter() - started) / len(articles)


def arguments(extract: int) -> argparse.Namespace:
    """--shared (the shared folder) and --extract (PolNeAR articles extracted for the ratio)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument(
        "--extract", type=int, default=extract, help="PolNeAR articles extracted for the ratio"
    )
    return parser.parse_args()


def main() -> None:
    args = arguments(60)
    texts = sample(args.shared)
    groups = Counter(g for g, _, _ in texts)
    print(f"sample: {len(texts)} texts: " + ", ".join(f"{g} {n}" for g, n in sorted(groups.items())))
    for name, detect in detectors().items():
        accuracy, ms, wrong = score(texts, detect)
        missed = ", ".join(f"{g} {n}" for g, n in sorted(wrong.items())) or "none"
        print(f"{name:26} accuracy {accuracy:.4f}  {ms:.3f} ms/text  wrong: {missed}")
    articles = polnear_articles(args.shared, args.extract)
    extract = extraction_ms(articles)
    started = time.perf_counter()
    for a in articles:
        language.detect(a.text)
    detect = 1000 * (time.perf_counter() - started) / len(articles)
    print(
        f"extraction {extract:.1f} ms/article, detection {detect:.3f} ms/article: "
        f"detection is {100 * detect / extract:.2f} % of extraction time"
    )


if __name__ == "__main__":
    main()
