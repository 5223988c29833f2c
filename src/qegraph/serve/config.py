"""How ``qegraph serve`` listens and what it allows: one frozen record shared by every part."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ServerConfig"]


@dataclass(frozen=True)
class ServerConfig:
    """How ``qegraph serve`` listens and what it allows.

    ``timeout`` is per query in seconds (the worker running it is killed and replaced after it);
    ``max_rows`` caps SELECT rows (and CONSTRUCT triples); ``max_request_bytes`` caps a request
    body or URL; ``workers`` is how many queries run at once (others wait up to ``queue_timeout``
    seconds, then get 503); ``header_timeout`` closes a connection whose request headers are not
    complete in time; ``cors`` is an origin to allow (``*`` for any), none by default;
    ``allowed_hosts`` are extra names accepted in the ``Host`` header; ``allow_network`` lets the
    engine keep its network (SERVICE stays refused by the checks).

    >>> ServerConfig(port=0).host
    '127.0.0.1'
    """

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0
    max_rows: int = 10_000
    max_request_bytes: int = 1 << 20
    workers: int = 4
    queue_timeout: float = 30.0
    header_timeout: float = 10.0
    cors: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    allow_network: bool = False
    log: bool = False
