"""Where things are on the pages qegraph writes: docs anchors and pages, and the page policy.

The documentation (:mod:`qegraph.ontodoc`) and the viewer (:mod:`qegraph.viewer`) link to each
other, so both need to know where a concept's docs entry is; every page also needs the same
Content-Security-Policy. Those shared pieces live here, so neither of the two modules imports the
other.

>>> from qegraph.namespaces import QE
>>> docs_anchor(QE["critical-thinking"])
'qe-critical-thinking'
"""

from __future__ import annotations

import base64
import hashlib
import re
import shlex
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .concepts import curie
from .namespaces import PREFIXES, QE

__all__ = [
    "DOCS_SPLIT_AT",
    "DocsLayout",
    "ViewerKeys",
    "content_security_policy",
    "docs_anchor",
    "docs_hrefs",
]

#: Above this many concepts, the documentation is split into pages.
DOCS_SPLIT_AT = 1000
#: At most this many concept entries on one page of split documentation.
PAGE_SIZE = 400
#: Namespaces whose terms the documentation does not document (the standard vocabularies).
W3C = tuple(
    PREFIXES[p] for p in ("rdf", "rdfs", "owl", "xsd", "skos", "prov", "dcterms", "vann", "sh")
)


def docs_anchor(node: URIRef) -> str:
    """The anchor of ``node``'s entry on the documentation page (unless two terms' CURIEs fold to
    the same text, when the later one gets a suffix); the viewer links to it.

    >>> docs_anchor(URIRef("https://example.org/c1"))
    'iri-1449fcc298ff'
    """
    short = curie(node)
    if short != str(node):
        base = re.sub(r"[^A-Za-z0-9_-]+", "-", short.replace(":", "-")).strip("-")
    else:
        base = "iri-" + hashlib.sha1(str(node).encode("utf-8")).hexdigest()[:12]
    if not base or not base[0].isalpha():
        base = "t-" + base
    return base


def docs_hrefs(graph: Graph, *, split_at: int | None = DOCS_SPLIT_AT) -> dict[URIRef, str]:
    """Where each documented resource's entry is, as ``page#anchor`` relative to the docs folder,
    for documentation written by :func:`qegraph.ontodoc.write_docs` with the same ``split_at``.

    >>> from qegraph import load
    >>> docs_hrefs(load())[QE["critical-thinking"]]
    'index.html#qe-critical-thinking'
    """
    docs = DocsLayout(graph, split_at=split_at)
    docs.layout()
    return {node: f"{docs.pages.get(node, 'index.html')}#{a}" for node, a in docs.anchors.items()}


