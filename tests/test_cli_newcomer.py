"""The newcomer's path (issue 14): what a new user tripped over, each fixed and kept fixed.

Standard input without click's deprecation notice, the same exit code (5) for an unreachable
endpoint from every command, language tags in any case and unknown ones refused everywhere,
``--data`` after the command, the sources of any concept (CQ-29), an unused ``--param``, the
CONSTRUCT queries for ``export --construct``, ``@zh-Hans`` in the scores file, and grammar.
"""

from __future__ import annotations

import socket
import warnings

import pytest
from rdflib import Graph, URIRef

from qegraph.cli import main

from .conftest import FIXTURES

QE = "https://w3id.org/qegraph/"


def test_standard_input_is_read_without_a_deprecation_notice(runner):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = runner.invoke(main, ["query", "-f", "-"], input="ASK { ?s a qe:Paradigm }")
    assert (result.exit_code, result.output) == (0, "true\n")


@pytest.fixture(scope="module")
def dead_endpoint() -> str:
    """The URL of a port on this machine where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/query"


@pytest.mark.parametrize(
    "command",
    [
        ["query", "ASK { ?s ?p ?o }"],
        ["query", "--name", "CQ-04"],
        ["stats"],
        ["analyze"],
        ["export", "--format", "nt"],
        ["path", "a", "b"],
        ["neighbors", "a"],
        ["validate"],
        ["load"],
    ],
    ids=lambda c: c[0] + ("-" + c[1] if len(c) > 1 and c[0] == "query" else ""),
)
def test_an_unreachable_endpoint_exits_5_from_every_command(runner, dead_endpoint, command):
    result = runner.invoke(main, ["--endpoint", dead_endpoint, *command])
    assert result.exit_code == 5, result.output
    assert result.stderr.startswith("Error: cannot connect to http://127.0.0.1:")
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["query", "--name", "CQ-01", "--format", "table"],
        ["path", "个性化教育", "个体差异"],
        ["neighbors", "个性化教育"],
    ],
    ids=lambda c: c[0],
)
def test_language_tags_are_taken_in_any_case_and_unknown_ones_refused(runner, command):
    lower = runner.invoke(main, [*command, "--lang", "zh-hans"])
    upper = runner.invoke(main, [*command, "--lang", "ZH-HANS"])
    assert lower.exit_code == 0, lower.output
    assert lower.stdout == upper.stdout
    assert "个性化教育" in lower.stdout or "学生全面发展" in lower.stdout
    refused = runner.invoke(main, [*command, "--lang", "fr"])
    assert refused.exit_code == 2
    assert "Invalid value for '--lang': 'fr' is not one of" in refused.stderr


def test_viz_takes_a_lower_case_language_tag(runner, tmp_path):
    page = tmp_path / "g.html"
    result = runner.invoke(main, ["viz", "--lang", "zh-hans", "-o", str(page), "--top", "5"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(main, ["viz", "--lang", "fr", "-o", str(page)]).exit_code == 2


def test_the_library_refuses_an_unknown_label_language():
    from qegraph import load
    from qegraph.errors import InputError
    from qegraph.formatting import answer

    with pytest.raises(InputError, match="unknown language 'fr'; use en or zh-Hans"):
        answer(load(), "ASK {}", lang="fr")


def test_data_is_accepted_after_the_command_too(runner):
    extra = str(FIXTURES / "input" / "extra-concept.ttl")
    before = runner.invoke(main, ["--data", extra, "stats"])
    after = runner.invoke(main, ["stats", "--data", extra])
    equals = runner.invoke(main, ["stats", f"--data={extra}"])
    assert before.exit_code == after.exit_code == equals.exit_code == 0, after.output
    assert before.stdout == after.stdout == equals.stdout
    assert "extra-concept.ttl" in after.stdout


def test_cq29_finds_the_sources_of_any_concept_named_by_label(runner):
    result = runner.invoke(
        main, ["query", "--name", "CQ-29", "--param", "concept=个体差异", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    assert rows[0] == "concept,relation,other,evidence,file,paragraph,line,keyPhrase"
    assert len(rows) > 1
    assert all(row.startswith(f"{QE}individual-differences,") for row in rows[1:])
    assert any(",002_a9a0d6b12316d13b.txt,5,7,respects each student's" in r for r in rows)


def test_an_unused_param_is_an_error(runner):
    result = runner.invoke(main, ["query", "--name", "CQ-04", "--param", "concept=个体差异"])
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --param concept: the query has no variable ?concept (its variables: ?label, "
        "?relation, ?target)\n"
    )


def test_queries_lists_the_construct_queries(runner):
    names = [line.split()[0] for line in runner.invoke(main, ["queries"]).stdout.splitlines()]
    assert {"CQ-29", "CX-01", "CX-02"} <= set(names)


def test_export_construct_cx01_writes_the_contrasts_with_their_axes_and_passages(runner, tmp_path):
    target = tmp_path / "contrasts.ttl"
    result = runner.invoke(main, ["export", "--construct", "CX-01", "-o", str(target)])
    assert result.exit_code == 0, result.output
    graph = Graph().parse(target)
    opposes = URIRef(QE + "opposes")
    assert len(set(graph.subject_objects(opposes))) == 21
    predicates = {str(p) for p in graph.predicates()}
    assert QE + "onAxis" in predicates and QE + "keyPhrase" in predicates
    assert QE + "develops" not in predicates


def test_cx02_builds_one_concepts_neighbourhood_with_claims_and_passages(runner):
    result = runner.invoke(
        main, ["query", "--name", "CX-02", "--param", "concept=个体差异", "--format", "nt"]
    )
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.stdout, format="nt")
    target = URIRef(QE + "individual-differences")
    respects = URIRef(QE + "respects")
    assert (URIRef(QE + "personalized-education"), respects, target) in graph
    claims = set(
        graph.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#object"), target)
    )
    assert claims and all(
        (c, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), None) in graph for c in claims
    )
    assert (URIRef(QE + "rote-learning"), None, None) not in graph


@pytest.mark.parametrize("suffix", ["ttl", "nt", "jsonld", "rdf"])
def test_scores_write_the_chinese_labels_as_zh_hans(runner, tmp_path, suffix):
    target = tmp_path / f"scores.{suffix}"
    assert runner.invoke(main, ["analyze", "--rdf", str(target)]).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "zh-hans" not in text
    assert text.count("zh-Hans") == 6


def test_one_problem_is_one_problem(runner):
    base = FIXTURES / "ontology" / "valid-base.ttl"
    broken = FIXTURES / "ontology" / "broken-ontology-without-license.ttl"
    result = runner.invoke(main, ["validate", str(base), str(broken)])
    assert result.exit_code == 1
    assert result.stdout.startswith("Conforms: no. 1 problem found by ")


def test_the_seed_texts_are_found_from_the_repository_so_their_tests_run():
    from .test_ontology_content import _seeds_dir

    folder = _seeds_dir()
    assert folder is not None, "../shared/seeds (or $QEGRAPH_SEEDS) is missing"
    assert (folder / "000_9427d9f241d18e1e.txt").is_file()
    assert (folder / "002_a9a0d6b12316d13b.txt").is_file()
