"""Temporal expressions found and normalised to TimeML TIMEX3 values, against the publication date.

News rarely writes full dates: "on Thursday", "back in November", "that same month", "over 25
years". A rule table of regular expressions finds the expressions; each rule's normaliser turns a
match into a value using the document creation time (DCT), the tense of the governing verb (a past
"on Thursday" is the Thursday before the DCT, a future one the Thursday after) and, for anaphoric
expressions ("the next day", "that same month"), the last date the discourse mentioned.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

from spacy.tokens import Doc, Token

from storyline.intervals import granularity  # noqa: F401 - used here and re-exported
from storyline.model import Timex

# ---------------------------------------------------------------- the word tables


@dataclass(frozen=True)
class _Words:
    tables: dict[str, dict[str, str]]

    def get(self, kind: str, word: str) -> str | None:
        return self.tables.get(kind, {}).get(re.sub(r"\s+", " ", word.lower()))

    def alt(self, *kinds: str) -> str:
        words = {w for k in kinds for w in self.tables.get(k, {})}
        return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@cache
def _words() -> _Words:
    text = resources.files("storyline.nlp").joinpath("rules", "time_words.tsv").read_text(encoding="utf-8")
    tables: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, words, value = line.split("\t")
        table = tables.setdefault(kind, {})
        for w in words.split(","):
            table[w.strip()] = value
    return _Words(tables)


# ---------------------------------------------------------------- values
def _day(d: date) -> str:
    return d.isoformat()


def _month(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


# ---------------------------------------------------------------- context: tense and discourse
_FUTURE_AUX = {"will", "'ll", "shall", "wo", "’ll"}
_NEAR_DAYS = 45
# what later anaphora ("the next day", "a year earlier", "the quarter") can be resolved against
_REFERENCE_GRANULARITIES = {"day", "month", "year", "time", "week", "quarter"}
# verbs whose dated object lies ahead: "scheduled a news conference Thursday", "expected in December"
_SCHEDULING = {"schedule", "expect", "plan", "slate", "due", "anticipate"}
# verbs whose infinitive lies ahead: "agreed to leave on Thursday", "hopes to finish by Friday"
_LOOKING_AHEAD = _SCHEDULING | {"propose", "intend", "hope", "want", "aim", "vow", "promise", "threaten"}
_LOOKING_AHEAD |= {"agree", "prepare", "seek", "try", "decide", "set"}


def _direction(doc: Doc | None, start: int, end: int) -> int:
    """-1 when the expression's clause is in the past, +1 in the future, 0 when the text does not say."""
    if doc is None:
        return 0
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return 0
    verb: Token = span.root
    if verb.dep_ in {"compound", "nmod", "amod", "poss"} and verb.head.pos_ in {"NOUN", "PROPN"}:
        return 0  # "under a June agreement": the noun's time, not the clause's
    for _ in range(4):
        if verb.pos_ in {"VERB", "AUX"}:
            break
        if verb.head.i == verb.i:
            break
        verb = verb.head
    if verb.pos_ not in {"VERB", "AUX"}:
        return 0
    return _tense(verb)


def _verb_above(token: Token) -> Token | None:
    head = token.head
    for _ in range(4):
        if head.i == token.i or head.head.i == head.i and head.pos_ not in {"VERB", "AUX"}:
            return None
        if head.pos_ in {"VERB", "AUX"}:
            return head
        token, head = head, head.head
    return None


def _tense(verb: Token, depth: int = 0) -> int:
    auxes = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    words = {a.lower_ for a in auxes}
    if words & _FUTURE_AUX or ("going" in words and "to" in words):
        return 1
    if any(a.tag_ == "TO" for a in auxes):
        # "is scheduled to close Monday" looks ahead; "were to accede on Friday" looks back
        governor = verb.head
        if governor.lemma_ in _LOOKING_AHEAD or governor.i == verb.i or depth >= 2:
            return 1  # "planned to leave on Thursday", "hopes to finish by Friday"
        return -1 if _tense(governor, depth + 1) < 0 else 1
    if verb.tag_ in {"VBN", "VBG"} and not auxes:
        # a participle takes the tense of the clause it hangs on: "Elian was found Thanksgiving Day
        # clinging to a tube"; "a service planned for Saturday was canceled"
        outer = _verb_above(verb)
        if outer is not None and depth < 2 and (tense := _tense(outer, depth + 1)):
            return tense
        if verb.tag_ == "VBN":
            return 1 if verb.lemma_ in _SCHEDULING else -1
    if verb.lemma_ in _SCHEDULING and "had" not in words:
        return 1  # "scheduled a news conference Thursday", "is expected in December"
    if any(a.tag_ == "VBD" for a in auxes) or words & {"has", "have", "had"}:
        return -1  # "was found", "has said"
    if verb.tag_ == "VBD":
        return -1
    return 0  # present


@dataclass
class _Context:
    dct: date | None
    doc: Doc | None
    ref: tuple[str, str] | None = None  # (value, timex id) of the last date the text gave

    def direction(self, m: re.Match[str]) -> int:
        return _direction(self.doc, m.start(), m.end())


@dataclass(frozen=True)
class _Found:
    type: str
    value: str
    mod: str | None = None
    anaphoric: bool = False  # resolved against the discourse, not the DCT
    moves_time: bool = True  # False for a comparison ("a year earlier") that the story does not move to


Rule = Callable[[re.Match[str], _Context], _Found | None]

# ---------------------------------------------------------------- normalisers


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
        v = _words().get("number", part)
        if v is None:
            return None
        if v == "X":
            return "X"
        total = total * int(v) if v == "100" and total else total + int(v)
        seen = True
    return str(total) if seen else None


