"""``qegraph serve``: a read-only SPARQL 1.1 Protocol endpoint, the viewer and the docs, offline.

The server runs on the standard library (``http.server.ThreadingHTTPServer``) over whatever
backend the session opened (memory, Oxigraph store, remote endpoint). Safety rules:

- Each query runs in a forked child process that is killed when the time limit passes, so a
  runaway query (a cartesian product) really stops and the server keeps answering others; a small
  pool bounds how many run at once.
- SELECT answers stop at ``max_rows`` rows (header ``Qegraph-Truncated: true``, and
  ``"truncated": true`` in JSON); request bodies and URLs are capped at ``max_request_bytes``.
- UPDATE and LOAD are refused with 403, SERVICE with 403 before the engine sees it, and remote
  ``FROM`` graphs are never fetched.
- Bound to 127.0.0.1 by default; a request whose ``Host`` is not the bound name is refused (DNS
  rebinding); no CORS header unless ``cors`` names an origin.

>>> from qegraph import load
>>> server = make_server(load(), ServerConfig(port=0), pages={})
>>> server.server_address[0]
'127.0.0.1'
>>> server.server_close()
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import pickle
import select
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from rdflib import BNode, Graph, Literal, URIRef

from .errors import InputError

__all__ = ["QegraphServer", "ServerConfig", "make_server", "serve"]

_JSON = "application/sparql-results+json"
_XML = "application/sparql-results+xml"
_CSV = "text/csv"
_TSV = "text/tab-separated-values"
_TURTLE = "text/turtle"
_NT = "application/n-triples"
_RDFXML = "application/rdf+xml"
_JSONLD = "application/ld+json"

#: Media types by query form, the first one being the default.
_MEDIA = {
    "SELECT": [_JSON, "application/json", _XML, "application/xml", _CSV, _TSV],
    "ASK": [_JSON, "application/json", _XML, "application/xml"],
    "GRAPH": [_TURTLE, _NT, "text/plain", _RDFXML, "application/xml", _JSONLD, "application/json"],
}
_RDFLIB_RESULT = {_JSON: "json", "application/json": "json", _XML: "xml", "application/xml": "xml"}
_RDFLIB_GRAPH = {
    _TURTLE: "turtle",
    _NT: "nt",
    "text/plain": "nt",
    _RDFXML: "xml",
    "application/xml": "xml",
    _JSONLD: "json-ld",
    "application/json": "json-ld",
}
_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "GRAPH",
    "DescribeQuery": "GRAPH",
}
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


@dataclass(frozen=True)
class ServerConfig:
    """How ``qegraph serve`` listens and what it allows.

    ``timeout`` is per query in seconds; ``max_rows`` caps SELECT rows (and CONSTRUCT triples);
    ``max_request_bytes`` caps a request body or URL; ``workers`` is how many queries run at once
    (others wait up to ``queue_timeout`` seconds for their turn, then get 503);
    ``cors`` is an origin to allow (``*`` for any), none by default; ``allowed_hosts`` are extra
    names accepted in the ``Host`` header.
    """

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0
    max_rows: int = 10_000
    max_request_bytes: int = 1 << 20
    workers: int = 4
    queue_timeout: float = 30.0
    cors: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    log: bool = False


class _Refusal(Exception):
    """An HTTP error answer: status, a one-line message, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class _Page:
    content_type: str
    body: bytes


class QegraphServer(ThreadingHTTPServer):
    """The HTTP server; build it with :func:`make_server`."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # many clients at once wait in the backlog, not in SYN retries

    def __init__(self, graph: Graph, config: ServerConfig, pages: dict[str, _Page]) -> None:
        self.graph = graph
        self.config = config
        self.pages = pages
        self.children: set[int] = set()
        self.slots = threading.BoundedSemaphore(max(1, config.workers))
        self.lock = threading.Lock()
        #: Held while parsing a query and while forking: a child must not inherit a parser
        #: lock (pyparsing's packrat cache) that another thread holds.
        self.fork_lock = threading.Lock()
        try:
            super().__init__((config.host, config.port), _Handler)
        except OSError as err:
            raise InputError(
                f"cannot listen on {config.host}:{config.port}: {err.strerror or err}"
            ) from None
        self.hosts = self._allowed_hosts()

    @property
    def url(self) -> str:
        """The endpoint URL, e.g. ``http://127.0.0.1:7878/sparql``."""
        host, port = self.server_address[:2]
        name = f"[{host}]" if ":" in host else host
        return f"http://{name}:{port}/sparql"

    def _allowed_hosts(self) -> set[str]:
        host = self.config.host
        names = {host, f"[{host}]", *self.config.allowed_hosts}
        if host in _LOOPBACK or host in ("0.0.0.0", "::"):
            names |= _LOOPBACK
        port = self.server_address[1]
        return {n.lower() for n in names} | {f"{n}:{port}".lower() for n in names}

    def kill_children(self) -> None:
        """Stop every query still running (used on shutdown)."""
        with self.lock:
            pids = list(self.children)
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)


