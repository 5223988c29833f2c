"""Today's (before the engine-terms rewrite) deterministic RDF writers, kept as the oracle.

The exports now stream from Oxigraph's terms; these rdflib-based writers are what they replaced,
copied unchanged, so the tests can check that the new writers give the same bytes on any graph
(the bundled one changes as the ontology grows; a recorded file would not follow it).
"""
# ruff: noqa

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF

from qegraph.errors import ExportError
from qegraph.namespaces import PREFIXES, bind_prefixes
from qegraph.terms import escape_literal, iri_ref, nt_literal

_DEFAULT_GRAPH = URIRef("urn:x-rdflib:default")
_SAFE_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_BNODE_LABEL = re.compile(r"^[A-Za-z0-9_]+$")


# --- terms --------------------------------------------------------------------------------


class _Labels:
    """Blank-node labels that every RDF syntax accepts, stable for a given input."""

    def __init__(self) -> None:
        self.names: dict[BNode, str] = {}

    def __call__(self, node: BNode) -> str:
        name = self.names.get(node)
        if name is None:
            raw = str(node)
            name = raw if _BNODE_LABEL.match(raw) and raw not in self.names.values() else None
            if name is None:
                name = f"b{len(self.names)}"
            self.names[node] = name
        return name


def nt_term(term: Any, labels: _Labels | None = None) -> str:
    """``term`` in N-Triples syntax.

    >>> nt_term(Literal("a\\nb", lang="en"))
    '"a\\\\nb"@en'
    """
    if isinstance(term, URIRef):
        return iri_ref(str(term))
    if isinstance(term, BNode):
        return f"_:{labels(term) if labels else term}"
    if isinstance(term, Literal):
        datatype = None if term.datatype is None else str(term.datatype)
        return nt_literal(str(term), term.language, datatype)
    raise ExportError(f"cannot write {term!r} as RDF")


def _namespaces() -> list[tuple[str, str]]:
    # Longest namespace first, so the most specific prefix wins.
    return sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


_NS_ORDER = _namespaces()


def _curie(iri: str) -> str | None:
    """``prefix:local`` when a standard prefix fits and the local part is safe, else None."""
    for prefix, ns in _NS_ORDER:
        if iri.startswith(ns):
            local = iri[len(ns) :]
            return f"{prefix}:{local}" if _SAFE_LOCAL.match(local) else None
    return None


def _curie_or_iri(iri: str) -> str:
    return _curie(iri) or iri_ref(iri)


def _ttl_term(term: Any, labels: _Labels) -> str:
    if isinstance(term, URIRef):
        return _curie_or_iri(str(term))
    if isinstance(term, Literal) and term.datatype is not None and not term.language:
        return f'"{escape_literal(str(term))}"^^{_curie_or_iri(str(term.datatype))}'
    return nt_term(term, labels)


def _sort_key(term: Any) -> tuple[int, str]:
    if isinstance(term, URIRef):
        return (0, str(term))
    if isinstance(term, BNode):
        return (1, str(term))
    return (2, f"{term}\x00{term.language or ''}\x00{term.datatype or ''}")


# --- Turtle and TriG ----------------------------------------------------------------------


def _prefix_block() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())


class _TurtleWriter:
    """Writes one set of triples as sorted Turtle, nesting blank nodes used once as objects."""

    def __init__(
        self,
        triples: Iterable[tuple[Any, Any, Any]],
        labels: _Labels,
        keep_labels: set[BNode] | frozenset[BNode] = frozenset(),
    ):
        self.labels = labels
        self.props: dict[Any, dict[Any, list[Any]]] = defaultdict(lambda: defaultdict(list))
        self.refs: dict[BNode, int] = defaultdict(int)
        for s, p, o in triples:
            self.props[s][p].append(o)
            if isinstance(o, BNode):
                self.refs[o] += 1
        # Nodes also used in another graph of a dataset keep their label, to stay one node.
        self.inline = {n for n, count in self.refs.items() if count == 1} - set(keep_labels)
        self.done: set[Any] = set()

    def write(self) -> str:
        blocks = []
        subjects = sorted(self.props, key=_sort_key)
        roots = [s for s in subjects if s not in self.inline]
        for subject in roots:
            blocks.append(self._statement(subject))
        # Blank nodes only reachable through a cycle of single references: label one, go on.
        for subject in subjects:
            if subject not in self.done:
                self.inline.discard(subject)
                blocks.append(self._statement(subject))
        return "\n".join(blocks)

    def _statement(self, subject: Any) -> str:
        self.done.add(subject)
        head = _ttl_term(subject, self.labels)
        return f"{head} {self._predicates(subject, 1)} .\n"

    def _predicates(self, subject: Any, depth: int) -> str:
        props = self.props.get(subject, {})

        def key(p: Any) -> tuple[int, str]:
            return (0 if p == RDF.type else 1, str(p))

        indent = "    " * depth
        parts = []
        for predicate in sorted(props, key=key):
            name = "a" if predicate == RDF.type else _ttl_term(predicate, self.labels)
            objects = [self._object(o, depth) for o in sorted(props[predicate], key=_sort_key)]
            parts.append(f"{name} " + f",\n{indent}    ".join(objects))
        return f" ;\n{indent}".join(parts)

    def _object(self, node: Any, depth: int) -> str:
        if isinstance(node, BNode) and node in self.inline and node not in self.done:
            self.done.add(node)
            items = self._list_items(node)
            if items is not None:
                return "(" + "".join(f" {self._object(i, depth + 1)}" for i in items) + " )"
            if node not in self.props:
                return "[]"
            inner = self._predicates(node, depth + 1)
            return f"[\n{'    ' * (depth + 1)}{inner}\n{'    ' * depth}]"
        return _ttl_term(node, self.labels)

    def _list_items(self, node: BNode) -> list[Any] | None:
        """The members of a well-formed RDF list starting at ``node``, or None."""
        items: list[Any] = []
        seen: list[BNode] = []
        current: Any = node
        while current != RDF.nil:
            props = self.props.get(current)
            if (
                not isinstance(current, BNode)
                or props is None
                or set(props) != {RDF.first, RDF.rest}
                or len(props[RDF.first]) != 1
                or len(props[RDF.rest]) != 1
                or current in seen
                or (current is not node and (current not in self.inline or current in self.done))
            ):
                return None
            seen.append(current)
            items.append(props[RDF.first][0])
            current = props[RDF.rest][0]
        self.done.update(seen)
        return items


