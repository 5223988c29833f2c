"""Labels of the WebGL page never overlap, on a map of about 5,000 concepts with long labels.

The page draws its labels itself (``placeLabels`` in viewer-gl.js, which replaces sigma's
``renderLabels``) and leaves the boxes it drew in the last frame in
``window.__qegraphLabelBoxes``. These tests open the page in the real headless Chromium at
1400x900 and 390x844, check that no two drawn boxes intersect at the opening zoom, after two
turns of the mouse wheel and in 中文, that enough labels are drawn to read the map, that the
selection and its neighbours keep their labels, and write the screenshots to tests/artifacts/.
"""

from __future__ import annotations

import pytest
from rdflib import Literal
from rdflib.namespace import SKOS

from qegraph.viewer import viz

from .test_browser import (  # noqa: F401 (chromium is a fixture)
    ARTIFACTS,
    PHONE,
    WIDE,
    Visit,
    _overlaps,
    chromium,
)
from .test_viewer_scale import BIG, big_graph, errors

pytestmark = pytest.mark.browser

SIZE = 5000
#: Every fourth label is long, in both languages: the case sigma's label grid let overlap.
LONG_EN = " with a much longer name than most"
LONG_ZH = "以及一个比大多数都长得多的名字"


def labelled_graph():
    graph = big_graph(SIZE)
    for i in range(0, SIZE, 4):
        node = BIG[f"c{i}"]
        for lang, tail in (("en", LONG_EN), ("zh-Hans", LONG_ZH)):
            old = next(o for o in graph.objects(node, SKOS.prefLabel) if o.language == lang)
            graph.remove((node, SKOS.prefLabel, old))
            graph.add((node, SKOS.prefLabel, Literal(str(old) + tail, lang=lang)))
    return graph


@pytest.fixture(scope="module")
def labels_page(tmp_path_factory):
    page = viz(labelled_graph(), top=SIZE, max_nodes=SIZE)
    assert page.nodes == SIZE and 'data-renderer="webgl"' in page.html
    return page.write(tmp_path_factory.mktemp("gl-labels") / "labels.html")


def open_page(chromium, path, size) -> Visit:  # noqa: F811
    v = Visit(chromium, path, size=size)
    v.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
    return v


def settled_boxes(v: Visit) -> list[dict]:
    """The label boxes of the last frame once the camera has stopped (a wheel turn glides)."""
    before = None
    for _ in range(60):
        v.page.wait_for_timeout(150)
        state = v.js(
            """() => { const camera = window.qegraphViewer.renderer.getCamera();
                const c = camera.getState();
                return [c.x, c.y, c.ratio, camera.isAnimated()]; }"""
        )
        if state == before and not state[3]:
            break
        before = state
    v.js("() => window.qegraphViewer.renderer.refresh()")
    return v.js("() => window.__qegraphLabelBoxes")


def check(v: Visit, boxes: list[dict], floor: int, name: str, cjk: bool = False) -> None:
    assert _overlaps(boxes) == []
    assert len(boxes) >= floor, len(boxes)
    width, height = v.js("() => [innerWidth, innerHeight]")
    # Boxes are where the text is drawn: on (or just off the edge of) the map, a label's size.
    for b in boxes:
        assert -200 < b["x0"] < width + 200 and -60 < b["y0"] < height + 60, b
        assert 15 < b["y1"] - b["y0"] < 20 and b["x1"] - b["x0"] > 10, b
    if cjk:
        assert all("\u4e00" <= b["label"][0] <= "\u9fff" or "<" in b["label"] for b in boxes[:20])
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"viewer-webgl-labels-{name}.png"
    v.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    assert errors(v) == []


