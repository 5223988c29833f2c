"""Ask the graph questions in SPARQL: ad-hoc queries, named competency questions, bound parameters.

Every query, from the command line, from :func:`query` or from another module, runs through
:func:`run_query`, the single entry point: it parses the text (standard prefixes pre-bound, the
query's own ``PREFIX`` wins), refuses what qegraph never runs unasked (``SERVICE`` without
``allow_network``, ``LOAD``, every update form) by looking at the parsed algebra rather than the
text, binds the parameters and materialises the answer as a :class:`QueryResult`.

>>> from qegraph import load
>>> rows = query(load(), "SELECT ?label WHERE { ?c skos:prefLabel ?label } ORDER BY ?label",
...              c="qe:critical-thinking")
>>> [str(row["label"]) for row in rows]
['critical thinking', '批判性思维']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

from .errors import ConceptLookupError, NetworkRefusedError, QegraphError, QueryError
from .querytext import NamedQuery, named_queries, named_query, query_text

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.plugins.sparql.sparql import Query
    from rdflib.term import Node

__all__ = [
    "NamedQuery",
    "PreparedQuery",
    "QueryResult",
    "bind_params",
    "check_query",
    "engine_text",
    "named_queries",
    "named_query",
    "parse_param",
    "prepare_query",
    "query",
    "query_text",
    "query_variables",
    "resolve_value",
    "run_query",
]


# --- parsing and safety -------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedQuery:
    """A parsed, checked query: its text, its form (``SELECT``...) and rdflib's algebra."""

    text: str
    kind: str
    compiled: Query = field(repr=False)
    #: ``SELECT *``: its columns are the variables in name order, as Oxigraph gives them (rdflib
    #: would give them in hash order, different from run to run).
    select_star: bool = False
    #: Oxigraph itself read the query (in a child without network) and agreed with rdflib.
    engine_checked: bool = False


_KINDS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


