"""The docs know the build's viewer cut (issue 15): above 2,000 concepts ``qegraph build`` cuts
its viewer by meaning, so a docs entry links to the viewer only when the viewer draws the concept;
the entry of a cut concept says so in both languages with the ``qegraph viz --focus`` command that
draws it, and that command works.

The end-to-end test builds the bundled graph plus 1,900 synthetic concepts (2,030 in the concept
map: the smallest cut the tests build) and opens the written pages in the real headless Chromium.
"""

from __future__ import annotations

import json
import re
import shlex
from html import unescape

import pytest
from click.testing import CliRunner
from rdflib import URIRef

from qegraph import load, viz
from qegraph.cli import main
from qegraph.ontodoc import render_docs_pages
from qegraph.pagelinks import ViewerKeys, docs_anchor
from qegraph.resources import ontology_dir

from .test_browser import ARTIFACTS, HOSTILE, SMALL, Visit, chromium  # noqa: F401 (fixture)
from .test_viewer_cut import synthetic_turtle

EX = "https://example.org/viz/"
EVIL = "https://example.org/evil/"
#: The hostile fixture's concepts: a label that is markup, an IRI that is a script URL, an IRI
#: whose text closes an attribute.
HOSTILE_CONCEPTS = [
    URIRef(f"{EVIL}img"),
    URIRef("javascript:alert(10)"),
    URIRef(f"{EVIL}%22%3E%3Cscript%3Ealert(11)%3C/script%3E"),
]
EXTRA = 1900


def _entry(page: str, node: URIRef) -> str:
    """The HTML of ``node``'s docs entry on ``page``."""
    start = page.index(f'<section class="term concept" id="{docs_anchor(node)}">')
    return page[start : page.index("</section>", start)]


def _data(html: str) -> dict:
    return json.loads(html.split('id="qe-data">', 1)[1].split("</script>", 1)[0])


# --- the docs, rendered with a cut --------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_graph():
    return load([ontology_dir() / "schema.ttl", SMALL, HOSTILE], bundled=False)


@pytest.fixture(scope="module")
def cut_keys(hostile_graph):
    """The keys of a viewer that drew the small fixture's concepts and cut the hostile ones."""
    page = viz(hostile_graph)
    cut = frozenset(str(n) for n in HOSTILE_CONCEPTS)
    assert cut <= page.drawn
    return ViewerKeys(drawn=page.drawn - cut, cut=cut, data="qegraph.ttl")


def test_the_viewer_says_what_it_drew_and_what_its_cut_left_out(hostile_graph):
    from qegraph.projection import project

    whole = viz(hostile_graph)
    assert whole.left_out == frozenset()
    assert whole.drawn == set(project(hostile_graph).nodes)
    page = viz(hostile_graph, top=5)
    assert page.cut and len(page.drawn) == 5 and len(whole.drawn) > 5
    assert page.drawn == {n["iri"] for n in _data(page.html)["nodes"]}
    assert page.drawn.isdisjoint(page.left_out)
    assert page.drawn | page.left_out == whole.drawn


def test_a_kept_concept_links_to_the_viewer_and_a_cut_one_gives_the_command(
    hostile_graph, cut_keys
):
    page = render_docs_pages(hostile_graph, viewer_href="../viewer.html", viewer_keys=cut_keys)[
        "index.html"
    ]
    kept = URIRef(f"{EX}whole-person")
    assert str(kept) in cut_keys.drawn
    entry = _entry(page, kept)
    assert 'class="to-viewer" href="../viewer.html#' in entry
    assert "not-in-viewer" not in entry
    for node in HOSTILE_CONCEPTS:
        entry = _entry(page, node)
        assert "to-viewer" not in entry and "viewer.html#" not in entry
        note = entry[entry.index('<p class="not-in-viewer">') :].split("</p>", 1)[0]
        assert "Not in the bundled viewer (cut to " in note and "concepts by meaning)" in note
        assert "不在随附的图谱中" in note and "按意义裁剪" in note
        commands = [unescape(c) for c in re.findall(r"<code>(.*?)</code>", note)]
        assert commands == [cut_keys.focus_command(node)] * 2  # English, then 中文
        assert shlex.split(commands[0])[2:6] == ["--data", "qegraph.ttl", "--focus", str(node)]
    # the summary on the index page counts them, in both languages
    summary = page[page.index('<p class="viewer-cut" id="viewer-cut">') :].split("</p>", 1)[0]
    drawn = len(cut_keys.drawn & {str(n) for n in _concepts(hostile_graph)})
    assert (
        f"draws {drawn:,} of these" in summary
        and f"{len(cut_keys.cut)} concepts it left" in summary
    )
    assert f"未绘制的 {len(cut_keys.cut)} 个概念" in summary


