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


def test_ci_runs_the_readme_run_command_in_a_fresh_venv():
    assert "<!-- run-command -->" in CI_RUN or "readme_command run-command" in CI_RUN
    assert "python -m venv" in CI_RUN
    assert "system-site-packages" not in CI_RUN


def _curation_commands() -> list[str]:
    section = README.split("<!-- section:curate -->", 1)[1].split("<!-- /section:curate -->")[0]
    blocks = re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)
    lines = "\n".join(blocks).replace("\\\n", " ").splitlines()
    return [line for line in lines if line.startswith("qegraph ")]


def test_the_curation_section_runs_as_written_on_the_example(tmp_path):
    """The README's commands for a researcher, run in a copy of examples/, give its modules."""
    import shlex
    import shutil
    import subprocess
    import sys

    folder = tmp_path / "example"
    shutil.copytree(Path(__file__).parents[1] / "examples", folder)
    commands = _curation_commands()
    assert [c.split()[1] for c in commands][:3] == ["source", "curate", "validate"]
    for command in commands[:4]:  # source add, curate, validate, the CQ-29 query
        args = shlex.split(command)[1:]
        result = subprocess.run(
            [sys.executable, "-m", "qegraph", *args], cwd=folder, capture_output=True, text=True
        )
        assert result.returncode == 0, (command, result.stderr)
    for name in ("sources.ttl", "mine.ttl"):
        assert (folder / name).read_bytes() == (
            Path(__file__).parents[1] / "examples" / name
        ).read_bytes()
    assert (
        "portfolio-assessment" in result.stdout
        and "growth is judged over the year" in result.stdout
    )