def _duration(n: str, unit: str) -> str:
    if unit in {"S", "MI", "H"}:
        return f"PT{n}{'M' if unit == 'MI' else unit}"
    if unit in {"DE", "CE"} and n != "X":
        # "two decades" is P20Y, "a century" P100Y: counted decades are written in years
        years = float(n) * (10 if unit == "DE" else 100)
        return f"P{int(years) if years == int(years) else years}Y"
    return f"P{n}{unit}"


def _resolve_day(dct: date, month: int, day: int, direction: int) -> date | None:
    """A month and day without a year: the nearest one in the direction the tense gives."""
    candidates = []
    for y in (dct.year - 1, dct.year, dct.year + 1):
        try:
            candidates.append(date(y, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    nearest = min(candidates, key=lambda c: abs((c - dct).days))
    # The tense decides, except against a date a few weeks away: "was extended to Nov. 20" in an
    # article of Nov. 1 is this Nov. 20, not last year's.
    if abs((nearest - dct).days) <= _NEAR_DAYS:
        return nearest
    if direction < 0:
        return max((c for c in candidates if c <= dct), default=nearest)
    if direction > 0:
        return min((c for c in candidates if c >= dct), default=nearest)
    return nearest


def _resolve_month(dct: date, month: int, direction: int) -> tuple[int, int]:
    here = dct.year * 12 + dct.month - 1
    options = [(y, month) for y in (dct.year - 1, dct.year, dct.year + 1)]
    if abs(month - dct.month) <= 1:
        direction = 0  # this month or a neighbour: "was planned for early March" in February
    key = {-1: lambda ym: (ym[0] * 12 + ym[1] - 1 > here, here - (ym[0] * 12 + ym[1] - 1)),
           1: lambda ym: (ym[0] * 12 + ym[1] - 1 < here, (ym[0] * 12 + ym[1] - 1) - here),
           0: lambda ym: (False, abs(ym[0] * 12 + ym[1] - 1 - here))}[direction]  # fmt: skip
    return min(options, key=key)


def _resolve_weekday(dct: date, weekday: int, direction: int) -> date:
    diff = weekday - dct.isoweekday()
    if direction < 0 and diff > 0:
        diff -= 7
    elif direction > 0 and diff < 0:
        diff += 7
    elif direction == 0:
        diff = diff - 7 if diff > 3 else diff + 7 if diff < -3 else diff
    return dct + timedelta(days=diff)


def _mod(word: str | None) -> str | None:
    return _words().get("mod", word.rstrip("-")) if word else None


def _shift(value: str, unit: str, n: int) -> str | None:
    """Move a value n units (day, week, month, year) at the value's own granularity."""
    g = granularity(value)
    try:
        if g == "day":
            d = date.fromisoformat(value)
            delta = {"D": timedelta(days=n), "W": timedelta(weeks=n)}.get(unit)
            if delta is not None:
                return _day(d + delta)
            if unit == "M":
                y, m = _add_months(d.year, d.month, n)
                return _month(y, m)
            if unit == "Y":
                return f"{d.year + n:04d}"
        if g == "month":
            y, m = int(value[:4]), int(value[5:7])
            if unit == "M":
                return _month(*_add_months(y, m, n))
            if unit == "Y":
                return f"{y + n:04d}"
        if g == "year" and unit == "Y":
            return f"{int(value[:4]) + n:04d}"
    except ValueError:
        return None
    return None


def _at_granularity(value: str, unit: str) -> str | None:
    """The day, week, month or year that contains a value ("that same month" of a day)."""
    g = granularity(value)
    if unit == "D" and g in {"day", "time"}:
        return value[:10]
    if unit == "M" and g in {"day", "month", "time"}:
        return value[:7]
    if unit == "Y" and g in {"day", "month", "year", "time", "season", "quarter"}:
        return value[:4]
    if unit == "W" and g in {"day", "time"}:
        return _week(date.fromisoformat(value[:10]))
    return None


_UNIT_OF = {"day": "D", "week": "W", "month": "M", "year": "Y", "morning": "D", "afternoon": "D",
            "evening": "D", "night": "D", "weekend": "W", "quarter": "Q", "decade": "DE"}  # fmt: skip


def r_full_date(m: re.Match[str], c: _Context) -> _Found | None:
    month = int(m["month_num"]) if m["month_num"] else int(_words().get("month", m["month"]) or 0)
    try:
        d = date(int(m["year"]), month, int(m["day"]))
    except (TypeError, ValueError):
        return None
    return _Found("DATE", _day(d))


def r_month_day(m: re.Match[str], c: _Context) -> _Found | None:
    if c.dct is None:
        return None
    month = int(_words().get("month", m["month"]) or 0)
    d = _resolve_day(c.dct, month, int(m["day"]), _signalled(m) or c.direction(m))
    return _Found("DATE", _day(d)) if d else None


def r_month_year(m: re.Match[str], c: _Context) -> _Found | None:
    month = int(_words().get("month", m["month"]) or 0)
    return _Found("DATE", _month(int(m["year"]), month), _mod(m["mod"]))


def r_month(m: re.Match[str], c: _Context) -> _Found | None:
    if c.dct is None:
        return None
    month = int(_words().get("month", m["month"]) or 0)
    rel = (m["rel"] or "").lower()
    if m["year_rel"]:  # "June last year", "January this year"
        shift = {"last": -1, "this": 0, "next": 1}[m["year_rel"].lower()]
        return _Found("DATE", _month(c.dct.year + shift, month), _mod(m["mod"]))
    y = c.dct.year
    if rel == "last":
        y = y - 1 if month >= c.dct.month else y
    elif rel == "next":
        y = y + 1 if month <= c.dct.month else y
    elif rel != "this":
        y, _ = _resolve_month(c.dct, month, _signalled(m) or c.direction(m))
    return _Found("DATE", _month(y, month), _mod(m["mod"]))


def r_weekday(m: re.Match[str], c: _Context) -> _Found | None:
    if c.dct is None:
        return None
    wd = int(_words().get("weekday", m["weekday"]) or 0)
    rel = (m["rel"] or "").lower()
    direction = {"last": -1, "previous": -1, "next": 1, "this": 0, "coming": 1, "past": -1}.get(rel)
    if direction is None:
        direction = _signalled(m) or c.direction(m)
    d = _resolve_weekday(c.dct, wd, direction)
    if rel in {"next", "last"} and d == c.dct:
        d += timedelta(days=7 if rel == "next" else -7)  # "last Monday" said on a Monday
    stated = _DATE_AFTER_DAY.match(m.string, m.end())
    if stated is not None and not rel:
        # "on Monday, Oct. 26": the date written beside the day name decides
        month = int(_words().get("month", stated["month"]) or 0)
        near = _resolve_day(c.dct, month, int(stated["day"]), 0) if month else None
        if near is not None and near.isoweekday() == wd:
            d = near
    if m["part"]:
        return _Found("TIME", f"{_day(d)}T{_words().get('part', m['part'])}")
    clock = _clock(m)
    if clock:
        return _Found("TIME", f"{_day(d)}T{clock}")
    return _Found("DATE", _day(d))


# words that put a date ahead of the clause's own time: a deadline, a start, a payment
_AHEAD = re.compile(
    r"\b(?:until|till|til|effective|payable|due|starting|beginning|expires?|expiring)\s+(?:\S+\s+){0,3}$",
    re.IGNORECASE,
)


def _signalled(m: re.Match[str]) -> int:
    """Direction the words around a day name give: "Wednesday's ruling" has happened; a deadline
    "until 9 a.m. Tuesday" is still to come."""
    if re.match(r"['’]s\b", m.string[m.end() : m.end() + 3]):
        return -1
    if _AHEAD.search(m.string[max(0, m.start() - 40) : m.start()]):
        return 1
    return 0


_DATE_AFTER_DAY = re.compile(r",?\s+(?P<month>[A-Z][a-z]{2,8})\.?\s+(?P<day>[0-3]?\d)\b")


def r_year(m: re.Match[str], c: _Context) -> _Found | None:
    if not _is_year(m, c):
        return None
    return _Found("DATE", m["year"], _mod(m["mod"]))


def _is_year(m: re.Match[str], c: _Context) -> bool:
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
        return tok.head.lower_.rstrip("s") in _UNIT_OF  # "1998 shares" counts; "the 1996 election" dates
    return True


def _counts_something(doc: Doc | None, start: int, end: int) -> bool:
    span = doc.char_span(start, end, alignment_mode="expand") if doc is not None else None
    return bool(span) and span[-1].dep_ == "nummod" and span[-1].head.i > span[-1].i


def r_spoken_year(m: re.Match[str], c: _Context) -> _Found | None:
    """Years as transcripts spell them: "nineteen ninety-six", "the year two thousand"."""
    words = _words().tables["number"]
    if _counts_something(c.doc, m.start(), m.end()):
        return None  # "two thousand people" counts them
    if m["thousand"]:
        year = 2000 + (int(words[m["unit2"].lower()]) if m["unit2"] else 0)
    else:
        century = 19 if m["century"].lower() == "nineteen" else 20
        year = (
            century * 100
            + int(words[m["tens"].lower()])
            + (int(words[m["unit"].lower()]) if m["unit"] else 0)
        )
    return _Found("DATE", str(year))


_SPELLED_DECADES = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
                    "eighties": 8, "nineties": 9}  # fmt: skip


def r_decade(m: re.Match[str], c: _Context) -> _Found | None:
    if m["spelled"]:
        sentence = m.string[max(0, m.start() - 80) : m.end() + 40].lower()
        if re.search(r"degree|temperature|°|\bhighs?\b|\blows?\b", sentence):
            return None  # "highs in the nineties": heat, not a decade
    if m["short"] or m["spelled"]:
        digit = int(m["short"]) if m["short"] else _SPELLED_DECADES[m["spelled"].lower()]
        century = "19" if digit >= 3 or c.dct is None or c.dct.year < 2000 + digit * 10 else "20"
        value = f"{century}{digit}X"
    else:
        value = f"{m['cent']}{m['dec']}X"
    return _Found("DATE", value, _mod(m["mod"]))


def r_century(m: re.Match[str], c: _Context) -> _Found | None:
    return _Found("DATE", f"{int(m['n']) - 1:02d}", _mod(m["mod"]))


_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}


