"""Structural analysis of the concept graph: summary, centrality, communities, sides, contrast.

:func:`analyze` projects the RDF graph (:func:`qegraph.projection.project`), reads it as an
undirected simple graph (a relation links two ideas whichever way it is worded), and computes:

* a summary: nodes, edges, density, connected components, isolated nodes, degree distribution;
* centrality rankings: degree, betweenness, PageRank and closeness, with labels in both languages;
* modularity communities (Louvain with a fixed seed; Leiden on large graphs) and their modularity;
* statistics per paradigm side (quality, exam-oriented, neutral);
* the contrast matrix: each quality-side element against the exam-oriented traits it opposes,
  grouped by the contrast axis of the ``qe:Claim`` that records the opposition.

Small graphs are analysed exactly with networkx. Above 2,000 linked pairs igraph takes over (the
same measures, computed in C): communities come from Leiden instead of Louvain, and on graphs too
large for exact betweenness and closeness (nodes x linked pairs above :data:`SAMPLING_BUDGET`) both
are estimated from sampled source nodes. The report says which engine ran and what was estimated.
The scores can be written back as RDF (:mod:`qegraph.scores`) and drawn (:mod:`qegraph.charts`).

>>> from qegraph import load
>>> report = analyze(load(), top=3)
>>> report.engine, len(report.rankings["pagerank"])
('networkx', 3)
"""

from __future__ import annotations

import json
import random
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from .concepts import curie, side
from .engine_projection import (
    EngineCore,
    engine_core,
    engine_store,
    paused_gc,
    subject_objects,
)
from .errors import InputError
from .namespaces import QE
from .projection import project, text_label

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "MEASURES",
    "SAMPLING_BUDGET",
    "AnalysisReport",
    "analyze",
    "contrast_matrix",
]

#: Centrality measures in report order, with their display names.
MEASURES = {
    "degree": "degree centrality",
    "betweenness": "betweenness centrality",
    "pagerank": "PageRank",
    "closeness": "closeness centrality",
}

#: Contrast axes in the order the bundled ontology lists them; other axes follow by label.
_AXIS_ORDER = ("goal", "scope", "method", "focus", "outcome", "concept")
_SIDES = ("quality", "exam", "neutral")

#: With igraph, betweenness and closeness are exact while nodes x linked pairs stays within this
#: many steps, and otherwise use as many sampled sources as fit (at least 50).
SAMPLING_BUDGET = 16_000_000
#: The table and Markdown reports list at most this many elements per contrast axis.
_MAX_CONTRAST_ROWS = 50
_NO_AXIS = {"label": "no axis given", "label_zh": "未标明维度"}


# ---- the computation -----------------------------------------------------------------------


def _core_from_projection(G: nx.MultiDiGraph) -> EngineCore:
    """The analysis's view of a networkx projection (the pairs of projection.canonical_pairs)."""
    names = sorted(G.nodes(), key=str)
    index = {n: i for i, n in enumerate(names)}
    pairs = set()
    predicates: Counter[str] = Counter()
    opposes = []
    for u, v, key in G.edges(keys=True):
        predicates[key] += 1
        i, j = index[u], index[v]
        if i != j:
            pairs.add((i, j) if i < j else (j, i))
        if key == "qe:opposes":
            opposes.append((i, j))
    return EngineCore(
        names=names,
        edges=sorted(pairs),
        predicates=dict(sorted(predicates.items())),
        opposes=opposes,
        relations=predicates.total(),
        sides=[G.nodes[n]["side"] for n in names],
        nodes=G.nodes,
    )


