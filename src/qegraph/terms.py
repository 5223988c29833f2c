"""RDF terms as query answers show them, whichever library produced them.

A query answer from rdflib (memory, endpoint) and one read straight from an Oxigraph store must
print byte for byte the same, so the result formats work on :class:`Value`, made by
:func:`value_of` from an rdflib term or by :func:`value_of_oxigraph` from a pyoxigraph term. This
module imports neither library, so a query on a store can be answered without loading rdflib.

>>> Value("literal", "素质教育", lang="zh-Hans").nt()
'"素质教育"@zh-Hans'
>>> Value("uri", "https://w3id.org/qegraph/critical-thinking").nt()
'<https://w3id.org/qegraph/critical-thinking>'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .errors import ExportError
from .namespaces import language_tag

__all__ = [
    "LABEL_PROPERTIES",
    "Value",
    "check_xml_text",
    "choose_label",
    "escape_literal",
    "iri_ref",
    "nt_literal",
    "to_oxigraph",
    "value_of",
    "value_of_oxigraph",
]

#: Where a label is looked for, best first: skos:prefLabel, rdfs:label, skos:altLabel (the last
#: only counts in the asked language; see :func:`choose_label`).
LABEL_PROPERTIES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#altLabel",
)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_BAD_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|^`\\]')
# Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b"}
_ESCAPES["\f"] = "\\f"
# Whatever escape_literal changes or refuses: escapes, controls, line separators, surrogates.
_NEEDS_ESCAPE = re.compile('[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]')


@dataclass(frozen=True, slots=True)
class Value:
    """One term of an answer: ``kind`` is ``uri``, ``bnode`` or ``literal``; ``datatype`` is
    None for a plain string and for a language-tagged one."""

    kind: str
    text: str
    lang: str | None = None
    datatype: str | None = None

    def nt(self) -> str:
        """The term in N-Triples syntax (``_:id`` for a blank node)."""
        if self.kind == "uri":
            return iri_ref(self.text)
        if self.kind == "bnode":
            return f"_:{self.text}"
        return nt_literal(self.text, self.lang, self.datatype)


def value_of(term: Any) -> Value | None:
    """The :class:`Value` of an rdflib term (None stays None: an unbound variable)."""
    from rdflib import BNode, Literal

    if term is None:
        return None
    if isinstance(term, Literal):
        datatype = None if term.language or term.datatype is None else str(term.datatype)
        return Value("literal", str(term), term.language or None, datatype)
    if isinstance(term, BNode):
        return Value("bnode", str(term))
    return Value("uri", str(term))


def value_of_oxigraph(term: Any) -> Value | None:
    """The :class:`Value` of a pyoxigraph term, as :func:`value_of` gives it for the same term
    loaded with :func:`qegraph.load` (plain strings untyped, language tags in BCP 47 case)."""
    import pyoxigraph as ox

    if term is None:
        return None
    kind = type(term)
    if kind is ox.NamedNode:
        return Value("uri", term.value)
    if kind is ox.Literal:
        if term.language:
            return Value("literal", term.value, language_tag(term.language))
        datatype = term.datatype.value
        return Value("literal", term.value, None, None if datatype == _XSD_STRING else datatype)
    if kind is ox.BlankNode:
        return Value("bnode", term.value)
    from .errors import BackendError

    raise BackendError("RDF-star triple terms are not supported")


def choose_label(candidates: Iterable[tuple[bool, str | None, str]], lang: str) -> str | None:
    """The label to show from ``(is_alt_label, language, text)`` candidates, best property
    first: the first in ``lang`` (any case), else the first that is not an alternative label.

    >>> choose_label([(False, "en", "thinking"), (False, "zh-Hans", "思维")], "zh-hans")
    '思维'
    >>> choose_label([(True, "en", "alias")], "zh-Hans") is None
    True
    """
    wanted = lang.lower()  # BCP 47 compares tags without case
    fallback = None
    for is_alt, language, text in candidates:
        if language is not None and language.lower() == wanted:
            return text
        if fallback is None and not is_alt:
            fallback = text
    return fallback


def escape_literal(text: str) -> str:
    """``text`` escaped for a quoted N-Triples/Turtle literal; lone surrogates are refused.

    >>> escape_literal('say "hi"\\n')
    'say \\\\"hi\\\\"\\\\n'
    """
    if not _NEEDS_ESCAPE.search(text):
        return text  # most literals: nothing to escape, no character-by-character loop
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F or char in "\u2028\u2029":
            # Control characters and the characters some parsers take for line breaks.
            out.append(f"\\u{ord(char):04X}")
        elif 0xD800 <= ord(char) <= 0xDFFF:
            raise ExportError(
                f"the literal {text[:40]!r} contains a lone surrogate U+{ord(char):04X}, "
                "which no RDF format can hold"
            )
        else:
            out.append(char)
    return "".join(out)


def nt_literal(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal in N-Triples syntax: tagged with ``lang``, else typed with ``datatype`` if any.

    >>> nt_literal("5", datatype="http://www.w3.org/2001/XMLSchema#integer")
    '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    quoted = f'"{escape_literal(text)}"'
    if lang:
        return f"{quoted}@{lang}"
    if datatype is not None:
        return f"{quoted}^^{iri_ref(datatype)}"
    return quoted


def iri_ref(iri: str) -> str:
    """``<iri>``, refusing characters no IRI may hold (so the output always parses back)."""
    bad = _BAD_IRI_CHARS.search(iri)
    if bad:
        raise ExportError(
            f"the IRI {iri!r} contains {bad.group()!r} (U+{ord(bad.group()):04X}), "
            "which is not allowed in an IRI; fix it in the data"
        )
    return f"<{iri}>"


def check_xml_text(text: str, where: str, fmt: str) -> None:
    """Raise :class:`ExportError` if ``text`` has a character XML 1.0 cannot hold.

    >>> check_xml_text("bell\\x07", "the label of qe:x", "RDF/XML")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qegraph.errors.ExportError: RDF/XML cannot hold the control character U+0007 in the label...
    """
    bad = _NOT_XML.search(text)
    if bad:
        raise ExportError(
            f"{fmt} cannot hold the control character U+{ord(bad.group()):04X} in {where}; "
            "remove it or export as turtle, nt or jsonld"
        )


def to_oxigraph(term: Any, blank_nodes: dict[Any, Any] | None = None) -> Any:
    """The pyoxigraph term for an rdflib term; each blank node gets a fresh Oxigraph one, the
    same for the same node when ``blank_nodes`` (a dict it fills) is passed.

    >>> from rdflib import Literal
    >>> to_oxigraph(Literal("x", lang="zh-Hans"))
    <Literal value=x language=zh-hans>
    """
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        if blank_nodes is None:
            return ox.BlankNode()
        node = blank_nodes.get(term)
        if node is None:
            node = blank_nodes[term] = ox.BlankNode()
        return node
    raise TypeError(f"not an RDF term: {term!r}")
