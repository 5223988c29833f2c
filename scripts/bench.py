"""Benchmark qegraph's backends on synthetic graphs shaped like the bundled one.

Generates Turtle graphs of about 10k, 100k and 1M triples (concepts typed with qegraph classes,
labels in English and Chinese, definitions, broader/related links, claims with provenance to
source passages, opposes links on contrast axes) and measures, per backend, the load time, the
peak memory (max RSS of the process doing the work), a fixed set of SPARQL queries, Turtle export,
analysis and viewer build. Every measured step runs in its own process, as a user would run it.

Backends:

- ``rdflib``: rdflib used directly in one Python process (``Graph.parse`` then ``Graph.query``);
- ``pyoxigraph``: pyoxigraph used directly on an on-disk store (bulk loader, then ``Store.query``);
- ``memory``: qegraph's default backend in one process (``qegraph.load`` then ``run_query``);
- ``store``: the qegraph command line with ``--store DIR``: one ``load``, then one ``query``
  command per query, ``export``, ``analyze``, ``viz``;
- ``endpoint``: the same commands with ``--endpoint`` against a local ``oxigraph serve``.

rdflib, pyoxigraph and the store's load + queries (the two targets compare them) run ``--repeat``
times (3 by default) and the run with the median time is reported, because the machine is shared.
It writes ``docs/benchmarks.md`` with the numbers, the machine, its load average and the command
that reproduces them. Reproduce with::

    python scripts/bench.py --sizes 10k,100k,1M

Analysis and the viewer are measured up to ``--heavy-max`` triples (default 100k): above that the
viewer refuses to draw (it is meant for the concept map, not millions of nodes) and a networkx
analysis of a million-edge graph mostly measures networkx.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = """\
@prefix qe: <https://w3id.org/qegraph/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
SPARQL_PREFIXES = "\n".join(
    line.replace("@prefix", "PREFIX").rstrip(" .") for line in PREFIXES.splitlines()
)

#: The fixed query set: name -> query (language tags matched without case, as BCP 47 says).
QUERIES = {
    "count-by-class": """SELECT ?class (COUNT(?c) AS ?n) WHERE { ?c a ?class }
        GROUP BY ?class ORDER BY DESC(?n)""",
    "labels-of-one": """SELECT ?label WHERE { qe:c-42 skos:prefLabel|skos:altLabel ?label }""",
    "opposes-with-labels": """SELECT ?a ?b ?la ?lb WHERE {
        ?a qe:opposes ?b . ?a skos:prefLabel ?la . ?b skos:prefLabel ?lb .
        FILTER(langMatches(lang(?la), "en") && langMatches(lang(?lb), "en")) } LIMIT 1000""",
    "claims-per-passage": """SELECT ?passage (COUNT(?claim) AS ?n) WHERE {
        ?claim a qe:Claim ; prov:wasDerivedFrom ?passage } GROUP BY ?passage
        ORDER BY DESC(?n) ?passage LIMIT 10""",
    "narrower-closure": """SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c skos:broader+ qe:c-1 }""",
    "label-search": """SELECT ?c ?label WHERE { ?c skos:prefLabel ?label
        FILTER(CONTAINS(STR(?label), "concept 777")) }""",
}

#: Written into the report as it is: what the numbers mean on this shared machine.
NOTES = """## Notes

- The machine is shared: other jobs may run during a measurement (the load averages above say
  how busy it was), so times vary by up to a third between runs. An earlier run on a busy
  machine gave rdflib 60 s at 1M triples.
- The two store targets are set for 1M triples; at 10k and 100k triples starting Python for each
  command weighs more than the work, so no verdict is given there.
- qegraph's bytecode is compiled before the run (`compileall`), as pip does when it installs
  the package; an editable install run with `PYTHONDONTWRITEBYTECODE` set would otherwise
  compile every module again in every command.
- A `qegraph --store DIR query` command answers a SELECT or ASK query straight from Oxigraph,
  without loading rdflib: about 0.1 s of Python start-up and imports on top of the query, which
  runs in a forked child so that the default 30 s time limit can stop it (the commands here run
  with that default).
- qegraph keeps its graph in the store's default graph: Oxigraph indexes it three ways instead of
  six, and a named-graph load of 1M triples took 16 s instead of 10 s.
- `qegraph --endpoint ... load` sends one Graph Store Protocol `PUT`; at 1M triples almost all of
  its time is the Oxigraph server applying that request in one transaction.
- Turtle export at 1M triples is rdflib's sorted (deterministic) serializer; analysis and the
  viewer are measured up to `--heavy-max` (100k by default).
"""

