"""The temporal tagger and quote times, on short news texts written for these tests."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import storyline
from storyline.contract import to_json
from storyline.intervals import granularity
from storyline.nlp import lexicon
from storyline.nlp.pipeline import load, make_doc, to_article
from storyline.nlp.time.normalisers import NORMALISERS
from storyline.nlp.time.tagger import find_timexes
from storyline.nlp.time.words import PATTERNS

FRIDAY = date(2021, 3, 12)  # a Friday


def tag(text: str, dct: date = FRIDAY) -> dict[str, tuple[str, str, str | None]]:
    """The timexes the pipeline's time stage gives for a text published on `dct`."""
    nlp = load()
    doc = nlp(make_doc(nlp, text, dct))
    return {t.text: (t.type, t.value, t.mod) for t in doc._.timexes}


@pytest.mark.parametrize(
    ("text", "expression", "expected"),
    [
        ("The minister resigned on Wednesday.", "Wednesday", ("DATE", "2021-03-10", None)),
        ("The minister will resign on Wednesday.", "Wednesday", ("DATE", "2021-03-17", None)),
        ("The council met on Friday.", "Friday", ("DATE", "2021-03-12", None)),
        ("Back in November, the paper published its report.", "November", ("DATE", "2020-11", None)),
        ("The festival will open in June.", "June", ("DATE", "2021-06", None)),
        ("She was born on July 4, 1976, in Ohio.", "July 4, 1976", ("DATE", "1976-07-04", None)),
        ("The deadline was extended to March 20.", "March 20", ("DATE", "2021-03-20", None)),
        ("The ceasefire began yesterday.", "yesterday", ("DATE", "2021-03-11", None)),
        ("Talks resume tomorrow morning.", "tomorrow morning", ("TIME", "2021-03-13TMO", None)),
        ("The vote is at 10:30 a.m.", "10:30 a.m.", ("TIME", "2021-03-12T10:30", None)),
        ("Sales fell last year.", "last year", ("DATE", "2020", None)),
        ("Prices rose this month.", "this month", ("DATE", "2021-03", None)),
        ("The plant closed two weeks ago.", "two weeks ago", ("DATE", "2021-W08", None)),
        ("The firm was founded in the 1990s.", "the 1990s", ("DATE", "199X", None)),
        ("Profit fell in the third quarter.", "the third quarter", ("DATE", "2020-Q3", None)),
        ("They have been friends for over 25 years.", "over 25 years", ("DURATION", "P25Y", "MORE_THAN")),
        ("The talks lasted nearly three hours.", "nearly three hours", ("DURATION", "PT3H", "LESS_THAN")),
        ("The feud has gone on for many decades.", "many decades", ("DURATION", "PXDE", None)),
        ("The shop opens daily.", "daily", ("SET", "P1D", None)),
        ("Stores were packed on Christmas Eve.", "Christmas Eve", ("DATE", "2020-12-24", None)),
        ("Turnout was higher on Thanksgiving.", "Thanksgiving", ("DATE", "2020-11-26", None)),
        ("Things are different now.", "now", ("DATE", "PRESENT_REF", None)),
        ("The dispute began in late 2019.", "late 2019", ("DATE", "2019", "END")),
        ("The law dates from nineteen ninety-six.", "nineteen ninety-six", ("DATE", "1996", None)),
        ("He waited a couple of years.", "a couple of years", ("DURATION", "P2Y", None)),
        ("The talks need two more weeks.", "two more weeks", ("DURATION", "P2W", None)),
        ("Fighting continued over the weekend.", "the weekend", ("DATE", "2021-W09-WE", None)),
        ("The dividend is payable Dec. 15.", "Dec. 15", ("DATE", "2021-12-15", None)),
        ("Prices have risen in recent weeks.", "recent weeks", ("DURATION", "PXW", None)),
        ("They settled a decades-long dispute.", "a decades-long", ("DURATION", "PXDE", None)),
        ("She hopes she will one day run the company.", "one day", ("DATE", "FUTURE_REF", None)),
        ("The strike lasted one day.", "one day", ("DURATION", "P1D", None)),
        ("Sales dropped through the nineties.", "the nineties", ("DATE", "199X", None)),
        ("Net income for the year ended June 30 rose.", "the year", ("DURATION", "P1Y", None)),
        ("Sales rose in the quarter ended Jan. 31.", "the quarter", ("DATE", "2020-Q4", None)),
        ("Sales rose in the quarter ended Sept. 30.", "the quarter", ("DATE", "2020-Q3", None)),
        ("A deal is likely in the near future.", "the near future", ("DATE", "FUTURE_REF", None)),
    ],
)
def test_expressions_resolve_against_the_publication_date(
    text: str, expression: str, expected: tuple
) -> None:
    assert tag(text)[expression] == expected


