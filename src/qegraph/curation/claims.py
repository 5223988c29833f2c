"""Turn a table of claims (and one of new concepts) into a module shaped like the bundled graph.

One row of the claims table is one claim: ``subject``, ``relation``, ``object`` (labels in
English or Chinese, CURIEs or IRIs), the ``document`` and ``paragraph`` it comes from, the
``key_phrase`` it quotes, the ``evidence`` kind (``stated``: the text says it, ECO_0000304;
``inferred``: the curator reads it in, ECO_0000305) and, for ``opposes``, the contrast ``axis``.
For each claim the module gets the direct edge, a ``qe:Claim`` node named
``claim-<subject>-<relation>-<object>`` (``rdf:subject/predicate/object``,
``prov:wasDerivedFrom`` the passage, ``obo:RO_0002558`` the evidence kind, ``qe:onAxis``) and
the key phrase on the passage. Rows naming the same subject, relation and object with different
passages make one claim derived from all of them.

Every row is checked before anything is written, against the bundled graph merged with the
registered sources (and any ``--data``): an unknown concept (close matches suggested), an
unknown relation (the relations listed), a subject or object outside the relation's domain or
range, an unknown document or paragraph, a key phrase that is not verbatim in its paragraph of
the registered text, a second key phrase for one passage, ``opposes`` within one paradigm side
or without an axis, and a duplicate claim. Each problem is reported as ``FILE:ROW:COLUMN``;
when there is any, nothing is written.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from ..concepts import _superclasses, side
from ..errors import ConceptLookupError, InputError
from ..namespaces import QE, bind_prefixes, curie
from .module import ModuleInfo, module_header, module_iri, render_module, slug
from .sources import read_text, text_digest

__all__ = [
    "CLAIM_COLUMNS",
    "CONCEPT_COLUMNS",
    "ECO_CURATOR_INFERENCE",
    "ECO_STATED",
    "HAS_EVIDENCE",
    "CurationResult",
    "curate",
    "template",
]

#: ``obo:RO_0002558`` "has evidence": links a claim to the kind of evidence behind it.
HAS_EVIDENCE = URIRef("http://purl.obolibrary.org/obo/RO_0002558")
#: ECO "author statement supported by traceable reference": the text states it.
ECO_STATED = URIRef("http://purl.obolibrary.org/obo/ECO_0000304")
#: ECO "curator inference": the curators read it in.
ECO_CURATOR_INFERENCE = URIRef("http://purl.obolibrary.org/obo/ECO_0000305")

_EVIDENCE = {
    "stated": ECO_STATED,
    "inferred": ECO_CURATOR_INFERENCE,
    "eco:0000304": ECO_STATED,
    "eco:0000305": ECO_CURATOR_INFERENCE,
    "obo:eco_0000304": ECO_STATED,
    "obo:eco_0000305": ECO_CURATOR_INFERENCE,
}

#: The columns of the claims table; ``axis`` is needed only for ``opposes``.
CLAIM_COLUMNS = (
    "subject",
    "relation",
    "object",
    "document",
    "paragraph",
    "key_phrase",
    "evidence",
    "axis",
)
_CLAIM_REQUIRED = ("subject", "relation", "object", "document", "paragraph", "evidence")

#: The columns of the new-concepts table; ``id``, ``pinyin`` and ``broader`` may stay empty.
CONCEPT_COLUMNS = (
    "id",
    "type",
    "label_en",
    "label_zh",
    "definition_en",
    "definition_zh",
    "pinyin",
    "broader",
)
_CONCEPT_REQUIRED = ("type", "label_en", "label_zh", "definition_en", "definition_zh")

_EXAMPLE_CLAIM = (
    "personalized education",
    "develops",
    "self-directed project work",
    "doc-learning-by-doing",
    "2",
    "pupils plan their own projects",
    "stated",
    "",
)
_EXAMPLE_CONCEPT = (
    "self-directed-project-work",
    "Competency",
    "self-directed project work",
    "自主项目学习",
    "The ability to plan, carry out and review a piece of work of one's own choosing.",
    "自主选择、计划、完成并反思一项工作的能力。",
    "zìzhǔ xiàngmù xuéxí",
    "",
)

_MAX_KEY_PHRASE = 120


def template(kind: str = "claims", delimiter: str = ",") -> str:
    """An empty table of ``kind`` (``claims`` or ``concepts``): the column names and one
    filled example row.

    >>> print(template("claims").splitlines()[0])
    subject,relation,object,document,paragraph,key_phrase,evidence,axis
    """
    columns, example = (
        (CLAIM_COLUMNS, _EXAMPLE_CLAIM) if kind == "claims" else (CONCEPT_COLUMNS, _EXAMPLE_CONCEPT)
    )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    writer.writerow(example)
    return out.getvalue()


# --- reading tables -----------------------------------------------------------------------


@dataclass
class _Row:
    """One record of a table: its file, physical line, and cells by column name."""

    file: str
    line: int
    cells: dict[str, str]
    columns: dict[str, int]

    def get(self, name: str) -> str:
        return self.cells.get(name, "").strip()

    def where(self, name: str) -> str:
        return f"{self.file}:{self.line}:{self.columns.get(name, 1)}: {name}"


@dataclass
class _Problems:
    """Every problem found so far, reported as ``FILE:ROW:COLUMN: column: message`` in the
    order of the files' rows and columns."""

    found: list[tuple[str, int, int, str]] = field(default_factory=list)

    def add(self, row: _Row, column: str, message: str) -> None:
        place = (row.file, row.line, row.columns.get(column, 1))
        self.found.append((*place, f"{row.where(column)}: {message}"))

    @property
    def lines(self) -> list[str]:
        return [text for *_place, text in sorted(self.found, key=lambda f: f[:3])]

    def __len__(self) -> int:
        return len(self.found)


