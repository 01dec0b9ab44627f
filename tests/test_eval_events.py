"""`storyline eval events` on articles.jsonl + gold.json: the scoring rules of the events_news README,
checked on small articles written for these tests."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import pytest

import storyline
from storyline.eval import events as ev_eval
from storyline.eval import events_news as news
from storyline.model import Article, Entity, Event, Span, TimeValue

TEXT = (
    "Ann Lee denied the report and Bob Roe rejected the claim. "
    "Later that day Carla Diaz resigned from Nortown Council."
)
SENT1 = (0, TEXT.index("Later") - 1)
SENT2 = (TEXT.index("Later"), len(TEXT))


def at(word: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def system_event(kind: str, word: str, sentence: tuple[int, int], **extra: object) -> dict:
    start, end = at(word)
    return {"type": kind, "trigger": word, "start": start, "end": end,
            "sentence": {"start": sentence[0], "end": sentence[1]}, "args": {}, "time": None,
            "modality": "asserted", **extra}  # fmt: skip


def gold_event(kind: str, word: str, **extra: object) -> dict:
    return {"type": kind, "trigger": word, "start": at(word)[0], "agents": [], "targets": [],
            "modality": "asserted", "time": None, **extra}  # fmt: skip


def doc(events: list[dict], entities: list[dict] | None = None, relations: list[dict] | None = None) -> dict:
    return {
        "article": {"text": TEXT},
        "entities": entities or [],
        "events": events,
        "relations": relations or [],
    }


def test_overlap_matches_are_made_before_sentence_matches() -> None:
    # the first system event overlaps no gold trigger but shares the sentence of both denials; taken in
    # text order with a single pass it would take "denied" from the system event that found that word
    gold = [gold_event("denial", "denied"), gold_event("denial", "rejected")]
    system = [system_event("denial", "Ann", SENT1), system_event("denial", "denied the", SENT1)]
    assert news.match_events(system, gold) == [(1, 0, "overlap"), (0, 1, "sentence")]


def test_a_partial_overlap_matches_and_the_sentence_must_contain_the_whole_gold_trigger() -> None:
    gold = [gold_event("denial", "rejected the claim")]
    assert news.match_events([system_event("denial", "claim. Later", SENT2)], gold) == [(0, 0, "overlap")]
    # a sentence that stops inside the gold trigger does not hold it
    short = (0, at("rejected the")[1])
    assert news.match_events([system_event("denial", "Ann", short)], gold) == []
    # nor does another type match, however close
    assert news.match_events([system_event("accusation", "rejected", SENT1)], gold) == []


def test_matching_is_one_to_one_and_precision_counts_the_extra_event() -> None:
    gold = [gold_event("resignation", "resigned")]
    system = [system_event("resignation", "resigned", SENT2), system_event("resignation", "Carla", SENT2)]
    assert news.match_events(system, gold) == [(0, 0, "overlap")]
    tally = news.NewsTally()
    detail = news.score_article(doc(system), {"events": gold, "relations": []}, tally, "a1")
    scores = tally.events["resignation"].scores()
    assert (scores["found"], scores["expected"], scores["right"]) == (2, 1, 1)
    assert (scores["precision"], scores["recall"], scores["f1"]) == (0.5, 1.0, 0.667)
    assert [(e["type"], e["trigger"]) for e in detail["unmatched_system"]] == [("resignation", "Carla")]
    assert detail["missed"] == []


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Trump", "Donald Trump", True),  # one of them a single word
        ("Donald J. Trump", "Donald Trump", True),  # first and last words agree
        ("DONALD TRUMP", "donald trump", True),
        ("Trump's", "Donald Trump", True),  # possessive stripped
        ("Ouisa Davis'", "Ouisa Davis", True),  # punctuation stripped
        ("Hillary Clinton", "Bill Clinton", False),  # last words agree, first do not
        ("Donald Trump Jr.", "Donald Trump", False),  # last words differ
        ("Clinton campaign", "Hillary Clinton", False),
        ("", "Trump", False),
    ],
)
def test_names_match_on_last_word_and_first_word_or_a_single_word(a: str, b: str, same: bool) -> None:
    assert news.names_match(a, b) is same
    assert news.names_match(b, a) is same


def test_participants_are_right_only_when_both_sides_are_covered() -> None:
    assert news.same_people([], [])
    assert news.same_people(["Donald Trump"], ["Trump"])
    assert not news.same_people(["Donald Trump"], ["Trump", "Mike Pence"])  # an extra system agent
    assert not news.same_people(["Donald Trump", "Mike Pence"], ["Trump"])  # a missing one
    assert not news.same_people([], ["Trump"])


def test_agents_use_the_canonical_name_not_an_alias() -> None:
    # a resolver that wrongly attached "Hillary Clinton" as an alias of Bill Clinton must not make him right
    entities = [
        {"id": "e1", "name": "Bill Clinton", "type": "PERSON", "aliases": ["Clinton", "Hillary Clinton"]},
        {"id": "e2", "name": "Nortown Council", "type": "ORG", "aliases": []},
    ]
    system = [system_event("resignation", "resigned", SENT2, args={"agent": ["e1"], "target": ["e2"]})]
    gold = [gold_event("resignation", "resigned", agents=["Hillary Clinton"], targets=["Nortown Council"])]
    tally = news.NewsTally()
    detail = news.score_article(doc(system, entities), {"events": gold, "relations": []}, tally, "a1")
    assert tally.aspects == {"agents": 0, "targets": 1, "modality": 1, "time": 1}
    assert detail["matched_wrong"][0]["wrong"] == {
        "agents": {"gold": ["Hillary Clinton"], "system": ["Bill Clinton"]}
    }


@pytest.mark.parametrize(
    ("gold", "system", "right"),
    [
        ("2016-09-16", {"value": "2016-09-16", "mod": None}, True),
        ("2016-09-16", {"value": "2016-09-15", "mod": None}, False),
        ("2016-09-16", {"value": "2016-09-16", "mod": "BEFORE"}, False),  # a bound is not the time
        ("2016-W37", {"value": "2016-W37", "mod": None}, True),
        ("2016-09-16", None, False),
        ({"before": "2016-09-16"}, {"value": "2016-09-16", "mod": "BEFORE"}, True),  # on D
        ({"before": "2016-09-16"}, {"value": "2016-09-10", "mod": "BEFORE"}, True),  # before D
        ({"before": "2016-09-16"}, {"value": "2016-09-17", "mod": "BEFORE"}, False),  # after D
        ({"before": "2016-09-16"}, {"value": "2016-09", "mod": "BEFORE"}, True),  # before 2016-09-01
        ({"before": "2016-09-16"}, {"value": "2016-10", "mod": "BEFORE"}, False),
        ({"before": "2016-09-16"}, {"value": "2016-09-10", "mod": None}, False),  # a date is not a bound
        ({"before": "2016-09-16"}, {"value": "2016-09-10", "mod": "AFTER"}, False),
        ({"before": "2016-09-16"}, None, False),
        (None, None, True),
        (None, {"value": "2016-09-16", "mod": "BEFORE"}, True),  # only a bound
        (None, {"value": "2016-09-20", "mod": "AFTER"}, True),
        (None, {"value": "2016-09-20", "mod": None}, False),
    ],
)
def test_time_rule(gold: object, system: dict | None, right: bool) -> None:
    assert news.time_right(gold, system) is right


def test_relations_match_either_way_only_for_symmetric_types() -> None:
    gold = [
        {"type": "spouse", "head": "Hillary Clinton", "tail": "Bill Clinton"},
        {"type": "employee", "head": "Josh Earnest", "tail": "White House"},
    ]
    system = [
        ("spouse", "Bill Clinton", "Hillary Clinton"),  # reversed: still right
        ("employee", "White House", "Josh Earnest"),  # reversed: wrong
        ("employee", "Earnest", "White House"),
        ("employee", "Josh Earnest", "White House"),  # gold already taken: one to one
    ]
    assert news.match_relations(system, gold) == [(0, 0), (2, 1)]
    entities = [
        {"id": "e1", "name": "Bill Clinton", "aliases": []},
        {"id": "e2", "name": "Hillary Clinton", "aliases": []},
        {"id": "e3", "name": "Ann Lee", "aliases": []},
        {"id": "e4", "name": "Bob Roe", "aliases": []},
    ]
    relations = [
        {"type": "spouse", "head": "e1", "tail": "e2"},
        {"type": "child", "head": "e3", "tail": "e4"},
    ]
    tally = news.NewsTally()
    wanted = [*gold, {"type": "child", "head": "Bob Roe", "tail": "Ann Lee"}]
    detail = news.score_article(
        doc([], entities, relations), {"events": [], "relations": wanted}, tally, "a1"
    )
    assert tally.relations["spouse"].scores()["f1"] == 1.0
    assert (tally.relations["child"].found, tally.relations["child"].right) == (1, 0)  # child is directed
    assert detail["relations_unmatched_system"] == [{"type": "child", "head": "Ann Lee", "tail": "Bob Roe"}]
    assert [r["type"] for r in detail["relations_missed"]] == ["employee", "child"]


def write_set(directory: Path, articles: list[dict], gold: object) -> Path:
    directory.mkdir(exist_ok=True)
    (directory / "articles.jsonl").write_text(
        "".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8"
    )
    (directory / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    return directory


ARTICLE = {"id": "a1", "published": "2022-03-15", "title": "Ostrov quits", "text": TEXT}


def test_evaluate_builds_dated_articles_and_reports_matched_accuracy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the extraction replaced, so that the figures depend on the scorer alone."""
    gold = [
        {
            "id": "a1",
            "events": [
                gold_event("denial", "denied", agents=["Ann Lee"], time={"before": "2022-03-15"}),
                gold_event("denial", "rejected", agents=["Bob Roe"], time="2022-03-14"),
                gold_event("resignation", "resigned", agents=["Carla Diaz"], modality="hedged"),
            ],
            "relations": [],
        }
    ]
    seen = []

    def fake_extract_many(articles: Iterable[Article]) -> Iterator[Article]:
        for a in articles:
            seen.append(a)
            a.entities = [Entity("e1", "Ann Lee", "PERSON", [], [])]
            s1, s2 = Span(*SENT1, ""), Span(*SENT2, "")
            a.events = [
                Event("v1", "denial", "denied", *at("denied"), s1, TimeValue("2022-03-15", "day", "BEFORE"),
                      {"agent": ["e1"]}),
                Event("v2", "denial", "Bob", *at("Bob"), s1, TimeValue("2022-03-14", "day"), {}),
                Event("v3", "statement", "Later", *at("Later"), s2),
            ]  # fmt: skip
            yield a

    monkeypatch.setattr(storyline, "extract_many", fake_extract_many)
    result = news.evaluate_news(write_set(tmp_path / "set", [ARTICLE], gold))
    assert [(a.input_id, a.title, a.published, a.text) for a in seen] == [
        ("a1", "Ostrov quits", date(2022, 3, 15), TEXT)
    ]
    assert result["events"]["all"] == {"expected": 3, "found": 3, "right": 2, "precision": 0.667,
                                            "recall": 0.667, "f1": 0.667, "fully_right": 1}  # fmt: skip
    m = result["matched"]
    assert (m["events"], m["by_overlap"], m["by_sentence"]) == (2, 1, 1)
    assert (m["agents"], m["targets"], m["modality"], m["time"], m["fully_right"]) == (
        0.5,
        1.0,
        1.0,
        1.0,
        0.5,
    )
    report = news.format_news_report(result)
    assert "of 2 matched events (1 by trigger overlap, 1 by sentence):" in report
    assert "  agents        0.500  (1/2)" in report
    misses = news.format_news_misses(result)
    assert "== a1: gold 3, system 3, matched 2, fully right 1" in misses
    assert "  missed     resignation  'resigned' @" in misses
    assert "  unmatched  statement    'Later' @" in misses
    assert "(by sentence, system 'Bob' @" in misses
    assert "agents    gold [Bob Roe]  system []" in misses
    assert "[resigned]" in misses  # the trigger marked in its sentence


