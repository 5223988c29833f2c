"""Exports never lose data: a graph a format cannot hold gives an error naming the problem, and a
failed or interrupted export leaves the previous file intact (and no temporary file behind)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from qegraph.atomic import atomic_open
from qegraph.errors import ExportError
from qegraph.exporting import export, serialize
from qegraph.loading import load

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_graph(name: str):
    return load([FIXTURES / name], bundled=False)


def test_blank_node_cycle_survives_jsonld(tmp_path):
    graph = fixture_graph("hostile-bnode-cycle.ttl")
    path = tmp_path / "cycle.jsonld"
    path.write_bytes(serialize(graph, "jsonld"))
    back = load([path], bundled=False)
    assert len(back) == 5
    assert isomorphic(back, graph)


def test_control_characters_are_refused_by_rdfxml():
    graph = fixture_graph("hostile-control-chars.ttl")
    with pytest.raises(ExportError) as err:
        serialize(graph, "xml")
    assert str(err.value).startswith("RDF/XML cannot hold the control character U+0007 in the")
    assert str(err.value).endswith("remove it or export as turtle, nt or jsonld")


def test_control_characters_survive_turtle(tmp_path):
    graph = fixture_graph("hostile-control-chars.ttl")
    path = tmp_path / "control.ttl"
    path.write_bytes(serialize(graph, "turtle"))
    assert isomorphic(load([path], bundled=False), graph)


def test_predicate_without_qname_is_refused_by_rdfxml():
    graph = fixture_graph("hostile-no-qname.ttl")
    with pytest.raises(ExportError) as err:
        serialize(graph, "xml")
    assert str(err.value) == (
        "RDF/XML cannot write the predicate <https://example.org/relations/>: it does not end in "
        "an XML name, so it has no QName; export as turtle, nt or jsonld instead"
    )


def test_failed_export_leaves_the_previous_file_intact(tmp_path):
    target = tmp_path / "graph.rdf"
    target.write_text("previous export\n", encoding="utf-8")
    with pytest.raises(ExportError):
        export(fixture_graph("hostile-control-chars.ttl"), "xml", target)
    assert target.read_text(encoding="utf-8") == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.rdf"]


def test_interrupted_write_leaves_the_previous_file_intact(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("previous export\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), atomic_open(target) as handle:
        handle.write(b"@prefix half: <written")
        raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]


@pytest.mark.parametrize("fmt", ["trig", "nquads", "turtle", "jsonld"])
def test_line_separator_characters_survive_export(tmp_path, fmt):
    from rdflib import URIRef

    from qegraph.loading import load_dataset

    source = load_dataset([FIXTURES / "hostile-line-separators.trig"], bundled=False)
    suffix = {"trig": ".trig", "nquads": ".nq", "turtle": ".ttl", "jsonld": ".jsonld"}[fmt]
    path = tmp_path / f"out{suffix}"
    path.write_bytes(serialize(source, fmt))
    original = source.graph(URIRef("https://example.org/graph"))
    if fmt in ("trig", "nquads"):
        back = load_dataset([path], bundled=False).graph(URIRef("https://example.org/graph"))
    else:
        back = load([path], bundled=False)
    assert len(original) == 4
    assert isomorphic(back, original)
