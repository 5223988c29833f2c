"""The qegraph namespace and the standard prefixes every graph and query gets.

Light on purpose: rdflib is imported only when one of its ``Namespace`` objects (``QE``...) is
first used, so a query answered straight from an Oxigraph store never loads it.

>>> from qegraph.namespaces import QE
>>> str(QE)
'https://w3id.org/qegraph/'
>>> PREFIXES["skos"]
'http://www.w3.org/2004/02/skos/core#'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Namespace

__all__ = [
    "ESCO",
    "PREFIXES",
    "QE",
    "UNESCO",
    "VANN",
    "bind_prefixes",
    "curie",
    "language_tag",
    "sparql_prologue",
]

QE: Namespace
VANN: Namespace
UNESCO: Namespace
ESCO: Namespace

#: Prefixes declared in every export and pre-bound in every query (a query's own PREFIX wins).
PREFIXES: dict[str, str] = {
    "qe": "https://w3id.org/qegraph/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
    "unesco": "http://vocabularies.unesco.org/thesaurus/",
    "esco": "http://data.europa.eu/esco/skill/",
}

_NAMESPACES = {"QE": "qe", "VANN": "vann", "UNESCO": "unesco", "ESCO": "esco"}


def __getattr__(name: str) -> Any:
    # PEP 562: QE, VANN, UNESCO and ESCO are rdflib Namespaces, made on first use.
    if name in _NAMESPACES:
        from rdflib import Namespace

        namespace = Namespace(PREFIXES[_NAMESPACES[name]])
        globals()[name] = namespace
        return namespace
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def curie(iri: str) -> str:
    """``iri`` shortened with the standard prefixes, or unchanged when none fits.

    >>> curie("https://w3id.org/qegraph/critical-thinking")
    'qe:critical-thinking'
    """
    text = str(iri)
    best = ""
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and len(ns) > len(best):
            best, chosen = ns, prefix
    if best:
        local = text[len(best) :]
        if local and all(c.isalnum() or c in "-_." for c in local):
            return f"{chosen}:{local}"
    return text


def bind_prefixes(graph):
    """Bind the standard prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    return graph


def sparql_prologue(query_text: str = "") -> str:
    """PREFIX lines for the standard prefixes that ``query_text`` does not declare itself.

    >>> "PREFIX qe:" in sparql_prologue("SELECT * {}")
    True
    >>> "PREFIX qe:" in sparql_prologue("PREFIX qe: <urn:x:> SELECT * {}")
    False
    """
    import re

    declared = {m.lower() for m in re.findall(r"(?i)\bPREFIX\s+([\w.-]*)\s*:", query_text)}
    return "".join(
        f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p.lower() not in declared
    )


def language_tag(tag: str | None) -> str:
    """``tag`` in the conventional BCP 47 case (rdflib stores tags lower-cased).

    >>> language_tag("zh-hans"), language_tag("en-gb"), language_tag("zh-latn-pinyin")
    ('zh-Hans', 'en-GB', 'zh-Latn-pinyin')
    """
    if not tag:
        return ""
    parts = tag.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)
