"""Benchmark the embedded default (``qegraph --data FILE query``) and its parse cache.

For each size, on a synthetic Turtle graph shaped like the bundled one (``scripts/bench.py``
makes it), every step runs as its own process, ``--repeat`` times in turn, and the median is kept:

- ``pyoxigraph``: the peer: pyoxigraph used directly in one process (in-memory ``Store``,
  ``bulk_load`` of the file, the same query, every row read);
- ``cli --no-cache``: ``qegraph --no-cache --data FILE query --name X`` (parse, then answer);
- ``cli first``: the same command with an empty cache: it answers, then a detached process
  writes the cache entry (its time is reported apart, as "cache written after");
- ``cli cached``: the same command again, answered from the cache entry;
- ``store query``: ``qegraph --store DIR query --name X`` on a store loaded once: the peer of
  the cached command.

Targets (issue 16, at 1M triples): ``cli --no-cache`` at most 1.5x ``pyoxigraph``; ``cli
cached`` at most 1.2x ``store query``. Writes the ``embedded`` section of docs/benchmarks.md
with ``--write``. Reproduce with::

    python scripts/bench_embedded.py --sizes 100k,1M --repeat 3 --write
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import Step, generate, measured, parse_size, run

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
QEGRAPH = [shutil.which("qegraph") or "qegraph"]


def peer(data: Path, name: str, timeout: float) -> Step:
    """pyoxigraph alone: load the file into an in-memory store and answer the query."""
    code = f"""
