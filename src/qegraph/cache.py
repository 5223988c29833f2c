"""A content-addressed cache of parsed user files, so that a repeat query does not parse twice.

``qegraph --data big.ttl query ...`` parses ``big.ttl`` into an in-memory Oxigraph store. After
the answer is printed, a detached background process writes that store to an on-disk Oxigraph
store under ``$XDG_CACHE_HOME/qegraph/stores/KEY`` (``~/.cache`` by default); the next command
with the same files opens it read-only and answers at ``--store`` speed. ``KEY`` is a SHA-256 of
the files' bytes and formats (in order), the bundled ontology, qegraph's parsing code,
pyoxigraph's version and the safety limits (``QEGRAPH_MAX_INPUT_BYTES``,
``QEGRAPH_MAX_NESTING``): any change gives another key, so an entry is never stale. Inputs
under ``QEGRAPH_CACHE_MIN_BYTES`` (1 MiB by default) are not cached: parsing them is as fast
as opening a store. ``--no-cache`` turns it off.

An entry is trusted only if it is a folder owned by this user, writable by no one else, whose
``qegraph-cache.json`` names the same key and cache format, and whose store opens and is not
empty; anything else (a corrupted, half-written or foreign entry) is ignored and the files are
parsed again. Only the newest entry for a given list of file paths is kept. A big file's
SHA-256 is noted in ``.digests`` under its inode, size, mtime and ctime, so that a repeat command
need not read it again. Remove ``$XDG_CACHE_HOME/qegraph`` to clear it all.

>>> cache_key([]) is None  # only user files are cached
True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["CACHE_FORMAT", "cache_key", "cache_root", "open_cached", "save_later"]

#: Bumped whenever what an entry holds changes meaning.
CACHE_FORMAT = 1
#: Smallest input (total bytes of the user files) worth caching (env ``QEGRAPH_CACHE_MIN_BYTES``).
DEFAULT_MIN_BYTES = 1 << 20
_META = "qegraph-cache.json"


def cache_root() -> Path:
    """Where entries live: ``$XDG_CACHE_HOME/qegraph/stores`` (``~/.cache/qegraph/stores``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "qegraph" / "stores"


def _min_bytes() -> int:
    try:
        return max(0, int(os.environ.get("QEGRAPH_CACHE_MIN_BYTES", DEFAULT_MIN_BYTES)))
    except ValueError:
        return DEFAULT_MIN_BYTES


def cache_key(files: Iterable[str | os.PathLike[str]]) -> str | None:
    """The key of the entry for ``files`` (with the bundled ontology); None when they are not
    cached: no files, too small, not all regular files, or unreadable (the loader then reports
    why, in its own words)."""
    import pyoxigraph as ox

    from .inputs import _max_bytes, _max_nesting, guess_format
    from .resources import module_files

    paths = [Path(f) for f in files]
    if not paths:
        return None
    digest = hashlib.sha256()
    try:
        settings = {
            "format": CACHE_FORMAT,
            # The code that reads the files, rather than a version number that a development
            # checkout does not bump (and importlib.metadata costs 70 ms to import).
            "parser": [
                hashlib.sha256(Path(__file__).with_name(name).read_bytes()).hexdigest()
                for name in ("loading.py", "inputs.py", "cache.py")
            ],
            "pyoxigraph": ox.__version__,
            "max_bytes": _max_bytes(None),
            "max_nesting": _max_nesting(),
        }
        digest.update(json.dumps(settings, sort_keys=True).encode())
        for module in module_files():
            module_digest = hashlib.sha256(module.read_bytes()).digest()
            digest.update(module.name.encode() + b"\0" + module_digest)
        total = 0
        for path in paths:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode) or info.st_size > settings["max_bytes"]:
                return None
            total += info.st_size
            file_digest = _file_digest(path, info)
            digest.update(f"\0{guess_format(path)}\0{info.st_size}\0".encode() + file_digest)
    except Exception:  # whatever it is, the loader words it better
        return None
    if total < _min_bytes():
        return None
    return digest.hexdigest()


def _file_digest(path: Path, info: os.stat_result) -> bytes:
    """The SHA-256 of the file's bytes, read once per version of the file: it is noted under
    the file's identity and change times (device, inode, size, mtime and ctime in nanoseconds,
    as git's index notes them; ctime cannot be set back by the user), so that a repeat command
    does not read a big file again to find its entry."""
    identity = f"{path.resolve()}\0{info.st_dev}\0{info.st_ino}\0{info.st_size}"
    identity += f"\0{info.st_mtime_ns}\0{info.st_ctime_ns}"
    notes = cache_root() / ".digests"
    note = notes / hashlib.sha256(identity.encode()).hexdigest()
    if _trusted(notes.parent) and _trusted(notes):
        with contextlib.suppress(OSError, ValueError):
            known = bytes.fromhex(note.read_text(encoding="ascii"))
            if len(known) == hashlib.sha256().digest_size:
                return known
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").digest()
    if info.st_size >= _min_bytes():
        with contextlib.suppress(OSError):
            notes.mkdir(parents=True, exist_ok=True, mode=0o700)
            if _trusted(notes.parent) and _trusted(notes):
                temporary = notes / f".{note.name}.{os.getpid()}"
                temporary.write_text(digest.hex(), encoding="ascii")
                os.replace(temporary, note)
    return digest


