"""The viewer page: what it draws, that it is offline and escaped, and the ``viz`` command."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from qegraph import load
from qegraph.cli import main
from qegraph.errors import ConceptLookupError, GraphTooLargeError, InputError
from qegraph.projection import project
from qegraph.resources import ontology_dir
from qegraph.viewer import viewer_data, viz

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "viz-small.ttl"
HOSTILE = FIXTURES / "viz-hostile.ttl"
EX = "https://example.org/viz/"


@pytest.fixture(scope="module")
def small_graph():
    """The small fixture with the schema only (no bundled concepts), so counts are exact."""
    return load([ontology_dir() / "schema.ttl", SMALL], bundled=False)


@pytest.fixture(scope="module")
def hostile_graph():
    return load([ontology_dir() / "schema.ttl", SMALL, HOSTILE], bundled=False)


@pytest.fixture(scope="module")
def small_page(small_graph):
    return viz(small_graph)


class _Page(HTMLParser):
    """Collects the tags, their attributes and the text of each <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self._open: tuple[str, dict[str, str | None]] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open = (tag, dict(attrs))
            self._text = []

    def handle_data(self, data):
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._open is not None and tag == self._open[0]:
            text = "".join(self._text)
            if tag == "script":
                self.scripts.append((self._open[1], text))
            else:
                self.styles.append(text)
            self._open = None


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _data_block(html: str) -> dict:
    page = _parse(html)
    blocks = [text for attrs, text in page.scripts if attrs.get("type") == "application/json"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_page_draws_every_concept_and_relation_of_the_projection(small_graph, small_page):
    G = project(small_graph)
    assert (small_page.nodes, small_page.edges) == (G.number_of_nodes(), G.number_of_edges())
    data = _data_block(small_page.html)
    assert {n["iri"] for n in data["nodes"]} == set(G.nodes)
    assert len(data["edges"]) == G.number_of_edges()


def test_literals_are_details_not_nodes(small_graph, small_page):
    data = _data_block(small_page.html)
    node = next(n for n in data["nodes"] if n["iri"] == EX + "tailored-learning")
    assert node["def"] == "Teaching adapted to each learner."
    assert all(n["iri"].startswith(EX) for n in data["nodes"])
    assert "Teaching adapted to each learner." not in {n["en"] for n in data["nodes"]}


def test_node_carries_both_labels_type_side_and_source_passage(small_page):
    data = _data_block(small_page.html)
    node = next(n for n in data["nodes"] if n["iri"] == EX + "tailored-learning")
    assert (node["en"], node["zh"]) == ("Tailored learning", "因材施教")
    assert (node["type"], node["side"], node["shape"]) == ("qe:Dimension", "quality", "diamond")
    assert node["passages"] == [
        {
            "doc": 0,
            "file": "900_vizfixture.txt",
            "title": "On whole-person schooling",
            "titleZh": "On whole-person schooling",
            "para": 7,
            "line": 9,
            "phrase": "尊重学生的个体差异",
        }
    ]


def test_opposes_edge_is_flagged_with_its_contrast_axis(small_page):
    data = _data_block(small_page.html)
    opposes = [e for e in data["edges"] if e["opposes"]]
    assert len(opposes) == 1
    assert (opposes[0]["axisEn"], opposes[0]["axisZh"]) == ("goal", "目标")
    assert (opposes[0]["en"], opposes[0]["zh"]) == ("opposes", "对立于")
    assert not any(e["opposes"] for e in data["edges"] if e["pred"] != "qe:opposes")


def test_legend_names_sides_and_types_with_the_ontology_labels(small_page):
    legend = _data_block(small_page.html)["legend"]
    sides = {s["key"]: (s["en"], s["zh"]) for s in legend["sides"]}
    assert sides["quality"] == ("quality-education element", "素质教育要素")
    assert sides["exam"] == ("exam-oriented trait", "应试教育特征")
    types = {t["key"]: (t["en"], t["zh"]) for t in legend["types"]}
    assert types["qe:Competency"] == ("competency", "素养与能力")


def test_page_loads_nothing_from_outside_the_file(small_page):
    page = _parse(small_page.html)
    for tag, attrs in page.tags:
        assert tag not in ("link", "iframe", "img", "object", "embed", "base")
        assert "src" not in attrs, (tag, attrs)
        # In-page links only (the skip link to the list of contrasts).
        assert (attrs.get("href") or "#").startswith("#"), (tag, attrs)
    assert not re.search(r"https?://[^\"'\s]*\.(js|css)\b", small_page.html)
    assert "@import" not in "".join(page.styles)


def test_content_security_policy_allows_exactly_the_inline_scripts(small_page):
    page = _parse(small_page.html)
    metas = [a for t, a in page.tags if t == "meta" and a.get("http-equiv")]
    assert [m["http-equiv"] for m in metas] == ["Content-Security-Policy"]
    policy = metas[0]["content"] or ""
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    code = [text for attrs, text in page.scripts if "type" not in attrs]
    assert len(code) == 2
    for text in code + page.styles:
        assert _sha256(text) in policy


def test_hostile_labels_are_data_not_markup(hostile_graph):
    html = viz(hostile_graph).html
    for attack in (
        "<img src=x onerror=alert(1)>",
        "</script><script>alert(2)</script>",
        "<svg onload=alert(7)>",
        "<!-- <script>",
    ):
        assert attack not in html
    page = _parse(html)
    assert sum(1 for tag, _ in page.tags if tag == "script") == 3
    assert not any(tag in ("img", "svg", "iframe", "b") for tag, _ in page.tags)
    # The page's one static link is its skip link; hostile text adds none.
    assert [a.get("class") for tag, a in page.tags if tag == "a"] == ["qe-skip"]
    data = _data_block(html)
    labels = {n["en"] for n in data["nodes"]} | {n["zh"] for n in data["nodes"]}
    assert "<img src=x onerror=alert(1)>" in labels
    assert "</script><script>alert(2)</script>" in labels
    phrases = [p["phrase"] for n in data["nodes"] for p in n["passages"]]
    assert "<svg onload=alert(7)>" in phrases


def test_hostile_title_is_escaped(small_graph):
    html = viz(small_graph, title="</title><script>alert(1)</script>").html
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in html


def test_same_graph_gives_the_same_page(small_graph, small_page):
    assert viz(small_graph).html == small_page.html


def test_focus_keeps_the_neighbourhood_within_depth(small_graph):
    data = viewer_data(small_graph, focus="Tailored learning", depth=1)
    assert {n["en"] for n in data["nodes"]} == {
        "Tailored learning",
        "Whole-person schooling",
        "Learner differences",
    }
    focus = data["nodes"][data["focus"]]
    assert focus["en"] == "Tailored learning" and focus["focus"] is True


def test_focus_on_an_unknown_concept_suggests_close_names(small_graph):
    with pytest.raises(ConceptLookupError, match="did you mean 'tailored learning'"):
        viz(small_graph, focus="tailored learnin")


def test_focus_on_a_non_concept_says_so(small_graph):
    with pytest.raises(ConceptLookupError, match="not a concept"):
        viz(small_graph, focus="https://example.org/viz/doc-1")


def test_top_cuts_by_meaning_then_by_connections(small_graph):
    # The opposes pair comes first, then the dimension, then the most connected concepts
    # (whole-person has 4 neighbours, tailored-learning 2; every other concept has 1).
    names = [{n["en"] for n in viewer_data(small_graph, top=k)["nodes"]} for k in (2, 3)]
    assert names[0] == {"Whole-person schooling", "Test drilling"}
    assert names[1] == names[0] | {"Tailored learning"}


def test_size_follows_pagerank_when_asked(small_graph):
    data = viewer_data(small_graph, size_by="pagerank")
    largest = max(data["nodes"], key=lambda n: n["size"])
    assert largest["en"] == "Whole-person schooling"
    assert abs(sum(n["score"] for n in data["nodes"]) - 1.0) < 1e-3


def test_too_many_concepts_are_refused_with_advice(small_graph):
    with pytest.raises(GraphTooLargeError, match=r"--focus CONCEPT .* --top K"):
        viz(small_graph, max_nodes=3)


@pytest.mark.parametrize(
    ("option", "value"),
    [("color_by", "colour"), ("size_by", "betweenness"), ("lang", "fr")],
)
def test_unknown_option_value_is_an_input_error(small_graph, option, value):
    with pytest.raises(InputError, match=f"{option} must be one of"):
        viz(small_graph, **{option: value})


def test_repr_html_is_a_sandboxed_iframe_holding_the_escaped_page(small_page):
    frame = small_page._repr_html_()
    assert frame.startswith("<iframe ") and frame.endswith("</iframe>")
    assert 'sandbox="allow-scripts"' in frame and "allow-same-origin" not in frame
    assert "<script" not in frame
    srcdoc = re.search(r'srcdoc="([^"]*)"', frame)
    assert srcdoc is not None
    import html as html_lib

    assert html_lib.unescape(srcdoc.group(1)) == small_page.html


def test_viz_does_not_import_ipython_or_pyvis():
    code = (
        "import sys, qegraph\n"
        f"qegraph.viz(qegraph.load([{str(SMALL)!r}]), focus='Tailored learning', depth=1)\n"
        "print(sorted(m for m in ('IPython', 'pyvis', 'pyvis.network') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_write_puts_the_page_at_the_path(small_page, tmp_path):
    target = small_page.write(tmp_path / "page.html")
    assert target.read_text(encoding="utf-8") == small_page.html


def test_cli_viz_writes_the_page_and_says_what_it_drew(runner, tmp_path):
    out = tmp_path / "graph.html"
    result = runner.invoke(main, ["--data", str(SMALL), "viz", "-o", str(out), "--lang", "zh-Hans"])
    assert result.exit_code == 0, result.output
    G = project(load([SMALL]))
    expected = f"wrote {out} ({G.number_of_nodes()} concepts, {G.number_of_edges()} relations)"
    assert result.output.strip() == expected
    assert _data_block(out.read_text(encoding="utf-8"))["lang"] == "zh-Hans"


def test_cli_viz_unknown_focus_exits_2_with_the_lookup_message(runner, tmp_path):
    result = runner.invoke(main, ["viz", "-o", str(tmp_path / "g.html"), "--focus", "qe:nope"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: unknown concept 'qe:nope'")
    assert not (tmp_path / "g.html").exists()


def test_cli_viz_draws_over_2000_concepts_only_with_webgl(runner, tmp_path):
    big = tmp_path / "big.ttl"
    lines = ["@prefix skos: <http://www.w3.org/2004/02/skos/core#> ."]
    lines += [
        f'<https://example.org/big/c{i}> a skos:Concept ; skos:prefLabel "big {i}"@en ; '
        f"skos:related <https://example.org/big/c{(i * 7 + 1) % 2100}> ."
        for i in range(2100)
    ]
    big.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "g.html"
    result = runner.invoke(main, ["--data", str(big), "viz", "-o", str(out), "--renderer", "vis"])
    assert result.exit_code == 2
    assert "more than the viewer draws (2,000)" in result.output
    assert "--focus CONCEPT" in result.output and "--top K" in result.output
    assert not out.exists()
    result = runner.invoke(main, ["--data", str(big), "viz", "-o", str(out), "--top", "150"])
    assert result.exit_code == 0, result.output
    assert "(150 concepts," in result.output
    assert 'data-renderer="webgl"' not in out.read_text(encoding="utf-8")
    result = runner.invoke(main, ["--data", str(big), "viz", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert 'data-renderer="webgl"' in out.read_text(encoding="utf-8")


def test_a_graph_without_concepts_gives_an_empty_page_not_an_error():
    page = viz(load([ontology_dir() / "schema.ttl"], bundled=False))
    assert (page.nodes, page.edges) == (0, 0)
    assert _data_block(page.html)["nodes"] == []


def test_viewer_repr_is_short(small_page):
    text = repr(small_page)
    assert text.startswith("Viewer(nodes=6, edges=6, html=") and len(text) < 80


def test_same_graph_gives_the_same_bytes_and_a_contrast_layout(small_graph):
    first, second = viz(small_graph), viz(small_graph)
    assert first.html == second.html
    data = viewer_data(small_graph)
    by_iri = {n["iri"]: n for n in data["nodes"]}
    quality, exam = by_iri[EX + "whole-person"], by_iri[EX + "test-drilling"]
    # The opposes pair faces across the middle, on one row, under its axis heading.
    assert quality["x"] < 0 < exam["x"] and quality["y"] == exam["y"]
    assert {"en": "goal", "zh": "目标", "kind": "axis"}.items() <= data["groups"][0].items()
    assert viewer_data(small_graph, layout="free")["layout"] == "free"
    with pytest.raises(InputError, match="layout must be one of contrast, free"):
        viewer_data(small_graph, layout="spiral")


def test_edges_carry_their_claim_evidence_and_the_documents_both_titles():
    graph = load(
        [ontology_dir() / "schema.ttl", SMALL, FIXTURES / "viz-evidence.ttl"], bundled=False
    )
    data = viewer_data(graph, docs_href="docs/index.html")
    edges = {(e["pred"], data["nodes"][e["to"]]["iri"]): e for e in data["edges"]}
    opposes = edges[("qe:opposes", EX + "test-drilling")]
    assert opposes["evidence"] == "stated" and opposes["axis"] == EX + "goal-axis"
    assert [p["phrase"] for p in opposes["passages"]] == ["与应试教育相对立"]
    assert edges[("qe:respects", EX + "learner-differences")]["evidence"] == "inferred"
    assert data["documents"][0]["zh"] == "论全人教育"
    drilling = next(n for n in data["nodes"] if n["iri"] == EX + "test-drilling")
    assert drilling["defZh"] == "围绕应试练习组织的教学。"
    assert drilling["docsAnchor"].startswith("iri-") and data["docsHref"] == "docs/index.html"


def test_a_cut_keeps_every_contrast_pair_and_says_what_it_cut():
    graph = load()
    data = viewer_data(graph, top=40)
    drawn = {n["iri"] for n in data["nodes"]}
    G = project(graph)
    pairs = {n for a, b, k in G.edges(keys=True) if k == "qe:opposes" for n in (a, b)}
    paradigms = {n for n, a in G.nodes(data=True) if a["type"] == "qe:Paradigm"}
    assert len(drawn) == 40 and pairs | paradigms <= drawn
    assert sum(e["opposes"] for e in data["edges"]) == 21
    assert data["cut"]["en"].startswith("showing 40 of 130 concepts: every contrast pair")
    page = viz(graph, top=40)
    assert page.cut == data["cut"]["en"]
    assert viz(graph).cut is None
