"""Shared fixtures: the bundled graph (loaded once), a CLI runner, and the fixture folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

FIXTURES = Path(__file__).parent / "fixtures"
IN_CI = os.environ.get("CI") == "true"


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
