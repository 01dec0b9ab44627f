"""Timex scoring: the TempEval-3 figures on hand-made lists, both corpus readers on invented files,
and the readers' offsets on the first real file of each shared corpus (skipped when absent)."""

from __future__ import annotations

import argparse
import json
import re
from datetime import date
from pathlib import Path

import pytest

from storyline.eval import timex as tx
from storyline.model import Timex

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TBAQ = SHARED / "data" / "tbaq"
MEANTIME = SHARED / "data" / "meantime" / "corpus_apple"


def t(start: int, text: str, value: str = "", type_: str = "DATE") -> Timex:
    return Timex(id=f"x{start}", text=text, start=start, end=start + len(text), type=type_, value=value)


# --- scorer --------------------------------------------------------------------------------------

GOLD = [
    t(0, "Yesterday", "2008-03-04"),
    t(14, "March 5 2008", "2008-03-05"),
    t(52, "next week", "2008-W11"),
    t(70, "20 days", "P20D", "DURATION"),
]
SYSTEM = [
    t(0, "Yesterday", "2008-03-04"),  # strict, right value
    t(11, "on March 5 2008", "2008-03-05"),  # relaxed only, right value
    t(52, "next", "2008-W12", "DURATION"),  # relaxed, wrong value and type
    t(80, "today", "2008-03-05"),  # spurious
    t(0, "Yes", "2008-03-04"),  # overlaps a gold already taken by a larger overlap: spurious
]


def test_figures_on_hand_made_lists() -> None:
    tally = tx.Tally()
    pairs = tally.add(GOLD, SYSTEM)
    assert pairs == [(0, 0), (1, 1), (2, 2)]
    f = tally.figures()
    assert (f["gold"], f["system"]) == (4, 5)
    assert (f["precision"], f["recall"], f["f1"]) == (0.6, 0.75, 0.667)
    assert (f["strict_precision"], f["strict_recall"], f["strict_f1"]) == (0.2, 0.25, 0.222)
    assert (f["type_accuracy"], f["value_accuracy"]) == (0.667, 0.667)
    assert (f["value_f1"], f["value_recall"]) == (0.444, 0.5)


def test_micro_average_sums_counts_across_documents() -> None:
    tally = tx.Tally()
    tally.add([t(0, "today", "A")], [t(0, "today", "A")])
    tally.add([t(0, "May", "B"), t(10, "June", "C")], [])
    f = tally.figures()
    assert (f["precision"], f["recall"], f["value_accuracy"]) == (1.0, 0.333, 1.0)
    assert f["value_recall"] == 0.333


def test_value_notations_of_one_value_compare_equal_and_exact_string_is_reported() -> None:
    assert tx.same_value("199", "199X") and tx.same_value("19XX", "19")
    assert tx.same_value("2000-W7", "2000-W07") and tx.same_value("2000-W7-WE", "2000-W07-WE")
    assert not tx.same_value("199", "1990") and not tx.same_value("2000-W17", "2000-W07")
    assert not tx.same_value("1998-XX", "1998") and not tx.same_value("P1D", "P1DX")
    tally = tx.Tally()
    tally.add(
        [t(0, "the 1990s", "199"), t(20, "this week", "2000-W7")],
        [t(0, "the 1990s", "199X"), t(20, "this week", "2000-W08")],
    )
    f = tally.figures()
    assert f["value_accuracy"] == 0.5 and f["value_f1_exact_string"] == 0.0


def test_greedy_match_prefers_largest_overlap_and_is_one_to_one() -> None:
    gold = [t(0, "0123456789"), t(12, "23456789")]
    system = [t(5, "5678901234567"), t(0, "0123")]  # 5-18: 5 chars of the first, 6 of the second
    assert tx.match(gold, system) == [(0, 1), (1, 0)]
    assert tx.match(gold, [t(10, "  ")]) == []  # touching the gap only: no overlap
    assert tx.match([], system) == [] and tx.match(gold, []) == []


def test_strict_ignores_surrounding_whitespace() -> None:
    tally = tx.Tally()
    tally.add([t(10, "March 5")], [t(9, " March 5 ")])
    assert tally.figures()["strict_f1"] == 1.0


def test_empty_system_scores_zero_without_dividing_by_zero() -> None:
    tally = tx.Tally()
    tally.add(GOLD, [])
    f = tally.figures()
    assert f["f1"] == f["value_f1"] == f["type_accuracy"] == 0.0 and f["gold"] == 4


# --- readers -------------------------------------------------------------------------------------

TIMEML = """<?xml version="1.0" ?>
<TimeML xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<DOCID>X1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="1998-08-07T10:00:00" temporalFunction="false" \
functionInDocument="CREATION_TIME">19980807</TIMEX3></DCT>
<TEXT>
AT&amp;T said <TIMEX3 tid="t1" type="DATE" value="1998-08-06" functionInDocument="NONE">yesterday</TIMEX3> \
that <EVENT eid="e1" class="OCCURRENCE">profits</EVENT> rose for <TIMEX3 tid="t2" type="DURATION" \
value="P3M" mod="MORE_THAN">more than <EVENT eid="e2">three</EVENT> months</TIMEX3>.
</TEXT>
</TimeML>
"""


