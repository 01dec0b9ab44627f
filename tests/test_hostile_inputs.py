"""Hostile input (issue 15): every bad record is one line naming its input and line, and costs
nothing but itself. One named test per reproduction, then the whole batch through the CLI."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from storyline.cli import main
from storyline.ingest import expand, ingest, read_inputs
from storyline.model import Article, ExtractionFailure, ReadError
from storyline.readers import read_path
from storyline.store import Store
from test_cli import write

GOOD = "Mayor Jane Doe said on Monday that the bridge number {} would open next spring."
posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes and symlinks")


def good_line(n: int) -> str:
    return json.dumps({"id": f"g{n}", "text": GOOD.format(n)})


def split(results: Iterable[Article | ReadError]) -> tuple[list[Article], list[ReadError]]:
    items = list(results)
    return [a for a in items if isinstance(a, Article)], [e for e in items if isinstance(e, ReadError)]


def unchanged(articles: Iterable[Article]) -> Iterator[Article]:
    """Extraction left out: what the store does with hostile strings is the question here."""
    return iter(articles)


# --- JSON Lines ---------------------------------------------------------------------------------


def test_jsonl_nesting_bomb_is_one_error_naming_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "bomb.jsonl", f"{good_line(1)}\n{'[' * 100_000}\n{good_line(2)}\n")
    articles, errors = split(read_path(path))
    assert [a.input_id for a in articles] == ["g1", "g2"]
    assert errors == [ReadError(f"{path}:2", "not usable JSON (nested too deeply)")]


def test_jsonl_5000_digit_id_is_one_error_naming_its_line(tmp_path: Path) -> None:
    huge = '{"id": ' + "7" * 5000 + ', "text": "The council met."}'
    path = write(tmp_path / "ids.jsonl", f"{huge}\n{good_line(1)}\n")
    articles, errors = split(read_path(path))
    assert [a.input_id for a in articles] == ["g1"]
    assert errors == [ReadError(f"{path}:1", "a number of 5,000 digits (the limit is 100)")]


def test_jsonl_huge_negative_number_anywhere_is_refused_before_it_is_converted(tmp_path: Path) -> None:
    path = write(tmp_path / "n.jsonl", '{"text": "The council met.", "views": -' + "9" * 200 + "}\n")
    assert list(read_path(path)) == [ReadError(f"{path}:1", "a number of 200 digits (the limit is 100)")]


def test_jsonl_lone_surrogates_are_replaced_with_a_warning_and_the_next_record_is_read(
    tmp_path: Path,
) -> None:
    bad = '{"id": "s1", "title": "T \\ud800", "text": "The plan \\udfff was fine, Jane Doe said."}'
    path = write(tmp_path / "s.jsonl", f"{bad}\n{good_line(1)}\n")
    first, second = read_path(path)
    assert isinstance(first, Article) and isinstance(second, Article)
    assert (first.title, first.text) == ("T \ufffd", "The plan \ufffd was fine, Jane Doe said.")
    assert first.warnings == [f"{path}:1: lone surrogates in text, title replaced with U+FFFD"]
    assert second.input_id == "g1" and second.warnings == []


def test_jsonl_escaped_surrogate_pair_is_one_character_and_only_a_lone_one_is_replaced(
    tmp_path: Path,
) -> None:
    # found by test_fuzz_inputs: only a lone surrogate is replaced
    path = write(tmp_path / "p.jsonl", '{"text": "\\ud800\\udc00 and \\ud800 alone"}\n')
    (a,) = read_path(path)
    assert isinstance(a, Article) and a.text == "\U00010000 and \ufffd alone"
    assert a.warnings == ["lone surrogates in text replaced with U+FFFD"]


def test_jsonl_surrogate_in_the_id_of_a_record_without_one_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "s.jsonl", '{"id": "x\\ud800", "text": "The council met."}\n')
    (a,) = read_path(path)
    assert isinstance(a, Article) and a.input_id == "x\ufffd"
    assert a.warnings == [f"{path}:1: lone surrogates in id replaced with U+FFFD"]


def test_jsonl_metadata_of_the_wrong_type_is_dropped_with_a_warning(tmp_path: Path) -> None:
    deep = "[" * 900 + "]" * 900
    path = write(tmp_path / "m.jsonl", '{"text": "The council met.", "title": ' + deep + ', "url": true}\n')
    (a,) = read_path(path)
    assert isinstance(a, Article) and a.title is None and a.url is None
    assert a.warnings == ["title is a list, not text; ignored", "url is a boolean, not text; ignored"]


def test_jsonl_bad_values_are_named_briefly(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "The council met.", "published": "x" * 100_000}),
        json.dumps({"text": ["not", "a", "string"]}),
        json.dumps({"text": "The council met.", "published": [[[]]]}),
    ]
    path = write(tmp_path / "v.jsonl", "\n".join(lines) + "\n")
    assert list(read_path(path)) == [
        ReadError(f"{path}:1", "bad published value " + repr("x" * 40) + "..."),
        ReadError(f"{path}:2", "record text is a list, not a string"),
        ReadError(f"{path}:3", "bad published value a list"),
    ]


def test_an_article_made_with_surrogates_is_cleaned_whoever_made_it() -> None:
    a = Article(text="caf\udce9 opens", source="x\ud800.txt")
    assert (a.text, a.source) == ("caf\ufffd opens", "x\ufffd.txt")
    assert a.warnings == ["lone surrogates in text, source replaced with U+FFFD"]
    assert a.id == Article(text="caf\ufffd opens").id  # and it has an id


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_unterminated_quote_swallowing_to_the_end_is_reported_and_the_rows_after_it_kept(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "u.csv", 'id,text\n1,"never closed\n2,Row two.\n3,Row three.\n')
    articles, errors = split(read_path(path))
    assert [(a.input_id, a.text) for a in articles] == [("2", "Row two."), ("3", "Row three.")]
    assert errors == [
        ReadError(
            f"{path}:2",
            "not valid CSV (a quote opened in this row does not close in it: unexpected end of data at line "
            "4); the lines after it are read again as rows",
        )
    ]


def test_csv_unterminated_quote_up_to_the_next_quoted_row_keeps_that_row(tmp_path: Path) -> None:
    path = write(tmp_path / "u.csv", 'id,text\n1,"never closed\n2,Row two.\n3,"Row, three."\n4,Four.\n')
    articles, errors = split(read_path(path))
    assert [(a.input_id, a.text) for a in articles] == [
        ("2", "Row two."),
        ("3", "Row, three."),
        ("4", "Four."),
    ]
    assert [e.input for e in errors] == [f"{path}:2"]
    assert "at line 4" in errors[0].reason


def test_csv_a_quote_left_open_on_every_line_costs_each_line_only(tmp_path: Path) -> None:
    path = write(tmp_path / "u.csv", 'id,text\n1,"one\n2,"two\n3,"three\n4,four\n')
    articles, errors = split(read_path(path))
    assert [a.input_id for a in articles] == ["4"]
    assert [e.input for e in errors] == [f"{path}:2", f"{path}:3", f"{path}:4"]


# Found by test_fuzz_inputs: a quote left open and closed by the opening quote of a later row's
# field is valid CSV, one long row; the fields it ends with give it away.
CLOSED_ELSEWHERE = "the quote at line 3 that closes it opens a field of another row"


@pytest.mark.parametrize(
    ("rows", "why", "kept"),
    [
        ('r0,"open\nr1,0,x\nr2,",0",x\n', "4 fields, not 3, by line 4", [("r1", "0"), ("r2", ",0")]),
        ('r0,"open\nr1,"\n0",x\n', CLOSED_ELSEWHERE, [("r1", "\n0")]),
        ('r0,"open\nr1,",\n",x\n', CLOSED_ELSEWHERE, [("r1", ",\n")]),
        ('r0,"open\nr1,"""\n",x\n', CLOSED_ELSEWHERE, [("r1", '"\n')]),
    ],
    ids=["fields-too-many", "at-a-line-end", "after-a-comma", "before-a-quote"],
)
def test_csv_quote_closed_by_a_later_rows_quote_is_reported_and_the_rows_kept(
    tmp_path: Path, rows: str, why: str, kept: list[tuple[str, str]]
) -> None:
    path = write(tmp_path / "q.csv", "id,text,title\n" + rows)
    articles, errors = split(read_path(path))
    assert errors == [
        ReadError(
            f"{path}:2",
            f"not valid CSV (a quote opened in this row does not close in it: {why}); the lines after it "
            "are read again as rows",
        )
    ]
    assert [(a.input_id, a.text) for a in articles] == kept


