"""The ontology documentation page: metadata, one entry per term, working anchors, escaping."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from qegraph import load
from qegraph.cli import main
from qegraph.errors import ExportError
from qegraph.namespaces import QE
from qegraph.ontodoc import render_docs, write_docs
from qegraph.resources import ontology_dir

from .test_browser import chromium  # noqa: F401 (the browser fixture)

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "viz-small.ttl"
HOSTILE = FIXTURES / "viz-hostile.ttl"
UMBRELLA = URIRef("https://w3id.org/qegraph")


class _Anchors(HTMLParser):
    """Every id, every href, the tags used, and the text inside each element with an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            self.attrs.append((tag, name, value))
            if name == "id" and value is not None:
                self.ids.append(value)
            if name == "href" and value is not None:
                self.hrefs.append(value)


def _parse(html: str) -> _Anchors:
    parser = _Anchors()
    parser.feed(html)
    return parser


def _entry(html: str, anchor: str) -> str:
    """The HTML of the <section> with id ``anchor`` (term entries do not nest)."""
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture(scope="module")
def bundled_page(bundled_graph):
    return render_docs(bundled_graph)


@pytest.fixture(scope="module")
def small_page():
    return render_docs(load([ontology_dir() / "schema.ttl", SMALL], bundled=False))


@pytest.fixture(scope="module")
def hostile_page():
    return render_docs(load([SMALL, HOSTILE]))


@pytest.mark.parametrize("which", ["bundled_page", "hostile_page"])
def test_every_internal_link_points_at_an_anchor_on_the_page(request, which):
    page = _parse(request.getfixturevalue(which))
    ids = set(page.ids)
    internal = [h[1:] for h in page.hrefs if h.startswith("#")]
    assert len(internal) > 100
    assert [h for h in internal if h not in ids] == []


@pytest.mark.parametrize("which", ["bundled_page", "hostile_page"])
def test_anchors_are_unique(request, which):
    ids = _parse(request.getfixturevalue(which)).ids
    assert len(ids) == len(set(ids))


def test_metadata_header_shows_title_version_licence_namespace_and_citation(
    bundled_graph, bundled_page
):
    g = bundled_graph
    title = str(g.value(UMBRELLA, DCTERMS.title))
    assert f"<title>{title}</title>" in bundled_page
    assert f"<td>{g.value(UMBRELLA, OWL.versionInfo)}</td>" in bundled_page
    assert f'href="{g.value(UMBRELLA, DCTERMS.license)}"' in bundled_page
    assert f"<code>qe: {QE}</code>" in bundled_page
    citation = str(g.value(UMBRELLA, DCTERMS.bibliographicCitation))
    assert f"<th>How to cite</th><td>{citation}</td>" in bundled_page


def test_every_module_has_its_own_header(bundled_graph, bundled_page):
    modules = set(bundled_graph.subjects(RDF.type, OWL.Ontology))
    assert len(modules) >= 5
    for module in modules:
        assert f"<code>{module}</code>" in bundled_page


def test_every_class_property_and_concept_has_an_entry(bundled_graph, bundled_page):
    ids = set(_parse(bundled_page).ids)
    terms = [
        s
        for cls in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.Concept)
        for s in bundled_graph.subjects(RDF.type, cls)
        if isinstance(s, URIRef) and str(s).startswith(str(QE))
    ]
    assert len(terms) > 150
    missing = [t for t in terms if "qe-" + str(t)[len(str(QE)) :] not in ids]
    assert missing == []


def test_concept_entry_shows_labels_definition_relations_and_source_passage(small_page):
    anchors = _parse(small_page)
    # Anchors of IRIs outside the standard prefixes are hashed: find the entry by its label.
    entry_id = next(
        i
        for i in anchors.ids
        if i.startswith("iri-") and "Tailored learning" in _entry(small_page, i)
    )
    entry = _entry(small_page, entry_id)
    assert "Tailored learning" in entry and "因材施教" in entry
    assert "Teaching adapted to each learner." in entry
    assert ">respects <" in entry and ">Learner differences</a>" in entry
    assert ">Whole-person schooling</a>" in entry  # broader, and the inverse of has dimension
    assert "900_vizfixture.txt ¶7</a> <q>尊重学生的个体差异</q>" in entry


