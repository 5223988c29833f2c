"""Graph analysis: hand-computed centralities, communities, sides, contrast matrix, outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from qegraph import load
from qegraph.analysis import analyze, contrast_matrix
from qegraph.charts import plot_report
from qegraph.errors import ExportError, InputError
from qegraph.namespaces import QE
from qegraph.resources import ontology_dir
from qegraph.scores import ANALYSIS_GRAPH, scores_graph, write_scores

TINY = "https://example.org/tiny/"


def fixture_graph(fixtures, *names):
    files = [str(ontology_dir() / "schema.ttl"), *(str(fixtures / n) for n in names)]
    return load(files, bundled=False)


@pytest.fixture()
def tiny(fixtures):
    return fixture_graph(fixtures, "analysis-tiny.ttl")


@pytest.fixture()
def contrast(fixtures):
    return fixture_graph(fixtures, "analysis-tiny.ttl", "analysis-contrast.ttl")


# The tiny graph, read undirected:  a - hub - b,  hub - c - d,  e alone.  n = 6.
# degree centrality = deg / (n-1); betweenness is normalised by (n-1)(n-2)/2 = 10 pairs;
# closeness = (r/(n-1)) * (r / sum of distances), r = 4 other nodes reachable.
HAND = {
    "degree": {"hub": 3 / 5, "c": 2 / 5, "a": 1 / 5, "b": 1 / 5, "d": 1 / 5, "e": 0.0},
    # hub lies on a-b, a-c, a-d, b-c, b-d; c lies on hub-d, a-d, b-d.
    "betweenness": {"hub": 5 / 10, "c": 3 / 10, "a": 0.0, "b": 0.0, "d": 0.0, "e": 0.0},
    # distance sums: hub 1+1+1+2=5, c 1+1+2+2=6, a 1+2+2+3=8, d 1+2+3+3=9.
    "closeness": {
        "hub": 4 / 5 * 4 / 5,
        "c": 4 / 5 * 4 / 6,
        "a": 4 / 5 * 4 / 8,
        "b": 4 / 5 * 4 / 8,
        "d": 4 / 5 * 4 / 9,
        "e": 0.0,
    },
}


@pytest.mark.parametrize("measure", sorted(HAND))
@pytest.mark.parametrize("engine", ["networkx", "igraph"])
def test_centralities_of_the_tiny_graph_equal_hand_computed_values(tiny, measure, engine):
    scores = analyze(tiny, engine=engine).scores[measure]
    expected = {TINY + k: v for k, v in HAND[measure].items()}
    assert scores == pytest.approx(expected, abs=1e-12)


def test_rankings_order_concepts_by_score_with_labels(tiny):
    ranking = analyze(tiny, top=2).rankings["betweenness"]
    assert [(r["rank"], r["label"], r["label_zh"], r["score"]) for r in ranking] == [
        (1, "hub idea", "枢纽观念", pytest.approx(0.5)),
        (2, "careful practice", "细致实践", pytest.approx(0.3)),
    ]


def test_summary_counts_nodes_edges_components_and_isolated_nodes(tiny):
    s = analyze(tiny).summary
    assert (s["nodes"], s["edges"], s["linked_pairs"]) == (6, 4, 4)
    assert s["density"] == pytest.approx(4 / 15)
    assert (s["components"], s["largest_component"], s["isolated_nodes"]) == (2, 5, 1)
    assert s["isolated"] == ["lonely goal"]
    assert s["degree_distribution"] == {"0": 1, "1": 3, "2": 1, "3": 1}


def test_igraph_and_networkx_agree_on_pagerank_and_communities(contrast):
    nx_report = analyze(contrast, engine="networkx")
    ig_report = analyze(contrast, engine="igraph")
    assert ig_report.engine == "igraph" and nx_report.engine == "networkx"
    assert ig_report.scores["pagerank"] == pytest.approx(nx_report.scores["pagerank"], abs=1e-9)
    assert ig_report.communities["modularity"] == pytest.approx(nx_report.communities["modularity"])


def test_auto_engine_switches_to_igraph_above_the_threshold_and_says_so():
    from rdflib.namespace import RDF, SKOS

    from qegraph._igraph import IGRAPH_EDGES

    graph = Graph()
    n = 520
    node = [URIRef(f"https://example.org/big/{i}") for i in range(n)]
    for i in range(n):
        graph.add((node[i], RDF.type, SKOS.Concept))
        for step in (1, 2, 3, 5):  # 4 * 520 = 2,080 distinct pairs
            graph.add((node[i], SKOS.related, node[(i + step) % n]))
    report = analyze(graph, top=3)
    assert report.summary["linked_pairs"] == 4 * n > IGRAPH_EDGES
    assert report.engine == "igraph"
    assert report.render("table").splitlines()[2] == "Engine: igraph."
    exact = analyze(graph, top=3, engine="networkx")
    assert report.scores["closeness"] == pytest.approx(exact.scores["closeness"], abs=1e-12)
    assert report.scores["betweenness"] == pytest.approx(exact.scores["betweenness"], abs=1e-12)


def test_sampled_estimates_are_announced_in_the_report(contrast):
    report = analyze(contrast, engine="igraph", samples=3)
    assert report.notes == [
        "betweenness estimated from 3 sampled source nodes (seed 42)",
        "closeness estimated from distances to 3 sampled nodes (seed 42)",
    ]
    assert "Engine: igraph; betweenness estimated from 3 sampled" in report.render("table")


def test_communities_are_identical_across_runs(bundled_graph):
    first = analyze(bundled_graph, seed=7)
    second = analyze(bundled_graph, seed=7)
    assert first.membership == second.membership
    assert first.communities == second.communities


def test_viewer_communities_are_the_communities_of_the_report(bundled_graph):
    from qegraph.projection import communities, project

    assert (
        communities(project(bundled_graph), seed=42) == analyze(bundled_graph, seed=42).membership
    )


def test_communities_do_not_depend_on_the_order_triples_were_read(bundled_graph):
    from qegraph.projection import communities, project

    G = project(bundled_graph)
    shuffled = type(G)()
    shuffled.add_nodes_from(reversed(list(G.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(G.edges(keys=True, data=True))))
    assert communities(shuffled) == communities(G)


def test_communities_are_identical_across_processes_with_different_hash_seeds():
    code = (
        "import json, qegraph\n"
        "from qegraph.analysis import analyze\n"
        "print(json.dumps(analyze(qegraph.load()).membership, sort_keys=True))\n"
    )
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]
    assert len(set(outputs[0].values())) > 1


def test_side_statistics_count_nodes_and_edges_per_paradigm_side(contrast):
    sides = analyze(contrast).sides
    # quality: hub, a, b, c; exam: cram, drill; neutral: d, e.
    assert {s: v["nodes"] for s, v in sides.items()} == {"quality": 4, "exam": 2, "neutral": 2}
    # within quality: hub-a, hub-b, hub-c; across: cram-hub, c-drill, c-d, cram-d.
    assert sides["quality"]["edges_within"] == 3
    assert sides["quality"]["edges_across"] == 3
    assert sides["exam"]["edges_across"] == 3
    assert sides["exam"]["opposes_edges"] == 2


def test_contrast_matrix_puts_the_quality_element_first_and_groups_by_axis(contrast):
    matrix = contrast_matrix(contrast)
    assert [(a["label"], a["label_zh"]) for a in matrix] == [("goal", "目标"), ("method", "方法")]
    goal = matrix[0]["rows"]
    # The claim says "cramming opposes hub idea"; the matrix reads it quality side first.
    assert [(r["quality_label"], [e["label"] for e in r["exam"]]) for r in goal] == [
        ("hub idea", ["cramming"])
    ]
    assert matrix[1]["rows"][0]["exam"][0]["label_zh"] == "题海战术"


def test_opposition_without_a_claim_is_listed_without_an_axis(tiny):
    tiny.update(
        "PREFIX qe: <https://w3id.org/qegraph/> PREFIX ex: <https://example.org/tiny/> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "INSERT DATA { ex:x a skos:Concept, qe:ExamOrientedTrait ; skos:prefLabel 'x'@en ;"
        " qe:opposes ex:c . }"
    )
    matrix = contrast_matrix(tiny)
    assert [(a["axis"], a["label"]) for a in matrix] == [(None, "no axis given")]
    assert matrix[0]["rows"][0]["quality"] == TINY + "c"


def test_contrast_matrix_of_the_bundled_ontology_covers_goal_scope_and_method(bundled_graph):
    matrix = {a["curie"]: a for a in contrast_matrix(bundled_graph)}
    for axis in ("qe:goal-axis", "qe:scope-axis", "qe:method-axis"):
        assert matrix[axis]["rows"], axis
        for row in matrix[axis]["rows"]:
            assert row["quality_side"] == "quality"
            assert all(e["side"] == "exam" for e in row["exam"])


def test_json_rendering_is_the_report_as_data(contrast):
    report = analyze(contrast, top=3)
    assert json.loads(report.render("json")) == json.loads(json.dumps(report.to_dict()))


def test_markdown_rendering_has_tables_and_headings(contrast):
    text = analyze(contrast, top=3).render("markdown")
    assert text.startswith("# Graph analysis\n")
    assert "## Top 3 by PageRank" in text
    assert "| # | concept | 中文 | side | score |" in text
    assert "| hub idea (枢纽观念) | cramming (死记硬背) |" in text


def test_unknown_format_and_bad_top_are_input_errors(tiny):
    with pytest.raises(InputError, match="--top must be at least 1"):
        analyze(tiny, top=0)
    with pytest.raises(InputError, match="unknown format 'html'"):
        analyze(tiny).render("html")


def test_a_graph_without_concepts_gives_an_empty_report():
    report = analyze(Graph())
    assert report.summary["nodes"] == 0
    assert report.rankings["pagerank"] == []
    assert "No qe:opposes relations in the graph." in report.render("table")


def test_scores_written_as_rdf_can_be_queried_with_sparql(contrast):
    report = analyze(contrast)
    scores = scores_graph(report)
    rows = list(
        scores.query(
            "PREFIX qe: <https://w3id.org/qegraph/> "
            "SELECT ?c ?pr WHERE { ?c qe:pageRank ?pr ; qe:communityNumber 0 } ORDER BY DESC(?pr)"
        )
    )
    assert str(rows[0][0]) == TINY + "hub"
    assert float(rows[0][1]) == pytest.approx(report.scores["pagerank"][TINY + "hub"])


def test_scores_graph_declares_its_properties_in_both_languages(tiny):
    scores = scores_graph(analyze(tiny))
    for prop in (QE.pageRank, QE.betweennessCentrality, QE.communityNumber):
        langs = {label.language.lower() for label in scores.objects(prop, RDFS.label)}
        assert langs == {"en", "zh-hans"}, prop


@pytest.mark.parametrize("suffix", ["ttl", "nt", "jsonld", "rdf"])
def test_written_scores_are_the_triples_of_the_scores_graph(tmp_path, contrast, suffix):
    from rdflib.compare import isomorphic

    report = analyze(contrast)
    target = write_scores(report, tmp_path / f"scores.{suffix}")
    assert isomorphic(load([target], bundled=False), scores_graph(report))


def test_scores_merged_with_the_bundled_ontology_still_validate(tmp_path, bundled_graph):
    # Regression: a score property named qe:community clashed with the concept qe:community,
    # and OWL RL tools reject the xsd:double 0.0.
    from qegraph.validation import validate

    target = write_scores(analyze(bundled_graph), tmp_path / "scores.ttl")
    report = validate(load([target]))
    assert report.conforms, report.render("text")


def test_scores_written_as_trig_keep_the_analysis_graph_name(tmp_path, tiny):
    from qegraph import load_dataset

    target = write_scores(analyze(tiny), tmp_path / "scores.trig")
    dataset = load_dataset([target], bundled=False)
    named = dataset.graph(ANALYSIS_GRAPH)
    assert named.value(URIRef(TINY + "hub"), QE.communityNumber) is not None


def test_scores_to_an_unknown_suffix_are_an_input_error(tmp_path, tiny):
    with pytest.raises(InputError, match=r"unknown RDF file type \.csv"):
        write_scores(analyze(tiny), tmp_path / "scores.csv")


def test_plots_are_written_as_png_and_svg(tmp_path, contrast):
    written = plot_report(analyze(contrast, top=3), tmp_path / "charts")
    names = sorted(p.name for p in written)
    assert names == sorted(
        f"{chart}.{fmt}"
        for chart in ("degree-distribution", "top-centrality", "community-sizes")
        for fmt in ("png", "svg")
    )
    for path in written:
        data = path.read_bytes()
        if path.suffix == ".png":
            assert data.startswith(b"\x89PNG\r\n\x1a\n")
        else:
            assert ET.fromstring(data).tag == "{http://www.w3.org/2000/svg}svg"
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == names  # no temp files


def test_plot_into_a_file_is_an_export_error(tmp_path, tiny):
    target = tmp_path / "not-a-folder"
    target.write_text("x")
    with pytest.raises(ExportError, match="is a file, not a folder"):
        plot_report(analyze(tiny), target)


# ---- command line ----------------------------------------------------------------------------


def test_cli_analyze_prints_the_table_report(runner):
    from qegraph.cli import main

    result = runner.invoke(main, ["analyze", "--top", "3"])
    assert result.exit_code == 0, result.output
    assert "Top 3 by PageRank" in result.output
    assert "quality education" in result.output
    assert "Contrast matrix" in result.output


def test_cli_analyze_json_with_plot_and_rdf_outputs(runner, tmp_path, fixtures):
    from qegraph.cli import main

    args = ["--data", str(fixtures / "analysis-star.ttl"), "analyze", "--format", "json"]
    args += ["--plot", str(tmp_path / "plots"), "--rdf", str(tmp_path / "scores.ttl")]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["engine"] == "networkx"
    assert len(list((tmp_path / "plots").glob("*.svg"))) == 3
    scores = Graph().parse(tmp_path / "scores.ttl")
    assert scores.value(URIRef("https://example.org/star/centre"), QE.pageRank) is not None


def test_cli_analyze_bad_top_is_a_usage_error(runner):
    from qegraph.cli import main

    result = runner.invoke(main, ["analyze", "--top", "0"])
    assert result.exit_code == 2
    assert "--top" in result.output


# ---- the engine projection against the networkx projection --------------------------------------
#
# analyze() reads an Oxigraph-backed graph (--store, and the in-memory store `qegraph analyze`
# builds for --data) straight into integer edge lists; an rdflib graph goes through
# projection.project. Both must give the same report, byte for byte.


def synthetic_file(path, relations, seed=7):
    """A scale-free concept graph shaped like the bundled one (as scripts/bench_analysis.py
    makes it): typed concepts on the three sides, labels in both languages, qe relations, and
    qe:opposes claims on contrast axes where a relation crosses the quality and exam sides."""
    import random

    rng = random.Random(seed)
    qe, rdf, skos = str(QE), "http://www.w3.org/1999/02/22-rdf-syntax-ns#", SKOS_NS
    kinds = {"quality": "Practice", "exam": "ExamOrientedTrait", "neutral": "Competency"}
    nodes = max(10, relations // 5)
    sides = [rng.choice(["quality", "quality", "exam", "neutral", "neutral"]) for _ in range(nodes)]
    lines, ends = [], []
    for i, side in enumerate(sides):
        node = f"<{qe}syn-{i}>"
        lines += [
            f"{node} <{rdf}type> <{skos}Concept> .",
            f"{node} <{rdf}type> <{qe}{kinds[side]}> .",
            f'{node} <{skos}prefLabel> "synthetic concept {i % 97}"@en .',
            f'{node} <{skos}prefLabel> "合成概念 {i}"@zh-Hans .',
        ]
    for n in range(relations):
        u = rng.randrange(nodes)
        v = rng.choice(ends) if ends and rng.random() < 0.8 else rng.randrange(nodes)
        ends += [u, v]
        a, b = f"<{qe}syn-{u}>", f"<{qe}syn-{v}>"
        if {sides[u], sides[v]} == {"quality", "exam"} and rng.random() < 0.5:
            claim = f"<{qe}syn-claim-{n}>"
            axis = rng.choice(["goal", "scope", "method", "focus"])
            lines += [
                f"{a} <{qe}opposes> {b} .",
                f"{claim} <{rdf}type> <{qe}Claim> .",
                f"{claim} <{rdf}subject> {a} .",
                f"{claim} <{rdf}predicate> <{qe}opposes> .",
                f"{claim} <{rdf}object> {b} .",
                f"{claim} <{qe}onAxis> <{qe}{axis}-axis> .",
            ]
        else:
            lines.append(f"{a} <{qe}{rng.choice(['develops', 'requires', 'involves'])}> {b} .")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


SKOS_NS = "http://www.w3.org/2004/02/skos/core#"


def assert_same_report(old, new):
    for fmt in ("table", "markdown", "json"):
        assert new.render(fmt) == old.render(fmt), fmt
    assert new.scores == old.scores
    assert new.membership == old.membership


@pytest.mark.parametrize("engine", ["auto", "networkx", "igraph"])
def test_engine_projection_gives_the_same_report_on_the_bundled_graph(bundled_graph, engine):
    from qegraph.engine_projection import engine_graph, engine_store

    graph = engine_graph()
    assert engine_store(graph) is not None and engine_store(bundled_graph) is None
    assert_same_report(analyze(bundled_graph, engine=engine), analyze(graph, engine=engine))


@pytest.mark.parametrize(
    ("relations", "engine", "samples"),
    [(600, "networkx", None), (3000, "auto", None), (3000, "igraph", 40)],
)
def test_engine_projection_gives_the_same_report_on_a_synthetic_graph(
    tmp_path, relations, engine, samples
):
    from qegraph.engine_projection import engine_graph

    data = synthetic_file(tmp_path / "synthetic.nt", relations)
    old = analyze(load([data]), engine=engine, samples=samples)
    new = analyze(engine_graph([data]), engine=engine, samples=samples)
    assert new.engine == ("networkx" if engine == "networkx" else "igraph")
    assert new.contrast and new.summary["predicates"]["qe:opposes"] > 10
    assert_same_report(old, new)


@pytest.mark.parametrize(
    "names", [("analysis-tiny.ttl",), ("analysis-tiny.ttl", "analysis-contrast.ttl")]
)
def test_engine_projection_gives_the_same_report_on_the_fixtures(fixtures, names):
    from qegraph.engine_projection import engine_graph

    files = [str(ontology_dir() / "schema.ttl"), *(str(fixtures / n) for n in names)]
    old = analyze(load(files, bundled=False), top=3)
    assert_same_report(old, analyze(engine_graph(files, bundled=False), top=3))


def test_engine_core_is_the_networkx_projection_read_as_integer_pairs(tmp_path):
    from qegraph.analysis import _core_from_projection
    from qegraph.engine_projection import engine_core, engine_graph
    from qegraph.projection import project

    data = synthetic_file(tmp_path / "synthetic.nt", 800)
    G = project(load([data]))
    old = _core_from_projection(G)
    core = engine_core(engine_graph([data]))
    assert core.names == old.names
    assert core.edges == old.edges
    assert core.predicates == old.predicates
    assert sorted(core.opposes) == sorted(old.opposes)
    assert (core.relations, core.sides) == (old.relations, old.sides)
    assert core.nodes.fetched() == 0  # no label read until a report asks for one
    wanted = ("curie", "label_en", "label_zh", "side")
    some = core.names[:5]
    assert [{k: core.nodes[n][k] for k in wanted} for n in some] == [
        {k: G.nodes[n][k] for k in wanted} for n in some
    ]
    assert core.nodes.fetched() == 5
    core.nodes.prefetch(core.names)  # the bulk read gives what one lookup per node gives
    assert {n: {k: core.nodes[n][k] for k in wanted} for n in core.names} == {
        n: {k: G.nodes[n][k] for k in wanted} for n in core.names
    }


def test_engine_core_refuses_a_graph_rdflib_keeps(tiny):
    from qegraph.engine_projection import engine_core

    with pytest.raises(ValueError, match="Oxigraph"):
        engine_core(tiny)


def test_igraph_reports_are_identical_across_runs(tmp_path):
    # igraph's PageRank sums in several OpenMP threads; the analysis runs it on one, so the
    # JSON report (all digits of every score) is the same every time.
    from qegraph.engine_projection import engine_graph

    graph = engine_graph([synthetic_file(tmp_path / "synthetic.nt", 20_000)])
    first = analyze(graph, engine="igraph")
    for _ in range(3):
        assert analyze(graph, engine="igraph").render("json") == first.render("json")


def test_cli_analyze_from_a_store_equals_the_rdflib_report(runner, tmp_path):
    from qegraph.cli import main

    data = synthetic_file(tmp_path / "synthetic.nt", 3000)
    store = str(tmp_path / "store")
    assert runner.invoke(main, ["--store", store, "load", str(data)]).exit_code == 0
    expected = analyze(load([data])).render("json")
    for args in (["--store", store], ["--data", str(data)]):
        result = runner.invoke(main, [*args, "analyze", "--format", "json"])
        assert result.exit_code == 0, result.output
        assert result.stdout == expected, args


def test_cli_analyze_of_a_malformed_file_names_file_line_and_column(runner, tmp_path):
    from qegraph.cli import main

    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    result = runner.invoke(main, ["--data", str(bad), "analyze"])
    assert result.exit_code == 2
    assert f"{bad}:2:" in result.output
    assert "Traceback" not in result.output
