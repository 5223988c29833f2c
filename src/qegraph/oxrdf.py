"""An rdflib view of an Oxigraph store: terms converted as :func:`qegraph.load` makes them, and
the rdflib ``Store`` that ``--store``, ``load(engine="oxigraph")`` and the engine projection
wrap around a pyoxigraph ``Store``.

It sits below ``loading`` and ``backends`` (both use it) and imports neither, so the two do not
import each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.store import Store

from .errors import BackendError, QueryError
from .namespaces import language_tag
from .oxstore import count_triples, graph_name, stoppable_query

__all__ = ["from_ox", "from_ox_sharing", "oxigraph_store_class"]


def from_ox(term: Any) -> Any:
    """An rdflib term for an Oxigraph term, as :func:`qegraph.load` makes it (plain strings
    untyped, so answers compare equal across backends)."""
    import pyoxigraph as ox

    kind = type(term)
    if kind is ox.NamedNode:
        return URIRef(term.value)
    if kind is ox.Literal:
        if term.language:
            return Literal(term.value, lang=language_tag(term.language))
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    if kind is ox.BlankNode:
        return BNode(term.value)
    if term is None:
        return None
    raise BackendError("RDF-star triple terms are not supported")


_XSD_STRING = str(XSD.string)


def from_ox_sharing(iris: dict[str, URIRef]) -> Callable[[Any], Any]:
    """:func:`from_ox`, making each IRI a ``URIRef`` once and keeping it in ``iris``: rdflib
    checks every character of a new one, and a read of many triples meets each IRI many times.

    >>> import pyoxigraph as ox
    >>> term = from_ox_sharing({})
    >>> term(ox.NamedNode("https://example.org/a")) is term(ox.NamedNode("https://example.org/a"))
    True
    """
    import pyoxigraph as ox

    named = ox.NamedNode

    def term(t: Any) -> Any:
        if type(t) is not named:
            return from_ox(t)
        ref = iris.get(t.value)
        if ref is None:
            ref = iris[t.value] = URIRef(t.value)
        return ref

    return term


def oxigraph_store_class() -> type:
    """oxrdflib's store, with the pitfalls of oxrdflib 0.5 worked around: plain literals come
    back typed ``xsd:string``, ``len()`` runs a slow DISTINCT count, ``initBindings`` on a
    variable that is not projected raises RuntimeError."""
    import pyoxigraph as ox
    from oxrdflib import OxigraphStore
    from oxrdflib._converter import to_ox, to_ox_quad_pattern

    class QegraphOxigraphStore(OxigraphStore):
        #: qegraph.sparql.run_query gives query text to stores that run SPARQL themselves.
        native_sparql = True

        def __init__(self, *, store: Any, graph_iri: str) -> None:
            super().__init__(store=store)
            #: Where the graph lives in the store (qegraph's own graph: the default graph).
            self.ox_graph = graph_name(graph_iri)

        # oxrdflib files an added triple under the rdflib graph's identifier, a named graph this
        # store neither reads nor queries: writes go to ox_graph, as reads do.
        def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
            if quoted:
                raise ValueError("Oxigraph stores are not formula aware")
            s, p, o = triple
            self._inner.add(ox.Quad(to_ox(s), to_ox(p), to_ox(o), self.ox_graph))
            Store.add(self, triple, context, quoted)

        def addN(self, quads: Iterable[Any]) -> None:
            self._inner.extend(
                [ox.Quad(to_ox(s), to_ox(p), to_ox(o), self.ox_graph) for s, p, o, _g in quads]
            )

        def remove(self, triple: Any, context: Any = None) -> None:
            try:
                s, p, o, _g = to_ox_quad_pattern(triple, None)
                quads = list(self._inner.quads_for_pattern(s, p, o, self.ox_graph))
            except (TypeError, ValueError):
                return
            for quad in quads:
                self._inner.remove(quad)
            Store.remove(self, triple, context)

        def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
            try:
                s, p, o, _g = to_ox_quad_pattern(triple_pattern, None)
                quads = self._inner.quads_for_pattern(s, p, o, self.ox_graph)
            except (TypeError, ValueError):
                return  # a pattern no triple matches: a literal subject, a blank predicate
            term = from_ox_sharing({})  # a walk meets each subject and predicate many times
            for q in quads:
                yield (term(q.subject), term(q.predicate), term(q.object)), iter((context,))

        def query(self, query: Any, initNs: Any, initBindings: Any, queryGraph: Any, **kw: Any):
            if not isinstance(query, str) or kw:
                raise NotImplementedError  # rdflib evaluates it over triples() instead
            try:
                from .safety import network_allowed

                answer = stoppable_query(
                    self._inner,
                    query,
                    allow_network=network_allowed(),
                    use_default_graph_as_union=queryGraph == "__UNION__",
                    default_graph=None if queryGraph == "__UNION__" else self.ox_graph,
                    prefixes=dict(self._namespace_for_prefix, **(initNs or {})),
                    substitutions={
                        ox.Variable(k): to_ox(v) for k, v in (initBindings or {}).items()
                    },
                )
            except RuntimeError as err:
                # Oxigraph substitutes only projected variables; rdflib's own engine (over this
                # store's triples) binds any variable.
                if initBindings and "projection" in str(err):
                    raise NotImplementedError(str(err)) from None
                raise QueryError(str(err)) from None
            except SyntaxError as err:
                raise QueryError(f"malformed query: {err}") from None
            except OSError as err:
                raise BackendError(f"the Oxigraph store failed: {err}") from None
            if isinstance(answer, (bool, ox.QueryBoolean)):
                out = Result("ASK")
                out.askAnswer = bool(answer)
            elif isinstance(answer, ox.QuerySolutions):
                out = Result("SELECT")
                out.vars = [Variable(v.value) for v in answer.variables]
                names = out.vars
                out.bindings = (
                    {
                        v: from_ox(value)
                        for v, value in zip(names, row, strict=True)
                        if value is not None
                    }
                    for row in answer
                )
            else:
                out = Result("CONSTRUCT")
                out.graph = Graph()
                out.graph += (
                    (from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in answer
                )
            return out

        def __len__(self, context: Any = None) -> int:
            # oxrdflib counts DISTINCT triples over all graphs (seconds at 1M); a named graph
            # holds each triple once, so COUNT(*) is exact and much faster.
            return count_triples(self._inner, self.ox_graph)

    return QegraphOxigraphStore
