"""The viewer at scale: the WebGL page (sigma.js + graphology) that draws big maps.

A synthetic map of 2,100 concepts (with contrast pairs on both sides) plus the hostile fixture is
more than :data:`qegraph.viewer.WEBGL_THRESHOLD`, so ``renderer="auto"`` draws it with WebGL. The
browser tests open it in the real headless Chromium (Debian's, software WebGL by SwiftShader),
look at the drawn pixels, and write ``tests/artifacts/viewer-webgl*.png`` for a person to look at.
"""

from __future__ import annotations

import random

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, SKOS

from qegraph import load
from qegraph.errors import InputError
from qegraph.resources import ontology_dir
from qegraph.viewer import MAX_NODES, MAX_WEBGL_NODES, WEBGL_THRESHOLD, viz

from .test_browser import (  # noqa: F401 (chromium is a fixture)
    ARTIFACTS,
    AXE,
    HOSTILE,
    PHONE,
    SMALL,
    WIDE,
    Visit,
    chromium,
)

QE = Namespace("https://w3id.org/qegraph/")
BIG = Namespace("https://example.org/big/")
SIZE = 2100
PAIRS = 40
#: Messages SwiftShader logs about reading pixels back (sigma picks nodes that way): not errors.
GL_NOISE = "GL Driver Message"


def big_graph(n: int = SIZE, seed: int = 3) -> Graph:
    """``n`` concepts of both sides and neither, a random tree plus links, ``PAIRS`` contrasts."""
    rng = random.Random(seed)
    graph = load([ontology_dir() / "schema.ttl", SMALL, HOSTILE], bundled=False)
    nodes = [BIG[f"c{i}"] for i in range(n)]
    for i, node in enumerate(nodes):
        side = QE.QualityEducationElement if i % 3 == 0 else QE.ExamOrientedTrait
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, RDF.type, rng.choice([QE.Practice, QE.Competency, QE.Outcome])))
        if i < 2 * PAIRS or i % 3 != 2:
            graph.add((node, RDF.type, side))
        graph.add((node, SKOS.prefLabel, Literal(f"big concept {i}", lang="en")))
        graph.add((node, SKOS.prefLabel, Literal(f"大概念{i}", lang="zh-Hans")))
    for i in range(1, n):
        graph.add((nodes[i], QE.develops, nodes[rng.randrange(i)]))
    for i in range(PAIRS):
        graph.add((nodes[3 * i], QE.opposes, nodes[3 * i + 1]))
    return graph


@pytest.fixture(scope="module")
def big_page(tmp_path_factory):
    page = viz(big_graph())
    return page, page.write(tmp_path_factory.mktemp("viewer-scale") / "big.html")


# --- the page, without a browser ---------------------------------------------------------------


def test_auto_draws_a_big_map_with_webgl_and_a_small_one_with_vis_network(big_page):
    page, _ = big_page
    assert page.nodes > WEBGL_THRESHOLD
    assert 'data-renderer="webgl"' in page.html
    assert "vis.Network" not in page.html and "window.Sigma=" in page.html.replace(" ", "")
    small = viz(load([ontology_dir() / "schema.ttl", SMALL], bundled=False))
    assert 'data-renderer="webgl"' not in small.html
    assert "vis.Network" in small.html


def test_renderer_can_be_forced_either_way_and_is_checked():
    graph = load([ontology_dir() / "schema.ttl", SMALL], bundled=False)
    assert 'data-renderer="webgl"' in viz(graph, renderer="webgl").html
    assert 'data-renderer="webgl"' not in viz(graph, renderer="vis").html
    with pytest.raises(InputError, match="renderer must be one of auto, vis, webgl"):
        viz(graph, renderer="canvas")


def test_the_webgl_page_draws_more_than_the_vis_network_page_may(big_page):
    from qegraph.errors import GraphTooLargeError

    assert MAX_NODES < big_page[0].nodes <= MAX_WEBGL_NODES
    with pytest.raises(GraphTooLargeError, match="more than the viewer draws"):
        viz(big_graph(), renderer="vis")


