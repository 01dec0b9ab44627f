"""The pages in a real headless Chromium (Debian's, driven by Playwright): search for a person,
open the timeline, click an item, reach the source sentence; hostile article text runs nothing.

Needs /usr/bin/chromium (scripts/install-browser, which .ci/run calls). With
STORYLINE_SCREENSHOTS=1 the screenshots go to docs/screenshots/ (the README shows them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from webstore import HOSTILE, build, serving

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
def page(browser):  # noqa: ANN001, ANN201
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.dialogs = []
    page.problems = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    yield page
    context.close()


def _shot(page, name: str, tmp_path: Path) -> None:  # noqa: ANN001
    folder = SHOTS if os.environ.get("STORYLINE_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def test_search_timeline_click_source_sentence(server: str, page, tmp_path: Path) -> None:  # noqa: ANN001
    page.goto(server + "/")
    _shot(page, "home", tmp_path)
    page.fill("input[name=q]", "Okafor")
    page.wait_for_selector("#results ul.people a")  # instant results, no submit
    _shot(page, "search", tmp_path)
    page.click("#results ul.people a:text-is('Daniel Okafor')")
    page.wait_for_selector("#timeline[data-ready]")
    assert int(page.get_attribute("#timeline", "data-ready")) > 20
    assert page.locator(".vis-item.vis-range").count() > 0  # fuzzy dates drawn as ranges
    _shot(page, "person", tmp_path)

    page.click("#undated summary")  # undated lines are listed under the drawing, each with its sources
    page.locator("#undated button:text-is('sources')").first.click()
    page.locator("#timeline-detail a.source").first.wait_for()
    assert page.locator("#timeline-detail h3").text_content().startswith("undated")

    boxes = page.locator(".vis-item.vis-box.kind-event")
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


def test_contradictions_page(server: str, page, tmp_path: Path) -> None:  # noqa: ANN001
    page.goto(server + "/search?q=Russell+Simmons")
    page.click("ul.people a:text-is('Russell Simmons')")
    page.click("a:text-is('contradictions')")
    page.wait_for_selector("section.pair")
    assert page.locator("section.pair").count() >= 2
    _shot(page, "contradictions", tmp_path)
    assert not page.problems


def test_hostile_article_renders_as_text_and_runs_nothing(server: str, page) -> None:  # noqa: ANN001
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


def test_api_docs_list_every_endpoint_under_the_csp(server: str, page) -> None:  # noqa: ANN001
    """/api/docs once loaded Swagger UI from a CDN with an inline script: blank under our CSP."""
    page.goto(server + "/api/docs")
    page.wait_for_selector("#endpoints[data-loaded]")
    paths = page.locator("#endpoints code.path").all_text_contents()
    assert "/api/entities/{entity_id}/timeline" in paths and "/api/ingest" in paths and len(paths) == 12
    assert "items per page (1-200)" in page.locator("#endpoints").inner_text()
    assert not page.problems  # no CSP violation, no failed integrity check, no script error


def test_a_javascript_url_is_no_link(server: str, page) -> None:  # noqa: ANN001
    page.goto(f"{server}/articles/{HOSTILE.id}")
    assert "javascript:alert(4)" in page.locator(".source-article p.muted").inner_text()
    assert page.locator(".source-article a[href^='javascript']").count() == 0
    assert not page.dialogs
