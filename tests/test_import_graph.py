"""qegraph's modules import each other one way: no cycle at import time, and none through
function-level (lazy) imports either.

Lazy imports keep heavy packages off the import path, but a cycle through them still ties two
modules together: neither can be understood or tested without the other, and a name moved in one
breaks the other only when the function runs. Imports under ``if TYPE_CHECKING:`` never run and
are left out.
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


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _statements(tree: ast.Module, lazy: bool) -> list[ast.stmt]:
    """The module's top-level statements, or (``lazy``) every statement that can run."""
    if not lazy:
        return list(tree.body)
    found: list[ast.stmt] = []
    todo: list[ast.AST] = [tree]
    while todo:
        for child in ast.iter_child_nodes(todo.pop()):
            if not _type_checking_only(child):
                if isinstance(child, ast.stmt):
                    found.append(child)
                todo.append(child)
    return found


def imports(path: Path, *, lazy: bool, module: str | None = None) -> set[str]:
    """The qegraph modules the file at ``path`` imports: at module level, or anywhere (``lazy``)."""
    module = module or _module(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in _statements(ast.parse(path.read_text(encoding="utf-8")), lazy):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "qegraph")
            continue
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
        found.update([s for s in submodules if _exists(s)] or [target])
    found.discard(module)
    return found


def import_graph(*, lazy: bool) -> nx.DiGraph:
    """Edges module -> qegraph module it imports (at module level, or anywhere when ``lazy``)."""
    graph = nx.DiGraph()
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module(path)
        graph.add_node(module)
        graph.add_edges_from((module, target) for target in imports(path, lazy=lazy))
    return graph


def test_no_import_cycle_at_import_time():
    graph = import_graph(lazy=False)
    assert graph.number_of_edges() > 20  # the walk really found the package's imports
    assert list(nx.simple_cycles(graph)) == []


def test_no_import_cycle_even_through_imports_inside_functions():
    graph = import_graph(lazy=True)
    # lazy imports are counted: each of these is made inside a function only
    assert graph.has_edge("qegraph.analysis", "qegraph.scores")
    assert graph.has_edge("qegraph.projection", "qegraph.engine_projection")
    assert graph.has_edge("qegraph.sparql", "qegraph.oxstore")
    # what pairs of modules once took from each other lives in small modules below both
    assert graph.has_edge("qegraph.ontodoc", "qegraph.pagelinks")
    assert graph.has_edge("qegraph.viewer", "qegraph.pagelinks")
    assert graph.has_edge("qegraph.oxstore", "qegraph.results")
    assert graph.has_edge("qegraph.engine_projection", "qegraph.concepts")
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert cycles == []


def test_the_checks_find_a_cycle_when_there_is_one():
    graph = import_graph(lazy=False)
    graph.add_edge("qegraph.errors", "qegraph.loading")  # loading imports errors at import time
    assert list(nx.simple_cycles(graph))
    graph = import_graph(lazy=True)
    graph.add_edge("qegraph.oxstore", "qegraph.sparql")  # what oxstore once imported lazily
    assert any(len(c) > 1 for c in nx.strongly_connected_components(graph))


def test_the_walk_sees_an_import_inside_a_function_but_not_one_for_type_checking(tmp_path):
    module = PACKAGE / "ontodoc.py"
    assert "qegraph.viewer" not in imports(module, lazy=True)
    copy = tmp_path / "ontodoc.py"
    copy.write_text(
        module.read_text(encoding="utf-8")
        + "\n\ndef _late():\n    from .viewer import viz\n\n    return viz\n",
        encoding="utf-8",
    )
    assert "qegraph.viewer" in imports(copy, lazy=True, module="qegraph.ontodoc")
    assert "qegraph.viewer" not in imports(copy, lazy=False, module="qegraph.ontodoc")
    typing_only = tmp_path / "typed.py"
    typing_only.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .viewer import viz\n",
        encoding="utf-8",
    )
    assert imports(typing_only, lazy=True, module="qegraph.typed") == set()


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
