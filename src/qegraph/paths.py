"""How two concepts connect, and what lies around a concept, told as readable sentences.

A path is found on the undirected reading of the projection (:func:`qegraph.projection.project`),
then each step is told in the direction the relation was stated, so a step against the direction of
a triple reads backwards:

    personalized education -- respects -> individual differences
    critical thinking <- develops -- quality education

Concepts are named by CURIE, IRI or label in either language (see
:func:`qegraph.concepts.resolve_concept`); sentences use English or Simplified Chinese labels.

>>> from qegraph import load
>>> report = explain_paths(load(), "qe:personalized-education", "qe:individual-differences")
>>> print(report.render())
personalized education -- respects -> individual differences
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .concepts import resolve_concept
from .errors import ConceptLookupError, InputError
from .projection import node_key, project

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph

__all__ = [
    "DEFAULT_MAX_LENGTH",
    "MAX_PATHS",
    "NeighborReport",
    "PathReport",
    "Step",
    "describe_step",
    "explain_paths",
    "find_paths",
    "neighbors",
]

#: The longest path ``--all`` looks for unless told otherwise (steps, not nodes).
DEFAULT_MAX_LENGTH = 4
#: At most this many paths are listed; the report says when more exist.
MAX_PATHS = 100

_LANGS = ("en", "zh-Hans")


@dataclass(frozen=True)
class Step:
    """One relation on a path: the triple ``subject predicate object`` and the way it is walked.

    ``forward`` is true when the path goes from ``subject`` to ``object``.
    """

    subject: str
    predicate: str
    object: str
    forward: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "predicate": self.predicate,
            "object": self.object,
            "forward": self.forward,
        }


def _check_lang(lang: str) -> str:
    for known in _LANGS:
        if lang.lower() == known.lower():
            return known
    raise InputError(f"unknown language {lang!r}; use en or zh-Hans")


def _node_label(G: nx.MultiDiGraph, node: str, lang: str) -> str:
    data = G.nodes[node]
    return str(data.get("label_zh" if lang == "zh-Hans" else "label_en") or node)


def _edge_label(G: nx.MultiDiGraph, step: Step, lang: str) -> str:
    data = G.edges[step.subject, step.object, step.predicate]
    return str(data.get("label_zh" if lang == "zh-Hans" else "label") or step.predicate)


def describe_step(G: nx.MultiDiGraph, step: Step, lang: str = "en") -> str:
    """``step`` as a sentence: ``subject -- predicate -> object`` in the labels of ``lang``.

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("s", label_en="school", label_zh="学校")
    >>> G.add_node("t", label_en="teachers", label_zh="教师")
    >>> G.add_edge("s", "t", key="ex:hires", label="hires", label_zh="聘用")
    'ex:hires'
    >>> describe_step(G, Step("s", "ex:hires", "t"), "zh-Hans")
    '学校 -- 聘用 -> 教师'
    """
    lang = _check_lang(lang)
    return (
        f"{_node_label(G, step.subject, lang)} -- {_edge_label(G, step, lang)} -> "
        f"{_node_label(G, step.object, lang)}"
    )


def _describe_path(G: nx.MultiDiGraph, start: str, steps: list[Step], lang: str) -> str:
    parts = [_node_label(G, start, lang)]
    for step in steps:
        relation = _edge_label(G, step, lang)
        if step.forward:
            parts.append(f"-- {relation} -> {_node_label(G, step.object, lang)}")
        else:
            parts.append(f"<- {relation} -- {_node_label(G, step.subject, lang)}")
    return " ".join(parts)


def _hop(G: nx.MultiDiGraph, u: str, v: str) -> Step:
    """The relation told for the hop ``u``-``v``: a forward one if any, first by predicate."""
    forward = G.get_edge_data(u, v) or {}
    if forward:
        return Step(u, sorted(forward)[0], v, True)
    backward = G.get_edge_data(v, u) or {}
    return Step(v, sorted(backward)[0], u, False)


def find_paths(
    G: nx.MultiDiGraph,
    source: str,
    target: str,
    *,
    all_paths: bool = False,
    max_length: int | None = None,
    limit: int = MAX_PATHS,
) -> tuple[list[list[Step]], bool]:
    """Paths from ``source`` to ``target`` (node keys) in the projection ``G``, read undirected.

    Without ``all_paths``, one shortest path (the first in sorted node order); with it, every simple
    path of at most ``max_length`` steps (default :data:`DEFAULT_MAX_LENGTH`), shortest first. The
    second value is true when more than ``limit`` paths exist and the list was cut.

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", key="ex:p")
    'ex:p'
    >>> G.add_edge("c", "b", key="ex:q")
    'ex:q'
    >>> paths, truncated = find_paths(G, "a", "c")
    >>> [(s.subject, s.predicate, s.object, s.forward) for s in paths[0]]
    [('a', 'ex:p', 'b', True), ('c', 'ex:q', 'b', False)]
    """
    import networkx as nx

    from .projection import undirected

    if max_length is not None and max_length < 1:
        raise InputError("--max-length must be at least 1")
    U = undirected(G)
    node_paths: list[list[str]] = []
    truncated = False
    if all_paths:
        cutoff = max_length if max_length is not None else DEFAULT_MAX_LENGTH
        found = []
        for nodes in nx.all_simple_paths(U, source, target, cutoff=cutoff):
            found.append(nodes)
            if len(found) > 50 * limit:  # enough to sort; stop a combinatorial explosion
                truncated = True
                break
        found.sort(key=lambda p: (len(p), p))
        truncated = truncated or len(found) > limit
        node_paths = found[:limit]
    else:
        try:
            nodes = nx.shortest_path(U, source, target)
        except nx.NetworkXNoPath:
            nodes = []
        if nodes and (max_length is None or len(nodes) - 1 <= max_length):
            node_paths = [nodes]
    paths = [[_hop(G, u, v) for u, v in itertools.pairwise(p)] for p in node_paths]
    return paths, truncated


@dataclass
class PathReport:
    """The paths between two concepts and how to tell them (see :func:`explain_paths`)."""

    graph: Any = field(repr=False)
    source: str
    target: str
    paths: list[list[Step]]
    lang: str = "en"
    all_paths: bool = False
    max_length: int | None = None
    truncated: bool = False

    @property
    def sentences(self) -> list[str]:
        """One sentence per path."""
        return [_describe_path(self.graph, self.source, p, self.lang) for p in self.paths]

    def message(self) -> str:
        """The plain answer when there is no path or the two names are the same concept."""
        a = _node_label(self.graph, self.source, self.lang)
        b = _node_label(self.graph, self.target, self.lang)
        if self.source == self.target:
            return f"{a} and {b} are the same concept."
        if self.paths:
            return ""
        if self.max_length is not None or self.all_paths:
            limit = self.max_length if self.max_length is not None else DEFAULT_MAX_LENGTH
            return f"No path of at most {limit} steps connects {a} and {b}."
        return f"No path connects {a} and {b}: they are in different parts of the graph."

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (node keys, sentences, steps)."""
        return {
            "source": self.source,
            "target": self.target,
            "lang": self.lang,
            "paths": [
                {"sentence": s, "length": len(p), "steps": [step.to_dict() for step in p]}
                for s, p in zip(self.sentences, self.paths, strict=True)
            ],
            "truncated": self.truncated,
            "message": self.message(),
        }

    def render(self, fmt: str = "text") -> str:
        """The report as ``text`` (one sentence per line) or ``json``."""
        if fmt == "json":
            return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if fmt != "text":
            raise InputError(f"unknown format {fmt!r}; use text or json")
        lines = self.sentences or [self.message()]
        if self.truncated:
            lines.append(f"(only the first {len(self.paths)} paths are shown)")
        return "\n".join(lines)


