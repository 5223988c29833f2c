"""The text of a query: a named competency question (``CQ-NN``), a ``.rq`` file, or SPARQL itself.

The lowest layer of querying, with no engine behind it: :mod:`qegraph.sparql` (rdflib),
:mod:`qegraph.oxstore` (Oxigraph) and the commands all read query text through here, so that
neither engine's module needs the other to find it, and ``qegraph --store DIR query --name
CQ-01`` reads its query without loading the rdflib-side machinery.

>>> named_query("cq-1").name
'CQ-01'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import QueryError

__all__ = ["NamedQuery", "named_queries", "named_query", "query_text"]

_NAME_LINE = re.compile(r"^#\s*(C[QX]-\d+)\s*:\s*(.*\S)\s*$", re.IGNORECASE)
_NAME = re.compile(r"^C[QX]-\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class NamedQuery:
    """A competency question shipped with the ontology: ``CQ-07``, its question and its text."""

    name: str
    question: str
    text: str
    file_name: str


def named_queries() -> list[NamedQuery]:
    """The competency questions ``ontology/queries/cq-*.rq`` (``CQ-NN``), then the CONSTRUCT
    queries for common subsets ``ontology/queries/construct/cx-*.rq`` (``CX-NN``), in file order.

    The name and the question come from each file's first line, ``# CQ-NN: question``; a file
    without that line is named after the file.

    >>> all(q.name[:3] in ("CQ-", "CX-") and q.question for q in named_queries())
    True
    """
    from .resources import construct_files, query_files

    found = []
    for path in [*query_files(), *construct_files()]:
        text = path.read_text(encoding="utf-8")
        first = text.split("\n", 1)[0]
        match = _NAME_LINE.match(first)
        if match:
            name, question = match.group(1).upper(), match.group(2)
        else:
            name, question = path.name.removesuffix(".rq").upper(), ""
        found.append(NamedQuery(name, question, text, path.name))
    return found


def named_query(name: str) -> NamedQuery:
    """The named query ``name`` (``CQ-07``, case-insensitive; ``cq-7`` works too).

    Raises
    ------
    QueryError
        No such query; the message lists the known names.
    """
    wanted = _normalise_name(name)
    known = named_queries()
    for item in known:
        if _normalise_name(item.name) == wanted:
            return item
    names = ", ".join(q.name for q in known) or "(none)"
    raise QueryError(f"unknown named query {name!r}; known queries: {names}")


def _normalise_name(name: str) -> str:
    match = re.match(r"(?i)^\s*c([qx])-?0*(\d+)\s*$", name)
    return f"C{match.group(1).upper()}-{int(match.group(2))}" if match else name.strip().upper()


def query_text(spec: str) -> str:
    """The SPARQL text ``spec`` stands for: a named query (``CQ-NN``), a ``.rq`` file, or itself.

    >>> query_text("ASK {}")
    'ASK {}'
    """
    if _NAME.match(spec.strip()):
        return named_query(spec).text
    if spec.endswith(".rq") and "\n" not in spec:
        from pathlib import Path

        path = Path(spec)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise QueryError(f"{spec}: no such query file") from None
        except (OSError, UnicodeDecodeError) as err:
            raise QueryError(f"{spec}: cannot read the query file ({err})") from None
    return spec
