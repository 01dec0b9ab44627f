"""Every numeric option of every command has a range, checked where it is parsed (cli.types), and
a value out of it is one line naming the option: `ingest --batch-size 0` once ingested nothing and
reported success, `--batch-size -1` gave a traceback, `timeline NAME --limit -1` dropped the last
line, `quotes --limit -1` returned one quote and `serve --rate-limit -1` answered 429 for ever."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest

from storyline.cli import build_parser, main
from storyline.cli import types as t

# The arguments each command needs besides the option tested; "N" marks a numeric positional.
COMMANDS: dict[tuple[str, ...], list[str]] = {
    ("extract",): ["extract", "a.txt"],
    ("eval",): ["eval", "events", "dir"],
    ("ingest",): ["ingest", "a.txt"],
    ("watch",): ["watch", "feeds.txt"],
    ("demo",): ["demo"],
    ("timeline",): ["timeline", "Ann Lee"],
    ("story",): ["story", "Ann Lee"],
    ("quotes",): ["quotes"],
    ("people",): ["people"],
    ("relations",): ["relations", "Ann Lee"],
    ("contradictions",): ["contradictions", "Ann Lee"],
    ("serve",): ["serve"],
    ("query", "quotes"): ["query", "--parquet", "d", "quotes"],
    ("query", "people"): ["query", "--parquet", "d", "people"],
    ("bench", "generate"): ["bench", "generate", "N", "dir"],
}
OUT_OF_RANGE = {
    t.positive_int: ["0", "-1", "1.5", "x"],
    t.non_negative_int: ["-1", "x"],
    t.port: ["0", "65536"],
    t.non_negative_float: ["-1", "-0.5", "nan", "inf", "x"],
    t.unit_float: ["-0.1", "1.5", "nan"],
    t.rate: ["0", "-1", "101", "nan", "x"],
    t.timeout: ["0", "601", "inf", "x"],
    t.interval: ["0", "0.5s", "-5m", "soon", "infm"],
}
NUMBERS = (int, float, *OUT_OF_RANGE)


def _options(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _options(sub, (*path, name))
        elif (
            action.type in NUMBERS
            or isinstance(action.default, int | float)
            and not isinstance(action.default, bool)
        ):
            yield path, action


def _numeric_options() -> list[tuple]:
    return [(path, action) for path, action in _options(build_parser()) if action.dest != "seed"]


def test_every_numeric_option_has_a_range() -> None:
    """No option parses a bare int or float; each is covered by the tests below. (`bench generate
    --seed` is the one number any integer is right for.)"""
    found = list(_options(build_parser()))
    assert [(p, a.dest) for p, a in found if a.type in (int, float)] == [(("bench", "generate"), "seed")]
    assert {p for p, _ in _numeric_options()} == set(COMMANDS)
    assert all(a.type in OUT_OF_RANGE for _, a in _numeric_options())


@pytest.mark.parametrize(
    ("path", "flag", "value"),
    [
        (path, action.option_strings[0] if action.option_strings else None, value)
        for path, action in _numeric_options()
        for value in OUT_OF_RANGE[action.type]
    ],
    ids=str,
)
def test_an_out_of_range_number_is_a_one_line_usage_error(
    path: tuple[str, ...], flag: str | None, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [(value if not flag else "5") if a == "N" else a for a in COMMANDS[path]]
    argv += [flag, value] if flag else []
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    prog = "storyline " + " ".join(path)
    assert err.count("\n") == 1 and err.startswith(f"{prog}: error: argument {flag or 'n'}: "), err
    assert err.endswith(f"(see '{prog} --help')\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ingest", "a.txt", "--batch-size", "0"], "argument --batch-size: must be 1 or more, not 0"),
        (["ingest", "a.txt", "--batch-size", "-1"], "argument --batch-size: must be 1 or more, not -1"),
        (["timeline", "Ann Lee", "--limit", "-1"], "argument --limit: must be 0 or more, not -1"),
        (["quotes", "--limit", "-1"], "argument --limit: must be 0 or more, not -1"),
        (["serve", "--rate-limit", "-1"], "argument --rate-limit: must be 0 or more, not -1"),
        (["serve", "--rate-limit", "nan"], "argument --rate-limit: not a finite number: 'nan'"),
        (["serve", "--port", "70000"], "argument --port: a port is between 1 and 65535, not 70000"),
        (["extract", "a.txt", "--max-bytes", "0"], "argument --max-bytes: must be 1 or more, not 0"),
    ],
)
def test_the_reported_numbers_are_refused(
    tmp_path: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.db"
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--db", str(db)] if argv[0] != "extract" else argv)
    assert exc.value.code == 2
    assert f": error: {message} (see 'storyline {argv[0]} --help')\n" in capsys.readouterr().err
    assert not db.exists()  # refused before anything was opened


def test_the_edges_of_each_range_are_accepted() -> None:
    assert t.positive_int("1") == 1 and t.non_negative_int("0") == 0
    assert t.port("1") == 1 and t.port("65535") == 65535
    assert t.non_negative_float("0") == 0.0 and t.unit_float("1") == 1.0 and t.unit_float("0") == 0.0
