"""TIMEX3 values in words for people: "11 Mar 2025, night", "spring 2015", "week of 3 Mar 2025",
"before 15 Apr 2025", "1970s", "more than 25 years", "now".

The store, the contract and every JSON `value` keep the TimeML codes, which machines sort and
compare; what a reader sees (the CLI's text, the API's `label` fields, the pages) comes from
`label`, the one vocabulary for people. Locale-neutral English: day before month, abbreviated
months, 24-hour clock. `label` never raises and never shows a raw code: a value it cannot read
comes out as itself only when it is a plain ISO date-like string ("2025-13-45"), else as
UNCLEAR.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

UNDATED = "undated"  # no value and no day at all
UNCLEAR = "unclear date"  # a value that cannot be read
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SEASONS = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}
PARTS_OF_DAY = {
    "MO": "morning",
    "MI": "midday",
    "AF": "afternoon",
    "EV": "evening",
    "NI": "night",
    "DT": "daytime",
}
AT_PART_OF_DAY = {"MO": "in the morning", "MI": "at midday", "AF": "in the afternoon", "EV": "in the evening",
                  "NI": "at night", "DT": "during the day"}  # fmt: skip
REFERENCES = {"PRESENT_REF": "now", "PAST_REF": "in the past", "FUTURE_REF": "in the future"}
# duration units: (singular, plural); the time part of a duration (after T) reads M as minutes
UNITS = {
    "Y": ("year", "years"), "M": ("month", "months"), "W": ("week", "weeks"), "D": ("day", "days"),
    "DE": ("decade", "decades"), "CE": ("century", "centuries"), "ML": ("millennium", "millennia"),
    "Q": ("quarter", "quarters"), "WE": ("weekend", "weekends"), "H": ("hour", "hours"),
    "MIN": ("minute", "minutes"), "S": ("second", "seconds"),
}  # fmt: skip
# a bound: the time lies on one side of the value
BOUNDS = {"BEFORE": "before", "AFTER": "after", "ON_OR_BEFORE": "by", "ON_OR_AFTER": "on or after"}
# an amount: how long, against the duration given
AMOUNTS = {"MORE_THAN": "more than", "LESS_THAN": "less than", "EQUAL_OR_MORE": "at least",
           "EQUAL_OR_LESS": "at most", "APPROX": "about"}  # fmt: skip
# the same comparisons said of a point in time ("nearly 2016" is before it)
POINT_AMOUNTS = {"MORE_THAN": "after", "LESS_THAN": "before", "EQUAL_OR_MORE": "on or after",
                 "EQUAL_OR_LESS": "by", "APPROX": "about"}  # fmt: skip
# a part of a period: a prefix for the coarse periods ("early 2016"), a phrase for the others
PART_PREFIX = {"START": "early ", "MID": "mid-", "END": "late "}
PART_PHRASE = {"START": "the start of ", "MID": "the middle of ", "END": "the end of "}
PART_OF_A_DAY = {"START": "early on ", "MID": "midday on ", "END": "late on "}
_PREFIXED = frozenset({"year", "month", "season", "decade", "century", "millennium"})

_ISO_LIKE = re.compile(r"\d{1,4}(?:-\d{1,2}){0,2}")
_CLOCK = re.compile(r"(\d{1,2})(?::?(\d{2}))?(?::?(\d{2})(?:[.,]\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?|X)(DE|CE|ML|WE|Y|Q|M|W|D|H|S)")


def label(
    value: str | None, mod: str | None = None, start: str | None = None, *, kind: str | None = None
) -> str:
    """How a time reads for people.

    `value` is a TIMEX3 value, `mod` its TimeML mod (a bound such as BEFORE, a part such as
    START, an amount such as MORE_THAN), `start` the first day of the time when the value gives
    none (a fact dated only by its article: `by 26 Jan 2018`), `kind` the timex type (a SET
    reads as a recurrence: "every week")."""
    try:
        return _label(value or None, mod or None, start or None, kind or None)
    except Exception:  # never raise: a reader gets words, not a traceback
        return _fallback(value) if isinstance(value, str) else UNDATED


@lru_cache(maxsize=8192)
def _label(value: str | None, mod: str | None, start: str | None, kind: str | None) -> str:
    if value is None:
        if start is None:
            return UNDATED
        value = start
    reading = _read(value.strip().upper(), kind == "SET")
    if reading is None:
        return _label(start, mod, None, None) if start and start != value else _fallback(value)
    text, shape = reading
    return _with_mod(text, shape, mod)


def _with_mod(text: str, shape: str, mod: str | None) -> str:
    if mod is None or shape in {"ref", "set"}:
        return text
    if shape == "duration":
        return f"{AMOUNTS[mod]} {text}" if mod in AMOUNTS else text
    if mod in BOUNDS:
        return f"{BOUNDS[mod]} {_the(text)}"
    if mod in POINT_AMOUNTS:
        return f"{POINT_AMOUNTS[mod]} {_the(text)}"
    if mod in PART_PREFIX and shape != "time":
        if shape in _PREFIXED:
            return PART_PREFIX[mod] + text
        return PART_OF_A_DAY[mod] + text if shape == "day" else PART_PHRASE[mod] + _the(text)
    return text  # a mod with no words (or a part of a clock time): the time itself


def _the(text: str) -> str:
    """ "week of 3 Mar 2025" after a word: "before the week of 3 Mar 2025"."""
    return "the " + text if text.startswith(("week of", "weekend of", "first half", "second half")) else text


def _fallback(value: str | None) -> str:
    value = (value or "").strip()
    return value if _ISO_LIKE.fullmatch(value) else UNCLEAR


def day(d: date) -> str:
    """ "3 Mar 2025": the day without a leading zero, the month abbreviated."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _year(y: int) -> str:
    return str(y) if y >= 1000 else f"year {y}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ---------------------------------------------------------------- reading a value
