"""The pages in a real headless Chromium (Debian's, driven by Playwright): search for a person,
open the timeline, click an item, reach the source sentence; hostile article text runs nothing;
and, on 500 real PolNeAR articles (when ../shared is beside the repository), the page of the
most reported person: it opens on its busiest span, clusters, and its filters narrow both the
drawing and the lists.

Needs /usr/bin/chromium (scripts/install-browser, which .ci/run calls). With
STORYLINE_SCREENSHOTS=1 the screenshots go to docs/screenshots/ (the README shows them).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx2 as httpx
import pytest

from webstore import HOSTILE, POLNEAR, ROOT, build, polnear_store, serving

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from storyline.web.app import create_app

    with serving(create_app(build(tmp_path_factory.mktemp("browser") / "web.db"), rate=0)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.dialogs = []
    page.problems = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    yield page
    context.close()


def _shot(page, name: str, tmp_path: Path) -> None:
    folder = SHOTS if os.environ.get("STORYLINE_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def _lane(page, name: str):
    """The label of the timeline's lane `name`."""
    return page.locator(".vis-label", has_text=re.compile(f"^{name}$"))


def test_search_timeline_click_source_sentence(server: str, page, tmp_path: Path) -> None:
    page.goto(server + "/")
    _shot(page, "home", tmp_path)
    page.fill("input[name=q]", "Okafor")
    page.wait_for_selector("#results ul.people a")  # instant results, no submit
    _shot(page, "search", tmp_path)
    page.click("#results ul.people a:text-is('Daniel Okafor')")
    page.wait_for_selector("#timeline[data-ready]")
    assert int(page.get_attribute("#timeline", "data-ready")) > 20
    page.locator(".vis-item.vis-cluster").first.wait_for()  # close lines are one box with their number
    assert _lane(page, "Rough dates").count() == 1  # bounds on their own lane
    _shot(page, "person", tmp_path)

    page.click("#undated summary")  # undated lines are listed under the drawing, each with its sources
    page.locator("#undated button:text-is('sources')").first.click()
    page.locator("#timeline-detail a.source").first.wait_for()
    assert page.locator("#timeline-detail h3").text_content().startswith("undated")

    boxes = page.locator(".vis-item.vis-point.kind-event")
    target = None
    for i in range(boxes.count()):
        box = boxes.nth(i).bounding_box()
        if box and box["x"] > 0 and box["x"] + box["width"] < 1200 and box["y"] > 0:
            target = boxes.nth(i)
            break
    assert target is not None, "no event box in view"
    target.click()
    link = page.locator("#timeline-detail a.source").first
    link.wait_for()
    sentence = page.locator("#timeline-detail q.evidence").first.text_content()
    link.click()
    page.wait_for_selector("mark#focus")
    marked = " ".join("".join(page.locator("mark.focus").all_text_contents()).split())
    assert marked == " ".join(sentence.split())
    _shot(page, "article", tmp_path)
    assert not page.problems and not page.dialogs


def test_contradictions_page(server: str, page, tmp_path: Path) -> None:
    page.goto(server + "/search?q=Russell+Simmons")
    page.click("ul.people a:text-is('Russell Simmons')")
    page.click("a:text-is('contradictions')")
    page.wait_for_selector("section.pair")
    assert page.locator("section.pair").count() >= 2
    _shot(page, "contradictions", tmp_path)
    assert not page.problems


def test_hostile_article_renders_as_text_and_runs_nothing(server: str, page) -> None:
    page.goto(f"{server}/articles/{HOSTILE.id}")
    text = page.locator(".source-article .text").inner_text()
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(1)>" in text
    assert page.locator(".source-article img").count() == 0
    assert page.locator(".source-article script").count() == 0
    assert "<b>Council</b>" in page.locator("h1").inner_text()
    page.goto(server + "/")
    page.fill("input[name=q]", "onerror alert")
    page.wait_for_selector("#results ul.quotes li")
    assert "<img src=x onerror=alert(1)>" in page.locator("#results").inner_text()
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert not [p for p in page.problems if "Content Security Policy" not in p]


def test_api_docs_list_every_endpoint_under_the_csp(server: str, page) -> None:
    """/api/docs once loaded Swagger UI from a CDN with an inline script: blank under our CSP."""
    page.goto(server + "/api/docs")
    page.wait_for_selector("#endpoints[data-loaded]")
    paths = page.locator("#endpoints code.path").all_text_contents()
    schema = httpx.get(server + "/api/openapi.json").json()
    endpoints = [p for p, methods in schema["paths"].items() for _ in methods]
    assert "/api/entities/{entity_id}/timeline" in paths and "/api/ingest" in paths
    assert sorted(paths) == sorted(endpoints)  # every endpoint the schema has, each once per method
    assert "items per page (1-200)" in page.locator("#endpoints").inner_text()
    assert not page.problems  # no CSP violation, no failed integrity check, no script error


