"""Metadata kept beside a corpus (a CSV or TSV of file name, date, outlet...), applied to its articles.

Corpora often keep the publication date and outlet apart from the text (PolNeAR's metadata.tsv);
the date matters most, because every relative date in the article is resolved against it. A row
applies to the article whose file name, or file name without its suffix, is in the `filename`
column (also called `file`, `path` or `id`). Values in the file win over those found in the article.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

from storyline.model import Article
from storyline.readers.byline import parse_iso

KEY_COLUMNS = ("filename", "file", "path", "id")
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "published": ("published", "publication_date", "date"),
    "source": ("source", "publisher", "outlet"),
    "title": ("title",),
    "author": ("author", "byline"),
    "url": ("url", "link"),
}


class MetadataError(ValueError):
    """The metadata file cannot be used; the message names it and says why."""


def load_metadata(path: str | Path) -> dict[str, dict[str, str]]:
    """Rows keyed by file name and by file stem."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise MetadataError(f"{path}: cannot read metadata ({e.__class__.__name__})") from None
    first = text.split("\n", 1)[0]
    reader = csv.DictReader(text.splitlines(), delimiter="\t" if "\t" in first else ",")
    columns = {c.strip().lower(): c for c in reader.fieldnames or []}
    key = next((columns[c] for c in KEY_COLUMNS if c in columns), None)
    if key is None:
        raise MetadataError(f"{path}: no file-name column (one of {', '.join(KEY_COLUMNS)})")
    table: dict[str, dict[str, str]] = {}
    for row in reader:
        name = (row.get(key) or "").strip()
        if not name:
            continue
        values = {
            field: (row.get(columns[c]) or "").strip()
            for field, names in FIELD_COLUMNS.items()
            for c in names
            if c in columns and (row.get(columns[c]) or "").strip() not in ("", "None")
        }
        table[Path(name).name] = values
        table.setdefault(Path(name).stem, values)
    return table


METADATA_NAMES = ("metadata.tsv", "metadata.csv")


def discover_metadata(paths: list[str]) -> Path | None:
    """A metadata file kept with a corpus: metadata.tsv or .csv in a folder given (or the folder of
    a file given), or up to two folders above it (PolNeAR keeps it beside dev/ and train/), with a
    file-name column."""
    for raw in paths:
        folder = Path(raw) if Path(raw).is_dir() else Path(raw).parent
        if not Path(raw).exists():
            continue
        for place in [folder, *list(folder.resolve().parents)[:2]]:
            for name in METADATA_NAMES:
                candidate = place / name
                if candidate.is_file() and _has_key_column(candidate):
                    return candidate.resolve()
    return None


def _has_key_column(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8-sig") as f:
            first = f.readline()
    except (OSError, UnicodeDecodeError):
        return False
    columns = {c.strip().lower() for c in first.replace("\t", ",").split(",")}
    return bool(columns & {"filename", "file", "path"})


def apply_metadata(article: Article, table: dict[str, dict[str, str]]) -> Article:
    """The article with the metadata of its file filled in (unchanged if there is none)."""
    if not article.input_id:
        return article
    name = Path(article.input_id.split(":")[0]).name
    row = table.get(name) or table.get(Path(name).stem)
    if not row:
        return article
    changes: dict[str, object] = {f: row[f] for f in ("source", "title", "author", "url") if f in row}
    if "published" in row:
        parsed = parse_iso(row["published"])
        if isinstance(parsed, date):
            changes["published"] = parsed if type(parsed) is date else parsed.date()  # type: ignore[union-attr]
        else:
            article.warnings.append(f"metadata date {row['published']!r} is not a date; ignored")
    return replace(article, **changes)  # type: ignore[arg-type]
