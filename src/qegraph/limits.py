"""Time limits that really stop the work: rdflib evaluates SPARQL in pure Python, without a timeout.

:func:`time_limit` works the same from the main thread and from worker threads (the HTTP server):

- in the main thread it arms ``SIGALRM`` with ``setitimer``; the signal handler raises inside the
  running Python code, and also interrupts a blocking system call;
- in any other thread a watchdog thread injects the exception into the worker with
  ``PyThreadState_SetAsyncExc``.

The exception raised inside the work is a private ``BaseException``, so that library code with a
broad ``except Exception`` cannot swallow it; it fires again every half second until the block
ends, and the block always ends with :class:`~qegraph.errors.QueryTimeoutError` once time ran out,
even if the work swallowed the interruption and returned a partial answer.

Code running inside a C extension (Oxigraph's Rust query engine, say) is only interrupted when it
returns to Python; backends with their own timeout should use it as well.

>>> import time
>>> with time_limit(0.05, what="the demo query"):
...     while True:
...         time.sleep(0.01)
Traceback (most recent call last):
...
qegraph.errors.QueryTimeoutError: the demo query ran past its time limit of 0.05 s and was...
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import itertools
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

from .errors import QueryTimeoutError

__all__ = [
    "DEFAULT_CLI_TIMEOUT",
    "PARSER_TOKEN_LIMIT",
    "iterative_paths",
    "time_limit",
    "token_too_large",
]

#: Oxigraph's parsers refuse a single token (a literal, an IRI) over this many bytes.
PARSER_TOKEN_LIMIT = 16 * 1024 * 1024


def token_too_large(display: str) -> str:
    """The one-line message for a file with a literal or IRI over :data:`PARSER_TOKEN_LIMIT`.

    Oxigraph's parsers raise ``MemoryError`` for such a token; every loader path (``--data``,
    ``--store load``, ``--endpoint load``, ``validate FILE``) turns it into this
    :class:`~qegraph.errors.InputError` message (exit code 2) instead of a traceback.

    >>> token_too_large("big.ttl")
    'big.ttl: a literal or IRI is over the parser limit of 16 MiB (16777216 bytes); ...'
    """
    return (
        f"{display}: a literal or IRI is over the parser limit of 16 MiB "
        f"({PARSER_TOKEN_LIMIT} bytes); keep such text outside the graph or split it"
    )


#: Seconds a query may run when started from the command line (``--timeout`` changes it).
DEFAULT_CLI_TIMEOUT = 30.0

#: After the first interruption, interrupt again this often until the block ends.
_REPEAT = 0.5


class _Expired(BaseException):
    """Raised inside the timed work; a BaseException so ``except Exception`` cannot eat it."""


def _message(what: str, seconds: float) -> str:
    return (
        f"{what} ran past its time limit of {seconds:g} s and was stopped "
        "(raise it with --timeout SECONDS, or 0 for no limit)"
    )


@contextlib.contextmanager
def time_limit(seconds: float | None, *, what: str = "the query") -> Iterator[None]:
    """Stop the block with :class:`QueryTimeoutError` after ``seconds`` (None or 0: no limit).

    Parameters
    ----------
    seconds:
        Wall-clock limit for the block; ``None`` or a value <= 0 disables it.
    what:
        What runs, for the message ("the query", "query cq-03").

    Raises
    ------
    QueryTimeoutError
        The block ran out of time; its work was interrupted.

    >>> with time_limit(5):
    ...     sum(range(10))
    45
    """
    if seconds is None or seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        limiter = _alarm_limit
    else:
        limiter = _async_limit
    fired: list[bool] = []
    try:
        with limiter(float(seconds), fired):
            yield
    except _Expired:
        raise QueryTimeoutError(_message(what, seconds)) from None
    if fired:
        # Time ran out but the work swallowed the interruption: its answer cannot be trusted.
        raise QueryTimeoutError(_message(what, seconds))


@contextlib.contextmanager
def _alarm_limit(seconds: float, fired: list[bool]) -> Iterator[None]:
    armed = [True]

    def on_alarm(signum: int, frame: object) -> None:
        if armed[0]:
            fired.append(True)
            raise _Expired

    start = time.monotonic()
    outer_delay, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    if outer_delay and outer_delay < seconds:
        # An enclosing limit ends first: let it fire, ours cannot matter.
        yield
        return
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT)
    try:
        yield
    finally:
        # An alarm may land while we disarm: retry until disarmed, the handler then stays quiet.
        while True:
            try:
                armed[0] = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                break
            except _Expired:
                continue
        signal.signal(signal.SIGALRM, previous)
        if outer_delay:
            remaining = outer_delay - (time.monotonic() - start)
            signal.setitimer(signal.ITIMER_REAL, max(remaining, 1e-6), outer_interval)


_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_set_async_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)
_set_async_exc.restype = ctypes.c_int


@contextlib.contextmanager
def _async_limit(seconds: float, fired: list[bool]) -> Iterator[None]:
    target = threading.get_ident()
    lock = threading.Lock()
    stopped = [False]
    wake = threading.Event()

    def watchdog() -> None:
        delay = seconds
        while not wake.wait(delay):
            with lock:
                if stopped[0]:
                    return
                fired.append(True)
                _set_async_exc(target, _Expired)
            delay = _REPEAT

    thread = threading.Thread(target=watchdog, name="qegraph-time-limit", daemon=True)
    thread.start()
    try:
        yield
    finally:
        # Stop the watchdog and drop an interruption scheduled but not delivered yet; one may
        # be delivered while we do so, hence the retry. Under the lock no new one can come.
        while True:
            try:
                with lock:
                    stopped[0] = True
                    if fired:
                        _set_async_exc(target, ctypes.py_object())
                break
            except _Expired:
                continue
        wake.set()
        thread.join()


def iterative_paths(algebra: Any) -> int:
    """Make the ``*``, ``+`` and ``?`` property paths of a compiled query iterative, in place.

    rdflib evaluates ``p*`` and ``p+`` with one nested generator per step, so ``rdf:rest*``
    over a list of a thousand items, or ``p+`` around a long cycle, ends in a RecursionError.
    This rewrites each such path of the query's algebra (nothing global is patched) into one
    that walks the graph with an explicit stack; the answers are the same. Returns how many
    paths were rewritten.

    >>> from rdflib import RDF, Graph, Literal
    >>> from rdflib.collection import Collection
    >>> from qegraph.namespaces import QE
    >>> from rdflib.plugins.sparql import prepareQuery
    >>> g = Graph()
    >>> _ = Collection(g, QE["list"], [Literal(i) for i in range(5000)])
    >>> q = prepareQuery("SELECT (COUNT(?m) AS ?n) { qe:list rdf:rest*/rdf:first ?m }",
    ...                  initNs={"qe": QE, "rdf": RDF})
    >>> iterative_paths(q.algebra)
    1
    >>> int(next(iter(g.query(q)))[0])
    5000
    """
    from rdflib.paths import MulPath
    from rdflib.plugins.sparql.parserutils import CompValue

    count = 0
    stack: list[Any] = [algebra]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue):
            triples = node.get("triples")
            if isinstance(triples, list):
                for i, triple in enumerate(triples):
                    if len(triple) == 3:
                        new, changed = _rewrite_path(triple[1], MulPath)
                        if changed:
                            triples[i] = (triple[0], new, triple[2])
                            count += changed
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return count


def _rewrite_path(path: Any, mul_path: type) -> tuple[Any, int]:
    from rdflib.paths import AlternativePath, InvPath, SequencePath

    iterative = _mul_path_class()
    if isinstance(path, iterative):
        return path, 0
    if isinstance(path, mul_path):
        inner, changed = _rewrite_path(path.path, mul_path)
        return iterative(inner, path.mod), changed + 1
    if isinstance(path, (SequencePath, AlternativePath)):
        parts = [_rewrite_path(arg, mul_path) for arg in path.args]
        total = sum(changed for _, changed in parts)
        return (type(path)(*[p for p, _ in parts]), total) if total else (path, 0)
    if isinstance(path, InvPath):
        inner, changed = _rewrite_path(path.arg, mul_path)
        return (InvPath(inner), changed) if changed else (path, 0)
    return path, 0


@functools.cache
def _mul_path_class() -> type:
    from rdflib.paths import MulPath, eval_path

    class IterativeMulPath(MulPath):
        """``MulPath`` with the same answers, computed with an explicit stack, not recursion."""

        def eval(self, graph, subj=None, obj=None, first=True):  # type: ignore[no-untyped-def]
            # Unlike rdflib, the zero-length answer is deduplicated with the others too: a
            # path around a cycle back to the start gives that answer once, as SPARQL says.
            zero: list[tuple[Any, Any]] = []
            if self.zero and first:
                if subj is not None and obj is not None:
                    if subj == obj:
                        zero.append((subj, obj))
                elif subj is not None:
                    zero.append((subj, subj))
                elif obj is not None:
                    zero.append((obj, obj))
            if subj is not None:
                pairs = self._forward(graph, eval_path, subj, obj)
            elif obj is not None:
                pairs = self._backward(graph, eval_path, obj)
            else:
                pairs = self._all(graph, eval_path)
            done: set[Any] = set()
            for pair in itertools.chain(zero, pairs):
                if pair not in done:
                    done.add(pair)
                    yield pair

        def _forward(self, graph, eval_path, start, target):  # type: ignore[no-untyped-def]
            seen, todo = {start}, [start]
            while todo:
                node = todo.pop()
                for _s, o in eval_path(graph, (node, self.path, None)):
                    if target is None or o == target:
                        yield start, o
                    if self.more and o not in seen:
                        seen.add(o)
                        todo.append(o)

        def _backward(self, graph, eval_path, end):  # type: ignore[no-untyped-def]
            seen, todo = {end}, [end]
            while todo:
                node = todo.pop()
                for s, _o in eval_path(graph, (None, self.path, node)):
                    yield s, end
                    if self.more and s not in seen:
                        seen.add(s)
                        todo.append(s)

        def _all(self, graph, eval_path):  # type: ignore[no-untyped-def]
            if self.zero:
                seen_nodes: set[Any] = set()
                for s, o in graph.subject_objects(None):
                    for node in (s, o):
                        if node not in seen_nodes:
                            seen_nodes.add(node)
                            yield node, node
            starts: set[Any] = set()
            for s, o in eval_path(graph, (None, self.path, None)):
                if not self.more:
                    yield s, o
                elif s not in starts:
                    starts.add(s)
                    yield from self._forward(graph, eval_path, s, None)

    return IterativeMulPath
