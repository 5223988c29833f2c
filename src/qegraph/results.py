"""Write SELECT and ASK answers as an aligned table or in the standard SPARQL results formats.

Text only, from plain values (:class:`~qegraph.terms.Value`), whichever engine answered: the rdflib
path (:func:`qegraph.formatting.render_result`) and the Oxigraph paths (:mod:`qegraph.oxstore`,
:mod:`qegraph.serve`) print the same bytes through here. It sits below both engines' modules, so
they import it and it imports neither.

>>> from qegraph.terms import Value
>>> print(render_solutions(["n"], [[Value("uri", "https://w3id.org/qegraph/a")]], "tsv"), end="")
?n
<https://w3id.org/qegraph/a>
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .errors import QueryError
from .namespaces import curie
from .terms import Value, check_xml_text

__all__ = [
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "check_format",
    "default_format",
    "display_width",
    "render_boolean",
    "render_solutions",
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


def default_format(fmt: str | None, *, terminal: bool = False) -> str:
    """The format a SELECT or ASK answer is written in: ``fmt``, else a table on a terminal
    and CSV elsewhere (where the answer is read by another program).

    >>> default_format(None), default_format(None, terminal=True), default_format("json")
    ('csv', 'table', 'json')
    """
    return fmt or ("table" if terminal else "csv")


def render_solutions(
    variables: Sequence[str],
    rows: Iterable[Sequence[Value | None]],
    fmt: str | None = None,
    *,
    terminal: bool = False,
    label_of: Callable[[str], str] | None = None,
) -> str:
    """SELECT answers (``rows`` of :class:`~qegraph.terms.Value`, None where unbound) in ``fmt``.

    ``label_of`` gives the label shown next to an IRI in a table (see
    :func:`qegraph.concepts.label`); whichever backend answered, the text is the same.

    >>> from qegraph.terms import Value
    >>> rows = [[Value("literal", "素质教育", lang="zh-Hans")]]
    >>> print(render_solutions(["x"], rows, "tsv"), end="")
    ?x
    "素质教育"@zh-Hans
    """
    fmt = default_format(fmt, terminal=terminal)
    check_format("SELECT", fmt)
    return {
        "table": _table,
        "csv": _csv,
        "tsv": _tsv,
        "json": _json,
        "xml": _xml,
    }[fmt](list(variables), [list(r) for r in rows], label_of)


def render_boolean(answer: bool, fmt: str | None = None, *, terminal: bool = False) -> str:
    """An ASK answer in ``fmt``: ``true``/``false``, or the SPARQL JSON or XML boolean form.

    >>> print(render_boolean(True, "json"), end="")
    {"head": {}, "boolean": true}
    """
    fmt = default_format(fmt, terminal=terminal)
    check_format("ASK", fmt)
    return _ask(answer, fmt)


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


def _cell(value: Value | None, label_of: Callable[[str], str] | None) -> str:
    if value is None:
        return ""
    if value.kind == "uri":
        short = curie(value.text)
        if label_of is not None:
            name = label_of(value.text)
            if name != short:
                return f"{short} ({name})"
        return short
    if value.kind == "bnode":
        return f"_:{value.text}"
    return value.text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", " ")


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _table(variables: list[str], rows: list[list[Value | None]], label_of: Any) -> str:
    cells = [[_cell(value, label_of) for value in row] for row in rows]
    widths = [
        max([display_width(h)] + [display_width(r[i]) for r in cells])
        for i, h in enumerate(variables)
    ]
    lines = ["  ".join(_pad(h, w) for h, w in zip(variables, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    )
    count = len(cells)
    lines.append(f"({count} row{'' if count == 1 else 's'})")
    return "\n".join(lines) + "\n"


def _plain(value: Value | None) -> str:
    if value is None:
        return ""
    return f"_:{value.text}" if value.kind == "bnode" else value.text


def _csv(variables: list[str], rows: list[list[Value | None]], _label_of: Any) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_plain(value) for value in row])
    return buffer.getvalue()


def _tsv(variables: list[str], rows: list[list[Value | None]], _label_of: Any) -> str:
    lines = ["\t".join(f"?{v}" for v in variables)]
    for row in rows:
        lines.append("\t".join("" if value is None else value.nt() for value in row))
    return "\n".join(lines) + "\n"


def _json_term(value: Value) -> dict[str, str]:
    if value.kind == "literal":
        out = {"type": "literal", "value": value.text}
        if value.lang:
            out["xml:lang"] = value.lang
        elif value.datatype is not None:
            out["datatype"] = value.datatype
        return out
    return {"type": value.kind, "value": value.text}


def _json(variables: list[str], rows: list[list[Value | None]], _label_of: Any) -> str:
    bindings = [
        {v: _json_term(value) for v, value in zip(variables, row, strict=True) if value is not None}
        for row in rows
    ]
    document = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _xml_term(value: Value) -> str:
    if value.kind == "bnode":
        return f"<bnode>{_escape_xml(value.text)}</bnode>"
    if value.kind == "literal":
        if value.lang:
            attr = f" xml:lang={_quote_xml(value.lang)}"
        elif value.datatype is not None:
            attr = f" datatype={_quote_xml(value.datatype)}"
        else:
            attr = ""
        # A raw carriage return would come back as a line feed from any XML parser.
        return f"<literal{attr}>{_escape_xml(value.text).replace(chr(13), '&#13;')}</literal>"
    return f"<uri>{_escape_xml(value.text)}</uri>"


def _escape_xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quote_xml(text: str) -> str:
    return '"' + _escape_xml(text).replace('"', "&quot;") + '"'


def _xml(variables: list[str], rows: list[list[Value | None]], _label_of: Any) -> str:
    lines = [
        '<?xml version="1.0"?>',
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
        "  <head>",
        *(f"    <variable name={_quote_xml(v)}/>" for v in variables),
        "  </head>",
        "  <results>",
    ]
    for row in rows:
        lines.append("    <result>")
        for v, value in zip(variables, row, strict=True):
            if value is not None:
                check_xml_text(value.text, f"the value of ?{v}", "SPARQL results XML")
                lines.append(f"      <binding name={_quote_xml(v)}>{_xml_term(value)}</binding>")
        lines.append("    </result>")
    lines += ["  </results>", "</sparql>"]
    return "\n".join(lines) + "\n"