def _read_table(
    path: str | os.PathLike[str], known: Sequence[str], required: Sequence[str]
) -> list[_Row]:
    """The records of a CSV or TSV file (tab-separated when the name ends in .tsv or .tab)."""
    text = read_text(path)
    name = os.fspath(path)
    delimiter = "\t" if name.lower().endswith((".tsv", ".tab")) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{name}:1:1: the table is empty; it needs a header row") from None
    except csv.Error as err:
        raise InputError(f"{name}:1:1: not a readable table ({err})") from None
    columns: dict[str, int] = {}
    for number, cell in enumerate(header, 1):
        key = cell.strip().lower().replace(" ", "_")
        if not key:
            continue
        if key not in known:
            raise InputError(
                f"{name}:1:{number}: unknown column {cell!r}; the columns are {', '.join(known)}"
            )
        columns[key] = number
    missing = [c for c in required if c not in columns]
    if missing:
        raise InputError(f"{name}:1:1: missing column(s) {', '.join(missing)}")
    rows: list[_Row] = []
    try:
        while True:
            start = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                break
            if not any(cell.strip() for cell in record) or record[0].lstrip().startswith("#"):
                continue  # blank lines and comment rows help people keep a sheet tidy
            cells = {
                key: record[i - 1] if i - 1 < len(record) else "" for key, i in columns.items()
            }
            rows.append(_Row(name, start, cells, columns))
    except csv.Error as err:
        raise InputError(f"{name}:{reader.line_num}:1: not a readable table ({err})") from None
    return rows


# --- the graph's vocabulary ---------------------------------------------------------------


def _classes_of(graph: Graph, node: URIRef) -> set[URIRef]:
    out: set[URIRef] = set()
    for cls in graph.objects(node, RDF.type):
        if isinstance(cls, URIRef):
            out |= _superclasses(graph, cls)
    return out


def _allowed(graph: Graph, prop: URIRef, which: URIRef) -> list[URIRef]:
    """The classes ``rdfs:domain`` or ``rdfs:range`` of ``prop`` allow (an ``owl:unionOf`` is
    read as its members); empty when anything goes."""
    out: list[URIRef] = []
    for value in graph.objects(prop, which):
        if isinstance(value, URIRef):
            out.append(value)
        elif isinstance(value, BNode):
            members = graph.value(value, OWL.unionOf)
            if members is not None:
                out.extend(m for m in Collection(graph, members) if isinstance(m, URIRef))
    return out