def test_mappings_link_out_only_to_web_iris(bundled_graph, bundled_page):
    node = QE["personalized-education"]
    targets = [str(o) for o in bundled_graph.objects(node, SKOS.narrowMatch)]
    assert targets
    entry = _entry(bundled_page, "qe-personalized-education")
    for target in targets:
        assert f'href="{target}" class="external" rel="noopener noreferrer"' in entry


def test_hostile_strings_are_shown_escaped_and_never_as_markup(hostile_page):
    for attack in (
        "<img src=x onerror=alert(1)>",
        "</script><script>alert(2)</script>",
        "<svg onload=alert(7)>",
        "<b onclick=alert(9)>",
        "<style>*{display:none}</style>",
    ):
        assert attack not in hostile_page
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile_page
    page = _parse(hostile_page)
    assert page.tags.isdisjoint({"script", "img", "svg", "iframe", "b", "math", "object"})
    assert not [a for a in page.attrs if a[1].startswith("on")]
    assert not [h for h in page.hrefs if not h.startswith(("#", "http://", "https://"))]
    assert "<code>javascript:alert(12)</code>" in hostile_page


def test_page_has_no_script_and_a_policy_that_forbids_requests(small_page):
    page = _parse(small_page)
    assert "script" not in page.tags and "link" not in page.tags
    assert not [a for a in page.attrs if a[1] == "src"]
    policies = [v for tag, name, v in page.attrs if tag == "meta" and name == "content"]
    policy = next(p for p in policies if p and p.startswith("default-src"))
    assert "default-src 'none'" in policy and "script-src 'none'" in policy


def test_the_same_graph_gives_the_same_page(small_page):
    assert render_docs(load([ontology_dir() / "schema.ttl", SMALL], bundled=False)) == small_page


def test_write_docs_creates_the_folder(tmp_path, small_page):
    graph = load([ontology_dir() / "schema.ttl", SMALL], bundled=False)
    written = write_docs(graph, tmp_path / "new" / "docs")
    assert written == [tmp_path / "new" / "docs" / "index.html"]
    assert written[0].read_text(encoding="utf-8") == small_page


def test_write_docs_into_a_file_is_an_export_error(tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="exists and is not a folder"):
        write_docs(load([SMALL]), blocker)


