"""The query page at ``/query`` in a real browser (Debian chromium through Playwright): type a
query, run it, read the table; the labels follow the chosen language; nothing leaves the host."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from qegraph.sparql import named_queries

from .servers import QegraphServe, qegraph_serve  # noqa: F401
from .test_browser import chromium  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.server]

ARTIFACTS = Path(__file__).parent / "artifacts"
QUERY = "SELECT ?p ?other WHERE { ?p a qe:Paradigm ; qe:opposes ?other }\nORDER BY ?p"


def test_query_page_types_a_query_and_reads_the_table(qegraph_serve, chromium) -> None:  # noqa: F811
    page = chromium.new_page(viewport={"width": 1200, "height": 800})
    outside: list[str] = []
    problems: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith(qegraph_serve.base) else outside.append(r.url)
    )
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto(f"{qegraph_serve.base}/query")
        # every named query (CQ-NN and CX-NN) and the prompt
        assert page.locator("#qe-examples option").count() == len(named_queries()) + 1
        editor = page.locator(".CodeMirror textarea")
        page.locator(".CodeMirror").click()
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        editor.type(QUERY)
        assert "qe:Paradigm" in page.evaluate("window.qegraphQuery.editor.getValue()")
        page.click("#run")
        page.wait_for_selector("#results table")
        headers = page.locator("#results th").all_inner_texts()
        assert headers == ["p", "other"]
        cells = page.locator("#results td .label").all_inner_texts()
        assert "exam-oriented education" in cells and "quality education" in cells
        assert page.locator("#state").inner_text().startswith("1 row")
        links = page.locator("#results td .links a")
        hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
        assert "/docs/#qe-quality-education" in hrefs
        # Chinese labels on demand
        page.select_option("#qe-lang", "zh-Hans")
        expect(page.locator("#results")).to_contain_text("素质教育")
        cells = page.locator("#results td .label").all_inner_texts()
        assert "素质教育" in cells and "应试教育" in cells
        # a named competency question from the list
        page.select_option("#qe-examples", index=1)
        assert page.evaluate("window.qegraphQuery.editor.getValue()").startswith("# CQ-01")
        page.click("#run")
        expect(page.locator("#state")).to_contain_text("rows")
        assert page.locator("#results tr").count() > 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "query-page.png"), full_page=False)
        # an error is shown as text, not thrown
        page.evaluate("window.qegraphQuery.editor.setValue('SELECT * WHERE { ?s ?p ')")
        page.click("#run")
        page.wait_for_selector("#state.error")
        assert "400" in page.locator("#state").inner_text()
        # the viewer link selects the node it names
        page.goto(f"{qegraph_serve.base}/#https%3A%2F%2Fw3id.org%2Fqegraph%2Fquality-education")
        expect(page.locator("#qe-panel")).to_be_visible()
        expect(page.locator("#qe-panel-body")).to_contain_text("quality education")
        # the page runs under a Content-Security-Policy that allows only its own scripts
        response = page.request.get(f"{qegraph_serve.base}/query")
        assert "script-src 'self'" in response.headers["content-security-policy"]
    finally:
        page.close()
    assert outside == []
    assert [p for p in problems if "400" not in p] == []
