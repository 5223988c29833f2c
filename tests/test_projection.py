"""The RDF-to-NetworkX projection and the node scores the viewer uses."""

from __future__ import annotations

import pytest
from rdflib import Literal

from qegraph import load
from qegraph.projection import communities, degree, pagerank, project
from qegraph.resources import ontology_dir

TINY = "https://example.org/tiny/"
STAR = "https://example.org/star/"


def fixture_graph(fixtures, *names):
    """The schema (for the side classes) and the named fixture files, without the concepts."""
    files = [str(ontology_dir() / "schema.ttl"), *(str(fixtures / n) for n in names)]
    return load(files, bundled=False)


@pytest.fixture()
def tiny(fixtures):
    return fixture_graph(fixtures, "analysis-tiny.ttl")


@pytest.fixture()
def contrast(fixtures):
    return fixture_graph(fixtures, "analysis-tiny.ttl", "analysis-contrast.ttl")


def test_nodes_are_the_concepts_keyed_by_iri(tiny):
    G = project(tiny)
    assert sorted(G.nodes) == [TINY + n for n in ("a", "b", "c", "d", "e", "hub")]


def test_node_attributes_carry_both_labels_definition_types_side_and_curie(tiny):
    hub = project(tiny).nodes[TINY + "hub"]
    assert hub == {
        "label_en": "hub idea",
        "label_zh": "枢纽观念",
        "definition": "The centre of the tiny map.",
        "types": ["qe:Paradigm", "qe:QualityEducationElement", "skos:Concept"],
        "type": "qe:Paradigm",
        "side": "quality",
        "curie": TINY + "hub",
    }


def test_side_follows_subclasses_of_the_side_classes(tiny):
    G = project(tiny)
    # qe:Dimension is a subclass of qe:QualityEducationElement; qe:Competency is on no side.
    assert G.nodes[TINY + "a"]["side"] == "quality"
    assert G.nodes[TINY + "d"]["side"] == "neutral"


def test_edges_are_keyed_by_predicate_curie_with_labels_in_both_languages(tiny):
    G = project(tiny)
    assert G.edges[TINY + "c", TINY + "d", "qe:requires"] == {
        "predicate": "qe:requires",
        "label": "requires",
        "label_zh": "要求",
    }
    assert G.number_of_edges() == 4


def test_literals_never_become_nodes(tiny):
    G = project(tiny, include_schema=True, include_provenance=True)
    assert not any(isinstance(n, Literal) for n in G.nodes)
    assert "hub idea" not in G and "The centre of the tiny map." not in G


def test_predicates_option_follows_only_the_given_predicates(tiny):
    G = project(tiny, predicates=["qe:includes"])
    assert sorted((u, v, k) for u, v, k in G.edges(keys=True)) == [
        (TINY + "hub", TINY + "a", "qe:includes"),
        (TINY + "hub", TINY + "b", "qe:includes"),
    ]
    assert G.number_of_nodes() == 6  # nodes do not depend on the predicates followed


def test_provenance_nodes_only_when_asked(contrast):
    assert TINY + "claim-1" not in project(contrast)
    G = project(contrast, include_provenance=True)
    assert G.nodes[TINY + "claim-1"]["type"] == "qe:Claim"
    assert G.has_edge(TINY + "claim-1", TINY + "cram", "rdf:subject")
    assert G.edges[TINY + "claim-1", TINY + "passage-1", "prov:wasDerivedFrom"]["label"] == (
        "derived from"
    )


def test_schema_terms_only_when_asked(tiny):
    qe_dimension = "https://w3id.org/qegraph/Dimension"
    assert qe_dimension not in project(tiny)
    G = project(tiny, include_schema=True)
    assert G.nodes[qe_dimension]["label_zh"] == "内涵方面"
    assert G.has_edge(TINY + "a", qe_dimension, "rdf:type")


def test_contrast_axes_are_left_out_of_the_concepts(bundled_graph):
    G = project(bundled_graph)
    axis = "https://w3id.org/qegraph/goal-axis"
    assert axis not in G
    assert axis in project(bundled_graph, include_schema=True)


def test_lower_cased_language_tags_still_give_chinese_labels(tiny):
    # Language tags are case-insensitive; some parsers lower-case "zh-Hans" to "zh-hans".
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    node = URIRef(TINY + "d")
    tiny.remove((node, SKOS.prefLabel, None))
    tiny.add((node, SKOS.prefLabel, Literal("深层能力", lang="zh-hans")))
    tiny.add((node, SKOS.prefLabel, Literal("deep skill", lang="EN")))
    data = project(tiny).nodes[TINY + "d"]
    assert (data["label_en"], data["label_zh"]) == ("deep skill", "深层能力")


def test_bundled_concept_has_its_chinese_label_and_quality_side(bundled_graph):
    node = project(bundled_graph).nodes["https://w3id.org/qegraph/personalized-education"]
    assert node["label_zh"] == "个性化教育"
    assert node["side"] == "quality"


def test_degree_counts_distinct_neighbours_once(fixtures):
    G = project(fixture_graph(fixtures, "analysis-star.ttl"))
    # leaf-3 and the centre are related both ways: still one neighbour each.
    assert degree(G) == {
        STAR + "centre": 3,
        STAR + "leaf-1": 1,
        STAR + "leaf-2": 1,
        STAR + "leaf-3": 1,
    }


def test_pagerank_of_a_star_equals_the_closed_form(fixtures):
    G = project(fixture_graph(fixtures, "analysis-star.ttl"))
    d, n = 0.85, 4
    # centre C = (1-d)/n + d*(3 leaves * L), leaf L = (1-d)/n + d*C/3  =>  C = a(1+3d)/(1-d^2).
    a = (1 - d) / n
    centre = a * (1 + 3 * d) / (1 - d * d)
    leaf = (1 - centre) / 3
    scores = pagerank(G)
    assert scores[STAR + "centre"] == pytest.approx(centre, abs=1e-9)
    for i in (1, 2, 3):
        assert scores[f"{STAR}leaf-{i}"] == pytest.approx(leaf, abs=1e-9)


def test_communities_number_the_largest_first(contrast):
    groups = communities(project(contrast))
    assert groups[TINY + "e"] == max(groups.values())  # the isolated node is the smallest
    sizes = [list(groups.values()).count(i) for i in range(max(groups.values()) + 1)]
    assert sizes == sorted(sizes, reverse=True)


def test_projection_is_identical_when_built_twice(bundled_graph):
    first, second = project(bundled_graph), project(bundled_graph)
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))
    assert list(first.edges(keys=True, data=True)) == list(second.edges(keys=True, data=True))


def test_graph_sharing_a_store_projects_like_a_graph_of_its_own(bundled_graph):
    # A graph alone in its store is read through the store's index; one of several graphs in a
    # dataset is read the ordinary way. Both must give the same projection, and only its triples.
    from rdflib import Dataset, URIRef

    dataset = Dataset()
    shared = dataset.graph(URIRef("urn:example:concepts"))
    for triple in bundled_graph:
        shared.add(triple)
    other = dataset.graph(URIRef("urn:example:other"))
    qe = "https://w3id.org/qegraph/"
    other.add((URIRef(qe + "critical-thinking"), URIRef(qe + "opposes"), URIRef(qe + "students")))
    assert (URIRef(qe + "critical-thinking"), None, URIRef(qe + "students")) not in bundled_graph
    alone, in_dataset = project(bundled_graph), project(shared)
    assert list(alone.nodes(data=True)) == list(in_dataset.nodes(data=True))
    assert list(alone.edges(keys=True, data=True)) == list(in_dataset.edges(keys=True, data=True))
