"""Take the network away from the current process, so that an engine we do not control cannot leak.

Oxigraph runs a query's ``SERVICE`` itself, with its own HTTP client that no Python audit hook
sees, and neither pyoxigraph nor the Oxigraph server has a switch to turn that off. A process
that has moved into a network namespace of its own has only a loopback interface that is down:
every ``connect`` fails with "network is unreachable", whatever the query says. Call
:func:`drop_network` in a forked child that is about to run a query; the parent keeps its network.

Linux only. As root ``unshare(CLONE_NEWNET)`` works; as another user, a user namespace is tried
first (``CLONE_NEWUSER | CLONE_NEWNET``, which needs a single-threaded process). Where the system
refuses both (containers without the capability, other kernels), :func:`drop_network` returns
``False`` and the caller relies on its query checks alone; :func:`isolation_status` says which.

>>> isolation_status() in {"network namespace", "user and network namespace", "unavailable"}
True
"""

from __future__ import annotations

import os
import sys

__all__ = ["drop_network", "isolation_status"]

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_status: str | None = None


def _unshare(flags: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    # The C library the interpreter already runs on (dlopen(NULL)): no ctypes.util, whose
    # find_library runs ldconfig in a subprocess, in the path of every store query.
    try:
        unshare = ctypes.CDLL(None, use_errno=True).unshare
    except (OSError, AttributeError):
        return False
    return unshare(ctypes.c_int(flags)) == 0


def drop_network() -> bool:
    """Move this process into an empty network namespace; ``True`` when it no longer has a network.

    Irreversible for the process: call it only in a child made for the work. Example (in a child)::

        pid = os.fork()
        if pid == 0:
            drop_network()
            store.query(text)  # a SERVICE now fails with "network is unreachable"
    """
    if _unshare(_CLONE_NEWNET):
        return True
    return _unshare(_CLONE_NEWUSER | _CLONE_NEWNET)


def isolation_status() -> str:
    """Which isolation :func:`drop_network` gets on this system, probed once in a throwaway child.

    One of ``"network namespace"``, ``"user and network namespace"`` or ``"unavailable"``; the
    ``/status`` page of ``qegraph serve`` and the error messages report it.
    """
    global _status
    if _status is not None:
        return _status
    if not hasattr(os, "fork"):
        _status = "unavailable"
        return _status
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = b"u"
        try:
            if _unshare(_CLONE_NEWNET):
                code = b"n"
            elif _unshare(_CLONE_NEWUSER | _CLONE_NEWNET):
                code = b"b"
        finally:
            os.write(write_end, code)
            os._exit(0)
    os.close(write_end)
    answer = os.read(read_end, 1)
    os.close(read_end)
    os.waitpid(pid, 0)
    _status = {
        b"n": "network namespace",
        b"b": "user and network namespace",
    }.get(answer, "unavailable")
    return _status
