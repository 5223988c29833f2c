"""Project the concept graph straight from Oxigraph's terms into integer edge lists.

:func:`qegraph.projection.project` builds a networkx ``MultiDiGraph`` with every attribute of
every node: right for the viewer, but at half a million relations most of ``qegraph analyze``'s
time went into that detour (rdflib terms, then networkx, then igraph). The analysis needs far
less: the sorted node keys, the linked pairs as index pairs, the predicate counts, the
``qe:opposes`` pairs and each node's paradigm side. :func:`engine_core` reads exactly that from a
pyoxigraph ``Store`` in one pass over its quads; labels are read only for the nodes a report shows
(:class:`NodeTable`). The nodes, edges and attributes are those of ``project`` (concepts except
contrast axes, triples between two of them, labels and sides as ``project`` computes them), so
the reports are the same.

>>> graph = engine_graph()
>>> core = engine_core(graph)
>>> core.nodes["https://w3id.org/qegraph/critical-thinking"]["label_zh"]
'批判性思维'
"""

from __future__ import annotations

import gc
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from .concepts import curie, side, text_label
from .namespaces import QE

__all__ = [
    "EngineCore",
    "NodeTable",
    "engine_core",
    "engine_graph",
    "engine_store",
    "paused_gc",
    "subject_objects",
]

#: From this many nodes on, :meth:`NodeTable.prefetch` reads all labels in one pass.
_BULK_LABELS = 200


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the block with Python's cyclic garbage collector paused (reference counting still
    frees memory), then restore it as it was.

    Reading half a million relations makes millions of small objects that live until the end;
    every few thousand of them the collector walks all the live ones again, and at that size
    this took more than half of :func:`engine_core`'s time (11 s against 5 s at 500,000
    relations). The objects made here hold no reference cycles, so nothing is left to collect.

    >>> with paused_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def engine_store(graph: Any) -> tuple[Any, Any] | None:
    """The pyoxigraph ``Store`` under an Oxigraph-backed rdflib graph and the graph's name in it,
    or None for a graph rdflib holds itself (see :mod:`qegraph.backends`).

    >>> engine_store(Graph()) is None
    True
    """
    store = getattr(graph, "store", None)
    inner = getattr(store, "_inner", None)
    if getattr(store, "native_sparql", False) and inner is not None and hasattr(store, "ox_graph"):
        return inner, store.ox_graph
    return None


#: :func:`engine_graph` imports its ``warm`` modules alongside the load from this many bytes of
#: files on (a smaller load is over before an import would be).
_WARM_BYTES = 4 << 20


def engine_graph(
    files: Iterable[str | os.PathLike[str]] = (),
    *,
    bundled: bool = True,
    warm: Iterable[str] = (),
) -> Graph:
    """The bundled ontology and ``files`` in an in-memory Oxigraph store, as an rdflib graph.

    The files are read by :func:`qegraph.loading.engine_store` (every check of
    :func:`qegraph.load`, then Oxigraph's bulk loader, as ``query`` reads them) and never become
    rdflib terms; the graph answers rdflib calls through the same store class as ``--store``
    does, and :func:`engine_store` finds the store under it.

    ``warm`` names modules the caller will need next (``igraph`` takes 2-3 s to import, as it
    imports matplotlib): while big files load, a thread imports them. Oxigraph's bulk loader
    releases the GIL, so on two cores the import costs no wall-clock time. The thread is joined
    once the files are in; an import that fails there fails again, with its own message, where
    the module is used.

    >>> len(engine_graph()) == len(__import__("qegraph").load())
    True
    """
    from . import loading
    from .namespaces import bind_prefixes
    from .oxrdf import oxigraph_store_class
    from .oxstore import DEFAULT_GRAPH

    files = list(files)
    warmer = None
    if warm and _total_bytes(files) >= _WARM_BYTES:
        import threading

        warmer = threading.Thread(target=_import_all, args=(list(warm),), name="qegraph-warm")
        warmer.start()
    store = loading.engine_store(files, bundled=bundled)
    if warmer is not None:
        # The caller imports these next and would wait for them anyway; with no other thread
        # left, the work that follows may fork (qegraph.apart).
        warmer.join()
    rdf_store = oxigraph_store_class()(store=store, graph_iri=DEFAULT_GRAPH)
    return bind_prefixes(Graph(store=rdf_store, identifier=URIRef(DEFAULT_GRAPH)))


def _total_bytes(files: list[str | os.PathLike[str]]) -> int:
    """The size of the files that exist (the loader reports the others)."""
    total = 0
    for path in files:
        with suppress(OSError, ValueError):
            total += os.stat(path).st_size
    return total