@pytest.mark.parametrize("size", [WIDE, PHONE], ids=["1400x900", "390x844"])
def test_labels_never_overlap_at_load_after_zooming_and_in_chinese(chromium, labels_page, size):  # noqa: F811
    v = open_page(chromium, labels_page, size)
    try:
        tag = f"{size[0]}x{size[1]}"
        wide = size == WIDE
        start = settled_boxes(v)
        check(v, start, 60 if wide else 12, f"{tag}-load")
        # The most important labels win: the paradigms and the contrast pairs come first.
        ranks = v.js(
            """(ids) => { const d = window.qegraphViewer.data, pairs = new Set();
                d.edges.forEach(e => { if (e.opposes) { pairs.add(e.from); pairs.add(e.to); } });
                return ids.map(id => pairs.has(id)); }""",
            [b["id"] for b in start],
        )
        assert any(ranks)
        box = v.page.locator("#qe-network").bounding_box()
        v.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        ratio = v.js("() => window.qegraphViewer.renderer.getCamera().getState().ratio")
        for _ in range(2):
            v.page.mouse.wheel(0, -300)
            settled_boxes(v)
        zoomed = settled_boxes(v)
        assert v.js("() => window.qegraphViewer.renderer.getCamera().getState().ratio") < ratio
        check(v, zoomed, 40 if wide else 10, f"{tag}-zoomed")
        v.page.click(".qe-lang button[data-lang='zh-Hans']")
        chinese = settled_boxes(v)
        check(v, chinese, 40 if wide else 10, f"{tag}-zh", cjk=True)
    finally:
        v.page.close()


def test_the_selection_and_its_neighbours_keep_their_labels(chromium, labels_page):  # noqa: F811
    v = open_page(chromium, labels_page, WIDE)
    try:
        # A node with several neighbours, selected as a click or a search would.
        node = v.js(
            """() => { const g = window.qegraphViewer.graph;
                return Number(g.nodes().find(k => g.degree(k) >= 6 && g.degree(k) <= 12)); }"""
        )
        v.js("id => window.qegraphViewer.select(id)", node)
        boxes = settled_boxes(v)
        drawn = {b["id"] for b in boxes}
        on_screen = v.js(
            """id => { const r = window.qegraphViewer.renderer, g = window.qegraphViewer.graph;
                const w = r.getDimensions();
                return g.neighbors(String(id)).filter(k => {
                    const d = r.getNodeDisplayData(k), p = r.framedGraphToViewport(d);
                    return p.x > 0 && p.x < w.width && p.y > 0 && p.y < w.height;
                }).map(Number); }""",
            node,
        )
        assert node in drawn
        assert on_screen and set(on_screen) <= drawn
        # Unforced labels still keep out of the way of each other and of the forced ones.
        forced = {node, *on_screen}
        free = [b for b in boxes if b["id"] not in forced]
        assert _overlaps(free) == []
        for f in (b for b in boxes if b["id"] in forced):
            assert _overlaps([f, *free]) == []
        v.page.screenshot(path=str(ARTIFACTS / "viewer-webgl-labels-selected.png"))
    finally:
        v.page.close()


def test_labels_are_hidden_while_the_map_is_dragged_and_come_back(chromium, labels_page):  # noqa: F811
    v = open_page(chromium, labels_page, WIDE)
    try:
        box = v.page.locator("#qe-network").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        v.page.mouse.move(x, y)
        v.page.mouse.down()
        for step in range(1, 6):
            v.page.mouse.move(x + 20 * step, y + 10 * step)
            v.page.wait_for_timeout(50)
        during = v.js("() => window.__qegraphLabelBoxes.length")
        v.page.mouse.up()
        after = settled_boxes(v)
        assert during == 0
        assert len(after) >= 60 and _overlaps(after) == []
        # Picking works again once the map stands still: a click on a drawn node opens it.
        target = next(b for b in after if 50 < b["x0"] < box["width"] - 50 and b["y0"] > 50)
        node_xy = v.js(
            """id => { const r = window.qegraphViewer.renderer;
                const p = r.framedGraphToViewport(r.getNodeDisplayData(String(id)));
                const b = document.getElementById('qe-network').getBoundingClientRect();
                return [b.left + p.x, b.top + p.y]; }""",
            target["id"],
        )
        v.page.mouse.click(*node_xy)
        v.page.wait_for_selector("#qe-panel:not([hidden])", timeout=10_000)
        # Nodes of a big map touch: the click opens the node under the mouse, this one or one
        # drawn over it.
        assert v.js("() => window.qegraphViewer.selected()")["kind"] == "node"
    finally:
        v.page.close()
