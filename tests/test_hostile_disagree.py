"""Queries built so that rdflib (the check) and Oxigraph (the engine) read them differently.

A query may hide a ``SERVICE`` from rdflib's parser (inside a comment that Oxigraph ends at a CR,
behind ``\\u`` escapes that the two expand differently) while Oxigraph runs it. Each case points
at a loopback listener that must receive zero connections, on every backend: memory, ``--store``
(where the query also runs in a child without network) and ``--endpoint`` (a real Oxigraph
server, which would run the SERVICE itself: the check must refuse before sending).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from qegraph.errors import NetworkRefusedError, QueryError
from qegraph.oxstore import open_read_only, stoppable_query
from qegraph.sparql import check_query, engine_text, prepare_query

from .servers import oxigraph_server  # noqa: F401 - the fixture
from .test_hostile_network import Listener, listener  # noqa: F401 - the fixture


def hiding_forms(url: str) -> dict[str, str]:
    """One query per way of hiding ``SERVICE <url>`` from rdflib that Oxigraph still runs.

    rdflib expands ``\\u`` escapes over the whole text first and ends comments at LF only;
    Oxigraph expands escapes inside strings and IRIs only and ends comments at CR too.
    """
    service = f"SERVICE <{url}> {{ ?a ?b ?c }}"
    q3 = "'" * 3
    return {
        "escaped quote ends the string": f'SELECT ?s WHERE {{ ?s ?p "\\u0022 # " {service}\n }}',
        "escaped quote, single quotes": f"SELECT ?s WHERE {{ ?s ?p '\\u0027 # ' {service}\n }}",
        "escaped quotes, long string": (
            f"SELECT ?s WHERE {{ ?s ?p {q3}\\u0027\\u0027\\u0027 # {q3} {service}\n }}"
        ),
        "8-digit escaped quote": f'SELECT ?s WHERE {{ ?s ?p "\\U00000022 # " {service}\n }}',
        "escaped quote in a FILTER": (
            f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(?o != "\\u0022) # ") {service}\n }}'
        ),
        "CR ends the comment": f"SELECT ?s WHERE {{ ?s ?p ?o # note\r {service}\n }} LIMIT 1",
        "ASK form": f'ASK {{ ?s ?p "\\u0022 # " {service}\n }}',
        "CONSTRUCT form": f"CONSTRUCT {{ ?a ?b ?c }} WHERE {{ # \r {service}\n }}",
        "SELECT * form": f"SELECT * WHERE {{ ?s ?p ?o # \r {service}\n }}",
        "inside OPTIONAL": f"SELECT ?s {{ ?s ?p ?o OPTIONAL {{ # \r {service}\n }} }}",
        "SERVICE SILENT": f"SELECT ?s {{ # \r SERVICE SILENT <{url}> {{ ?a ?b ?c }}\n }}",
        "hash in an IRI then CR": f"SELECT ?s {{ ?s <urn:x#y> ?o # \r {service}\n }}",
        "escaped IRI of the SERVICE": (
            "SELECT ?s {{ # \r SERVICE <{u}> {{ ?a ?b ?c }}\n }}".format(
                u=url.replace("h", "\\u0068", 1)
            )
        ),
    }


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    from qegraph.backends import StoreBackend

    folder = tmp_path_factory.mktemp("disagree") / "store"
    StoreBackend(folder).load()
    return folder


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qegraph", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )


@pytest.mark.parametrize("case", sorted(hiding_forms("http://x")))
def test_the_check_refuses_every_hidden_service(case: str, listener: Listener) -> None:  # noqa: F811
    text = hiding_forms(f"http://127.0.0.1:{listener.port}/sparql")[case]
    with pytest.raises(NetworkRefusedError):
        check_query(text)
    with pytest.raises(NetworkRefusedError):
        prepare_query(text)
    assert listener.count() == 0


def test_every_backend_refuses_every_hidden_service(
    store: Path,
    listener: Listener,  # noqa: F811
    oxigraph_server,  # noqa: F811
) -> None:
    from qegraph.backends import EndpointBackend, MemoryBackend, StoreBackend
    from qegraph.exporting import select_graph
    from qegraph.sparql import run_query

    url = f"http://127.0.0.1:{listener.port}/sparql"
    endpoint = EndpointBackend(oxigraph_server.query_url)
    endpoint.load()
    graphs = {
        "memory": MemoryBackend().graph(),
        "store": StoreBackend(store).graph(),
        "endpoint": endpoint.graph(),
    }
    for case, text in hiding_forms(url).items():
        for name, graph in graphs.items():
            with pytest.raises(NetworkRefusedError):
                run_query(graph, text, timeout=10)
                pytest.fail(f"{case} ran on {name}")
        with pytest.raises(NetworkRefusedError):
            select_graph(graphs["store"], construct=text)
    assert listener.count() == 0


@pytest.mark.parametrize("case", ["CR ends the comment", "escaped quote ends the string"])
def test_the_command_line_says_so_in_one_line_with_exit_3(
    case: str,
    store: Path,
    listener: Listener,  # noqa: F811
    oxigraph_server,  # noqa: F811
) -> None:
    text = hiding_forms(f"http://127.0.0.1:{listener.port}/sparql")[case]
    for option in ([], ["--store", str(store)], ["--endpoint", oxigraph_server.query_url]):
        query = run_cli(*option, "query", text, "--timeout", "10")
        assert query.returncode == 3, (option, query.stderr)
        assert "Traceback" not in query.stderr and "TypeError" not in query.stderr
        assert query.stderr.startswith("Error: ") and query.stderr.count("\n") == 1
    export = run_cli("--store", str(store), "export", "--construct", text, "--format", "nt")
    assert export.returncode == 3 and export.stdout == "", export.stderr
    assert listener.count() == 0


class QuietListener:
    """A listening socket with no thread (store queries fork only in a single-threaded process):
    the kernel queues connections, counted afterwards by accepting without blocking."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]

    def count(self) -> int:
        self.sock.setblocking(False)
        found = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return found
            found += 1
            conn.close()