def _canonical(graph: Graph) -> list[tuple[Any, Any, Any]]:
    """The triples of ``graph`` with canonical blank-node labels (``c14n0``...); see below.

    The graph is read once: on a store or endpoint each pass over it costs a full scan.
    """
    triples = list(graph)
    if not any(isinstance(t, BNode) for triple in triples for t in triple):
        return triples
    return [(s, p, o) for s, p, o, _g in _canonical_quads([(*t, None) for t in triples])]


def _canonical_quads(quads: list[tuple[Any, Any, Any, Any]]) -> list[tuple[Any, Any, Any, Any]]:
    """``quads`` with blank nodes renamed by the W3C RDF Dataset Canonicalization (RDFC-1.0).

    The labels depend only on the structure of the data, not on the labels a parser happened to
    give, so two exports of the same data are byte-identical. Oxigraph's implementation is used:
    rdflib's ``to_canonical_graph`` takes minutes from a few thousand blank nodes on. Other terms
    are kept as they are. When Oxigraph cannot take a term, rdflib's algorithm is the fallback.
    """
    # RDFC-1.0 hashes a blank node from the quads that mention a blank node and from nothing
    # else, so only those go through Oxigraph: the same labels, for a fraction of the work.
    plain: list[tuple[Any, Any, Any, Any]] = []
    blank: list[tuple[Any, Any, Any, Any]] = []
    for quad in quads:
        (blank if any(isinstance(t, BNode) for t in quad) else plain).append(quad)
    return plain + _canonical_blank_quads(blank) if blank else quads


def _canonical_blank_quads(
    quads: list[tuple[Any, Any, Any, Any]],
) -> list[tuple[Any, Any, Any, Any]]:
    """:func:`_canonical_quads` for quads that each mention a blank node."""
    import pyoxigraph as ox

    back: dict[Any, Any] = {}
    bnodes: dict[Any, Any] = {}

    def forward(term: Any) -> Any:
        if term is None:
            return ox.DefaultGraph()
        if isinstance(term, BNode):
            node = bnodes.get(term)
            if node is None:
                node = bnodes[term] = ox.BlankNode(f"b{len(bnodes)}")
            return node
        if isinstance(term, URIRef):
            converted = ox.NamedNode(str(term))
        elif term.language:
            converted = ox.Literal(str(term), language=term.language)
        elif term.datatype is not None:
            converted = ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        else:
            converted = ox.Literal(str(term))
        if back.setdefault(converted, term) != term:
            raise ValueError("two terms would become one")
        return converted

    try:
        dataset = ox.Dataset([ox.Quad(*(forward(t) for t in quad)) for quad in quads])
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    except (ValueError, TypeError, SyntaxError):
        return _rdflib_canonical_quads(quads)

    def backward(term: Any) -> Any:
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        if isinstance(term, ox.DefaultGraph):
            return None
        return back[term]

    result = [
        (backward(q.subject), backward(q.predicate), backward(q.object), backward(q.graph_name))
        for q in dataset
    ]
    return result if len(result) == len(set(quads)) else _rdflib_canonical_quads(quads)


def _rdflib_canonical_quads(
    quads: list[tuple[Any, Any, Any, Any]],
) -> list[tuple[Any, Any, Any, Any]]:
    from rdflib.compare import _TripleCanonicalizer

    union = Graph()
    for s, p, o, g in quads:
        union.add((s, p, o))
        for term in (s, o):
            if isinstance(term, BNode):
                union.add((term, _MEMBER_OF, g if g is not None else _DEFAULT_GRAPH))
    originals = list(union)
    hashes: dict[BNode, str] = {}
    canonical = _TripleCanonicalizer(union).canonical_triples()
    for before, after in zip(originals, canonical, strict=True):
        for old, new in zip(before, after, strict=True):
            if isinstance(old, BNode):
                hashes[old] = str(new)
    names = {node: BNode(f"c{i}") for i, node in enumerate(sorted(hashes, key=hashes.__getitem__))}
    return [tuple(names.get(t, t) for t in quad) for quad in quads]  # type: ignore[misc]


