"""The interactive viewer: one offline HTML page that draws the concept map and explains each node.

The page is built from the NetworkX projection (:func:`qegraph.projection.project`): concepts are
nodes, coloured by paradigm side, type or community, shaped by type and sized by degree or PageRank;
relations are edges labelled with their predicate, and ``qe:opposes`` edges are drawn red and dashed
with the contrast axis of their claim. Literals (labels, definitions, key phrases) are details shown
in the side panel, never nodes.

The page is one self-contained file: the vis-network script and styles shipped inside the pyvis
package are inlined, a Content-Security-Policy allows nothing but those inline scripts, and the
page makes no request of any kind. Node data travels as a JSON data block whose ``<``, ``>`` and
``&`` are escaped, and the page script builds every text with ``textContent``, so a label such as
``<img src=x onerror=alert(1)>`` shows as text and runs nothing.

Positions are computed here and physics is off in the page, so the same graph always gives the
same picture (and the same bytes) and a large page never keeps the browser busy. The page opens on
the contrast layout (:mod:`qegraph.viewer.layout`: the two paradigms face to face, each
``qe:opposes`` pair across the middle, grouped by axis); a seeded igraph layout is the "free
layout" one click away. Edges carry their claim (axis, evidence kind, passages) and every concept
and claim has a URL fragment.

>>> from qegraph import load
>>> page = viz(load(), focus="qe:personalized-education", depth=1)
>>> page.nodes > 1 and "Content-Security-Policy" in page.html
True
"""

from __future__ import annotations

import html as html_lib
import json
import math
import os
import posixpath
import threading
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from ..concepts import curie, resolve_concept, source_passages
from ..errors import ConceptLookupError, GraphTooLargeError, InputError
from ..namespaces import PREFIXES, QE
from ..pagelinks import DOCS_SPLIT_AT, content_security_policy, docs_anchor, docs_hrefs
from .layout import FONT as LAYOUT_FONT
from .layout import LABEL_WIDTH, NARROW_LABEL_WIDTH, contrast_layout

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "COLOR_BY",
    "LAYOUTS",
    "MAX_NODES",
    "MAX_WEBGL_NODES",
    "RENDERERS",
    "SIZE_BY",
    "WEBGL_THRESHOLD",
    "Viewer",
    "content_security_policy",
    "viewer_data",
    "viz",
]

#: Most concepts the vis-network page draws; ``renderer="auto"`` draws a bigger map with WebGL.
MAX_NODES = 2000
#: Most concepts any page draws (the WebGL one); above it, pick a part with ``focus`` or ``top``.
MAX_WEBGL_NODES = 5000
COLOR_BY = ("side", "type", "community")
LAYOUTS = ("contrast", "free")
SIZE_BY = ("degree", "pagerank")
#: ``"auto"`` draws with vis-network up to :data:`WEBGL_THRESHOLD` concepts, with WebGL above.
RENDERERS = ("auto", "vis", "webgl")
#: Above this many drawn concepts ``renderer="auto"`` draws with sigma.js (WebGL). Measured on a
#: machine without a GPU (docs/benchmarks.md, section viewer), vis-network pans faster there up to
#: thousands of concepts but takes seconds per filter; so it keeps every map it drew before.
WEBGL_THRESHOLD = MAX_NODES

#: The vis-network release inside the pyvis package that the page inlines.
_VIS_VERSION = "vis-9.1.2"

_SIDE_COLORS = {"quality": "#2e7d32", "exam": "#c62828", "neutral": "#607d8b"}
_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#ad494a",
    "#637939",
    "#7b4173",
    "#3182bd",
    "#e6550d",
)
#: vis-network shapes whose label sits outside the shape, so size can carry centrality.
_TYPE_SHAPES = {
    "qe:Paradigm": "star",
    "qe:Dimension": "diamond",
    "qe:Characteristic": "triangle",
    "qe:Practice": "square",
    "qe:Competency": "dot",
    "qe:Outcome": "triangleDown",
    "qe:TeachingMethod": "hexagon",
    "qe:Goal": "star",
    "qe:EducationalConcept": "hexagon",
    "qe:LearnerCharacteristic": "triangleDown",
    "qe:LearningSupport": "square",
    "qe:EducationalSetting": "diamond",
    "qe:Role": "triangle",
    "qe:ExamOrientedTrait": "dot",
    "qe:QualityEducationElement": "dot",
}
_SPARE_SHAPES = ("dot", "diamond", "square", "triangle", "hexagon", "triangleDown", "star")
_OPPOSES = "qe:opposes"


