"""The three backends (memory, Oxigraph store, SPARQL endpoint) give the same answers."""

from __future__ import annotations

import http.server
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal
from rdflib.namespace import XSD

from qegraph import load
from qegraph.backends import (
    EndpointBackend,
    EndpointClient,
    StoreBackend,
    open_backend,
)
from qegraph.cli import main
from qegraph.errors import BackendError, InputError, QueryError
from qegraph.namespaces import QE

from .servers import oxigraph_server  # noqa: F401 - the fixture

QUERIES = {
    "labels": """SELECT ?c ?label WHERE { ?c a skos:Concept ; skos:prefLabel ?label }""",
    "opposes": """SELECT ?a ?b WHERE { ?a qe:opposes ?b }""",
    "count-by-class": """SELECT ?class (COUNT(?x) AS ?n) WHERE { ?x a ?class } GROUP BY ?class""",
    "claims": """SELECT ?claim ?s ?o WHERE {
        ?claim a qe:Claim ; rdf:subject ?s ; rdf:object ?o }""",
}

BROKEN = "backends-broken.ttl"
EXTRA = "backends-extra.ttl"


def rows(graph: Graph, query: str, **kwargs) -> set[tuple]:
    return {tuple(row) for row in graph.query(query, **kwargs)}


def ground(graph: Graph) -> set[tuple]:
    """The triples without blank nodes (blank node labels differ between loads)."""
    return {t for t in graph if not any(isinstance(x, BNode) for x in t)}


