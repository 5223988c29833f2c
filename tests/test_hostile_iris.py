"""Invalid IRIs (quotes, angle brackets, spaces) are rejected at load with the file and line.

They must never reach the HTML viewer or an export. Oxigraph refuses them in Turtle, N-Triples and
RDF/XML; its JSON-LD parser would drop them silently, so qegraph parses JSON-LD leniently and
checks every IRI itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qegraph.errors import InputError
from qegraph.loading import load

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("hostile-iri-space.nt", "2:1: Invalid IRI code point ' '"),
        ("hostile-iri-quote.ttl", "3:9: Invalid IRI code point '\"'"),
        ("hostile-iri-angle.ttl", "3:9: Invalid IRI code point '<'"),
        (
            "hostile-iri-quote.rdf",
            "3:24: error while parsing IRI 'https://example.org/x\"><script>': "
            "Invalid IRI code point '\"'",
        ),
        (
            "hostile-iri-space.jsonld",
            "3:37: invalid IRI 'https://example.org/b c': Invalid IRI code point ' '",
        ),
        (
            "hostile-iri-angle.jsonld",
            "3:13: invalid IRI 'https://example.org/<script>': Invalid IRI code point '<'",
        ),
    ],
)
def test_invalid_iri_is_rejected_with_file_and_line(name, expected):
    path = FIXTURES / name
    with pytest.raises(InputError) as err:
        load([path], bundled=False)
    assert str(err.value) == f"{path}:{expected}"


def test_jsonld_term_that_would_be_dropped_is_an_error():
    path = FIXTURES / "hostile-unmapped-term.jsonld"
    with pytest.raises(InputError) as err:
        load([path], bundled=False)
    assert str(err.value) == (
        f"{path}:4:4: 'dropped' is not an IRI (a relative IRI, or a term that no @context maps; "
        "JSON-LD would drop it silently)"
    )


def test_valid_jsonld_still_loads_every_triple(tmp_path):
    path = tmp_path / "fine.jsonld"
    path.write_text(
        '{"@context": {"@vocab": "https://example.org/v/", "@language": "zh-Hans"},'
        ' "@id": "https://example.org/a", "@type": "Thing", "name": "素质教育",'
        ' "seeAlso": {"@id": "https://example.org/b"}}',
        encoding="utf-8",
    )
    graph = load([path], bundled=False)
    assert len(graph) == 3


def test_invalid_language_tag_in_jsonld_is_rejected():
    path = FIXTURES / "hostile-bad-lang.jsonld"
    with pytest.raises(InputError) as err:
        load([path], bundled=False)
    assert str(err.value) == f"{path}:3:62: invalid language tag 'not a tag'"
