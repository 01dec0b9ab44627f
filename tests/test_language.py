"""Language: detected at the pipeline's entry, stored; other languages stored but not extracted."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.contract import from_dict, to_dict
from storyline.ingest import ingest
from storyline.model import Article
from storyline.nlp import language
from storyline.readers import read_path
from storyline.store import Store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "languages").glob("*.txt"))
DEMO = ROOT / "examples" / "demo"


def _article(path: Path) -> Article:
    (article,) = read_path(path)
    assert isinstance(article, Article)
    return article


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_each_fixture_is_detected_as_its_language(path: Path) -> None:
    assert language.detect(_article(path).text) == path.stem.split("-")[0]


def test_the_fixtures_cover_twelve_languages() -> None:
    assert len({p.stem.split("-")[0] for p in FIXTURES}) == 12


def test_english_news_is_english() -> None:
    found = {p.name: language.detect(_article(p).text) for p in sorted(DEMO.glob("*.txt"))}
    assert set(found.values()) == {"en"}, found


def test_a_text_too_short_to_tell_is_undecided_and_extracted() -> None:
    assert language.detect("Vance quits.") is None
    assert language.detect("2016 " * 400) is None  # no letters at all
    assert language.detect("Nora Bell married Sam Ortiz in 2004.") is None  # German at 0.05: unsure
    assert language.extracted(None) and language.extracted("en") and not language.extracted("fr")


def test_the_note_counts_each_language() -> None:
    assert language.note({"fr": 2, "de": 1}) == (
        "3 not in English (de 1, fr 2): stored, not extracted (the pipeline is English)"
    )


def test_the_contract_carries_the_language() -> None:
    article = Article(text="Le gouvernement a annoncé mardi une hausse des aides.", language="fr")
    assert to_dict(article)["article"]["language"] == "fr"
    assert from_dict(to_dict(article)).language == "fr"


@pytest.mark.extraction
def test_other_languages_are_stored_and_counted_not_extracted(tmp_path: Path) -> None:
    french, german = (_article(ROOT / "tests/fixtures/languages" / name) for name in ("fr-1.txt", "de-1.txt"))
    english = _article(DEMO / "2025-03-05-okafor-denies-claims.txt")
    with Store(tmp_path / "s.db") as store:
        report = ingest(store, [french, english, german])
        rows = dict(store.conn.execute("SELECT language, count(*) FROM articles GROUP BY 1").fetchall())
        facts = dict(
            store.conn.execute(
                "SELECT a.language, count(e.local_id) FROM articles a "
                "LEFT JOIN article_entities e ON e.article_id = a.id GROUP BY 1"
            ).fetchall()
        )
    assert (report.added, dict(report.not_english)) == (3, {"fr": 1, "de": 1})
    assert report.summary().endswith(
        "; 2 not in English (de 1, fr 1): stored, not extracted (the pipeline is English)"
    )
    assert rows == {"de": 1, "en": 1, "fr": 1}
    assert facts["fr"] == facts["de"] == 0 and facts["en"] > 0


def test_the_readable_form_says_an_article_was_not_extracted() -> None:
    from storyline.cli.summary import render

    article = Article(text="Le gouvernement a annoncé une hausse des aides.", title="Aides", language="fr")
    assert render(article) == "# Aides\n\nLanguage fr: not extracted (the pipeline is English)\n"
