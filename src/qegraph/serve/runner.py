"""Running the application: uvicorn on a socket bound first, a header-read timeout, signals.

The socket is bound before anything else so that a port in use is a one-line error and
``--port 0`` knows its port before the first request. Uvicorn parses HTTP (httptools, else h11);
it closes idle keep-alive connections but not one whose headers never end, so the protocol class
adds a header-read timeout and a cap on the request head (431). Ctrl-C and SIGTERM stop uvicorn,
then the engine's workers are killed; should the server be killed outright, each worker dies with
it (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Callable
from typing import Any

from .config import ServerConfig

__all__ = ["bind", "build_pages", "serve"]


def bind(config: ServerConfig) -> socket.socket:
    """A listening socket on ``config.host``/``config.port``.

    Raises
    ------
    InputError
        The address cannot be bound (port in use, host not local).
    """
    from ..errors import InputError

    try:
        infos = socket.getaddrinfo(config.host, config.port, type=socket.SOCK_STREAM)
        family, _type, _proto, _name, address = infos[0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(256)
    except OSError as err:
        raise InputError(
            f"cannot listen on {config.host}:{config.port}: {err.strerror or err}"
        ) from None
    sock.set_inheritable(False)
    return sock


def _protocol_class(header_timeout: float, max_head_bytes: int) -> Any:
    """uvicorn's HTTP protocol with a header-read deadline and a cap on the request head.

    httptools (llhttp, C) when installed, as uvicorn itself prefers; h11 otherwise.
    """
    try:
        import httptools  # noqa: F401
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as Base

        fast = True
    except ImportError:  # pragma: no cover - httptools is a dependency
        from uvicorn.protocols.http.h11_impl import H11Protocol as Base

        fast = False

    class _Protocol(Base):  # type: ignore[misc, valid-type]
        """Closes a connection whose request head is not complete within ``header_timeout``
        seconds or grows past ``max_head_bytes`` (slow or stalled clients)."""

        _header_timer: Any = None
        _in_head = False
        _head_bytes = 0

        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._start_head()

        def _start_head(self) -> None:
            self._in_head = True
            self._head_bytes = 0
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(header_timeout, self._expire)

        def _end_head(self) -> None:
            self._in_head = False
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _expire(self) -> None:
            self._header_timer = None
            if self._in_head and not self.transport.is_closing():
                self.transport.close()

        def data_received(self, data: bytes) -> None:
            if self._in_head:
                self._head_bytes += len(data)
                if self._head_bytes > max_head_bytes:
                    self.transport.write(
                        b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
                        b"content-length: 0\r\nconnection: close\r\n\r\n"
                    )
                    self.transport.close()
                    return
            super().data_received(data)
            if not fast:
                import h11

                if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                    if not self._in_head:
                        self._start_head()
                else:
                    self._end_head()

        # httptools callbacks: a request starts, its headers are complete
        def on_message_begin(self) -> None:
            super().on_message_begin()
            if not self._in_head:
                self._start_head()

        def on_headers_complete(self) -> None:
            self._end_head()
            if not self.url.startswith(b"/"):
                # absolute-form target: httptools keeps only its path; the Host check needs all
                self.scope["qegraph.target"] = self.url  # type: ignore[typeddict-unknown-key]
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._end_head()
            super().connection_lost(exc)

    return _Protocol


#: Above this many triples in a ``--store``, serve starts without the viewer and docs pages.
PAGES_MAX_TRIPLES = 200_000


def build_pages(graph: Any) -> dict[str, tuple[str, bytes]]:
    """The viewer at ``/`` and the docs at ``/docs/``, or a plain page saying why not (built
    once at start, never per request; not for a store of over :data:`PAGES_MAX_TRIPLES`)."""
    import html

    from ..errors import QegraphError

    def plain(title: str, text: str) -> bytes:
        return (
            "<!doctype html><html><head><meta charset=utf-8>"
            f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
            f"<p>{html.escape(text)}</p><p>SPARQL endpoint: <code>/sparql</code>, query page: "
            "<a href=/query>/query</a></p></body></html>"
        ).encode()

    kind = "text/html; charset=utf-8"
    pages: dict[str, tuple[str, bytes]] = {}
    # An Oxigraph store counts its triples at once; a big one would take minutes to project
    # and document through rdflib before the endpoint answers (at 1M triples, minutes).
    size = len(graph) if getattr(graph.store, "ox_graph", None) is not None else 0
    if size > PAGES_MAX_TRIPLES:
        why = (
            f"the graph has {size:,} triples, more than the {PAGES_MAX_TRIPLES:,} for which "
            "qegraph serve builds this page at start"
        )
        pages["/"] = (
            kind,
            plain("qegraph", f"No viewer: {why}; draw a part with qegraph viz --focus CONCEPT"),
        )
        pages["/docs/"] = (kind, plain("qegraph documentation", f"No documentation: {why}"))
        return pages
    try:
        from ..viewer import viz

        pages["/"] = (kind, viz(graph).html.encode("utf-8"))
    except (ImportError, QegraphError) as err:
        pages["/"] = (kind, plain("qegraph", f"No viewer: {err}"))
    try:
        from ..ontodoc import render_docs

        pages["/docs/"] = (kind, render_docs(graph).encode("utf-8"))
    except (ImportError, QegraphError) as err:
        pages["/docs/"] = (
            kind,
            plain("qegraph documentation", f"Documentation not available: {err}"),
        )
    return pages


def serve(
    engine: Any,
    config: ServerConfig | None = None,
    *,
    pages: dict[str, tuple[str, bytes]] | None = None,
    on_ready: Callable[[str], None] | None = None,
    sock: socket.socket | None = None,
) -> None:
    """Serve ``engine`` until Ctrl-C or SIGTERM, then stop it: the port is released and every
    worker is killed. ``on_ready(url)`` is called once the server accepts connections."""
    import uvicorn

    from .app import make_app

    config = config or ServerConfig()
    sock = sock or bind(config)
    host, port = sock.getsockname()[:2]
    name = f"[{host}]" if ":" in host else host
    url = f"http://{name}:{port}/sparql"
    app = make_app(engine, config, pages=pages, port=lambda: port)
    uv_config = uvicorn.Config(
        app,
        http=_protocol_class(config.header_timeout, config.max_request_bytes + 65_536),
        loop="auto",  # uvloop when installed
        lifespan="on",
        access_log=config.log,
        log_level="info" if config.log else "warning",
        timeout_keep_alive=5,
        timeout_graceful_shutdown=2,
        h11_max_incomplete_event_size=max(config.max_request_bytes + 16_384, 65_536),
        server_header=False,
        date_header=True,
    )

    class _Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if on_ready is not None and not self.should_exit:
                on_ready(url)

    server = _Server(uv_config)
    main = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM)
    if main:  # uvicorn re-raises the signal it caught once it has stopped: end quietly then
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        engine.close()
        with contextlib.suppress(OSError):
            sock.close()
        if main:
            signal.signal(signal.SIGTERM, previous)