def _relations(graph: Graph) -> dict[str, URIRef]:
    """The qegraph relations between concepts, by lower-cased CURIE, local name and labels."""
    names: dict[str, URIRef] = {}
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        if not (isinstance(prop, URIRef) and str(prop).startswith(str(QE))):
            continue
        if QE.Claim in _allowed(graph, prop, RDFS.domain):
            continue  # qe:onAxis describes a claim, it is not a relation between concepts
        names[curie(prop).lower()] = prop
        names[str(prop).lower()] = prop
        names[str(prop)[len(str(QE)) :].lower()] = prop
        for value in graph.objects(prop, RDFS.label):
            names.setdefault(str(value).lower(), prop)
    return names


def _class_names(graph: Graph) -> dict[str, URIRef]:
    """The qegraph classes a new concept may have, by lower-cased CURIE, local name and labels
    (every class but the provenance ones: claims, documents and passages are not concepts)."""
    names: dict[str, URIRef] = {}
    for cls in graph.subjects(RDF.type, OWL.Class):
        if not (isinstance(cls, URIRef) and str(cls).startswith(str(QE))):
            continue
        if cls in (QE.Claim, QE.SourceDocument, QE.SourcePassage):
            continue
        names[curie(cls).lower()] = cls
        names[str(cls)[len(str(QE)) :].lower()] = cls
        for value in graph.objects(cls, RDFS.label):
            names.setdefault(str(value).lower(), cls)
    return names


def _local(node: URIRef) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


# --- the result ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CurationResult:
    """What :func:`curate` wrote: the module, how many concepts and claims, the Turtle."""

    output: Path
    concepts: int
    claims: int
    turtle: str

    def render(self) -> str:
        """One line for the terminal."""
        return f"wrote {self.output}: {self.concepts} new concepts, {self.claims} claims"


@dataclass
class _Claim:
    subject: URIRef
    relation: URIRef
    object: URIRef
    evidence: URIRef
    axis: URIRef | None
    passages: list[URIRef]
    row: _Row


# --- curate -------------------------------------------------------------------------------


def curate(
    claims_file: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    concepts_file: str | os.PathLike[str] | None = None,
    sources: Iterable[str | os.PathLike[str]] = (),
    data: Iterable[str | os.PathLike[str]] = (),
    text_dirs: Iterable[str | os.PathLike[str]] = (),
    namespace: str = str(QE),
    title: str | None = None,
    creator: str | None = None,
    date: str | None = None,
) -> CurationResult:
    """Check the claims (and new concepts) tables and write their module to ``output``.

    ``sources`` are the modules ``qegraph source add`` wrote; their texts are looked for by file
    name in ``text_dirs``, then next to each source module and next to the claims table.
    ``data`` are further RDF files merged with the bundled graph. Raises :class:`InputError`
    listing every problem (``FILE:ROW:COLUMN``) and writes nothing when any row is wrong.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "claims.csv").write_text(
    ...     "subject,relation,object,document,paragraph,key_phrase,evidence\\n"
    ...     "personalized education,develops,teamwork spirit,doc-002,5,,inferred\\n")
    >>> print(curate(folder / "claims.csv", folder / "mine.ttl", date="2026-01-01").render())
    ... # doctest: +ELLIPSIS
    wrote .../mine.ttl: 0 new concepts, 1 claims
    """
    from ..atomic import atomic_write_text
    from ..loading import load

    sources = [Path(s) for s in sources]
    graph = load([*data, *sources])
    dirs = [Path(d) for d in text_dirs]
    dirs += [s.parent for s in sources] + [Path(claims_file).parent]
    problems = _Problems()
    concept_triples, new_concepts = _read_concepts(graph, concepts_file, namespace, problems)
    for triple in concept_triples:
        graph.add(triple)  # so that claims may name the new concepts
    claims, phrases = _read_claims(graph, claims_file, dirs, problems)
    _check_traits_opposed(graph, new_concepts, claims, problems)
    if len(problems):
        count = len(problems)
        summary = f"{count} problem{'s' if count != 1 else ''} found; nothing was written"
        raise InputError("\n".join([*problems.lines, summary]))
    module = module_iri(namespace, output)

    def build(created: str, modified: str) -> Graph:
        out = bind_prefixes(Graph())
        out.bind("obo", "http://purl.obolibrary.org/obo/")
        info = ModuleInfo(
            iri=module,
            title=title or f"{Path(output).stem}: curated claims",
            description="Concepts and claims curated from a table with `qegraph curate`: "
            "each claim a direct edge and a qe:Claim node derived from the passage it quotes.",
            creator=creator or "qegraph user",
            created=created,
            modified=modified,
            namespace=namespace,
        )
        module_header(out, info)
        for s, p, o in concept_triples:
            out.add((s, p, URIRef(module) if o == _MODULE else o))
        for claim in claims.values():
            _write_claim(out, claim, namespace)
        for passage, phrase in phrases.items():
            if graph.value(passage, QE.keyPhrase) is None:
                out.add((passage, QE.keyPhrase, Literal(phrase)))
        return out

    turtle = render_module(build, output, date)
    atomic_write_text(output, turtle)
    return CurationResult(Path(output), len(new_concepts), len(claims), turtle)


