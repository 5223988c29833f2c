"""Fuzz qegraph's RDF loader with atheris (libFuzzer for Python).

Any input must either load or raise one of qegraph's own errors (``QegraphError``), within a few
seconds; anything else (a RecursionError, a crash, a hang, a slow input) is a finding.

Usage::

    pip install atheris
    python scripts/fuzz_load.py -max_total_time=60            # Turtle, seeded corpus
    python scripts/fuzz_load.py -runs=5000 --suffix .jsonld   # another format
    python scripts/fuzz_load.py CORPUS_DIR -max_total_time=600

Without a corpus folder, one is made from ``tests/fixtures/*`` files of the chosen type and the
bundled ontology, so the fuzzer starts from real, valid and hostile documents. The function
:func:`check_one_input` is plain Python and is also run by the test suite on the fixtures.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLOW_SECONDS = 5.0

_folder = Path(tempfile.mkdtemp(prefix="qegraph-fuzz-"))


def check_one_input(data: bytes, suffix: str = ".ttl") -> None:
    """Load ``data`` as a file with ``suffix``; raise AssertionError on anything but success,
    a QegraphError, or a slow load."""
    from qegraph.errors import QegraphError
    from qegraph.loading import load

    path = _folder / f"input{suffix}"
    path.write_bytes(data)
    start = time.monotonic()
    with contextlib.suppress(QegraphError):
        load([path], bundled=False)
    elapsed = time.monotonic() - start
    if elapsed > SLOW_SECONDS:
        raise AssertionError(f"loading took {elapsed:.1f} s (over {SLOW_SECONDS} s)")


def _seed_corpus(suffix: str) -> Path:
    corpus = Path(tempfile.mkdtemp(prefix="qegraph-corpus-"))
    sources = sorted((ROOT / "tests" / "fixtures").glob(f"*{suffix}"))
    if suffix == ".ttl":
        sources += sorted((ROOT / "ontology").glob("*.ttl"))
    for source in sources:
        shutil.copy(source, corpus / source.name)
    return corpus


def main(argv: list[str]) -> None:
    import atheris

    suffix = ".ttl"
    if "--suffix" in argv:
        at = argv.index("--suffix")
        suffix = argv[at + 1]
        del argv[at : at + 2]
    with atheris.instrument_imports(include=["qegraph"]):
        import qegraph.loading  # noqa: F401

    if not any(not a.startswith("-") for a in argv[1:]):
        argv.append(str(_seed_corpus(suffix)))
    atheris.Setup(argv, lambda data: check_one_input(data, suffix))
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