def make_server(
    graph: Graph,
    config: ServerConfig | None = None,
    *,
    pages: dict[str, tuple[str, bytes]] | None = None,
) -> QegraphServer:
    """A server for ``graph`` bound as ``config`` says, not yet serving.

    ``pages`` maps paths (``/``, ``/docs/``) to ``(media type, body)``; by default the viewer and
    the ontology documentation are built now, before any query runs.

    Raises
    ------
    InputError
        The address cannot be bound (port in use, host not local).
    """
    config = config or ServerConfig()
    if not hasattr(os, "fork"):
        raise InputError("qegraph serve needs a system with fork() (Linux, macOS)")
    built = _build_pages(graph) if pages is None else pages
    _warm_up(graph)
    return QegraphServer(
        graph, config, {path: _Page(kind, body) for path, (kind, body) in built.items()}
    )


def serve(
    graph: Graph,
    config: ServerConfig | None = None,
    *,
    on_ready: Callable[[QegraphServer], None] | None = None,
) -> None:
    """Serve ``graph`` until Ctrl-C (or SIGTERM), then stop cleanly: running queries are killed
    and the port is released.
    """
    server = make_server(graph, config)
    previous = signal.getsignal(signal.SIGTERM)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        if on_ready is not None:
            on_ready(server)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.kill_children()
        server.server_close()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, previous)


# --- pages ---------------------------------------------------------------------------------


def _plain_page(title: str, text: str) -> bytes:
    return (
        "<!doctype html><html><head><meta charset=utf-8>"
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(text)}</p><p>SPARQL endpoint: <code>/sparql</code></p></body></html>"
    ).encode()


def _build_pages(graph: Graph) -> dict[str, tuple[str, bytes]]:
    """The viewer at ``/`` and the docs at ``/docs/``, or a plain page saying why not."""
    from .errors import QegraphError

    pages: dict[str, tuple[str, bytes]] = {}
    try:
        from .viewer import viz

        pages["/"] = ("text/html; charset=utf-8", viz(graph).html.encode("utf-8"))
    except (ImportError, QegraphError) as err:
        pages["/"] = ("text/html; charset=utf-8", _plain_page("qegraph", f"No viewer: {err}"))
    try:
        from .ontodoc import render_docs

        pages["/docs/"] = ("text/html; charset=utf-8", render_docs(graph).encode("utf-8"))
    except (ImportError, QegraphError) as err:
        pages["/docs/"] = (
            "text/html; charset=utf-8",
            _plain_page("qegraph documentation", f"Documentation not available: {err}"),
        )
    return pages


def _warm_up(graph: Graph) -> None:
    """Import and exercise, in the parent, everything a forked child uses.

    A child is forked from a threaded process: if it had to import a module that another thread
    was importing at that instant, it would wait forever on that module's lock. So the SPARQL
    engine and every result and graph serializer are loaded here, once, before serving.
    """
    from rdflib.query import Result

    with contextlib.suppress(Exception):
        list(graph.query("ASK { ?s ?p ?o }"))
    select = Result("SELECT")
    select.vars = []
    select.bindings = []
    ask = Result("ASK")
    ask.askAnswer = True
    for fmt in ("json", "xml", "csv"):
        select.serialize(format=fmt)
        if fmt != "csv":
            ask.serialize(format=fmt)
    for fmt in set(_RDFLIB_GRAPH.values()):
        Graph().serialize(format=fmt, encoding="utf-8")
    inspect_query("SELECT * WHERE { ?s ?p ?o }")


# --- checking a query ----------------------------------------------------------------------


def _walk(value: Any) -> Any:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(value, CompValue):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, (list, tuple, ParseResults)):
        for item in value:
            yield from _walk(item)


