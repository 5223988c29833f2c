"""A wheel built from the repository installs in a fresh virtual environment and loads the ontology
from inside the package (importlib.resources), not from the checkout."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.mark.slow
def test_wheel_installs_in_a_fresh_venv_and_validates_the_bundled_ontology(tmp_path):
    """The wheel and its dependencies install into a venv without system site packages."""
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
    )
    (wheel,) = dist.glob("qegraph-*.whl")
    env_dir = tmp_path / "venv"
    # A venv as a new user makes it: no system site packages, so the wheel must bring its
    # dependencies (pip resolves them from the package index, as `pip install .` does).
    venv.create(env_dir, system_site_packages=False, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        check=True,
    )
    code = (
        "import qegraph, pathlib, rdflib\n"
        "print(pathlib.Path(qegraph.__file__).resolve())\n"
        "print(pathlib.Path(rdflib.__file__).resolve())\n"
        "print(len(qegraph.load()))\n"
    )
    out = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    location, rdflib_location, triples = out.stdout.split()
    assert Path(location).is_relative_to(env_dir.resolve())
    assert Path(rdflib_location).is_relative_to(env_dir.resolve())  # not the system's rdflib
    assert int(triples) > 3000
    validated = subprocess.run(
        [str(env_dir / "bin" / "qegraph"), "validate"], capture_output=True, text=True, cwd=tmp_path
    )
    assert validated.returncode == 0, validated.stderr
    assert validated.stdout.startswith("Conforms: yes.")