def test_cli_docs_writes_the_index(runner, tmp_path):
    result = runner.invoke(main, ["docs", "-o", str(tmp_path / "docs")])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {tmp_path / 'docs' / 'index.html'}\n"
    assert "qe-critical-thinking" in (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")


def test_docs_show_chinese_definitions_and_the_evidence_kind_of_each_claim(bundled_graph) -> None:
    from qegraph.ontodoc import docs_anchor, render_docs

    page = render_docs(bundled_graph)
    assert page.count('<p class="definition" lang="zh-Hans">') >= 136
    assert '<span class="evidence stated">[stated in the text' in page
    # Teachers implementing quality education is a reading of "my work", so an inference.
    start = page.index(f'id="{docs_anchor(QE.teachers)}"')
    entry = page[start : page.index("</section>", start)]
    assert '<span class="evidence inferred">[curator inference' in entry


# --- documentation split into pages at scale ----------------------------------------------


@pytest.fixture(scope="module")
def split_pages(bundled_graph):
    """The bundled graph's docs split as a large graph's are, 10 entries a page."""
    import qegraph.ontodoc as ontodoc
    import qegraph.pagelinks as pagelinks

    size = pagelinks.PAGE_SIZE
    pagelinks.PAGE_SIZE = 10
    try:
        pages = ontodoc.render_docs_pages(bundled_graph, split_at=10)
        pages_hrefs.update(ontodoc.docs_hrefs(bundled_graph, split_at=10))
        return pages
    finally:
        pagelinks.PAGE_SIZE = size


pages_hrefs: dict = {}  # docs_hrefs of split_pages, filled by that fixture


def test_split_docs_every_link_resolves_on_its_page(split_pages):
    ids = {name: _parse(page).ids for name, page in split_pages.items()}
    assert len(split_pages) > 10 and "index.html" in split_pages
    checked = 0
    for name, page in split_pages.items():
        assert len(ids[name]) == len(set(ids[name])), name  # unique on each page
        for href in _parse(page).hrefs:
            if href.startswith(("http://", "https://", "../")):
                continue
            target, _, fragment = href.partition("#")
            target = target or name
            assert target in ids and (not fragment or fragment in ids[target]), (name, href)
            checked += 1
    assert checked > 1000


def test_split_docs_each_concept_entry_once_where_docs_hrefs_says(bundled_graph, split_pages):
    from qegraph.ontodoc import docs_anchor

    hrefs = pages_hrefs
    concepts = [c for c in bundled_graph.subjects(RDF.type, SKOS.Concept) if c in hrefs]
    assert len(concepts) > 100
    index_ids = set(_parse(split_pages["index.html"]).ids)
    for concept in concepts:
        page, _, anchor = hrefs[concept].partition("#")
        assert page != "index.html" and anchor == docs_anchor(concept)
        assert f'<section class="term concept" id="{anchor}">' in split_pages[page]
        assert anchor in index_ids  # the viewer's docs/index.html#anchor still lands on it
        assert f'<section class="term concept" id="{anchor}">' not in split_pages["index.html"]


def test_split_docs_pages_share_the_style_and_have_no_script(split_pages, bundled_page):
    css = bundled_page[bundled_page.index("<style>") : bundled_page.index("</style>")]
    for name, page in split_pages.items():
        assert css in page, name
        parsed = _parse(page)
        assert "script" not in parsed.tags and "link" not in parsed.tags, name
        policies = [v for tag, n, v in parsed.attrs if tag == "meta" and n == "content"]
        assert any(p and p.startswith("default-src 'none'") for p in policies), name
    assert '<section id="metadata">' in split_pages["index.html"]
    bars = {
        page[page.index('<nav class="toc"') : page.index("</nav>")] for page in split_pages.values()
    }
    assert len(bars) == 1  # the same contents bar on every page


def test_docs_stay_one_page_up_to_the_threshold(bundled_graph, bundled_page):
    from qegraph.ontodoc import render_docs_pages

    assert render_docs_pages(bundled_graph) == {"index.html": bundled_page}


def test_write_docs_splits_above_1000_concepts(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))
    from bench_viewer import synthetic

    written = write_docs(synthetic(1001), tmp_path / "docs")
    names = sorted(p.name for p in written)
    assert written[0].name == "index.html" and len(names) > 3
    assert all(p.stat().st_size < 1_500_000 for p in written)
    assert [n for n in names if n != "index.html" and not n.startswith("concepts-")] == []


@pytest.mark.browser
def test_split_docs_open_and_the_index_reaches_an_entry(chromium, tmp_path, bundled_graph):  # noqa: F811
    import qegraph.ontodoc as ontodoc
    import qegraph.pagelinks as pagelinks

    from .test_browser import ARTIFACTS, Visit

    size = pagelinks.PAGE_SIZE
    pagelinks.PAGE_SIZE = 10
    try:
        folder = tmp_path / "docs"
        folder.mkdir()
        for name, page in ontodoc.render_docs_pages(bundled_graph, split_at=10).items():
            (folder / name).write_text(page, encoding="utf-8")
    finally:
        pagelinks.PAGE_SIZE = size
    v = Visit(chromium, folder / "index.html", fragment="#qe-critical-thinking")
    try:
        # the viewer's link lands on the index entry, whose link opens the concept's page
        assert v.js("() => document.querySelector(':target').id") == "qe-critical-thinking"
        v.page.click("#qe-critical-thinking a")
        v.page.wait_for_url("**/concepts-*.html#qe-critical-thinking")
        target = v.js("() => document.querySelector(':target').id")
        assert target == "qe-critical-thinking"
        assert v.page.inner_text("#qe-critical-thinking h4").startswith("critical thinking")
        ARTIFACTS.mkdir(exist_ok=True)
        v.page.screenshot(path=str(ARTIFACTS / "docs-split-entry.png"))
        v.page.click("text=Contents and index")
        v.page.wait_for_url("**/docs/index.html")
        assert v.page.locator("ul.pages a").count() > 10
        assert v.errors == [] and all(r.startswith("file://") for r in v.requests)
    finally:
        v.page.close()