def _year_of(m: re.Match[str], c: _Context) -> int | None:
    """The year an expression names ("the summer of 2016"), else the publication year."""
    if m["year"]:
        return int(m["year"])
    return c.dct.year if c.dct else None


def r_quarter(m: re.Match[str], c: _Context) -> _Found | None:
    n = _ORDINALS[m["ord"].lower()]
    half = m["part"].lower() == "half"
    y = int(m["year_before"]) if m["year_before"] else _year_of(m, c)
    if y is None:
        return None
    if not (m["year"] or m["year_before"]):
        rel = re.sub(r"\s+", " ", (m["rel"] or "").lower())
        current = (c.dct.month - 1) // (6 if half else 3) + 1
        if rel in {"year-earlier", "year-ago", "last", "previous", "last year's"} or (
            c.direction(m) < 0 and n > current and rel != "this year's"
        ):
            y -= 1
        elif rel in {"next", "next year's"}:
            y += 1
    return _Found("DATE", f"{y:04d}-{'H' if half else 'Q'}{n}")


def r_year_quarter(m: re.Match[str], c: _Context) -> _Found | None:
    """ "the 1988 quarter", "the 1989 period": the quarter being reported, in that year."""
    if not (c.ref and "-Q" in c.ref[0]):
        return None
    return _Found("DATE", m["year"] + c.ref[0][4:], anaphoric=True, moves_time=False)