def _read(v: str, recurring: bool) -> tuple[str, str] | None:
    """(the words, the shape) of a value, or None when it cannot be read."""
    if v in REFERENCES:
        return REFERENCES[v], "ref"
    if v.startswith("P"):
        amount = _duration(v)
        if amount is None:
            return None
        return (_every(amount), "set") if recurring else (amount, "duration")
    if "T" in v:
        return _timed(v)
    found = _point(v)
    if found is not None and recurring and found[1] == "weekday":
        return f"every {found[0]}", "set"
    return found


def _timed(v: str) -> tuple[str, str] | None:
    """A day (or week) with a part of the day or a clock time: "11 Mar 2025, night"."""
    base, _, clock = v.partition("T")
    when = PARTS_OF_DAY.get(clock) or _clock(clock)
    if when is None:
        return _point(base)  # "2025-03-11TXX": only the day is known
    found = _point(base) if base else None
    if found is None:  # "XXXX-XX-XXTNI": only the time of day is known
        return (AT_PART_OF_DAY[clock] if clock in PARTS_OF_DAY else f"at {when}"), "time"
    return f"{found[0]}, {when}", "time"


def _clock(text: str) -> str | None:
    m = _CLOCK.fullmatch(text)
    if m is None:
        return None
    h, mi, s = int(m[1]), int(m[2] or 0), m[3]
    if h > 24 or mi > 59 or (s and int(s) > 59) or (h == 24 and (mi or (s and int(s)))):
        return None
    shown = "midnight" if h == 24 else f"{h:02d}:{mi:02d}" + (f":{s}" if s and int(s) else "")
    zone = m[4]
    if zone == "Z":
        shown += " UTC"
    elif zone:
        hh, mm = zone[1:3], zone[3:].lstrip(":") or "00"
        if int(hh) > 14 or int(mm) > 59:
            return None
        shown += f" UTC{zone[0]}{hh}:{mm}"
    return shown


def _duration(v: str) -> str | None:
    """ "P25Y" -> "25 years", "PXDE" -> "several decades", "PT2H30M" -> "2 hours and 30 minutes"."""
    body, _, clock = v[1:].partition("T")
    parts: list[str] = []
    for text, time_part in ((body, False), (clock, True)):
        at = 0
        for m in _DURATION_PART.finditer(text):
            if m.start() != at:
                return None
            at = m.end()
            unit = "MIN" if time_part and m[2] == "M" else m[2]
            if time_part != (unit in {"H", "MIN", "S"}):
                return None  # hours before the T, years after it
            parts.append(_amount(m[1], *UNITS[unit]))
        if at != len(text):
            return None
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _amount(n: str, one: str, many: str) -> str:
    if n == "X":
        return f"several {many}"
    number = float(n)
    shown = str(int(number)) if number == int(number) else n
    return f"{shown} {one if number == 1 else many}"


