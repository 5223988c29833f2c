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

An interruption never lands inside the import machinery (it is put off by a millisecond), and
one that lands where Python cannot raise it (a ``__del__`` method, a weakref callback) is
dropped without the "Exception ignored in" report such places print: the limit is still
recorded, and the next interruption comes :data:`_REPEAT` seconds later.

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
import sys
import threading
import time
from types import FrameType
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


def time_limit(
    seconds: float | None, *, what: str = "the query"
) -> contextlib.AbstractContextManager[None]:
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
        return contextlib.nullcontext()
    _drop_expired_when_unraisable()
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        return _AlarmLimit(float(seconds), what)
    return _AsyncLimit(float(seconds), what)


class _Limit:
    """What both limiters share: the interruption may only land inside the ``with`` body.

    The limiters are plain classes, not generators under ``contextlib``: a generator's
    ``__enter__``/``__exit__`` run Python frames of their own around the body, and an
    interruption landing in one of them escaped as ``_Expired`` (a traceback, and a timer
    left armed that killed the process later with SIGALRM, exit 142). Here the interruption
    is refused while the thread runs :meth:`__enter__` or :meth:`__exit__` (their code objects
    are in :data:`_QUIET`); it is only recorded, and the block still ends in
    :class:`QueryTimeoutError`.
    """

    def __init__(self, seconds: float, what: str) -> None:
        self.seconds = seconds
        self.what = what
        self.fired = False

    def timed_out(self) -> QueryTimeoutError:
        return QueryTimeoutError(_message(self.what, self.seconds))

    def finish(self, exc: BaseException | None) -> None:
        if isinstance(exc, _Expired):
            raise self.timed_out() from None
        if self.fired and exc is None:
            # Time ran out but the work swallowed the interruption: its answer cannot be trusted.
            raise self.timed_out()


class _AlarmLimit(_Limit):
    """Main thread: ``SIGALRM`` from ``setitimer``, repeated every :data:`_REPEAT` seconds."""

    def __enter__(self) -> None:
        self.armed = self.installed = False
        self.start = time.monotonic()
        self.outer = signal.getitimer(signal.ITIMER_REAL)
        if self.outer[0] and self.outer[0] < self.seconds:
            # An enclosing limit ends first: let it fire, ours cannot matter.
            self.installed = False
            return
        self.installed = True
        self.previous = signal.signal(signal.SIGALRM, self.on_alarm)
        self.armed = True
        signal.setitimer(signal.ITIMER_REAL, self.seconds, _REPEAT)
        if self.fired:  # a tiny limit ran out before the body began
            self.disarm()
            raise self.timed_out()

    def on_alarm(self, signum: int, frame: FrameType | None) -> None:
        if not self.armed:
            return
        self.fired = True
        if frame is not None and _in_import(frame):
            # Raised inside importlib it can leave the global import lock held: imports then hang.
            signal.setitimer(signal.ITIMER_REAL, 0.001, _REPEAT)
            return
        if frame is None or frame.f_code not in _QUIET:
            raise _Expired

    def disarm(self) -> None:
        self.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        # A Python call handles a signal that arrived before the timer stopped, while our
        # (now quiet) handler is still the one installed, not the enclosing limit's.
        _handle_pending()
        if self.previous is not None:  # None: the handler was not set from Python
            signal.signal(signal.SIGALRM, self.previous)
        delay, interval = self.outer
        if delay:
            remaining = delay - (time.monotonic() - self.start)
            signal.setitimer(signal.ITIMER_REAL, max(remaining, 1e-6), interval)

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        if self.installed:
            self.disarm()
        self.finish(exc)


def _in_import(frame: FrameType) -> bool:
    """Whether the frame runs the import machinery (``importlib._bootstrap`` and friends)."""
    return frame.f_code.co_filename.startswith("<frozen importlib")


def _drop_expired_when_unraisable() -> None:
    """Put :func:`_unraisable` in front of whatever ``sys.unraisablehook`` is current.

    Checked on every limit, not once: a test runner or an application may set its own hook
    later, and ours then goes in front of that one.
    """
    global _next_unraisable_hook
    if sys.unraisablehook is not _unraisable:
        _next_unraisable_hook = sys.unraisablehook
        sys.unraisablehook = _unraisable


def _unraisable(report: Any) -> None:
    """Drop an interruption raised where Python cannot raise; pass on everything else."""
    if isinstance(report.exc_value, _Expired):
        return
    _next_unraisable_hook(report)


_next_unraisable_hook = sys.__unraisablehook__


def _handle_pending() -> None:
    """Nothing: calling a Python function runs the handlers of signals that arrived."""


_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_set_async_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)
_set_async_exc.restype = ctypes.c_int


class _AsyncLimit(_Limit):
    """Other threads: a watchdog thread injects ``_Expired`` with ``PyThreadState_SetAsyncExc``.

    The watchdog holds the GIL while it looks at the worker's current frame, and the worker
    raises an injected exception where it stands when it takes the GIL back; so the watchdog
    only injects once ``__enter__`` has started the watchdog (``inside``) and while that frame
    is not :meth:`__enter__` or :meth:`__exit__`, and waits a moment otherwise.
    """

    def __enter__(self) -> None:
        self.target = threading.get_ident()
        self.lock = threading.Lock()
        self.stopped = False
        self.wake = threading.Event()
        self.inside = False
        self.thread = threading.Thread(target=self.watch, name="qegraph-time-limit", daemon=True)
        self.thread.start()
        self.inside = True  # from here on the top frame is __enter__'s until the body runs

    def watch(self) -> None:
        delay = self.seconds
        while not self.wake.wait(delay):
            with self.lock:
                if self.stopped:
                    return
                self.fired = True
                frame = sys._current_frames().get(self.target)
                if not self.inside or (
                    frame is not None and (frame.f_code in _QUIET or _in_import(frame))
                ):
                    delay = 0.001  # let it reach the body (or finish __exit__)
                    continue
                _set_async_exc(self.target, _Expired)
            delay = _REPEAT

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        # Under the lock no new interruption can come; drop one injected but not delivered yet.
        with self.lock:
            self.stopped = True
            self.inside = False
            if self.fired:
                _set_async_exc(self.target, ctypes.py_object())
        self.wake.set()
        self.thread.join()
        self.finish(exc)


#: Code objects where an interruption is only recorded, never raised (see :class:`_Limit`).
_QUIET = frozenset(
    function.__code__
    for function in (
        _AlarmLimit.__enter__,
        _AlarmLimit.__exit__,
        _AlarmLimit.on_alarm,
        _AlarmLimit.disarm,
        _handle_pending,
        _in_import,
        _unraisable,
        _drop_expired_when_unraisable,
        _AsyncLimit.__enter__,
        _AsyncLimit.__exit__,
        _Limit.finish,
        _Limit.timed_out,
        _Limit.__init__,
        time_limit,
    )
)


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
