"""Reading a SPARQL 1.1 Protocol request and choosing the answer's media type.

A query comes by GET (``?query=``), URL-encoded POST or direct POST
(``application/sparql-query``), with ``default-graph-uri`` and ``named-graph-uri`` naming the
dataset. The answer's media type follows the ``Accept`` header's q-values; what cannot be offered
is 406.

>>> choose_media("text/csv, */*;q=0.1", "SELECT")
'text/csv'
>>> choose_media(None, "CONSTRUCT")
'text/turtle'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from .checks import READ_ONLY
from .errors import Refusal

__all__ = ["MEDIA", "SparqlRequest", "choose_media", "format_of", "params_of", "read_request"]

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
_RESULTS = [
    JSON,
    "application/json",
    XML,
    "application/xml",
    "text/csv",
    "text/tab-separated-values",
]
_GRAPHS = [
    "text/turtle",
    "application/n-triples",
    "text/plain",
    "application/rdf+xml",
    "application/xml",
    "application/ld+json",
    "application/json",
]
#: Media types by query form, the default first.
MEDIA = {
    "SELECT": _RESULTS,
    "ASK": _RESULTS[:4],
    "CONSTRUCT": _GRAPHS,
    "DESCRIBE": _GRAPHS,
}
# media type -> the ``qegraph query --format`` that writes it
_RESULT_FORMAT = {
    JSON: "json",
    "application/json": "json",
    XML: "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
_GRAPH_FORMAT = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
}


def format_of(media: str, form: str) -> str:
    """The ``qegraph query --format`` name that writes ``media`` for a query of ``form``.

    >>> format_of("application/json", "DESCRIBE"), format_of("application/json", "SELECT")
    ('jsonld', 'json')
    """
    table = _GRAPH_FORMAT if form in ("CONSTRUCT", "DESCRIBE") else _RESULT_FORMAT
    return table[media]


def choose_media(accept: str | None, form: str) -> str:
    """The media type to answer with, from the ``Accept`` header (q-values) and the query form."""
    offered = MEDIA[form]
    if not accept or not accept.strip():
        return offered[0]
    ranges: list[tuple[float, int, int, str]] = []
    for index, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        quality = 1.0
        for param in parts[1:]:
            if param.lower().startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        media = parts[0].lower()
        # more specific ranges win at equal quality (RFC 9110 12.5.1)
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        if media and quality > 0:
            ranges.append((-quality, -specificity, index, media))
    for *_order, media in sorted(ranges):
        if media in offered:
            return media
        if media == "*/*":
            return offered[0]
        if media.endswith("/*"):
            match = next((m for m in offered if m.startswith(media[:-1])), None)
            if match:
                return match
    raise Refusal(406, f"cannot answer this query as {accept}; offered: {', '.join(offered)}")


@dataclass
class SparqlRequest:
    """A query and its protocol dataset, read from one HTTP request."""

    query: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


def params_of(query_string: str) -> dict[str, list[str]]:
    """URL-encoded parameters, each with all its values; 400 when they are not UTF-8.

    >>> params_of("query=ASK%20%7B%7D&named-graph-uri=urn:a")
    {'query': ['ASK {}'], 'named-graph-uri': ['urn:a']}
    """
    try:
        pairs = parse_qsl(query_string, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Refusal(400, "the request parameters are not UTF-8") from None
    except ValueError as err:
        raise Refusal(400, f"malformed request parameters: {err}") from None
    params: dict[str, list[str]] = {}
    for key, value in pairs:
        params.setdefault(key, []).append(value)
    return params


def _single(params: dict[str, list[str]], name: str) -> str:
    values = params.get(name, [])
    if not values:
        raise Refusal(400, f"missing the {name!r} parameter")
    if len(values) > 1:
        raise Refusal(400, f"the {name!r} parameter is given {len(values)} times; give it once")
    return values[0]


def _decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(400, f"{what} is not UTF-8") from None


def read_request(
    method: str, query_string: str, content_type: str | None, body: bytes
) -> SparqlRequest:
    """The query of a GET or POST request, by the rules of the SPARQL 1.1 Protocol.

    >>> read_request("GET", "query=ASK%20%7B%7D", None, b"").query
    'ASK {}'
    """
    url_params = params_of(query_string)
    if method in ("GET", "HEAD"):
        params = url_params
        if "update" in params:
            raise Refusal(403, READ_ONLY)
        query = _single(params, "query")
    else:
        if not content_type:
            raise Refusal(
                400,
                "a POST needs a Content-Type: application/x-www-form-urlencoded or "
                "application/sparql-query",
            )
        media, _, extra = content_type.partition(";")
        media = media.strip().lower()
        charset = next(
            (
                p.split("=", 1)[1].strip().strip('"').lower()
                for p in extra.split(";")
                if "charset=" in p.lower()
            ),
            "utf-8",
        )
        if charset not in ("utf-8", "utf8"):
            raise Refusal(415, f"only UTF-8 is accepted, not {charset}")
        if media == "application/sparql-update":
            raise Refusal(403, READ_ONLY)
        if media == "application/x-www-form-urlencoded":
            params = params_of(_decode(body, "the request body"))
            if "update" in params:
                raise Refusal(403, READ_ONLY)
            if "query" in url_params:
                raise Refusal(400, "a URL-encoded POST carries the query in the body, not the URL")
            for key, values in url_params.items():
                params.setdefault(key, []).extend(values)
            query = _single(params, "query")
        elif media == "application/sparql-query":
            if "query" in url_params:
                raise Refusal(400, "a direct POST carries the query in the body, not the URL")
            params = url_params
            query = _decode(body, "the query")
        else:
            raise Refusal(
                415,
                f"unsupported Content-Type {media}; use application/x-www-form-urlencoded or "
                "application/sparql-query",
            )
    return SparqlRequest(
        query, params.get("default-graph-uri", []), params.get("named-graph-uri", [])
    )