@dataclass(frozen=True)
class Viewer:
    """A rendered viewer page: ``html`` is the whole self-contained file.

    ``nodes`` and ``edges`` count what the page draws; ``cut`` says what was left out, if
    anything. In a Jupyter notebook the object shows the page inline, in a sandboxed
    ``<iframe srcdoc>``; nothing imports IPython.
    """

    html: str
    nodes: int
    edges: int
    #: When the graph was cut to fit: what the page shows, in English (else ``None``).
    cut: str | None = None
    #: The keys (IRIs) of the concepts the page draws.
    drawn: frozenset[str] = frozenset()
    #: The keys of the concepts the cut left out (``viz(focus=...)`` draws each of them).
    left_out: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        """A short summary: the page itself can be megabytes.

        >>> Viewer(html="<p>x</p>", nodes=2, edges=1)
        Viewer(nodes=2, edges=1, html=8 characters)
        """
        return f"Viewer(nodes={self.nodes}, edges={self.edges}, html={len(self.html):,} characters)"

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` atomically and return the path."""
        from ..atomic import atomic_write_text

        atomic_write_text(path, self.html)
        return Path(path)

    def _repr_html_(self) -> str:
        """The page inside a sandboxed iframe (scripts run, but with no access to the notebook)."""
        return (
            '<iframe title="qegraph viewer" sandbox="allow-scripts" '
            'style="width:100%;height:680px;border:1px solid #ccc;border-radius:4px" '
            f'srcdoc="{html_lib.escape(self.html, quote=True)}"></iframe>'
        )


def viz(
    graph: Graph,
    *,
    focus: str | None = None,
    depth: int = 2,
    lang: str = "en",
    color_by: str = "side",
    size_by: str = "degree",
    top: int | None = None,
    max_nodes: int | None = None,
    title: str | None = None,
    seed: int = 42,
    layout: str = "contrast",
    docs_href: str | None = None,
    renderer: str = "auto",
) -> Viewer:
    """Render the concept map of ``graph`` as an interactive, offline HTML page.

    Parameters
    ----------
    graph:
        The RDF graph, usually :func:`qegraph.load`'s.
    focus:
        Draw only the neighbourhood of this concept (CURIE, IRI or label in either language).
    depth:
        With ``focus``: how many relations away from it a node may be (default 2).
    lang:
        Language of the labels when the page opens: ``"en"`` or ``"zh-Hans"``.
    color_by:
        Colour nodes by paradigm ``"side"``, by ``"type"`` or by ``"community"`` (Louvain).
    size_by:
        Size nodes by ``"degree"`` or ``"pagerank"``.
    top:
        Keep only the ``top`` nodes with the highest ``size_by`` score.
    max_nodes:
        Refuse to draw more nodes than this (default :data:`MAX_NODES` with
        ``renderer="vis"``, else :data:`MAX_WEBGL_NODES`).
    title:
        Page title; default: the title of the ontology.
    seed:
        Seed of the free layout and of the community detection.
    layout:
        Layout when the page opens: ``"contrast"`` (the two paradigms face each other, each
        ``qe:opposes`` pair across the middle, grouped by axis) or ``"free"`` (force-directed);
        the page switches between them with one click.
    docs_href:
        Where the documentation page is, relative to the viewer (``qegraph build`` passes
        ``"docs/index.html"``): each concept's panel then links to its entry there (to the page
        of the split documentation that holds it, above 1,000 concepts).
    renderer:
        ``"vis"`` (vis-network: smooth up to about a thousand concepts), ``"webgl"`` (sigma.js:
        the same filters, layouts, panel, table, export and keyboard walk, smooth at thousands
        of concepts with a GPU, needs WebGL in the browser) or ``"auto"`` (WebGL above
        :data:`WEBGL_THRESHOLD` drawn concepts).

    Raises
    ------
    ConceptLookupError
        ``focus`` names no concept, or one the viewer does not draw.
    GraphTooLargeError
        More than ``max_nodes`` nodes would be drawn.
    InputError
        An option has a value outside its choices.

    >>> from qegraph import load
    >>> viz(load(), focus="qe:rote-learning", depth=1, lang="zh-Hans").html.count("<script") >= 3
    True
    >>> 'data-renderer="webgl"' in viz(load(), focus="qe:rote-learning", renderer="webgl").html
    True
    """
    _check_choice("renderer", renderer, RENDERERS)
    if max_nodes is None:
        max_nodes = MAX_NODES if renderer == "vis" else MAX_WEBGL_NODES
    data, left_out = _viewer_data(
        graph,
        focus=focus,
        depth=depth,
        lang=lang,
        color_by=color_by,
        size_by=size_by,
        top=top,
        max_nodes=max_nodes,
        title=title,
        seed=seed,
        layout=layout,
        docs_href=docs_href,
    )
    webgl = renderer == "webgl" or (renderer == "auto" and len(data["nodes"]) > WEBGL_THRESHOLD)
    return Viewer(
        html=_render_webgl(data) if webgl else _render(data),
        nodes=len(data["nodes"]),
        edges=len(data["edges"]),
        cut=data["cut"]["en"] if data["cut"] else None,
        drawn=frozenset(node["iri"] for node in data["nodes"]),
        left_out=left_out,
    )


def viewer_data(
    graph: Graph,
    *,
    focus: str | None = None,
    depth: int = 2,
    lang: str = "en",
    color_by: str = "side",
    size_by: str = "degree",
    top: int | None = None,
    max_nodes: int = MAX_NODES,
    title: str | None = None,
    seed: int = 42,
    layout: str = "contrast",
    docs_href: str | None = None,
) -> dict[str, Any]:
    """The JSON-ready data the viewer page draws: nodes, edges, legend and settings.

    Takes the same arguments as :func:`viz`; useful to inspect or test what a page will show.

    >>> from qegraph import load
    >>> data = viewer_data(load(), focus="qe:personalized-education", depth=1)
    >>> sorted(data["nodes"][0])[:4]
    ['alt', 'community', 'curie', 'def']
    """
    return _viewer_data(
        graph,
        focus=focus,
        depth=depth,
        lang=lang,
        color_by=color_by,
        size_by=size_by,
        top=top,
        max_nodes=max_nodes,
        title=title,
        seed=seed,
        layout=layout,
        docs_href=docs_href,
    )[0]


def _viewer_data(
    graph: Graph,
    *,
    focus: str | None,
    depth: int,
    lang: str,
    color_by: str,
    size_by: str,
    top: int | None,
    max_nodes: int,
    title: str | None,
    seed: int,
    layout: str,
    docs_href: str | None,
) -> tuple[dict[str, Any], frozenset[str]]:
    """:func:`viewer_data`, and the keys of the concepts its cut left out."""
    _check_choice("lang", lang, ("en", "zh-Hans"))
    _check_choice("color_by", color_by, COLOR_BY)
    _check_choice("size_by", size_by, SIZE_BY)
    _check_choice("layout", layout, LAYOUTS)
    if depth < 0:
        raise InputError(f"depth must be 0 or more, not {depth}")
    if top is not None and top < 1:
        raise InputError(f"top must be 1 or more, not {top}")

    from ..projection import communities, degree, node_key, pagerank, project

    fast = _engine_cut(graph, top, size_by) if focus is None and top is not None else None
    focus_key = None
    cut = None
    left_out: frozenset[str] = frozenset()
    if fast is not None:
        # A big graph in an Oxigraph store: the cut was made on integer edges, and only the
        # concepts it keeps are projected (the same graph, scores and notice as below).
        keep, all_scores, total = fast
        left_out = frozenset(all_scores).difference(keep)
        G = project(graph, only=keep)
        scores = {n: all_scores[n] for n in G.nodes}
        cut = _cut_notice(len(keep), total)
    else:
        G = project(graph)
        if focus is not None:
            node = resolve_concept(graph, focus)
            focus_key = node_key(node)
            if focus_key not in G:
                raise ConceptLookupError(
                    f"{focus!r} ({curie(node)}) is not a concept (skos:Concept), so the viewer "
                    "does not draw it"
                )
            G = _neighbourhood(G, focus_key, depth)
        scores = (
            pagerank(G) if size_by == "pagerank" else {k: float(v) for k, v in degree(G).items()}
        )
        if top is not None and top < G.number_of_nodes():
            total = G.number_of_nodes()
            keep = _cut_by_meaning(G, scores, top, focus_key)
            left_out = frozenset(G.nodes).difference(keep)
            G = _restrict(G, keep)
            scores = {n: scores[n] for n in G.nodes}
            cut = _cut_notice(len(keep), total)
    if G.number_of_nodes() > max_nodes:
        raise GraphTooLargeError(
            f"the graph has {G.number_of_nodes():,} concepts, more than the viewer draws "
            f"({max_nodes:,}); draw part of it with --focus CONCEPT [--depth N] or keep the "
            "most central ones with --top K"
        )

    groups = communities(G, seed=seed) if G.number_of_edges() else dict.fromkeys(G.nodes, 0)
    positions = _layout(G, seed)
    top_score = max(scores.values(), default=0.0) or 1.0

    kinds = {key: _display_type(attrs) for key, attrs in G.nodes(data=True)}
    type_shapes = _shapes(set(kinds.values()))
    type_colors = {t: _PALETTE[i % len(_PALETTE)] for i, t in enumerate(sorted(type_shapes))}
    passages, documents = _passage_index(graph)
    doc_index = {doc: i for i, doc in enumerate(documents)}
    index = {key: i for i, key in enumerate(G.nodes)}
    alt = _alt_labels(graph, set(G.nodes))
    zh_definitions = _zh_definitions(graph, set(G.nodes))
    claims = _claim_index(graph)
    legend = _legend(graph, type_shapes, type_colors, groups, G)

    pairs = []
    for source, target, predicate in G.edges(keys=True):
        if predicate == _OPPOSES:
            axis = (
                claims.get((source, _OPPOSES, target))
                or claims.get((target, _OPPOSES, source))
                or {}
            ).get("axis")
            pairs.append((source, target, (axis["en"], axis["zh"]) if axis else None))
    type_names = {t["key"]: (t["en"], t["zh"]) for t in legend["types"]}
    labelled = {
        k: (a["side"], kinds[k], a["label_en"], a["label_zh"]) for k, a in G.nodes(data=True)
    }
    contrast = contrast_layout(labelled, pairs, type_names)
    narrow = contrast_layout(labelled, pairs, type_names, label_width=NARROW_LABEL_WIDTH)

    docs_pages = _docs_pages(graph, docs_href) if docs_href else {}
    nodes = []
    for key, attrs in G.nodes(data=True):
        fx, fy = positions[key]
        x, y = contrast.positions[key]
        px, py = narrow.positions[key]
        score = scores.get(key, 0.0)
        node_passages = [p for p in _node_passages(graph, key) if p in passages]
        nodes.append(
            {
                "id": index[key],
                "iri": key,
                "curie": attrs["curie"],
                "en": attrs["label_en"],
                "zh": attrs["label_zh"],
                "alt": alt.get(key, []),
                "def": attrs["definition"],
                "defZh": zh_definitions.get(key, ""),
                "type": kinds[key],
                "types": attrs["types"],
                "side": attrs["side"],
                "community": groups.get(key, 0),
                "shape": type_shapes[kinds[key]],
                "size": round(12 + 26 * math.sqrt(max(score, 0.0) / top_score), 2),
                "score": round(score, 6),
                "x": x,
                "y": y,
                "px": px,
                "py": py,
                "fx": round(fx, 1),
                "fy": round(fy, 1),
                "focus": key == focus_key,
                "docsAnchor": docs_anchor(URIRef(key)) if docs_href and "://" in key else "",
                "passages": [passages[p] for p in node_passages],
                "docs": sorted({passages[p]["doc"] for p in node_passages} - {None}),
                **({"docsEntry": docs_pages[key]} if key in docs_pages else {}),
            }
        )

    edges = []
    axes: dict[str, dict[str, str]] = {}
    for number, (source, target, attrs) in enumerate(G.edges(data=True)):
        predicate = attrs["predicate"]
        claim = (
            claims.get((source, predicate, target))
            or (claims.get((target, predicate, source)) if predicate == _OPPOSES else None)
            or {}
        )
        edge: dict[str, Any] = {
            "id": number,
            "from": index[source],
            "to": index[target],
            "pred": predicate,
            "en": attrs["label"],
            "zh": attrs["label_zh"],
            "opposes": predicate == _OPPOSES,
            "evidence": claim.get("evidence"),
            "claim": claim.get("curie"),
            "passages": [passages[p] for p in claim.get("passages", []) if p in passages],
        }
        edge["docs"] = sorted({p["doc"] for p in edge["passages"]} - {None})
        axis = claim.get("axis")
        if axis:
            edge["axis"] = axis["key"]
            edge["axisEn"], edge["axisZh"] = axis["en"], axis["zh"]
            axes[axis["key"]] = axis
        edges.append(edge)

    data = {
        "title": title or _ontology_title(graph),
        "titleZh": title or _ontology_title(graph, "zh-Hans"),
        "lang": lang,
        "colorBy": color_by,
        "sizeBy": size_by,
        "layout": layout,
        "cut": cut,
        "docsHref": docs_href or "",
        "focus": index.get(focus_key) if focus_key else None,
        "nodes": nodes,
        "edges": edges,
        "legend": legend,
        "colors": {"side": _SIDE_COLORS, "type": type_colors, "community": list(_PALETTE)},
        "groups": contrast.headings,
        "band": contrast.band,
        "narrow": {
            "groups": narrow.headings,
            "band": narrow.band,
            "labelWidth": NARROW_LABEL_WIDTH,
        },
        "axes": sorted(axes.values(), key=lambda a: (a["en"], a["key"])),
        "documents": [
            {"key": doc_index[d], **documents[d]} for d in sorted(documents, key=doc_index.get)
        ],
        "font": LAYOUT_FONT,
        "labelWidth": LABEL_WIDTH,
    }
    return data, left_out


#: Types whose concepts a cut keeps before ranking the rest by centrality.
_KEEP_TYPES = frozenset({"qe:Paradigm", "qe:Dimension", "qe:Characteristic"})


def _docs_pages(graph: Graph, docs_href: str) -> dict[str, str]:
    """Where the concept entries are that are not on the page ``docs_href`` names, as
    ``page#anchor`` relative to the viewer: above :data:`~qegraph.pagelinks.DOCS_SPLIT_AT`
    concepts the documentation is split and each entry is on a page of its own group, so the
    viewer links straight to it.

    >>> from qegraph import load
    >>> _docs_pages(load(), "docs/index.html")
    {}
    """
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    if len(concepts) <= DOCS_SPLIT_AT:  # one page: the anchor alone finds the entry
        return {}
    folder, home = posixpath.split(docs_href)
    return {
        str(node): posixpath.join(folder, href)
        for node, href in docs_hrefs(graph).items()
        if node in concepts and href.split("#", 1)[0] != home
    }


def _restrict(G: nx.MultiDiGraph, keep: set[str]) -> nx.MultiDiGraph:
    """``G`` restricted to ``keep``, nodes in key order and edges in ``G``'s order: the graph
    ``project(graph, only=keep)`` gives. (``G.subgraph(keep)`` iterates a small ``keep`` in set
    order, which changes with the string hash seed, and so did the page bytes of a cut.)"""
    import networkx as nx

    H = nx.MultiDiGraph()
    H.add_nodes_from((n, G.nodes[n]) for n in sorted(keep))
    H.add_edges_from(
        (u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if u in keep and v in keep
    )
    return H


def _cut_notice(kept: int, total: int) -> dict[str, str]:
    """What a cut page says it shows, in both languages."""
    return {
        "en": f"showing {kept:,} of {total:,} concepts: every contrast pair, the "
        "paradigms, dimensions and characteristics, then the most central",
        "zh": f"显示 {total:,} 个概念中的 {kept:,} 个：全部对立概念对、范式、方面和特点，"
        "其余按中心度取前",
    }


def _cut_by_meaning(
    G: nx.MultiDiGraph, scores: dict[str, float], top: int, focus_key: str | None
) -> set[str]:
    """The ``top`` concepts of the projection ``G`` to draw when there are more
    (see :func:`_keep`)."""
    pairs = {n for a, b, k in G.edges(keys=True) if k == _OPPOSES for n in (a, b)}
    kinds = {n: {a["type"], *a["types"]} for n, a in G.nodes(data=True)}
    return _keep(list(G.nodes), scores, pairs, kinds, top, focus_key)


def _keep(
    names: list[str],
    scores: dict[str, float],
    pairs: set[str],
    kinds: dict[str, set[str]],
    top: int,
    focus_key: str | None,
) -> set[str]:
    """The ``top`` of ``names`` to draw: the focus, both members of every ``qe:opposes`` pair
    (``pairs``), the paradigms, dimensions and characteristics (by ``kinds``: each name's type
    CURIEs), then the most central by ``scores``.

    The contrast is what the page is for, so it survives any cut; dimensions and
    characteristics take at most a quarter of the room; each group is taken by centrality.

    >>> sorted(_keep(["a", "b", "c", "d"], {"a": 3.0, "d": 2.0}, {"c", "b"}, {}, 3, None))
    ['a', 'b', 'c']
    """
    ranked = sorted(names, key=lambda n: (-scores.get(n, 0.0), n))
    paradigms = {n for n, k in kinds.items() if "qe:Paradigm" in k}
    grouped = {n for n, k in kinds.items() if _KEEP_TYPES & k}
    keep = {focus_key} if focus_key is not None else set()

    def take(group: set[str], limit: int) -> None:
        for n in ranked:
            if len(keep) >= min(limit, top):
                return
            if n in group and n not in keep:
                keep.add(n)

    take(pairs | paradigms, top)
    # Dimensions and characteristics take at most a quarter of the room, so that a graph with
    # thousands of them still shows how they connect.
    take(grouped, len(keep) + max(1, top // 4))
    take(set(ranked), top)
    return keep


def _engine_cut(
    graph: Graph, top: int, size_by: str
) -> tuple[set[str], dict[str, float], int] | None:
    """The cut of a graph kept in an Oxigraph store, made without projecting it: the kept keys,
    the score of every concept and the number of concepts; None when the graph is not in such
    a store or needs no cut (then the projection route draws it).

    The concepts, their undirected simple edges, the ``qe:opposes`` pairs and the types come
    from :func:`qegraph.engine_projection.engine_core` and one read of the ``rdf:type`` quads;
    scores and choices are those of :func:`_cut_by_meaning` on the whole projection, so the same
    concepts are kept (tests/test_viewer_cut.py compares the two routes).
    """
    from ..engine_projection import engine_core, engine_store, paused_gc

    found = engine_store(graph)
    if found is None:
        return None
    with paused_gc():  # many small objects, no cycles: see engine_projection.paused_gc
        core = engine_core(graph)
        names = core.names
        if top >= len(names):
            return None
        scores = _engine_scores(names, core.edges, size_by)
        pairs = {names[k] for pair in core.opposes for k in pair}
        return (
            _keep(names, scores, pairs, _engine_kinds(graph, names, core.types or []), top, None),
            scores,
            len(names),
        )


def _engine_scores(
    names: list[str], edges: list[tuple[int, int]], size_by: str
) -> dict[str, float]:
    """Degree or PageRank of each concept on the undirected simple graph, as
    :func:`qegraph.projection.degree` and :func:`qegraph.projection.pagerank` give them."""
    if size_by == "pagerank":
        from .._igraph import IGRAPH_EDGES

        if len(edges) > IGRAPH_EDGES:
            import igraph

            # The edges of projection.undirected in the same order, so the same PRPACK result.
            from .._igraph import pagerank as igraph_pagerank

            g = igraph.Graph(n=len(names), edges=edges, directed=False)
            return dict(zip(names, igraph_pagerank(g, 0.85), strict=True))
        import networkx as nx

        from ..projection import pagerank

        U = nx.Graph()
        U.add_nodes_from(names)
        U.add_edges_from((names[i], names[j]) for i, j in edges)
        return pagerank(U)
    counts = [0] * len(names)
    for i, j in edges:
        counts[i] += 1
        counts[j] += 1
    return {name: float(c) for name, c in zip(names, counts, strict=True)}


def _engine_kinds(
    graph: Graph, names: list[str], type_sets: list[frozenset[str]]
) -> dict[str, set[str]]:
    """Each concept's type CURIEs with its primary type, as the projection's ``types`` and
    ``type`` attributes hold them (computed once per set of types, as project() does), from
    the type IRIs :func:`qegraph.engine_projection.engine_core` read with the sides."""
    from ..concepts import primary_type

    by_set: dict[frozenset[str], set[str]] = {}
    kinds = {}
    for name, key in zip(names, type_sets, strict=True):
        kind = by_set.get(key)
        if kind is None:
            curies = sorted(curie(URIRef(t)) for t in key)
            primary = primary_type(graph, URIRef(name))
            main = (
                curie(primary)
                if primary is not None
                else (curies[0] if curies else "rdfs:Resource")
            )
            kind = by_set[key] = {main, *curies}
        kinds[name] = kind
    return kinds


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise InputError(f"{name} must be one of {', '.join(choices)}, not {value!r}")


def _neighbourhood(G: nx.MultiDiGraph, centre: str, depth: int) -> nx.MultiDiGraph:
    """The nodes at most ``depth`` relations from ``centre``, either way, with their edges."""
    import networkx as nx

    from ..projection import undirected

    lengths = nx.single_source_shortest_path_length(undirected(G), centre, cutoff=depth)
    return G.subgraph(sorted(lengths)).copy()


def _layout(G: nx.MultiDiGraph, seed: int) -> dict[str, tuple[float, float]]:
    """Seeded positions in page pixels: the same graph always gets the same picture.

    Each connected component is laid out on its own (Kamada-Kawai when small, seeded
    Fruchterman-Reingold otherwise) at a scale that grows with the square root of its size, so
    density stays readable; the largest component sits at the origin and the others are packed
    in rows below it.
    """
    import networkx as nx

    from ..projection import undirected

    U = undirected(G)
    components = sorted(
        (sorted(c) for c in nx.connected_components(U)), key=lambda c: (-len(c), c[0])
    )
    placed: dict[str, tuple[float, float]] = {}
    if not components:
        return placed
    boxes = []
    for members in components:
        local = _component_layout(U.subgraph(members), seed)
        xs = [x for x, _ in local.values()]
        ys = [y for _, y in local.values()]
        boxes.append((members, local, max(xs) - min(xs), max(ys) - min(ys), min(xs), min(ys)))
    _, main, main_w, main_h, main_x, main_y = boxes[0]
    placed.update(main)
    # The rest go in rows under the main component, as wide as it is.
    gap = _SPACING
    row_width = max(main_w, 6 * gap)
    x = main_x
    y = main_y + main_h + 2 * gap
    row_height = 0.0
    for _members, local, width, height, min_x, min_y in boxes[1:]:
        if x > main_x and x + width > main_x + row_width:
            x = main_x
            y += row_height + gap
            row_height = 0.0
        for node, (nx_, ny) in local.items():
            placed[node] = (nx_ - min_x + x, ny - min_y + y)
        x += width + gap
        row_height = max(row_height, height)
    return placed


#: Typical distance in pixels between two related nodes.
_SPACING = 140.0
#: igraph's random number generator is global: one layout at a time sets and restores it.
_LAYOUT_LOCK = threading.Lock()


def _component_layout(U: nx.Graph, seed: int) -> dict[str, tuple[float, float]]:
    """One connected component laid out with igraph (C code): Kamada-Kawai up to 300 nodes,
    Fruchterman-Reingold above, both deterministic (igraph's random numbers come from a
    ``random.Random(seed)`` for the duration of the call)."""
    import random

    import igraph

    nodes = sorted(U.nodes)
    n = len(nodes)
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {node: i for i, node in enumerate(nodes)}
    edges = sorted((min(index[a], index[b]), max(index[a], index[b])) for a, b in U.edges())
    g = igraph.Graph(n=n, edges=edges)
    with _LAYOUT_LOCK:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            layout = g.layout_kamada_kawai() if n <= 300 else g.layout_fruchterman_reingold()
        finally:
            igraph.set_random_number_generator(random)
    coords = layout.coords
    cx = sum(x for x, _ in coords) / n
    cy = sum(y for _, y in coords) / n
    reach = max(max(abs(x - cx), abs(y - cy)) for x, y in coords) or 1.0
    scale = (_SPACING * 0.75 * math.sqrt(n) + _SPACING / 2) / reach
    return {
        node: (round((x - cx) * scale, 3), round((y - cy) * scale, 3))
        for node, (x, y) in zip(nodes, coords, strict=True)
    }


def _display_type(attrs: dict[str, Any]) -> str:
    """The type a node is drawn and filtered as: its qe class, else its side class, else concept."""
    if attrs["type"].startswith("qe:"):
        return str(attrs["type"])
    for side_class in ("qe:QualityEducationElement", "qe:ExamOrientedTrait"):
        if side_class in attrs["types"]:
            return side_class
    return "skos:Concept" if "skos:Concept" in attrs["types"] else str(attrs["type"])


def _shapes(types: set[str]) -> dict[str, str]:
    shapes = {}
    spare = 0
    for t in sorted(types):
        if t in _TYPE_SHAPES:
            shapes[t] = _TYPE_SHAPES[t]
        else:
            shapes[t] = _SPARE_SHAPES[spare % len(_SPARE_SHAPES)]
            spare += 1
    return shapes


def _expand(curie_text: str) -> URIRef:
    prefix, _, local = curie_text.partition(":")
    if prefix in PREFIXES and "://" not in curie_text:
        return URIRef(PREFIXES[prefix] + local)
    return URIRef(curie_text)


def _bilingual(graph: Graph, term: URIRef) -> dict[str, str]:
    from ..projection import text_label

    return {"en": text_label(graph, term, "en"), "zh": text_label(graph, term, "zh-Hans")}


def _legend(
    graph: Graph,
    type_shapes: dict[str, str],
    type_colors: dict[str, str],
    groups: dict[str, int],
    G: nx.MultiDiGraph,
) -> dict[str, Any]:
    """Legend entries named by the ontology's own labels, in both languages."""
    sides = [
        {"key": "quality", **_bilingual(graph, QE.QualityEducationElement)},
        {"key": "exam", **_bilingual(graph, QE.ExamOrientedTrait)},
        {"key": "neutral", "en": "neither side", "zh": "中性"},
    ]
    types = [
        {"key": t, "shape": s, **_bilingual(graph, _expand(t))} for t, s in type_shapes.items()
    ]
    members: dict[int, list[str]] = {}
    for node, group in groups.items():
        members.setdefault(group, []).append(node)
    degrees = dict(G.degree())
    communities = []
    for group in sorted(members):
        hub = max(sorted(members[group]), key=lambda n: degrees.get(n, 0))
        communities.append(
            {
                "key": group,
                "size": len(members[group]),
                "en": G.nodes[hub]["label_en"],
                "zh": G.nodes[hub]["label_zh"],
            }
        )
    opposes = _bilingual(graph, QE.opposes)
    return {"sides": sides, "types": types, "communities": communities, "opposes": opposes}


def _alt_labels(graph: Graph, keys: set[str]) -> dict[str, list[str]]:
    from rdflib import Literal
    from rdflib.namespace import SKOS

    found: dict[str, set[str]] = {}
    # Node by node: the graph may hold many more concepts than the page draws.
    for key in sorted(keys):
        for o in graph.objects(_term(key), SKOS.altLabel):
            if isinstance(o, Literal):
                found.setdefault(key, set()).add(str(o))
    return {k: sorted(v) for k, v in found.items()}


def _passage_index(graph: Graph) -> tuple[dict[URIRef, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Every source passage (document, paragraph, line, key phrase) and every document (its
    file name and title in both languages), documents numbered in file-name order."""
    from rdflib import Literal

    docs: dict[str, dict[str, Any]] = {}
    for doc in graph.subjects(RDF.type, QE.SourceDocument):
        titles = {
            (t.language or "").lower(): str(t)
            for t in graph.objects(doc, DCTERMS.title)
            if isinstance(t, Literal)
        }
        name = _text(graph.value(doc, QE.fileName))
        en = titles.get("en") or titles.get("") or name
        docs[str(doc)] = {
            "iri": str(doc),
            "file": name,
            "en": en,
            "zh": titles.get("zh-hans") or en,
        }
    order = sorted(docs, key=lambda d: (docs[d]["file"], d))
    numbers = {d: i for i, d in enumerate(order)}
    documents = {d: docs[d] for d in order}
    index: dict[URIRef, dict[str, Any]] = {}
    for passage in graph.subjects(RDF.type, QE.SourcePassage):
        if not isinstance(passage, URIRef):
            continue
        doc = graph.value(passage, DCTERMS.isPartOf)
        info = docs.get(str(doc), {}) if doc is not None else {}
        index[passage] = {
            "doc": numbers.get(str(doc)),
            "file": info.get("file", ""),
            "title": info.get("en", ""),
            "titleZh": info.get("zh", ""),
            "para": _number(graph.value(passage, QE.paragraphNumber)),
            "line": _number(graph.value(passage, QE.lineNumber)),
            "phrase": _text(graph.value(passage, QE.keyPhrase)),
        }
    return index, documents


_HAS_EVIDENCE = URIRef("http://purl.obolibrary.org/obo/RO_0002558")
_EVIDENCE_KINDS = {
    "http://purl.obolibrary.org/obo/ECO_0000304": "stated",
    "http://purl.obolibrary.org/obo/ECO_0000305": "inferred",
}


def _claim_index(graph: Graph) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(subject, predicate CURIE, object) of each claim -> its axis, evidence kind and passages.

    Several claims of one statement pool their passages; the first evidence kind in IRI order
    wins (the page shows one kind per drawn edge).
    """
    from rdflib.namespace import PROV

    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    axis_names: dict[URIRef, dict[str, str]] = {}
    for claim in sorted(graph.subjects(RDF.type, QE.Claim), key=str):
        s, p, o = (graph.value(claim, t) for t in (RDF.subject, RDF.predicate, RDF.object))
        if s is None or p is None or o is None:
            continue
        entry = found.setdefault(
            (str(s), curie(p), str(o)), {"passages": [], "curie": curie(claim)}
        )
        axis = graph.value(claim, QE.onAxis)
        if isinstance(axis, URIRef) and "axis" not in entry:
            if axis not in axis_names:
                axis_names[axis] = {"key": curie(axis), **_bilingual(graph, axis)}
            entry["axis"] = axis_names[axis]
        kind = _EVIDENCE_KINDS.get(str(graph.value(claim, _HAS_EVIDENCE)))
        if kind and "evidence" not in entry:
            entry["evidence"] = kind
        entry["passages"].extend(
            q for q in graph.objects(claim, PROV.wasDerivedFrom) if isinstance(q, URIRef)
        )
    for entry in found.values():
        entry["passages"] = sorted(set(entry["passages"]), key=str)
    return found


def _zh_definitions(graph: Graph, keys: set[str]) -> dict[str, str]:
    from rdflib import Literal
    from rdflib.namespace import SKOS

    found: dict[str, str] = {}
    for key in sorted(keys):
        for o in graph.objects(_term(key), SKOS.definition):
            if isinstance(o, Literal) and (o.language or "").lower() == "zh-hans":
                found[key] = min(found.get(key, str(o)), str(o))
    return found


def _term(key: str) -> URIRef | BNode:
    """The RDF term of a projection key (see :func:`qegraph.projection.node_key`)."""
    return BNode(key[2:]) if key.startswith("_:") else URIRef(key)


def _node_passages(graph: Graph, key: str) -> list[URIRef]:
    if key.startswith("_:"):
        return []
    return source_passages(graph, URIRef(key))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _number(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _ontology_title(graph: Graph, lang: str = "en") -> str:
    from rdflib import Literal

    umbrella = URIRef(str(QE).rstrip("/"))
    titles = {
        (value.language or "").lower(): str(value)
        for value in graph.objects(umbrella, DCTERMS.title)
        if isinstance(value, Literal)
    }
    return titles.get(lang.lower()) or titles.get("en") or "qegraph viewer"


# --- the page -------------------------------------------------------------------------------


def _json_for_script(value: Any) -> str:
    """JSON that cannot end or comment out the ``<script>`` element it is embedded in.

    >>> _json_for_script({"label": "</script><!--"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@cache
def _vis_assets() -> tuple[str, str]:
    """The vis-network script and stylesheet shipped inside the pyvis package.

    The files are found without importing pyvis: ``import pyvis`` imports IPython.
    """
    spec = find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise InputError("the pyvis package is not installed; install it with pip install pyvis")
    root = Path(next(iter(spec.submodule_search_locations)))
    for folder in (root / "templates" / "lib" / _VIS_VERSION, root / "lib" / _VIS_VERSION):
        script, style = folder / "vis-network.min.js", folder / "vis-network.css"
        if script.is_file() and style.is_file():
            return script.read_text(encoding="utf-8"), style.read_text(encoding="utf-8")
    raise InputError(f"the pyvis package has no {_VIS_VERSION} vis-network files in {root}")


@cache
def _template_text(name: str) -> str:
    from importlib.resources import files

    return (files("qegraph") / "templates" / name).read_text(encoding="utf-8")


def _page_script(name: str) -> str:
    """A page's script with what both pages share in front of it (one script element): the
    search box and the viewer kit (strings, panel, filters, links; templates/viewer-common.js)."""
    shared = ("viewer-search.js", "viewer-common.js")
    return "".join(_template_text(part) for part in (*shared, name))


def _page(
    template: str, data: dict[str, Any], scripts: dict[str, str], styles: dict[str, str]
) -> str:
    """Fill ``template`` with ``data`` and the inline ``scripts`` and ``styles`` (name -> text),
    under a policy that allows exactly those."""
    from jinja2 import Environment, PackageLoader, select_autoescape
    from markupsafe import Markup

    env = Environment(
        loader=PackageLoader("qegraph", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )
    # Scripts and styles are inserted verbatim (Markup), so their hashes match the page bytes.
    inline = {name: Markup(text) for name, text in {**scripts, **styles}.items()}
    return env.get_template(template).render(
        title=data["title"],
        lang="zh-Hans" if data["lang"] == "zh-Hans" else "en",
        csp=content_security_policy(list(scripts.values()), list(styles.values())),
        data_json=Markup(_json_for_script(data)),
        # A cut page links to the docs, which say what was cut and how to draw the rest.
        cut_docs=data["docsHref"] + "#viewer-cut" if data["cut"] and data["docsHref"] else "",
        **inline,
    )


def _render(data: dict[str, Any]) -> str:
    vis_js, vis_css = _vis_assets()
    return _page(
        "viewer.html",
        data,
        {"vis_js": vis_js, "page_js": _page_script("viewer.js")},
        {"vis_css": vis_css, "page_css": _template_text("viewer.css")},
    )


def _render_webgl(data: dict[str, Any]) -> str:
    """The WebGL page: sigma.js and graphology (vendored, see templates/vendor/NOTICE.md)."""
    return _page(
        "viewer-gl.html",
        data,
        {
            "gl_js": _template_text("vendor/sigma-graphology.min.js"),
            "page_js": _page_script("viewer-gl.js"),
        },
        {"page_css": _template_text("viewer.css") + _template_text("viewer-gl.css")},
    )
