"""The Python API at the engine's speed (issue 16): ``qegraph.load(files, engine="oxigraph")``
gives an rdflib ``Graph`` kept in an in-memory Oxigraph store, with every check, error and warning
of the default ``load``, and ``graph.query`` rows equal to qegraph's own query path over rdflib for
every named query."""

from __future__ import annotations

import inspect
import warnings
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

import qegraph
from qegraph import load
from qegraph.engine_projection import engine_store
from qegraph.loading import FORMAT_BY_SUFFIX, QegraphWarning
from qegraph.sparql import named_queries

FIXTURES = Path(__file__).parent / "fixtures"
EXTRA = FIXTURES / "backends-extra.ttl"
RDF_FIXTURES = sorted(
    p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix.lower() in FORMAT_BY_SUFFIX
)
NAMES = [q.name for q in named_queries()]
REWRITTEN = "writes back in its own form"


@pytest.fixture(scope="module")
def graphs() -> tuple[Graph, Graph]:
    """(the default rdflib graph, the Oxigraph-backed graph) of the bundled ontology + EXTRA."""
    return load([EXTRA]), load([EXTRA], engine="oxigraph")


def _on_oxigraph(graph: Graph) -> bool:
    return engine_store(graph) is not None


# --- the same answers ----------------------------------------------------------------------


def test_every_competency_question_is_compared() -> None:
    assert sum(name.startswith("CQ-") for name in NAMES) >= 28


def _rows(result) -> list[dict[str, object]]:
    """An rdflib ``Result``'s SELECT rows as dicts (unbound variables left out)."""
    return [{str(v): row[v] for v in result.vars if row[v] is not None} for row in result]


def _sorted_unless_ordered(text: str, rows: list[dict[str, object]]) -> list:
    if "ORDER BY" in text.upper():
        return rows
    return sorted(rows, key=lambda row: sorted((k, repr(v)) for k, v in row.items()))


@pytest.mark.parametrize("name", NAMES)
def test_named_query_rows_match_the_rdflib_path(graphs: tuple[Graph, Graph], name: str) -> None:
    rdflib_graph, ox_graph = graphs
    assert _on_oxigraph(ox_graph) and not _on_oxigraph(rdflib_graph)
    text = next(q.text for q in named_queries() if q.name == name)
    expected = qegraph.query(rdflib_graph, name)
    ours = qegraph.query(ox_graph, name)
    assert (ours.kind, ours.variables, ours.boolean) == (
        expected.kind,
        expected.variables,
        expected.boolean,
    )
    if expected.kind in ("CONSTRUCT", "DESCRIBE"):
        assert isomorphic(ours.graph, expected.graph)
        assert isomorphic(ox_graph.query(text).graph, expected.graph)
        return
    assert ours.rows == expected.rows
    # Plain rdflib: graph.query(text) runs in Oxigraph and gives the same rows.
    raw = ox_graph.query(text)
    if expected.kind == "ASK":
        assert raw.askAnswer == expected.boolean
        return
    wanted = [{k: v for k, v in row.items() if v is not None} for row in expected.rows]
    assert _sorted_unless_ordered(text, _rows(raw)) == _sorted_unless_ordered(text, wanted)
    assert sorted(str(v) for v in raw.vars) == sorted(expected.variables)


def test_bound_variables_and_parameters_match(graphs: tuple[Graph, Graph]) -> None:
    rdflib_graph, ox_graph = graphs
    text = "SELECT ?other WHERE { ?paradigm qe:opposes ?other }"
    for graph in graphs:
        rows = qegraph.query(graph, text, paradigm="素质教育")
        assert [row["other"] for row in rows] == [URIRef(qegraph.QE["exam-oriented-education"])]
    # A binding of a variable the query does not project (Oxigraph refuses it; rdflib answers).
    concept = URIRef(qegraph.QE["critical-thinking"])
    found = [
        sorted(
            str(r[0])
            for r in g.query(
                "SELECT ?label WHERE { ?c skos:prefLabel ?label }", initBindings={"c": concept}
            )
        )
        for g in (rdflib_graph, ox_graph)
    ]
    assert found[0] == found[1] == ["critical thinking", "批判性思维"]


