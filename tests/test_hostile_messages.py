"""What a user sees on the command line for each broken or hostile input: one exact line (or a
caret under the error for SPARQL) naming the file, line and column, the documented exit code, and
never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qegraph.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("hostile-malformed.ttl", "3:9: . is not a valid RDF object"),
        ("hostile-malformed.nt", "2:49: Unexpected end of file"),
        ("hostile-malformed.rdf", "3:13: mismatched tag"),
        ("hostile-malformed.jsonld", "4:1: Trailing commas are not allowed"),
        (
            "hostile-iri-space.jsonld",
            "3:37: invalid IRI 'https://example.org/b c': Invalid IRI code point ' '",
        ),
        (
            "hostile-entity-bomb.rdf",
            "1:13: RDF/XML with a <!DOCTYPE> is refused (entity expansion, external entities)",
        ),
    ],
)
def test_malformed_file_gives_file_line_column_and_exit_2(name, message):
    path = FIXTURES / name
    result = run("--data", str(path), "stats")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}:{message}\n"


def test_deep_nesting_gives_file_line_and_exit_2():
    path = FIXTURES / "hostile-deep-bnode.ttl"
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: nesting too deep at {path}:3 (more than 100 levels; raise QEGRAPH_MAX_NESTING "
        "to allow it)\n"
    )


def test_remote_jsonld_context_is_refused_with_exit_3():
    path = FIXTURES / "hostile-remote-context.jsonld"
    result = run("--data", str(path), "stats")
    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: {path}:2:16: JSON-LD context 'http://127.0.0.1:PORT/context.jsonld' would be "
        "fetched from the network; qegraph never fetches contexts (put the context object "
        "inline in the file)\n"
    )


def test_malformed_sparql_file_gives_file_line_column_and_exit_2():
    path = FIXTURES / "hostile-malformed.rq"
    result = run("query", "-f", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}: SPARQL syntax error at line 3, column 3 near 'FILTER':\n"
        "    FILTER (?o = )\n"
        "    ^\n"
    )


def test_deeply_nested_sparql_is_a_clean_error():
    path = FIXTURES / "hostile-nested.rq"
    result = run("query", "-f", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}: the query nests too deep to parse (hundreds of nested groups or "
        "brackets); simplify it\n"
    )


def test_sparql_service_is_refused_with_exit_3():
    result = run("query", "-f", str(FIXTURES / "hostile-service.rq"))
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: SPARQL SERVICE <http://127.0.0.1:PORT/sparql> is")


def test_sparql_from_file_is_refused_with_exit_3():
    result = run("query", "-f", str(FIXTURES / "hostile-from-file.rq"))
    assert result.exit_code == 3
    assert result.stderr == (
        "Error: SPARQL FROM <file:///etc/passwd> is refused: it would read a local file from "
        "inside the query (pass the file with --data instead)\n"
    )


def test_slow_query_times_out_with_exit_4():
    result = run("query", "-f", str(FIXTURES / "hostile-slow.rq"), "--timeout", "0.5")
    assert result.exit_code == 4
    assert result.stderr == (
        "Error: the query ran past its time limit of 0.5 s and was stopped (raise it with "
        "--timeout SECONDS, or 0 for no limit)\n"
    )


def test_query_timeout_defaults_to_30_seconds_on_the_command_line():
    result = run("query", "--help")
    assert "--timeout" in result.output
    assert "30" in result.output.split("--timeout", 1)[1].split("\n  -", 1)[0]


def test_terminal_escape_in_a_file_never_reaches_the_terminal():
    path = FIXTURES / "hostile-terminal-escape.ttl"
    result = run("--data", str(path), "stats")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr
    assert result.stderr == (
        f"Error: {path}:3:9: '\\u001b' is not allowed at the beginning of a prefix name\n"
    )


def test_huge_token_is_cut_short_in_the_message(tmp_path):
    path = tmp_path / "huge-token.ttl"
    path.write_text("<https://example.org/a> <https://example.org/p> " + "x" * 100_000 + " .\n")
    result = run("--data", str(path), "stats")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}:1:49: {'x' * 80}... (100000 characters) is not a valid RDF object\n"
    )
