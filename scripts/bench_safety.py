"""Measure what the loader's safety checks cost, and how fast hostile inputs are refused.

Usage: ``python scripts/bench_safety.py [TRIPLE_GROUPS] [--cases-only]`` (default 100000). Prints
the time of the nesting scan (Turtle, JSON-LD) and of the expat pass (RDF/XML) on generated files
of about 10 MB, next to the full load of the Turtle file, then the time to refuse each hostile
test fixture. Targets: the checks cost under 10 % of a load; every hostile fixture is refused
within 1 s.

Then each hostile case of issue 12 runs as its own ``qegraph`` process (under a 2 GiB
address-space limit and a time limit, so a regression cannot take the machine down) and the
table gives its exit code, wall time and peak memory (the child's own ``ru_maxrss`` from
``wait4``), with the ratio to a benign peer on the same path measured in the same run: a normal
store load, a normal query, a normal export.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from qegraph.errors import QegraphError
from qegraph.loading import _JSON_TOKENS, _TURTLE_TOKENS, _check_nesting, _check_xml, load

ROOT = Path(__file__).resolve().parent.parent


def timed(label: str, func, *args) -> float:
    start = time.perf_counter()
    func(*args)
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:7.2f} s")
    return seconds


def main(groups: int) -> int:
    ex = "https://example.org/"
    turtle = "\n".join(
        [f"@prefix e: <{ex}> ."]
        + [
            f'e:n{i} e:p [ e:q "v{i} (parens) [brackets]" ; e:r ( e:a e:b ) ] ; '
            f'e:label "素质教育 {i}"@zh-Hans .'
            for i in range(groups)
        ]
    ).encode()
    nodes = [{"@id": f"{ex}n{i}", f"{ex}p": [{"@value": f"v{i} [x]"}]} for i in range(groups)]
    jsonld = json.dumps({"@graph": nodes}).encode()
    rdfxml = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        f'xmlns:e="{ex}">'
        + "".join(
            f'<rdf:Description rdf:about="{ex}n{i}"><e:p>v{i}</e:p></rdf:Description>'
            for i in range(groups)
        )
        + "</rdf:RDF>"
    ).encode()
    print(f"Turtle {len(turtle) / 1e6:.1f} MB, JSON-LD {len(jsonld) / 1e6:.1f} MB, ", end="")
    print(f"RDF/XML {len(rdfxml) / 1e6:.1f} MB")
    scan = timed("nesting scan, Turtle", _check_nesting, "t", turtle, _TURTLE_TOKENS, 100)
    timed("nesting scan, JSON-LD", _check_nesting, "j", jsonld, _JSON_TOKENS, 100)
    timed("expat pass, RDF/XML", _check_xml, "x", rdfxml, 100)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.ttl"
        path.write_bytes(turtle)
        total = timed("full load of the Turtle file", load, [path])
    print(f"checks cost {100 * scan / total:.1f} % of the Turtle load")

    worst = 0.0
    for fixture in sorted((ROOT / "tests" / "fixtures").glob("hostile-*")):
        if fixture.suffix not in (".ttl", ".nt", ".rdf", ".jsonld", ".trig"):
            continue
        start = time.perf_counter()
        try:
            load([fixture], bundled=False)
            outcome = "loaded"
        except QegraphError as err:
            outcome = type(err).__name__
        seconds = time.perf_counter() - start
        worst = max(worst, seconds)
        print(f"{fixture.name:<44} {seconds:7.3f} s  {outcome}")
    print(f"slowest hostile fixture: {worst:.3f} s")
    return 0 if worst < 1 and scan < 0.1 * total else 1


# --- hostile cases of issue 12, each in its own process -------------------------------------

_LIMIT_BYTES = 2 << 30


def _limited() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (_LIMIT_BYTES, _LIMIT_BYTES))


def measure(args: list[str], seconds: float = 120.0) -> tuple[str, float, float]:
    """(exit code or "timeout", wall seconds, peak MiB) of one ``qegraph`` process."""
    import os
    import signal
    import subprocess

    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "qegraph", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_limited,
    )
    deadline = start + seconds
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.kill(child.pid, signal.SIGKILL)
            _pid, status, usage = os.wait4(child.pid, 0)
            child.returncode = -9
            return "timeout", time.perf_counter() - start, usage.ru_maxrss / 1024
        time.sleep(0.02)
    code = os.waitstatus_to_exitcode(status)
    child.returncode = code
    return str(code), time.perf_counter() - start, usage.ru_maxrss / 1024


def hostile_cases(folder: Path) -> list[tuple[str, list[str], str]]:
    """(name, qegraph arguments, name of the benign peer) for every hostile case."""
    deep = folder / "deep.ttl"
    deep.write_text(
        "<urn:a> <urn:p> " + "[ <urn:q> " * 100_000 + "<urn:r>" + " ]" * 100_000 + " .\n"
    )
    literal = folder / "literal.nt"
    literal.write_text('<urn:a> <urn:p> "' + "x" * (17 << 20) + '" .\n')
    chains = {}
    for links in (1_000, 10_000):
        chains[links] = folder / f"chain-{links}.nt"
        chains[links].write_text("".join(f"_:b{i} <urn:x:p> _:b{i + 1} .\n" for i in range(links)))
    store = str(folder / "store")
    hidden = (
        'SELECT ?s WHERE { ?s ?p "\\u0022 # " SERVICE <http://127.0.0.1:45678/s> { ?a ?b ?c }\n }'
    )
    return [
        ("store load (benign peer)", ["--store", store, "load"], ""),
        ("query on the store (benign peer)", ["--store", store, "query", "ASK { ?s ?p ?o }"], ""),
        ("export nt (benign peer)", ["export", "--format", "nt", "-o", str(folder / "o.nt")], ""),
        ("--data: Turtle nested 100,000 deep", ["--data", str(deep), "stats"], ""),
        (
            "store load: Turtle nested 100,000 deep",
            ["--store", store, "load", str(deep)],
            "store load (benign peer)",
        ),
        ("--data: 17 MiB literal", ["--data", str(literal), "stats"], ""),
        (
            "store load: 17 MiB literal",
            ["--store", store, "load", str(literal)],
            "store load (benign peer)",
        ),
        (
            "store query: SERVICE hidden by an escaped quote",
            ["--store", store, "query", hidden],
            "query on the store (benign peer)",
        ),
        (
            "store query: SERVICE hidden by CR in a comment",
            ["--store", store, "query", "ASK { # x\r SERVICE <http://127.0.0.1:45678/s> {}\n }"],
            "query on the store (benign peer)",
        ),
        (
            "export -o /dev/full",
            ["export", "--format", "nt", "-o", "/dev/full"],
            "export nt (benign peer)",
        ),
        (
            "export of a 1,000-link blank-node chain",
            ["--data", str(chains[1_000]), "export", "--format", "nt", "-o", str(folder / "c.nt")],
            "export nt (benign peer)",
        ),
        (
            "export of a 10,000-link blank-node chain",
            ["--data", str(chains[10_000]), "export", "--format", "nt", "-o", str(folder / "c.nt")],
            "export nt (benign peer)",
        ),
    ]


def run_cases(seconds: float = 120.0) -> None:
    print()
    print(f"{'case':<52} {'exit':>7} {'time s':>8} {'peak MiB':>9} {'time ratio':>11}")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        results: dict[str, tuple[str, float, float]] = {}
        for case, args, peer in hostile_cases(folder):
            code, took, peak = measure(args, seconds)
            results[case] = (code, took, peak)
            ratio = f"{took / results[peer][1]:.2f}x" if peer else ""
            print(f"{case:<52} {code:>7} {took:8.2f} {peak:9.0f} {ratio:>11}")
        # Two loads of different graphs at once: both must survive.
        import subprocess

        store = str(folder / "store")
        start = time.perf_counter()
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "qegraph", "--store", store, "--graph", g, "load"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for g in ("urn:g:a", "urn:g:b")
        ]
        codes = [p.wait() for p in procs]
        took = time.perf_counter() - start
        ratio = took / results["store load (benign peer)"][1]
        print(
            f"{'two concurrent store loads (lock)':<52} {max(codes):>7} {took:8.2f} "
            f"{'':>9} {ratio:10.2f}x"
        )


if __name__ == "__main__":
    if "--cases-only" in sys.argv:
        run_cases()
        sys.exit(0)
    code = main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
    run_cases()
    sys.exit(code)
