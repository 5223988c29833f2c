"""Write the graph for other tools: RDF formats, GraphML and GEXF for Gephi/Cytoscape, CSV tables.

Formats: ``turtle`` (deterministic: blank nodes canonicalised, everything sorted, the standard
prefixes declared, so the same graph always gives the same bytes and diffs cleanly), ``nt`` and
``nquads`` (sorted lines), ``trig`` (named graphs kept), ``jsonld`` (flattened, with a context),
``xml`` (RDF/XML, which Protégé and the OWL API read), ``graphml`` and ``gexf`` (resources are
nodes; literals, types and paradigm side are node attributes; predicates are edge attributes) and
``csv`` (``nodes.csv`` and ``edges.csv`` in a folder).

Exports are faithful or fail: every RDF serialisation is parsed back with an independent parser
(Oxigraph) and its triple count checked before the file is put in place, and a graph a format
cannot hold (control characters or a predicate without a QName in RDF/XML, an IRI with a space)
raises :class:`~qegraph.errors.ExportError` naming the problem. Files are written atomically.

>>> from rdflib import Graph, Literal, URIRef
>>> g = Graph().add((URIRef("https://w3id.org/qegraph/a"), URIRef("https://w3id.org/qegraph/b"),
...                  Literal("素质", lang="zh-Hans")))
>>> print(to_turtle(g).split("\\n\\n")[-1], end="")
qe:a qe:b "素质"@zh-Hans .
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF

from .errors import ExportError
from .namespaces import PREFIXES, QE, bind_prefixes
from .terms import check_xml_text, escape_literal, iri_ref, nt_literal

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "EXPORT_FORMATS",
    "INFERRED_GRAPH",
    "csv_tables",
    "export",
    "nt_term",
    "select_graph",
    "serialize",
    "to_jsonld",
    "to_networkx",
    "to_nquads",
    "to_ntriples",
    "to_trig",
    "to_turtle",
]

#: Every ``--format`` of ``qegraph export``.
EXPORT_FORMATS = ("turtle", "nt", "nquads", "trig", "jsonld", "xml", "graphml", "gexf", "csv")

#: The named graph that holds the inferred triples in TriG/N-Quads exports with ``--inferred``.
INFERRED_GRAPH = QE["inferred"]

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


# --- JSON-LD ------------------------------------------------------------------------------


def _compact(iri: str) -> str:
    compact = _curie(iri)
    if compact is None:
        iri_ref(iri)  # refuses an IRI that cannot be written
        return iri
    return compact


def to_jsonld(graph: Graph) -> str:
    """``graph`` as flattened JSON-LD with the standard prefixes as its ``@context``.

    Every node is a top-level object and blank nodes are referenced by ``_:`` identifiers, so
    nothing is lost to embedding (rdflib's own serializer drops a cycle of blank nodes).
    """
    labels = _Labels()

    def node_id(term: Any) -> str:
        return f"_:{labels(term)}" if isinstance(term, BNode) else _compact(str(term))

    def value(term: Any) -> dict[str, str]:
        if isinstance(term, Literal):
            escape_literal(str(term))  # refuses lone surrogates
            out = {"@value": str(term)}
            if term.language:
                out["@language"] = term.language
            elif term.datatype is not None:
                out["@type"] = _compact(str(term.datatype))
            return out
        return {"@id": node_id(term)}

    props: dict[Any, dict[Any, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in _canonical(_union(graph)):
        props[s][p].append(o)
    nodes = []
    for subject in sorted(props, key=_sort_key):
        node: dict[str, Any] = {"@id": node_id(subject)}
        for predicate in sorted(props[subject], key=str):
            objects = sorted(props[subject][predicate], key=_sort_key)
            if predicate == RDF.type and all(isinstance(o, URIRef) for o in objects):
                node["@type"] = [_compact(str(o)) for o in objects]
            else:
                node[_compact(str(predicate))] = [value(o) for o in objects]
        nodes.append(node)
    document = {"@context": dict(PREFIXES), "@graph": nodes}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --- RDF/XML ------------------------------------------------------------------------------


def _check_xml_graph(graph: Graph, fmt: str) -> None:
    for s, p, o in graph:
        for position, term in (("subject", s), ("predicate", p), ("object", o)):
            if isinstance(term, Literal):
                check_xml_text(str(term), f"the literal of {_describe(s, p)}", fmt)
            elif isinstance(term, URIRef):
                check_xml_text(str(term), f"the {position} IRI <{term}>", fmt)


def _describe(s: Any, p: Any) -> str:
    subject = s.n3() if isinstance(s, URIRef) else "a blank node"
    return f"{subject} {_compact(str(p)) if isinstance(p, URIRef) else p}"


_NCNAME_END = re.compile(r"[^\W\d][\w.-]*$")


def _check_qnames(graph: Graph) -> None:
    # RDF/XML writes a predicate as an element name: namespace + a local part that is an XML
    # name (a letter or "_" first), so ".../property/123" or ".../p#" cannot be written.
    for predicate in sorted(set(graph.predicates()), key=str):
        match = _NCNAME_END.search(str(predicate))
        if match is None or match.start() == 0:
            raise ExportError(
                f"RDF/XML cannot write the predicate <{predicate}>: it does not end in an XML "
                "name, so it has no QName; export as turtle, nt or jsonld instead"
            )


def to_rdfxml(graph: Graph) -> str:
    """``graph`` as RDF/XML (named graphs merged), after checking that RDF/XML can hold it."""
    merged = _union(graph)
    _check_xml_graph(merged, "RDF/XML")
    _check_qnames(merged)
    labels = _Labels()
    out = bind_prefixes(Graph())
    for s, p, o in merged:
        out.add(tuple(BNode(labels(t)) if isinstance(t, BNode) else t for t in (s, p, o)))
    for prefix, iri in merged.namespaces():
        if prefix not in PREFIXES:
            out.bind(prefix, iri, override=False)
    try:
        return out.serialize(format="xml")
    except Exception as err:  # rdflib raises bare Exceptions for names it cannot split
        raise ExportError(f"RDF/XML cannot hold this graph: {err}") from None


# --- graph formats: GraphML, GEXF, CSV ----------------------------------------------------


def _node_id(term: Any) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _node_attributes(graph: Graph, node: Any) -> dict[str, str]:
    from .concepts import curie, label, primary_type, side

    attrs: dict[str, str] = {"iri": _node_id(node)}
    if isinstance(node, URIRef):
        attrs["curie"] = curie(node)
        attrs["label"] = label(graph, node, "en")
        attrs["label_en"] = label(graph, node, "en")
        attrs["label_zh-Hans"] = label(graph, node, "zh-Hans")
        kind = primary_type(graph, node)
        attrs["primary_type"] = curie(kind) if kind is not None else ""
        attrs["side"] = side(graph, node)
    else:
        attrs.update({"curie": "", "label": attrs["iri"], "label_en": "", "label_zh-Hans": ""})
        attrs.update({"primary_type": "", "side": "neutral"})
    types = sorted(curie(t) for t in graph.objects(node, RDF.type) if isinstance(t, URIRef))
    attrs["types"] = " ".join(types)
    return attrs


def to_networkx(graph: Graph) -> nx.MultiDiGraph:
    """``graph`` as a networkx MultiDiGraph: resources are nodes, literals node attributes.

    Node attributes: ``iri``, ``curie``, ``label`` (English), ``label_en``, ``label_zh-Hans``,
    ``types`` (CURIEs, space-separated), ``primary_type``, ``side`` (quality/exam/neutral), and
    one attribute per literal property (``skos:definition@en``; several values joined by
    `` | ``). Each triple between resources is an edge keyed by the predicate's CURIE, with the
    attributes ``predicate`` (IRI) and ``label`` (CURIE); ``rdf:type`` is a node attribute only.

    >>> from qegraph import load
    >>> g = to_networkx(load())
    >>> g.nodes["https://w3id.org/qegraph/critical-thinking"]["label_zh-Hans"]
    '批判性思维'
    """
    import networkx as nx

    from .concepts import curie

    graph = _union(graph)
    out = nx.MultiDiGraph()
    literals: dict[Any, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    edges = []
    nodes: set[Any] = set()
    for s, p, o in graph:
        nodes.add(s)
        if isinstance(o, Literal):
            key = curie(p) + (f"@{o.language}" if o.language else "")
            literals[s][key].append(str(o))
        elif p == RDF.type:
            continue
        else:
            nodes.add(o)
            edges.append((s, p, o))
    for node in sorted(nodes, key=_sort_key):
        attrs = {k: " | ".join(sorted(v)) for k, v in sorted(literals[node].items())}
        attrs.update(_node_attributes(graph, node))
        out.add_node(_node_id(node), **attrs)
    for s, p, o in sorted(edges, key=lambda t: tuple(_sort_key(x) for x in t)):
        out.add_edge(_node_id(s), _node_id(o), key=curie(p), predicate=str(p), label=curie(p))
    return out


def _check_xml_networkx(network: nx.MultiDiGraph, fmt: str) -> None:
    for node, attrs in network.nodes(data=True):
        for key, value in attrs.items():
            check_xml_text(str(value), f"the attribute {key} of node {node}", fmt)
            check_xml_text(key, f"an attribute name of node {node}", fmt)


def to_graphml(graph: Graph) -> bytes:
    """``graph`` as GraphML (for Gephi, Cytoscape, yEd); see :func:`to_networkx`."""
    return _network_bytes(to_networkx(graph), "graphml")


def to_gexf(graph: Graph) -> bytes:
    """``graph`` as GEXF 1.2 (Gephi's format); see :func:`to_networkx`."""
    return _network_bytes(to_networkx(graph), "gexf")


def _network_bytes(network: nx.MultiDiGraph, fmt: str) -> bytes:
    import networkx as nx

    _check_xml_networkx(network, "GraphML" if fmt == "graphml" else "GEXF")
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml_xml(network, buffer, named_key_ids=True)
        # ElementTree leaves a carriage return in text raw, and XML parsers turn it into a line
        # feed; as a character reference it survives.
        return buffer.getvalue().replace(b"\r", b"&#13;")
    nx.write_gexf(network, buffer)
    # The modification date would make two exports of the same graph differ.
    return re.sub(rb'\s*<meta lastmodifieddate="[^"]*">', b"\n  <meta>", buffer.getvalue(), count=1)


_NODE_COLUMNS = ("Id", "Label", "curie", "label_en", "label_zh-Hans", "types", "primary_type")


def csv_tables(graph: Graph) -> dict[str, bytes]:
    """``nodes.csv`` and ``edges.csv`` (UTF-8, header row, Gephi's Id/Label/Source/Target).

    >>> from qegraph import load
    >>> tables = csv_tables(load())
    >>> tables["edges.csv"].decode().splitlines()[0]
    'Source,Target,Label,predicate'
    """
    return _tables(to_networkx(graph))


def _tables(network: nx.MultiDiGraph) -> dict[str, bytes]:
    nodes = io.StringIO()
    writer = csv.writer(nodes, lineterminator="\n")
    writer.writerow([*_NODE_COLUMNS, "side"])
    for node, attrs in network.nodes(data=True):
        writer.writerow(
            [node, attrs["label"], *(attrs[c] for c in _NODE_COLUMNS[2:]), attrs["side"]]
        )
    edges = io.StringIO()
    writer = csv.writer(edges, lineterminator="\n")
    writer.writerow(["Source", "Target", "Label", "predicate"])
    for source, target, attrs in network.edges(data=True):
        writer.writerow([source, target, attrs["label"], attrs["predicate"]])
    return {"nodes.csv": nodes.getvalue().encode(), "edges.csv": edges.getvalue().encode()}


# --- checking what was written -------------------------------------------------------------


_OX_FORMATS = {
    "turtle": "TURTLE",
    "nt": "N_TRIPLES",
    "nquads": "N_QUADS",
    "trig": "TRIG",
    "jsonld": "JSON_LD",
    "xml": "RDF_XML",
}


_XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


def _rdf11(term: Any) -> Any:
    """``term`` as RDF 1.1 sees it: ``"x"^^xsd:string`` is ``"x"``, language tags ignore case.

    rdflib keeps such pairs apart; any other parser reads them as one term.
    """
    if isinstance(term, Literal):
        if term.language:
            return ("lang", str(term), term.language.lower())
        if term.datatype is not None and term.datatype != _XSD_STRING:
            return ("typed", str(term), str(term.datatype))
        return ("plain", str(term))
    return term


def _expected_count(source: Graph, fmt: str) -> int:
    if not isinstance(source, Dataset) and getattr(source.store, "native_sparql", False):
        # A triple store holds each RDF 1.1 triple once ("x" and "x"^^xsd:string are one):
        # its own count is exact, and spares a second full scan of the store.
        return len(source)
    if fmt in ("nquads", "trig"):
        return len(
            {(s, p, _rdf11(o), name) for name, triples in _graphs(source) for s, p, o in triples}
        )
    return len({(s, p, _rdf11(o)) for s, p, o in _union(source)})


def _verify_rdf(data: bytes, fmt: str, expected: int) -> None:
    """Parse ``data`` back with Oxigraph and compare the number of triples (or quads)."""
    import pyoxigraph as ox

    try:
        quads = {
            (q.subject, q.predicate, q.object, q.graph_name)
            for q in ox.parse(input=data, format=getattr(ox.RdfFormat, _OX_FORMATS[fmt]))
        }
    except (SyntaxError, ValueError) as err:
        raise ExportError(
            f"the {fmt} output does not parse back ({err}); nothing was written"
        ) from None
    if fmt not in ("nquads", "trig"):
        found = len({(s, p, o) for s, p, o, _g in quads})
    else:
        found = len(quads)
    if found != expected:
        raise ExportError(
            f"the {fmt} output parses back to {found} triples instead of {expected}; "
            "nothing was written"
        )


def _verify_network(data: bytes, fmt: str, expected: nx.MultiDiGraph) -> None:
    import networkx as nx

    reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    back = reader(io.BytesIO(data))
    if (back.number_of_nodes(), back.number_of_edges()) != (
        expected.number_of_nodes(),
        expected.number_of_edges(),
    ):
        raise ExportError(
            f"the {fmt} output reads back with {back.number_of_nodes()} nodes and "
            f"{back.number_of_edges()} edges instead of {expected.number_of_nodes()} and "
            f"{expected.number_of_edges()}; nothing was written"
        )


# --- public entry points ------------------------------------------------------------------


def select_graph(
    source: Graph,
    *,
    inferred: bool = False,
    construct: str | None = None,
    timeout: float | None = None,
) -> Graph:
    """What an export writes: ``source``, its OWL RL closure, or a CONSTRUCTed part of it.

    With ``inferred`` and a Dataset, the inferred triples go to the named graph
    :data:`INFERRED_GRAPH`; with ``construct`` the query runs over the (closed) graph, stopped
    after ``timeout`` seconds, and its result is exported.

    Raises
    ------
    ExportError
        ``construct`` is not a CONSTRUCT or DESCRIBE query.
    """
    if inferred:
        from .reasoning import owl_rl_closure

        if isinstance(source, Dataset):
            union = _union(source)
            closed = owl_rl_closure(union)
            extra = source.graph(INFERRED_GRAPH)
            for triple in closed:
                if triple not in union:
                    extra.add(triple)
        else:
            source = owl_rl_closure(source)
    if construct is not None:
        from .sparql import query_text, run_query

        result = run_query(_union(source), query_text(construct), timeout=timeout)
        if result.graph is None:
            raise ExportError(
                f"--construct needs a CONSTRUCT or DESCRIBE query, not a {result.kind} query"
            )
        source = result.graph
    return source


def serialize(graph: Graph, fmt: str) -> bytes:
    """``graph`` (a Graph or a Dataset) in ``fmt``, checked to parse back to the same size.

    ``csv`` has two files and is written by :func:`export` or :func:`csv_tables`.

    Raises
    ------
    ExportError
        The format cannot hold the graph faithfully, or the output does not parse back to the
        same number of triples.

    >>> from qegraph import load
    >>> serialize(load(), "nt").count(b"\\n") == len(load())
    True
    """
    if fmt == "csv":
        raise ExportError("csv writes two files (nodes.csv, edges.csv): give a folder with -o")
    writers = {
        "turtle": to_turtle,
        "nt": to_ntriples,
        "nquads": to_nquads,
        "trig": to_trig,
        "jsonld": to_jsonld,
        "xml": to_rdfxml,
    }
    if fmt in writers:
        data = writers[fmt](graph).encode("utf-8")
        _verify_rdf(data, fmt, _expected_count(graph, fmt))
        return data
    if fmt in ("graphml", "gexf"):
        network = to_networkx(graph)
        data = _network_bytes(network, fmt)
        _verify_network(data, fmt, network)
        return data
    raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")


def export(
    graph: Graph,
    fmt: str,
    output: str | os.PathLike[str],
    *,
    inferred: bool = False,
    construct: str | None = None,
    timeout: float | None = None,
) -> list[Path]:
    """Write ``graph`` in ``fmt`` to ``output`` atomically and return the files written.

    For ``csv``, ``output`` is a folder (created if missing) that receives ``nodes.csv`` and
    ``edges.csv``. The graph is checked before anything is written, so an export that fails
    leaves any previous file untouched. See :func:`select_graph` for ``inferred``/``construct``.

    Raises
    ------
    ExportError
        The format cannot hold the graph, or ``output`` cannot be written (the path is named).

    >>> import tempfile, pathlib
    >>> from qegraph import load
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in export(load(), "csv", folder / "tables")]
    ['nodes.csv', 'edges.csv']
    """
    from .atomic import atomic_write_bytes

    chosen = select_graph(graph, inferred=inferred, construct=construct, timeout=timeout)
    target = Path(output)
    if fmt == "csv":
        network = to_networkx(chosen)
        tables = _tables(network)
        _verify_tables(tables, network)
        if target.exists() and not target.is_dir():
            raise ExportError(f"{target}: csv export needs a folder, and this is a file")
        if not target.exists():
            if not target.parent.is_dir():
                raise ExportError(f"{target}: folder {target.parent} does not exist")
            try:
                target.mkdir()
            except OSError as err:
                raise ExportError(f"{target}: cannot create the folder ({err.strerror})") from None
        written = []
        for name, data in tables.items():
            atomic_write_bytes(target / name, data)
            written.append(target / name)
        return written
    data = serialize(chosen, fmt)
    atomic_write_bytes(target, data)
    return [target]


def _verify_tables(tables: dict[str, bytes], network: nx.MultiDiGraph) -> None:
    rows = {
        name: sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8")))) - 1
        for name, data in tables.items()
    }
    expected = {"nodes.csv": network.number_of_nodes(), "edges.csv": network.number_of_edges()}
    if rows != expected:
        raise ExportError(f"the csv tables read back with {rows} rows instead of {expected}")
