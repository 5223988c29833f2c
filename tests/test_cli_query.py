"""The query, queries and export commands: exit codes, exact messages, and what they write."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from qegraph import cli, load
from qegraph.exporting import EXPORT_FORMATS, to_turtle
from qegraph.formatting import GRAPH_FORMATS, RESULT_FORMATS
from qegraph.sparql import named_queries


def test_cli_format_lists_match_the_library() -> None:
    assert cli.EXPORT_FORMATS == EXPORT_FORMATS
    assert set(cli.QUERY_FORMATS) == set(RESULT_FORMATS) | set(GRAPH_FORMATS)


def test_queries_lists_every_named_query_with_its_question(runner) -> None:
    result = runner.invoke(cli.main, ["queries"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == len(named_queries())
    for line, item in zip(lines, named_queries(), strict=True):
        assert line.split(None, 1) == [item.name, item.question]


def test_queries_json_lists_names_questions_and_files(runner) -> None:
    result = runner.invoke(cli.main, ["queries", "--format", "json"])
    assert result.exit_code == 0
    assert [q["name"] for q in json.loads(result.output)] == [q.name for q in named_queries()]


def test_query_text_prints_csv_when_not_on_a_terminal(runner) -> None:
    text = "SELECT ?label WHERE { qe:rote-learning skos:prefLabel ?label } ORDER BY ?label"
    result = runner.invoke(cli.main, ["query", text])
    assert result.exit_code == 0
    assert result.stdout_bytes.decode() == "label\r\nrote learning\r\n死记硬背\r\n"


def test_query_table_shows_curies_with_labels_in_the_chosen_language(runner) -> None:
    text = "SELECT ?other WHERE { qe:quality-education qe:opposes ?other }"
    result = runner.invoke(cli.main, ["query", text, "--format", "table", "--lang", "zh-Hans"])
    assert result.exit_code == 0
    assert result.output.splitlines()[2] == "qe:exam-oriented-education (应试教育)"


def test_query_json_follows_the_sparql_results_format(runner) -> None:
    text = "SELECT ?other WHERE { qe:quality-education qe:opposes ?other }"
    result = runner.invoke(cli.main, ["query", text, "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == {
        "head": {"vars": ["other"]},
        "results": {
            "bindings": [
                {
                    "other": {
                        "type": "uri",
                        "value": "https://w3id.org/qegraph/exam-oriented-education",
                    }
                }
            ]
        },
    }


def test_query_xml_is_parsed_back_by_rdflib(runner) -> None:
    from rdflib.query import Result

    text = "SELECT ?label WHERE { qe:rote-learning skos:prefLabel ?label }"
    result = runner.invoke(cli.main, ["query", text, "--format", "xml"])
    assert result.exit_code == 0
    parsed = Result.parse(source=__import__("io").BytesIO(result.output.encode()), format="xml")
    assert {str(row[0]) for row in parsed} == {"rote learning", "死记硬背"}


def test_query_xml_keeps_a_carriage_return(runner) -> None:
    from io import BytesIO

    from rdflib.query import Result

    text = 'SELECT ?v WHERE { BIND("a\\r\\nb" AS ?v) }'
    result = runner.invoke(cli.main, ["query", text, "--format", "xml"])
    assert result.exit_code == 0
    parsed = Result.parse(source=BytesIO(result.stdout_bytes), format="xml")
    assert [str(row[0]) for row in parsed] == ["a\r\nb"]


def test_query_tsv_writes_terms_in_turtle_syntax(runner) -> None:
    text = "SELECT ?other WHERE { qe:quality-education qe:opposes ?other }"
    result = runner.invoke(cli.main, ["query", text, "--format", "tsv"])
    assert result.output == "?other\n<https://w3id.org/qegraph/exam-oriented-education>\n"


def test_ask_prints_true_or_false(runner) -> None:
    yes = runner.invoke(cli.main, ["query", "ASK { qe:quality-education qe:opposes ?x }"])
    no = runner.invoke(cli.main, ["query", "ASK { qe:exam-oriented-education qe:opposes ?x }"])
    assert (yes.exit_code, yes.output, no.exit_code, no.output) == (0, "true\n", 0, "false\n")


def test_reason_flag_uses_the_owl_rl_closure(runner) -> None:
    text = "ASK { qe:exam-oriented-education qe:opposes qe:quality-education }"
    result = runner.invoke(cli.main, ["query", text, "--reason"])
    assert (result.exit_code, result.output) == (0, "true\n")


def test_construct_prints_turtle_by_default(runner, fixtures) -> None:
    result = runner.invoke(cli.main, ["query", "-f", str(fixtures / "query-construct.rq")])
    assert result.exit_code == 0
    graph = Graph().parse(data=result.output, format="turtle")
    opposes = "<https://w3id.org/qegraph/opposes>"
    expected = load().query(f"CONSTRUCT {{ ?a {opposes} ?b }} WHERE {{ ?a {opposes} ?b }}").graph
    assert isomorphic(graph, expected)


def test_construct_refuses_a_table_format(runner, fixtures) -> None:
    path = str(fixtures / "query-construct.rq")
    result = runner.invoke(cli.main, ["query", "-f", path, "--format", "table"])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {path}: --format table does not apply to a CONSTRUCT query; "
        "use one of turtle, nt, jsonld, xml\n"
    )


def test_select_refuses_an_rdf_format(runner) -> None:
    result = runner.invoke(cli.main, ["query", "SELECT * WHERE { ?s ?p ?o }", "--format", "nt"])
    assert result.exit_code == 2
    assert result.output == (
        "Error: --format nt does not apply to a SELECT query; "
        "use one of table, csv, tsv, json, xml\n"
    )


def test_param_binds_a_concept_by_chinese_label(runner) -> None:
    text = "SELECT ?value WHERE { ?concept qe:respects ?value }"
    result = runner.invoke(cli.main, ["query", text, "--param", "concept=个性化教育"])
    assert result.exit_code == 0
    assert result.stdout_bytes == b"value\r\nhttps://w3id.org/qegraph/individual-differences\r\n"


def test_param_with_unknown_label_exits_2(runner) -> None:
    result = runner.invoke(
        cli.main, ["query", "SELECT * WHERE { ?c ?p ?o }", "--param", "c=nothing like this"]
    )
    assert result.exit_code == 2
    assert result.output.startswith("Error: unknown concept 'nothing like this'")


def test_named_query_runs_by_name(runner) -> None:
    item = named_queries()[0]
    result = runner.invoke(cli.main, ["query", "--name", item.name.lower(), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["results"]["bindings"]


def test_unknown_named_query_lists_the_known_names(runner) -> None:
    result = runner.invoke(cli.main, ["query", "--name", "CQ-999"])
    known = ", ".join(q.name for q in named_queries())
    assert result.exit_code == 2
    assert result.output == f"Error: unknown named query 'CQ-999'; known queries: {known}\n"


def test_service_is_refused_with_exit_3(runner, fixtures) -> None:
    result = runner.invoke(cli.main, ["query", "-f", str(fixtures / "query-service.rq")])
    assert result.exit_code == 3
    assert result.output == (
        "Error: SPARQL SERVICE <http://127.0.0.1:9/sparql> is refused: it would query a remote "
        "endpoint; pass --allow-network to permit it\n"
    )


def test_update_is_refused_with_exit_2(runner) -> None:
    result = runner.invoke(cli.main, ["query", "INSERT DATA { qe:a qe:b qe:c }"])
    assert result.exit_code == 2
    assert result.output == "Error: SPARQL updates (INSERT DATA) are refused: qegraph only reads\n"


def test_syntax_error_exits_2_without_traceback(runner, fixtures) -> None:
    path = fixtures / "query-syntax-error.rq"
    result = runner.invoke(cli.main, ["query", "-f", str(path)])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {path}: SPARQL syntax error at line 3, column 3 near 'FILTER':\n"
        "    FILTER (?concept = )\n"
        "    ^\n"
    )
    assert "Traceback" not in result.output


def test_query_needs_exactly_one_source(runner, fixtures) -> None:
    none = runner.invoke(cli.main, ["query"])
    both = runner.invoke(cli.main, ["query", "ASK {}", "--name", "CQ-01"])
    message = "Error: give the query as TEXT, or as -f FILE and --name CQ-NN (repeatable)\n"
    assert (none.exit_code, none.output) == (2, message)
    assert (both.exit_code, both.output) == (2, message)


def test_missing_query_file_is_named(runner, tmp_path) -> None:
    missing = tmp_path / "nope.rq"
    result = runner.invoke(cli.main, ["query", "-f", str(missing)])
    assert (result.exit_code, result.output) == (2, f"Error: {missing}: no such query file\n")


def test_query_reads_standard_input(runner) -> None:
    result = runner.invoke(cli.main, ["query", "-f", "-"], input="ASK { ?s a qe:Paradigm }")
    assert (result.exit_code, result.output) == (0, "true\n")


def test_query_output_file_is_written(runner, tmp_path) -> None:
    target = tmp_path / "answer.json"
    result = runner.invoke(
        cli.main, ["query", "ASK { ?s a qe:Paradigm }", "--format", "json", "-o", str(target)]
    )
    assert result.exit_code == 0
    assert json.loads(target.read_text()) == {"head": {}, "boolean": True}


def test_export_turtle_to_stdout_is_the_deterministic_turtle(runner) -> None:
    result = runner.invoke(cli.main, ["export"])
    assert result.exit_code == 0
    assert result.stdout_bytes == to_turtle(load()).encode()


def test_export_writes_a_file_and_says_so(runner, tmp_path) -> None:
    target = tmp_path / "graph.nt"
    result = runner.invoke(cli.main, ["export", "--format", "nt", "-o", str(target)])
    assert result.exit_code == 0
    assert result.stderr == f"wrote {target}\n"
    assert isomorphic(Graph().parse(target, format="nt"), load())


def test_export_trig_keeps_one_graph_per_module(runner) -> None:
    from rdflib import Dataset

    result = runner.invoke(cli.main, ["export", "--format", "trig"])
    assert result.exit_code == 0
    back = Dataset()
    back.parse(data=result.stdout_bytes, format="trig")
    names = {str(g.identifier) for g in back.graphs() if len(g)}
    assert "https://w3id.org/qegraph/concepts" in names
    assert "https://w3id.org/qegraph/sources" in names


def test_export_construct_writes_only_the_constructed_part(runner, fixtures) -> None:
    result = runner.invoke(
        cli.main, ["export", "--construct", str(fixtures / "query-construct.rq"), "--format", "nt"]
    )
    assert result.exit_code == 0
    lines = result.stdout_bytes.decode().splitlines()
    assert lines and all("<https://w3id.org/qegraph/opposes>" in line for line in lines)


def test_export_csv_without_output_folder_exits_2(runner) -> None:
    result = runner.invoke(cli.main, ["export", "--format", "csv"])
    assert result.exit_code == 2
    assert result.output == (
        "Error: csv writes two files (nodes.csv, edges.csv): give a folder with -o\n"
    )


def test_export_to_unwritable_path_is_named_and_writes_nothing(runner, tmp_path) -> None:
    target = tmp_path / "missing" / "graph.ttl"
    result = runner.invoke(cli.main, ["export", "-o", str(target)])
    assert result.exit_code == 2
    assert result.output == f"Error: {target}: folder {target.parent} does not exist\n"
    assert not target.parent.exists()


def test_export_refuses_rdfxml_of_data_with_control_characters(runner, fixtures, tmp_path) -> None:
    target = tmp_path / "graph.rdf"
    data = str(fixtures / "export-control-char.nt")
    result = runner.invoke(
        cli.main, ["--data", data, "export", "--format", "xml", "-o", str(target)]
    )
    assert result.exit_code == 2
    assert result.output == (
        "Error: RDF/XML cannot hold the control character U+0007 in the literal of "
        "<http://example.org/ns#alpha> rdfs:label; remove it or export as turtle, nt or jsonld\n"
    )
    assert not target.exists()


@pytest.mark.parametrize("command", ["query", "queries", "export"])
def test_command_has_help_and_a_readme_mention(runner, command: str) -> None:
    from pathlib import Path

    result = runner.invoke(cli.main, [command, "--help"])
    assert result.exit_code == 0
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"qegraph {command}" in readme


def test_query_to_unwritable_path_is_named_and_writes_nothing(runner, tmp_path) -> None:
    target = tmp_path / "missing" / "answer.csv"
    result = runner.invoke(cli.main, ["query", "ASK { ?s ?p ?o }", "-o", str(target)])
    assert result.exit_code == 2
    assert result.output == f"Error: {target}: folder {target.parent} does not exist\n"
    assert not target.parent.exists()


def test_export_construct_query_stops_at_its_timeout(runner, tmp_path):
    cartesian = "CONSTRUCT { ?a ?b ?c } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    out = tmp_path / "part.ttl"
    result = runner.invoke(
        cli.main, ["export", "--construct", cartesian, "--timeout", "1", "-o", str(out)]
    )
    assert result.exit_code == 4
    assert result.stderr == (
        "Error: the query ran past its time limit of 1 s and was stopped "
        "(raise it with --timeout SECONDS, or 0 for no limit)\n"
    )
    assert not out.exists()
