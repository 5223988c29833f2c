"""Work done on a second core by a forked child while the parent goes on.

Python runs one thread at a time, and the C libraries qegraph calls (igraph, Oxigraph's parser
through its Python iterator) hold the GIL, so threads would not help. A forked child reads the
parent's memory as it is (nothing is copied in), computes, and sends back its answer; the parent
waits for it only when it needs it. Where there is one core, no ``fork`` or another thread running,
nothing is started and the caller does the work itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

__all__ = ["cores", "start_apart"]

T = TypeVar("T")


def cores() -> int:
    """How many cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def start_apart(work: Callable[[], T], *, name: str) -> Callable[[], T | None] | None:
    """Start ``work()`` in a forked child now; return the function that waits for its answer.

    The answer travels back pickled. The waiting function returns None when the child died
    before answering (killed, out of memory, or ``work`` raised), so that the caller computes it
    itself; if the parent is interrupted while waiting (Ctrl-C, a time limit), the child is
    stopped at once. Returns None, starting nothing, on one core, without ``fork``, or while
    other threads run (as in ``qegraph serve``): a child forked then could wait forever on a lock
    another thread held at the fork, the rule :mod:`qegraph.cache` and the store's query child
    keep too.

    >>> waiting = start_apart(lambda: sum(range(10)), name="qegraph-sum")
    >>> (waiting() if waiting else sum(range(10)))
    45
    """
    import threading

    if not hasattr(os, "fork") or cores() < 2 or threading.active_count() > 1:
        return None
    import gc
    import multiprocessing
    import signal

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        # Ctrl-C reaches the whole process group: the parent reports it, the child stays quiet
        # (and a parent gone before the answer is sent must not leave a traceback either).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # The collector would walk (and so copy) every object inherited from the parent.
        gc.freeze()
        try:
            send.send(work())
            send.close()
        except BaseException:
            os._exit(1)
        # Leave without the exit handlers: they would flush the parent's buffered output a
        # second time.
        os._exit(0)

    # Daemonic: a parent that stops before it asks for the answer does not wait for it.
    process = context.Process(target=child, name=name, daemon=True)
    process.start()
    send.close()

    def answer() -> T | None:
        try:
            return receive.recv()
        except (EOFError, OSError):  # the child died (killed, out of memory, ``work`` raised)
            return None
        except BaseException:  # Ctrl-C or a time limit: stop the child now, not when it is done
            process.terminate()
            raise
        finally:
            receive.close()
            process.join()

    return answer
