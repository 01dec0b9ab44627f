"""Readers: real values from invented fixtures, every error path, and a property test."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.model import Article, ReadError
from storyline.readers import read_path, read_paths, read_text
from storyline.readers.byline import is_boilerplate, parse_dateline

FIXTURES = Path(__file__).parent / "fixtures"
SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "000_ca187d1cd9f803a8.txt"


def one(path: str | Path, **kwargs: object) -> Article | ReadError:
    results = list(read_path(path, **kwargs))  # type: ignore[arg-type]
    assert len(results) == 1
    return results[0]


def article(path: str | Path, **kwargs: object) -> Article:
    result = one(path, **kwargs)
    assert isinstance(result, Article), result
    return result


def error(path: str | Path, **kwargs: object) -> ReadError:
    result = one(path, **kwargs)
    assert isinstance(result, ReadError), result
    return result


# --- text reader -------------------------------------------------------------------------------


def test_seed_format_header_byline_block_and_body() -> None:
    path = FIXTURES / "byline_article.txt"
    a = article(path)
    assert a.title == "Harbor Town Council Approves New Ferry Schedule"
    assert a.author == "Marisol Quintero"
    assert a.published == date(2021, 3, 4)
    assert a.published_datetime == datetime(2021, 3, 4, 21, 15)
    assert a.text.startswith("The Harbor Town council voted on Wednesday")
    assert a.text.endswith("about $40,000 a year.")
    assert a.text.count("\n") == 2  # paragraphs stay one per line
    for leaked in ("Marisol Quintero", "Tobias Wren", "Lakeside Photo", "Courtesy", "9:15", "|"):
        assert leaked not in a.text
    assert a.input_id == str(path) and a.source == "byline_article.txt" and a.warnings == []


def test_headerless_file_title_is_first_line_and_dateline_dates_it() -> None:
    a = article(FIXTURES / "headerless.txt", published=date(2000, 1, 1))
    assert a.title == "Volunteers Restore Old Lighthouse on Gull Point"
    assert a.author == "Henrik Aalto"
    assert a.published == date(2020, 1, 9)  # the dateline beats the --published fallback
    assert a.published_datetime == datetime(2020, 1, 9, 14, 5)
    assert a.text.startswith("A group of forty volunteers") and "Aalto" not in a.text


def test_published_fallback_only_when_input_has_no_date(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("A Title\nThe body line.\n")
    assert article(path, published=date(2020, 5, 6)).published == date(2020, 5, 6)
    assert article(FIXTURES / "byline_article.txt", published=date(2020, 5, 6)).published == date(2021, 3, 4)


def test_plain_mode_keeps_the_file_content_exactly() -> None:
    path = FIXTURES / "byline_article.txt"
    a = article(path, plain=True)
    assert a.text == path.read_text(encoding="utf-8")
    assert a.title is None and a.author is None and a.published is None


def test_dateline_differing_from_header_keeps_header_date() -> None:
    a = read_text("date 2018-01-26 Title\nBy Ann Lee\nJan. 27, 2018 1:05 PM\nBody text here.")
    assert a.published == date(2018, 1, 26)
    assert a.published_datetime == datetime(2018, 1, 27, 13, 5)
    assert a.author == "Ann Lee" and a.text == "Body text here."
    assert a.warnings and "differs" in a.warnings[0]


def test_read_text_single_line_is_body_not_title() -> None:
    a = read_text("Ann Lee said the plan was sound.")
    assert a.title is None and a.text == "Ann Lee said the plan was sound."


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Fri., Jan. 26, 2018 6:32 AM", datetime(2018, 1, 26, 6, 32)),
        ("January 26, 2018 06:32", datetime(2018, 1, 26, 6, 32)),
        ("Updated 6:32 AM EST, Fri January 26, 2018", datetime(2018, 1, 26, 6, 32)),
        ("Posted: Friday, 26 January 2018, 6:32 p.m.", datetime(2018, 1, 26, 18, 32)),
        ("2018-01-26 06:32", datetime(2018, 1, 26, 6, 32)),
    ],
)
def test_dateline_variants(line: str, expected: datetime) -> None:
    found = parse_dateline(line)
    assert found is not None and found.datetime == expected


@pytest.mark.parametrize(
    "line", ["May 5, 2018 was a good day", "Feb. 30, 2018", "By the way, it rained.", "He said so."]
)
def test_prose_is_not_boilerplate(line: str) -> None:
    assert parse_dateline(line) is None or line == "Feb. 30, 2018"
    assert not is_boilerplate(line)


# --- HTML --------------------------------------------------------------------------------------


def test_html_metadata_from_json_ld_and_leaked_byline_removed() -> None:
    path = FIXTURES / "article.html"
    a = article(path)
    assert a.title == "Orchard Festival Draws Record Crowd"
    assert a.author == "Lucia Fenwick"
    assert a.source == "The Valley Courier"
    assert a.url == "https://valleycourier.example/news/orchard-festival-record-crowd"
    assert a.published == date(2019, 9, 14)
    assert a.published_datetime == datetime(2019, 9, 14, 10, 2)
    assert a.text.startswith("More than twelve thousand visitors came")
    for leaked in ("By Lucia Fenwick", "Updated 10:02", "Getty Images", "Home", "Copyright"):
        assert leaked not in a.text
    assert a.input_id == str(path)


def test_html_without_article_text(tmp_path: Path) -> None:
    path = tmp_path / "nav.html"
    path.write_text(
        "<html><body><nav><a href='/'>Home</a> <a href='/x'>Sports and weather</a></nav></body></html>"
    )
    assert error(path).reason == "no article text found in HTML"


# --- JSON Lines and CSV ------------------------------------------------------------------------


def test_jsonl_good_records_survive_bad_lines() -> None:
    path = FIXTURES / "records.jsonl"
    results = list(read_path(path))
    assert [type(r).__name__ for r in results] == [
        "Article",
        "ReadError",
        "Article",
        "ReadError",
        "ReadError",
        "ReadError",
        "Article",
    ]
    first, bad_json, second, not_object, no_text, bad_date, no_id = results
    assert isinstance(first, Article) and isinstance(second, Article) and isinstance(no_id, Article)
    assert first.text == (
        "  The Corner Loaf bakery won first prize on Sunday.\n"
        'Its owner, Ines Calder, said she was "overjoyed".\n'
    )
    assert (first.input_id, first.title, first.author, first.source) == (
        "rec-1",
        "Bakery Wins Regional Bread Prize",
        "Tomas Reyes",
        "Millbrook Gazette",
    )
    assert first.published == date(2022, 5, 1) and first.published_datetime is None
    assert second.published == date(2022, 5, 3)
    assert second.published_datetime == datetime(2022, 5, 3, 18, 45)
    assert no_id.input_id == f"{path}:8" and no_id.published is None
    assert bad_json.input == f"{path}:2" and bad_json.reason.startswith("not valid JSON (")
    assert not_object == ReadError(f"{path}:5", "record is not an object")
    assert no_text == ReadError(f"{path}:6", "record has no text")
    assert bad_date.input == f"{path}:7" and "'2022-02-30'" in bad_date.reason


def test_csv_records_and_line_numbers() -> None:
    path = FIXTURES / "records.csv"
    first, second, third = read_path(path, published=date(2023, 1, 1))
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.input_id == "c-1" and first.title == "Library Extends Hours"
    assert first.text == (
        "The town library will stay open until nine on weekdays, the librarian, Greta Moss, said.\n"
        "The change starts in October."
    )
    assert (first.published, first.author, first.source) == (
        date(2023, 9, 12),
        "Paul Ndiaye",
        "Millbrook Gazette",
    )
    assert second.published == date(2023, 1, 1) and second.author is None
    assert third == ReadError(f"{path}:6", "record has no text")


def test_read_paths_chains_files() -> None:
    results = list(read_paths([FIXTURES / "byline_article.txt", FIXTURES / "records.csv"]))
    assert len(results) == 4


# --- errors ------------------------------------------------------------------------------------


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert "not a file" in error(tmp_path / "nope.txt").reason
    assert error(tmp_path).reason == "not a file"
    assert error(tmp_path / "nope.jsonl").input == str(tmp_path / "nope.jsonl")


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert error(path) == ReadError(str(path), "binary file, not text")


@pytest.mark.parametrize("name", ["empty.txt", "empty.html", "empty.jsonl", "empty.csv"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(" \n\t\n")
    assert error(path).reason == "empty file"


def test_invalid_utf8_is_replaced_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"date 2020-02-02 Caf\xe9 Opens\nThe caf\xe9 opened on Sunday.\n")
    a = article(path)
    assert a.title == "Caf\ufffd Opens" and a.text == "The caf\ufffd opened on Sunday."
    assert a.warnings == ["invalid UTF-8 at byte 19, replaced"]


def test_file_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("Title\n" + "word " * 500)
    assert error(path, max_bytes=1000).reason == "file too large (2.5 KB; the limit is 1.0 KB)"
    with path.open("wb") as sparse:
        sparse.truncate(52_400_000)
    assert error(path).reason == "file too large (52.4 MB; the limit is 5.0 MB)"


def test_impossible_header_date(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("date 2018-02-30 Title\nBody.\n")
    assert error(path).reason == "impossible date '2018-02-30' in header"
    path.write_text("date 2018-13-01 Title\nBody.\n")
    assert error(path).reason == "impossible date '2018-13-01' in header"
    with pytest.raises(ValueError, match="impossible date"):
        read_text("date 2018-02-30 Title\nBody.")


def test_header_without_body(tmp_path: Path) -> None:
    path = tmp_path / "nobody.txt"
    path.write_text(" date 2018-01-26 Only a Title\nby\nJane Roe\n|\nFri., Jan. 26, 2018 6:32 AM\n")
    assert error(path) == ReadError(str(path), "no article body")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("Title\nBody.\n")
    path.chmod(0)
    try:
        assert error(path).reason == "permission denied"
    finally:
        path.chmod(0o644)


# --- the real seed -----------------------------------------------------------------------------


def test_real_seed_file() -> None:
    if not SEED.is_file():
        pytest.skip(f"seed not found at {SEED}")
    a = article(SEED)
    assert a.title == "Kimora Lee Simmons Thinks Russell Simmons Is Innocent of Sexual Misconduct Claims"
    assert a.author == "Elyse Dupre"
    assert a.published == date(2018, 1, 26)
    assert a.published_datetime == datetime(2018, 1, 26, 6, 32)
    assert a.text.startswith("Kimora Lee Simmons defended her ex Russell Simmons on Thursday")
    assert "FilmMagic" not in a.text and "Elyse Dupre" not in a.text


# --- property ----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=60),
            st.sampled_from(["by", "|", "By Ann Lee", "Jan. 26, 2018 6:32 AM", "X Y/Getty Images", ""]),
            st.from_regex(r"\s*date \d{4}-\d{1,2}-\d{1,2}( [A-Za-z ]*)?", fullmatch=True),
        ),
        max_size=8,
    ).map("\n".join)
)
def test_read_text_raises_only_value_error(text: str) -> None:
    try:
        a = read_text(text)
    except ValueError:
        return
    assert a.text and a.text == a.text.strip() and a.text in text


def _page(article: str, *, nav_links: int = 0, extra: str = "") -> bytes:
    nav = "".join(f'<li><a href="/s/{i}">Section number {i} of the site</a></li>' for i in range(nav_links))
    return (
        f"<html><head><title>Council vote</title></head><body><nav><ul>{nav}</ul></nav>"
        f"<article><h1>Council vote</h1>{article}</article>{extra}</body></html>"
    ).encode()


PROSE = "".join(
    f"<p>The council voted {n} to 2 on the budget after a long debate about the new library, "
    f"the mayor said on the steps of the town hall in the evening.</p>"
    for n in range(3, 9)
)


def test_html_fast_extraction_falls_back_only_when_it_kept_little(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page whose article is most of its text is read once, in fast mode; one whose fast text is
    short is read again with trafilatura's fallback extractors, and both give the same article."""
    import storyline.readers.html as html_reader

    calls: list[bool] = []
    real = html_reader.trafilatura.bare_extraction

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(bool(kwargs.get("fast")))
        return real(*args, **kwargs)

    monkeypatch.setattr(html_reader.trafilatura, "bare_extraction", counting)
    article = html_reader.read_html_bytes(_page(PROSE), "page.html")
    assert isinstance(article, Article) and article.text.startswith("The council voted 3 to 2")
    assert calls == [True]
    calls.clear()
    short = "<p>The council voted 5 to 2 on the budget, the mayor said.</p>"
    article = html_reader.read_html_bytes(_page(short, nav_links=80), "short.html")
    assert calls == [True, False]  # 58 characters kept: the full cascade decides
    assert isinstance(article, Article)
    assert article.text == "The council voted 5 to 2 on the budget, the mayor said."
