"""Sums of money as news writes them: "$5 million" -> (5000000, "USD"), "£2.5bn", "3 million euros"."""

from __future__ import annotations

import re

_SYMBOLS = {"$": "USD", "US$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "C$": "CAD", "A$": "AUD"}
_WORDS = {
    "dollar": "USD", "dollars": "USD", "pound": "GBP", "pounds": "GBP", "euro": "EUR", "euros": "EUR",
    "yen": "JPY", "usd": "USD", "gbp": "GBP", "eur": "EUR",
}  # fmt: skip
_SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip
_MONEY = re.compile(
    r"(?P<symbol>US\$|C\$|A\$|[$£€¥])?\s*(?P<number>\d[\d,]*(?:\.\d+)?)\s*"
    r"(?P<scale>thousand|million|billion|trillion|mln|mn|bn|tn|k|m|b)?\b\s*"
    r"(?P<word>dollars?|pounds?|euros?|yen|USD|GBP|EUR)?",
    re.IGNORECASE,
)


def parse_money(text: str) -> tuple[int, str | None] | None:
    """The amount and ISO currency of the first sum in `text`, or None when there is no number."""
    for m in _MONEY.finditer(text):
        symbol, word = m["symbol"], (m["word"] or "").lower()
        if not (symbol or word or m["scale"]):
            continue
        try:
            number = float(m["number"].replace(",", ""))
        except ValueError:
            continue
        scale = _SCALES.get((m["scale"] or "").lower(), 1)
        currency = _SYMBOLS.get(symbol or "") or _WORDS.get(word)
        return round(number * scale), currency
    return None