@pytest.mark.parametrize("renderer", ["vis", "webgl"])
def test_a_cut_page_of_either_renderer_links_to_the_docs_note_on_what_was_cut(
    hostile_graph, renderer
):
    cut = viz(hostile_graph, top=5, renderer=renderer, docs_href="docs/index.html").html
    assert cut.count('<a class="qe-cut-docs" href="docs/index.html#viewer-cut">') == 1
    whole = viz(hostile_graph, renderer=renderer, docs_href="docs/index.html").html
    assert "qe-cut-docs" not in whole


def _concepts(graph):
    from rdflib.namespace import RDF, SKOS

    return set(graph.subjects(RDF.type, SKOS.Concept))


def test_hostile_labels_and_iris_stay_escaped_in_the_cut_notes(hostile_graph, cut_keys):
    page = render_docs_pages(hostile_graph, viewer_href="../viewer.html", viewer_keys=cut_keys)[
        "index.html"
    ]
    assert "<script>alert" not in page and "<img src=x" not in page and "<svg onload" not in page
    entry = _entry(page, HOSTILE_CONCEPTS[2])
    assert '"><script>' not in entry
    assert "%22%3E%3Cscript%3Ealert(11)%3C/script%3E" in entry
    assert "&lt;img src=x onerror=alert(1)&gt;" in _entry(page, HOSTILE_CONCEPTS[0])


def test_without_a_cut_every_concept_links_and_nothing_is_said(hostile_graph):
    page = render_docs_pages(hostile_graph, viewer_href="../viewer.html")["index.html"]
    assert '<p class="not-in-viewer">' not in page and 'id="viewer-cut"' not in page
    for node in HOSTILE_CONCEPTS:
        assert 'class="to-viewer"' in _entry(page, node)


def test_a_concept_the_viewer_never_draws_gets_no_link(hostile_graph, cut_keys):
    """Contrast axes are SKOS concepts the concept map leaves out: no link that opens nothing."""
    graph = load()
    page = viz(graph)
    keys = ViewerKeys(drawn=page.drawn, cut=page.left_out)
    axis = URIRef("https://w3id.org/qegraph/goal-axis")
    assert str(axis) not in page.drawn | page.left_out
    docs = render_docs_pages(graph, viewer_href="../viewer.html", viewer_keys=keys)["index.html"]
    entry = _entry(docs, axis)
    assert "to-viewer" not in entry and '<p class="not-in-viewer">' not in entry
    assert 'class="to-viewer"' in _entry(docs, URIRef("https://w3id.org/qegraph/critical-thinking"))


def test_split_pages_carry_the_cut_notes(hostile_graph, cut_keys):
    import qegraph.pagelinks as pagelinks

    size = pagelinks.PAGE_SIZE
    pagelinks.PAGE_SIZE = 5
    try:
        pages = render_docs_pages(
            hostile_graph, viewer_href="../viewer.html", viewer_keys=cut_keys, split_at=3
        )
    finally:
        pagelinks.PAGE_SIZE = size
    assert len(pages) > 2
    notes = sum(p.count('<p class="not-in-viewer">') for n, p in pages.items() if n != "index.html")
    links = sum(p.count('class="to-viewer"') for n, p in pages.items() if n != "index.html")
    documented = {str(n) for n in _concepts(hostile_graph)}
    assert notes == len(cut_keys.cut & documented) == len(HOSTILE_CONCEPTS)
    assert links == len(cut_keys.drawn & documented)
    assert 'id="viewer-cut"' in pages["index.html"]


# --- qegraph build above 2,000 concepts, in the browser -------------------------------------------


