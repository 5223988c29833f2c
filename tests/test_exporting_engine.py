"""Exports that stream from Oxigraph's terms: the same bytes as the rdflib writers they replaced,
from ``--data``, from ``--store`` and from an rdflib graph, and bounded on blank-node chains."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from qegraph import ExportError, exporting, load, load_dataset
from qegraph.backends import StoreBackend
from qegraph.exporting import DataFiles, serialize
from tests import export_oracle as oracle
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = FIXTURES / "export-expected"
FORMATS = ("turtle", "nt", "nquads", "trig")
ORACLE = {
    "turtle": oracle.to_turtle,
    "nt": oracle.to_ntriples,
    "nquads": oracle.to_nquads,
    "trig": oracle.to_trig,
}


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _today(files: list[Path], fmt: str, bundled: bool = True) -> bytes:
    """What the rdflib writers give for ``files`` (a Dataset for the formats with graphs)."""
    source = load_dataset if fmt in ("nquads", "trig") else load
    return ORACLE[fmt](source(files, bundled=bundled)).encode()


@pytest.fixture(scope="module")
def bench_files(tmp_path_factory) -> list[Path]:
    """The benchmark graphs at a small size: scripts/bench.py's and scripts/bench_export.py's."""
    folder = tmp_path_factory.mktemp("bench")
    shaped = folder / "bench.ttl"
    _script("bench").generate(shaped, 3000)
    blank = folder / "synthetic.nt"
    _script("bench_export").synthetic(2000).serialize(blank, format="nt", encoding="utf-8")
    return [shaped, blank]


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory) -> StoreBackend:
    store = StoreBackend(tmp_path_factory.mktemp("store") / "s")
    store.load()
    return store


@pytest.fixture(params=["alone", "apart"])
def apart(request, monkeypatch) -> str:
    """Each byte comparison twice: in one process, and with every Turtle statement half and
    every parse-back half shared with a forked child (as the large exports do)."""
    if request.param == "apart":
        monkeypatch.setattr(exporting, "_APART_LINES", 1)
        monkeypatch.setattr(exporting, "_APART_BYTES", 1)
        # Another thread would keep the child from starting (qegraph.apart).
        assert threading.active_count() == 1, threading.enumerate()
    return request.param


@pytest.mark.usefixtures("apart")
@pytest.mark.parametrize("fmt", FORMATS)
def test_bundled_graph_same_bytes_from_data_store_and_rdflib(fmt, bundled_store) -> None:
    expected = _today([], fmt)
    assert serialize(DataFiles(()), fmt) == expected
    source = load_dataset() if fmt in ("nquads", "trig") else load()
    assert serialize(source, fmt) == expected
    # A store holds one graph: its quad formats put everything in the default graph.
    assert serialize(bundled_store.graph(), fmt) == ORACLE[fmt](load()).encode()


@pytest.mark.usefixtures("apart")
@pytest.mark.parametrize("fmt", FORMATS)
def test_bench_graphs_same_bytes(fmt, bench_files, tmp_path) -> None:
    for path in bench_files:
        assert serialize(DataFiles([path]), fmt) == _today([path], fmt), path.name
    store = StoreBackend(tmp_path / "s")
    store.load(bench_files)
    assert serialize(store.graph(), fmt) == ORACLE[fmt](load(bench_files)).encode()


@pytest.mark.usefixtures("apart")
@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("export-small.ttl", "turtle"),
        ("export-small.ttl", "nt"),
        ("export-bnode-cycle.ttl", "turtle"),
        ("export-bnode-cycle.ttl", "nt"),
        ("export-dataset.trig", "nquads"),
        ("export-dataset.trig", "trig"),
    ],
)
def test_small_fixtures_give_the_recorded_bytes(name, fmt) -> None:
    """Outputs recorded with the rdflib writers before the rewrite (bundled ontology left out)."""
    data = serialize(DataFiles([FIXTURES / name], bundled=False), fmt)
    uri = (FIXTURES / name).resolve().as_uri().encode()
    assert data.replace(uri, b"file:///FIXTURE") == (EXPECTED / f"{name}.{fmt}").read_bytes()


def test_cli_export_from_data_and_store_agree(runner, bundled_store, tmp_path) -> None:
    from qegraph.cli import main

    out = {}
    for where, args in (("data", []), ("store", ["--store", str(bundled_store.path)])):
        result = runner.invoke(
            main, [*args, "export", "--format", "nt", "-o", str(tmp_path / where)]
        )
        assert result.exit_code == 0, result.output
        out[where] = (tmp_path / where).read_bytes()
    assert out["data"] == out["store"] == _today([], "nt")


def test_data_files_keep_the_loader_errors_and_warnings(runner, fixtures, tmp_path) -> None:
    from qegraph.cli import main

    broken = fixtures / "hostile-malformed.ttl"
    streamed = runner.invoke(main, ["--data", str(broken), "export", "--format", "nt"])
    via_rdflib = runner.invoke(main, ["--data", str(broken), "export", "--format", "jsonld"])
    assert streamed.exit_code == via_rdflib.exit_code == 2
    assert streamed.output == via_rdflib.output
    assert str(broken) in streamed.output and "Traceback" not in streamed.output
    imports = tmp_path / "imports.ttl"
    imports.write_text("<urn:x:o> <http://www.w3.org/2002/07/owl#imports> <urn:x:far> .\n")
    with pytest.warns(UserWarning, match="was not fetched"):
        serialize(DataFiles([imports]), "turtle")


def test_blank_nodes_in_two_files_stay_apart(tmp_path) -> None:
    """Oxigraph keeps a file's blank-node labels; two files saying _:b0 mean two nodes."""
    one, two = tmp_path / "one.ttl", tmp_path / "two.ttl"
    one.write_text('_:b0 <urn:x:p> "one" .\n', encoding="utf-8")
    two.write_text('_:b0 <urn:x:p> "two" .\n', encoding="utf-8")
    data = serialize(DataFiles([one, two], bundled=False), "nt").decode()
    assert data == '_:c14n0 <urn:x:p> "two" .\n_:c14n1 <urn:x:p> "one" .\n'