def test_a_real_extraction_resolves_relative_dates_against_published(tmp_path: Path) -> None:
    text = "Maria Ostrov resigned from the Budget Committee on Friday."
    article = {"id": "r1", "published": "2022-03-15", "title": "Resignation", "text": text}
    event = {"type": "resignation", "trigger": "resigned", "start": text.index("resigned"),
             "agents": ["Maria Ostrov"], "targets": ["Budget Committee"], "modality": "asserted",
             "time": "2022-03-11"}  # fmt: skip
    result = news.evaluate_news(write_set(tmp_path / "set", [article], [{"id": "r1", "events": [event]}]))
    assert result["events"]["resignation"]["right"] == 1
    assert result["matched"]["time"] == 1.0 and result["matched"]["fully_right"] == 1.0


def test_the_format_is_told_by_its_two_files(tmp_path: Path) -> None:
    both = write_set(tmp_path / "both", [ARTICLE], [{"id": "a1", "events": [], "relations": []}])
    assert news.is_news_dir(both)
    assert not news.is_news_dir(Path(__file__).resolve().parent / "events_dev")
    half = tmp_path / "half"
    half.mkdir()
    (half / "articles.jsonl").write_text(json.dumps(ARTICLE) + "\n", encoding="utf-8")
    assert not news.is_news_dir(half)
    with pytest.raises(SystemExit, match=r"^storyline: error: .*half: articles.jsonl without gold.json$"):
        ev_eval.main(argparse.Namespace(dir=str(half), limit=None, json=False, misses=False))


