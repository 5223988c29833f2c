"""Write query answers as an aligned table or in the standard SPARQL results formats.

SELECT answers go to ``table`` (IRIs as CURIEs with their label in the chosen language, columns
aligned by display width so Chinese text lines up), ``csv`` and ``tsv`` (SPARQL 1.1 CSV/TSV),
``json`` (SPARQL 1.1 Query Results JSON) or ``xml`` (SPARQL Query Results XML). ASK answers print
``true`` or ``false`` (or the JSON/XML boolean form). CONSTRUCT and DESCRIBE answers are RDF:
``turtle``, ``nt``, ``jsonld`` or ``xml`` (RDF/XML).

>>> from qegraph import load
>>> from qegraph.sparql import run_query
>>> g = load()
>>> result = run_query(g, "SELECT ?c WHERE { ?c skos:prefLabel '批判性思维'@zh-Hans }")
>>> print(render_result(result, "table", lang="zh-Hans"), end="")
c
---------------------------------
qe:critical-thinking (批判性思维)
(1 row)
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from .errors import QueryError

if TYPE_CHECKING:
    from rdflib import Graph

    from .sparql import QueryResult

__all__ = [
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "answer",
    "check_format",
    "display_width",
    "render_result",
]

#: Formats for SELECT and ASK answers.
RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml")
#: Formats for CONSTRUCT and DESCRIBE answers (``xml`` is RDF/XML there).
GRAPH_FORMATS = ("turtle", "nt", "jsonld", "xml")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters count two, combining marks none.

    >>> display_width("abc"), display_width("素质教育")
    (3, 8)
    """
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def render_result(
    result: QueryResult, fmt: str | None = None, *, lang: str = "en", terminal: bool = False
) -> str:
    """``result`` as text in ``fmt``; None picks table on a terminal, csv otherwise, turtle for RDF.

    Raises
    ------
    QueryError
        ``fmt`` does not fit the query form (``table`` for a CONSTRUCT, ``turtle`` for a SELECT).
    """
    if result.kind in ("CONSTRUCT", "DESCRIBE"):
        fmt = fmt or "turtle"
        check_format(result.kind, fmt)
        from .exporting import serialize

        assert result.graph is not None
        return serialize(result.graph, fmt).decode("utf-8")
    fmt = fmt or ("table" if terminal else "csv")
    check_format(result.kind, fmt)
    if result.kind == "ASK":
        return _ask(bool(result.boolean), fmt)
    return {
        "table": lambda: _table(result, lang),
        "csv": lambda: _csv(result),
        "tsv": lambda: _tsv(result),
        "json": lambda: _json(result),
        "xml": lambda: _xml(result),
    }[fmt]()


def check_format(kind: str, fmt: str) -> None:
    """Raise :class:`QueryError` unless ``fmt`` fits a query of form ``kind`` (``SELECT``...).

    >>> check_format("CONSTRUCT", "table")
    Traceback (most recent call last):
    ...
    qegraph.errors.QueryError: --format table does not apply to a CONSTRUCT query; use one of ...
    """
    allowed = GRAPH_FORMATS if kind in ("CONSTRUCT", "DESCRIBE") else RESULT_FORMATS
    if fmt not in allowed:
        raise QueryError(
            f"--format {fmt} does not apply to a {kind} query; use one of {', '.join(allowed)}"
        )


def _ask(answer: bool, fmt: str) -> str:
    word = "true" if answer else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": answer}) + "\n"
    if fmt == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
            f"  <head/>\n  <boolean>{word}</boolean>\n</sparql>\n"
        )
    return word + "\n"


