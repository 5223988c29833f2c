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
EVIDENCE = FIXTURES / "viz-evidence.ttl"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
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

    def __init__(
        self,
        browser,
        path: Path,
        *,
        size: tuple[int, int] = (1400, 860),
        fragment: str = "",
        bypass_csp: bool = False,
    ) -> None:
        self.page = browser.new_page(
            viewport={"width": size[0], "height": size[1]}, bypass_csp=bypass_csp
        )
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
        self.page.goto(self.url + fragment)

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
        "evidence": viz(
            load([ontology_dir() / "schema.ttl", SMALL, EVIDENCE], bundled=False)
        ).write(folder / "evidence.html"),
    }


@pytest.fixture()
def visit(chromium):
    opened: list[Visit] = []

    def open_page(path: Path, **options) -> Visit:
        opened.append(Visit(chromium, path, **options))
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


# --- the second edition: contrast layout, claims, links, filters, phone, keyboard, axe ---------

WIDE, PHONE = (1400, 900), (390, 844)

LABEL_BOXES = """() => {
    const v = window.qegraphViewer, net = v.network;
    const box = document.getElementById('qe-network').getBoundingClientRect();
    return v.nodes.get({filter: n => !n.hidden}).map(n => {
        const b = net.getBoundingBox(n.id);
        const a = net.canvasToDOM({x: b.left, y: b.top});
        const z = net.canvasToDOM({x: b.right, y: b.bottom});
        return {id: n.id, label: n.label, x0: a.x, y0: a.y, x1: z.x, y1: z.y,
                onScreen: z.x > 0 && a.x < box.width && z.y > 0 && a.y < box.height};
    });
}"""


def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    found = []
    ordered = sorted(boxes, key=lambda b: b["x0"])
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b["x0"] >= a["x1"]:
                break
            if a["y0"] < b["y1"] and b["y0"] < a["y1"]:
                found.append((a["label"], b["label"]))
    return found


@pytest.mark.parametrize("size", [WIDE, PHONE], ids=["1400x900", "390x844"])
@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_bundled_map_opens_with_readable_labels_that_do_not_overlap(visit, pages, size, lang):
    v = visit(pages["bundled"], size=size)
    if lang != "en":
        v.page.click(f".qe-lang button[data-lang='{lang}']")
        v.page.wait_for_timeout(200)
    boxes = v.js(LABEL_BOXES)
    assert len(boxes) == 130
    assert _overlaps(boxes) == []
    on_screen = [b for b in boxes if b["onScreen"]]
    # The opening view shows a good part of the contrast at a size a person can read.
    font_px = v.js("() => window.qegraphViewer.data.font * window.qegraphViewer.network.getScale()")
    assert font_px >= 11.5
    assert len(on_screen) >= (8 if size == PHONE else 30)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"viewer-{lang}-{size[0]}x{size[1]}.png"
    v.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000


def test_contrast_layout_puts_the_sides_apart_and_each_pair_face_to_face(visit, pages):
    v = visit(pages["bundled"])
    pairs = v.js(
        """() => { const v = window.qegraphViewer, d = v.data;
            const pos = v.network.getPositions();
            return d.edges.filter(e => e.opposes).map(e => {
                const a = d.nodes[e.from], b = d.nodes[e.to];
                return [a.side, pos[a.id].x, pos[a.id].y, b.side, pos[b.id].x, pos[b.id].y];
            }); }"""
    )
    assert len(pairs) == 21
    for side_a, xa, _ya, side_b, xb, _yb in pairs:
        for side, x in ((side_a, xa), (side_b, xb)):
            if side == "quality":
                assert x < 0
            elif side == "exam":
                assert x > 0
    # Most pairs sit on one row, facing each other (a node in two pairs faces one of them).
    level = [p for p in pairs if abs(p[2] - p[5]) < 1]
    assert len(level) >= 12
    # The free layout is one click away and back.
    v.page.click("#qe-layout")
    free = v.js("() => window.qegraphViewer.network.getPositions()")
    data = v.js("() => window.qegraphViewer.data.nodes.map(n => [n.fx, n.fy])")
    assert all(
        abs(p["x"] - x) <= 1 and abs(p["y"] - y) <= 1
        for p, (x, y) in zip(free.values(), data, strict=True)
    )
    v.page.click("#qe-layout")
    assert v.js("() => window.qegraphViewer.nodes.get(0).shape") == "box"


