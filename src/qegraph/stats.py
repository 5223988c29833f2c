"""Counts of what a graph holds: resources per class, labels per language, triples per module.

>>> from qegraph import load
>>> s = graph_stats(load())
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

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, SKOS

from .concepts import curie, language_tag
from .loading import iter_quads
from .resources import module_files

__all__ = ["GraphStats", "graph_stats"]

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


def _module_counts(extra_files: Iterable[str | os.PathLike[str]]) -> dict[str, int]:
    counts = {}
    for module in module_files():
        counts[module.name] = sum(1 for _ in iter_quads(module))
    for path in extra_files:
        counts[str(path)] = sum(1 for _ in iter_quads(path))
    return counts


def graph_stats(graph: Graph, extra_files: Iterable[str | os.PathLike[str]] = ()) -> GraphStats:
    """Count resources per class, labels per language (prefLabel, altLabel, rdfs:label), and
    triples per bundled module and per user file in ``extra_files``.

    Counts per module are of each file on its own, so triples two files share count in both.
    """
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
        per_module=_module_counts(extra_files),
    )