def r_year_earlier(m: re.Match[str], c: _Context) -> _Found | None:
    """ "year-earlier sales": the same quarter a year before, else the year before."""
    if c.ref and "-Q" in c.ref[0]:
        return _Found("DATE", f"{int(c.ref[0][:4]) - 1:04d}{c.ref[0][4:]}", anaphoric=True, moves_time=False)
    return _Found("DATE", f"{c.dct.year - 1:04d}", moves_time=False) if c.dct else None


def r_the_quarter(m: re.Match[str], c: _Context) -> _Found | None:
    """ "the quarter", "the latest quarter", "the year-earlier period": earnings-report anaphora.

    The quarter the text is about (the last one it named), else the last complete quarter; the
    year-earlier one is the same quarter a year before."""
    after = m.string[m.end() :]
    ending = re.match(rf"\s+(?:that\s+)?(?:ended|ending)\s+(?P<month>{_month_names()})", after)
    if ending and (value := _quarter_ending(int(_words().get("month", ending["month"]) or 0), c)):
        y, q = int(value[:4]), int(value[-1])
    elif c.ref and "-Q" in c.ref[0] and not m["latest"]:
        y, q = int(c.ref[0][:4]), int(c.ref[0][-1])
    elif c.dct is not None:
        k = c.dct.year * 4 + (c.dct.month - 1) // 3 - 1
        y, q = k // 4, k % 4 + 1
    else:
        return None
    if m["earlier"]:
        return _Found("DATE", f"{y - 1:04d}-Q{q}", anaphoric=True, moves_time=False)
    return _Found("DATE", f"{y:04d}-Q{q}", anaphoric=True)


def r_period_ended(m: re.Match[str], c: _Context) -> _Found | None:
    """ "the year ended March 31": a reporting period, a year long, whose end the text gives next."""
    return _Found("DURATION", "P1Y")


def r_full_year(m: re.Match[str], c: _Context) -> _Found | None:
    """ "sales for the full year": the whole of the year the story is reporting on."""
    base = c.ref[0] if c.ref else _day(c.dct) if c.dct else None
    return _Found("DATE", base[:4], anaphoric=bool(c.ref), moves_time=False) if base else None


def _quarter_ending(month: int, c: _Context) -> str | None:
    """The quarter that ends in `month`: the calendar quarter holding most of its three months
    (one ending July 31 runs May-July: Q2), in the latest year where that end is not ahead of the DCT."""
    if c.dct is None:
        return None
    y, mo = _resolve_month(c.dct, month, -1)
    middle_y, middle = (y, mo - 1) if mo > 1 else (y - 1, 12)
    return f"{middle_y:04d}-Q{(middle - 1) // 3 + 1}"


def r_season(m: re.Match[str], c: _Context) -> _Found | None:
    code = _words().get("season", m["season"])
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
    return _Found("DATE", f"{y:04d}-{code}", _mod(m["mod"]))


def r_deictic(m: re.Match[str], c: _Context) -> _Found | None:
    if c.dct is None:
        return None
    word = m["deictic"].lower()
    shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "this": 0, "last": -1}[word.split()[0]]
    d = _day(c.dct + timedelta(days=shift))
    part = m["part"] or ("night" if word in {"tonight", "last"} else None)
    if part:
        return _Found("TIME", f"{d}T{_words().get('part', part)}")
    return _Found("DATE", d)


def r_relative(m: re.Match[str], c: _Context) -> _Found | None:
    """ "last year", "this week", "next month": a calendar unit relative to the DCT."""
    if c.dct is None:
        return None
    rel = m["rel"].lower()
    unit = _UNIT_OF[m["unit"].lower()]
    n = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}[rel]
    d = c.dct
    if unit == "D":
        return None
    if rel == "past" and unit == "DE":
        return _Found("DURATION", "P10Y")  # "the past decade": the last ten years, not the 2000s
    if unit == "W":
        value = _week(d + timedelta(weeks=n))
        if m["unit"].lower() == "weekend":
            value += "-WE"
    elif unit == "M":
        value = _month(*_add_months(d.year, d.month, n))
    elif unit == "Y":
        value = f"{d.year + n:04d}"
    elif unit == "Q":
        q = (d.month - 1) // 3 + n
        value = f"{d.year + q // 4:04d}-Q{q % 4 + 1}"
    elif unit == "DE":
        value = f"{str(d.year + 10 * n)[:3]}X"
    else:
        return None
    return _Found("DATE", value, _mod(m["mod"]))


def r_current(m: re.Match[str], c: _Context) -> _Found | None:
    """ "the end of the year": the year (month, week) the story is in, with its part as the mod."""
    base = c.ref[0] if c.ref else _day(c.dct) if c.dct else None
    unit = _UNIT_OF[m["unit"].lower()]
    value = _at_granularity(base, unit) if base else None
    return _Found("DATE", value, _mod(m["mod"]), anaphoric=bool(c.ref)) if value else None


