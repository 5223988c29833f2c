"""The viewer and the documentation in a real headless Chromium (Debian's), driven by Playwright.

One browser serves the whole module. Without Chromium or Playwright these tests skip, except under
``CI=true`` where they fail. Each run writes a screenshot of the viewer to
``tests/artifacts/viewer.png`` so that a person can look at it.
"""

from __future__ import annotations

import os
import shutil
from importlib.util import find_spec
from pathlib import Path

import pytest

from qegraph import load
from qegraph.projection import project
from qegraph.resources import ontology_dir
from qegraph.viewer import viz

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FIXTURES = Path(__file__).parent / "fixtures"
ARTIFACTS = Path(__file__).parent / "artifacts"
SMALL = FIXTURES / "viz-small.ttl"
HOSTILE = FIXTURES / "viz-hostile.ttl"
EX = "https://example.org/viz/"


@pytest.fixture(scope="module")
def chromium():
    missing = [
        what
        for what, ok in (
            (str(CHROMIUM), CHROMIUM.exists() or shutil.which("chromium")),
            ("the playwright Python package", find_spec("playwright")),
        )
        if not ok
    ]
    if missing:
        message = f"browser tests need {' and '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: a missing browser fails the run)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """An open page with everything it logged, requested and tried to show in a dialog."""

    def __init__(self, browser, path: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 860})
        self.url = path.resolve().as_uri()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on(
            "console",
            lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None,
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(self.url)

    def ready(self) -> Visit:
        self.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=15_000)
        return self

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def node_id(self, iri: str) -> int:
        return self.js("iri => window.qegraphViewer.data.nodes.find(n => n.iri === iri).id", iri)

    def node_on_screen(self, node_id: int) -> tuple[float, float]:
        x, y = self.js(
            """id => {
                const v = window.qegraphViewer.network;
                const p = v.canvasToDOM(v.getPositions([id])[id]);
                const box = document.getElementById('qe-network').getBoundingClientRect();
                return [box.left + p.x, box.top + p.y];
            }""",
            node_id,
        )
        return x, y

    def click_node(self, node_id: int) -> None:
        # A search or a click animates the view towards its node for 300 ms (longer on a busy
        # machine): click where the node ends up, not where it was mid-flight.
        where = self.node_on_screen(node_id)
        for _ in range(50):
            self.page.wait_for_timeout(100)
            now = self.node_on_screen(node_id)
            if now == where:
                break
            where = now
        self.page.mouse.click(*where)


@pytest.fixture(scope="module")
def small_graph():
    return load([ontology_dir() / "schema.ttl", SMALL], bundled=False)


@pytest.fixture(scope="module")
def pages(tmp_path_factory, small_graph):
    folder = tmp_path_factory.mktemp("viewer")
    hostile = load([ontology_dir() / "schema.ttl", SMALL, HOSTILE], bundled=False)
    return {
        "small": viz(small_graph).write(folder / "small.html"),
        "hostile": viz(hostile).write(folder / "hostile.html"),
        "bundled": viz(load(), color_by="side").write(folder / "bundled.html"),
    }


@pytest.fixture()
def visit(chromium):
    opened: list[Visit] = []

    def open_page(path: Path) -> Visit:
        opened.append(Visit(chromium, path))
        return opened[-1].ready()

    yield open_page
    for v in opened:
        v.page.close()


def test_viewer_loads_without_console_errors_or_requests_beyond_the_file(visit, pages):
    v = visit(pages["bundled"])
    v.page.wait_for_timeout(300)
    assert v.errors == []
    assert v.requests == [v.url]


def test_rendered_network_holds_every_node_and_edge_of_the_projection(visit, pages, small_graph):
    G = project(small_graph)
    v = visit(pages["small"])
    drawn = v.js(
        """() => { const b = window.qegraphViewer.network.body;
                   return [b.nodeIndices.length, b.edgeIndices.length]; }"""
    )
    assert drawn == [G.number_of_nodes(), G.number_of_edges()]


def test_bundled_viewer_draws_the_bundled_projection(visit, pages):
    G = project(load())
    v = visit(pages["bundled"])
    drawn = v.js(
        """() => { const b = window.qegraphViewer.network.body;
                   return [b.nodeIndices.length, b.edgeIndices.length]; }"""
    )
    assert drawn == [G.number_of_nodes(), G.number_of_edges()]


@pytest.mark.parametrize("query", ["tailored learn", "因材施教"])
def test_search_in_either_language_selects_the_node(visit, pages, query):
    v = visit(pages["small"])
    v.page.fill("#qe-search", query)
    v.page.keyboard.press("Enter")
    expected = v.node_id(EX + "tailored-learning")
    assert v.js("() => window.qegraphViewer.network.getSelectedNodes()") == [expected]
    assert v.page.inner_text("#qe-panel h2") == "Tailored learning"


def test_search_lists_matches_under_the_box(visit, pages):
    v = visit(pages["small"])
    v.page.fill("#qe-search", "schooling")
    items = v.page.locator("#qe-results li button")
    assert items.count() == 1
    assert items.first.inner_text().startswith("Whole-person schooling")
    items.first.click()
    assert v.page.inner_text("#qe-panel h2") == "Whole-person schooling"


def test_clicking_a_node_opens_its_panel_with_the_source_passage(visit, pages):
    v = visit(pages["small"])
    assert v.page.is_hidden("#qe-panel")
    v.click_node(v.node_id(EX + "tailored-learning"))
    panel = v.page.locator("#qe-panel")
    panel.wait_for(state="visible")
    text = panel.inner_text()
    assert "Tailored learning" in text and "因材施教" in text
    assert "Teaching adapted to each learner." in text
    assert "900_vizfixture.txt" in text and "¶ 7" in text and "尊重学生的个体差异" in text


def test_relation_in_the_panel_jumps_to_the_other_node(visit, pages):
    v = visit(pages["small"])
    v.click_node(v.node_id(EX + "tailored-learning"))
    v.page.locator("#qe-panel .qe-link", has_text="Learner differences").click()
    assert v.page.inner_text("#qe-panel h2") == "Learner differences"
    target = v.node_id(EX + "learner-differences")
    assert v.js("() => window.qegraphViewer.network.getSelectedNodes()") == [target]


def test_language_switch_changes_node_labels_and_the_panel(visit, pages):
    v = visit(pages["small"])
    node = v.node_id(EX + "tailored-learning")
    label = "id => window.qegraphViewer.nodes.get(id).label"
    assert v.js(label, node) == "Tailored learning"
    v.click_node(node)
    v.page.click(".qe-lang button[data-lang='zh-Hans']")
    assert v.js(label, node) == "因材施教"
    assert v.page.inner_text("#qe-panel h2") == "因材施教"
    assert v.js("() => document.documentElement.lang") == "zh-Hans"
    v.page.click(".qe-lang button[data-lang='en']")
    assert v.js(label, node) == "Tailored learning"


def test_type_filter_hides_the_nodes_of_that_type(visit, pages):
    v = visit(pages["small"])
    v.page.locator("#qe-filter-type label", has_text="dimension").locator("input").uncheck()
    shown = v.js(
        """() => window.qegraphViewer.nodes.get({filter: n => !n.hidden}).map(n => n.label)"""
    )
    assert "Tailored learning" not in shown and "Whole-person schooling" in shown


def test_hostile_labels_show_as_text_open_no_dialog_and_create_no_element(visit, pages):
    v = visit(pages["hostile"])
    v.page.fill("#qe-search", "<img")
    v.page.keyboard.press("Enter")
    assert v.page.inner_text("#qe-panel h2") == "<img src=x onerror=alert(1)>"
    panel = v.page.inner_text("#qe-panel")
    assert "<!-- <script>alert(3)</script> -->" in panel
    assert "<iframe src=javascript:alert(8)>.txt" in panel
    assert "<svg onload=alert(7)>" in panel
    v.page.click(".qe-lang button[data-lang='zh-Hans']")
    assert v.page.inner_text("#qe-panel h2") == "</script><script>alert(2)</script>"
    node = v.node_id("https://example.org/evil/img")
    v.click_node(node)
    # The tooltip (whose definition contains "href") shows after vis-network's hover delay;
    # wait for it rather than for a fixed time, which a busy CI machine can outlast.
    tooltip = v.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    assert '<a href="javascript:alert(4)">href</a>' in tooltip.inner_text()
    injected = v.js(
        """() => [document.querySelectorAll('img, svg, iframe, math, object, embed, b').length
                  + [...document.querySelectorAll('a')].filter(
                      a => !(a.getAttribute('href') || '').startsWith('#')).length,
                  document.scripts.length, document.querySelectorAll('style').length,
                  [...document.querySelectorAll('*')].filter(
                      e => [...e.attributes].some(a => a.name.startsWith('on'))).length]"""
    )
    assert injected == [0, 3, 2, 0]
    assert v.dialogs == []
    assert v.errors == []


def test_screenshot_of_the_viewer_is_written(visit, pages):
    v = visit(pages["bundled"])
    v.page.fill("#qe-search", "personalized education")
    v.page.keyboard.press("Enter")
    v.page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "viewer.png"
    v.page.screenshot(path=str(target))
    assert target.stat().st_size > 20_000


@pytest.fixture(scope="module")
def docs_page(tmp_path_factory):
    from qegraph.ontodoc import write_docs

    folder = tmp_path_factory.mktemp("docs")
    return write_docs(load([SMALL, HOSTILE]), folder)[0]


def test_every_anchor_in_the_documentation_resolves(chromium, docs_page):
    v = Visit(chromium, docs_page)
    try:
        missing, total = v.js(
            """() => {
                const links = [...document.querySelectorAll('a[href^="#"]')];
                const bad = links.map(a => decodeURIComponent(a.getAttribute('href').slice(1)))
                                 .filter(id => !document.getElementById(id));
                return [bad, links.length];
            }"""
        )
        assert total > 500
        assert missing == []
        v.page.click("a[href='#qe-personalized-education'] >> nth=0")
        assert v.js("() => document.querySelector(':target').id") == "qe-personalized-education"
        assert v.errors == [] and v.dialogs == []
        assert v.requests == [v.url]
    finally:
        v.page.close()


def test_arrow_keys_pick_another_search_result(visit, pages):
    v = visit(pages["small"])
    v.page.fill("#qe-search", "learn")
    names = v.page.locator("#qe-results li button > span:first-child").all_inner_texts()
    assert len(names) == 2
    v.page.keyboard.press("ArrowDown")
    v.page.keyboard.press("Enter")
    assert v.page.inner_text("#qe-panel h2") == names[1]


def test_colour_switch_recolours_nodes_by_community(visit, pages):
    v = visit(pages["small"])
    colours = "() => window.qegraphViewer.nodes.get().map(n => n.color.background)"
    by_side = v.js(colours)
    v.page.select_option("#qe-color", "community")
    by_community = v.js(colours)
    data = v.js("() => window.qegraphViewer.data")
    palette = data["colors"]["community"]
    assert by_community == [palette[n["community"] % len(palette)] for n in data["nodes"]]
    assert by_community != by_side
    assert v.page.is_visible("#qe-community-section")