def test_anaphora_resolve_against_the_last_date_and_name_their_anchor() -> None:
    text = (
        "Back in May, the board met in secret. That same month, the chairman quit.\n"
        "On March 3, the regulator wrote to the board. The next day, shares fell. A week later, he resigned."
    )
    nlp = load()
    tx = {t.text: t for t in nlp(make_doc(nlp, text, FRIDAY))._.timexes}
    assert tx["May"].value == "2020-05" and tx["May"].anchor == "t0"
    assert tx["That same month"].value == "2020-05" and tx["That same month"].anchor == tx["May"].id
    assert tx["March 3"].value == "2021-03-03"
    assert tx["The next day"].value == "2021-03-04" and tx["The next day"].anchor == tx["March 3"].id
    assert tx["A week later"].value == "2021-W10"


@pytest.mark.parametrize(
    "text",
    [
        "The company paid $5 million for 2000 shares.",
        "He is 25 years old and lives in Leeds.",
        "Call 555-1998 for tickets.",
        "The team won 3-1 in front of 1999 fans.",
        "Three-quarters of voters agreed.",
        "Highs will reach the nineties, forecasters said.",
        "The senator, in his sixties, declined to comment.",
        "Two thousand people marched.",
        "Congress may vote on it.",
    ],
)
def test_numbers_that_are_not_dates_give_no_date(text: str) -> None:
    assert [v for (typ, v, _) in tag(text).values() if typ == "DATE"] == []


def test_granularity_of_values() -> None:
    assert [
        granularity(v) for v in ["2018-01-25", "2017-11", "1991", "199X", "2018-W04", "P25Y", "PAST_REF"]
    ] == [
        "day",
        "month",
        "year",
        "decade",
        "week",
        "duration",
        "ref",
    ]


def test_no_publication_date_gives_no_relative_values() -> None:
    values = {t.text: t.value for t in find_timexes("It happened on Thursday in 1998.", None, None)}
    assert values == {"1998": "1998"}


def test_quotes_take_the_time_of_their_attribution_paragraph_or_previous_quote() -> None:
    text = (
        "date 2019-05-03 Mayor defends budget\n"
        "Mayor Laura Chen defended the budget on Thursday.\n"
        '"We kept every promise," Chen wrote on Facebook. "Every single one."\n'
        "Back in January, the council rejected an earlier plan.\n"
        '"I remember the winter of 1998 well," councillor Mark Evans said.\n'
        '"This is a good day," said Ana Ruiz, who has no date.\n'
    )
    article = storyline.extract(text)
    times = {q.text: (q.time.value if q.time else None) for q in article.quotes}
    assert times["We kept every promise"] == "2019-05-02"
    assert times["Every single one."] == "2019-05-02"
    # the date inside the quote (1998) dates what he talks about, not the statement
    assert times["I remember the winter of 1998 well"] == "2019-01"
    assert times["This is a good day"] is None


def test_a_date_of_a_noun_or_of_the_speakers_aside_dates_no_quote() -> None:
    """ "X, who resigned last month, said": the date is the resignation's; a date attached to a
    noun in the paragraph before ("a change of tone from March") is that thing's; but a statement's
    or a filing's own date ("in a statement issued on Monday", "the complaint filed last
    Wednesday") dates the words, as a date on the verb of the paragraph before does."""
    text = (
        "date 2025-05-20 Board finds records altered\n"
        "It was a sharp change of tone from March, when the firm called the claims false.\n"
        '"The logs were fake," Lucy Brennan said.\n'
        "Dan Ortiz, who resigned as chief executive last month, said the report cleared him.\n"
        'In a statement issued on Monday, Acme said: "We are sorry."\n'
        "The complaint filed last Wednesday by Priya Raman says that she was fired.\n"
        "Ana Ruiz defended him on Thursday.\n"
        '"He is kind," she wrote.\n'
    )
    article = storyline.extract(text)
    times = {q.text: (q.time.value if q.time else None) for q in article.quotes}
    assert times["The logs were fake"] is None
    assert times["the report cleared him"] is None
    assert times["We are sorry."] == "2025-05-19"
    assert times["she was fired"] == "2025-05-14"
    assert times["He is kind"] == "2025-05-15"


# Each text once made the tense resolver climb from a root infinitive to itself, for ever.
LOOPED = ["To leave on Monday.", "to Monday said he", "To be announced Friday, to go."]
_TAG_IN_A_CHILD = """
import json, sys
from datetime import date
from storyline.nlp.pipeline import load, make_doc
nlp = load()
out = {}
for text in json.loads(sys.argv[1]):
    out[text] = sorted(t.text for t in nlp(make_doc(nlp, text, date(2021, 3, 12)))._.timexes)
print(json.dumps(out))
"""


