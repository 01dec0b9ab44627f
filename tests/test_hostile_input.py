"""Hostile input costs linear time and loses nothing: each reproduction of issue 15, small enough to
be fast, checked for what it must produce (offsets into the article's own text, the same results
as without the hostile part), never for how long it takes (bench/adversarial.py measures that)."""

from __future__ import annotations

import json
import random
import string
import time
from pathlib import Path

import pytest

from storyline.cli import main
from storyline.ingest import ingest
from storyline.model import Article
from storyline.nlp import budget
from storyline.nlp.pipeline import Extractor, load
from storyline.nlp.quotes import QuoteExtractor
from storyline.nlp.sentences import MAX_SENTENCE
from storyline.nlp.tokenizer import MAX_CHUNK, MAX_RUN
from storyline.readers import read_path
from storyline.store import Store

ROOT = Path(__file__).resolve().parents[1]
SEED = next(read_path(str(ROOT / "examples" / "kimora-lee-simmons-2018-01-26.txt"))).text  # the body
_rng = random.Random(15)
HOSTILE = {
    "run of )": ")" * 3000,
    'run of "': '"' * 3000,
    "run of curly quotes": "“" * 1500 + "”" * 1500,
    "one long word": "".join(_rng.choice(string.ascii_letters) for _ in range(20_000)),
    "newlines": "It rained.\n" + "\n" * 5000 + "It stopped.",
    "nested brackets": "(" * 1500 + "x" + ")" * 1500,
    "mixed symbols": "".join(_rng.choice("!?.,;:-()[]{}*&^%$#@~/|") for _ in range(3000)),
}


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _tokens(doc) -> list[tuple[str, str, str]]:
    return [(t.text, t.whitespace_, t.norm_) for t in doc]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_tokenizer_keeps_every_character_and_bounds_every_token(name: str) -> None:
    text = f"Before it. {HOSTILE[name]} After it."
    doc = load().tokenizer(text)
    assert doc.text == text  # nothing replaced, nothing inserted: offsets are the article's
    assert all(t.idx == p.idx + len(p.text_with_ws) for p, t in zip(doc, doc[1:], strict=False))
    assert all(len(t) <= MAX_CHUNK for t in doc if not t.is_space)
    assert [t.text for t in doc[:3]] == ["Before", "it", "."] and [t.text for t in doc[-3:]] == [
        "After",
        "it",
        ".",
    ]


