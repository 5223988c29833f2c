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

import bisect
import csv
import functools
import io
import itertools
import json
import math
import operator
import os
import re
from collections import defaultdict, deque
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF

from .errors import ExportError
from .namespaces import PREFIXES, QE, bind_prefixes, language_tag
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
#
# The RDF writers work on plain tuples, not rdflib objects, so that a store or a parsed file is
# written without building an rdflib graph in between (an rdflib term costs time to validate
# and memory to keep): ``(0, iri)``, ``(1, label)`` for a blank node, and
# ``(2, key, text, language, datatype)`` for a literal, where ``key`` orders literals. Tuples
# compare element by element, so sorting them orders terms as the exports always have: IRIs,
# then blank nodes, then literals, each by its text.

_IRI, _BLANK, _LITERAL = 0, 1, 2
_RDF = str(RDF)
_TYPE = (_IRI, _RDF + "type")
_FIRST = (_IRI, _RDF + "first")
_REST = (_IRI, _RDF + "rest")
_NIL = (_IRI, _RDF + "nil")
_XSD_STRING_IRI = "http://www.w3.org/2001/XMLSchema#string"

Term = tuple
Quad = tuple  # (s, p, o, graph name or None)


def _literal(text: str, language: str | None, datatype: str | None) -> Term:
    return (_LITERAL, f"{text}\x00{language or ''}\x00{datatype or ''}", text, language, datatype)


class _Terms:
    """Converts rdflib or Oxigraph terms to the writers' tuples, each distinct IRI once.

    Literals read from Oxigraph are given the lexical form rdflib would give them (``"01"``
    as an ``xsd:integer`` is written ``"1"``) and language tags their conventional case, so a
    store exports the same bytes as the same data parsed with :func:`qegraph.load`.
    """

    def __init__(self) -> None:
        self.iris: dict[str, Term] = {}
        self.languages: dict[str, str] = {}
        self.typed: dict[tuple[str, str], Term] = {}

    def iri(self, value: str) -> Term:
        term = self.iris.get(value)
        if term is None:
            term = self.iris[value] = (_IRI, value)
        return term

    def of_ox(self, term: Any) -> Term | None:
        import pyoxigraph as ox

        kind = type(term)
        if kind is ox.NamedNode:
            return self.iri(term.value)
        if kind is ox.Literal:
            language = term.language
            if language:
                tag = self.languages.get(language)
                if tag is None:
                    tag = self.languages[language] = language_tag(language)
                return _literal(term.value, tag, None)
            datatype = term.datatype.value
            if datatype == _XSD_STRING_IRI:
                return _literal(term.value, None, None)
            key = (term.value, datatype)
            typed = self.typed.get(key)
            if typed is None:
                # rdflib normalises the lexical form of a well-typed literal.
                text = str(Literal(term.value, datatype=URIRef(datatype)))
                typed = self.typed[key] = _literal(text, None, datatype)
            return typed
        if kind is ox.BlankNode:
            return (_BLANK, term.value)
        if kind is ox.DefaultGraph or term is None:
            return None
        raise ExportError("RDF-star triple terms are not supported")

    def of_rdflib(self, term: Any) -> Term | None:
        if isinstance(term, URIRef):
            return self.iri(str(term))
        if isinstance(term, BNode):
            return (_BLANK, str(term))
        if isinstance(term, Literal):
            datatype = None if term.datatype is None else str(term.datatype)
            return _literal(str(term), term.language or None, datatype)
        if term is None:
            return None
        raise ExportError(f"cannot write {term!r} as RDF")

    def graph_of_rdflib(self, name: Any) -> Term | None:
        """A graph name from an rdflib Dataset: None for the default graph."""
        name = name.identifier if isinstance(name, Graph) else name
        return None if name is None or name == _DEFAULT_GRAPH else self.of_rdflib(name)


def _to_rdflib(term: Term | None) -> Any:
    if term is None:
        return None
    if term[0] == _IRI:
        return URIRef(term[1])
    if term[0] == _BLANK:
        return BNode(term[1])
    return Literal(term[2], lang=term[3], datatype=None if term[4] is None else URIRef(term[4]))


class _Labels:
    """Blank-node labels that every RDF syntax accepts, stable for a given input."""

    def __init__(self) -> None:
        self.names: dict[Any, str] = {}
        self.used: set[str] = set()

    def __call__(self, node: Any) -> str:
        name = self.names.get(node)
        if name is None:
            raw = str(node)
            name = raw if _BNODE_LABEL.match(raw) and raw not in self.used else None
            if name is None:
                name = f"b{len(self.names)}"
            self.names[node] = name
            self.used.add(name)
        return name


def nt_term(term: Any, labels: _Labels | None = None) -> str:
    """``term`` (an rdflib term) in N-Triples syntax.

    >>> nt_term(Literal("a\\nb", lang="en"))
    '"a\\\\nb"@en'
    """
    return _nt(_Terms().of_rdflib(term), labels)


def _nt(term: Term, labels: _Labels | None) -> str:
    kind = term[0]
    if kind == _IRI:
        return iri_ref(term[1])
    if kind == _BLANK:
        return f"_:{labels(term[1]) if labels else term[1]}"
    return nt_literal(term[2], term[3], term[4])


def _namespaces() -> list[tuple[str, str]]:
    # Longest namespace first, so the most specific prefix wins.
    return sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


_NS_ORDER = _namespaces()
# One pass instead of a loop over the prefixes: the alternatives are tried longest first.
_NS_MATCH = re.compile("|".join(re.escape(ns) for _prefix, ns in _NS_ORDER))
_NS_PREFIX = {ns: prefix for prefix, ns in reversed(_NS_ORDER)}  # the first prefix wins


def _curie(iri: str) -> str | None:
    """``prefix:local`` when a standard prefix fits and the local part is safe, else None."""
    match = _NS_MATCH.match(iri)
    if match is None:
        return None
    local = iri[match.end() :]
    return f"{_NS_PREFIX[match.group()]}:{local}" if _SAFE_LOCAL.match(local) else None


def _curie_or_iri(iri: str) -> str:
    return _curie(iri) or iri_ref(iri)


def _ttl(term: Term, labels: _Labels) -> str:
    if term[0] == _IRI:
        return _curie_or_iri(term[1])
    if term[0] == _LITERAL and term[4] is not None and not term[3]:
        return f'"{escape_literal(term[2])}"^^{_curie_or_iri(term[4])}'
    return _nt(term, labels)


def _sort_key(term: Any) -> tuple[int, str]:
    """The order of rdflib terms in exports (the same as their tuples' order)."""
    if isinstance(term, URIRef):
        return (0, str(term))
    if isinstance(term, BNode):
        return (1, str(term))
    return (2, f"{term}\x00{term.language or ''}\x00{term.datatype or ''}")