import json, resource, time
import pyoxigraph as ox
from qegraph.namespaces import PREFIXES
from qegraph.sparql import named_query
text = named_query({name!r}).text
t = time.perf_counter(); s = ox.Store()
s.bulk_load(path={str(data)!r}, format=ox.RdfFormat.TURTLE)
load = time.perf_counter() - t
rows = list(s.query(text, prefixes=PREFIXES))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("BENCH " + json.dumps({{"load": load, "rows": len(rows), "peak_mb": peak}}))
"""
    return measured([sys.executable, "-c", code], timeout=timeout)


def cli(args: list[str], timeout: float, cache_home: Path) -> Step:
    return measured([*QEGRAPH, *args], timeout=timeout, env={"XDG_CACHE_HOME": str(cache_home)})


def wait_for_entry(cache_home: Path, timeout: float) -> float | None:
    """Seconds until the cache entry is complete (its writer's lock file is gone); None when
    no writer started (input under QEGRAPH_CACHE_MIN_BYTES) or it did not finish in time."""
    start = time.perf_counter()
    root = cache_home / "qegraph" / "stores"
    while time.perf_counter() - start < timeout:
        entries = [p for p in root.glob("*") if not p.name.startswith(".")] if root.is_dir() else []
        writing = list(root.glob(".*.writing")) if root.is_dir() else []
        if entries and not writing:
            return time.perf_counter() - start
        if not entries and not writing and time.perf_counter() - start > 3:
            return None
        time.sleep(0.1)
    return None


def median(steps: list[Step]) -> Step:
    ok = [s for s in steps if s.ok]
    if not ok:
        return steps[0]
    ordered = sorted(ok, key=lambda s: s.seconds)
    return ordered[len(ordered) // 2]


def bench_size(size: int, name: str, repeat: int, timeout: float, work: Path) -> dict:
    data = work / f"bench-{size}.ttl"
    triples = generate(data, size)
    store = work / f"store-{size}"
    shutil.rmtree(store, ignore_errors=True)
    load = run([*QEGRAPH, "--store", str(store), "load", str(data)], timeout=timeout)
    if not load.ok:
        raise SystemExit(f"store load failed: {load.note}")
    query = ["query", "--name", name, "--format", "csv"]
    steps: dict[str, list[Step]] = {k: [] for k in ("peer", "nocache", "first", "cached", "store")}
    written: list[float] = []
    for turn in range(repeat):
        cache_home = work / "cache"
        shutil.rmtree(cache_home, ignore_errors=True)
        steps["peer"].append(peer(data, name, timeout))
        steps["nocache"].append(
            cli(["--no-cache", "--data", str(data), *query], timeout, cache_home)
        )
        steps["first"].append(cli(["--data", str(data), *query], timeout, cache_home))
        after = wait_for_entry(cache_home, timeout)
        if after is not None:
            written.append(after)
        # The two compared commands take turns going first, so neither always finds the
        # other's files warm or the machine quieter.
        pair = {
            "cached": ["--data", str(data), *query],
            "store": ["--store", str(store), *query],
        }
        for key in ("cached", "store") if turn % 2 == 0 else ("store", "cached"):
            steps[key].append(cli(pair[key], timeout, cache_home))
    out = {key: median(value) for key, value in steps.items()}
    return {
        "size": size,
        "triples": triples,
        "steps": out,
        "pairs": {
            "nocache": _turn_ratios(steps["nocache"], steps["peer"]),
            "cached": _turn_ratios(steps["cached"], steps["store"]),
        },
        "written": statistics.median(written) if written else None,
    }


def _turn_ratios(ours: list[Step], peers: list[Step]) -> list[float]:
    """Each turn's ratio: the two ran one after the other, under the same load."""
    return [a.seconds / b.seconds for a, b in zip(ours, peers, strict=True) if a.ok and b.ok]


def _turns(ratios: list[float]) -> str:
    if not ratios:
        return "none"
    listed = ", ".join(f"{r:.2f}x" for r in ratios)
    return f"{listed} (median {statistics.median(ratios):.2f}x)"


def render(results: list[dict], name: str, repeat: int, command: str) -> str:
    lines = [
        "<!-- section:embedded -->",
        "## Embedded default: `qegraph --data FILE query` and the parse cache (issue 16)",
        "",
        "<!-- generated:embedded -->",
        f"Reproduce: `{command}`. Query `--name {name} --format csv`; each step is its own",
        f"process, run {repeat} times in turn, median kept. Machine: {platform.platform()},"
        f" {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end; the",
        "machine was shared with other jobs, so compare the ratios (measured in the same run),",
        "not the seconds.",
        "",
        "| triples | pyoxigraph load+query | cli --no-cache | ratio (target <= 1.5) "
        "| cli first (cache empty) | cache written after | store query | cli cached "
        "| ratio (target <= 1.2) | peak MB cli / peer |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        s = r["steps"]

        def t(step: Step) -> str:
            return f"{step.seconds:.2f} s" if step.ok else f"failed ({step.note})"

        ratio1 = s["nocache"].seconds / s["peer"].seconds
        ratio2 = s["cached"].seconds / s["store"].seconds
        written = f"{r['written']:.1f} s" if r["written"] is not None else "not written"
        lines.append(
            f"| {r['triples']:,} | {t(s['peer'])} | {t(s['nocache'])} | {ratio1:.2f}x "
            f"| {t(s['first'])} | {written} | {t(s['store'])} | {t(s['cached'])} "
            f"| {ratio2:.2f}x | {s['nocache'].peak_mb:.0f} / {s['peer'].peak_mb:.0f} |"
        )
    lines.append("")
    for r in results:
        lines.append(
            f"Each turn's ratio at {r['triples']:,} triples (the two ran one after the other): "
            f"`cli --no-cache` / pyoxigraph {_turns(r['pairs']['nocache'])}; `cli cached` / "
            f"store query {_turns(r['pairs']['cached'])}."
        )
    lines += [
        "",
        "- `cli --no-cache` parses the bundled ontology and the file into an in-memory Oxigraph",
        "  store (bulk loader, after the loader's checks) and answers there without rdflib.",
        "- `cli first` is the same command with the cache on: the answer is printed, then a",
        '  detached process writes the on-disk entry ("cache written after": how long after the',
        "  command ended the entry was complete; it competes for the CPU meanwhile).",
        "- `cli cached` finds the file's SHA-256 (noted by the first run under the file's inode,",
        "  size and times), opens the entry read-only and answers; its peer is the same query on",
        "  a `--store` loaded once; the two take turns going first.",
        "<!-- /generated:embedded -->",
        "<!-- /section:embedded -->",
    ]
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    """Replace (or append) the embedded section of docs/benchmarks.md, leaving the rest; in a
    section with a generated part, only that part is replaced and the notes written by hand
    after it are kept."""
    current = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
    generated = re.compile(
        r"<!-- generated:embedded -->.*?<!-- /generated:embedded -->\n", re.DOTALL
    )
    pattern = re.compile(r"<!-- section:embedded -->.*?<!-- /section:embedded -->\n?", re.DOTALL)
    fresh = generated.search(text)
    if fresh and generated.search(current):
        updated = generated.sub(lambda _m: fresh.group(0), current, count=1)
    elif pattern.search(current):
        updated = pattern.sub(lambda _m: text, current)
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    REPORT.write_text(updated, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k", help="comma-separated sizes (10k, 1M...)")
    parser.add_argument("--name", default="CQ-01", help="the named query to run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)
    command = "python scripts/bench_embedded.py " + " ".join(argv or sys.argv[1:])
    with tempfile.TemporaryDirectory(prefix="qegraph-bench-embedded-") as folder:
        results = [
            bench_size(parse_size(s), args.name, args.repeat, args.timeout, Path(folder))
            for s in args.sizes.split(",")
        ]
    text = render(results, args.name, args.repeat, command)
    print(text)
    if args.write:
        write_section(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