def inspect_query(text: str) -> tuple[str, list[str], list[str]]:
    """The form of a read-only query (``SELECT``, ``ASK`` or ``GRAPH``) and its FROM / FROM NAMED
    graphs; refuse updates, LOAD and SERVICE with 403, syntax errors with 400.

    >>> inspect_query("SELECT * WHERE { ?s ?p ?o }")
    ('SELECT', [], [])
    >>> inspect_query("DROP ALL")
    Traceback (most recent call last):
    ...
    qegraph.server._Refusal: updates are refused: this endpoint is read-only
    """
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parseQuery(text)
    except Exception as err:  # pyparsing raises several types
        try:
            parseUpdate(text)
        except Exception:
            raise _Refusal(400, f"malformed query: {_one_line(err)}") from None
        raise _Refusal(403, "updates are refused: this endpoint is read-only") from None
    defaults: list[str] = []
    named: list[str] = []
    for node in _walk(parsed):
        if node.name == "ServiceGraphPattern":
            raise _Refusal(403, "SERVICE is refused: this endpoint never calls other endpoints")
        if node.name == "DatasetClause":
            for key, into in (("default", defaults), ("named", named)):
                if key in node and node[key] is not None:
                    into.append(str(node[key]))
    return _FORMS.get(parsed[1].name, "SELECT"), defaults, named


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())[:300]


def choose_media(accept: str | None, form: str) -> str:
    """The media type to answer with, from the ``Accept`` header and the query form.

    >>> choose_media("text/csv, */*;q=0.1", "SELECT")
    'text/csv'
    >>> choose_media(None, "GRAPH")
    'text/turtle'
    """
    offered = _MEDIA[form]
    if not accept:
        return offered[0]
    ranges: list[tuple[float, int, str]] = []
    for index, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        quality = 1.0
        for param in parts[1:]:
            if param.lower().startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if parts[0] and quality > 0:
            ranges.append((-quality, index, parts[0].lower()))
    for _q, _i, media in sorted(ranges):
        if media in offered:
            return media
        if media == "*/*":
            return offered[0]
        if media.endswith("/*"):
            major = media[:-1]
            match = next((m for m in offered if m.startswith(major)), None)
            if match:
                return match
    raise _Refusal(406, f"cannot answer this query as {accept}; offered: {', '.join(offered)}")


# --- running a query in a child process ----------------------------------------------------


def _nt_term(term: Any) -> str:
    if isinstance(term, (URIRef, BNode, Literal)):
        return term.n3()
    return ""


def _tsv(variables: list[Any], rows: list[dict[Any, Any]]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_nt_term(row.get(v)) for v in variables) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _dataset_graph(graph: Graph, graph_iri: str, defaults: list[str], named: list[str]) -> Any:
    """An rdflib Dataset holding only what default-graph-uri / named-graph-uri ask for."""
    from rdflib import Dataset

    dataset = Dataset()
    for prefix, iri in graph.namespaces():
        dataset.bind(prefix, iri)
    if graph_iri in defaults:
        dataset.default_context += graph
    if graph_iri in named:
        dataset.graph(URIRef(graph_iri)).__iadd__(graph)
    return dataset


def graph_name(graph: Graph) -> str:
    """The name the endpoint gives ``graph``: its IRI in a store or endpoint, else qegraph's.

    >>> graph_name(Graph())
    'https://w3id.org/qegraph/graph'
    """
    from .oxstore import DEFAULT_GRAPH

    identifier = graph.identifier
    return str(identifier) if isinstance(identifier, URIRef) else DEFAULT_GRAPH


def _execute(
    graph: Graph,
    text: str,
    form: str,
    media: str,
    defaults: list[str],
    named: list[str],
    max_rows: int,
) -> tuple[int, str, bool, bytes]:
    """Run the query and serialize the answer: ``(status, media type, truncated, body)``."""
    from rdflib.plugins import sparql
    from rdflib.query import Result

    from .errors import QegraphError
    from .safety import no_network

    sparql.SPARQL_LOAD_GRAPHS = False  # FROM never fetches anything
    target: Any = graph
    if defaults or named:
        target = _dataset_graph(graph, graph_name(graph), defaults, named)
    try:
        query: Any = text
        if not getattr(graph.store, "native_sparql", False):
            # rdflib evaluates p* and p+ recursively; rewrite them as qegraph's query path does.
            from rdflib.plugins.sparql import prepareQuery

            from .limits import iterative_paths
            from .namespaces import PREFIXES

            query = prepareQuery(text, initNs=PREFIXES)
            iterative_paths(query.algebra)
        with no_network("answering a SPARQL request"):
            result = target.query(query)
        truncated = False
        if result.type == "SELECT":
            variables = list(result.vars or [])
            rows = []
            for row in islice(iter(result), max_rows + 1):
                rows.append({v: row[v] for v in variables if row[v] is not None})
            truncated = len(rows) > max_rows
            rows = rows[:max_rows]
            if media == _TSV:
                return 200, media, truncated, _tsv(variables, rows)
            capped = Result("SELECT")
            capped.vars = variables
            capped.bindings = rows
            fmt = "csv" if media == _CSV else _RDFLIB_RESULT[media]
            body = capped.serialize(format=fmt) or b""
            if truncated and fmt == "json":
                data = json.loads(body)
                data["truncated"] = True
                body = json.dumps(data, ensure_ascii=False).encode("utf-8")
            return 200, media, truncated, body
        if result.type == "ASK":
            body = result.serialize(format=_RDFLIB_RESULT[media]) or b""
            return 200, media, False, body
        answer = Graph()
        for prefix, iri in graph.namespaces():
            answer.bind(prefix, iri)
        triples = list(islice(iter(result.graph), max_rows + 1))
        truncated = len(triples) > max_rows
        for triple in triples[:max_rows]:
            answer.add(triple)
        data = answer.serialize(format=_RDFLIB_GRAPH[media], encoding="utf-8")
        return 200, media, truncated, data
    except QegraphError as err:
        status = 502 if err.exit_code == 5 else 400
        return status, "text/plain", False, f"{err}\n".encode()
    except Exception as err:  # errors of the engine on this query: the client's to fix
        return 400, "text/plain", False, f"query failed: {_one_line(err)}\n".encode()


