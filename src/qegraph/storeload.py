"""Fill an on-disk Oxigraph store: ``qegraph --store DIR load`` without rdflib.

:func:`load_store` checks the inputs as ``--data`` does, bulk-loads the bundled modules and the
user's files into a fresh store beside ``DIR``, copies the old store's other graphs into it,
counts what was loaded and swaps it in with one atomic rename, under an exclusive lock: an
interrupted or failed load leaves the store as it was. It needs pyoxigraph only, so the load
command does not import rdflib (0.1 s of a load); :class:`qegraph.backends.StoreBackend` calls
it too.

>>> import tempfile, pathlib
>>> report = load_store(pathlib.Path(tempfile.mkdtemp()) / "store")
>>> report.triples > 1000, report.files
(True, 5)
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import shutil
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .atomic import process_alive
from .errors import BackendError, InputError
from .limits import token_too_large
from .oxstore import DEFAULT_GRAPH, count_triples, graph_name, is_store

__all__ = ["OPTIMIZE_FROM", "LoadReport", "Progress", "load_store", "store_lock", "total_bytes"]

#: Called with the number of bytes done so far (read from files, or sent to an endpoint).
Progress = Callable[[int], None]

_TRIPLE_FORMATS = {"turtle", "nt", "xml", "json-ld", "n3"}

#: Formats without brackets, entities or contexts: nothing for the loader's checks to find
#: (their size is checked on its own), so they stream into the store unread.
_UNCHECKED_FORMATS = {"nt", "nquads"}


def _precheck(source: Any, fmt: str) -> None:
    """The same checks as ``--data`` (:func:`qegraph.loading.check_input`: size, nesting depth,
    RDF/XML DOCTYPE, JSON-LD contexts) before a store or endpoint parser sees the file: a
    store would keep what ``--data`` refuses, and every export of it would then fail."""
    if fmt not in _UNCHECKED_FORMATS and isinstance(source, (str, os.PathLike)):
        from .loading import check_input

        check_input(source, format=fmt)


@dataclass(frozen=True)
class LoadReport:
    """What a ``load`` wrote: where, which graph, how many triples and bytes, how fast."""

    target: str
    graph: str
    triples: int
    files: int
    bytes: int
    seconds: float

    def render(self) -> str:
        """One line for the terminal."""
        return (
            f"loaded {self.triples} triples from {self.files} files ({self.bytes} bytes) into "
            f"<{self.graph}> of {self.target} in {self.seconds:.2f} s"
        )


# --- sources -------------------------------------------------------------------------------


def _sources(files: Iterable[str | os.PathLike[str]], bundled: bool) -> list[tuple[Any, str, int]]:
    """``(source, rdflib format, size)`` for the bundled modules and user files; checks inputs."""
    from .loading import _max_bytes, checked_file_size, guess_format
    from .resources import module_files

    limit = _max_bytes(None)
    out: list[tuple[Any, str, int]] = []
    if bundled:
        out.extend((m, guess_format(m), len(m.read_bytes())) for m in module_files())
    for name in files:
        path = Path(name)
        fmt = guess_format(path)
        size = checked_file_size(path, limit)
        # Formats whose parsers a hostile file can crash get the loader's full checks now.
        _precheck(path, fmt)
        out.append((path, fmt, size))
    return out


def _display(source: Any) -> str:
    return str(source) if isinstance(source, (str, os.PathLike)) else f"qegraph:{source.name}"


class _CountingReader(io.RawIOBase):
    """A file wrapper that reports the bytes read so far (and lets Ctrl-C in between reads)."""

    def __init__(self, handle: Any, start: int, progress: Progress | None) -> None:
        self._handle = handle
        self._done = start
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._handle.readinto(buffer)
        self._done += n or 0
        if self._progress is not None:
            self._progress(self._done)
        return n or 0


def _ox_format(fmt: str) -> Any:
    import pyoxigraph as ox

    from .loading import _OX_FORMATS

    return getattr(ox.RdfFormat, _OX_FORMATS[fmt])


def _open_source(source: Any) -> Any:
    if isinstance(source, (str, os.PathLike)):
        return open(source, "rb")
    return io.BytesIO(source.read_bytes())


def _syntax_error(display: str, err: SyntaxError, source: Any) -> str:
    """``FILE:LINE:COL: why``, worded as :func:`qegraph.load` words it."""
    from .loading import _syntax_message

    data = source.read_bytes() if hasattr(source, "read_bytes") else b""
    return _syntax_message(display, err, data)


@contextlib.contextmanager
def _input_errors(display: str, source: Any) -> Iterator[None]:
    """What the parser says about ``source`` as one-line :class:`InputError` naming it."""
    try:
        yield
    except SyntaxError as err:
        raise InputError(_syntax_error(display, err, source)) from None
    except (ValueError, OSError) as err:
        raise InputError(f"{display}: {err}") from None
    except MemoryError:
        raise InputError(token_too_large(display)) from None


#: Sources under this many bytes load in one transaction rather than with the bulk loader.
_SMALL_SOURCE = 1 << 20
#: From this many triples on, a load merges the store's files (``Store.optimize()``) before it
#: is put in place. The merge cost 3.3 s at 2M and saved 2.4 s on the query set of
#: scripts/bench.py; at 5M it cost 6.5 s and saved 20 s (30.9 s -> 10.8 s), so it starts between
#: (docs/benchmarks.md, store-optimize).
OPTIMIZE_FROM = 3_000_000


def _write_sources(
    store: Any,
    sources: list[tuple[Any, str, int]],
    graph: Any,
    progress: Progress | None,
) -> int:
    """Bulk-load every source into ``graph`` of the pyoxigraph ``store``; return bytes read."""
    import pyoxigraph as ox

    done = 0
    for source, fmt, size in sources:
        display = _display(source)
        with contextlib.ExitStack() as stack:
            raw = _CountingReader(stack.enter_context(_open_source(source)), done, progress)
            reader = io.BufferedReader(raw, 1 << 20)
            with _input_errors(display, source):
                if fmt in _TRIPLE_FORMATS:
                    # Oxigraph's bulk loader writes and ingests table files per call: for the
                    # small bundled modules one transaction each is 2-3x faster (measured).
                    load = store.load if size < _SMALL_SOURCE else store.bulk_load
                    load(input=reader, format=_ox_format(fmt), to_graph=graph)
                else:
                    # Quads keep no graph of their own here: everything goes into ``graph``.
                    store.bulk_extend(
                        ox.Quad(q.subject, q.predicate, q.object, graph)
                        for q in ox.parse(input=reader, format=_ox_format(fmt))
                    )
        done += size
        if progress is not None:
            progress(done)
    return done


def _warn_imports(store: Any, graph: Any) -> None:
    import warnings

    from .loading import QegraphWarning, _bundled_iris

    allowed = _bundled_iris()
    query = "SELECT DISTINCT ?o WHERE { ?s <http://www.w3.org/2002/07/owl#imports> ?o }"
    for row in store.query(query, default_graph=graph):
        iri = row[0].value
        if iri not in allowed:
            warnings.warn(
                f"owl:imports <{iri}> was not fetched; qegraph never follows imports "
                "(pass the file itself to load)",
                QegraphWarning,
                stacklevel=3,
            )


def _remove_stale(parent: Path, name: str) -> None:
    """Remove temporary stores left by loads that were killed (their process is gone)."""
    for stale in parent.glob(f".{name}.qegraph-*"):
        pid = stale.name.rsplit(".qegraph-", 1)[1].split("-")[0]
        if pid.isdigit() and process_alive(int(pid)):
            continue  # another load is running now
        shutil.rmtree(stale, ignore_errors=True)


def _store_failure(target: Path, err: OSError) -> str:
    """One line for a store write that failed (read-only folder, full disk...)."""
    from .atomic import _WRITE_ERRORS
    from .errors import shown_path

    why = _WRITE_ERRORS.get(err.errno or 0) or err.strerror or str(err)
    return f"cannot write the store {shown_path(target)} ({why}); the store is unchanged"


@contextlib.contextmanager
def store_lock(
    target: Path,
    *,
    timeout: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the exclusive write lock of the store at ``target`` for the block.

    A load reads the store's other graphs, builds a new store and swaps it in; two loads at
    once would each swap in a store without the other's graph. The lock is ``fcntl.flock`` on
    ``.NAME.lock`` beside the store folder (not inside it: each load replaces the folder by a
    rename). The holder writes its pid there; a waiting load says "waiting for the lock held
    by pid N" through ``on_wait`` and gives up with :class:`BackendError` (exit 5) after
    ``timeout`` seconds. The kernel drops the lock when its process dies, however it dies;
    the file is removed when the lock is released.
    """
    import fcntl

    from .errors import shown_path

    lock_path = target.with_name(f".{target.name}.lock")
    deadline = None if timeout is None else time.monotonic() + timeout
    told = False
    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise BackendError(_store_failure(target, err)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            if deadline is not None and time.monotonic() >= deadline:
                raise BackendError(
                    f"the store {shown_path(target)} is being loaded by pid {holder}; "
                    f"gave up waiting after {timeout:g} s (--lock-timeout)"
                ) from None
            if not told and on_wait is not None:
                on_wait(f"waiting for the lock held by pid {holder} on {shown_path(target)}")
                told = True
            time.sleep(0.05)
            continue
        try:
            same = os.fstat(fd).st_ino == os.stat(lock_path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder removed the file as we opened it: take the new one
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        # Removed while still held, so that no one can lock the old file after us (the
        # inode check above); a lock file killed with its process stays, harmless.
        with contextlib.suppress(OSError):
            os.unlink(lock_path)
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def total_bytes(files: Iterable[str | os.PathLike[str]], bundled: bool = True) -> int:
    """How many bytes :func:`load_store` reads: the length for a progress bar."""
    return sum(size for _source, _fmt, size in _sources(files, bundled))


def load_store(
    path: str | os.PathLike[str],
    files: Iterable[str | os.PathLike[str]] = (),
    *,
    graph_iri: str = DEFAULT_GRAPH,
    bundled: bool = True,
    progress: Progress | None = None,
    lock_timeout: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> LoadReport:
    """Replace the graph ``graph_iri`` of the store at ``path`` with the bundled ontology (unless
    not ``bundled``) plus ``files``; the store's other graphs are kept.

    ``progress`` is told the bytes read so far; another load of the same store is waited for
    ``lock_timeout`` seconds (None: for ever), ``on_wait`` told whom it waits for
    (:func:`store_lock`).

    Raises
    ------
    InputError
        A file is missing, too big, refused by the checks or not valid RDF.
    BackendError
        ``path`` is not a store folder, the lock was not had in time, or the store could not
        be written; the store is unchanged.
    """
    start = time.perf_counter()
    sources = _sources(files, bundled)
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise BackendError(f"{target} is a file, not a store folder")
    if target.is_dir() and any(target.iterdir()) and not is_store(target):
        raise BackendError(f"{target} is a folder but not an Oxigraph store; not touching it")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise BackendError(f"{target}: folder {parent} does not exist")
    with store_lock(target, timeout=lock_timeout, on_wait=on_wait):
        triples, size = _load_locked(sources, target, parent, graph_iri, progress)
    return LoadReport(
        f"store {target}",
        graph_iri,
        triples,
        len(sources),
        size,
        time.perf_counter() - start,
    )


def _load_locked(
    sources: list[tuple[Any, str, int]],
    target: Path,
    parent: Path,
    graph_iri: str,
    progress: Progress | None,
) -> tuple[int, int]:
    """Build the fresh store and swap it in; ``(triples, bytes read)``."""
    import pyoxigraph as ox

    _remove_stale(parent, target.name)
    fresh = parent / f".{target.name}.qegraph-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    graph = graph_name(graph_iri)
    store = old = None
    try:
        store = ox.Store(str(fresh))
        if is_store(target):
            old = ox.Store.read_only(str(target))
            for name in [ox.DefaultGraph(), *old.named_graphs()]:
                if name != graph:
                    store.bulk_extend(old.quads_for_pattern(None, None, None, name))
            old = None
        size = _write_sources(store, sources, graph, progress)
        if isinstance(graph, ox.NamedNode):
            store.add_graph(graph)  # an empty load still leaves the graph there
        _warn_imports(store, graph)
        triples = count_triples(store, graph)
        if triples >= OPTIMIZE_FROM:
            # The bulk loader leaves its table files overlapping, and the query commands open
            # the store read-only, so nothing would ever merge them: at 5M triples the heavy
            # queries ran 2-3x slower on a fresh store than on a merged one.
            store.optimize()
        store.flush()
        store = None  # closes it
        _swap(fresh, target)
    except OSError as err:
        store = old = None
        traceback.clear_frames(err.__traceback__)
        raise BackendError(_store_failure(target, err)) from None
    except BaseException as err:
        # Close the half-built store before removing it: the traceback's frames hold it.
        store = old = None
        traceback.clear_frames(err.__traceback__)
        raise
    finally:
        store = old = None
        shutil.rmtree(fresh, ignore_errors=True)
    return triples, size


def _swap(fresh: Path, target: Path) -> None:
    """Put ``fresh`` at ``target``; the old store ends at ``fresh`` (then removed)."""
    if not target.exists():
        os.rename(fresh, target)
        return
    if _exchange(fresh, target):
        return
    old = target.with_name(f".{target.name}.qegraph-{os.getpid()}-old")
    os.rename(target, old)
    os.rename(fresh, target)
    os.rename(old, fresh)