#: The store targets (>= 4x rdflib, <= 1.1x pyoxigraph) are set for graphs of this size and up.
TARGET_TRIPLES = 1_000_000
#: Issue 16: ``--store`` load plus queries at or under this many times pyoxigraph's time.
PYOXIGRAPH_TARGET = 1.1

CLASSES = [
    "Practice",
    "Competency",
    "Characteristic",
    "Dimension",
    "TeachingMethod",
    "Outcome",
    "Goal",
    "ExamOrientedTrait",
]
PREDICATES = ["develops", "usesMethod", "requires", "involves", "emphasises", "respects"]
AXES = ["goal-axis", "scope-axis", "method-axis", "focus-axis", "outcome-axis", "concept-axis"]


def parse_size(text: str) -> int:
    """``10k`` -> 10000, ``1M`` -> 1000000."""
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def generate(path: Path, triples: int, seed: int = 7) -> int:
    """Write a synthetic Turtle graph of about ``triples`` triples; return the exact count."""
    rng = random.Random(seed)
    count = 0
    passages = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(PREFIXES)
        i = 0
        while count < triples:
            c = f"qe:c-{i}"
            cls = CLASSES[i % len(CLASSES)]
            lines = [
                f"{c} a skos:Concept , qe:{cls} ;",
                "  skos:inScheme qe:scheme ;",
                f'  skos:prefLabel "concept {i}"@en , "概念{i}"@zh-Hans ;',
                f'  skos:definition "A synthetic concept number {i} for benchmarks."@en ;',
                "  rdfs:isDefinedBy <https://w3id.org/qegraph/concepts>",
            ]
            count += 7
            if i % 2 == 0:
                lines[-1] += f' ;\n  skos:altLabel "alias {i}"@en'
                count += 1
            if i > 0:
                lines[-1] += f" ;\n  skos:broader qe:c-{rng.randrange(i // 2, i)}"
                count += 1
            if i > 3 and i % 3 == 0:
                lines[-1] += f" ;\n  skos:related qe:c-{rng.randrange(i)}"
                count += 1
            out.write("\n".join(lines) + " .\n")
            if i % 5 == 0:
                n = passages
                out.write(
                    f"qe:p-{n} a qe:SourcePassage , prov:Entity ;"
                    f" dcterms:isPartOf qe:doc-{n // 20} ;"
                    f" qe:paragraphNumber {n % 20 + 1} ; qe:lineNumber {n % 40 + 1} ;"
                    f' qe:keyPhrase "phrase {n}"@zh-Hans ; rdfs:label "passage {n}" .\n'
                )
                passages += 1
                count += 7
            if i > 0:
                target = rng.randrange(i)
                pred = "opposes" if i % 10 == 0 else PREDICATES[i % len(PREDICATES)]
                out.write(f"{c} qe:{pred} qe:c-{target} .\n")
                axis = f" ; qe:onAxis qe:{AXES[i % len(AXES)]}" if pred == "opposes" else ""
                out.write(
                    f"qe:claim-{i} a qe:Claim ; rdf:subject {c} ; rdf:predicate qe:{pred} ;"
                    f" rdf:object qe:c-{target} ; prov:wasDerivedFrom qe:p-{max(0, passages - 1)}"
                    f"{axis} .\n"
                )
                count += 6 + (1 if axis else 0)
            i += 1
    return count


# --- running steps -------------------------------------------------------------------------


@dataclass
class Step:
    seconds: float
    peak_mb: float
    ok: bool = True
    note: str = ""
    extra: dict = field(default_factory=dict)


