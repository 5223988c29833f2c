"""Refuse network and remote-file access that the user did not ask for, below rdflib as well.

rdflib fetches URLs on its own: a SPARQL ``SERVICE``, ``LOAD`` or ``FROM <http://...>``, a remote
JSON-LD ``@context``. It also swallows some of the errors on the way (``QueryContext.load`` tries
four parsers and drops each failure), so checking the query text alone is not enough. Inside
:func:`no_network`, a Python audit hook refuses every socket connection, name lookup and
``urllib`` request, records it, and the block then ends with
:class:`~qegraph.errors.NetworkRefusedError` even when the library in between ate the first error.

The hook is installed once, on first use (``sys.addaudithook`` cannot be undone), and only acts
while a :func:`no_network` block is active in the current thread or task (a ``ContextVar``), so
code that was asked to reach a remote endpoint (``allow_network=True``) is left alone.

>>> import urllib.request
>>> with no_network("reading a file"):
...     urllib.request.urlopen("http://127.0.0.1:9/")
Traceback (most recent call last):
...
qegraph.errors.NetworkRefusedError: refused to open http://127.0.0.1:9/ while reading a file; ...
"""

from __future__ import annotations

import sys
import threading
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from .errors import NetworkRefusedError

__all__ = ["network_allowed", "network_blocked", "no_network"]

# Audit events that reach the network or fetch a URL (``file:`` included, through urllib).
_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
        "socket.sendto",
        "socket.sendmsg",
        "urllib.Request",
        "http.client.connect",
        "ftplib.connect",
        "smtplib.connect",
        "webbrowser.open",
    }
)

_HINT = "qegraph never fetches remote data unless asked (pass local files with --data)"


@dataclass
class _Guard:
    what: str
    attempts: list[str] = field(default_factory=list)


_ACTIVE: ContextVar[_Guard | None] = ContextVar("qegraph_network_guard", default=None)
# Set inside ``no_network(allow_network=True)``: the user asked for the network here.
_ALLOWED: ContextVar[bool] = ContextVar("qegraph_network_allowed", default=False)
_installed = False
_install_lock = threading.Lock()


def _describe(event: str, args: tuple[Any, ...]) -> str:
    if event == "urllib.Request":
        return f"open {args[0]}"
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        address = args[-1] if args else "?"
        if isinstance(address, tuple) and len(address) >= 2:
            return f"connect to {address[0]}:{address[1]}"
        return f"connect to {address}"
    if event == "http.client.connect":
        return f"connect to {args[1]}:{args[2]}"
    if event.startswith("socket.get"):
        return f"look up {args[0]}"
    return event


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event not in _EVENTS:
        return
    guard = _ACTIVE.get()
    if guard is None:
        return
    attempt = _describe(event, args)
    guard.attempts.append(attempt)
    raise NetworkRefusedError(f"refused to {attempt} while {guard.what}; {_HINT}")


def _install() -> None:
    global _installed
    with _install_lock:
        if not _installed:
            sys.addaudithook(_audit)
            _installed = True


def network_allowed() -> bool:
    """Whether the innermost :func:`no_network` block was opened with ``allow_network=True``:
    the user asked for the network. Engines we do not control (Oxigraph's ``SERVICE``) get it
    only then; outside any block they run without it.

    >>> network_allowed()
    False
    >>> with no_network(allow_network=True):
    ...     network_allowed()
    True
    """
    return _ALLOWED.get()


def network_blocked() -> bool:
    """Whether a :func:`no_network` block is active in the current thread or task.

    >>> network_blocked()
    False
    >>> with no_network():
    ...     network_blocked()
    True
    """
    return _ACTIVE.get() is not None


class no_network:
    """Context manager: inside it, any network or URL access raises ``NetworkRefusedError``.

    Parameters
    ----------
    what:
        What the block does, for the message ("parsing data.ttl", "running the query").
    allow_network:
        When True the block may reach the network (the user asked for a remote endpoint);
        an enclosing guard is lifted for the duration of the block.

    Raises
    ------
    NetworkRefusedError
        On the first attempt, and again when the block ends if a library swallowed it.

    >>> import socket
    >>> with no_network("testing"):
    ...     socket.getaddrinfo("example.org", 80)
    Traceback (most recent call last):
    ...
    qegraph.errors.NetworkRefusedError: refused to look up example.org while testing; ...
    """

    def __init__(self, what: str = "parsing or querying", *, allow_network: bool = False):
        self.what = what
        self.allow_network = allow_network
        self._guard: _Guard | None = None
        self._token: Token[_Guard | None] | None = None
        self._allowed: Token[bool] | None = None

    def __enter__(self) -> no_network:
        _install()
        self._guard = None if self.allow_network else _Guard(self.what)
        self._token = _ACTIVE.set(self._guard)
        self._allowed = _ALLOWED.set(self.allow_network)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._token is not None
        _ACTIVE.reset(self._token)
        if self._allowed is not None:
            _ALLOWED.reset(self._allowed)
        guard = self._guard
        if guard is None or not guard.attempts:
            return
        if isinstance(exc, NetworkRefusedError):
            return
        # The refusal was swallowed or wrapped by the library in between: report it anyway.
        raise NetworkRefusedError(
            f"refused to {guard.attempts[0]} while {guard.what}; {_HINT}"
        ) from None