def test_csv_row_over_lines_with_its_last_fields_left_out_is_still_a_row(tmp_path: Path) -> None:
    path = write(tmp_path / "short.csv", 'id,text,title\n1,"multi\nline"\n2,one line\n')
    assert [(a.input_id, a.text) for a in read_path(path)] == [("1", "multi\nline"), ("2", "one line")]


def test_csv_text_after_a_closing_quote_on_one_line_is_kept_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "q.csv", 'id,text\n1,"Said" loudly\n2,"multi\nline"\n')
    first, second = read_path(path)
    assert isinstance(first, Article) and isinstance(second, Article)
    assert (first.text, first.warnings) == ("Said loudly", [f"{path}:2: text after a closing quote kept"])
    assert second.text == "multi\nline" and second.warnings == []


def test_csv_lone_carriage_returns_end_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "mac.csv", b'id,text\r1,One.\r2,"Two\rlines."\r')
    assert [(a.input_id, a.text) for a in read_path(path)] == [("1", "One."), ("2", "Two\rlines.")]


# --- HTML ---------------------------------------------------------------------------------------

SENTENCE = '"The {} is fine," Mayor Jane Doe said on March 3, 2020, adding that the council would vote.'
OTHER = "Council member John Smith said the plan was a disaster for the city and all of its residents."
INLINE = ["b", "strong", "i", "em", "span", "a", "font", "code", "cite", "sup", "label", "time", "abbr"]


