"""The words and patterns of time, as the rule tables give them, compiled once.

rules/time_words.tsv holds the words (months, units, holidays, mods, ...), rules/time_patterns.tsv
the expressions; an expression names a word class or a fragment as {NAME}, filled in here.
"""

from __future__ import annotations

import re
from functools import cache

from storyline.nlp import lexicon

PATTERNS = "time_patterns.tsv"
_PLACEHOLDER = re.compile(r"\{([A-Z]+)\}")


@cache
def words() -> lexicon.ValuedWords:
    return lexicon.valued_words("time_words.tsv")


def title_forms(table: dict[str, str], dotted: bool) -> list[str]:
    """Month and weekday names are proper nouns: matched capitalised ("March", "Thu."), never "may".

    Each alternative carries its own ending. With `dotted`, an abbreviation needs its dot ("Sun" is
    a newspaper, "Sun." a Sunday); without, "Jan 25" is allowed too."""
    full = {w for w in table if not w.endswith(".") and not any(v.startswith(w) and v != w for v in table)}
    abbr = {w.rstrip(".") for w in table} - full
    forms = [re.escape(w.title()) + r"\b" for w in full] + [
        re.escape(w.upper()) + r"\b" for w in full if len(w) > 3
    ]
    forms += [re.escape(a.title()) + (r"\." if dotted else r"\b\.?") for a in abbr]
    return sorted(forms, key=len, reverse=True)


def _fill(expression: str, values: dict[str, str]) -> str:
    def value(m: re.Match[str]) -> str:
        if m[1] not in values:
            raise ValueError(f"rules/{PATTERNS}: {{{m[1]}}} is neither a word class nor a fragment above it")
        return values[m[1]]

    return _PLACEHOLDER.sub(value, expression)


@cache
def _values() -> dict[str, str]:
    """{NAME} -> expression: the word classes, then the table's fragments in their order."""
    w = words()
    numbers = sorted(set(w.tables["number"]) - {"a", "an"}, key=len, reverse=True)
    values = {kind.upper(): w.alt(kind) for kind in w.tables}  # {UNIT}: "centuries|quarters|..."
    values |= {
        "MONTH": rf"(?-i:{'|'.join(title_forms(w.tables['month'], dotted=True))})",
        "MONTHD": rf"(?-i:{'|'.join(title_forms(w.tables['month'], dotted=False))})",
        "WEEKDAY": rf"(?-i:{'|'.join(title_forms(w.tables['weekday'], dotted=True))})",
        "NUMBER": "|".join(re.escape(x) for x in numbers),
    }
    for kind, name, expression in lexicon.patterns(PATTERNS):
        if kind == "fragment":
            values[name] = _fill(expression, values)
    return values


@cache
def rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(normaliser, pattern) of every rule, in priority order; matched ignoring case."""
    return tuple(
        (name, re.compile(_fill(expression, _values()), re.IGNORECASE))
        for kind, name, expression in lexicon.patterns(PATTERNS)
        if kind == "rule"
    )


@cache
def context(name: str) -> re.Pattern[str]:
    """A pattern a normaliser looks for around its match, compiled as written."""
    for kind, key, expression in lexicon.patterns(PATTERNS):
        if kind == "context" and key == name:
            return re.compile(_fill(expression, _values()))
    raise KeyError(f"rules/{PATTERNS} has no context pattern {name!r}")