def test_read_timeml(tmp_path: Path) -> None:
    path = tmp_path / "x1.tml"
    path.write_text(TIMEML, encoding="utf-8")
    doc = tx.read_timeml(path)
    assert doc.dct == date(1998, 8, 7)
    assert doc.text == "\nAT&T said yesterday that profits rose for more than three months.\n"
    assert [(x.id, x.text, x.type, x.value, x.mod) for x in doc.timexes] == [
        ("t1", "yesterday", "DATE", "1998-08-06", None),
        ("t2", "more than three months", "DURATION", "P3M", "MORE_THAN"),
    ]
    assert all(doc.text[x.start : x.end] == x.text for x in doc.timexes)


CAT = """<?xml version="1.0" ?><Document doc_id="1" doc_name="x" lang="en">
{tokens}
<Markables>
<TIMEX3 functionInDocument="CREATION_TIME" m_id="20" type="DATE" value="2008-03-06">{dateline}</TIMEX3>
<TIMEX3 functionInDocument="NONE" m_id="21" type="DATE" value="2007">\
<token_anchor t_id="9"/><token_anchor t_id="10"/></TIMEX3>
<TIMEX3 TAG_DESCRIPTOR="2003" functionInDocument="NONE" m_id="22" type="DATE" value="2003"/>
<ENTITY_MENTION m_id="23"><token_anchor t_id="1"/></ENTITY_MENTION>
</Markables>
<Relations/>
</Document>
"""
WORDS = [(0, "Apple"), (0, "news"), (1, "March"), (1, "06"), (1, ","), (1, "2008")]
WORDS += [(2, "Sales"), (2, "rose"), (2, "last"), (2, "year"), (2, ".")]
TOKENS = "\n".join(
    f'<token number="{i}" sentence="{s}" t_id="{i + 1}">{w}</token>' for i, (s, w) in enumerate(WORDS)
)


@pytest.mark.parametrize("anchored", [True, False])
def test_read_meantime(tmp_path: Path, anchored: bool) -> None:
    dateline = "".join(f'<token_anchor t_id="{i}"/>' for i in (3, 4, 5, 6)) if anchored else ""
    path = tmp_path / "x.xml"
    path.write_text(CAT.format(tokens=TOKENS, dateline=dateline), encoding="utf-8")
    doc = tx.read_meantime(path)
    assert doc.text == "Apple news\nMarch 06 , 2008\nSales rose last year ."
    assert doc.dct == date(2008, 3, 6)
    expected = [("20", "March 06 , 2008", "2008-03-06")] if anchored else []
    expected.append(("21", "last year", "2007"))
    assert [(x.id, x.text, x.value) for x in doc.timexes] == expected
    assert all(doc.text[x.start : x.end] == x.text for x in doc.timexes)


def _first(directory: Path, pattern: str) -> Path:
    if not directory.is_dir():
        pytest.skip(f"{directory} is not available")
    return sorted(directory.rglob(pattern))[0]


def test_first_real_timeml_file() -> None:
    doc = tx.read_timeml(_first(TBAQ, "*.tml"))
    assert doc.dct is not None and doc.timexes
    assert all(doc.text[x.start : x.end] == x.text and x.text.strip() for x in doc.timexes)
    assert all(x.type in {"DATE", "TIME", "DURATION", "SET"} and x.value for x in doc.timexes)


def test_first_real_meantime_file() -> None:
    doc = tx.read_meantime(_first(MEANTIME, "*.xml"))
    assert doc.dct is not None and doc.timexes
    assert all(doc.text[x.start : x.end] == x.text and x.text.strip() for x in doc.timexes)


# --- systems and the report ----------------------------------------------------------------------


def test_dateparser_offsets_and_values() -> None:
    text = "On Friday, August 7, 1998, the embassy was bombed. At 10:30 a.m. police arrived."
    found = tx.run_dateparser(tx.TimexDoc("x", text, date(1998, 8, 10)))
    assert found
    for x in found:
        assert text[x.start : x.end] == x.text and x.type == "DATE"
        assert re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d)?", x.value)
    assert any(x.value == "1998-08-07" for x in found)
    assert any("10:30" in x.text and x.value.endswith("T10:30") for x in found)


def test_evaluate_report_main_and_mismatches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x1.tml").write_text(TIMEML, encoding="utf-8")
    # storyline's tagger is stood in for, so the figures are known whatever it does today
    monkeypatch.setattr(tx, "run_storyline", lambda docs: [[t(11, "yesterday", "1998-08-05"), t(1, "AT")]])
    result = tx.evaluate("timeml", tmp_path, baseline=True)
    assert (result["documents"], result["gold_timexes"]) == (1, 2)
    ours = result["systems"]["storyline"]
    assert (ours["precision"], ours["recall"], ours["value_accuracy"]) == (0.5, 0.5, 0.0)
    assert set(result["systems"]) == {"storyline", "dateparser"}
    report = tx.format_report(result)
    assert "relaxed F1" in report and "value recall" in report and "dateparser" in report

    args = argparse.Namespace(corpus="timeml", dir=str(tmp_path), limit=None, no_baseline=True, json=True)
    assert tx.main(args) == 0
    assert list(json.loads(capsys.readouterr().out)["systems"]) == ["storyline"]

    [(name, found)] = list(tx.iter_mismatches("timeml", tmp_path))
    assert name == "x1.tml"
    assert sorted((m.kind, m.text, m.gold_value, m.system_value) for m in found) == [
        ("missed", "more than three months", "P3M", None),
        ("spurious", "AT", None, ""),
        ("value", "yesterday", "1998-08-06", "1998-08-05"),
    ]
    assert all(len(m.context) <= len(m.text) + 60 for m in found)


def test_unknown_corpus_and_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        tx.load_corpus("tempeval", tmp_path)
    with pytest.raises(OSError):
        tx.load_corpus("timeml", tmp_path)
