"""The engines ``qegraph serve`` puts behind its front: a pool of pyoxigraph workers (the
temporary store or ``--store DIR``), or a remote SPARQL endpoint (``--endpoint URL``).

Both take a checked :class:`~qegraph.serve.workers.Job` and give ``(status, truncated, body)``
with the body written as ``qegraph query`` writes it. Why a worker pool rather than the Oxigraph
server: see docs/serve.md (the server in a network namespace of its own cannot be reached over
the host's loopback, and the pool measured faster here).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from .errors import Refusal
from .workers import _HEADER, Job, Worker, frame, spawn, warm_up

__all__ = ["Engine", "RemoteEngine", "WorkerPool", "open_engine"]

Answer = tuple[int, bool, bytes]


class Engine:
    """What the front needs from an engine."""

    description = "engine"

    async def run(self, job: Job) -> Answer:  # pragma: no cover - interface
        raise NotImplementedError

    def status(self) -> dict[str, Any]:
        return {"engine": self.description}

    def close(self) -> None:
        """Stop every process of the engine (idempotent)."""

    async def aclose(self) -> None:
        """:meth:`close`, from the event loop (where a client's connections live)."""
        self.close()


class WorkerPool(Engine):
    """``size`` pre-forked pyoxigraph workers; a query past ``timeout`` kills its worker, and a
    fresh one takes its place."""

    def __init__(
        self,
        open_store: Callable[[], Any],
        *,
        size: int,
        timeout: float,
        queue_timeout: float,
        union: bool,
        allow_network: bool,
        description: str,
    ) -> None:
        self._open_store = open_store
        self._union = union
        self._allow_network = allow_network
        self.timeout = timeout
        self.queue_timeout = queue_timeout
        self.description = description
        self.workers: dict[int, Worker] = {}
        self._idle: asyncio.Queue[Worker] | None = None
        self._closed = False
        self.replaced = 0
        warm_up()
        for _ in range(max(1, size)):
            self._spawn()

    def _spawn(self) -> Worker:
        worker = spawn(self._open_store, union=self._union, allow_network=self._allow_network)
        self.workers[worker.pid] = worker
        if self._idle is not None:
            self._idle.put_nowait(worker)
        return worker

    def _queue(self) -> asyncio.Queue[Worker]:
        if self._idle is None:  # made in the event loop that serves
            self._idle = asyncio.Queue()
            for worker in self.workers.values():
                self._idle.put_nowait(worker)
        return self._idle

    @property
    def isolated(self) -> bool:
        """Whether every worker runs without a network."""
        return all(w.isolated for w in self.workers.values())

    def status(self) -> dict[str, Any]:
        from ..isolation import isolation_status

        return {
            "engine": self.description,
            "workers": len(self.workers),
            "workers_replaced": self.replaced,
            "network_isolation": (
                "off (--allow-network)"
                if self._allow_network
                else (
                    isolation_status()
                    if self.isolated
                    else "unavailable: the system refuses "
                    "network namespaces; SERVICE is refused by the query checks only"
                )
            ),
        }

    async def run(self, job: Job) -> Answer:
        queue = self._queue()
        try:
            worker = await asyncio.wait_for(queue.get(), self.queue_timeout)
        except TimeoutError:
            raise Refusal(503, "the server is busy; try again") from None
        loop = asyncio.get_running_loop()
        healthy = False
        try:
            await loop.sock_sendall(worker.sock, frame(pickle.dumps(job)))
            answer = await asyncio.wait_for(self._receive(worker), self.timeout)
            healthy = True
            return answer
        except TimeoutError:
            raise Refusal(
                503, f"query stopped: it ran past the time limit of {self.timeout:g} s"
            ) from None
        except (EOFError, OSError):
            raise Refusal(500, "the query process failed") from None
        finally:
            if healthy:
                queue.put_nowait(worker)
            else:  # also when the client went away mid-query: the worker may still be busy
                self._kill(worker)
                if not self._closed:
                    self.replaced += 1
                    self._spawn()

    async def _receive(self, worker: Worker) -> Answer:
        loop = asyncio.get_running_loop()
        head = await self._exactly(loop, worker, _HEADER.size)
        (size,) = _HEADER.unpack(head)
        return pickle.loads(await self._exactly(loop, worker, size))

    @staticmethod
    async def _exactly(loop: asyncio.AbstractEventLoop, worker: Worker, size: int) -> bytes:
        data = bytearray()
        while len(data) < size:
            chunk = await loop.sock_recv(worker.sock, min(size - len(data), 1 << 20))
            if not chunk:
                raise EOFError("the worker ended")
            data += chunk
        return bytes(data)

    def _kill(self, worker: Worker) -> None:
        self.workers.pop(worker.pid, None)
        with contextlib.suppress(OSError):
            os.kill(worker.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(worker.pid, 0)
        worker.sock.close()

    def close(self) -> None:
        self._closed = True
        for worker in list(self.workers.values()):
            self._kill(worker)


class RemoteEngine(Engine):
    """A remote SPARQL endpoint behind the same front: the same checks and caps, answers asked
    for in SPARQL JSON or N-Triples and written as ``qegraph query`` writes them."""

    def __init__(self, url: str, *, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self.description = f"endpoint {url}"
        self._client: Any = None

    async def run(self, job: Job) -> Answer:
        import httpx

        from ..namespaces import PREFIXES

        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False)
        graph = job.form in ("CONSTRUCT", "DESCRIBE")
        prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
        data = [("query", prologue + job.query)]
        data += [("default-graph-uri", g) for g in job.default_graphs]
        data += [("named-graph-uri", g) for g in job.named_graphs]
        accept = "application/n-triples" if graph else "application/sparql-results+json"
        try:
            response = await self._client.post(
                self.url,
                content=urlencode(data).encode("utf-8"),
                headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
            )
        except httpx.TimeoutException:
            raise Refusal(
                503, f"query stopped: the endpoint took over {self.timeout:g} s"
            ) from None
        except httpx.HTTPError as err:
            raise Refusal(502, f"the endpoint {self.url} failed: {err}") from None
        if response.status_code == 206:
            raise Refusal(502, f"the endpoint {self.url} gave a partial answer (HTTP 206)")
        if response.status_code >= 400:
            text = " ".join(response.text.split())[:300]
            status = 400 if response.status_code < 500 else 502
            raise Refusal(status, f"the endpoint answered {response.status_code}: {text}")
        if graph:
            return await asyncio.to_thread(_remote_graph, response.content, job)
        return _remote_results(response.json(), job)

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()


def _value(term: dict[str, str] | None) -> Any:
    from ..namespaces import language_tag
    from ..terms import Value

    if term is None:
        return None
    kind = term.get("type")
    if kind == "uri":
        return Value("uri", term["value"])
    if kind == "bnode":
        return Value("bnode", term["value"])
    lang = term.get("xml:lang")
    if lang:
        return Value("literal", term["value"], language_tag(lang))
    datatype = term.get("datatype")
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = None
    return Value("literal", term["value"], None, datatype)


def _remote_results(data: dict[str, Any], job: Job) -> Answer:
    import json

    from ..formatting import render_boolean, render_solutions

    if "boolean" in data:
        return 200, False, render_boolean(bool(data["boolean"]), job.fmt).encode("utf-8")
    variables = list(data.get("head", {}).get("vars", []))
    bindings = data.get("results", {}).get("bindings", [])
    truncated = len(bindings) > job.max_rows
    rows = [[_value(b.get(v)) for v in variables] for b in bindings[: job.max_rows]]
    text = render_solutions(variables, rows, job.fmt)
    if truncated and job.fmt == "json":
        document = json.loads(text)
        document["truncated"] = True
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return 200, truncated, text.encode("utf-8")


def _remote_graph(data: bytes, job: Job) -> Answer:
    from rdflib import Graph

    from ..exporting import serialize

    graph = Graph().parse(data=data, format="nt")
    truncated = len(graph) > job.max_rows
    if truncated:
        kept = Graph()
        for index, triple in enumerate(sorted(graph)):
            if index >= job.max_rows:
                break
            kept.add(triple)
        graph = kept
    return 200, truncated, serialize(graph, job.fmt)


class LatestStore:
    """A read-only store folder that follows completed loads: reopened when the folder changes.

    ``qegraph load`` builds the new store beside the old one and swaps the folder in with one
    rename, and an Oxigraph handle opened before the swap fails afterwards (it opens table files
    by path). So before each use the worker compares the folder's identity with the one it
    opened, reopens on a change, and retries once a query that met the swap half-way.
    """

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._stamp: tuple[int, int] | None = None
        self._store: Any = None

    def _current(self) -> Any:
        stat = os.stat(self._folder)
        stamp = (stat.st_dev, stat.st_ino)
        if stamp != self._stamp or self._store is None:
            from ..oxstore import open_read_only

            self._store, self._stamp = open_read_only(self._folder), stamp
        return self._store

    def query(self, *args: Any, **options: Any) -> Any:
        try:
            return self._current().query(*args, **options)
        except OSError:
            self._store = None  # met a load's swap: reopen and try once more
            return self._current().query(*args, **options)

    def named_graphs(self) -> Any:
        return self._current().named_graphs()


def open_engine(
    *,
    data: tuple[str, ...] = (),
    store: str | None = None,
    endpoint: str | None = None,
    workers: int = 4,
    timeout: float = 10.0,
    queue_timeout: float = 30.0,
    allow_network: bool = False,
) -> Engine:
    """The engine the CLI's backend options choose (call before the event loop starts).

    Raises
    ------
    InputError
        ``--data`` given with ``--store``/``--endpoint``, or a data file is unreadable.
    BackendError
        The store cannot be opened.
    """
    from ..errors import InputError

    if data and (store or endpoint):
        raise InputError(
            "--data merges files into the served store; with --store or --endpoint, "
            "put them in with: qegraph ... load FILE"
        )
    if endpoint:
        return RemoteEngine(endpoint, timeout=timeout)
    if store:
        from ..oxstore import open_read_only

        folder = Path(store)
        open_read_only(folder)  # fail now, with the usual message, not in a worker
        return WorkerPool(
            lambda: LatestStore(folder),
            size=workers,
            timeout=timeout,
            queue_timeout=queue_timeout,
            union=False,
            allow_network=allow_network,
            description=f"Oxigraph store {folder} (pyoxigraph workers)",
        )
    from .dataset import build_store

    started = time.perf_counter()
    memory = build_store(data)
    took = time.perf_counter() - started
    return WorkerPool(
        lambda: memory,
        size=workers,
        timeout=timeout,
        queue_timeout=queue_timeout,
        union=True,
        allow_network=allow_network,
        description=f"temporary Oxigraph store, {len(memory)} quads loaded in {took:.2f} s "
        "(pyoxigraph workers)",
    )
