"""The article page's marking: one pass over the sorted boundaries gives exactly the HTML the
piece-by-span check gave (kept here as the reference), and a page with more spans than it draws
says so."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import Markup, escape

from storyline.ingest import ingest
from storyline.model import Article
from storyline.query import ArticleView, SpanInfo
from storyline.store import Store
from storyline.web import highlight as highlight_module
from storyline.web.app import create_app
from storyline.web.highlight import PALETTE, highlight
from webstore import BASE_URL


def reference(article: ArticleView, focus: tuple[int, int] | None = None) -> Markup:
    """The former highlight: every piece checked against every span (quadratic, exact)."""
    text = article.text
    cuts = {0, len(text)}
    spans = [
        s
        for s in article.spans
        if s.kind in {"quote", "mention", "timex"} and 0 <= s.start < s.end <= len(text)
    ]
    for s in spans:
        cuts |= {s.start, s.end}
    if focus is not None:
        lo, hi = max(0, min(focus[0], len(text))), max(0, min(focus[1], len(text)))
        focus = (lo, hi) if lo < hi else None
        if focus:
            cuts |= set(focus)
    speakers: dict[str, int] = {}
    for s in spans:
        if s.kind == "quote":
            speakers.setdefault(s.label, len(speakers) % PALETTE)
    bounds = sorted(cuts)
    out: list[str] = []
    focus_opened = False
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        piece = str(escape(text[lo:hi])).replace("\n", "<br>\n")
        covering = [s for s in spans if s.start <= lo and hi <= s.end]
        for s in covering:
            if s.kind == "timex":
                value = escape(s.label)
                piece = f'<time class="timex" title="{value}" datetime="{value}">{piece}</time>'
        for s in covering:
            if s.kind == "mention" and s.entity_id is not None:
                piece = f'<a class="mention" href="/people/{int(s.entity_id)}">{piece}</a>'
        for s in covering:
            if s.kind == "quote":
                piece = (
                    f'<span class="quote spk-{speakers[s.label]}" title="{escape(s.label)}">{piece}</span>'
                )
        if focus and focus[0] <= lo and hi <= focus[1]:
            anchor = ' id="focus"' if not focus_opened else ""
            focus_opened = True
            piece = f'<mark class="focus"{anchor}>{piece}</mark>'
        out.append(piece)
    return Markup("".join(out))


def _random_article(rng: random.Random) -> ArticleView:
    text = "".join(
        rng.choice(["a", "b ", "<", ">", "&", '"', "'", "\n", "é", " "]) for _ in range(rng.randint(0, 80))
    )
    spans = []
    for _ in range(rng.randint(0, 25)):
        start, end = rng.randint(-2, len(text) + 2), rng.randint(-2, len(text) + 2)
        kind = rng.choice(["quote", "mention", "timex", "event"])
        label = rng.choice(["Ana <b>", "Bo & Co", "2016", '"x"', "unattributed"])
        spans.append(SpanInfo(kind, start, end, label, rng.choice([None, 1, 2, 3])))
    spans.sort(key=lambda s: (s.start, -s.end, s.kind))
    return ArticleView("0" * 64, None, None, None, [], [], text, spans)


def test_one_pass_gives_the_html_of_the_piece_by_span_check() -> None:
    rng = random.Random(2)
    for _ in range(400):
        article = _random_article(rng)
        focus = rng.choice([None, (rng.randint(-5, 90), rng.randint(-5, 90))])
        marked = highlight(article, focus)
        assert str(marked.html) == str(reference(article, focus)), (article, focus)
        assert not marked.capped


def test_spans_over_the_cap_are_not_drawn_and_the_count_says_so() -> None:
    text = "Ana met Bo and Cy on Monday."
    spans = [
        SpanInfo("mention", 0, 3, "Ana", 1),
        SpanInfo("mention", 8, 10, "Bo", 2),
        SpanInfo("mention", 15, 17, "Cy", 3),
        SpanInfo("timex", 21, 27, "2024-05-06"),
    ]
    article = ArticleView("0" * 64, None, None, None, [], [], text, spans)
    marked = highlight(article, limit=2)
    assert (marked.drawn, marked.total, marked.capped) == (2, 4, True)
    assert str(marked.html) == (
        '<a class="mention" href="/people/1">Ana</a> met <a class="mention" href="/people/2">Bo</a>'
        " and Cy on Monday."
    )
    assert highlight(article).drawn == 4


def test_the_page_says_when_spans_were_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    article = Article(text='"It works," Ana Ruiz said on Monday. Ruiz met Bo Lind in Oslo.', input_id="a")
    with Store(tmp_path / "s.db") as store:
        assert ingest(store, [article]).added == 1
    client = TestClient(
        create_app(tmp_path / "s.db", rate=0), raise_server_exceptions=True, base_url=BASE_URL
    )
    url = f"/articles/{article.id}"
    assert "capped" not in client.get(url).text
    monkeypatch.setattr(highlight_module, "MAX_SPANS", 2)
    page = client.get(url).text
    note = re.search(r'<p class="muted capped">(.*?)</p>', page)
    assert note is not None and re.match(r"Marks are drawn for the first 2 of \d+ quotes", note.group(1))
    body = re.search(r'<div class="text">(.*?)</div>', page, flags=re.S).group(1)
    assert re.findall(r'<(?:a|span|time) class="(\w+)', body) == ["quote", "mention"]  # the first two
    assert body.endswith("Ruiz</a> said on Monday. Ruiz met Bo Lind in Oslo.")
