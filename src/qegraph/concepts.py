"""Find concepts by name and describe them: labels, paradigm side, kind and source passages.

Every command that takes a concept (``path``, ``neighbors``, ``viz --focus``, ``query --param``)
resolves it here, so a CURIE, a full IRI or a label in either language works the same everywhere.

>>> from qegraph import load
>>> g = load()
>>> resolve_concept(g, "个性化教育") == resolve_concept(g, "Personalized Education")
True
>>> side(g, resolve_concept(g, "rote learning"))
'exam'
"""

from __future__ import annotations

import difflib
from typing import Any
from typing import Literal as TypingLiteral

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from .errors import ConceptLookupError, InputError
from .namespaces import PREFIXES, QE, curie, language_tag
from .terms import LABEL_PROPERTIES, choose_label

__all__ = [
    "LANGUAGES",
    "Side",
    "concept_nodes",
    "curie",
    "label",
    "label_language",
    "language_tag",
    "primary_type",
    "resolve_concept",
    "side",
    "source_passages",
    "text_label",
]

Side = TypingLiteral["quality", "exam", "neutral"]

#: The two label languages of the graph; ``zh-Hans`` is Simplified Chinese.
LANGUAGES = ("en", "zh-Hans")

_SIDE_CLASSES = {QE.QualityEducationElement: "quality", QE.ExamOrientedTrait: "exam"}
_LABEL_PROPS = tuple(URIRef(iri) for iri in LABEL_PROPERTIES)


def label_language(tag: str) -> str:
    """The label language ``tag`` names, ``en`` or ``zh-Hans``, in any case; every command that
    takes ``--lang`` reads it here, so ``zh-hans`` works everywhere and ``fr`` fails everywhere.

    >>> label_language("ZH-hans")
    'zh-Hans'
    """
    for known in LANGUAGES:
        if tag.strip().lower() == known.lower():
            return known
    raise InputError(f"unknown language {tag!r}; use en or zh-Hans")


def label(graph: Graph, node: URIRef, lang: str = "en") -> str:
    """The preferred label of ``node`` in ``lang``, falling back to the other language, then CURIE.

    >>> from qegraph import load
    >>> label(load(), QE["critical-thinking"], "zh-Hans")
    '批判性思维'
    """
    candidates = (
        (prop == SKOS.altLabel, value.language, str(value))
        for prop in _LABEL_PROPS
        for value in graph.objects(node, prop)
        if isinstance(value, Literal)
    )
    found = choose_label(candidates, lang)
    return found if found is not None else curie(node)


def concept_nodes(graph: Graph) -> set[URIRef]:
    """All IRIs typed ``skos:Concept`` in ``graph``."""
    return {n for n in graph.subjects(RDF.type, SKOS.Concept) if isinstance(n, URIRef)}


def _superclasses(graph: Graph, cls: URIRef) -> set[URIRef]:
    seen: set[URIRef] = set()
    todo = [cls]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(o for o in graph.objects(current, RDFS.subClassOf) if isinstance(o, URIRef))
    return seen


def side(graph: Graph, node: URIRef) -> Side:
    """Which paradigm ``node`` belongs to: ``'quality'``, ``'exam'`` or ``'neutral'``.

    A node is on a side when one of its types is, or is a subclass of,
    ``qe:QualityEducationElement`` or ``qe:ExamOrientedTrait``.
    """
    for cls in graph.objects(node, RDF.type):
        if isinstance(cls, URIRef):
            for sup in _superclasses(graph, cls):
                if sup in _SIDE_CLASSES:
                    return _SIDE_CLASSES[sup]  # type: ignore[return-value]
    return "neutral"


def primary_type(graph: Graph, node: URIRef) -> URIRef | None:
    """The most specific ``qe:`` class of ``node`` (ignoring the side classes), if any.

    >>> from qegraph import load
    >>> curie(primary_type(load(), QE["critical-thinking"]))
    'qe:Competency'
    """
    candidates = [
        c
        for c in graph.objects(node, RDF.type)
        if isinstance(c, URIRef) and str(c).startswith(str(QE)) and c not in _SIDE_CLASSES
    ]
    if not candidates:
        return None
    # Most specific first: a class with more superclasses is deeper in the hierarchy.
    return sorted(candidates, key=lambda c: (-len(_superclasses(graph, c)), str(c)))[0]