def _networkx_scores(core: EngineCore, seed: int) -> tuple[dict[str, Any], list[str]]:
    import networkx as nx

    from ._igraph import community_sets

    U = nx.Graph()
    U.add_nodes_from(core.names)
    U.add_edges_from((core.names[i], core.names[j]) for i, j in core.edges)
    groups, _ = community_sets(U, seed=seed, engine="networkx")
    result = {
        "degree": nx.degree_centrality(U) if len(U) > 1 else dict.fromkeys(U, 0.0),
        "betweenness": nx.betweenness_centrality(U, normalized=True),
        "pagerank": nx.pagerank(U, tol=1e-12, max_iter=10_000) if len(U) else {},
        "closeness": nx.closeness_centrality(U),
        "groups": groups,
        "modularity": nx.community.modularity(U, groups) if U.number_of_edges() else 0.0,
        "components": [len(c) for c in nx.connected_components(U)],
        "degrees": dict(U.degree()),
        "community_algorithm": "Louvain (networkx)",
    }
    return result, []


def _sample_size(n: int, m: int, samples: int | None) -> int:
    """How many source nodes betweenness and closeness use: all when affordable."""
    if samples is not None:
        return min(n, samples)
    if n * max(m, 1) <= SAMPLING_BUDGET:
        return n
    return min(n, max(50, SAMPLING_BUDGET // max(m, 1)))


def _igraph_scores(
    core: EngineCore, seed: int, samples: int | None, meanwhile: Callable[[], Any] = lambda: None
) -> tuple[dict[str, Any], list[str], Any]:
    """The measures with igraph, and what ``meanwhile`` returns: it is called while a forked
    child may still be computing betweenness (see :func:`qegraph._igraph.betweenness_apart`),
    so that work of this process overlaps the child's."""
    import igraph
    import numpy as np
    import threadpoolctl  # noqa: F401 - before the fork below: no import half done in a thread

    from ._igraph import betweenness_apart, community_sets
    from ._igraph import pagerank as igraph_pagerank

    n, m = len(core.names), len(core.edges)
    ig = igraph.Graph(n=n, edges=core.edges, directed=False)
    names = core.names
    notes: list[str] = []
    k = _sample_size(n, m, samples)
    exact = k == n
    sources = list(range(n)) if exact else sorted(random.Random(seed).sample(range(n), k))
    # The longest measure runs in a forked child while this process computes the others.
    betweenness = betweenness_apart(ig, None if exact else sources, steps=k * m)
    degrees = ig.degree()
    pairs = (n - 1) * (n - 2) / 2 if n > 2 else 1.0

    # Closeness as networkx computes it (Wasserman-Faust): (c-1)/(n-1) * (c-1)/(sum of distances)
    # within the component of size c. Sampled: the mean distance to the sampled sources stands
    # for the mean distance to the whole component.
    comp = ig.connected_components()
    comp_size = np.zeros(n)
    for members in comp:
        comp_size[members] = len(members)
    scale = (comp_size - 1) / (n - 1) if n > 1 else np.zeros(n)
    if exact:
        values = np.array(ig.closeness(normalized=True), dtype=float) if n else np.zeros(0)
        closeness = np.nan_to_num(values) * scale
    else:
        dist_sum, dist_cnt = np.zeros(n), np.zeros(n)
        for start in range(0, k, 32):
            rows = np.array(ig.distances(source=sources[start : start + 32]), dtype=float)
            reached = np.isfinite(rows) & (rows > 0)
            dist_sum += np.where(reached, rows, 0.0).sum(axis=0)
            dist_cnt += reached.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            closeness = np.where(dist_cnt > 0, scale * dist_cnt / dist_sum, 0.0)
        missed = [v for v in range(n) if dist_cnt[v] == 0 and comp_size[v] > 1]
        if missed:  # components no sampled source lies in are small: exact there
            values = np.nan_to_num(np.array(ig.closeness(vertices=missed, normalized=True)))
            closeness[missed] = values * scale[missed]
        notes.append(f"closeness estimated from distances to {k} sampled nodes (seed {seed})")
    closeness = closeness.tolist()

    pagerank = igraph_pagerank(ig)
    groups, _ = community_sets(None, seed=seed, engine="igraph", ig=(ig, names))
    extra = meanwhile()
    raw = betweenness()
    between = [b * (n / k) / pairs for b in raw] if k else [0.0] * n
    if not exact:  # the notes keep their order: betweenness first
        notes.insert(0, f"betweenness estimated from {k} sampled source nodes (seed {seed})")
    index = {name: i for i, name in enumerate(names)}
    membership = [0] * n
    for number, members in enumerate(groups):
        for member in members:
            membership[index[member]] = number
    result = {
        "degree": {names[v]: degrees[v] / (n - 1) if n > 1 else 0.0 for v in range(n)},
        "betweenness": dict(zip(names, between, strict=True)),
        "pagerank": dict(zip(names, pagerank, strict=True)),
        "closeness": dict(zip(names, closeness, strict=True)),
        "groups": groups,
        "modularity": ig.modularity(membership) if core.edges else 0.0,
        "components": [len(c) for c in comp],
        "degrees": dict(zip(names, degrees, strict=True)),
        "community_algorithm": "Leiden, modularity objective (igraph)",
    }
    return result, notes, extra


def contrast_matrix(
    graph: Graph,
    G: nx.MultiDiGraph | None = None,
    *,
    nodes: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Each quality-side element against the exam-oriented traits it opposes, grouped by axis.

    The axis of an opposition is the ``qe:onAxis`` of the ``qe:Claim`` whose ``rdf:predicate`` is
    ``qe:opposes``; an opposition asserted without such a claim is listed under ``axis: None``.
    Each pair is oriented quality element first, whichever way the triple was stated. Axes come in
    the order goal, scope, method, focus, outcome, concept, then any other by IRI.

    Parameters
    ----------
    graph:
        The RDF graph with the claims.
    G:
        Its projection, whose node labels and sides are reused when given (faster on big graphs).
    nodes:
        Instead of ``G``, the node attributes by key (``label_en``, ``label_zh``, ``side``), as
        :class:`qegraph.engine_projection.NodeTable` reads them.

    Returns
    -------
    list of dict
        One entry per axis (``axis``, ``curie``, ``label``, ``label_zh``, ``rows``); each row has
        the ``quality`` element and the ``exam`` traits it opposes, with labels in both languages.

    >>> from qegraph import load
    >>> axes = [a["curie"] for a in contrast_matrix(load())]
    >>> {"qe:goal-axis", "qe:scope-axis", "qe:method-axis"} <= set(axes)
    True
    """
    known: dict[URIRef, tuple[str, str, str]] = {}
    table = nodes if nodes is not None else G.nodes if G is not None else None

    def info(node: URIRef) -> tuple[str, str, str]:
        """(English label, Chinese label, side) of ``node``."""
        found = known.get(node)
        if found is None:
            data = table[str(node)] if table is not None and str(node) in table else None
            if data is not None:
                found = (data["label_en"], data["label_zh"], data["side"])
            else:
                found = (
                    text_label(graph, node, "en"),
                    text_label(graph, node, "zh-Hans"),
                    side(graph, node),
                )
            known[node] = found
        return found

    def orient(a: Any, b: Any) -> tuple[URIRef, URIRef] | None:
        if not (isinstance(a, URIRef) and isinstance(b, URIRef)):
            return None
        if info(a)[2] == "exam" and info(b)[2] != "exam":
            a, b = b, a
        return a, b

    pairs: dict[URIRef | None, set[tuple[URIRef, URIRef]]] = {}
    claimed: set[tuple[URIRef, URIRef]] = set()
    # Bulk reads, one per property: a lookup per claim is slow on big graphs.
    iris: dict[str, URIRef] = {}
    claims = {c for c, _ in subject_objects(graph, RDF.predicate, QE.opposes, iris=iris)}
    subject_of = {c: o for c, o in subject_objects(graph, RDF.subject, iris=iris) if c in claims}
    object_of = {c: o for c, o in subject_objects(graph, RDF.object, iris=iris) if c in claims}
    axes_of: dict[Any, list[URIRef]] = {}
    for c, axis in subject_objects(graph, QE.onAxis, iris=iris):
        if c in claims and isinstance(axis, URIRef):
            axes_of.setdefault(c, []).append(axis)
    stated = subject_objects(graph, QE.opposes, iris=iris)
    prefetch = getattr(table, "prefetch", None)
    if prefetch is not None:  # a NodeTable reads labels lazily: ask for all of them at once
        ends = [*subject_of.values(), *object_of.values(), *(x for pair in stated for x in pair)]
        prefetch(str(x) for x in ends if isinstance(x, URIRef))
    for claim in claims:
        pair = orient(subject_of.get(claim), object_of.get(claim))
        if pair is None:
            continue
        claimed.add(pair)
        axes: list[URIRef | None] = list(axes_of.get(claim, [])) or [None]
        for axis in axes:
            pairs.setdefault(axis, set()).add(pair)
    for s, o in stated:
        pair = orient(s, o)
        if pair is not None and pair not in claimed and (pair[1], pair[0]) not in claimed:
            pairs.setdefault(None, set()).add(pair)

    def axis_key(axis: URIRef | None) -> tuple[int, int, str]:
        if axis is None:
            return (2, 0, "")
        ordinal = graph.value(axis, QE.ordinal)
        name = curie(axis).split(":")[-1].removesuffix("-axis")
        known_axis = _AXIS_ORDER.index(name) if name in _AXIS_ORDER else len(_AXIS_ORDER)
        number = int(ordinal) if isinstance(ordinal, Literal) and str(ordinal).isdigit() else None
        if number is None:
            number = known_axis
        return (0 if ordinal is not None or name in _AXIS_ORDER else 1, number, str(axis))

    def by_label(node: URIRef) -> tuple[str, str]:
        return (info(node)[0].casefold(), str(node))

    result = []
    for axis in sorted(pairs, key=axis_key):
        rows: dict[URIRef, list[URIRef]] = {}
        for quality, exam in pairs[axis]:
            rows.setdefault(quality, []).append(exam)
        if axis is None:
            names = _NO_AXIS
        else:
            names = {
                "label": text_label(graph, axis, "en"),
                "label_zh": text_label(graph, axis, "zh-Hans"),
            }
        entry: dict[str, Any] = {
            "axis": str(axis) if axis is not None else None,
            "curie": curie(axis) if axis is not None else None,
            **names,
            "rows": [],
        }
        for quality in sorted(rows, key=by_label):
            q_en, q_zh, q_side = info(quality)
            entry["rows"].append(
                {
                    "quality": str(quality),
                    "quality_label": q_en,
                    "quality_label_zh": q_zh,
                    "quality_side": q_side,
                    "exam": [
                        {
                            "node": str(e),
                            "side": info(e)[2],
                            "label": info(e)[0],
                            "label_zh": info(e)[1],
                        }
                        for e in sorted(rows[quality], key=by_label)
                    ],
                }
            )
        result.append(entry)
    return result


@dataclass
class AnalysisReport:
    """The result of :func:`analyze`: render it as a table, Markdown or JSON, or write it as RDF.

    ``scores`` holds every node's score per measure (``degree``, ``betweenness``, ``pagerank``,
    ``closeness``) and ``membership`` every node's community; the other fields are what the
    rendered report shows.
    """

    engine: str
    notes: list[str]
    top: int
    seed: int
    summary: dict[str, Any]
    rankings: dict[str, list[dict[str, Any]]]
    communities: dict[str, Any]
    sides: dict[str, dict[str, Any]]
    contrast: list[dict[str, Any]]
    scores: dict[str, dict[str, float]] = field(repr=False, default_factory=dict)
    membership: dict[str, int] = field(repr=False, default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data (without the per-node score tables)."""
        return {
            "engine": self.engine,
            "notes": list(self.notes),
            "top": self.top,
            "seed": self.seed,
            "summary": self.summary,
            "rankings": self.rankings,
            "communities": self.communities,
            "sides": self.sides,
            "contrast": self.contrast,
        }

    def render(self, fmt: str = "table") -> str:
        """The report as ``table`` (aligned plain text), ``markdown`` or ``json``."""
        if fmt == "json":
            return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if fmt not in ("table", "markdown"):
            raise InputError(f"unknown format {fmt!r}; use table, json or markdown")
        return _render_text(self, markdown=fmt == "markdown")

    def to_graph(self) -> Graph:
        """The scores as RDF; see :func:`qegraph.scores.scores_graph`."""
        from .scores import scores_graph

        return scores_graph(self)


def _ranking(
    scores: dict[str, float],
    nodes: Mapping[str, Mapping[str, Any]],
    top: int,
    degrees: dict[str, int],
) -> list[dict[str, Any]]:
    import heapq

    # Ties are broken by label, and labels may be read lazily (NodeTable): only the nodes scoring
    # at least the top-th best score can be ranked, so only theirs are looked at.
    best = heapq.nlargest(top, scores.values())
    floor = best[-1] if best else 0.0
    candidates = [(node, score) for node, score in scores.items() if score >= floor]
    candidates.sort(key=lambda kv: (-kv[1], nodes[kv[0]]["label_en"], kv[0]))
    return [
        {
            "rank": rank,
            "node": node,
            "curie": nodes[node]["curie"],
            "label": nodes[node]["label_en"],
            "label_zh": nodes[node]["label_zh"],
            "side": nodes[node]["side"],
            "degree": degrees[node],
            "score": score,
        }
        for rank, (node, score) in enumerate(candidates[:top], start=1)
    ]


def _side_stats(
    core: EngineCore, pagerank: dict[str, float], degrees: dict[str, int]
) -> dict[str, dict[str, Any]]:
    import heapq

    side_of = core.sides
    stats: dict[str, dict[str, Any]] = {
        s: {"nodes": 0, "edges_within": 0, "edges_across": 0, "mean_degree": 0.0, "top": []}
        for s in _SIDES
    }
    members: dict[str, list[str]] = {s: [] for s in _SIDES}
    for name, s in zip(core.names, side_of, strict=True):
        members[s].append(name)
    for i, j in core.edges:
        if side_of[i] == side_of[j]:
            stats[side_of[i]]["edges_within"] += 1
        else:
            stats[side_of[i]]["edges_across"] += 1
            stats[side_of[j]]["edges_across"] += 1
    opposes: Counter[str] = Counter()
    for u, v in core.opposes:
        opposes[side_of[u]] += 1
        if side_of[v] != side_of[u]:
            opposes[side_of[v]] += 1
    for s in _SIDES:
        nodes = members[s]
        stats[s]["nodes"] = len(nodes)
        stats[s]["mean_degree"] = sum(degrees[n] for n in nodes) / len(nodes) if nodes else 0.0
        stats[s]["pagerank_share"] = sum(pagerank.get(n, 0.0) for n in nodes)
        stats[s]["opposes_edges"] = opposes[s]
        best = heapq.nsmallest(3, nodes, key=lambda n: (-pagerank.get(n, 0.0), n))
        stats[s]["top"] = [core.nodes[n]["label_en"] for n in best]
    return stats


def analyze(
    graph: Graph,
    top: int = 10,
    *,
    seed: int = 42,
    engine: str = "auto",
    samples: int | None = None,
    G: nx.MultiDiGraph | None = None,
) -> AnalysisReport:
    """Analyse the concept graph: summary, centralities, communities, sides and the contrast matrix.

    Parameters
    ----------
    graph:
        The RDF graph (bundled ontology and user data, as :func:`qegraph.load` gives).
    top:
        How many concepts each ranking lists.
    seed:
        Seed of the community detection and of the sampling on large graphs.
    engine:
        ``"auto"`` (networkx up to 2,000 linked pairs, igraph above), ``"networkx"`` or
        ``"igraph"``.
    samples:
        With igraph, the number of sampled source nodes betweenness and closeness are estimated
        from (exact when it is at least the number of nodes). By default: exact when nodes x
        linked pairs is within :data:`SAMPLING_BUDGET`, otherwise as many as the budget allows
        (at least 50).
    G:
        A projection of ``graph`` to reuse (by default ``project(graph)``).

    Raises
    ------
    InputError
        ``top`` or ``samples`` is below 1, or ``engine`` is unknown.

    >>> from qegraph import load
    >>> report = analyze(load(), top=1)
    >>> report.rankings["pagerank"][0]["curie"]
    'qe:quality-education'
    """
    from ._igraph import IGRAPH_EDGES

    if top < 1:
        raise InputError("--top must be at least 1")
    if samples is not None and samples < 1:
        raise InputError("samples must be at least 1")
    if engine not in ("auto", "networkx", "igraph"):
        raise InputError(f"unknown analysis engine {engine!r}; use auto, networkx or igraph")
    # The measures make millions of small objects that live until the report is done: the
    # cyclic collector would walk them again and again (see engine_projection.paused_gc).
    with paused_gc():
        if G is None and engine_store(graph) is not None:
            core = engine_core(graph)
        else:
            core = _core_from_projection(project(graph) if G is None else G)
        nodes = core.nodes
        use_igraph = engine == "igraph" or (engine == "auto" and len(core.edges) > IGRAPH_EDGES)
        if use_igraph:
            # The contrast matrix is built while igraph's betweenness runs in a child process.
            result, notes, contrast = _igraph_scores(
                core, seed, samples, meanwhile=lambda: contrast_matrix(graph, nodes=nodes)
            )
        else:
            result, notes = _networkx_scores(core, seed)
            contrast = contrast_matrix(graph, nodes=nodes)
        n, m = len(core.names), len(core.edges)
        degrees: dict[str, int] = result["degrees"]
        components = sorted(result["components"], reverse=True)
        isolated = sorted((node for node, d in degrees.items() if d == 0), key=str)
        by_degree = Counter(degrees.values())
        summary = {
            "nodes": n,
            "edges": core.relations,
            "linked_pairs": m,
            "density": 2 * m / (n * (n - 1)) if n > 1 else 0.0,
            "components": len(components),
            "largest_component": components[0] if components else 0,
            "isolated_nodes": len(isolated),
            "isolated": [nodes[node]["label_en"] for node in isolated[:20]],
            "mean_degree": 2 * m / n if n else 0.0,
            "max_degree": max(degrees.values(), default=0),
            "degree_distribution": {str(d): c for d, c in sorted(by_degree.items())},
            "predicates": core.predicates,
        }
        rankings = {measure: _ranking(result[measure], nodes, top, degrees) for measure in MEASURES}
        groups: list[list[str]] = result["groups"]
        pagerank = result["pagerank"]
        membership = {node: number for number, members in enumerate(groups) for node in members}
        side_of = dict(zip(core.names, core.sides, strict=True))
        community_info = {
            "algorithm": result["community_algorithm"],
            "seed": seed,
            "count": len(groups),
            "singletons": sum(1 for g in groups if len(g) == 1),
            "modularity": result["modularity"],
            "groups": [
                {
                    "id": number,
                    "size": len(members),
                    "members": [
                        nodes[node]["label_en"]
                        for node in sorted(members, key=lambda x: (-pagerank.get(x, 0.0), x))[:8]
                    ],
                    "sides": dict(Counter(side_of[node] for node in members)),
                }
                for number, members in enumerate(groups[:top])
            ],
        }
        return AnalysisReport(
            engine="igraph" if use_igraph else "networkx",
            notes=notes,
            top=top,
            seed=seed,
            summary=summary,
            rankings=rankings,
            communities=community_info,
            sides=_side_stats(core, pagerank, degrees),
            contrast=contrast,
            scores={measure: result[measure] for measure in MEASURES},
            membership=membership,
        )


# ---- rendering -------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(headers: list[str], rows: list[list[Any]], markdown: bool) -> list[str]:
    cells = [[_cell(v) for v in row] for row in rows]
    if markdown:
        esc = [[c.replace("|", "\\|") for c in row] for row in cells]
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        return lines + ["| " + " | ".join(row) + " |" for row in esc]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True))

    return [
        line(headers).rstrip(),
        line(["-" * w for w in widths]).rstrip(),
        *(line(r).rstrip() for r in cells),
    ]


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _degree_rows(distribution: dict[str, int]) -> list[list[Any]]:
    items = [(int(d), c) for d, c in distribution.items()]
    if len(items) <= 12:
        return [[d, c] for d, c in items]
    bins: Counter[str] = Counter()
    order: dict[str, int] = {}
    for d, c in items:
        if d == 0:
            name, low = "0", 0
        else:
            low = 1 << (d.bit_length() - 1)
            high = (low << 1) - 1
            name = str(low) if low == high else f"{low}-{high}"
        bins[name] += c
        order[name] = low
    return [[name, bins[name]] for name in sorted(bins, key=order.__getitem__)]