@pytest.fixture()
def quiet() -> Iterator[QuietListener]:
    server = QuietListener()
    yield server
    server.sock.close()


def test_a_store_query_the_check_missed_still_cannot_connect(
    store: Path, quiet: QuietListener
) -> None:
    """The engine itself has no network: the isolated child is the second line of defence."""
    assert threading.active_count() == 1
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{quiet.port}/s> {{ ?a ?b ?c }} }}"
    with pytest.raises(NetworkRefusedError, match="tried to reach the network"):
        stoppable_query(open_read_only(store), text)
    assert quiet.count() == 0


def test_allow_network_lets_the_store_query_connect(store: Path, quiet: QuietListener) -> None:
    """The listener does see a connection when one is allowed (the test above can fail)."""
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{quiet.port}/s> {{ ?a ?b ?c }} }}"
    from qegraph.errors import QueryTimeoutError
    from qegraph.limits import time_limit

    # The listener never answers: the query waits until the time limit kills its child.
    with pytest.raises(QueryTimeoutError), time_limit(3):
        stoppable_query(open_read_only(store), text, allow_network=True)
    assert quiet.count() >= 1


def test_escapes_that_agree_still_run_everywhere(store: Path) -> None:
    text = 'SELECT ?s WHERE { ?s skos:prefLabel "\\u7D20\\u8D28\\u6559\\u80B2"@zh-Hans }'
    backends = ([], ["--store", str(store)])
    outputs = {run_cli(*o, "query", text, "--format", "csv").stdout for o in backends}
    assert outputs == {"s\nhttps://w3id.org/qegraph/quality-education\n"}


def test_escapes_outside_strings_and_iris_are_refused() -> None:
    with pytest.raises(NetworkRefusedError, match="outside strings and IRIs"):
        check_query("SELECT ?s { ?s ?p ?o FILTER(\\u0031 = 1) }")


def test_oxigraph_and_rdflib_must_agree_on_the_form() -> None:
    with pytest.raises(QueryError):
        check_query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 ; ASK {}")


def test_engine_text_cuts_tokens_as_oxigraph_does() -> None:
    assert engine_text('?s ?p "\\u0022 # " .') == '?s ?p "s" .'
    assert engine_text("<urn:\\u0061> # x\r ?s") == "<urn:a> \n ?s"
    assert engine_text("'plain' <urn:a#b> # no escape\n") == "'plain' <urn:a#b> # no escape\n"


def _fuzz_module():
    import importlib.util

    script = Path(__file__).parent.parent / "scripts" / "fuzz_load.py"
    spec = importlib.util.spec_from_file_location("fuzz_load", script)
    assert spec is not None and spec.loader is not None
    fuzz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz)
    return fuzz


def test_the_query_fuzz_target_passes_its_seed_corpus() -> None:
    fuzz = _fuzz_module()
    seeds = fuzz.query_seeds()
    assert len(seeds) >= 8
    for text in seeds.values():
        fuzz.check_one_query(text.encode("utf-8"))  # raises on a finding
    # The target can fail: a check that let a hidden SERVICE through would be a finding.
    from qegraph import sparql

    real = sparql.check_query
    sparql.check_query = lambda text, **kw: None
    try:
        with pytest.raises(AssertionError, match="SERVICE"):
            fuzz.check_one_query(seeds["cr-comment.rq"].encode("utf-8"))
    finally:
        sparql.check_query = real


def test_a_library_caller_of_the_store_graph_gets_no_network_by_default(
    store: Path, quiet: QuietListener
) -> None:
    """graph.query() outside run_query (no check at all) still runs without network."""
    from qegraph.backends import StoreBackend

    assert threading.active_count() == 1
    graph = StoreBackend(store).graph()
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{quiet.port}/s> {{ ?a ?b ?c }} }}"
    with pytest.raises(NetworkRefusedError):
        list(graph.query(text))
    assert quiet.count() == 0
