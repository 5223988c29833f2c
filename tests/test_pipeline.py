"""``qegraph build``: one folder with the exports, viewer, docs and reports of the graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SKOS

from qegraph import load
from qegraph.analysis import analyze
from qegraph.cli import main
from qegraph.errors import ExportError
from qegraph.pipeline import build
from qegraph.resources import ontology_dir

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "viz-small.ttl"
EXPECTED_FILES = [
    "analysis.json",
    "analysis.md",
    "docs/index.html",
    "index.html",
    "qegraph.jsonld",
    "qegraph.ttl",
    "validation.json",
    "validation.txt",
    "viewer.html",
]


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def bundled_build(tmp_path_factory):
    """``qegraph build -o DIR`` on the embedded default, run once through the CLI."""
    folder = tmp_path_factory.mktemp("build") / "out"
    result = CliRunner().invoke(main, ["build", "-o", str(folder)])
    return folder, result


@pytest.fixture(scope="module")
def small_graph():
    return load([ontology_dir() / "schema.ttl", SMALL], bundled=False)


def test_build_on_the_embedded_default_exits_0_and_writes_every_file(bundled_build):
    folder, result = bundled_build
    assert result.exit_code == 0, result.output
    assert _files(folder) == EXPECTED_FILES
    for name in EXPECTED_FILES:
        assert f"wrote {folder / name} (" in result.output


def test_build_prints_a_short_summary(bundled_build, bundled_graph):
    folder, result = bundled_build
    summary = analyze(bundled_graph).summary
    concepts = len(set(bundled_graph.subjects(RDF.type, SKOS.Concept)))
    assert (
        f"{len(bundled_graph):,} triples; {concepts:,} concepts, {summary['nodes']:,} of them "
        f"in the concept map with {summary['edges']:,} relations between them"
    ) in result.output
    assert "Valid: yes (" in result.output
    assert result.output.rstrip().endswith(f"Open {folder / 'index.html'} in a browser to start.")


def test_turtle_and_jsonld_hold_the_merged_graph(bundled_build, bundled_graph):
    folder, _ = bundled_build
    turtle = load([folder / "qegraph.ttl"], bundled=False)
    jsonld = load([folder / "qegraph.jsonld"], bundled=False)
    assert isomorphic(turtle, bundled_graph)
    assert isomorphic(jsonld, bundled_graph)


def test_reports_are_the_library_reports(bundled_build, bundled_graph):
    folder, _ = bundled_build
    report = analyze(bundled_graph)
    assert (folder / "analysis.md").read_text(encoding="utf-8") == report.render("markdown")
    assert json.loads((folder / "analysis.json").read_text(encoding="utf-8")) == json.loads(
        report.render("json")
    )
    validation = json.loads((folder / "validation.json").read_text(encoding="utf-8"))
    assert validation["conforms"] is True and validation["findings"] == []
    assert (folder / "validation.txt").read_text(encoding="utf-8").startswith("Conforms: yes.")


def test_index_page_links_every_other_file(bundled_build):
    folder, _ = bundled_build
    index = (folder / "index.html").read_text(encoding="utf-8")
    for name in EXPECTED_FILES:
        if name != "index.html":
            assert f'href="{name}"' in index


def test_build_is_byte_identical_when_run_twice(tmp_path, small_graph):
    first, second = tmp_path / "a", tmp_path / "b"
    build(small_graph, first)
    build(small_graph, second)
    assert _files(first) == _files(second) == EXPECTED_FILES
    for name in EXPECTED_FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_a_graph_that_does_not_conform_is_still_built_and_exits_1(runner, tmp_path):
    hostile = FIXTURES / "viz-hostile.ttl"
    folder = tmp_path / "out"
    result = runner.invoke(main, ["--data", str(hostile), "build", "-o", str(folder)])
    assert result.exit_code == 1
    assert _files(folder) == EXPECTED_FILES
    validation = json.loads((folder / "validation.json").read_text(encoding="utf-8"))
    problems = len(validation["findings"])
    assert problems > 0
    assert f"Valid: NO, {problems} problem(s) found" in result.output
    assert "Not valid" in (folder / "index.html").read_text(encoding="utf-8")


def test_build_into_a_file_is_refused_with_exit_2(runner, tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("keep me")
    result = runner.invoke(main, ["build", "-o", str(blocker)])
    assert result.exit_code == 2
    assert f"'{blocker}' is a file." in result.output
    assert blocker.read_text() == "keep me"


def test_build_raises_export_error_for_an_unusable_folder(tmp_path, small_graph):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ExportError, match="exists and is not a folder"):
        build(small_graph, blocker / "sub")