# --- reading quads: from rdflib, from a store, from files ---------------------------------


class DataFiles:
    """User RDF files merged with the bundled ontology, exported straight from Oxigraph's parser.

    ``qegraph --data FILE export`` writes Turtle, N-Triples, N-Quads and TriG from this, without
    an rdflib graph in between; the files are parsed (with every check of
    :func:`qegraph.load`) when the export reads them. Other formats use :meth:`graph`.

    >>> len(serialize(DataFiles(()), "nt").splitlines()) == len(DataFiles(()).graph())
    True
    """

    def __init__(self, files: Iterable[str | os.PathLike[str]] = (), *, bundled: bool = True):
        self.files = tuple(files)
        self.bundled = bundled

    def graph(self) -> Graph:
        """The files as one rdflib graph, as :func:`qegraph.load` reads them."""
        from .loading import load

        return load(self.files, bundled=self.bundled)

    def dataset(self) -> Dataset:
        """The files as an rdflib Dataset, as :func:`qegraph.load_dataset` reads them."""
        from .loading import load_dataset

        return load_dataset(self.files, bundled=self.bundled)


def _ox_store(graph: Any) -> Any:
    """The Oxigraph store under a ``--store`` graph, or None."""
    store = getattr(graph, "store", None)
    return store if getattr(store, "native_sparql", False) and hasattr(store, "ox_graph") else None


def _quads(source: Any, named: bool) -> list[Quad]:
    """Every quad of ``source`` as tuples, each once; the graph name is None unless ``named``."""
    terms = _Terms()
    if isinstance(source, DataFiles):
        from .loading import engine_quads

        of = terms.of_ox
        quads = engine_quads(source.files, bundled=source.bundled, named=named)
        return list({(of(s), of(p), of(o), of(g) if named else None) for s, p, o, g in quads})
    store = _ox_store(source)
    if store is not None:
        of = terms.of_ox
        return [
            (of(q.subject), of(q.predicate), of(q.object), None)
            for q in store._inner.quads_for_pattern(None, None, None, store.ox_graph)
        ]
    of, graph = terms.of_rdflib, terms.graph_of_rdflib
    if isinstance(source, Dataset):
        rows = source.quads((None, None, None, None))
        return list({(of(s), of(p), of(o), graph(g) if named else None) for s, p, o, g in rows})
    return list({(of(s), of(p), of(o), None) for s, p, o in source})


def _by_graph(quads: list[Quad]) -> list[tuple[Term | None, list[Quad]]]:
    """(graph name or None for the default graph, quads) pairs, default graph first."""
    by_name: dict[Any, list[Quad]] = defaultdict(list)
    for quad in quads:
        by_name[quad[3]].append(quad)
    return sorted(
        by_name.items(), key=lambda item: (item[0] is not None, str(item[0] and item[0][1]))
    )


# --- canonical blank-node labels ----------------------------------------------------------

#: How much work canonical labels may take, in the units of :func:`_canonical_cost`
#: (RDFC-1.0 on a chain of 300 blank nodes, about 2.7e7 units, takes about 7 s here).
_CANONICAL_BUDGET = 30_000_000


def _has_blank(quad: Quad) -> bool:
    return (
        quad[0][0] == _BLANK
        or quad[2][0] == _BLANK
        or quad[1][0] == _BLANK
        or (quad[3] is not None and quad[3][0] == _BLANK)
    )


def _canonical_quads(quads: list[Quad]) -> list[Quad]:
    """``quads`` with blank nodes renamed by the W3C RDF Dataset Canonicalization (RDFC-1.0).

    The labels depend only on the structure of the data, not on the labels a parser happened to
    give, so two exports of the same data are byte-identical. Oxigraph's implementation is used:
    rdflib's ``to_canonical_graph`` takes minutes from a few thousand blank nodes on. Other terms
    are kept as they are. When Oxigraph cannot take a term, rdflib's algorithm is the fallback.
    """
    # RDFC-1.0 hashes a blank node from the quads that mention a blank node and from nothing
    # else, so only those go through Oxigraph: the same labels, for a fraction of the work.
    plain: list[Quad] = []
    blank: list[Quad] = []
    for quad in quads:
        (blank if _has_blank(quad) else plain).append(quad)
    if not blank:
        return quads
    _check_canonical_cost(blank)
    return plain + _canonical_blank_quads(blank)


def _blanks(quad: Quad) -> set[Term]:
    return {t for t in quad if t is not None and t[0] == _BLANK}


def _canonical_cost(quads: list[Quad]) -> int:
    """An estimate of the work RDFC-1.0 does on ``quads``, computed in linear time.

    RDFC-1.0 labels at once every blank node whose own quads tell it apart (its first-degree
    hash); the others ("ambiguous") are told apart by exploring every path through other
    ambiguous nodes, which grows with the cube of such a group (a chain of blank nodes) and with
    the factorial of a node's ambiguous neighbours. Counted without recursion.
    """
    mentions: dict[Term, list[Quad]] = defaultdict(list)
    for quad in quads:
        for node in _blanks(quad):
            mentions[node].append(quad)

    this, other, default = (9, "a"), (9, "z"), (8,)

    def first_degree(node: Term) -> tuple[Any, ...]:
        # The node's quads with itself as _:a and other blank nodes as _:z, as RDFC-1.0 hashes.
        return tuple(
            sorted(
                tuple(
                    default
                    if t is None
                    else (this if t == node else other)
                    if t[0] == _BLANK
                    else t
                    for t in quad
                )
                for quad in mentions[node]
            )
        )

    groups: dict[tuple[Any, ...], int] = defaultdict(int)
    hashes = {node: first_degree(node) for node in mentions}
    for value in hashes.values():
        groups[value] += 1
    ambiguous = {node for node, value in hashes.items() if groups[value] > 1}
    if not ambiguous:
        return 0
    neighbours: dict[Term, set[Term]] = defaultdict(set)
    for quad in quads:
        linked = [t for t in _blanks(quad) if t in ambiguous]
        for a in linked:
            neighbours[a].update(linked)
    cost = 0
    for node in ambiguous:
        cost += math.factorial(min(len(neighbours[node]) - 1, 20)) if neighbours[node] else 1
    # Groups of ambiguous nodes linked to each other, walked without recursion.
    seen: set[Term] = set()
    for start in ambiguous:
        if start in seen:
            continue
        seen.add(start)
        stack, size = [start], 0
        while stack:
            size += 1
            for other in neighbours[stack.pop()]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        cost += size**3
        if cost > _CANONICAL_BUDGET:
            break  # enough to refuse
    return cost


def _check_canonical_cost(quads: list[Quad]) -> None:
    cost = _canonical_cost(quads)
    if cost > _CANONICAL_BUDGET:
        raise ExportError(
            "the graph's blank nodes can only be told apart by following long paths between "
            "them (a chain or a ring of blank nodes), which deterministic output cannot label "
            "in reasonable time; give them IRIs, or export as xml or graphml (no canonical labels)"
        )


