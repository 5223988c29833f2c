"""Atomic file output: write a temporary file beside the target, fsync, then rename.

A failure or Ctrl-C part way leaves the previous file untouched and no partial file behind.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> atomic_write_text(target, "hello\\n")
>>> target.read_text()
'hello\\n'
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import ExportError, shown_path

__all__ = [
    "atomic_open",
    "atomic_write_bytes",
    "atomic_write_text",
    "make_folder",
    "output_kind",
    "process_alive",
    "write_failed",
]


#: Write errors that mean the output could not be written (full disk, quota, read-only...).
_WRITE_ERRORS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large",
    errno.EROFS: "read-only file system",
    errno.EIO: "input/output error",
    errno.EPIPE: "the reader went away",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
}


def output_kind(path: str | os.PathLike[str]) -> str:
    """How :func:`atomic_open` writes ``path``: ``"replace"`` (a regular file or a new path:
    atomically), ``"direct"`` (a pipe, a character device such as ``/dev/null`` or a terminal,
    ``/dev/stdout``, ``/proc/self/fd/N``: written in place, never replaced) or ``"refuse"``
    (a directory, a socket, a block device).

    >>> output_kind("/dev/null"), output_kind("/no/such/file"), output_kind("/")
    ('direct', 'replace', 'refuse')
    """
    try:
        mode = os.stat(path).st_mode  # follows /dev/stdout -> /proc/self/fd/1 -> the pipe
    except FileNotFoundError:
        return "replace"
    except OSError:
        return "replace"  # the folder check of atomic_open words the problem
    if stat.S_ISREG(mode):
        return "replace"
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return "direct"
    return "refuse"


def _kind_name(path: Path) -> str:
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        return "is a directory"
    if stat.S_ISSOCK(mode):
        return "is a socket"
    if stat.S_ISBLK(mode):
        return "is a block device"
    return "is not a regular file"


def write_failed(path: str | os.PathLike[str], err: OSError) -> ExportError:
    """The one-line :class:`ExportError` for an output that could not be written."""
    why = _WRITE_ERRORS.get(err.errno or 0) or err.strerror or str(err)
    return ExportError(f"{shown_path(path)}: cannot write ({why}); nothing was replaced")


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open ``path`` for writing so that it is replaced only if the block completes.

    A regular file or a new path gets a temporary file beside it, fsync, then a rename. A pipe
    or a character device (``/dev/null``, a terminal, ``/dev/stdout``) is written in place:
    replacing it would put a regular file where the system keeps a device. A directory, socket
    or block device is refused. Raises :class:`ExportError` naming the path (control characters
    escaped) when it is refused, its folder is missing or unwritable, or the write fails (a
    full disk, say).
    """
    target = Path(path)
    kind = output_kind(target)
    if kind == "refuse":
        raise ExportError(f"{shown_path(target)}: {_kind_name(target)}; not writing to it")
    if kind == "direct":
        try:
            with open(target, "wb") as handle:
                yield handle
        except OSError as err:
            if err.errno in _WRITE_ERRORS:
                raise write_failed(target, err) from None
            raise
        return
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"{shown_path(target)}: folder {shown_path(folder)} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise ExportError(f"{shown_path(target)}: cannot write here ({err.strerror})") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            # Keep the permissions a user gave the file they asked us to overwrite.
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        if err.errno in _WRITE_ERRORS:
            raise write_failed(target, err) from None
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_open(path) as handle:
        handle.write(data)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def make_folder(folder: str | os.PathLike[str]) -> Path:
    """Create ``folder`` (and its parents) for output; an :class:`ExportError` names it when it
    is a file or cannot be created."""
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ExportError(f"{shown_path(path)}: exists and is not a folder") from None
    except OSError as err:
        why = err.strerror
        raise ExportError(f"{shown_path(path)}: cannot create the folder ({why})") from None
    return path


def process_alive(pid: int) -> bool:
    """Whether a process with this pid exists (a lock holder may be alive even if not ours).

    >>> process_alive(os.getpid())
    True
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
