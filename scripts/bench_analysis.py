"""Benchmark ``qegraph analyze`` on a synthetic graph shaped like the bundled one.

The generator makes a scale-free concept graph (preferential attachment, as the real map has a few
hubs such as the two paradigms and many leaves): concepts typed like the bundled ones, a third on
the quality side and a sixth on the exam side, English and Chinese labels, relations drawn from the
qe properties, and ``qe:opposes`` claims with contrast axes where a relation crosses the sides.

It times each stage (loading the N-Triples file, the projection, the analysis with the automatic
engine) and, on a smaller graph, compares the igraph engine with exact networkx: the time of each
and how many of the exact top-10 concepts the sampled estimates find.

Usage::

    python scripts/bench_analysis.py                     # 500,000 relations
    python scripts/bench_analysis.py --edges 100000 --compare-edges 5000   # quicker
    python scripts/bench_analysis.py --write             # also writes docs/benchmarks-analysis.md
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

QE = "https://w3id.org/qegraph/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PROV = "http://www.w3.org/ns/prov#"

QUALITY_TYPES = ["Dimension", "Characteristic", "Practice"]
EXAM_TYPES = ["ExamOrientedTrait"]
NEUTRAL_TYPES = ["Competency", "Outcome", "TeachingMethod", "Goal", "LearnerCharacteristic", "Role"]
PREDICATES = [
    "develops",
    "requires",
    "involves",
    "includes",
    "emphasises",
    "produces",
    "usesMethod",
    "respects",
    "provides",
]
AXES = ["goal-axis", "scope-axis", "method-axis", "focus-axis", "outcome-axis", "concept-axis"]


def generate(path: Path, edges: int, nodes: int, seed: int) -> tuple[int, int]:
    """Write a synthetic graph as N-Triples; return (concepts, relations) written."""
    import igraph

    rng = random.Random(seed)
    per_node = max(1, round(edges / nodes))
    igraph.set_random_number_generator(random.Random(seed))
    shape = igraph.Graph.Barabasi(nodes, per_node, directed=False)
    igraph.set_random_number_generator(random)
    sides = []
    with path.open("w", encoding="utf-8") as out:
        w = out.write
        for i in range(nodes):
            draw = rng.random()
            side = "quality" if draw < 0.34 else "exam" if draw < 0.5 else "neutral"
            sides.append(side)
            kinds = {"quality": QUALITY_TYPES, "exam": EXAM_TYPES, "neutral": NEUTRAL_TYPES}
            node = f"<{QE}syn-{i}>"
            w(f"{node} <{RDF}type> <{SKOS}Concept> .\n")
            w(f"{node} <{RDF}type> <{QE}{rng.choice(kinds[side])}> .\n")
            w(f'{node} <{SKOS}prefLabel> "synthetic concept {i}"@en .\n')
            w(f'{node} <{SKOS}prefLabel> "合成概念 {i}"@zh-Hans .\n')
        written = 0
        for claim, (u, v) in enumerate(shape.get_edgelist()):
            if rng.random() < 0.5:
                u, v = v, u
            a, b = f"<{QE}syn-{u}>", f"<{QE}syn-{v}>"
            crossing = {sides[u], sides[v]} == {"quality", "exam"}
            if crossing and rng.random() < 0.5:
                w(f"{a} <{QE}opposes> {b} .\n")
                c = f"<{QE}syn-claim-{claim}>"
                w(f"{c} <{RDF}type> <{QE}Claim> .\n")
                w(f"{c} <{RDF}subject> {a} .\n{c} <{RDF}predicate> <{QE}opposes> .\n")
                w(f"{c} <{RDF}object> {b} .\n{c} <{QE}onAxis> <{QE}{rng.choice(AXES)}> .\n")
            else:
                w(f"{a} <{QE}{rng.choice(PREDICATES)}> {b} .\n")
            written += 1
    return nodes, written


def timed(label: str, results: list[tuple[str, float]], func, *args, **kwargs):
    start = time.perf_counter()
    value = func(*args, **kwargs)
    elapsed = time.perf_counter() - start
    results.append((label, elapsed))
    print(f"  {label:<52} {elapsed:8.2f} s", flush=True)
    return value


def top_overlap(exact: dict, estimate: dict, k: int = 10) -> int:
    def best(scores: dict) -> set:
        return set(sorted(scores, key=lambda n: (-scores[n], n))[:k])

    return len(best(exact) & best(estimate))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=500_000, help="relations in the big graph")
    parser.add_argument("--nodes", type=int, default=None, help="concepts (default edges / 5)")
    parser.add_argument("--compare-edges", type=int, default=10_000, help="size of the comparison")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks-analysis.md")
    args = parser.parse_args()

    from qegraph import load
    from qegraph.analysis import analyze
    from qegraph.projection import project
    from qegraph.scores import write_scores

    command = "python scripts/bench_analysis.py " + " ".join(sys.argv[1:])
    print(f"$ {command.strip()}")
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}")
    big: list[tuple[str, float]] = []
    small: list[tuple[str, float]] = []
    facts: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        nodes = args.nodes or args.edges // 5
        data = Path(tmp) / "synthetic.nt"
        print(f"\nLarge graph: {args.edges:,} relations among {nodes:,} concepts")
        timed("generate the N-Triples file", big, generate, data, args.edges, nodes, args.seed)
        graph = timed("load (qegraph.load: bundled ontology + file)", big, load, [data])
        facts["triples"] = len(graph)
        G = timed("project to a networkx MultiDiGraph", big, project, graph)
        facts["nodes"], facts["edges"] = G.number_of_nodes(), G.number_of_edges()
        report = timed("analyze (engine auto)", big, analyze, graph, G=G, seed=args.seed)
        facts["engine"] = report.engine
        facts["notes"] = "; ".join(report.notes)
        facts["communities"] = report.communities["count"]
        facts["modularity"] = report.communities["modularity"]
        timed("render the table report", big, report.render, "table")
        timed(
            "write the scores as Turtle (write_scores)",
            big,
            write_scores,
            report,
            Path(tmp) / "scores.ttl",
        )
        del graph, G, report

        cmp_nodes = max(10, args.compare_edges // 5)
        print(f"\nComparison graph: {args.compare_edges:,} relations among {cmp_nodes:,} concepts")
        small_data = Path(tmp) / "small.nt"
        generate(small_data, args.compare_edges, cmp_nodes, args.seed + 1)
        graph = load([small_data])
        G = project(graph)
        exact = timed(
            "analyze, engine networkx (exact)", small, analyze, graph, G=G, engine="networkx"
        )
        default = timed(
            "analyze, engine igraph (default sampling)", small, analyze, graph, G=G, engine="igraph"
        )
        sampled = timed(
            "analyze, engine igraph, 64 sampled sources",
            small,
            analyze,
            graph,
            G=G,
            engine="igraph",
            samples=64,
        )
        facts["default_notes"] = "; ".join(default.notes) or "exact"
        for name, other in (("default", default), ("sampled", sampled)):
            for measure in ("betweenness", "closeness", "pagerank"):
                facts[f"{name}_{measure}"] = top_overlap(
                    exact.scores[measure], other.scores[measure]
                )
        facts["modularity_nx"] = exact.communities["modularity"]
        facts["modularity_ig"] = default.communities["modularity"]

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory {peak_mb:,.0f} MB")
    print(f"engine used on the large graph: {facts['engine']} ({facts['notes']})")
    for name in ("default", "sampled"):
        print(
            f"igraph ({name}): of the exact networkx top-10 it finds betweenness "
            f"{facts[name + '_betweenness']}/10, closeness {facts[name + '_closeness']}/10, "
            f"PageRank {facts[name + '_pagerank']}/10"
        )
    print(f"modularity: networkx {facts['modularity_nx']:.3f}, igraph {facts['modularity_ig']:.3f}")
    if args.write:
        write_markdown(command.strip(), big, small, facts, args, peak_mb)
    return 0


def write_markdown(command, big, small, facts, args, peak_mb) -> None:
    from qegraph.atomic import atomic_write_text

    lines = [
        "# Analysis benchmark",
        "",
        "Measured with:",
        "",
        "```sh",
        command,
        "```",
        "",
        f"on Python {platform.python_version()}, {os.cpu_count()} cores ({platform.machine()}), "
        f"peak memory {peak_mb:,.0f} MB; load average at the end {os.getloadavg()[0]:.1f} "
        "(the machine is shared: timings under load are longer).",
        "",
        f"## Large graph: {args.edges:,} relations",
        "",
        f"{facts['triples']:,} triples; the projection has {facts['nodes']:,} nodes and "
        f"{facts['edges']:,} edges. Engine: **{facts['engine']}** ({facts['notes']}); "
        f"{facts['communities']:,} communities, modularity {facts['modularity']:.3f}.",
        "",
        "| stage | seconds |",
        "|---|---|",
        *(f"| {label} | {seconds:.2f} |" for label, seconds in big),
        "",
        f"## Comparison on {args.compare_edges:,} relations",
        "",
        "| stage | seconds |",
        "|---|---|",
        *(f"| {label} | {seconds:.2f} |" for label, seconds in small),
        "",
        "How many of the exact (networkx) top 10 the igraph engine finds:",
        "",
        "| igraph run | betweenness | closeness | PageRank |",
        "|---|---|---|---|",
        f"| default ({facts['default_notes']}) | {facts['default_betweenness']}/10 | "
        f"{facts['default_closeness']}/10 | {facts['default_pagerank']}/10 |",
        f"| 64 sampled sources | {facts['sampled_betweenness']}/10 | "
        f"{facts['sampled_closeness']}/10 | {facts['sampled_pagerank']}/10 |",
        "",
        f"Modularity: networkx Louvain {facts['modularity_nx']:.3f}, "
        f"igraph Leiden {facts['modularity_ig']:.3f}.",
        "",
    ]
    target = Path(__file__).resolve().parent.parent / "docs" / "benchmarks-analysis.md"
    target.parent.mkdir(exist_ok=True)
    atomic_write_text(target, "\n".join(lines))
    print(f"wrote {target}")


if __name__ == "__main__":
    sys.exit(main())
