"""Property-based tests (Hypothesis) for what must hold on any input, not only on our fixtures.

- Random small graphs (IRIs, a few blank nodes, literals with any Unicode except lone surrogates,
  language tags, typed values) survive every RDF export format: exported, loaded back with
  qegraph's own loader, isomorphic to the original. A format may refuse a graph it cannot hold,
  but only with ExportError and only for the documented reasons.
- Random mutations of valid Turtle, JSON-LD, RDF/XML and SPARQL raise only qegraph's own error
  types, within a time budget.
- The iterative property paths answer exactly what rdflib's recursive ones answer.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from qegraph.errors import ExportError, QegraphError
from qegraph.exporting import serialize
from qegraph.limits import iterative_paths
from qegraph.loading import load
from qegraph.sparql import run_query

# --- random graphs ------------------------------------------------------------------------

_NAMESPACES = (
    "https://example.org/",
    "https://w3id.org/qegraph/",
    "urn:x-test:",
    "http://例え.jp/语/",
)
_LOCAL = st.text(
    alphabet=st.sampled_from("abcxyzABC019-_.~素质教育é"), min_size=0, max_size=8
).filter(lambda s: not s.startswith("."))
iris = st.builds(lambda ns, local: URIRef(ns + local), st.sampled_from(_NAMESPACES), _LOCAL)
bnodes = st.sampled_from([BNode(f"b{i}") for i in range(4)])
unicode_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
language_tags = st.sampled_from(["en", "zh-Hans", "de-CH", "x-qegraph", "EN-gb"])
typed_values = st.one_of(
    st.integers(-(10**20), 10**20).map(Literal),
    st.booleans().map(Literal),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(
        lambda d: Literal(str(d), datatype=XSD.decimal)
    ),
    st.dates().map(Literal),
    st.builds(
        lambda text, dt: Literal(text, datatype=dt),
        unicode_text,
        iris,
    ),
)
literals = st.one_of(
    unicode_text.map(Literal),
    st.builds(lambda t, lang: Literal(t, lang=lang), unicode_text, language_tags),
    typed_values,
)
subjects = st.one_of(iris, bnodes)
objects = st.one_of(iris, bnodes, literals)
triples = st.tuples(subjects, iris, objects)
graphs = st.lists(triples, max_size=10).map(lambda ts: _graph(ts))


def _graph(items: list[tuple]) -> Graph:
    graph = Graph()
    for triple in items:
        graph.add(triple)
    return graph


_SUFFIX = {
    "turtle": ".ttl",
    "nt": ".nt",
    "nquads": ".nq",
    "trig": ".trig",
    "jsonld": ".jsonld",
    "xml": ".rdf",
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_cannot_hold(graph: Graph) -> bool:
    """The documented reasons RDF/XML may refuse: control characters, or a predicate whose IRI
    does not end in an XML name (a letter or "_" first), so it has no QName."""
    for s, p, o in graph:
        if any(_NOT_XML.search(str(t)) for t in (s, p, o)):
            return True
        local = re.search(r"[^\W\d][\w.-]*$", str(p))
        if local is None or local.start() == 0:
            return True
    return False


def _load_bytes(data: bytes, suffix: str) -> Graph:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"graph{suffix}"
        path.write_bytes(data)
        return load([path], bundled=False)


def _normalised(graph: Graph) -> Graph:
    """Language tags compare case-insensitively (BCP 47); parsers may change their case."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.language:
            o = Literal(str(o), lang=o.language.lower())
        out.add((s, p, o))
    return out


