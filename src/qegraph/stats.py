"""Counts of what a graph holds: resources per class, labels per language, triples per module.

>>> from qegraph import load
>>> s = graph_stats(load())  # or file_stats(["mine.ttl"]) for counts per file
>>> s.per_class["qe:Dimension"]
5
>>> s.per_class["qe:Practice"], s.per_class["qe:ContrastAxis"]
(6, 6)
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, SKOS

from .concepts import curie, language_tag
from .loading import load_dataset
from .namespaces import QE
from .resources import DATA_MODULES

__all__ = ["GraphStats", "file_stats", "graph_stats"]

_LABEL_PROPERTIES = (SKOS.prefLabel, SKOS.altLabel, RDFS.label)


@dataclass
class GraphStats:
    """What :func:`graph_stats` counted."""

    triples: int
    concepts: int
    claims: int
    per_class: dict[str, int]
    labels_per_language: dict[str, int]
    per_module: dict[str, int]

    def render(self, fmt: str = "table") -> str:
        """As an aligned ``table`` or as ``json``."""
        if fmt == "json":
            return json.dumps(asdict(self), ensure_ascii=False, indent=2)
        out = [
            f"triples   {self.triples}",
            f"concepts  {self.concepts}",
            f"claims    {self.claims}",
        ]
        for title, counts in (
            ("resources per class", self.per_class),
            ("labels per language", self.labels_per_language),
            ("triples per module", self.per_module),
        ):
            out += ["", title]
            width = max((len(k) for k in counts), default=0)
            out += [f"  {name.ljust(width)}  {count:>6}" for name, count in counts.items()]
        return "\n".join(out)


def graph_stats(graph: Graph, per_module: dict[str, int] | None = None) -> GraphStats:
    """Count resources per class and labels per language (prefLabel, altLabel, rdfs:label) in
    ``graph``; ``per_module`` is passed through (see :func:`file_stats`, which fills it)."""
    per_class = Counter(curie(cls) for _s, cls in graph.subject_objects(RDF.type))
    languages: Counter[str] = Counter()
    for prop in _LABEL_PROPERTIES:
        for value in graph.objects(None, prop):
            if isinstance(value, Literal):
                languages[language_tag(value.language) or "(none)"] += 1
    return GraphStats(
        triples=len(graph),
        concepts=per_class.get("skos:Concept", 0),
        claims=per_class.get("qe:Claim", 0),
        per_class=dict(sorted(per_class.items(), key=lambda kv: (-kv[1], kv[0]))),
        labels_per_language=dict(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
        per_module=dict(per_module or {}),
    )


def file_stats(extra_files: Iterable[str | os.PathLike[str]] = ()) -> GraphStats:
    """Statistics of the bundled ontology merged with ``extra_files``, with triples counted per
    bundled module and per user file (per named graph for N-Quads and TriG files).

    Each file is read once, so a named pipe works too.

    >>> file_stats().per_module["concepts.ttl"] > 1000
    True
    """
    files = list(extra_files)
    dataset = load_dataset(files)
    names = {str(QE[m.removesuffix(".ttl")]): m for m in DATA_MODULES}
    names[str(QE).rstrip("/")] = DATA_MODULES[0]
    names.update({Path(f).resolve().as_uri(): str(f) for f in files})
    merged = Graph()
    counts: dict[str, int] = {}
    for named in dataset.graphs():
        if len(named) == 0:
            continue
        name = str(named.identifier)
        counts[names.get(name, name)] = len(named)
        for triple in named:
            merged.add(triple)
    order = {name: i for i, name in enumerate([*DATA_MODULES, *map(str, files)])}
    ordered = dict(sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    return graph_stats(merged, ordered)