def prepare_query(
    text: str, *, allow_network: bool = False, _as_engine: bool = False
) -> PreparedQuery:
    """Parse ``text`` with the standard prefixes pre-bound and refuse what qegraph never runs.

    Parameters
    ----------
    text:
        A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE).
    allow_network:
        Permit ``SERVICE`` (a federated query to a remote endpoint).

    Raises
    ------
    QueryError
        A syntax error (``line L, column C``, with the offending line), an unknown prefix, or an
        update (INSERT, DELETE, CLEAR...): qegraph only reads.
    NetworkRefusedError
        ``SERVICE`` without ``allow_network``, or ``LOAD`` (never run).

    >>> prepare_query("ASK { ?s a qe:Paradigm }").kind
    'ASK'
    >>> prepare_query("INSERT DATA { qe:a qe:b qe:c }")
    Traceback (most recent call last):
    ...
    qegraph.errors.QueryError: SPARQL updates (INSERT DATA) are refused: qegraph only reads
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    from .namespaces import PREFIXES

    try:
        parsed = parseQuery(text)
    except ParseException as err:
        _refuse_update(text)
        raise QueryError(_syntax_message(text, err)) from None
    except RecursionError:
        raise QueryError(
            "the query nests too deep to parse (hundreds of nested groups or brackets); simplify it"
        ) from None
    except Exception as err:  # rdflib's parse actions raise plain exceptions (bad IRI, ...)
        raise QueryError(f"cannot parse the query: {err}") from None
    try:
        compiled = translateQuery(parsed, initNs=PREFIXES)
    except Exception as err:  # rdflib raises a bare Exception for an unknown prefix
        message = str(err)
        match = re.match(r"Unknown namespace prefix : (\S*)", message)
        if match:
            raise QueryError(
                f"unknown prefix {match.group(1)}: in the query; declare it with "
                f"PREFIX {match.group(1)}: <...> (pre-bound: {', '.join(PREFIXES)})"
            ) from None
        raise QueryError(f"cannot compile the query: {message}") from None
    _refuse_service(compiled.algebra, allow_network)
    _refuse_dataset(compiled.algebra, allow_network)
    kind = _KINDS.get(compiled.algebra.name, compiled.algebra.name)
    star = kind == "SELECT" and "projection" not in parsed[1]
    prepared = PreparedQuery(text=text, kind=kind, compiled=compiled, select_star=star)
    view = text if _as_engine else engine_text(text)
    if view != text:
        # Oxigraph reads escapes only in strings and IRIs and ends a comment at CR as well as
        # LF; rdflib does neither. Both readings must pass the checks and agree on what matters.
        try:
            engine = prepare_query(view, allow_network=allow_network, _as_engine=True)
        except QueryError as err:
            raise NetworkRefusedError(
                "rdflib and Oxigraph read this query differently (read as Oxigraph reads "
                f"escapes and comments, it fails: {err}); refused"
            ) from None
        _agree(prepared, engine, "Oxigraph (escapes, comments)")
    return prepared


def engine_text(text: str) -> str:
    r"""``text`` rewritten so that rdflib reads it as Oxigraph does: the text to check.

    The two parsers disagree on escapes and comments. rdflib expands ``\uXXXX`` escapes over the
    whole text before parsing (so ``"\u0022 # "`` ends a string early and hides the rest of the
    line in a comment), while Oxigraph expands them only inside strings and IRIs; Oxigraph ends
    a comment at CR as well as LF, rdflib at LF only. Here each token is cut out the way Oxigraph
    cuts it: a string holding a backslash becomes ``"s"`` (its value does not change what the
    query does), an IRI's escapes are expanded, and a comment holding a CR or a backslash
    becomes a line end. An escape anywhere else, which Oxigraph rejects, is refused.

    >>> engine_text('SELECT * { ?s ?p "\\u0022 # " SERVICE <x:y> {} }')
    'SELECT * { ?s ?p "s" SERVICE <x:y> {} }'
    >>> engine_text("ASK { # a\r SERVICE <x:\\u0079> {} }")
    'ASK { \n SERVICE <x:y> {} }'
    """
    if "\\" not in text and "\r" not in text:
        return text
    out = []
    for match in _TOKENS.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind == "string":
            out.append('"s"' if "\\" in token else token)
        elif kind == "iri":
            out.append(_iri_view(token))
        elif kind == "comment":
            out.append("\n" if "\\" in token or "\r" in token else token)
        else:
            if re.search(r"\\[uU]", token):
                raise NetworkRefusedError(
                    "the query has a \\u escape outside strings and IRIs, which SPARQL engines "
                    "read differently; refused (write the character itself)"
                )
            out.append(token)
    return "".join(out)


# How Oxigraph cuts a query into tokens, as far as strings, IRIs and comments go.
_TOKENS = re.compile(
    r"(?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"
    r'|"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|"(?:[^"\\\n\r]|\\.)*")'
    r'|(?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)'
    r"|(?P<comment>#[^\r\n]*\r?)"
    r"|(?P<code>[^'\"<#]+|.)",
    re.DOTALL,
)


def _iri_view(token: str) -> str:
    if "\\" not in token:
        return token
    expanded = re.sub(
        r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
        lambda m: chr(min(int(m.group(1) or m.group(2), 16), 0x10FFFF)),
        token[1:-1],
    )
    if re.search(r'[<>"{}|^`\\\x00-\x20\ud800-\udfff]', expanded):
        return token  # Oxigraph rejects such an IRI; rdflib will say why
    return f"<{expanded}>"


def _signature(prepared: PreparedQuery) -> tuple[Any, ...]:
    """What must be the same in two readings of a query: form, columns, remote parts."""
    algebra = prepared.compiled.algebra
    variables = sorted(str(v) for v in algebra.get("PV") or ()) if prepared.kind == "SELECT" else []
    services = sorted(
        str(node.get("term")) for node in _walk(algebra) if node.name == "ServiceGraphPattern"
    )
    dataset = sorted(str(dict(c)) for c in algebra.get("datasetClause") or ())
    return (prepared.kind, variables, services, dataset)


def _agree(ours: PreparedQuery, theirs: PreparedQuery, who: str) -> None:
    mine, other = _signature(ours), _signature(theirs)
    if mine != other:
        fields = ("query form", "variables", "SERVICE endpoints", "FROM clauses")
        differ = ", ".join(f for f, a, b in zip(fields, mine, other, strict=True) if a != b)
        raise NetworkRefusedError(
            f"rdflib and {who} read this query differently ({differ}); refused, since the "
            "check must read the query as the engine that runs it"
        )


def check_query(text: str, *, allow_network: bool = False, probe: bool = True) -> PreparedQuery:
    """Check a query that another engine (Oxigraph, a remote endpoint) will run; refuse it
    unless every reading agrees. The one check for every engine path (``--store``,
    ``--endpoint``, ``qegraph serve``).

    :func:`prepare_query` (rdflib) reads ``text`` as it is and as :func:`engine_text` gives it;
    both must pass the checks (SERVICE, LOAD, FROM, updates) and agree on the query form,
    variables, SERVICE endpoints and FROM clauses. With ``probe`` (the default), Oxigraph
    itself then runs the query over an empty store, in a forked child that has no network
    (:func:`qegraph.isolation.drop_network`), and must report the same form and variables and
    no network access; where the system gives no network namespace, the probe is skipped and
    the two rdflib readings decide. Returns the :class:`PreparedQuery` to run.

    Raises
    ------
    NetworkRefusedError
        The readings disagree, or SERVICE/LOAD/FROM would reach out (exit code 3).
    QueryError
        A syntax error, an update, or a query Oxigraph cannot parse (exit code 2).

    >>> check_query("SELECT ?s WHERE { ?s ?p ?o }").kind
    'SELECT'
    >>> check_query("SELECT ?s { ?s ?p ?o # \\r SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }\\n}")
    Traceback (most recent call last):
    ...
    qegraph.errors.NetworkRefusedError: SPARQL SERVICE <http://127.0.0.1:9/> is refused: ...
    """
    prepared = prepare_query(text, allow_network=allow_network)
    if probe and not prepared.engine_checked:
        _probe(prepared, allow_network)
        prepared = PreparedQuery(
            prepared.text, prepared.kind, prepared.compiled, prepared.select_star, True
        )
    return prepared


_PROBE_SECONDS = 5.0


def _probe(prepared: PreparedQuery, allow_network: bool) -> None:
    """Run the query in Oxigraph over an empty store in an isolated child; compare readings."""
    import json

    from .isolation import isolation_status
    from .oxstore import probe_query

    if isolation_status() == "unavailable":
        return  # running it could reach the network: the rdflib readings decide alone
    found = probe_query(prepared.text, timeout=_PROBE_SECONDS)
    if found is None:
        return  # no fork here, or the probe ran out of time: the rdflib readings decide
    kind, payload = found
    if kind == "syntax":
        raise QueryError(f"Oxigraph cannot parse the query: {payload}")
    if kind == "network":
        if not allow_network:
            raise NetworkRefusedError(
                "Oxigraph tried to reach the network for this query while rdflib saw no "
                f"SERVICE ({payload}); refused"
            )
        return
    if kind == "error":
        return  # a run-time error over an empty store says nothing about the reading
    expected = {"SELECT": "SELECT", "ASK": "ASK", "CONSTRUCT": "GRAPH", "DESCRIBE": "GRAPH"}
    engine_kind, variables = kind, json.loads(payload) if payload else []
    if expected.get(prepared.kind) != engine_kind:
        raise NetworkRefusedError(
            f"rdflib reads a {prepared.kind} query but Oxigraph reads a {engine_kind} query; "
            "refused, since the check must read the query as the engine that runs it"
        )
    if prepared.kind == "SELECT":
        ours = sorted(str(v) for v in prepared.compiled.algebra.get("PV") or ())
        if ours != sorted(variables):
            raise NetworkRefusedError(
                f"rdflib and Oxigraph read this query differently (variables {ours} and "
                f"{sorted(variables)}); refused, since the check must read the query as the "
                "engine that runs it"
            )


def _syntax_message(text: str, err: Any) -> str:
    line_no, col = err.lineno, err.col
    lines = text.splitlines() or [""]
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else err.line
    found = f" near {line[col - 1 : col + 19].split()[0]!r}" if line[col - 1 :].strip() else ""
    return (
        f"SPARQL syntax error at line {line_no}, column {col}{found}:\n"
        f"  {line}\n  {' ' * (col - 1)}^"
    )


def _refuse_update(text: str) -> None:
    """Raise if ``text`` parses as a SPARQL update (LOAD included); return quietly otherwise."""
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    from .namespaces import PREFIXES

    try:
        update = translateUpdate(parseUpdate(text), initNs=PREFIXES)
    except Exception:  # not an update either: the caller reports the query syntax error
        return
    forms = [op.name for op in update.algebra]
    if "Load" in forms:
        raise NetworkRefusedError(
            "SPARQL LOAD is refused: qegraph never fetches data from inside a query "
            "(download the file and pass it with --data)"
        )
    if not forms:
        return
    names = ", ".join(dict.fromkeys(_UPDATE_NAMES.get(f, f.upper()) for f in forms))
    raise QueryError(f"SPARQL updates ({names}) are refused: qegraph only reads")


_UPDATE_NAMES = {
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
}


def _refuse_service(algebra: Any, allow_network: bool) -> None:
    if allow_network:
        return
    for node in _walk(algebra):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            raise NetworkRefusedError(
                f"SPARQL SERVICE <{node.get('term')}> is refused: it would query a remote "
                "endpoint; pass --allow-network to permit it"
            )


def _refuse_dataset(algebra: Any, allow_network: bool) -> None:
    """Refuse ``FROM`` / ``FROM NAMED``: rdflib would fetch the IRI (a URL or a local file)."""
    for clause in algebra.get("datasetClause") or ():
        keyword = "FROM NAMED" if "named" in clause else "FROM"
        iri = str(clause["named"] if "named" in clause else clause["default"])
        if iri.lower().startswith("file:"):
            raise NetworkRefusedError(
                f"SPARQL {keyword} <{iri}> is refused: it would read a local file from inside "
                "the query (pass the file with --data instead)"
            )
        if not allow_network:
            raise NetworkRefusedError(
                f"SPARQL {keyword} <{iri}> is refused: it would fetch data from the network "
                "(download it and pass it with --data, or pass --allow-network)"
            )


def query_variables(prepared: PreparedQuery) -> set[str]:
    """The names of every variable in the parsed query (what ``--param`` may bind).

    >>> sorted(query_variables(prepare_query("SELECT ?x WHERE { ?x qe:develops ?y }")))
    ['x', 'y']
    """
    from rdflib import Variable

    found: set[str] = set()
    stack: list[Any] = [prepared.compiled.algebra]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if isinstance(current, Variable):
            found.add(str(current))
        elif id(current) not in seen:
            seen.add(id(current))
            if isinstance(current, dict):  # rdflib's CompValue is a dict too
                stack.extend(current.values())
            elif isinstance(current, (list, tuple, set, frozenset)):
                stack.extend(current)
    return found


def _walk(node: Any) -> Iterator[Any]:
    """Every algebra node (rdflib ``CompValue``) below ``node``, depth first."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, CompValue):
            yield current
            stack.extend(current.values())
        elif isinstance(current, (list, tuple)):
            stack.extend(current)
        elif isinstance(current, dict):
            stack.extend(current.values())


