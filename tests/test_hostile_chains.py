"""Blank-node chains (``_:b0 :p _:b1 . _:b1 :p _:b2 ...``): loading them works on every path;
exporting them must finish in bounded time and memory, or fail with a clear one-line error.

The export side (canonicalisation) belongs to the export rewrite: these tests state the target.
Each export runs in a child process under a 2 GiB address-space limit and a time limit, so a
regression cannot take the machine down with it.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

MEMORY_LIMIT = 2 << 30


def chain(links: int) -> str:
    return "".join(f"_:b{i} <urn:x:p> _:b{i + 1} .\n" for i in range(links))


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_limited(args: list[str], seconds: float) -> tuple[int | None, str, float]:
    start = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-m", "qegraph", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=limited,
    )
    try:
        _out, err = child.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        _out, err = child.communicate()
        return None, err, time.monotonic() - start
    return child.returncode, err, time.monotonic() - start


@pytest.mark.parametrize("links", [1_000, 10_000])
def test_a_blank_node_chain_loads_into_a_store(links: int, tmp_path: Path) -> None:
    data = tmp_path / "chain.nt"
    data.write_text(chain(links))
    code, err, _seconds = run_limited(
        ["--store", str(tmp_path / "store"), "load", "--no-bundled", str(data)], 120
    )
    assert code == 0, err


# Before the export rewrite a 1,000-link chain ran past 60 s and 10,000 links hit the memory limit.
@pytest.mark.parametrize(("links", "seconds"), [(1_000, 60), (10_000, 120)])
def test_exporting_a_blank_node_chain_is_bounded_or_a_clear_error(
    links: int, seconds: float, tmp_path: Path
) -> None:
    data = tmp_path / "chain.nt"
    data.write_text(chain(links))
    code, err, _took = run_limited(
        ["--data", str(data), "export", "--format", "nt", "-o", str(tmp_path / "out.nt")], seconds
    )
    assert code is not None, f"export of a {links}-link chain ran past {seconds} s"
    assert "Traceback" not in err and "MemoryError" not in err, err[-2000:]
    if code == 0:
        assert (tmp_path / "out.nt").read_text().count("\n") >= links
    else:
        assert code == 2 and err.count("\n") == 1 and err.startswith("Error: "), (code, err)
