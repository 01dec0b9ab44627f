"""Recognise the scraped byline block (``by``, author, ``|``, dateline, photo credits).

Scraped news text starts with this boilerplate, and HTML extraction leaks bits of it into the
body. The rules live here as data (word tables and regexes) so the text and HTML readers clean
bodies the same way and a new outlet's quirk is one table entry, not another branch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

# Words a dateline may carry besides its date and time: weekdays, "Updated", time zones.
DATELINE_WORDS: frozenset[str] = frozenset(
    word
    for group in (
        "monday tuesday wednesday thursday friday saturday sunday",
        "mon tue tues wed thu thur thurs fri sat sun",
        "updated published posted last modified on at t",
        "et est edt ct cst cdt mt mst mdt pt pst pdt gmt utc bst cet cest z",
    )
    for word in group.split()
)

# Date patterns, tried in order; each names its year, mon(th) and day groups.
DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\b(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b"),
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>[A-Za-z]{3,9})\.?,?\s+(?P<year>\d{4})\b"),
    re.compile(r"\b(?P<year>\d{4})-(?P<mon>\d{1,2})-(?P<day>\d{1,2})(?!\d)"),
    re.compile(r"\b(?P<mon>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})\b"),
)

# Times: "6:32 AM", "06:32", "6:32:05", "6 p.m.".
TIME_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"(?<![\d:])(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?(?:\s*(?P<ap>[ap])\.?\s?m\b\.?)?", re.I
    ),
    re.compile(r"(?<![\d:])(?P<h>\d{1,2})\s*(?P<ap>[ap])\.?\s?m\b\.?", re.I),
)

BY_LINE = re.compile(r"^by:?$", re.I)
BYLINE = re.compile(r"^by:?\s+(?P<name>\S.*)$", re.I)
SEPARATOR = re.compile(r"^[|•·—–-]+$")
NAME_WORD = re.compile(r"^(?:[A-Z][\w.'’-]*|[A-Z]\.)+,?$")
NAME_CONNECTORS: frozenset[str] = frozenset(
    {"and", "&", "de", "del", "van", "von", "der", "la", "le", "da", "di"}
)

# Photo-credit keywords (matched case-insensitively on word boundaries) and the "Name/Agency" shape.
CREDIT_KEYWORDS: tuple[str, ...] = (
    "getty images",
    "ap photo",
    "reuters",
    "afp",
    "filmmagic",
    "wireimage",
    "shutterstock",
    "epa",
    "courtesy",
    "photo:",
    "photos:",
    "credit:",
    "image:",
    "photo by",
    "photograph by",
)
CREDIT_KEYWORD = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, CREDIT_KEYWORDS)) + r")(?!\w)", re.I)
SLASH_CREDIT = re.compile(r"^[A-Z][\w.'’&-]*(?:\s+[\w.'’&-]+)*(?:\s*/\s*[A-Z][\w.'’&-]*(?:\s+[\w.'’&-]+)*)+$")
SENTENCE_END = (".", "!", "?", '"', "”", ";")
MAX_BLOCK_LINE = 100


@dataclass(frozen=True)
class Dateline:
    """A dateline's date and, when it states one, its time."""

    date: date
    time: time | None

    @property
    def datetime(self) -> datetime | None:
        return datetime.combine(self.date, self.time) if self.time else None


@dataclass
class Block:
    """What the leading byline block told us and where the body starts (a line index)."""

    author: str | None = None
    dateline: Dateline | None = None
    body_line: int = 0


def _number_or_month(value: str) -> int | None:
    return int(value) if value.isdigit() else MONTHS.get(value.lower().rstrip("."))