#: Stands for the module IRI in concept triples until the module is known.
_MODULE = URIRef("urn:qegraph:this-module")


def _write_claim(out: Graph, claim: _Claim, namespace: str) -> None:
    s, p, o = claim.subject, claim.relation, claim.object
    node = URIRef(f"{namespace}claim-{_local(s)}-{_local(p)}-{_local(o)}")
    out.add((s, p, o))
    out.add((node, RDF.type, QE.Claim))
    out.add((node, RDF.type, PROV.Entity))
    out.add((node, RDF.subject, s))
    out.add((node, RDF.predicate, p))
    out.add((node, RDF.object, o))
    out.add((node, HAS_EVIDENCE, claim.evidence))
    if claim.axis is not None:
        out.add((node, QE.onAxis, claim.axis))
    for passage in claim.passages:
        out.add((node, PROV.wasDerivedFrom, passage))


def _read_concepts(
    graph: Graph,
    path: str | os.PathLike[str] | None,
    namespace: str,
    problems: _Problems,
) -> tuple[list[tuple], dict[URIRef, _Row]]:
    """The triples of the new concepts and their rows by IRI; problems go to ``problems``."""
    if path is None:
        return [], {}
    rows = _read_table(path, CONCEPT_COLUMNS, _CONCEPT_REQUIRED)
    classes = _class_names(graph)
    taken: dict[str, URIRef] = {}
    for value, node in ((v, s) for p in (SKOS.prefLabel,) for s, v in graph.subject_objects(p)):
        taken[f"{str(value).casefold()}@{(value.language or '').lower()}"] = node
    triples: list[tuple] = []
    made: dict[URIRef, _Row] = {}
    pending: list[tuple[_Row, URIRef]] = []
    for row in rows:
        before = len(problems)
        for column in _CONCEPT_REQUIRED:
            if not row.get(column):
                problems.add(
                    row,
                    column,
                    "empty; a new concept needs both labels, both definitions and a type",
                )
        types = []
        for name in re.split(r"[;|]", row.get("type")):
            cls = classes.get(name.strip().lower())
            if name.strip() and cls is None:
                known = sorted({curie(c)[3:] for c in classes.values()})
                problems.add(
                    row,
                    "type",
                    f"unknown type {name.strip()!r}; the types are {', '.join(known)} "
                    "(several separated by ';')",
                )
            elif cls is not None:
                types.append(cls)
        local = row.get("id") or slug(row.get("label_en"))
        if local.startswith(namespace):
            local = local[len(namespace) :]
        elif local.startswith("qe:"):
            local = local[3:]
        if row.get("id") and slug(local) != local:
            problems.add(
                row, "id", f"{row.get('id')!r} is not a kebab-case name (try {slug(local)!r})"
            )
        node = URIRef(namespace + local)
        if local and ((node, None, None) in graph or node in made):
            problems.add(
                row,
                "id" if row.get("id") else "label_en",
                f"{curie(node)} already exists; give the new concept another id",
            )
        for column, lang in (("label_en", "en"), ("label_zh", "zh-hans")):
            text = row.get(column)
            other = taken.get(f"{text.casefold()}@{lang}")
            if text and other is not None:
                problems.add(
                    row,
                    column,
                    f"{text!r} is already the label of {curie(other)}; "
                    "use that concept, or give the new one another label",
                )
        if len(problems) != before:
            continue
        taken[f"{row.get('label_en').casefold()}@en"] = node
        taken[f"{row.get('label_zh').casefold()}@zh-hans"] = node
        triples += [(node, RDF.type, cls) for cls in types]
        triples += [
            (node, RDF.type, OWL.NamedIndividual),
            (node, RDF.type, SKOS.Concept),
            (node, SKOS.prefLabel, Literal(row.get("label_en"), lang="en")),
            (node, SKOS.prefLabel, Literal(row.get("label_zh"), lang="zh-Hans")),
            (node, SKOS.definition, Literal(row.get("definition_en"), lang="en")),
            (node, SKOS.definition, Literal(row.get("definition_zh"), lang="zh-Hans")),
            (node, SKOS.inScheme, QE.scheme),
            (node, RDFS.isDefinedBy, _MODULE),
        ]
        if row.get("pinyin"):
            triples.append((node, SKOS.altLabel, Literal(row.get("pinyin"), lang="zh-Latn-pinyin")))
        made[node] = row
        if row.get("broader"):
            pending.append((row, node))
    # broader may name a concept of the same sheet, so it is resolved once all are known
    scratch = Graph()
    for triple in (*graph, *triples):
        scratch.add(triple)
    for row, node in pending:
        target = _concept(scratch, row, "broader", problems)
        if target is not None:
            triples.append((node, SKOS.broader, target))
    return triples, made


