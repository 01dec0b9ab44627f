"""storyline: dated news articles in, an evidence-linked timeline of who said what, about whom, and when.

The public Python API; the CLI is a thin layer over it.

    >>> import storyline
    >>> article = storyline.extract("path/to/article.txt")
    >>> [(q.speaker_name, q.text) for q in article.quotes]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from storyline.model import Article, Entity, ExtractionFailure, Quote, ReadError, Span

__version__ = "0.1.0"
__all__ = [
    "Article",
    "Entity",
    "ExtractionFailure",
    "Quote",
    "ReadError",
    "Span",
    "extract",
    "extract_many",
    "__version__",
]


def _as_date(published: date | str | None) -> date | None:
    if published is None or isinstance(published, date):
        return published
    return date.fromisoformat(published)


def _is_file(text: str) -> bool:
    """Whether a string names a file; a sentence longer than a file name may be is text."""
    try:
        return Path(text).is_file()
    except (OSError, ValueError):  # ENAMETOOLONG, a NUL in the string
        return False


def extract(text_or_path: str | Path, published: date | str | None = None, *, plain: bool = False) -> Article:
    """Extract one article, given as a path to a file or as the article's text.

    Raises ValueError with the reason when the input cannot be read.
    """
    from storyline.nlp.pipeline import Extractor
    from storyline.readers import read_path, read_text

    when = _as_date(published)
    is_path = isinstance(text_or_path, Path) or (
        "\n" not in text_or_path and len(text_or_path) < 4096 and _is_file(text_or_path)
    )
    if is_path:
        results = list(read_path(text_or_path, plain=plain, published=when))
        errors = [r for r in results if isinstance(r, ReadError)]
        if errors:
            raise ValueError(str(errors[0]))
        if len(results) != 1:
            raise ValueError(f"{text_or_path}: holds {len(results)} articles; use extract_many()")
        article = results[0]
    else:
        article = read_text(str(text_or_path), plain=plain, published=when)
    return next(Extractor().annotate([article]))


def extract_many(articles: Iterable[Article], batch_size: int = 16) -> Iterator[Article]:
    """Extract a stream of articles (from `storyline.readers`) in batches through one loaded model."""
    from storyline.nlp.pipeline import Extractor

    return Extractor(batch_size=batch_size).annotate(articles)