def r_weekend(m: re.Match[str], c: _Context) -> _Found | None:
    """ "the weekend": the one just past in a past-tense clause, else the coming one."""
    if c.dct is None:
        return None
    saturday = c.dct + timedelta(days=6 - c.dct.isoweekday())
    if c.direction(m) < 0 and saturday > c.dct:
        saturday -= timedelta(weeks=1)
    return _Found("DATE", _week(saturday) + "-WE")


def r_ago(m: re.Match[str], c: _Context) -> _Found | None:
    if c.dct is None:
        return None
    n = _num(m["num"])
    unit = _words().get("unit", m["unit"])
    if m["dir"].lower() in {"before", "after"} and re.match(r"\s+\w", m.string[m.end() :]):
        return _Found("DURATION", _duration(n, unit)) if n and unit else None  # "five years after the launch"
    sign = -1 if m["dir"].lower() in {"ago", "earlier", "before"} else 1
    anaphoric = m["dir"].lower() in {"later", "earlier", "before", "after"}
    base = c.ref[0] if anaphoric and c.ref else _day(c.dct)
    if granularity(base) not in {"day", "month", "year"}:
        base = base[:4]  # "a year earlier" than a quarter or a season: its year
    if n is None or n == "X" or unit is None:
        return _Found("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", anaphoric=anaphoric)
    k = int(float(n))
    if unit == "Y" and sign < 0 and c.ref and "-Q" in c.ref[0]:
        # "profit rose in the third quarter from a year ago": the same quarter, a year before
        return _Found("DATE", f"{int(c.ref[0][:4]) - k:04d}{c.ref[0][4:]}", anaphoric=True, moves_time=False)
    if unit == "DE":
        unit, k = "Y", k * 10
    value = _shift(base, unit, sign * k) if granularity(base) in {"day", "month", "year"} else None
    if value is not None and unit == "W" and granularity(value) == "day":
        value = _week(date.fromisoformat(value))
    return _Found("DATE", value, anaphoric=anaphoric) if value else None


def r_anaphoric(m: re.Match[str], c: _Context) -> _Found | None:
    """ "that same month", "the next day", "the year before": resolved against the last date given."""
    if c.ref is None and c.dct is None:
        return None
    base = c.ref[0] if c.ref else _day(c.dct)  # type: ignore[union-attr]
    unit = _UNIT_OF.get(m["unit"].lower())
    step = (m["step"] or "").lower()
    n = (
        1
        if step in {"next", "following", "after", "later"}
        else -1
        if step in {"previous", "preceding", "before", "earlier"}
        else 0
    )
    value = _at_granularity(base, unit or "")
    if value is None:
        return None
    if n:
        value = (
            _shift(value, unit or "", n)
            if unit != "W"
            else _week(date.fromisoformat(base[:10]) + timedelta(weeks=n))
        )
        if value is None:
            return None
    part = _words().get("part", m["unit"])
    if part and granularity(value) == "day":
        return _Found("TIME", f"{value}T{part}", anaphoric=True)
    return _Found("DATE", value, anaphoric=True)


def r_duration(m: re.Match[str], c: _Context) -> _Found | None:
    n = _num(m["num"]) if m["num"] else "1"
    unit = _words().get("unit", m["unit"])
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
    return _Found("DURATION", _duration(n, unit), mod)


_HYPOTHETICAL_AUX = _FUTURE_AUX | {"would", "could", "may", "might", "can", "should", "must"}


def _some_day(m: re.Match[str], c: _Context) -> _Found | None:
    """ "will one day be", "if there ever came a day when": an unnamed day ahead, not a length of time."""
    text = m.string
    word = m.group(0).lower()
    if word not in {"one day", "a day"} or c.doc is None:
        return None
    before = text[max(0, m.start() - 12) : m.start()].lower()
    after = text[m.end() : m.end() + 12].lower()
    if re.search(r"\b(?:for|in|within|per|of|by|each|every|than|only|just|over|after|before)\s+$", before):
        return None
    if word == "a day" and not re.match(r"\s+(?:when|will\s+come|would\s+come)\b", after):
        return None
    if re.match(r"(?:'s|\s+(?:later|after|before|earlier|ago|of|or|and)\b)", after):
        return None
    span = c.doc.char_span(m.start(), m.end(), alignment_mode="expand")
    if span is None or not len(span):
        return None
    verb = _verb_above(span.root) or (span.root if span.root.pos_ in {"VERB", "AUX"} else None)
    if verb is None:
        return None
    words = {t.lower_ for t in verb.children if t.dep_ in {"aux", "mark"}}
    if words & (_HYPOTHETICAL_AUX | {"if", "unless"}):
        return _Found("DATE", "FUTURE_REF")
    return None


def r_vague_duration(m: re.Match[str], c: _Context) -> _Found | None:
    unit = _words().get("unit", m["unit"])
    return _Found("DURATION", _duration("X", unit), None) if unit else None


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


def r_time(m: re.Match[str], c: _Context) -> _Found | None:
    clock = _clock(m)
    if c.dct is None or clock is None:
        return None
    base = c.ref[0][:10] if c.ref and granularity(c.ref[0]) in {"day", "time"} else _day(c.dct)
    return _Found("TIME", f"{base}T{clock}")


