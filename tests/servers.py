"""Real servers for tests: an Oxigraph server (from the ``oxigraph`` PyPI package) on 127.0.0.1.

Import the fixture into a test module with ``from servers import oxigraph_server``. The server gets
a free port and its own store folder, is waited for until it answers, and is killed at the end.
Without the ``oxigraph`` command the tests skip, except under ``CI=true`` where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI") == "true"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answers(url: str, process: subprocess.Popen | None = None, limit: float = 20.0):
    """Poll ``url`` until it answers any HTTP status (or fail after ``limit`` seconds)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {limit} s")


def stop_process(process: subprocess.Popen, timeout: float = 15) -> None:
    """Terminate ``process`` (kill it if it lingers past ``timeout``) and close its stderr."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stderr is not None:
        process.stderr.close()


@dataclass
class OxigraphServer:
    """A running ``oxigraph serve``: its query URL, Graph Store URL and store folder."""

    base: str
    location: Path

    @property
    def query_url(self) -> str:
        return f"{self.base}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base}/update"

    @property
    def store_url(self) -> str:
        return f"{self.base}/store"


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A real Oxigraph server on a free port of 127.0.0.1, killed when the module ends."""
    binary = shutil.which("oxigraph")
    if binary is None:
        if IN_CI:
            pytest.fail("the oxigraph command is missing (pip install oxigraph)")
        pytest.skip("the oxigraph command is missing (pip install oxigraph)")
    location = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(f"{base}/", process)
        yield OxigraphServer(base, location)
    finally:
        stop_process(process, 10)


@dataclass
class QegraphServe:
    """A running ``qegraph serve`` subprocess: its endpoint URL and process."""

    url: str
    process: subprocess.Popen

    @property
    def base(self) -> str:
        return self.url.rsplit("/", 1)[0]

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    def workers(self) -> list[int]:
        """Process ids of the server's children (its engine workers)."""
        return children_of(self.process.pid)

    def stop(self) -> None:
        stop_process(self.process)


def children_of(pid: int) -> list[int]:
    """Live child process ids of ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def start_serve(*options: str, global_options: tuple[str, ...] = ()) -> QegraphServe:
    """Start ``qegraph [global_options] serve --port 0 --quiet [options]``; wait until it serves."""
    import sys

    command = [sys.executable, "-m", "qegraph", *global_options, "serve", "--port", "0", "--quiet"]
    process = subprocess.Popen(
        [*command, *options],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    while line.startswith("warning:"):
        line = process.stderr.readline()
    if not line.startswith("serving http://"):
        process.kill()
        rest = process.stderr.read()
        process.wait()
        raise RuntimeError(f"qegraph serve did not start: {line}{rest}")
    return QegraphServe(line.split()[1], process)


@pytest.fixture(scope="module")
def qegraph_serve() -> Iterator[QegraphServe]:
    """``qegraph serve`` on the bundled ontology, on a free port, stopped when the module ends."""
    server = start_serve("--timeout", "30")
    try:
        yield server
    finally:
        server.stop()