def run(command: list[str], *, timeout: float, env: dict | None = None) -> Step:
    """Run one process; its wall time and its peak RSS (from wait4)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return Step(time.perf_counter() - start, 0.0, False, f"timeout after {timeout:g} s")
    seconds = time.perf_counter() - start
    # communicate() reaped the child; its rusage is in RUSAGE_CHILDREN only as a maximum, so
    # the workers print their own peak (see _PEAK) and the CLI runs go through _measured().
    peak = 0.0
    extra: dict = {}
    for line in out.decode("utf-8", "replace").splitlines():
        if line.startswith("BENCH "):
            extra = json.loads(line[6:])
            peak = extra.pop("peak_mb", 0.0)
    if process.returncode != 0:
        note = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["failed"]
        return Step(seconds, peak, False, note[0][:200], extra)
    return Step(seconds, peak, True, "", extra)


_PEAK = "import resource; peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024"


def measured(command: list[str], *, timeout: float, env: dict | None = None) -> Step:
    """Run a command under a small Python wrapper that reports the child's peak RSS."""
    wrapper = textwrap.dedent(
        f"""
        import json, os, subprocess, sys, time
        start = time.perf_counter()
        p = subprocess.Popen({command!r}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(p.pid, 0)
        err = p.stderr.read().decode("utf-8", "replace")
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            sys.stderr.write(err)
            sys.exit(1)
        print("BENCH " + json.dumps({{"peak_mb": usage.ru_maxrss / 1024,
              "seconds": time.perf_counter() - start}}))
        """
    )
    step = run([sys.executable, "-c", wrapper], timeout=timeout, env=env)
    if step.ok and "seconds" in step.extra:
        step.seconds = step.extra.pop("seconds")
    return step


def direct_rdflib(data: Path, timeout: float) -> Step:
    code = f"""
import json, time
from rdflib import Graph
t = time.perf_counter(); g = Graph(); g.parse({str(data)!r}, format="turtle")
load = time.perf_counter() - t
queries = {{}}
for name, text in {QUERIES!r}.items():
    t = time.perf_counter(); rows = list(g.query({SPARQL_PREFIXES!r} + "\\n" + text))
    queries[name] = [time.perf_counter() - t, len(rows)]
{_PEAK}
print("BENCH " + json.dumps({{"load": load, "queries": queries, "peak_mb": peak}}))
"""
    return run([sys.executable, "-c", code], timeout=timeout)


def direct_pyoxigraph(data: Path, store: Path, timeout: float) -> Step:
    code = f"""
import json, time
import pyoxigraph as ox
t = time.perf_counter(); s = ox.Store({str(store)!r})
s.bulk_load(path={str(data)!r}, format=ox.RdfFormat.TURTLE)
load = time.perf_counter() - t
queries = {{}}
for name, text in {QUERIES!r}.items():
    t = time.perf_counter(); rows = list(s.query({SPARQL_PREFIXES!r} + "\\n" + text))
    queries[name] = [time.perf_counter() - t, len(rows)]
{_PEAK}
print("BENCH " + json.dumps({{"load": load, "queries": queries, "peak_mb": peak}}))
"""
    return run([sys.executable, "-c", code], timeout=timeout)


def direct_memory(data: Path, timeout: float) -> Step:
    code = f"""
import json, time
from qegraph import load
from qegraph.sparql import run_query
t = time.perf_counter(); g = load([{str(data)!r}])
load_s = time.perf_counter() - t
queries = {{}}
for name, text in {QUERIES!r}.items():
    t = time.perf_counter(); rows = run_query(g, text)
    queries[name] = [time.perf_counter() - t, len(rows)]
{_PEAK}
print("BENCH " + json.dumps({{"load": load_s, "queries": queries, "peak_mb": peak}}))
"""
    return run([sys.executable, "-c", code], timeout=timeout)


