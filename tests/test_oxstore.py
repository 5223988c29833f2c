"""Queries answered straight from an Oxigraph store print what the full (rdflib) path prints,
and everything the full path must check still goes through it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from qegraph.backends import StoreBackend
from qegraph.cli import main
from qegraph.formatting import RESULT_FORMATS, answer
from qegraph.oxstore import answer as answer_from_store
from qegraph.oxstore import answerable
from qegraph.sparql import named_queries

from .test_hostile_network import listener  # noqa: F401 - the fixture

NAMED = [q.name for q in named_queries()]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("oxstore") / "store"
    StoreBackend(path).load()
    return path


@pytest.fixture(scope="module")
def store_graph(store_dir: Path):
    """The same store through rdflib: the full path."""
    return StoreBackend(store_dir).graph()


def full_path(graph, text: str, fmt: str, lang: str = "en") -> str:
    return answer(graph, text, fmt=fmt, lang=lang, timeout=30)


@pytest.mark.parametrize("fmt", RESULT_FORMATS)
@pytest.mark.parametrize("name", NAMED)
def test_named_query_from_the_store_prints_what_the_full_path_prints(
    store_dir: Path, store_graph, name: str, fmt: str
) -> None:
    direct = answer_from_store(store_dir, name, fmt=fmt, timeout=30)
    if direct is None:  # a CONSTRUCT: the full path writes its RDF
        assert not answerable(named_queries()[NAMED.index(name)].text, fmt)
        return
    assert direct == full_path(store_graph, name, fmt)


def test_most_named_queries_are_answered_from_the_store(store_dir: Path) -> None:
    direct = [n for n in NAMED if answer_from_store(store_dir, n, fmt="csv") is not None]
    assert len(direct) >= len(NAMED) - 3


@pytest.mark.parametrize("name", ["CQ-01", "CQ-05", "CQ-12"])
def test_store_table_shows_chinese_labels_like_the_full_path(
    store_dir: Path, store_graph, name: str
) -> None:
    direct = answer_from_store(store_dir, name, fmt="table", lang="zh-Hans")
    assert direct is not None
    assert direct == full_path(store_graph, name, "table", lang="zh-Hans")


def test_store_answer_keeps_literal_datatypes_and_language_tags(store_dir: Path) -> None:
    text = """SELECT ?n ?label WHERE { qe:doc-000-p1 qe:paragraphNumber ?n .
        qe:critical-thinking skos:prefLabel ?label } ORDER BY ?label"""
    direct = answer_from_store(store_dir, text, fmt="tsv")
    assert direct == (
        "?n\t?label\n"
        '"1"^^<http://www.w3.org/2001/XMLSchema#integer>\t"critical thinking"@en\n'
        '"1"^^<http://www.w3.org/2001/XMLSchema#integer>\t"批判性思维"@zh-Hans\n'
    )


def test_store_ask_answer_is_a_boolean(store_dir: Path) -> None:
    assert answer_from_store(store_dir, "ASK { qe:nothing-at-all ?p ?o }") == "false\n"


@pytest.mark.parametrize(
    ("text", "direct"),
    [
        ("# Where do claims come from?\nSELECT * WHERE { ?s ?p ?o }", True),
        ("# a comment ending in a carriage return\rSELECT * FROM <x:g> { ?s ?p ?o }", False),
        ("SELECT * WHERE { ?s ?p ?o } # from here", False),
    ],
    ids=["comment-line", "cr-ends-the-comment", "trailing-comment"],
)
def test_only_whole_comment_lines_are_read_as_comments(text: str, direct: bool) -> None:
    assert answerable(text) is direct


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }",
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "CONSTRUCT WHERE { ?s qe:opposes ?o }",
        "DESCRIBE qe:critical-thinking",
    ],
    ids=["service", "from", "escaped-service", "construct", "describe"],
)
def test_queries_the_full_path_must_check_are_handed_back(store_dir: Path, text: str) -> None:
    assert answer_from_store(store_dir, text) is None


@pytest.mark.parametrize(
    "text",
    ["SELECT * WHERE { ?s ?p ", "INSERT DATA { qe:a qe:b qe:c }", "SELECT * { nope:x ?p ?o }"],
    ids=["syntax-error", "update", "unknown-prefix"],
)
def test_queries_oxigraph_rejects_are_handed_back(store_dir: Path, text: str) -> None:
    assert answer_from_store(store_dir, text, fmt="csv") is None


def test_rdf_format_for_a_select_is_left_to_the_full_path(store_dir: Path) -> None:
    assert answer_from_store(store_dir, "SELECT * WHERE { ?s ?p ?o }", fmt="turtle") is None


def test_cli_store_syntax_error_is_worded_as_in_memory(runner, store_dir: Path) -> None:
    text = "SELECT * WHERE {\n?s ?p"
    result = runner.invoke(main, ["--store", str(store_dir), "query", text])
    assert result.exit_code == 2
    assert "SPARQL syntax error at line 2, column 1 near '?s'" in result.output
    assert result.output == runner.invoke(main, ["query", text]).output


def test_cli_store_update_is_refused(runner, store_dir: Path) -> None:
    result = runner.invoke(main, ["--store", str(store_dir), "query", "CLEAR DEFAULT"])
    assert result.exit_code == 2
    assert "SPARQL updates (CLEAR) are refused" in result.output


@pytest.mark.parametrize("keyword", ["SERVICE", "\\u0053ERVICE", "service"])
def test_cli_store_service_is_refused_and_reaches_nobody(
    runner,
    store_dir: Path,
    listener,  # noqa: F811
    keyword: str,
) -> None:
    text = f"SELECT * WHERE {{ {keyword} <http://127.0.0.1:{listener.port}/q> {{ ?s ?p ?o }} }}"
    result = runner.invoke(main, ["--store", str(store_dir), "query", text])
    assert result.exit_code == 3, result.output
    assert "SERVICE" in result.output
    assert listener.count() == 0


def test_cli_store_query_loads_no_rdflib(store_dir: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "qegraph",
            "--store",
            str(store_dir),
            "query",
            "--name",
            "CQ-01",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert '"bindings"' in done.stdout
    imported = [line.split("|")[-1].strip() for line in done.stderr.splitlines()]
    assert "pyoxigraph" in imported
    assert not [name for name in imported if name.split(".")[0] in ("rdflib", "oxrdflib")]


def test_cli_store_load_loads_no_rdflib_and_counts_as_the_backend(tmp_path: Path) -> None:
    """``--store DIR load`` fills the store through storeload without importing rdflib, and
    reports the count StoreBackend.load reports for the same input."""
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix qe: <https://w3id.org/qegraph/> .\n" + "qe:a qe:opposes qe:b .\n" * 2,
        encoding="utf-8",
    )
    store = tmp_path / "store"
    command = [sys.executable, "-X", "importtime", "-m", "qegraph", "--store", str(store)]
    done = subprocess.run(
        [*command, "load", str(extra)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    imported = [line.split("|")[-1].strip() for line in done.stderr.splitlines()]
    assert "qegraph.storeload" in imported
    assert not [name for name in imported if name.split(".")[0] in ("rdflib", "oxrdflib")]
    expected = StoreBackend(tmp_path / "other").load([extra]).triples
    assert done.stdout.startswith(f"loaded {expected} triples from 6 files"), done.stdout


def test_cli_store_query_with_a_param_takes_the_full_path(runner, store_dir: Path) -> None:
    args = ["--store", str(store_dir), "query", "--format", "csv", "--param", "c=批判性思维"]
    result = runner.invoke(main, [*args, "SELECT ?label WHERE { ?c skos:prefLabel ?label }"])
    assert result.exit_code == 0, result.output
    assert sorted(result.output.splitlines()[1:]) == ["critical thinking", "批判性思维"]


def test_select_star_has_the_same_columns_on_the_store_as_in_memory(
    store_dir: Path, bundled_graph
) -> None:
    text = "SELECT * WHERE { ?z qe:opposes ?b . ?z skos:prefLabel ?m } ORDER BY ?z ?b ?m"
    direct = answer_from_store(store_dir, text, fmt="csv")
    assert direct is not None
    assert direct.splitlines()[0] == "b,m,z"
    assert direct == answer(bundled_graph, text, fmt="csv")


def test_a_large_load_merges_the_stores_files(tmp_path: Path, monkeypatch) -> None:
    """From OPTIMIZE_FROM triples on, a load merges the bulk loader's overlapping table files
    (the query commands open the store read-only and would never merge them); below, it does
    not spend the time. Each file over 1 MB gets its own bulk load, so its own table files."""
    from qegraph import storeload

    files = []
    for part in range(2):
        data = tmp_path / f"part{part}.nt"
        data.write_text(
            "".join(f"<urn:x:s{part}-{i}> <urn:x:p> <urn:x:o{i % 97}> .\n" for i in range(40_000)),
            encoding="utf-8",
        )
        files.append(data)
    tables = {}
    for threshold in (80_001, 80_000):
        monkeypatch.setattr(storeload, "OPTIMIZE_FROM", threshold)
        folder = tmp_path / f"store-{threshold}"
        assert storeload.load_store(folder, files, bundled=False).triples == 80_000
        tables[threshold] = len(list(folder.glob("*.sst")))
        assert len(StoreBackend(folder).graph()) == 80_000
    assert tables[80_000] < tables[80_001]
