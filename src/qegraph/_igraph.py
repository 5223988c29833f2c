"""The engines behind the scores: networkx for small graphs, igraph for large ones.

networkx is exact and easy to follow but slow at scale (betweenness and Louvain take minutes at
half a million edges); igraph's C core does the same work in seconds. Both are fed the undirected
simple graph of :func:`qegraph.projection.undirected`, with nodes in sorted order.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import igraph
    import networkx as nx

__all__ = [
    "APART_STEPS",
    "IGRAPH_EDGES",
    "betweenness_apart",
    "community_sets",
    "pagerank",
    "to_igraph",
    "use_igraph",
]

#: Above this many undirected edges, ``engine="auto"`` switches from networkx to igraph.
IGRAPH_EDGES = 2_000
#: From this many steps (source nodes x edges) on, :func:`betweenness_apart` forks.
APART_STEPS = 4_000_000


def use_igraph(U: nx.Graph, engine: str = "auto") -> bool:
    """Whether ``engine`` (``auto``, ``networkx`` or ``igraph``) means igraph for ``U``."""
    if engine not in ("auto", "networkx", "igraph"):
        from .errors import InputError

        raise InputError(f"unknown analysis engine {engine!r}; use auto, networkx or igraph")
    if engine == "auto":
        return U.number_of_edges() > IGRAPH_EDGES
    return engine == "igraph"


def to_igraph(U: nx.Graph) -> tuple[igraph.Graph, list[Any]]:
    """``U`` as an undirected igraph graph, and the node of each igraph vertex index."""
    import igraph

    names = list(U.nodes())
    index = {node: i for i, node in enumerate(names)}
    edges = [(index[u], index[v]) for u, v in U.edges()]
    return igraph.Graph(n=len(names), edges=edges, directed=False), names


def pagerank(ig: igraph.Graph, damping: float = 0.85) -> list[float]:
    """PageRank of each vertex of the undirected ``ig``, the same digits on every run.

    igraph's PRPACK sums in parallel OpenMP threads whose order varies from run to run and moves
    the last digits (pages and reports would differ byte for byte); one thread does not.

    >>> import igraph
    >>> [round(x, 4) for x in pagerank(igraph.Graph([(0, 1), (0, 2)]))]
    [0.4865, 0.2568, 0.2568]
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="openmp"):
        return ig.pagerank(damping=damping, directed=False)


def betweenness_apart(
    ig: igraph.Graph, sources: list[int] | None, *, steps: int | None = None
) -> Callable[[], list[float]]:
    """Start ``ig.betweenness(directed=False, sources=sources)`` (all sources when None) in a
    forked child and return the function that waits for its values.

    Betweenness is the longest of the measures and igraph holds the GIL while it runs, so a
    thread would not help; a forked child reads the graph from the parent's memory (nothing is
    copied in) and computes the same numbers while the parent computes the others. Small
    graphs (fewer than :data:`APART_STEPS` steps, ``steps`` given or sources x edges), one
    core or no ``fork``: computed here and now. If the child fails, the parent computes them.
    Call it before anything in the parent starts OpenMP threads (PageRank does).

    >>> import igraph
    >>> [round(x, 1) for x in betweenness_apart(igraph.Graph([(0, 1), (1, 2)]), None)()]
    [0.0, 1.0, 0.0]
    """
    from .apart import start_apart

    work = steps if steps is not None else len(sources or range(ig.vcount())) * ig.ecount()

    def compute() -> list[float]:
        return ig.betweenness(directed=False, sources=sources)

    waiting = start_apart(compute, name="qegraph-betweenness") if work >= APART_STEPS else None
    if waiting is None:
        values = compute()
        return lambda: values

    def values() -> list[float]:
        found = waiting()
        return compute() if found is None else found

    return values


def _sorted_groups(groups: list[list[Any]]) -> list[list[Any]]:
    ordered = [sorted(g, key=str) for g in groups if g]
    ordered.sort(key=lambda g: (-len(g), str(g[0])))
    return ordered


def community_sets(
    U: nx.Graph | None,
    *,
    seed: int = 42,
    resolution: float = 1.0,
    engine: str = "auto",
    ig: tuple[igraph.Graph, list[Any]] | None = None,
) -> tuple[list[list[Any]], str]:
    """Modularity communities of ``U`` (largest first, members sorted) and the engine's name.

    Small graphs: networkx Louvain with ``seed``. Large graphs: igraph Leiden (modularity objective)
    with its random generator seeded by ``seed``, so the result is reproducible either way. Given
    ``ig`` (an igraph graph and the node of each vertex), ``U`` is not read and may be None.
    """
    if ig is None and (U is None or U.number_of_nodes() == 0):
        return [], "none"
    if ig is None and not use_igraph(U, engine):
        import networkx as nx

        found = nx.community.louvain_communities(U, seed=seed, resolution=resolution)
        return _sorted_groups([list(c) for c in found]), "networkx louvain"
    import igraph

    graph, names = ig if ig is not None else to_igraph(U)
    igraph.set_random_number_generator(random.Random(seed))
    try:
        # Two passes (igraph's default): iterating to convergence costs minutes on large graphs.
        clustering = graph.community_leiden(
            objective_function="modularity", resolution=resolution, n_iterations=2
        )
    finally:
        igraph.set_random_number_generator(random)
    groups: dict[int, list[Any]] = {}
    for vertex, member in enumerate(clustering.membership):
        groups.setdefault(member, []).append(names[vertex])
    return _sorted_groups(list(groups.values())), "igraph leiden"
