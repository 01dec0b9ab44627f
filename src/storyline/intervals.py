"""The calendar interval a TIMEX3 value covers, and its granularity: what lets a timeline sort
"1998", "2017-11" and "2018-01-25" on one axis and draw the fuzzy ones as ranges.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

_SEASONS = {"WI": (1, 2), "SP": (3, 5), "SU": (6, 8), "FA": (9, 11)}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def interval(value: str | None) -> tuple[date, date] | None:
    """First and last day of the value, or None for durations, references and the unknown."""
    if not value:
        return None
    v = value.split("T")[0]
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", v):
            d = date(int(m[1]), int(m[2]), int(m[3]))
            return d, d
        if m := re.fullmatch(r"(\d{4})-(\d{2})", v):
            y, mo = int(m[1]), int(m[2])
            return date(y, mo, 1), _month_end(y, mo)
        if m := re.fullmatch(r"(\d{4})-W(\d{1,2})(?:-WE)?", v):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return monday, monday + timedelta(days=6)
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", v):
            y, q = int(m[1]), int(m[2])
            return date(y, 3 * q - 2, 1), _month_end(y, 3 * q)
        if m := re.fullmatch(r"(\d{4})-H([12])", v):
            y, h = int(m[1]), int(m[2])
            return date(y, 6 * h - 5, 1), _month_end(y, 6 * h)
        if m := re.fullmatch(r"(\d{4})-(WI|SP|SU|FA)", v):
            y, (first, last) = int(m[1]), _SEASONS[m[2]]
            return date(y, first, 1), _month_end(y, last)
        if m := re.fullmatch(r"(?:FY)?(\d{4})", v):
            y = int(m[1])
            return date(y, 1, 1), date(y, 12, 31)
        if m := re.fullmatch(r"(\d{3})X?", v):
            y = int(m[1]) * 10
            return date(max(y, 1), 1, 1), date(y + 9, 12, 31)
        if m := re.fullmatch(r"(\d{2})X{0,2}", v):
            y = int(m[1]) * 100
            return date(max(y, 1), 1, 1), date(y + 99, 12, 31)
    except ValueError:  # an impossible date ("2017-02-30", week 54) is not a place on the axis
        return None
    return None


def granularity(value: str) -> str:
    """The precision of a TIMEX3 value: what a timeline needs to sort and draw it."""
    if value.endswith("_REF"):
        return "ref"
    if value.startswith("P"):
        return "duration"
    if "T" in value:
        return "time"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return "day"
    if "-W" in value:
        return "week"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return "month"
    if "-Q" in value or "-H" in value:
        return "quarter"
    if re.fullmatch(r"\d{4}-(SP|SU|FA|WI)", value):
        return "season"
    if re.fullmatch(r"\d{4}", value) or value.startswith("FY"):
        return "year"
    if re.fullmatch(r"\d{3}X?", value):
        return "decade"
    if re.fullmatch(r"\d{2}", value):
        return "century"
    return "other"


# ---------------------------------------------------------------- the granularity vocabulary
# Every name `granularity` gives, finest first: the calendar points, then what is not one.
GRANULARITIES = (
    "time", "day", "week", "month", "quarter", "season", "year", "decade", "century",
    "duration", "ref", "other",
)  # fmt: skip
# a point or period on the calendar: what can date an event
POINTS = frozenset(GRANULARITIES[: GRANULARITIES.index("century") + 1])
# what later anaphora ("the next day", "a year earlier", "the quarter") are resolved against
ANCHORS = POINTS - {"season", "decade", "century"}
# what can date a statement: an anchor, or a season ("she said last summer")
DATING = ANCHORS | {"season"}
# the periods a timeline shows a quote's reference to the past at ("back in 2019", "in the 1990s")
PERIODS = POINTS - {"time", "century"}
# coarser than a week: the period that holds an anchor holds what came shortly after it
COARSE = POINTS - {"time", "day", "week"}
# plain dates: moved by days, months and years, and the start or end of a relation
DATES = frozenset({"day", "month", "year"})
# values that begin with their calendar year (a week's year is the ISO year, a decade has none)
YEAR_LED = POINTS - {"week", "decade", "century"}