def _import_all(names: list[str]) -> None:
    import importlib

    for name in names:
        # A failed import fails again, and is reported, where the caller imports the module.
        with suppress(Exception):
            importlib.import_module(name)


def subject_objects(
    graph: Graph, predicate: URIRef, obj: Any = None, *, iris: dict[str, URIRef] | None = None
) -> list[tuple[Any, Any]]:
    """``(subject, object)`` of the triples with ``predicate`` (and object ``obj`` if given), as
    rdflib terms: ``graph.subject_objects``, but read from the Oxigraph store when there is one,
    turning each distinct IRI into an rdflib term once (most of the time of a big bulk read;
    pass the same ``iris`` dictionary to several calls to share the terms made).

    >>> from qegraph.namespaces import QE
    >>> len(subject_objects(engine_graph(), QE.opposes)) > 10
    True
    """
    found = engine_store(graph)
    if found is None:
        if obj is None:
            return list(graph.subject_objects(predicate))
        return [(s, obj) for s in graph.subjects(predicate, obj)]
    import pyoxigraph as ox

    from .backends import from_ox_sharing

    store, where = found
    named = ox.NamedNode
    term = from_ox_sharing({} if iris is None else iris)
    pattern = None if obj is None else named(str(obj))
    quads = store.quads_for_pattern(None, named(str(predicate)), pattern, where)
    return [(term(q.subject), term(q.object)) for q in quads]


class NodeTable(Mapping[str, Mapping[str, Any]]):
    """The node attributes a report shows, by node key, computed when first asked for.

    ``table[key]`` has ``curie``, ``label_en``, ``label_zh`` and ``side`` as in
    :func:`qegraph.projection.project`; the side of every node is known up front (one bulk read
    of the types), the labels are read from the graph only for the nodes looked up.
    """

    def __init__(self, graph: Graph, names: list[str], sides: list[str]) -> None:
        self._graph = graph
        self._index = {name: i for i, name in enumerate(names)}
        self._names = names
        self._sides = sides
        self._cache: dict[str, dict[str, Any]] = {}

    def __getitem__(self, key: str) -> Mapping[str, Any]:
        found = self._cache.get(key)
        if found is None:
            i = self._index[key]  # KeyError for a key that is not a node, as a mapping should
            node = URIRef(key)
            found = self._cache[key] = {
                "curie": curie(node),
                "label_en": text_label(self._graph, node, "en"),
                "label_zh": text_label(self._graph, node, "zh-Hans"),
                "side": self._sides[i],
            }
        return found

    def prefetch(self, keys: Iterable[str]) -> None:
        """Read the labels of many nodes at once: one pass over the ``skos:prefLabel`` quads
        instead of several lookups per node (as :func:`qegraph.projection.project` reads them)."""
        wanted = {k for k in keys if k in self._index and k not in self._cache}
        if len(wanted) < _BULK_LABELS:
            for key in wanted:
                self[key]
            return
        import pyoxigraph as ox

        store, where = engine_store(self._graph) or (None, None)
        pref: dict[str, dict[str, str]] = {}
        if store is not None:
            named = ox.NamedNode
            for quad in store.quads_for_pattern(None, named(str(SKOS.prefLabel)), None, where):
                s, o = quad.subject, quad.object
                if type(s) is named and s.value in wanted and type(o) is ox.Literal:
                    lang = (o.language or "").lower()
                    if lang in ("en", "zh-hans"):
                        pref.setdefault(s.value, {}).setdefault(lang, o.value)
        for key in wanted:
            labels = pref.get(key, {})
            node = URIRef(key)
            self._cache[key] = {
                "curie": curie(node),
                "label_en": labels.get("en") or text_label(self._graph, node, "en"),
                "label_zh": labels.get("zh-hans") or text_label(self._graph, node, "zh-Hans"),
                "side": self._sides[self._index[key]],
            }

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def fetched(self) -> int:
        """How many nodes had their labels read so far (the rest were never needed)."""
        return len(self._cache)