def _trusted(folder: Path) -> bool:
    """A real folder of ours that no one else can write."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def open_cached(key: str) -> tuple[Any, list[str]] | None:
    """The read-only store of entry ``key`` and the warnings its files gave; None when there is
    no entry or it cannot be trusted (see the module docstring)."""
    import pyoxigraph as ox

    root = cache_root()
    folder = root / key
    if not (_trusted(root) and _trusted(folder)):
        return None
    try:
        meta = json.loads((folder / _META).read_text(encoding="utf-8"))
        if meta.get("key") != key or meta.get("format") != CACHE_FORMAT:
            return None
        store = ox.Store.read_only(str(folder / "store"))
        # Counting the quads would cost a second at 1M; a store that opens and is not empty
        # is used, and a failure while it is read hands the query back to the full path.
        if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is None:
            return None
        return store, [str(w) for w in meta.get("warnings", [])]
    except Exception:  # corrupted in any way: parse the files instead
        return None


def save_later(
    store: Any, key: str, files: Iterable[str | os.PathLike[str]], warned: list[str]
) -> None:
    """Write ``store`` as entry ``key`` in a detached background process, so that the command
    that parsed the files is not slowed down; nothing happens where ``fork`` is missing, in a
    threaded program, or while another process is writing the same entry."""
    import threading

    if not hasattr(os, "fork") or threading.active_count() > 1:
        return
    root = cache_root()
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _trusted(root) or (root / key).exists():
            return
        lock = root / f".{key}.writing"
        fd = _take(lock)
    except OSError:
        return
    paths = [str(Path(f).resolve()) for f in files]
    pid = os.fork()
    if pid:
        os.close(fd)
        os.waitpid(pid, 0)  # the middle child exits at once; the grandchild is adopted by init
        return
    try:  # the middle child: detach, then leave the work to a grandchild
        os.setsid()
        if os.fork() == 0:
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            devnull = os.open(os.devnull, os.O_RDWR)
            for target in (0, 1, 2):
                os.dup2(devnull, target)
            try:
                _write(store, root, key, paths, warned)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(lock)
    finally:
        os._exit(0)


def _take(lock: Path) -> int:
    """Create the writer's lock file (one writer per entry), or raise OSError when a living
    process holds it; the lock of a writer that died is taken over."""
    import time

    from .atomic import process_alive

    try:
        return os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        holder = lock.read_text(encoding="ascii", errors="replace").strip()
        if holder.isdigit() and process_alive(int(holder)):
            raise  # being written
        if not holder.isdigit() and time.time() - lock.stat().st_mtime < 60:
            raise  # the writer is starting: it has not said its pid yet
        lock.unlink()
        return os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def _write(store: Any, root: Path, key: str, paths: list[str], warned: list[str]) -> None:
    import shutil
    import uuid

    import pyoxigraph as ox

    temporary = root / f".{key}.{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        temporary.mkdir(mode=0o700)
        disk = ox.Store(str(temporary / "store"))
        # N-Quads in memory, then Oxigraph's bulk loader: no Python object per quad.
        disk.bulk_load(store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
        # The bulk loader leaves a table file per million quads, overlapping; RocksDB merges
        # them in the background only while this store is open, and the commands that read
        # the entry open it read-only: unmerged at 5M triples, the heavy queries ran 2-3x
        # slower (storeload.OPTIMIZE_FROM). Merged here, after the command has returned.
        disk.optimize()
        disk.flush()
        triples = len(disk)
        del disk
        meta = {"key": key, "format": CACHE_FORMAT, "triples": triples, "files": paths}
        meta["warnings"] = warned
        (temporary / _META).write_text(json.dumps(meta), encoding="utf-8")
        os.rename(temporary, root / key)  # fails if another writer got there first
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        return
    _prune(root, key, paths)


def _prune(root: Path, key: str, paths: list[str]) -> None:
    """Remove the older entries for the same file paths (they hold an earlier version)."""
    import shutil

    for folder in root.iterdir():
        if folder.name == key or folder.name.startswith(".") or not _trusted(folder):
            continue
        try:
            meta = json.loads((folder / _META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if meta.get("files") == paths:
            shutil.rmtree(folder, ignore_errors=True)