def test_typed_literals_written_as_rdflib_normalises_them(tmp_path) -> None:
    path = tmp_path / "typed.ttl"
    path.write_text(
        '<urn:x:s> <urn:x:p> "01"^^<http://www.w3.org/2001/XMLSchema#integer> , "x" ;'
        ' <urn:x:q> "1"^^<http://www.w3.org/2001/XMLSchema#boolean> .\n',
        encoding="utf-8",
    )
    for fmt in FORMATS:
        assert serialize(DataFiles([path], bundled=False), fmt) == _today([path], fmt, False)


def _chain(path: Path, links: int, *, distinct: bool = False) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write("<urn:x:root> <urn:x:p> _:b0 .\n")
        for i in range(links):
            out.write(f"_:b{i} <urn:x:p> _:b{i + 1} .\n")
            if distinct:
                out.write(f'_:b{i} <urn:x:n> "{i}" .\n')
    return path


def _run(args: list[str], timeout: float = 120) -> tuple[subprocess.CompletedProcess, int]:
    """Run the CLI in a child; return the result and the child's peak RSS in MB.

    The peak is the child's own ``VmHWM``: its ``ru_maxrss`` also counts the peak of the pytest
    process it was spawned from (Linux keeps the larger across the exec)."""
    code = (
        "import sys\n"
        "from qegraph.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:], standalone_mode=True)\n"
        "finally:\n"
        "    status = open('/proc/self/status').read()\n"
        "    print(int(status.split('VmHWM:')[1].split()[0]) // 1024, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout
    )
    lines = result.stderr.strip().splitlines()
    return result, int(lines[-1])


