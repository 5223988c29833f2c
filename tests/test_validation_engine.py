"""The quality-check queries run on Oxigraph and give exactly the rows rdflib's engine gives,
on the bundled graph and on every fixture built to make a check fire."""

from __future__ import annotations

import pytest

from qegraph.validation import ValidationReport, _checks

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
