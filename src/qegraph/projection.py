"""Project the RDF graph onto a NetworkX ``MultiDiGraph``, and score its nodes.

The projection is what every structural analysis and the viewer work on:

* **Nodes** are resources keyed by their IRI string (a blank node by ``_:id``): the
  ``skos:Concept`` individuals by default (except the ``qe:ContrastAxis`` ones, which qualify
  claims rather than name ideas); schema terms (classes, properties, contrast axes) with
  ``include_schema=True``; claims, source passages, documents, statements and persons (and the
  contrast axes) with ``include_provenance=True``. Literals are never nodes.
* **Node attributes**: ``label_en`` and ``label_zh`` (``skos:prefLabel`` in ``@en`` and
  ``@zh-Hans``, falling back as :func:`qegraph.concepts.label` does), ``definition`` (the ``@en``
  ``skos:definition``, or ``""``), ``types`` (sorted CURIEs of the ``rdf:type`` values), ``type``
  (the primary type CURIE from :func:`qegraph.concepts.primary_type`, else the first of ``types``),
  ``side`` (``"quality"``, ``"exam"`` or ``"neutral"``, from :func:`qegraph.concepts.side`) and
  ``curie``.
* **Edges** are the triples whose subject and object are both nodes, keyed by the predicate CURIE,
  with attributes ``predicate`` (the CURIE), ``label`` (the predicate's ``rdfs:label`` in ``@en``)
  and ``label_zh`` (in ``@zh-Hans``). ``predicates`` restricts which predicates are followed.

The scores (:func:`degree`, :func:`pagerank`, :func:`communities`) read the projection as an
*undirected simple* graph: a relation links two ideas whichever way it is worded (every qe property
has a declared inverse), and two ideas linked by several relations are linked once.

>>> from qegraph import load
>>> G = project(load())
>>> G.nodes["https://w3id.org/qegraph/critical-thinking"]["label_zh"]
'批判性思维'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from .concepts import _lang, curie, primary_type, side, text_label
from .namespaces import PREFIXES, QE

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "canonical_pairs",
    "communities",
    "degree",
    "node_key",
    "pagerank",
    "project",
    "text_label",
    "undirected",
]

#: Classes whose instances are schema terms (shown with ``include_schema``).
_SCHEMA_CLASSES = (
    OWL.Class,
    RDFS.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
)
#: Classes whose instances are provenance nodes (shown with ``include_provenance``).
_PROVENANCE_CLASSES = (
    QE.Claim,
    QE.SourcePassage,
    QE.SourceDocument,
    QE.Statement,
    QE.Person,
    RDF.Statement,
)

#: Labels of common non-qe predicates, used when the graph itself does not label them.
_BUILTIN_LABELS: dict[URIRef, tuple[str, str]] = {
    RDF.type: ("is a", "属于类型"),
    RDF.subject: ("subject", "主语"),
    RDF.predicate: ("predicate", "谓语"),
    RDF.object: ("object", "宾语"),
    RDFS.subClassOf: ("subclass of", "子类于"),
    RDFS.subPropertyOf: ("subproperty of", "子属性于"),
    RDFS.domain: ("domain", "定义域"),
    RDFS.range: ("range", "值域"),
    RDFS.isDefinedBy: ("is defined by", "定义于"),
    RDFS.seeAlso: ("see also", "另见"),
    OWL.inverseOf: ("inverse of", "互逆于"),
    OWL.disjointWith: ("disjoint with", "不相交于"),
    SKOS.broader: ("broader", "上位概念"),
    SKOS.narrower: ("narrower", "下位概念"),
    SKOS.related: ("related", "相关"),
    SKOS.exactMatch: ("exact match", "完全匹配"),
    SKOS.closeMatch: ("close match", "近似匹配"),
    SKOS.broadMatch: ("broad match", "上位匹配"),
    SKOS.narrowMatch: ("narrow match", "下位匹配"),
    SKOS.relatedMatch: ("related match", "相关匹配"),
    SKOS.inScheme: ("in scheme", "属于概念体系"),
    PROV.wasDerivedFrom: ("derived from", "来源于"),
    PROV.wasAttributedTo: ("attributed to", "归属于"),
    DCTERMS.isPartOf: ("part of", "属于"),
    DCTERMS.subject: ("subject", "主题"),
}


def node_key(term: URIRef | BNode) -> str:
    """The key of an RDF resource in the projection: its IRI, or ``_:id`` for a blank node.

    >>> node_key(QE["critical-thinking"])
    'https://w3id.org/qegraph/critical-thinking'
    """
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _expand_predicate(name: str | URIRef) -> URIRef:
    if isinstance(name, URIRef):
        return name
    text = str(name).strip()
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if ":" in text and "://" not in text:
        prefix, local = text.split(":", 1)
        if prefix in PREFIXES:
            return URIRef(PREFIXES[prefix] + local)
    return URIRef(text)


def _predicate_labels(graph: Graph, predicate: URIRef) -> tuple[str, str]:
    builtin = _BUILTIN_LABELS.get(predicate)
    has_label = any(isinstance(v, Literal) for v in graph.objects(predicate, RDFS.label))
    if not has_label and builtin is not None:
        return builtin
    return text_label(graph, predicate, "en"), text_label(graph, predicate, "zh-Hans")


def _select_nodes(
    graph: Graph, include_schema: bool, include_provenance: bool
) -> set[URIRef | BNode]:
    def instances(cls: URIRef) -> Iterable[Any]:
        return graph.subjects(RDF.type, cls)

    nodes: set[URIRef | BNode] = {n for n in instances(SKOS.Concept) if isinstance(n, URIRef)}
    # Contrast axes are concepts of the scheme but describe claims, not ideas: they would only
    # sit isolated among the concepts, so they come with the schema or the provenance.
    nodes.difference_update(instances(QE.ContrastAxis))
    if include_schema:
        for cls in (*_SCHEMA_CLASSES, QE.ContrastAxis):
            nodes.update(n for n in instances(cls) if isinstance(n, URIRef))
    if include_provenance:
        for cls in (*_PROVENANCE_CLASSES, QE.ContrastAxis):
            nodes.update(n for n in instances(cls) if isinstance(n, (URIRef, BNode)))
    return nodes


def project(
    graph: Graph,
    *,
    include_schema: bool = False,
    include_provenance: bool = False,
    predicates: Iterable[str | URIRef] | None = None,
    only: Iterable[str] | None = None,
) -> nx.MultiDiGraph:
    """Project ``graph`` onto a ``networkx.MultiDiGraph``: resources and the relations between them.

    Parameters
    ----------
    graph:
        The RDF graph, usually :func:`qegraph.load`'s.
    include_schema:
        Also make nodes of the schema terms (classes, properties) and contrast axes.
    include_provenance:
        Also make nodes of claims, source passages and documents, statements, persons, axes.
    predicates:
        Follow only these predicates (CURIEs such as ``"qe:respects"`` or IRIs); all by default.
    only:
        Keep only the nodes with these keys (and the edges between them): the same graph as
        ``project(graph).subgraph(only)``, without reading the attributes of the rest (the
        viewer projects only the concepts a cut keeps).

    Returns
    -------
    networkx.MultiDiGraph
        Nodes keyed by IRI with ``label_en``, ``label_zh``, ``definition``, ``types``, ``type``,
        ``side`` and ``curie``; edges keyed by predicate CURIE with ``predicate``, ``label`` and
        ``label_zh``. Nodes and edges are added in sorted order, so results are reproducible.

    >>> from qegraph import load
    >>> G = project(load(), predicates=["qe:respects"])
    >>> G.edges["https://w3id.org/qegraph/personalized-education",
    ...         "https://w3id.org/qegraph/individual-differences", "qe:respects"]["label"]
    'respects'
    """
    import networkx as nx

    follow = None if predicates is None else {_expand_predicate(p) for p in predicates}
    if only is not None and not (include_schema or include_provenance):
        # The concepts among ``only``, asked node by node (not every concept of the graph).
        wanted = {URIRef(k) for k in set(only) if not k.startswith("_:")}
        held = _engine_triples(graph, wanted)
        if held is None:
            nodes = {
                n
                for n in wanted
                if (n, RDF.type, SKOS.Concept) in graph
                and (n, RDF.type, QE.ContrastAxis) not in graph
            }
        else:
            nodes = {
                n
                for n in wanted
                if (RDF.type, SKOS.Concept) in held[n]
                and (RDF.type, QE.ContrastAxis) not in held[n]
            }
    else:
        held = None
        nodes = _select_nodes(graph, include_schema, include_provenance)
        if only is not None:
            wanted_keys = set(only)
            nodes = {n for n in nodes if node_key(n) in wanted_keys}

    # One pass per property instead of several lookups per node keeps large graphs fast.
    if only is None:
        read = _subject_objects
    else:
        read = _reader(nodes) if held is None else _held_reader(nodes, held)
    pref: dict[Any, dict[str, str]] = {}
    for s, o in read(graph, SKOS.prefLabel):
        lang = _lang(o)
        if s in nodes and lang in ("en", "zh-hans"):
            pref.setdefault(s, {}).setdefault(lang, str(o))
    definitions: dict[Any, str] = {}
    for s, o in read(graph, SKOS.definition):
        if s in nodes and isinstance(o, Literal) and (_lang(o) == "en" or s not in definitions):
            definitions[s] = str(o)
    types: dict[Any, list[URIRef]] = {}
    for s, o in read(graph, RDF.type):
        if s in nodes and isinstance(o, URIRef):
            types.setdefault(s, []).append(o)

    # side() and primary_type() depend only on a node's types: compute once per set of types.
    kind_cache: dict[frozenset[URIRef], tuple[list[str], str, str]] = {}
    keys = {node: node_key(node) for node in nodes}
    G = nx.MultiDiGraph()
    for node in sorted(nodes, key=keys.__getitem__):
        node_types = types.get(node, [])
        type_key = frozenset(node_types)
        kind = kind_cache.get(type_key)
        if kind is None:
            curies = sorted(curie(t) for t in type_key)
            primary = primary_type(graph, node) if isinstance(node, URIRef) else None
            if primary is not None:
                main = curie(primary)
            else:
                main = curies[0] if curies else "rdfs:Resource"
            kind = kind_cache[type_key] = (curies, main, side(graph, node))
        labels = pref.get(node, {})
        key = keys[node]
        G.add_node(
            key,
            label_en=labels.get("en") or text_label(graph, node, "en"),
            label_zh=labels.get("zh-hans") or text_label(graph, node, "zh-Hans"),
            definition=definitions.get(node, ""),
            types=list(kind[0]),
            type=kind[1],
            side=kind[2],
            curie=curie(node) if isinstance(node, URIRef) else key,
        )

    edges = []
    from_nodes = (
        _triples_from(graph, nodes)
        if held is None
        else ((s, p, o) for s in nodes for p, o in held[s])
    )
    for s, p, o in from_nodes:
        target = keys.get(o)
        if target is not None and (follow is None or p in follow) and isinstance(p, URIRef):
            edges.append((keys[s], p, target))
    edges.sort()
    predicate_info: dict[URIRef, dict[str, str]] = {}
    for p in {p for _, p, _ in edges}:
        en, zh = _predicate_labels(graph, p)
        predicate_info[p] = {"predicate": curie(p), "label": en, "label_zh": zh}
    G.add_edges_from(
        (source, target, predicate_info[p]["predicate"], predicate_info[p])
        for source, p, target in edges
    )
    return G


def _memory_index(graph: Graph, name: str) -> dict[Any, Any] | None:
    """The in-memory store's ``name`` index (``spo`` or ``pos``) when ``graph`` is a plain graph
    alone in its store, else ``None``.

    rdflib's in-memory store pays for context bookkeeping on every triple it yields; for such a
    graph, reading the index directly is ten times faster and yields the same triples.
    """
    from rdflib.plugins.stores.memory import Memory

    store = graph.store
    index = getattr(store, f"_Memory__{name}", None)
    if type(graph) is not Graph or type(store) is not Memory or not isinstance(index, dict):
        return None
    contexts = list(store.contexts())
    if len(contexts) <= 1 and all(c.identifier == graph.identifier for c in contexts):
        return index
    return None


def _triples_from(graph: Graph, subjects: set[Any]) -> Iterable[tuple[Any, Any, Any]]:
    """Every triple of ``graph`` whose subject is in ``subjects``."""
    spo = _memory_index(graph, "spo")
    if spo is not None:
        for s in subjects:
            for p, objects in spo.get(s, {}).items():
                for o in objects:
                    yield s, p, o
        return
    for s in subjects:
        for p, o in graph.predicate_objects(s):
            yield s, p, o


def _reader(nodes: set[Any]) -> Any:
    """A ``_subject_objects`` that reads only the triples of ``nodes``, node by node: for a
    projection of a few of many nodes (``only``), faster than reading every node's."""

    def read(graph: Graph, predicate: URIRef) -> Iterable[tuple[Any, Any]]:
        for s in sorted(nodes, key=node_key):
            for o in graph.objects(s, predicate):
                yield s, o

    return read


