"""The ``owl:Ontology`` header every user module carries, like the bundled modules.

The SHACL ontology shape asks each module for a title, description, creator, licence, dates,
version IRI and version, and its preferred prefix; :func:`module_header` writes all of them so
that a module written by ``source add`` or ``curate`` passes ``qegraph validate`` as it is.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, XSD

from ..errors import InputError
from ..namespaces import QE, VANN

__all__ = [
    "CC_BY",
    "ModuleInfo",
    "check_date",
    "existing_dates",
    "module_header",
    "module_iri",
    "namespace_prefix",
    "render_module",
    "slug",
    "today",
]

#: The licence of a module unless the user gives another one.
CC_BY = "https://creativecommons.org/licenses/by/4.0/"

_SCHEMA = URIRef("https://w3id.org/qegraph/schema")


def slug(text: str) -> str:
    """``text`` as a kebab-case local name: lower case, ASCII letters and digits, hyphens.

    >>> slug("Learning by Doing (2024)")
    'learning-by-doing-2024'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class ModuleInfo:
    """What the header of a user module says; ``iri`` names the module (``owl:Ontology``)."""

    iri: str
    title: str
    description: str
    creator: str
    created: str
    modified: str
    version: str = "0.1.0"
    license: str = CC_BY
    namespace: str = str(QE)


def namespace_prefix(namespace: str) -> str:
    """The preferred prefix a module in ``namespace`` declares: ``qe`` for qegraph's, else the
    namespace's last path segment (letters only), else ``my``.

    >>> namespace_prefix("https://w3id.org/qegraph/"), namespace_prefix("https://example.org/me/")
    ('qe', 'me')
    """
    if namespace == str(QE):
        return "qe"
    last = re.sub(r"[^A-Za-z]", "", namespace.rstrip("/#").rsplit("/", 1)[-1])
    return last.lower() or "my"


def module_iri(namespace: str, output: str | Path) -> str:
    """The default IRI of the module written to ``output``: ``<namespace>module/<file stem>``.

    >>> module_iri("https://w3id.org/qegraph/", "notes/my-claims.ttl")
    'https://w3id.org/qegraph/module/my-claims'
    """
    return f"{namespace}module/{slug(Path(output).stem) or 'mine'}"


def existing_dates(output: str | Path) -> tuple[str, str] | None:
    """``(created, modified)`` of the module already at ``output``, so that re-running a command
    keeps them (and the file's bytes); None when there is no such readable file."""
    path = Path(output)
    if not path.is_file():
        return None
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception:  # an unreadable old file is simply replaced
        return None
    for module in graph.subjects(RDF.type, OWL.Ontology):
        created = graph.value(module, DCTERMS.created)
        modified = graph.value(module, DCTERMS.modified)
        if created is not None and modified is not None:
            return str(created), str(modified)
    return None


def check_date(value: str, what: str = "--date") -> str:
    """``value`` if it is an ISO date (YYYY-MM-DD), else an :class:`InputError`."""
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{what} {value!r}: expected a date as YYYY-MM-DD") from None
    return value


def today() -> str:
    """Today's date in UTC as YYYY-MM-DD."""
    return _dt.datetime.now(_dt.UTC).date().isoformat()


def module_header(graph: Graph, info: ModuleInfo) -> URIRef:
    """Add the ``owl:Ontology`` header of ``info`` to ``graph`` and return the module IRI."""
    module = URIRef(info.iri)
    graph.add((module, RDF.type, OWL.Ontology))
    graph.add((module, DCTERMS.title, Literal(info.title, lang="en")))
    graph.add((module, DCTERMS.description, Literal(info.description, lang="en")))
    graph.add((module, DCTERMS.creator, Literal(info.creator)))
    graph.add((module, DCTERMS.license, URIRef(info.license)))
    graph.add((module, DCTERMS.created, Literal(info.created, datatype=XSD.date)))
    graph.add((module, DCTERMS.modified, Literal(info.modified, datatype=XSD.date)))
    graph.add((module, OWL.versionIRI, URIRef(f"{info.iri}/{info.version}")))
    graph.add((module, OWL.versionInfo, Literal(info.version)))
    graph.add((module, VANN.preferredNamespacePrefix, Literal(namespace_prefix(info.namespace))))
    graph.add((module, VANN.preferredNamespaceUri, Literal(info.namespace)))
    graph.add((module, OWL.imports, _SCHEMA))
    return module


def render_module(
    build: Callable[[str, str], Graph], output: str | Path, date: str | None = None
) -> str:
    """Deterministic Turtle of the module ``build(created, modified)`` makes for ``output``.

    The dates come from ``date`` when given; otherwise those of the module already at
    ``output`` are kept while its content is unchanged (so re-running a command on the same
    input changes no byte), ``modified`` becomes today when the content changed, and a new
    module is created and modified today.
    """
    from ..exporting import to_turtle

    if date is not None:
        day = check_date(date)
        return to_turtle(build(day, day))
    old = existing_dates(output)
    if old is None:
        return to_turtle(build(today(), today()))
    text = to_turtle(build(*old))
    if Path(output).read_text(encoding="utf-8", errors="replace") == text:
        return text
    return to_turtle(build(old[0], today()))
