"""The query and update cases of the W3C SPARQL 1.1 Protocol test suite, as data.

Restated in our own words from the suite's manifest (``sparql/sparql11/protocol/manifest.ttl``
in the public w3c/rdf-tests repository); the data they query is
``fixtures/protocol/kasei.trig`` (three named graphs, data1 to data3). Each case is one HTTP
request: method, path with query string, Content-Type, body, and what must come back: a status
class and, for queries, the boolean answer or the kind of media type. Update cases must be
refused with a 4xx by a read-only endpoint and change nothing.
"""

from __future__ import annotations

from urllib.parse import quote

D = "http://kasei.us/2009/09/sparql/data/"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"


def q(text: str) -> str:
    return quote(text, safe="")


ASK_D1_D2_DEFAULT = f"ASK {{ <{D}data1.rdf> a ?type . <{D}data2.rdf> a ?type . }}"
ASK_D1_D2_NAMED = (
    f"ASK {{ GRAPH ?g1 {{ <{D}data1.rdf> a ?type }} GRAPH ?g2 {{ <{D}data2.rdf> a ?type }} }}"
)
ASK_FULL = (
    f"ASK {{ <{D}data3.rdf> a ?type GRAPH ?g1 {{ <{D}data1.rdf> a ?type }} "
    f"GRAPH ?g2 {{ <{D}data2.rdf> a ?type }} }}"
)
DG = lambda n: f"default-graph-uri={q(D + f'data{n}.rdf')}"  # noqa: E731
NG = lambda n: f"named-graph-uri={q(D + f'data{n}.rdf')}"  # noqa: E731

#: (name, method, path and query string, Content-Type or None, body, expectation)
#: expectation: ("boolean", True) | ("results",) | ("rdf",) | ("4xx",)
QUERY_CASES = [
    ("query_post_form", "POST", f"/sparql?{DG(0)}", FORM, "query=ASK%20%7B%7D", ("boolean", True)),
    (
        "query_dataset_default_graphs_get",
        "GET",
        f"/sparql?query={q(ASK_D1_D2_DEFAULT)}&{DG(1)}&{DG(2)}",
        None,
        "",
        ("boolean", True),
    ),
    (
        "query_dataset_default_graphs_post",
        "POST",
        f"/sparql?{DG(1)}&{DG(2)}",
        DIRECT,
        ASK_D1_D2_DEFAULT,
        ("boolean", True),
    ),
    (
        "query_dataset_named_graphs_post",
        "POST",
        f"/sparql?{NG(1)}&{NG(2)}",
        DIRECT,
        ASK_D1_D2_NAMED,
        ("boolean", True),
    ),
    (
        "query_dataset_named_graphs_get",
        "GET",
        f"/sparql?query={q(ASK_D1_D2_NAMED)}&{NG(1)}&{NG(2)}",
        None,
        "",
        ("boolean", True),
    ),
    (
        "query_dataset_full",
        "POST",
        f"/sparql?{DG(3)}&{NG(1)}&{NG(2)}",
        DIRECT,
        ASK_FULL,
        ("boolean", True),
    ),
    # the protocol's dataset wins over the query's FROM
    (
        "query_multiple_dataset",
        "POST",
        f"/sparql?{DG(1)}",
        DIRECT,
        f"ASK FROM <{D}data2.rdf> {{ <{D}data1.rdf> ?p ?o }}",
        ("boolean", True),
    ),
    (
        "query_get",
        "GET",
        f"/sparql?query={q('SELECT ?s WHERE { ?s ?p ?o } LIMIT 1')}",
        None,
        "",
        ("results",),
    ),
    (
        "query_content_type_select",
        "POST",
        "/sparql",
        DIRECT,
        "SELECT (1 AS ?value) {}",
        ("results",),
    ),
    ("query_content_type_ask", "POST", "/sparql", DIRECT, "ASK {}", ("boolean", True)),
    (
        "query_content_type_describe",
        "POST",
        "/sparql",
        DIRECT,
        f"DESCRIBE <{D}data1.rdf>",
        ("rdf",),
    ),
    (
        "query_content_type_construct",
        "POST",
        "/sparql",
        DIRECT,
        "CONSTRUCT { <urn:s> <urn:p> 1 } WHERE {}",
        ("rdf",),
    ),
    ("query_post_direct", "POST", f"/sparql?{DG(0)}", DIRECT, "ASK {}", ("boolean", True)),
    ("bad_query_method", "PUT", "/sparql?query=ASK%20%7B%7D", None, "", ("4xx",)),
    (
        "bad_multiple_queries",
        "GET",
        "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D",
        None,
        "",
        ("4xx",),
    ),
    ("bad_query_wrong_media_type", "POST", "/sparql", "text/plain", "ASK {}", ("4xx",)),
    ("bad_query_missing_form_type", "POST", "/sparql", None, "query=ASK%20%7B%7D", ("4xx",)),
    ("bad_query_missing_direct_type", "POST", "/sparql", None, "ASK {}", ("4xx",)),
    (
        "bad_query_non_utf8",
        "POST",
        "/sparql",
        "application/sparql-query; charset=UTF-16",
        "ASK {}",
        ("4xx",),
    ),
    ("bad_query_syntax", "GET", f"/sparql?query={q('ASK {')}", None, "", ("4xx",)),
]