def test_webgl_page_is_self_contained_and_its_data_cannot_end_the_script(big_page):
    page, _ = big_page
    html = page.html
    assert "<script src" not in html and "<link" not in html
    from html import unescape

    policy = unescape(html.split('Content-Security-Policy" content="', 1)[1].split('"', 1)[0])
    assert "connect-src 'none'" in policy and "default-src 'none'" in policy
    # Three scripts: the data block, sigma + graphology, the page script; two of them hashed.
    assert html.count("<script") == 3
    assert policy.count("'sha256-") == 3  # two scripts, one style
    data = html.split('id="qe-data">', 1)[1].split("</script>", 1)[0]
    assert "<img" not in data and "\\u003cimg src=x onerror=alert(1)\\u003e" in data


def test_webgl_page_is_the_same_bytes_every_time():
    graph = load([ontology_dir() / "schema.ttl", SMALL], bundled=False)
    assert viz(graph, renderer="webgl").html == viz(graph, renderer="webgl").html


def test_a_big_contrast_layout_is_about_as_tall_as_it_is_wide(big_page):
    import json

    page, _ = big_page
    data = json.loads(page.html.split('id="qe-data">', 1)[1].split("</script>", 1)[0])
    xs = [n["x"] for n in data["nodes"]]
    ys = [n["y"] for n in data["nodes"]]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    assert 0.3 < height / width < 3, (width, height)


# --- the page in headless Chromium -------------------------------------------------------------


@pytest.fixture()
def opened(chromium, big_page):  # noqa: F811 (the fixture imported above)
    pages: list[Visit] = []

    def open_page(**options) -> Visit:
        v = Visit(chromium, big_page[1], **options)
        pages.append(v)
        v.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
        return v

    yield open_page
    for v in pages:
        v.page.close()


def errors(v: Visit) -> list[str]:
    return [e for e in v.errors if GL_NOISE not in e]


def drawn_pixels(v: Visit, name: str) -> tuple[int, int]:
    """Pixels of the map that are not the white background, and of those the light grey of
    ordinary relations, from a screenshot (WebGL canvases cannot be read back from the page);
    the screenshot is kept in tests/artifacts/."""
    from io import BytesIO

    from PIL import Image

    ARTIFACTS.mkdir(exist_ok=True)
    v.page.wait_for_timeout(600)  # the camera glides for 300 ms after a filter
    shot = v.page.locator("#qe-network").screenshot(path=str(ARTIFACTS / name))
    counts = Image.open(BytesIO(shot)).convert("RGB").getcolors(1 << 24)
    drawn = sum(n for n, rgb in counts if min(rgb) < 235)
    grey = sum(
        n
        for n, (r, g, b) in counts
        if 180 <= min(r, g, b) < 235 and max(r, g, b) - min(r, g, b) < 24
    )
    return drawn, grey


def test_big_page_draws_with_webgl_without_errors_or_requests(opened):
    v = opened()
    assert v.js("() => !!window.qegraphViewer.renderer")
    assert v.js("() => window.qegraphViewer.shownCount()") == v.js(
        "() => window.qegraphViewer.data.nodes.length"
    )
    assert drawn_pixels(v, "viewer-webgl.png")[0] > 5_000
    assert v.requests == [v.url]
    assert errors(v) == []


def test_only_contrasts_draws_fewer_concepts_and_fewer_pixels(opened):
    v = opened()
    before = v.js("() => window.qegraphViewer.shownCount()")
    _, grey = drawn_pixels(v, "viewer-webgl.png")
    v.page.click("#qe-only-opposes")
    after = v.js("() => window.qegraphViewer.shownCount()")
    assert 2 * PAIRS <= after < before / 5
    assert f"{after} / {before}" in v.page.inner_text("#qe-status")
    # Only the red contrast lines are left: the grey of the other relations is (nearly) gone,
    # and the view has zoomed in on the pairs.
    drawn, grey_after = drawn_pixels(v, "viewer-webgl-contrasts.png")
    assert drawn > 2_000 and grey_after < grey / 10
    assert v.js("() => window.qegraphViewer.renderer.getCamera().getState().ratio") < 0.9
    v.page.click("#qe-reset")
    assert v.js("() => window.qegraphViewer.shownCount()") == before


