"""Load the bundled ontology and user RDF files into an rdflib graph, strictly and offline.

Files are parsed with Oxigraph's parsers (fast, strict about IRIs, precise error positions) and
converted to rdflib terms. A malformed file raises :class:`~qegraph.errors.InputError` whose message
starts with ``FILE:LINE:COL``; ``owl:imports`` are never followed, only reported.

>>> from qegraph.namespaces import QE
>>> g = load()
>>> (QE["quality-education"], None, None) in g
True
"""

from __future__ import annotations

import html
import json
import os
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .errors import InputError, NetworkRefusedError
from .inputs import (
    DEFAULT_MAX_INPUT_BYTES,
    DEFAULT_MAX_NESTING,
    FORMAT_BY_SUFFIX,
    _max_bytes,
    _max_nesting,
    guess_format,
)
from .namespaces import PREFIXES, bind_prefixes, language_tag
from .resources import module_files
from .safety import no_network

if TYPE_CHECKING:  # rdflib is imported where it is used: engine_store needs none of it
    from rdflib import Dataset, Graph

__all__ = [
    "DEFAULT_MAX_INPUT_BYTES",
    "DEFAULT_MAX_NESTING",
    "FORMAT_BY_SUFFIX",
    "QegraphWarning",
    "check_input",
    "engine_quads",
    "engine_store",
    "faithful_engine_store",
    "guess_format",
    "iter_quads",
    "load",
    "load_dataset",
    "parse_into",
]

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
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"
_QE = PREFIXES["qe"]
#: The language tags rdflib's ``Literal`` accepts (its own pattern): the engine path refuses
#: the same ones (Oxigraph checks tags itself, except in lenient JSON-LD).
_LANG_TAG = re.compile(r"^[a-zA-Z]+(?:-[a-zA-Z0-9]+)*$")
_UTF8_BOM = b"\xef\xbb\xbf"


class QegraphWarning(UserWarning):
    """Something was deliberately not done (an import not fetched); the CLI prints it to stderr."""


def checked_file_size(path: str | os.PathLike[str], limit: int) -> int:
    """The size of the RDF file at ``path``, after checking it exists, is a file, and is not over
    ``limit`` bytes (a pipe or a device reports 0 here; its reader must still cap what it reads).

    Raises :class:`InputError` naming the file otherwise.
    """
    display = str(path)
    path = Path(path)
    if not path.exists():
        raise InputError(f"{display}: no such file")
    if path.is_dir():
        raise InputError(f"{display}: is a directory, not an RDF file")
    try:
        size = path.stat().st_size
    except PermissionError:
        raise InputError(f"{display}: permission denied") from None
    if size > limit:
        raise InputError(
            f"{display}: file is {size} bytes, over the input limit of {limit} bytes "
            "(raise it with QEGRAPH_MAX_INPUT_BYTES)"
        )
    return size


def _read(source: str | os.PathLike[str] | Traversable, limit: int) -> tuple[str, bytes]:
    display = str(source) if not isinstance(source, Traversable) else f"qegraph:{source.name}"
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        display = str(source)
        checked_file_size(path, limit)
        try:
            # Read at most one byte over the limit: a pipe or a device has no size to check.
            with path.open("rb") as handle:
                data = handle.read(limit + 1)
            if len(data) > limit:
                raise InputError(
                    f"{display}: over the input limit of {limit} bytes "
                    "(raise it with QEGRAPH_MAX_INPUT_BYTES)"
                )
            return display, data
        except PermissionError:
            raise InputError(f"{display}: permission denied") from None
        except IsADirectoryError:
            raise InputError(f"{display}: is a directory, not an RDF file") from None
    data = source.read_bytes()
    if len(data) > limit:
        raise InputError(f"{display}: over the input limit of {limit} bytes")
    return display, data


_LONG_WORD = re.compile(r"\S{101,}")


def _shown(text: str) -> str:
    r"""``text`` safe to print: control characters escaped (no terminal escape sequences from a
    hostile file), and any word over 100 characters cut short (a parser may quote a huge token).

    >>> print(_shown("bell\x07 " + "x" * 150 + " is not valid")[-40:])
    xxxxxx... (150 characters) is not valid
    >>> print(_shown("bell\x07"))
    bell\u0007
    """
    cleaned = "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf") else c for c in text
    )
    return _LONG_WORD.sub(lambda m: f"{m.group()[:80]}... ({len(m.group())} characters)", cleaned)


def _quoted(text: str) -> str:
    """``text`` in single quotes for a message, made safe by :func:`_shown`."""
    return "'" + _shown(text) + "'"