def test_a_run_is_cut_into_tokens_and_the_words_around_it_are_tokenized_as_before() -> None:
    nlp = load()
    head, tail = 'He said, "don\'t"', "“Fine,” she said."
    doc = nlp.tokenizer(f"{head} {')' * 100} {tail}")
    run = [t.text for t in doc if set(t.text) == {")"}]
    assert run == [")" * MAX_RUN] * (100 // MAX_RUN) + [")" * (100 % MAX_RUN)]
    n = len(nlp.tokenizer.base(head))
    assert _tokens(doc[:n]) == _tokens(nlp.tokenizer.base(head + " "))  # "n't" keeps its norm "not"
    assert _tokens(doc[-len(nlp.tokenizer.base(tail)) :]) == _tokens(nlp.tokenizer.base(tail))


def test_news_goes_through_the_tokenizer_unchanged() -> None:
    nlp = load()
    for path in sorted((ROOT / "examples" / "demo").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert _tokens(nlp.tokenizer(text)) == _tokens(nlp.tokenizer.base(text)), path.name


def _assert_offsets(article: Article) -> None:
    text = article.text
    for q in article.quotes:
        assert text[q.start : q.end] == q.text or "\n" in text[q.start : q.end]
    for e in article.entities:
        for m in e.mentions:
            assert text[m.start : m.end] == m.text
    for t in article.timexes:
        assert text[t.start : t.end] == t.text
    for v in article.events:
        assert text[v.sentence.start : v.sentence.end] == v.sentence.text


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_inside_news_changes_none_of_the_news(extractor: Extractor, name: str) -> None:
    cut = SEED.index("\n", len(SEED) // 2)
    text = SEED[:cut] + "\n\n" + HOSTILE[name] + "\n\n" + SEED[cut:]
    (plain, hostile) = extractor.annotate([Article(text=SEED), Article(text=text)])
    assert hostile.failure is None, hostile.warnings
    _assert_offsets(hostile)
    shift = len(HOSTILE[name]) + 4

    def quotes(article: Article, moved: int) -> list[tuple[int, str, str | None]]:
        return [(q.start - (moved if q.start >= cut else 0), q.text, q.speaker_name) for q in article.quotes]

    assert quotes(hostile, shift) == quotes(plain, 0)
    assert len(plain.quotes) == 13


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_alone_is_extracted(extractor: Extractor, name: str) -> None:
    (article,) = extractor.annotate([Article(text=HOSTILE[name])])
    assert article.failure is None, article.warnings
    _assert_offsets(article)


def test_a_sentence_without_a_stop_is_cut_at_max_sentence_tokens() -> None:
    doc = load()("she said " * 400 + "It ended. Then\nanother line")
    lengths = [len(s) for s in doc.sents]
    assert max(lengths) == MAX_SENTENCE and sum(lengths) == len(doc)
    assert [s.text for s in doc.sents][-2:] == ["Then\n", "another line"]


@pytest.mark.parametrize("unit", ['"a" ', "said “a” ", "she said ", "He said: "])
def test_repeats_without_a_stop_are_extracted(extractor: Extractor, unit: str) -> None:
    (article,) = extractor.annotate([Article(text=unit * (6000 // len(unit)))])
    assert article.failure is None, article.warnings
    _assert_offsets(article)


def test_a_repeated_quote_is_found_every_time(extractor: Extractor) -> None:
    unit = '"We will win the vote," he said. '
    (article,) = extractor.annotate([Article(text=unit * 180)])
    assert [(q.start, q.text, q.cue) for q in article.quotes] == [
        (k * len(unit) + 1, "We will win the vote", "said") for k in range(180)
    ]


def test_a_repeated_date_is_tagged_every_time(extractor: Extractor) -> None:
    (article,) = extractor.annotate([Article(text="2016 " * 1200)])
    assert [(t.start, t.value) for t in article.timexes] == [(5 * k, "2016") for k in range(1200)]


def _slow_quotes(monkeypatch: pytest.MonkeyPatch, seconds: float, waiting: bool = False) -> list[int]:
    """Quote attribution that spends `seconds` of CPU per quote in articles that say SLOW (or, if
    `waiting`, sleeps that long, as an article does on a machine whose cores are busy); returns a
    list that grows by one per quote attributed there."""
    calls: list[int] = []
    direct = QuoteExtractor._direct

    def slow(self, qi, q):
        if "SLOW" in self.text:
            calls.append(qi)
            if waiting:
                time.sleep(seconds)
            else:
                end = time.thread_time() + seconds
                while time.thread_time() < end:
                    pass
        return direct(self, qi, q)

    monkeypatch.setattr(QuoteExtractor, "_direct", slow)
    monkeypatch.setattr(budget, "BUDGET_SECONDS", 0.5)
    monkeypatch.setattr(budget, "BUDGET_SECONDS_PER_KB", 0.0)
    return calls


SLOW = 'SLOW. "One thing," Ana Ruiz said. ' * 10
FINE = '"It works," Ana Ruiz said on Monday.'


def test_an_article_over_its_time_budget_fails_alone_and_is_stopped_inside_the_stage(
    extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _slow_quotes(monkeypatch, 0.2)
    before, slow, after = extractor.annotate([Article(text=FINE), Article(text=SLOW), Article(text=FINE)])
    (failure,) = [w for w in slow.warnings if w.startswith("extraction failed")]
    assert slow.failure is not None and str(slow.failure) == failure  # typed, and the same line
    assert (
        "over its time budget" in failure
        and "quotes stage" in failure
        and "0.5 s for 340 characters" in failure
    )
    assert len(calls) < 10  # the stage stopped at the check after the budget ran out, not at its end
    assert slow.quotes == [] and slow.entities == []
    for fine in (before, after):
        assert not fine.warnings and [q.speaker_name for q in fine.quotes] == ["Ana Ruiz"]


def test_time_spent_waiting_for_a_core_is_not_on_the_budget(
    extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The budget counts the article's own CPU time: ten quotes that each wait 0.2 s (a loaded or
    niced machine) stay well under a 0.5 s budget, and the article is extracted whole."""
    calls = _slow_quotes(monkeypatch, 0.2, waiting=True)
    (slow,) = extractor.annotate([Article(text=SLOW)])
    assert len(calls) == 10 and slow.failure is None
    assert [q.speaker_name for q in slow.quotes] == ["Ana Ruiz"] * 10


def test_ingest_and_extract_report_the_article_over_budget_and_keep_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _slow_quotes(monkeypatch, 0.2)
    with Store(tmp_path / "s.db") as store:
        report = ingest(store, [Article(text=FINE, input_id="fine"), Article(text=SLOW, input_id="slow")])
    assert report.added == 1 and [(f.input, "time budget" in f.reason) for f in report.failed] == [
        ("slow", True)
    ]
    (tmp_path / "slow.txt").write_text(SLOW, encoding="utf-8")
    (tmp_path / "fine.txt").write_text(FINE, encoding="utf-8")
    code = main(["extract", "--json", "--plain", str(tmp_path / "slow.txt"), str(tmp_path / "fine.txt")])
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if line.startswith("storyline: error:")]
    assert code == 1 and len(errors) == 1 and "slow.txt" in errors[0] and "time budget" in errors[0]
    assert "Traceback" not in err
    assert [json.loads(line)["quotes"][0]["speaker_name"] for line in out.splitlines()] == ["Ana Ruiz"]
