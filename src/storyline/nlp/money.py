"""Sums of money as news writes them: "$5 million" -> (5000000, "USD"), "£2.5bn", "3 million euros"."""

from __future__ import annotations

import re
from functools import cache

from storyline.nlp import lexicon


@cache
def _words(kind: str) -> dict[str, str]:
    """Written form -> value of one kind of rules/money.tsv ("symbol", "currency", "scale")."""
    return {form: value for k, form, value in lexicon.table("money.tsv") if k == kind}


def _alternation(forms: dict[str, str]) -> str:
    """The forms as a regex alternation, longest first ("mln" before "m")."""
    return "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f)))


@cache
def _money() -> re.Pattern[str]:
    return re.compile(
        rf"(?P<symbol>{_alternation(_words('symbol'))})?\s*(?P<number>\d[\d,]*(?:\.\d+)?)\s*"
        rf"(?P<scale>{_alternation(_words('scale'))})?\b\s*"
        rf"(?P<word>{_alternation(_words('currency'))})?",
        re.IGNORECASE,
    )


def parse_money(text: str) -> tuple[int, str | None] | None:
    """The amount and ISO currency of the first sum in `text`, or None when there is no number."""
    for m in _money().finditer(text):
        symbol, word = m["symbol"], (m["word"] or "").lower()
        if not (symbol or word or m["scale"]):
            continue
        try:
            number = float(m["number"].replace(",", ""))
        except ValueError:
            continue
        scale = float(_words("scale").get((m["scale"] or "").lower(), 1))
        currency = _words("symbol").get(symbol or "") or _words("currency").get(word)
        return round(number * scale), currency
    return None