def _syntax_message(display: str, err: SyntaxError, data: bytes) -> str:
    text = str(err.msg if hasattr(err, "msg") else err)
    # Oxigraph says "Parser error at line 3 between columns 6 and 11: <why>"; keep the why.
    why = text.split(": ", 1)[1] if text.startswith("Parser error") and ": " in text else text
    line, col = err.lineno, err.offset
    if line:
        return f"{display}:{line}:{col or 1}: {_shown(why)}"
    # RDF/XML errors carry no position; find the quoted culprit ('IRI') in the file instead.
    quoted = re.search(r"'([^']+)'", why)
    where = _locate(data, quoted.group(1)) if quoted else None
    if where:
        return f"{display}:{where[0]}:{where[1]}: {_shown(why)}"
    return f"{display}: {_shown(why)}"


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a byte offset; the column counts characters."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _locate(data: bytes, text: str) -> tuple[int, int] | None:
    """(line, column) of the first occurrence of ``text``, as written or escaped (JSON, XML)."""
    escaped = (json.dumps(text)[1:-1], html.escape(text), html.escape(text, quote=False))
    for needle in (text, *escaped):
        offset = data.find(needle.encode("utf-8"))
        if offset >= 0:
            return _position(data, offset)
    return None


def _too_deep(display: str, line: int, limit: int) -> InputError:
    return InputError(
        f"nesting too deep at {display}:{line} (more than {limit} levels; "
        "raise QEGRAPH_MAX_NESTING to allow it)"
    )


# Tokens that can hide brackets (strings, IRIs, comments), and the brackets themselves.
_TURTLE_TOKENS = re.compile(
    rb'"""(?:"{0,2}(?:[^"\\]|\\.))*"""'
    rb"|'''(?:'{0,2}(?:[^'\\]|\\.))*'''"
    rb'|"(?:[^"\\\n\r]|\\.)*"'
    rb"|'(?:[^'\\\n\r]|\\.)*'"
    rb'|<(?:[^<>"{}|^`\\\x00-\x20]|\\.)*>'
    rb"|#[^\n\r]*"
    rb"|[\[\](){}]",
    re.DOTALL,
)
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_OPENERS = frozenset(b"[({")


def _check_nesting(display: str, data: bytes, tokens: re.Pattern[bytes], limit: int) -> None:
    """Refuse brackets nested deeper than ``limit``: parsers and serializers recurse on them."""
    if sum(data.count(c) for c in (b"[", b"(", b"{")) <= limit:
        return  # cannot nest deeper than it has openers: skip the scan
    depth = 0
    for match in tokens.finditer(data):
        token = match.group()
        if len(token) != 1:
            continue
        if token[0] in _OPENERS:
            depth += 1
            if depth > limit:
                raise _too_deep(display, _position(data, match.start())[0], limit)
        else:
            depth -= 1


class _Refused(Exception):
    pass


def _check_xml(display: str, data: bytes, limit: int) -> None:
    """Well-formed, no DOCTYPE (entity bombs, external entities), bounded depth: checked by expat.

    Oxigraph's RDF/XML parser expands internal entities, accepts an unclosed document and is
    quadratic in the nesting depth, so a fast expat pass goes first.
    """
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator=" ")
    depth = 0

    def doctype(*_args: Any) -> None:
        raise _Refused(
            f"{display}:{parser.CurrentLineNumber}:{parser.CurrentColumnNumber + 1}: "
            "RDF/XML with a <!DOCTYPE> is refused (entity expansion, external entities)"
        )

    def start(*_args: Any) -> None:
        nonlocal depth
        depth += 1
        if depth > limit:
            raise _Refused(str(_too_deep(display, parser.CurrentLineNumber, limit)))

    def end(*_args: Any) -> None:
        nonlocal depth
        depth -= 1

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _Refused as err:
        raise InputError(str(err)) from None
    except expat.ExpatError as err:
        why = expat.errors.messages[err.code]
        raise InputError(f"{display}:{err.lineno}:{err.offset + 1}: {why}") from None


