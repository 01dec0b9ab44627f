"""Opening a store: only a writer (ingest, load, migrate, a server that may ingest) creates one or
upgrades its schema; every other command refuses, in one line and without writing a byte, a file
that is missing, empty, another program's database or a store of an older schema."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from storyline.cli import main
from storyline.store import SchemaError, Store, StoreError, schema
from storyline.store.schema import VERSION

READS = [
    ["stats"],
    ["timeline", "Ann Lee"],
    ["quotes"],
    ["people"],
    ["relations", "Ann Lee"],
    ["contradictions", "Ann Lee"],
    ["export", "--format", "csv"],
    ["serve"],
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _foreign(path: Path) -> Path:
    with sqlite3.connect(path) as conn:  # what `sqlite3 f.db "create table users(x)"` makes
        conn.execute("CREATE TABLE users (x)")
    return path


def _older(path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store as the storyline before the last migration wrote it."""
    with monkeypatch.context() as m, sqlite3.connect(path, isolation_level=None) as conn:
        m.setattr(schema, "VERSION", VERSION - 1)
        schema.migrate(conn, str(path))
    return path


def _run(capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str], db: Path) -> tuple[int, str]:
    extra = ["--out", str(tmp_path / "out")] if command[0] == "export" else []
    code = main([*command, "--db", str(db), *extra])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("command", READS, ids=lambda c: c[0])
def test_a_read_command_leaves_another_programs_database_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    db = _foreign(tmp_path / "f.db")
    before = _digest(db)
    code, err = _run(capsys, tmp_path, command, db)
    assert code == 1
    assert err == f"storyline: error: {db}: not a storyline store (another program's database: users)\n"
    assert _digest(db) == before and sorted(p.name for p in tmp_path.iterdir()) == ["f.db"]


@pytest.mark.parametrize("command", READS, ids=lambda c: c[0])
def test_a_read_command_leaves_an_empty_file_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.touch()
    code, err = _run(capsys, tmp_path, command, empty)
    assert code == 1 and err.count("\n") == 1
    assert (
        err
        == f"storyline: error: {empty}: not a storyline store (an empty file); 'storyline ingest' makes one\n"
    )
    assert empty.stat().st_size == 0 and [p.name for p in tmp_path.iterdir()] == ["empty.txt"]


@pytest.mark.parametrize("command", READS, ids=lambda c: c[0])
def test_a_read_command_makes_no_store_where_there_is_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    code, err = _run(capsys, tmp_path, command, tmp_path / "none.db")
    assert code == 1 and err.count("\n") == 1 and "none.db: no store here" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", READS, ids=lambda c: c[0])
def test_a_read_command_refuses_an_older_store_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    db = _older(tmp_path / "old.db", monkeypatch)
    before = _digest(db)
    code, err = _run(capsys, tmp_path, command, db)
    assert code == 1
    assert err == (
        f"storyline: error: {db}: store schema version {VERSION - 1} is older than this storyline's "
        f"({VERSION}); run 'storyline migrate --db {db}' to upgrade it (reading never changes a store)\n"
    )
    assert _digest(db) == before


def test_migrate_upgrades_an_older_store_and_then_it_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _older(tmp_path / "old.db", monkeypatch)
    assert main(["migrate", "--db", str(db)]) == 0
    assert capsys.readouterr().err == (
        f"storyline: {db}: upgraded from schema version {VERSION - 1} to {VERSION}\n"
    )
    assert main(["stats", "--json", "--db", str(db)]) == 0
    assert '"articles": 0' in capsys.readouterr().out
    assert main(["migrate", "--db", str(db)]) == 0
    assert capsys.readouterr().err == f"storyline: {db}: already current\n"


def test_migrate_makes_no_store_and_leaves_a_foreign_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate", "--db", str(tmp_path / "none.db")]) == 1
    assert "none.db: no store here" in capsys.readouterr().err and list(tmp_path.iterdir()) == []
    db = _foreign(tmp_path / "f.db")
    before = _digest(db)
    assert main(["migrate", "--db", str(db)]) == 1
    assert "not a storyline store (another program's database: users)" in capsys.readouterr().err
    assert _digest(db) == before


def test_a_writer_refuses_another_programs_database_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _foreign(tmp_path / "f.db")
    before = _digest(db)
    with pytest.raises(StoreError, match="another program's database: users"):
        Store(db)
    article = tmp_path / "a.txt"
    article.write_text('date 2024-01-02 Title\n"We will rebuild," the governor said.\n', encoding="utf-8")
    assert main(["ingest", str(article), "--db", str(db), "--quiet"]) == 1
    assert capsys.readouterr().err == (
        f"storyline: error: {db}: not a storyline store (another program's database: users)\n"
    )
    assert _digest(db) == before


def test_a_writer_makes_a_store_in_an_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    with Store(empty) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == VERSION
        assert store.upgraded_from == 0


def test_a_newer_store_is_refused_by_readers_and_writers(tmp_path: Path) -> None:
    db = tmp_path / "future.db"
    with Store(db):
        pass
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {VERSION + 1}")
    for create in (True, False):
        with pytest.raises(SchemaError, match="newer than this storyline knows"):
            Store(db, create=create)


def test_a_user_version_alone_does_not_make_a_store(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 3")
    for create in (True, False):
        with pytest.raises(
            StoreError, match=r"not a storyline store \(another program's database: no tables\)"
        ):
            Store(db, create=create)


def test_a_reader_cannot_write(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    Store(db).close()
    with Store(db, create=False) as store, pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.conn.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")


def test_serve_without_ingest_refuses_and_with_ingest_upgrades_an_older_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.cli import serve

    db = _older(tmp_path / "old.db", monkeypatch)
    assert main(["serve", "--db", str(db)]) == 1
    assert "is older than this storyline's" in capsys.readouterr().err
    started = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: started.append(options))
    assert serve.cmd_serve(serve_args(db, allow_ingest=True)) == 0
    assert started and started[0]["host"] == "127.0.0.1"
    with Store(db, create=False) as store:  # readable now: upgraded by the server that may ingest
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == VERSION


def serve_args(db: Path, **options: object):
    from storyline.cli import build_parser

    args = build_parser().parse_args(["serve", "--db", str(db)])
    vars(args).update(options)
    return args
