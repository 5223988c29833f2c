"""``qegraph serve``: a read-only SPARQL 1.1 Protocol endpoint, tested with real HTTP clients."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.query import Result

from qegraph.backends import DEFAULT_GRAPH, StoreBackend

from .servers import QegraphServe, children_of, qegraph_serve, start_serve  # noqa: F401

pytestmark = pytest.mark.server

LABELS = "SELECT ?c ?label WHERE { ?c a skos:Concept ; skos:prefLabel ?label }"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT = 1.5
PARADIGMS = "SELECT ?p WHERE { ?p a qe:Paradigm }"
CONCEPTS_GRAPH = "https://w3id.org/qegraph/concepts"


@pytest.fixture(scope="module")
def server(qegraph_serve: QegraphServe) -> QegraphServe:  # noqa: F811
    return qegraph_serve


def request(
    url: str,
    *,
    params: list[tuple[str, str]] | None = None,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One raw HTTP request; returns status, headers and body (also for 4xx/5xx)."""
    if params:
        url = f"{url}?{urllib.parse.urlencode(params)}"
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def select(server: QegraphServe, query: str) -> set[tuple]:
    accept = {"Accept": "application/sparql-results+json"}
    status, _headers, body = request(server.url, params=[("query", query)], headers=accept)
    assert status == 200, body
    return {tuple(row) for row in Result.parse(io.BytesIO(body), format="json")}


def expected(graph: Graph, query: str) -> set[tuple]:
    return {tuple(row) for row in graph.query(query)}


# --- a real client: SPARQLWrapper ----------------------------------------------------------


def test_sparqlwrapper_select_matches_memory(server, bundled_graph: Graph) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(server.url)
    client.setQuery(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?c ?label WHERE { ?c a skos:Concept ; skos:prefLabel ?label }"
    )
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]
    got = {(b["c"]["value"], b["label"]["value"], b["label"].get("xml:lang")) for b in bindings}
    want = {(str(c), str(label), label.language) for c, label in bundled_graph.query(LABELS)}
    assert want
    assert got == want


def test_sparqlwrapper_construct_matches_memory(server, bundled_graph: Graph) -> None:
    from SPARQLWrapper import TURTLE, SPARQLWrapper

    query = "CONSTRUCT WHERE { ?c skos:prefLabel ?label }"
    client = SPARQLWrapper(server.url)
    client.setQuery(query)
    client.setReturnFormat(TURTLE)
    got = Graph().parse(data=client.query().convert(), format="turtle")
    want = bundled_graph.query(query).graph
    assert len(want) > 10
    assert set(got) == set(want)


def test_sparqlwrapper_ask(server) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(server.url)
    client.setQuery("ASK { qe:quality-education qe:opposes qe:exam-oriented-education }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


# --- content negotiation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/*;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_content_negotiation(server, bundled_graph, accept: str, media: str) -> None:
    status, headers, body = request(
        server.url, params=[("query", LABELS)], headers={"Accept": accept}
    )
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == media
    want = {str(label) for _c, label in bundled_graph.query(LABELS)}
    if media.endswith("json"):
        got = {b["label"]["value"] for b in json.loads(body)["results"]["bindings"]}
    elif media.endswith("xml"):
        got = {str(r[1]) for r in Result.parse(io.BytesIO(body), format="xml")}
    elif media == "text/csv":
        got = {row["label"] for row in csv.DictReader(io.StringIO(body.decode()))}
    else:
        lines = body.decode().splitlines()
        assert lines[0] == "?c\t?label"
        got = {str(Literal_from_nt(line.split("\t")[1])) for line in lines[1:]}
    assert got == want


def Literal_from_nt(text: str) -> Literal:
    graph = Graph().parse(data=f"<urn:s> <urn:p> {text} .", format="nt")
    return next(iter(graph.objects()))


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml")],
)
def test_construct_content_negotiation(server, bundled_graph, accept: str, fmt: str) -> None:
    query = "CONSTRUCT WHERE { qe:quality-education ?p ?o }"
    status, headers, body = request(
        server.url, params=[("query", query)], headers={"Accept": accept}
    )
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == accept
    got = Graph().parse(data=body, format=fmt)
    assert len(got) == len(bundled_graph.query(query).graph) > 0


