"""Store writers at once, a read-only store, every loader path applying the same input checks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qegraph.backends import StoreBackend, store_lock
from qegraph.errors import BackendError

from .servers import oxigraph_server  # noqa: F401 - the fixture


def cli(*args: str, **kw) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "qegraph", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def graphs_in(store: Path) -> dict[str, int]:
    import pyoxigraph as ox

    found = ox.Store.read_only(str(store))
    return {
        g.value: sum(1 for _ in found.quads_for_pattern(None, None, None, g))
        for g in found.named_graphs()
    }


@pytest.mark.parametrize("writers", [2, 3])
def test_concurrent_loads_of_different_graphs_all_survive(tmp_path: Path, writers: int) -> None:
    store = tmp_path / "store"
    first = cli("--store", str(store), "load", "--no-bundled")
    assert first.wait(timeout=120) == 0, first.stderr.read()
    data = tmp_path / "one.nt"
    data.write_text("<urn:x:s> <urn:x:p> <urn:x:o> .\n<urn:x:s> <urn:x:p> <urn:x:o2> .\n")
    procs = [
        cli("--store", str(store), "--graph", f"urn:g:{i}", "load", str(data))
        for i in range(writers)
    ]
    results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in procs]
    assert all(code == 0 for code, _out, _err in results), results
    found = graphs_in(store)
    assert {f"urn:g:{i}" for i in range(writers)} <= set(found)
    assert all(found[f"urn:g:{i}"] > 3000 for i in range(writers))


def test_a_waiting_load_says_who_holds_the_lock_and_times_out_with_exit_5(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with store_lock(store):
        waiting = cli("--store", str(store), "load", "--no-bundled", "--lock-timeout", "1")
        code = waiting.wait(timeout=120)
        err = waiting.stderr.read()
    assert code == 5
    assert f"waiting for the lock held by pid {os.getpid()}" in err
    assert err.splitlines()[-1].startswith("Error: the store ") and "--lock-timeout" in err
    assert not store.exists()


def test_the_lock_is_released_when_its_holder_dies(tmp_path: Path) -> None:
    store = tmp_path / "store"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, pathlib; from qegraph.backends import store_lock\n"
            f"with store_lock(pathlib.Path({str(store)!r})):\n"
            "    print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(BackendError, match=f"pid {holder.pid}"), store_lock(store, timeout=0.2):
        pass
    holder.kill()
    holder.wait()
    start = time.monotonic()
    with store_lock(store, timeout=5):
        assert time.monotonic() - start < 5


@pytest.fixture()
def read_only_mount(tmp_path: Path):
    """A tmpfs holding a loaded store, remounted read-only (CI runs the tests as root)."""
    mount = tmp_path / "ro"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)])
    assert done.returncode == 0, "mounting a tmpfs needs root (CI runs the tests as root)"
    try:
        StoreBackend(mount / "store").load()
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_loading_a_read_only_store_is_one_line_with_exit_5(read_only_mount: Path) -> None:
    store = read_only_mount / "store"
    load = cli("--store", str(store), "--graph", "urn:g:new", "load")
    code = load.wait(timeout=120)
    err = load.stderr.read()
    assert code == 5, err
    assert err.count("\n") == 1 and err.startswith("Error: cannot write the store ")
    assert "read-only file system" in err
    query = cli("--store", str(store), "query", "ASK { ?s ?p ?o }", "--format", "json")
    assert query.wait(timeout=120) == 0
    assert query.stdout.read() == '{"head": {}, "boolean": true}\n'


# --- the same checks on every loader path -------------------------------------------------


def deep_turtle(depth: int) -> str:
    return "<urn:a> <urn:p> " + "[ <urn:q> " * depth + "<urn:r>" + " ]" * depth + " .\n"


def deep_jsonld(depth: int) -> str:
    return '{"@id": "urn:a", "urn:p": ' + '{"urn:q": ' * depth + '"x"' + "}" * depth + "}"


def deep_xml(depth: int) -> str:
    inner = '<rdf:Description rdf:about="urn:a"><q:p rdf:parseType="Resource">' * depth
    close = "</q:p></rdf:Description>" * depth
    return (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:q="urn:q#">'
        f"{inner}{close}</rdf:RDF>"
    )


HOSTILE_FILES = {
    "deep.ttl": (deep_turtle(100_000), "nesting too deep at"),
    "deep.trig": ("<urn:g> { " + deep_turtle(5_000) + " }", "nesting too deep at"),
    "deep.jsonld": (deep_jsonld(10_000), "nesting too deep at"),
    "deep.rdf": (deep_xml(2_000), "nesting too deep at"),
    "long-literal.ttl": (
        '<urn:a> <urn:p> "' + "x" * (17 * 1024 * 1024) + '" .\n',
        "over the parser limit of 16 MiB",
    ),
    "long-literal.nt": (
        '<urn:a> <urn:p> "' + "y" * (17 * 1024 * 1024) + '" .\n',
        "over the parser limit of 16 MiB",
    ),
}


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, (text, _why) in HOSTILE_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_every_loader_path_refuses_the_same_files_in_one_line(
    name: str,
    hostile_files: Path,
    tmp_path: Path,
    oxigraph_server,  # noqa: F811
) -> None:
    path = str(hostile_files / name)
    why = HOSTILE_FILES[name][1]
    store = tmp_path / "store"
    paths = {
        "--data": ["--data", path, "stats"],
        "--store load": ["--store", str(store), "load", path],
        "--endpoint load": [
            "--endpoint",
            oxigraph_server.query_url,
            "--graph",
            "urn:g:h",
            "load",
            path,
        ],
        "validate FILE": ["validate", path],
    }
    for label, args in paths.items():
        done = cli(*args)
        code = done.wait(timeout=300)
        err = done.stderr.read()
        assert code == 2, (label, err[-500:])
        assert err.count("\n") == 1 and err.startswith("Error: ") and why in err, (label, err)
        assert "Traceback" not in err
    assert not store.exists()


def test_the_store_fuzz_target_agrees_on_fixtures_and_structures() -> None:
    import importlib.util

    script = Path(__file__).parent.parent / "scripts" / "fuzz_load.py"
    spec = importlib.util.spec_from_file_location("fuzz_load", script)
    assert spec is not None and spec.loader is not None
    fuzz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz)
    fixtures = Path(__file__).parent / "fixtures"
    checked = 0
    for text in fuzz._structures().values():
        fuzz.check_one_input(text.encode("utf-8"), ".ttl", store=True)
        checked += 1
    for path in sorted(fixtures.glob("hostile-*"))[:12]:
        if path.suffix in (".ttl", ".nt", ".rdf", ".jsonld"):
            fuzz.check_one_input(path.read_bytes(), path.suffix, store=True)
            checked += 1
    assert checked >= 10
