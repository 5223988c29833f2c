"""``-o`` onto what is not a regular file: pipes and devices are written in place, never replaced;
directories, sockets and block devices are refused; a full device is a one-line error (exit 2)."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from qegraph.atomic import atomic_write_bytes
from qegraph.errors import ExportError


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qegraph", *args], capture_output=True, text=True, timeout=120
    )


def test_dev_null_is_written_in_place_and_never_replaced() -> None:
    before = os.stat("/dev/null")
    result = run_cli("query", "ASK {}", "-o", "/dev/null")
    after = os.stat("/dev/null")
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_dev, after.st_rdev) == (
        before.st_ino,
        before.st_dev,
        before.st_rdev,
    )


def test_a_fifo_gets_the_bytes_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    result = run_cli("query", "ASK { ?s ?p ?o }", "--format", "json", "-o", str(fifo))
    out, _ = reader.communicate(timeout=60)
    assert result.returncode == 0, result.stderr
    assert out == b'{"head": {}, "boolean": true}\n'
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]  # no temporary file left


def test_proc_self_fd_and_dev_stdout_reach_the_pipe() -> None:
    for target in ("/dev/stdout", "/proc/self/fd/1"):
        result = run_cli("query", "ASK {}", "--format", "json", "-o", target)
        assert result.returncode == 0, result.stderr
        assert result.stdout == '{"head": {}, "boolean": true}\n'


def test_a_full_device_is_a_one_line_error_with_exit_2() -> None:
    result = run_cli("export", "--format", "nt", "-o", "/dev/full")
    assert result.returncode == 2
    assert result.stderr == (
        "Error: /dev/full: cannot write (no space left on the device); nothing was replaced\n"
    )


@pytest.fixture()
def small_disk(tmp_path: Path):
    """A 32 KiB tmpfs (the tests run as root in CI; elsewhere the mount fails the test)."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs", str(mount)])
    assert done.returncode == 0, "mounting a small tmpfs needs root (CI runs the tests as root)"
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_keeps_the_old_file_and_leaves_no_temporary(small_disk: Path) -> None:
    target = small_disk / "graph.nt"
    target.write_bytes(b"old\n")
    result = run_cli("export", "--format", "nt", "-o", str(target))
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        f"Error: {target}: cannot write (no space left on the device); nothing was replaced\n"
    )
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in small_disk.iterdir()] == ["graph.nt"]


def test_full_disk_during_an_atomic_write_leaves_nothing(tmp_path: Path) -> None:
    """ENOSPC on the temporary file: the message names the target, the old file is kept."""
    target = tmp_path / "out.nt"
    target.write_bytes(b"old\n")

    class Full:
        def write(self, data: bytes) -> int:
            raise OSError(28, "No space left on device")

    from qegraph import atomic

    with pytest.raises(ExportError, match="no space left"), atomic.atomic_open(target) as handle:
        Full().write(b"x")  # what a full disk does to handle.write
        handle.write(b"new")
    assert target.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.nt"]


def test_directories_sockets_are_refused_with_the_name_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "dir\x1b[31m\nname"
    folder.mkdir()
    with pytest.raises(ExportError) as err:
        atomic_write_bytes(folder, b"x")
    assert "\x1b" not in str(err.value) and "\n" not in str(err.value)
    assert "\\x1b[31m\\nname: is a directory" in str(err.value)
    sock_path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        with pytest.raises(ExportError, match="is a socket"):
            atomic_write_bytes(sock_path, b"x")
    finally:
        server.close()
    result = run_cli("query", "ASK {}", "-o", str(folder))
    assert result.returncode == 2
    assert "\x1b" not in result.stderr  # click's own usage error, escaped as well
    assert result.stderr.splitlines()[-1].endswith("\\x1b[31m\\nname' is a directory.")


def test_a_regular_file_is_still_replaced_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    os.chmod(target, 0o640)
    inode = target.stat().st_ino
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_ino != inode  # renamed into place, not rewritten
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_standard_output_on_a_full_device_is_one_line_with_exit_2() -> None:
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "qegraph", "stats"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert result.returncode == 2
    assert result.stderr == "Error: no space left on the device\n"