def test_a_javascript_url_is_no_link(server: str, page) -> None:
    page.goto(f"{server}/articles/{HOSTILE.id}")
    assert "javascript:alert(4)" in page.locator(".source-article p.muted").inner_text()
    assert page.locator(".source-article a[href^='javascript']").count() == 0
    assert not page.dialogs


# ---------------------------------------------------------------- a heavy person's page
# what a date in words never shows: TIMEX3 values and their parts, ISO days, TimeML mods
RAW_CODE = re.compile(
    r"\b\d{4}-\d{2}(-\d{2})?\b|\b\d{4}-(W\d{1,2}|SP|SU|FA|WI|Q[1-4]|H[12])\b|\b\d{3}X\b|XXXX|"
    r"\bP\d+[YMWD]\b|_REF\b|T(MO|MI|AF|EV|NI)\b|\b(ON_OR_BEFORE|ON_OR_AFTER|BEFORE|AFTER|START|MID|END)\b"
)
# the view has moved to the day given (vis-timeline animates, and a loaded machine is slow)
WINDOW_STARTS = "day => document.querySelector('#timeline').dataset.windowStart === day"


def _cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the PolNeAR store is kept between sessions: in .venv when the repository has one (CI
    keeps it), else beside pytest's numbered temporary folders (which pytest prunes, not this)."""
    venv = ROOT / ".venv"
    return (venv if venv.is_dir() else tmp_path_factory.getbasetemp().parent) / "storyline-test-cache"


@pytest.fixture(scope="module")
def heavy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """The app over 500 PolNeAR articles, and the id of its most reported person."""
    if not (POLNEAR / "metadata.tsv").is_file():
        pytest.skip("PolNeAR is not beside the repository (../shared/data/polnear)")
    from storyline.web.app import create_app

    db = polnear_store(_cache(tmp_path_factory))
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        (top,) = conn.execute(
            "SELECT ae.entity_id FROM article_entities ae JOIN entities e ON e.id = ae.entity_id "
            "WHERE e.type = 'PERSON' GROUP BY ae.entity_id ORDER BY count(DISTINCT ae.article_id) DESC "
            "LIMIT 1"
        ).fetchone()
    with serving(create_app(db, rate=0)) as url:
        yield url, top


def _drawn(page) -> int:
    page.wait_for_selector("#timeline[data-ready]")
    return int(page.get_attribute("#timeline", "data-ready"))


def _lines(url: str, person: int, **params: object) -> dict:
    """The person's timeline from the API, narrowed as the page asks: every line, 2,000 a call as
    the page reads them (PolNeAR train and dev's busiest person has more)."""
    entries: list[dict] = []
    while True:
        query = {"limit": 2000, "offset": len(entries), "evidence": 0, **params}
        got = httpx.get(f"{url}/api/entities/{person}/timeline", params=query).json()
        entries += got["entries"]
        if not got["entries"] or len(entries) >= got["total"]:
            return {**got, "entries": entries}


def _dated(url: str, person: int, **params: object) -> list[str]:
    """The first days of the dated lines the page would draw, in order."""
    return sorted(e["date_start"] for e in _lines(url, person, **params)["entries"] if e["date_start"])


def _window(page) -> tuple[str, str]:
    box = page.locator("#timeline")
    return box.get_attribute("data-window-start"), box.get_attribute("data-window-end")


def _no_raw_code(page) -> None:
    shown = page.locator("main").inner_text()
    assert not RAW_CODE.search(shown), RAW_CODE.search(shown)


def _bars_at_most_a_season(page) -> bool:
    """Whether every bar in view (a line's range, not a cluster) spans 92 days or less."""
    start, end = (date.fromisoformat(d) for d in _window(page))
    per_day = page.locator(".vis-panel.vis-center").bounding_box()["width"] / (end - start).days
    bars = page.locator(".vis-item.vis-range:not(.vis-cluster)").evaluate_all(
        "items => items.map(i => i.getBoundingClientRect().width)"
    )
    return all(width <= 92 * per_day + 2 for width in bars)


