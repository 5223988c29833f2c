"""What the loader accepts before it reads a byte: file types by suffix, size and nesting limits.

Kept apart from :mod:`qegraph.loading` so that a command answered from the parse cache
(:mod:`qegraph.cache`), which needs only these to find its entry, does not import the loader.

>>> guess_format("people.ttl"), DEFAULT_MAX_NESTING
('turtle', 100)
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .errors import InputError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = ["DEFAULT_MAX_INPUT_BYTES", "DEFAULT_MAX_NESTING", "FORMAT_BY_SUFFIX", "guess_format"]

#: Largest input file accepted unless the caller raises it (env ``QEGRAPH_MAX_INPUT_BYTES``).
DEFAULT_MAX_INPUT_BYTES = 512 * 1024 * 1024

#: Deepest bracket or element nesting accepted unless raised (env ``QEGRAPH_MAX_NESTING``):
#: rdflib's serializers recurse once per level and its JSON-LD writer fails near 150 levels.
DEFAULT_MAX_NESTING = 100

#: rdflib-style format names by file suffix.
FORMAT_BY_SUFFIX = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".ntriples": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".n3": "n3",
}


def guess_format(path: str | os.PathLike[str] | Traversable) -> str:
    """The rdflib format name for a file, from its suffix.

    >>> guess_format("people.ttl"), guess_format("dump.nq")
    ('turtle', 'nquads')
    """
    name = str(getattr(path, "name", path))
    suffix = os.path.splitext(name)[1].lower()
    try:
        return FORMAT_BY_SUFFIX[suffix]
    except KeyError:
        known = ", ".join(sorted(FORMAT_BY_SUFFIX))
        raise InputError(
            f"{name}: unknown RDF file type {suffix or '(none)'}; use one of {known}"
        ) from None


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 1:
        raise InputError(f"{name} must be a positive whole number, not {value!r}")
    return number


def _max_bytes(max_bytes: int | None) -> int:
    if max_bytes is not None:
        return max_bytes
    return _env_int("QEGRAPH_MAX_INPUT_BYTES", DEFAULT_MAX_INPUT_BYTES)


def _max_nesting() -> int:
    return _env_int("QEGRAPH_MAX_NESTING", DEFAULT_MAX_NESTING)
