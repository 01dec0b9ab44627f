"""Dates in words for people (storyline.dates): every TIMEX3 shape the tagger writes, what a mod
makes of it, the fallback for what cannot be read, and the words reaching the CLI, the API and the
pages instead of the codes."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import example, given, settings
from hypothesis import strategies as st

import test_web
from storyline.cli import main
from storyline.dates import UNCLEAR, UNDATED, label
from storyline.nlp.time.tagger import find_timexes
from storyline.query.common import date_label
from storyline.readers.metadata import load_metadata
from webstore import DEMO, SEED

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
# what a reader must never see: clock times and parts of day after a T, weeks, seasons, quarters,
# durations, reference words, unknown digits
RAW = re.compile(r"T\d|T(?:NI|MO|EV|AF|MI|DT)\b|-W\d|-(?:SP|SU|FA|WI)\b|-Q\d|-H[12]\b|P\d|PX|_REF|XX")


@pytest.mark.parametrize(
    ("value", "mod", "start", "kind", "words"),
    [
        # days, months, years, decades, centuries
        ("2025-03-11", None, None, None, "11 Mar 2025"),
        ("2025-03", None, None, None, "Mar 2025"),
        ("2025", None, None, None, "2025"),
        ("0042", None, None, None, "year 42"),
        ("197", None, None, None, "1970s"),
        ("197X", None, None, None, "1970s"),
        ("19", None, None, None, "20th century"),
        ("20XX", None, None, None, "21st century"),
        ("2XXX", None, None, None, "3rd millennium"),
        # seasons, quarters, halves, fiscal years
        ("2015-SP", None, None, None, "spring 2015"),
        ("2015-SU", None, None, None, "summer 2015"),
        ("2015-FA", None, None, None, "autumn 2015"),
        ("2016-WI", None, None, None, "winter 2016"),
        ("2016-Q2", None, None, None, "Q2 2016"),
        ("2016-H1", None, None, None, "first half of 2016"),
        ("2016-H2", None, None, None, "second half of 2016"),
        ("FY2016", None, None, None, "fiscal 2016"),
        ("FY2016-Q3", None, None, None, "Q3 of fiscal 2016"),
        # weeks (the Monday of the ISO week), weekends (the Saturday), ISO week days
        ("2025-W10", None, None, None, "week of 3 Mar 2025"),
        ("2016-W26", None, None, None, "week of 27 Jun 2016"),
        ("2026-W01", None, None, None, "week of 29 Dec 2025"),
        ("2025-W10-WE", None, None, None, "weekend of 8 Mar 2025"),
        ("2025-W10-3", None, None, None, "5 Mar 2025"),
        # parts of the day and clock times, with zones
        ("2025-03-11TNI", None, None, None, "11 Mar 2025, night"),
        ("2025-04-15TEV", None, None, None, "15 Apr 2025, evening"),
        ("2016-07-06TMO", None, None, None, "6 Jul 2016, morning"),
        ("2016-07-06TAF", None, None, None, "6 Jul 2016, afternoon"),
        ("2016-07-06TDT", None, None, None, "6 Jul 2016, daytime"),
        ("2025-03-11T14:30", None, None, None, "11 Mar 2025, 14:30"),
        ("2025-03-11T14:30-05:00", None, None, None, "11 Mar 2025, 14:30 UTC-05:00"),
        ("2025-03-11T14:30Z", None, None, None, "11 Mar 2025, 14:30 UTC"),
        ("2025-03-11T09:05:30+0100", None, None, None, "11 Mar 2025, 09:05:30 UTC+01:00"),
        ("2025-03-11T24:00", None, None, None, "11 Mar 2025, midnight"),
        ("2025-W10TNI", None, None, None, "week of 3 Mar 2025, night"),
        # durations
        ("P25Y", None, None, None, "25 years"),
        ("P1Y", None, None, None, "1 year"),
        ("PXDE", None, None, None, "several decades"),
        ("P3M", None, None, None, "3 months"),
        ("P2W", None, None, None, "2 weeks"),
        ("P1.5Y", None, None, None, "1.5 years"),
        ("PT2H", None, None, None, "2 hours"),
        ("PT30M", None, None, None, "30 minutes"),
        ("PT2H30M", None, None, None, "2 hours and 30 minutes"),
        ("P1Y6M", None, None, None, "1 year and 6 months"),
        ("P1DT12H", None, None, None, "1 day and 12 hours"),
        ("PXCE", None, None, None, "several centuries"),
        ("P2WE", None, None, None, "2 weekends"),
        # recurrences (SET)
        ("P1W", None, None, "SET", "every week"),
        ("P1D", None, None, "SET", "every day"),
        ("P2M", None, None, "SET", "every 2 months"),
        ("PXY", None, None, "SET", "every few years"),
        ("XXXX-WXX-1", None, None, "SET", "every Monday"),
        # reference words
        ("PRESENT_REF", None, None, None, "now"),
        ("PAST_REF", None, None, None, "in the past"),
        ("FUTURE_REF", None, None, None, "in the future"),
        ("PRESENT_REF", "BEFORE", None, None, "now"),
        # bounds
        ("2025-04-15", "BEFORE", None, None, "before 15 Apr 2025"),
        ("2025-04-15", "AFTER", None, None, "after 15 Apr 2025"),
        ("2025-04-15", "ON_OR_BEFORE", None, None, "by 15 Apr 2025"),
        ("2025-04-15", "ON_OR_AFTER", None, None, "on or after 15 Apr 2025"),
        ("2025-W10", "BEFORE", None, None, "before the week of 3 Mar 2025"),
        (None, "ON_OR_BEFORE", "2018-01-26", None, "by 26 Jan 2018"),
        (None, None, "2018-01-26", None, "26 Jan 2018"),
        (None, None, None, None, UNDATED),
        (None, "ON_OR_BEFORE", None, None, UNDATED),
        # parts of a period
        ("2016", "START", None, None, "early 2016"),
        ("2016", "MID", None, None, "mid-2016"),
        ("2016", "END", None, None, "late 2016"),
        ("197X", "START", None, None, "early 1970s"),
        ("19", "END", None, None, "late 20th century"),
        ("2025-03", "MID", None, None, "mid-Mar 2025"),
        ("2015-SP", "END", None, None, "late spring 2015"),
        ("2025-03-11", "START", None, None, "early on 11 Mar 2025"),
        ("2025-W10", "END", None, None, "the end of the week of 3 Mar 2025"),
        ("2016-H1", "END", None, None, "the end of the first half of 2016"),
        ("2016-Q2", "MID", None, None, "the middle of Q2 2016"),
        ("2025-03-11TEV", "END", None, None, "11 Mar 2025, evening"),
        # amounts
        ("2016", "APPROX", None, None, "about 2016"),
        ("P25Y", "MORE_THAN", None, None, "more than 25 years"),
        ("P25Y", "LESS_THAN", None, None, "less than 25 years"),
        ("P3M", "EQUAL_OR_MORE", None, None, "at least 3 months"),
        ("P3M", "EQUAL_OR_LESS", None, None, "at most 3 months"),
        ("P10Y", "APPROX", None, None, "about 10 years"),
        ("P25Y", "START", None, None, "25 years"),
        ("1998", "LESS_THAN", None, None, "before 1998"),
        # unknown digits: what is known of the date
        ("XXXX-03-11", None, None, None, "11 Mar"),
        ("XXXX-03", None, None, None, "Mar"),
        ("2025-03-XX", None, None, None, "Mar 2025"),
        ("2025-XX-XX", None, None, None, "2025"),
        ("XXXX-SU", None, None, None, "summer"),
        ("2025-WXX", None, None, None, "a week in 2025"),
        ("XXXX-XX-XXTNI", None, None, None, "at night"),
        ("XXXX-XX-XXT14:30", None, None, None, "at 14:30"),
        ("2025-03-11TXX", None, None, None, "11 Mar 2025"),
        # an unknown mod adds nothing
        ("2016", "SOMETIME", None, None, "2016"),
    ],
)
def test_each_shape_in_words(
    value: str | None, mod: str | None, start: str | None, kind: str | None, words: str
) -> None:
    assert label(value, mod, start, kind=kind) == words


@pytest.mark.parametrize(
    ("value", "start", "words"),
    [
        ("2025-02-30", None, "2025-02-30"),  # a plain ISO date-like string is shown as it is
        ("2025-13", None, "2025-13"),
        ("2025-W54", None, UNCLEAR),
        ("2025-W53", None, "week 53 of 2025"),  # 2025 has 52 ISO weeks: said, not placed
        ("2025-03-11T25:00", None, "11 Mar 2025"),
        ("P", None, UNCLEAR),
        ("P3", None, UNCLEAR),
        ("PT3Y", None, UNCLEAR),
        ("P3H", None, UNCLEAR),
        ("garbage", None, UNCLEAR),
        ("XXXX", None, UNCLEAR),
        ("XXXX-XX-XX", None, UNCLEAR),
        ("T", None, UNCLEAR),
        ("2025-Q9", None, UNCLEAR),
        ("garbage", "2018-01-26", "26 Jan 2018"),  # the day a store worked out wins over the unreadable
        ("2025-02-30", "2025-02-01", "1 Feb 2025"),
        ("", None, UNDATED),
    ],
)
def test_what_cannot_be_read_falls_back_to_words(value: str, start: str | None, words: str) -> None:
    assert label(value, None, start) == words


def test_a_label_never_raises_on_wrong_types() -> None:
    assert label(20250311) == UNDATED  # type: ignore[arg-type]
    assert label("2025-03-11", 7) == "11 Mar 2025"  # type: ignore[arg-type]


# ------------------------------------------------------------------ property: no raw code, ever
def _n(lo: int, hi: int, width: int) -> st.SearchStrategy[str]:
    return st.integers(lo, hi).map(lambda n: f"{n:0{width}d}")


_year = st.one_of(_n(0, 9999, 4), st.just("XXXX"))
_two = st.one_of(_n(0, 60, 2), st.just("XX"))
_base = st.one_of(
    st.tuples(_year, _two, _two).map("-".join),  # days
    st.tuples(_year, _two).map("-".join),  # months
    _year,  # years
    st.tuples(_n(0, 999, 3), st.sampled_from(["", "X"])).map("".join),  # decades
    st.tuples(_n(0, 99, 2), st.sampled_from(["", "XX"])).map("".join),  # centuries
    st.tuples(_year, st.sampled_from(["SP", "SU", "FA", "WI", "Q1", "Q4", "Q0", "Q7", "H1", "H2", "H3"])).map(
        "-".join
    ),
    st.tuples(
        _year, st.one_of(_n(0, 60, 2), st.just("XX")), st.sampled_from(["", "-WE", "-1", "-7", "-9"])
    ).map(lambda t: f"{t[0]}-W{t[1]}{t[2]}"),  # weeks, weekends, week days
    st.tuples(st.just("FY"), _n(1900, 2100, 4), st.sampled_from(["", "-Q2", "-H1", "-SP"])).map("".join),
)
_clock = st.one_of(
    st.sampled_from(["MO", "MI", "AF", "EV", "NI", "DT", "XX", "QQ", ""]),
    st.tuples(
        _n(0, 30, 2),
        st.sampled_from(["", ":00", ":30", ":59", ":61", "15"]),
        st.sampled_from(["", ":45", ":99", ".5"]),
        st.sampled_from(["", "Z", "-05:00", "+01:00", "+0530", "+99:00", "-5"]),
    ).map("".join),
)
_number = st.one_of(st.integers(0, 500).map(str), st.just("X"), st.just("1.5"), st.just("0.25"))
_unit = st.sampled_from(["Y", "M", "W", "D", "DE", "CE", "ML", "Q", "WE", "H", "S", "MI", "Z"])
_duration = st.tuples(
    st.lists(st.tuples(_number, _unit).map("".join), max_size=3).map("".join),
    st.sampled_from(["", "T"]),
    st.lists(st.tuples(_number, st.sampled_from(["H", "M", "S", "Y"])).map("".join), max_size=2).map("".join),
).map(lambda t: "P" + "".join(t))
_junk = st.text(alphabet="0123456789-TWXPQHSUFAIEVNMOR_ZY:+.", max_size=24)
VALUES = st.one_of(
    _base,
    st.tuples(_base, _clock).map("T".join),
    _duration,
    st.sampled_from(["PRESENT_REF", "PAST_REF", "FUTURE_REF", "X_REF", "PRESENT"]),
    _junk,
    st.text(max_size=30),
)
MODS = st.sampled_from(
    [
        None,
        "BEFORE",
        "AFTER",
        "ON_OR_BEFORE",
        "ON_OR_AFTER",
        "START",
        "MID",
        "END",
        "APPROX",
        "MORE_THAN",
        "LESS_THAN",
        "EQUAL_OR_MORE",
        "EQUAL_OR_LESS",
        "P1Y",
        "XX",
    ]  # fmt: skip
)
KINDS = st.sampled_from([None, "DATE", "TIME", "DURATION", "SET"])
STARTS = st.one_of(st.none(), _n(1, 9999, 4).map(lambda y: f"{y}-03-04"), _junk)


@settings(max_examples=3000, deadline=None)
@given(VALUES, MODS, STARTS, KINDS)
@example("2025-03-11TNI", None, None, None)
@example("2016-W26", "BEFORE", None, "DATE")
@example("PXDE", "MORE_THAN", None, "DURATION")
@example("FY2016-H1", "END", None, None)
@example("0000-W00-WE", None, None, None)
def test_no_label_shows_a_raw_code(value: str, mod: str | None, start: str | None, kind: str | None) -> None:
    words = label(value, mod, start, kind=kind)
    assert isinstance(words, str) and words.strip()
    assert not RAW.search(words), (value, mod, start, kind, words)


# ------------------------------------------------------------------ every value the tagger writes
def _real_texts() -> list[tuple[str, str, date | None]]:
    """(name, text, publication date) of the demo corpus, the founding article and, when the shared
    data are beside the repository, the shared seed and a few PolNeAR development files."""
    meta = load_metadata(DEMO.parent / "metadata.tsv")
    out = []
    for f in [*sorted(DEMO.glob("*.txt")), SEED]:
        published = meta.get(f.stem, {}).get("published") or re.match(r"\D*(\d{4}-\d{2}-\d{2})", f.stem)[1]
        out.append((f.name, f.read_text(encoding="utf-8"), date.fromisoformat(published)))
    seed = SHARED / "seed" / "000_ca187d1cd9f803a8.txt"
    if seed.is_file():
        out.append((seed.name, seed.read_text(encoding="utf-8"), date(2018, 1, 26)))
    polnear = SHARED / "data" / "polnear"
    if (polnear / "metadata.tsv").is_file():
        meta = load_metadata(polnear / "metadata.tsv")
        for f in sorted((polnear / "dev" / "text").glob("*.txt"))[::7]:  # a dozen, across the outlets
            published = meta.get(f.stem, {}).get("published")
            out.append(
                (f.name, f.read_text(encoding="utf-8"), date.fromisoformat(published) if published else None)
            )
    return out


def test_every_value_the_tagger_writes_on_real_text_reads_in_words() -> None:
    shapes: set[str] = set()
    checked = 0
    for name, text, published in _real_texts():
        for t in find_timexes(text, published):
            words = label(t.value, t.mod, kind=t.type)
            assert words not in {UNCLEAR, UNDATED} and not RAW.search(words), (
                name,
                t.text,
                t.value,
                t.mod,
                words,
            )
            shapes.add(_shape(t.value))
            checked += 1
    assert checked > 300
    # the corpus exercises the shapes a reader meets most
    assert {"day", "month", "year", "week", "part of day", "duration", "ref"} <= shapes, shapes


def _shape(value: str) -> str:
    if value.endswith("_REF"):
        return "ref"
    if value.startswith("P"):
        return "duration"
    if re.search(r"T(?:MO|AF|EV|NI|MI|DT)$", value):
        return "part of day"
    if "T" in value:
        return "time"
    if "-W" in value:
        return "week"
    return {10: "day", 7: "month", 4: "year"}.get(len(value), "other")


# ------------------------------------------------------------------ the CLI, the API and the pages
# on the web tests' store (webstore.build: the demo corpus, the founding article, a hostile article)
db, client = test_web.db, test_web.client  # their fixtures, built once for this module


def _outside_quotes(text: str) -> str:
    """What the CLI writes itself: article words are between curly quotes."""
    return re.sub(r"“[^”]*”?", "", text)


@pytest.mark.parametrize(
    "argv",
    [
        ["timeline", "Daniel Okafor", "--all"],
        ["timeline", "Russell Simmons"],
        ["quotes", "--limit", "1000"],
        ["contradictions", "Daniel Okafor"],
        ["relations", "Kimora Lee Simmons"],
        ["stats"],
    ],
)
def test_cli_text_shows_dates_in_words(db: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--db", str(db)]) == 0
    out = _outside_quotes(capsys.readouterr().out)
    assert not RAW.search(out), RAW.search(out)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", out), re.search(r".*\b\d{4}-\d{2}-\d{2}\b.*", out)[0]


def test_cli_timeline_lines_read_like_a_person_would_write_them(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["timeline", "Russell Simmons", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert any(line.startswith("Nov 2017 ") for line in lines)
    assert any(line.startswith("25 Jan 2018 ") for line in lines)
    assert "E! News, 26 Jan 2018: “" in out or "26 Jan 2018: “" in out  # the evidence's day in words
    assert main(["quotes", "--speaker", "Kimora Lee Simmons", "--db", str(db)]) == 0
    assert capsys.readouterr().out.count("\n25 Jan 2018 ") + 1 >= 5


def test_cli_json_keeps_the_iso_values_and_adds_labels(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timeline", "Russell Simmons", "--json", "--db", str(db)]) == 0
    entries = json.loads(capsys.readouterr().out)["entries"]
    month = next(e for e in entries if e["value"] == "2017-11")
    assert (month["date"], month["label"]) == ("2017-11", "Nov 2017")
    for e in entries:
        assert e["date"] == date_label(e["value"], e["mod"], e["date_start"])
        assert e["label"] == label(e["value"], e["mod"], e["date_start"])
        for ev in e["evidence"]:
            assert ev["published_label"] == label(ev["published"]) and not RAW.search(ev["published_label"])


def test_extract_text_shows_dates_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(SEED)]) == 0
    out = capsys.readouterr().out
    dates = out[out.index("Dates:") : out.index("Quotes (")]
    assert "Thursday = 25 Jan 2018" in dates and "over 25 years = more than 25 years" in dates
    assert "November = Nov 2017" in dates and "Now = now" in dates
    assert not RAW.search(_outside_quotes(out)) and "2018-01-25" not in out


def test_api_gives_a_label_beside_every_time_value(client: TestClient) -> None:
    okafor = next(
        p["id"] for p in client.get("/api/entities", params={"search": "Daniel Okafor"}).json()["items"]
    )
    entries = client.get(
        f"/api/entities/{okafor}/timeline", params={"limit": 2000, "min_confidence": 0}
    ).json()["entries"]
    assert len(entries) > 50
    for e in entries:
        assert e["label"] == label(e["value"], e["mod"], e["date_start"]) and not RAW.search(e["label"])
    labels = {e["label"] for e in entries}
    assert {"11 Mar 2025, night", "week of 3 Mar 2025", "by 4 Mar 2025"} <= labels, labels
    assert {"2025-03-11TNI", "2025-W10"} <= {e["value"] for e in entries}  # the values stay codes
    groups = client.get(f"/api/entities/{okafor}/events", params={"limit": 200, "min_confidence": 0}).json()
    for g in groups["groups"]:
        assert g["label"] == label(g["value"], g["mod"], g["date_start"])
        for r in g["reports"]:
            assert r["label"] == label(r["value"], r["mod"], r["date_start"])
            assert r["evidence"]["published_label"] == label(r["evidence"]["published"])
    quotes = client.get("/api/quotes", params={"speaker": okafor, "limit": 200}).json()["quotes"]
    assert quotes and all(q["label"] and not RAW.search(q["label"]) for q in quotes)
    assert {q["label"] for q in quotes} >= {"4 Mar 2025"}
    kimora = next(
        p["id"] for p in client.get("/api/entities", params={"search": "Kimora Lee Simmons"}).json()["items"]
    )
    spouse = next(
        r
        for r in client.get(f"/api/entities/{kimora}/relations").json()["relations"]
        if r["type"] == "spouse"
    )
    assert (spouse["start"], spouse["start_label"], spouse["end_label"]) == ("1998", "1998", "2009")


def test_api_article_spans_carry_the_words(client: TestClient) -> None:
    items = client.get("/api/articles", params={"limit": 50}).json()["items"]
    assert all(a["published_label"] == label(a["published"]) for a in items)
    seed = next(a for a in items if a["published"] == "2018-01-26")
    view = client.get(f"/api/articles/{seed['id']}").json()
    assert view["published_label"] == "26 Jan 2018"
    timexes = [s for s in view["spans"] if s["kind"] == "timex"]
    assert {(s["label"], s["detail"]["label"]) for s in timexes} >= {
        ("2018-01-25", "25 Jan 2018"),
        ("PXDE", "several decades"),
        ("PRESENT_REF", "now"),
    }
    quoted = [s for s in view["spans"] if s["kind"] == "quote" and s["detail"]["time"]]
    assert quoted and all(s["detail"]["time_label"] == label(s["detail"]["time"]) for s in quoted)


def test_pages_show_dates_in_words(client: TestClient) -> None:
    kimora = next(
        p["id"] for p in client.get("/api/entities", params={"search": "Kimora Lee Simmons"}).json()["items"]
    )
    page = client.get(f"/people/{kimora}").text
    assert '<span class="date">25 Jan 2018</span>' in page
    assert "E! News, 26 Jan 2018</a>" in page or ", 26 Jan 2018</a>" in page
    assert '<span class="date">(1998–2009)</span>' in page
    assert not re.search(r">[^<]*\b\d{4}-\d{2}-\d{2}\b[^<]*<", page)  # no ISO day in any text node
    home = client.get("/").text
    assert "26 Jan 2018" in home and not re.search(r"· \d{4}-\d{2}-\d{2}", home)
    seed = next(
        a
        for a in client.get("/api/articles", params={"limit": 50}).json()["items"]
        if a["published"] == "2018-01-26"
    )
    article = client.get(f"/articles/{seed['id']}").text
    assert '<time class="timex" title="25 Jan 2018" datetime="2018-01-25">' in article
    assert 'title="several decades" datetime="PXDE"' in article