def test_a_heavy_person_page_opens_on_its_busiest_span_and_clusters(heavy, page, tmp_path: Path) -> None:
    url, person = heavy
    page.goto(f"{url}/people/{person}")
    drawn = _drawn(page)
    every = _lines(url, person)
    days = _dated(url, person)
    assert every["total"] > 700 and drawn == len(days)  # every dated line
    page.locator(".vis-item.vis-cluster").first.wait_for()
    shown = page.locator(".vis-item:not(.vis-dot)").count()  # boxes in view, not the lines they stand for
    assert shown < 200 < drawn, (shown, drawn)
    start, end = _window(page)
    inside = [d for d in days if start <= d <= end]
    assert len(inside) >= 0.8 * len(days) and days[0] < start  # the busiest span, not every date ever named
    assert _lane(page, "Rough dates").count() == 1
    assert _bars_at_most_a_season(page)
    _no_raw_code(page)
    _shot(page, "person-heavy", tmp_path)

    page.fill("#filter-since", "1950-01-01")  # everything at once: clusters, and no bar across the years
    page.fill("#filter-until", "2020-12-31")
    page.dispatch_event("#filter-until", "change")
    page.wait_for_function(WINDOW_STARTS, arg="1950-01-01", timeout=15_000)
    page.wait_for_timeout(500)  # the clusters are drawn after the view has moved
    assert _bars_at_most_a_season(page)  # no quote stretched over decades
    assert page.locator(".vis-item.vis-cluster").count() > 5
    _no_raw_code(page)
    assert not page.problems


def test_a_heavy_person_page_narrows_its_drawing_and_its_lists(heavy, page, tmp_path: Path) -> None:
    url, person = heavy
    page.goto(f"{url}/people/{person}")
    everything = _drawn(page)
    assert page.locator("#lists section.list").count() == 5
    assert "next" in page.locator("#list-about nav.pager").inner_text()

    page.uncheck("input[name=kind][value=quote_about]")  # kinds: the lane and the list go
    page.wait_for_selector("#list-about", state="detached")
    fewer = _drawn(page)
    kinds = ["event", "quote", "relation", "reference"]
    assert fewer == len(_dated(url, person, kind=kinds)) < everything
    assert _lane(page, "Quotes about").count() == 0

    page.hover("#facets")  # the selects' choices come when the reader reaches them
    page.wait_for_selector("#filter-outlet option:nth-child(3)", state="attached")
    outlet = page.locator("#filter-outlet option").nth(1).get_attribute("value")
    page.select_option("#filter-outlet", outlet)  # an outlet
    page.wait_for_selector("#list-articles .count:text-matches('of ')")
    page.wait_for_load_state("networkidle")
    ran = _drawn(page)
    assert ran == len(_dated(url, person, kind=kinds, outlet=outlet))
    assert 0 < ran < fewer
    sources = page.locator("#list-articles li .muted").all_text_contents()
    assert sources and all(s.startswith(outlet) for s in sources)
    assert all(outlet in t for t in page.locator("#list-said .attribution").all_text_contents())

    kind = page.locator("#filter-type option").nth(1).get_attribute("value")  # an event type
    page.select_option("#filter-type", kind)
    page.wait_for_load_state("networkidle")
    typed = _lines(url, person, kind=kinds, outlet=outlet, type=kind)
    assert _drawn(page) == len([e for e in typed["entries"] if e["date_start"]]) < ran
    events = [e for e in typed["entries"] if e["kind"] == "event"]
    assert events and all(e["type"] == kind for e in events)
    page.locator("#list-events h2").scroll_into_view_if_needed()  # the events list comes into view
    page.wait_for_selector("#list-events ul.events")
    assert f"of {len(events)}" in page.locator("#list-events .count").inner_text()
    page.locator("#filters").scroll_into_view_if_needed()
    _shot(page, "person-filtered", tmp_path)

    page.select_option("#filter-type", "")
    days = _dated(url, person, kind=kinds, outlet=outlet)
    since, until = days[len(days) // 4], days[len(days) // 2]  # a range: the view moves, the lists follow
    page.fill("#filter-since", since)
    page.fill("#filter-until", until)
    page.dispatch_event("#filter-until", "change")
    page.wait_for_load_state("networkidle")
    page.wait_for_function(WINDOW_STARTS, arg=since, timeout=15_000)  # later on a loaded machine
    assert page.get_attribute("#timeline", "data-window-start") == since
    published = [a for a in page.locator("#list-articles li .muted").all_text_contents()]
    assert published and len(published) <= 20
    quoted = page.locator("#list-said .count").inner_text()
    assert quoted.startswith("1–") and page.locator("#list-said blockquote").count() <= 20
    page.mouse.move(700, 700)  # zooming in narrows the lists to the days in view
    page.locator("#timeline .vis-panel.vis-center").hover()
    page.mouse.wheel(0, -800)
    page.wait_for_function(  # the form follows the view after a pause
        "since => { const shown = document.querySelector('#timeline').dataset.windowStart;"
        " return shown > since && document.querySelector('#filter-since').value === shown; }",
        arg=since,
        timeout=15_000,
    )
    page.wait_for_load_state("networkidle")
    shown = _window(page)
    assert page.input_value("#filter-since") == shown[0] and shown[0] > since
    assert f"since={shown[0]}" in page.url and f"outlet={outlet}" in page.url  # a reload keeps the choices
    _no_raw_code(page)
    assert not page.problems