def test_deep_link_opens_the_concept_and_back_walks_the_selection(visit, pages):
    v = visit(pages["bundled"], fragment="#qe:critical-thinking")
    assert v.page.inner_text("#qe-panel h2") == "critical thinking"
    panel = v.page.inner_text("#qe-panel")
    assert "https://w3id.org/qegraph/critical-thinking" in panel
    assert "Cite:" in panel
    v.page.locator("#qe-panel a.qe-link").first.click()
    second = v.page.inner_text("#qe-panel h2")
    assert second != "critical thinking"
    assert v.js("() => decodeURIComponent(location.hash)") != "#qe:critical-thinking"
    v.page.go_back()
    v.page.wait_for_function(
        "() => document.querySelector('#qe-panel h2').textContent === 'critical thinking'"
    )
    assert v.js("() => decodeURIComponent(location.hash)") == "#qe:critical-thinking"


def test_clicking_an_edge_shows_the_claim_with_axis_evidence_and_passage(visit, pages):
    v = visit(pages["evidence"])
    edge = v.js("() => window.qegraphViewer.data.edges.find(e => e.pred === 'qe:opposes').id")
    x, y = v.js(
        """id => { const v = window.qegraphViewer, e = v.data.edges[id], net = v.network;
            const a = net.getPositions([e.from])[e.from], b = net.getPositions([e.to])[e.to];
            const p = net.canvasToDOM({x: (a.x + b.x) / 2, y: (a.y + b.y) / 2});
            const box = document.getElementById('qe-network').getBoundingClientRect();
            return [box.left + p.x, box.top + p.y]; }""",
        edge,
    )
    v.page.mouse.click(x, y)
    panel = v.page.locator("#qe-panel")
    panel.wait_for(state="visible")
    text = panel.inner_text()
    assert "opposes / 对立于" in text and "goal / 目标" in text
    assert "stated in the text" in text
    assert "900_vizfixture.txt" in text and "¶ 3" in text and "与应试教育相对立" in text
    assert v.js("() => decodeURIComponent(location.hash)") == "#" + EX + "claim-opposes"
    v.page.click(".qe-lang button[data-lang='zh-Hans']")
    text = panel.inner_text()
    assert "文本明述" in text and "论全人教育" in text


def test_evidence_filter_hides_curator_inferences_and_updates_counts(visit, pages):
    v = visit(pages["evidence"])
    row = v.page.locator("#qe-filter-evidence label", has_text="curator inference")
    assert row.locator(".qe-count").inner_text() == "1"
    row.locator("input").uncheck()
    shown = v.js("() => window.qegraphViewer.edges.get({filter: e => !e.hidden}).map(e => e.id)")
    inferred = v.js(
        """() => window.qegraphViewer.data.edges
                 .filter(e => e.evidence === 'inferred').map(e => e.id)"""
    )
    assert inferred and not set(inferred) & set(shown)
    row = v.page.locator("#qe-filter-evidence label", has_text="curator inference")
    assert row.locator(".qe-count").inner_text() == "0 / 1"
    # Learner differences had only the inferred relation: with an edge filter on it goes too.
    labels = v.js(
        "() => window.qegraphViewer.nodes.get({filter: n => !n.hidden}).map(n => n.label)"
    )
    assert "Learner differences" not in labels and "Whole-person schooling" in labels


def test_only_contrasts_keeps_the_opposes_pairs_and_refits(visit, pages):
    v = visit(pages["bundled"])
    before = v.js("() => window.qegraphViewer.network.getScale()")
    v.page.click("#qe-only-opposes")
    v.page.wait_for_timeout(600)
    shown_edges = v.js(
        """() => window.qegraphViewer.edges.get({filter: e => !e.hidden})
                 .map(e => window.qegraphViewer.data.edges[e.id].pred)"""
    )
    assert shown_edges and set(shown_edges) == {"qe:opposes"} and len(shown_edges) == 21
    in_pairs = v.js(
        """() => { const d = window.qegraphViewer.data, s = new Set();
            d.edges.filter(e => e.opposes).forEach(e => { s.add(e.from); s.add(e.to); });
            return s.size; }"""
    )
    shown_nodes = v.js("() => window.qegraphViewer.nodes.get({filter: n => !n.hidden}).length")
    assert shown_nodes == in_pairs
    assert v.page.inner_text("#qe-status").startswith(f"{in_pairs} / 130 concepts")
    assert v.js("() => window.qegraphViewer.network.getScale()") != before
    # The axis filter then narrows the contrasts to one axis.
    for label in v.page.locator("#qe-filter-axis label").all():
        if "method" not in label.inner_text():
            label.locator("input").uncheck()
    axes = v.js(
        """() => window.qegraphViewer.edges.get({filter: e => !e.hidden})
                 .map(e => window.qegraphViewer.data.edges[e.id].axisEn)"""
    )
    assert axes and set(axes) == {"method contrast"}


