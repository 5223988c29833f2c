"""Shared fixtures: the bundled graph (loaded once), a CLI runner, and the fixture folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

FIXTURES = Path(__file__).parent / "fixtures"
IN_CI = os.environ.get("CI") == "true"

# CI explores the same Hypothesis examples on every run, so a red build is reproducible; a
# developer's run keeps exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True, database=None)
if IN_CI:
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def bundled_graph():
    """The bundled ontology as one rdflib Graph; tests must not modify it."""
    from qegraph import load

    return load()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def fixtures() -> Path:
    return FIXTURES