def _render_text(report: AnalysisReport, markdown: bool) -> str:
    s = report.summary
    h1, h2 = ("# ", "## ") if markdown else ("", "")
    out: list[str] = [f"{h1}Graph analysis", ""]
    engine = f"Engine: {report.engine}" + "".join(f"; {note}" for note in report.notes) + "."
    out += [engine, ""]
    out += [f"{h2}Summary", ""]
    out += _table(
        ["measure", "value"],
        [
            ["nodes", s["nodes"]],
            ["edges (relations)", s["edges"]],
            ["linked pairs", s["linked_pairs"]],
            ["density", s["density"]],
            ["connected components", s["components"]],
            ["largest component", s["largest_component"]],
            ["isolated nodes", s["isolated_nodes"]],
            ["mean degree", s["mean_degree"]],
            ["max degree", s["max_degree"]],
        ],
        markdown,
    )
    if s["isolated"]:
        shown = ", ".join(s["isolated"])
        more = " …" if s["isolated_nodes"] > len(s["isolated"]) else ""
        out += ["", f"Isolated: {shown}{more}"]
    out += ["", f"{h2}Degree distribution", ""]
    out += _table(["degree", "nodes"], _degree_rows(s["degree_distribution"]), markdown)
    for measure, title in MEASURES.items():
        out += ["", f"{h2}Top {report.top} by {title}", ""]
        out += _table(
            ["#", "concept", "中文", "side", "score"],
            [
                [r["rank"], r["label"], r["label_zh"], r["side"], r["score"]]
                for r in report.rankings[measure]
            ],
            markdown,
        )
    c = report.communities
    out += ["", f"{h2}Communities", ""]
    out += [
        f"{c['count']} communities ({c['singletons']} of a single node) by {c['algorithm']}, "
        f"seed {c['seed']}; modularity {c['modularity']:.4f}.",
        "",
    ]
    out += _table(
        ["#", "size", "sides", "main members"],
        [
            [
                g["id"],
                g["size"],
                ", ".join(f"{k} {v}" for k, v in sorted(g["sides"].items())),
                ", ".join(g["members"][:5]) + (" …" if g["size"] > 5 else ""),
            ]
            for g in c["groups"]
        ],
        markdown,
    )
    out += ["", f"{h2}Paradigm sides", ""]
    out += _table(
        ["side", "nodes", "within", "across", "opposes", "mean degree", "PageRank share", "top"],
        [
            [
                name,
                st["nodes"],
                st["edges_within"],
                st["edges_across"],
                st["opposes_edges"],
                st["mean_degree"],
                st["pagerank_share"],
                ", ".join(st["top"]),
            ]
            for name, st in report.sides.items()
        ],
        markdown,
    )
    out += ["", f"{h2}Contrast matrix: quality education against exam-oriented education"]
    if not report.contrast:
        out += ["", "No qe:opposes relations in the graph."]
    for axis in report.contrast:
        out += ["", f"{'### ' if markdown else ''}{axis['label']} ({axis['label_zh']})", ""]
        rows = axis["rows"]
        out += _table(
            ["quality-education element", "opposes exam-oriented traits"],
            [
                [
                    f"{row['quality_label']} ({row['quality_label_zh']})",
                    "; ".join(f"{e['label']} ({e['label_zh']})" for e in row["exam"]),
                ]
                for row in rows[:_MAX_CONTRAST_ROWS]
            ],
            markdown,
        )
        if len(rows) > _MAX_CONTRAST_ROWS:
            hidden = len(rows) - _MAX_CONTRAST_ROWS
            out += ["", f"… and {hidden} more elements on this axis (all are in --format json)."]
    return "\n".join(out) + "\n"
