"""Write query answers as an aligned table or in the standard SPARQL results formats.

SELECT answers go to ``table`` (IRIs as CURIEs with their label in the chosen language, columns
aligned by display width so Chinese text lines up), ``csv`` and ``tsv`` (SPARQL 1.1 CSV/TSV),
``json`` (SPARQL 1.1 Query Results JSON) or ``xml`` (SPARQL Query Results XML). ASK answers print
``true`` or ``false`` (or the JSON/XML boolean form). CONSTRUCT and DESCRIBE answers are RDF:
``turtle``, ``nt``, ``jsonld`` or ``xml`` (RDF/XML). The text formats of SELECT and ASK answers
live in :mod:`qegraph.results`, below the engines' modules (re-exported here); this module adds
what needs rdflib: rendering a :class:`~qegraph.sparql.QueryResult` and :func:`answer`.

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

from typing import TYPE_CHECKING

from .results import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    check_format,
    default_format,
    display_width,
    render_boolean,
    render_solutions,
)

if TYPE_CHECKING:
    from rdflib import Graph

    from .sparql import QueryResult

__all__ = [
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "answer",
    "answer_in_format",
    "check_format",
    "display_width",
    "render_boolean",
    "render_result",
    "render_solutions",
]


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
    if result.kind == "ASK":
        return render_boolean(bool(result.boolean), fmt, terminal=terminal)
    from .terms import value_of

    graph = result.graph_queried
    label_of = None
    if graph is not None:
        from rdflib import URIRef

        from .concepts import label

        def label_of(iri: str) -> str:
            return label(graph, URIRef(iri), lang)

    rows = [[value_of(row.get(v)) for v in result.variables] for row in result]
    return render_solutions(result.variables, rows, fmt, terminal=terminal, label_of=label_of)


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
    return answer_in_format(
        graph,
        text,
        params=params,
        reason=reason,
        allow_network=allow_network,
        timeout=timeout,
        fmt=fmt,
        lang=lang,
        terminal=terminal,
    )[0]


def answer_in_format(
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
) -> tuple[str, str]:
    """:func:`answer` and the format it chose (``fmt``, or the default for the query's form):
    ``qegraph query --output-dir`` names the answer's file after it.

    >>> from qegraph import load
    >>> answer_in_format(load(), "CONSTRUCT WHERE { qe:quality-education a ?c }")[1]
    'turtle'
    """
    from .concepts import label_language
    from .querytext import query_text
    from .sparql import bind_params, prepare_query, run_query

    lang = label_language(lang)  # before the query runs: `--lang fr` is refused, not ignored
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
    if prepared.kind in ("CONSTRUCT", "DESCRIBE"):
        chosen = fmt or "turtle"
    else:
        chosen = default_format(fmt, terminal=terminal)
    return render_result(result, fmt, lang=lang, terminal=terminal), chosen
