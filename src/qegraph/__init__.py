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
    from .analysis import AnalysisReport, analyze, contrast_matrix
    from .backends import (
        Backend,
        EndpointBackend,
        LoadReport,
        MemoryBackend,
        StoreBackend,
        open_backend,
    )
    from .charts import plot_report
    from .curation.claims import CurationResult, curate
    from .curation.sources import SourceRegistration, register_source
    from .errors import (
        BackendError,
        ConceptLookupError,
        ExportError,
        GraphTooLargeError,
        InputError,
        NetworkRefusedError,
        QegraphError,
        QueryError,
        QueryTimeoutError,
    )
    from .exporting import export, serialize, to_turtle
    from .limits import iterative_paths, time_limit
    from .loading import load, load_dataset
    from .namespaces import PREFIXES, QE
    from .ontodoc import docs_hrefs, render_docs, render_docs_pages, write_docs
    from .pagelinks import ViewerKeys
    from .paths import explain_paths, neighbors
    from .pipeline import BuildResult, build
    from .projection import communities, degree, pagerank, project
    from .querying import QueryRunner, query_inputs, run_queries
    from .reasoning import owl_rl_closure
    from .safety import network_blocked, no_network
    from .scores import scores_graph, write_scores
    from .serve import ServerConfig, open_engine, run_server
    from .sparql import QueryResult, named_queries, query, run_query
    from .stats import graph_stats
    from .validation import ValidationReport, validate
    from .viewer import Viewer, viz

# name -> module that defines it; each feature module adds its public names here.
_EXPORTS: dict[str, str] = {
    "Backend": "backends",
    "EndpointBackend": "backends",
    "LoadReport": "backends",
    "MemoryBackend": "backends",
    "StoreBackend": "backends",
    "open_backend": "backends",
    "ServerConfig": "serve",
    "open_engine": "serve",
    "run_server": "serve",
    "BackendError": "errors",
    "ConceptLookupError": "errors",
    "ExportError": "errors",
    "GraphTooLargeError": "errors",
    "InputError": "errors",
    "NetworkRefusedError": "errors",
    "QegraphError": "errors",
    "QueryError": "errors",
    "QueryTimeoutError": "errors",
    "load": "loading",
    "load_dataset": "loading",
    "iterative_paths": "limits",
    "time_limit": "limits",
    "network_blocked": "safety",
    "no_network": "safety",
    "PREFIXES": "namespaces",
    "QE": "namespaces",
    "export": "exporting",
    "serialize": "exporting",
    "to_turtle": "exporting",
    "owl_rl_closure": "reasoning",
    "QueryResult": "sparql",
    "named_queries": "sparql",
    "query": "sparql",
    "run_query": "sparql",
    "AnalysisReport": "analysis",
    "analyze": "analysis",
    "contrast_matrix": "analysis",
    "plot_report": "charts",
    "CurationResult": "curation.claims",
    "curate": "curation.claims",
    "SourceRegistration": "curation.sources",
    "register_source": "curation.sources",
    "scores_graph": "scores",
    "write_scores": "scores",
    "explain_paths": "paths",
    "neighbors": "paths",
    "communities": "projection",
    "degree": "projection",
    "pagerank": "projection",
    "project": "projection",
    "graph_stats": "stats",
    "validate": "validation",
    "ValidationReport": "validation",
    "Viewer": "viewer",
    "viz": "viewer",
    "render_docs": "ontodoc",
    "render_docs_pages": "ontodoc",
    "docs_hrefs": "ontodoc",
    "write_docs": "ontodoc",
    "ViewerKeys": "pagelinks",
    "QueryRunner": "querying",
    "query_inputs": "querying",
    "run_queries": "querying",
    "BuildResult": "pipeline",
    "build": "pipeline",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from ._version import __version__

        return __version__
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qegraph' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