def test_search_folds_case_hyphens_spaces_and_pinyin_tones(visit, pages):
    v = visit(pages["evidence"])
    find = "q => window.qegraphViewer.find(q).map(n => n.en)"
    assert v.js(find, "TEST DRILLING")[0] == "Test drilling"
    assert v.js(find, "whole person")[0] == "Whole-person schooling"
    assert v.js(find, "tihai")[0] == "Test drilling"
    assert v.js(find, "tí hǎi zhàn shù")[0] == "Test drilling"
    bundled = visit(pages["bundled"])
    assert bundled.js(find, "exam oriented")[0] == "exam-oriented education"


def test_phone_layout_fits_the_screen_and_the_panel_is_a_bottom_sheet(visit, pages):
    v = visit(pages["bundled"], size=PHONE)
    assert v.js("() => document.documentElement.scrollWidth") <= PHONE[0]
    assert v.page.is_hidden("#qe-sidebar")
    assert v.page.is_visible(".qe-lang button[data-lang='zh-Hans']")
    v.page.click("#qe-menu")
    assert v.page.is_visible("#qe-filter-side")
    v.page.click("#qe-menu")
    v.page.fill("#qe-search", "critical thinking")
    v.page.keyboard.press("Enter")
    panel = v.page.locator("#qe-panel").bounding_box()
    graph = v.page.locator("#qe-network").bounding_box()
    assert panel["width"] == PHONE[0] and panel["y"] > PHONE[1] * 0.3
    assert graph["height"] > 400 and graph["width"] == PHONE[0]
    assert v.js("() => document.documentElement.scrollWidth") <= PHONE[0]


def test_keyboard_walks_the_map_and_escape_closes_the_panel(visit, pages):
    v = visit(pages["small"])
    v.page.focus("#qe-network")
    v.page.keyboard.press("ArrowRight")
    first = v.js("() => window.qegraphViewer.network.getSelectedNodes()")
    assert len(first) == 1 and v.page.is_visible("#qe-panel")
    neighbours = v.js(
        """id => window.qegraphViewer.data.edges.filter(e => e.from === id || e.to === id)
                 .map(e => e.from === id ? e.to : e.from)""",
        first[0],
    )
    moved = None
    for key in ("ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp"):
        v.page.focus("#qe-network")
        v.page.keyboard.press(key)
        now = v.js("() => window.qegraphViewer.network.getSelectedNodes()")
        if now != first:
            moved = now[0]
            break
    assert moved in neighbours
    v.page.keyboard.press("Escape")
    assert v.page.is_hidden("#qe-panel")
    assert v.js("() => document.activeElement.id") == "qe-network"
    outline = v.js("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


@pytest.mark.parametrize("size", [WIDE, PHONE], ids=["1400x900", "390x844"])
def test_axe_finds_no_serious_or_critical_violation(chromium, pages, size):
    v = Visit(chromium, pages["bundled"], size=size, bypass_csp=True).ready()
    try:
        v.page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        v.js("() => window.qegraphViewer.select(0)")
        found = v.js(
            """async () => (await axe.run(document)).violations
                .filter(x => x.impact === 'serious' || x.impact === 'critical')
                .map(x => x.id + ': ' + x.nodes.map(n => n.target.join(' ')).join(', '))"""
        )
        assert found == []
    finally:
        v.page.close()


def test_export_gives_an_svg_of_the_shown_view(visit, pages):
    v = visit(pages["hostile"])
    svg = v.js("() => window.qegraphViewer.svg()")
    assert svg.startswith("<svg") and svg.count("<text") == v.js(
        "() => window.qegraphViewer.nodes.get({filter: n => !n.hidden}).length"
    )
    assert "<img src=x" not in svg and "&lt;img src=x onerror=alert(1)&gt;" in svg
    with v.page.expect_download() as download:
        v.page.click("#qe-export-png")
    assert download.value.suggested_filename == "qegraph-view.png"


def test_viewer_and_docs_link_to_each_other(visit, tmp_path):
    from qegraph.ontodoc import write_docs

    graph = load()
    viz(graph, docs_href="docs/index.html").write(tmp_path / "viewer.html")
    write_docs(graph, tmp_path / "docs", viewer_href="../viewer.html")
    v = visit(tmp_path / "viewer.html", fragment="#qe:critical-thinking")
    v.page.click("#qe-panel a.qe-docs-link")
    v.page.wait_for_url("**/docs/index.html#qe-critical-thinking")
    assert v.js("() => document.querySelector(':target').id") == "qe-critical-thinking"
    v.page.click("#qe-critical-thinking a.to-viewer")
    v.page.wait_for_selector("body[data-ready=true]", state="attached")
    assert v.page.inner_text("#qe-panel h2") == "critical thinking"


def test_documentation_fits_a_phone(chromium, docs_page):
    v = Visit(chromium, docs_page, size=PHONE)
    try:
        assert v.js("() => document.documentElement.scrollWidth") <= PHONE[0]
        assert v.errors == [] and v.requests == [v.url]
    finally:
        v.page.close()