@pytest.mark.parametrize("fmt", sorted(_SUFFIX))
@settings(
    max_examples=40, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(graph=graphs)
def test_random_graph_round_trips_through_every_export_format(fmt, graph):
    try:
        data = serialize(graph, fmt)
    except ExportError:
        assert fmt == "xml" and _xml_cannot_hold(graph)
        return
    back = _load_bytes(data, _SUFFIX[fmt])
    assert isomorphic(_normalised(back), _normalised(graph))


_GRAPH_NAMES = [None, URIRef("https://example.org/g1"), URIRef("urn:x-test:g2")]
datasets = st.lists(st.tuples(subjects, iris, objects, st.sampled_from(_GRAPH_NAMES)), max_size=10)


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
@settings(max_examples=30, deadline=2000)
@given(quads=datasets)
def test_random_dataset_keeps_its_named_graphs(fmt, quads):
    from rdflib import Dataset

    from qegraph.loading import load_dataset

    dataset = Dataset()
    for s, p, o, g in quads:
        (dataset.graph(g) if g is not None else dataset.default_graph).add((s, p, o))
    data = serialize(dataset, fmt)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"data{_SUFFIX[fmt]}"
        path.write_bytes(data)
        back = load_dataset([path], bundled=False)
        default_name = URIRef(path.resolve().as_uri())
    for name in _GRAPH_NAMES:
        original = dataset.graph(name) if name is not None else dataset.default_graph
        found = back.graph(name if name is not None else default_name)
        assert isomorphic(_normalised(found), _normalised(original))


# --- mutated input ------------------------------------------------------------------------

_TURTLE = """@prefix e: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
e:quality-education a e:Paradigm ;
    e:label "quality education"@en, "素质教育"@zh-Hans ;
    e:opposes e:exam-oriented-education ;
    e:steps ( e:a e:b [ e:c "3"^^xsd:integer ] ) ;
    e:note \"\"\"two
lines\"\"\" .
"""
_JSONLD = """{"@context": {"e": "https://example.org/", "@vocab": "https://example.org/v/"},
 "@id": "e:quality-education", "@type": "e:Paradigm",
 "label": [{"@value": "素质教育", "@language": "zh-Hans"}],
 "opposes": {"@id": "e:exam-oriented-education"}, "steps": {"@list": [1, 2]}}
"""
_RDFXML = """<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns:e="https://example.org/">
 <rdf:Description rdf:about="https://example.org/quality-education">
  <e:label xml:lang="zh-Hans">素质教育</e:label>
  <e:opposes rdf:resource="https://example.org/exam-oriented-education"/>
 </rdf:Description>
</rdf:RDF>
"""
_SPARQL = """SELECT ?c ?label WHERE {
  ?c a qe:Paradigm ; skos:prefLabel ?label .
  OPTIONAL { ?c qe:opposes ?o . FILTER(?o != ?c) }
  FILTER(lang(?label) = "en")
} ORDER BY ?label LIMIT 5
"""
_HOSTILE_PIECES = st.sampled_from(
    [
        *"[](){}<>\"'@^\\#.;,:_\x00\n é素",
        '"""',
        "<!DOCTYPE x>",
        "@context",
        "SERVICE <http://127.0.0.1:9/>",
        "*",
        "+",
        "?x",
    ]
)


@st.composite
def mutations(draw, source: str) -> str:
    text = source
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if kind == "insert":
            text = text[:at] + draw(_HOSTILE_PIECES) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 12)) :]
        else:
            text = text[:at] + text[at : at + draw(st.integers(1, 40))] * 2 + text[at:]
    return text


@pytest.mark.parametrize(
    ("source", "suffix"), [(_TURTLE, ".ttl"), (_JSONLD, ".jsonld"), (_RDFXML, ".rdf")]
)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_rdf_raises_only_qegraph_errors_quickly(source, suffix, data):
    text = data.draw(mutations(source))
    start = time.monotonic()
    with contextlib.suppress(QegraphError):
        _load_bytes(text.encode("utf-8"), suffix)
    assert time.monotonic() - start < 3


@pytest.fixture(scope="module")
def bundled(bundled_graph) -> Graph:
    return bundled_graph


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_sparql_raises_only_qegraph_errors_quickly(bundled, data):
    text = data.draw(mutations(_SPARQL))
    start = time.monotonic()
    with contextlib.suppress(QegraphError):
        run_query(bundled, text, timeout=3)
    assert time.monotonic() - start < 6


# --- iterative property paths -------------------------------------------------------------

_NODES = [URIRef(f"https://example.org/n{i}") for i in range(6)]
_P = URIRef("https://example.org/p")
_Q = URIRef("https://example.org/q")
small_graphs = st.lists(
    st.tuples(st.sampled_from(_NODES), st.sampled_from([_P, _Q]), st.sampled_from(_NODES)),
    max_size=14,
).map(_graph)
paths = st.sampled_from(
    ["e:p*", "e:p+", "e:p?", "^e:p*", "(e:p|e:q)+", "e:p/e:q*", "(e:p/e:q)*", "^(e:p+)"]
)
patterns = st.sampled_from(["e:n0 {} ?y", "?x {} e:n1", "?x {} ?y", "e:n2 {} e:n3", "?x {} ?x"])


@settings(max_examples=150, deadline=2000)
@given(graph=small_graphs, path=paths, pattern=patterns)
def test_iterative_paths_answer_what_rdflib_answers(graph, path, pattern):
    from rdflib.plugins.sparql import prepareQuery

    text = "SELECT * WHERE { " + pattern.format(path) + " }"
    namespaces = {"e": "https://example.org/"}
    plain = prepareQuery(text, initNs=namespaces)
    rewritten = prepareQuery(text, initNs=namespaces)
    assert iterative_paths(rewritten.algebra) >= 1 or "*" not in path
    expected = {tuple(sorted(row.asdict().items())) for row in graph.query(plain)}
    found = {tuple(sorted(row.asdict().items())) for row in graph.query(rewritten)}
    assert found == expected


# --- parser disagreement: the check reads a query as the engine does ----------------------


@st.composite
def escaped(draw, text: str) -> str:
    """``text`` with any of its characters written as a SPARQL codepoint escape."""
    out = []
    for char in text:
        form = draw(st.sampled_from(["plain", "u", "U"]))
        if form == "u":
            out.append(f"\\u{ord(char):04x}" if draw(st.booleans()) else f"\\u{ord(char):04X}")
        elif form == "U":
            out.append(f"\\U{ord(char):08X}")
        else:
            out.append(char)
    return "".join(out)


