"""The `storyline` command through `storyline.cli.main`: the JSON contract, bad inputs, readable output."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from storyline.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "000_ca187d1cd9f803a8.txt"

TOP_KEYS = {"storyline", "article", "entities", "quotes", "timexes", "events", "relations"}
ARTICLE_KEYS = {
    "id",
    "input_id",
    "title",
    "author",
    "source",
    "url",
    "published",
    "published_datetime",
    "text",
}
ENTITY_KEYS = {"id", "name", "type", "aliases", "mentions"}
QUOTE_KEYS = {
    "id",
    "text",
    "start",
    "end",
    "kind",
    "speaker",
    "speaker_name",
    "speaker_mention",
    "cue",
    "channel",
    "time",
    "confidence",
}

SEED_FORMAT = (
    "date 2023-09-12 Ferry Workers Vote to Accept New Contract\n"
    "by\n"
    "Lucia Fernsby\n"
    "|\n"
    "Tue., Sep. 12, 2023 6:40 PM\n"
    "Anders Kohl/Bayside Photo Desk\n"
    "Courtesy of the Ferry Workers Union\n"
    "Ferry workers voted on Tuesday to accept a three-year contract, union president Karen Doyle said.\n"
    '"Nobody got everything they wanted," Doyle told reporters. "But nobody walked away empty-handed."\n'
    "Transport minister Victor Hale said that the first ferries would run on Thursday.\n"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def json_lines(out: str) -> list[dict]:
    lines = out.splitlines()
    assert all(line.strip() for line in lines), "blank line in JSON Lines output"
    return [json.loads(line) for line in lines]


# --- the JSON contract ----------------------------------------------------------------------------


def assert_contract(record: dict) -> None:
    assert record.keys() >= TOP_KEYS, TOP_KEYS - record.keys()
    assert record["storyline"] == 1
    article = record["article"]
    assert article.keys() >= ARTICLE_KEYS, ARTICLE_KEYS - article.keys()
    text = article["text"]
    assert article["id"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    for key in ("entities", "quotes", "timexes", "events", "relations"):
        assert isinstance(record[key], list)
    for entity in record["entities"]:
        assert entity.keys() >= ENTITY_KEYS, ENTITY_KEYS - entity.keys()
        assert entity["type"] in {"PERSON", "ORG", "GPE", "NORP", "WORK", "OTHER"}
        for m in entity["mentions"]:
            assert text[m["start"] : m["end"]] == m["text"]
    entity_ids = {e["id"] for e in record["entities"]}
    for quote in record["quotes"]:
        assert quote.keys() >= QUOTE_KEYS, QUOTE_KEYS - quote.keys()
        assert quote["kind"] in {"direct", "partial", "indirect"}
        assert 0.0 <= quote["confidence"] <= 1.0
        assert quote["speaker"] is None or quote["speaker"] in entity_ids
        if "\n" not in text[quote["start"] : quote["end"]]:  # a single-paragraph quote
            assert text[quote["start"] : quote["end"]] == quote["text"]
        if quote["speaker_mention"] is not None:
            sm = quote["speaker_mention"]
            assert text[sm["start"] : sm["end"]] == sm["text"]


def test_extract_json_on_a_seed_format_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "ferry.txt", SEED_FORMAT)
    code, out, err = run(capsys, "extract", "--json", path)
    assert code == 0, err
    assert err == ""
    (record,) = json_lines(out)
    assert_contract(record)
    article = record["article"]
    assert article["title"] == "Ferry Workers Vote to Accept New Contract"
    assert article["author"] == "Lucia Fernsby"
    assert article["published"] == "2023-09-12"
    assert article["published_datetime"] == "2023-09-12T18:40"
    assert article["input_id"] == str(path) and article["source"] == "ferry.txt"
    assert article["url"] is None  # unknown is null, never missing
    assert article["text"].startswith("Ferry workers voted on Tuesday")
    assert "Lucia Fernsby" not in article["text"] and "Anders Kohl" not in article["text"]
    quotes = [(q["kind"], q["text"], q["speaker_name"], q["cue"]) for q in record["quotes"]]
    assert ("direct", "Nobody got everything they wanted", "Karen Doyle", "told") in quotes
    assert ("indirect", "the first ferries would run on Thursday", "Victor Hale", "said") in quotes
    doyle = next(q for q in record["quotes"] if q["text"] == "Nobody got everything they wanted")
    assert doyle["speaker_mention"]["text"] == "Doyle" and doyle["channel"] is None
    assert doyle["speaker"] in {e["id"] for e in record["entities"] if e["name"] == "Karen Doyle"}


def test_extract_json_one_line_per_article_across_files_and_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    txt = write(tmp_path / "ferry.txt", SEED_FORMAT)
    records = write(
        tmp_path / "records.jsonl",
        json.dumps(
            {
                "id": "rec-a",
                "text": '  "We open at dawn," baker Emily Carter said.\n',
                "published": "2023-01-02",
            }
        )
        + "\n"
        + json.dumps({"id": "rec-b", "text": "The mayor said that the budget would be cut next year."})
        + "\n",
    )
    code, out, err = run(capsys, "extract", "--json", txt, records)
    assert code == 0, err
    lines = json_lines(out)
    assert [r["article"]["input_id"] for r in lines] == [str(txt), "rec-a", "rec-b"]
    for record in lines:
        assert_contract(record)
    rec_a = lines[1]
    # a record's text is kept as given, so offsets point into it
    assert rec_a["article"]["text"] == '  "We open at dawn," baker Emily Carter said.\n'
    assert rec_a["article"]["published"] == "2023-01-02"
    (q,) = rec_a["quotes"]
    assert (q["text"], q["speaker_name"], q["cue"]) == ("We open at dawn", "Emily Carter", "said")
    assert rec_a["article"]["text"][q["start"] : q["end"]] == "We open at dawn"
    (q,) = lines[2]["quotes"]
    assert (q["kind"], q["speaker_mention"]["text"]) == ("indirect", "The mayor")


def test_extract_json_multi_paragraph_quote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path / "bridge.txt",
        "date 2023-03-01 Council Delays Bridge Repairs\n"
        "Harold Finch addressed the council on Tuesday evening.\n"
        '"The bridge has been unsafe for years. We waited too long.\n'
        '"Now the repairs will cost twice as much," Finch said.\n',
    )
    code, out, _ = run(capsys, "extract", "--json", path)
    assert code == 0
    (record,) = json_lines(out)
    assert_contract(record)
    (q,) = record["quotes"]
    assert (
        q["text"] == "The bridge has been unsafe for years. We waited too long.\n"
        "Now the repairs will cost twice as much"
    )
    assert q["speaker_name"] == "Harold Finch"
    span = record["article"]["text"][q["start"] : q["end"]]
    assert span.startswith("The bridge") and span.endswith("twice as much")


@pytest.mark.skipif(not SEED.is_file(), reason="../shared/seed is not available")
def test_extract_json_on_the_shared_seed_article(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "extract", "--json", SEED)
    assert code == 0, err
    (record,) = json_lines(out)
    assert_contract(record)
    assert record["quotes"] and record["entities"]


# --- bad inputs in one batch ----------------------------------------------------------------------


def test_bad_inputs_each_give_one_error_line_and_good_ones_still_come_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path / "a_good.txt", SEED_FORMAT)
    binary = write(tmp_path / "b_binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    empty = write(tmp_path / "c_empty.txt", "")
    latin1 = write(
        tmp_path / "d_latin1.txt",
        'Caf\xe9 Reopens\n"The caf\xe9 is open again," owner Maria Lopez said.\n'.encode("latin-1"),
    )
    large = write(tmp_path / "e_large.txt", "A Long Story\n" + "The ferry ran late again. " * 400)
    bad_date = write(tmp_path / "f_bad_date.txt", "date 2018-02-30 Title\nThe council met on Tuesday.\n")
    records = write(
        tmp_path / "g_records.jsonl",
        json.dumps({"id": "ok-1", "text": '"We are ready," coach Daniel Reyes said.'})
        + "\n"
        + '{"id": "broken", "text": "never closed\n'
        + json.dumps({"id": "ok-2", "text": "According to the police, the suspect fled the scene."})
        + "\n",
    )
    code, out, err = run(
        capsys,
        "extract",
        "--json",
        "--max-bytes",
        "4000",
        good,
        binary,
        empty,
        latin1,
        large,
        bad_date,
        records,
    )
    assert code == 1
    assert "Traceback" not in err

    errors = [line for line in err.splitlines() if line.startswith("storyline: error: ")]
    assert len(errors) == 5, err
    expected = {
        str(binary): "binary",
        str(empty): "empty",
        str(large): "too large",
        str(bad_date): "2018-02-30",
        f"{records}:2": "not valid JSON",
    }
    for where, reason in expected.items():
        mine = [line for line in errors if line.startswith(f"storyline: error: {where}: ")]
        assert len(mine) == 1, (where, errors)
        assert reason in mine[0]
    # the invalid UTF-8 file is a warning, not an error, and is still processed
    warnings = [line for line in err.splitlines() if line.startswith("storyline: warning: ")]
    assert len(warnings) == 1 and str(latin1) in warnings[0] and "UTF-8" in warnings[0]
    assert all(line.startswith(("storyline: error: ", "storyline: warning: ")) for line in err.splitlines())

    lines = json_lines(out)
    assert [r["article"]["input_id"] for r in lines] == [str(good), str(latin1), "ok-1", "ok-2"]
    for record in lines:
        assert_contract(record)
    assert "\ufffd" in lines[1]["article"]["text"]  # the bad byte was replaced, not dropped
    (q,) = lines[1]["quotes"]
    assert (q["text"], q["speaker_name"]) == ("The caf\ufffd is open again", "Maria Lopez")
    assert lines[2]["quotes"][0]["speaker_name"] == "Daniel Reyes"


def test_missing_file_is_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path / "good.txt", SEED_FORMAT)
    missing = tmp_path / "nowhere.txt"
    code, out, err = run(capsys, "extract", "--json", missing, good)
    assert code == 1
    assert err.splitlines() == [f"storyline: error: {missing}: not a file (does not exist)"]
    assert len(json_lines(out)) == 1


def test_all_good_batch_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = write(tmp_path / "one.txt", SEED_FORMAT)
    two = write(tmp_path / "two.txt", 'Library Reopens\n"We counted every volume twice," Maria Lopez said.\n')
    code, out, err = run(capsys, "extract", "--json", one, two)
    assert code == 0
    assert err == ""
    assert len(json_lines(out)) == 2


def test_published_option_fills_in_a_missing_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path / "undated.txt", 'Library Reopens\n"We counted every volume twice," Maria Lopez said.\n'
    )
    code, out, _ = run(capsys, "extract", "--json", "--published", "2024-02-29", path)
    assert code == 0
    (record,) = json_lines(out)
    assert record["article"]["published"] == "2024-02-29"


def test_bad_published_option_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "undated.txt", "Title\nBody text.\n")
    with pytest.raises(SystemExit) as exc:
        main(["extract", "--published", "2024-02-30", str(path)])
    assert exc.value.code == 2
    assert "not a date" in capsys.readouterr().err


# --- readable output ------------------------------------------------------------------------------


def test_readable_output_groups_quotes_by_speaker(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path / "hearing.txt",
        "date 2023-05-04 Hearing on Transit Tax Ends Without a Vote\n"
        "Laura Chen and David Okafor both spoke at the hearing.\n"
        '"The numbers simply do not add up," Okafor said.\n'
        '"We cannot wait another year," Chen said.\n'
        '"Nobody has shown me a better plan," Okafor said.\n',
    )
    code, out, err = run(capsys, "extract", path)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "# Hearing on Transit Tax Ends Without a Vote"
    assert "Quotes (3 quoted, 0 reported):" in lines
    okafor = lines.index("  David Okafor (2)")
    chen = lines.index("  Laura Chen (1)")
    assert okafor < chen  # groups in order of each speaker's first quote
    assert lines[okafor + 1 : okafor + 3] == [
        "  - said: “The numbers simply do not add up”",
        "  - said: “Nobody has shown me a better plan”",
    ]
    assert lines[chen + 1] == "  - said: “We cannot wait another year”"
    assert not out.lstrip().startswith("{")  # not JSON


def test_readable_output_shows_channel_and_reported_speech(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path / "chef.txt",
        "date 2023-07-08 Chef Thanks Fans After Award\n"
        'The chef Marco Bellini thanked his fans. "You made this restaurant," Bellini wrote on Instagram.\n'
        "Police chief Ann Kowalski said that two officers had been suspended.\n",
    )
    code, out, _ = run(capsys, "extract", path)
    assert code == 0
    lines = out.splitlines()
    assert "Quotes (1 quoted, 1 reported):" in lines
    bellini = lines.index("  Marco Bellini (1)")
    assert lines[bellini + 1] == "  - wrote (Instagram): “You made this restaurant”"
    kowalski = lines.index("  Ann Kowalski (1)")
    assert lines[kowalski + 1] == "  - said: [two officers had been suspended]"


# --- help -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "words"), [("extract", ["--json", "--max-bytes"]), ("eval", ["polnear"])]
)
def test_help(command: str, words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: storyline {command}")
    for word in words:
        assert word in out


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
    assert capsys.readouterr().err == (  # one line, as every usage error (cli.types.Parser)
        "storyline: error: the following arguments are required: COMMAND (see 'storyline --help')\n"
    )


def test_a_50_mb_file_is_refused_by_size_and_the_batch_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"date 2020-05-01 Huge\nA sentence said nothing at all.\n" * 1_000_000)
    assert huge.stat().st_size > 50_000_000
    good = tmp_path / "good.txt"
    good.write_text('date 2020-05-01 Fine\n"It works," Ana Ruiz said.\n', encoding="utf-8")
    code = main(["extract", "--json", str(huge), str(good)])
    out, err = capsys.readouterr()
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("storyline: error:")]
    assert len(errors) == 1 and str(huge) in errors[0] and "too large" in errors[0]
    assert "Traceback" not in err
    (doc,) = [json.loads(line) for line in out.splitlines()]
    assert doc["quotes"][0]["speaker_name"] == "Ana Ruiz"


def test_json_lines_batches_are_limited_per_record_not_per_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "batch.jsonl"
    record = {"id": "r", "text": "The council met on Monday. " * 20, "published": "2021-03-04"}
    lines = [json.dumps({**record, "id": f"r{i}"}) for i in range(40)]
    lines.insert(5, json.dumps({"id": "big", "text": "x " * 5000}))
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert batch.stat().st_size > 20_000
    code = main(["extract", "--json", "--max-bytes", "6000", str(batch)])
    out, err = capsys.readouterr()
    ids = [json.loads(line)["article"]["input_id"] for line in out.splitlines()]
    assert code == 1
    assert ids == [f"r{i}" for i in range(40)]
    assert err.count("storyline: error:") == 1 and f"{batch}:6: record too large" in err
