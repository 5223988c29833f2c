"""The engine's workers on their own: no network even when a query slips past the checks, and
the checks themselves."""

from __future__ import annotations

import os
import pickle
import signal
import socket
import struct

import pytest

from qegraph.serve.checks import check_query, names_dataset
from qegraph.serve.dataset import build_store
from qegraph.serve.errors import Refusal
from qegraph.serve.workers import Job, frame, spawn, warm_up


def run(worker, job: Job):
    worker.sock.setblocking(True)
    worker.sock.sendall(frame(pickle.dumps(job)))
    head = worker.sock.recv(4, socket.MSG_WAITALL)
    (size,) = struct.unpack(">I", head)
    return pickle.loads(worker.sock.recv(size, socket.MSG_WAITALL))


def stop(worker) -> None:
    os.kill(worker.pid, signal.SIGKILL)
    os.waitpid(worker.pid, 0)
    worker.sock.close()


@pytest.mark.parametrize("allow_network", [False, True])
def test_a_worker_without_network_cannot_call_service(allow_network: bool) -> None:
    """The front refuses SERVICE; should that check be fooled, the worker still has no network.
    With ``allow_network`` the same query does reach the listener: the test can fail."""
    warm_up()
    store = build_store()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(3)
        port = listener.getsockname()[1]
        worker = spawn(lambda: store, union=True, allow_network=allow_network)
        try:
            assert worker.isolated is (not allow_network)
            query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
            worker.sock.setblocking(True)
            worker.sock.sendall(frame(pickle.dumps(Job(query, "SELECT", "json"))))
            try:
                connection, _address = listener.accept()
                connection.close()
                reached = True
            except TimeoutError:
                reached = False
            if allow_network:
                assert reached
            else:
                assert not reached
                head = worker.sock.recv(4, socket.MSG_WAITALL)
                (size,) = struct.unpack(">I", head)
                status, _truncated, body = pickle.loads(worker.sock.recv(size, socket.MSG_WAITALL))
                assert status == 400
                assert b"query failed" in body
        finally:
            stop(worker)


def test_worker_answers_a_query_of_the_union_default_graph() -> None:
    warm_up()
    store = build_store()
    worker = spawn(lambda: store, union=True, allow_network=False)
    try:
        status, truncated, body = run(
            worker, Job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "SELECT", "csv")
        )
    finally:
        stop(worker)
    assert (status, truncated) == (200, False)
    assert body == f"n\r\n{len(store)}\r\n".encode()


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "  # a comment\nPREFIX x: <urn:x>\nDELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * { service<http://example.org/sparql> { ?s ?p ?o } }",
        r"SELECT * { \u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        r"SELECT * { \U00000053ervice <http://example.org/sparql> { ?s ?p ?o } }",
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_checks_refuse_updates_load_and_service(query: str) -> None:
    with pytest.raises(Refusal) as refused:
        check_query(query)
    assert refused.value.status == 403


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT ?service WHERE { ?s <urn:service> 'SERVICE' }", "SELECT"),
        ('ASK { ?s ?p """LOAD <x>\nSERVICE""" }', "ASK"),
        ("# SERVICE in a comment\nDESCRIBE <urn:x>", "DESCRIBE"),
        ("PREFIX service: <urn:s#> CONSTRUCT WHERE { ?s service:load ?o }", "CONSTRUCT"),
        ("SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }", "SELECT"),
    ],
)
def test_checks_let_words_in_strings_iris_and_names_pass(query: str, form: str) -> None:
    assert check_query(query) == form


def test_a_query_with_from_keeps_its_own_dataset() -> None:
    assert names_dataset("SELECT * FROM NAMED <urn:g> WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert not names_dataset("SELECT * WHERE { ?s <urn:from> 'FROM' }")


@pytest.mark.parametrize(
    "query",
    [
        # Oxigraph reads \u0022 as a character inside the string, so SERVICE is live for the engine;
        # with the escape expanded first, SERVICE would sit in a comment.
        'SELECT ?s { ?s ?p "\\u0022 # " SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } }',
        # Oxigraph ends a comment at CR: SERVICE is live for the engine.
        "SELECT ?s { # note\r SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } }",
        # An escaped keyword outside a string: read two ways.
        "SELECT * { \\u0053ERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
        "SELECT * { ?s ?p \\u0022x\\u0022 . SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } }",
    ],
)
def test_checks_refuse_a_query_the_two_readings_disagree_on(query: str) -> None:
    with pytest.raises(Refusal) as refused:
        check_query(query)
    assert refused.value.status == 403


def test_checks_pass_escapes_inside_strings_and_iris() -> None:
    assert check_query('SELECT ?s { ?s ?p "caf\\u00e9" ; ?q <urn:\\u0041> }') == "SELECT"
