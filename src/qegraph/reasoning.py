"""The OWL RL closure of a graph: what the ontology implies but does not state.

``qegraph query --reason`` answers over it and ``qegraph export --inferred`` writes it. The
closure adds, among others, the inverse of every asserted edge (``qe:hasDimension`` gives
``qe:isDimensionOf``), the other direction of symmetric properties (``qe:opposes``) and the
types implied by ``rdfs:subClassOf``, ``rdfs:domain`` and ``rdfs:range``.

>>> from qegraph import load
>>> from qegraph.namespaces import QE
>>> closed = owl_rl_closure(load())
>>> (QE["exam-oriented-education"], QE.opposes, QE["quality-education"]) in closed
True
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, Literal

from .namespaces import bind_prefixes

__all__ = ["inferred_triples", "owl_rl_closure", "owl_rl_semantics", "resolve_vocabulary"]

_RESOLVED: list[bool] = []


def resolve_vocabulary() -> None:
    """Make ``OWL.sameAs``, ``RDF.type`` and the like plain class attributes (once per process).

    rdflib resolves each term of its defined namespaces through a metaclass ``__getattr__``
    on every use (several microseconds); owlrl names these constants in its rules once per
    triple and rule, so on the bundled graph the closure made 700,000 such lookups, a third
    of its time. The values stay the same ``URIRef`` objects rdflib would return.

    >>> from rdflib.namespace import OWL
    >>> resolve_vocabulary()
    >>> "sameAs" in vars(OWL) and str(OWL.sameAs) == "http://www.w3.org/2002/07/owl#sameAs"
    True
    """
    if _RESOLVED:
        return
    from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

    for namespace in (OWL, RDF, RDFS, SKOS, XSD):
        for name in getattr(namespace, "__annotations__", {}):
            if not name.startswith("_") and name not in vars(namespace):
                type.__setattr__(namespace, name, namespace[name])
    _RESOLVED.append(True)


def owl_rl_semantics() -> type:
    """owlrl's OWL RL rules with three shortcuts that leave the closure and its errors unchanged.

    owlrl asks "is this triple in the graph already?" before storing each derived one, about
    1.7 million times at 5,000 extra concepts, and rdflib answers slowly; the graph only grows
    while the rules run, so a triple once found (or stored) is remembered in a set and not
    asked about again. And eq-ref makes every term ``owl:sameAs`` itself, after which owlrl ran
    the equality rules over each ``x owl:sameAs x``: those only store triples the graph already
    holds (the triples about ``x`` itself), so only their check against ``owl:differentFrom``
    is kept. And a triple whose predicate (or, for ``rdf:type``, whose class) no rule starts
    from goes to eq-ref alone instead of through every rule's comparisons. Tested: the same
    closure and the same errors, in the same order, as owlrl's own class.

    >>> from rdflib import Graph, URIRef
    >>> from rdflib.namespace import OWL, RDF
    >>> g = Graph()
    >>> p, a = URIRef("urn:x:p"), URIRef("urn:x:a")
    >>> _ = g.add((p, RDF.type, OWL.IrreflexiveProperty)).add((a, p, a))
    >>> rules = owl_rl_semantics()(g, False, False)
    >>> rules.closure()
    >>> rules.error_messages
    ['Irreflexive property used on urn:x:a with urn:x:p']
    """
    if _SEMANTICS:
        return _SEMANTICS[0]
    import owlrl
    from rdflib import BNode
    from rdflib import Literal as _Literal
    from rdflib.namespace import OWL, RDF, RDFS

    same_as, different_from = OWL.sameAs, OWL.differentFrom
    base = owlrl.OWLRL.OWLRL_Semantics
    base_equality, base_rules = base._equality, base.rules
    # Every rule of owlrl's OWLRL_Semantics.rules but eq-ref starts by comparing the triple's
    # predicate with one of these (and rdf:type's object with one of TYPES); any other triple
    # can only make its terms the same as themselves. Checked against owlrl's source in
    # tests/test_validation_engine.py, which also compares closures and errors.
    triggers = {
        *owlrl.OWLRL.OWLRL_Annotation_properties,
        RDF.type,
        *(RDFS[n] for n in ("domain", "range", "subPropertyOf", "subClassOf")),
        *(OWL[n] for n in _OWL_PREDICATES),
    }
    types = {RDF.Property, *(OWL[n] for n in _OWL_TYPES)}
    rdf_type = RDF.type

    class FastOWLRL(owlrl.OWLRL.OWLRL_Semantics):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.known: set[tuple] = set()

        def store_triple(self, t: tuple) -> None:  # type: ignore[override]
            known = self.known
            if t in known:
                return  # in the graph, or stored this cycle (and added at its end)
            known.add(t)
            if not isinstance(t[1], _Literal) and not (t in self.destination or t in self.graph):
                self.added_triples.add(t)

        def _equality(self, triple: tuple, cycle_num: int) -> None:
            s, p, o = triple
            if p == same_as and s == o:
                # eq-sym, eq-trans and eq-rep-* on x sameAs x only give back triples the graph
                # holds (those about x itself); eq-ref and eq-diff1 remain.
                self.store_triple((s, same_as, s))
                self.store_triple((p, same_as, p))
                if (s, different_from, s) in self.graph:
                    self.add_error(
                        "'sameAs' and 'differentFrom' cannot be used on the same "
                        f"subject-object pair: ({s}, {o})"
                    )
                return
            base_equality(self, triple, cycle_num)

        def rules(self, t: tuple, cycle_num: int) -> None:  # type: ignore[override]
            p = t[1]
            if p in triggers and (p != rdf_type or t[2] in types):
                base_rules(self, t, cycle_num)
                return
            if cycle_num == 1:
                for r in t:
                    if isinstance(r, BNode) and r not in self.bnodes:
                        self.bnodes.append(r)
            s, p, o = t  # eq-ref, in owlrl's order
            self.store_triple((s, same_as, s))
            self.store_triple((o, same_as, o))
            self.store_triple((p, same_as, p))

    _SEMANTICS.append(FastOWLRL)
    return FastOWLRL


_SEMANTICS: list[type] = []
#: The OWL predicates and rdf:type objects owlrl's rules start from (see owl_rl_semantics).
_OWL_PREDICATES = [
    "propertyChainAxiom",
    "equivalentProperty",
    "propertyDisjointWith",
    "inverseOf",
    "hasKey",
    "sourceIndividual",
    "intersectionOf",
    "unionOf",
    "complementOf",
    "someValuesFrom",
    "allValuesFrom",
    "hasValue",
    "maxCardinality",
    "maxQualifiedCardinality",
    "oneOf",
    "equivalentClass",
    "disjointWith",
    "sameAs",
]
_OWL_TYPES = [
    "FunctionalProperty",
    "InverseFunctionalProperty",
    "IrreflexiveProperty",
    "SymmetricProperty",
    "AsymmetricProperty",
    "TransitiveProperty",
    "AllDisjointProperties",
    "Nothing",
    "AllDisjointClasses",
    "AllDifferent",
    "Class",
    "ObjectProperty",
    "DatatypeProperty",
]


def owl_rl_closure(graph: Graph) -> Graph:
    """A new graph: ``graph`` plus every triple the OWL 2 RL rules derive from it.

    The input is left unchanged. Axiomatic and datatype triples are left out, and so are the
    "triples" with a literal subject that the rules produce, which RDF does not allow and no
    serializer can write.

    Parameters
    ----------
    graph:
        The asserted graph (usually :func:`qegraph.load`).

    Returns
    -------
    Graph
        A new graph with the standard prefixes bound.
    """
    import owlrl

    resolve_vocabulary()
    closed = bind_prefixes(Graph())
    add = closed.add
    for triple in graph:
        add(triple)
    owlrl.DeductiveClosure(
        owl_rl_semantics(), axiomatic_triples=False, datatype_axioms=False
    ).expand(closed)
    for triple in [t for t in closed if isinstance(t[0], Literal)]:
        closed.remove(triple)
    return closed


def inferred_triples(graph: Graph) -> Graph:
    """Only the triples that the closure adds to ``graph`` (none of the asserted ones).

    >>> from rdflib import Graph, URIRef
    >>> from rdflib.namespace import OWL, RDF
    >>> g = Graph()
    >>> p, a, b = (URIRef(f"urn:x:{n}") for n in "pab")
    >>> _ = g.add((p, RDF.type, OWL.SymmetricProperty)).add((a, p, b))
    >>> (b, p, a) in inferred_triples(g)
    True
    """
    closed = owl_rl_closure(graph)
    for triple in graph:
        closed.remove(triple)
    return closed