@st.composite
def hidden_services(draw) -> str:
    """A query whose group may or may not hold a live SERVICE, depending on how a string or a
    comment before it ends (an escaped quote, CR, LF, escaped line ends...)."""
    quote = draw(st.sampled_from(['"', "'", '"' * 3, "'" * 3]))
    opener = draw(
        st.sampled_from(
            [
                "#" + draw(st.sampled_from(["", " note", " <urn:a#b>", ' "x'])),
                f"?s ?p {quote}{draw(escaped(quote))} #",
                f"?s ?p {quote}#{quote}",
                f"FILTER(?o != {quote}{draw(escaped(quote))}) #",
            ]
        )
    )
    line_end = draw(st.sampled_from(["\r", "\n", "\r\n", " ", "x", "\t", "\u2028"]))
    ending = draw(escaped(line_end))
    keyword = draw(st.sampled_from(["SERVICE", "service", "SeRvIcE"]))
    before = draw(st.sampled_from(["", "OPTIONAL { ?s ?p ?o }", "BIND(1 AS ?one)"]))
    form = draw(st.sampled_from(["SELECT *", "SELECT ?a", "ASK", "CONSTRUCT { ?a ?b ?c }"]))
    return (
        f"{form} WHERE {{ {before} {opener}{ending} {keyword} <http://127.0.0.1:45678/sparql> "
        "{ ?a ?b ?c }\n }"
    )


@settings(max_examples=100, deadline=None)
@given(text=hidden_services())
def test_the_check_refuses_whatever_oxigraph_would_run_as_a_service(text):
    """Ground truth from the engine: Oxigraph runs the query over an empty store in a child
    without network, and tries to connect iff it reads a live SERVICE: the check must then
    refuse. A query Oxigraph cannot parse never runs; one it reads without a SERVICE may pass
    the check, but the check never runs a SERVICE that is not there either."""
    from qegraph.errors import NetworkRefusedError, QueryError
    from qegraph.oxstore import probe_query
    from qegraph.sparql import _walk, check_query

    seen = probe_query(text, timeout=10)
    assert seen is not None
    if seen[0] == "network":
        with pytest.raises(NetworkRefusedError):
            check_query(text)
        return
    with contextlib.suppress(QueryError, NetworkRefusedError):
        prepared = check_query(text)
        assert seen[0] != "syntax"
        names = {getattr(n, "name", None) for n in _walk(prepared.compiled.algebra)}
        assert "ServiceGraphPattern" not in names


# --- blank-node structures: every loader path applies the same checks ----------------------


@st.composite
def bnode_structures(draw) -> tuple[str, int]:
    """Turtle with nested blank nodes or collections, and its deepest nesting."""
    depth = draw(st.integers(1, 160))
    opener, closer = draw(st.sampled_from([("[ <urn:q> ", " ]"), ("( ", " )")]))
    chain = draw(st.integers(0, 50))
    links = "".join(f"_:b{i} <urn:p> _:b{i + 1} .\n" for i in range(chain))
    text = f"<urn:a> <urn:p> {opener * depth}<urn:r>{closer * depth} .\n{links}"
    return text, depth


@settings(max_examples=25, deadline=None)
@given(case=bnode_structures())
def test_memory_and_store_loads_accept_and_refuse_the_same_structures(case, tmp_path_factory):
    from qegraph.backends import StoreBackend
    from qegraph.errors import InputError

    text, depth = case
    folder = tmp_path_factory.mktemp("bnodes")
    path = folder / "data.ttl"
    path.write_text(text, encoding="utf-8")
    outcomes = []
    for loader in (
        lambda: load([path], bundled=False),
        lambda: StoreBackend(folder / "store").load([path], bundled=False),
    ):
        try:
            loader()
            outcomes.append("loaded")
        except InputError as err:
            assert "nesting too deep" in str(err)
            outcomes.append("refused")
    assert outcomes == ["loaded", "loaded"] if depth <= 100 else ["refused", "refused"]


# --- concurrent writers --------------------------------------------------------------------


@settings(max_examples=4, deadline=None)
@given(
    names=st.lists(
        st.sampled_from(["urn:g:a", "urn:g:b", "urn:g:c", "urn:g:d"]),
        min_size=2,
        max_size=3,
        unique=True,
    )
)
def test_concurrent_store_loads_of_different_graphs_all_survive(names, tmp_path_factory):
    import subprocess
    import sys

    import pyoxigraph as ox

    folder = tmp_path_factory.mktemp("writers")
    data = folder / "d.nt"
    data.write_text("<urn:x:s> <urn:x:p> <urn:x:o> .\n", encoding="utf-8")
    store = folder / "store"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "qegraph",
                "--store",
                str(store),
                "--graph",
                name,
                "load",
                "--no-bundled",
                str(data),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for name in names
    ]
    assert [p.wait(timeout=300) for p in procs] == [0] * len(names)
    for p in procs:
        p.stderr.close()
    found = ox.Store.read_only(str(store))
    assert sorted(g.value for g in found.named_graphs()) == sorted(names)