# --- parameters ---------------------------------------------------------------------------


_LITERAL = re.compile(
    r'^"(?P<value>(?:[^"\\]|\\.)*)"(?:@(?P<lang>[A-Za-z0-9-]+)|\^\^(?P<dt>\S+))?$'
)


def resolve_value(graph: Graph, value: str) -> Node:
    """The RDF term a ``--param`` value stands for.

    - ``<https://...>`` or ``https://...``: that IRI;
    - ``qe:critical-thinking``: a CURIE with a standard prefix;
    - ``"text"``, ``"text"@en``, ``"5"^^xsd:integer``: a literal (Turtle syntax);
    - ``42``, ``4.5``, ``true``: a number or boolean literal;
    - anything else: a concept's label in either language (``批判性思维``).

    Raises
    ------
    ConceptLookupError
        The value is none of the above and no concept has it as a label (close matches are named).

    >>> from qegraph import load
    >>> resolve_value(load(), "批判性思维").n3()
    '<https://w3id.org/qegraph/critical-thinking>'
    >>> resolve_value(load(), '"critical thinking"@en').n3()
    '"critical thinking"@en'
    """
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from .concepts import resolve_concept
    from .namespaces import PREFIXES

    text = value.strip()
    match = _LITERAL.match(text)
    if match:
        lexical = _unescape(match.group("value"))
        if match.group("lang"):
            return Literal(lexical, lang=match.group("lang"))
        if match.group("dt"):
            return Literal(lexical, datatype=URIRef(_expand_iri(match.group("dt"))))
        return Literal(lexical)
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$", text) or text.startswith("urn:"):
        return URIRef(text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and " " not in local:
        return URIRef(PREFIXES[prefix] + local)
    if re.fullmatch(r"[+-]?\d+", text):
        return Literal(text, datatype=XSD.integer)
    if re.fullmatch(r"[+-]?\d*\.\d+", text):
        return Literal(text, datatype=XSD.decimal)
    if text in ("true", "false"):
        return Literal(text, datatype=XSD.boolean)
    try:
        return resolve_concept(graph, text)
    except ConceptLookupError as err:
        raise ConceptLookupError(f'{err} (write "{text}" in quotes for a plain literal)') from None


def _expand_iri(text: str) -> str:
    from .namespaces import PREFIXES

    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    raise QueryError(f"unknown datatype {text}: use <IRI> or a standard prefix")


def _unescape(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), text)


