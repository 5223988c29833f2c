"""The scores of an analysis written back as RDF, to query with SPARQL, merge and export.

Each concept gets its ``qe:degreeCentrality``, ``qe:betweennessCentrality``,
``qe:closenessCentrality`` and ``qe:pageRank`` (``xsd:decimal``) and its ``qe:communityNumber``
(``xsd:integer``). The properties are declared, with labels in English and Chinese, in the written
graph itself (:data:`ANALYSIS_TERMS_TTL`), not in the bundled schema.

>>> from qegraph import load
>>> from qegraph.analysis import analyze
>>> scores = scores_graph(analyze(load()))
>>> float(scores.value(QE["quality-education"], QE.pageRank)) > 0
True
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from .loading import _OX_FORMATS
from .namespaces import QE, bind_prefixes

if TYPE_CHECKING:
    from .analysis import AnalysisReport

__all__ = ["ANALYSIS_GRAPH", "ANALYSIS_TERMS_TTL", "scores_graph", "write_scores"]

#: The named graph the scores are written to.
ANALYSIS_GRAPH = URIRef("https://w3id.org/qegraph/analysis")

#: The RDF properties the scores are written with, declared here (not in the bundled schema).
ANALYSIS_TERMS_TTL = """\
@prefix qe: <https://w3id.org/qegraph/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

qe:degreeCentrality a owl:DatatypeProperty ;
    rdfs:label "degree centrality"@en , "度中心性"@zh-Hans ;
    skos:definition "The share of the other concepts that a concept is directly linked to."@en ;
    rdfs:range xsd:decimal ; rdfs:isDefinedBy <https://w3id.org/qegraph/analysis> .
qe:betweennessCentrality a owl:DatatypeProperty ;
    rdfs:label "betweenness centrality"@en , "介数中心性"@zh-Hans ;
    skos:definition "The share of shortest paths between other concepts that pass through it."@en ;
    rdfs:range xsd:decimal ; rdfs:isDefinedBy <https://w3id.org/qegraph/analysis> .
qe:closenessCentrality a owl:DatatypeProperty ;
    rdfs:label "closeness centrality"@en , "接近中心性"@zh-Hans ;
    skos:definition "How near a concept is to the concepts it can reach (Wasserman-Faust)."@en ;
    rdfs:range xsd:decimal ; rdfs:isDefinedBy <https://w3id.org/qegraph/analysis> .
qe:pageRank a owl:DatatypeProperty ;
    rdfs:label "PageRank"@en , "PageRank 值"@zh-Hans ;
    skos:definition "The PageRank of a concept in the undirected concept graph (damping 0.85)."@en ;
    rdfs:range xsd:decimal ; rdfs:isDefinedBy <https://w3id.org/qegraph/analysis> .
qe:communityNumber a owl:DatatypeProperty ;
    rdfs:label "community number"@en , "社区编号"@zh-Hans ;
    skos:definition "The number of the modularity community of a concept; 0 is the largest."@en ;
    rdfs:range xsd:integer ; rdfs:isDefinedBy <https://w3id.org/qegraph/analysis> .
