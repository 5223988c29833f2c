"""Where the graph lives: rdflib in memory, an on-disk Oxigraph store, or a SPARQL 1.1 endpoint.

One interface, :class:`Backend`, three implementations chosen by the global ``--store DIR`` and
``--endpoint URL`` options. ``Backend.graph()`` is an rdflib ``Graph`` every command works on
(query, export, analysis, viewer), so they give the same answers on every backend;
``Backend.load()`` writes the bundled ontology and user files into the backend, replacing one named
graph (:data:`DEFAULT_GRAPH` unless told otherwise), so that a second run changes nothing.

- :class:`MemoryBackend` parses the files on every run (the embedded default).
- :class:`StoreBackend` keeps them in an Oxigraph store on disk: load once, query many times.
  SPARQL runs in Oxigraph itself (in a forked child, so a time limit really stops it); loading
  uses Oxigraph's bulk loader into a fresh store that replaces the old one in one atomic rename,
  so Ctrl-C or a bad file leaves the store as it was. qegraph's own graph (:data:`DEFAULT_GRAPH`)
  lives in the store's default graph, which Oxigraph indexes three ways instead of six.
- :class:`EndpointBackend` talks to any SPARQL 1.1 endpoint (Oxigraph server, Fuseki, GraphDB,
  Virtuoso...) through the SPARQL 1.1 Protocol (queries) and the Graph Store Protocol (``PUT``
  replaces the graph), with connect and read timeouts, a response size cap, and partial answers
  (HTTP 206, a cut stream) treated as errors.

>>> import tempfile, pathlib
>>> store = StoreBackend(pathlib.Path(tempfile.mkdtemp()) / "store")
>>> report = store.load()
>>> report.triples > 1000
True
>>> bool(store.graph().query("ASK { qe:quality-education a skos:Concept }"))
True
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.store import Store

from .errors import BackendError, InputError, QueryError
from .namespaces import PREFIXES, bind_prefixes, language_tag
from .oxrdf import from_ox_sharing, oxigraph_store_class
from .oxstore import (
    DEFAULT_GRAPH,
    open_graph,
    open_read_only,
)
from .storeload import (  # noqa: F401 - _write_sources: serve.dataset loads through it too
    LoadReport,
    Progress,
    _display,
    _input_errors,
    _open_source,
    _ox_format,
    _sources,
    _write_sources,
    load_store,
    store_lock,
)

__all__ = [
    "DEFAULT_GRAPH",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "Backend",
    "EndpointBackend",
    "EndpointClient",
    "LoadReport",
    "MemoryBackend",
    "StoreBackend",
    "from_ox_sharing",
    "open_backend",
    "store_lock",
]


#: Largest endpoint answer accepted (env ``QEGRAPH_MAX_RESPONSE_BYTES``).
DEFAULT_MAX_RESPONSE_BYTES = 512 * 1024 * 1024


class Backend(ABC):
    """Where the graph lives. ``graph()`` is what commands read; ``load()`` what writes it."""

    graph_iri: str = DEFAULT_GRAPH

    @abstractmethod
    def graph(self) -> Graph:
        """The graph as an rdflib ``Graph``: queries run in the backend's own engine."""

    @abstractmethod
    def load(
        self,
        files: Iterable[str | os.PathLike[str]] = (),
        *,
        bundled: bool = True,
        progress: Progress | None = None,
    ) -> LoadReport:
        """Replace the backend's graph with the bundled ontology plus ``files``."""

    @abstractmethod
    def describe(self) -> str:
        """A short name for messages: ``memory``, ``store DIR``, ``endpoint URL``."""

    def total_bytes(self, files: Iterable[str | os.PathLike[str]], bundled: bool = True) -> int:
        """How many bytes ``load`` reads: the length for a progress bar."""
        return sum(size for _source, _fmt, size in _sources(files, bundled))


def open_backend(
    *,
    store: str | os.PathLike[str] | None = None,
    endpoint: str | None = None,
    data: Iterable[str | os.PathLike[str]] = (),
    graph_iri: str | None = None,
    gsp: str | None = None,
) -> Backend:
    """The backend the global options chose: an endpoint, a store, or memory (the default).

    >>> open_backend().describe()
    'memory'
    """
    if store is not None and endpoint is not None:
        raise InputError("give --store or --endpoint, not both")
    iri = graph_iri or DEFAULT_GRAPH
    if endpoint is not None:
        return EndpointBackend(endpoint, graph_iri=iri, gsp=gsp)
    if store is not None:
        return StoreBackend(store, graph_iri=iri)
    return MemoryBackend(data)