def r_set(m: re.Match[str], c: _Context) -> _Found | None:
    word = (m["adverb"] or m["unit"] or "").lower()
    if m["adverb"] and c.doc is not None:
        span = c.doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None and len(span) and span[0].pos_ == "ADJ":
            return None  # "a quarterly dividend", "the daily paper": not a recurrence
    adverbs = {"daily": "D", "nightly": "D", "weekly": "W", "monthly": "M", "quarterly": "Q", "annually": "Y",
               "yearly": "Y", "hourly": "H"}  # fmt: skip
    unit = adverbs.get(word) or _words().get("unit", word)
    return _Found("SET", _duration("1", unit)) if unit else None


def r_ref(m: re.Match[str], c: _Context) -> _Found | None:
    value = _words().get("ref", m["ref"])
    return _Found("DATE", value) if value else None


def r_holiday(m: re.Match[str], c: _Context) -> _Found | None:
    spec = _words().get("holiday", m["holiday"])
    y = _year_of(m, c)
    if spec is None or y is None:
        return None
    if m["year"] or c.dct is None:
        return _Found("DATE", _day(_holiday(spec, y)))
    # like a month and day: the nearest one when it is close, else the one the tense points to
    candidates = [_holiday(spec, year) for year in (y - 1, y, y + 1)]
    dct = c.dct
    nearest = min(candidates, key=lambda d: abs((d - dct).days))
    if abs((nearest - dct).days) > _NEAR_DAYS:
        direction = c.direction(m)
        if direction < 0:
            nearest = max((d for d in candidates if d <= dct), default=nearest)
        elif direction > 0:
            nearest = min((d for d in candidates if d >= dct), default=nearest)
    return _Found("DATE", _day(nearest))


def _holiday(spec: str, year: int) -> date:
    if spec.startswith("easter"):
        a, b, cc = year % 19, year // 100, year % 100
        d, e = b // 4, b % 4
        f = (b + 8) // 25
        g = (b - f + 1) // 3
        h = (19 * a + b - d - g + 15) % 30
        i, k = cc // 4, cc % 4
        ll = (32 + 2 * e + 2 * i - h - k) % 7
        mm = (a + 11 * h + 22 * ll) // 451
        month = (h + ll - 7 * mm + 114) // 31
        day = (h + ll - 7 * mm + 114) % 31 + 1
        offset = int(spec[6:] or 0)
        return date(year, month, day) + timedelta(days=offset)
    if ":" in spec:
        nth, weekday, month = (int(x) for x in spec.split(":"))
        if nth > 0:
            first = date(year, month, 1)
            return first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (nth - 1))
        last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
        return last - timedelta(days=(last.isoweekday() - weekday) % 7)
    month, day = (int(x) for x in spec.split("-"))
    return date(year, month, day)