def test_language_tags_differ_in_sparql_only(graphs: tuple[Graph, Graph]) -> None:
    """Documented difference: Oxigraph's LANG() gives the tag in lower case (BCP 47 tags have no
    case); terms read back keep their case, and langMatches() agrees on both."""
    rdflib_graph, ox_graph = graphs
    tag = "SELECT (LANG(?l) AS ?t) WHERE { qe:critical-thinking skos:prefLabel ?l } ORDER BY ?t"
    assert [str(r[0]) for r in rdflib_graph.query(tag)] == ["en", "zh-Hans"]
    assert [str(r[0]) for r in ox_graph.query(tag)] == ["en", "zh-hans"]
    matches = """SELECT ?l WHERE { qe:critical-thinking skos:prefLabel ?l
        FILTER(langMatches(LANG(?l), "zh-Hans")) }"""
    expected = [Literal("批判性思维", lang="zh-Hans")]
    assert [r[0] for r in rdflib_graph.query(matches)] == expected
    assert [r[0] for r in ox_graph.query(matches)] == expected


# --- the same graph, errors and warnings ---------------------------------------------------


def _outcome(path: Path, **options):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            graph = load([path], bundled=False, **options)
        except Exception as err:  # compared below, type and message
            return "error", f"{type(err).__name__}: {err}", [str(w.message) for w in caught]
    return "ok", graph, [str(w.message) for w in caught]


@pytest.mark.parametrize("path", RDF_FIXTURES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture_loads_as_load_does(path: Path) -> None:
    before = _outcome(path)
    after = _outcome(path, engine="oxigraph")
    assert before[0] == after[0], (before[1], after[1])
    rewritten = [m for m in after[2] if REWRITTEN in m]
    assert [m for m in after[2] if REWRITTEN not in m] == before[2]  # the same warnings
    if before[0] == "error":
        assert before[1] == after[1]
        return
    # Either kept in Oxigraph, or (literals it would rewrite) in rdflib after one warning.
    assert _on_oxigraph(after[1]) == (not rewritten)
    assert len(rewritten) <= 1
    assert isomorphic(before[1], after[1])
    assert len(before[1]) == len(after[1])


def test_the_bundled_graph_is_the_same() -> None:
    rdflib_graph, ox_graph = load(), load(engine="oxigraph")
    assert _on_oxigraph(ox_graph)
    assert len(ox_graph) == len(rdflib_graph)
    assert isomorphic(ox_graph, rdflib_graph)
    assert dict(ox_graph.namespaces()) == dict(rdflib_graph.namespaces())


@pytest.mark.parametrize(
    "literal", ['"1.0"^^xsd:decimal', "2.50", '"3"^^xsd:positiveInteger', "1e3"]
)
def test_values_oxigraph_rewrites_are_kept_by_rdflib(tmp_path: Path, literal: str) -> None:
    data = tmp_path / "scores.ttl"
    data.write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f"<https://example.org/a> <https://example.org/score> {literal} .\n",
        encoding="utf-8",
    )
    with pytest.warns(QegraphWarning, match=REWRITTEN) as caught:
        graph = load([data], engine="oxigraph")
    assert str(data) in str(caught[0].message)
    assert not _on_oxigraph(graph)
    assert isomorphic(graph, load([data]))


def test_values_written_alike_stay_in_oxigraph(tmp_path: Path) -> None:
    data = tmp_path / "counts.ttl"
    data.write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<https://example.org/a> <https://example.org/n> 5 , true , "2024-01-02"^^xsd:date .\n',
        encoding="utf-8",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        graph = load([data], engine="oxigraph")
    assert _on_oxigraph(graph)
    assert isomorphic(graph, load([data]))