#: Oxigraph 0.5 stores these integer subtypes as plain xsd:integer (measured, store and server).
_INTEGER_SUBTYPES = {
    XSD[name]
    for name in (
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


def as_oxigraph_keeps_it(graph: Graph) -> set[tuple]:
    """``ground(graph)`` with integer subtypes written as xsd:integer, as Oxigraph returns them."""

    def term(x):
        if isinstance(x, Literal) and x.datatype in _INTEGER_SUBTYPES:
            return Literal(str(x), datatype=XSD.integer)
        return x

    return {(s, p, term(o)) for s, p, o in ground(graph)}


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "store"
    StoreBackend(path).load()
    return path


# --- Oxigraph store ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_store_answers_like_memory(store_dir: Path, bundled_graph: Graph, name: str) -> None:
    expected = rows(bundled_graph, QUERIES[name])
    assert expected
    assert rows(StoreBackend(store_dir).graph(), QUERIES[name]) == expected


def test_store_holds_the_same_triples_as_memory(store_dir: Path, bundled_graph: Graph) -> None:
    stored = StoreBackend(store_dir).graph()
    assert len(stored) == len(bundled_graph)
    assert ground(stored) == as_oxigraph_keeps_it(bundled_graph)


def test_store_gives_back_the_bundled_graph_with_its_datatypes(
    store_dir: Path, bundled_graph: Graph
) -> None:
    assert ground(StoreBackend(store_dir).graph()) == ground(bundled_graph)


def test_second_store_load_changes_nothing(tmp_path: Path, fixtures: Path) -> None:
    backend = StoreBackend(tmp_path / "s")
    first = backend.load([fixtures / EXTRA])
    before = ground(StoreBackend(tmp_path / "s").graph())
    second = backend.load([fixtures / EXTRA])
    assert second.triples == first.triples
    assert ground(StoreBackend(tmp_path / "s").graph()) == before


def test_store_load_replaces_only_its_named_graph(tmp_path: Path, fixtures: Path) -> None:
    other = "https://example.org/other-graph"
    StoreBackend(tmp_path / "s", graph_iri=other).load([fixtures / EXTRA], bundled=False)
    StoreBackend(tmp_path / "s").load()
    kept = StoreBackend(tmp_path / "s", graph_iri=other).graph()
    assert len(kept) == 2
    assert (QE["extra-concept"], None, None) in kept


def test_store_load_counts_only_its_own_graph(
    tmp_path: Path, fixtures: Path, bundled_graph: Graph
) -> None:
    alone = StoreBackend(tmp_path / "alone").load()
    other = "https://example.org/other-graph"
    StoreBackend(tmp_path / "s", graph_iri=other).load([fixtures / EXTRA], bundled=False)
    beside_another = StoreBackend(tmp_path / "s").load()
    assert alone.triples == beside_another.triples == len(bundled_graph)


def test_bad_file_leaves_the_store_as_it_was(store_dir: Path, fixtures: Path) -> None:
    before = len(StoreBackend(store_dir).graph())
    with pytest.raises(InputError) as as_memory:
        load([fixtures / BROKEN])
    with pytest.raises(InputError) as as_store:
        StoreBackend(store_dir).load([fixtures / BROKEN])
    assert str(as_store.value) == str(as_memory.value)
    assert f"{BROKEN}:4:" in str(as_store.value)
    assert len(StoreBackend(store_dir).graph()) == before
    assert not list(store_dir.parent.glob(".store.qegraph-*"))


@pytest.mark.parametrize(
    ("hostile", "message"),
    [
        ("hostile-deep.jsonld", "nesting too deep at "),
        ("hostile-entity-bomb.rdf", "RDF/XML with a <!DOCTYPE> is refused"),
    ],
)
def test_store_load_runs_the_loader_checks_before_oxigraph_parses(
    tmp_path: Path, fixtures: Path, hostile: str, message: str
) -> None:
    with pytest.raises(InputError) as refused:
        StoreBackend(tmp_path / "s").load([fixtures / hostile], bundled=False)
    assert message in str(refused.value)
    assert not (tmp_path / "s").exists()


def test_interrupted_load_leaves_the_store_as_it_was(tmp_path: Path, fixtures: Path) -> None:
    backend = StoreBackend(tmp_path / "s")
    backend.load(bundled=False, files=[fixtures / EXTRA])

    def interrupt(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backend.load(progress=interrupt)
    assert len(StoreBackend(tmp_path / "s").graph()) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["s"]


def test_store_load_reports_progress_up_to_the_total(tmp_path: Path) -> None:
    backend = StoreBackend(tmp_path / "s")
    seen: list[int] = []
    backend.load(progress=seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == backend.total_bytes(())


def test_missing_store_is_a_backend_error(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match=r"qegraph --store .* load"):
        StoreBackend(tmp_path / "nothing").graph()


def test_store_refuses_to_overwrite_a_folder_that_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(BackendError, match="not an Oxigraph store"):
        StoreBackend(tmp_path).load()
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_init_bindings_on_a_variable_not_projected(store_dir: Path, bundled_graph: Graph) -> None:
    query = "SELECT ?label WHERE { ?c skos:prefLabel ?label }"
    bindings = {"c": QE["quality-education"]}
    expected = rows(bundled_graph, query, initBindings=bindings)
    assert len(expected) == 2
    assert rows(StoreBackend(store_dir).graph(), query, initBindings=bindings) == expected


def test_malformed_query_on_the_store_is_a_query_error(store_dir: Path) -> None:
    with pytest.raises(QueryError, match="malformed query"):
        StoreBackend(store_dir).graph().query("SELECT * WHERE { ?s ?p }")


def test_cli_store_load_then_path_answers_like_memory(runner, tmp_path: Path) -> None:
    store = str(tmp_path / "s")
    loaded = runner.invoke(main, ["--store", store, "load"])
    assert loaded.exit_code == 0, loaded.output
    assert "into <https://w3id.org/qegraph/graph> of store" in loaded.output
    args = ["path", "qe:quality-education", "qe:rote-learning"]
    memory = runner.invoke(main, args)
    stored = runner.invoke(main, ["--store", store, *args])
    assert memory.exit_code == 0, memory.output
    assert stored.output == memory.output


def test_cli_missing_store_exits_5(runner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["--store", str(tmp_path / "none"), "path", "a", "b"])
    assert result.exit_code == 5
    assert "Error: no store at" in result.output


def test_cli_store_and_endpoint_together_is_a_usage_error(runner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["--store", "x", "--endpoint", "http://127.0.0.1:1/q", "load"])
    assert result.exit_code == 2
    assert "not both" in result.output


def test_data_with_a_store_is_refused(runner, store_dir: Path, fixtures: Path) -> None:
    args = ["--store", str(store_dir), "--data", str(fixtures / EXTRA), "path", "a", "b"]
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert "put them in with" in result.output


def test_memory_is_the_default_backend() -> None:
    assert open_backend().describe() == "memory"


# --- SPARQL endpoint (a real Oxigraph server) ----------------------------------------------


@pytest.fixture(scope="module")
def endpoint(oxigraph_server) -> EndpointBackend:  # noqa: F811
    backend = EndpointBackend(oxigraph_server.query_url)
    backend.load()
    return backend


@pytest.mark.server
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_endpoint_answers_like_memory(endpoint, bundled_graph: Graph, name: str) -> None:
    expected = rows(bundled_graph, QUERIES[name])
    assert rows(EndpointBackend(endpoint.url).graph(), QUERIES[name]) == expected


@pytest.mark.server
def test_endpoint_holds_the_same_triples_as_memory(endpoint, bundled_graph: Graph) -> None:
    remote = EndpointBackend(endpoint.url).graph()
    assert ground(remote) == as_oxigraph_keeps_it(bundled_graph)


@pytest.mark.server
def test_second_endpoint_load_changes_nothing(endpoint) -> None:
    first = EndpointBackend(endpoint.url).graph()
    before = (len(first), ground(first))
    report = EndpointBackend(endpoint.url).load()
    after = EndpointBackend(endpoint.url).graph()
    assert report.triples == before[0]
    assert (len(after), ground(after)) == before


@pytest.mark.server
def test_endpoint_load_into_another_graph_keeps_the_first(endpoint, fixtures: Path) -> None:
    other = EndpointBackend(endpoint.url, graph_iri="https://example.org/endpoint-extra")
    assert other.load([fixtures / EXTRA], bundled=False).triples == 2
    assert len(EndpointBackend(endpoint.url).graph()) > 1000


@pytest.mark.server
def test_endpoint_init_bindings_like_memory(endpoint, bundled_graph: Graph) -> None:
    query = "SELECT ?label WHERE { ?c skos:prefLabel ?label }"
    bindings = {"c": QE["rote-learning"]}
    expected = rows(bundled_graph, query, initBindings=bindings)
    assert expected
    assert rows(EndpointBackend(endpoint.url).graph(), query, initBindings=bindings) == expected


@pytest.mark.server
def test_endpoint_malformed_query_is_a_query_error(endpoint) -> None:
    with pytest.raises(QueryError, match="the endpoint refused the query"):
        EndpointBackend(endpoint.url).graph().query("SELECT * WHERE { ?s ?p }")


@pytest.mark.server
def test_endpoint_answer_over_the_size_cap_is_an_error(endpoint) -> None:
    small = EndpointBackend(endpoint.url, max_bytes=1000)
    with pytest.raises(BackendError, match=r"more than 1000 bytes|over the limit of 1000"):
        list(small.graph().query("SELECT * WHERE { ?s ?p ?o }"))


@pytest.mark.server
def test_cli_endpoint_analyze_answers_like_memory(runner, endpoint) -> None:
    memory = runner.invoke(main, ["analyze"])
    remote = runner.invoke(main, ["--endpoint", endpoint.url, "analyze"])
    assert memory.exit_code == 0, memory.output
    assert remote.output == memory.output


@pytest.mark.server
def test_cli_endpoint_load_twice_reports_the_same_count(runner, oxigraph_server) -> None:  # noqa: F811
    args = ["--endpoint", oxigraph_server.query_url, "--graph", "urn:x-test:cli", "load"]
    first = runner.invoke(main, args)
    second = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert first.output.split(" from ")[0] == second.output.split(" from ")[0]


def test_gsp_url_is_needed_when_it_cannot_be_guessed(fixtures: Path) -> None:
    with pytest.raises(InputError, match="--gsp URL"):
        EndpointBackend("http://127.0.0.1:1/sparql").load(bundled=False)


def test_endpoint_refused_connection_is_a_backend_error() -> None:
    from .servers import free_port

    backend = EndpointBackend(f"http://127.0.0.1:{free_port()}/query", connect_timeout=2)
    with pytest.raises(BackendError, match="cannot connect"):
        backend.graph().query("ASK { ?s ?p ?o }")


# --- misbehaving endpoints: a real HTTP server that answers badly --------------------------


class _BadEndpoint(http.server.BaseHTTPRequestHandler):
    """Stands in for endpoints we cannot run here (Virtuoso's 206, a stream cut short, a stall)."""

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
        if self.path == "/partial":
            self.send_response(206)
        elif self.path == "/slow":
            threading.Event().wait(3)
            self.send_response(200)
        else:  # "/cut": promise more than is sent, then close
            self.send_response(200)
            self.send_header("Content-Length", str(len(body) + 500))
        self.send_header("Content-Type", "application/sparql-results+json")
        if self.path != "/cut":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def bad_endpoint() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _BadEndpoint)
    server.daemon_threads = True
    server.handle_error = lambda request, address: None  # the client hanging up is expected
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.server
def test_http_206_is_a_partial_answer_error(bad_endpoint: str) -> None:
    with pytest.raises(BackendError, match="partial answer"):
        EndpointBackend(f"{bad_endpoint}/partial").graph().query("SELECT ?s {}")


@pytest.mark.server
def test_cut_stream_is_a_partial_answer_error(bad_endpoint: str) -> None:
    with pytest.raises(BackendError, match="partial answer"):
        EndpointBackend(f"{bad_endpoint}/cut").graph().query("SELECT ?s {}")


@pytest.mark.server
def test_read_timeout_is_a_backend_error(bad_endpoint: str) -> None:
    client = EndpointClient(f"{bad_endpoint}/slow", read_timeout=0.5)
    with pytest.raises(BackendError, match=r"did not answer within 0\.5 s"):
        client.query("SELECT ?s {}")


# --- the named queries through qegraph.sparql.run_query, on every backend ------------------


def _answer(result) -> Counter:
    """A SELECT answer as a multiset of rows, each term as (text, language tag as written)."""

    def cell(term):
        if term is None:
            return None
        return str(term), getattr(term, "language", None)

    if result.kind == "ASK":
        return Counter([result.boolean])
    if result.kind != "SELECT":
        return Counter(ground(result.graph))
    return Counter(tuple(cell(row[v]) for v in result.variables) for row in result.rows)


def _named() -> list[str]:
    from qegraph.sparql import named_queries

    return [q.name for q in named_queries()]


@pytest.mark.parametrize("name", _named())
def test_named_query_on_the_store_answers_like_memory(store_dir, bundled_graph, name) -> None:
    from qegraph.sparql import named_query, run_query

    text = named_query(name).text
    assert _answer(run_query(StoreBackend(store_dir).graph(), text)) == _answer(
        run_query(bundled_graph, text)
    )


@pytest.mark.server
@pytest.mark.parametrize("name", _named())
def test_named_query_on_the_endpoint_answers_like_memory(endpoint, bundled_graph, name) -> None:
    from qegraph.sparql import named_query, run_query

    text = named_query(name).text
    assert _answer(run_query(EndpointBackend(endpoint.url).graph(), text)) == _answer(
        run_query(bundled_graph, text)
    )


def test_cli_store_export_matches_memory(runner, store_dir: Path) -> None:
    memory = runner.invoke(main, ["export", "--format", "turtle"])
    stored = runner.invoke(main, ["--store", str(store_dir), "export", "--format", "turtle"])
    assert memory.exit_code == 0, memory.output
    assert stored.exit_code == 0, stored.output
    expected = memory.output
    assert "@zh-Hans" in stored.output
    assert stored.output == expected


def test_ctrl_c_during_a_cli_load_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    store = tmp_path / "s"
    StoreBackend(store).load()
    before = len(StoreBackend(store).graph())
    big = tmp_path / "big.nt"
    with big.open("w") as out:
        for i in range(300_000):
            out.write(f'<https://example.org/s{i}> <https://example.org/p> "v{i}" .\n')
    process = subprocess.Popen(
        [sys.executable, "-m", "qegraph", "--store", str(store), "load", str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".s.qegraph-*")) and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.strip() == "Interrupted."
    assert len(StoreBackend(store).graph()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.nt", "s"]


def test_query_timeout_really_stops_a_store_query(store_dir: Path) -> None:
    import subprocess
    import sys
    import time

    cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    command = [sys.executable, "-m", "qegraph", "--store", str(store_dir), "query", cartesian]
    start = time.monotonic()
    done = subprocess.run([*command, "--timeout", "1"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 4
    assert "time limit of 1 s" in done.stderr
    assert time.monotonic() - start < 15