# --- memory --------------------------------------------------------------------------------


class MemoryBackend(Backend):
    """rdflib in memory: the files are parsed on every run (the default backend).

    >>> backend = MemoryBackend()
    >>> len(backend.graph()) > 1000
    True
    """

    def __init__(self, data: Iterable[str | os.PathLike[str]] = ()) -> None:
        self.data = tuple(data)
        self._graph: Graph | None = None

    def graph(self) -> Graph:
        if self._graph is None:
            from .loading import load

            self._graph = load(self.data)
        return self._graph

    def load(
        self,
        files: Iterable[str | os.PathLike[str]] = (),
        *,
        bundled: bool = True,
        progress: Progress | None = None,
    ) -> LoadReport:
        """Parse and check the files; nothing persists (use a store or an endpoint for that)."""
        from .loading import load

        start = time.perf_counter()
        files = (*self.data, *files)
        sources = _sources(files, bundled)
        self._graph = load(files, bundled=bundled)
        size = sum(s for _src, _fmt, s in sources)
        if progress is not None:
            progress(size)
        return LoadReport(
            "memory (nothing kept: use --store DIR or --endpoint URL)",
            self.graph_iri,
            len(self._graph),
            len(sources),
            size,
            time.perf_counter() - start,
        )

    def describe(self) -> str:
        return "memory"


# --- Oxigraph store on disk ----------------------------------------------------------------