@dataclass(frozen=True)
class ViewerKeys:
    """What a viewer page draws, for the documentation that links to it.

    ``qegraph build`` cuts its viewer to :data:`qegraph.viewer.MAX_NODES` concepts by meaning and
    shares the cut with the docs (:func:`qegraph.ontodoc.render_docs_pages`): a concept in
    ``drawn`` keeps its "Open in the viewer" link, one in ``cut`` says it was cut and gives the
    command that draws it, and any other concept (one the viewer never draws, such as a contrast
    axis) gets no link. :class:`qegraph.viewer.Viewer` has both sets (``drawn``, ``left_out``).

    >>> keys = ViewerKeys(drawn=frozenset({"https://w3id.org/qegraph/a"}),
    ...                   cut=frozenset({"https://w3id.org/qegraph/b"}), data="qegraph.ttl")
    >>> keys.focus_command(QE.b)
    'qegraph viz --data qegraph.ttl --focus qe:b -o qe-b.html'
    """

    #: The keys (IRIs) of the concepts the page draws.
    drawn: frozenset[str]
    #: The keys of the concepts of the concept map that the page's cut left out.
    cut: frozenset[str] = frozenset()
    #: The RDF file the printed command reads with ``--data`` (``qegraph build`` writes the
    #: merged graph to ``qegraph.ttl``); ``None`` to print the command without ``--data``.
    data: str | None = None

    def status(self, node: URIRef) -> str:
        """``"drawn"``, ``"cut"`` or ``""`` (the viewer does not draw it at all)."""
        key = str(node)
        return "drawn" if key in self.drawn else "cut" if key in self.cut else ""

    def focus_command(self, node: URIRef) -> str:
        """The command line that draws ``node``'s neighbourhood, quoted for a POSIX shell."""
        short = curie(node)
        words = ["qegraph", "viz"]
        if self.data is not None:
            words += ["--data", self.data]
        words += ["--focus", short, "-o", docs_anchor(node) + ".html"]
        return shlex.join(words)


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(scripts: list[str], styles: list[str]) -> str:
    """A policy that allows exactly the given inline scripts and styles, and no request at all.

    >>> content_security_policy([], [])[:44]
    "default-src 'none'; script-src 'none'; style"
    """
    script_src = " ".join(_csp_hash(s) for s in scripts) or "'none'"
    style_src = " ".join(_csp_hash(s) for s in styles) or "'none'"
    return (
        f"default-src 'none'; script-src {script_src}; style-src {style_src}; img-src data:; "
        "font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )


class DocsLayout:
    """What the documentation documents, every entry's anchor, and (when split) the page of each
    concept entry: what a link into the docs needs, without rendering them."""

    def __init__(self, graph: Graph, *, split_at: int | None = None) -> None:
        self.g = graph
        self.split_at = split_at
        #: the page of each concept entry when split; everything else is on ``self.home``
        self.pages: dict[URIRef, str] = {}
        self.home = ""  # "index.html" when split, so links work from every page
        self.anchors: dict[URIRef, str] = {}
        self.used: set[str] = set()
        self._labels: dict[tuple[URIRef, str], str] = {}

    def label(self, node: Any, lang: str = "en") -> str:
        key = (node, lang)
        if key not in self._labels:
            from .projection import text_label

            self._labels[key] = text_label(self.g, node, lang)
        return self._labels[key]

    def anchor(self, node: URIRef) -> str:
        """A stable, unique, HTML-safe id for a documented resource."""
        found = self.anchors.get(node)
        if found is not None:
            return found
        base = docs_anchor(node)
        candidate, n = base, 2
        while candidate in self.used:
            candidate, n = f"{base}-{n}", n + 1
        self.used.add(candidate)
        self.anchors[node] = candidate
        return candidate

    def _named(self, *classes: URIRef) -> list[URIRef]:
        found = {
            s
            for cls in classes
            for s in self.g.subjects(RDF.type, cls)
            if isinstance(s, URIRef) and not str(s).startswith(W3C)
        }
        return sorted(found, key=lambda n: (self.label(n).casefold(), str(n)))

    def layout(self) -> None:
        """What is documented, every anchor, and (when split) the page of each concept entry."""
        ontologies = self._named(OWL.Ontology)
        classes = self._named(OWL.Class, RDFS.Class)
        object_props = self._named(OWL.ObjectProperty)
        data_props = [p for p in self._named(OWL.DatatypeProperty) if p not in object_props]
        annotation_props = self._named(OWL.AnnotationProperty)
        concepts = [c for c in self._named(SKOS.Concept) if c not in classes]
        documents = self._named(QE.SourceDocument)
        passages = self._named(QE.SourcePassage)
        self.groups = dict(
            ontologies=ontologies,
            classes=classes,
            object_props=object_props,
            data_props=data_props,
            annotation_props=annotation_props,
            concepts=concepts,
            documents=documents,
            passages=passages,
        )
        # Anchors first, so that every link below knows which targets exist on the page.
        for group in self.groups.values():
            for node in group:
                self.anchor(node)
        self.concept_groups = self._group_concepts(concepts)
        if self.split_at is not None and len(concepts) > self.split_at:
            self.home = "index.html"
            for group in self.concept_groups:
                chunks = [
                    group["nodes"][i : i + PAGE_SIZE]
                    for i in range(0, len(group["nodes"]), PAGE_SIZE)
                ]
                group["chunks"] = []
                for number, chunk in enumerate(chunks, 1):
                    name = f"{group['anchor']}-{number}.html"
                    group["chunks"].append((name, chunk))
                    for node in chunk:
                        self.pages[node] = name

    def _group_concepts(self, concepts: list[URIRef]) -> list[dict[str, Any]]:
        """Concepts by their primary class, groups in label order, as on the page."""
        from .concepts import primary_type

        groups: dict[str, list[URIRef]] = defaultdict(list)
        group_class: dict[str, URIRef | None] = {}
        for node in concepts:
            cls = primary_type(self.g, node)
            if cls is None:
                sides = [
                    c
                    for c in (QE.QualityEducationElement, QE.ExamOrientedTrait)
                    if (node, RDF.type, c) in self.g
                ]
                cls = sides[0] if sides else None
            key = self.label(cls) if cls is not None else "concept"
            group_class[key] = cls
            groups[key].append(node)
        return [
            {
                "key": key,
                "cls": group_class[key],
                "anchor": "concepts-"
                + (self.anchor(group_class[key]) if group_class[key] is not None else "other"),
                "nodes": groups[key],
            }
            for key in sorted(groups, key=str.casefold)
        ]