_INSERT = f"INSERT DATA {{ GRAPH <{D}data1.rdf> {{ <urn:x> <urn:y> <urn:z> }} }}"
#: (name, method, path and query string, Content-Type or None, body); all must be a 4xx
UPDATE_CASES = [
    (
        "update_dataset_default_graph",
        "POST",
        f"/sparql?using-graph-uri={q(D + 'data1.rdf')}",
        FORM,
        f"update={q('CLEAR ALL')}",
    ),
    ("update_dataset_default_graphs", "POST", "/sparql", UPDATE, "DELETE WHERE { ?s ?p ?o }"),
    (
        "update_dataset_named_graphs",
        "POST",
        f"/sparql?using-named-graph-uri={q(D + 'data2.rdf')}",
        UPDATE,
        "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }",
    ),
    ("update_dataset_full", "POST", "/sparql", UPDATE, f"DROP GRAPH <{D}data3.rdf>"),
    ("update_post_form", "POST", "/sparql", FORM, f"update={q(_INSERT)}"),
    ("update_post_direct", "POST", "/sparql", UPDATE, _INSERT),
    (
        "update_base_uri",
        "POST",
        "/sparql",
        UPDATE,
        "BASE <http://example/base/> INSERT DATA { <s> <p> <o> }",
    ),
    ("update_in_the_query_parameter", "GET", f"/sparql?query={q('DROP ALL')}", None, ""),
    ("update_load", "GET", f"/sparql?query={q('LOAD <http://127.0.0.1:9/x.ttl>')}", None, ""),
    ("bad_update_get", "GET", f"/sparql?update={q('CLEAR ALL')}", None, ""),
    (
        "bad_multiple_updates",
        "POST",
        "/sparql",
        FORM,
        f"update={q('CLEAR NAMED')}&update={q('CLEAR DEFAULT')}",
    ),
    ("bad_update_wrong_media_type", "POST", "/sparql", "text/plain", "CLEAR NAMED"),
    ("bad_update_missing_form_type", "POST", "/sparql", None, f"update={q('CLEAR NAMED')}"),
    (
        "bad_update_non_utf8",
        "POST",
        "/sparql",
        "application/sparql-update; charset=UTF-16",
        "CLEAR NAMED",
    ),
    ("bad_update_syntax", "POST", "/sparql", UPDATE, "CLEAR XYZ"),
    (
        "bad_update_dataset_conflict",
        "POST",
        f"/sparql?using-graph-uri={q(D + 'data1.rdf')}",
        UPDATE,
        f"WITH <{D}data1.rdf> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
    ),
]
