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
        "() => { const v = window.qegraphViewer; v.select(5); v.setLanguage('zh-Hans'); }"
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