@dataclass
class EngineCore:
    """The undirected simple graph the analysis works on, with what the report says of it.

    ``names`` are the node keys sorted; ``edges`` the linked pairs as sorted index pairs
    ``i < j`` (no loops); ``predicates`` the relations per predicate CURIE; ``opposes`` the
    ``qe:opposes`` relations as index pairs as stated; ``relations`` all relations between nodes;
    ``sides`` each node's paradigm side by index; ``nodes`` the labels and sides by key;
    ``types`` each node's ``rdf:type`` IRIs by index (read in the same pass as the sides, for
    the viewer's cut; None when not read).
    """

    names: list[str]
    edges: list[tuple[int, int]]
    predicates: dict[str, int]
    opposes: list[tuple[int, int]]
    relations: int
    sides: list[str]
    nodes: Mapping[str, Mapping[str, Any]]
    types: list[frozenset[str]] | None = None


def _linked_pairs(sources: list[int], targets: list[int], n: int) -> list[tuple[int, int]]:
    """The distinct unordered pairs ``i < j`` (loops dropped) of the index lists, sorted.

    >>> _linked_pairs([2, 0, 1, 1], [0, 2, 1, 0], 3)
    [(0, 1), (0, 2)]
    """
    import numpy as np

    i = np.asarray(sources, dtype=np.int64)
    j = np.asarray(targets, dtype=np.int64)
    low, high = np.minimum(i, j), np.maximum(i, j)
    keys = np.sort((low * n + high)[low != high])  # sorted as the (low, high) pairs sort
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys
    return list(zip((keys // n).tolist(), (keys % n).tolist(), strict=True))


def engine_core(graph: Graph) -> EngineCore:
    """Read :class:`EngineCore` from the Oxigraph store under ``graph`` (see :func:`engine_store`).

    One pass over the store's quads keeps the relations between two concepts as integer pairs;
    the types are read once for the sides. Nothing becomes an rdflib term except the few nodes
    whose labels a report asks for.

    Raises
    ------
    ValueError
        ``graph`` is not backed by an Oxigraph store.

    >>> core = engine_core(engine_graph())
    >>> len(core.names) > 100, core.predicates["qe:opposes"] > 10
    (True, True)
    """
    found = engine_store(graph)
    if found is None:
        raise ValueError("engine_core needs a graph kept in an Oxigraph store")
    with paused_gc():
        return _engine_core(graph, *found)


def _engine_core(graph: Graph, store: Any, where: Any) -> EngineCore:
    import pyoxigraph as ox

    named = ox.NamedNode
    rdf_type = named(str(RDF.type))

    def instances(cls: URIRef) -> set[str]:
        return {
            q.subject.value
            for q in store.quads_for_pattern(None, rdf_type, named(str(cls)), where)
            if type(q.subject) is named
        }

    # The nodes of projection.project: concepts, except the contrast axes.
    names = sorted(instances(SKOS.Concept) - instances(QE.ContrastAxis))

    # The relations: every quad whose subject and object are both nodes. Terms are looked up
    # as they come (no string copied out of the engine); counting and pairing are done in bulk.
    get = {named(name): i for i, name in enumerate(names)}.get
    found_i: list[int] = []
    found_j: list[int] = []
    found_p: list[Any] = []
    for quad in store.quads_for_pattern(None, None, None, where):
        j = get(quad.object)
        if j is not None:
            i = get(quad.subject)
            if i is not None:
                found_i.append(i)
                found_j.append(j)
                found_p.append(quad.predicate)
    by_predicate = {p.value: count for p, count in Counter(found_p).items()}
    opposes_node = named(str(QE.opposes))
    opposes = sorted(
        (i, j) for i, j, p in zip(found_i, found_j, found_p, strict=True) if p == opposes_node
    )
    edges = _linked_pairs(found_i, found_j, len(names))
    predicates = {curie(URIRef(p)): count for p, count in by_predicate.items()}

    # Sides depend only on a node's types: one concepts.side() call per set of types.
    types: dict[int, list[Any]] = {}
    for quad in store.quads_for_pattern(None, rdf_type, None, where):
        s, o = quad.subject, quad.object
        if type(s) is named and type(o) is named:
            i = get(s)
            if i is not None:
                types.setdefault(i, []).append(o)
    side_of: dict[frozenset[Any], tuple[str, frozenset[str]]] = {}
    sides = []
    type_sets = []
    for i, name in enumerate(names):
        key = frozenset(types.get(i, ()))
        value = side_of.get(key)
        if value is None:
            value = side_of[key] = (side(graph, URIRef(name)), frozenset(t.value for t in key))
        sides.append(value[0])
        type_sets.append(value[1])

    return EngineCore(
        names=names,
        edges=edges,
        predicates=dict(sorted(predicates.items())),
        opposes=opposes,
        relations=sum(by_predicate.values()),
        sides=sides,
        nodes=NodeTable(graph, names, sides),
        types=type_sets,
    )
