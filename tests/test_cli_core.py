"""The command line: validate and stats end to end, exit codes, exact error messages, help text."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qegraph import load
from qegraph.cli import main

from .conftest import FIXTURES

INPUT = FIXTURES / "input"
README = Path(__file__).parents[1] / "README.md"


def test_validate_bundled_ontology_exits_0_and_says_it_conforms(runner):
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Conforms: yes.")


def test_validate_exits_1_and_groups_problems_by_rule(runner):
    broken = FIXTURES / "ontology" / "broken-disjoint-sides.ttl"
    base = FIXTURES / "ontology" / "valid-base.ttl"
    result = runner.invoke(main, ["validate", str(base), str(broken)])
    assert result.exit_code == 1
    assert (
        "[owl-rl] Disjoint classes qe:QualityEducationElement and qe:ExamOrientedTrait"
        in result.stdout
    )
    assert "  - qe:test-bad (test bad method)" in result.stdout


def test_validate_json_report_lists_findings(runner):
    base = FIXTURES / "ontology" / "valid-base.ttl"
    broken = FIXTURES / "ontology" / "broken-duplicate-label.ttl"
    result = runner.invoke(main, ["validate", "--format", "json", str(base), str(broken)])
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    assert {f["focus"] for f in report["findings"] if f["rule"].startswith("duplicate-label")} == {
        "https://w3id.org/qegraph/test-good",
        "https://w3id.org/qegraph/test-twin",
    }


def test_malformed_turtle_names_file_line_and_column_and_exits_2(runner):
    path = INPUT / "malformed.ttl"
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}:3:11: Unexpected end of file\n"
    assert "Traceback" not in result.output


def test_undeclared_prefix_is_named(runner):
    path = INPUT / "undeclared-prefix.ttl"
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}:3:6: The prefix foo: has not been declared\n"


def test_missing_file_is_named(runner, tmp_path):
    path = tmp_path / "nowhere.ttl"
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}: no such file\n"


def test_remote_owl_import_is_reported_and_not_fetched(runner):
    path = INPUT / "remote-import.ttl"
    result = runner.invoke(main, ["--data", str(path), "stats"])
    assert result.exit_code == 0
    assert (
        f"warning: {path}: owl:imports <https://example.org/remote.ttl> was not fetched; "
        "qegraph never follows imports (pass the file itself with --data)"
    ) in result.stderr


def test_bad_input_writes_no_report_file(runner, tmp_path):
    out = tmp_path / "report.txt"
    result = runner.invoke(main, ["validate", "-o", str(out), str(INPUT / "malformed.ttl")])
    assert result.exit_code == 2
    assert not out.exists()


def test_validate_writes_the_report_file_atomically(runner, tmp_path):
    out = tmp_path / "report.txt"
    result = runner.invoke(main, ["validate", "-o", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("Conforms: yes.")
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_data_option_merges_user_files_into_the_graph():
    graph = load([INPUT / "extra-concept.ttl"])
    from rdflib import URIRef

    assert (URIRef("https://example.org/mine/growth-mindset"), None, None) in graph


def test_stats_counts_classes_languages_and_modules(runner):
    result = runner.invoke(main, ["stats", "--format", "json"])
    stats = json.loads(result.stdout)
    assert stats["per_class"]["qe:Dimension"] == 5
    assert stats["per_class"]["qe:Characteristic"] == 6
    assert stats["labels_per_language"]["en"] > stats["concepts"]
    assert stats["labels_per_language"]["zh-Hans"] >= stats["concepts"]
    assert set(stats["per_module"]) == {
        "qegraph.ttl",
        "schema.ttl",
        "concepts.ttl",
        "sources.ttl",
        "mappings.ttl",
    }


def test_stats_counts_a_user_file_as_its_own_module(runner):
    path = INPUT / "extra-concept.ttl"
    result = runner.invoke(main, ["--data", str(path), "stats", "--format", "json"])
    assert json.loads(result.stdout)["per_module"][str(path)] == 8


def _commands():
    return sorted(main.commands)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_text(runner, command):
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert main.commands[command].help


@pytest.mark.parametrize("command", _commands())
def test_every_command_appears_in_the_readme(command):
    assert re.search(rf"qegraph(?: --\S+(?: \S+)?)* {re.escape(command)}\b", README.read_text())


def test_help_does_not_import_heavy_packages():
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom qegraph.cli import main\n"
        "CliRunner().invoke(main, ['--help'])\n"
        "heavy = ('rdflib', 'networkx', 'pyvis', 'pyoxigraph')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_version_option_prints_the_package_version(runner):
    from importlib.metadata import version

    result = runner.invoke(main, ["--version"])
    assert result.stdout.strip() == f"qegraph, version {version('qegraph')}"


def test_validate_checks_what_was_loaded_into_a_store(runner, tmp_path):
    store = str(tmp_path / "store")
    assert runner.invoke(main, ["--store", store, "load"]).exit_code == 0
    result = runner.invoke(main, ["--store", store, "validate"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Conforms: yes.")
    broken = FIXTURES / "ontology" / "broken-disjoint-sides.ttl"
    base = FIXTURES / "ontology" / "valid-base.ttl"
    merged = runner.invoke(main, ["--store", store, "validate", str(base), str(broken)])
    assert merged.exit_code == 1