def _canonical_blank_quads(quads: list[Quad]) -> list[Quad]:
    """:func:`_canonical_quads` for quads that each mention a blank node."""
    import pyoxigraph as ox

    back: dict[Any, Term] = {}
    bnodes: dict[Term, Any] = {}

    def forward(term: Term | None) -> Any:
        if term is None:
            return ox.DefaultGraph()
        kind = term[0]
        if kind == _BLANK:
            node = bnodes.get(term)
            if node is None:
                node = bnodes[term] = ox.BlankNode(f"b{len(bnodes)}")
            return node
        if kind == _IRI:
            converted = ox.NamedNode(term[1])
        elif term[3]:
            converted = ox.Literal(term[2], language=term[3])
        elif term[4] is not None:
            converted = ox.Literal(term[2], datatype=ox.NamedNode(term[4]))
        else:
            converted = ox.Literal(term[2])
        if back.setdefault(converted, term) != term:
            raise ValueError("two terms would become one")
        return converted

    try:
        dataset = ox.Dataset([ox.Quad(*(forward(t) for t in quad)) for quad in quads])
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    except (ValueError, TypeError, SyntaxError):
        return _rdflib_canonical_quads(quads)

    def backward(term: Any) -> Term | None:
        if isinstance(term, ox.BlankNode):
            return (_BLANK, term.value)
        if isinstance(term, ox.DefaultGraph):
            return None
        return back[term]

    result = [
        (backward(q.subject), backward(q.predicate), backward(q.object), backward(q.graph_name))
        for q in dataset
    ]
    return result if len(result) == len(set(quads)) else _rdflib_canonical_quads(quads)


_MEMBER_OF = URIRef("urn:x-qegraph:member-of")


def _rdflib_canonical_quads(quads: list[Quad]) -> list[Quad]:
    from rdflib.compare import _TripleCanonicalizer

    union = Graph()
    for quad in quads:
        s, p, o, g = (_to_rdflib(t) for t in quad)
        union.add((s, p, o))
        for term in (s, o):
            if isinstance(term, BNode):
                union.add((term, _MEMBER_OF, g if g is not None else _DEFAULT_GRAPH))
    originals = list(union)
    hashes: dict[str, str] = {}
    canonical = _TripleCanonicalizer(union).canonical_triples()
    for before, after in zip(originals, canonical, strict=True):
        for old, new in zip(before, after, strict=True):
            if isinstance(old, BNode):
                hashes[str(old)] = str(new)
    names = {
        (_BLANK, node): (_BLANK, f"c{i}")
        for i, node in enumerate(sorted(hashes, key=hashes.__getitem__))
    }
    return [tuple(names.get(t, t) for t in quad) for quad in quads]  # type: ignore[misc]


def _canonical(graph: Graph) -> list[tuple[Any, Any, Any]]:
    """The triples of an rdflib ``graph`` (rdflib terms) with canonical blank-node labels."""
    terms = _Terms()
    quads = [(*(terms.of_rdflib(t) for t in triple), None) for triple in graph]
    if not any(_has_blank(q) for q in quads):
        return list(graph)
    return [tuple(_to_rdflib(t) for t in q[:3]) for q in _canonical_quads(quads)]  # type: ignore[misc]


# --- Turtle and TriG ----------------------------------------------------------------------


def _prefix_block() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())


#: Blank nodes nest at most this deep in Turtle; deeper ones are written with their label
#: (a deep nesting would otherwise exhaust the writer's stack).
_MAX_NESTING = 200


# The writers below work on N-Triples lines (bytes, without the final " ." and line feed): a
# term is its N-Triples text, ``<iri>``, ``_:label`` or a quoted literal. Lines are what Oxigraph
# writes in bulk, so a store or a parsed file is sorted and written without an object per term.

