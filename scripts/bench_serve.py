"""Measure ``qegraph serve`` against the Oxigraph server on the same data, in one run.

Usage: ``python scripts/bench_serve.py [--seconds 10] [--clients 8] [--burst-clients 50]
[--burst-queries 20]``. Both servers serve the bundled ontology (one named graph per module,
default graph = their union: ``oxigraph serve-read-only --union-default-graph``) on loopback
ports. Prints a Markdown table; docs/benchmarks.md has a run. Targets (issue 13): 8 clients for
10 s of a simple SELECT at >= 0.25x the Oxigraph server's queries per second; 50 clients x 20
queries all correct in <= 3x its total time; a cartesian product stopped at the time limit while
other clients keep p95 < 200 ms; memory of qegraph serve idle and under load.

``--store-triples 1M`` measures the ``--store`` path instead: ``qegraph --store S load`` of the
synthetic graph of ``scripts/bench.py`` (its generator, same seed), then ``qegraph --store S
serve`` and ``oxigraph serve-read-only --location S`` on that same store folder, and the six
queries of ``scripts/bench.py`` through HTTP, one client, the two servers taking turns: the p50
of ``--repeat`` runs of each query on each server, after one warm-up run per worker (each
worker process has its own Oxigraph caches; the Oxigraph server gets as many), and a check that
both give the same rows.

Each query opens a new connection (as many SPARQL clients do). The client is Python threads on
the same machine, so both servers are measured through the same client; read ratios, not
absolute numbers, on a shared machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

SIMPLE = (
    "SELECT ?c ?label WHERE { ?c a <http://www.w3.org/2004/02/skos/core#Concept> ; "
    "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label } LIMIT 10"
)
ONE = "SELECT ?label WHERE {{ <{}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }}"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ACCEPT = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ask(port: int, path: str, query: str, timeout: float = 60) -> tuple[int, bytes, float]:
    begin = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", f"{path}?query={quote(query)}", headers={"Accept": ACCEPT})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, time.perf_counter() - begin


def rows(body: bytes) -> set[tuple]:
    data = json.loads(body)
    return {
        tuple(sorted((k, v["value"]) for k, v in b.items())) for b in data["results"]["bindings"]
    }


def tree_memory(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MB of ``pid`` and its children: PSS counts shared pages once."""
    pids = [pid] + [
        int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _ppid(p) == pid
    ]
    rss = pss = 0
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return rss / 1024, pss / 1024


def _ppid(proc: Path) -> int:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def run_all(threads: list[threading.Thread]) -> float:
    """Start ``threads`` together, wait for all; the seconds it took."""
    begin = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - begin


def closed_loop(port: int, path: str, clients: int, seconds: float, query: str):
    """``clients`` threads asking ``query`` for ``seconds``: (qps, p50 ms, p95 ms, errors)."""
    times: list[float] = []
    errors = [0]
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def client() -> None:
        while time.perf_counter() < stop:
            try:
                status, _b, took = ask(port, path, query)
            except OSError:
                status, took = 0, 0.0
            with lock:
                if status == 200:
                    times.append(took)
                else:
                    errors[0] += 1

    wall = run_all([threading.Thread(target=client) for _ in range(clients)])
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1] if times else float("nan")
    return len(times) / wall, statistics.median(times) * 1000, p95 * 1000, errors[0]


def burst(port: int, path: str, clients: int, per_client: int, iris: list[str], want: dict):
    """``clients`` threads, ``per_client`` queries each: (total s, all correct, p95 ms)."""
    times: list[float] = []
    wrong = [0]
    lock = threading.Lock()

    def client(index: int) -> None:
        for k in range(per_client):
            iri = iris[(index * per_client + k) % len(iris)]
            status, body, took = ask(port, path, ONE.format(iri))
            ok = status == 200 and rows(body) == want[iri]
            with lock:
                times.append(took)
                wrong[0] += 0 if ok else 1

    total = run_all([threading.Thread(target=client, args=(i,)) for i in range(clients)])
    times.sort()
    return total, wrong[0] == 0, times[int(len(times) * 0.95) - 1] * 1000


def during_cartesian(port: int, path: str, timeout: float, clients: int = 4):
    """Run the cartesian product while ``clients`` ask the simple query: (its status, its s,
    p95 ms of the others while it ran)."""
    result: dict[str, float] = {}

    def slow() -> None:
        status, _b, took = ask(port, path, CARTESIAN, timeout=timeout + 30)
        result["status"], result["took"] = status, took

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.1)
    _qps, _p50, p95, _err = closed_loop(port, path, clients, max(timeout - 0.5, 0.5), SIMPLE)
    thread.join()
    return int(result["status"]), result["took"], p95