def _run_in_child(server: QegraphServer, job: tuple[Any, ...]) -> tuple[int, str, bool, bytes]:
    """Fork, run ``_execute`` in the child, and kill it when the time limit passes."""
    # Pipe and fork under one lock, and the parent closes its write end before releasing it:
    # no other child inherits this pipe's write end, so EOF comes when this child exits.
    with server.fork_lock:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid != 0:
            os.close(write_fd)
    if pid == 0:  # the child: run, write the pickled answer, leave without cleanup
        code = 0
        try:
            os.close(read_fd)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            # Should the server die, the child still ends itself (SIGALRM's default action).
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.setitimer(signal.ITIMER_REAL, server.config.timeout + 1.0)
            from . import oxstore

            oxstore.IN_QUERY_PROCESS = True  # this process is already the one to kill
            answer = _execute(server.graph, *job)
            oxstore.write_all(write_fd, pickle.dumps(answer))
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    with server.lock:
        server.children.add(pid)
    deadline = time.monotonic() + server.config.timeout
    chunks: list[bytes] = []
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                os.kill(pid, signal.SIGKILL)
                raise _Refusal(
                    503,
                    f"query stopped: it ran past the time limit of {server.config.timeout:g} s",
                )
            ready, _, _ = select.select([read_fd], [], [], remaining)
            if ready:
                data = os.read(read_fd, 1 << 20)
                if not data:
                    break
                chunks.append(data)
    finally:
        os.close(read_fd)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        with server.lock:
            server.children.discard(pid)
    if not chunks:
        raise _Refusal(500, "the query process failed")
    return pickle.loads(b"".join(chunks))


