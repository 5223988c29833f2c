"""Register a source text: a ``qe:SourceDocument`` and its passages, located, never copied.

A text is split exactly as the bundled sources are: paragraph *n* is the *n*-th non-empty line
of the file (a line of only spaces is empty), and its line number is the physical line. Each
paragraph becomes a ``qe:SourcePassage`` (``qe:paragraphNumber``, ``qe:lineNumber``,
``dcterms:isPartOf`` the document); the document records its file name and the SHA-256 of the
text (``dcterms:identifier "sha256:..."``) so that ``qegraph curate`` can find the file again,
check a key phrase against the very text that was registered, and notice when the text changed.
No sentence of the text is copied: the claims table later adds the short key phrases it quotes.

>>> lines = ["Title", "", "  ", "First paragraph.", "Second."]
>>> [(p.paragraph, p.line) for p in split_passages("\\n".join(lines))]
[(1, 1), (2, 4), (3, 5)]
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, XSD

from ..errors import InputError
from ..namespaces import QE, bind_prefixes, language_tag
from .module import ModuleInfo, check_date, module_header, module_iri, render_module, slug

__all__ = [
    "Passage",
    "SourceRegistration",
    "check_language",
    "document_iri",
    "read_text",
    "register_source",
    "split_passages",
    "text_digest",
]

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


class Passage(NamedTuple):
    """One paragraph of a text: its number, its physical line (both from 1) and its text."""

    paragraph: int
    line: int
    text: str


def split_passages(text: str) -> list[Passage]:
    """The paragraphs of ``text``: paragraph *n* is the *n*-th non-empty line."""
    lines = text.split("\n")
    found = [(number, line.rstrip("\r")) for number, line in enumerate(lines, 1) if line.strip()]
    return [Passage(n, line_no, line) for n, (line_no, line) in enumerate(found, 1)]


def read_text(path: str | Path) -> str:
    """The UTF-8 text of ``path``; a missing or undecodable file is an :class:`InputError`."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read the file ({err.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not UTF-8 text (byte {err.start})") from None


def text_digest(text: str) -> str:
    """The identifier ``source add`` records for a text: ``sha256:`` and the hex digest.

    >>> text_digest("abc")[:15]
    'sha256:ba7816bf'
    """
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_language(tag: str, what: str = "--lang") -> str:
    """``tag`` in its conventional case if it looks like a BCP 47 tag, else an InputError.

    >>> check_language("ZH-hans")
    'zh-Hans'
    """
    if not _LANGUAGE.match(tag):
        raise InputError(f"{what} {tag!r}: not a language tag (e.g. en, zh-Hans)")
    return language_tag(tag)


def document_iri(path: str | Path, namespace: str = str(QE)) -> URIRef:
    """The IRI ``source add`` gives the document in file ``path``: ``<namespace>doc-<stem>``.

    >>> str(document_iri("notes/Interview 3.txt"))
    'https://w3id.org/qegraph/doc-interview-3'
    """
    return URIRef(f"{namespace}doc-{slug(Path(path).stem) or 'text'}")


@dataclass(frozen=True)
class SourceRegistration:
    """What :func:`register_source` wrote: the module file, the document and its passages."""

    output: Path
    document: URIRef
    passages: int
    turtle: str

    def render(self) -> str:
        """One line for the terminal."""
        return f"wrote {self.output}: {self.document} with {self.passages} passages"


def register_source(
    text_file: str | Path,
    output: str | Path,
    *,
    title: str,
    author: str | None = None,
    url: str | None = None,
    date: str | None = None,
    lang: str | None = None,
    namespace: str = str(QE),
    module_date: str | None = None,
) -> SourceRegistration:
    """Register ``text_file`` as a source document in the module ``output`` (written atomically).

    Other documents already registered in ``output`` are kept, so one module can hold all of a
    project's sources; registering the same file again replaces its entry and, when nothing
    changed, leaves the file byte for byte as it was.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "notes.txt").write_text("Heading\\n\\nPupils learn by doing.\\n")
    >>> reg = register_source(folder / "notes.txt", folder / "src.ttl", title="Notes",
    ...                       module_date="2026-01-01")
    >>> reg.passages, str(reg.document)
    (2, 'https://w3id.org/qegraph/doc-notes')
    """
    from ..atomic import atomic_write_text

    text_file = Path(text_file)
    text = read_text(text_file)
    passages = split_passages(text)
    if not passages:
        raise InputError(f"{text_file}: the text has no non-empty line, so no passage")
    if lang is not None:
        lang = check_language(lang)
    if date is not None:
        check_date(date, "--date")
    if url is not None and not re.match(r"^https?://\S+$", url):
        raise InputError(f"--url {url!r}: expected an http(s) address")
    if not title.strip():
        raise InputError("--title: give the document's title")
    doc = document_iri(text_file, namespace)
    kept = _other_documents(output, doc)

    def build(created: str, modified: str) -> Graph:
        graph = bind_prefixes(Graph())
        for triple in kept:
            graph.add(triple)
        info = ModuleInfo(
            iri=module_iri(namespace, output),
            title=f"{Path(output).stem}: registered sources",
            description="Source documents registered with `qegraph source add`: each paragraph "
            "a passage located by paragraph and line number; the texts themselves stay with "
            "their owners.",
            creator=author or "qegraph user",
            created=created,
            modified=modified,
            namespace=namespace,
        )
        module_header(graph, info)
        graph.add((doc, RDF.type, QE.SourceDocument))
        graph.add((doc, RDF.type, PROV.Entity))
        graph.add((doc, RDFS.label, Literal(text_file.name)))
        graph.add((doc, DCTERMS.title, Literal(title.strip(), lang=lang or None)))
        graph.add((doc, QE.fileName, Literal(text_file.name)))
        graph.add((doc, DCTERMS.identifier, Literal(text_digest(text))))
        if lang:
            graph.add((doc, DCTERMS.language, Literal(lang)))
        if author:
            graph.add((doc, DCTERMS.creator, Literal(author)))
        if url:
            graph.add((doc, DCTERMS.source, URIRef(url)))
        if date:
            graph.add((doc, DCTERMS.issued, Literal(date, datatype=XSD.date)))
        for passage in passages:
            node = URIRef(f"{doc}-p{passage.paragraph}")
            graph.add((doc, DCTERMS.hasPart, node))
            graph.add((node, RDF.type, QE.SourcePassage))
            graph.add((node, RDF.type, PROV.Entity))
            graph.add((node, RDFS.label, Literal(f"{text_file.name} ¶{passage.paragraph}")))
            graph.add((node, DCTERMS.isPartOf, doc))
            graph.add((node, QE.paragraphNumber, Literal(passage.paragraph)))
            graph.add((node, QE.lineNumber, Literal(passage.line)))
        return graph

    turtle = render_module(build, output, module_date)
    atomic_write_text(output, turtle)
    return SourceRegistration(Path(output), doc, len(passages), turtle)


def _other_documents(output: str | Path, doc: URIRef) -> list[tuple]:
    """The triples of ``output`` (if it exists) except its header and ``doc``'s own entry."""
    path = Path(output)
    if not path.exists():
        return []
    from ..loading import parse_into

    graph = Graph()
    parse_into(graph, path)
    modules = set(graph.subjects(RDF.type, OWL.Ontology))
    own = {doc, *graph.objects(doc, DCTERMS.hasPart)}
    return [t for t in graph if t[0] not in modules and t[0] not in own]
