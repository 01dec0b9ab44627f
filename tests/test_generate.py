"""The synthetic corpus generator: determinism, prefixes, record formats, variety, shards."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from itertools import islice

import pytest

from storyline_testing.generate import _FEMALE, _MALE, _SURNAMES, generate_records, write_corpus

FIELDS = {"id", "title", "text", "published", "author", "source", "url"}
QUOTED = re.compile(r'"([^"]+)"')


@pytest.fixture(scope="module")
def sample() -> list[dict[str, str]]:
    return list(generate_records(500, seed=11))


def digest(records: list[dict[str, str]]) -> str:
    return hashlib.sha256(json.dumps(records, sort_keys=True).encode()).hexdigest()


# --- determinism --------------------------------------------------------------------------------


def test_same_seed_gives_identical_records() -> None:
    assert list(generate_records(40, seed=5)) == list(generate_records(40, seed=5))


def test_different_seeds_give_different_records() -> None:
    a, b = list(generate_records(20, seed=1)), list(generate_records(20, seed=2))
    assert all(x["text"] != y["text"] for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("seed", [0, 9])
def test_shorter_run_is_a_prefix_of_a_longer_one(seed: int) -> None:
    long = list(generate_records(120, seed=seed))
    for k in (0, 1, 37, 119):
        assert list(generate_records(k, seed=seed)) == long[:k]


def test_output_does_not_depend_on_string_hashing() -> None:
    code = (
        "import hashlib, json; from storyline_testing.generate import generate_records; "
        "print(hashlib.sha256(json.dumps(list(generate_records(30, seed=4)), sort_keys=True)"
        ".encode()).hexdigest())"
    )
    expected = digest(list(generate_records(30, seed=4)))
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == expected


# --- formats ------------------------------------------------------------------------------------


def test_records_have_every_field_as_a_non_empty_string(sample: list[dict[str, str]]) -> None:
    for record in sample:
        assert set(record) == FIELDS
        assert all(isinstance(v, str) and v.strip() for v in record.values())


def test_ids_are_numbered_and_unique(sample: list[dict[str, str]]) -> None:
    ids = [r["id"] for r in sample]
    assert ids[:3] == ["gen-0000001", "gen-0000002", "gen-0000003"]
    assert all(re.fullmatch(r"gen-\d{7}", i) for i in ids)
    assert len(set(ids)) == len(ids)


def test_published_dates_fall_in_the_range_and_spread_over_it(sample: list[dict[str, str]]) -> None:
    start, end = date(2015, 1, 1), date(2015, 1, 1) + timedelta(days=3650)
    days = [date.fromisoformat(r["published"]) for r in sample]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["published"]) for r in sample)
    assert all(start <= d < end for d in days)
    assert len({d.year for d in days}) >= 8


def test_a_custom_range_is_respected() -> None:
    start = date(2020, 2, 25)
    days = {date.fromisoformat(r["published"]) for r in generate_records(200, start=start, days=7)}
    assert days <= {start + timedelta(days=k) for k in range(7)}
    assert len(days) >= 5


def test_urls_authors_and_sources(sample: list[dict[str, str]]) -> None:
    for r in sample:
        assert re.fullmatch(r"https://www\.[a-z0-9]+\.example/\d{4}/\d{2}/\d{2}/[a-z0-9-]+", r["url"]), r[
            "url"
        ]
        assert r["url"].split("/")[3:6] == r["published"].split("-")
        assert len(r["author"].split()) == 2
    assert len({r["url"] for r in sample}) == len(sample)
    assert 20 <= len({r["source"] for r in sample}) <= 30


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        list(generate_records(-1))
    with pytest.raises(ValueError):
        list(generate_records(1, days=0))
    with pytest.raises(ValueError):
        write_corpus(1, "unused", shard_size=0)


# --- content ------------------------------------------------------------------------------------


def test_articles_have_news_length_and_paragraphs(sample: list[dict[str, str]]) -> None:
    for r in sample:
        paragraphs = r["text"].split("\n\n")
        assert 4 <= len(paragraphs) <= 8
        assert all(p.strip() == p and p for p in paragraphs)
        assert 130 <= len(r["text"].split()) <= 380
        assert r["text"].count('"') % 2 == 0


def test_titles_vary(sample: list[dict[str, str]]) -> None:
    assert len({r["title"] for r in sample}) >= 300


def test_quotes_vary(sample: list[dict[str, str]]) -> None:
    quotes = [q for r in sample for q in QUOTED.findall(r["text"])]
    assert len(quotes) >= 2 * len(sample)
    assert len(set(quotes)) >= 0.6 * len(quotes)
    assert Counter(quotes).most_common(1)[0][1] <= 0.02 * len(quotes)
    words = Counter(w for q in set(quotes) for w in re.findall(r"[a-z]+", q.lower()))
    assert len(words) >= 500


@pytest.mark.parametrize(
    "pattern",
    [
        r'," (?:she|he) added\.',  # pronoun speaker
        r'," [A-Z]\w+ said\. "',  # quote split around its attribution
        r"\b[A-Z]\w+ said that ",  # indirect speech
        r"\bAccording to [A-Z]",
        r"in a statement to (?:The )?[A-Z]",
        r"wrote on (?:Instagram|Facebook|X|LinkedIn|Threads|TikTok|Substack|YouTube|Bluesky)",
        r"filed a lawsuit against .{0,80}seeking \$[\d.]+ million",
        r"resigned as chief executive",
        r"was appointed ",
        r"was arrested ",
        r"charged with ",
        r"guilty of ",
        r"acquitted of ",
        r"settled ",
        r"married in (?:19|20)\d\d",
        r"divorced in (?:19|20)\d\d",
        r"founded [A-Z]\w+ [A-Z]\w+ in (?:19|20)\d\d",
        r"\bdenied\b",
        r"\baccused\b",
        r"\bon (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b",
        r"\blast month\b",
        r"\b(?:two|three|four|five|six) weeks ago\b",
        r"\bearlier this year\b",
        r"\bin (?:January|February|March|April|May|June|July|August|September|October|November|December)\b",
        r"\bon [A-Z][a-z]+ \d{1,2}, (?:19|20)\d\d\b",
        r"\bin (?:19|20)\d\d\b",
    ],
)
def test_the_corpus_uses_each_construction(sample: list[dict[str, str]], pattern: str) -> None:
    hits = sum(1 for r in sample if re.search(pattern, r["text"]))
    assert hits >= 5, pattern


def test_people_are_named_in_full_before_their_surname_is_used_alone(sample: list[dict[str, str]]) -> None:
    given, surnames = set(_FEMALE) | set(_MALE), set(_SURNAMES)
    checked = 0
    for r in sample:
        text = r["text"]
        for first, last in set(re.findall(r"\b([A-Z][a-z]+) ([A-Z][A-Za-z]+)\b", text)):
            if first in given and last in surnames:
                where = re.search(rf"\b{last}\b", text)
                assert where is not None and text[: where.start()].endswith(first + " "), (r["id"], last)
                checked += 1
    assert checked >= 3 * len(sample)


def test_pronoun_speakers_agree_with_the_previous_paragraphs_speaker(sample: list[dict[str, str]]) -> None:
    surnames = set(_SURNAMES)
    checked = 0
    for r in sample:
        paragraphs = r["text"].split("\n\n")
        for before, para in zip(paragraphs, paragraphs[1:], strict=False):
            pronoun = re.match(r'(?:"[^"]+," (she|he) \w+|(She|He) added:)', para)
            if not pronoun:
                continue
            outside = QUOTED.sub(" ", before)  # people named outside the quotes
            named = [w for w in re.findall(r"[A-Z][A-Za-z]+", outside) if w in surnames]
            assert len(set(named)) == 1, (r["id"], before)
            full = re.search(rf"\b([A-Z][a-z]+) {named[0]}\b", r["text"])
            assert full is not None
            female = (pronoun.group(1) or pronoun.group(2)).lower() == "she"
            assert full.group(1) in (_FEMALE if female else _MALE), (r["id"], full.group(0), para[:60])
            checked += 1
    assert checked >= 50


# --- shards -------------------------------------------------------------------------------------


def test_write_corpus_shards_the_records(tmp_path) -> None:
    paths = write_corpus(25, tmp_path / "out", seed=3, shard_size=10)
    assert [p.name for p in paths] == ["corpus-00000.jsonl", "corpus-00001.jsonl", "corpus-00002.jsonl"]
    lines = [p.read_text(encoding="utf-8").splitlines() for p in paths]
    assert [len(x) for x in lines] == [10, 10, 5]
    records = [json.loads(line) for shard in lines for line in shard]
    assert records == list(generate_records(25, seed=3))


def test_write_corpus_is_byte_identical_across_runs(tmp_path) -> None:
    a = write_corpus(12, tmp_path / "a", seed=8, shard_size=5)
    b = write_corpus(12, tmp_path / "b", seed=8, shard_size=5)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert a[0].read_bytes().endswith(b"\n")


def test_write_corpus_exact_multiple_and_empty(tmp_path) -> None:
    paths = write_corpus(20, tmp_path / "even", shard_size=10)
    assert [sum(1 for _ in p.open(encoding="utf-8")) for p in paths] == [10, 10]
    assert write_corpus(0, tmp_path / "none") == []
    assert list((tmp_path / "none").iterdir()) == []


def test_records_stream_lazily() -> None:
    assert [r["id"] for r in islice(generate_records(10**9), 2)] == ["gen-0000001", "gen-0000002"]