def test_type_filter_hides_that_type(opened):
    v = opened()
    before = v.js("() => window.qegraphViewer.shownCount()")
    v.page.locator("#qe-filter-type label", has_text="outcome").locator("input").uncheck()
    after = v.js("() => window.qegraphViewer.shownCount()")
    outcomes = v.js(
        "() => window.qegraphViewer.data.nodes.filter(n => n.type === 'qe:Outcome').length"
    )
    assert outcomes > 100 and after == before - outcomes


def test_deep_link_opens_the_panel_and_language_switch_relabels_it(opened):
    v = opened(fragment="#https://example.org/big/c3")
    assert v.page.inner_text("#qe-panel h2") == "big concept 3"
    panel = v.page.inner_text("#qe-panel")
    assert "opposes" in panel and "big concept 4" in panel
    v.page.click(".qe-lang button[data-lang='zh-Hans']")
    assert v.page.inner_text("#qe-panel h2") == "大概念3"
    assert "个概念" in v.page.inner_text("#qe-status")


def test_clicking_a_drawn_node_opens_its_panel(opened):
    v = opened()
    v.page.fill("#qe-search", "big concept 0")
    v.page.keyboard.press("Enter")
    v.page.wait_for_timeout(600)  # the camera glides to the node for 300 ms
    x, y = v.js(
        """() => { const v = window.qegraphViewer, r = v.renderer;
                   const d = r.getNodeDisplayData(String(v.find('big concept 0')[0].id));
                   const p = r.framedGraphToViewport(d);
                   const box = document.getElementById('qe-network').getBoundingClientRect();
                   return [box.left + p.x, box.top + p.y]; }"""
    )
    v.page.click("#qe-close")
    assert v.page.locator("#qe-panel").is_hidden()
    v.page.mouse.click(x, y)
    v.page.wait_for_function(
        "() => document.querySelector('#qe-panel h2')?.textContent === 'big concept 0'"
    )


def test_no_request_leaves_the_page_with_the_network_blocked(chromium, big_page):  # noqa: F811
    context = chromium.new_context(offline=True)
    attempted: list[str] = []

    def block(route):
        attempted.append(route.request.url)
        route.abort()

    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else block(route),
    )
    page = context.new_page()
    page.goto(big_page[1].resolve().as_uri())
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
    page.evaluate(
        """() => { const v = window.qegraphViewer; v.select(5); v.setLanguage('zh-Hans');
                   v.setLayout('free'); v.svg(); v.png(); }"""
    )
    page.wait_for_timeout(300)
    context.close()
    assert attempted == []


def test_hostile_labels_are_text_in_the_panel_and_never_elements(opened):
    v = opened()
    v.page.fill("#qe-search", "<img")
    v.page.keyboard.press("Enter")
    assert v.page.inner_text("#qe-panel h2") == "<img src=x onerror=alert(1)>"
    assert "<!-- <script>alert(3)</script> -->" in v.page.inner_text("#qe-panel")
    v.page.click(".qe-lang button[data-lang='zh-Hans']")
    assert v.page.inner_text("#qe-panel h2") == "</script><script>alert(2)</script>"
    v.page.wait_for_timeout(400)
    v.page.screenshot(path=str(ARTIFACTS / "viewer-webgl-hostile.png"))
    injected = v.js(
        """() => [document.querySelectorAll('img, svg, iframe, math, object, embed, b').length,
                  document.scripts.length,
                  [...document.querySelectorAll('*')].filter(
                      e => [...e.attributes].some(a => a.name.startsWith('on'))).length]"""
    )
    assert injected == [0, 3, 0]
    assert v.dialogs == []
    assert errors(v) == []


