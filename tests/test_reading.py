"""Reading ahead in a process of its own (storyline.ingest.reading): the same articles, errors,
counts and metadata notices in the same order as reading here; an exception in the child is raised
here; a child that dies is one ReadError, not a hang; Ctrl-C stops the ingest as before and leaves
no reader behind."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storyline.cli import main
from storyline.ingest import read_inputs, reading
from storyline.model import Article, ReadCounts, ReadError
from storyline.readers.metadata import MetadataError
from test_warc import build_warc

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
DEMO = ROOT / "examples" / "demo"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """A web archive (skipped, truncated and non-HTML records in it), HTML, text, JSON Lines and
    CSV files, a folder with its own metadata file, and a path that does not exist."""
    root = tmp_path_factory.mktemp("inputs")
    (root / "crawl.warc.gz").write_bytes(build_warc()[0])
    folder = root / "demo"
    folder.mkdir()
    names = sorted(p.name for p in DEMO.glob("*.txt"))[:4]
    for name in names:
        (folder / name).write_text((DEMO / name).read_text())
    (folder / "metadata.tsv").write_text(f"file\tsource\n{names[0]}\tThe Folder Times\n")
    return [
        str(root / "crawl.warc.gz"),
        str(FIXTURES / "article.html"),
        str(folder),
        str(FIXTURES / "records.jsonl"),
        str(FIXTURES / "records.csv"),
        str(root / "missing.html"),
        str(FIXTURES / "byline_article.txt"),
    ]


def _read(paths: list[str], ahead: bool, **options: object) -> tuple[list, ReadCounts, list[Path]]:
    counts, notices = ReadCounts(records=3, skipped={"request": 1}), []  # what an earlier input left
    items = list(
        read_inputs(paths, counts=counts, on_metadata=notices.append, ahead=ahead, discover=True, **options)
    )
    return items, counts, notices


def test_reading_ahead_gives_what_reading_here_gives(
    inputs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    here = _read(inputs, ahead=False)
    items, counts, notices = here
    assert len([i for i in items if isinstance(i, Article)]) >= 10
    assert {i.input for i in items if isinstance(i, ReadError)} >= {inputs[5]} and any(
        "truncated" in i.reason for i in items if isinstance(i, ReadError)
    )
    assert counts.records > 3 and counts.skipped["request"] == 2 and "revisit" in counts.skipped
    assert notices == [Path(inputs[2]) / "metadata.tsv"]
    assert any(i.source == "The Folder Times" for i in items if isinstance(i, Article))
    assert _read(inputs, ahead=True) == here
    monkeypatch.setattr(reading, "CHUNK_ITEMS", 1)  # one item a chunk, one chunk ahead: flow control
    monkeypatch.setattr(reading, "WINDOW", 1)
    assert _read(inputs, ahead=True) == here


def test_counts_follow_the_items_as_they_are_taken(inputs: list[str]) -> None:
    """The counts seen beside each item are those reading here shows at that item (a progress bar)."""
    seen = []
    for ahead in (False, True):
        counts = ReadCounts()
        seen.append(
            [
                (counts.records, counts.bytes, dict(counts.skipped))
                for _ in read_inputs(inputs[:1], counts=counts, ahead=ahead)
            ]
        )
    assert seen[0] == seen[1] and seen[0][0] != seen[0][-1]


def test_an_exception_in_the_child_is_raised_here(inputs: list[str], tmp_path: Path) -> None:
    bad = tmp_path / "metadata.tsv"
    bad.write_text("no tabs here\n")
    raised = []
    for ahead in (False, True):
        with pytest.raises(MetadataError) as caught:
            list(read_inputs(inputs[:2], metadata=bad, ahead=ahead))
        raised.append(str(caught.value))
    assert raised[0] == raised[1] and str(bad) in raised[0]
    assert "raised in the reader process" in caught.value.__notes__[0]  # with the child's traceback


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_reader_that_dies_is_one_error_and_the_end(
    inputs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "CHUNK_ITEMS", 1)  # the child is at most two items ahead
    monkeypatch.setattr(reading, "WINDOW", 1)
    items = read_inputs(inputs, ahead=True)
    first = next(items)
    (child,) = [
        p
        for p in _children(os.getpid())
        if b"storyline.ingest.reading" in Path(f"/proc/{p}/cmdline").read_bytes()
    ]
    os.kill(child, signal.SIGKILL)
    started = time.monotonic()
    rest = list(items)
    assert time.monotonic() - started < 30
    assert isinstance(first, Article) and len(rest) <= 3
    error = rest[-1]
    assert isinstance(error, ReadError) and error.input == "<reading process>"
    assert str(error).startswith("<reading process>: the reading process was killed by SIGKILL after ")
    assert "the inputs after those were not read" in str(error) and "\n" not in str(error)
    assert not _alive(child)


def test_a_reader_whose_parent_is_killed_ends(inputs: list[str]) -> None:
    """Its pipes close: it stops at its next message, it is not left reading (or waiting) alone."""
    code = (
        "import sys, time; from storyline.ingest import read_inputs, reading; reading.CHUNK_ITEMS = 1; "
        "reading.WINDOW = 1; items = read_inputs(sys.argv[1:], ahead=True); next(items); "
        "print('reading', flush=True); time.sleep(300)"
    )
    child_ends_with_parent(code, inputs, "reading")


def child_ends_with_parent(code: str, args: list[str], ready: str, env: dict[str, str] | None = None) -> None:
    """Run `code` (which starts one child, then prints `ready` and sleeps), kill it: the child must
    end within a minute."""
    command = [sys.executable, "-c", code, *args]
    parent = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
    assert parent.stdout is not None and parent.stdout.readline() == ready + "\n"
    (child,) = _children(parent.pid)
    parent.kill()
    parent.wait(timeout=30)
    deadline = time.monotonic() + 60
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child)


def test_when_reading_ahead_pays(inputs: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [str(FIXTURES / "records.jsonl"), str(DEMO)]
    assert reading.spare_cores() <= len(os.sched_getaffinity(0))  # the load taken off the cores
    monkeypatch.delenv(reading.ENV, raising=False)
    monkeypatch.setattr(reading, "spare_cores", lambda: 2.0)  # an idle machine of two cores
    assert not reading.wanted(inputs, None)  # a few pages: starting a process would cost more
    assert reading.wanted(inputs, True) and not reading.wanted([*inputs, "-"], True)  # stdin stays here
    monkeypatch.setattr(reading, "READ_AHEAD_BYTES", (FIXTURES / "article.html").stat().st_size)
    assert reading.wanted([str(FIXTURES)], None) and reading.wanted(inputs[:2], None)
    assert not reading.wanted(texts, None)  # text and records are read about as fast as they are sent
    monkeypatch.setenv(reading.ENV, "0")
    assert not reading.wanted([str(FIXTURES)], None) and reading.wanted([str(FIXTURES)], True)
    monkeypatch.setenv(reading.ENV, "1")
    assert reading.wanted(texts, None) and not reading.wanted(["-"], None)
    monkeypatch.delenv(reading.ENV)
    monkeypatch.setattr(reading, "spare_cores", lambda: 1.0)  # one core, or one of two busy elsewhere
    assert not reading.wanted([str(FIXTURES)], None)  # the reader would take the extraction's time


def test_cli_ingest_reads_ahead_with_the_same_result(
    inputs: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summaries, tables = [], []
    for forced in ("0", "1"):  # never, then always
        monkeypatch.setenv(reading.ENV, forced)
        (tmp_path / forced).mkdir()
        db = tmp_path / forced / "store.db"
        assert main(["ingest", *inputs, "--db", str(db), "--quiet"]) == 1  # the missing file
        err = capsys.readouterr().err
        summaries.append([line.replace(str(db), "DB").split(" in ")[0] for line in err.splitlines()])
        with sqlite3.connect(db) as conn:
            stored = conn.execute(
                "SELECT id, title, author, published FROM articles ORDER BY rowid"
            ).fetchall()
            stored += conn.execute("SELECT * FROM sources ORDER BY rowid").fetchall()
            tables.append(stored)  # in the order stored
    assert summaries[0] == summaries[1] and "records skipped" in summaries[0][-1]
    assert tables[0] == tables[1] and len(tables[0]) >= 20


def test_ctrl_c_stops_the_ingest_and_its_reader(tmp_path: Path) -> None:
    """Pages read ahead; SIGINT once some are stored: exit 130, one line, no reader left."""
    from storyline_testing.generate import generate_records

    sys.path.insert(0, str(ROOT / "bench"))
    from warc_ingest import page

    pages = tmp_path / "pages"
    pages.mkdir()
    for n, record in enumerate(generate_records(300, seed=3)):  # more than a few commits hold
        (pages / f"{n:03}.html").write_bytes(page(record))
    db = tmp_path / "pages.db"
    interrupt_when_stored([str(pages)], db, {reading.ENV: "1"})  # as on a machine with a core to spare
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= 2


def interrupt_when_stored(inputs: list[str], db: Path, env: dict[str, str]) -> None:
    """`storyline ingest` of the inputs, sent SIGINT once two articles are stored: it must exit
    130 with one line, leaving none of its child processes (there must be one) behind."""
    command = [sys.executable, "-m", "storyline.cli", "ingest", *inputs, "--db", str(db), "--quiet"]
    environment = {**os.environ, **env}
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=environment)
    children, deadline = set(), time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        children |= set(_children(process.pid))
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
                if conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= 2:
                    break
        except sqlite3.OperationalError:
            pass
        time.sleep(0.1)
    assert process.poll() is None and children, "the ingest finished before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and err.strip().splitlines() == ["storyline: interrupted"]
    assert not any(_alive(pid) for pid in children)
