"""Does ``Store.optimize()`` after the store's bulk loads pay for itself? (issue 16)

Loads the bundled modules and a synthetic graph from ``scripts/bench.py`` into a fresh Oxigraph
store in separate bulk loads, as ``qegraph --store DIR load`` does, times the benchmark's query
set (median of 3), runs ``optimize()``, and times the query set again. Reproduce with::

    python scripts/bench_store_optimize.py --triples 1M
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import bench  # scripts/bench.py, next to this file
import pyoxigraph as ox

from qegraph.resources import module_files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", default="1M")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="qegraph-bench-optimize-"))
    try:
        data = work / "graph.ttl"
        triples = bench.generate(data, bench.parse_size(args.triples))
        store = ox.Store(str(work / "store"))
        for module in module_files():
            store.bulk_load(input=module.read_bytes(), format=ox.RdfFormat.TURTLE)
        store.bulk_load(path=str(data), format=ox.RdfFormat.TURTLE)

        def query_set() -> float:
            start = time.perf_counter()
            for text in bench.QUERIES.values():
                list(store.query(bench.SPARQL_PREFIXES + "\n" + text))
            return time.perf_counter() - start

        before = statistics.median(query_set() for _ in range(3))
        start = time.perf_counter()
        store.optimize()
        optimize = time.perf_counter() - start
        after = statistics.median(query_set() for _ in range(3))
        print(
            f"{triples} triples: query set {before:.2f} s before optimize(), {after:.2f} s after "
            f"({after / before:.2f}x); optimize() took {optimize:.2f} s"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