@pytest.mark.parametrize("where", ["data", "store"])
def test_a_long_blank_node_chain_stops_with_one_line_and_exit_2(where, tmp_path) -> None:
    """10,000 links: RDFC-1.0 would run for hours; refused up front, in bounded time and memory."""
    chain = _chain(tmp_path / "chain.nt", 10_000)
    if where == "store":
        StoreBackend(tmp_path / "s").load([chain], bundled=False)
        source = ["--store", str(tmp_path / "s")]
    else:
        source = ["--data", str(chain)]
    start = time.monotonic()
    result, peak_mb = _run([*source, "export", "--format", "turtle", "-o", str(tmp_path / "o")])
    assert result.returncode == 2
    message = result.stderr.strip().splitlines()[0]
    assert "chain or a ring of blank nodes" in message and "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()
    assert time.monotonic() - start < 60 and peak_mb < 1000


def test_a_100k_deep_nesting_in_a_store_is_refused_not_crashed(tmp_path) -> None:
    """The same graph as Turtle nested 100,000 deep (N-Triples has no nesting to refuse)."""
    chain = _chain(tmp_path / "deep.nt", 100_000)
    StoreBackend(tmp_path / "s").load([chain], bundled=False)
    for fmt in ("nt", "trig"):
        result, peak_mb = _run(["--store", str(tmp_path / "s"), "export", "--format", fmt])
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and peak_mb < 1000


@pytest.mark.usefixtures("apart")
def test_a_deep_chain_that_labels_cheaply_is_written_with_bounded_nesting(tmp_path) -> None:
    """Blank nodes told apart by their own literal are labelled at once; Turtle nests 200 deep
    at most and writes the rest with labels, instead of exhausting the stack."""
    chain = _chain(tmp_path / "chain.nt", 2000, distinct=True)
    text = serialize(DataFiles([chain], bundled=False), "turtle").decode()
    depth = deepest = 0
    for char in text:
        depth += {"[": 1, "]": -1}.get(char, 0)
        deepest = max(deepest, depth)
    assert deepest == 199  # the statement is level 1 of the 200
    assert serialize(DataFiles([chain], bundled=False), "nt").count(b"\n") == 4001


def test_canonical_cost_is_linear_to_compute() -> None:
    """The estimate itself never recurses: a 200,000-node chain is measured in seconds."""
    from qegraph.exporting import _canonical_cost

    quads = [((1, f"b{i}"), (0, "urn:x:p"), (1, f"b{i + 1}"), None) for i in range(200_000)]
    start = time.monotonic()
    assert _canonical_cost(quads) > 10**9
    assert time.monotonic() - start < 60
    assert _canonical_cost([((1, "a"), (0, "urn:x:p"), (1, "b"), None)]) < 10


def test_refusal_is_an_export_error() -> None:
    quads = [((1, f"b{i}"), (0, "urn:x:p"), (1, f"b{i + 1}"), None) for i in range(1000)]
    from qegraph.exporting import _canonical_quads

    with pytest.raises(ExportError, match="chain or a ring"):
        _canonical_quads(quads)


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_an_rdflib_datasets_default_graph_stays_the_default_graph(fmt) -> None:
    from rdflib import Dataset, URIRef

    dataset = Dataset()
    node = URIRef("https://example.org/")
    dataset.default_graph.add((node, node, node))
    dataset.graph(URIRef("urn:x:g")).add((node, node, URIRef("urn:x:o")))
    data = serialize(dataset, fmt)
    assert data == ORACLE[fmt](dataset).encode()
    assert b"urn:x-rdflib:default" not in data