def median_run(runs: list, key=lambda run: run.seconds if run.ok else float("inf")):
    """The run with the median ``key`` (wall time; the slower middle one for an even count)."""
    return sorted(runs, key=key)[len(runs) // 2]


#: The step that runs the whole query set in one ``qegraph query`` command.
ONE_COMMAND = "queries in one command"


def one_command_total(steps: dict[str, Step]) -> float:
    """``load`` plus the one command that runs every query; infinite if either failed."""
    timed = [steps[k] for k in ("load", ONE_COMMAND) if k in steps]
    return (
        sum(s.seconds for s in timed)
        if len(timed) == 2 and all(s.ok for s in timed)
        else float("inf")
    )


def cli_total(steps: dict[str, Step]) -> float:
    """``load`` plus every ``query`` command; infinite if one failed."""
    timed = [s for k, s in steps.items() if k == "load" or k.startswith("query ")]
    return sum(s.seconds for s in timed) if all(s.ok for s in timed) else float("inf")


def qegraph(*args: str) -> list[str]:
    return [sys.executable, "-m", "qegraph", *args]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_oxigraph(location: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        ["oxigraph", "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/", timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, f"{base}/query"


def cli_backend(
    option: list[str],
    data: Path,
    work: Path,
    heavy: bool,
    timeout: float,
    export: bool = True,
    query_timeout: float = 30.0,
    one_command: bool = False,
) -> dict[str, Step]:
    """``load`` then one ``query`` per query, ``export``, ``analyze``, ``viz`` through the CLI;
    with ``one_command`` also every query again in a single ``query`` command."""
    steps: dict[str, Step] = {
        "load": measured(qegraph(*option, "load", str(data)), timeout=timeout)
    }
    if not steps["load"].ok:
        return steps
    query_files = []
    for name, text in QUERIES.items():
        query_file = work / f"{name}.rq"
        query_file.write_text(text, encoding="utf-8")
        query_files += ["-f", str(query_file)]
        steps[f"query {name}"] = measured(
            qegraph(
                *option,
                "query",
                "-f",
                str(query_file),
                "--format",
                "csv",
                "--timeout",
                f"{query_timeout:g}",
            ),
            timeout=timeout,
        )
    if one_command:
        # The same queries in one command (ROBOT-style): Python starts and the store opens once.
        answers = work / "answers"
        steps[ONE_COMMAND] = measured(
            qegraph(
                *option,
                "query",
                *query_files,
                "--format",
                "csv",
                "--timeout",
                f"{query_timeout:g}",
                "--output-dir",
                str(answers),
            ),
            timeout=timeout,
        )
        shutil.rmtree(answers, ignore_errors=True)
    if not export:
        return steps
    out = work / "export.ttl"
    steps["export turtle"] = measured(
        qegraph(*option, "export", "--format", "turtle", "-o", str(out)), timeout=timeout
    )
    if heavy:
        steps["analyze"] = measured(qegraph(*option, "analyze", "--top", "5"), timeout=timeout)
        steps["viz"] = measured(
            qegraph(*option, "viz", "--top", "300", "-o", str(work / "viewer.html")),
            timeout=timeout,
        )
    return steps


def small_targets(repeat: int = 5) -> dict[str, float]:
    """Median wall time of ``qegraph --help`` and of a named query on the bundled ontology."""
    return median_times(
        {
            "qegraph --help": qegraph("--help"),
            "qegraph query --name CQ-01": qegraph("query", "--name", "CQ-01", "--format", "csv"),
        },
        repeat,
    )


def median_times(commands: dict[str, list[str]], repeat: int) -> dict[str, float]:
    """Median wall time of each command, run ``repeat`` times (output discarded)."""
    out: dict[str, float] = {}
    for label, command in commands.items():
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
            )
            times.append(time.perf_counter() - start)
        out[label] = statistics.median(times)
    return out


def compile_qegraph() -> None:
    """Write the bytecode of the qegraph package that ``python -m qegraph`` imports.

    An installed qegraph has it (pip compiles at install time); an editable install run with
    ``PYTHONDONTWRITEBYTECODE`` set (this machine sets it) would otherwise compile every module
    again in every command, about 60 ms each that a user does not pay and the peer, whose
    imports are not timed, does not pay either.
    """
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("qegraph")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


def command_floor(store: Path, repeat: int = 5) -> dict[str, float]:
    """Median wall time of what every query command pays whatever the query: starting Python,
    ``qegraph --version`` (Python, click and the command line) and ``ASK {}`` on ``store``."""
    return median_times(
        {
            "python -c pass": [sys.executable, "-c", "pass"],
            "qegraph --version": qegraph("--version"),
            "qegraph --store S query 'ASK {}'": qegraph(
                "--store", str(store), "query", "ASK {}", "--format", "csv"
            ),
        },
        repeat,
    )


# --- the report ----------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{mem_kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        memory = "unknown RAM"
    import pyoxigraph
    import rdflib

    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), {memory}; "
        f"Python {platform.python_version()}, rdflib {rdflib.__version__}, "
        f"pyoxigraph {pyoxigraph.__version__}"
    )


