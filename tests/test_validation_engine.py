"""The quality-check queries run on Oxigraph and give exactly the rows rdflib's engine gives,
on the bundled graph and on every fixture built to make a check fire."""

from __future__ import annotations

from pathlib import Path

import pytest

from qegraph.validation import ValidationReport, _checks

from .conftest import FIXTURES
from .test_ontology_rules import CHECKS, _graph


def _findings(graph, engine: str) -> list:
    report = ValidationReport()
    _checks(graph, report, engine=engine)
    return sorted(report.findings, key=lambda f: (f.rule, f.focus, f.detail))


def test_bundled_graph_same_rows(bundled_graph) -> None:
    assert _findings(bundled_graph, "oxigraph") == _findings(bundled_graph, "rdflib") == []


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_same_rows_where_a_check_fires(check) -> None:
    graph = _graph(f"broken-{CHECKS[check]}")
    ours = _findings(graph, "oxigraph")
    assert any(f.rule.startswith(f"{check}:") for f in ours), ours
    assert ours == _findings(graph, "rdflib")


def test_blank_nodes_come_back_as_the_graphs_own(tmp_path) -> None:
    """A finding on a blank node names the node the graph holds (not an Oxigraph copy)."""
    from rdflib import BNode, Graph, Literal, URIRef

    from qegraph.validation import _OxigraphChecks

    graph = Graph()
    node = BNode()
    graph.add((node, URIRef("urn:x:p"), Literal("x")))
    rows = _OxigraphChecks(graph)(graph, "SELECT ?s ?o WHERE { ?s ?p ?o }")
    assert rows == [{"s": node, "o": Literal("x")}]


# --- OWL RL: qegraph's shortcuts through owlrl's rules give owlrl's closure and errors ---

REASONING = FIXTURES / "reasoning"
BROKEN_FIXTURES = sorted(p.stem for p in (FIXTURES / "ontology").glob("broken-*.ttl"))


def _closure(semantics, graph):
    from rdflib import Graph

    from qegraph.reasoning import resolve_vocabulary

    resolve_vocabulary()
    copy = Graph(store="SimpleMemory")
    copy += graph
    rules = semantics(copy, False, False, False)
    rules.closure()
    # owlrl writes its errors into the graph as fresh blank nodes; compare the messages instead
    derived = {t for t in copy if "daml.org" not in str(t[1]) and "daml.org" not in str(t[2])}
    return derived, rules.error_messages


def _same_as_owlrl(graph) -> list[str]:
    import owlrl

    from qegraph.reasoning import owl_rl_semantics

    theirs = _closure(owlrl.OWLRL.OWLRL_Semantics, graph)
    ours = _closure(owl_rl_semantics(), graph)
    assert ours[0] == theirs[0]
    assert ours[1] == theirs[1]  # the same messages in the same order
    return ours[1]


def test_owl_rl_every_kind_of_inconsistency_same_as_owlrl() -> None:
    """A fixture that breaks every axiom owlrl can report on, most of them through derived facts."""
    from rdflib import Graph

    errors = _same_as_owlrl(Graph().parse(REASONING / "owl-rl-every-error.ttl"))
    kinds = {
        "Lexical value", "Erroneous usage of maximum cardinality",
        "Erroneous usage of maximum qualified cardinality", "Disjoint classes",
        "'sameAs' and 'AllDifferent'", "Negative (datatype)", "Negative (object)",
        "Erroneous usage of disjoint properties", "Violation of complementarity",
        "'sameAs' and 'differentFrom'", "Erroneous usage of asymmetric property",
        "Irreflexive property",
    }  # fmt: skip
    assert {k for k in kinds if any(e.startswith(k) for e in errors)} == kinds
    assert any(e.endswith("is defined of type 'Nothing'") for e in errors)
    assert any("(urn:ex:x8, urn:ex:x8)" in e for e in errors)  # x differentFrom x
    assert any("C and urn:ex:E have a common individual" in e for e in errors)  # AllDisjoint


def test_owl_rl_bundled_graph_same_as_owlrl(bundled_graph) -> None:
    assert _same_as_owlrl(bundled_graph) == []


@pytest.mark.parametrize("fixture", BROKEN_FIXTURES)
def test_owl_rl_rule_fixtures_same_as_owlrl(fixture) -> None:
    _same_as_owlrl(_graph(fixture))


def test_owl_rl_synthetic_concept_map_same_as_owlrl() -> None:
    """The kind of graph `qegraph build` meets at scale (the benchmark's, 300 concepts)."""
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))
    from bench_viewer import synthetic

    _same_as_owlrl(synthetic(300))


def test_owl_rl_shortcut_knows_every_term_owlrl_starts_a_rule_from() -> None:
    """The fast rules send a triple to owlrl's rules only when its predicate (or rdf:type's object)
    is one owlrl compares with; a newer owlrl comparing with another term fails here."""
    import inspect
    import re

    import owlrl

    from qegraph.reasoning import _OWL_PREDICATES, _OWL_TYPES

    base = owlrl.OWLRL.OWLRL_Semantics
    methods = ("rules", "_equality", "_properties", "_classes", "_class_axioms")
    source = "".join(inspect.getsource(getattr(base, m)) for m in (*methods, "_schema_vocabulary"))
    compared = {name for _ns, name in re.findall(r"==\s*(OWL|RDFS|RDF)\.(\w+)", source)}
    known = {*_OWL_PREDICATES, *_OWL_TYPES, "type", "Property", "domain", "range"}
    known |= {"subPropertyOf", "subClassOf"}
    assert compared - known == {"Thing"}  # only compared with an object, inside a rule
    assert not re.search(r"\bin\s*\(?\s*(OWL|RDFS|RDF)\.", source)