def test_unsupported_accept_is_406(server) -> None:
    status, _headers, body = request(
        server.url, params=[("query", LABELS)], headers={"Accept": "image/png"}
    )
    assert status == 406
    assert b"offered" in body


# --- refusals ------------------------------------------------------------------------------


def test_malformed_query_is_400(server) -> None:
    status, _h, body = request(server.url, params=[("query", "SELECT * WHERE { ?s ?p ")])
    assert status == 400
    assert body.startswith(b"malformed query")


def test_update_by_post_is_403(server, bundled_graph) -> None:
    before = len(bundled_graph)
    status, _h, body = request(
        server.url,
        method="POST",
        body=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert status == 403
    assert b"read-only" in body
    assert len(bundled_graph) == before


def test_update_in_a_form_is_403(server) -> None:
    body = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _h, _b = request(server.url, method="POST", body=body, headers=headers)
    assert status == 403


def test_update_sent_by_get_is_refused(server) -> None:
    status, _h, _b = request(server.url, params=[("update", "DROP ALL")])
    assert status == 403


def test_update_text_in_the_query_parameter_is_403(server) -> None:
    status, _h, body = request(server.url, params=[("query", "CLEAR DEFAULT")])
    assert status == 403
    assert b"read-only" in body


def test_load_is_refused(server) -> None:
    status, _h, _b = request(server.url, params=[("query", "LOAD <http://example.org/x.ttl>")])
    assert status == 403


def test_service_is_refused_before_the_engine(server) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    status, _h, body = request(server.url, params=[("query", query)])
    assert status == 403
    assert b"SERVICE" in body


def test_from_a_remote_graph_is_never_fetched(server) -> None:
    query = "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o } LIMIT 1"
    status, _h, body = request(server.url, params=[("query", query)])
    assert status == 200
    assert json.loads(body)["results"]["bindings"] == []


# --- timeout, row cap, size cap, concurrency -----------------------------------------------


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QegraphServe]:
    """A server with tight limits, CORS for one origin, and a --data file holding a long list."""
    from rdflib.collection import Collection

    graph = Graph()
    Collection(graph, URIRef("https://example.org/list"), [Literal(i) for i in range(3000)])
    data = tmp_path_factory.mktemp("strict") / "list.ttl"
    graph.serialize(data, format="turtle")
    running = start_serve(
        "--timeout",
        str(TIMEOUT),
        "--max-rows",
        "5",
        "--max-request-bytes",
        "1000",
        "--cors",
        "https://example.org",
        "--workers",
        "2",
        "--header-timeout",
        "1",
        global_options=("--data", str(data)),
    )
    try:
        yield running
    finally:
        running.stop()


def test_cartesian_product_is_stopped_and_others_still_answered(strict, bundled_graph) -> None:
    done: dict[str, tuple[int, float]] = {}
    before = set(strict.workers())
    assert len(before) == 2

    def slow() -> None:
        begin = time.monotonic()
        status, _h, _b = request(strict.url, params=[("query", CARTESIAN)])
        done["slow"] = (status, time.monotonic() - begin)

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.2)
    assert select(strict, PARADIGMS) == expected(bundled_graph, PARADIGMS)
    answered_while_running = "slow" not in done
    thread.join()
    status, took = done["slow"]
    assert status == 503
    assert TIMEOUT <= took < TIMEOUT + 5
    assert answered_while_running
    assert select(strict, PARADIGMS) == expected(bundled_graph, PARADIGMS)
    after = set(strict.workers())
    assert len(after) == 2 and after != before  # the runaway worker was killed and replaced
    status, _h, body = request(f"{strict.base}/status")
    assert json.loads(body)["workers_replaced"] >= 1