def _concept(graph: Graph, row: _Row, column: str, problems: _Problems) -> URIRef | None:
    """The concept ``row[column]`` names, or None after recording why not."""
    from ..concepts import resolve_concept

    name = row.get(column)
    if not name:
        problems.add(row, column, "empty")
        return None
    try:
        node = resolve_concept(graph, name)
    except ConceptLookupError as err:
        problems.add(row, column, str(err))
        return None
    if (node, RDF.type, SKOS.Concept) not in graph:
        problems.add(row, column, f"{curie(node)} is not a concept")
        return None
    return node


def _fits(graph: Graph, node: URIRef, allowed: list[URIRef]) -> bool:
    return not allowed or bool(_classes_of(graph, node) & set(allowed))


def _read_claims(
    graph: Graph,
    path: str | os.PathLike[str],
    dirs: list[Path],
    problems: _Problems,
) -> tuple[dict[tuple, _Claim], dict[URIRef, str]]:
    """The claims by (subject, relation, object) and the key phrase of each cited passage."""
    rows = _read_table(path, CLAIM_COLUMNS, _CLAIM_REQUIRED)
    relations = _relations(graph)
    texts = _Texts(graph, dirs)
    claims: dict[tuple, _Claim] = {}
    phrases: dict[URIRef, tuple[str, _Row]] = {}
    for row in rows:
        before = len(problems)
        subject = _concept(graph, row, "subject", problems)
        obj = _concept(graph, row, "object", problems)
        relation = relations.get(row.get("relation").lower()) if row.get("relation") else None
        if relation is None:
            listed = sorted({curie(r)[3:] for r in relations.values()})
            given = row.get("relation")
            problems.add(
                row,
                "relation",
                (f"unknown relation {given!r}" if given else "empty")
                + f"; the relations are {', '.join(listed)}",
            )
        evidence = _EVIDENCE.get(row.get("evidence").lower())
        if evidence is None:
            problems.add(
                row,
                "evidence",
                f"{row.get('evidence')!r}: expected stated (the text "
                "says it) or inferred (the curator reads it in)",
            )
        passage = _passage(graph, row, problems)
        if passage is not None and row.get("key_phrase"):
            _check_phrase(graph, texts, row, passage, phrases, problems)
        axis = None
        if relation is not None and subject is not None and obj is not None:
            for node, column, which, word in (
                (subject, "subject", RDFS.domain, "domain"),
                (obj, "object", RDFS.range, "range"),
            ):
                allowed = _allowed(graph, relation, which)
                if not _fits(graph, node, allowed):
                    names = " or ".join(curie(c) for c in allowed)
                    problems.add(
                        row,
                        column,
                        f"{curie(node)} is not a {names}, the {word} of {curie(relation)}",
                    )
            if relation == QE.opposes:
                sides = {side(graph, subject), side(graph, obj)}
                if sides != {"quality", "exam"}:
                    problems.add(
                        row,
                        "object",
                        f"opposes must link a quality-education element "
                        f"and an exam-oriented trait; {curie(subject)} is "
                        f"{side(graph, subject)} and {curie(obj)} is {side(graph, obj)}",
                    )
                axis = _axis(graph, row, problems)
            elif row.get("axis"):
                problems.add(row, "axis", "an axis belongs only to an opposes claim")
        if len(problems) != before:
            continue
        assert subject is not None and obj is not None and relation is not None
        assert evidence is not None and passage is not None
        forward = _forward(graph, relation)
        if forward is not None:  # "is developed by" is written as the bundled graph states it
            subject, relation, obj = obj, forward, subject
        key = (subject, relation, obj)
        mirror = (obj, relation, subject) if relation == QE.opposes else None
        existing = claims.get(key) or (claims.get(mirror) if mirror else None)
        if existing is None and _claimed(graph, key, mirror):
            problems.add(
                row,
                "relation",
                f"duplicate claim: the graph already records "
                f"{curie(subject)} {curie(relation)} {curie(obj)}",
            )
            continue
        if existing is not None:
            if passage in existing.passages:
                problems.add(
                    row,
                    "paragraph",
                    f"duplicate claim: row {existing.row.line} "
                    "already makes it from the same passage",
                )
            elif existing.evidence != evidence:
                problems.add(
                    row,
                    "evidence",
                    f"row {existing.row.line} gives this claim another evidence kind",
                )
            elif existing.axis != axis:
                problems.add(
                    row, "axis", f"row {existing.row.line} puts this claim on another axis"
                )
            else:
                existing.passages.append(passage)
            continue
        claims[key] = _Claim(subject, relation, obj, evidence, axis, [passage], row)
    return claims, {p: phrase for p, (phrase, _row) in phrases.items()}


