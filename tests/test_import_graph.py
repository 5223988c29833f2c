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
    graph = nx.DiGraph()
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module(path)
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        graph.add_node(module)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
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


def all_imports(module_path: Path, module: str | None = None) -> set[str]:
    """Every qegraph module the file ``module_path`` (the module named ``module``, by default
    the one at that place in the package) imports, function-level (lazy) imports included."""
    module = module or _module(module_path)
    package = module if module_path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(module_path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("qegraph"):
            target = node.module or ""
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("qegraph."))
            continue
        else:
            continue
        submodules = [f"{target}.{alias.name}" for alias in node.names]
        found.update([s for s in submodules if _exists(s)] or [target])
    return found


#: Modules that must not import each other even inside functions: the docs and the viewer link
#: to each other through qegraph.pagelinks (a lazy cycle hides until a function runs, and makes
#: either module impossible to understand or test without the other).
NO_LAZY_CYCLE = ("qegraph.ontodoc", "qegraph.viewer", "qegraph.pagelinks")


def lazy_graph(modules: tuple[str, ...] = NO_LAZY_CYCLE) -> nx.DiGraph:
    """The import-time graph plus every import, lazy ones included, of ``modules``."""
    graph = import_time_graph()
    for path in sorted(PACKAGE.rglob("*.py")):
        if _module(path) in modules:
            graph.add_edges_from((_module(path), target) for target in all_imports(path))
    return graph


def test_ontodoc_and_viewer_do_not_import_each_other_even_lazily():
    graph = lazy_graph()
    assert graph.has_edge("qegraph.pipeline", "qegraph.errors")  # the import-time graph is in
    cycles = [c for c in nx.simple_cycles(graph) if set(c) & set(NO_LAZY_CYCLE)]
    assert cycles == []
    assert not nx.has_path(graph, "qegraph.ontodoc", "qegraph.viewer")
    assert not nx.has_path(graph, "qegraph.viewer", "qegraph.ontodoc")
    # what both need comes from the small shared module
    assert graph.has_edge("qegraph.ontodoc", "qegraph.pagelinks")
    assert graph.has_edge("qegraph.viewer", "qegraph.pagelinks")


def test_the_lazy_check_finds_a_function_level_import(tmp_path):
    """The walk sees an import inside a function, as ontodoc's import of the viewer was."""
    module = PACKAGE / "ontodoc.py"
    assert "qegraph.viewer" not in all_imports(module)
    copy = tmp_path / "ontodoc.py"
    copy.write_text(
        module.read_text(encoding="utf-8")
        + "\n\ndef _late():\n    from .viewer import viz\n\n    return viz\n",
        encoding="utf-8",
    )
    assert "qegraph.viewer" in all_imports(copy, "qegraph.ontodoc")