def _resolve(graph: Graph, G: nx.MultiDiGraph, name: str) -> str:
    key = node_key(resolve_concept(graph, name))
    if key not in G:
        raise ConceptLookupError(
            f"{name!r} names {key}, which is not a concept (skos:Concept) of the graph"
        )
    return key


def explain_paths(
    graph: Graph,
    source: str,
    target: str,
    *,
    all_paths: bool = False,
    max_length: int | None = None,
    lang: str = "en",
    G: nx.MultiDiGraph | None = None,
) -> PathReport:
    """How the concepts named ``source`` and ``target`` connect, as sentences in ``lang``.

    Parameters
    ----------
    graph:
        The RDF graph; names are resolved in it.
    source, target:
        CURIE, IRI, or label in English or Chinese (case-insensitive).
    all_paths:
        List every simple path up to ``max_length`` steps instead of one shortest path.
    max_length:
        The longest path accepted, in steps.
    lang:
        ``"en"`` or ``"zh-Hans"``: the labels of concepts and relations in the sentences.
    G:
        A projection of ``graph`` to reuse (by default ``project(graph)``).

    Raises
    ------
    ConceptLookupError
        A name is unknown (close matches are suggested) or ambiguous (candidates are listed).

    >>> from qegraph import load
    >>> report = explain_paths(load(), "个性化教育", "individual differences", lang="zh-Hans")
    >>> report.sentences
    ['个性化教育 -- 尊重 -> 个体差异']
    """
    lang = _check_lang(lang)
    G = project(graph) if G is None else G
    a, b = _resolve(graph, G, source), _resolve(graph, G, target)
    if a == b:
        paths, truncated = [], False
    else:
        paths, truncated = find_paths(G, a, b, all_paths=all_paths, max_length=max_length)
    return PathReport(G, a, b, paths, lang, all_paths, max_length, truncated)