def test_without_webgl_the_page_says_so_and_search_still_opens_the_panel(chromium, big_page):  # noqa: F811
    from .test_browser import CHROMIUM, CHROMIUM_ARGS

    # A second browser of the same Playwright, with WebGL turned off.
    browser = chromium.browser_type.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, "--disable-webgl"]
    )
    try:
        page = browser.new_page()
        page.goto(big_page[1].resolve().as_uri())
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
        assert page.evaluate("() => window.qegraphViewer.renderer") is None
        assert "WebGL" in page.inner_text(".qe-no-webgl")
        page.fill("#qe-search", "big concept 7")
        page.keyboard.press("Enter")
        assert page.inner_text("#qe-panel h2") == "big concept 7"
    finally:
        browser.close()


@pytest.mark.parametrize("size", [WIDE, PHONE], ids=["1400x900", "390x844"])
def test_axe_finds_no_serious_or_critical_violation_on_the_webgl_page(opened, size):
    v = opened(fragment="#https://example.org/big/c3", size=size, bypass_csp=True)
    v.page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = v.js(
        """async () => (await axe.run(document)).violations
            .filter(x => x.impact === 'serious' || x.impact === 'critical')
            .map(x => x.id + ': ' + x.nodes.map(n => n.target.join(' ')).join(', '))"""
    )
    v.page.screenshot(path=str(ARTIFACTS / f"viewer-webgl-panel-{size[0]}.png"))
    assert found == []


# --- the features the vis-network page has too (issue 15) --------------------------------------


def positions(v: Visit) -> dict[str, list[float]]:
    """Where the graph model puts every node now (sigma's coordinates, y up)."""
    return v.js(
        """() => { const g = window.qegraphViewer.graph, out = {};
                   g.forEachNode((k, a) => { out[k] = [a.x, a.y]; }); return out; }"""
    )


def test_free_layout_toggle_moves_the_nodes_and_back(opened):
    v = opened()
    contrast = positions(v)
    nodes = v.js("() => window.qegraphViewer.data.nodes")
    assert contrast == {str(n["id"]): [n["x"], -n["y"]] for n in nodes}
    before = v.page.locator("#qe-network").screenshot()
    button = v.page.locator("#qe-layout")
    assert button.inner_text() == "Free layout" and button.get_attribute("aria-pressed") == "false"
    button.click()
    free = positions(v)
    assert free == {str(n["id"]): [n["fx"], -n["fy"]] for n in nodes}
    assert sum(free[k] != contrast[k] for k in free) > 0.9 * len(free)
    assert button.inner_text() == "Contrast layout"
    assert button.get_attribute("aria-pressed") == "true"
    assert drawn_pixels(v, "viewer-webgl-free.png")[0] > 5_000
    assert v.page.locator("#qe-network").screenshot() != before
    button.click()
    assert positions(v) == contrast
    assert v.js("() => window.qegraphViewer.layout()") == "contrast"
    assert errors(v) == []


