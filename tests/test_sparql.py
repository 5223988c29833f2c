"""SPARQL: named queries, parameters, prefixes, refusals, and a differential check against
Oxigraph (every named query gives the same result set through qegraph and through pyoxigraph)."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from qegraph import ConceptLookupError, NetworkRefusedError, QueryError, query
from qegraph.namespaces import PREFIXES, QE
from qegraph.resources import construct_files, module_files, query_files
from qegraph.sparql import (
    named_queries,
    named_query,
    parse_param,
    prepare_query,
    resolve_value,
    run_query,
)

# Oxigraph's store keeps integers derived from xsd:integer (xsd:positiveInteger...) as
# xsd:integer; the value is the same, so the comparison treats them as one type.
_INTEGER_TYPES = {
    str(XSD[name])
    for name in (
        "integer",
        "positiveInteger",
        "nonNegativeInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}


def _datatype(iri: str) -> str:
    return str(XSD.integer) if iri in _INTEGER_TYPES else iri


def _rdflib_value(term):
    if term is None:
        return None
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, Literal):
        datatype = "" if term.language or term.datatype is None else _datatype(str(term.datatype))
        return ("literal", str(term), (term.language or "").lower(), datatype)
    return ("iri", str(term))


def _oxigraph_value(term):
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return ("bnode",)
    if isinstance(term, ox.Literal):
        plain = term.language or term.datatype.value == str(XSD.string)
        datatype = "" if plain else _datatype(term.datatype.value)
        return ("literal", term.value, (term.language or "").lower(), datatype)
    return ("iri", term.value)


@pytest.fixture(scope="module")
def oxigraph_store() -> ox.Store:
    store = ox.Store()
    for module in module_files():
        store.load(module.read_bytes(), format=ox.RdfFormat.TURTLE)
    return store


def test_there_are_named_queries_to_check() -> None:
    # The checks below iterate over the named queries: make sure they found some.
    assert len(named_queries()) == len(query_files()) + len(construct_files())
    assert len(query_files()) >= 25 and len(construct_files()) >= 2


@pytest.mark.parametrize("item", named_queries(), ids=lambda q: q.name)
def test_named_query_gives_the_same_result_set_as_oxigraph(
    item, bundled_graph, oxigraph_store
) -> None:
    ours = run_query(bundled_graph, item.text)
    theirs = oxigraph_store.query(item.text, prefixes=PREFIXES)
    if ours.kind == "ASK":
        assert ours.boolean == bool(theirs)
        return
    if ours.kind in ("CONSTRUCT", "DESCRIBE"):
        ours_triples = Counter(tuple(_rdflib_value(t) for t in triple) for triple in ours.graph)
        their_triples = Counter(
            tuple(_oxigraph_value(t) for t in (x.subject, x.predicate, x.object)) for x in theirs
        )
        assert ours_triples == their_triples
        return
    assert ours.variables == [v.value for v in theirs.variables]
    ours_rows = Counter(tuple(_rdflib_value(row[v]) for v in ours.variables) for row in ours)
    their_rows = Counter(
        tuple(_oxigraph_value(solution[v]) for v in ours.variables) for solution in theirs
    )
    assert ours_rows == their_rows
    assert len(ours) > 0, f"{item.name} found nothing in the bundled graph"


def test_named_query_names_and_questions_come_from_the_first_line() -> None:
    for item, path in zip(named_queries(), [*query_files(), *construct_files()], strict=True):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# {item.name}: {item.question}"


def test_named_query_lookup_ignores_case_and_leading_zeros() -> None:
    first = named_queries()[0]
    number = int(first.name.split("-")[1])
    assert named_query(f"cq-{number}") == first


def test_unknown_named_query_lists_the_known_names() -> None:
    known = ", ".join(q.name for q in named_queries())
    with pytest.raises(QueryError) as info:
        named_query("CQ-999")
    assert str(info.value) == f"unknown named query 'CQ-999'; known queries: {known}"


def test_query_returns_rows_keyed_by_variable(bundled_graph) -> None:
    rows = query(
        bundled_graph, "SELECT ?x ?label WHERE { ?x a qe:Paradigm ; skos:prefLabel ?label }"
    )
    assert rows.variables == ["x", "label"]
    english = {str(r["label"]) for r in rows if r["label"].language == "en"}
    assert english == {"quality education", "exam-oriented education"}


def test_query_binds_a_keyword_given_as_a_chinese_label(bundled_graph) -> None:
    rows = query(
        bundled_graph, "SELECT ?value WHERE { ?concept qe:respects ?value }", concept="个性化教育"
    )
    assert [r["value"] for r in rows] == [QE["individual-differences"]]


def test_query_runs_a_named_query_by_name(bundled_graph) -> None:
    item = named_queries()[0]
    assert len(query(bundled_graph, item.name)) == len(run_query(bundled_graph, item.text))


def test_unbound_variables_are_none(bundled_graph) -> None:
    rows = query(bundled_graph, "SELECT ?x ?missing WHERE { BIND(qe:scheme AS ?x) }")
    assert rows[0] == {"x": QE.scheme, "missing": None}


def test_query_own_prefix_wins_over_the_standard_one(bundled_graph) -> None:
    text = "PREFIX qe: <http://example.org/other#> ASK { ?s a qe:Paradigm }"
    assert run_query(bundled_graph, text).boolean is False
    assert run_query(bundled_graph, "ASK { ?s a qe:Paradigm }").boolean is True


def test_reason_answers_over_the_owl_rl_closure(bundled_graph) -> None:
    text = "ASK { qe:exam-oriented-education qe:opposes qe:quality-education }"
    assert run_query(bundled_graph, text).boolean is False
    assert run_query(bundled_graph, text, reason=True).boolean is True


def test_construct_returns_a_graph(bundled_graph) -> None:
    result = run_query(bundled_graph, "CONSTRUCT { ?a qe:opposes ?b } WHERE { ?a qe:opposes ?b }")
    assert result.kind == "CONSTRUCT"
    assert (QE["quality-education"], QE.opposes, QE["exam-oriented-education"]) in result.graph


def test_service_is_refused_without_allow_network(fixtures) -> None:
    text = (fixtures / "query-service.rq").read_text()
    with pytest.raises(NetworkRefusedError) as info:
        prepare_query(text)
    assert str(info.value) == (
        "SPARQL SERVICE <http://127.0.0.1:9/sparql> is refused: it would query a remote "
        "endpoint; pass --allow-network to permit it"
    )


def test_service_nested_in_optional_is_found_in_the_algebra() -> None:
    text = "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://127.0.0.1:9/> { ?s ?q ?r } } }"
    with pytest.raises(NetworkRefusedError, match=r"^SPARQL SERVICE <http://127\.0\.0\.1:9/>"):
        prepare_query(text)


def test_the_word_service_in_a_string_is_not_refused() -> None:
    assert prepare_query('SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }').kind == "SELECT"


def test_service_parses_with_allow_network(fixtures) -> None:
    text = (fixtures / "query-service.rq").read_text()
    assert prepare_query(text, allow_network=True).kind == "SELECT"


def test_load_is_refused() -> None:
    with pytest.raises(NetworkRefusedError) as info:
        prepare_query("LOAD <http://127.0.0.1:9/data.ttl>")
    assert str(info.value) == (
        "SPARQL LOAD is refused: qegraph never fetches data from inside a query "
        "(download the file and pass it with --data)"
    )


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("INSERT DATA { qe:a qe:b qe:c }", "INSERT DATA"),
        ("DELETE DATA { qe:a qe:b qe:c }", "DELETE DATA"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE"),
        ("DELETE { ?s ?p ?o } INSERT { ?o ?p ?s } WHERE { ?s ?p ?o }", "DELETE/INSERT"),
        ("CLEAR ALL", "CLEAR"),
        ("DROP GRAPH <urn:x:g>", "DROP"),
        ("CREATE GRAPH <urn:x:g>", "CREATE"),
        ("ADD <urn:x:a> TO <urn:x:b>", "ADD"),
        ("MOVE <urn:x:a> TO <urn:x:b>", "MOVE"),
        ("COPY <urn:x:a> TO <urn:x:b>", "COPY"),
    ],
)
def test_every_update_form_is_refused(text: str, form: str) -> None:
    with pytest.raises(QueryError) as info:
        prepare_query(text)
    assert str(info.value) == f"SPARQL updates ({form}) are refused: qegraph only reads"


def test_syntax_error_shows_line_column_and_the_line(fixtures) -> None:
    text = (fixtures / "query-syntax-error.rq").read_text()
    with pytest.raises(QueryError) as info:
        prepare_query(text)
    assert str(info.value) == (
        "SPARQL syntax error at line 3, column 3 near 'FILTER':\n    FILTER (?concept = )\n    ^"
    )


def test_unknown_prefix_is_named() -> None:
    with pytest.raises(QueryError) as info:
        prepare_query("SELECT * WHERE { ?s foo:bar ?o }")
    assert str(info.value).startswith("unknown prefix foo: in the query; declare it with PREFIX")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("qe:critical-thinking", QE["critical-thinking"]),
        ("<https://w3id.org/qegraph/critical-thinking>", QE["critical-thinking"]),
        ("https://w3id.org/qegraph/critical-thinking", QE["critical-thinking"]),
        ("critical thinking", QE["critical-thinking"]),
        ("批判性思维", QE["critical-thinking"]),
        ('"critical thinking"@en', Literal("critical thinking", lang="en")),
        ('"plain"', Literal("plain")),
        ('"5"^^xsd:integer', Literal("5", datatype=XSD.integer)),
        ("42", Literal("42", datatype=XSD.integer)),
        ("true", Literal("true", datatype=XSD.boolean)),
    ],
)
def test_param_values_resolve_to_terms(bundled_graph, value: str, expected) -> None:
    assert resolve_value(bundled_graph, value) == expected


def test_unknown_label_suggests_quoting_for_a_literal(bundled_graph) -> None:
    with pytest.raises(ConceptLookupError) as info:
        resolve_value(bundled_graph, "no such concept anywhere")
    assert str(info.value).endswith(
        '(write "no such concept anywhere" in quotes for a plain literal)'
    )


def test_param_without_equals_sign_is_refused(bundled_graph) -> None:
    with pytest.raises(QueryError) as info:
        parse_param(bundled_graph, "concept")
    assert str(info.value) == (
        "--param 'concept': expected NAME=VALUE, e.g. concept=qe:rote-learning"
    )


def test_param_name_may_carry_a_question_mark(bundled_graph) -> None:
    assert parse_param(bundled_graph, "?c=qe:scheme") == ("c", QE.scheme)


def test_bound_parameter_restricts_the_answer(bundled_graph) -> None:
    text = "SELECT ?c ?label WHERE { ?c skos:prefLabel ?label }"
    rows = run_query(bundled_graph, text, bindings={"c": URIRef(QE["rote-learning"])})
    assert {str(r["label"]) for r in rows} == {"rote learning", "死记硬背"}


def test_bound_parameter_matches_oxigraph_substitution(bundled_graph, oxigraph_store) -> None:
    text = "SELECT ?c ?p ?o WHERE { ?c ?p ?o FILTER(isIRI(?o)) }"
    concept = resolve_value(bundled_graph, "个性化教育")
    ours = run_query(bundled_graph, text, bindings={"c": concept})
    theirs = oxigraph_store.query(
        text, prefixes=PREFIXES, substitutions={ox.Variable("c"): ox.NamedNode(str(concept))}
    )
    ours_rows = Counter(tuple(_rdflib_value(row[v]) for v in ours.variables) for row in ours)
    their_rows = Counter(tuple(_oxigraph_value(s[v]) for v in ours.variables) for s in theirs)
    assert ours_rows == their_rows
    assert len(ours) > 5


def test_select_star_columns_are_in_name_order(bundled_graph) -> None:
    text = "SELECT * WHERE { ?f ?b ?e . ?e ?a ?d . ?d ?c ?g } LIMIT 1"
    assert run_query(bundled_graph, text).variables == ["a", "b", "c", "d", "e", "f", "g"]
