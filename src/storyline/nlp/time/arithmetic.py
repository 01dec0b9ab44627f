"""Calendar arithmetic on TIMEX3 values: writing them, moving them, and choosing which year a
month, a day or a holiday without one falls in.

A value's granularity and the days it covers are `storyline.intervals`, the one vocabulary of
granularities, which the store and the queries use too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from storyline.intervals import DATES, YEAR_LED, granularity

# A date without a year this close to the publication date is the nearest one, whatever the
# tense: "was extended to Nov. 20" in an article of Nov. 1 is this Nov. 20, not last year's.
NEAR_DAYS = 45


def day(d: date) -> str:
    return d.isoformat()


def month(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def duration(n: str, unit: str) -> str:
    """A TIMEX3 duration: n units ("X" for an unknown number) of a TimeML unit."""
    if unit in {"S", "MI", "H"}:
        return f"PT{n}{'M' if unit == 'MI' else unit}"
    if unit in {"DE", "CE"} and n != "X":
        # "two decades" is P20Y, "a century" P100Y: counted decades are written in years
        years = float(n) * (10 if unit == "DE" else 100)
        return f"P{int(years) if years == int(years) else years}Y"
    return f"P{n}{unit}"


def nearest(candidates: list[date], dct: date, direction: Callable[[], int]) -> date:
    """Of the same date in neighbouring years, the nearest to the DCT when it is close; else the
    one the tense points to (`direction` is asked only then: -1 past, +1 future, 0 unknown)."""
    closest = min(candidates, key=lambda c: abs((c - dct).days))
    if abs((closest - dct).days) <= NEAR_DAYS:
        return closest
    towards = direction()
    if towards < 0:
        return max((c for c in candidates if c <= dct), default=closest)
    if towards > 0:
        return min((c for c in candidates if c >= dct), default=closest)
    return closest


def resolve_day(dct: date, month_number: int, day_number: int, direction: int) -> date | None:
    """A month and day without a year: the nearest one in the direction the tense gives."""
    candidates = []
    for y in (dct.year - 1, dct.year, dct.year + 1):
        try:
            candidates.append(date(y, month_number, day_number))
        except ValueError:
            continue
    if not candidates:
        return None
    return nearest(candidates, dct, lambda: direction)


def resolve_month(dct: date, month_number: int, direction: int) -> tuple[int, int]:
    here = dct.year * 12 + dct.month - 1
    options = [(y, month_number) for y in (dct.year - 1, dct.year, dct.year + 1)]
    if abs(month_number - dct.month) <= 1:
        direction = 0  # this month or a neighbour: "was planned for early March" in February
    key = {-1: lambda ym: (ym[0] * 12 + ym[1] - 1 > here, here - (ym[0] * 12 + ym[1] - 1)),
           1: lambda ym: (ym[0] * 12 + ym[1] - 1 < here, (ym[0] * 12 + ym[1] - 1) - here),
           0: lambda ym: (False, abs(ym[0] * 12 + ym[1] - 1 - here))}[direction]  # fmt: skip
    return min(options, key=key)


def resolve_weekday(dct: date, weekday: int, direction: int) -> date:
    diff = weekday - dct.isoweekday()
    if direction < 0 and diff > 0:
        diff -= 7
    elif direction > 0 and diff < 0:
        diff += 7
    elif direction == 0:
        diff = diff - 7 if diff > 3 else diff + 7 if diff < -3 else diff
    return dct + timedelta(days=diff)


def quarter_ending(month_number: int, dct: date) -> str:
    """The quarter that ends in a month: the calendar quarter holding most of its three months
    (one ending July 31 runs May-July: Q2), in the latest year where that end is not ahead of the DCT."""
    y, mo = resolve_month(dct, month_number, -1)
    middle_y, middle = (y, mo - 1) if mo > 1 else (y - 1, 12)
    return f"{middle_y:04d}-Q{(middle - 1) // 3 + 1}"


def shift(value: str, unit: str, n: int) -> str | None:
    """Move a value n units (day, week, month, year) at the value's own granularity."""
    g = granularity(value)
    try:
        if g == "day":
            d = date.fromisoformat(value)
            delta = {"D": timedelta(days=n), "W": timedelta(weeks=n)}.get(unit)
            if delta is not None:
                return day(d + delta)
            if unit == "M":
                return month(*add_months(d.year, d.month, n))
            if unit == "Y":
                return f"{d.year + n:04d}"
        if g == "month":
            y, m = int(value[:4]), int(value[5:7])
            if unit == "M":
                return month(*add_months(y, m, n))
            if unit == "Y":
                return f"{y + n:04d}"
        if g == "year" and unit == "Y":
            return f"{int(value[:4]) + n:04d}"
    except ValueError:
        return None
    return None


def shiftable(value: str) -> bool:
    """A plain date (a day, month or year), which `shift` can move."""
    return granularity(value) in DATES


def at_granularity(value: str, unit: str) -> str | None:
    """The day, week, month or year that contains a value ("that same month" of a day)."""
    g = granularity(value)
    if unit == "D" and g in {"day", "time"}:
        return value[:10]
    if unit == "M" and g in {"day", "month", "time"}:
        return value[:7]
    if unit == "Y" and g in YEAR_LED:
        return value[:4]
    if unit == "W" and g in {"day", "time"}:
        return week(date.fromisoformat(value[:10]))
    return None


def holiday(spec: str, year: int) -> date:
    """The day of a holiday in a year, from its rule (rules/time_words.tsv): "MM-DD", the nth
    weekday of a month "N:WEEKDAY:MONTH" (N=-1: the last), or "easter" with an offset in days."""
    if spec.startswith("easter"):
        a, b, cc = year % 19, year // 100, year % 100
        d, e = b // 4, b % 4
        f = (b + 8) // 25
        g = (b - f + 1) // 3
        h = (19 * a + b - d - g + 15) % 30
        i, k = cc // 4, cc % 4
        ll = (32 + 2 * e + 2 * i - h - k) % 7
        mm = (a + 11 * h + 22 * ll) // 451
        easter_month = (h + ll - 7 * mm + 114) // 31
        easter_day = (h + ll - 7 * mm + 114) % 31 + 1
        offset = int(spec[6:] or 0)
        return date(year, easter_month, easter_day) + timedelta(days=offset)
    if ":" in spec:
        nth, weekday, in_month = (int(x) for x in spec.split(":"))
        if nth > 0:
            first = date(year, in_month, 1)
            return first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (nth - 1))
        last = date(year + (in_month == 12), in_month % 12 + 1, 1) - timedelta(days=1)
        return last - timedelta(days=(last.isoweekday() - weekday) % 7)
    m, d = (int(x) for x in spec.split("-"))
    return date(year, m, d)
