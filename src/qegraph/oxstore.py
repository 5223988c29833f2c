"""The on-disk Oxigraph store: open it, query it so that a time limit really stops the work, and
answer plain SELECT and ASK queries straight from it.

``qegraph --store DIR query`` is run once per question, so its start-up is most of its cost on a
big store. :func:`answer` runs such a query in Oxigraph and prints the answer without importing
rdflib (0.1 s of imports, more than most queries take). Queries it cannot answer the same way as
the full path (:func:`qegraph.formatting.answer` over :class:`qegraph.backends.StoreBackend`) are
handed back (it returns None): any mention of ``SERVICE`` or ``FROM``, which the full path refuses
or checks; CONSTRUCT and DESCRIBE, whose RDF rdflib writes; brackets nested deeper than rdflib's
parser goes (it refuses them); codepoint escapes, which rdflib and
Oxigraph read differently (:func:`qegraph.sparql.check_query` sorts that out); and any query
Oxigraph rejects, so that the full path words the error (with line and column) and refuses
updates. Either way the query runs in a child without network (:func:`stoppable_query`).

>>> import tempfile, pathlib
>>> from qegraph.backends import StoreBackend
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "store"
>>> _ = StoreBackend(folder).load()
>>> print(answer(folder, "ASK { qe:quality-education qe:opposes ?x }", fmt="json"), end="")
{"head": {}, "boolean": true}
>>> answer(folder, "CONSTRUCT WHERE { ?s qe:opposes ?o }") is None
True
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import BackendError

__all__ = [
    "DEFAULT_GRAPH",
    "answer",
    "answer_from",
    "answerable",
    "graph_name",
    "is_store",
    "open_graph",
    "open_read_only",
    "probe_query",
    "run_in_child",
    "stoppable_query",
    "write_all",
]

#: The named graph ``load`` replaces and the commands read, unless ``--graph`` says otherwise.
DEFAULT_GRAPH = "https://w3id.org/qegraph/graph"

#: Set in processes that already run one query each (``qegraph serve``'s children).
IN_QUERY_PROCESS = False

# What only the full path may run: SERVICE reaches the network (Oxigraph has an HTTP client),
# FROM is refused there, CONSTRUCT/DESCRIBE answers are written by rdflib, and \uXXXX escapes
# are read differently by rdflib and Oxigraph (the full path's check_query handles them). A
# word inside a string or an IRI only costs the slower path. Updates need no entry: Oxigraph's
# query parser rejects them, and the full path then refuses them with its own message.
_FULL_PATH_ONLY = re.compile(r"(?i)\\u|\b(?:service|from|construct|describe)\b")
# A line whose first character is # is a comment, or else text inside a long string: either way
# no keyword, so the competency question a named query opens with may say "from".
_COMMENT_LINE = re.compile(r"(?m)^[ \t]*#[^\r\n]*")


def answerable(text: str, fmt: str | None = None) -> bool:
    """Whether :func:`answer` may run ``text`` itself (see the module docstring).

    >>> answerable("SELECT * WHERE { ?s ?p ?o }"), answerable("SELECT * FROM <x:g> { ?s ?p ?o }")
    (True, False)
    """
    from .results import RESULT_FORMATS

    code = _COMMENT_LINE.sub("", text)
    return (
        (fmt is None or fmt in RESULT_FORMATS)
        and not _FULL_PATH_ONLY.search(code)
        and _nesting(code) <= _MAX_QUICK_NESTING
    )


# rdflib's parser gives up on about 30 nested brackets (the full path then says "nests too
# deep"), where Oxigraph answers: deeply nested queries take the full path, so they fail alike.
_MAX_QUICK_NESTING = 12


def _nesting(code: str) -> int:
    """The deepest nesting of brackets in ``code`` (brackets inside strings count too: such a
    query only costs the slower path)."""
    depth = deepest = 0
    for char in code:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth = max(depth - 1, 0)
    return deepest


def answer(
    path: str | os.PathLike[str],
    text: str,
    *,
    graph_iri: str | None = None,
    fmt: str | None = None,
    lang: str = "en",
    timeout: float | None = None,
    terminal: bool = False,
) -> str | None:
    """A SELECT or ASK query answered from the store at ``path``, rendered in ``fmt`` exactly as
    :func:`qegraph.formatting.answer` renders it; None when the full path must run it.

    Parameters
    ----------
    path:
        The store folder (``qegraph --store DIR load`` made it).
    text:
        SPARQL text, a ``.rq`` file or ``CQ-NN``; the standard prefixes are pre-bound.
    graph_iri:
        The graph to query (default :data:`DEFAULT_GRAPH`, qegraph's own).
    fmt, lang, terminal:
        As for :func:`qegraph.formatting.render_result`.
    timeout:
        Stop the query after this many seconds (None: no limit).

    Raises
    ------
    BackendError
        No store at ``path``, or no such graph in it.
    QueryTimeoutError
        The query ran past ``timeout``; it was stopped.
    """
    from .querytext import query_text

    source = query_text(text)
    if not answerable(source, fmt):
        return None
    store, where = open_graph(path, graph_iri or DEFAULT_GRAPH)
    return answer_from(store, where, source, fmt=fmt, lang=lang, timeout=timeout, terminal=terminal)


def answer_from(
    store: Any,
    where: Any,
    text: str,
    *,
    fmt: str | None = None,
    lang: str = "en",
    timeout: float | None = None,
    terminal: bool = False,
) -> str | None:
    """:func:`answer` over an open pyoxigraph ``store`` (on disk or in memory), reading the
    graph ``where`` (:func:`graph_name`); ``text`` is the query itself.

    >>> import pyoxigraph as ox
    >>> store = ox.Store()
    >>> store.load(b"<a> <opposes> <b> .", format=ox.RdfFormat.TURTLE,
    ...            base_iri="https://w3id.org/qegraph/")
    >>> where = ox.DefaultGraph()
    >>> print(answer_from(store, where, "SELECT ?x { qe:a qe:opposes ?x }", fmt="tsv"), end="")
    ?x
    <https://w3id.org/qegraph/b>
    """
    from .limits import time_limit
    from .namespaces import PREFIXES

    if not answerable(text, fmt):
        return None
    try:
        with time_limit(timeout):
            found = stoppable_query(store, text, default_graph=where, prefixes=PREFIXES)
    except (SyntaxError, RuntimeError, OSError):
        return None  # the full path runs it again and reports the error in its own words
    import pyoxigraph as ox

    from .results import render_boolean, render_solutions

    if isinstance(found, ox.QueryBoolean):
        return render_boolean(bool(found), fmt, terminal=terminal)
    if not isinstance(found, ox.QuerySolutions):
        return None
    from .terms import value_of_oxigraph

    variables = [v.value for v in found.variables]
    rows = [[value_of_oxigraph(value) for value in row] for row in found]
    return render_solutions(
        variables, rows, fmt, terminal=terminal, label_of=_labeller(store, where, lang)
    )


def _labeller(store: Any, where: Any, lang: str) -> Any:
    """``label_of`` for tables: :func:`qegraph.concepts.label` read from the store itself."""
    import pyoxigraph as ox

    from .namespaces import curie
    from .terms import LABEL_PROPERTIES, choose_label

    properties = [ox.NamedNode(iri) for iri in LABEL_PROPERTIES]
    alternative = properties[-1]
    seen: dict[str, str] = {}

    def label_of(iri: str) -> str:
        if iri not in seen:
            node = ox.NamedNode(iri)
            candidates = (
                (prop == alternative, quad.object.language or None, quad.object.value)
                for prop in properties
                for quad in store.quads_for_pattern(node, prop, None, where)
                if isinstance(quad.object, ox.Literal)
            )
            found = choose_label(candidates, lang)
            seen[iri] = found if found is not None else curie(iri)
        return seen[iri]

    return label_of


def is_store(path: Path) -> bool:
    """Whether ``path`` holds an Oxigraph (RocksDB) store."""
    return (path / "CURRENT").is_file()


def open_read_only(path: str | os.PathLike[str]) -> Any:
    """The pyoxigraph ``Store`` at ``path``, opened read-only (several readers may share it)."""
    import pyoxigraph as ox

    folder = Path(path)
    if not folder.exists():
        raise BackendError(f"no store at {folder}; create it with: qegraph --store {folder} load")
    if not is_store(folder):
        raise BackendError(f"{folder} is not an Oxigraph store")
    try:
        return ox.Store.read_only(str(folder))
    except OSError as err:
        raise BackendError(f"cannot open the store {folder}: {err}") from None


def graph_name(graph_iri: str) -> Any:
    """Where a qegraph graph lives in an Oxigraph store: qegraph's own graph in the store's
    default graph (Oxigraph indexes it three ways instead of six, so it loads faster), any other
    graph under its own name."""
    import pyoxigraph as ox

    return ox.DefaultGraph() if graph_iri == DEFAULT_GRAPH else ox.NamedNode(graph_iri)


def open_graph(path: str | os.PathLike[str], graph_iri: str = DEFAULT_GRAPH) -> tuple[Any, Any]:
    """The read-only store at ``path`` and where ``graph_iri`` lives in it; an error names the
    command that fills the store when the graph is not there."""
    import pyoxigraph as ox

    store = open_read_only(path)
    where = graph_name(graph_iri)
    if (
        not store.contains_named_graph(where)
        if isinstance(where, ox.NamedNode)
        else next(iter(store.quads_for_pattern(None, None, None, where)), None) is None
    ):
        raise BackendError(
            f"the store {path} has no graph <{graph_iri}>; "
            f"fill it with: qegraph --store {path} load"
        )
    return store, where


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to the file descriptor ``fd`` (a pipe takes it in pieces)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def stoppable_query(store: Any, query: str, *, allow_network: bool = False, **options: Any) -> Any:
    """``store.query(...)``, run in a forked child so that a time limit or Ctrl-C really stops it,
    and that has no network unless ``allow_network``.

    Oxigraph evaluates a query in Rust without returning to Python, so neither a signal handler
    nor :func:`qegraph.limits.time_limit` can interrupt it in-process. The child serialises the
    answer (SPARQL JSON results, or N-Triples) through a pipe; the parent waits in Python, where
    a timeout or KeyboardInterrupt is raised, and then kills the child. Oxigraph runs a
    ``SERVICE`` with its own HTTP client, which no Python hook sees, so the child first calls
    :func:`qegraph.isolation.drop_network`: a query the checks missed still cannot connect.
    Without ``fork``, in a threaded program, or where the system refuses network namespaces
    (:func:`qegraph.isolation.isolation_status`), the checks of
    :func:`qegraph.sparql.check_query` alone keep the network out.
    """
    import threading

    import pyoxigraph as ox

    if IN_QUERY_PROCESS or not hasattr(os, "fork") or threading.active_count() > 1:
        return store.query(query, **options)

    def work() -> bytes:
        try:
            found = store.query(query, **options)
            if isinstance(found, ox.QueryTriples):
                return b"G" + found.serialize(format=ox.RdfFormat.N_TRIPLES)
            return b"R" + found.serialize(format=ox.QueryResultsFormat.JSON)
        except SyntaxError as err:
            return b"S" + str(err).encode("utf-8", "replace")
        except RuntimeError as err:
            return b"E" + str(err).encode("utf-8", "replace")
        except OSError as err:
            return b"O" + str(err).encode("utf-8", "replace")

    body = run_in_child(work, isolate=not allow_network)
    kind, payload = (body or b"")[:1], (body or b"")[1:]
    if kind == b"G":
        return ox.parse(payload, format=ox.RdfFormat.N_TRIPLES)
    if kind == b"R":
        return ox.parse_query_results(payload, format=ox.QueryResultsFormat.JSON)
    message = payload.decode("utf-8", "replace")
    if kind == b"S":
        raise SyntaxError(message)
    if kind == b"E":
        raise RuntimeError(message)
    if "network is unreachable" in message.lower() and not allow_network:
        from .errors import NetworkRefusedError

        raise NetworkRefusedError(
            f"the query tried to reach the network ({message}); refused: store queries run "
            "without network unless --allow-network is given"
        )
    raise OSError(message or "the query process failed")


def probe_query(text: str, *, timeout: float) -> tuple[str, str] | None:
    """How Oxigraph reads ``text``: run it over an empty in-memory store in a forked child
    without network, and report ``(kind, detail)``.

    ``kind`` is ``SELECT`` (detail: the variables as a JSON list), ``ASK``, ``GRAPH``
    (CONSTRUCT or DESCRIBE), ``syntax`` (Oxigraph rejects it; detail: why), ``network`` (it
    tried to connect) or ``error`` (another run-time error). None when no child can be made
    or it ran past ``timeout`` seconds. Only call it where
    :func:`qegraph.isolation.isolation_status` is not ``"unavailable"``.
    """
    import json
    import threading

    if not hasattr(os, "fork") or threading.active_count() > 1:
        return None

    def work() -> bytes:
        import pyoxigraph as ox

        from .namespaces import PREFIXES

        try:
            found = ox.Store().query(text, prefixes=PREFIXES)
            if not isinstance(found, ox.QueryBoolean):
                # Answers are lazy: a SERVICE is only called when the first one is read.
                next(iter(found), None)  # type: ignore[call-overload]
        except SyntaxError as err:
            return b"syntax\n" + str(err).encode("utf-8", "replace")
        except (OSError, RuntimeError) as err:
            message = str(err)
            lowered = message.lower()
            network = any(
                word in lowered
                for word in ("unreachable", "service", "dns", "http", "port", "connect")
            )
            return (b"network\n" if network else b"error\n") + message.encode("utf-8", "replace")
        if isinstance(found, ox.QuerySolutions):
            names = json.dumps([v.value for v in found.variables])
            return b"SELECT\n" + names.encode("utf-8")
        if isinstance(found, ox.QueryBoolean):
            return b"ASK\n"
        return b"GRAPH\n"

    body = run_in_child(work, isolate=True, deadline=time.monotonic() + timeout)
    if not body or b"\n" not in body:
        return None
    kind, _, detail = body.partition(b"\n")
    return kind.decode("ascii"), detail.decode("utf-8", "replace")


def run_in_child(
    work: Callable[[], bytes], *, isolate: bool, deadline: float | None = None
) -> bytes | None:
    """The bytes ``work()`` returns, computed in a forked child (without network when
    ``isolate``); None when the child died or ``deadline`` (``time.monotonic()``) passed.

    The parent waits in Python, so a time limit or Ctrl-C raised there kills the child.
    """
    import select
    import signal

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            os.close(read_fd)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides
            signal.setitimer(signal.ITIMER_REAL, 0)
            if isolate:
                from .isolation import drop_network

                drop_network()  # False: the system refuses namespaces; the checks decide
            write_all(write_fd, work())
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks: list[bytes] = []
    finished = False
    try:
        while deadline is None or time.monotonic() < deadline:
            ready, _, _ = select.select([read_fd], [], [], 0.05)
            if ready:
                data = os.read(read_fd, 1 << 20)
                if not data:
                    finished = True
                    break
                chunks.append(data)
    finally:
        if not finished:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        os.close(read_fd)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    return b"".join(chunks) if finished else None


def count_triples(store: Any, graph: Any) -> int:
    """How many triples ``graph`` of ``store`` holds, the fastest exact way."""
    import pyoxigraph as ox

    if isinstance(graph, ox.DefaultGraph) and next(iter(store.named_graphs()), None) is None:
        return len(store)  # all quads are in the default graph: read off the index (2x faster)
    row = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=graph)))
    return int(row[0].value)
