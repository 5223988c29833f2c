"""Attacks on the parsers: oversized files, entity bombs, deep nesting, pathological literals.

Each must fail with a one-line InputError naming the file (and line), or finish within seconds.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from qegraph.errors import InputError
from qegraph.loading import DEFAULT_MAX_NESTING, load

FIXTURES = Path(__file__).parent / "fixtures"
TOO_DEEP = f"(more than {DEFAULT_MAX_NESTING} levels; raise QEGRAPH_MAX_NESTING to allow it)"
EX = "https://example.org/"


def load_error(path: Path) -> str:
    with pytest.raises(InputError) as err:
        load([path], bundled=False)
    return str(err.value)


def test_file_over_the_size_cap_is_refused():
    path = FIXTURES / "hostile-malformed.ttl"
    size = path.stat().st_size
    with pytest.raises(InputError) as err:
        load([path], bundled=False, max_bytes=size - 1)
    assert str(err.value) == (
        f"{path}: file is {size} bytes, over the input limit of {size - 1} bytes "
        "(raise it with QEGRAPH_MAX_INPUT_BYTES)"
    )


def test_size_cap_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("QEGRAPH_MAX_INPUT_BYTES", "10")
    path = FIXTURES / "hostile-iri-space.nt"
    assert "over the input limit of 10 bytes" in load_error(path)


def test_entity_bomb_is_refused_at_once():
    path = FIXTURES / "hostile-entity-bomb.rdf"
    assert path.stat().st_size < 500  # 500 bytes that expand to 16 million characters
    start = time.monotonic()
    message = load_error(path)
    assert time.monotonic() - start < 1
    assert message == (
        f"{path}:1:13: RDF/XML with a <!DOCTYPE> is refused (entity expansion, external entities)"
    )


def test_external_entity_is_refused():
    path = FIXTURES / "hostile-xxe.rdf"
    assert load_error(path).startswith(f"{path}:2:13: RDF/XML with a <!DOCTYPE> is refused")


def test_doctype_after_a_long_comment_is_still_refused(tmp_path):
    # A byte scan of the first kilobytes would miss it; expat sees the whole prologue.
    bomb = (FIXTURES / "hostile-entity-bomb.rdf").read_text(encoding="utf-8")
    path = tmp_path / "late-doctype.rdf"
    path.write_text("<!--" + "x" * 200_000 + "-->\n" + bomb, encoding="utf-8")
    assert "RDF/XML with a <!DOCTYPE> is refused" in load_error(path)


def test_truncated_rdf_xml_is_an_error_not_a_partial_graph():
    path = FIXTURES / "hostile-unclosed.rdf"
    assert load_error(path) == f"{path}:4:1: no element found"


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("hostile-deep-collection.ttl", 3),
        ("hostile-deep-bnode.ttl", 3),
        ("hostile-deep.jsonld", 2),
        ("hostile-deep.rdf", 2),
    ],
)
def test_deep_nesting_is_reported_with_file_and_line(name, line):
    path = FIXTURES / name
    assert load_error(path) == f"nesting too deep at {path}:{line} {TOO_DEEP}"


def test_nesting_limit_can_be_raised(monkeypatch):
    monkeypatch.setenv("QEGRAPH_MAX_NESTING", "1000")
    graph = load([FIXTURES / "hostile-deep-collection.ttl"], bundled=False)
    assert len(graph) == 2 * 500 - 1  # 500 nested one-item lists: first+rest each, one link


def test_brackets_in_strings_comments_and_iris_are_not_nesting():
    graph = load([FIXTURES / "hostile-brackets-in-strings.ttl"], bundled=False)
    objects = {o for _s, _p, o in graph}
    assert URIRef(f"{EX}x#(((") in objects
    assert Literal("[" * 300) in objects


@pytest.mark.parametrize(
    ("suffix", "template"),
    [
        (".ttl", '<https://example.org/a> <https://example.org/p> """{}""" .\n'),
        (".nt", '<https://example.org/a> <https://example.org/p> "{}" .\n'),
        (
            ".rdf",
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:e="https://example.org/"><rdf:Description rdf:about="https://example.org/a">'
            "<e:p>{}</e:p></rdf:Description></rdf:RDF>\n",
        ),
        (".jsonld", '{{"@id": "https://example.org/a", "https://example.org/p": "{}"}}\n'),
    ],
)
def test_megabyte_literal_on_many_lines_loads_in_seconds(tmp_path, suffix, template):
    line = "素质教育 quality education " * 4
    separator = "\\n" if suffix in (".nt", ".jsonld") else "\n"
    body = separator.join([line] * 12_000)  # about 1.3 MB over 12,000 lines
    path = tmp_path / f"big{suffix}"
    path.write_text(template.format(body), encoding="utf-8")
    assert path.stat().st_size > 1_000_000
    start = time.monotonic()
    graph = load([path], bundled=False)
    assert time.monotonic() - start < 10
    (literal,) = graph.objects(URIRef(f"{EX}a"), URIRef(f"{EX}p"))
    assert str(literal) == "\n".join([line] * 12_000)


def test_fuzz_target_accepts_every_hostile_fixture():
    import importlib.util

    script = Path(__file__).parent.parent / "scripts" / "fuzz_load.py"
    spec = importlib.util.spec_from_file_location("fuzz_load", script)
    assert spec is not None and spec.loader is not None
    fuzz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz)
    checked = 0
    for path in sorted(FIXTURES.glob("hostile-*")):
        if path.suffix in (".ttl", ".nt", ".rdf", ".jsonld"):
            fuzz.check_one_input(path.read_bytes(), path.suffix)  # raises on a finding
            checked += 1
    assert checked >= 20


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("hostile-deep.jsonld", "nesting too deep at "),
        ("hostile-entity-bomb.rdf", ""),
        ("hostile-unclosed.rdf", ""),
    ],
)
def test_check_input_refuses_before_any_parser_runs(name, start):
    from qegraph.loading import check_input

    path = FIXTURES / name
    with pytest.raises(InputError) as err:
        check_input(path)
    assert str(err.value) == load_error(path)
    assert str(err.value).startswith(start)


def test_endless_device_is_cut_at_the_size_cap(tmp_path, monkeypatch):
    # A device or pipe reports no size; the read itself stops one byte past the cap.
    monkeypatch.setenv("QEGRAPH_MAX_INPUT_BYTES", "100000")
    path = tmp_path / "endless.ttl"
    path.symlink_to("/dev/zero")
    start = time.monotonic()
    assert load_error(path) == (
        f"{path}: over the input limit of 100000 bytes (raise it with QEGRAPH_MAX_INPUT_BYTES)"
    )
    assert time.monotonic() - start < 5


def test_bad_limit_in_the_environment_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("QEGRAPH_MAX_NESTING", "lots")
    message = load_error(FIXTURES / "hostile-malformed.ttl")
    assert message == "QEGRAPH_MAX_NESTING must be a positive whole number, not 'lots'"


def test_size_cap_does_not_apply_to_the_bundled_ontology(monkeypatch):
    monkeypatch.setenv("QEGRAPH_MAX_INPUT_BYTES", "1000")
    assert len(load()) > 1000


@pytest.mark.parametrize("suffix", [".ttl", ".nt"])
def test_utf8_byte_order_mark_is_accepted(tmp_path, suffix):
    path = tmp_path / f"bom{suffix}"
    path.write_bytes(b'\xef\xbb\xbf<https://example.org/a> <https://example.org/p> "x" .\n')
    assert len(load([path], bundled=False)) == 1


def test_n3_formulas_are_not_loaded_as_facts():
    path = FIXTURES / "hostile-n3-formula.n3"
    assert load_error(path) == (
        f"{path}:4:1: N3 formulas {{ ... }} are quoted graphs, not facts; qegraph does not load "
        "them (keep plain triples, or convert the file to Turtle)"
    )
