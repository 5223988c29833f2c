"""The README's promises stay true: its two commands come first, and its module table matches the
graph."""

from __future__ import annotations

import re
from pathlib import Path

from qegraph.loading import iter_quads
from qegraph.resources import ontology_dir

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
CI_RUN = (Path(__file__).parents[1] / ".ci" / "run").read_text(encoding="utf-8")


def _fenced_after(marker: str) -> str:
    block = README.split(marker, 1)[1]
    return block.split("```sh\n", 1)[1].split("\n```", 1)[0]


def test_readme_opens_with_the_run_command_then_the_test_command():
    fences = re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)
    assert fences[0] == _fenced_after("<!-- run-command -->") == "pip install . && qegraph build"
    assert fences[1] == _fenced_after("<!-- test-command -->")
    assert "pytest" in fences[1]


def test_ci_runs_the_readme_test_command():
    assert "<!-- test-command -->" in CI_RUN


def test_module_table_gives_the_true_triple_count_of_every_module():
    rows = re.findall(r"\| `ontology/([\w.]+\.ttl)` \| (\d+) \|", README)
    assert len(rows) == 6
    for name, count in rows:
        assert sum(1 for _ in iter_quads(ontology_dir() / name)) == int(count), name
