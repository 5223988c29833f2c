"""Benchmark ``qegraph analyze`` against igraph used directly, on a synthetic graph.

The generator makes a scale-free concept graph shaped like the bundled one (preferential
attachment, as the real map has a few hubs such as the two paradigms and many leaves): concepts
typed like the bundled ones, a third on the quality side and a sixth on the exam side, English and
Chinese labels, relations drawn from the qe properties, and ``qe:opposes`` claims with contrast
axes where a relation crosses the sides.

In the same run it times, each in its own process as a user runs it:

* ``qegraph --data FILE analyze --format json`` (the whole command: start, load, projection,
  measures, contrast matrix, report);
* the peer: igraph used directly on the same N-Triples file (:func:`peer`: read it with
  pyoxigraph's parser, build the undirected graph of the concepts, compute the same measures with
  the same sampling: degree, betweenness, PageRank, closeness, components, Leiden and modularity);

then, in this process, the stages of each, and of the previous route (rdflib graph, networkx
projection, analysis) for reference. On a smaller graph it compares the igraph engine with exact
networkx: the time of each and how many of the exact top-10 concepts the sampled estimates find.

Usage::

    python scripts/bench_analysis.py                     # 500,000 relations
    python scripts/bench_analysis.py --edges 100000 --compare-edges 5000   # quicker
    python scripts/bench_analysis.py --edges 100000,500000 --write    # as in docs/benchmarks.md
    python scripts/bench_analysis.py --write    # also writes section analysis of docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
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
    print(f"  {label:<58} {elapsed:8.2f} s", flush=True)
    return value


def run_process(label: str, argv: list[str]) -> tuple[str, float, float, float]:
    """Run ``argv`` to the end; (label, wall-clock seconds, peak memory in MB, CPU seconds)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{label} failed ({proc.returncode}): {err.strip()[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    print(f"  {label:<46} {elapsed:8.2f} s {cpu:8.2f} s CPU {usage.ru_maxrss / 1024:7.0f} MB")
    return label, elapsed, usage.ru_maxrss / 1024, cpu


# ---- the peer: igraph used directly -------------------------------------------------------------


def peer(path: Path, seed: int, stages: list[tuple[str, float]] | None = None) -> dict:
    """igraph used directly on the N-Triples file: the measures ``qegraph analyze`` reports.

    Read with pyoxigraph's parser; the nodes are the ``skos:Concept`` IRIs except contrast axes,
    the edges the triples between two of them read undirected, once per pair, without loops.
    Betweenness and closeness are sampled as qegraph samples them (same budget, same sources).
    """
    import igraph
    import numpy as np
    import pyoxigraph as ox

    stages = [] if stages is None else stages
    tick = time.perf_counter()

    def stage(label: str) -> None:
        nonlocal tick
        now = time.perf_counter()
        stages.append((label, now - tick))
        tick = now

    rdf_type = RDF + "type"
    concepts: set[str] = set()
    axes: set[str] = set()
    links: list[tuple[str, str]] = []
    named = ox.NamedNode
    for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
        o = t.object
        if type(o) is not named:
            continue
        p = t.predicate.value
        if p == rdf_type:
            if o.value == SKOS + "Concept":
                concepts.add(t.subject.value)
            elif o.value == QE + "ContrastAxis":
                axes.add(t.subject.value)
        else:
            links.append((t.subject.value, o.value))
    stage("read the file (pyoxigraph parser)")
    names = sorted(concepts - axes)
    index = {name: i for i, name in enumerate(names)}
    pairs = set()
    for s, o in links:
        i, j = index.get(s), index.get(o)
        if i is not None and j is not None and i != j:
            pairs.add((i, j) if i < j else (j, i))
    n, m = len(names), len(pairs)
    g = igraph.Graph(n=n, edges=sorted(pairs), directed=False)
    stage("build the igraph graph")

    budget = 16_000_000  # qegraph.analysis.SAMPLING_BUDGET
    k = n if n * max(m, 1) <= budget else min(n, max(50, budget // max(m, 1)))
    sources = sorted(random.Random(seed).sample(range(n), k))
    degree = np.array(g.degree()) / (n - 1)
    between = np.array(g.betweenness(directed=False, sources=sources)) * (n / k)
    between /= (n - 1) * (n - 2) / 2
    pagerank = g.pagerank(directed=False)
    comp = g.connected_components()
    size = np.zeros(n)
    for members in comp:
        size[members] = len(members)
    dist_sum, dist_cnt = np.zeros(n), np.zeros(n)
    for start in range(0, k, 32):
        rows = np.array(g.distances(source=sources[start : start + 32]), dtype=float)
        reached = np.isfinite(rows) & (rows > 0)
        dist_sum += np.where(reached, rows, 0.0).sum(axis=0)
        dist_cnt += reached.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        closeness = np.where(dist_cnt > 0, (size - 1) / (n - 1) * dist_cnt / dist_sum, 0.0)
    igraph.set_random_number_generator(random.Random(seed))
    leiden = g.community_leiden(objective_function="modularity", n_iterations=2)
    igraph.set_random_number_generator(random)
    modularity = g.modularity(leiden.membership)
    stage("compute the measures")
    top = {
        "degree": int(np.argmax(degree)),
        "betweenness": int(np.argmax(between)),
        "pagerank": int(np.argmax(pagerank)),
        "closeness": int(np.argmax(closeness)),
    }
    return {
        "nodes": n,
        "pairs": m,
        "communities": len(set(leiden.membership)),
        "modularity": modularity,
        "top": {measure: names[v] for measure, v in top.items()},
    }


def qegraph_stages(path: Path, seed: int, stages: list[tuple[str, float]]):
    """``qegraph analyze``'s route, stage by stage (as the command runs it)."""
    from qegraph.analysis import analyze
    from qegraph.engine_projection import engine_core, engine_graph

    graph = timed(
        "load into an in-memory Oxigraph store (engine_graph)", stages, engine_graph, [path]
    )
    timed("  of which: projection to integer pairs (engine_core)", [], engine_core, graph)
    report = timed(
        "analyze (engine auto; includes the projection)", stages, analyze, graph, seed=seed
    )
    timed("render the JSON report", stages, report.render, "json")
    return report


def previous_stages(path: Path, seed: int, stages: list[tuple[str, float]]):
    """The route before: rdflib graph, networkx projection, analysis."""
    from qegraph import load
    from qegraph.analysis import analyze
    from qegraph.projection import project

    graph = timed("load into rdflib (qegraph.load)", stages, load, [path])
    G = timed("project to a networkx MultiDiGraph", stages, project, graph)
    report = timed("analyze the projection", stages, analyze, graph, G=G, seed=seed)
    timed("render the JSON report", stages, report.render, "json")
    return report


def top_overlap(exact: dict, estimate: dict, k: int = 10) -> int:
    def best(scores: dict) -> set:
        return set(sorted(scores, key=lambda n: (-scores[n], n))[:k])

    return len(best(exact) & best(estimate))


def measure(tmp: Path, edges: int, nodes: int, args) -> dict:
    """Every timing of one large graph: the two commands, their stages, the previous route."""
    run: dict = {"edges": edges, "ours": [], "theirs": [], "before": []}
    facts: dict = {"load_start": os.getloadavg()[0]}
    run["facts"] = facts
    data = tmp / f"synthetic-{edges}.nt"
    print(f"\nLarge graph: {edges:,} relations among {nodes:,} concepts")
    generate(data, edges, nodes, args.seed)
    facts["bytes"] = data.stat().st_size

    print("\nCommands (each in its own process):")
    seed = ["--seed", str(args.seed)]
    qegraph_bin = str(Path(sys.executable).with_name("qegraph"))
    run["commands"] = [
        run_process(
            "qegraph --data FILE analyze --format json",
            [qegraph_bin, "--data", str(data), "analyze", "--format", "json", *seed],
        ),
        run_process(
            "igraph used directly (peer)", [sys.executable, __file__, "--peer", str(data), *seed]
        ),
    ]
    print("\nStages of qegraph analyze (in this process):")
    report = qegraph_stages(data, args.seed, run["ours"])
    facts["engine"] = report.engine
    facts["notes"] = "; ".join(report.notes)
    facts["nodes"] = report.summary["nodes"]
    facts["relations"] = report.summary["edges"]
    facts["pairs"] = report.summary["linked_pairs"]
    facts["communities"] = report.communities["count"]
    facts["modularity"] = report.communities["modularity"]
    ours_top = {m: report.rankings[m][0]["node"] for m in report.rankings}
    del report
    print("\nStages of the peer (in this process):")
    found = peer(data, args.seed, run["theirs"])
    for label, seconds in run["theirs"]:
        print(f"  {label:<58} {seconds:8.2f} s")
    facts["peer_communities"] = found["communities"]
    facts["peer_modularity"] = found["modularity"]
    facts["same_top"] = sum(found["top"][m] == ours_top[m] for m in ours_top)
    if not args.skip_previous:
        print("\nStages of the previous route (rdflib, networkx projection):")
        previous_stages(data, args.seed, run["before"])
    facts["load_end"] = os.getloadavg()[0]
    data.unlink()
    (_, ours_s, _, ours_cpu), (_, peer_s, _, peer_cpu) = run["commands"]
    print(
        f"\nqegraph analyze takes {ours_s / peer_s:.2f}x the time of igraph used directly", end=""
    )
    print(f" ({ours_cpu / peer_cpu:.2f}x its CPU time)")
    print(f"(both agree on the top concept of {facts['same_top']}/4 measures)")
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--edges", default="500000", help="relations in the big graph(s), comma-separated"
    )
    parser.add_argument("--nodes", type=int, default=None, help="concepts (default edges / 5)")
    parser.add_argument(
        "--compare-edges", type=int, default=10_000, help="size of the engine comparison (0: skip)"
    )
    parser.add_argument("--skip-previous", action="store_true", help="skip the rdflib route")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--write", action="store_true", help="write into docs/benchmarks.md")
    parser.add_argument("--peer", type=Path, help=argparse.SUPPRESS)  # run the peer on this file
    args = parser.parse_args()
    if args.peer is not None:
        peer(args.peer, args.seed)
        return 0

    command = "python scripts/bench_analysis.py " + " ".join(sys.argv[1:])
    print(f"$ {command.strip()}")
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}")
    sizes = [int(size.replace("_", "")) for size in args.edges.split(",")]
    small: list[tuple[str, float]] = []
    facts: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        runs = [measure(Path(tmp), e, args.nodes or e // 5, args) for e in sizes]
        if args.compare_edges:
            compare(Path(tmp), args, small, facts)
    if args.write:
        write_markdown(command.strip(), runs, small, facts, args)
    return 0


def compare(tmp: Path, args, small: list[tuple[str, float]], facts: dict) -> None:
    """Exact networkx against the igraph engine on a smaller graph."""
    from qegraph.analysis import analyze
    from qegraph.engine_projection import engine_graph

    cmp_nodes = max(10, args.compare_edges // 5)
    print(f"\nComparison graph: {args.compare_edges:,} relations among {cmp_nodes:,} concepts")
    small_data = tmp / "small.nt"
    generate(small_data, args.compare_edges, cmp_nodes, args.seed + 1)
    graph = engine_graph([small_data])
    exact = timed("analyze, engine networkx (exact)", small, analyze, graph, engine="networkx")
    default = timed(
        "analyze, engine igraph (default sampling)", small, analyze, graph, engine="igraph"
    )
    sampled = timed(
        "analyze, engine igraph, 64 sampled sources",
        small,
        analyze,
        graph,
        engine="igraph",
        samples=64,
    )
    facts["default_notes"] = "; ".join(default.notes) or "exact"
    for name, other in (("default", default), ("sampled", sampled)):
        for measure in ("betweenness", "closeness", "pagerank"):
            facts[f"{name}_{measure}"] = top_overlap(exact.scores[measure], other.scores[measure])
    facts["modularity_nx"] = exact.communities["modularity"]
    facts["modularity_ig"] = default.communities["modularity"]


def write_markdown(command, runs, small, facts, args) -> None:
    import re

    from qegraph.atomic import atomic_write_text

    def rows(stages):
        return [f"| {label} | {seconds:.2f} |" for label, seconds in stages]

    lines = [
        "<!-- section:analysis -->",
        "<!-- Written by scripts/bench_analysis.py --write; edit the script, not this section. -->",
        "## Analysis: `qegraph analyze` against igraph used directly",
        "",
        "Measured with:",
        "",
        "```sh",
        command,
        "```",
        "",
        f"on Python {platform.python_version()}, {os.cpu_count()} cores ({platform.machine()}), "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. The machine was shared with other "
        "jobs (the load averages below): compare the ratios, measured in the same run, rather "
        "than the seconds; CPU time is less disturbed by the other jobs than the wall clock.",
        "",
        "The peer is igraph used directly on the same N-Triples file (`bench_analysis.py --peer "
        "FILE`): read with pyoxigraph's parser, the undirected graph of the concepts built, the "
        "same measures computed with the same sampling. `qegraph analyze` also checks the file "
        "as `qegraph load` does, loads the bundled ontology, reads the labels and sides, builds "
        "the contrast matrix and writes the report. Where it can, `qegraph analyze` uses a "
        "second core: igraph is imported in a thread while Oxigraph loads the file, and "
        "betweenness runs in a forked child while the parent computes the other measures and "
        "the contrast matrix (the child's CPU time is in the CPU column); the peer runs on one "
        "core. On a busy machine the second core is shared too, so the wall-clock gain shrinks.",
    ]
    for run in runs:
        f = run["facts"]
        (_, ours_s, ours_mb, ours_cpu), (_, peer_s, peer_mb, peer_cpu) = run["commands"]
        lines += [
            "",
            f"### {run['edges']:,} relations ({f['bytes'] / 1e6:.0f} MB of N-Triples)",
            "",
            f"{f['nodes']:,} concepts, {f['relations']:,} relations between them, {f['pairs']:,} "
            f"linked pairs. Engine: **{f['engine']}** ({f['notes'] or 'exact'}); "
            f"{f['communities']:,} communities, modularity {f['modularity']:.3f} (the peer: "
            f"{f['peer_communities']:,}, {f['peer_modularity']:.3f}); both name the same top "
            f"concept for {f['same_top']} of the 4 centralities. Load average "
            f"{f['load_start']:.1f} at the start, {f['load_end']:.1f} at the end.",
            "",
            "| command (own process) | wall clock | CPU time | peak memory |",
            "|---|---|---|---|",
            f"| `qegraph --data FILE analyze --format json` | {ours_s:.2f} s | {ours_cpu:.2f} s | "
            f"{ours_mb:,.0f} MB |",
            f"| igraph used directly | {peer_s:.2f} s | {peer_cpu:.2f} s | {peer_mb:,.0f} MB |",
            "",
            f"**`qegraph analyze` takes {ours_s / peer_s:.2f}x the wall-clock time of igraph used "
            f"directly and {ours_cpu / peer_cpu:.2f}x its CPU time** (target: at most 1.5x).",
            "",
            "| stage, in one process | seconds |",
            "|---|---|",
            *(f"| qegraph: {label} | {seconds:.2f} |" for label, seconds in run["ours"]),
            *(f"| peer: {label} | {seconds:.2f} |" for label, seconds in run["theirs"]),
            *(f"| previous route: {label} | {seconds:.2f} |" for label, seconds in run["before"]),
        ]
    if small:
        lines += [
            "",
            f"### Engines compared on {args.compare_edges:,} relations",
            "",
            "| stage | seconds |",
            "|---|---|",
            *rows(small),
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
        ]
    lines += ["<!-- /section:analysis -->", ""]
    section = "\n".join(lines)
    target = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
    text = target.read_text(encoding="utf-8")
    pattern = re.compile(r"<!-- section:analysis -->.*?<!-- /section:analysis -->\n", re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    atomic_write_text(target, text)
    print(f"wrote section analysis of {target}")


if __name__ == "__main__":
    sys.exit(main())