_TRICKY = (
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    # IRIs where one is the start of another: "<urn:x:a>" and "<urn:x:a/b>" sort apart as lines.
    "<urn:x:a> <urn:x:p> <urn:x:a/b> , <urn:x:a1> , <urn:x:a> , <urn:x:a-> .\n"
    "<urn:x:a/b> <urn:x:p> <urn:x:a> .\n<urn:x:a1> <urn:x:p> <urn:x:a> .\n"
    "<urn:x:a-> <urn:x:p> <urn:x:a> .\n"
    # Literals whose escaped text sorts differently from their text, and rare characters.
    '<urn:x:l> <urn:x:p> "a" , "a b" , "a!" , "a\\"b" , "a\\\\b" , "tab\\t" , "a\\nb" , '
    '"x\\u0085y" , "line\\u2028sep" , "para\\u2029sep" , "bell\\u0007" , "del\\u007F" , '
    '"a"@en , "a"@en-gb , "a"@zh-latn-pinyin , "a"@ZH-HANS , "é" , "_:not a node" , '
    # " _:" in a literal: the writer looks for blank objects by that text, then checks.
    '"see _:b0 too" , "x _:" , '
    '"say \\"^^<urn:x:t>" , "01"^^xsd:integer , "1"^^xsd:integer , "1.50"^^xsd:decimal , '
    # Integers as rdflib writes them skip the exact path; the others ("+5", "-0") take it.
    '"-0"^^xsd:integer , "+5"^^xsd:integer , "-7"^^xsd:integer , "0"^^xsd:integer , '
    '"a \\"15"^^xsd:integer , '
    '"true"^^xsd:boolean , "a"^^<urn:x:type> , "a"^^xsd:string .\n'
    "<urn:x:l> <urn:x:q> [ <urn:x:p> 1 ] , ( 1 2 ) .\n"
    # A blank node used twice as an object keeps its label; one used once is nested.
    "<urn:x:l> <urn:x:r> _:twice , [ <urn:x:p> _:twice ] . <urn:x:a> <urn:x:r> _:twice .\n"
    "_:twice <urn:x:p> 2 .\n"
    '<urn:x:l> a <urn:x:T> ; <http://www.w3.org/2004/02/skos/core#prefLabel> "l"@en .\n'
)


@pytest.mark.usefixtures("apart")
@pytest.mark.parametrize("fmt", FORMATS)
def test_tricky_terms_same_bytes_from_data_and_store(fmt, tmp_path) -> None:
    """The bulk path rewrites Oxigraph's lines where its text or order differs from the
    writers': IRIs that start other IRIs, escapes, C1 controls, U+2028, language-tag case,
    typed literals (rdflib's lexical form merges "01" and "1"), blank nodes and lists."""
    path = tmp_path / "tricky.ttl"
    path.write_text(_TRICKY, encoding="utf-8")
    expected = _today([path], fmt, bundled=False)
    assert serialize(DataFiles([path], bundled=False), fmt) == expected
    # Oxigraph stores numbers as values ("1.50" comes back "1.5"): leave those out there.
    path.write_text(
        _TRICKY.replace('"01"^^xsd:integer , ', "")
        .replace('"1.50"^^xsd:decimal , ', "")
        .replace('"-0"^^xsd:integer , "+5"^^xsd:integer , ', "")
        .replace('"a \\"15"^^xsd:integer , ', ""),
        encoding="utf-8",
    )
    store = StoreBackend(tmp_path / "s")
    store.load([path], bundled=False)
    # A store holds one graph: its quad formats put everything in the default graph.
    assert serialize(store.graph(), fmt) == ORACLE[fmt](load([path], bundled=False)).encode()


def test_the_streaming_count_fails_on_a_lost_triple() -> None:
    from qegraph.exporting import _verify_rdf

    _verify_rdf(b"<urn:x:s> <urn:x:p> <urn:x:o> .\n", "nt", 1, distinct=True)
    with pytest.raises(ExportError, match="parses back to 1 triples instead of 2"):
        _verify_rdf(b"<urn:x:s> <urn:x:p> <urn:x:o> .\n", "nt", 2, distinct=True)
    with pytest.raises(ExportError, match="does not parse back"):
        _verify_rdf(b"<urn:x:s> <urn:x:p> .\n", "nt", 1, distinct=True)


def test_unescape_reads_every_n_triples_escape() -> None:
    from rdflib import Literal

    from qegraph.exporting import _unescape

    text = 'q"b\\t\x07\x85\u2028é\U0001f600\n\r\b\f'
    escaped = oracle.nt_term(Literal(text))
    assert "\\u0085" in escaped and '\\"' in escaped
    assert _unescape(escaped[1:-1].encode()).decode() == text
    assert _unescape(b"\\U0001F600\\u00E9") == "😀é".encode()


