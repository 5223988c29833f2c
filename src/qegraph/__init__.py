"""qegraph: a bilingual, source-traceable knowledge graph of quality education.

The public API is imported lazily, so ``import qegraph`` (and ``qegraph --help``) does no work and
loads no heavy package until a function is used.

>>> import qegraph
>>> graph = qegraph.load()
>>> len(graph) > 1000
True
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import (
        BackendError,
        ConceptLookupError,
        ExportError,
        InputError,
        NetworkRefusedError,
        QegraphError,
        QueryError,
        QueryTimeoutError,
    )
    from .loading import load, load_dataset
    from .namespaces import PREFIXES, QE
    from .stats import graph_stats
    from .validation import ValidationReport, validate

# name -> module that defines it; each feature module adds its public names here.
_EXPORTS: dict[str, str] = {
    "BackendError": "errors",
    "ConceptLookupError": "errors",
    "ExportError": "errors",
    "InputError": "errors",
    "NetworkRefusedError": "errors",
    "QegraphError": "errors",
    "QueryError": "errors",
    "QueryTimeoutError": "errors",
    "load": "loading",
    "load_dataset": "loading",
    "PREFIXES": "namespaces",
    "QE": "namespaces",
    "graph_stats": "stats",
    "validate": "validation",
    "ValidationReport": "validation",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("qegraph")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qegraph' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