def _engine_triples(graph: Graph, nodes: set[URIRef]) -> dict[URIRef, list[tuple[Any, Any]]] | None:
    """Each node's ``(predicate, object)`` pairs, read from the Oxigraph store under ``graph``
    with one call per node (in the store's order, as ``graph.objects`` gives them); None for
    a graph rdflib holds itself. Reading a node's few triples at once is much faster than
    asking rdflib for them property by property."""
    from .engine_projection import engine_store
    from .oxrdf import from_ox_sharing

    found = engine_store(graph)
    if found is None:
        return None
    import pyoxigraph as ox

    store, where = found
    named = ox.NamedNode
    term = from_ox_sharing({})
    return {
        node: [
            (term(q.predicate), term(q.object))
            for q in store.quads_for_pattern(named(str(node)), None, None, where)
        ]
        for node in nodes
    }


def _held_reader(nodes: set[Any], held: dict[URIRef, list[tuple[Any, Any]]]) -> Any:
    """:func:`_reader` over the pairs :func:`_engine_triples` read."""

    def read(graph: Graph, predicate: URIRef) -> Iterable[tuple[Any, Any]]:
        for s in sorted(nodes, key=node_key):
            for p, o in held[s]:
                if p == predicate:
                    yield s, o

    return read


def _subject_objects(graph: Graph, predicate: URIRef) -> Iterable[tuple[Any, Any]]:
    """``graph.subject_objects(predicate)``, read from the store's index when it can be."""
    pos = _memory_index(graph, "pos")
    if pos is None:
        from .engine_projection import subject_objects

        # For an Oxigraph-backed graph this reads the store in bulk (one rdflib term per IRI).
        yield from subject_objects(graph, predicate)
        return
    for o, subjects in pos.get(predicate, {}).items():
        for s in subjects:
            yield s, o