# ---------------------------------------------------------------- the rule table
@cache
def _rules() -> list[tuple[re.Pattern[str], Rule]]:
    w = _words()
    MONTH = rf"(?-i:{'|'.join(_title_forms(w.tables['month'], dotted=True))})"  # noqa: N806
    MONTHD = rf"(?-i:{'|'.join(_title_forms(w.tables['month'], dotted=False))})"  # noqa: N806
    WEEKDAY = rf"(?-i:{'|'.join(_title_forms(w.tables['weekday'], dotted=True))})"  # noqa: N806
    NUMW = "|".join(  # noqa: N806 - number words; "a"/"an" count only on their own ("a year", not "seven a")
        re.escape(x) for x in sorted(set(w.tables["number"]) - {"a", "an"}, key=len, reverse=True)
    )
    NUM = rf"(?:\d+(?:[.,]\d+)?|(?:{NUMW})(?:[- ](?:{NUMW}))?)"  # noqa: N806
    UNIT = w.alt("unit")  # noqa: N806
    MOD = w.alt("mod")  # noqa: N806
    PART = w.alt("part")  # noqa: N806
    PRE = rf"(?:(?P<mod>{MOD})[\s-]+)?"  # noqa: N806
    DAYNUM = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"  # noqa: N806
    CLOCK = (  # noqa: N806
        r"(?:(?P<h>[01]?\d)(?::(?P<m>[0-5]\d))?\s*(?P<ampm>[ap]\.m\.|[ap]m\b|[AP]M\b|[ap]\.m\b)"
        r"|(?P<named>noon|midnight|midday)\b)"
    )
    table: list[tuple[str, Rule]] = [
        (rf"\b(?P<year>\d{{4}})-(?P<month_num>[01]\d)-{DAYNUM}\b(?P<month>)", r_full_date),
        (rf"\b(?P<month>{MONTHD})\s*{DAYNUM}(?:\s*,\s*|\s+)(?P<year>\d{{4}})\b(?P<month_num>)", r_full_date),
        (
            rf"\b{DAYNUM}\s+(?:of\s+)?(?P<month>{MONTHD}),?\s+(?P<year>\d{{4}})\b(?P<month_num>)",
            r_full_date,
        ),
        (rf"\b(?P<month_num>[01]?\d)/{DAYNUM}/(?P<year>\d{{4}})\b(?P<month>)", r_full_date),
        (rf"\b(?P<month>{MONTHD})\s*{DAYNUM}\b(?!:\d)", r_month_day),
        (rf"\b{DAYNUM}\s+(?:of\s+)?(?P<month>{MONTHD})", r_month_day),
        (rf"\b{PRE}(?P<month>{MONTHD}),?\s+(?:of\s+)?(?P<year>\d{{4}})\b", r_month_year),
        (
            rf"\b{PRE}(?:(?P<rel>last|next|this|early|late|mid)[\s-]+)?(?P<month>{MONTH})(?!\s+\d)"
            rf"(?:\s+(?:of\s+)?(?P<year_rel>last|this|next)\s+year\b)?",
            r_month,
        ),
        (
            rf"\b(?:{CLOCK}\s+(?:on\s+)?)?(?:(?P<rel>last|next|this|coming|past|previous)\s+)?"
            rf"(?P<weekday>{WEEKDAY})(?:\s+(?P<part>{PART})\b)?",
            r_weekday,
        ),
        (
            rf"\b{PRE}(?:(?P<fiscal>fiscal(?:\s+year)?)\s+)?(?P<year>(?:1[5-9]|20)\d\d)\b(?!'?s\b)",
            r_year,
        ),
        (
            rf"\b(?:the\s+)?{PRE}(?:(?P<cent>1[5-9]|20)(?P<dec>\d)0|'(?P<short>\d)0)'?s\b(?P<spelled>)",
            r_decade,
        ),
        (
            rf"(?<![Hh]is\s)(?<![Hh]er\s)(?<![Tt]heir\s)\bthe\s+{PRE}'?(?P<spelled>{'|'.join(_SPELLED_DECADES)})\b"
            r"(?P<cent>)(?P<dec>)(?P<short>)",
            r_decade,
        ),
        (
            r"\bthe\s+(?:(?:fiscal|financial|full|latest|business)\s+)?year(?=\s+(?:that\s+)?(?:ended|ending)\s)",
            r_period_ended,
        ),
        (r"\bthe\s+full\s+year\b(?!\s+(?:that\s+)?(?:ended|ending)\s)", r_full_year),
        (
            r"\b(?:the\s+year\s+)?(?:(?P<century>nineteen|twenty)[\s-]+(?P<tens>ten|twenty|thirty|forty|fifty|sixty|"
            r"seventy|eighty|ninety)(?:[\s-]+(?P<unit>one|two|three|four|five|six|seven|eight|nine))?"
            r"|(?P<thousand>two\s+thousand)(?:\s+and\s+(?P<unit2>one|two|three|four|five|six|seven|eight|nine))?)\b",
            r_spoken_year,
        ),
        (rf"\b(?:the\s+)?{PRE}(?P<n>\d{{1,2}})(?:st|nd|rd|th)[\s-]+century\b", r_century),
        (
            r"\b(?:(?:the|its|their|his|her|a|this|next|last)\s+)?(?:(?P<rel>fiscal|latest|current|last|next|"
            r"previous|year-earlier|year-ago|flat|last\s+year's|next\s+year's|this\s+year's)\s+|"
            r"(?P<year_before>(?:1[5-9]|20)\d\d)\s+)?(?:fiscal\s+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)"
            r"[\s-]+(?:fiscal\s+)?(?P<part>quarter|half)\b(?:\s+of\s+(?P<year>\d{4}))?",
            r_quarter,
        ),
        (
            r"\b(?:the|its|their|this)\s+(?:(?P<earlier>year-ago|year-earlier|year-before|prior-year|"
            r"year-previous)\s+|(?P<latest>latest|most\s+recent|last|recent)\s+|(?:current|same|comparable)\s+)?"
            r"(?:fiscal\s+)?(?:quarter|period)\b(?!s)",
            r_the_quarter,
        ),
        (r"\b(?P<year>(?:1[5-9]|20)\d\d)\s+(?:fiscal\s+)?(?:quarter|period)\b", r_year_quarter),
        (r"\byear-(?:earlier|ago)\b(?!\s+(?:fiscal\s+)?(?:quarter|period))", r_year_earlier),
        (
            rf"\b{PRE}(?:(?P<rel>last|next|this|the)\s+)?(?P<season>spring|summer|fall|autumn|winter)"
            rf"(?:\s+(?:of\s+)?(?P<year>\d{{4}}))?\b",
            r_season,
        ),
        (rf"\b(?P<deictic>today|tonight|yesterday|tomorrow)(?:\s+(?P<part>{PART}))?\b", r_deictic),
        (rf"\b(?P<deictic>this|last)\s+(?P<part>{PART})\b", r_deictic),
        (
            r"\b(?P<mod>the\s+(?:beginning|start|middle|end|close)\s+of)\s+the\s+(?P<unit>year|month|week)\b",
            r_current,
        ),
        (r"\bthe\s+weekend\b", r_weekend),
        (
            rf"\b{PRE}(?:the\s+)?(?P<rel>last|this|next|past|coming|previous|current)\s+"
            rf"(?P<unit>week|weekend|month|year|quarter|decade)\b(?!s)",
            r_relative,
        ),
        (
            rf"\b(?P<num>{NUM}|a\s+few|a|an|several|many|some)\s+(?P<unit>{UNIT})\s+"
            rf"(?P<dir>ago|earlier|later|before|after)\b",
            r_ago,
        ),
        (
            r"\b(?:(?:that|the)\s+(?:very\s+)?(?P<same>same)\s+|that\s+|the\s+(?P<step>next|following|previous|"
            r"preceding)\s+)(?P<unit>day|week|month|year|morning|afternoon|evening|night)\b",
            r_anaphoric,
        ),
        (r"\bthe\s+(?P<unit>day|week|month|year|night)\s+(?P<step>before|after|earlier)\b", r_anaphoric),
        (
            rf"\b{PRE}(?:the\s+(?:past|last|next|first|previous|coming|following)\s+)?"
            rf"(?P<num>{NUM}|a\s+couple\s+of|a|an)(?:\s+more)?"
            rf"[\s-]+(?P<unit>{UNIT})(?:-long|-old)?\b(?!\s+(?:ago|later|earlier))",
            r_duration,
        ),
        (
            r"\b(?:(?:the\s+)?(?:coming|next|past|last)\s+(?:few\s+|several\s+)?|many\s+|several\s+|a\s+few\s+|"
            r"few\s+|some\s+|recent\s+)(?P<unit>years|months|weeks|days|decades|hours|minutes|"
            r"centuries)\b",
            r_vague_duration,
        ),
        (r"(?<=\bfor\s)(?P<unit>years|months|weeks|decades|hours)\b", r_vague_duration),
        (rf"\b{CLOCK}", r_time),
        (
            r"\b(?:(?:every|each|per)\s+(?P<unit>day|week|month|year|quarter|hour)|(?P<adverb>daily|nightly|weekly|"
            r"monthly|quarterly|annually|yearly|hourly))\b",
            r_set,
        ),
        (rf"\b(?P<ref>{w.alt('ref')})\b", r_ref),
        (rf"\b(?P<holiday>{w.alt('holiday')})(?:\s+(?P<year>\d{{4}}))?\b", r_holiday),
    ]
    return [(re.compile(p, re.IGNORECASE), fn) for p, fn in table]


