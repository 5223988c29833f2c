"""qegraph's modules import each other without a cycle at import time.

Function-level (lazy) imports are left out: they run when the function does, after every module
has loaded, and they keep heavy packages off the import path.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "qegraph"


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _exists(name: str) -> bool:
    where = PACKAGE.parent / name.replace(".", "/")
    return where.with_suffix(".py").exists() or (where / "__init__.py").exists()


def import_time_graph() -> nx.DiGraph:
    return _import_graph(lazy=False)


def _import_graph(*, lazy: bool) -> nx.DiGraph:
    """Edges module -> qegraph module it imports: at module level, or anywhere when ``lazy``."""
    graph = nx.DiGraph()
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module(path)
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        graph.add_node(module)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree) if lazy else tree.body:
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "qegraph":
                target = node.module
            else:
                continue
            submodules = [f"{target}.{alias.name}" for alias in node.names]
            for name in [s for s in submodules if _exists(s)] or [target]:
                if name != module or not lazy:
                    graph.add_edge(module, name)
    return graph


def test_no_import_cycle_at_import_time():
    graph = import_time_graph()
    assert graph.number_of_edges() > 20  # the walk really found the package's imports
    assert list(nx.simple_cycles(graph)) == []


def test_the_check_finds_a_cycle_when_there_is_one():
    graph = import_time_graph()
    graph.add_edge("qegraph.errors", "qegraph.loading")  # loading imports errors at import time
    assert list(nx.simple_cycles(graph))


def test_every_name_imported_from_qegraph_exists():
    """Lazy imports run only when their function does: a name moved to another module breaks
    them silently until then (pipeline imported `_exchange` from a module it had left)."""
    import importlib

    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module(path)
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.level:
                continue
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            name = ".".join(base + ([node.module] if node.module else []))
            target = importlib.import_module(name)
            for alias in node.names:
                if not hasattr(target, alias.name) and not _exists(f"{name}.{alias.name}"):
                    missing.append(f"{module}:{node.lineno}: {name}.{alias.name}")
    assert missing == []


# --- function-level imports too (issue 16) -------------------------------------------------

#: Modules whose lazy imports once went round in a circle (oxstore -> formatting -> sparql ->
#: oxstore, formatting -> exporting -> loading -> oxrdf -> oxstore...): the query-text and
#: result-text pieces both sides used moved down to qegraph.querytext and qegraph.results.
DECYCLED = {
    "qegraph.sparql",
    "qegraph.oxstore",
    "qegraph.formatting",
    "qegraph.results",
    "qegraph.querytext",
    "qegraph.exporting",
    "qegraph.loading",
    "qegraph.oxrdf",
}


def full_import_graph() -> nx.DiGraph:
    """Every ``from qegraph... import`` and ``from . import``, inside functions too."""
    return _import_graph(lazy=True)


def _cycles_through(graph: nx.DiGraph, modules: set[str]) -> list[list[str]]:
    return [
        sorted(component)
        for component in nx.strongly_connected_components(graph)
        if len(component) > 1 and component & modules
    ]


def test_query_modules_import_each_other_one_way_even_inside_functions():
    graph = full_import_graph()
    assert graph.has_edge("qegraph.oxstore", "qegraph.results")  # lazy imports are counted
    assert graph.has_edge("qegraph.sparql", "qegraph.oxstore")
    assert _cycles_through(graph, DECYCLED) == []


def test_the_function_level_check_finds_a_lazy_cycle():
    graph = full_import_graph()
    graph.add_edge("qegraph.oxstore", "qegraph.sparql")  # what oxstore.answer once imported
    assert _cycles_through(graph, DECYCLED) == [["qegraph.oxstore", "qegraph.sparql"]]