class StoreBackend(Backend):
    """An Oxigraph store on disk: ``load`` once, then every command reads it without parsing.

    Loading builds a fresh store beside ``DIR`` with Oxigraph's bulk loader, copies the store's
    other graphs into it, and swaps it in with one atomic rename: an interrupted or failed load
    leaves the old store untouched. Reading opens the store read-only, so several processes
    (queries, ``qegraph serve``) can read it at once.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        graph_iri: str = DEFAULT_GRAPH,
        lock_timeout: float | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.graph_iri = graph_iri
        #: Seconds ``load`` waits for another load of the same store (None: for ever).
        self.lock_timeout = lock_timeout
        #: Told "waiting for the lock held by pid N" when ``load`` has to wait.
        self.on_wait = on_wait
        self._graph: Graph | None = None

    def describe(self) -> str:
        return f"store {self.path}"

    def open_store(self) -> Any:
        """The pyoxigraph ``Store``, opened read-only."""
        return open_read_only(self.path)

    def graph(self) -> Graph:
        if self._graph is None:
            store, _where = open_graph(self.path, self.graph_iri)
            rdf_store = oxigraph_store_class()(store=store, graph_iri=self.graph_iri)
            self._graph = bind_prefixes(Graph(store=rdf_store, identifier=URIRef(self.graph_iri)))
        return self._graph

    def load(
        self,
        files: Iterable[str | os.PathLike[str]] = (),
        *,
        bundled: bool = True,
        progress: Progress | None = None,
    ) -> LoadReport:
        self._graph = None
        return load_store(
            self.path,
            files,
            graph_iri=self.graph_iri,
            bundled=bundled,
            progress=progress,
            lock_timeout=self.lock_timeout,
            on_wait=self.on_wait,
        )


# --- SPARQL endpoint -----------------------------------------------------------------------


_RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
_GRAPH_TYPES = {
    "application/n-triples": "nt",
    "text/plain": "nt",
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "application/ld+json": "json-ld",
}
_ACCEPT = (
    "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
    "application/sparql-results+xml;q=0.5"
)


@dataclass(frozen=True)
class _Response:
    status: int
    content_type: str
    body: bytes


class EndpointClient:
    """A small HTTP client for SPARQL endpoints with the limits a shared service needs.

    Connect and read timeouts are separate; the body is read up to ``max_bytes``; an answer that
    is partial (HTTP 206, or a stream cut before its end) raises :class:`BackendError`.

    >>> EndpointClient("ftp://example.org/sparql")
    Traceback (most recent call last):
    ...
    qegraph.errors.InputError: ftp://example.org/sparql: an endpoint URL must start with http:// or https://
    """

    def __init__(
        self,
        url: str,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        max_bytes: int | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(f"{url}: an endpoint URL must start with http:// or https://")
        self.url = url
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_bytes = max_bytes or int(
            os.environ.get("QEGRAPH_MAX_RESPONSE_BYTES", DEFAULT_MAX_RESPONSE_BYTES)
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | Iterable[bytes] | None = None,
        length: int | None = None,
        headers: dict[str, str] | None = None,
        progress: Progress | None = None,
    ) -> _Response:
        """Send one request and read the whole answer; raise BackendError on any failure."""
        import http.client

        parts = urlsplit(url)
        conn_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        conn = conn_class(parts.hostname, parts.port, timeout=self.connect_timeout)
        path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        where = f"{parts.scheme}://{parts.netloc}"
        from .safety import no_network

        # The user asked for this endpoint: lift a no-network guard for this request only.
        with no_network(f"talking to {where}", allow_network=True):
            return self._request(conn, method, path, where, body, length, headers, progress)

    def _request(
        self,
        conn: Any,
        method: str,
        path: str,
        where: str,
        body: bytes | Iterable[bytes] | None,
        length: int | None,
        headers: dict[str, str] | None,
        progress: Progress | None,
    ) -> _Response:
        import http.client

        try:
            try:
                conn.connect()
            except (OSError, http.client.HTTPException) as err:
                raise BackendError(f"cannot connect to {where}: {_reason(err)}") from None
            conn.sock.settimeout(self.read_timeout)
            send_headers = {"User-Agent": "qegraph", **(headers or {})}
            conn.putrequest(method, path, skip_accept_encoding=True)
            if isinstance(body, bytes):
                length = len(body)
            if body is not None:
                send_headers["Content-Length"] = str(length)
            for key, value in send_headers.items():
                conn.putheader(key, value)
            conn.endheaders()
            if body is not None:
                sent = 0
                for chunk in [body] if isinstance(body, bytes) else body:
                    conn.send(chunk)
                    sent += len(chunk)
                    if progress is not None:
                        progress(sent)
            response = conn.getresponse()
            content_type = (response.getheader("Content-Type") or "").split(";")[0].strip()
            declared = response.getheader("Content-Length")
            if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
                raise BackendError(
                    f"{where} answered {declared} bytes, over the limit of {self.max_bytes} "
                    "(raise it with QEGRAPH_MAX_RESPONSE_BYTES)"
                )
            chunks: list[bytes] = []
            total = 0
            while True:
                chunk = response.read1(1 << 16) if hasattr(response, "read1") else b""
                if not chunk:
                    break
                total += len(chunk)
                if total > self.max_bytes:
                    raise BackendError(
                        f"{where} answered more than {self.max_bytes} bytes "
                        "(raise the limit with QEGRAPH_MAX_RESPONSE_BYTES)"
                    )
                chunks.append(chunk)
            if response.length:  # the stream ended before the promised Content-Length
                raise BackendError(f"{where} cut its answer short (partial answer); not using it")
            if response.status == 206:
                raise BackendError(f"{where} gave a partial answer (HTTP 206); not using it")
            return _Response(response.status, content_type, b"".join(chunks))
        except TimeoutError:
            raise BackendError(
                f"{where} did not answer within {self.read_timeout:g} s (read timeout)"
            ) from None
        except http.client.IncompleteRead:
            raise BackendError(
                f"{where} cut its answer short (partial answer); not using it"
            ) from None
        except (OSError, http.client.HTTPException) as err:
            raise BackendError(f"{where} failed: {_reason(err)} (partial answer)") from None
        finally:
            conn.close()

    def query(
        self, text: str, *, default_graph: str | None = None, accept: str = _ACCEPT
    ) -> _Response:
        """Run a SPARQL query (URL-encoded POST); raise QueryError on a 400 answer."""
        params = [("query", text)]
        if default_graph:
            params.append(("default-graph-uri", default_graph))
        response = self.request(
            "POST",
            self.url,
            body=urlencode(params).encode("utf-8"),
            headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "Accept": accept,
            },
        )
        if response.status == 400:
            raise QueryError(f"the endpoint refused the query: {_snippet(response.body)}")
        _check(response, self.url)
        return response

    def update(self, text: str) -> None:
        """Run a SPARQL update at this URL (used by tests and to clear graphs)."""
        response = self.request(
            "POST",
            self.url,
            body=text.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
        )
        _check(response, self.url)


def _reason(err: BaseException) -> str:
    return getattr(err, "strerror", None) or str(err) or type(err).__name__


def _snippet(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    return text[:300] + ("..." if len(text) > 300 else "")


def _check(response: _Response, url: str) -> None:
    if response.status >= 400:
        raise BackendError(f"{url} answered HTTP {response.status}: {_snippet(response.body)}")


def _to_rdflib(term: Any, bnodes: dict[str, BNode]) -> Any:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        node = bnodes.get(term.value)
        if node is None:
            node = bnodes[term.value] = BNode()
        return node
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=language_tag(term.language))
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise BackendError("the endpoint sent an RDF-star triple term; not supported")


def _recase(term: Any) -> Any:
    if isinstance(term, Literal) and term.language:
        return Literal(str(term), lang=language_tag(term.language))
    return term


def _parse_graph(body: bytes, fmt: str, where: str) -> Graph:
    import pyoxigraph as ox

    graph = bind_prefixes(Graph())
    bnodes: dict[str, BNode] = {}
    try:
        for q in ox.parse(input=body, format=_ox_format(fmt)):
            graph.add(
                (
                    _to_rdflib(q.subject, bnodes),
                    _to_rdflib(q.predicate, bnodes),
                    _to_rdflib(q.object, bnodes),
                )
            )
    except (SyntaxError, ValueError) as err:
        raise BackendError(f"{where} sent malformed or partial RDF: {err}") from None
    return graph


def _with_prefixes(text: str, namespaces: dict[str, str]) -> str:
    declared = {m.lower() for m in re.findall(r"(?i)\bPREFIX\s+([\w.-]*)\s*:", text)}
    lines = [f"PREFIX {p}: <{iri}>" for p, iri in namespaces.items() if p.lower() not in declared]
    return "\n".join([*lines, text])


class _EndpointStore(Store):
    """A read-only rdflib store over a SPARQL endpoint.

    SPARQL queries go to the endpoint (its engine does the work). Triple lookups (used by export,
    analysis and the viewer) read one local copy of the graph, fetched once with a CONSTRUCT.
    """

    context_aware = False
    graph_aware = False
    #: qegraph.sparql.run_query gives query text to stores that run SPARQL themselves.
    native_sparql = True

    def __init__(self, client: EndpointClient, graph_iri: str) -> None:
        super().__init__()
        self.client = client
        self.graph_iri = graph_iri
        self._copy: Graph | None = None
        self._ns: dict[str, URIRef] = {}

    # namespaces live here only (an endpoint has no place for them)
    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        if override or prefix not in self._ns:
            self._ns = {p: n for p, n in self._ns.items() if n != namespace}
            self._ns[prefix] = namespace

    def namespace(self, prefix: str) -> URIRef | None:
        return self._ns.get(prefix)

    def prefix(self, namespace: URIRef) -> str | None:
        return next((p for p, n in self._ns.items() if n == namespace), None)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        yield from list(self._ns.items())

    def copy(self) -> Graph:
        """The whole graph, fetched once from the endpoint."""
        if self._copy is None:
            response = self.client.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                default_graph=self.graph_iri,
                accept="application/n-triples, text/turtle;q=0.5",
            )
            fmt = _GRAPH_TYPES.get(response.content_type)
            if fmt is None:
                raise BackendError(
                    f"{self.client.url} sent {response.content_type or 'no media type'} "
                    "for a CONSTRUCT query"
                )
            self._copy = _parse_graph(response.body, fmt, self.client.url)
        return self._copy

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        for triple in self.copy().triples(triple_pattern):
            yield triple, iter([context])

    def __len__(self, context: Any = None) -> int:
        return len(self.copy())

    def contexts(self, triple: Any = None) -> Iterator[Any]:
        return iter(())

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        raise BackendError("an endpoint graph is read-only here; write it with qegraph load")

    def remove(self, triple: Any, context: Any = None) -> None:
        raise BackendError("an endpoint graph is read-only here; write it with qegraph load")

    def query(self, query: Any, initNs: Any, initBindings: Any, queryGraph: Any, **kw: Any):
        if initBindings or not isinstance(query, str) or kw:
            raise NotImplementedError  # rdflib evaluates it over triples() instead
        namespaces = {**{p: str(n) for p, n in self._ns.items()}, **PREFIXES}
        namespaces.update({p: str(n) for p, n in (initNs or {}).items()})
        response = self.client.query(
            _with_prefixes(query, namespaces), default_graph=self.graph_iri
        )
        where = self.client.url
        if response.content_type in _RESULT_TYPES:
            fmt = _RESULT_TYPES[response.content_type]
            try:
                result = Result.parse(io.BytesIO(response.body), format=fmt)
            except Exception as err:  # rdflib's result parsers raise many types
                raise BackendError(f"{where} sent malformed or partial results: {err}") from None
            if result.type == "SELECT":
                result.bindings = [
                    {k: _recase(v) for k, v in row.items()} for row in result.bindings
                ]
            return result
        fmt = _GRAPH_TYPES.get(response.content_type)
        if fmt is None:
            raise BackendError(
                f"{where} answered with an unknown media type {response.content_type!r}"
            )
        result = Result("CONSTRUCT")
        result.graph = _parse_graph(response.body, fmt, where)
        return result


class EndpointBackend(Backend):
    """A SPARQL 1.1 endpoint: queries through the Protocol, ``load`` through the Graph Store
    Protocol (an HTTP ``PUT`` that replaces the graph in one request).

    ``gsp`` is the Graph Store Protocol URL; when omitted, an Oxigraph-style ``.../query``
    endpoint gives ``.../store``. Other stores name it differently (Fuseki ``/ds/data``,
    GraphDB ``/repositories/ID/rdf-graphs/service``, Virtuoso ``/sparql-graph-crud``).
    """

    def __init__(
        self,
        url: str,
        *,
        graph_iri: str = DEFAULT_GRAPH,
        gsp: str | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        max_bytes: int | None = None,
    ) -> None:
        self.client = EndpointClient(
            url, connect_timeout=connect_timeout, read_timeout=read_timeout, max_bytes=max_bytes
        )
        self.url = url
        self.graph_iri = graph_iri
        self.gsp = gsp
        self._graph: Graph | None = None

    def describe(self) -> str:
        return f"endpoint {self.url}"

    def graph(self) -> Graph:
        if self._graph is None:
            self._graph = bind_prefixes(
                Graph(
                    store=_EndpointStore(self.client, self.graph_iri),
                    identifier=URIRef(self.graph_iri),
                )
            )
        return self._graph

    def gsp_url(self) -> str:
        """The Graph Store Protocol URL for this endpoint."""
        if self.gsp:
            return self.gsp
        parts = urlsplit(self.url)
        if parts.path.endswith("/query"):
            return urlunsplit(parts._replace(path=parts.path[: -len("query")] + "store", query=""))
        raise InputError(
            f"cannot guess the Graph Store Protocol URL of {self.url}; give it with --gsp URL"
        )

    def load(
        self,
        files: Iterable[str | os.PathLike[str]] = (),
        *,
        bundled: bool = True,
        progress: Progress | None = None,
    ) -> LoadReport:
        import pyoxigraph as ox

        start = time.perf_counter()
        sources = _sources(files, bundled)
        target = self.gsp_url()
        triples = 0
        with tempfile.TemporaryFile() as body:
            for source, fmt, _size in sources:
                display = _display(source)
                with _open_source(source) as handle, _input_errors(display, source):
                    # N-Triples, one file after another: blank nodes stay distinct.
                    quads = ox.parse(input=handle, format=_ox_format(fmt))
                    triples_only = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
                    data = ox.serialize(triples_only, format=ox.RdfFormat.N_TRIPLES)
                body.write(data)
                triples += data.count(b"\n")
            length = body.tell()
            body.seek(0)
            sent_progress = None
            if progress is not None:
                read = sum(size for _src, _fmt, size in sources)

                def sent_progress(sent: int) -> None:
                    progress(sent * read // max(length, 1))

            separator = "&" if urlsplit(target).query else "?"
            response = self.client.request(
                "PUT",
                f"{target}{separator}{urlencode({'graph': self.graph_iri})}",
                body=iter(lambda: body.read(1 << 20), b""),
                length=length,
                headers={"Content-Type": "application/n-triples"},
                progress=sent_progress,
            )
        _check(response, target)
        self._graph = None
        stored = Graph(store=_EndpointStore(self.client, self.graph_iri))
        count = next(iter(stored.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0]
        return LoadReport(
            f"endpoint {self.url}",
            self.graph_iri,
            int(count) if count is not None else triples,
            len(sources),
            length,
            time.perf_counter() - start,
        )
