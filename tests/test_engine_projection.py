"""The shortcuts on the path `analyze` and `viz --top` share (issues 15 and 16): each must give
what the plain route gives.

- N-Triples that mention OWL terms take Oxigraph's bulk loader, and `owl:imports` written out or
  escaped there still takes the term-by-term route with its warning;
- betweenness computed in a forked child equals igraph's own in this process;
- `engine_core`'s types (read with the sides) are each concept's `rdf:type` IRIs;
- `engine_graph(warm=...)` imports the modules it is asked to and loads the same graph.
"""

from __future__ import annotations

import gc
import random
import sys
import threading
import warnings
from pathlib import Path

import igraph
import pytest
from rdflib import URIRef

from qegraph import load
from qegraph._igraph import APART_STEPS, betweenness_apart
from qegraph.engine_projection import engine_core, engine_graph, paused_gc
from qegraph.loading import QegraphWarning, _checked_bytes, engine_store

QE = "https://w3id.org/qegraph/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
OWL = "http://www.w3.org/2002/07/owl#"


def _nt(tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _concepts(n: int) -> list[str]:
    lines = []
    for i in range(n):
        node = f"<{QE}t-{i}>"
        lines.append(f"{node} <{RDF}type> <{SKOS}Concept> .")
        lines.append(f'{node} <{SKOS}prefLabel> "t {i}"@en .')
        if i:
            lines.append(f"{node} <{QE}requires> <{QE}t-{i - 1}> .")
    return lines


def test_ntriples_with_owl_terms_take_the_bulk_loader_and_load_the_same_triples(tmp_path):
    path = _nt(tmp_path, "owl.nt", [*_concepts(5), f"<{QE}t-0> <{RDF}type> <{OWL}Thing> ."])
    assert _checked_bytes(path, 1 << 20) is not None  # the bulk loader's route
    assert len(engine_store([path])) == len(load([path]))


@pytest.mark.parametrize(
    "spelled",
    [f"<{OWL}imports>", "<http://www.w3.org/2002/07/owl#\\u0069mports>"],
    ids=["in-full", "escaped"],
)
def test_ntriples_stating_owl_imports_still_warn(tmp_path, spelled):
    path = _nt(tmp_path, "imp.nt", [*_concepts(2), f"<{QE}x> {spelled} <https://example.org/o> ."])
    assert _checked_bytes(path, 1 << 20) is None  # term by term, noting the import
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        store = engine_store([path])
        loaded = load([path])
    messages = [str(w.message) for w in caught if issubclass(w.category, QegraphWarning)]
    assert any("owl:imports <https://example.org/o> was not fetched" in m for m in messages)
    assert len(store) == len(loaded)


def test_betweenness_in_a_forked_child_equals_igraphs_own():
    igraph.set_random_number_generator(random.Random(3))
    graph = igraph.Graph.Barabasi(3_000, 3, directed=False)
    igraph.set_random_number_generator(random)
    sources = sorted(random.Random(5).sample(range(graph.vcount()), 1_500))
    assert len(sources) * graph.ecount() >= APART_STEPS  # so it does fork
    expected = graph.betweenness(directed=False, sources=sources)
    assert betweenness_apart(graph, sources)() == expected
    assert betweenness_apart(graph, None)() == graph.betweenness(directed=False)


def test_paused_gc_restores_a_disabled_collector():
    gc.disable()
    try:
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ZeroDivisionError), paused_gc():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_engine_core_types_are_each_concepts_rdf_types():
    graph = engine_graph()
    core = engine_core(graph)
    assert core.types is not None and len(core.types) == len(core.names)
    for name, types in list(zip(core.names, core.types, strict=True))[::7]:
        expected = {str(o) for o in graph.objects(URIRef(name), URIRef(RDF + "type"))}
        assert types == frozenset(expected)
        assert SKOS + "Concept" in types


def test_engine_graph_warms_the_modules_it_is_asked_for(tmp_path, monkeypatch):
    path = _nt(tmp_path, "big.nt", _concepts(30_000))  # above the 4 MiB the warm-up needs
    assert path.stat().st_size >= 4 << 20
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    graph = engine_graph([path], warm=["colorsys", "no_such_module_qegraph"])
    # Joined before the graph is returned: what follows may fork (qegraph.apart).
    assert "qegraph-warm" not in {thread.name for thread in threading.enumerate()}
    assert "colorsys" in sys.modules  # imported by the thread; the missing one is ignored
    assert len(graph) == len(engine_graph([path]))


_INTERRUPTED_APART = """
import sys
import igraph
from qegraph._igraph import betweenness_apart
ig = igraph.Graph.Erdos_Renyi(n=20000, m=100000)
waiting = betweenness_apart(ig, None)
print("started", flush=True)
try:
    waiting()
except KeyboardInterrupt:
    sys.exit(130)
"""


def test_ctrl_c_during_forked_betweenness_leaves_no_traceback_and_no_child():
    import os
    import signal
    import subprocess

    process = subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTED_APART],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives a command
    )
    assert process.stdout.readline() == "started\n"
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True)
    assert children.stdout.split(), "betweenness was not computed in a child"
    os.killpg(process.pid, signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err == ""
    for pid in children.stdout.split():
        stat = Path(f"/proc/{pid}/stat")
        assert not stat.exists() or stat.read_text().split()[2] == "Z"  # gone, or reaped soon
