"""The Starlette application: routes, and the rules uvicorn does not enforce by itself.

Routes: ``/sparql`` (SPARQL 1.1 Protocol, read-only), ``/graph-store?graph=IRI`` (Graph Store
Protocol, read side), ``/query`` (the query page), ``/`` (viewer), ``/docs/`` (documentation),
``/status`` (engine and isolation), ``/static/...`` (the page's bundled assets).

:class:`Guard` runs before any route: one ``Host`` header naming this server (DNS rebinding; a
repeated ``Host`` is 400), an absolute-form request target only when it names this server (else
400), a URL cap (414), and CORS headers only when ``cors`` names an origin.

>>> from qegraph.serve.config import ServerConfig
>>> sorted(allowed_hosts(ServerConfig(), 7878))[:2]
['127.0.0.1', '127.0.0.1:7878']
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from .config import ServerConfig
from .engine import Engine
from .errors import Refusal

__all__ = ["Guard", "allowed_hosts", "make_app"]

_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
_SPARQL_METHODS = "GET, HEAD, POST, OPTIONS"
_PAGE_METHODS = "GET, HEAD"
_HTML = "text/html; charset=utf-8"

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def allowed_hosts(config: ServerConfig, port: int) -> set[str]:
    """The ``Host`` values accepted: the bound name (with and without port), loopback names when
    bound to loopback or to every address, and ``--allow-host`` names."""
    host = config.host
    names = {host, f"[{host}]", *config.allowed_hosts}
    if host in _LOOPBACK or host in ("0.0.0.0", "::"):
        names |= _LOOPBACK
    return {n.lower() for n in names} | {f"{n}:{port}".lower() for n in names}


def _plain(status: int, message: str, headers: dict[str, str] | None = None) -> Any:
    from starlette.responses import Response

    return Response(f"{message}\n", status, headers=headers, media_type="text/plain; charset=utf-8")


class Guard:
    """ASGI middleware: Host and request-target checks, URL cap, common and CORS headers."""

    def __init__(self, app: Any, config: ServerConfig, port: Callable[[], int]) -> None:
        self.app = app
        self.config = config
        self.port = port
        self._hosts: set[str] | None = None

    def hosts(self) -> set[str]:
        if self._hosts is None:
            self._hosts = allowed_hosts(self.config, self.port())
        return self._hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            scope = self._check(scope)
        except Refusal as refusal:
            await self._headers_added(_plain(refusal.status, refusal.message), scope, receive, send)
            return
        await self._headers_added(self.app, scope, receive, send)

    def _check(self, scope: Scope) -> Scope:
        hosts = [v.decode("latin-1").strip().lower() for k, v in scope["headers"] if k == b"host"]
        if len(hosts) != 1:
            raise Refusal(400, f"a request needs exactly one Host header, not {len(hosts)}")
        if hosts[0] not in self.hosts():
            raise Refusal(
                403, f"Host {hosts[0] or '(none)'} is not allowed here (DNS rebinding guard)"
            )
        raw = scope.get("raw_path") or scope["path"].encode()
        if len(raw) + len(scope.get("query_string", b"")) > self.config.max_request_bytes:
            raise Refusal(414, "request URL too long")
        absolute = scope.get("qegraph.target") or (b"" if raw.startswith(b"/") else raw)
        if absolute:
            # absolute-form (RFC 9112 3.2.2): accepted only when it names this server
            target = urlsplit(absolute.decode("latin-1"))
            if target.scheme not in ("http", "https") or target.netloc.lower() not in self.hosts():
                raise Refusal(400, "the request target names another host")
            if not scope.get("qegraph.target"):  # h11 left the whole target in the path
                from urllib.parse import unquote

                path = target.path or "/"
                scope = {**scope, "path": unquote(path), "raw_path": path.encode("latin-1")}
        return scope

    async def _headers_added(self, app: Any, scope: Scope, receive: Receive, send: Send) -> None:
        cors = self.config.cors

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _v in headers}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                if b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                if cors:
                    extra += [
                        (b"access-control-allow-origin", cors.encode("latin-1")),
                        (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
                        (b"access-control-allow-headers", b"Content-Type, Accept"),
                    ]
                message = {**message, "headers": headers + extra}
            await send(message)

        await app(scope, receive, send_with_headers)


async def _read_body(request: Any, cap: int) -> bytes:
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > cap):
        if length.isdigit():
            raise Refusal(413, f"request body over {cap} bytes")
        raise Refusal(400, "malformed Content-Length")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            raise Refusal(413, f"request body over {cap} bytes")
    return bytes(body)


def make_app(
    engine: Engine,
    config: ServerConfig,
    *,
    pages: dict[str, tuple[str, bytes]] | None = None,
    port: Callable[[], int] | None = None,
) -> Any:
    """The ASGI application serving ``engine`` as ``config`` says; ``pages`` maps ``/`` and
    ``/docs/`` to ``(media type, body)``; ``port()`` gives the bound port (for the Host check).
    """
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import RedirectResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    from .checks import check_query, names_dataset
    from .page import STATIC_DIR, query_page
    from .protocol import MEDIA, choose_media, format_of, read_request
    from .workers import Job

    pages = dict(pages or {})
    pages.setdefault("/query", (_HTML, query_page()))

    async def answer(request: Request, query: str, defaults: list[str], named: list[str]) -> Any:
        form = check_query(query)
        media = choose_media(request.headers.get("accept"), form)
        job = Job(
            query,
            form,
            format_of(media, form),
            tuple(defaults),
            tuple(named),
            config.max_rows,
            names_dataset(query),
        )
        status, truncated, body = await engine.run(job)
        headers = {"Vary": "Accept"}
        if status != 200:
            return _plain(status, body.decode("utf-8", "replace").rstrip("\n"), headers)
        if truncated:
            headers["Qegraph-Truncated"] = "true"
        if media.startswith("text/") or media.endswith(("json", "xml")):
            media = f"{media}; charset=utf-8"
        return Response(body, 200, headers=headers, media_type=media)

    async def sparql(request: Request) -> Any:
        method = request.method
        if method == "OPTIONS":
            return Response(b"", 204, headers={"Allow": _SPARQL_METHODS})
        if method not in ("GET", "HEAD", "POST"):
            raise Refusal(
                405, f"{method} is not allowed on the SPARQL endpoint", {"Allow": _SPARQL_METHODS}
            )
        body = b""
        if method == "POST":
            body = await _read_body(request, config.max_request_bytes)
        parsed = read_request(
            method,
            request.scope.get("query_string", b"").decode("latin-1"),
            request.headers.get("content-type"),
            body,
        )
        return await answer(request, parsed.query, parsed.default_graphs, parsed.named_graphs)

    async def graph_store(request: Request) -> Any:
        from .protocol import params_of

        if request.method not in ("GET", "HEAD"):
            raise Refusal(405, "the graph store is read-only here", {"Allow": _PAGE_METHODS})
        params = params_of(request.scope.get("query_string", b"").decode("latin-1"))
        graphs = params.get("graph", [])
        if "default" in params and not graphs:
            return await answer(request, "CONSTRUCT WHERE { ?s ?p ?o }", [], [])
        if len(graphs) != 1 or not graphs[0]:
            raise Refusal(400, "give one ?graph=IRI (or ?default)")
        iri = graphs[0]
        if any(c in iri for c in '<>"{}|^`\\ \n\r\t'):
            raise Refusal(400, "the graph parameter is not an IRI")
        choose_media(request.headers.get("accept"), "CONSTRUCT")  # 406 before any work
        status, _t, found = await engine.run(Job(f"ASK {{ GRAPH <{iri}> {{ }} }}", "ASK", "csv"))
        if status == 200 and found.strip() != b"true":
            raise Refusal(404, f"no graph <{iri}> here")
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
        return await answer(request, query, [], [])

    async def page(request: Request) -> Any:
        if request.method not in ("GET", "HEAD"):
            raise Refusal(405, f"{request.method} is not allowed here", {"Allow": _PAGE_METHODS})
        path = request.url.path
        if path == "/docs" and "/docs/" in pages:
            return RedirectResponse("/docs/", 301)
        if path not in pages:
            raise Refusal(404, f"no such page: {path}; the SPARQL endpoint is /sparql")
        kind, body = pages[path]
        headers = {}
        if path == "/query":
            # the query page runs no inline script and loads nothing from elsewhere
            headers["Content-Security-Policy"] = (
                "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                "connect-src 'self'; img-src 'self' data:; form-action 'none'; "
                "frame-ancestors 'none'; base-uri 'none'"
            )
        return Response(body, 200, headers=headers, media_type=kind)

    async def status(request: Request) -> Any:
        if request.method not in ("GET", "HEAD"):
            raise Refusal(405, f"{request.method} is not allowed here", {"Allow": _PAGE_METHODS})
        data = {
            **engine.status(),
            "formats": MEDIA,
            "cors": config.cors,
            "timeout_s": config.timeout,
        }
        return Response(
            json.dumps(data, indent=2, ensure_ascii=False) + "\n", media_type="application/json"
        )

    async def refused(request: Request, exc: Exception) -> Any:
        assert isinstance(exc, Refusal)
        return _plain(exc.status, exc.message, exc.headers)

    async def not_found(request: Request, exc: Exception) -> Any:
        return _plain(404, f"no such page: {request.url.path}; the SPARQL endpoint is /sparql")

    async def method_not_allowed(request: Request, exc: Exception) -> Any:
        allow = getattr(exc, "headers", None) or {"Allow": _PAGE_METHODS}
        return _plain(405, f"{request.method} is not allowed here", dict(allow))

    async def internal(request: Request, exc: Exception) -> Any:
        return _plain(500, f"internal error: {' '.join(str(exc).split())[:200]}")

    every = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"]

    @asynccontextmanager
    async def lifespan(_app: Any) -> Any:
        try:
            yield
        finally:
            await engine.aclose()

    routes = [
        Route("/sparql", sparql, methods=every),
        Route("/graph-store", graph_store, methods=every),
        Route("/status", status, methods=every),
        Mount("/static", app=StaticFiles(directory=str(STATIC_DIR)), name="static"),
        Route("/{path:path}", page, methods=every),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            Refusal: refused,
            404: not_found,
            405: method_not_allowed,
            500: internal,
        },
        lifespan=lifespan,
    )
    return Guard(app, config, port or (lambda: config.port))