def start_servers(
    processes: list[subprocess.Popen],
    oxigraph: str,
    location: Path,
    timeout: float,
    workers: int,
    qegraph_options: list[str],
) -> tuple[int, int]:
    """Start the Oxigraph server (read-only, on ``location``) and ``qegraph serve``, add them to
    ``processes`` (so the caller stops them even if one fails to start) and wait until both
    answer: (Oxigraph port, qegraph port). ``qegraph_options`` come before ``serve``."""
    ox_port = free_port()
    ox_args = ["--union-default-graph"] if not qegraph_options else []
    processes.append(
        subprocess.Popen(
            [
                oxigraph,
                "serve-read-only",
                "--location",
                str(location),
                "--bind",
                f"127.0.0.1:{ox_port}",
                *ox_args,
                "--timeout-s",
                f"{timeout:g}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    qe = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "qegraph",
            *qegraph_options,
            "serve",
            "--port",
            "0",
            "--quiet",
            "--timeout",
            f"{timeout:g}",
            "--workers",
            str(workers),
        ],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    processes.append(qe)
    line = qe.stderr.readline()
    if not line.startswith("serving "):
        raise SystemExit(f"qegraph serve did not start: {line.strip() or qe.stderr.read()}")
    qe_port = int(line.split()[1].rsplit(":", 1)[1].split("/")[0])
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            ask(ox_port, "/query", "ASK {}", timeout=2)
            break
        except OSError:
            time.sleep(0.1)
    return ox_port, qe_port


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def store_mode(oxigraph: str, args: argparse.Namespace) -> int:
    """``--store-triples``: the six queries of scripts/bench.py on one store, both servers."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench  # scripts/bench.py: the generator and the query set

    size = bench.parse_size(args.store_triples)
    work = Path(tempfile.mkdtemp(prefix="bench-serve-store-"))
    processes: list[subprocess.Popen] = []
    try:
        data = work / "synthetic.ttl"
        triples = bench.generate(data, size)
        store = work / "store"
        begin = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "qegraph", "--store", str(store), "load", str(data)],
            check=True,
            capture_output=True,
        )
        load_s = time.perf_counter() - begin
        data.unlink()
        ox_port, qe_port = start_servers(
            processes, oxigraph, store, args.timeout, args.workers, ["--store", str(store)]
        )
        servers = {"qegraph serve": (qe_port, "/sparql"), "oxigraph server": (ox_port, "/query")}
        table = []
        for name, text in bench.QUERIES.items():
            query = bench.SPARQL_PREFIXES + "\n" + text
            times: dict[str, list[float]] = {server: [] for server in servers}
            answers: dict[str, set[tuple]] = {}
            # Warm-up: one run per worker (each worker has its own Oxigraph caches), the same
            # number for the Oxigraph server; then the measured runs.
            for turn in range(args.workers + args.repeat):
                for server, (port, path) in servers.items():
                    status, body, took = ask(port, path, query, timeout=args.timeout + 30)
                    if status != 200:
                        raise SystemExit(f"{server}: {name}: HTTP {status}: {body[:200]!r}")
                    answers[server] = rows(body)
                    if turn >= args.workers:
                        times[server].append(took)
            same = answers["qegraph serve"] == answers["oxigraph server"]
            table.append(
                (
                    name,
                    statistics.median(times["qegraph serve"]),
                    statistics.median(times["oxigraph server"]),
                    len(answers["oxigraph server"]),
                    same,
                )
            )
        print(
            f"Data: scripts/bench.py's synthetic graph, {triples} triples plus the bundled "
            f"ontology, in one store (`qegraph --store S load`: {load_s:.1f} s); "
            f"qegraph serve --workers {args.workers}; one client; p50 of {args.repeat} runs "
            f"after {args.workers} warm-up runs; {os.cpu_count()} cores, shared.\n"
        )
        print(
            "| query | qegraph serve p50 ms | oxigraph server p50 ms | ratio | rows | same rows |"
        )
        print("|---|---:|---:|---:|---:|---|")
        for name, qe_s, ox_s, count, same in table:
            print(
                f"| {name} | {qe_s * 1000:.1f} | {ox_s * 1000:.1f} | {qe_s / ox_s:.2f}x "
                f"| {count} | {'yes' if same else 'NO'} |"
            )
        qe_sum = sum(row[1] for row in table)
        ox_sum = sum(row[2] for row in table)
        print(
            f"| sum of p50 | {qe_sum * 1000:.1f} | {ox_sum * 1000:.1f} | {qe_sum / ox_sum:.2f}x "
            "| | |"
        )
        return 0 if all(row[4] for row in table) else 1
    finally:
        stop(processes)
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--burst-clients", type=int, default=50)
    parser.add_argument("--burst-queries", type=int, default=20)
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="query time limit, both servers (default 3 s; 60 s with --store-triples)",
    )
    parser.add_argument("--workers", type=int, default=4, help="qegraph serve --workers")
    parser.add_argument(
        "--store-triples",
        default=None,
        help="measure the --store path instead, on a store of this size (e.g. 1M)",
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs per query in --store mode")
    args = parser.parse_args()

    oxigraph = shutil.which("oxigraph")
    if oxigraph is None:
        print("the oxigraph command is missing: pip install oxigraph", file=sys.stderr)
        return 2
    if args.store_triples:
        args.timeout = args.timeout or 60.0
        return store_mode(oxigraph, args)
    args.timeout = args.timeout or 3.0
    import pyoxigraph as ox

    from qegraph.serve.dataset import build_store

    work = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    processes: list[subprocess.Popen] = []
    try:
        store = build_store()
        dump = work / "data.nq"
        store.dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
        triples = len(store)
        iris = sorted(
            {
                r["c"].value
                for r in store.query(
                    "SELECT DISTINCT ?c WHERE "
                    "{ ?c a <http://www.w3.org/2004/02/skos/core#Concept> }",
                    use_default_graph_as_union=True,
                )
            }
        )[:50]
        want = {
            iri: {
                tuple(sorted(("label", str(r["label"].value)) for _ in [0]))
                for r in store.query(ONE.format(iri), use_default_graph_as_union=True)
            }
            for iri in iris
        }
        subprocess.run(
            [oxigraph, "load", "--location", str(work / "ox"), "--file", str(dump)],
            check=True,
            capture_output=True,
        )
        ox_port, qe_port = start_servers(
            processes, oxigraph, work / "ox", args.timeout, args.workers, []
        )
        qe = processes[1]
        servers = {
            "qegraph serve": (qe_port, "/sparql", qe.pid),
            "oxigraph server": (ox_port, "/query", processes[0].pid),
        }
        out = {name: {} for name in servers}
        for name, (port, path, pid) in servers.items():
            out[name]["idle"] = tree_memory(pid)
            memory: list[tuple[float, float]] = []
            sampler_stop = threading.Event()

            def sample(pid: int, stop: threading.Event, into: list) -> None:
                while not stop.wait(0.5):
                    into.append(tree_memory(pid))

            sampler = threading.Thread(target=sample, args=(pid, sampler_stop, memory))
            sampler.start()
            out[name]["loop"] = closed_loop(port, path, args.clients, args.seconds, SIMPLE)
            sampler_stop.set()
            sampler.join()
            out[name]["load"] = max(memory, default=(0.0, 0.0))
            out[name]["burst"] = burst(
                port, path, args.burst_clients, args.burst_queries, iris, want
            )
            out[name]["cartesian"] = during_cartesian(port, path, args.timeout)
        qe_out, ox_out = out["qegraph serve"], out["oxigraph server"]
        graphs = len(list(store.named_graphs()))
        print(
            f"Data: the bundled ontology, {triples} triples in {graphs} named graphs; "
            f"time limit {args.timeout:g} s; qegraph serve --workers {args.workers}; "
            f"{os.cpu_count()} cores, shared.\n"
        )
        print("| measure | qegraph serve | oxigraph server | ratio |")
        print("|---|---|---|---|")
        q1, o1 = qe_out["loop"], ox_out["loop"]
        print(
            f"| {args.clients} clients x {args.seconds:g} s simple SELECT: queries/s "
            f"| {q1[0]:.0f} | {o1[0]:.0f} | {q1[0] / o1[0]:.2f}x |"
        )
        print(f"| ... p50 / p95 ms | {q1[1]:.1f} / {q1[2]:.1f} | {o1[1]:.1f} / {o1[2]:.1f} | |")
        print(f"| ... errors | {q1[3]} | {o1[3]} | |")
        qb, ob = qe_out["burst"], ox_out["burst"]
        print(
            f"| {args.burst_clients} clients x {args.burst_queries} queries: total s "
            f"| {qb[0]:.2f} | {ob[0]:.2f} | {qb[0] / ob[0]:.2f}x |"
        )
        print(f"| ... all correct / p95 ms | {qb[1]} / {qb[2]:.0f} | {ob[1]} / {ob[2]:.0f} | |")
        qc, oc = qe_out["cartesian"], ox_out["cartesian"]
        print(f"| cartesian product: status, s | {qc[0]}, {qc[1]:.1f} | {oc[0]}, {oc[1]:.1f} | |")
        print(f"| ... p95 ms of 4 clients meanwhile | {qc[2]:.0f} | {oc[2]:.0f} | |")
        for key, label in (("idle", "idle"), ("load", "under load (max)")):
            q, o = qe_out[key], ox_out[key]
            print(
                f"| memory {label}: RSS / PSS MB (process + children) "
                f"| {q[0]:.0f} / {q[1]:.0f} | {o[0]:.0f} / {o[1]:.0f} | {q[1] / o[1]:.1f}x PSS |"
            )
        return 0
    finally:
        stop(processes)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