def html_text(tmp_path: Path, body: str) -> str:
    path = write(tmp_path / "page.html", f"<html><head><title>T</title></head><body>{body}</body></html>")
    (a,) = read_path(path)
    assert isinstance(a, Article), a
    return a.text


@pytest.mark.parametrize("tag", INLINE)
@pytest.mark.parametrize(
    "shape",
    ["<div>{s}<p>{o}</p></div>", "<div><p>{o}</p>{s}</div>", "<p>{s}</p><p>{o}</p>", "{s}<p>{o}</p>"],
)
def test_html_inline_markup_never_splits_a_sentence(tmp_path: Path, tag: str, shape: str) -> None:
    sentence = SENTENCE.format(f"<{tag}>budget</{tag}>")
    text = html_text(tmp_path, shape.format(s=sentence, o=OTHER))
    assert sorted(text.splitlines()) == sorted([SENTENCE.format("budget"), OTHER])


def test_html_q_keeps_its_quotation_marks(tmp_path: Path) -> None:
    text = html_text(
        tmp_path, f"<p>Mayor Jane Doe called the plan <q>a <b>fine</b> idea</q> on Monday.</p><p>{OTHER}</p>"
    )
    assert text.splitlines()[0] == "Mayor Jane Doe called the plan “a fine idea” on Monday."


@pytest.mark.parametrize("before", [False, True])
def test_html_nested_past_the_parsers_limit_says_so(tmp_path: Path, before: bool) -> None:
    deep = "<div>" * 300 + f"<p>{OTHER}</p>" + "</div>" * 300
    path = write(
        tmp_path / "deep.html", f"<html><body>{'<p>' + OTHER + '</p>' if before else ''}{deep}</body></html>"
    )
    (item,) = read_path(path)
    cut = "nested 256 elements deep: the page is not read past there"
    if before:  # the text before the cut is read, with a warning
        assert isinstance(item, Article) and item.text == OTHER and item.warnings == [cut]
    else:
        assert item == ReadError(str(path), f"no article text found in HTML ({cut})")


# --- inputs that are not files ------------------------------------------------------------------


@posix_only
def test_a_named_pipe_is_reported_never_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    expected = ReadError(str(fifo), "not a regular file (a named pipe)")
    assert list(expand([str(fifo)])) == [expected]
    assert list(read_path(fifo)) == [expected]  # would block forever if it were opened