def test_infinitives_at_the_root_do_not_loop() -> None:
    """Tagged in a child process that is killed after 120 s: a loop fails the test, not the run."""
    src = str(Path(storyline.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-c", _TAG_IN_A_CHILD, json.dumps(LOOPED)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail("the tagger did not finish within 120 s on a root infinitive")
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    assert {text: sorted(set(found[text]) & {"Monday", "Friday"}) for text in LOOPED} == {
        LOOPED[0]: ["Monday"],
        LOOPED[1]: ["Monday"],
        LOOPED[2]: ["Friday"],
    }


def test_the_pipeline_alone_gives_the_timexes_quote_times_and_event_times_that_extract_gives() -> None:
    text = (
        "Mayor quits\n\n"
        'Mayor Laura Chen resigned on Thursday. "It was time," Chen told reporters on Friday.\n'
        "She married Tom Reyes in 2009, and the two divorced last year."
    )
    article = storyline.extract(text, FRIDAY)
    nlp = load()
    doc = nlp(make_doc(nlp, article.text, FRIDAY))
    assert [(t.text, t.value) for t in doc._.timexes] == [
        ("Thursday", "2021-03-11"),
        ("Friday", "2021-03-12"),
        ("2009", "2009"),
        ("last year", "2020"),
    ]
    assert [t.value if t else None for t in doc._.quote_times] == ["2021-03-12"]
    when = [(f.type, t.value if t else None) for f, t in zip(doc._.events, doc._.event_times, strict=True)]
    assert ("resignation", "2021-03-11") in when
    assert when == [(e.type, e.time.value if e.time else None) for e in article.events]
    # to_article only converts what the components found: extract's JSON, to the byte
    assert to_json(to_article(doc, article)) == to_json(article)


def test_the_pattern_table_and_the_normalisers_name_each_other() -> None:
    rules = [name for kind, name, _ in lexicon.patterns(PATTERNS) if kind == "rule"]
    assert set(rules) == set(NORMALISERS) and len(rules) == 37


def test_a_time_stage_that_raises_fails_its_article_with_the_reason_and_keeps_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from storyline.nlp.pipeline import Extractor
    from storyline.nlp.time import components

    def broken(text: str, dct: date | None, doc: object = None) -> list:
        if "BROKEN" in text:
            raise RuntimeError("no clock")
        return find_timexes(text, dct, doc)

    monkeypatch.setattr(components, "find_timexes", broken)
    texts = ['"It works," Ana Ruiz said on Monday. BROKEN', '"It works," Ana Ruiz said on Monday.']
    broke, fine = Extractor().annotate([storyline.Article(text=t, published=FRIDAY) for t in texts])
    assert broke.warnings == ["extraction failed (time: RuntimeError: no clock)"]
    assert broke.timexes == [] and [q.time for q in broke.quotes] == [None]
    assert [q.speaker_name for q in broke.quotes] == ["Ana Ruiz"]
    assert fine.warnings == [] and [(t.text, t.value) for t in fine.timexes] == [("Monday", "2021-03-08")]


def test_the_trigger_trie_matches_the_longest_word_at_each_start() -> None:
    from storyline.nlp.lexicon import trie_alternation as _trie
    from storyline.nlp.time.tagger import _windows

    keys = {"jul", "july", "june", "may", "christmas", "christmas eve"}
    pattern = re.compile(rf"\b(?:{_trie(keys)})", re.IGNORECASE)
    text = "July, Jul. and JUNE; Christmas Eve or Christmas; mayor"
    assert [m.group() for m in pattern.finditer(text)] == [
        "July",
        "Jul",
        "JUNE",
        "Christmas Eve",
        "Christmas",
        "may",
    ]
    longest_first = re.compile(
        r"\b(?:" + "|".join(re.escape(k) for k in sorted(keys, key=lambda k: (-len(k), k))) + ")",
        re.IGNORECASE,
    )
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in longest_first.finditer(text)]
    # a window runs from 70 characters before its trigger to 50 after the whole word ("July")
    assert _windows("x" * 100 + " in July") == [(34, 108, frozenset({"month"}))]


def test_a_rule_runs_only_where_a_trigger_it_can_hold_opened_the_window() -> None:
    """A window carries the classes of its triggers; a rule holds the classes of the trigger words
    written in it (whole words, not group names), so the month rules skip "42 percent"."""
    from storyline.nlp.time.tagger import _rule_classes, _table, _windows

    far = " " + "x" * 130 + " "
    assert _windows("rose 42 percent" + far + "next Friday night") == [
        (0, 57, frozenset({"digit"})),
        (82, 164, frozenset({"weekday", "part"})),
    ]
    by_rule: dict[str, set[str]] = {}
    for (_, fn), classes in zip(_table(), _rule_classes(), strict=True):
        by_rule.setdefault(fn.__name__.removeprefix("r_"), set()).update(classes)
    assert by_rule["season"] >= {"season"} and "weekday" not in by_rule["season"]
    assert by_rule["ref"] == {"ref"} and by_rule["weekend"] == {"unit"}
    assert "digit" not in by_rule["relative"] and "digit" in by_rule["year"]
    found = storyline.extract("It rose 42 percent" + far + "next Friday night.", published=date(2021, 3, 3))
    assert [(t.text, t.value) for t in found.timexes] == [("next Friday night", "2021-03-05TNI")]
