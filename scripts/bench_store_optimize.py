"""Does merging a store's files (``Store.optimize()``) at the end of a load pay? (issue 16)

For each size, in turns: a fresh store is loaded as ``qegraph --store DIR load FILE`` loads it,
once without the merge and once with it (``qegraph.storeload.OPTIMIZE_FROM`` set out of reach or
to 0), and the query set of ``scripts/bench.py`` then runs as one ``qegraph --store DIR query``
command, in a new process that opens the store read-only, as a user's would; pyoxigraph used
directly (``bulk_load`` then the queries in the same process) runs in the same turn. The load
now merges from ``OPTIMIZE_FROM`` triples on; this script is how that number was chosen.
Reproduce with::

    python scripts/bench_store_optimize.py --sizes 1M,2M,5M --repeat 2
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench  # scripts/bench.py, next to this file


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def _turn(data: Path, work: Path, query_files: list[str]) -> dict[str, float]:
    """Seconds of each step of one turn: qegraph without and with the merge, and the peer."""
    found: dict[str, float] = {}
    for merge in (False, True):
        store, answers = work / "store", work / "answers"
        shutil.rmtree(store, ignore_errors=True)
        shutil.rmtree(answers, ignore_errors=True)
        load = (
            "from qegraph import storeload\n"
            f"storeload.OPTIMIZE_FROM = {0 if merge else 10**15}\n"
            f"storeload.load_store({str(store)!r}, [{str(data)!r}])\n"
        )
        side = "merged" if merge else "as loaded"
        found[f"load, {side}"] = _timed([sys.executable, "-c", load])
        query = [*bench.qegraph("--store", str(store), "query"), *query_files]
        found[f"queries, {side}"] = _timed(
            [*query, "--format", "csv", "--timeout", "3600", "--output-dir", str(answers)]
        )
    peer = work / "peer"
    shutil.rmtree(peer, ignore_errors=True)
    texts = [bench.SPARQL_PREFIXES + "\n" + text for text in bench.QUERIES.values()]
    found["pyoxigraph"] = _timed(
        [
            sys.executable,
            "-c",
            "import pyoxigraph as ox\n"
            f"store = ox.Store({str(peer)!r})\n"
            f"store.bulk_load(path={str(data)!r}, format=ox.RdfFormat.TURTLE)\n"
            f"for text in {texts!r}:\n"
            "    list(store.query(text))\n",
        ]
    )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1M,5M")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    bench.compile_qegraph()
    print(
        "| triples | load | load + merge | queries | queries after merge | total | total "
        "with merge | pyoxigraph | ratio | ratio with merge |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes.split(","):
        work = Path(tempfile.mkdtemp(prefix="qegraph-bench-optimize-"))
        try:
            data = work / "graph.ttl"
            triples = bench.generate(data, bench.parse_size(size))
            query_files = []
            for name, text in bench.QUERIES.items():
                (work / f"{name}.rq").write_text(text, encoding="utf-8")
                query_files += ["-f", str(work / f"{name}.rq")]
            turns = [_turn(data, work, query_files) for _ in range(args.repeat)]
            m = {key: statistics.median(t[key] for t in turns) for key in turns[0]}
            plain = m["load, as loaded"] + m["queries, as loaded"]
            merged = m["load, merged"] + m["queries, merged"]
            print(
                f"| {triples} | {m['load, as loaded']:.2f} s | {m['load, merged']:.2f} s | "
                f"{m['queries, as loaded']:.2f} s | {m['queries, merged']:.2f} s | {plain:.2f} s | "
                f"{merged:.2f} s | {m['pyoxigraph']:.2f} s | {plain / m['pyoxigraph']:.2f}x | "
                f"{merged / m['pyoxigraph']:.2f}x |",
                flush=True,
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