def _iter_contexts(node: Any) -> Iterator[Any]:
    """Every ``@context`` and ``@import`` value in a parsed JSON-LD document."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("@context", "@import"):
                    yield value
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def _check_json_contexts(display: str, data: bytes) -> None:
    """Refuse a JSON-LD ``@context`` (or ``@import``) given by URL: it would be fetched."""
    if b'"@context"' not in data and b'"@import"' not in data:
        return
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return  # malformed: the RDF parser reports where
    for value in _iter_contexts(document):
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                where = _locate(data, item)
                at = f"{display}:{where[0]}:{where[1]}" if where else display
                kind = "a local file" if item.lower().startswith("file:") else "the network"
                raise NetworkRefusedError(
                    f"{at}: JSON-LD context {_quoted(item)} would be fetched from {kind}; qegraph "
                    "never fetches contexts (put the context object inline in the file)"
                )


def _check_iri(value: str, display: str, data: bytes) -> None:
    """Reject an IRI that Oxigraph's strict mode refuses; for formats parsed leniently."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(value)
    except ValueError as err:
        where = _locate(data, value)
        at = f"{display}:{where[0]}:{where[1]}" if where else display
        if ":" not in value:
            raise InputError(
                f"{at}: {_quoted(value)} is not an IRI (a relative IRI, or a term that no @context "
                "maps; JSON-LD would drop it silently)"
            ) from None
        raise InputError(f"{at}: invalid IRI {_quoted(value)}: {_shown(str(err))}") from None


def _n3_formula(display: str, data: bytes) -> InputError:
    """N3 formulas ``{ ... }`` are quoted graphs (rule bodies, beliefs): loading their triples
    as facts would change what the file says."""
    brace = next((m.start() for m in _TURTLE_TOKENS.finditer(data) if m.group() == b"{"), None)
    at = f"{display}:{':'.join(map(str, _position(data, brace)))}" if brace is not None else display
    return InputError(
        f"{at}: N3 formulas {{ ... }} are quoted graphs, not facts; qegraph does not load them "
        "(keep plain triples, or convert the file to Turtle)"
    )


def _precheck(display: str, data: bytes, fmt: str) -> None:
    nesting = _max_nesting()
    if fmt == "xml":
        _check_xml(display, data, nesting)
    elif fmt == "json-ld":
        _check_nesting(display, data, _JSON_TOKENS, nesting)
        _check_json_contexts(display, data)
    elif fmt in ("turtle", "trig", "n3"):
        _check_nesting(display, data, _TURTLE_TOKENS, nesting)


def check_input(
    source: str | os.PathLike[str] | Traversable,
    *,
    format: str | None = None,
    max_bytes: int | None = None,
) -> None:
    """Refuse a file that would hang, crash or leak before any parser sees it.

    The checks :func:`iter_quads` runs first, for code that hands files to another parser (an
    Oxigraph store's bulk loader, say): size cap, RDF/XML well-formed and without
    ``<!DOCTYPE``, nesting depth (Oxigraph's JSON-LD parser overflows its stack on deep
    nesting), JSON-LD contexts given by URL.

    Raises
    ------
    InputError, NetworkRefusedError
        As :func:`iter_quads` does.

    >>> from qegraph.resources import shapes_file
    >>> check_input(shapes_file())
    """
    fmt = format or guess_format(source)
    display, data = _read(source, _max_bytes(max_bytes))
    _precheck(display, data, fmt)


