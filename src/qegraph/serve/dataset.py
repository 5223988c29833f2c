"""The data ``qegraph serve`` answers from by default: the bundled ontology and ``--data`` files
in an in-memory Oxigraph store, one named graph per module or file.

The bundled modules keep the names :func:`qegraph.loading.load_dataset` gives them
(``https://w3id.org/qegraph/concepts``...), a user file its ``file:`` URI, and quads in N-Quads
or TriG files their own graph. Queries see the union of all graphs as their default graph, which
is the merged graph ``qegraph query`` answers from. The store is built once, in the parent,
before the workers are forked: they share its memory copy-on-write and never write to it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["build_store", "graph_names"]


def _module_graph(stem: str) -> str:
    from ..namespaces import QE

    return str(QE).rstrip("/") if stem == "qegraph" else f"{QE}{stem}"


def build_store(files: Iterable[str | os.PathLike[str]] = ()) -> Any:
    """An in-memory pyoxigraph ``Store`` holding the bundled modules and ``files``.

    Raises
    ------
    InputError
        A file is missing, too large or malformed (``FILE:LINE:COL: why``).

    >>> store = build_store()
    >>> "https://w3id.org/qegraph/concepts" in graph_names(store)
    True
    """
    import pyoxigraph as ox

    from ..backends import _sources, _write_sources
    from ..errors import InputError

    store = ox.Store()
    files = list(files)
    sources = _sources(files, True)
    bundled = len(sources) - len(files)
    for index, (source, fmt, size) in enumerate(sources):
        if index < bundled:
            name = ox.NamedNode(_module_graph(source.name.rsplit(".", 1)[0]))
        else:
            name = ox.NamedNode(Path(source).resolve().as_uri())
        if fmt in ("nquads", "trig"):
            # quads keep their own graph; the default graph's go to the file's
            try:
                with open(source, "rb") as handle:
                    store.bulk_extend(
                        ox.Quad(
                            q.subject,
                            q.predicate,
                            q.object,
                            name if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name,
                        )
                        for q in ox.parse(
                            input=handle,
                            format=ox.RdfFormat.N_QUADS if fmt == "nquads" else ox.RdfFormat.TRIG,
                        )
                    )
            except (SyntaxError, ValueError) as err:
                raise InputError(f"{source}: {' '.join(str(err).split())}") from None
        else:
            _write_sources(store, [(source, fmt, size)], name, None)
    return store


def graph_names(store: Any) -> list[str]:
    """The IRIs of the named graphs in ``store``, sorted."""
    return sorted(g.value for g in store.named_graphs() if hasattr(g, "value"))
