"""Measure what the loader's safety checks cost, and how fast hostile inputs are refused.

Usage: ``python scripts/bench_safety.py [TRIPLE_GROUPS]`` (default 100000). Prints the time of the
nesting scan (Turtle, JSON-LD) and of the expat pass (RDF/XML) on generated files of about 10 MB,
next to the full load of the Turtle file, then the time to refuse each hostile test fixture.
Targets: the checks cost under 10 % of a load; every hostile fixture is refused within 1 s.
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


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