def iter_quads(
    source: str | os.PathLike[str] | Traversable,
    *,
    format: str | None = None,
    max_bytes: int | None = None,
    engine_terms: bool = False,
) -> Iterator[tuple[Any, Any, Any, Any]]:
    """Parse one RDF file and yield rdflib ``(s, p, o, graph_name_or_None)`` tuples.

    With ``engine_terms``, the terms are Oxigraph's own (the graph name ``DefaultGraph``), after
    the same checks, and blank nodes are still scoped to the file: for code that works on the
    engine's terms (exports) and needs no rdflib object per term.

    Parsing runs under :func:`~qegraph.safety.no_network` and refuses what would hang, crash or
    lose data: files over the size cap, RDF/XML with a ``<!DOCTYPE``, brackets or elements
    nested deeper than ``QEGRAPH_MAX_NESTING`` (default 100), JSON-LD contexts given by URL,
    invalid IRIs, and JSON-LD terms that would be dropped.

    Raises
    ------
    InputError
        The file is missing, too large or malformed; the message names ``FILE:LINE:COL``.
    NetworkRefusedError
        The file asks for a remote (or ``file:``) JSON-LD context.

    >>> from qegraph.resources import shapes_file
    >>> next(iter_quads(shapes_file()))[3] is None
    True
    """
    import pyoxigraph as ox

    if not engine_terms:
        from rdflib import BNode, Literal, URIRef

    fmt = format or guess_format(source)
    display, data = _read(source, _max_bytes(max_bytes))
    if data.startswith(_UTF8_BOM) and fmt not in ("xml", "json-ld"):
        data = data[len(_UTF8_BOM) :]  # editors on Windows add one; Oxigraph reads it as text
    _precheck(display, data, fmt)
    # Oxigraph's strict JSON-LD mode drops invalid IRIs and unmapped terms silently: parse
    # leniently and check every IRI here, so that nothing is lost without an error.
    lenient = fmt == "json-ld"
    ox_format = getattr(ox.RdfFormat, _OX_FORMATS[fmt])
    iri_cache: dict[str, URIRef] = {}
    bnodes: dict[str, BNode] = {}
    # Oxigraph lower-cases language tags; give them back their conventional case (zh-Hans).
    languages: dict[str, str] = {}

    def iri(value: str) -> URIRef:
        ref = iri_cache.get(value)
        if ref is None:
            if lenient:
                _check_iri(value, display, data)
            ref = iri_cache[value] = URIRef(value)
        return ref

    def term(t: Any) -> Any:
        kind = type(t)
        if kind is ox.NamedNode:
            return iri(t.value)
        if kind is ox.BlankNode:
            node = bnodes.get(t.value)
            if node is None:
                node = bnodes[t.value] = BNode()
            return node
        if kind is ox.Literal:
            if t.language:
                try:
                    lang = languages.get(t.language)
                    if lang is None:
                        lang = languages[t.language] = language_tag(t.language)
                    return Literal(t.value, lang=lang)
                except ValueError:
                    where = _locate(data, t.language)
                    at = f"{display}:{where[0]}:{where[1]}" if where else display
                    raise InputError(f"{at}: invalid language tag {_quoted(t.language)}") from None
            dt = t.datatype.value
            if dt == _XSD_STRING:
                return Literal(t.value)
            return Literal(t.value, datatype=iri(dt))
        if kind is ox.DefaultGraph:
            return None
        raise InputError(f"{display}: RDF-star quoted triples are not supported")

    checked_iris: set[str] = set()
    ox_bnodes: dict[str, Any] = {}

    def engine_term(t: Any) -> Any:
        # The checks of term() above, keeping Oxigraph's term.
        kind = type(t)
        if kind is ox.NamedNode:
            if lenient and t.value not in checked_iris:
                _check_iri(t.value, display, data)
                checked_iris.add(t.value)
            return t
        if kind is ox.Literal:
            if t.language:
                if t.language not in languages:
                    try:
                        if not _LANG_TAG.match(t.language):
                            raise ValueError(t.language)  # rdflib's Literal refuses it too
                        languages[t.language] = language_tag(t.language)
                    except ValueError:
                        where = _locate(data, t.language)
                        at = f"{display}:{where[0]}:{where[1]}" if where else display
                        raise InputError(
                            f"{at}: invalid language tag {_quoted(t.language)}"
                        ) from None
            elif lenient:
                engine_term(t.datatype)
            return t
        if kind is ox.BlankNode:
            # Oxigraph keeps the file's labels: two files may both say _:b0.
            node = ox_bnodes.get(t.value)
            if node is None:
                node = ox_bnodes[t.value] = ox.BlankNode()
            return node
        if kind is ox.DefaultGraph:
            return t
        raise InputError(f"{display}: RDF-star quoted triples are not supported")

    convert = engine_term if engine_terms else term

    try:
        with no_network(f"parsing {display}"):
            for quad in ox.parse(input=data, format=ox_format, base_iri=None, lenient=lenient):
                if fmt == "n3" and type(quad.graph_name) is not ox.DefaultGraph:
                    raise _n3_formula(display, data)
                yield (
                    convert(quad.subject),
                    convert(quad.predicate),
                    convert(quad.object),
                    convert(quad.graph_name),
                )
    except SyntaxError as err:
        if "LoadDocumentCallback" in str(err):
            raise NetworkRefusedError(
                f"{display}: the JSON-LD file asks for a remote context; qegraph never fetches "
                "contexts (put the context object inline in the file)"
            ) from None
        raise InputError(_syntax_message(display, err, data)) from None
    except (ValueError, OSError) as err:
        raise InputError(f"{display}: {err}") from None
    except RecursionError:
        raise InputError(f"nesting too deep in {display}") from None
    except MemoryError:
        from .limits import token_too_large

        raise InputError(token_too_large(display)) from None


def _bundled_iris() -> set[str]:
    """Ontology IRIs of the bundled modules: imports of these are satisfied locally."""
    names = ("", "schema", "concepts", "sources", "mappings", "shapes")
    return {_QE + n if n else _QE.rstrip("/") for n in names} | {_QE}


def _module_iri(module: Traversable) -> str:
    """The ontology IRI of a bundled module (its graph name in :func:`load_dataset`)."""
    stem = module.name.rsplit(".", 1)[0]
    return _QE.rstrip("/") if stem == "qegraph" else _QE + stem


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
    for s, p, o, _g in _quads_noting_imports(source, format=format, max_bytes=max_bytes):
        add((s, p, o))
    return graph


