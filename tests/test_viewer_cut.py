"""The viewer's cut made on the Oxigraph engine's integer edges keeps the same concepts and writes
the same page bytes as the cut made on the whole networkx projection (issue 15).

The old route loads the file with rdflib and projects every concept; the new route (``qegraph
viz`` without ``--store``) loads it into an in-memory Oxigraph store, ranks and cuts there and
projects only the concepts kept. A synthetic map of a few thousand concepts, with contrast pairs,
paradigms, dimensions and characteristics, is drawn both ways.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qegraph import load, viz
from qegraph.cli import main
from qegraph.engine_projection import engine_graph
from qegraph.projection import degree, pagerank, project
from qegraph.viewer import _cut_by_meaning, _engine_cut, _restrict, viewer_data

SIZE = 3000
TOP = 400
TYPES = ["Competency", "Practice", "TeachingMethod", "Outcome", "Dimension", "Characteristic"]
PREDICATES = ["qe:develops", "qe:requires", "qe:involves", "qe:includes", "skos:related"]


def synthetic_turtle(n: int = SIZE, seed: int = 11) -> str:
    """A concept map shaped like the bundled one: a preferential-attachment tree, random links,
    ``qe:opposes`` pairs and a few paradigms."""
    rng = random.Random(seed)
    lines = [
        "@prefix qe: <https://w3id.org/qegraph/> .",
        "@prefix ex: <https://example.org/cut/> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
    ]
    for i in range(n):
        kind = "Paradigm" if i < 3 else rng.choice(TYPES)
        lines.append(
            f'ex:c{i} a skos:Concept, qe:{kind} ; skos:prefLabel "concept {i}"@en, '
            f'"概念{i}"@zh-Hans ; skos:definition "Synthetic concept {i}."@en .'
        )
    targets = [0]
    for i in range(1, n):
        j = rng.choice(targets)
        lines.append(f"ex:c{i} {rng.choice(PREDICATES)} ex:c{j} .")
        targets += [i, j]
    for _ in range(n):
        a, b = rng.randrange(n), rng.randrange(n)
        lines.append(f"ex:c{a} {rng.choice(PREDICATES)} ex:c{b} .")
    for _ in range(n // 40):
        a, b = rng.randrange(n), rng.randrange(n)
        lines.append(f"ex:c{a} qe:opposes ex:c{b} .")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def data_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cut") / "map.ttl"
    path.write_text(synthetic_turtle(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def graphs(data_file):
    return load([data_file]), engine_graph([data_file])


@pytest.mark.parametrize("size_by", ["degree", "pagerank"])
def test_engine_cut_keeps_the_same_concepts_as_the_projection_cut(graphs, size_by):
    rdflib_graph, ox_graph = graphs
    G = project(rdflib_graph)
    old_scores = (
        pagerank(G) if size_by == "pagerank" else {k: float(v) for k, v in degree(G).items()}
    )
    old_keep = _cut_by_meaning(G, old_scores, TOP, None)
    fast = _engine_cut(ox_graph, TOP, size_by)
    assert fast is not None, "the Oxigraph-backed graph took the projection route"
    new_keep, new_scores, total = fast
    assert total == G.number_of_nodes() > TOP
    assert new_keep == old_keep
    assert len(new_keep) == TOP
    # igraph's PRPACK PageRank varies in the last bits from one call to the next.
    assert {n: new_scores[n] for n in new_keep} == pytest.approx(
        {n: old_scores[n] for n in old_keep}, rel=1e-9
    )


def test_projecting_only_the_kept_concepts_gives_the_restricted_projection(graphs):
    rdflib_graph, ox_graph = graphs
    keep = set(sorted(project(rdflib_graph).nodes)[::10])
    whole = _restrict(project(rdflib_graph), keep)
    # A class and an unknown IRI among the keys are not concepts: no nodes of the projection.
    extra = {"https://w3id.org/qegraph/Paradigm", "https://example.org/cut/nothing"}
    part = project(ox_graph, only=keep | extra)
    assert project(rdflib_graph, only=keep | extra).nodes(data=True) == whole.nodes(data=True)
    assert list(part.nodes(data=True)) == list(whole.nodes(data=True))
    assert list(part.edges(keys=True, data=True)) == list(whole.edges(keys=True, data=True))


def test_cut_page_is_the_same_bytes_by_either_route(graphs):
    rdflib_graph, ox_graph = graphs
    old = viz(rdflib_graph, top=TOP)
    new = viz(ox_graph, top=TOP)
    assert new.nodes == old.nodes == TOP
    assert new.cut == old.cut
    assert new.html == old.html
    # what the docs are told: the same concepts drawn and left out by either route
    assert new.drawn == old.drawn and len(new.drawn) == TOP
    assert new.left_out == old.left_out
    assert new.drawn | new.left_out == set(project(rdflib_graph).nodes)


def test_pagerank_cut_draws_the_same_concepts_by_either_route(graphs):
    rdflib_graph, ox_graph = graphs
    old = viewer_data(rdflib_graph, top=TOP, size_by="pagerank")
    new = viewer_data(ox_graph, top=TOP, size_by="pagerank")
    assert [n["curie"] for n in new["nodes"]] == [n["curie"] for n in old["nodes"]]
    assert new["edges"] == old["edges"]
    assert new["cut"] == old["cut"]


def test_cut_notice_says_what_was_cut(graphs):
    _rdflib_graph, ox_graph = graphs
    page = viz(ox_graph, top=TOP)
    total = project(ox_graph).number_of_nodes()
    assert page.cut == (
        f"showing {TOP:,} of {total:,} concepts: every contrast pair, the paradigms, "
        "dimensions and characteristics, then the most central"
    )
    assert f"显示 {total:,} 个概念中的 {TOP:,} 个" in page.html


def test_cut_page_bytes_do_not_depend_on_the_string_hash_seed(data_file):
    """A cut used to list its concepts in set order, which changed from one run to the next."""
    script = (
        "import hashlib, sys; from qegraph import load, viz; "
        f"print(hashlib.sha256(viz(load([sys.argv[1]]), top={TOP}).html.encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script, str(data_file)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1


def test_viz_command_draws_the_same_page_as_the_library(graphs, data_file, tmp_path):
    rdflib_graph, _ox_graph = graphs
    out = tmp_path / "page.html"
    result = CliRunner().invoke(
        main, ["--data", str(data_file), "viz", "--top", str(TOP), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"({TOP} concepts" in result.output
    assert out.read_text(encoding="utf-8") == viz(rdflib_graph, top=TOP).html
