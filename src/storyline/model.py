"""The data model every stage shares: an Article and what extraction finds in it.

Plain typed dataclasses, so that readers, the NLP stage, the store and the CLI agree on one shape
without importing each other. They are also the one declaration of each record's fields: the JSON
contract (`storyline.contract`, both ways), the store's rows (`storyline.store.writer`) and the
Parquet tables (`storyline.scale.parquet`) are derived from `fields()`, with the few differences
declared per field by `declare` (a column named otherwise, a field a table leaves out).
`tests/test_record_fields.py` checks what cannot be derived: the store's SQL, the contract's doc.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import date, datetime
from functools import cache
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

# A lone UTF-16 surrogate (JSON's "\ud800", a file name's undecodable byte) is a str that UTF-8,
# and so sqlite and the article id, cannot encode. The fields that may hold one, as warnings name them.
_SURROGATE = re.compile("[\ud800-\udfff]")
TEXT_FIELDS = {
    "text": "text",
    "title": "title",
    "author": "author",
    "source": "source",
    "url": "url",
    "input_id": "id",
}


def declare(
    default: Any = MISSING,
    *,
    default_factory: Any = MISSING,
    store: str | None = "",
    parquet: str | None = "",
    json: tuple[str, ...] | None = None,
) -> Any:
    """A record field that differs from the rule: `store` / `parquet` name its column in that table
    ("" for the field's own name, None when the table leaves it out), `json` the keys the contract
    writes of a nested record (all of them when None)."""
    metadata = {"store": store, "parquet": parquet, "json": json}
    return field(default=default, default_factory=default_factory, metadata=metadata)


@dataclass(frozen=True)
class Column:
    """A table column that a record's field fills: the field, or one part of a nested record
    (`time` is `time_value`, `time_granularity`, `time_mod`)."""

    name: str
    field: str
    part: str | None
    type: Any  # the value's annotation without None: str, int, float, list[str], dict[str, object]

    def value(self, record: object) -> Any:
        value = getattr(record, self.field)
        return value if self.part is None or value is None else getattr(value, self.part)


def plain_type(annotation: Any) -> Any:
    """An annotation without its None: `Span | None` is Span."""
    if get_origin(annotation) in (Union, UnionType):
        (annotation,) = [a for a in get_args(annotation) if a is not type(None)]
    return annotation


def is_optional(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, UnionType) and type(None) in get_args(annotation)


@cache
def field_types(record: type) -> dict[str, Any]:
    """A dataclass's resolved annotations (the module is written with postponed annotations)."""
    return get_type_hints(record)


@cache
def columns(record: type, table: str) -> tuple[Column, ...]:
    """The columns of a record in `table` ("store" or "parquet"), in field order. A nested record
    is spread over one column per part (`FLAT_PARTS`), named after the field and the part."""
    out = []
    types = field_types(record)
    for f in fields(record):
        name = f.metadata.get(table, "")
        if name is None:
            continue
        name, kind = name or f.name, plain_type(types[f.name])
        if is_dataclass(kind):
            parts = field_types(kind)
            out += [Column(f"{name}_{p}", f.name, p, plain_type(parts[p])) for p in FLAT_PARTS[kind]]
        else:
            out.append(Column(name, f.name, None, kind))
    return tuple(out)


@dataclass(frozen=True)
class Span:
    """A stretch of `Article.text`: character offsets and the text they cover."""

    start: int
    end: int
    text: str


MENTION_KINDS = ("name", "description", "pronoun")


@dataclass(frozen=True)
class Mention(Span):
    """A stretch of text that refers to an entity, and how: by name, by description, by pronoun."""

    kind: str = declare("name", parquet=None)  # one of MENTION_KINDS


@dataclass
class Entity:
    """A person, organisation, place or work, with every way the article refers to it."""

    id: str = declare(store="local_id", parquet="entity")
    name: str
    type: str  # PERSON | ORG | GPE | NORP | WORK | OTHER
    aliases: list[str] = field(default_factory=list)
    # names, descriptions and pronouns, in text order (Parquet: a table of their own)
    mentions: list[Mention] = declare(default_factory=list, parquet=None)
    gender: str | None = None  # "f" | "m" | None: what pronoun resolution needs


@dataclass(frozen=True)
class TimeValue:
    value: str
    granularity: str
    mod: str | None = None  # "BEFORE" / "AFTER": a bound, not the time itself ("before 2018-01-26")


# The parts a nested record is spread over in a table: a span's text is the article's, at its offsets.
FLAT_PARTS: dict[type, tuple[str, ...]] = {Span: ("start", "end"), TimeValue: ("value", "granularity", "mod")}


@dataclass(frozen=True)
class Claim:
    """What a statement's own clause asserts or denies of a person: "he never raised his voice" is
    (the man, "shout", negated). The contradictions query pairs an affirmed claim with a negated one."""

    subject: str  # entity id
    predicate: str  # the verb's lemma, or its key in rules/claims.tsv: "shout", "be in room"
    negated: bool
    start: int  # the clause's verb, as char offsets
    end: int


@dataclass(frozen=True)
class ThingClaim:
    """What a statement's own clause asserts or denies of a checkable thing, not a person: "The logs
    were fake" and "denies that any safety records were altered" are ("record", "falsify"), affirmed
    and negated. Records are no entity, so a claim of one is kept apart from the claims of people."""

    thing: str  # the thing's class key in rules/claims.tsv: "record" (records, logs, entries)
    predicate: str  # the act's key in rules/claims.tsv: "falsify" (altered, fabricated, fake)
    negated: bool
    start: int  # the clause's verb, as char offsets
    end: int


@dataclass
class Quote:
    """One attributed statement: a direct or partial quotation, or indirect speech."""

    id: str = declare(store="local_id")
    text: str
    start: int
    end: int
    kind: str  # direct | partial | indirect
    speaker: str | None = declare(None, store="speaker_local")  # entity id
    speaker_name: str | None = None
    speaker_mention: Span | None = declare(None, store=None, parquet=None)
    cue: str | None = None
    cue_span: Span | None = declare(None, store=None, parquet=None)
    channel: str | None = None  # a named outlet or platform: "Instagram", "E! News"
    medium: str | None = None  # the form of the statement: "statement", "post", "interview"
    time: TimeValue | None = None
    confidence: float = 0.0
    within: str | None = None  # the id of the quote this one lies in (same speaker): one statement
    claims: list[Claim] = declare(default_factory=list, store=None, parquet=None)  # table claims
    thing_claims: list[ThingClaim] = declare(default_factory=list, store=None, parquet=None)  # a table


@dataclass
class Timex:
    id: str = declare(store="local_id")
    text: str
    start: int
    end: int
    type: str
    value: str
    mod: str | None = None
    anchor: str | None = None


@dataclass
class Event:
    id: str = declare(store="local_id")
    type: str
    trigger: str
    start: int
    end: int
    sentence: Span = declare(json=("start", "end"))  # its text is the article's
    time: TimeValue | None = None
    args: dict[str, object] = field(default_factory=dict)
    quotes: list[str] = declare(default_factory=list, parquet=None)
    confidence: float = 0.0
    modality: str = "asserted"  # asserted | negated ("did not resign") | hedged ("may resign")


@dataclass
class Relation:
    id: str = declare(store="local_id")
    type: str
    head: str = declare(store="head_local")
    tail: str = declare(store="tail_local")
    start: str | None = declare(None, store="start_value")
    end: str | None = declare(None, store="end_value")
    evidence: Span | None = None
    confidence: float = 0.0


@dataclass(frozen=True)
class ExtractionFailure:
    """Why extraction gave up on an article (its time budget spent, a stage's crash). Typed, so that
    ingest, the CLI and the Parquet writer test `article.failure` rather than search the warnings;
    str() is the line a person reads, which the article's warnings also carry."""

    reason: str

    def __str__(self) -> str:
        return f"extraction failed ({self.reason})"


@dataclass
class Article:
    """One news article: its metadata, its cleaned body text, and what was extracted from it."""

    text: str
    title: str | None = None
    author: str | None = None
    source: str | None = None
    url: str | None = None
    published: date | None = None
    published_datetime: datetime | None = None
    input_id: str | None = None
    fetched_at: datetime | None = None  # fetched from the web then (provenance; its URL versions it)
    language: str | None = None  # ISO 639-1, detected at extraction (storyline.nlp.language)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failure: ExtractionFailure | None = None  # set by extraction when it gave up; then nothing was found

    def __post_init__(self) -> None:
        """Replace lone surrogates by U+FFFD, with a warning: an article must be storable whoever
        made it."""
        fixed = []
        for name, called in TEXT_FIELDS.items():
            value = getattr(self, name)
            if isinstance(value, str) and not value.isascii() and _SURROGATE.search(value):
                setattr(self, name, _SURROGATE.sub("\ufffd", value))
                fixed.append(called)
        if fixed:
            self.warnings = [*self.warnings, f"lone surrogates in {', '.join(fixed)} replaced with U+FFFD"]

    @property
    def id(self) -> str:
        """sha256 of the cleaned body: the same story text is the same article."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def entity(self, entity_id: str | None) -> Entity | None:
        return next((e for e in self.entities if e.id == entity_id), None)


@dataclass(frozen=True)
class ReadError:
    """An input that could not be read, and why: reported, never raised, so a batch goes on."""

    input: str
    reason: str

    def __str__(self) -> str:
        return f"{self.input}: {self.reason}"


@dataclass
class ReadCounts:
    """What a reader of archives (WARC) went through besides articles and errors: records and bytes
    read (progress on a multi-gigabyte file) and the records left out on purpose, by why.

    Filled in place as the reader goes, so a progress line and the ingest summary can show it.
    """

    records: int = 0
    bytes: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, why: str, n: int = 1) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + n

    def add(self, other: ReadCounts) -> None:
        """Another reader's counts (a Dask worker's) added to these."""
        self.records += other.records
        self.bytes += other.bytes
        for why, n in other.skipped.items():
            self.skip(why, n)

    def summary(self) -> str:
        """'1,204 records skipped (600 request, 580 metadata, 24 not HTML)', or '' when none were."""
        if not self.skipped:
            return ""
        kinds = ", ".join(f"{n:,} {why}" for why, n in sorted(self.skipped.items(), key=lambda kv: -kv[1]))
        return f"{sum(self.skipped.values()):,} records skipped ({kinds})"