def _forward(graph: Graph, relation: URIRef) -> URIRef | None:
    """The relation ``relation`` is the inverse of, when it is an ``is...`` inverse; else None."""
    if not _local(relation).startswith("is"):
        return None
    found = graph.value(relation, OWL.inverseOf)
    return found if isinstance(found, URIRef) else None


def _claimed(graph: Graph, key: tuple, mirror: tuple | None) -> bool:
    for s, p, o in filter(None, (key, mirror)):
        for claim in graph.subjects(RDF.subject, s):
            if (claim, RDF.predicate, p) in graph and (claim, RDF.object, o) in graph:
                return True
    return False


def _axis(graph: Graph, row: _Row, problems: _Problems) -> URIRef | None:
    axes = sorted(curie(a) for a in graph.subjects(RDF.type, QE.ContrastAxis))
    if not row.get("axis"):
        problems.add(row, "axis", f"an opposes claim needs its contrast axis: {', '.join(axes)}")
        return None
    node = _concept(graph, row, "axis", problems)
    if node is not None and (node, RDF.type, QE.ContrastAxis) not in graph:
        problems.add(row, "axis", f"{curie(node)} is not a contrast axis: {', '.join(axes)}")
        return None
    return node


def _passage(graph: Graph, row: _Row, problems: _Problems) -> URIRef | None:
    """The passage named by the row's ``document`` and ``paragraph``."""
    name = row.get("document")
    if not name:
        problems.add(row, "document", "empty")
        return None
    documents = [d for d in graph.subjects(RDF.type, QE.SourceDocument) if isinstance(d, URIRef)]
    wanted = name.casefold()
    found = [
        d
        for d in documents
        if wanted in {curie(d).casefold(), str(d).casefold(), _local(d).casefold()}
        or wanted in {str(v).casefold() for v in graph.objects(d, QE.fileName)}
    ]
    if not found:
        listed = ", ".join(sorted(str(graph.value(d, QE.fileName) or curie(d)) for d in documents))
        problems.add(
            row,
            "document",
            f"unknown document {name!r}; register it with `qegraph "
            f"source add` and give its module with --sources (known: {listed})",
        )
        return None
    doc = found[0]
    number = row.get("paragraph")
    if not number.isdigit() or int(number) < 1:
        problems.add(
            row,
            "paragraph",
            f"{number!r}: expected a paragraph number from 1 (the n-th non-empty line of the text)",
        )
        return None
    for passage in graph.objects(doc, DCTERMS.hasPart):
        if graph.value(passage, QE.paragraphNumber) == Literal(int(number)):
            return passage  # type: ignore[return-value]
    for passage in graph.subjects(DCTERMS.isPartOf, doc):
        if graph.value(passage, QE.paragraphNumber) == Literal(int(number)):
            return passage  # type: ignore[return-value]
    count = len(set(graph.subjects(DCTERMS.isPartOf, doc)))
    problems.add(row, "paragraph", f"{curie(doc)} has no paragraph {number} (it has {count})")
    return None


