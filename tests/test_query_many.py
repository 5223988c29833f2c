"""``qegraph query`` with several queries in one command (ROBOT-style), and what a query command
costs before it runs anything: the modules its fast path imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from qegraph.backends import StoreBackend

#: What ``qegraph --store S query`` must not import: rdflib and its parser, the graph and
#: viewer packages, and importlib.metadata (0.04 s; the version comes from qegraph._version).
FORBIDDEN = (
    "rdflib",
    "oxrdflib",
    "pyparsing",
    "networkx",
    "pyvis",
    "igraph",
    "importlib.metadata",
    "qegraph.sparql",
    "qegraph.formatting",
    "qegraph.loading",
    "qegraph.backends",
)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("many") / "store"
    StoreBackend(path).load()
    return path


def _imported(*args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "qegraph", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    names = [line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line]
    return done, names


def _forbidden(names: list[str]) -> list[str]:
    return [n for n in names if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)]


def test_store_query_fast_path_imports_stay_lean(store_dir: Path) -> None:
    done, names = _imported(
        "--store", str(store_dir), "query", "--name", "CQ-01", "--format", "csv"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("dimension,label,")
    assert "pyoxigraph" in names and "qegraph.oxstore" in names  # the walk saw the imports
    assert _forbidden(names) == []


def test_version_reads_no_package_metadata() -> None:
    from importlib.metadata import version

    done, names = _imported("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"qegraph, version {version('qegraph')}"
    assert "click" in names
    assert _forbidden(names) == []