def test_the_table_lists_every_contrast_by_axis_in_both_languages(opened):
    v = opened()
    data = v.js("() => window.qegraphViewer.data")
    by_id = {n["id"]: n for n in data["nodes"]}
    pairs = [e for e in data["edges"] if e["opposes"]]
    assert len(pairs) >= PAIRS
    rows = v.js(
        """() => [...document.querySelectorAll('#qe-table table.qe-contrasts tbody tr')]
                 .map(tr => [...tr.children].map(c => c.innerText))"""
    )
    assert len(rows) == len(pairs)
    cells = {" | ".join(sorted(r[1:3])) for r in rows}
    for e in pairs:
        a, b = by_id[e["from"]], by_id[e["to"]]
        # Each concept cell: its label in the page's language, then in the other one.
        assert " | ".join(sorted([f"{a['en']} {a['zh']}", f"{b['en']} {b['zh']}"])) in cells
    headings = [r[0] for r in rows if r[0]]
    assert "no axis" in headings
    assert {a["en"] for a in data["axes"]} <= set(headings)
    assert v.page.locator("#qe-table .qe-other-lang").first.get_attribute("lang") == "zh-Hans"
    v.page.click(".qe-lang button[data-lang='zh-Hans']")
    assert v.page.inner_text("#qe-table h2") == "按维度列出的对比"
    links = v.js(
        """() => [...document.querySelectorAll('#qe-table .qe-contrasts a.qe-link')]
                 .map(a => a.innerText)"""
    )
    assert sorted(links) == sorted(by_id[e[k]]["zh"] for e in pairs for k in ("from", "to"))
    assert v.page.locator("#qe-table .qe-other-lang").first.get_attribute("lang") == "en"
    # The selected concept's relations come under it, as a second table.
    v.js("() => window.qegraphViewer.select(3)")
    assert v.page.inner_text("#qe-table h3") == "所选概念的关系: " + by_id[3]["zh"]
    relations = v.page.locator("#qe-table table.qe-relations tbody tr").count()
    assert relations == len([e for e in data["edges"] if 3 in (e["from"], e["to"])])
    # Printable: the map and the controls go, the tables stay.
    v.page.emulate_media(media="print")
    assert v.page.is_hidden("#qe-network") and v.page.is_hidden("#qe-sidebar")
    assert v.page.is_visible("#qe-table table.qe-contrasts")
    v.page.screenshot(path=str(ARTIFACTS / "viewer-webgl-print.png"), full_page=True)


def test_svg_export_is_xml_whose_text_holds_the_hostile_label_as_text(opened):
    from xml.etree import ElementTree

    v = opened()
    svg = v.js("() => window.qegraphViewer.svg()")
    root = ElementTree.fromstring(svg)  # valid XML, or this raises
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert len(texts) == v.js("() => window.qegraphViewer.shownCount()")
    assert "<img src=x onerror=alert(1)>" in texts
    assert "<img src=x" not in svg and "&lt;img src=x onerror=alert(1)&gt;" in svg
    assert len(list(root.iter("{http://www.w3.org/2000/svg}element"))) == 0
    with v.page.expect_download() as download:
        v.page.click("#qe-export-svg")
    assert download.value.suggested_filename == "qegraph-view.svg"
    assert ElementTree.parse(download.value.path()).getroot().tag.endswith("svg")


def test_png_export_decodes_and_has_drawn_pixels(opened):
    import base64
    from io import BytesIO

    from PIL import Image

    v = opened()
    url = v.js("() => window.qegraphViewer.png()")
    assert url.startswith("data:image/png;base64,")
    raw = base64.b64decode(url.split(",", 1)[1])
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "viewer-webgl-export.png").write_bytes(raw)
    image = Image.open(BytesIO(raw)).convert("RGB")
    box = v.page.locator("#qe-network").bounding_box()
    assert image.size == (round(box["width"]), round(box["height"]))
    counts = image.getcolors(1 << 24)
    drawn = sum(n for n, rgb in counts if min(rgb) < 235)
    red = sum(n for n, (r, g, b) in counts if r > 150 and g < 90 and b < 90)
    assert drawn > 5_000 and red > 50  # nodes, labels, and the red contrast lines
    with v.page.expect_download() as download:
        v.page.click("#qe-export-png")
    assert download.value.suggested_filename == "qegraph-view.png"
    assert Image.open(download.value.path()).size == image.size


