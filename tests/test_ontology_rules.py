"""Every validation rule (SHACL shape, OWL RL check, quality-check query) fires on a fixture made to
break it and stays silent on a valid base graph, so no rule passes vacuously."""

from __future__ import annotations

import pytest
from rdflib import Graph

from qegraph.loading import parse_into
from qegraph.resources import ontology_dir
from qegraph.validation import check_descriptions, validate

from .conftest import FIXTURES

RULES = FIXTURES / "ontology"

# fixture -> (rule family, text that starts the expected rule)
BROKEN = {
    "concept-missing-zh-label": ("shacl", "a concept needs exactly one Simplified Chinese"),
    "concept-missing-en-label": ("shacl", "a concept needs exactly one English skos:prefLabel"),
    "concept-two-en-labels": ("shacl", "a concept has at most one skos:prefLabel per language"),
    "concept-missing-definition": ("shacl", "a concept needs an English skos:definition"),
    "concept-missing-defined-by": ("shacl", "a concept needs rdfs:isDefinedBy"),
    "concept-not-in-scheme": ("shacl", "a concept must be skos:inScheme"),
    "concept-with-rdfs-label": ("shacl", "a concept carries its names as skos:prefLabel"),
    "exam-trait-unopposed": ("shacl", "an exam-oriented trait must oppose"),
    "opposes-same-side": ("shacl", "qe:opposes must link a quality-education element"),
    "claim-without-passage": ("shacl", "a claim must be prov:wasDerivedFrom"),
    "claim-missing-subject": ("shacl", "a claim needs exactly one rdf:subject"),
    "claim-without-evidence": ("shacl", "a claim needs exactly one evidence kind"),
    "passage-without-document": ("shacl", "a passage must be dcterms:isPartOf"),
    "passage-long-key-phrase": ("shacl", "a passage quotes at most one key phrase"),
    "document-without-file-name": ("shacl", "a source document needs exactly one qe:fileName"),
    "property-without-domain": ("shacl", "an object property needs an rdfs:domain"),
    "class-without-zh-label": ("shacl", "a class or property needs exactly one Simplified Chinese"),
    "ontology-without-license": ("shacl", "an ontology module needs exactly one dcterms:license"),
    "disjoint-sides": (
        "owl-rl",
        "Disjoint classes qe:QualityEducationElement and qe:ExamOrientedTrait",
    ),
}

# every quality-check query, by the fixture that breaks it
CHECKS = {
    "missing-label": "concept-missing-zh-label",
    "missing-definition": "concept-missing-definition",
    "claim-without-passage": "claim-without-passage",
    "undeclared-iri": "undeclared-iri",
    "opposes-same-side": "opposes-same-side",
    "duplicate-label": "duplicate-label",
    "edge-without-claim": "edge-without-claim",
    "claim-without-edge": "claim-without-edge",
    "unopposed-exam-trait": "exam-trait-unopposed",
    "contrast-without-axis": "contrast-without-axis",
    "subclass-cycle": "subclass-cycle",
    "class-punning": "class-punning",
    "missing-chinese-definition": "concept-missing-zh-definition",
    "missing-pinyin": "concept-toneless-pinyin",
    "claim-without-evidence": "claim-without-evidence",
    "cross-class-broader": "cross-class-broader",
}


def _graph(*names: str) -> Graph:
    graph = parse_into(Graph(), ontology_dir() / "schema.ttl")
    for name in ("valid-base", *names):
        parse_into(graph, RULES / f"{name}.ttl")
    return graph


def _rules_fired(family: str, *names: str) -> set[tuple[str, str]]:
    return {(f.source, f.rule) for f in validate(_graph(*names), rules=[family]).findings}


def test_valid_base_fixture_conforms():
    report = validate(_graph())
    assert report.conforms, report.render()


def test_every_check_query_has_a_breaking_fixture():
    assert set(CHECKS) == set(check_descriptions())


def test_every_broken_fixture_is_used():
    used = set(BROKEN) | set(CHECKS.values())
    on_disk = {p.stem.removeprefix("broken-") for p in RULES.glob("broken-*.ttl")}
    assert used == on_disk


@pytest.mark.parametrize("fixture", sorted(BROKEN))
def test_shape_or_reasoner_rule_fires_on_its_broken_fixture(fixture):
    family, start = BROKEN[fixture]
    fired = _rules_fired(family, f"broken-{fixture}")
    assert any(source == family and rule.startswith(start) for source, rule in fired), fired


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_check_query_fires_on_its_broken_fixture(check):
    fired = _rules_fired("checks", f"broken-{CHECKS[check]}")
    assert any(src == "check" and rule.startswith(f"{check}:") for src, rule in fired), fired
