"""Attacks that would make qegraph reach the network or read a local file nobody asked for.

Each attack points at a loopback listener (a socket bound on 127.0.0.1) that must receive zero
connections; one test shows that the listener does count a connection when one is allowed.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL

from qegraph.errors import NetworkRefusedError, QueryError
from qegraph.loading import QegraphWarning, load
from qegraph.safety import network_blocked, no_network
from qegraph.sparql import run_query

FIXTURES = Path(__file__).parent / "fixtures"


class Listener:
    """A TCP socket on 127.0.0.1 that accepts and counts connections in a background thread."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def count(self) -> int:
        """Connections received so far, after letting in-flight ones arrive."""
        time.sleep(0.1)
        return self.connections

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def hostile(name: str, port: int, tmp_path: Path) -> Path:
    """The fixture ``name`` with PORT replaced by the listener's port, copied into tmp_path."""
    target = tmp_path / name
    text = (FIXTURES / name).read_text(encoding="utf-8")
    target.write_text(text.replace("PORT", str(port)), encoding="utf-8")
    return target


def test_listener_counts_an_allowed_connection(listener):
    with no_network("testing", allow_network=True), pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{listener.port}/", timeout=2)
    assert listener.count() == 1


def test_urlopen_is_refused_inside_no_network(listener):
    url = f"http://127.0.0.1:{listener.port}/data.ttl"
    with pytest.raises(NetworkRefusedError) as err, no_network("testing"):
        urllib.request.urlopen(url, timeout=2)
    assert str(err.value).startswith(f"refused to open {url} while testing;")
    assert listener.count() == 0


def test_raw_socket_connect_is_refused_inside_no_network(listener):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    refused = pytest.raises(NetworkRefusedError, match=r"refused to connect to 127\.0\.0\.1:")
    with refused, no_network("testing"):
        sock.connect(("127.0.0.1", listener.port))
    sock.close()
    assert listener.count() == 0


def test_refusal_swallowed_by_a_library_is_reported_when_the_block_ends(listener):
    def careless_fetch() -> None:
        # What rdflib's QueryContext.load does with every parser failure:
        with contextlib.suppress(Exception):
            urllib.request.urlopen(f"http://127.0.0.1:{listener.port}/", timeout=2)

    with pytest.raises(NetworkRefusedError, match="while testing"), no_network("testing"):
        careless_fetch()
    assert listener.count() == 0


def test_guard_ends_with_its_block_and_allow_network_lifts_it():
    with no_network("outer"):
        assert network_blocked()
        with no_network("inner", allow_network=True):
            assert not network_blocked()
        assert network_blocked()
    assert not network_blocked()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_rdflib_from_clause_is_stopped_below_rdflib(listener):
    # Over a Dataset rdflib itself fetches FROM <url>, trying four parsers and swallowing each
    # failure; the audit hook still stops it.
    text = f"SELECT * FROM <http://127.0.0.1:{listener.port}/data.ttl> WHERE {{ ?s ?p ?o }}"
    with pytest.raises(NetworkRefusedError), no_network("running the query"):
        list(Dataset().query(text))
    assert listener.count() == 0


def test_owl_imports_is_reported_and_never_fetched(listener, tmp_path):
    path = hostile("hostile-owl-imports.ttl", listener.port, tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        graph = load([path], bundled=False)
    messages = [str(w.message) for w in caught if issubclass(w.category, QegraphWarning)]
    target = f"http://127.0.0.1:{listener.port}/ontology.ttl"
    assert messages == [
        f"{path}: owl:imports <{target}> was not fetched; qegraph never follows imports "
        "(pass the file itself with --data)"
    ]
    assert (None, OWL.imports, URIRef(target)) in graph
    assert listener.count() == 0


def test_jsonld_remote_context_is_refused(listener, tmp_path):
    path = hostile("hostile-remote-context.jsonld", listener.port, tmp_path)
    with pytest.raises(NetworkRefusedError) as err:
        load([path], bundled=False)
    assert str(err.value) == (
        f"{path}:2:16: JSON-LD context 'http://127.0.0.1:{listener.port}/context.jsonld' would "
        "be fetched from the network; qegraph never fetches contexts (put the context object "
        "inline in the file)"
    )
    assert listener.count() == 0


def test_jsonld_file_context_is_refused():
    path = FIXTURES / "hostile-file-context.jsonld"
    with pytest.raises(NetworkRefusedError) as err:
        load([path], bundled=False)
    assert str(err.value).startswith(
        f"{path}:2:59: JSON-LD context 'file:///etc/passwd' would be fetched from a local file;"
    )


def test_jsonld_context_import_is_refused(listener, tmp_path):
    path = hostile("hostile-import-context.jsonld", listener.port, tmp_path)
    with pytest.raises(NetworkRefusedError, match=r":2:28: JSON-LD context 'http://127\.0\.0\.1"):
        load([path], bundled=False)
    assert listener.count() == 0


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("hostile-service.rq", "SPARQL SERVICE <http://127.0.0.1:{port}/sparql> is refused"),
        ("hostile-load.rq", "SPARQL LOAD is refused"),
        ("hostile-from.rq", "SPARQL FROM <http://127.0.0.1:{port}/data.ttl> is refused"),
        ("hostile-from-named.rq", "SPARQL FROM NAMED <http://127.0.0.1:{port}/data.ttl> is"),
        ("hostile-from-file.rq", "SPARQL FROM <file:///etc/passwd> is refused"),
    ],
)
def test_sparql_that_would_fetch_is_refused(listener, tmp_path, name, start):
    text = hostile(name, listener.port, tmp_path).read_text(encoding="utf-8")
    with pytest.raises(NetworkRefusedError) as err:
        run_query(Graph(), text)
    assert str(err.value).startswith(start.format(port=listener.port))
    assert listener.count() == 0


def test_sparql_service_reaches_the_endpoint_only_when_allowed(listener, tmp_path):
    text = hostile("hostile-service.rq", listener.port, tmp_path).read_text(encoding="utf-8")
    with pytest.raises(QueryError):  # the listener hangs up: not a SPARQL endpoint
        run_query(Graph(), text, allow_network=True)
    assert listener.count() == 1


def test_sparql_from_file_is_refused_even_with_network_allowed(tmp_path):
    text = (FIXTURES / "hostile-from-file.rq").read_text(encoding="utf-8")
    with pytest.raises(NetworkRefusedError, match="it would read a local file"):
        run_query(Graph(), text, allow_network=True)