def test_errors_are_worded_as_before(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<https://example.org/a> <https://example.org/p> .\n", encoding="utf-8")
    big = tmp_path / "big.nt"
    big.write_text("<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n")
    for files, options in (
        ([bad], {}),
        ([tmp_path / "missing.ttl"], {}),
        ([tmp_path / "notes.txt"], {}),
        ([big], {"max_bytes": 10}),
    ):
        messages = []
        for engine in ("rdflib", "oxigraph"):
            with pytest.raises(qegraph.InputError) as caught:
                load(files, engine=engine, **options)
            messages.append(str(caught.value))
        assert messages[0] == messages[1]
        assert files[0].name in messages[0]


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="engine must be 'rdflib' or 'oxigraph'"):
        load(engine="sqlite")  # type: ignore[arg-type]


def test_engine_is_part_of_the_typed_public_api() -> None:
    parameter = inspect.signature(qegraph.load).parameters["engine"]
    assert parameter.default == "rdflib"
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert "oxigraph" in str(parameter.annotation)


# --- a graph like any other ----------------------------------------------------------------


def test_added_and_removed_triples_are_seen_by_queries() -> None:
    graph = load(bundled=False, engine="oxigraph")
    a, p = URIRef("https://example.org/a"), URIRef("https://example.org/p")
    node = BNode()
    graph.add((a, p, Literal("plain")))
    graph += [(node, p, Literal("标签", lang="zh-Hans"))]
    assert len(graph) == 2
    assert (a, p, Literal("plain")) in graph
    assert (node, p, Literal("标签", lang="zh-Hans")) in graph
    asked = "SELECT ?o WHERE { ?s <https://example.org/p> ?o } ORDER BY ?o"
    assert [r[0] for r in graph.query(asked)] == [Literal("plain"), Literal("标签", lang="zh-Hans")]
    graph.update('INSERT DATA { <https://example.org/b> <https://example.org/p> "more" }')
    assert (URIRef("https://example.org/b"), p, Literal("more")) in graph
    graph.remove((None, p, Literal("plain")))
    assert (a, p, Literal("plain")) not in graph
    assert len(graph) == 2
    assert len(list(graph.query(asked))) == 2


def test_library_consumers_give_the_same_results(graphs: tuple[Graph, Graph]) -> None:
    rdflib_graph, ox_graph = graphs
    assert qegraph.graph_stats(ox_graph).render() == qegraph.graph_stats(rdflib_graph).render()
    expected, ours = qegraph.validate(rdflib_graph), qegraph.validate(ox_graph)
    assert ours.conforms == expected.conforms
    assert ours.render("text") == expected.render("text")
    assert isomorphic(qegraph.owl_rl_closure(ox_graph), qegraph.owl_rl_closure(rdflib_graph))
    assert qegraph.serialize(ox_graph, "nt") == qegraph.serialize(rdflib_graph, "nt")
    projected = [qegraph.project(g) for g in graphs]
    assert sorted(projected[0].nodes) == sorted(projected[1].nodes)
    assert sorted(projected[0].edges(keys=True)) == sorted(projected[1].edges(keys=True))


def test_a_file_read_twice_warns_of_its_imports_once(tmp_path: Path) -> None:
    data = tmp_path / "both.ttl"
    data.write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<https://example.org/o> owl:imports <https://example.org/x> ;\n"
        '  <https://example.org/score> "0.5"^^xsd:decimal .\n',
        encoding="utf-8",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        graph = load([data], engine="oxigraph")
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2
    assert "owl:imports <https://example.org/x> was not fetched" in messages[0]
    assert REWRITTEN in messages[1]
    assert (
        None,
        URIRef("https://example.org/score"),
        Literal("0.5", datatype=XSD.decimal),
    ) in graph
