"""The normalisers: each turns one rule's match into a TIMEX3 value.

A rule of rules/time_patterns.tsv names its normaliser. A normaliser reads its match with the
document creation time (DCT), the tense of the clause (`tense.direction`) and, for anaphoric
expressions ("the next day", "that same month"), the last date the discourse gave (`Context.ref`).
It returns None when the match is no time after all ("1998 shares", "highs in the nineties").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from spacy.tokens import Doc

from storyline.intervals import granularity
from storyline.nlp.time import arithmetic as cal
from storyline.nlp.time.tense import direction, modality, verb_above
from storyline.nlp.time.words import context, words


@dataclass
class Context:
    dct: date | None
    doc: Doc | None
    ref: tuple[str, str] | None = None  # (value, timex id) of the last date the text gave

    def direction(self, m: re.Match[str]) -> int:
        return direction(self.doc, m.start(), m.end())


@dataclass(frozen=True)
class Found:
    type: str
    value: str
    mod: str | None = None
    anaphoric: bool = False  # resolved against the discourse, not the DCT
    moves_time: bool = True  # False for a comparison ("a year earlier") that the story does not move to


Normaliser = Callable[[re.Match[str], Context], Found | None]
NORMALISERS: dict[str, Normaliser] = {}


def normaliser(fn: Normaliser) -> Normaliser:
    """Register a normaliser under the name the pattern table gives it (its name without "r_")."""
    NORMALISERS[fn.__name__.removeprefix("r_")] = fn
    return fn


# ---------------------------------------------------------------- words to numbers and codes
def _num(word: str) -> str | None:
    word = word.lower().replace("-", " ").strip()
    if re.fullmatch(r"\d+(\.\d+)?", word.replace(",", "")):
        n = float(word.replace(",", ""))
        return str(int(n)) if n == int(n) else str(n)
    if re.fullmatch(r"a\s+couple\s+of", word):
        return "2"
    total, seen = 0, False
    parts = word.split()
    if len(parts) > 1 and parts[0] in {"a", "an"}:
        parts = parts[1:]  # "a five-hour": the article is not a number
    for part in parts:
        v = words().get("number", part)
        if v is None:
            return None
        if v == "X":
            return "X"
        total = total * int(v) if v == "100" and total else total + int(v)
        seen = True
    return str(total) if seen else None


def _mod(word: str | None) -> str | None:
    return words().get("mod", word.rstrip("-")) if word else None


def _month_number(word: str) -> int:
    return int(words().get("month", word) or 0)


def _step(word: str | None, kind: str = "step") -> int | None:
    """How far a relative word moves ("last" -1, "this" 0, "next" 1), None for another word."""
    value = words().get(kind, word or "")
    return None if value is None else int(value)


def _signalled(m: re.Match[str]) -> int:
    """Direction the words around a day name give: "Wednesday's ruling" has happened; a deadline
    "until 9 a.m. Tuesday" is still to come."""
    if re.match(r"['’]s\b", m.string[m.end() : m.end() + 3]):
        return -1
    if context("ahead").search(m.string[max(0, m.start() - 40) : m.start()]):
        return 1
    return 0


# ---------------------------------------------------------------- days and months
@normaliser
def r_full_date(m: re.Match[str], c: Context) -> Found | None:
    month = int(m["month_num"]) if m["month_num"] else _month_number(m["month"])
    try:
        d = date(int(m["year"]), month, int(m["day"]))
    except (TypeError, ValueError):
        return None
    return Found("DATE", cal.day(d))


@normaliser
def r_month_day(m: re.Match[str], c: Context) -> Found | None:
    if c.dct is None:
        return None
    d = cal.resolve_day(c.dct, _month_number(m["month"]), int(m["day"]), _signalled(m) or c.direction(m))
    return Found("DATE", cal.day(d)) if d else None


@normaliser
def r_month_year(m: re.Match[str], c: Context) -> Found | None:
    return Found("DATE", cal.month(int(m["year"]), _month_number(m["month"])), _mod(m["mod"]))


@normaliser
def r_month(m: re.Match[str], c: Context) -> Found | None:
    if c.dct is None:
        return None
    month = _month_number(m["month"])
    if m.groupdict().get("that") and c.ref and c.ref[0][:4].isdigit():  # "in 2019 ... that October"
        return Found("DATE", cal.month(int(c.ref[0][:4]), month), anaphoric=True)
    rel = (m.groupdict().get("rel") or "").lower()
    if m.groupdict().get("year_rel"):  # "June last year", "January this year"
        return Found("DATE", cal.month(c.dct.year + (_step(m["year_rel"]) or 0), month), _mod(m["mod"]))
    y = c.dct.year
    if rel == "last":
        y = y - 1 if month >= c.dct.month else y
    elif rel == "next":
        y = y + 1 if month <= c.dct.month else y
    elif rel != "this":
        y, _ = cal.resolve_month(c.dct, month, _signalled(m) or c.direction(m))
    return Found("DATE", cal.month(y, month), _mod(m.groupdict().get("mod")))


@normaliser
def r_weekday(m: re.Match[str], c: Context) -> Found | None:
    if c.dct is None:
        return None
    wd = int(words().get("weekday", m["weekday"]) or 0)
    rel = (m["rel"] or "").lower()
    towards = _step(rel)
    if towards is None:
        towards = _signalled(m) or c.direction(m)
    d = cal.resolve_weekday(c.dct, wd, towards)
    if rel in {"next", "last"} and d == c.dct:
        d += timedelta(days=7 if rel == "next" else -7)  # "last Monday" said on a Monday
    stated = context("date_after_day").match(m.string, m.end())
    if stated is not None and not rel:
        # "on Monday, Oct. 26": the date written beside the day name decides
        month = _month_number(stated["month"])
        near = cal.resolve_day(c.dct, month, int(stated["day"]), 0) if month else None
        if near is not None and near.isoweekday() == wd:
            d = near
    if m["part"]:
        return Found("TIME", f"{cal.day(d)}T{words().get('part', m['part'])}")
    clock = _clock(m)
    if clock:
        return Found("TIME", f"{cal.day(d)}T{clock}")
    return Found("DATE", cal.day(d))


# ---------------------------------------------------------------- years, decades, centuries
@normaliser
def r_year(m: re.Match[str], c: Context) -> Found | None:
    if not _is_year(m, c):
        return None
    return Found("DATE", m["year"], _mod(m["mod"]))


def _is_year(m: re.Match[str], c: Context) -> bool:
    """A four-digit number is a year unless it counts something ("1998 shares", "$2000")."""
    text = m.string
    s = m.start("year")
    if s > 0 and text[s - 1] in "$€£#" or (s > 1 and text[s - 1] in "-/" and text[s - 2].isdigit()):
        return False
    after = text[m.end("year") : m.end("year") + 2]
    if after[:1] in {"%"} or re.match(r"-\d", after) or re.match(r",\d", after):
        return False
    if c.doc is None:
        return True
    span = c.doc.char_span(s, m.end("year"), alignment_mode="expand")
    if span is None or not len(span):
        return True
    tok = span[-1]
    if tok.dep_ == "nummod" and tok.head.i > tok.i and tok.head.tag_ in {"NNS", "NNPS"}:
        # "1998 shares" counts; "the 1996 election" dates
        return words().get("calendar", tok.head.lower_.rstrip("s")) is not None
    return True


def _counts_something(doc: Doc | None, start: int, end: int) -> bool:
    span = doc.char_span(start, end, alignment_mode="expand") if doc is not None else None
    return bool(span) and span[-1].dep_ == "nummod" and span[-1].head.i > span[-1].i


@normaliser
def r_spoken_year(m: re.Match[str], c: Context) -> Found | None:
    """Years as transcripts spell them: "nineteen ninety-six", "the year two thousand"."""
    numbers = words().tables["number"]
    if _counts_something(c.doc, m.start(), m.end()):
        return None  # "two thousand people" counts them
    if m["thousand"]:
        year = 2000 + (int(numbers[m["unit2"].lower()]) if m["unit2"] else 0)
    else:
        century = 19 if m["century"].lower() == "nineteen" else 20
        year = (
            century * 100
            + int(numbers[m["tens"].lower()])
            + (int(numbers[m["unit"].lower()]) if m["unit"] else 0)
        )
    return Found("DATE", str(year))


@normaliser
def r_decade(m: re.Match[str], c: Context) -> Found | None:
    if m["spelled"]:
        sentence = m.string[max(0, m.start() - 80) : m.end() + 40].lower()
        if context("heat").search(sentence):
            return None  # "highs in the nineties": heat, not a decade
    if m["short"] or m["spelled"]:
        digit = int(m["short"]) if m["short"] else int(words().get("decade", m["spelled"]) or 0)
        century = "19" if digit >= 3 or c.dct is None or c.dct.year < 2000 + digit * 10 else "20"
        value = f"{century}{digit}X"
    else:
        value = f"{m['cent']}{m['dec']}X"
    return Found("DATE", value, _mod(m["mod"]))


@normaliser
def r_century(m: re.Match[str], c: Context) -> Found | None:
    return Found("DATE", f"{int(m['n']) - 1:02d}", _mod(m["mod"]))


def _year_of(m: re.Match[str], c: Context) -> int | None:
    """The year an expression names ("the summer of 2016"), else the publication year."""
    if m["year"]:
        return int(m["year"])
    return c.dct.year if c.dct else None


# ---------------------------------------------------------------- quarters, reporting periods, seasons
@normaliser
def r_quarter(m: re.Match[str], c: Context) -> Found | None:
    n = int(words().get("ordinal", m["ord"]) or 0)
    half = m["part"].lower() == "half"
    y = int(m["year_before"]) if m["year_before"] else _year_of(m, c)
    if y is None:
        return None
    if not (m["year"] or m["year_before"]):
        step = _step(re.sub(r"\s+", " ", (m["rel"] or "").lower()), "quarter-step")
        current = (c.dct.month - 1) // (6 if half else 3) + 1
        if step == -1 or (c.direction(m) < 0 and n > current and step != 0):
            y -= 1  # "last year's third quarter"; a past third quarter said in May
        elif step == 1:
            y += 1
    return Found("DATE", f"{y:04d}-{'H' if half else 'Q'}{n}")


@normaliser
def r_year_quarter(m: re.Match[str], c: Context) -> Found | None:
    """ "the 1988 quarter", "the 1989 period": the quarter being reported, in that year."""
    if not (c.ref and "-Q" in c.ref[0]):
        return None
    return Found("DATE", m["year"] + c.ref[0][4:], anaphoric=True, moves_time=False)


@normaliser
def r_year_earlier(m: re.Match[str], c: Context) -> Found | None:
    """ "year-earlier sales": the same quarter a year before, else the year before."""
    if c.ref and "-Q" in c.ref[0]:
        return Found("DATE", f"{int(c.ref[0][:4]) - 1:04d}{c.ref[0][4:]}", anaphoric=True, moves_time=False)
    return Found("DATE", f"{c.dct.year - 1:04d}", moves_time=False) if c.dct else None


@normaliser
def r_the_quarter(m: re.Match[str], c: Context) -> Found | None:
    """ "the quarter", "the latest quarter", "the year-earlier period": earnings-report anaphora.

    The quarter the text is about (the last one it named), else the last complete quarter; the
    year-earlier one is the same quarter a year before."""
    ending = context("period_ending").match(m.string[m.end() :])
    value = cal.quarter_ending(_month_number(ending["month"]), c.dct) if ending and c.dct else None
    if value:
        y, q = int(value[:4]), int(value[-1])
    elif c.ref and "-Q" in c.ref[0] and not m["latest"]:
        y, q = int(c.ref[0][:4]), int(c.ref[0][-1])
    elif c.dct is not None:
        k = c.dct.year * 4 + (c.dct.month - 1) // 3 - 1
        y, q = k // 4, k % 4 + 1
    else:
        return None
    if m["earlier"]:
        return Found("DATE", f"{y - 1:04d}-Q{q}", anaphoric=True, moves_time=False)
    return Found("DATE", f"{y:04d}-Q{q}", anaphoric=True)


@normaliser
def r_period_ended(m: re.Match[str], c: Context) -> Found | None:
    """ "the year ended March 31": a reporting period, a year long, whose end the text gives next."""
    return Found("DURATION", "P1Y")


@normaliser
def r_full_year(m: re.Match[str], c: Context) -> Found | None:
    """ "sales for the full year": the whole of the year the story is reporting on."""
    base = c.ref[0] if c.ref else cal.day(c.dct) if c.dct else None
    return Found("DATE", base[:4], anaphoric=bool(c.ref), moves_time=False) if base else None


@normaliser
def r_season(m: re.Match[str], c: Context) -> Found | None:
    code = words().get("season", m["season"])
    rel = (m["rel"] or "").lower()
    y = _year_of(m, c)
    if y is None:
        return None
    if not m["year"]:
        if rel == "last" or (
            rel in {"the", ""} and c.direction(m) < 0 and code in {"FA", "WI"} and c.dct.month < 8
        ):
            y -= 1
        elif rel == "next":
            y += 1
    return Found("DATE", f"{y:04d}-{code}", _mod(m["mod"]))


# ---------------------------------------------------------------- relative to the DCT or the discourse
@normaliser
def r_deictic(m: re.Match[str], c: Context) -> Found | None:
    if c.dct is None:
        return None
    word = m["deictic"].lower()
    d = cal.day(c.dct + timedelta(days=_step(word.split()[0], "deictic") or 0))
    part = m["part"] or ("night" if word in {"tonight", "last"} else None)
    if part:
        return Found("TIME", f"{d}T{words().get('part', part)}")
    return Found("DATE", d)


@normaliser
def r_relative(m: re.Match[str], c: Context) -> Found | None:
    """ "last year", "this week", "next month": a calendar unit relative to the DCT."""
    if c.dct is None:
        return None
    rel = m["rel"].lower()
    unit = words().get("calendar", m["unit"])
    n = _step(rel) or 0
    d = c.dct
    if unit == "D":
        return None
    if rel == "past" and unit == "DE":
        return Found("DURATION", "P10Y")  # "the past decade": the last ten years, not the 2000s
    if unit == "W":
        value = cal.week(d + timedelta(weeks=n))
        if m["unit"].lower() == "weekend":
            value += "-WE"
    elif unit == "M":
        value = cal.month(*cal.add_months(d.year, d.month, n))
    elif unit == "Y":
        value = f"{d.year + n:04d}"
    elif unit == "Q":
        q = (d.month - 1) // 3 + n
        value = f"{d.year + q // 4:04d}-Q{q % 4 + 1}"
    elif unit == "DE":
        value = f"{str(d.year + 10 * n)[:3]}X"
    else:
        return None
    return Found("DATE", value, _mod(m["mod"]))


@normaliser
def r_current(m: re.Match[str], c: Context) -> Found | None:
    """ "the end of the year": the year (month, week) the story is in, with its part as the mod."""
    base = c.ref[0] if c.ref else cal.day(c.dct) if c.dct else None
    unit = words().get("calendar", m["unit"]) or ""
    value = cal.at_granularity(base, unit) if base else None
    return Found("DATE", value, _mod(m["mod"]), anaphoric=bool(c.ref)) if value else None


@normaliser
def r_weekend(m: re.Match[str], c: Context) -> Found | None:
    """ "the weekend": the one just past in a past-tense clause, else the coming one."""
    if c.dct is None:
        return None
    saturday = c.dct + timedelta(days=6 - c.dct.isoweekday())
    if c.direction(m) < 0 and saturday > c.dct:
        saturday -= timedelta(weeks=1)
    return Found("DATE", cal.week(saturday) + "-WE")


@normaliser
def r_ago(m: re.Match[str], c: Context) -> Found | None:
    if c.dct is None:
        return None
    n = _num(m["num"])
    unit = words().get("unit", m["unit"])
    if m["dir"].lower() in {"before", "after"} and re.match(r"\s+\w", m.string[m.end() :]):
        # "five years after the launch": a length of time
        return Found("DURATION", cal.duration(n, unit)) if n and unit else None
    sign = -1 if m["dir"].lower() in {"ago", "earlier", "before"} else 1
    anaphoric = m["dir"].lower() in {"later", "earlier", "before", "after"}
    base = c.ref[0] if anaphoric and c.ref else cal.day(c.dct)
    if not cal.shiftable(base):
        base = base[:4]  # "a year earlier" than a quarter or a season: its year
    if n is None or n == "X" or unit is None:
        return Found("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", anaphoric=anaphoric)
    k = int(float(n))
    if unit == "Y" and sign < 0 and c.ref and "-Q" in c.ref[0]:
        # "profit rose in the third quarter from a year ago": the same quarter, a year before
        return Found("DATE", f"{int(c.ref[0][:4]) - k:04d}{c.ref[0][4:]}", anaphoric=True, moves_time=False)
    if unit == "DE":
        unit, k = "Y", k * 10
    value = cal.shift(base, unit, sign * k) if cal.shiftable(base) else None
    if value is not None and unit == "W" and granularity(value) == "day":
        value = cal.week(date.fromisoformat(value))
    return Found("DATE", value, anaphoric=anaphoric) if value else None


@normaliser
def r_anaphoric(m: re.Match[str], c: Context) -> Found | None:
    """ "that same month", "the next day", "the year before": resolved against the last date given."""
    if c.ref is None and c.dct is None:
        return None
    base = c.ref[0] if c.ref else cal.day(c.dct)  # type: ignore[arg-type]
    unit = words().get("calendar", m["unit"])
    n = _step(m["step"]) or 0
    value = cal.at_granularity(base, unit or "")
    if value is None:
        return None
    if n:
        value = (
            cal.shift(value, unit or "", n)
            if unit != "W"
            else cal.week(date.fromisoformat(base[:10]) + timedelta(weeks=n))
        )
        if value is None:
            return None
    part = words().get("part", m["unit"])
    if part and granularity(value) == "day":
        return Found("TIME", f"{value}T{part}", anaphoric=True)
    return Found("DATE", value, anaphoric=True)


# ---------------------------------------------------------------- lengths of time
@normaliser
def r_duration(m: re.Match[str], c: Context) -> Found | None:
    n = _num(m["num"]) if m["num"] else "1"
    unit = words().get("unit", m["unit"])
    if n is None or unit is None or re.fullmatch(r"(?:1[5-9]|20)\d\d", n):
        return None  # "the 1988 quarter" is a year's quarter, not 1988 quarters
    after = m.string[m.end() : m.end() + 8].lower()
    if (
        m.group(0).lower().endswith("-old")
        or re.match(r"\s*old\b", after)
        or (unit == "Q" and re.match(r"\s+of\b", after))
    ):
        return None  # an age ("25 years old"), a fraction ("three-quarters of"): not a time
    if m["num"] and m["num"].lower() in {"a", "an"} and m["unit"].lower().endswith(("s", "ies")):
        n = "X"  # "a decades-long feud": an unknown number of decades, not one
    if n == "1" and unit == "D" and (point := _some_day(m, c)):
        return point
    mod = _mod(m["mod"])
    if n == "X" and (m["mod"] or "").lower() in {"over", "under"}:
        mod = None  # "over many decades" is during them, not more than them
    return Found("DURATION", cal.duration(n, unit), mod)


def _some_day(m: re.Match[str], c: Context) -> Found | None:
    """ "will one day be", "if there ever came a day when": an unnamed day ahead, not a length of time."""
    text = m.string
    word = m.group(0).lower()
    if word not in {"one day", "a day"} or c.doc is None:
        return None
    before = text[max(0, m.start() - 12) : m.start()].lower()
    after = text[m.end() : m.end() + 12].lower()
    if context("length_before").search(before):
        return None
    if word == "a day" and not context("day_to_come").match(after):
        return None
    if context("length_after").match(after):
        return None
    span = c.doc.char_span(m.start(), m.end(), alignment_mode="expand")
    if span is None or not len(span):
        return None
    verb = verb_above(span.root) or (span.root if span.root.pos_ in {"VERB", "AUX"} else None)
    if verb is None:
        return None
    said = {t.lower_ for t in verb.children if t.dep_ in {"aux", "mark"}}
    if said & (modality("future-aux") | modality("possibility-aux") | {"if", "unless"}):
        return Found("DATE", "FUTURE_REF")
    return None


@normaliser
def r_vague_duration(m: re.Match[str], c: Context) -> Found | None:
    unit = words().get("unit", m["unit"])
    return Found("DURATION", cal.duration("X", unit), None) if unit else None


# ---------------------------------------------------------------- clocks, recurrences, references, holidays
def _clock(m: re.Match[str]) -> str | None:
    """ "10:35 a.m." -> "10:35", "noon" -> "12:00", or None when the match holds no clock time."""
    groups = m.groupdict()
    if groups.get("named"):
        return "12:00" if m["named"].lower() in {"noon", "midday"} else "24:00"
    if not groups.get("h"):
        return None
    hh, mm = int(m["h"]), int(m["m"] or 0)
    ampm = (m["ampm"] or "").lower()
    if hh > 12 or mm > 59:
        return None
    if ampm.startswith("p") and hh < 12:
        hh += 12
    elif ampm.startswith("a") and hh == 12:
        hh = 0
    return f"{hh:02d}:{mm:02d}"


@normaliser
def r_time(m: re.Match[str], c: Context) -> Found | None:
    clock = _clock(m)
    if c.dct is None or clock is None:
        return None
    base = c.ref[0][:10] if c.ref and granularity(c.ref[0]) in {"day", "time"} else cal.day(c.dct)
    return Found("TIME", f"{base}T{clock}")


@normaliser
def r_set(m: re.Match[str], c: Context) -> Found | None:
    if m["adverb"] and c.doc is not None:
        span = c.doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None and len(span) and span[0].pos_ == "ADJ":
            return None  # "a quarterly dividend", "the daily paper": not a recurrence
    unit = words().get("set", m["adverb"]) if m["adverb"] else words().get("unit", m["unit"] or "")
    return Found("SET", cal.duration("1", unit)) if unit else None


@normaliser
def r_ref(m: re.Match[str], c: Context) -> Found | None:
    value = words().get("ref", m["ref"])
    return Found("DATE", value) if value else None


@normaliser
def r_holiday(m: re.Match[str], c: Context) -> Found | None:
    spec = words().get("holiday", m["holiday"])
    y = _year_of(m, c)
    if spec is None or y is None:
        return None
    if m["year"] or c.dct is None:
        return Found("DATE", cal.day(cal.holiday(spec, y)))
    # like a month and day: the nearest one when it is close, else the one the tense points to
    candidates = [cal.holiday(spec, year) for year in (y - 1, y, y + 1)]
    return Found("DATE", cal.day(cal.nearest(candidates, c.dct, lambda: c.direction(m))))
