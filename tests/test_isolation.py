"""The network namespace that store queries and serve workers run in really has no network."""

from __future__ import annotations

import os
import socket

import pytest

from qegraph.isolation import drop_network, isolation_status


def test_a_child_without_network_cannot_reach_a_loopback_listener() -> None:
    if isolation_status() == "unavailable":
        pytest.fail("this system refuses network namespaces; qegraph's CI machine must allow them")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        outcome = b"?"
        try:
            dropped = drop_network()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                outcome = b"C"
            except OSError:
                outcome = b"R" if dropped else b"N"
        finally:
            os.write(write_end, outcome)
            os._exit(0)
    os.close(write_end)
    outcome = os.read(read_end, 1)
    os.waitpid(pid, 0)
    listener.setblocking(False)
    with pytest.raises(BlockingIOError):
        listener.accept()
    listener.close()
    assert outcome == b"R"


def test_the_parent_keeps_its_network() -> None:
    isolation_status()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    socket.create_connection(listener.getsockname(), timeout=2).close()
    listener.close()