def canonical_pairs(G: nx.MultiDiGraph | nx.Graph) -> tuple[list[Any], list[tuple[int, int]]]:
    """The nodes of ``G`` sorted by key, and its linked pairs as sorted index pairs ``i < j``.

    Every score is computed on this canonical form, so the same graph gives the same communities
    whatever order its triples were read in.

    >>> import networkx as nx
    >>> canonical_pairs(nx.MultiDiGraph([("b", "a"), ("a", "b"), ("c", "c")]))
    (['a', 'b', 'c'], [(0, 1)])
    """
    names = sorted(G.nodes(), key=str)
    index = {n: i for i, n in enumerate(names)}
    pairs = set()
    for u, v in G.edges():
        if u != v:
            i, j = index[u], index[v]
            pairs.add((i, j) if i < j else (j, i))
    return names, sorted(pairs)


def undirected(G: nx.MultiDiGraph | nx.Graph) -> nx.Graph:
    """The undirected simple graph the scores are computed on: one edge per linked pair, no loops.

    Nodes keep their attributes and are added in sorted order, edges in sorted order
    (see :func:`canonical_pairs`).

    >>> import networkx as nx
    >>> M = nx.MultiDiGraph([("a", "b"), ("b", "a"), ("a", "a")])
    >>> sorted(undirected(M).edges())
    [('a', 'b')]
    """
    import networkx as nx

    names, pairs = canonical_pairs(G)
    U = nx.Graph()
    U.add_nodes_from((n, G.nodes[n]) for n in names)
    U.add_edges_from((names[i], names[j]) for i, j in pairs)
    return U


