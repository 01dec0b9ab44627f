"""A store for the web tests: the demo corpus, the founding article, and a hostile article whose
quote carries script and markup."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from storyline.model import Article
from storyline.store import Store
from storyline.store.ingest import ingest, read_inputs

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