_TYPE_NT = f"<{_RDF}type>".encode()
_FIRST_NT = f"<{_RDF}first>".encode()
_REST_NT = f"<{_RDF}rest>".encode()
_NIL_NT = f"<{_RDF}nil>".encode()
_LT, _GT, _UNDERSCORE, _QUOTE = ord("<"), ord(">"), ord("_"), ord('"')
_NT_ESCAPE = re.compile(rb"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_NT_ESCAPES = {b"t": "\t", b"b": "\b", b"n": "\n", b"r": "\r", b"f": "\f", b'"': '"', b"'": "'"}
_NT_ESCAPES[b"\\"] = "\\"


def _unescape(body: bytes) -> bytes:
    """The text of a quoted N-Triples literal (``\\n``, ``\\u00E9``... resolved), as UTF-8."""
    pieces = _NT_ESCAPE.split(body)
    # split() puts the three groups of each escape between the plain pieces.
    out = [pieces[0].decode("utf-8")]
    for i in range(1, len(pieces), 4):
        short, long, char, plain = pieces[i : i + 4]
        code = short or long
        out.append(chr(int(code, 16)) if code else _NT_ESCAPES[char])
        out.append(plain.decode("utf-8"))
    return "".join(out).encode("utf-8", "surrogatepass")


def _nt_key(term: bytes) -> tuple[int, bytes]:
    """The export order of a term given as N-Triples text: the order of its tuple (IRIs, blank
    nodes, literals, each by text; a literal by its unescaped text, language, datatype).

    UTF-8 bytes compare as the code points they encode, so this is the order of the strings.
    """
    first = term[0]
    if first == _LT:
        return (0, term[1:-1])
    if first == _UNDERSCORE:
        return (1, term[2:])
    end = term.rindex(b'"')
    body = term[1:end]
    if b"\\" in body:
        body = _unescape(body)
    if end + 1 == len(term):
        return (2, body + b"\x00\x00")
    if term[end + 1] == ord("@"):
        return (2, body + b"\x00" + term[end + 2 :] + b"\x00")
    return (2, body + b"\x00\x00" + term[end + 4 : -1])


def _predicate_key(predicate: bytes) -> tuple[bool, bytes]:
    return (predicate != _TYPE_NT, predicate[1:-1])


class _Cache(dict):  # type: ignore[type-arg]
    """``function(key)``, computed once per key: ``cache.__getitem__`` is a sort key in C."""

    def __init__(self, function: Any, keep: Any = None):
        super().__init__()
        self.function = function
        self.keep = keep

    def __missing__(self, key: bytes) -> Any:
        value = self.function(key)
        if self.keep is None or key[0] == self.keep:
            self[key] = value
        return value


_IRI_TEXT = operator.itemgetter(slice(1, -1))
_LABEL_TEXT = operator.itemgetter(slice(2, None))


class _Texts(dict):  # type: ignore[type-arg]
    """The Turtle text of a term given as N-Triples text; IRIs (which recur) are kept.

    ``texts.__getitem__`` maps a list of terms in C: only a term not seen before calls back.
    """

    def __missing__(self, term: bytes) -> bytes:
        first = term[0]
        if first == _QUOTE:
            if term[-1] != _GT:
                return term  # a plain or language-tagged literal: as in N-Triples
            end = term.rindex(b'"^^<')
            return term[: end + 3] + self[term[end + 3 :]]
        if first != _LT:
            return term
        iri = term[1:-1].decode("utf-8")
        text = self[term] = (_curie(iri) or iri_ref(iri)).encode("utf-8")
        return text


_PREDICATE, _OBJECT = operator.itemgetter(1), operator.itemgetter(2)


_SPACES, _TWOS = itertools.repeat(b" "), itertools.repeat(2)


def _split(lines: Iterable[bytes]) -> Iterable[list[bytes]]:
    """Each N-Triples line as its three terms, split in C (no Python frame per line)."""
    return map(bytes.split, lines, _SPACES, _TWOS)


_START = operator.itemgetter(0)
_NONE = functools.partial(operator.is_, None)
#: What comes before a predicate, and before a further object of the same predicate, in a
#: statement written at depth 1 (as :meth:`_TurtleWriter._predicates` writes them).
_NEXT_PREDICATE, _NEXT_OBJECT = b" ;\n    ", b",\n        "
#: At most about this many lines are split at once when statements are written in bulk.
_RUN_LINES = 1 << 16


def _runs(spans: Iterable[tuple[int, int]]) -> Iterable[tuple[int, int]]:
    """(first line, end) of each run of ``spans`` (sorted) that follow each other in the
    lines, cut after about :data:`_RUN_LINES` lines."""
    first = end = -1
    for start, stop in spans:
        if start != end or stop - first > _RUN_LINES:
            if end >= 0:
                yield first, end
            first = start
        end = stop
    if end >= 0:
        yield first, end


def _indents(depth: int) -> tuple[bytes, bytes]:
    """(indent of the predicates, separator of the objects) at ``depth``."""
    indent = b"    " * depth
    return indent, b",\n" + indent + b"    "


_INDENTS = [_indents(depth) for depth in range(4)]


#: How many lines after a subject's first the writer searches before the rest of the list.
_NEAR = 32


def _subject_spans(lines: list[bytes]) -> dict[bytes, tuple[int, int]]:
    """Where each subject's lines are in the sorted ``lines``: subject -> (first, end).

    A subject's lines are together, and they are the lines from its first one up to the first
    line at or after ``subject + b"!"`` (the space after a subject sorts before ``!``, and no
    other byte below ``!`` can follow a term): one binary search per subject finds the end,
    with no object made per line (splitting every line to read its subject was most of the
    time of this step). The search looks at the next few lines first: a subject has few
    lines, and lines far apart in the list are far apart in memory.
    """
    spans: dict[bytes, tuple[int, int]] = {}
    at, size = 0, len(lines)
    find_end = bisect.bisect_left
    while at < size:
        line = lines[at]
        subject = line[: line.index(b" ")]
        after = subject + b"!"
        near = min(at + _NEAR, size)
        end = find_end(lines, after, at + 1, near)
        if end == near:
            end = find_end(lines, after, near, size)
        spans[subject] = (at, end)
        at = end
    return spans


class _TurtleWriter:
    """Writes sorted N-Triples lines as sorted Turtle, nesting blank nodes used once as objects.

    The lines must be sorted (a subject's lines, and a predicate's, are then together); the
    writer empties the list.
    """

    def __init__(
        self,
        lines: list[bytes],
        keep_labels: Iterable[bytes] = (),
        blank_lines: Iterable[bytes] | None = None,
    ):
        self.text = _Texts()
        # The lines are kept as they are and each subject's are split when it is written:
        # keeping their terms instead costs a Python object per term, and making those (more
        # than the splitting) was most of the writer's time.
        self.lines = lines
        self.spans = _subject_spans(lines)
        refs: dict[bytes, int] = defaultdict(int)
        # The lines with a blank node as the object (or " _:" in a literal: checked), picked
        # in C: most lines have none. ``blank_lines`` (distinct lines, among them every line
        # of ``lines`` with a blank node) spares the search through every line.
        if blank_lines is None:
            blank_lines = lines
        contains = map(operator.contains, blank_lines, itertools.repeat(b" _:"))
        blank = itertools.compress(blank_lines, contains)
        for _s, _p, o in _split(blank):
            if o[0] == _UNDERSCORE:
                refs[o] += 1
        # Nodes also used in another graph of a dataset keep their label, to stay one node.
        self.inline = {n for n, count in refs.items() if count == 1} - set(keep_labels)
        self.done: set[bytes] = set()
        self.keys = _Cache(_nt_key, keep=_LT)  # IRIs recur; literals mostly do not
        self.predicate_keys = _Cache(_predicate_key)
        self.names = _Cache(lambda p: b"a " if p == _TYPE_NT else self.text[p] + b" ")
        self.heads = _Cache(lambda p: _NEXT_PREDICATE + self.names[p])

    def props(self, subject: bytes) -> dict[bytes, list[bytes]]:
        """The objects of ``subject`` by predicate (in line order), split from its lines."""
        span = self.spans.get(subject)
        if span is None:
            return {}
        rows = _split(self.lines[span[0] : span[1]])
        return {p: list(map(_OBJECT, same)) for p, same in itertools.groupby(rows, _PREDICATE)}

    def term(self, term: bytes) -> bytes:
        return self.text[term]

    def write(self) -> bytes:
        return b"\n".join(self.blocks())

    def blocks(self) -> list[bytes]:
        """One block per statement, in order."""
        iris, blanks = self._subjects()
        return self._iri_blocks(iris) + self._blank_blocks(blanks)

    def blocks_apart(self, prefix: bytes | None = None) -> tuple[list[bytes], int | None]:
        """The text of :meth:`blocks`, its second half written by a forked child on another
        core (:func:`qegraph.apart.start_apart`), as the same blocks but each half joined in
        one; with ``prefix`` (the prefix block), also how many triples the text parses back to,
        each half parsed where it was written (None if a part does not parse).

        Only IRI subjects are shared out: they are never nested, so each is written the same
        in either process; the blank-node subjects, which depend on what the IRI subjects
        nested, are written here once the child's answer (its text and the nodes it nested)
        is in.
        """
        from .apart import start_apart

        iris, blanks = self._subjects()
        near = iris[: self._middle(iris, blanks)]
        far = iris[len(near) :]

        def written(part: list[bytes]) -> tuple[bytes, int | None]:
            text = b"\n".join(self._iri_blocks(part))
            return text, _count_after(prefix, text)

        def write_far() -> tuple[bytes, int | None, set[bytes]]:
            return (*written(far), self.done)

        waiting = start_apart(write_far, name="qegraph-turtle") if far else None
        near_text, near_found = written(near)
        answer = waiting() if waiting is not None else None
        far_text, far_found, far_done = answer if answer is not None else write_far()
        self.done |= far_done
        rest = self._blank_blocks(blanks)
        blocks = [text for text in (near_text, far_text) if text] + rest
        found = None
        if near_found is not None and far_found is not None:
            rest_found = _count_after(prefix, b"\n".join(rest))
            found = None if rest_found is None else near_found + far_found + rest_found
        return blocks, found

    def _subjects(self) -> tuple[list[bytes], list[bytes]]:
        """The IRI subjects and the blank-node subjects, each in the order they are written."""
        # In line order, IRIs ("<") come before blank nodes ("_"); each sorts by its text.
        subjects = list(self.spans)
        first_blank = bisect.bisect_left(subjects, b"_")
        iris = sorted(subjects[:first_blank], key=_IRI_TEXT)
        return iris, sorted(subjects[first_blank:], key=_LABEL_TEXT)

    def _middle(self, iris: list[bytes], blanks: list[bytes]) -> int:
        """How many of ``iris`` (from the start) make half of the work, counted in lines: the
        blank-node subjects' lines, written after the rest, count on this side."""
        spans = self.spans
        blank_lines = len(self.lines) - min((spans[s][0] for s in blanks), default=len(self.lines))
        wanted = len(self.lines) // 2 - blank_lines
        sizes = itertools.accumulate(end - start for start, end in map(spans.__getitem__, iris))
        return bisect.bisect_left(list(sizes), wanted)

    def _iri_blocks(self, iris: list[bytes]) -> list[bytes]:
        """The statements of ``iris``, in order: in bulk where their lines allow it
        (:meth:`_in_bulk`), else one by one. An IRI is never nested, nor marked done, so both
        ways write it the same."""
        text, predicates, spans = self.text, self._predicates, self.spans
        # By their lines' order, which is not the written one (<a-b> sorts before <a>).
        iri_spans = list(map(spans.__getitem__, iris))
        by_lines = sorted(iri_spans)
        written = itertools.chain.from_iterable(itertools.starmap(self._in_bulk, _runs(by_lines)))
        found = dict(zip(map(_START, by_lines), written, strict=True))
        blocks: list[Any] = list(map(found.__getitem__, map(_START, iri_spans)))
        del found
        for at in list(itertools.compress(range(len(iris)), map(_NONE, blocks))):
            subject = iris[at]
            blocks[at] = text[subject] + b" " + predicates(subject, 1) + b" .\n"
        return blocks

    def _in_bulk(self, first: int, end: int) -> list[bytes | None]:
        """The statements of the IRI subjects whose lines are ``lines[first:end]``, in line
        order; None for a subject whose lines are not in the order the writer sorts them to
        (but for its ``rdf:type`` lines, moved first), or that nests a blank node.

        One loop over the lines with no object made per line but its terms (making the
        lines' terms into lists, grouping and sorting them, was most of an export's time):
        a subject whose lines are already in order needs no sorting.
        """
        text = self.text.__getitem__
        heads, names = self.heads.__getitem__, self.names.__getitem__
        keys, order = self.keys.__getitem__, self.predicate_keys.__getitem__
        inline = self.inline
        join = b"".join
        blocks: list[bytes | None] = []
        parts: list[bytes] = []
        types: list[bytes] = []
        subject = predicate = previous = last_type = None
        typed_first = wrong = False

        def statement() -> bytes | None:
            if wrong:
                return None
            if not types:
                return join([text(subject), b" ", *parts, b" .\n"])
            between = b"" if typed_first or not parts else _NEXT_PREDICATE
            typed = _NEXT_OBJECT.join(types)
            return join([text(subject), b" a ", typed, between, *parts, b" .\n"])

        for s, p, o in _split(self.lines[first:end]):
            written = o if o[-1] != _GT else text(o)  # plain literals and blank nodes as is
            if s != subject:
                if subject is not None:
                    blocks.append(statement())
                    parts.clear()
                    types.clear()
                subject, wrong = s, False
                if p == _TYPE_NT:
                    typed_first, predicate, last_type = True, None, o
                    types.append(written)
                else:
                    typed_first, predicate = False, p
                    parts += (names(p), written)
            elif p == _TYPE_NT:
                if types and keys(o) < keys(last_type):
                    wrong = True
                last_type = o
                types.append(written)
            elif p != predicate:
                if predicate is not None and order(p) < order(predicate):
                    wrong = True
                predicate = p
                parts += (heads(p), written)
            else:
                if keys(o) < keys(previous):
                    wrong = True
                parts += (_NEXT_OBJECT, written)
            previous = o
            if inline and o[0] == _UNDERSCORE and o in inline:
                wrong = True
        if subject is not None:
            blocks.append(statement())
        return blocks

    def _blank_blocks(self, blanks: list[bytes]) -> list[bytes]:
        blocks = []
        inline, done, text, predicates = self.inline, self.done, self.text, self._predicates
        for subject in blanks:
            if subject not in inline:
                done.add(subject)
                blocks.append(text[subject] + b" " + predicates(subject, 1) + b" .\n")
        # Blank nodes only reachable through a cycle of single references, or nested too deep:
        # label one, go on (until every subject is written).
        left = [s for s in blanks if s not in done]
        while left:
            for subject in left:
                if subject not in self.done:
                    self.inline.discard(subject)
                    blocks.append(self._statement(subject))
            left = [s for s in left if s not in self.done]
        return blocks

    def _statement(self, subject: bytes) -> bytes:
        self.done.add(subject)
        return self.text[subject] + b" " + self._predicates(subject, 1) + b" .\n"

    def _predicates(self, subject: bytes, depth: int) -> bytes:
        span = self.spans.get(subject)
        if span is None:
            return b""
        rows = itertools.groupby(_split(self.lines[span[0] : span[1]]), _PREDICATE)
        props = {p: list(map(_OBJECT, same)) for p, same in rows}  # as self.props(subject)
        indent, between = _INDENTS[depth] if depth < 4 else _indents(depth)
        parts = []
        text = self.text.__getitem__
        inline = self.inline
        names = self.names
        predicates = sorted(props, key=self.predicate_keys.__getitem__) if len(props) > 1 else props
        for predicate in predicates:
            objects = props[predicate]
            if len(objects) > 1:
                objects = sorted(objects, key=self.keys.__getitem__)
                if not inline or inline.isdisjoint(objects):
                    texts = [
                        node if node[0] == _QUOTE and node[-1] != _GT else text(node)
                        for node in objects
                    ]
                    parts.append(names[predicate] + between.join(texts))
                    continue
            else:
                node = objects[0]
                if node[0] == _QUOTE and node[-1] != _GT:  # plain or tagged: as in N-Triples
                    parts.append(names[predicate] + node)
                    continue
                if not inline or node not in inline:
                    parts.append(names[predicate] + text(node))
                    continue
            texts = [self._object(n, depth) if n in inline else text(n) for n in objects]
            parts.append(names[predicate] + between.join(texts))
        return (b" ;\n" + indent).join(parts)

    def _object(self, node: bytes, depth: int) -> bytes:
        if node in self.inline and node not in self.done and depth < _MAX_NESTING:
            self.done.add(node)
            items = self._list_items(node)
            if items is not None:
                return b"(" + b"".join(b" " + self._object(i, depth + 1) for i in items) + b" )"
            if node not in self.spans:
                return b"[]"
            inner = self._predicates(node, depth + 1)
            return b"[\n" + b"    " * (depth + 1) + inner + b"\n" + b"    " * depth + b"]"
        return self.term(node)

    def _list_items(self, node: bytes) -> list[bytes] | None:
        """The members of a well-formed RDF list starting at ``node``, or None."""
        items: list[bytes] = []
        seen: list[bytes] = []
        seen_set: set[bytes] = set()
        current = node
        while current != _NIL_NT:
            props = self.props(current) if current in self.spans else None
            if (
                current[0] != _UNDERSCORE
                or props is None
                or len(props) != 2
                or _FIRST_NT not in props
                or _REST_NT not in props
                or len(props[_FIRST_NT]) != 1
                or len(props[_REST_NT]) != 1
                or current in seen_set
                or (current is not node and (current not in self.inline or current in self.done))
            ):
                return None
            seen.append(current)
            seen_set.add(current)
            items.append(props[_FIRST_NT][0])
            current = props[_REST_NT][0]
        self.done.update(seen)
        return items


def to_turtle(graph: Any) -> str:
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
    return serialize(graph, "turtle", check=False).decode("utf-8")


def _turtle(
    lines: list[bytes], blank_lines: Iterable[bytes] | None = None, *, expected: int | None = None
) -> bytes:
    """Turtle from sorted, distinct N-Triples lines (emptied once written, to free them); with
    ``expected``, checked to parse back to that many triples (:class:`ExportError` if not).

    ``blank_lines``: see :class:`_TurtleWriter`. From :data:`_APART_LINES` lines on, half the
    statements are written, and parsed back, on a second core.
    """
    writer = _TurtleWriter(lines, blank_lines=blank_lines)
    prefix = _prefix_block().encode()
    found = None
    if len(lines) >= _APART_LINES:
        blocks, found = writer.blocks_apart(prefix if expected is not None else None)
    else:
        blocks = writer.blocks()
    lines.clear()  # before the join: the lines and the output are not held at once
    # One join, not a join and a concatenation: each copy of a large output costs its size.
    blocks.insert(0, prefix)
    data = b"\n".join(blocks)
    if expected is not None and found != expected:
        _verify_rdf(data, "turtle", expected, distinct=True)  # says what is wrong, as always
    return data


def to_trig(dataset: Any) -> str:
    """``dataset`` as deterministic TriG, one block per named graph, sorted like :func:`to_turtle`.

    Blank-node labels are scoped to the whole document, so a blank node used in several graphs
    stays one node; it is written with its label there rather than nested.
    """
    return serialize(dataset, "trig", check=False).decode("utf-8")


def _trig(graphs: list[tuple[bytes | None, list[bytes]]]) -> bytes:
    """TriG from (graph name as N-Triples or None, its sorted N-Triples lines), default first."""
    blocks = []
    seen_in: dict[bytes, set[Any]] = defaultdict(set)
    for name, lines in graphs:
        for line in lines:
            s, _p, o = line.split(b" ", 2)
            for term in (s, o):
                if term[0] == _UNDERSCORE:
                    seen_in[term].add(name)
    shared = {node for node, names in seen_in.items() if len(names) > 1}
    for name, lines in graphs:
        writer = _TurtleWriter(lines, shared)
        body = writer.write()
        if not body:
            continue
        if name is None:
            blocks.append(body)
        else:
            indented = b"".join(b"    " + line for line in body.splitlines(True))
            blocks.append(writer.term(name) + b" {\n" + indented + b"}\n")
    return _prefix_block().encode() + b"".join(b"\n" + b for b in blocks)


def _union(source: Graph) -> Graph:
    if isinstance(source, DataFiles):
        return source.graph()
    if not isinstance(source, Dataset):
        return source
    graph = bind_prefixes(Graph())
    for s, p, o, _g in source.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


# --- N-Triples, N-Quads -------------------------------------------------------------------


def to_ntriples(graph: Any) -> str:
    """``graph`` as N-Triples, one sorted line per triple (named graphs merged; deterministic)."""
    return serialize(graph, "nt", check=False).decode("utf-8")


def to_nquads(dataset: Any) -> str:
    """``dataset`` as N-Quads, named graphs kept, one sorted line per quad (deterministic)."""
    return serialize(dataset, "nquads", check=False).decode("utf-8")


def _nt_lines(quads: Iterable[Quad], labels: _Labels, graphs: bool = False) -> list[bytes]:
    """Sorted N-Triples (N-Quads if ``graphs``) lines of tuple quads, as bytes without the
    final `` .`` and line feed (which sort them the same: a space sorts before anything that
    may follow a term)."""
    text: dict[Term, str] = {}

    def nt(term: Term) -> str:
        value = text.get(term)
        if value is None:
            value = _nt(term, labels)
            if term[0] != _LITERAL:  # literals are mostly used once: not worth keeping
                text[term] = value
        return value

    lines = [
        f"{nt(s)} {nt(p)} {nt(o)}"
        if g is None or not graphs
        else f"{nt(s)} {nt(p)} {nt(o)} {nt(g)}"
        for s, p, o, g in quads
    ]
    return sorted(line.encode("utf-8", "surrogatepass") for line in lines)


def _joined(lines: list[bytes]) -> bytes:
    """N-Triples (N-Quads) text of ``lines``, emptied: the text is made in one copy."""
    if not lines:
        return b""
    lines.append(b"")
    data = b" .\n".join(lines)
    lines.clear()
    return data


# --- N-Triples straight from the engine ---------------------------------------------------

#: What makes a line of Oxigraph's N-Triples differ from qegraph's, or need canonical labels:
#: a blank node, a typed literal (rdflib's lexical form), C1 controls and U+2028/U+2029 (which
#: qegraph escapes and Oxigraph does not). A literal may match by chance; that line just takes
#: the slower exact path.
_SPECIAL_TEXT = (b"_:", b'"^^<')
#: The first byte of U+2028/U+2029 (and of other characters, checked), and of C1 controls:
#: single bytes are found with memchr, several times faster than a longer pattern.
_SPECIAL_LEAD = {b"\xe2": (b"\x80\xa8", b"\x80\xa9"), b"\xc2": None}
#: A language tag at the end of a line (Oxigraph lower-cases them: zh-hans for zh-Hans).
_LANGUAGE_END = re.compile(rb'"@([A-Za-z0-9-]+) \.\n')


def _engine_source(source: Any, named: bool) -> tuple[list[bytes], int, set[bytes]] | None:
    """The sorted, distinct N-Triples lines of a ``--store`` graph or (for the triple formats)
    of ``--data`` files, in bulk from Oxigraph, how many triples the output must parse back
    to, and the lines among them that may hold a blank node; None for other sources. The
    lines are the text :func:`_nt_lines` writes for the same triples: only the lines that need
    it (blank nodes, typed literals, rare characters) are rewritten term by term.
    """
    import pyoxigraph as ox

    store = _ox_store(source)
    if store is not None:
        # A store holds no duplicates: two of its triples written alike are an error.
        out = io.BytesIO()  # written in pieces: no second copy of the text, as dump() to bytes
        store._inner.dump(out, format=ox.RdfFormat.N_TRIPLES, from_graph=store.ox_graph)
        return _engine_lines(_taken(out), merge=False)
    if isinstance(source, DataFiles) and not named:
        from .loading import engine_ntriples

        # Oxigraph parses and writes the files the loader's checks clear, with no Python
        # object per triple. Files may repeat a triple: the export holds it once.
        return _engine_lines(engine_ntriples(source.files, bundled=source.bundled), merge=True)
    return None


def _taken(out: io.BytesIO) -> bytes:
    """The bytes written to ``out``, which is closed: the text is then held once, by the caller
    (who passes it on unnamed, so that it is freed as soon as it is split)."""
    data = out.getvalue()
    out.close()
    return data


def _line_starts(raw: bytes) -> set[int]:
    """Where the lines of :data:`_SPECIAL_TEXT` (and C1 controls) start in ``raw``.

    Searched with ``bytes.find`` (a regular expression with a character class scans byte by
    byte, several times slower on a large dump).
    """
    starts = set()
    for pattern in _SPECIAL_TEXT:
        at = raw.find(pattern)
        while at >= 0:
            if pattern != b'"^^<' or not _canonical_integer_at(raw, at):
                starts.add(raw.rfind(b"\n", 0, at) + 1)
            at = raw.find(pattern, at + 1)
    for lead, follows in _SPECIAL_LEAD.items():
        at = raw.find(lead)
        while at >= 0:
            if (
                0x80 <= raw[at + 1] <= 0x9F  # a C1 control
                if follows is None
                else raw[at + 1 : at + 3] in follows  # U+2028, U+2029
            ):
                starts.add(raw.rfind(b"\n", 0, at) + 1)
            at = raw.find(lead, at + 1)
    return starts


_INTEGER_END = b'"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
_CANONICAL_INTEGER = re.compile(rb"-?[1-9][0-9]*|0")


def _canonical_integer_at(raw: bytes, at: int) -> bool:
    """Whether the ``"^^<`` at ``at`` ends a line's ``xsd:integer`` object already written as
    rdflib writes it (``"15"``, not ``"015"`` or ``"+15"``): that line needs no rewriting.

    Integers are the common typed literal (line and paragraph numbers); the other typed
    literals, rarer, all take the exact path.
    """
    if not raw.startswith(_INTEGER_END, at):
        return False  # another datatype, or text inside a literal (a line ends after " .")
    opening = raw.rfind(b'"', 0, at)
    # The quote must open the object (after the space): an escaped quote inside a literal
    # ("a \"15") has a backslash before it.
    canonical = _CANONICAL_INTEGER.fullmatch(raw, opening + 1, at) is not None
    return raw[opening - 1] == 0x20 and canonical


def _engine_lines(raw: bytes, *, merge: bool) -> tuple[list[bytes], int, set[bytes]]:
    """(sorted distinct lines, expected count, the lines that may hold a blank node) from
    Oxigraph's N-Triples ``raw``: a line with a blank node is one of the rewritten lines."""
    # Language tags in their conventional case, one pass over the text per tag to change.
    for tag in set(_LANGUAGE_END.findall(raw)):
        fixed = language_tag(tag.decode("ascii")).encode("ascii")
        if fixed != tag:
            raw = raw.replace(b'"@' + tag + b" .\n", b'"@' + fixed + b" .\n")
    starts = sorted(_line_starts(raw))
    # " .\n" ends every line and nothing else (a literal's line feed is escaped).
    lines = raw.split(b" .\n")
    lines.pop()  # the text ends with a line feed
    count = len(lines)
    special = []
    index = previous = 0
    for start in starts:
        index += raw.count(b"\n", previous, start)
        previous = start
        special.append(lines[index])
        lines[index] = b""  # sorts first; dropped below
    del raw
    rewritten = _exact_lines(special) if special else []
    lines += rewritten
    lines.sort()
    del lines[: len(special)]
    # The same triple twice (from files), or two written alike (rdflib's lexical form makes
    # "01" and "1" as integers one literal). A store's lines are distinct as Oxigraph writes
    # them, so there only a rewritten line can have a twin: its neighbours are looked at.
    if (
        any(map(operator.eq, lines, itertools.islice(lines, 1, None)))
        if merge
        else _twinned(lines, rewritten)
    ):
        lines = [line for line, _ in itertools.groupby(lines)]
    return lines, len(lines) if merge else count, set(rewritten)


def _twinned(lines: list[bytes], probes: list[bytes]) -> bool:
    """Whether one of ``probes`` is twice in the sorted ``lines``."""
    for line in probes:
        at = bisect.bisect_left(lines, line)
        if at + 1 < len(lines) and lines[at + 1] == line:
            return True
    return False


def _exact_lines(special: list[bytes]) -> list[bytes]:
    """``special`` lines rewritten term by term, blank nodes with canonical labels."""
    import pyoxigraph as ox

    terms = _Terms()
    of = terms.of_ox
    text = b" .\n".join(special) + b" .\n"
    parsed = ox.parse(input=text, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    quads = [(of(q.subject), of(q.predicate), of(q.object), None) for q in parsed]
    return _nt_lines(_canonical_quads(quads), _Labels())


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


def _expected_count(source: Any, quads: list[Quad]) -> int:
    """How many triples (quads) the output must parse back to, as RDF 1.1 counts them."""
    if isinstance(source, DataFiles) or _ox_store(source) is not None:
        return len(quads)  # read from Oxigraph: plain strings untyped, tags in one case
    # rdflib keeps "x" and "x"^^xsd:string apart, and tags differing in case; RDF 1.1 does not.
    return len({(s, p, o if o[0] != _LITERAL else _rdf11(o), g) for s, p, o, g in quads})


def _rdf11(term: Term) -> Any:
    """A literal as RDF 1.1 sees it: ``"x"^^xsd:string`` is ``"x"``, language tags ignore case."""
    if term[3]:
        return ("lang", term[2], term[3].lower())
    if term[4] is not None and term[4] != _XSD_STRING_IRI:
        return ("typed", term[2], term[4])
    return ("plain", term[2])


def _count(items: Iterable[Any]) -> int:
    """How many ``items`` there are, consumed in C (no Python frame per item), none kept."""
    last = deque(enumerate(items, 1), maxlen=1)
    return last[0][0] if last else 0


#: From this many lines on, a Turtle export writes half its statements in a forked child,
#: and from this many bytes of output on, the parse-back check reads half the text there
#: (:mod:`qegraph.apart`): below, starting the child costs more than the half it saves.
_APART_LINES = 100_000
_APART_BYTES = 4_000_000
#: Where a text of each format may be cut into two that parse alone: between lines, and in
#: Turtle between statements (a statement never holds an empty line, and the second part gets
#: the prefixes again).
_CUT_AT = {"nt": b"\n", "nquads": b"\n", "turtle": b"\n\n"}


def _verify_rdf(data: bytes, fmt: str, expected: int, *, distinct: bool = False) -> None:
    """Parse ``data`` back with Oxigraph and compare the number of triples (or quads).

    With ``distinct`` (the writer put each triple once, in one text: sorted distinct lines) the
    parsed triples are counted as they stream by, a large text in two halves at once (one in a
    forked child); otherwise distinct quads are counted. A failure is reported as the whole
    text parsed at once reports it.
    """
    import pyoxigraph as ox

    large = distinct and fmt in _CUT_AT and len(data) >= _APART_BYTES
    if large and _count_apart(data, fmt) == expected:
        return
    try:
        parsed = ox.parse(input=data, format=getattr(ox.RdfFormat, _OX_FORMATS[fmt]))
        # An Oxigraph dataset counts distinct quads without a Python object per quad; the
        # triple formats put every triple in the default graph, so quads are triples there.
        found = _count(parsed) if distinct else len(ox.Dataset(parsed))
    except (SyntaxError, ValueError) as err:
        raise ExportError(
            f"the {fmt} output does not parse back ({err}); nothing was written"
        ) from None
    if found != expected:
        raise ExportError(
            f"the {fmt} output parses back to {found} triples instead of {expected}; "
            "nothing was written"
        )


def _count_apart(data: bytes, fmt: str) -> int | None:
    """How many triples the text ``data`` of format ``fmt`` parses to, counted in two halves
    at once, the second by a forked child; None if a half does not parse or no child started."""
    from .apart import start_apart

    separator = _CUT_AT[fmt]
    cut = data.find(separator, len(data) // 2)
    if cut < 0:
        return None
    cut += len(separator)
    head = _prefix_block().encode() if fmt == "turtle" else b""

    def count_far() -> int | None:
        return _stream_count(head + data[cut:], fmt)

    waiting = start_apart(count_far, name="qegraph-check")
    if waiting is None:
        return None
    near = _stream_count(data[:cut], fmt)
    far = waiting()  # None: the child died (the text parsed or not), so count it here
    far = count_far() if far is None else far
    return near + far if near is not None and far is not None else None


def _count_after(prefix: bytes | None, text: bytes) -> int | None:
    """How many triples the Turtle statements ``text`` parse to after ``prefix`` (0 for no
    text); None if they do not parse, or when there is no ``prefix`` (nothing to check)."""
    if prefix is None:
        return None
    return _stream_count(prefix + b"\n" + text, "turtle") if text else 0


def _stream_count(data: bytes, fmt: str) -> int | None:
    """How many triples ``data`` parses to with Oxigraph, or None if it does not parse."""
    import pyoxigraph as ox

    try:
        return _count(ox.parse(input=data, format=getattr(ox.RdfFormat, _OX_FORMATS[fmt])))
    except (SyntaxError, ValueError):
        return None


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
    source: Graph | DataFiles,
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
    if isinstance(source, DataFiles) and (inferred or construct is not None):
        source = source.dataset() if inferred else source.graph()
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


_ENGINE_FORMATS = ("turtle", "nt", "nquads", "trig")


def serialize(graph: Graph | DataFiles, fmt: str, *, check: bool = True) -> bytes:
    """``graph`` (a Graph or a Dataset) in ``fmt``, checked to parse back to the same size.

    ``csv`` has two files and is written by :func:`export` or :func:`csv_tables`. ``check``
    (default) parses the output back and compares the number of triples.

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
    if fmt in _ENGINE_FORMATS:
        return _engine_format(graph, fmt, check=check)
    if isinstance(graph, DataFiles):
        graph = graph.graph()
    if fmt in ("jsonld", "xml"):
        data = (to_jsonld if fmt == "jsonld" else to_rdfxml)(graph).encode("utf-8")
        if check:
            _verify_rdf(data, fmt, _expected_count(graph, _quads(graph, named=False)))
        return data
    if fmt in ("graphml", "gexf"):
        network = to_networkx(graph)
        data = _network_bytes(network, fmt)
        _verify_network(data, fmt, network)
        return data
    raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")


def _engine_format(graph: Any, fmt: str, *, check: bool) -> bytes:
    """``graph`` in Turtle, N-Triples, N-Quads or TriG; with ``check``, parsed back and its
    triples counted (:class:`ExportError` if they are not the graph's).

    A store or files are read in bulk as N-Triples lines (:func:`_engine_source`); an rdflib
    graph is read term by term. Either way the writers work on sorted N-Triples lines.
    """
    named = fmt in ("nquads", "trig")
    engine = _engine_source(graph, named)
    if engine is not None:
        lines, expected, blank_lines = engine
        if fmt == "turtle":  # checked as it is written
            return _turtle(lines, blank_lines, expected=expected if check else None)
        # A store's one graph is the default graph.
        data = _joined(lines) if fmt in ("nt", "nquads") else _trig([(None, lines)])
        if check:
            _verify_rdf(data, fmt, expected, distinct=True)
        return data
    quads = _quads(graph, named=named)
    expected = _expected_count(graph, quads)
    # Lines from files are distinct (read into a set); rdflib's terms may differ where RDF's
    # do not ("x" and "x"^^xsd:string), so their output is counted as distinct quads.
    distinct = isinstance(graph, DataFiles)
    quads = _canonical_quads(quads)
    labels = _Labels()
    if fmt in ("nt", "nquads"):
        data = _joined(_nt_lines(quads, labels, graphs=named))
    elif fmt == "turtle":
        data = _turtle(_nt_lines(quads, labels))
    else:
        graphs = [
            (
                None if name is None else _nt(name, labels).encode("utf-8"),
                _nt_lines(members, labels),
            )
            for name, members in _by_graph(quads)
        ]
        data = _trig(graphs)
    if check:
        _verify_rdf(data, fmt, expected, distinct=distinct)
    return data


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
