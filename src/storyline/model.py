"""The data model every stage shares: an Article and what extraction finds in it.

Plain typed dataclasses, so that readers, the NLP stage, the store and the CLI agree on one shape
without importing each other. `storyline.contract` turns an Article into the JSON contract.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime

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

    kind: str = "name"  # one of MENTION_KINDS


@dataclass
class Entity:
    """A person, organisation, place or work, with every way the article refers to it."""

    id: str
    name: str
    type: str  # PERSON | ORG | GPE | NORP | WORK | OTHER
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)  # names, descriptions and pronouns, in text order
    gender: str | None = None  # "f" | "m" | None: what pronoun resolution needs


@dataclass(frozen=True)
class TimeValue:
    value: str
    granularity: str
    mod: str | None = None  # "BEFORE" / "AFTER": a bound, not the time itself ("before 2018-01-26")


@dataclass
class Quote:
    """One attributed statement: a direct or partial quotation, or indirect speech."""

    id: str
    text: str
    start: int
    end: int
    kind: str  # direct | partial | indirect
    speaker: str | None = None  # entity id
    speaker_name: str | None = None
    speaker_mention: Span | None = None
    cue: str | None = None
    cue_span: Span | None = None
    channel: str | None = None  # a named outlet or platform: "Instagram", "E! News"
    medium: str | None = None  # the form of the statement: "statement", "post", "interview"
    time: TimeValue | None = None
    confidence: float = 0.0
    within: str | None = None  # the id of the quote this one lies in (same speaker): one statement


@dataclass
class Timex:
    id: str
    text: str
    start: int
    end: int
    type: str
    value: str
    mod: str | None = None
    anchor: str | None = None


@dataclass
class Event:
    id: str
    type: str
    trigger: str
    start: int
    end: int
    sentence: Span
    time: TimeValue | None = None
    args: dict[str, object] = field(default_factory=dict)
    quotes: list[str] = field(default_factory=list)
    confidence: float = 0.0
    modality: str = "asserted"  # asserted | negated ("did not resign") | hedged ("may resign")


@dataclass
class Relation:
    id: str
    type: str
    head: str
    tail: str
    start: str | None = None
    end: str | None = None
    evidence: Span | None = None
    confidence: float = 0.0


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
    language: str | None = None  # ISO 639-1, detected at extraction (storyline.nlp.language)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

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