@cache
def _month_names() -> str:
    return "|".join(_title_forms(_words().tables["month"], dotted=True))


def _title_forms(table: dict[str, str], dotted: bool) -> list[str]:
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


_MAY_CONTEXT = re.compile(
    r"(?:\b(?:in|of|since|until|by|through|during|early|late|mid|last|next|this|a)[\s-]+)$", re.I
)


def _plausible(m: re.Match[str], fn: Rule) -> bool:
    """Cheap filters that need only the text: "May" is a month only where a month can stand."""
    if fn is r_month and m["month"] == "May" and not m["rel"]:
        return bool(_MAY_CONTEXT.search(m.string[max(0, m.start() - 12) : m.start()]))
    return not (fn is r_season and m["season"].lower() == "fall" and not (m["rel"] or m["year"]))


# ---------------------------------------------------------------- the tagger
_BEFORE, _AFTER = (
    70,
    50,
)  # how far an expression reaches from its trigger word: "the very beginning of the year"


@cache
def _trigger() -> re.Pattern[str]:
    """Every rule needs a digit or one of these words; the rules run only in windows around them."""
    w = _words()
    words = {x for k in ("unit", "month", "weekday", "part", "season", "ref", "holiday") for x in w.tables[k]}
    words |= {"today", "tonight", "yesterday", "tomorrow", "half", "period", "noon", "midnight", "midday"}
    words |= set(_SPELLED_DECADES)
    words |= {"daily", "nightly", "weekly", "monthly", "quarterly", "annually", "yearly", "hourly"}
    words |= {
        "nineteen",
        "thousand",
        "earlier",
        "ago",
    }  # years spelled out: "nineteen ninety-six", "two thousand and one"
    alternation = "|".join(re.escape(x.rstrip(".")) for x in sorted(words, key=len, reverse=True))
    return re.compile(rf"\d|\b(?:{alternation})", re.IGNORECASE)


def _windows(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for m in _trigger().finditer(text):
        lo, hi = max(0, m.start() - _BEFORE), min(len(text), m.end() + _AFTER)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _inside_a_name(doc: Doc | None, start: int, end: int) -> bool:
    """ "the Sunday Ledger", "April Ryan": a day or month word that is part of a longer name of a
    person or organisation the entity stage found is no date."""
    index = doc._.entity_index if doc is not None and Doc.has_extension("entity_index") else None
    if index is None:
        return False
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    hit = index.at(span[0])
    if hit is None or hit[0].type not in {"PERSON", "ORG"}:
        return False
    name = hit[1]
    longer = (name.start_char, name.end_char) != (start, end)
    return name.start_char <= start and end <= name.end_char and longer


def find_timexes(text: str, dct: date | None, doc: Doc | None = None) -> list[Timex]:
    """Every temporal expression of `text`, normalised against the DCT and the discourse."""
    candidates: list[tuple[int, int, int, re.Match[str], Rule]] = []
    windows = _windows(text)
    for priority, (pattern, fn) in enumerate(_rules()):
        for lo, hi in windows:
            for m in pattern.finditer(text, lo, hi):
                if m.end() > m.start() and _plausible(m, fn):
                    candidates.append((m.start(), m.end(), priority, m, fn))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    chosen: list[tuple[int, int, int, re.Match[str], Rule]] = []
    taken = bytearray(len(text))  # 1 where a chosen span lies: each test costs its own length
    for cand in candidates:
        if taken.find(1, cand[0], cand[1]) >= 0:
            continue
        chosen.append(cand)
        taken[cand[0] : cand[1]] = b"\x01" * (cand[1] - cand[0])
    chosen.sort(key=lambda c: c[0])
    ctx = _Context(dct, doc)
    out: list[Timex] = []
    for start, end, _, m, fn in chosen:
        if _inside_a_name(doc, start, end):
            continue
        found = fn(m, ctx)
        if found is None:
            continue
        tid = f"t{len(out) + 1}"
        anchor = (ctx.ref[1] if ctx.ref else "t0") if found.anaphoric else "t0"
        out.append(Timex(tid, text[start:end], start, end, found.type, found.value, found.mod, anchor))
        if (
            found.moves_time
            and found.type in {"DATE", "TIME"}
            and granularity(found.value) in _REFERENCE_GRANULARITIES
        ):
            ctx.ref = (found.value, tid)
    return out