@posix_only
def test_a_dangling_symlink_is_reported(tmp_path: Path) -> None:
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "nowhere.txt")
    expected = ReadError(str(link), f"dangling symlink (to {tmp_path / 'nowhere.txt'}, which does not exist)")
    assert list(expand([str(link)])) == [expected]
    assert list(read_path(link)) == [expected]


@posix_only
def test_a_device_is_reported() -> None:
    assert list(expand(["/dev/null"])) == [ReadError("/dev/null", "not a regular file (a character device)")]


@posix_only
def test_folders_and_globs_report_what_they_cannot_read(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Title\nThe council met on Monday.\n")
    os.mkfifo(tmp_path / "b.txt")
    (tmp_path / "c.jsonl").symlink_to(tmp_path / "missing.jsonl")
    os.mkfifo(tmp_path / "d.png")  # not an article suffix: not an input of a folder
    (tmp_path / "sub").mkdir()
    found = [str(tmp_path / "a.txt"), "not a regular file (a named pipe)", "dangling symlink"]
    for given in (str(tmp_path), str(tmp_path / "[abc].*")):
        items = list(expand([given]))
        assert [i if isinstance(i, str) else i.reason.split(" (to")[0] for i in items] == found, given


# --- what a bug costs ---------------------------------------------------------------------------


def test_a_reader_that_crashes_costs_the_rest_of_its_input_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.readers import records

    def crash(record: object, where: str, **_: object) -> Article:
        raise KeyError("a reader bug")

    first = write(tmp_path / "a.jsonl", good_line(1) + "\n")
    second = write(tmp_path / "b.txt", "Title\nThe council met on Monday.\n")
    monkeypatch.setattr(records, "record_article", crash)
    articles, errors = split(read_inputs([str(first), str(second)]))
    assert [a.input_id for a in articles] == [str(second)]
    assert errors == [ReadError(str(first), "reading stopped (KeyError: 'a reader bug')")]


def test_a_value_the_store_refuses_costs_that_article_only(tmp_path: Path) -> None:
    def spoil(articles: Iterable[Article]) -> Iterator[Article]:
        for a in articles:
            if a.input_id == "bad":
                a.title = "set after the article was made \ud800"  # past the model's check
            yield a

    items = [Article(text="One.", input_id="bad"), Article(text="Two.", input_id="good")]
    with Store(tmp_path / "s.db") as store:
        report = ingest(store, items, extract=spoil)
        assert store.conn.execute("SELECT text FROM articles").fetchall() == [("Two.",)]
    assert report.added == 1
    (failure,) = report.failed
    assert failure.input == "bad" and failure.reason.startswith("could not be stored (UnicodeEncodeError: ")


def test_ingest_knows_a_failed_extraction_by_its_type_not_by_its_warnings(tmp_path: Path) -> None:
    def give_up(articles: Iterable[Article]) -> Iterator[Article]:
        for a in articles:
            yield replace(a, failure=ExtractionFailure("a stage crashed")) if a.input_id == "bad" else a

    items = [
        Article(text="One.", input_id="bad"),
        Article(text="Two.", input_id="good", warnings=["extraction failed, said the input's own text"]),
    ]
    with Store(tmp_path / "s.db") as store:
        report = ingest(store, items, extract=give_up)
        assert store.conn.execute("SELECT text FROM articles").fetchall() == [("Two.",)]
    assert report.added == 1
    assert report.failed == [ReadError("bad", "extraction failed (a stage crashed)")]


def test_surrogates_reach_the_store_replaced(tmp_path: Path) -> None:
    path = write(tmp_path / "s.jsonl", '{"id": "s\\ud800", "text": "A \\ud800 B.", "title": "\\udfff"}\n')
    with Store(tmp_path / "s.db") as store:
        report = ingest(store, read_inputs([str(path)]), extract=unchanged)
        row = store.conn.execute(
            "SELECT a.text, a.title, s.input_id FROM articles a JOIN sources s"
        ).fetchone()
    assert report.added == 1 and not report.failed
    assert row == ("A \ufffd B.", "\ufffd", "s\ufffd")
    assert report.warnings == [f"s\ufffd: {path}:1: lone surrogates in text, title, id replaced with U+FFFD"]


# --- --entities FILE ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not an entities file"),
        ("merge: Caf\xe9 = Cafe\n".encode("latin-1"), "not UTF-8 text (at byte 10)"),
        (None, "no such entities file"),
    ],
)
def test_entities_file_that_cannot_be_read_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, reason: str
) -> None:
    rules = tmp_path / "rules.txt"
    if content is not None:
        rules.write_bytes(content)
    article = write(tmp_path / "a.txt", "Title\nThe council met on Monday.\n")
    code = main(["ingest", "--db", str(tmp_path / "s.db"), "--entities", str(rules), "--quiet", str(article)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines() == [f"storyline: error: {rules}: {reason}"]


def test_entities_file_that_is_a_folder_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["ingest", "--db", str(tmp_path / "s.db"), "--entities", str(tmp_path), str(tmp_path)])
    assert code == 2
    assert capsys.readouterr().err.splitlines() == [f"storyline: error: {tmp_path}: not a file"]


# --- the whole batch ----------------------------------------------------------------------------


@posix_only
def test_a_folder_of_good_records_and_every_bad_one_ingests_every_good_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write(corpus / "a_good.txt", "date 2020-03-04 Ferry Vote\n" + GOOD.format(1) + "\n")
    write(
        corpus / "b_records.jsonl",
        "\n".join(
            [
                good_line(2),
                "[" * 100_000,
                '{"id": ' + "7" * 5000 + ', "text": "A record with a huge id."}',
                '{"id": "s1", "title": "Bridge \\ud800", "text": "' + GOOD.format(3) + ' \\ud800"}',
                good_line(4),
            ]
        )
        + "\n",
    )
    write(corpus / "c_rows.csv", f'id,text\nc1,{GOOD.format(5)}\nc2,"never closed\nc3,{GOOD.format(6)}\n')
    write(
        corpus / "d_page.html",
        "<html><head><title>Council backs the budget</title></head><body><div>"
        '"The <b>budget</b> is fine," Mayor Jane Doe said on March 3, 2020.'
        f"<p>{GOOD.format(7)}</p></div></body></html>",
    )
    os.mkfifo(corpus / "e_pipe.txt")
    (corpus / "f_gone.jsonl").symlink_to(corpus / "nowhere.jsonl")
    db = tmp_path / "s.db"

    code = main(["ingest", "--db", str(db), "--quiet", str(corpus)])
    err = capsys.readouterr().err

    assert code == 1
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("storyline: error: ")]
    expected = [
        f"{corpus / 'b_records.jsonl'}:2: not usable JSON (nested too deeply)",
        f"{corpus / 'b_records.jsonl'}:3: a number of 5,000 digits (the limit is 100)",
        f"{corpus / 'c_rows.csv'}:3: not valid CSV (a quote opened in this row does not close in it: "
        "unexpected end of data at line 4); the lines after it are read again as rows",
        f"{corpus / 'e_pipe.txt'}: not a regular file (a named pipe)",
        f"{corpus / 'f_gone.jsonl'}: dangling symlink (to {corpus / 'nowhere.jsonl'}, which does not exist)",
    ]
    assert errors == [f"storyline: error: {e}" for e in expected]
    warnings = [line for line in err.splitlines() if line.startswith("storyline: warning: ")]
    assert warnings == [
        f"storyline: warning: s1: {corpus / 'b_records.jsonl'}:4: lone surrogates in text, title replaced "
        "with U+FFFD"
    ]
    assert err.splitlines()[-1].startswith(f"storyline: {db}: 7 added, 0 skipped as duplicates, 5 failed")

    with sqlite3.connect(db) as conn:
        inputs = {row[0] for row in conn.execute("SELECT input_id FROM sources")}
        quotes = conn.execute("SELECT kind, text FROM quotes WHERE text LIKE '%budget%'").fetchall()
    assert inputs == {str(corpus / "a_good.txt"), "g2", "s1", "g4", "c1", "c3", str(corpus / "d_page.html")}
    assert quotes == [("direct", "The budget is fine")]  # not the spurious 'The budget is fine," on ...'
