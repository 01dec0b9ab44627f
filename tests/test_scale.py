"""Scale-out: the same extraction on a real Dask LocalCluster (127.0.0.1) gives the single-process
result record for record, survives a worker killed mid-run, and round-trips through Parquet."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import sys
import threading
import time
from pathlib import Path

import pytest

from storyline import query
from storyline.cli import main
from storyline.ingest import ingest, read_inputs
from storyline.ingest.work import on_cluster
from storyline.scale.bulk import extract_to_parquet, load_parquet
from storyline.scale.cluster import dask_client
from storyline.store import Store
from storyline_testing.generate import write_corpus

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("generated")
    write_corpus(60, folder, seed=3, shard_size=30)
    return [str(folder), str(DEMO)]


def _inputs(paths: list[str]):
    return read_inputs(paths, metadata=DEMO.parent / "metadata.tsv")


def _tables(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as conn:
        return {t: [tuple(r.values()) for r in query.export_rows(conn, t)] for t in query.TABLES}


@pytest.fixture(scope="module")
def single(corpus: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("single") / "single.db"
    with Store(db) as store:
        assert ingest(store, _inputs(corpus)).added > 80
    return db


def test_local_cluster_gives_the_single_process_result_record_for_record(
    corpus: list[str], single: Path, tmp_path: Path
) -> None:
    db = tmp_path / "dask.db"
    with dask_client(workers=2) as client, Store(db) as store:
        assert all(w.startswith("tcp://127.0.0.1:") for w in client.scheduler_info()["workers"])
        ingest(store, _inputs(corpus), extract=on_cluster(client, batch=8))
    assert _tables(db) == _tables(single)


def test_a_worker_killed_mid_run_loses_nothing(corpus: list[str], single: Path, tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    with dask_client(workers=2) as client, Store(db) as store:
        pids = client.run(os.getpid)  # worker address -> process id
        done = threading.Event()
        result: dict = {}

        def run() -> None:
            result["report"] = ingest(
                store, _inputs(corpus), extract=on_cluster(client, batch=4, in_flight=6)
            )
            done.set()

        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not done.is_set():
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                if conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= 8:
                    break
            time.sleep(0.05)
        assert not done.is_set(), "the run ended before a worker could be killed"
        os.kill(next(iter(pids.values())), signal.SIGKILL)
        thread.join(timeout=300)
        assert done.is_set()
    assert not result["report"].failed
    assert _tables(db) == _tables(single)  # complete, and nothing twice


def test_parquet_round_trip_on_the_cluster(corpus: list[str], single: Path, tmp_path: Path) -> None:
    here, there = tmp_path / "here", tmp_path / "there"
    extract_to_parquet(_inputs(corpus), here, part_size=25)
    with dask_client(workers=2) as client:
        report = extract_to_parquet(_inputs(corpus), there, part_size=25, client=client)
    assert report.articles > 80 and not report.failed
    files = sorted(p.relative_to(here) for p in here.rglob("*.parquet"))
    assert files == sorted(p.relative_to(there) for p in there.rglob("*.parquet"))
    assert all((here / f).read_bytes() == (there / f).read_bytes() for f in files)
    months = {p.name for p in (here / "quotes").iterdir()}
    assert "month=2025-04" in months and all(m.startswith("month=") for m in months)
    loaded = tmp_path / "loaded.db"
    with Store(loaded) as store:
        added, known = load_parquet(store, here)
    assert added == query.stats(sqlite3.connect(single))["articles"]
    assert added + known == report.articles  # the wire story run by two outlets: one article, two rows
    with Store(loaded, create=False) as a, Store(single, create=False) as b:
        assert query.stats(a.conn) == query.stats(b.conn)


def test_cli_generate_extract_out_and_load(tmp_path: Path) -> None:
    assert main(["bench", "generate", "12", str(tmp_path / "gen"), "--shard-size", "5"]) == 0
    assert len(list((tmp_path / "gen").glob("*.jsonl"))) == 3
    assert main(["extract", str(tmp_path / "gen"), "--out", str(tmp_path / "pq"), "--quiet"]) == 0
    assert main(["load", str(tmp_path / "pq"), "--db", str(tmp_path / "s.db")]) == 0
    with Store(tmp_path / "s.db", create=False) as store:
        assert query.stats(store.conn)["articles"] == 12
    assert main(["load", str(tmp_path / "nothing"), "--db", str(tmp_path / "s.db")]) == 1


def test_bench_generate_from_a_wheel_says_it_needs_a_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # as installed from the wheel: storyline is there, storyline_testing is on no path
    monkeypatch.setattr(sys, "path", [p for p in sys.path if not (Path(p) / "storyline_testing").is_dir()])
    for name in ("storyline_testing", "storyline_testing.generate"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    assert main(["bench", "generate", "3", str(tmp_path / "gen")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("storyline: error: bench generate needs a source checkout") and err.count("\n") == 1
    assert not (tmp_path / "gen").exists()


def test_query_parquet_with_duckdb_answers_like_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    seed = ROOT / "examples" / "kimora-lee-simmons-2018-01-26.txt"
    assert main(["extract", str(seed), str(DEMO), "--out", str(tmp_path / "pq"), "--quiet"]) == 0
    capsys.readouterr()
    assert (
        main(
            [
                "query",
                "--parquet",
                str(tmp_path / "pq"),
                "quotes",
                "--speaker",
                "Kimora Lee Simmons",
                "--json",
            ]
        )
        == 0
    )
    quotes = json.loads(capsys.readouterr().out)
    assert len(quotes) == 5 and {q["date"] for q in quotes} == {"2018-01-25"}
    assert {q["label"] for q in quotes} == {"25 Jan 2018"}  # the same day in words
    assert main(["query", "--parquet", str(tmp_path / "pq"), "timeline", "Russell Simmons", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    dates = [r["date"] for r in rows if r["date"]]
    assert dates == sorted(dates)
    values = [r["value"] for r in rows]
    assert values.index("1998") < values.index("2009") < values.index("2017-11") < values.index("2018-01-25")
    assert next(r["label"] for r in rows if r["value"] == "2017-11") == "Nov 2017"
    assert main(["query", "--parquet", str(tmp_path / "pq"), "timeline", "Russell Simmons"]) == 0
    text = capsys.readouterr().out
    assert "\nNov 2017 " in text and not re.search(r"^\d{4}-\d{2}|, \d{4}-\d{2}-\d{2}$", text, re.M)
    assert main(["query", "--parquet", str(tmp_path / "pq"), "timeline", "Nobody Atall"]) == 1
    assert "no person or organisation called 'Nobody Atall'" in capsys.readouterr().err
    assert main(["query", "--parquet", str(tmp_path / "nothing"), "stats"]) == 1


def test_json_lines_through_fsspec_urls(tmp_path: Path) -> None:
    from storyline.scale.bulk import extract_urls_to_parquet
    from storyline.scale.duck import connect, stats

    write_corpus(20, tmp_path / "gen", seed=5, shard_size=10)
    (tmp_path / "gen" / "corpus-00001.jsonl").open("a").write("{not json\n")
    url = (tmp_path / "gen").resolve().as_uri() + "/*.jsonl"
    report = extract_urls_to_parquet([url], tmp_path / "remote")
    extract_to_parquet(_inputs([str(tmp_path / "gen")]), tmp_path / "local")
    assert report.articles == 20 and [f.reason for f in report.failed] == [
        "not valid JSON (expecting property name enclosed in double quotes: column 2)"
    ]
    assert stats(connect(tmp_path / "remote")) == stats(connect(tmp_path / "local"))


def test_ingest_through_a_scheduler_address(corpus: list[str], single: Path, tmp_path: Path) -> None:
    from distributed import LocalCluster

    db = tmp_path / "remote.db"
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        assert main(["ingest", *corpus, "--db", str(db), "--quiet", "--scheduler", address]) == 0
    assert _tables(db) == _tables(single)