@dataclass
class NeighborReport:
    """The concepts within ``depth`` steps of a concept, and the relations that reach them."""

    graph: Any = field(repr=False)
    center: str
    depth: int
    distance: dict[str, int]
    steps: dict[int, list[Step]]
    lang: str = "en"

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data: each ring of neighbours with its relations and sentences."""
        return {
            "concept": self.center,
            "label": _node_label(self.graph, self.center, self.lang),
            "depth": self.depth,
            "lang": self.lang,
            "neighbors": [
                {
                    "node": node,
                    "curie": self.graph.nodes[node].get("curie", node),
                    "label": _node_label(self.graph, node, self.lang),
                    "distance": d,
                }
                for node, d in sorted(self.distance.items(), key=lambda kv: (kv[1], kv[0]))
                if d > 0
            ],
            "relations": {
                str(d): [
                    {**s.to_dict(), "sentence": describe_step(self.graph, s, self.lang)}
                    for s in steps
                ]
                for d, steps in self.steps.items()
            },
        }

    def render(self, fmt: str = "text") -> str:
        """The report as ``text`` (a heading, then the relations of each ring) or ``json``."""
        if fmt == "json":
            return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if fmt != "text":
            raise InputError(f"unknown format {fmt!r}; use text or json")
        data = self.graph.nodes[self.center]
        count = len(self.distance) - 1
        noun = "concept" if count == 1 else "concepts"
        head = (
            f"{_node_label(self.graph, self.center, self.lang)} ({data.get('curie', self.center)})"
            f": {count} {noun} within {self.depth} step{'s' if self.depth != 1 else ''}"
        )
        lines = [head]
        for d in range(1, self.depth + 1):
            ring = self.steps.get(d, [])
            if not ring:
                break
            lines.append(f"{d} step{'s' if d != 1 else ''}:")
            sentences = sorted(describe_step(self.graph, s, self.lang) for s in ring)
            lines.extend(f"  {sentence}" for sentence in sentences)
        return "\n".join(lines)


def neighbors(
    graph: Graph,
    concept: str,
    *,
    depth: int = 1,
    lang: str = "en",
    G: nx.MultiDiGraph | None = None,
) -> NeighborReport:
    """The neighbourhood of ``concept``: every concept within ``depth`` steps, and the relations.

    Ring ``d`` lists each relation between a concept ``d - 1`` steps away and one ``d`` steps
    away, in the direction it was stated.

    Raises
    ------
    ConceptLookupError
        The name is unknown or ambiguous.
    InputError
        ``depth`` is below 1.

    >>> from qegraph import load
    >>> report = neighbors(load(), "qe:personalized-education")
    >>> "personalized education -- respects -> individual differences" in report.render()
    True
    """
    import networkx as nx

    from .projection import undirected

    lang = _check_lang(lang)
    if depth < 1:
        raise InputError("--depth must be at least 1")
    G = project(graph) if G is None else G
    center = _resolve(graph, G, concept)
    distance = nx.single_source_shortest_path_length(undirected(G), center, cutoff=depth)
    steps: dict[int, list[Step]] = {}
    for u, v, key in G.edges(keys=True):
        du, dv = distance.get(u), distance.get(v)
        if du is None or dv is None or abs(du - dv) != 1:
            continue
        ring = max(du, dv)
        steps.setdefault(ring, []).append(Step(u, key, v, du < dv))
    for ring in steps.values():
        ring.sort(key=lambda s: (s.subject != center, s.subject, s.predicate, s.object))
    return NeighborReport(G, center, depth, dict(distance), dict(sorted(steps.items())), lang)