def test_arrow_keys_walk_to_a_neighbour_and_escape_closes_the_panel(opened):
    v = opened()
    v.page.focus("#qe-network")
    v.page.keyboard.press("ArrowRight")
    first = v.js("() => window.qegraphViewer.selected()")
    assert first["kind"] == "node" and v.page.is_visible("#qe-panel")
    neighbours = v.js(
        """id => window.qegraphViewer.data.edges.filter(e => e.from === id || e.to === id)
                 .map(e => e.from === id ? e.to : e.from)""",
        first["id"],
    )
    moved = None
    for key in ("ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp"):
        v.page.focus("#qe-network")
        v.page.keyboard.press(key)
        now = v.js("() => window.qegraphViewer.selected()")
        if now["id"] != first["id"]:
            moved = now["id"]
            break
    assert moved in neighbours
    name = v.js("id => window.qegraphViewer.data.nodes[id].en", moved)
    assert v.page.inner_text("#qe-panel h2") == name
    v.page.wait_for_timeout(400)
    v.page.screenshot(path=str(ARTIFACTS / "viewer-webgl-keyboard.png"))
    v.page.keyboard.press("Escape")
    assert v.page.is_hidden("#qe-panel")
    assert v.js("() => document.activeElement.id") == "qe-network"
    assert v.js("() => getComputedStyle(document.activeElement).outlineStyle") != "none"
    assert v.js("() => window.qegraphViewer.selected()") is None


def test_the_viewer_links_to_the_page_of_split_docs_that_holds_the_entry(chromium, tmp_path):  # noqa: F811
    from qegraph.ontodoc import DOCS_SPLIT_AT, write_docs

    graph = big_graph()
    written = write_docs(graph, tmp_path / "docs", viewer_href="../viewer.html")
    assert len(written) > 2  # split: index.html and the pages of entries
    viz(graph, docs_href="docs/index.html").write(tmp_path / "viewer.html")
    assert SIZE > DOCS_SPLIT_AT
    v = Visit(chromium, tmp_path / "viewer.html", fragment="#https://example.org/big/c3")
    try:
        v.ready()
        href = v.page.get_attribute("#qe-panel a.qe-docs-link", "href")
        assert not href.startswith("docs/index.html") and href.startswith("docs/")
        v.page.click("#qe-panel a.qe-docs-link")
        v.page.wait_for_url("**/docs/*.html#*")
        assert not v.page.url.split("#")[0].endswith("index.html")
        target = v.js("() => document.querySelector(':target')")
        assert target is not None
        assert "big concept 3" in v.js("() => document.querySelector(':target').innerText")
        v.page.click(":target a.to-viewer")
        v.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
        assert v.page.inner_text("#qe-panel h2") == "big concept 3"
    finally:
        v.page.close()


def test_document_filter_and_community_legend(opened):
    v = opened()
    before = v.js("() => window.qegraphViewer.shownCount()")
    rows = v.page.locator("#qe-filter-doc label")
    assert rows.count() == len(v.js("() => window.qegraphViewer.data.documents"))
    rows.first.locator("input").uncheck()
    # Only the concepts of the other documents stay (the big ones cite no document).
    after = v.js("() => window.qegraphViewer.shownCount()")
    assert 0 < after < before / 100
    v.page.click("#qe-reset")
    assert v.page.is_hidden("#qe-community-section")
    v.page.select_option("#qe-color", "community")
    assert v.page.is_visible("#qe-community-section")
    legend = v.page.locator("#qe-legend-community .qe-row").count()
    assert legend == len(v.js("() => window.qegraphViewer.data.legend.communities")) > 1


def test_the_webgl_page_can_open_in_the_free_layout(chromium, tmp_path):  # noqa: F811
    graph = load([ontology_dir() / "schema.ttl", SMALL, HOSTILE], bundled=False)
    path = viz(graph, renderer="webgl", layout="free").write(tmp_path / "free.html")
    v = Visit(chromium, path)
    try:
        v.ready()
        nodes = v.js("() => window.qegraphViewer.data.nodes")
        assert positions(v) == {str(n["id"]): [n["fx"], -n["fy"]] for n in nodes}
        button = v.page.locator("#qe-layout")
        assert button.get_attribute("aria-pressed") == "true"
        assert button.inner_text() == "Contrast layout"
        v.page.click(".qe-lang button[data-lang='zh-Hans']")
        assert button.inner_text() == "对比布局"
        button.click()
        assert positions(v) == {str(n["id"]): [n["x"], -n["y"]] for n in nodes}
        assert button.inner_text() == "自由布局" and errors(v) == []
    finally:
        v.page.close()