def parse_dateline(line: str) -> Dateline | None:
    """The date (and time) of a line that is nothing but a dateline, else None."""
    line = line.strip()
    if not line or len(line) > 80:
        return None
    for pattern in DATE_PATTERNS:
        found = next((m for m in pattern.finditer(line) if _number_or_month(m["mon"])), None)
        if found:
            break
    else:
        return None
    rest = line[: found.start()] + " " + line[found.end() :]
    when: time | None = None
    for pattern in TIME_PATTERNS:
        if clock := pattern.search(rest):
            parts = clock.groupdict()
            hour, minute, second = int(parts["h"]), int(parts.get("m") or 0), int(parts.get("s") or 0)
            if clock["ap"]:
                if not 1 <= hour <= 12:
                    return None
                hour = hour % 12 + (12 if clock["ap"].lower() == "p" else 0)
            if hour > 23 or minute > 59 or second > 59:
                return None
            when = time(hour, minute, second)
            rest = rest[: clock.start()] + " " + rest[clock.end() :]
            break
    leftover_words = re.findall(r"[a-z]+", rest.lower())
    if re.search(r"[^A-Za-z\s,.|:()\-–—/]", rest) or any(w not in DATELINE_WORDS for w in leftover_words):
        return None
    try:
        return Dateline(
            date(int(found["year"]), _number_or_month(found["mon"]) or 0, int(found["day"])), when
        )
    except ValueError:
        return None


def parse_iso(value: str) -> date | datetime | None:
    """An ISO date, or an ISO datetime made naive (the wall-clock time the outlet printed)."""
    value = value.strip()
    try:
        if len(value) <= 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        return None


def _short(line: str) -> bool:
    return 0 < len(line) <= MAX_BLOCK_LINE


def byline_author(line: str) -> str | None:
    """The name in a ``By Jane Doe`` line, or None when the line is prose ("By the way, ...")."""
    match = BYLINE.match(line.strip())
    if not match or not _short(line.strip()):
        return None
    name = match["name"].strip()
    words = name.split()
    if re.search(r"[!?;\"“”]", name):
        return None
    if len(words) > 12 or not all(NAME_WORD.match(w) or w.lower() in NAME_CONNECTORS for w in words):
        return None
    if name.endswith(".") and len(words[-1]) > 4:  # "Jr." and "J." may end a name, a sentence may not
        return None
    return name.rstrip(",")


def is_credit(line: str) -> bool:
    """A photo-credit line: short, no sentence punctuation, an agency keyword or a ``Name/Agency``."""
    line = line.strip()
    if not _short(line) or line.endswith(SENTENCE_END) or len(line.split()) > 10:
        return False
    return bool(CREDIT_KEYWORD.search(line) or SLASH_CREDIT.match(line))


def is_boilerplate(line: str) -> bool:
    """A byline, dateline, separator or photo-credit line (or ``|``-joined parts of them)."""
    if not (line := line.strip()) or SEPARATOR.match(line):
        return bool(line)
    parts = [p.strip() for p in line.split("|")]
    return all(
        not p or BY_LINE.match(p) or byline_author(p) or parse_dateline(p) or is_credit(p) for p in parts
    )


def block_facts(line: str) -> tuple[str | None, Dateline | None]:
    """The author and dateline a boilerplate line states, if any (parts may be ``|``-joined)."""
    parts = [p.strip() for p in line.split("|")]
    author = next((name for p in parts if (name := byline_author(p))), None)
    return author, next((found for p in parts if (found := parse_dateline(p))), None)


def read_block(lines: list[str], start: int = 0) -> Block:
    """Consume the byline block at ``lines[start:]``; blank lines inside it are skipped."""
    block = Block(body_line=start)
    i, expect_author = start, False
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        if expect_author:
            if not (byline_author("By " + line) or _short(line) and not line.endswith(SENTENCE_END)):
                break
            block.author, expect_author = line, False
        elif BY_LINE.match(line):
            expect_author = True
        elif is_boilerplate(line):
            named, dated = block_facts(line)
            block.author, block.dateline = block.author or named, block.dateline or dated
        else:
            break
        i += 1
        block.body_line = i
    return block