def test_fifty_concurrent_clients_get_correct_answers(server, bundled_graph) -> None:
    concepts = sorted({str(c) for c, _l in bundled_graph.query(LABELS)})[:50]
    concepts += concepts[: 50 - len(concepts)]
    query = "SELECT ?label WHERE {{ <{}> skos:prefLabel ?label }}"

    def ask(iri: str) -> tuple[str, set[tuple]]:
        return iri, select(server, query.format(iri))

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(ask, concepts))
    assert len(answers) == 50
    for iri, got in answers:
        assert got == expected(bundled_graph, query.format(iri))
        assert got


def test_row_cap_truncates_and_says_so(strict) -> None:
    status, headers, body = request(
        strict.url, params=[("query", LABELS)], headers={"Accept": "application/json"}
    )
    assert status == 200
    assert headers["Qegraph-Truncated"] == "true"
    data = json.loads(body)
    assert data["truncated"] is True
    assert len(data["results"]["bindings"]) == 5


def test_answer_under_the_row_cap_is_not_flagged(server) -> None:
    status, headers, body = request(
        server.url, params=[("query", "SELECT ?s { ?s a qe:Paradigm }")]
    )
    assert status == 200
    assert "Qegraph-Truncated" not in headers
    assert "truncated" not in json.loads(body)