def test_data_export_is_parsed_by_oxigraph_in_bulk(tmp_path, monkeypatch) -> None:
    """Files the loader's checks clear are parsed and written by Oxigraph with no Python work
    per triple (not read term by term); the bytes are the rdflib writers'."""
    import qegraph.loading

    path = tmp_path / "tricky.ttl"
    # Without the \\u escapes (a file with one is read term by term: an escape may spell
    # owl:imports).
    text = "".join(line for line in _TRICKY.splitlines(True) if "\\u" not in line)
    text += '<urn:x:d> <urn:x:p> "1.50"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
    path.write_text(text, encoding="utf-8")
    expected = {fmt: _today([path], fmt, bundled=False) for fmt in ("turtle", "nt")}

    def refused(*args, **kwargs):
        raise AssertionError("read term by term")

    monkeypatch.setattr(qegraph.loading, "_quads_noting_imports", refused)
    for fmt in ("turtle", "nt"):
        assert serialize(DataFiles([path], bundled=False), fmt) == expected[fmt]
    assert b'"1.50"^^xsd:decimal' in expected["turtle"]  # kept as written: no store
    path.write_text(_TRICKY, encoding="utf-8")
    with pytest.raises(AssertionError, match="read term by term"):
        serialize(DataFiles([path], bundled=False), "nt")