# --- HTTP ----------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server: QegraphServer
    server_version = "qegraph"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.config.log:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    # every method goes through one place
    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_OPTIONS(self) -> None:
        self._dispatch("OPTIONS")

    def _refuse_method(self) -> None:
        self._dispatch(self.command)

    do_PUT = do_DELETE = do_PATCH = do_CONNECT = do_TRACE = _refuse_method

    def _dispatch(self, method: str) -> None:
        try:
            self._check_host()
            path = urlsplit(self.path).path
            if path in ("/sparql", "/query"):
                self._sparql(method)
            elif path in self.server.pages or path == "/docs":
                self._page(method, path)
            else:
                raise _Refusal(404, f"no such page: {path}; the SPARQL endpoint is /sparql")
        except _Refusal as refusal:
            self._send(
                refusal.status,
                "text/plain; charset=utf-8",
                f"{refusal.message}\n".encode(),
                refusal.headers,
                head=method == "HEAD",
            )
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as err:  # a bug of ours: answer 500, never drop the connection
            with contextlib.suppress(OSError):
                self._send(500, "text/plain; charset=utf-8", f"internal error: {err}\n".encode())

    def _check_host(self) -> None:
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in self.server.hosts:
            raise _Refusal(
                403, f"Host {host or '(none)'} is not allowed here (DNS rebinding guard)"
            )

    def _page(self, method: str, path: str) -> None:
        if method not in ("GET", "HEAD"):
            raise _Refusal(405, f"{method} is not allowed here", {"Allow": "GET, HEAD"})
        if path == "/docs":
            self._send(301, "text/plain", b"", {"Location": "/docs/"}, head=True)
            return
        page = self.server.pages[path]
        self._send(200, page.content_type, page.body, head=method == "HEAD")

    def _sparql(self, method: str) -> None:
        config = self.server.config
        if method == "OPTIONS" and config.cors:
            self._send(204, "text/plain", b"", head=True)
            return
        if method not in ("GET", "POST", "HEAD"):
            raise _Refusal(
                405, f"{method} is not allowed on the SPARQL endpoint", {"Allow": "GET, POST"}
            )
        if len(self.path) > config.max_request_bytes:
            raise _Refusal(414, "request URL too long")
        url_params = _params(urlsplit(self.path).query)
        if method in ("GET", "HEAD"):
            params = url_params
            if "update" in params:
                raise _Refusal(403, "updates are refused: this endpoint is read-only")
            query = _single(params, "query")
        else:
            query, params = self._post_body(url_params)
        defaults = params.get("default-graph-uri", [])
        named = params.get("named-graph-uri", [])
        with self.server.fork_lock:  # never fork while this thread is inside the parser
            form, from_defaults, from_named = inspect_query(query)
        if not (defaults or named):
            defaults, named = from_defaults, from_named
        media = choose_media(self.headers.get("Accept"), form)
        if not self.server.slots.acquire(timeout=config.queue_timeout):
            raise _Refusal(503, "the server is busy; try again")
        try:
            job = (query, form, media, defaults, named, config.max_rows)
            status, media, truncated, body = _run_in_child(self.server, job)
        finally:
            self.server.slots.release()
        headers = {"Vary": "Accept"}
        if truncated:
            headers["Qegraph-Truncated"] = "true"
        if status != 200:
            media = "text/plain; charset=utf-8"
        elif media.startswith("text/") or media.endswith("json") or media.endswith("xml"):
            media = f"{media}; charset=utf-8"
        self._send(status, media, body, headers, head=method == "HEAD")

    def _post_body(self, url_params: dict[str, list[str]]) -> tuple[str, dict[str, list[str]]]:
        config = self.server.config
        if self.headers.get("Transfer-Encoding"):
            raise _Refusal(411, "send the body with a Content-Length, not chunked")
        length_text = self.headers.get("Content-Length")
        if length_text is None or not length_text.isdigit():
            raise _Refusal(411, "a POST needs a Content-Length")
        length = int(length_text)
        if length > config.max_request_bytes:
            raise _Refusal(413, f"request body over {config.max_request_bytes} bytes")
        body = self.rfile.read(length)
        content_type = self.headers.get("Content-Type")
        if not content_type:
            raise _Refusal(
                400,
                "a POST needs a Content-Type: application/x-www-form-urlencoded or "
                "application/sparql-query",
            )
        media, _, extra = content_type.partition(";")
        media = media.strip().lower()
        charset = next(
            (
                p.split("=", 1)[1].strip().strip('"').lower()
                for p in extra.split(";")
                if "charset=" in p.lower()
            ),
            "utf-8",
        )
        if charset not in ("utf-8", "utf8"):
            raise _Refusal(415, f"only UTF-8 is accepted, not {charset}")
        if media == "application/sparql-update":
            raise _Refusal(403, "updates are refused: this endpoint is read-only")
        if media == "application/x-www-form-urlencoded":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise _Refusal(400, "the request body is not UTF-8") from None
            params = _params(text)
            if "update" in params:
                raise _Refusal(403, "updates are refused: this endpoint is read-only")
            for key, values in url_params.items():
                params.setdefault(key, []).extend(values)
            return _single(params, "query"), params
        if media == "application/sparql-query":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise _Refusal(400, "the query is not UTF-8") from None
            if "query" in url_params:
                raise _Refusal(400, "a direct POST carries the query in the body, not the URL")
            return text, url_params
        raise _Refusal(
            415,
            f"unsupported Content-Type {media}; use application/x-www-form-urlencoded or "
            "application/sparql-query",
        )

    def _send(
        self,
        status: int,
        content_type: str,
        body: bytes,
        headers: dict[str, str] | None = None,
        *,
        head: bool = False,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        if self.server.config.cors:
            self.send_header("Access-Control-Allow-Origin", self.server.config.cors)
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)


def _params(query_string: str) -> dict[str, list[str]]:
    try:
        pairs = parse_qsl(query_string, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise _Refusal(400, "the request parameters are not UTF-8") from None
    except ValueError as err:
        raise _Refusal(400, f"malformed request parameters: {err}") from None
    params: dict[str, list[str]] = {}
    for key, value in pairs:
        params.setdefault(key, []).append(value)
    return params


def _single(params: dict[str, list[str]], name: str) -> str:
    values = params.get(name, [])
    if not values:
        raise _Refusal(400, f"missing the {name!r} parameter")
    if len(values) > 1:
        raise _Refusal(400, f"the {name!r} parameter is given {len(values)} times; give it once")
    return values[0]