def degree(G: nx.MultiDiGraph | nx.Graph) -> dict[str, int]:
    """The number of distinct neighbours of each node (the undirected simple degree).

    >>> import networkx as nx
    >>> degree(nx.MultiDiGraph([("a", "b"), ("b", "a"), ("a", "c")]))
    {'a': 2, 'b': 1, 'c': 1}
    """
    # Counted from the canonical pairs: building the undirected graph only to count would cost
    # most of the time of a viewer on a big graph.
    names, pairs = canonical_pairs(G)
    counts = [0] * len(names)
    for i, j in pairs:
        counts[i] += 1
        counts[j] += 1
    return dict(zip(names, counts, strict=True))


def pagerank(G: nx.MultiDiGraph | nx.Graph, *, alpha: float = 0.85) -> dict[str, float]:
    """PageRank of each node on the undirected simple graph (scores sum to 1).

    Uses igraph's PRPACK solver on large graphs and networkx otherwise; both give the same values.

    >>> import networkx as nx
    >>> scores = pagerank(nx.Graph([("hub", "a"), ("hub", "b"), ("hub", "c")]))
    >>> round(scores["hub"], 4), round(scores["a"], 4)
    (0.4797, 0.1734)
    """
    import networkx as nx

    U = undirected(G)
    if U.number_of_nodes() == 0:
        return {}
    from ._igraph import pagerank as igraph_pagerank
    from ._igraph import to_igraph, use_igraph

    if use_igraph(U):
        ig, names = to_igraph(U)
        return dict(zip(names, igraph_pagerank(ig, alpha), strict=True))
    return nx.pagerank(U, alpha=alpha, tol=1e-12, max_iter=10_000)


def communities(
    G: nx.MultiDiGraph | nx.Graph, *, seed: int = 42, resolution: float = 1.0
) -> dict[str, int]:
    """The community number of each node: Louvain modularity communities, with a fixed ``seed``.

    Community 0 is the largest (ties broken by the smallest member key), so the same graph and seed
    always give the same numbers. Graphs above 2,000 linked pairs use igraph's Leiden algorithm
    with the modularity objective instead of networkx's Louvain (see
    :func:`qegraph.analysis.analyze`).

    >>> import networkx as nx
    >>> two_triangles = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    >>> communities(two_triangles)
    {1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 1}
    """
    from ._igraph import community_sets

    groups, _engine = community_sets(undirected(G), seed=seed, resolution=resolution)
    return {node: index for index, members in enumerate(groups) for node in members}