def parse_param(graph: Graph, assignment: str) -> tuple[str, Node]:
    """Split a ``NAME=VALUE`` parameter and resolve the value with :func:`resolve_value`.

    >>> from qegraph import load
    >>> name, value = parse_param(load(), "concept=rote learning")
    >>> name, value.n3()
    ('concept', '<https://w3id.org/qegraph/rote-learning>')
    """
    name, sep, value = assignment.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not re.fullmatch(r"\w+", name):
        raise QueryError(
            f"--param {assignment!r}: expected NAME=VALUE, e.g. concept=qe:rote-learning"
        )
    return name, resolve_value(graph, value)


# --- running ------------------------------------------------------------------------------


@dataclass
class QueryResult(Sequence[dict[str, Any]]):
    """The materialised answer of a query.

    A SELECT result is a sequence of rows, each a dict from variable name to an rdflib term, or
    None where the variable is unbound; ``variables`` keeps the column order. An ASK result has
    ``boolean``; a CONSTRUCT or DESCRIBE result has ``graph``. ``graph_queried`` is the graph the
    query ran over (the OWL RL closure with ``reason=True``), used for labels in tables.
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    graph_queried: Graph | None = field(default=None, repr=False)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        return self.rows[index]

    def __len__(self) -> int:
        return len(self.rows)


def run_query(
    graph: Graph,
    text: str | PreparedQuery,
    *,
    bindings: Mapping[str, Node] | None = None,
    reason: bool = False,
    allow_network: bool = False,
    timeout: float | None = None,
) -> QueryResult:
    """Run one SPARQL query over ``graph``; every query path of qegraph goes through here.

    Parameters
    ----------
    graph:
        The graph to query (usually :func:`qegraph.load`).
    text:
        The query text, or a :class:`PreparedQuery`.
    bindings:
        Variable name to RDF term, bound before the query runs (``--param``).
    reason:
        Answer over the OWL RL closure of ``graph`` (inverse and symmetric edges, inferred types).
    allow_network:
        Permit ``SERVICE`` (and ``FROM <http...>``); otherwise any network access during the
        query is refused, below rdflib as well (:func:`qegraph.safety.no_network`).
    timeout:
        Stop the query after this many seconds (None: no limit; the command line gives 30).

    Raises
    ------
    QueryError, NetworkRefusedError
        See :func:`prepare_query`.
    QueryTimeoutError
        The query ran past ``timeout`` and was stopped.

    >>> from qegraph import load
    >>> run_query(load(), "ASK { qe:quality-education qe:opposes ?x }").boolean
    True
    """
    from .limits import time_limit
    from .safety import no_network

    with no_network("running the query", allow_network=allow_network), time_limit(timeout):
        return _run_query(graph, text, bindings, reason, allow_network)


def _run_query(
    graph: Graph,
    text: str | PreparedQuery,
    bindings: Mapping[str, Node] | None,
    reason: bool,
    allow_network: bool,
) -> QueryResult:
    from rdflib import Variable

    from .limits import iterative_paths

    # A store with its own SPARQL engine (Oxigraph store, remote endpoint: see
    # qegraph.backends) gets the text, so the check must read it as that engine does
    # (check_query parses it once: a second rdflib parse cost 80 ms a query).
    native = getattr(graph.store, "native_sparql", False)
    if isinstance(text, PreparedQuery):
        prepared = text
    elif native:
        prepared = check_query(text, allow_network=allow_network)
    else:
        prepared = prepare_query(text, allow_network=allow_network)
    if native and not prepared.engine_checked:
        prepared = check_query(prepared.text, allow_network=allow_network)
    if prepared.kind not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
        raise QueryError(f"unsupported query form {prepared.kind}")
    if reason:
        from .reasoning import owl_rl_closure

        graph = owl_rl_closure(graph)
    unused = sorted(set(bindings or {}) - query_variables(prepared))
    if unused:
        known = ", ".join(f"?{v}" for v in sorted(query_variables(prepared))) or "none"
        raise QueryError(
            f"--param {unused[0]}: the query has no variable ?{unused[0]} (its variables: {known})"
        )
    init = {Variable(k): v for k, v in (bindings or {}).items()}
    iterative_paths(prepared.compiled.algebra)  # p* and p+ without deep recursion
    try:
        # rdflib's evaluator would walk a native store's triples one by one: give it the text.
        result = graph.query(prepared.text if native else prepared.compiled, initBindings=init)
        if prepared.kind == "ASK":
            return QueryResult("ASK", boolean=bool(result.askAnswer), graph_queried=graph)
        if prepared.kind in ("CONSTRUCT", "DESCRIBE"):
            from .namespaces import bind_prefixes

            out = bind_prefixes(_graph())
            for triple in result.graph or ():
                out.add(triple)
            return QueryResult(prepared.kind, graph=out, graph_queried=graph)
        variables = [str(v) for v in result.vars or ()]
        if prepared.select_star:
            variables.sort()
        rows = [{name: row.get(Variable(name)) for name in variables} for row in result.bindings]
    except QegraphError:  # a store or endpoint failure keeps its own exit code (5)
        raise
    except RecursionError:
        raise QueryError(
            "the query nests too deep for rdflib's evaluator (deeply nested groups or a "
            "recursive path); simplify it"
        ) from None
    except Exception as err:  # rdflib's evaluation errors carry no type of their own
        raise QueryError(f"the query failed while running: {type(err).__name__}: {err}") from None
    return QueryResult("SELECT", variables=variables, rows=rows, graph_queried=graph)


def _graph() -> Graph:
    from rdflib import Graph

    return Graph()


def query(graph: Graph, text_or_name: str, /, **bindings: Any) -> QueryResult:
    """Answer a SPARQL query or a named competency question, with variables bound by keyword.

    Parameters
    ----------
    graph:
        The graph to query.
    text_or_name:
        SPARQL text (standard prefixes pre-bound) or a named query such as ``"CQ-01"``.
    **bindings:
        Variables to bind before the query runs: rdflib terms, or strings read like ``--param``
        values (an IRI, a CURIE, a quoted literal or a concept label), or Python numbers.

    Returns
    -------
    QueryResult
        For SELECT, a sequence of dicts from variable name to term (None when unbound).

    >>> from qegraph import load
    >>> g = load()
    >>> rows = query(g, "SELECT ?other WHERE { ?paradigm qe:opposes ?other }",
    ...              paradigm="素质教育")
    >>> rows.variables, [row["other"].n3(g.namespace_manager) for row in rows]
    (['other'], ['qe:exam-oriented-education'])
    """
    from rdflib import Literal
    from rdflib.term import Node

    text = query_text(text_or_name)
    bound: dict[str, Node] = {}
    for name, value in bindings.items():
        if isinstance(value, Node):
            bound[name] = value
        elif isinstance(value, str):
            bound[name] = resolve_value(graph, value)
        else:
            bound[name] = Literal(value)
    return run_query(graph, text, bindings=bound)


def bind_params(graph: Graph, params: Iterable[str]) -> dict[str, Node]:
    """``NAME=VALUE`` strings (``--param``) as a bindings dict for :func:`run_query`."""
    return dict(parse_param(graph, p) for p in params)