def _quads_noting_imports(
    source: str | os.PathLike[str] | Traversable,
    *,
    format: str | None = None,
    max_bytes: int | None = None,
    engine_terms: bool = False,
) -> Iterator[tuple[Any, Any, Any, Any]]:
    """:func:`iter_quads`, warning of each ``owl:imports`` it will not follow."""
    allowed = _bundled_iris()
    # Made once: a per-quad OWL.imports lookup was 13% of a load.
    if engine_terms:
        import pyoxigraph as ox

        imports: Any = ox.NamedNode(_OWL_IMPORTS)
    else:
        from rdflib import URIRef

        imports = URIRef(_OWL_IMPORTS)
    for quad in iter_quads(source, format=format, max_bytes=max_bytes, engine_terms=engine_terms):
        _s, p, o, _g = quad
        iri = str(getattr(o, "value", o) if engine_terms else o)
        if p == imports and iri not in allowed:
            warnings.warn(
                f"{source}: owl:imports <{iri}> was not fetched; qegraph never follows imports "
                "(pass the file itself with --data)",
                QegraphWarning,
                stacklevel=3,
            )
        yield quad


def load(
    extra_files: Iterable[str | os.PathLike[str]] = (),
    *,
    bundled: bool = True,
    max_bytes: int | None = None,
    engine: Literal["rdflib", "oxigraph"] = "rdflib",
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
    engine:
        Where the triples live. ``"rdflib"`` (default): rdflib's memory store, every term an
        rdflib object. ``"oxigraph"``: an in-memory Oxigraph store behind the same ``Graph``
        interface, filled by Oxigraph's bulk loader after the same checks (about 6x faster to
        load a big file, and ``graph.query`` text runs in Oxigraph's SPARQL engine); reading
        it triple by triple is slower. A file holding XSD values Oxigraph writes back in its own
        form (``"1.0"^^xsd:decimal`` as ``"1"``) is read into rdflib's store instead, with a
        :class:`QegraphWarning`, so that literals always read back as written.

    Raises
    ------
    InputError
        A file is missing, unreadable, too large or malformed (``FILE:LINE:COL: why``); the
        same error, word for word, with either engine.

    >>> g = load(bundled=True)
    >>> len(g) > 1000
    True
    >>> fast = load(engine="oxigraph")
    >>> len(fast) == len(g), bool(fast.query("ASK { qe:quality-education qe:opposes ?x }"))
    (True, True)
    """
    from rdflib import Graph

    if engine not in ("rdflib", "oxigraph"):
        raise ValueError(f"engine must be 'rdflib' or 'oxigraph', not {engine!r}")
    files = list(extra_files)
    if engine == "oxigraph":
        graph = _oxigraph_graph(files, bundled, max_bytes)
        if graph is not None:
            return graph
    graph = bind_prefixes(Graph())
    # The size cap is for the user's files; the bundled modules are ours and always load.
    for module in module_files() if bundled else []:
        parse_into(graph, module, max_bytes=DEFAULT_MAX_INPUT_BYTES)
    if engine == "rdflib":
        for source in files:
            parse_into(graph, source, max_bytes=max_bytes)
        return graph
    with warnings.catch_warnings():  # read once already: its owl:imports warnings were given
        warnings.simplefilter("ignore", QegraphWarning)
        for source in files:
            parse_into(graph, source, max_bytes=max_bytes)
    return graph


def _oxigraph_graph(
    files: list[str | os.PathLike[str]], bundled: bool, max_bytes: int | None
) -> Graph | None:
    """:func:`load` with ``engine="oxigraph"``; None (after a warning) when a file holds
    literals the Oxigraph store would give back otherwise than rdflib does."""
    import pyoxigraph as ox
    from rdflib import Graph, URIRef

    from .oxrdf import oxigraph_store_class
    from .oxstore import DEFAULT_GRAPH

    store = ox.Store()
    rewritten = None
    for module in module_files() if bundled else []:
        _store_file(store, module, DEFAULT_MAX_INPUT_BYTES)
    for source in files:
        if not _store_file(store, source, _max_bytes(max_bytes)) and rewritten is None:
            rewritten = source
    if rewritten is not None:
        warnings.warn(
            f"{rewritten}: holds XSD values that Oxigraph writes back in its own form "
            '("1.0"^^xsd:decimal as "1", xsd:positiveInteger as xsd:integer); '
            "loaded into rdflib's memory store instead, so that literals read back as written",
            QegraphWarning,
            stacklevel=3,
        )
        return None
    rdf_store = oxigraph_store_class()(store=store, graph_iri=DEFAULT_GRAPH)
    return bind_prefixes(Graph(store=rdf_store, identifier=URIRef(DEFAULT_GRAPH)))


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
    from rdflib import Dataset, URIRef

    dataset = Dataset()
    bind_prefixes(dataset)
    for module in module_files() if bundled else []:
        name = URIRef(_module_iri(module))
        parse_into(dataset.graph(name), module, max_bytes=DEFAULT_MAX_INPUT_BYTES)
    for path in extra_files:
        default_name = URIRef(Path(path).resolve().as_uri())
        for s, p, o, g in _quads_noting_imports(path, max_bytes=max_bytes):
            dataset.graph(g if g is not None else default_name).add((s, p, o))
    return dataset


def engine_quads(
    extra_files: Iterable[str | os.PathLike[str]] = (),
    *,
    bundled: bool = True,
    named: bool = False,
    max_bytes: int | None = None,
) -> Iterator[tuple[Any, Any, Any, Any]]:
    """The quads :func:`load` (or, with ``named``, :func:`load_dataset`) reads, as Oxigraph terms.

    Same files, checks, warnings and errors; with ``named``, each bundled module and user file
    gets the graph name :func:`load_dataset` gives it. Exports read this instead of an rdflib graph.

    >>> sum(1 for _ in engine_quads()) == len(load())
    True
    """
    import pyoxigraph as ox

    default = ox.DefaultGraph()
    for module in module_files() if bundled else []:
        name = ox.NamedNode(_module_iri(module))
        for s, p, o, _g in _quads_noting_imports(
            module, max_bytes=DEFAULT_MAX_INPUT_BYTES, engine_terms=True
        ):
            yield s, p, o, name if named else default
    for path in extra_files:
        name = ox.NamedNode(Path(path).resolve().as_uri())
        for s, p, o, g in _quads_noting_imports(path, max_bytes=max_bytes, engine_terms=True):
            yield s, p, o, (g if g != default else name) if named else default


# Bytes without which a file cannot state owl:imports: the local name, the namespace (a prefix
# may end inside "imports"), and the escapes that could spell either (\u in Turtle, &# in XML).
_MAY_IMPORT = (b"imports", b"owl#", b"\\u", b"\\U", b"&#")
# N-Triples and N-Quads have no prefixes or entities: there owl:imports is written out in full
# or with \u escapes, so a file mentioning other OWL terms (owl#) may take the bulk loader.
_MAY_IMPORT_LINES = (b"imports", b"\\u", b"\\U")
# Formats whose every check :func:`iter_quads` makes per term is made by Oxigraph's strict
# parser too (JSON-LD is parsed leniently and checked here; N3 formulas are refused here).
_STORE_FORMATS = {"turtle": True, "nt": True, "xml": True, "nquads": False, "trig": False}


#: The literals Oxigraph's store gives back as rdflib gives them: xsd:integer, xsd:boolean and
#: xsd:date in canonical form. Oxigraph keeps other XSD value types (decimal, double, dates with
#: a time zone, the integer subtypes...) as values and writes them back in its own canonical
#: form or as xsd:integer, where rdflib keeps "1.0"^^xsd:decimal and xsd:positiveInteger.
_XSD = "http://www.w3.org/2001/XMLSchema#"
_CANONICAL = {
    _XSD + "integer": re.compile(r"-?(?:0|[1-9][0-9]*)"),
    _XSD + "boolean": re.compile(r"true|false"),
    _XSD + "date": re.compile(r"-?[0-9]{4}-[0-9]{2}-[0-9]{2}"),
}
# Bare decimals and doubles in Turtle (bare integers need no mark: Oxigraph and rdflib both
# write "+05" as "5"); a class-led pattern, which Python's re scans fast.
_NUMBER = re.compile(rb"[0-9][.eE][+-]?[0-9]")
# A prefix bound to the XSD namespace: `@prefix xsd: <http://www.w3.org/2001/XMLSchema#>`.
_XSD_PREFIX = re.compile(rb"(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*):\s*<http://www\.w3\.org/2001/$")


def _may_hold_values(data: bytes, fmt: str) -> bool:
    """Whether a Turtle, TriG, N-Triples, N-Quads or RDF/XML file may hold a literal that
    :func:`_changed_by_store` flags; False only when it surely does not.

    A datatype IRI of XSD is written in full (it contains ``XMLSchema#NAME``), with a prefix
    bound to the namespace (``xsd:NAME``), with a prefix or base that ends elsewhere in it (the
    file then holds ``XMLSchema`` or ``2001/X`` in another form), or with escapes.
    """
    if b"\\u" in data or b"\\U" in data or b"&#" in data:
        return True
    if fmt in ("turtle", "trig") and _NUMBER.search(data):
        return True
    labels: set[bytes] = set()
    for match in re.finditer(rb"2001/X", data):
        after = data[match.end() : match.end() + 24]
        if not after.startswith(b"MLSchema#"):
            return True
        rest = after[len(b"MLSchema#") :]
        if rest[:1] in (b">", b'"'):  # the namespace itself: a prefix (Turtle) or xmlns (XML)
            if rest[:1] == b">":
                declared = _XSD_PREFIX.search(data, max(0, match.start() - 200), match.start() + 5)
                if declared is None:
                    return True  # a base, or a prefix written in a way not read here
                labels.add(declared.group(1))
            continue
        if not (rest.startswith(b"string") and rest[6:7] in (b">", b'"')):
            return True
    if b"XMLSchema" in data.replace(b"2001/XMLSchema", b""):
        return True  # the name without its usual path: a base or prefix ending elsewhere
    for label in labels:
        for match in re.finditer(re.escape(label + b":"), data):
            name = data[match.end() : match.end() + 7]
            if name[:1].isspace() or name[:1] == b"<":
                continue  # the declaration itself
            if not (name.startswith(b"string") and not name[6:7].isalnum()):
                return True
    return False


def _changed_by_store(term: Any) -> bool:
    """Whether an Oxigraph store would give ``term`` back otherwise than rdflib does."""
    import pyoxigraph as ox

    if type(term) is not ox.Literal or term.language:
        return False
    datatype = term.datatype.value
    if not datatype.startswith(_XSD) or datatype == _XSD_STRING:
        return False
    canonical = _CANONICAL.get(datatype)
    return canonical is None or not canonical.fullmatch(term.value)


def engine_store(
    extra_files: Iterable[str | os.PathLike[str]] = (),
    *,
    bundled: bool = True,
    max_bytes: int | None = None,
) -> Any:
    """The graph :func:`load` reads, in the default graph of an in-memory Oxigraph store.

    Same files, checks, warnings and errors as :func:`load`, but no rdflib object per term: a
    file goes straight into Oxigraph's bulk loader after the checks of :func:`check_input`.
    Files those checks cannot clear (JSON-LD, N3, RDF-star, any mention of ``owl:imports``)
    and any file Oxigraph refuses go through :func:`engine_quads`, so that warnings and
    error messages are :func:`load`'s own, byte for byte. Used by ``qegraph --data FILE query``.

    >>> store = engine_store()
    >>> len(store) == len(load())
    True
    """
    # Not asked whether the literals read back unchanged: that costs a second parse of a file
    # that may hold XSD values, and only ``query`` needs the answer.
    return _fill_store(extra_files, bundled=bundled, max_bytes=max_bytes, values=False)[0]


def faithful_engine_store(
    extra_files: Iterable[str | os.PathLike[str]] = (),
    *,
    bundled: bool = True,
    max_bytes: int | None = None,
) -> tuple[Any, bool]:
    """:func:`engine_store`, and whether every literal in it reads back as :func:`load` reads
    it. False when a file holds an XSD value Oxigraph rewrites (``"1.0"^^xsd:decimal`` comes
    back as ``"1"``, ``xsd:positiveInteger`` as ``xsd:integer``): answers from such a store
    could differ from rdflib's, so ``query`` answers over rdflib instead.

    >>> faithful_engine_store()[1]
    True
    """
    return _fill_store(extra_files, bundled=bundled, max_bytes=max_bytes, values=True)


def _fill_store(
    extra_files: Iterable[str | os.PathLike[str]],
    *,
    bundled: bool,
    max_bytes: int | None,
    values: bool,
) -> tuple[Any, bool]:
    """:func:`faithful_engine_store`; with ``values`` False, the files holding XSD values are
    not read a second time to see whether the store rewrites them (the flag is then True)."""
    import pyoxigraph as ox

    store = ox.Store()
    faithful = True
    for module in module_files() if bundled else []:
        faithful &= _store_file(store, module, DEFAULT_MAX_INPUT_BYTES, values=values)
    for source in extra_files:
        faithful &= _store_file(store, source, _max_bytes(max_bytes), values=values)
    return store, faithful


def _checked_bytes(
    source: str | os.PathLike[str] | Traversable, limit: int
) -> tuple[str, bytes, str] | None:
    """(name shown in messages, bytes, format) of a file that Oxigraph's strict parser may read
    after :func:`_precheck` (made here) with :func:`load`'s checks and warnings; None for a file
    that must be read term by term (see :func:`engine_store`)."""
    fmt = guess_format(source)
    display, data = _read(source, limit)
    if data.startswith(_UTF8_BOM) and fmt not in ("xml", "json-ld"):
        data = data[len(_UTF8_BOM) :]
    if (
        fmt not in _STORE_FORMATS
        or any(
            marker in data
            for marker in (_MAY_IMPORT_LINES if fmt in ("nt", "nquads") else _MAY_IMPORT)
        )
        or b"<<" in data
        or (fmt == "xml" and b"Triple" in data)  # rdf:parseType="Triple" (RDF 1.2)
    ):
        return None
    _precheck(display, data, fmt)
    return display, data, fmt


def _parse_error(
    source: str | os.PathLike[str] | Traversable, limit: int, display: str, err: Exception
) -> InputError:
    """The error of a file Oxigraph's parser refused, worded as :func:`load` words it."""
    # The slow path words the error as load() does (and raises it); it cannot succeed where
    # Oxigraph failed, but if it ever did, what was read must not be used.
    for _quad in _quads_noting_imports(source, max_bytes=limit, engine_terms=True):
        pass
    return InputError(f"{display}: {_shown(str(err))}")


def engine_ntriples(
    extra_files: Iterable[str | os.PathLike[str]] = (),
    *,
    bundled: bool = True,
    max_bytes: int | None = None,
) -> bytes:
    """The triples :func:`load` reads, as Oxigraph's N-Triples text (named graphs merged; a
    triple in two files is written twice; blank nodes apart across files).

    Same checks, warnings and errors as :func:`engine_store`, with no store built and no
    Python work per triple for the files the checks clear: exports write this text.

    >>> engine_ntriples([], bundled=True).count(b" .\\n") >= len(load())
    True
    """
    import io

    import pyoxigraph as ox

    out = io.BytesIO()
    nt = ox.RdfFormat.N_TRIPLES
    sources = [(m, DEFAULT_MAX_INPUT_BYTES) for m in (module_files() if bundled else [])]
    sources += [(path, _max_bytes(max_bytes)) for path in extra_files]
    for source, limit in sources:
        checked = _checked_bytes(source, limit)
        if checked is not None and _STORE_FORMATS[checked[2]]:
            display, data, fmt = checked
            try:
                parsed = ox.parse(
                    input=data,
                    format=getattr(ox.RdfFormat, _OX_FORMATS[fmt]),
                    rename_blank_nodes=True,
                )
                ox.serialize(parsed, out, format=nt)
            except (SyntaxError, ValueError, OSError, MemoryError, RecursionError) as err:
                raise _parse_error(source, limit, display, err) from None
            continue
        quads = _quads_noting_imports(source, max_bytes=limit, engine_terms=True)
        ox.serialize((ox.Triple(s, p, o) for s, p, o, _g in quads), out, format=nt)
    return out.getvalue()


def _store_file(
    store: Any, source: str | os.PathLike[str] | Traversable, limit: int, *, values: bool = True
) -> bool:
    """Add one file's triples to ``store``'s default graph (see :func:`engine_store`); return
    whether its literals read back unchanged (see :func:`faithful_engine_store`; with
    ``values`` False, True without reading the file's literals again)."""
    import pyoxigraph as ox

    checked = _checked_bytes(source, limit)
    if checked is None:
        return _store_slowly(store, source, limit)
    display, data, fmt = checked
    triples = _STORE_FORMATS[fmt]
    ox_format = getattr(ox.RdfFormat, _OX_FORMATS[fmt])
    try:
        if triples:
            store.bulk_load(input=data, format=ox_format)
        else:  # named graphs merge into the one graph, as load() merges them
            default = ox.DefaultGraph()
            store.bulk_extend(
                ox.Quad(q.subject, q.predicate, q.object, default)
                for q in ox.parse(input=data, format=ox_format, rename_blank_nodes=True)
            )
    except (SyntaxError, ValueError, OSError, MemoryError, RecursionError) as err:
        raise _parse_error(source, limit, display, err) from None
    if not values or not _may_hold_values(data, fmt):
        return True
    # It may: read the file's literals (Oxigraph's parser keeps them as written).
    return not any(_changed_by_store(q.object) for q in ox.parse(input=data, format=ox_format))


def _store_slowly(store: Any, source: str | os.PathLike[str] | Traversable, limit: int) -> bool:
    import pyoxigraph as ox

    default = ox.DefaultGraph()
    changed = False

    def quads() -> Iterator[Any]:
        nonlocal changed
        for s, p, o, _g in _quads_noting_imports(source, max_bytes=limit, engine_terms=True):
            if not changed and type(o) is ox.Literal:
                changed = _changed_by_store(o)
            yield ox.Quad(s, p, o, default)

    store.bulk_extend(quads())
    return not changed