def to_turtle(graph: Graph) -> str:
    """``graph`` as deterministic Turtle: same graph, same bytes, whatever the input order.

    Blank nodes get canonical labels (W3C RDFC-1.0, computed by Oxigraph), subjects,
    predicates and objects are sorted, and all standard prefixes are declared.

    >>> from rdflib import Graph
    >>> a = Graph().parse(data="<urn:x:s> <urn:x:p> [ <urn:x:q> 1 ], [ <urn:x:q> 2 ] .",
    ...                   format="turtle")
    >>> b = Graph().parse(data="<urn:x:s> <urn:x:p> [ <urn:x:q> 2 ] . <urn:x:s> <urn:x:p> "
    ...                   "[ <urn:x:q> 1 ] .", format="turtle")
    >>> to_turtle(a) == to_turtle(b)
    True
    """
    if isinstance(graph, Dataset):
        graph = _union(graph)
    canonical = _canonical(graph)
    body = _TurtleWriter(canonical, _Labels()).write()
    return _prefix_block() + ("\n" + body if body else "")


def to_trig(dataset: Graph) -> str:
    """``dataset`` as deterministic TriG, one block per named graph, sorted like :func:`to_turtle`.

    Blank-node labels are scoped to the whole document, so a blank node used in several graphs
    stays one node; it is written with its label there rather than nested.
    """
    labels = _Labels()
    blocks = []
    graphs = _canonical_graphs(_graphs(dataset))
    seen_in: dict[BNode, set[Any]] = defaultdict(set)
    for name, triples in graphs:
        for triple in triples:
            for term in triple:
                if isinstance(term, BNode):
                    seen_in[term].add(name)
    shared = {node for node, names in seen_in.items() if len(names) > 1}
    for name, triples in graphs:
        body = _TurtleWriter(triples, labels, shared).write()
        if not body:
            continue
        if name is None:
            blocks.append(body)
        else:
            indented = "".join(f"    {line}" if line else line for line in body.splitlines(True))
            blocks.append(f"{_ttl_term(name, labels)} {{\n{indented}}}\n")
    return _prefix_block() + "".join("\n" + b for b in blocks)


def _graphs(source: Graph) -> list[tuple[Any, list[tuple[Any, Any, Any]]]]:
    """(graph name or None for the default graph, triples) pairs, default graph first."""
    if not isinstance(source, Dataset):
        return [(None, list(source))]
    by_name: dict[Any, list[tuple[Any, Any, Any]]] = defaultdict(list)
    for s, p, o, g in source.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        by_name[None if name in (None, _DEFAULT_GRAPH) else name].append((s, p, o))
    return sorted(by_name.items(), key=lambda item: (item[0] is not None, str(item[0] or "")))


_MEMBER_OF = URIRef("urn:x-qegraph:member-of")


def _canonical_graphs(
    graphs: list[tuple[Any, list[tuple[Any, Any, Any]]]],
) -> list[tuple[Any, list[tuple[Any, Any, Any]]]]:
    """``graphs`` (name, triples) with canonical blank-node labels; see :func:`_canonical_quads`."""
    quads = [(s, p, o, name) for name, triples in graphs for s, p, o in triples]
    if not any(isinstance(t, BNode) for quad in quads for t in quad):
        return graphs
    by_name: dict[Any, list[tuple[Any, Any, Any]]] = defaultdict(list)
    for s, p, o, name in _canonical_quads(quads):
        by_name[name].append((s, p, o))
    return sorted(by_name.items(), key=lambda item: (item[0] is not None, str(item[0] or "")))


def _union(source: Graph) -> Graph:
    if not isinstance(source, Dataset):
        return source
    graph = bind_prefixes(Graph())
    for s, p, o, _g in source.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


# --- N-Triples, N-Quads -------------------------------------------------------------------


def to_ntriples(graph: Graph) -> str:
    """``graph`` as N-Triples, one sorted line per triple (named graphs merged; deterministic)."""
    labels = _Labels()
    lines = sorted(
        f"{nt_term(s, labels)} {nt_term(p, labels)} {nt_term(o, labels)} .\n"
        for s, p, o in _canonical(_union(graph))
    )
    return "".join(lines)


def to_nquads(dataset: Graph) -> str:
    """``dataset`` as N-Quads, named graphs kept, one sorted line per quad (deterministic)."""
    labels = _Labels()
    lines = []
    for name, triples in _canonical_graphs(_graphs(dataset)):
        suffix = "" if name is None else f" {nt_term(name, labels)}"
        lines.extend(
            f"{nt_term(s, labels)} {nt_term(p, labels)} {nt_term(o, labels)}{suffix} .\n"
            for s, p, o in triples
        )
    return "".join(sorted(lines))
