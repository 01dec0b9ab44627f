"""A store for the web tests: the demo corpus, the founding article, and a hostile article whose
quote carries script and markup."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from storyline.model import Article
from storyline.store import Store
from storyline.store.ingest import ingest, read_inputs

ROOT = Path(__file__).resolve().parents[1]
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