"""

_SCORE_PROPERTIES = {
    "degree": QE.degreeCentrality,
    "betweenness": QE.betweennessCentrality,
    "closeness": QE.closenessCentrality,
    "pagerank": QE.pageRank,
}


def scores_graph(report: AnalysisReport) -> Graph:
    """The scores of ``report`` as RDF: one ``qe:pageRank`` (etc.) value per concept.

    The graph is named :data:`ANALYSIS_GRAPH` and declares the score properties it uses
    (:data:`ANALYSIS_TERMS_TTL`), so it can be merged with the ontology, queried and exported.

    >>> from qegraph import load
    >>> from qegraph.analysis import analyze
    >>> scores = scores_graph(analyze(load()))
    >>> top = scores.value(QE["quality-education"], QE.pageRank)
    >>> top.datatype == XSD.decimal and float(top) > 0
    True
    """
    out = bind_prefixes(Graph(identifier=ANALYSIS_GRAPH))
    out.parse(data=ANALYSIS_TERMS_TTL, format="turtle")
    out.add((ANALYSIS_GRAPH, RDF.type, URIRef("http://www.w3.org/ns/prov#Entity")))
    out.add((ANALYSIS_GRAPH, RDFS.label, Literal("qegraph analysis scores", lang="en")))
    out.add((ANALYSIS_GRAPH, RDFS.label, Literal("qegraph 分析得分", lang="zh-Hans")))
    out.add(
        (
            ANALYSIS_GRAPH,
            RDFS.comment,
            Literal(_metadata_comment(report), lang="en"),
        )
    )
    for measure, prop in _SCORE_PROPERTIES.items():
        for node, score in report.scores.get(measure, {}).items():
            if not node.startswith("_:"):
                out.add((URIRef(node), prop, Literal(_decimal(score), datatype=XSD.decimal)))
    for node, number in report.membership.items():
        if not node.startswith("_:"):
            out.add((URIRef(node), QE.communityNumber, Literal(number, datatype=XSD.integer)))
    return out


def _decimal(score: float) -> str:
    """``score`` as an ``xsd:decimal`` lexical form (no exponent), exact to its float repr.

    Decimals rather than doubles: OWL RL tools reject the double ``0.0``.

    >>> _decimal(1e-05), _decimal(0.25), _decimal(0.0)
    ('0.00001', '0.25', '0.0')
    """
    from decimal import Decimal

    text = format(Decimal(repr(float(score))), "f")
    return text if "." in text else text + ".0"


def _nt_string(text: str) -> str:
    """``text`` as an N-Triples string literal (quoted, escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r") + '"'


def _metadata_comment(report: AnalysisReport) -> str:
    notes = "".join(f"; {note}" for note in report.notes)
    return (
        f"Computed by qegraph analyze with the {report.engine} engine, seed {report.seed}{notes}."
    )


def write_scores(report: AnalysisReport, path: str | Path) -> Path:
    """Write the scores of ``report`` (the triples of :func:`scores_graph`) to ``path``, atomically.

    The format follows the suffix: Turtle (``.ttl``), N-Triples (``.nt``), RDF/XML (``.rdf``,
    ``.owl``, ``.xml``), JSON-LD (``.jsonld``, ``.json``), N3; TriG (``.trig``) and N-Quads
    (``.nq``) put them in the named graph :data:`ANALYSIS_GRAPH`. Oxigraph's writers are used, so
    half a million scores are written in seconds.

    Raises
    ------
    InputError
        The suffix is not an RDF format.
    ExportError
        The folder is missing or unwritable.

    >>> import tempfile, pathlib
    >>> from qegraph import load, load_dataset
    >>> from qegraph.analysis import analyze
    >>> target = write_scores(analyze(load()), pathlib.Path(tempfile.mkdtemp()) / "s.trig")
    >>> len(load_dataset([target], bundled=False).graph(ANALYSIS_GRAPH)) > 500
    True
    """
    import pyoxigraph as ox

    from .atomic import atomic_write_bytes
    from .loading import guess_format
    from .namespaces import PREFIXES

    target = Path(path)
    fmt = guess_format(target)
    # N-Triples lines written directly (building a Python object per triple costs more than the
    # rest together), then Oxigraph turns them into the asked format.
    lines = [
        str(q.triple) + " .\n" for q in ox.parse(ANALYSIS_TERMS_TTL, format=ox.RdfFormat.TURTLE)
    ]
    me, label = f"<{ANALYSIS_GRAPH}>", f"<{RDFS.label}>"
    lines += [
        f"{me} <{RDF.type}> <http://www.w3.org/ns/prov#Entity> .\n",
        f'{me} {label} "qegraph analysis scores"@en .\n',
        f'{me} {label} "qegraph 分析得分"@zh-Hans .\n',
        f"{me} <{RDFS.comment}> {_nt_string(_metadata_comment(report))}@en .\n",
    ]
    decimal, integer = f"^^<{XSD.decimal}>", f"^^<{XSD.integer}>"
    for measure, prop in _SCORE_PROPERTIES.items():
        for node, score in report.scores.get(measure, {}).items():
            if not node.startswith("_:"):
                lines.append(f'<{node}> <{prop}> "{_decimal(score)}"{decimal} .\n')
    for node, number in report.membership.items():
        if not node.startswith("_:"):
            lines.append(f'<{node}> <{QE.communityNumber}> "{number}"{integer} .\n')
    named = fmt in ("trig", "nquads")
    if named:
        suffix = f" <{ANALYSIS_GRAPH}> .\n"
        lines = [line[: -len(" .\n")] + suffix for line in lines]
    text = "".join(lines).encode("utf-8")
    if fmt in ("nt", "nquads"):
        data = text
    else:
        source = ox.RdfFormat.N_QUADS if named else ox.RdfFormat.N_TRIPLES
        data = ox.serialize(
            ox.parse(text, format=source),
            format=getattr(ox.RdfFormat, _OX_FORMATS[fmt]),
            prefixes=dict(PREFIXES),
        )
    atomic_write_bytes(target, _recase_languages(data))
    return target


def _recase_languages(data: bytes) -> bytes:
    """``data`` with Oxigraph's lower-cased ``zh-hans`` written ``zh-Hans`` as the ontology does
    (the only tags here are ours: ``en`` and ``zh-Hans``; user text never reaches this file).

    >>> _recase_languages(b'"a"@zh-hans . {"@language":"zh-hans"} xml:lang="zh-hans"')
    b'"a"@zh-Hans . {"@language":"zh-Hans"} xml:lang="zh-Hans"'
    """
    import re

    return re.sub(
        rb'("@zh-hans\b|"@language":\s*"zh-hans"|xml:lang="zh-hans")',
        lambda m: m.group(0).replace(b"zh-hans", b"zh-Hans"),
        data,
    )
