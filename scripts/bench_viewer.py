"""How long the viewer takes to build and to open, on synthetic concept maps of growing size.

Run: python scripts/bench_viewer.py [--sizes 100,500,1000,2000] [--browser]

Each graph has N skos:Concepts with English and Chinese labels, a definition, a type, and about
2.3 relations per concept (a preferential-attachment tree plus random links, fixed seed), so it is
shaped like the bundled map. Prints the time of ``qegraph.viz`` (projection, layout, page), the
page size and, with --browser, the time until headless Chromium has drawn the page.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, SKOS

from qegraph import load, viz
from qegraph.resources import ontology_dir

QE = Namespace("https://w3id.org/qegraph/")
EX = Namespace("https://example.org/bench/")
TYPES = [QE.Competency, QE.Practice, QE.TeachingMethod, QE.Outcome, QE.Dimension, QE.Goal]
PREDICATES = [QE.develops, QE.requires, QE.involves, QE.includes, QE.emphasises, SKOS.related]


def synthetic(n: int, seed: int = 7) -> Graph:
    rng = random.Random(seed)
    graph = load([ontology_dir() / "schema.ttl"], bundled=False)
    nodes = [EX[f"c{i}"] for i in range(n)]
    for i, node in enumerate(nodes):
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, RDF.type, rng.choice(TYPES)))
        graph.add((node, SKOS.prefLabel, Literal(f"concept {i}", lang="en")))
        graph.add((node, SKOS.prefLabel, Literal(f"概念{i}", lang="zh-Hans")))
        graph.add((node, SKOS.definition, Literal(f"Synthetic concept number {i}.", lang="en")))
    targets: list[int] = [0]
    for i in range(1, n):
        j = rng.choice(targets)
        graph.add((nodes[i], rng.choice(PREDICATES), nodes[j]))
        targets += [i, j]
    for _ in range(int(n * 1.3)):
        a, b = rng.randrange(n), rng.randrange(n)
        if a != b:
            graph.add((nodes[a], rng.choice(PREDICATES), nodes[b]))
    return graph


def browser_time(path: Path) -> float:
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page(viewport={"width": 1400, "height": 860})
        start = time.perf_counter()
        page.goto(path.resolve().as_uri())
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)
        elapsed = time.perf_counter() - start
        browser.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500,1000,2000")
    parser.add_argument("--browser", action="store_true", help="also time Chromium drawing it")
    args = parser.parse_args()
    print(
        f"command: python scripts/bench_viewer.py --sizes {args.sizes}"
        + (" --browser" if args.browser else "")
    )
    print(f"{'concepts':>8} {'edges':>7} {'viz (s)':>8} {'page':>9} {'draw (s)':>9}")
    folder = Path(tempfile.mkdtemp())
    for n in (int(s) for s in args.sizes.split(",")):
        graph = synthetic(n)
        start = time.perf_counter()
        page = viz(graph)
        elapsed = time.perf_counter() - start
        path = page.write(folder / f"bench-{n}.html")
        draw = f"{browser_time(path):9.2f}" if args.browser else f"{'-':>9}"
        size = f"{len(page.html.encode()) / 1024 / 1024:.1f} MB"
        print(f"{page.nodes:>8} {page.edges:>7} {elapsed:8.2f} {size:>9} {draw}")


if __name__ == "__main__":
    main()
