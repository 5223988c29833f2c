"""``qegraph serve``: a read-only SPARQL 1.1 Protocol endpoint on Oxigraph, the viewer, the docs
and a query page, offline.

The parts, one module each:

- :mod:`~qegraph.serve.app`: the Starlette application (routes, Host check, caps, CORS).
- :mod:`~qegraph.serve.protocol`: reading a SPARQL Protocol request; content negotiation.
- :mod:`~qegraph.serve.checks`: what is refused before the engine (updates, LOAD, SERVICE).
- :mod:`~qegraph.serve.engine`: the engines: a pool of pre-forked pyoxigraph workers without a
  network (:mod:`~qegraph.serve.workers`), or a remote endpoint.
- :mod:`~qegraph.serve.dataset`: the temporary store (one named graph per module).
- :mod:`~qegraph.serve.page`: the query page at ``/query``.
- :mod:`~qegraph.serve.runner`: uvicorn, its header-read timeout, signals and shutdown.

>>> from qegraph.serve import ServerConfig
>>> ServerConfig().port
7878
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import ServerConfig
    from .engine import open_engine
    from .runner import serve
    from .runner import serve as run_server

__all__ = ["ServerConfig", "open_engine", "run_server", "serve"]

_EXPORTS = {
    "ServerConfig": ("config", "ServerConfig"),
    "open_engine": ("engine", "open_engine"),
    "run_server": ("runner", "serve"),
    "serve": ("runner", "serve"),
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        from importlib import import_module

        module, attribute = _EXPORTS[name]
        return getattr(import_module(f".{module}", __name__), attribute)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