@pytest.fixture(scope="module")
def cut_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cutbuild")
    data = folder / "extra.ttl"
    data.write_text(synthetic_turtle(EXTRA), encoding="utf-8")
    out = folder / "out"
    result = CliRunner().invoke(main, ["--data", str(data), "build", "-o", str(out)])
    assert result.exit_code in (0, 1), result.output  # 1: the synthetic concepts lack sources
    assert "The viewer is showing 2,000 of" in result.output
    return out


def test_build_docs_link_only_to_drawn_concepts(cut_build):
    data = _data((cut_build / "viewer.html").read_text(encoding="utf-8"))
    from urllib.parse import unquote

    drawn = {n["curie"] for n in data["nodes"]} | {n["iri"] for n in data["nodes"]}
    links, notes = [], 0
    for page in sorted((cut_build / "docs").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        links += re.findall(r'class="to-viewer" href="\.\./viewer\.html#([^"]*)"', text)
        notes += text.count('<p class="not-in-viewer">')
    assert len(links) == len(data["nodes"])  # every drawn concept's entry links, once
    assert {unquote(f) for f in links} <= drawn
    assert notes > 0


@pytest.mark.browser
def test_build_docs_in_chromium_every_viewer_link_opens_a_concept(chromium, cut_build, monkeypatch):  # noqa: F811
    viewer = Visit(chromium, cut_build / "viewer.html").ready()
    try:
        keys = set(
            viewer.js("() => window.qegraphViewer.data.nodes.flatMap(n => [n.curie, n.iri])")
        )
        count = viewer.js("() => window.qegraphViewer.data.nodes.length")
        assert count == 2000
        # the status bar's link leads to the docs' note on what was cut
        link = viewer.page.locator("a.qe-cut-docs")
        assert link.is_visible() and "未绘制的概念见文档" in link.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        link.scroll_into_view_if_needed()
        viewer.page.screenshot(path=str(ARTIFACTS / "viewer-cut-build.png"))
        link.click()
        viewer.page.wait_for_url("**/docs/index.html#viewer-cut")
        summary = viewer.page.inner_text("#viewer-cut")
        assert "draws 2,000 of these" in summary and "个概念中的 2,000 个" in summary
        assert viewer.errors == []
    finally:
        viewer.page.close()

    fragments: list[str] = []
    cut_entry = None
    for page in sorted((cut_build / "docs").glob("*.html")):
        v = Visit(chromium, page)
        try:
            fragments += v.js(
                """() => [...document.querySelectorAll('a.to-viewer')].map(
                    a => decodeURIComponent(new URL(a.href).hash.slice(1)))"""
            )
            found = v.js(
                """() => { const p = document.querySelector('.not-in-viewer');
                           return p && p.closest('section').id; }"""
            )
            if found and cut_entry is None:
                cut_entry = (page, found)
            assert v.errors == [] and all(r.startswith("file://") for r in v.requests)
        finally:
            v.page.close()
    assert len(fragments) == 2000
    assert [f for f in fragments if f not in keys] == []
    assert cut_entry is not None

    page, anchor = cut_entry
    v = Visit(chromium, page, fragment=f"#{anchor}")
    try:
        note = v.page.locator(f"#{anchor} .not-in-viewer")
        assert note.is_visible()
        text = note.inner_text()
        assert v.page.locator(f"#{anchor} a.to-viewer").count() == 0
        v.page.screenshot(path=str(ARTIFACTS / "docs-cut-entry.png"))
    finally:
        v.page.close()
    assert "Not in the bundled viewer (cut to 2,000 concepts by meaning)" in text
    assert "不在随附的图谱中（图谱已按意义裁剪为 2,000 个概念）" in text
    command = re.search(r"qegraph viz --data qegraph\.ttl --focus \S+ -o \S+\.html", text)
    assert command is not None

    # The command draws the concept the cut left out (run where the docs say: the build folder).
    monkeypatch.chdir(cut_build)
    words = shlex.split(command.group(0))
    result = CliRunner().invoke(main, words[1:])
    assert result.exit_code == 0, result.output
    drawn = _data((cut_build / words[-1]).read_text(encoding="utf-8"))
    focus = drawn["nodes"][drawn["focus"]]
    assert words[words.index("--focus") + 1] in (focus["curie"], focus["iri"])
    assert focus["iri"] not in keys  # the build's viewer did not draw it
    (cut_build / words[-1]).unlink()  # the build folder holds only what a build writes
