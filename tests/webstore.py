"""Stores for the web tests: the demo corpus, the founding article, and a hostile article whose
quote carries script and markup; and, when the shared data are beside the repository, a store of
500 real PolNeAR articles (built once, then kept in a cache keyed by its inputs and storyline's
code)."""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from storyline.ingest import ingest, read_inputs
from storyline.model import Article
from storyline.store import Store

ROOT = Path(__file__).resolve().parents[1]
# A name the app answers by default: TestClient's own ("testserver") is refused, as any Host header
# that does not name this machine is (web.security.TrustedHosts).
BASE_URL = "http://localhost"
DEMO = ROOT / "examples" / "demo"
SEED = ROOT / "examples" / "kimora-lee-simmons-2018-01-26.txt"
HOSTILE_QUOTE = "<script>alert(1)</script> and <img src=x onerror=alert(1)> are just words"
HOSTILE = Article(
    text=(
        f'Mayor Dana Whitfield spoke on Tuesday. "{HOSTILE_QUOTE}," Whitfield said at the council meeting. '
        "Councillor Raj Patel accused Whitfield of hiding the budget. Whitfield denied the claim."
    ),
    title="<b>Council</b> row <script>alert(2)</script>",
    source="The <i>Test</i> Gazette",
    url="javascript:alert(4)",  # a source URL is input too: it must never become a link
    published=date(2024, 5, 8),
    input_id="hostile.txt",
)


def build(db: Path) -> Path:
    with Store(db) as store:
        items = [*read_inputs([str(DEMO), str(SEED)], metadata=DEMO.parent / "metadata.tsv"), HOSTILE]
        report = ingest(store, items)
    assert report.added >= 24 and not report.failed, report.failed
    return db


POLNEAR = ROOT.parent / "shared" / "data" / "polnear"
POLNEAR_ARTICLES = 500  # spread evenly over PolNeAR train, whose 840 articles come from 7 outlets
SOURCE = ROOT / "src" / "storyline"
READERS_ONLY = {"query", "web", "cli", "eval", "scale"}  # the layers above the store: they never write it


def polnear_files() -> list[Path]:
    """POLNEAR_ARTICLES files of PolNeAR train, evenly spaced in name order (so every outlet and
    the whole of its year are in); with STORYLINE_POLNEAR_ALL=1 in the environment, every article
    of train and dev (the store a user builds: the browser tests then check its heaviest page)."""
    if os.environ.get("STORYLINE_POLNEAR_ALL"):
        return sorted(f for part in ("train", "dev") for f in (POLNEAR / part / "text").glob("*.txt"))
    found = sorted((POLNEAR / "train" / "text").glob("*.txt"))
    step = len(found) / POLNEAR_ARTICLES
    return [found[int(i * step)] for i in range(min(POLNEAR_ARTICLES, len(found)))]


def polnear_key(files: list[Path]) -> str:
    """What the store depends on: the inputs and their metadata, and every file of storyline's
    code and rules that writes it (a change to extraction or to the schema makes a new store; the
    layers that only read it do not), by their names inside the data and the package."""
    code = sorted(
        p
        for p in SOURCE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.relative_to(SOURCE).parts[0] not in READERS_ONLY
    )
    digest = hashlib.sha256()
    for base, paths in ((POLNEAR, [POLNEAR / "metadata.tsv", *files]), (SOURCE, code)):
        for path in paths:
            digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


def polnear_store(cache: Path) -> Path:
    """The store of polnear_files(), from `cache` if it holds one for the same inputs and code,
    else built there (a few minutes) and kept; stores of other keys are removed."""
    files = polnear_files()
    db = cache / f"polnear-{polnear_key(files)}.db"
    if db.exists():
        return db
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob("polnear-*.db*"):
        old.unlink()
    building = db.with_suffix(f".{os.getpid()}.building")
    with Store(building) as store:
        items = read_inputs([str(f) for f in files], metadata=POLNEAR / "metadata.tsv")
        report = ingest(store, items)
    assert report.added >= len(files) * 0.95 and not report.failed, report.failed
    for extra in ("-wal", "-shm"):  # the last connection's close wrote the log back into the file
        Path(f"{building}{extra}").unlink(missing_ok=True)
    building.rename(db)  # whole or not at all: an interrupted build leaves no store to trust
    return db


def expected_articles() -> int:
    """Distinct article texts in the store `build` makes: the demo's, the seed and the hostile one."""
    return len({f.read_text(encoding="utf-8") for f in DEMO.glob("*.txt")}) + 2


@contextmanager
def serving(app: object) -> Iterator[str]:
    """The app served by uvicorn on a free port of 127.0.0.1, in a thread; yields its base URL."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # log_config=None: uvicorn's loggers propagate, so that caplog sees what the server logs
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", log_config=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
