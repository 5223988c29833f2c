"""ontology/inventory.csv, the claim inventory read sentence by sentence from both texts, agrees
with the graph: every row's triples are edges with a claim node, with the same passages and
evidence kind; every claim node is in exactly one row; every quote is verbatim from its passage."""

from __future__ import annotations

import csv

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from qegraph import QE
from qegraph.resources import ontology_dir

# The seeds fixture fails with instructions, never skips, when the texts are missing.
from .test_ontology_content import seeds  # noqa: F401

OBO = Namespace("http://purl.obolibrary.org/obo/")
EVIDENCE = {OBO.ECO_0000304: "stated", OBO.ECO_0000305: "inferred"}
PREFIXES = {"qe": str(QE), "dcterms": str(DCTERMS)}
INVENTORY = ontology_dir() / "inventory.csv"


def _iri(curie: str) -> URIRef:
    prefix, local = curie.split(":", 1)
    return URIRef(PREFIXES[prefix] + local)


def _rows() -> list[dict[str, str]]:
    with INVENTORY.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _claims_by_triple(graph) -> dict[tuple[URIRef, URIRef, URIRef], URIRef]:
    claims = {}
    for claim in graph.subjects(RDF.type, QE.Claim):
        key = tuple(graph.value(claim, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        assert key not in claims, f"two claim nodes for {key}"
        claims[key] = claim
    return claims


def _passage_names(graph, claim) -> set[str]:
    names = set()
    for passage in graph.objects(claim, PROV.wasDerivedFrom):
        if (passage, RDF.type, QE.SourcePassage) in graph:
            doc = str(passage).removeprefix(str(QE) + "doc-").split("-p")[0]
            names.add(f"{doc} ¶{graph.value(passage, QE.paragraphNumber)}")
    return names


def test_inventory_has_the_documented_columns_and_a_row_per_claim_group():
    rows = _rows()
    assert list(rows[0]) == ["passage", "quote", "claim", "triples", "evidence"]
    assert len(rows) > 100
    assert all(r["claim"].strip() and r["triples"].strip() for r in rows)


def test_every_row_is_carried_by_claimed_edges_with_its_passages_and_evidence(bundled_graph):
    claims = _claims_by_triple(bundled_graph)
    for row in _rows():
        for triple in row["triples"].split(" ; "):
            s, p, o = (_iri(t) for t in triple.split())
            assert (s, p, o) in bundled_graph, triple
            claim = claims.get((s, p, o))
            assert claim is not None, f"no claim node for {triple}"
            assert EVIDENCE[bundled_graph.value(claim, OBO.RO_0002558)] == row["evidence"], triple
            assert _passage_names(bundled_graph, claim) == set(row["passage"].split(" ; ")), triple


def test_every_claim_node_is_in_exactly_one_row(bundled_graph):
    listed = [
        tuple(_iri(t) for t in triple.split())
        for row in _rows()
        for triple in row["triples"].split(" ; ")
    ]
    assert len(listed) == len(set(listed))
    assert set(listed) == set(_claims_by_triple(bundled_graph))


def test_every_quote_is_verbatim_from_one_of_its_passages(bundled_graph, seeds):  # noqa: F811
    paragraphs = {}
    for doc in (QE["doc-000"], QE["doc-002"]):
        lines = [
            ln
            for ln in (seeds / str(bundled_graph.value(doc, QE.fileName)))
            .read_text(encoding="utf-8")
            .split("\n")
            if ln.strip()
        ]
        key = str(doc).removeprefix(str(QE) + "doc-")
        paragraphs.update({f"{key} ¶{n}": line for n, line in enumerate(lines, 1)})
    quoted = [r for r in _rows() if r["quote"]]
    assert len(quoted) > 50
    for row in quoted:
        assert any(row["quote"] in paragraphs[p] for p in row["passage"].split(" ; ")), row["quote"]
