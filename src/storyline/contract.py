"""The JSON contract (docs/storyline-json.md, version 1): an Article as one JSON object.

Only additive changes: a field that is not known is null, never missing. A record's keys are its
dataclass fields in their order, both ways (`storyline.model` is the one declaration); only the
article's own header is written out here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import MISSING, fields, is_dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, get_args, get_origin

from storyline.model import (
    Article,
    Entity,
    Event,
    Quote,
    Relation,
    Timex,
    field_types,
    is_optional,
    plain_type,
)

VERSION = 1

# The article's lists of records, by their contract key, in the contract's order.
RECORDS: dict[str, type] = {
    "entities": Entity,
    "quotes": Quote,
    "timexes": Timex,
    "events": Event,
    "relations": Relation,
}


def to_dict(article: Article) -> dict:
    a = article
    return {
        "storyline": VERSION,
        "article": {
            "id": a.id,
            "input_id": a.input_id,
            "title": a.title,
            "author": a.author,
            "source": a.source,
            "url": a.url,
            "published": a.published.isoformat() if a.published else None,
            "published_datetime": a.published_datetime.strftime("%Y-%m-%dT%H:%M")
            if a.published_datetime
            else None,
            "fetched_at": a.fetched_at.isoformat() if a.fetched_at else None,
            "text": a.text,
            "language": a.language,
        },
        **{key: [record_dict(r, kind) for r in getattr(a, key)] for key, kind in RECORDS.items()},
    }


def to_json(article: Article) -> str:
    """One line of JSON Lines."""
    return json.dumps(to_dict(article), ensure_ascii=False)


def from_dict(data: dict) -> Article:
    """The Article a contract object describes: the inverse of to_dict (what `storyline load` needs)."""
    a = data["article"]
    article = Article(
        text=a["text"],
        title=a.get("title"),
        author=a.get("author"),
        source=a.get("source"),
        url=a.get("url"),
        published=date.fromisoformat(a["published"]) if a.get("published") else None,
        published_datetime=datetime.fromisoformat(a["published_datetime"])
        if a.get("published_datetime")
        else None,
        fetched_at=datetime.fromisoformat(a["fetched_at"]) if a.get("fetched_at") else None,
        input_id=a.get("input_id"),
        language=a.get("language"),
    )
    for key, kind in RECORDS.items():
        setattr(article, key, [record_from(kind, r) for r in data[key]])
    return article


# --- records, by their declaration ------------------------------------------------------------------

Encode = Callable[[Any], Any] | None  # None: the value as it is


def record_dict(record: object, kind: type, keys: tuple[str, ...] | None = None) -> dict:
    """A record as its contract object: its fields in order (only `keys` of them, when given)."""
    out = {}
    for name, fallback, encode in _writers(kind, keys):
        value = getattr(record, name) if fallback is MISSING else getattr(record, name, fallback)
        out[name] = value if encode is None else encode(value)
    return out


def record_from(kind: type, data: dict, nested: bool = False) -> Any:
    """The record a contract object describes. A key that is missing or null takes the field's
    default; a required one that is missing raises KeyError, except text in a nested record (an
    event's sentence is written without it)."""
    values = {}
    for name, default, null_is_default, text, decode in _readers(kind):
        value = data.get(name, MISSING)
        if value is MISSING:
            if default:
                continue
            if not (nested and text):
                raise KeyError(name)
            value = ""
        if value is None:
            if not null_is_default:
                values[name] = None
        else:
            values[name] = value if decode is None else decode(value)
    return kind(**values)


def _copy(value: Any) -> Any:
    """Lists and dicts copied, so that the JSON object shares nothing with the Article."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


@cache
def _writers(kind: type, keys: tuple[str, ...] | None) -> tuple[tuple[str, Any, Encode], ...]:
    """(name, the default read when the object lacks the field, how to encode) of each key."""
    out = []
    for f in fields(kind):
        if keys is not None and f.name not in keys:
            continue
        value = plain_type(field_types(kind)[f.name])
        item = get_args(value)[0] if get_origin(value) is list else None
        encode: Encode = None
        if is_dataclass(value):
            encode = _nested_writer(value, f.metadata.get("json"))
        elif is_dataclass(item):
            encode = _list_writer(item)
        elif get_origin(value) in (list, dict) or value in (list, dict):
            encode = _copy
        out.append((f.name, f.default, encode))
    return tuple(out)


def _nested_writer(kind: Any, keys: tuple[str, ...] | None) -> Callable[[Any], Any]:
    return lambda v: None if v is None else record_dict(v, kind, keys)


def _list_writer(kind: Any) -> Callable[[Any], Any]:
    return lambda vs: [record_dict(v, kind) for v in vs]


@cache
def _readers(kind: type) -> tuple[tuple[str, bool, bool, bool, Encode], ...]:
    """(name, has a default, null means the default, is text, how to decode) of each field."""
    out = []
    for f in fields(kind):
        declared = field_types(kind)[f.name]
        value = plain_type(declared)
        item = get_args(value)[0] if get_origin(value) is list else None
        decode: Encode = None
        if is_dataclass(value):
            decode = _nested_reader(value)
        elif is_dataclass(item):
            decode = _list_reader(item)
        elif get_origin(value) is list:
            decode = list
        has_default = f.default is not MISSING or f.default_factory is not MISSING
        out.append((f.name, has_default, has_default and not is_optional(declared), value is str, decode))
    return tuple(out)


def _nested_reader(kind: Any) -> Callable[[Any], Any]:
    return lambda d: record_from(kind, d, nested=True)


def _list_reader(kind: Any) -> Callable[[Any], Any]:
    return lambda ds: [record_from(kind, d, nested=True) for d in ds]
