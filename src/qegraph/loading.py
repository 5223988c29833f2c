"""Load the bundled ontology and user RDF files into an rdflib graph, strictly and offline.

Files are parsed with Oxigraph's parsers (fast, strict about IRIs, precise error positions) and
converted to rdflib terms. A malformed file raises :class:`~qegraph.errors.InputError` whose message
starts with ``FILE:LINE:COL``; ``owl:imports`` are never followed, only reported.

>>> g = load()
>>> (QE["quality-education"], None, None) in g
True
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Iterator
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, XSD

from .errors import InputError
from .namespaces import QE, bind_prefixes
from .resources import module_files

__all__ = [
    "DEFAULT_MAX_INPUT_BYTES",
    "FORMAT_BY_SUFFIX",
    "QegraphWarning",
    "guess_format",
    "iter_quads",
    "load",
    "load_dataset",
    "parse_into",
]

#: Largest input file accepted unless the caller raises it (env ``QEGRAPH_MAX_INPUT_BYTES``).
DEFAULT_MAX_INPUT_BYTES = 512 * 1024 * 1024

#: rdflib-style format names by file suffix.
FORMAT_BY_SUFFIX = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".ntriples": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".n3": "n3",
}

_OX_FORMATS = {
    "turtle": "TURTLE",
    "nt": "N_TRIPLES",
    "nquads": "N_QUADS",
    "trig": "TRIG",
    "xml": "RDF_XML",
    "json-ld": "JSON_LD",
    "n3": "N3",
}

_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class QegraphWarning(UserWarning):
    """Something was deliberately not done (an import not fetched); the CLI prints it to stderr."""


def guess_format(path: str | os.PathLike[str] | Traversable) -> str:
    """The rdflib format name for a file, from its suffix.

    >>> guess_format("people.ttl"), guess_format("dump.nq")
    ('turtle', 'nquads')
    """
    name = str(getattr(path, "name", path))
    suffix = os.path.splitext(name)[1].lower()
    try:
        return FORMAT_BY_SUFFIX[suffix]
    except KeyError:
        known = ", ".join(sorted(FORMAT_BY_SUFFIX))
        raise InputError(
            f"{name}: unknown RDF file type {suffix or '(none)'}; use one of {known}"
        ) from None


def _max_bytes(max_bytes: int | None) -> int:
    if max_bytes is not None:
        return max_bytes
    return int(os.environ.get("QEGRAPH_MAX_INPUT_BYTES", DEFAULT_MAX_INPUT_BYTES))


def _read(source: str | os.PathLike[str] | Traversable, limit: int) -> tuple[str, bytes]:
    display = str(source) if not isinstance(source, Traversable) else f"qegraph:{source.name}"
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        display = str(source)
        if not path.exists():
            raise InputError(f"{display}: no such file")
        if path.is_dir():
            raise InputError(f"{display}: is a directory, not an RDF file")
        try:
            size = path.stat().st_size
            if size > limit:
                raise InputError(
                    f"{display}: file is {size} bytes, over the input limit of {limit} bytes "
                    "(raise it with QEGRAPH_MAX_INPUT_BYTES)"
                )
            return display, path.read_bytes()
        except PermissionError:
            raise InputError(f"{display}: permission denied") from None
        except IsADirectoryError:
            raise InputError(f"{display}: is a directory, not an RDF file") from None
    data = source.read_bytes()
    if len(data) > limit:
        raise InputError(f"{display}: over the input limit of {limit} bytes")
    return display, data


def _syntax_message(display: str, err: SyntaxError) -> str:
    text = str(err.msg if hasattr(err, "msg") else err)
    # Oxigraph says "Parser error at line 3 between columns 6 and 11: <why>"; keep the why.
    why = text.split(": ", 1)[1] if text.startswith("Parser error") and ": " in text else text
    line, col = err.lineno, err.offset
    if line:
        return f"{display}:{line}:{col or 1}: {why}"
    return f"{display}: {why}"


def iter_quads(
    source: str | os.PathLike[str] | Traversable,
    *,
    format: str | None = None,
    max_bytes: int | None = None,
) -> Iterator[tuple[Any, Any, Any, Any]]:
    """Parse one RDF file and yield rdflib ``(s, p, o, graph_name_or_None)`` tuples.

    Raises :class:`InputError` naming ``FILE:LINE:COL`` when the file is malformed.
    """
    import pyoxigraph as ox

    fmt = format or guess_format(source)
    display, data = _read(source, _max_bytes(max_bytes))
    if fmt == "xml" and b"<!DOCTYPE" in data[:65536].upper().replace(b"<!doctype", b"<!DOCTYPE"):
        raise InputError(f"{display}: RDF/XML with a <!DOCTYPE> is refused (entity expansion)")
    ox_format = getattr(ox.RdfFormat, _OX_FORMATS[fmt])
    iri_cache: dict[str, URIRef] = {}
    bnodes: dict[str, BNode] = {}

    def term(t: Any) -> Any:
        kind = type(t)
        if kind is ox.NamedNode:
            value = t.value
            ref = iri_cache.get(value)
            if ref is None:
                ref = iri_cache[value] = URIRef(value)
            return ref
        if kind is ox.BlankNode:
            node = bnodes.get(t.value)
            if node is None:
                node = bnodes[t.value] = BNode()
            return node
        if kind is ox.Literal:
            if t.language:
                return Literal(t.value, lang=t.language)
            dt = t.datatype.value
            if dt == str(XSD.string):
                return Literal(t.value)
            return Literal(t.value, datatype=iri_cache.get(dt) or URIRef(dt))
        if kind is ox.DefaultGraph:
            return None
        raise InputError(f"{display}: RDF-star quoted triples are not supported")

    try:
        for quad in ox.parse(input=data, format=ox_format, path=None, base_iri=None):
            yield term(quad.subject), term(quad.predicate), term(quad.object), term(quad.graph_name)
    except SyntaxError as err:
        raise InputError(_syntax_message(display, err)) from None
    except (ValueError, OSError) as err:
        raise InputError(f"{display}: {err}") from None
    except RecursionError:
        raise InputError(f"{display}: nesting too deep") from None


def _bundled_iris() -> set[str]:
    """Ontology IRIs of the bundled modules: imports of these are satisfied locally."""
    names = ("", "schema", "concepts", "sources", "mappings", "shapes")
    return {str(QE[n]) if n else str(QE).rstrip("/") for n in names} | {str(QE)}


def parse_into(
    graph: Graph,
    source: str | os.PathLike[str] | Traversable,
    *,
    format: str | None = None,
    max_bytes: int | None = None,
) -> Graph:
    """Parse ``source`` and add its triples (named graphs merged) to ``graph``; return ``graph``.

    >>> from rdflib import Graph
    >>> from qegraph.resources import shapes_file
    >>> len(parse_into(Graph(), shapes_file())) > 0
    True
    """
    add = graph.add
    allowed = _bundled_iris()
    for s, p, o, _g in iter_quads(source, format=format, max_bytes=max_bytes):
        add((s, p, o))
        if p == OWL.imports and str(o) not in allowed:
            warnings.warn(
                f"{source}: owl:imports <{o}> was not fetched; qegraph never follows imports "
                "(pass the file itself with --data)",
                QegraphWarning,
                stacklevel=2,
            )
    return graph


def load(
    extra_files: Iterable[str | os.PathLike[str]] = (),
    *,
    bundled: bool = True,
    max_bytes: int | None = None,
) -> Graph:
    """The bundled ontology merged with the user's RDF files, as one rdflib ``Graph``.

    Parameters
    ----------
    extra_files:
        Paths of user files (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD by suffix).
    bundled:
        Include the bundled ontology modules (default True).
    max_bytes:
        Largest accepted file size; default from ``QEGRAPH_MAX_INPUT_BYTES`` or 512 MiB.

    Raises
    ------
    InputError
        A file is missing, unreadable, too large or malformed (``FILE:LINE:COL: why``).

    >>> g = load(bundled=True)
    >>> len(g) > 1000
    True
    """
    graph = bind_prefixes(Graph())
    sources: list[Any] = list(module_files()) if bundled else []
    sources.extend(extra_files)
    for source in sources:
        parse_into(graph, source, max_bytes=max_bytes)
    return graph


def load_dataset(
    extra_files: Iterable[str | os.PathLike[str]] = (),
    *,
    bundled: bool = True,
    max_bytes: int | None = None,
) -> Dataset:
    """Like :func:`load`, but each bundled module and user file goes into its own named graph.

    Bundled modules are named by their ontology IRI (``https://w3id.org/qegraph/concepts``);
    a user file by its ``file:`` URI; quads in N-Quads and TriG files keep their own graph names.
    """
    dataset = Dataset()
    bind_prefixes(dataset)
    for module in module_files() if bundled else []:
        stem = module.name.rsplit(".", 1)[0]
        name = URIRef(str(QE).rstrip("/")) if stem == "qegraph" else QE[stem]
        parse_into(dataset.graph(name), module, max_bytes=max_bytes)
    for path in extra_files:
        default_name = URIRef(Path(path).resolve().as_uri())
        for s, p, o, g in iter_quads(path, max_bytes=max_bytes):
            dataset.graph(g if g is not None else default_name).add((s, p, o))
    return dataset