@pytest.mark.parametrize(
    ("articles", "gold", "message"),
    [
        ('{"id": "a1", "text": "x"}\n{"id": ', [], r"articles.jsonl line 2: not valid JSON"),
        ('{"id": "a1", "published": "15/03/2022", "text": "x"}\n', [], r"'published' is not a YYYY-MM-DD"),
        ('{"id": "a1"}\n', [], r"line 1: 'text' missing or not a string"),
        ('{"id": "a1", "text": "x"}\n', "{not json", r"gold.json: not valid JSON"),
        ('{"id": "a1", "text": "x"}\n', {"id": "a1"}, r"expected a list of \{id, events, relations\}"),
        ('{"id": "a1", "text": "x"}\n', [{"id": "zz", "events": []}], r"id 'zz' is not in articles.jsonl"),
        ('{"id": "a1", "text": "x"}\n', [], r"no entry for article 'a1'"),
        ('{"id": "a1", "text": "x"}\n', [{"id": "a1", "events": [{"type": "death", "trigger": "x"}]}],
         r"a1: event 0: 'start' missing"),
        ('{"id": "a1", "text": "x"}\n', [{"id": "a1", "relations": [{"type": "spouse", "head": "A"}]}],
         r"a1: relation 0: 'tail' missing"),
    ],
)  # fmt: skip
def test_a_malformed_file_is_a_one_line_error(
    tmp_path: Path, articles: str, gold: object, message: str
) -> None:
    (tmp_path / "articles.jsonl").write_text(articles, encoding="utf-8")
    (tmp_path / "gold.json").write_text(gold if isinstance(gold, str) else json.dumps(gold), encoding="utf-8")
    with pytest.raises(SystemExit, match=message) as caught:
        news.load_news(tmp_path)
    assert str(caught.value).startswith("storyline: error: ") and "\n" not in str(caught.value)


def test_the_command_prints_the_error_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "articles.jsonl").write_text("{oops\n", encoding="utf-8")
    (tmp_path / "gold.json").write_text("[]", encoding="utf-8")
    cli = Path(sys.executable).with_name("storyline")
    done = subprocess.run([cli, "eval", "events", tmp_path], capture_output=True, text=True, check=False)
    assert done.returncode == 1 and done.stdout == ""
    why = "Expecting property name enclosed in double quotes"
    assert done.stderr == f"storyline: error: {tmp_path / 'articles.jsonl'} line 1: not valid JSON ({why})\n"