def test_data_export_warns_once_and_keeps_literals_as_written(tmp_path) -> None:
    """A file read term by term (it mentions owl:imports) warns once, as load() does."""
    import warnings

    path = tmp_path / "imports.ttl"
    path.write_text(
        "<urn:x:o> <http://www.w3.org/2002/07/owl#imports> <urn:x:far> ;\n"
        '    <urn:x:p> "1.50"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n',
        encoding="utf-8",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = serialize(DataFiles([path], bundled=False), "turtle")
    assert [str(w.message).count("was not fetched") for w in caught] == [1]
    assert data == _today([path], "turtle", bundled=False)
    assert b'"1.50"^^xsd:decimal' in data


def test_subject_spans_match_the_lines_of_each_subject() -> None:
    """The writer finds a subject's lines by binary search: labels and IRIs that start others
    (``_:b1`` and ``_:b10``, ``<urn:x:a>`` and ``<urn:x:a-b>``), a subject with more lines
    than the near search looks at, and one line alone."""
    import itertools

    from qegraph.exporting import _NEAR, _subject_spans

    subjects = [b"<urn:x:a>", b"<urn:x:a-b>", b"<urn:x:a/b>", b"<urn:x:a1>", b"_:b1", b"_:b10"]
    lines = sorted(
        [s + b" <urn:x:p> <urn:x:o" + str(i).encode() + b">" for s in subjects for i in range(3)]
        + [b"<urn:x:many> <urn:x:p> " + str(i).encode() for i in range(3 * _NEAR)]
        + [b"<urn:x:one> <urn:x:p> <urn:x:o>"]
    )
    expected, at = {}, 0
    for subject, rows in itertools.groupby(lines, lambda line: line.split(b" ")[0]):
        count = len(list(rows))
        expected[subject] = (at, at + count)
        at += count
    spans = _subject_spans(lines)
    assert spans == expected
    assert list(spans) == list(expected)  # in line order
    assert _subject_spans([]) == {}


@pytest.mark.parametrize("store", [False, True])
def test_engine_lines_name_every_line_with_a_blank_node(store, tmp_path) -> None:
    """The writer looks for nested blank nodes only among the lines the engine rewrote: every
    line with a blank node must be one of them (twins merged), or nesting would change."""
    from qegraph.exporting import _engine_source

    path = tmp_path / "tricky.ttl"
    path.write_text(_TRICKY.replace('"01"^^xsd:integer , ', ""), encoding="utf-8")
    source: object = DataFiles([path, path], bundled=False)  # every triple twice
    if store:
        backend = StoreBackend(tmp_path / "s")
        backend.load([path], bundled=False)
        source = backend.graph()
    lines, _count, blank_lines = _engine_source(source, named=False)
    with_blanks = {line for line in lines if b"_:" in line}
    assert with_blanks and with_blanks <= blank_lines
    assert blank_lines <= set(lines)


def _one_by_one(writer, subject: bytes) -> bytes:
    """A statement as the writer writes it when its lines are not in order: sorted, grouped."""
    return writer.text[subject] + b" " + writer._predicates(subject, 1) + b" .\n"


_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
# Terms whose N-Triples order differs from the written order: an IRI that starts another
# (<urn:x:p> sorts after <urn:x:p-q> in a line), predicates that sort before rdf:type in a
# line, literals whose text starts another's ("ab" against "ab c"), escapes, literals of each
# kind, IRIs, and a blank node used once (nested) or twice (labelled).
_PREDICATES = [
    _RDF_TYPE,
    "<http://purl.org/dc/terms/source>",
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#subject>",
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#ty>",
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#ty-pe>",
    "<http://www.w3.org/2004/02/skos/core#prefLabel>",
    "<urn:x:p>",
    "<urn:x:p-q>",
    "<urn:x:p/q>",
    "<https://w3id.org/qegraph/opposes>",
]
_OBJECTS = [
    "<urn:x:o>",
    "<urn:x:o-1>",
    "<urn:x:o/1>",
    "<https://w3id.org/qegraph/T>",
    "<https://w3id.org/qegraph/T-2>",
    '"ab"',
    '"ab c"',
    '"ab\\tc"',
    '"ab"@en',
    '"ab"@zh-Hans',
    '"\\u00E9t\\u00E9"',
    '"x\\"y"',
    '"15"^^<http://www.w3.org/2001/XMLSchema#integer>',
    '"2"^^<http://www.w3.org/2001/XMLSchema#integer>',
    '"a"^^<urn:x:dt>',
    "_:once",
    "_:twice",
]


@pytest.mark.parametrize("seed", range(40))
def test_statements_in_bulk_are_the_statements_written_one_by_one(seed) -> None:
    """The writer writes a subject from its lines as they are when they are in the written
    order (rdf:type lines moved first), and sorts the others: on random subjects full of
    terms whose two orders differ, both ways give the same bytes, and most subjects (all
    those in order) are written in bulk."""
    import random

    from qegraph.exporting import _TurtleWriter

    chance = random.Random(seed)
    subjects = [f"<urn:x:s{i}>" for i in range(30)] + ["<urn:x:s1-a>", "<urn:x:s1/a>"]
    rows = {
        f"{s} {chance.choice(_PREDICATES)} {chance.choice(_OBJECTS)}"
        for s in subjects
        for _ in range(chance.randint(1, 9))
    }
    rows |= {
        "_:once <urn:x:p> <urn:x:o>",
        "_:twice <urn:x:p> <urn:x:o>",
        "<urn:x:z> <urn:x:p> _:twice",
        "<urn:x:s0> <urn:x:p> _:nested",  # used once: nested in its subject's statement
        '_:nested <urn:x:p> "n"',
    }
    lines = sorted(row.encode() for row in rows)
    iris = [
        s.encode() for s in subjects if any(line.startswith(s.encode() + b" ") for line in lines)
    ]
    writer = _TurtleWriter(lines)
    by_lines = sorted((writer.spans[s], s) for s in iris)
    bulk = [
        statement
        for first, end in exporting._runs([span for span, _ in by_lines])
        for statement in writer._in_bulk(first, end)
    ]
    assert len(bulk) == len(by_lines)
    written = 0
    for (_span, subject), statement in zip(by_lines, bulk, strict=True):
        if statement is not None:
            written += 1
            assert statement == _one_by_one(_TurtleWriter(list(lines)), subject), subject
    assert written >= len(iris) // 4

    # And the whole writer, against one that writes every subject one by one.
    class OneByOne(_TurtleWriter):
        def _iri_blocks(self, iris):
            return [_one_by_one(self, subject) for subject in iris]

    assert _TurtleWriter(list(lines)).write() == OneByOne(list(lines)).write()
