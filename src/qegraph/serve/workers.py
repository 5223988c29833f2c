"""The engine's processes: pyoxigraph workers forked ahead of time, each without a network.

A worker is forked from the server, closes every file it inherited but its socket to the server,
asks the kernel to kill it when the server dies (``prctl(PR_SET_PDEATHSIG)``), moves into an
empty network namespace (:func:`qegraph.isolation.drop_network`) unless ``--allow-network``, and
then answers one query at a time: a length-prefixed pickle in, the rendered answer out. The
answer is written by the same functions as ``qegraph query`` writes it, so both give the same
bytes. A query past its time limit costs the worker its life: the pool kills it (Oxigraph cannot
be interrupted from Python) and forks a fresh one.

>>> frame(b"abc")
b'\\x00\\x00\\x00\\x03abc'
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import pickle
import signal
import socket
import struct
import sys
from dataclasses import dataclass
from itertools import islice
from typing import Any

__all__ = ["Job", "Worker", "execute", "frame", "spawn", "warm_up"]

_HEADER = struct.Struct(">I")
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Job:
    """One query for a worker: text, form, ``qegraph query --format``, dataset, row cap."""

    query: str
    form: str
    fmt: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int = 10_000
    #: the query names its own dataset (FROM / FROM NAMED): no union default graph then
    own_dataset: bool = False


@dataclass
class Worker:
    """The server's side of a worker: its process id and socket, whether it has no network."""

    pid: int
    sock: socket.socket
    isolated: bool


def frame(payload: bytes) -> bytes:
    """``payload`` with its length in front (how worker and server cut the stream)."""
    return _HEADER.pack(len(payload)) + payload


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        data = sock.recv(size - len(chunks))
        if not data:
            raise EOFError("the server closed the worker's socket")
        chunks += data
    return bytes(chunks)


def _die_with_parent(parent: int) -> None:
    """Have the kernel SIGKILL this process when the process that forked it ends."""
    libc_name = ctypes.util.find_library("c")
    if sys.platform.startswith("linux") and libc_name:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def warm_up() -> None:
    """Import in the server, once, everything a worker uses, so a worker forked later never
    imports (an import lock held by another thread at fork time would hang it)."""
    import pyoxigraph  # noqa: F401
    import rdflib  # noqa: F401

    from ..exporting import serialize  # noqa: F401
    from ..formatting import render_boolean, render_solutions  # noqa: F401
    from ..isolation import drop_network  # noqa: F401
    from ..namespaces import PREFIXES  # noqa: F401
    from ..terms import value_of_oxigraph  # noqa: F401


def spawn(open_store: Any, *, union: bool, allow_network: bool) -> Worker:
    """Fork a worker; ``open_store()`` runs in the child and returns the store it queries."""
    parent_sock, child_sock = socket.socketpair()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 0
        try:
            keep = child_sock.fileno()
            os.closerange(3, keep)
            os.closerange(keep + 1, 1 << 16)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when we stop
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            isolated = False if allow_network else _drop_network()
            _die_with_parent(parent)
            store = open_store()
            child_sock.sendall(frame(pickle.dumps(isolated)))
            _serve(child_sock, store, union)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    child_sock.close()
    try:
        (size,) = _HEADER.unpack(_recv_exactly(parent_sock, _HEADER.size))
        isolated = pickle.loads(_recv_exactly(parent_sock, size))
    except (EOFError, OSError):
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)
        from ..errors import BackendError

        raise BackendError("the query engine could not start (cannot open the store)") from None
    parent_sock.setblocking(False)  # the server reads it from its event loop
    return Worker(pid, parent_sock, bool(isolated))


def _drop_network() -> bool:
    from ..isolation import drop_network

    return drop_network()


def _serve(sock: socket.socket, store: Any, union: bool) -> None:
    while True:
        try:
            (size,) = _HEADER.unpack(_recv_exactly(sock, _HEADER.size))
        except EOFError:
            return
        job = pickle.loads(_recv_exactly(sock, size))
        sock.sendall(frame(pickle.dumps(execute(store, job, union=union))))


def _dataset(store: Any, job: Job, union: bool) -> dict[str, Any]:
    """pyoxigraph ``query`` options for the job's protocol dataset.

    qegraph's own graph name stands for what queries see by default: the union of all graphs in
    the temporary store, the store's default graph in a ``--store``.
    """
    import pyoxigraph as ox

    from ..oxstore import DEFAULT_GRAPH

    if not (job.default_graphs or job.named_graphs):
        return {"use_default_graph_as_union": union and not job.own_dataset}
    default: list[Any] = []
    for iri in job.default_graphs:
        if iri == DEFAULT_GRAPH:
            default += list(store.named_graphs()) if union else [ox.DefaultGraph()]
        else:
            default.append(ox.NamedNode(iri))
    return {"default_graph": default, "named_graphs": [ox.NamedNode(i) for i in job.named_graphs]}


def execute(store: Any, job: Job, *, union: bool) -> tuple[int, bool, bytes]:
    """Run ``job`` on ``store``: ``(HTTP status, truncated, body)``; errors are a 400 and a
    one-line message."""
    import pyoxigraph as ox

    from ..errors import QegraphError
    from ..formatting import render_boolean, render_solutions
    from ..namespaces import PREFIXES
    from ..terms import value_of_oxigraph

    try:
        options = _dataset(store, job, union)
        found = store.query(job.query, prefixes=PREFIXES, **options)
        if isinstance(found, ox.QueryBoolean):
            return 200, False, render_boolean(bool(found), job.fmt).encode("utf-8")
        if isinstance(found, ox.QuerySolutions):
            variables = [v.value for v in found.variables]
            rows = [
                [value_of_oxigraph(value) for value in row]
                for row in islice(found, job.max_rows + 1)
            ]
            truncated = len(rows) > job.max_rows
            text = render_solutions(variables, rows[: job.max_rows], job.fmt)
            if truncated and job.fmt == "json":
                data = json.loads(text)
                data["truncated"] = True
                text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
            return 200, truncated, text.encode("utf-8")
        triples = list(islice(found, job.max_rows + 1))
        truncated = len(triples) > job.max_rows
        return 200, truncated, _graph_answer(triples[: job.max_rows], job.fmt)
    except SyntaxError as err:
        return 400, False, f"malformed query: {_one_line(err)}\n".encode()
    except QegraphError as err:
        return 400, False, f"{_one_line(err)}\n".encode()
    except (RuntimeError, OSError, ValueError) as err:
        return 400, False, f"query failed: {_one_line(err)}\n".encode()


def _graph_answer(triples: list[Any], fmt: str) -> bytes:
    """CONSTRUCT/DESCRIBE triples written by :func:`qegraph.exporting.serialize`, as ``qegraph
    query`` writes them (sorted, canonical blank nodes, standard prefixes, BCP 47 tag case)."""
    from rdflib import BNode, Graph, Literal, URIRef

    from ..exporting import serialize
    from ..terms import value_of_oxigraph

    def term(node: Any) -> Any:
        value = value_of_oxigraph(node)
        assert value is not None
        if value.kind == "uri":
            return URIRef(value.text)
        if value.kind == "bnode":
            return BNode(value.text)
        datatype = URIRef(value.datatype) if value.datatype else None
        return Literal(value.text, lang=value.lang, datatype=datatype)

    graph = Graph()
    for triple in triples:
        graph.add((term(triple.subject), term(triple.predicate), term(triple.object)))
    return serialize(graph, fmt)


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())[:300]
