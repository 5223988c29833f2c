"""Error types of qegraph and the exit codes the command line maps them to.

Every error a user can cause derives from :class:`QegraphError`; the CLI turns it into a one-line
message and its ``exit_code`` in one place, so no user error ever shows a traceback.
"""

from __future__ import annotations

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_NOT_CONFORMING",
    "EXIT_OK",
    "EXIT_USAGE",
    "BackendError",
    "ConceptLookupError",
    "ExportError",
    "GraphTooLargeError",
    "InputError",
    "NetworkRefusedError",
    "QegraphError",
    "QueryError",
    "QueryTimeoutError",
    "shown_path",
]

EXIT_OK = 0
EXIT_NOT_CONFORMING = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_TIMEOUT = 4
EXIT_BACKEND = 5
EXIT_INTERRUPTED = 130


class QegraphError(Exception):
    """Base class of every error a user can cause; ``exit_code`` is what the CLI exits with."""

    exit_code: int = EXIT_USAGE


class InputError(QegraphError):
    """A file is missing, unreadable, too large or malformed; the message names FILE:LINE:COL."""


class QueryError(QegraphError):
    """A SPARQL query is malformed, unknown by name, or uses a form qegraph does not run."""


class ConceptLookupError(QegraphError):
    """A concept given by name, CURIE or IRI is unknown or ambiguous."""


class ExportError(QegraphError):
    """A graph cannot be written faithfully in the asked format, or the output is unwritable."""


class GraphTooLargeError(QegraphError):
    """A graph is too large to draw; the message says how to pick a part of it (--focus, --top)."""


class NetworkRefusedError(QegraphError):
    """Network or local-file access the user did not ask for (SERVICE, LOAD, remote imports...)."""

    exit_code = EXIT_REFUSED


class QueryTimeoutError(QegraphError):
    """A query ran past its time limit and was stopped."""

    exit_code = EXIT_TIMEOUT


class BackendError(QegraphError):
    """A store or a remote SPARQL endpoint failed, timed out or gave a partial answer."""

    exit_code = EXIT_BACKEND


def shown_path(path: object) -> str:
    r"""A file name for a message: every control or format character escaped (newlines and
    tabs too), so a hostile name cannot break the one-line message or drive the terminal.

    >>> shown_path("out\n\x1b[2J.ttl")
    'out\\n\\x1b[2J.ttl'
    """
    import unicodedata

    out = []
    for char in str(path):
        if unicodedata.category(char) not in ("Cc", "Cf"):
            out.append(char)
        elif char == "\n":
            out.append("\\n")
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(f"\\u{ord(char):04x}")
    return "".join(out)
