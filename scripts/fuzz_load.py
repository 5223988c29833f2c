"""Fuzz qegraph's RDF loaders and its query check with atheris (libFuzzer for Python).

Three targets:

- ``load`` (the default): any input must either load or raise one of qegraph's own errors
  (``QegraphError``), within a few seconds; anything else (a RecursionError, a crash, a hang, a
  slow input) is a finding.
- ``store``: the same, and a store load (Oxigraph's bulk loader, ``--store load``) must accept
  and refuse exactly what the in-memory loader does: every loader path applies the same checks.
- ``query``: parser disagreement. Oxigraph runs the input over an empty store in a child without
  network; when it tries to connect (it read a live ``SERVICE``), qegraph's check
  (:func:`qegraph.sparql.check_query`) must have refused the query, and a query the check
  accepts must be one Oxigraph can parse.

Usage::

    pip install atheris
    python scripts/fuzz_load.py -max_total_time=60            # Turtle, seeded corpus
    python scripts/fuzz_load.py -runs=5000 --suffix .jsonld   # another format
    python scripts/fuzz_load.py --target store -max_total_time=60
    python scripts/fuzz_load.py --target query -max_total_time=60
    python scripts/fuzz_load.py CORPUS_DIR -max_total_time=600

Without a corpus folder, one is made from ``tests/fixtures/*`` files of the chosen type, the
bundled ontology and generated blank-node structures (chains, nesting at the limit), or for
``query`` from the named queries and queries built to make the parsers disagree. The functions
:func:`check_one_input` and :func:`check_one_query` are plain Python and are also run by the
test suite.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLOW_SECONDS = 5.0

_folder = Path(tempfile.mkdtemp(prefix="qegraph-fuzz-"))


def check_one_input(data: bytes, suffix: str = ".ttl", *, store: bool = False) -> None:
    """Load ``data`` as a file with ``suffix``; raise AssertionError on anything but success,
    a QegraphError, or a slow load. With ``store``, a store load must agree on the outcome."""
    from qegraph.errors import QegraphError
    from qegraph.loading import load

    path = _folder / f"input{suffix}"
    path.write_bytes(data)
    start = time.monotonic()
    outcomes = []
    try:
        load([path], bundled=False)
        outcomes.append("loaded")
    except QegraphError as err:
        outcomes.append(str(err))
    elapsed = time.monotonic() - start
    if elapsed > SLOW_SECONDS:
        raise AssertionError(f"loading took {elapsed:.1f} s (over {SLOW_SECONDS} s)")
    if store:
        from qegraph.backends import StoreBackend

        folder = Path(tempfile.mkdtemp(prefix="store-", dir=_folder))
        try:
            StoreBackend(folder / "s").load([path], bundled=False)
            outcomes.append("loaded")
        except QegraphError as err:
            outcomes.append(str(err))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        # The checks every loader path shares (size, nesting, DOCTYPE, remote contexts) must
        # refuse on both; term checks (language tags, IRIs) are the in-memory loader's own.
        shared = any(word in outcomes[0] for word in _SHARED_CHECKS)
        if shared and outcomes[1] == "loaded":
            raise AssertionError(f"--data refuses ({outcomes[0]}) what --store load accepts")


#: Words in the messages of the checks that every loader path applies.
_SHARED_CHECKS = ("nesting too deep", "input limit", "parser limit", "DOCTYPE", "context")


def check_one_query(data: bytes) -> None:
    """Run ``data`` as a query through the check and through Oxigraph (isolated, empty store);
    raise AssertionError when Oxigraph would reach the network and the check let it pass, or
    the check passes a query Oxigraph cannot parse."""
    from qegraph.errors import NetworkRefusedError, QegraphError
    from qegraph.oxstore import probe_query
    from qegraph.sparql import check_query

    text = data.decode("utf-8", "replace")
    seen = probe_query(text, timeout=SLOW_SECONDS)
    try:
        check_query(text, probe=False)  # the rdflib readings alone: what the probe backs up
    except NetworkRefusedError:
        return
    except QegraphError:
        return
    if seen is not None and seen[0] == "network":
        raise AssertionError(f"the check let through a query Oxigraph runs a SERVICE for: {text!r}")
    if seen is not None and seen[0] == "syntax":
        raise AssertionError(f"the check accepts a query Oxigraph cannot parse: {text!r}")


def query_seeds() -> dict[str, str]:
    """Queries built to make rdflib and Oxigraph disagree, and ordinary ones."""
    # Not port 9: Oxigraph refuses the fetch standard's "bad ports" before connecting.
    service = "SERVICE <http://127.0.0.1:45678/sparql> { ?a ?b ?c }"
    seeds = {
        "escaped-quote.rq": f'SELECT ?s WHERE {{ ?s ?p "\\u0022 # " {service}\n }}',
        "escaped-apostrophe.rq": f"SELECT ?s WHERE {{ ?s ?p '\\u0027 # ' {service}\n }}",
        "cr-comment.rq": f"SELECT * WHERE {{ # note\r {service}\n }}",
        "escaped-cr-comment.rq": f"ASK {{ # note\\u000d {service}\n }}",
        "hash-iri.rq": f"SELECT * WHERE {{ ?s <urn:a#b> ?o # x\r {service}\n }}",
        "plain.rq": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1",
    }
    for path in sorted((ROOT / "src" / "qegraph" / "ontology" / "queries").glob("cq-*.rq"))[:5]:
        seeds[path.name] = path.read_text(encoding="utf-8")
    return seeds


def _structures() -> dict[str, str]:
    """Blank-node structures at and around the limits every loader applies."""
    chain = "".join(f"_:b{i} <urn:x:p> _:b{i + 1} .\n" for i in range(2000))
    nested = {
        f"nested-{d}.ttl": "<urn:a> <urn:p> " + "[ <urn:q> " * d + "<urn:r>" + " ]" * d + " .\n"
        for d in (99, 100, 101)
    }
    return {"chain.ttl": chain, "list.ttl": "<urn:a> <urn:p> (" + " 1" * 5000 + " ) .\n", **nested}


def _seed_corpus(suffix: str, target: str = "load") -> Path:
    corpus = Path(tempfile.mkdtemp(prefix="qegraph-corpus-"))
    if target == "query":
        for name, text in query_seeds().items():
            (corpus / name).write_text(text, encoding="utf-8")
        return corpus
    sources = sorted((ROOT / "tests" / "fixtures").glob(f"*{suffix}"))
    if suffix == ".ttl":
        sources += sorted((ROOT / "ontology").glob("*.ttl"))
        for name, text in _structures().items():
            (corpus / name).write_text(text, encoding="utf-8")
    for source in sources:
        shutil.copy(source, corpus / source.name)
    return corpus


def main(argv: list[str]) -> None:
    import atheris

    suffix, target = ".ttl", "load"
    for flag in ("--suffix", "--target"):
        if flag in argv:
            at = argv.index(flag)
            if flag == "--suffix":
                suffix = argv[at + 1]
            else:
                target = argv[at + 1]
            del argv[at : at + 2]
    with atheris.instrument_imports(include=["qegraph"]):
        import qegraph.loading
        import qegraph.sparql  # noqa: F401

    if not any(not a.startswith("-") for a in argv[1:]):
        argv.append(str(_seed_corpus(suffix, target)))
    if target == "query":
        atheris.Setup(argv, check_one_query)
    else:
        atheris.Setup(argv, lambda data: check_one_input(data, suffix, store=target == "store"))
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
