"""Ingest survives SIGKILL: a rerun finishes the job with the counts of an uninterrupted run, and
another process can query the store while an ingest writes to it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from storyline import query
from storyline.store import Store

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo"
SEED = ROOT / "examples" / "kimora-lee-simmons-2018-01-26.txt"


def _ingest_command(db: Path) -> list[str]:
    return [
        sys.executable, "-m", "storyline.cli", "ingest", str(DEMO), str(SEED),
        "--metadata", str(DEMO.parent / "metadata.tsv"), "--db", str(db), "--quiet", "--batch-size", "1",
    ]  # fmt: skip


def _stats(db: Path) -> dict:
    with Store(db, create=False) as store:
        return query.stats(store.conn)


def _articles(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


def test_sigkill_then_rerun_gives_the_counts_of_a_clean_run(tmp_path: Path) -> None:
    clean = tmp_path / "clean.db"
    subprocess.run(_ingest_command(clean), check=True, capture_output=True, timeout=300)
    expected = _stats(clean)

    killed = tmp_path / "killed.db"
    process = subprocess.Popen(_ingest_command(killed), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    seen_while_writing = 0
    while time.monotonic() < deadline and process.poll() is None:
        seen_while_writing = _articles(killed)  # a second process reads while the first writes
        if seen_while_writing >= 5:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the ingest finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    partial = _articles(killed)
    assert 5 <= partial < expected["articles"]

    rerun = subprocess.run(_ingest_command(killed), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{expected['articles'] - partial} added" in rerun.stderr
    assert _stats(killed) == expected
    with Store(killed, create=False) as store:
        (check,) = store.conn.execute("PRAGMA integrity_check").fetchone()
    assert check == "ok"
