"""The RDF/XML export opens in the OWL API (the library Protégé is built on) with the same axioms
as the Turtle export. Needs Java and Debian's libowlapi-java (scripts/install-test-deps.sh installs
them); skipped when they are missing, except in CI, where that is a failure."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from qegraph import export, load
from qegraph.namespaces import QE

from .conftest import IN_CI

OWLAPI = Path("/usr/share/java/owlapi-distribution.jar")
CHECK = Path(__file__).parent / "owlapi" / "OwlApiCheck.java"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        (shutil.which("java") is None or not OWLAPI.exists()) and not IN_CI,
        reason="needs java and Debian's libowlapi-java (apt-get install libowlapi-java)",
    ),
]


def _owlapi_read(path: Path) -> dict[str, str]:
    imports = [str(QE[name]) for name in ("schema", "concepts", "sources", "mappings")]
    done = subprocess.run(
        ["java", "-cp", "/usr/share/java/*", str(CHECK), str(path), *imports],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)


def test_rdfxml_export_gives_the_owl_api_the_same_axioms_as_turtle(tmp_path) -> None:
    graph = load()
    export(graph, "xml", tmp_path / "qegraph.owl")
    export(graph, "turtle", tmp_path / "qegraph.ttl")
    from_xml = _owlapi_read(tmp_path / "qegraph.owl")
    from_turtle = _owlapi_read(tmp_path / "qegraph.ttl")
    assert from_xml["format"] == "RDF/XML Syntax"
    assert int(from_xml["axioms"]) > 1000
    assert (from_xml["axioms"], from_xml["classes"]) == (
        from_turtle["axioms"],
        from_turtle["classes"],
    )
    assert from_xml["unparsed"] == from_turtle["unparsed"]