def test_request_over_the_size_cap_is_413(strict) -> None:
    padding = "#" + "x" * 2000 + "\n"
    status, _h, _b = request(
        strict.url,
        method="POST",
        body=(padding + "ASK {}").encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert status == 413
    status, _h, _b = request(strict.url, params=[("query", padding + "ASK {}")])
    assert status == 414


# --- SPARQL 1.1 Protocol: queries ----------------------------------------------------------


def test_get_url_encoded_post_and_direct_post_agree(server, bundled_graph) -> None:
    want = expected(bundled_graph, PARADIGMS)
    accept = {"Accept": "application/sparql-results+json"}
    form = urllib.parse.urlencode({"query": PARADIGMS}).encode()
    answers = [
        request(server.url, params=[("query", PARADIGMS)], headers=accept),
        request(
            server.url,
            method="POST",
            body=form,
            headers={**accept, "Content-Type": "application/x-www-form-urlencoded"},
        ),
        request(
            server.url,
            method="POST",
            body=PARADIGMS.encode(),
            headers={**accept, "Content-Type": "application/sparql-query"},
        ),
    ]
    for status, _h, body in answers:
        assert status == 200
        assert {tuple(r) for r in Result.parse(io.BytesIO(body), format="json")} == want


def test_default_graph_uri_naming_the_graph_gives_it(server, bundled_graph) -> None:
    params = [("query", PARADIGMS), ("default-graph-uri", DEFAULT_GRAPH)]
    status, _h, body = request(server.url, params=params)
    assert status == 200
    got = {tuple(r) for r in Result.parse(io.BytesIO(body), format="json")}
    assert got == expected(bundled_graph, PARADIGMS)


def test_default_graph_uri_naming_another_graph_gives_nothing(server) -> None:
    params = [("query", PARADIGMS), ("default-graph-uri", "https://example.org/none")]
    status, _h, body = request(server.url, params=params)
    assert status == 200
    assert json.loads(body)["results"]["bindings"] == []


def test_named_graph_uri_makes_the_graph_available_to_graph(server, bundled_graph) -> None:
    query = "SELECT ?g ?p WHERE { GRAPH ?g { ?p a qe:Paradigm } }"
    params = [("query", query), ("named-graph-uri", CONCEPTS_GRAPH)]
    status, _h, body = request(server.url, params=params)
    assert status == 200
    got = {(str(r[0]), str(r[1])) for r in Result.parse(io.BytesIO(body), format="json")}
    want = {(CONCEPTS_GRAPH, str(p)) for (p,) in bundled_graph.query(PARADIGMS)}
    assert want
    assert got == want


def test_graph_patterns_see_every_module_graph(server) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    status, _h, body = request(server.url, params=[("query", query)])
    assert status == 200
    got = [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert got == sorted(
        f"https://w3id.org/qegraph{m}"
        for m in ("", "/concepts", "/mappings", "/schema", "/sources")
    )


def test_default_graph_uri_naming_one_module_gives_only_it(server) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    sizes = []
    for extra in ([], [("default-graph-uri", CONCEPTS_GRAPH)]):
        status, _h, body = request(server.url, params=[("query", count), *extra])
        assert status == 200
        sizes.append(int(json.loads(body)["results"]["bindings"][0]["n"]["value"]))
    assert 0 < sizes[1] < sizes[0]


def test_graph_store_protocol_get_of_a_named_graph(server, bundled_graph) -> None:
    status, headers, body = request(
        f"{server.base}/graph-store",
        params=[("graph", CONCEPTS_GRAPH)],
        headers={"Accept": "application/n-triples"},
    )
    assert status == 200
    assert headers["Content-Type"].startswith("application/n-triples")
    got = Graph().parse(data=body, format="nt")
    assert 100 < len(got) < len(bundled_graph)
    status, _h, _b = request(f"{server.base}/graph-store", params=[("graph", "urn:none")])
    assert status == 404
    status, headers, _b = request(f"{server.base}/graph-store", method="PUT", body=b"")
    assert status == 405
    assert headers["Allow"] == "GET, HEAD"


# --- SPARQL 1.1 Protocol: bad requests -----------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_method_is_405(server, method: str) -> None:
    status, headers, _b = request(
        server.url, method=method, body=b"ASK {}", headers={"Content-Type": "text/plain"}
    )
    assert status == 405
    assert headers["Allow"] == "GET, HEAD, POST, OPTIONS"


def test_head_and_options_say_what_works(server) -> None:
    status, headers, body = request(server.url, params=[("query", "ASK {}")], method="HEAD")
    assert status == 200
    assert body == b""
    assert int(headers["Content-Length"]) > 0
    status, headers, _b = request(server.url, method="OPTIONS")
    assert status == 204
    assert headers["Allow"] == "GET, HEAD, POST, OPTIONS"
    assert "Access-Control-Allow-Origin" not in headers
    for page in ("/", "/docs/", "/query", "/status"):
        status, _h, body = request(f"{server.base}{page}", method="HEAD")
        assert (status, body) == (200, b""), page


def test_repeated_query_parameter_is_400(server) -> None:
    params = [("query", "ASK {}"), ("query", "ASK { ?s ?p ?o }")]
    status, _h, body = request(server.url, params=params)
    assert status == 400
    assert b"2 times" in body


def test_missing_query_is_400(server) -> None:
    status, _h, _b = request(server.url)
    assert status == 400


def test_wrong_media_type_is_415(server) -> None:
    status, _h, _b = request(
        server.url, method="POST", body=b"ASK {}", headers={"Content-Type": "text/plain"}
    )
    assert status == 415


def test_missing_media_type_is_400(server) -> None:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.putrequest("POST", "/sparql", skip_accept_encoding=True)
    conn.putheader("Content-Length", "6")
    conn.endheaders(b"ASK {}")
    response = conn.getresponse()
    conn.close()
    assert response.status == 400


def test_non_utf8_query_is_400(server) -> None:
    status, _h, _b = request(
        server.url,
        method="POST",
        body='ASK { ?s ?p "é" }'.encode("latin-1"),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert status == 400


def test_non_utf8_url_parameter_is_400(server) -> None:
    status, _h, _b = request(f"{server.url}?query=ASK%20%7B%7D%FF")
    assert status == 400


def test_other_charset_is_415(server) -> None:
    status, _h, _b = request(
        server.url,
        method="POST",
        body=b"ASK {}",
        headers={"Content-Type": "application/sparql-query; charset=iso-8859-1"},
    )
    assert status == 415


# --- web safety ----------------------------------------------------------------------------


def test_foreign_host_header_is_refused(server) -> None:
    status, _h, body = request(
        server.url, params=[("query", "ASK {}")], headers={"Host": "attacker.example:80"}
    )
    assert status == 403
    assert b"DNS rebinding" in body


def test_localhost_host_header_is_accepted(server) -> None:
    port = server.port
    status, _h, _b = request(
        server.url, params=[("query", "ASK {}")], headers={"Host": f"localhost:{port}"}
    )
    assert status == 200


def test_no_cors_header_unless_asked(server, strict) -> None:
    _s, headers, _b = request(server.url, params=[("query", "ASK {}")])
    assert "Access-Control-Allow-Origin" not in headers
    _s, headers, _b = request(strict.url, params=[("query", "ASK {}")])
    assert headers["Access-Control-Allow-Origin"] == "https://example.org"


def raw_exchange(port: int, data: bytes, wait: float = 10.0) -> bytes:
    """Send raw bytes, return what comes back until the server closes (or ``wait`` passes)."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
    return b"".join(chunks)


def test_repeated_host_header_is_400(server) -> None:
    good = f"127.0.0.1:{server.port}".encode()
    for hosts in ([good, b"attacker.example"], [good, good]):
        lines = b"".join(b"Host: " + h + b"\r\n" for h in hosts)
        answer = raw_exchange(
            server.port,
            b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n" + lines + b"Connection: close\r\n\r\n",
        )
        assert answer.startswith(b"HTTP/1.1 400"), answer[:100]


def test_absolute_form_target_naming_another_host_is_400(server) -> None:
    good = f"127.0.0.1:{server.port}".encode()
    request_line = b"GET http://attacker.example/sparql?query=ASK%7B%7D HTTP/1.1\r\n"
    answer = raw_exchange(
        server.port, request_line + b"Host: " + good + b"\r\nConnection: close\r\n\r\n"
    )
    assert answer.startswith(b"HTTP/1.1 400"), answer[:100]
    same = b"GET http://" + good + b"/sparql?query=ASK%7B%7D HTTP/1.1\r\n"
    answer = raw_exchange(server.port, same + b"Host: " + good + b"\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200"), answer[:100]


def test_client_that_never_finishes_its_headers_is_closed(strict) -> None:
    begin = time.monotonic()
    answer = raw_exchange(strict.port, b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n", wait=8)
    took = time.monotonic() - begin
    assert answer == b""
    assert took < 5  # --header-timeout 1 closed it; the client did not wait 8 s


def test_service_spelled_with_escapes_is_refused(server) -> None:
    query = r"SELECT * WHERE { \u0053ERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    status, _h, body = request(server.url, params=[("query", query)])
    assert status == 403
    assert b"SERVICE" in body


def test_status_reports_the_engine_and_its_isolation(server) -> None:
    from qegraph.isolation import isolation_status

    status, _h, body = request(f"{server.base}/status")
    assert status == 200
    data = json.loads(body)
    assert data["workers"] == 4
    assert "pyoxigraph workers" in data["engine"]
    assert data["network_isolation"] == isolation_status() != "unavailable"


def test_viewer_and_docs_are_served_offline(server) -> None:
    base = server.url.rsplit("/", 1)[0]
    status, headers, body = request(f"{base}/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert b"<script" in body
    assert b'src="http' not in body and b'href="http' not in body.split(b"<body")[0]
    status, headers, docs = request(f"{base}/docs/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert b"qe:Paradigm" in docs or b"Paradigm" in docs
    assert b"Documentation not available" not in docs


def test_unknown_path_is_404(server) -> None:
    base = server.url.rsplit("/", 1)[0]
    assert request(f"{base}/nothing-here")[0] == 404


# --- over an Oxigraph store, and the command itself ----------------------------------------


def test_serving_a_store_answers_like_memory(tmp_path: Path, bundled_graph) -> None:
    StoreBackend(tmp_path / "store").load()
    store_server = start_serve(
        "--timeout", str(TIMEOUT), global_options=("--store", str(tmp_path / "store"))
    )
    try:
        assert select(store_server, LABELS) == expected(bundled_graph, LABELS)
        status, _h, _b = request(store_server.url, params=[("query", CARTESIAN)])
        assert status == 503
        assert select(store_server, PARADIGMS) == expected(bundled_graph, PARADIGMS)
        params = [("query", PARADIGMS), ("default-graph-uri", DEFAULT_GRAPH)]
        status, _h, body = request(store_server.url, params=params)
        got = {tuple(r) for r in Result.parse(io.BytesIO(body), format="json")}
        assert got == expected(bundled_graph, PARADIGMS)
    finally:
        store_server.stop()


def test_serve_builds_no_start_pages_for_a_store_over_the_limit(tmp_path, monkeypatch) -> None:
    # At 1M triples, building the viewer and docs through rdflib kept serve from answering for
    # minutes; above the limit it serves a page that says why, at once.
    from qegraph.serve import runner

    backend = StoreBackend(tmp_path / "store")
    triples = backend.load().triples
    pages = runner.build_pages(backend.graph())
    assert b"No viewer" not in pages["/"][1] and len(pages["/"][1]) > 100_000
    monkeypatch.setattr(runner, "PAGES_MAX_TRIPLES", triples - 1)
    started = time.monotonic()
    pages = runner.build_pages(backend.graph())
    assert time.monotonic() - started < 2
    viewer, docs = pages["/"][1].decode(), pages["/docs/"][1].decode()
    assert f"No viewer: the graph has {triples:,} triples, more than the {triples - 1:,}" in viewer
    assert "qegraph viz --focus CONCEPT" in viewer
    assert f"No documentation: the graph has {triples:,} triples" in docs


def test_serving_a_store_sees_a_load_completed_while_it_runs(tmp_path: Path) -> None:
    store = tmp_path / "store"
    StoreBackend(store).load()
    extra = tmp_path / "extra.ttl"
    extra.write_text("<urn:qegraph-test:s> <urn:qegraph-test:p> 'loaded later' .\n")
    running = start_serve("--workers", "1", global_options=("--store", str(store)))
    ask = "ASK { ?s ?p 'loaded later' }"
    try:
        status, _h, body = request(running.url, params=[("query", ask)])
        assert status == 200 and json.loads(body)["boolean"] is False
        loaded = subprocess.run(
            [sys.executable, "-m", "qegraph", "--store", str(store), "load", str(extra)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert loaded.returncode == 0, loaded.stderr
        status, _h, body = request(running.url, params=[("query", ask)])
        assert status == 200, body
        assert json.loads(body)["boolean"] is True
    finally:
        running.stop()


def test_qegraph_serve_answers_then_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "qegraph", "serve", "--port", "0", "--quiet"]
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    try:
        line = process.stderr.readline()
        assert line.startswith("serving http://127.0.0.1:"), line
        url = line.split()[1]
        status, _h, body = request(url, params=[("query", "ASK { qe:rote-learning ?p ?o }")])
        assert status == 200
        assert json.loads(body)["boolean"] is True
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert "stopped" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)


def test_sigterm_stops_server_and_workers(tmp_path: Path) -> None:
    running = start_serve("--workers", "2")
    workers = running.workers()
    assert len(workers) == 2
    running.process.send_signal(signal.SIGTERM)
    assert running.process.wait(timeout=15) == 0
    time.sleep(0.2)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    running.stop()


def test_no_orphan_worker_after_the_server_is_killed() -> None:
    running = start_serve("--workers", "2")
    workers = running.workers()
    assert len(workers) == 2
    running.process.kill()  # SIGKILL: the server gets no chance to clean up
    running.process.wait(timeout=10)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in workers):
        time.sleep(0.05)
    alive = [p for p in workers if Path(f"/proc/{p}").exists()]
    assert not alive  # PR_SET_PDEATHSIG killed them with their parent
    running.stop()


def test_serve_refuses_a_port_in_use(server) -> None:
    command = [sys.executable, "-m", "qegraph", "serve", "--port", str(server.port)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "cannot listen" in done.stderr
    assert "Traceback" not in done.stderr


def test_long_list_path_query_is_answered_not_a_recursion_error(strict) -> None:
    query = "SELECT (COUNT(?m) AS ?n) WHERE { <https://example.org/list> rdf:rest*/rdf:first ?m }"
    ((count,),) = select(strict, query)
    assert int(count) == 3000
