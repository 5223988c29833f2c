"""What the front refuses before any engine sees a query: updates, LOAD and SERVICE.

The engine (Oxigraph) runs SERVICE itself and has no switch for it, so the text is checked here,
lexically and without rdflib: comments, strings, IRIs, variables and prefixed names are blanked
out, and the keywords that remain decide. A word inside a string or an IRI is never a keyword.
The text is read twice: as Oxigraph reads it (codepoint escapes such as ``\\u0022`` count only
inside strings and IRIs; a comment ends at CR or LF) and as the SPARQL grammar's note on escapes
reads it (``\\u0053ERVICE`` expanded everywhere first). When the two readings find different
keywords, the query is refused: whatever decides must read the query as the engine does, and a
query built to be read two ways is refused rather than guessed at. Syntax errors are left to the
engine, which words them with line and column. The workers have no network either way.

:func:`check_query` is the one place to swap in a stricter shared check.

>>> check_query("SELECT ?service WHERE { ?s <urn:service> 'SERVICE' }")
'SELECT'
>>> check_query("PREFIX : <urn:x> CONSTRUCT WHERE { ?s ?p ?o }")
'CONSTRUCT'
>>> check_query("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
qegraph.serve.errors.Refusal: SERVICE is refused: this endpoint never calls other endpoints
"""

from __future__ import annotations

import re

from .errors import Refusal

__all__ = ["check_query", "expand_escapes", "names_dataset"]

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LEXEMES = re.compile(
    r"""(?sx)
      '''.*?'''
    | \"\"\".*?\"\"\"
    | '(?:[^'\\\n\r]|\\.)*'
    | "(?:[^"\\\n\r]|\\.)*"
    | <[^<>"{}|^`\\\x00-\x20]*>
    | \#[^\n\r]*
    | [?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+
    | [A-Za-z_\u00c0-\uffff][\w\-.\u00b7\u00c0-\uffff]*:(?:[\w\-.:%\u00b7\u00c0-\uffff]|\\.)*
    | :(?:[\w\-.:%\u00b7\u00c0-\uffff]|\\.)*
    | _:[\w\-.\u00b7\u00c0-\uffff]*
    """
)
_WORD = re.compile(r"[A-Za-z]+")
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
READ_ONLY = "updates are refused: this endpoint is read-only"


def expand_escapes(text: str) -> str:
    r"""``text`` with SPARQL codepoint escapes expanded, as the engine does before parsing.

    >>> expand_escapes(r"\u0053ERVICE")
    'SERVICE'
    """

    def one(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise Refusal(400, f"malformed query: invalid codepoint escape {match.group(0)}")
        return chr(code)

    return _ESCAPE.sub(one, text)


def check_query(text: str) -> str:
    """The form of a read-only query (``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``).

    Raises :class:`~qegraph.serve.errors.Refusal`: 403 for an update, LOAD or SERVICE, 400 when
    no query form can be found (the engine reports finer syntax errors).
    """
    words, expanded = _keywords(text), _keywords(expand_escapes(text))
    if "SERVICE" in words or "SERVICE" in expanded:
        raise Refusal(403, "SERVICE is refused: this endpoint never calls other endpoints")
    if words != expanded:
        raise Refusal(
            403,
            "the query reads differently with its \\u escapes expanded and as written: refused",
        )
    if "SERVICE" in words:
        raise Refusal(403, "SERVICE is refused: this endpoint never calls other endpoints")
    for word in words:
        if word in ("BASE", "PREFIX"):
            continue
        if word in _FORMS:
            return word
        if word in _UPDATES:
            raise Refusal(403, READ_ONLY)
        break
    if "LOAD" in words:
        raise Refusal(403, READ_ONLY)
    raise Refusal(400, "malformed query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")


def names_dataset(text: str) -> bool:
    """Whether the query has a dataset clause of its own (``FROM`` or ``FROM NAMED``).

    >>> names_dataset("SELECT * FROM <urn:g> { ?s ?p ?o }"), names_dataset("SELECT ?from {}")
    (True, False)
    """
    return "FROM" in _keywords(text)


def _keywords(text: str) -> list[str]:
    """The words of ``text`` outside comments, strings, IRIs, variables and names, upper-cased."""
    return [w.upper() for w in _WORD.findall(_LEXEMES.sub(" ", text))]