def _cell(term: Any, graph: Graph | None, lang: str) -> str:
    from rdflib import BNode, Literal, URIRef

    from .concepts import curie, label

    if term is None:
        return ""
    if isinstance(term, URIRef):
        short = curie(term)
        if graph is not None:
            name = label(graph, term, lang)
            if name != short:
                return f"{short} ({name})"
        return short
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return str(term).replace("\r", "\\r").replace("\n", "\\n").replace("\t", " ")
    return str(term)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _table(result: QueryResult, lang: str) -> str:
    headers = list(result.variables)
    cells = [[_cell(row.get(v), result.graph_queried, lang) for v in headers] for row in result]
    widths = [
        max([display_width(h)] + [display_width(r[i]) for r in cells])
        for i, h in enumerate(headers)
    ]
    lines = ["  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    )
    count = len(cells)
    lines.append(f"({count} row{'' if count == 1 else 's'})")
    return "\n".join(lines) + "\n"


def _plain(term: Any) -> str:
    from rdflib import BNode

    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result:
        writer.writerow([_plain(row.get(v)) for v in result.variables])
    return buffer.getvalue()


def _tsv(result: QueryResult) -> str:
    from .exporting import nt_term

    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result:
        values = [row.get(v) for v in result.variables]
        lines.append("\t".join("" if t is None else nt_term(t) for t in values))
    return "\n".join(lines) + "\n"


def _json_term(term: Any) -> dict[str, str]:
    from rdflib import BNode, Literal

    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None:
            out["datatype"] = str(term.datatype)
        return out
    return {"type": "uri", "value": str(term)}


def _json(result: QueryResult) -> str:
    bindings = [
        {v: _json_term(row[v]) for v in result.variables if row.get(v) is not None}
        for row in result
    ]
    document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _xml_term(term: Any) -> str:
    from rdflib import BNode, Literal

    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    if isinstance(term, Literal):
        if term.language:
            attr = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype is not None:
            attr = f" datatype={quoteattr(str(term.datatype))}"
        else:
            attr = ""
        # A raw carriage return would come back as a line feed from any XML parser.
        return f"<literal{attr}>{escape(str(term), {chr(13): '&#13;'})}</literal>"
    return f"<uri>{escape(str(term))}</uri>"


def _xml(result: QueryResult) -> str:
    from .exporting import check_xml_text

    lines = [
        '<?xml version="1.0"?>',
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
        "  <head>",
        *(f"    <variable name={quoteattr(v)}/>" for v in result.variables),
        "  </head>",
        "  <results>",
    ]
    for row in result:
        lines.append("    <result>")
        for v in result.variables:
            term = row.get(v)
            if term is not None:
                check_xml_text(str(term), f"the value of ?{v}", "SPARQL results XML")
                lines.append(f"      <binding name={quoteattr(v)}>{_xml_term(term)}</binding>")
        lines.append("    </result>")
    lines += ["  </results>", "</sparql>"]
    return "\n".join(lines) + "\n"


def answer(
    graph: Graph,
    text: str,
    *,
    params: tuple[str, ...] | list[str] = (),
    reason: bool = False,
    allow_network: bool = False,
    timeout: float | None = None,
    fmt: str | None = None,
    lang: str = "en",
    terminal: bool = False,
) -> str:
    """Run ``text`` (SPARQL, a ``.rq`` path or ``CQ-NN``) with ``NAME=VALUE`` params; render it.

    What ``qegraph query`` does; see :func:`qegraph.sparql.run_query` and :func:`render_result`.

    >>> from qegraph import load
    >>> print(answer(load(), "ASK { ?p qe:opposes ?q }", fmt="json"), end="")
    {"head": {}, "boolean": true}
    """
    from .sparql import bind_params, prepare_query, query_text, run_query

    source = query_text(text)
    prepared = prepare_query(source, allow_network=allow_network)
    if fmt is not None:
        check_format(prepared.kind, fmt)  # before the query runs
    result = run_query(
        graph,
        prepared,
        bindings=bind_params(graph, params),
        reason=reason,
        allow_network=allow_network,
        timeout=timeout,
    )
    return render_result(result, fmt, lang=lang, terminal=terminal)