def _every(amount: str) -> str:
    """A SET: "P1W" -> "every week", "P2D" -> "every 2 days", "PXY" -> "every few years"."""
    if amount.startswith("1 ") and " and " not in amount:
        return "every " + amount[2:]
    if amount.startswith("several "):
        return "every few " + amount[len("several ") :]
    return "every " + amount


def _point(v: str) -> tuple[str, str] | None:
    """A calendar date, or a part of one, in words with its shape (day, week, month, ...)."""
    if m := re.fullmatch(r"FY(\d{4})(?:-(Q[1-4]|H[12]))?", v):  # a fiscal year, or a part of one
        if m[2] is None:
            return f"fiscal {m[1]}", "year"
        text, shape = _period_of("XXXX", m[2])
        return (
            f"{text.removesuffix(' of a year')} of fiscal {m[1]}"
            if shape == "half"
            else f"{text} of fiscal {m[1]}",
            shape,
        )
    if m := re.fullmatch(r"(\d{4}|XXXX)-(\d{2}|XX)-(\d{2}|XX)", v):
        return _day_of(m[1], m[2], m[3])
    if m := re.fullmatch(r"(\d{4}|XXXX)-(\d{2}|XX)", v):
        return _month_of(m[1], m[2])
    if m := re.fullmatch(r"(\d{4}|XXXX)-W(\d{1,2}|XX)(?:-(WE|[1-7]))?", v):
        return _week_of(m[1], m[2], m[3])
    if m := re.fullmatch(r"(\d{4}|XXXX)-(Q[1-4]|H[12]|SP|SU|FA|WI)", v):
        return _period_of(m[1], m[2])
    if re.fullmatch(r"\d{4}", v):
        return _year(int(v)), "year"
    if m := re.fullmatch(r"(\d{3})X?", v):
        return f"{int(m[1]) * 10}s", "decade"
    if m := re.fullmatch(r"(\d{2})(?:XX)?", v):
        return f"{_ordinal(int(m[1]) + 1)} century", "century"
    if m := re.fullmatch(r"(\d)XXX", v):
        return f"{_ordinal(int(m[1]) + 1)} millennium", "millennium"
    return None


def _day_of(y: str, mo: str, d: str) -> tuple[str, str] | None:
    if d == "XX":
        return _month_of(y, mo)
    if mo == "XX":
        return None  # a day of an unknown month: nothing a reader can place
    month, dd = int(mo), int(d)
    if y == "XXXX":
        if not 1 <= month <= 12 or not 1 <= dd <= 31:
            return None
        return f"{dd} {MONTHS[month - 1]}", "day"
    try:
        return day(date(int(y), month, dd)), "day"
    except ValueError:  # "2025-02-30": no such day
        return None


def _month_of(y: str, mo: str) -> tuple[str, str] | None:
    if mo == "XX":
        return (_year(int(y)), "year") if y != "XXXX" else None
    month = int(mo)
    if not 1 <= month <= 12:
        return None
    return (MONTHS[month - 1] if y == "XXXX" else f"{MONTHS[month - 1]} {_year(int(y))}"), "month"


def _week_of(y: str, w: str, rest: str | None) -> tuple[str, str] | None:
    if y == "XXXX" or w == "XX":
        if rest and rest.isdigit():
            return WEEKDAYS[int(rest) - 1], "weekday"  # "XXXX-WXX-1": a Monday
        if rest == "WE":
            return "a weekend" + ("" if y == "XXXX" else f" in {_year(int(y))}"), "week"
        return ("a week" + ("" if y == "XXXX" else f" in {_year(int(y))}")), "week"
    year, week = int(y), int(w)
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        return (f"week {week} of {_year(year)}", "week") if 1 <= week <= 53 else None
    if rest == "WE":
        return f"weekend of {day(monday + timedelta(days=5))}", "week"
    if rest:
        return day(monday + timedelta(days=int(rest) - 1)), "day"
    return f"week of {day(monday)}", "week"


def _period_of(y: str, code: str) -> tuple[str, str]:
    year = "" if y == "XXXX" else " " + _year(int(y))
    if code in SEASONS:
        return SEASONS[code] + year, "season"
    if code.startswith("Q"):
        return code + year, "quarter"
    half = "first" if code == "H1" else "second"
    return f"{half} half" + (f" of{year}" if year else " of a year"), "half"