def fmt(step: Step | None, key: str = "seconds") -> str:
    if step is None:
        return "–"
    if not step.ok:
        return f"failed ({step.note})"
    return f"{step.seconds:.2f} s" if key == "seconds" else f"{step.peak_mb:.0f} MB"


def render(
    results: dict,
    targets: dict[str, float],
    command: str,
    load: tuple[float, float],
    repeat: int = 1,
) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Measured by `scripts/bench.py` on synthetic graphs shaped like the bundled one (concepts",
        "typed with qegraph classes, labels in English and Chinese, definitions, broader and",
        "related links, claims with provenance to source passages, opposes links on contrast",
        "axes). Each step runs in its own process, as a user runs it; times are wall-clock and",
        "include starting Python; peak memory is the maximum resident set of that process.",
        f"rdflib, pyoxigraph and the store's load + queries ran {repeat} times; the run with the",
        "median time is shown.",
        "",
        f"- Machine: {machine()}",
        f"- Load average (1 min) when the run started and ended: {load[0]:.2f}, {load[1]:.2f}",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- Reproduce: `{command}`",
        "",
        "## Small targets",
        "",
        "| what | median of 5 | target |",
        "|---|---|---|",
    ]
    limits = {"qegraph --help": 0.3, "qegraph query --name CQ-01": 1.0}
    for label, seconds in targets.items():
        verdict = "met" if seconds < limits[label] else "MISSED"
        lines.append(f"| `{label}` | {seconds:.2f} s | < {limits[label]:g} s ({verdict}) |")
    for size, res in results.items():
        lines += size_heading(size, res, "##")
        lines += load_tables(res, "###")
        lines += ["", "### Export, analysis, viewer (qegraph commands)", ""]
        lines += [
            "| step | " + " | ".join(n for n in ("store", "endpoint") if n in res) + " |",
            "|---|" + "---|" * sum(1 for n in ("store", "endpoint") if n in res),
        ]
        for step_name in ("export turtle", "analyze", "viz"):
            cells = []
            for name in ("store", "endpoint"):
                if name in res:
                    step = res[name].get(step_name)
                    if step is not None:
                        cells.append(f"{fmt(step)}, {fmt(step, 'peak')}")
                    elif step_name == "export turtle":
                        cells.append("not run (--no-export, or above --light-max)")
                    else:
                        cells.append("not run (above --heavy-max)")
            lines.append(f"| {step_name} | " + " | ".join(cells) + " |")
    lines += ["", NOTES.rstrip(), "", "## The query set", ""]
    for name, text in QUERIES.items():
        lines += [
            f"`{name}`:",
            "",
            "```sparql",
            textwrap.dedent("        " + text).strip(),
            "```",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def size_heading(size: str, res: dict, level: str) -> list[str]:
    return [
        "",
        f"{level} {size} triples ({res['triples']} generated, {res['mb']:.0f} MB Turtle)",
        "",
    ]


def per_million(seconds: float, triples: int) -> str:
    """Seconds per million triples, the issue's unit for comparing sizes."""
    return f"{seconds / triples * 1e6:.2f} s"


def load_tables(res: dict, level: str) -> list[str]:
    """The "load once, then answer the query set" table, the store's ratios and each query."""
    lines = [f"{level} Load once, then answer the query set", ""]
    lines += [
        "| backend | load | queries (sum) | load + queries | per 1M triples | peak memory |",
        "|---|---|---|---|---|---|",
    ]
    triples = res["triples"]
    totals = {}
    for name in ("rdflib", "pyoxigraph", "memory"):
        step = res.get(name)
        if step is None:
            continue
        if step.ok:
            q = sum(v[0] for v in step.extra["queries"].values())
            total = step.seconds
            totals[name] = total
            lines.append(
                f"| {name} (one process) | {step.extra['load']:.2f} s | {q:.2f} s | "
                f"{total:.2f} s | {per_million(total, triples)} | {step.peak_mb:.0f} MB |"
            )
        else:
            lines.append(f"| {name} (one process) | {fmt(step)} | | | | |")
    for name in ("store", "endpoint"):
        steps = res.get(name)
        if not steps:
            continue
        load = steps["load"]
        queries = [s for k, s in steps.items() if k.startswith("query ")]
        if load.ok and all(s.ok for s in queries):
            q = sum(s.seconds for s in queries)
            totals[name] = load.seconds + q
            peak = max(s.peak_mb for s in [load, *queries])
            lines.append(
                f"| qegraph --{name} (1 load + {len(queries)} query commands) | "
                f"{load.seconds:.2f} s | {q:.2f} s | {load.seconds + q:.2f} s | "
                f"{per_million(load.seconds + q, triples)} | {peak:.0f} MB |"
            )
        else:
            bad = next(s for s in [load, *queries] if not s.ok)
            lines.append(f"| qegraph --{name} | {fmt(bad)} | | | | |")
        one = res.get("store_one") if name == "store" else None
        if one:
            load, many = one["load"], one[ONE_COMMAND]
            if load.ok and many.ok:
                totals["store_one"] = load.seconds + many.seconds
                lines.append(
                    f"| qegraph --store (1 load + 1 query command with the {len(QUERIES)} "
                    f"queries) | {load.seconds:.2f} s | {many.seconds:.2f} s | "
                    f"{totals['store_one']:.2f} s | "
                    f"{per_million(totals['store_one'], triples)} | "
                    f"{max(load.peak_mb, many.peak_mb):.0f} MB |"
                )
            else:
                lines.append(f"| qegraph --store (one query command) | {fmt(many)} | | | | |")
    if res.get("skipped"):
        lines += [
            "",
            f"Not run at this size (above `--light-max`: too slow or too large): "
            f"{', '.join(res['skipped'])}; nor the Turtle export.",
        ]
    big = triples >= TARGET_TRIPLES

    def peer_verdict(ratio: float) -> str:
        if not big:
            return ""
        met = "met" if ratio <= PYOXIGRAPH_TARGET else "MISSED"
        return f" (target <= {PYOXIGRAPH_TARGET:g}x: {met})"

    clauses = []
    if "store" in totals and "rdflib" in totals:
        speedup = totals["rdflib"] / totals["store"]
        verdict = f" (target >= 4x: {'met' if speedup >= 4 else 'MISSED'})" if big else ""
        clauses.append(f"is **{speedup:.1f}x** faster than rdflib directly{verdict}")
    if "store" in totals and "pyoxigraph" in totals:
        ratio = totals["store"] / totals["pyoxigraph"]
        verdict = peer_verdict(ratio)
        clauses.append(f"takes **{ratio:.2f}x** the time of pyoxigraph directly on disk{verdict}")
    if clauses:
        lines += ["", f"qegraph --store {' and '.join(clauses)}."]
    if "store_one" in totals and "pyoxigraph" in totals:
        ratio = totals["store_one"] / totals["pyoxigraph"]
        verdict = peer_verdict(ratio)
        lines += [
            "",
            f"With the {len(QUERIES)} queries in one command (`qegraph --store S query -f a.rq "
            f"-f b.rq ... --output-dir DIR`), qegraph --store takes **{ratio:.2f}x** the time "
            f"of pyoxigraph directly on disk{verdict}.",
        ]
    for key, what in (
        ("pairs", f"{len(QUERIES)} query commands"),
        ("pairs_one", "one query command"),
    ):
        pairs = res.get(key) or []
        if len(pairs) > 1:
            each = ", ".join(f"{r:.2f}x" for r in pairs)
            lines += [
                "",
                f"The two took turns; the ratio of each turn, {what}: {each} "
                f"(median {statistics.median(pairs):.2f}x).",
            ]
    floor = res.get("floor")
    if floor and "pyoxigraph" in totals:
        asked = floor.get("qegraph --store S query 'ASK {}'", 0.0)
        queries = sum(1 for k in res.get("store", {}) if k.startswith("query "))
        lines += [
            "",
            "What every command pays whatever its work (median of 5, same run):",
            "",
            "| command | seconds |",
            "|---|---|",
            *(f"| `{label}` | {seconds:.3f} s |" for label, seconds in floor.items()),
            "",
            f"{queries} query commands pay at least {queries} x {asked:.3f} s = "
            f"{queries * asked:.2f} s, {queries * asked / totals['pyoxigraph']:.1%} of "
            "pyoxigraph's load + queries, which pays neither starting Python nor opening the "
            "store per query.",
        ]
    names = [n for n in ("rdflib", "pyoxigraph", "memory", "store", "endpoint") if n in res]
    lines += [
        "",
        f"{level} Each query",
        "",
        "| query | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for qname in QUERIES:
        cells = []
        for name in ("rdflib", "pyoxigraph", "memory"):
            if name in res:
                step = res[name]
                cells.append(f"{step.extra['queries'][qname][0]:.3f} s" if step.ok else "–")
        for name in ("store", "endpoint"):
            if name in res:
                cells.append(fmt(res[name].get(f"query {qname}")) + " (command)")
        lines.append(f"| {qname} | " + " | ".join(cells) + " |")
    return lines


def render_section(
    name: str, results: dict, command: str, load: tuple[float, float], repeat: int
) -> str:
    """A run of some backends as a ``<!-- section:NAME -->`` block (``--section``)."""
    lines = [
        f"<!-- section:{name} -->",
        f"## `{command}`",
        "",
        "<!-- Written by scripts/bench.py --section; the top of this file is its full run. -->",
        "",
        "Each step in its own process as above; "
        + (
            "load + queries ran once."
            if repeat == 1
            else f"load + queries ran {repeat} times, the run with the median time is shown."
        ),
        "The machine is shared: read the ratios, measured in the same run, not the absolute times.",
        "qegraph's bytecode is compiled before the run, as an installed package has it.",
        "",
        f"- Machine: {machine()}",
        f"- Load average (1 min) when the run started and ended: {load[0]:.2f}, {load[1]:.2f}",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
    ]
    for size, res in results.items():
        lines += size_heading(size, res, "###")
        lines += load_tables(res, "####")
    lines.append(f"<!-- /section:{name} -->")
    return "\n".join(lines) + "\n"


def write_section(path: Path, name: str, text: str) -> None:
    """Replace the ``name`` section of ``path`` with ``text`` (append it when new)."""
    import re

    old = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(
        rf"<!-- section:{re.escape(name)} -->.*?<!-- /section:{re.escape(name)} -->\n", re.DOTALL
    )
    if pattern.search(old):
        new = pattern.sub(lambda _m: text, old, count=1)
    else:
        new = old.rstrip("\n") + "\n\n" + text
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated, e.g. 10k,100k")
    parser.add_argument(
        "--backends",
        default="rdflib,pyoxigraph,memory,store,endpoint",
        help="which backends to measure",
    )
    parser.add_argument("--heavy-max", default="100k", help="largest size for analyze and viz")
    parser.add_argument(
        "--light-max",
        default="1M",
        help="largest size for rdflib, memory, the endpoint and the Turtle export (slow above)",
    )
    parser.add_argument(
        "--section",
        default=None,
        help="write the run as the <!-- section:NAME --> block of --out, leaving the rest",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of rdflib, pyoxigraph and the store's load + queries; the median is reported",
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per step")
    parser.add_argument(
        "--query-timeout",
        type=float,
        default=30.0,
        help="qegraph query --timeout for the query commands (30 s, the default of the command)",
    )
    parser.add_argument("--no-export", action="store_true", help="skip the Turtle export")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--work", default=None, help="folder for data and stores (temporary)")
    args = parser.parse_args(argv)
    backends = set(args.backends.split(","))
    heavy_max = parse_size(args.heavy_max)
    light_max = parse_size(args.light_max)
    work_root = Path(args.work or tempfile.mkdtemp(prefix="qegraph-bench-"))
    work_root.mkdir(parents=True, exist_ok=True)
    given = list(argv if argv is not None else sys.argv[1:])
    if "--out" in given[:-1]:  # where the report went is not part of how to reproduce it
        at = given.index("--out")
        del given[at : at + 2]
    command = "python scripts/bench.py " + " ".join(given)
    results: dict = {}
    load_at_start = os.getloadavg()[0]
    compile_qegraph()
    try:
        targets = {}
        if not args.section:
            print("small targets...", file=sys.stderr)
            targets = small_targets()
        for size_text in args.sizes.split(","):
            size = parse_size(size_text)
            work = work_root / size_text
            work.mkdir(exist_ok=True)
            data = work / f"synthetic-{size_text}.ttl"
            print(f"{size_text}: generating...", file=sys.stderr)
            triples = generate(data, size)
            res: dict = {"triples": triples, "mb": data.stat().st_size / 1e6, "skipped": []}
            results[size_text] = res
            light = size <= light_max
            for name in ("rdflib", "memory", "endpoint"):
                if name in backends and not light:
                    res["skipped"].append(name)
            if "rdflib" in backends and light:
                print(f"{size_text}: rdflib...", file=sys.stderr)
                res["rdflib"] = median_run(
                    [direct_rdflib(data, args.timeout) for _ in range(args.repeat)]
                )
            # A section reports load + queries only: no export, analysis or viewer then.
            heavy = size <= heavy_max and not args.section
            # pyoxigraph and the store take turns, so that a change in the load of the shared
            # machine falls on both; each turn's ratio is kept (``pairs``).
            peer_runs: list[Step] = []
            store_runs: list[dict[str, Step]] = []
            store = work / "store"
            for turn in range(args.repeat):
                if "pyoxigraph" in backends:
                    print(f"{size_text}: pyoxigraph ({turn + 1})...", file=sys.stderr)
                    peer_runs.append(direct_pyoxigraph(data, work / "pyox-store", args.timeout))
                    shutil.rmtree(work / "pyox-store", ignore_errors=True)
                if "store" in backends:
                    print(f"{size_text}: qegraph --store ({turn + 1})...", file=sys.stderr)
                    last = turn == args.repeat - 1  # export, analysis, viewer once, at the end
                    store_runs.append(
                        cli_backend(
                            ["--store", str(store)],
                            data,
                            work,
                            heavy and last,
                            args.timeout,
                            last and light and not (args.no_export or args.section),
                            args.query_timeout,
                            one_command=True,
                        )
                    )
                    if last and store_runs[-1]["load"].ok:
                        res["floor"] = command_floor(store)
                    shutil.rmtree(store, ignore_errors=True)
            if peer_runs:
                res["pyoxigraph"] = median_run(peer_runs)
            if store_runs:
                middle = median_run(store_runs, key=cli_total)
                # The median load + queries, with the export, analysis and viewer of the last.
                res["store"] = {**store_runs[-1], **middle}
                one = median_run(store_runs, key=one_command_total)
                if ONE_COMMAND in one:
                    res["store_one"] = {"load": one["load"], ONE_COMMAND: one[ONE_COMMAND]}
            if peer_runs and store_runs:
                res["pairs"] = [
                    cli_total(ours) / peer.seconds
                    for peer, ours in zip(peer_runs, store_runs, strict=True)
                    if peer.ok
                ]
                res["pairs_one"] = [
                    one_command_total(ours) / peer.seconds
                    for peer, ours in zip(peer_runs, store_runs, strict=True)
                    if peer.ok
                ]
            if "memory" in backends and light:
                print(f"{size_text}: qegraph memory...", file=sys.stderr)
                res["memory"] = direct_memory(data, args.timeout)
            if "endpoint" in backends and light and shutil.which("oxigraph"):
                print(f"{size_text}: qegraph --endpoint...", file=sys.stderr)
                server, url = start_oxigraph(work / "oxigraph")
                try:
                    res["endpoint"] = cli_backend(
                        ["--endpoint", url],
                        data,
                        work,
                        heavy,
                        args.timeout,
                        not args.no_export,
                        args.query_timeout,
                    )
                finally:
                    server.send_signal(signal.SIGTERM)
                    server.wait(timeout=30)
                shutil.rmtree(work / "oxigraph", ignore_errors=True)
            data.unlink()
    finally:
        if args.work is None:
            shutil.rmtree(work_root, ignore_errors=True)
    load = (load_at_start, os.getloadavg()[0])
    out = Path(args.out)
    if args.section:
        text = render_section(args.section, results, command, load, args.repeat)
        write_section(out, args.section, text)
    else:
        text = render(results, targets, command, load, repeat=args.repeat)
        out.write_text(text + kept_sections(out), encoding="utf-8")
    print(text)
    return 0


def kept_sections(path: Path) -> str:
    """The ``<!-- section:NAME -->`` blocks other scripts wrote into ``path`` (kept on rewrite)."""
    import re

    old = path.read_text(encoding="utf-8") if path.exists() else ""
    found = re.finditer(r"(<!-- section:([\w-]+) -->.*?<!-- /section:\2 -->\n)", old, re.DOTALL)
    return "".join("\n" + match.group(1) for match in found)


if __name__ == "__main__":
    sys.exit(main())
