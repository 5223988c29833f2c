"""Benchmark exports and named queries, and check their speed targets.

Measures, in this process:

- every export format (``qegraph.serialize``, which includes the parse-back check) on the
  bundled graph and on a synthetic graph of ``--triples`` triples shaped like it (concepts with
  labels in two languages, definitions, links, and one blank node per concept);
- every named query on the bundled graph, and one with ``reason=True`` (OWL RL closure).

Targets (checked; the script exits 1 when one is missed): every export of the bundled graph under
5 s, every named query under 2 s, every export of the synthetic graph under
``--export-budget`` seconds (default 60 s for 100k triples). Reproduce with::

    python scripts/bench_export.py --triples 100000
"""

from __future__ import annotations

import argparse
import sys
import time

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

import qegraph
from qegraph.exporting import EXPORT_FORMATS, csv_tables, serialize
from qegraph.namespaces import QE
from qegraph.sparql import named_queries, run_query


def synthetic(triples: int) -> Graph:
    """About ``triples`` triples: concepts with labels, definitions, links and a blank node."""
    graph = Graph()
    per_concept = 9
    count = max(1, triples // per_concept)
    for i in range(count):
        node = QE[f"concept-{i}"]
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, RDF.type, QE.Competency if i % 2 else QE.ExamOrientedTrait))
        graph.add((node, SKOS.prefLabel, Literal(f"concept {i}", lang="en")))
        graph.add((node, SKOS.prefLabel, Literal(f"概念{i}", lang="zh-Hans")))
        graph.add((node, SKOS.definition, Literal(f"The concept number {i}.", lang="en")))
        graph.add((node, SKOS.broader, QE[f"concept-{i // 10}"]))
        graph.add((node, SKOS.related, QE[f"concept-{(i * 7919) % count}"]))
        note = BNode()
        graph.add((node, URIRef(str(QE) + "note"), note))
        graph.add((note, SKOS.note, Literal(f"note {i}")))
    return graph


def timed(label: str, func, budget: float, misses: list[str]) -> None:
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    flag = "" if seconds <= budget else f"  MISSED (budget {budget:g} s)"
    if flag:
        misses.append(label)
    print(f"{label:<40} {seconds:8.2f} s{flag}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--export-budget", type=float, default=60.0)
    args = parser.parse_args()
    misses: list[str] = []

    bundled = qegraph.load()
    print(f"bundled graph: {len(bundled)} triples")
    for fmt in EXPORT_FORMATS:
        action = (
            (lambda: csv_tables(bundled)) if fmt == "csv" else (lambda f=fmt: serialize(bundled, f))
        )
        timed(f"export bundled {fmt}", action, 5.0, misses)
    for item in named_queries():
        timed(f"query {item.name}", lambda t=item.text: run_query(bundled, t), 2.0, misses)
    timed(
        "query CQ (first) with --reason",
        lambda: run_query(bundled, named_queries()[0].text, reason=True),
        10.0,
        misses,
    )

    big = synthetic(args.triples)
    print(f"synthetic graph: {len(big)} triples")
    for fmt in EXPORT_FORMATS:
        action = (lambda: csv_tables(big)) if fmt == "csv" else (lambda f=fmt: serialize(big, f))
        timed(f"export synthetic {fmt}", action, args.export_budget, misses)

    if misses:
        print(f"missed targets: {', '.join(misses)}")
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