def source_passages(graph: Graph, node: URIRef) -> list[URIRef]:
    """The source passages of every claim whose subject or object is ``node``, in document order."""
    passages: set[URIRef] = set()
    for position in (RDF.subject, RDF.object):
        for claim in graph.subjects(position, node):
            passages.update(
                p for p in graph.objects(claim, PROV.wasDerivedFrom) if isinstance(p, URIRef)
            )
    return sorted(passages, key=lambda p: _passage_key(graph, p))


def _passage_key(graph: Graph, passage: URIRef) -> tuple[str, int]:
    doc = graph.value(passage, DCTERMS.isPartOf)
    number = graph.value(passage, QE.paragraphNumber)
    return (str(doc), int(number) if number is not None else 0)


def _expand(text: str) -> str | None:
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if "://" in text or text.startswith("urn:"):
        return text
    if ":" in text:
        prefix, local = text.split(":", 1)
        if prefix in PREFIXES and " " not in local:
            return PREFIXES[prefix] + local
    return None


def resolve_concept(graph: Graph, name: str) -> URIRef:
    """The IRI of the resource named by a CURIE, an IRI, or a label in either language.

    Labels match case-insensitively on ``skos:prefLabel``, ``rdfs:label`` and ``skos:altLabel``.

    Raises
    ------
    ConceptLookupError
        No resource has that name (close matches are suggested), or several do (all are listed).
    """
    text = name.strip()
    iri = _expand(text)
    if iri is not None:
        node = URIRef(iri)
        if (node, None, None) in graph or (None, None, node) in graph:
            return node
        raise ConceptLookupError(f"unknown concept {name!r}: no such IRI in the graph")
    wanted = text.casefold()
    matches: set[URIRef] = set()
    names: dict[str, set[URIRef]] = {}
    for prop in _LABEL_PROPS:
        for subject, value in graph.subject_objects(prop):
            if isinstance(subject, URIRef) and isinstance(value, Literal):
                key = str(value).casefold()
                names.setdefault(key, set()).add(subject)
                if key == wanted:
                    matches.add(subject)
    if len(matches) > 1:
        # A concept and a schema term may share a name ("goal", qe:Goal); the concept wins.
        concepts = {m for m in matches if (m, RDF.type, SKOS.Concept) in graph}
        if len(concepts) == 1:
            matches = concepts
    if len(matches) == 1:
        return matches.pop()
    if matches:
        listed = "; ".join(f"{curie(m)} ({label(graph, m)})" for m in sorted(matches, key=str))
        raise ConceptLookupError(f"{name!r} is ambiguous; it names: {listed}")
    close = difflib.get_close_matches(wanted, list(names), n=5, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ConceptLookupError(f"unknown concept {name!r}{hint}")


def _lang(value: Any) -> str | None:
    """The language tag of a literal, lower-cased (Oxigraph's parser lower-cases tags)."""
    if isinstance(value, Literal) and value.language:
        return value.language.lower()
    return None


def text_label(graph: Graph, node: URIRef | BNode, lang: str = "en") -> str:
    """Like :func:`label`, but language tags compare case-insensitively.

    Parsed files carry ``zh-hans`` as well as ``zh-Hans`` (BCP 47 tags are case-insensitive).

    >>> from qegraph import load
    >>> text_label(load(), QE["critical-thinking"], "zh-Hans")
    '批判性思维'
    """
    wanted = lang.lower()
    for prop in (SKOS.prefLabel, RDFS.label):
        for value in graph.objects(node, prop):
            if _lang(value) == wanted:
                return str(value)
    return label(graph, node, lang) if isinstance(node, URIRef) else f"_:{node}"