class _Texts:
    """Finds a registered document's text by file name and checks it is the registered one."""

    def __init__(self, graph: Graph, dirs: list[Path]) -> None:
        self.graph = graph
        self.dirs = dirs + _seed_dirs()
        self.cache: dict[URIRef, list[str] | str] = {}

    def lines(self, doc: URIRef) -> list[str] | str:
        """The physical lines of ``doc``'s text, or a message saying why there are none."""
        if doc not in self.cache:
            self.cache[doc] = self._load(doc)
        return self.cache[doc]

    def _load(self, doc: URIRef) -> list[str] | str:
        name = str(self.graph.value(doc, QE.fileName) or "")
        places = [d / name for d in self.dirs]
        path = next((p for p in places if name and p.is_file()), None)
        if path is None:
            where = ", ".join(sorted({str(d) for d in self.dirs})) or "nowhere"
            return (
                f"the text {name!r} of {curie(doc)} was not found (looked in {where}); "
                "give its folder with --text-dir"
            )
        text = read_text(path)
        recorded = self.graph.value(doc, DCTERMS.identifier)
        if str(recorded or "").startswith("sha256:") and text_digest(text) != str(recorded):
            return (
                f"{path} changed since it was registered; run `qegraph source add` "
                "again so that paragraphs and key phrases are checked against it"
            )
        return text.split("\n")


def _seed_dirs() -> list[Path]:
    """Where the bundled documents' texts may be: ``QEGRAPH_SEEDS``, then ``../shared/seeds``."""
    found = [Path(os.environ["QEGRAPH_SEEDS"])] if os.environ.get("QEGRAPH_SEEDS") else []
    return [*found, Path.cwd().parent / "shared" / "seeds"]


def _check_phrase(
    graph: Graph,
    texts: _Texts,
    row: _Row,
    passage: URIRef,
    phrases: dict[URIRef, tuple[str, _Row]],
    problems: _Problems,
) -> None:
    phrase = row.get("key_phrase")
    if len(phrase) > _MAX_KEY_PHRASE:
        problems.add(
            row,
            "key_phrase",
            f"{len(phrase)} characters; a key phrase quotes at "
            f"most {_MAX_KEY_PHRASE}, enough to find the passage",
        )
        return
    present = graph.value(passage, QE.keyPhrase)
    earlier = phrases.get(passage)
    quoted = [(str(present), "in the graph")] if present is not None else []
    if earlier is not None:
        quoted.append((earlier[0], f"on row {earlier[1].line}"))
    for other, where in quoted:
        if other != phrase:
            problems.add(
                row,
                "key_phrase",
                f"{curie(passage)} already quotes {other!r} "
                f"({where}); a passage quotes one key phrase: repeat it or leave "
                "the cell empty",
            )
            return
    doc = graph.value(passage, DCTERMS.isPartOf)
    line_no = graph.value(passage, QE.lineNumber)
    lines = texts.lines(doc)  # type: ignore[arg-type]
    if isinstance(lines, str):
        problems.add(row, "key_phrase", lines)
        return
    line = lines[int(line_no) - 1] if line_no is not None and int(line_no) <= len(lines) else ""
    if phrase not in line:
        problems.add(
            row,
            "key_phrase",
            f"{phrase!r} is not verbatim in {curie(passage)} "
            f"(line {line_no} of {graph.value(doc, QE.fileName)})",
        )
        return
    phrases.setdefault(passage, (phrase, row))


def _check_traits_opposed(
    graph: Graph, new: dict[URIRef, _Row], claims: dict[tuple, _Claim], problems: _Problems
) -> None:
    """A new exam-oriented trait needs an opposes claim, as the bundled ones have."""
    opposed = {n for (s, p, o) in claims if p == QE.opposes for n in (s, o)}
    for node, row in new.items():
        if side(graph, node) == "exam" and node not in opposed:
            problems.add(
                row,
                "type",
                f"{curie(node)} is an exam-oriented trait, which must oppose a "
                "quality-education element: add an opposes row to the claims table",
            )
