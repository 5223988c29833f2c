"""HTML documentation of the ontology: one offline page in the manner of pyLODE.

The page opens with the metadata of the umbrella ontology and its modules (title, version, licence,
namespace, how to cite), then documents every class, property and concept with its labels in both
languages, definition, relations as links, SKOS mappings and the source passages its claims come
from, then the source documents and an index. Every internal link points at an anchor on the page;
external IRIs become links only when they are ``http(s)``. Every string from RDF is escaped by the
autoescaping template, and a Content-Security-Policy allows no script and no request.

>>> from qegraph import load
>>> page = render_docs(load())
>>> 'id="qe-critical-thinking"' in page and "<script" not in page
True
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from .concepts import curie, source_passages
from .namespaces import PREFIXES, QE, VANN
from .pagelinks import (
    DOCS_SPLIT_AT,
    DocsLayout,
    ViewerKeys,
    content_security_policy,
    docs_anchor,
    docs_hrefs,
)

__all__ = [
    "DOCS_SPLIT_AT",
    "docs_anchor",
    "docs_hrefs",
    "render_docs",
    "render_docs_pages",
    "write_docs",
]

_UMBRELLA = URIRef(str(QE).rstrip("/"))
_MAPPINGS = (
    (SKOS.exactMatch, "exact match", "完全匹配"),
    (SKOS.closeMatch, "close match", "近似匹配"),
    (SKOS.broadMatch, "broad match", "上位匹配"),
    (SKOS.narrowMatch, "narrow match", "下位匹配"),
    (SKOS.relatedMatch, "related match", "相关匹配"),
)
_HIERARCHY = (
    (SKOS.broader, "broader", "上位概念"),
    (SKOS.narrower, "narrower", "下位概念"),
    (SKOS.related, "related", "相关概念"),
)
#: Predicates shown in their own rows, not again among a concept's relations.
_NOT_RELATIONS = {
    RDF.type,
    SKOS.inScheme,
    SKOS.topConceptOf,
    RDFS.isDefinedBy,
    *(p for p, _, _ in _MAPPINGS),
    *(p for p, _, _ in _HIERARCHY),
}
_CHARACTERISTICS = (
    (OWL.SymmetricProperty, "symmetric", "对称"),
    (OWL.AsymmetricProperty, "asymmetric", "非对称"),
    (OWL.TransitiveProperty, "transitive", "传递"),
    (OWL.FunctionalProperty, "functional", "函数型"),
    (OWL.InverseFunctionalProperty, "inverse functional", "反函数型"),
    (OWL.IrreflexiveProperty, "irreflexive", "非自反"),
    (OWL.ReflexiveProperty, "reflexive", "自反"),
)


#: Evidence kinds of claims (Evidence & Conclusion Ontology), as the page names them.
_HAS_EVIDENCE = URIRef("http://purl.obolibrary.org/obo/RO_0002558")
_EVIDENCE = {
    "http://purl.obolibrary.org/obo/ECO_0000304": {
        "kind": "stated",
        "en": "stated in the text",
        "zh": "原文陈述",
    },
    "http://purl.obolibrary.org/obo/ECO_0000305": {
        "kind": "inferred",
        "en": "curator inference",
        "zh": "编者推断",
    },
}


@dataclass
class _Term:
    """One documented resource: its anchor, labels and the rows of its entry."""

    iri: URIRef
    anchor: str
    kind: str
    en: str
    zh: str
    curie: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    definition: str = ""
    definition_zh: str = ""
    alt: list[str] = field(default_factory=list)
    badge: str = ""
    #: For a concept: ``"drawn"`` (linked to the viewer), ``"cut"`` (cut from it) or ``""``.
    viewer: str = ""
    #: The viewer's fragment of a drawn concept, or the command that draws a cut one.
    viewer_ref: str = ""


def render_docs(
    graph: Graph,
    *,
    title: str | None = None,
    viewer_href: str | None = None,
    viewer_keys: ViewerKeys | None = None,
) -> str:
    """The documentation of ``graph`` as one self-contained HTML page.

    Parameters
    ----------
    graph:
        The RDF graph, usually :func:`qegraph.load`'s (bundled modules plus the user's files).
    title:
        Page title; default: the title of the umbrella ontology.
    viewer_href:
        Where the viewer page is, relative to this page (``qegraph build`` passes
        ``"../viewer.html"``): each concept then links to its place in the viewer.
    viewer_keys:
        What that viewer draws (``qegraph build`` passes its cut): then only a concept it draws
        links to it; the entry of a concept its cut left out says so, in both languages, with
        the ``qegraph viz --focus`` command that draws it; and the page says how many were cut.
        ``None``: every concept links to the viewer.

    Returns
    -------
    str
        The page; it has no script, loads nothing, and every ``#anchor`` it links to exists.
    """
    return _Docs(graph, viewer_href, viewer_keys=viewer_keys).render(title)["index.html"]


def render_docs_pages(
    graph: Graph,
    *,
    title: str | None = None,
    viewer_href: str | None = None,
    viewer_keys: ViewerKeys | None = None,
    split_at: int | None = DOCS_SPLIT_AT,
) -> dict[str, str]:
    """The documentation as pages, by file name: ``index.html`` alone (the page of
    :func:`render_docs`) up to ``split_at`` concepts, else ``index.html`` plus pages of at most
    400 concept entries each, class by class.

    A page of 5,000 concepts weighs 10 MB and takes the browser seconds to lay out; split, the
    index page keeps the metadata, classes, properties, sources and the index of every term,
    and each concept's index entry there carries the concept's anchor, so a link to
    ``index.html#ANCHOR`` (the viewer's) still lands on that concept, one click from its entry.
    Every page has the same style sheet and no script. ``viewer_href`` and ``viewer_keys`` are
    those of :func:`render_docs`.

    >>> from qegraph import load
    >>> list(render_docs_pages(load()))
    ['index.html']
    """
    return _Docs(graph, viewer_href, split_at=split_at, viewer_keys=viewer_keys).render(title)


def write_docs(
    graph: Graph,
    out_dir: str | os.PathLike[str],
    *,
    viewer_href: str | None = None,
    viewer_keys: ViewerKeys | None = None,
) -> list[Path]:
    """Write the documentation to ``out_dir/index.html`` (atomically) and return the paths;
    above :data:`DOCS_SPLIT_AT` concepts, also the pages of concept entries (see
    :func:`render_docs_pages`).

    ``out_dir`` is created when missing; ``viewer_href`` and ``viewer_keys`` are those of
    :func:`render_docs`.

    >>> import tempfile
    >>> from qegraph import load
    >>> [p.name for p in write_docs(load(), tempfile.mkdtemp())]
    ['index.html']
    """
    from .atomic import atomic_write_text, make_folder

    folder = make_folder(out_dir)
    written = []
    pages = render_docs_pages(graph, viewer_href=viewer_href, viewer_keys=viewer_keys)
    for name, page in pages.items():
        atomic_write_text(folder / name, page)
        written.append(folder / name)
    return written


class _Docs(DocsLayout):
    """The documentation of a graph: the layout of :class:`~qegraph.pagelinks.DocsLayout`, then
    every entry rendered."""

    def __init__(
        self,
        graph: Graph,
        viewer_href: str | None = None,
        *,
        split_at: int | None = None,
        viewer_keys: ViewerKeys | None = None,
    ) -> None:
        super().__init__(graph, split_at=split_at)
        self.viewer_href = viewer_href
        self.viewer_keys = viewer_keys if viewer_href else None

    # --- names and links ------------------------------------------------------------------

    def href(self, node: URIRef) -> str:
        """The link to a documented resource's entry: ``#anchor`` on one page, else
        ``page#anchor`` (also on its own page, so the same link works from every page)."""
        return f"{self.pages.get(node, self.home)}#{self.anchors[node]}"

    def link(self, node: Any) -> dict[str, Any]:
        """A link to ``node``: to its anchor when documented, to its IRI when http(s), else text."""
        if isinstance(node, URIRef) and node in self.anchors:
            return {
                "href": self.href(node),
                "text": self.label(node),
                "title": curie(node),
            }
        if isinstance(node, BNode):
            return {"text": self._describe_bnode(node)}
        if isinstance(node, Literal):
            return {"text": str(node)}
        text = curie(node)
        if str(node).lower().startswith(("http://", "https://")):
            return {"href": str(node), "text": text, "external": True}
        return {"text": text, "code": True}

    def _describe_bnode(self, node: BNode) -> str:
        members = self.g.value(node, OWL.unionOf)
        if members is not None:
            names = [self.label(m) if m in self.anchors else curie(m) for m in self._list(members)]
            return " or ".join(names)
        return "(anonymous class)"

    def _list(self, head: Any) -> list[Any]:
        try:
            return list(Collection(self.g, head))
        except Exception:  # a malformed list in user data is shown as empty, not a crash
            return []

    def links(self, nodes: Iterable[Any]) -> list[dict[str, Any]]:
        items = [self.link(n) for n in nodes]
        return sorted(items, key=lambda item: (item["text"].casefold(), item.get("href", "")))

    def union_links(self, node: Any) -> list[dict[str, Any]]:
        """A class expression as links: a union becomes its members."""
        if isinstance(node, BNode):
            members = self.g.value(node, OWL.unionOf)
            if members is not None:
                return self.links(self._list(members))
        return [self.link(node)]

    def render(self, title: str | None) -> dict[str, str]:
        self.layout()
        g = self.g
        groups = self.groups
        classes, concepts = groups["classes"], groups["concepts"]
        object_props, data_props = groups["object_props"], groups["data_props"]
        annotation_props = groups["annotation_props"]
        sections = [
            self._section("classes", "Classes", "类", [self._class(c) for c in classes]),
            self._section(
                "object-properties",
                "Object properties",
                "对象属性",
                [self._property(p) for p in object_props],
            ),
            self._section(
                "datatype-properties",
                "Datatype properties",
                "数据属性",
                [self._property(p) for p in data_props],
            ),
            self._section(
                "annotation-properties",
                "Annotation properties",
                "注释属性",
                [self._property(p) for p in annotation_props],
            ),
        ]
        concept_groups = self._concept_groups()
        sources = self._sources(groups["documents"], groups["passages"])
        index = self._index()
        meta = self._metadata(groups["ontologies"])
        page_title = title or meta["title"] or "qegraph ontology documentation"
        shown = [s for s in sections if s["terms"]]
        toc = {  # the contents bar, the same on every page
            "sections": [{**s, "count": len(s["terms"])} for s in shown],
            "groups": [
                {"href": g["href"], "en": g["en"], "count": g["count"]} for g in concept_groups
            ],
            "sources": bool(sources),
        }
        common = dict(
            toc=toc,
            title=page_title,
            meta=meta,
            concept_count=len(concepts),
            viewer_href=self.viewer_href,
            viewer=self._viewer_summary(concepts),
            namespaces=sorted(PREFIXES.items()),
            home=self.home,
            counts={
                "classes": len(classes),
                "properties": len(object_props) + len(data_props) + len(annotation_props),
                "concepts": len(concepts),
                "documents": len(groups["documents"]),
                "passages": len(groups["passages"]),
                "triples": len(g),
            },
        )
        pages = {}
        if self.pages:  # split: the index page lists each group's pages instead of its entries
            for grp in concept_groups:
                for number, (name, terms) in enumerate(grp["pages"], 1):
                    part = {
                        "number": number,
                        "of": len(grp["pages"]),
                        "first": terms[0].en,
                        "last": terms[-1].en,
                    }
                    one = {**grp, "terms": terms, "pages": [], "count": len(terms)}
                    pages[name] = _render_template(
                        **common, sections=[], concept_groups=[one], sources=[], index=[],
                        part=part,
                    )  # fmt: skip
                grp["pages"] = [
                    {"href": name, "count": len(terms), "first": terms[0].en, "last": terms[-1].en}
                    for name, terms in grp["pages"]
                ]
                grp["terms"] = []
        page = _render_template(
            **common,
            sections=shown,
            concept_groups=concept_groups,
            sources=sources,
            index=index,
            part=None,
        )
        return {"index.html": page, **pages}

    # --- metadata ---------------------------------------------------------------------------

    def _lang_text(self, node: Any, prop: URIRef, lang: str) -> str:
        fallback = ""
        for value in self.g.objects(node, prop):
            if isinstance(value, Literal):
                if (value.language or "").lower() == lang.lower():
                    return str(value)
                if not fallback and (value.language is None or lang == "en"):
                    fallback = str(value)
        return fallback

    def _metadata(self, ontologies: list[URIRef]) -> dict[str, Any]:
        g = self.g
        main = _UMBRELLA if _UMBRELLA in ontologies else (ontologies[0] if ontologies else None)
        modules = []
        for onto in ontologies:
            modules.append(
                {
                    "anchor": self.anchor(onto),
                    "iri": str(onto),
                    "title": self._lang_text(onto, DCTERMS.title, "en") or curie(onto),
                    "title_zh": self._lang_text(onto, DCTERMS.title, "zh-Hans"),
                    "description": self._lang_text(onto, DCTERMS.description, "en"),
                    "version": _first(g, onto, OWL.versionInfo),
                    "version_iri": self.link(g.value(onto, OWL.versionIRI))
                    if g.value(onto, OWL.versionIRI) is not None
                    else None,
                    "imports": self.links(g.objects(onto, OWL.imports)),
                    "main": onto == main,
                }
            )
        if main is None:
            return {"title": "", "modules": modules, "rows": []}
        licence = g.value(main, DCTERMS.license)
        version = _first(g, main, OWL.versionInfo)
        title = self._lang_text(main, DCTERMS.title, "en")
        creator = ", ".join(sorted(str(c) for c in g.objects(main, DCTERMS.creator)))
        created = _first(g, main, DCTERMS.created)
        version_iri = g.value(main, OWL.versionIRI)
        cite = self._lang_text(main, DCTERMS.bibliographicCitation, "en")
        if not cite:
            year = created[:4] if created else ""
            cite = f"{creator} ({year}). {title}, version {version}. {version_iri or main}"
        rows = [
            ("IRI", [{"text": str(main), "code": True}]),
            ("Version", [{"text": version}] if version else []),
            ("Version IRI", [self.link(version_iri)] if version_iri is not None else []),
            ("Licence", [self.link(licence)] if licence is not None else []),
            ("Creator", [{"text": creator}] if creator else []),
            ("Created", [{"text": created}] if created else []),
            ("Modified", [{"text": _first(g, main, DCTERMS.modified)}]),
            (
                "Namespace",
                [
                    {
                        "text": f"{_first(g, main, VANN.preferredNamespacePrefix) or 'qe'}: "
                        f"{_first(g, main, VANN.preferredNamespaceUri) or QE}",
                        "code": True,
                    }
                ],
            ),
            ("How to cite", [{"text": cite}]),
        ]
        return {
            "title": title,
            "title_zh": self._lang_text(main, DCTERMS.title, "zh-Hans"),
            "description": self._lang_text(main, DCTERMS.description, "en"),
            "rows": [{"name": name, "values": values} for name, values in rows if values],
            "modules": modules,
        }

    # --- entries ----------------------------------------------------------------------------

    def _term(self, node: URIRef, kind: str) -> _Term:
        g = self.g
        term = _Term(
            iri=node,
            anchor=self.anchor(node),
            kind=kind,
            en=self.label(node, "en"),
            zh=self.label(node, "zh-Hans"),
            curie=curie(node),
        )
        term.definition = self._lang_text(node, SKOS.definition, "en") or self._lang_text(
            node, RDFS.comment, "en"
        )
        term.definition_zh = self._lang_text(node, SKOS.definition, "zh-Hans")
        term.alt = sorted({str(v) for v in g.objects(node, SKOS.altLabel)})
        return term

    def _row(self, term: _Term, name: str, name_zh: str, values: list[dict[str, Any]]) -> None:
        if values:
            term.rows.append({"name": name, "name_zh": name_zh, "values": values})

    def _defined_by(self, term: _Term) -> None:
        self._row(
            term, "Defined by", "定义于", self.links(self.g.objects(term.iri, RDFS.isDefinedBy))
        )

    def _class(self, node: URIRef) -> _Term:
        g = self.g
        term = self._term(node, "class")
        supers = [o for o in g.objects(node, RDFS.subClassOf)]
        subs = [s for s in g.subjects(RDFS.subClassOf, node) if isinstance(s, URIRef)]
        self._row(term, "Subclass of", "父类", self.links(supers))
        self._row(term, "Superclass of", "子类", self.links(subs))
        disjoint = list(g.objects(node, OWL.disjointWith)) + list(
            g.subjects(OWL.disjointWith, node)
        )
        self._row(term, "Disjoint with", "不相交于", self.links(set(disjoint)))
        as_domain = [p for p in g.subjects(RDFS.domain, node) if isinstance(p, URIRef)]
        as_range = [p for p in g.subjects(RDFS.range, node) if isinstance(p, URIRef)]
        self._row(term, "In the domain of", "作为定义域", self.links(as_domain))
        self._row(term, "In the range of", "作为值域", self.links(as_range))
        members = sorted({s for s in g.subjects(RDF.type, node) if isinstance(s, URIRef)}, key=str)
        documented = [m for m in members if m in self.anchors]
        if documented:
            self._row(term, "Members", "成员", self.links(documented[:60]))
            if len(documented) > 60:
                term.rows[-1]["more"] = len(documented) - 60
        self._defined_by(term)
        return term

    def _property(self, node: URIRef) -> _Term:
        g = self.g
        term = self._term(node, "property")
        self._row(
            term,
            "Characteristics",
            "特性",
            [
                {"text": f"{en} · {zh}"}
                for cls, en, zh in _CHARACTERISTICS
                if (node, RDF.type, cls) in g
            ],
        )
        domains = [link for d in g.objects(node, RDFS.domain) for link in self.union_links(d)]
        ranges = [link for r in g.objects(node, RDFS.range) for link in self.union_links(r)]
        self._row(term, "Domain", "定义域", domains)
        self._row(term, "Range", "值域", ranges)
        inverse = set(g.objects(node, OWL.inverseOf)) | set(g.subjects(OWL.inverseOf, node))
        self._row(term, "Inverse of", "互逆属性", self.links(inverse))
        self._row(term, "Subproperty of", "父属性", self.links(g.objects(node, RDFS.subPropertyOf)))
        uses = sum(1 for _ in g.subject_objects(node))
        self._row(term, "Used", "使用次数", [{"text": f"{uses} times"}])
        self._defined_by(term)
        return term

    def _concept(self, node: URIRef, passage_index: dict[URIRef, dict[str, Any]]) -> _Term:
        from .concepts import side

        g = self.g
        term = self._term(node, "concept")
        term.badge = side(g, node)
        self._viewer_entry(term)
        types = [t for t in g.objects(node, RDF.type) if t not in (OWL.NamedIndividual,)]
        self._row(term, "Type", "类型", self.links(types))
        for prop, en, zh in _HIERARCHY:
            self._row(term, en.capitalize(), zh, self.links(g.objects(node, prop)))
        outgoing: dict[URIRef, list[Any]] = defaultdict(list)
        for p, o in g.predicate_objects(node):
            if (
                isinstance(p, URIRef)
                and p not in _NOT_RELATIONS
                and isinstance(o, URIRef)
                and o in self.anchors
                and p in self.anchors
            ):
                outgoing[p].append(o)
        for p in sorted(outgoing, key=lambda q: self.label(q)):
            self._row(term, self.label(p), self.label(p, "zh-Hans"), self.links(outgoing[p]))
        incoming: dict[URIRef, list[Any]] = defaultdict(list)
        for s, p in g.subject_predicates(node):
            if (
                isinstance(p, URIRef)
                and p not in _NOT_RELATIONS
                and p in self.anchors
                and s in self.anchors
                and (s, RDF.type, SKOS.Concept) in g
            ):
                incoming[p].append(s)
        for p in sorted(incoming, key=lambda q: self.label(q)):
            self._row(
                term,
                f"← {self.label(p)}",
                f"← {self.label(p, 'zh-Hans')}",
                self.links(incoming[p]),
            )
        for prop, en, zh in _MAPPINGS:
            self._row(term, en.capitalize(), zh, self.links(g.objects(node, prop)))
        notes = sorted(str(n) for n in g.objects(node, SKOS.editorialNote))
        self._row(term, "Mapping notes", "映射说明", [{"text": n, "block": True} for n in notes])
        self._row(term, "Claims", "断言", self._claims(node))
        found = [passage_index[p] for p in source_passages(g, node) if p in passage_index]
        self._row(term, "Source passages", "来源段落", found)
        self._defined_by(term)
        return term

    def _viewer_entry(self, term: _Term) -> None:
        """Whether ``term`` links to the viewer, or says it was cut and how to draw it."""
        from urllib.parse import quote

        if not self.viewer_href:
            return
        keys = self.viewer_keys
        term.viewer = "drawn" if keys is None else keys.status(term.iri)
        if term.viewer == "drawn":  # the viewer decodes its fragment, then finds the CURIE
            term.viewer_ref = quote(term.curie, safe=":/?@!$&'()*+,;=-._~")
        elif term.viewer == "cut" and keys is not None:
            term.viewer_ref = keys.focus_command(term.iri)

    def _viewer_summary(self, concepts: list[URIRef]) -> dict[str, str] | None:
        """How many documented concepts the viewer draws and how many its cut left out."""
        keys = self.viewer_keys
        if keys is None or not keys.cut:
            return None
        status = [keys.status(node) for node in concepts]
        return {
            "drawn": f"{status.count('drawn'):,}",
            "cut": f"{status.count('cut'):,}",
            "limit": f"{len(keys.drawn):,}",
            "concepts": f"{len(concepts):,}",
        }

    def _claims(self, node: URIRef) -> list[dict[str, Any]]:
        g = self.g
        claims = []
        for position in (RDF.subject, RDF.object):
            for claim in g.subjects(position, node):
                s, p, o = (g.value(claim, x) for x in (RDF.subject, RDF.predicate, RDF.object))
                if s is None or p is None or o is None:
                    continue
                axis = g.value(claim, QE.onAxis)
                evidence = _EVIDENCE.get(str(g.value(claim, _HAS_EVIDENCE)))
                sources = [
                    {
                        "href": self.href(src),
                        "text": self._passage_name(src),
                    }
                    for src in sorted(
                        (x for x in g.objects(claim, PROV.wasDerivedFrom) if x in self.anchors),
                        key=self._passage_key,
                    )
                ]
                claims.append(
                    {
                        "claim": True,
                        "subject": self.link(s),
                        "predicate": self.label(p) if isinstance(p, URIRef) else str(p),
                        "object": self.link(o),
                        "axis": self.link(axis) if axis is not None else None,
                        "evidence": evidence,
                        "sources": sources,
                        "sort": (str(p), str(s), str(o)),
                    }
                )
        claims.sort(key=lambda c: c["sort"])
        return claims

    def _passage_key(self, passage: Any) -> tuple[str, int, str]:
        doc = self.g.value(passage, DCTERMS.isPartOf)
        return (str(doc), _int(_first(self.g, passage, QE.paragraphNumber)), str(passage))

    def _passage_name(self, passage: URIRef) -> str:
        g = self.g
        doc = g.value(passage, DCTERMS.isPartOf)
        file_name = _first(g, doc, QE.fileName) if doc is not None else ""
        number = _first(g, passage, QE.paragraphNumber)
        return f"{file_name or curie(passage)} ¶{number}" if number else file_name or curie(passage)

    def _concept_groups(self) -> list[dict[str, Any]]:
        passage_index = {
            p: {
                "passage": True,
                "href": self.href(p),
                "text": self._passage_name(p),
                "phrase": _first(self.g, p, QE.keyPhrase),
            }
            for p in self._named(QE.SourcePassage)
        }
        result = []
        for group in self.concept_groups:
            cls = group["cls"]
            terms = [self._concept(node, passage_index) for node in group["nodes"]]
            entry = {
                "anchor": group["anchor"],
                "en": group["key"],
                "zh": self.label(cls, "zh-Hans") if cls is not None else "概念",
                "class_link": self.link(cls) if cls is not None else None,
                "terms": terms,
                "count": len(terms),
                "href": "#" + group["anchor"],
                "pages": [],
            }
            if "chunks" in group:
                by_node = dict(zip(group["nodes"], terms, strict=True))
                entry["pages"] = [
                    (name, [by_node[n] for n in chunk]) for name, chunk in group["chunks"]
                ]
                entry["href"] = f"{self.home}#{group['anchor']}"
            result.append(entry)
        return result

    def _sources(self, documents: list[URIRef], passages: list[URIRef]) -> list[dict[str, Any]]:
        g = self.g
        cited_by: dict[URIRef, set[URIRef]] = defaultdict(set)
        for claim, passage in g.subject_objects(PROV.wasDerivedFrom):
            if passage in self.anchors:
                for position in (RDF.subject, RDF.object):
                    node = g.value(claim, position)
                    if isinstance(node, URIRef) and (node, RDF.type, SKOS.Concept) in g:
                        cited_by[passage].add(node)
        by_doc: dict[Any, list[URIRef]] = defaultdict(list)
        for passage in passages:
            by_doc[g.value(passage, DCTERMS.isPartOf)].append(passage)
        result = []
        for doc in [*documents, None]:
            members = sorted(
                by_doc.get(doc, []),
                key=lambda p: (_int(_first(g, p, QE.paragraphNumber)), str(p)),
            )
            if doc is None and not members:
                continue
            result.append(
                {
                    "anchor": self.anchor(doc) if doc is not None else "passages-without-document",
                    "file": _first(g, doc, QE.fileName) if doc is not None else "",
                    "title": self._lang_text(doc, DCTERMS.title, "en") if doc is not None else "",
                    "description": self._lang_text(doc, DCTERMS.description, "en")
                    if doc is not None
                    else "",
                    "passages": [
                        {
                            "anchor": self.anchors[p],
                            "paragraph": _first(g, p, QE.paragraphNumber),
                            "line": _first(g, p, QE.lineNumber),
                            "phrase": _first(g, p, QE.keyPhrase),
                            "concepts": self.links(cited_by.get(p, ())),
                        }
                        for p in members
                    ],
                }
            )
        return result

    def _index(self) -> list[dict[str, Any]]:
        entries = []
        for node, anchor in self.anchors.items():
            if (node, RDF.type, QE.SourcePassage) in self.g:
                continue
            en = self.label(node)
            entries.append(
                {
                    "href": self.href(node),
                    # the entry's own anchor when it is on another page (the viewer links here)
                    "id": anchor if node in self.pages else "",
                    "text": en,
                    "zh": self.label(node, "zh-Hans"),
                    "curie": curie(node),
                    "letter": (en[:1].upper() if en[:1].isalpha() else "#"),
                }
            )
        entries.sort(key=lambda e: (e["text"].casefold(), e["curie"]))
        letters: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entry in entries:
            letters[entry["letter"]].append(entry)
        return [
            {"letter": letter, "anchor": f"index-{_letter_anchor(letter)}", "entries": items}
            for letter, items in sorted(letters.items())
        ]

    @staticmethod
    def _section(anchor: str, en: str, zh: str, terms: list[_Term]) -> dict[str, Any]:
        return {"anchor": anchor, "en": en, "zh": zh, "terms": terms}


def _letter_anchor(letter: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9]", letter):
        return letter
    return "u" + "-".join(f"{ord(c):x}" for c in letter)


def _first(graph: Graph, node: Any, prop: URIRef) -> str:
    if node is None:
        return ""
    values = sorted(str(v) for v in graph.objects(node, prop))
    return values[0] if values else ""


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


@cache
def _css() -> str:
    from importlib.resources import files

    return (files("qegraph") / "templates" / "docs.css").read_text(encoding="utf-8")


@cache
def _template() -> Any:
    """The page template, compiled once per process (split docs render it once per page)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("qegraph", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("docs.html")


def _render_template(**context: Any) -> str:
    from markupsafe import Markup

    css = _css()
    return _template().render(css=Markup(css), csp=content_security_policy([], [css]), **context)
