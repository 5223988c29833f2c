"""Where the bundled ontology, shapes and queries live, found with ``importlib.resources``.

The ``ontology/`` folder of the repository ships inside the wheel as ``qegraph/ontology``, so the
same code works from a checkout, an editable install and a plain ``pip install``.

>>> [p.name for p in module_files()]
['qegraph.ttl', 'schema.ttl', 'concepts.ttl', 'sources.ttl', 'mappings.ttl']
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = [
    "DATA_MODULES",
    "check_files",
    "construct_files",
    "module_files",
    "ontology_dir",
    "query_files",
    "shapes_file",
]

#: The data modules in load order; the SHACL shapes are kept apart from the data they check.
DATA_MODULES = ("qegraph.ttl", "schema.ttl", "concepts.ttl", "sources.ttl", "mappings.ttl")


def ontology_dir() -> Traversable:
    """The bundled ``ontology/`` folder."""
    return files("qegraph") / "ontology"


def module_files() -> list[Traversable]:
    """The bundled Turtle data modules, umbrella first."""
    return [ontology_dir() / name for name in DATA_MODULES]


def shapes_file() -> Traversable:
    """The bundled SHACL shapes module."""
    return ontology_dir() / "shapes.ttl"


def query_files() -> list[Traversable]:
    """The competency-question queries ``ontology/queries/cq-*.rq``, sorted by number."""
    folder = ontology_dir() / "queries"
    return sorted(
        (p for p in folder.iterdir() if p.name.startswith("cq-") and p.name.endswith(".rq")),
        key=lambda p: p.name,
    )


def construct_files() -> list[Traversable]:
    """The CONSTRUCT queries for common subsets, ``ontology/queries/construct/cx-*.rq``, sorted."""
    folder = ontology_dir() / "queries" / "construct"
    return sorted(
        (p for p in folder.iterdir() if p.name.startswith("cx-") and p.name.endswith(".rq")),
        key=lambda p: p.name,
    )


def check_files() -> list[Traversable]:
    """The quality checks ``ontology/queries/checks/*-violation.rq``, sorted by name."""
    folder = ontology_dir() / "queries" / "checks"
    return sorted(
        (p for p in folder.iterdir() if p.name.endswith("-violation.rq")), key=lambda p: p.name
    )
