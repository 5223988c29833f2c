"""``qegraph build``: validate the graph and write everything a reader needs into one folder.

The folder receives the merged graph as deterministic Turtle and as JSON-LD, the interactive viewer,
the ontology documentation, the analysis report (Markdown and JSON), the validation report (text and
JSON) and an ``index.html`` that links them all. Every file is written atomically, nothing reaches
the network, and the same graph always gives the same bytes. The files are written even when the
graph does not conform, so the validation report can be read; :attr:`BuildResult.conforms` says so.

>>> import tempfile
>>> from qegraph import load
>>> result = build(load(), tempfile.mkdtemp())
>>> result.conforms, sorted(p.name for p in result.files)[:3]
(True, ['analysis.json', 'analysis.md', 'index.html'])
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph

from .errors import ExportError

__all__ = ["DEFAULT_BUILD_DIR", "BuildResult", "build", "clean_stale_builds"]

#: Where ``qegraph build`` writes when no folder is given.
DEFAULT_BUILD_DIR = "qegraph-build"


@dataclass
class BuildResult:
    """What :func:`build` wrote and found: the files, whether the graph conforms, a summary."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    conforms: bool = True
    problems: int = 0
    rules_checked: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    central: list[str] = field(default_factory=list)

    def render(self) -> str:
        """The files written, one per line with its size, then a short summary."""
        lines = [f"wrote {path} ({_size(path)})" for path in self.files]
        c = self.counts
        lines.append("")
        lines.append(
            f"Graph: {c.get('triples', 0):,} triples; {c.get('concepts', 0):,} concepts, "
            f"{c.get('linked', 0):,} of them in the concept map with "
            f"{c.get('relations', 0):,} relations between them; "
            f"{c.get('passages', 0):,} source passages."
        )
        if self.central:
            lines.append("Most central (PageRank): " + ", ".join(self.central) + ".")
        if self.conforms:
            lines.append(f"Valid: yes ({self.rules_checked} rules checked, no problem found).")
        else:
            lines.append(
                f"Valid: NO, {self.problems} problem(s) found by {self.rules_checked} rules; "
                f"read {self.folder / 'validation.txt'}."
            )
        lines.extend(self.notes)
        lines.append(f"Open {self.folder / 'index.html'} in a browser to start.")
        return "\n".join(lines) + "\n"


def build(graph: Graph, out_dir: str | os.PathLike[str] = DEFAULT_BUILD_DIR) -> BuildResult:
    """Validate ``graph`` and write its exports, viewer, documentation and reports to ``out_dir``.

    Parameters
    ----------
    graph:
        The merged graph, usually :func:`qegraph.load`'s (the bundled ontology by default).
    out_dir:
        The folder to write into. The build is written into a new folder beside it, which
        then replaces it whole (a rename), so a failed or killed build leaves the previous
        one intact; what killed builds left behind is removed on the next run. A folder
        holding anything a build does not write is refused.

    Returns
    -------
    BuildResult
        The files written (in the order written), ``conforms``, and the counts for the summary.

    Raises
    ------
    ExportError
        ``out_dir`` cannot be created or written, or an export would not be faithful.
    """
    target = Path(out_dir)
    if target.name in ("", ".", ".."):
        target = target.resolve()  # "." has no name to put a sibling folder beside
    folder = _staging_folder(target)
    try:
        result = _build_into(graph, folder)
        _swap_in(folder, target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the new build on failure, else the old one
    result.files = [target / path.relative_to(folder) for path in result.files]
    result.folder = target
    return result


#: What a build writes at the top of its folder; anything else there is not ours to replace.
_BUILD_ENTRIES = frozenset(
    {
        "index.html",
        "viewer.html",
        "docs",
        "analysis.md",
        "analysis.json",
        "validation.txt",
        "validation.json",
        "qegraph.ttl",
        "qegraph.jsonld",
    }
)
_STAGING = ".{name}.qegraph-build-"


def _staging_folder(target: Path) -> Path:
    """A new empty folder beside ``target`` to build into, after removing the ones that builds
    killed earlier left behind (their process is gone)."""
    from .atomic import make_folder
    from .errors import shown_path

    parent = make_folder(target.parent if str(target.parent) else Path("."))
    if target.exists() and not target.is_dir():
        raise ExportError(f"{shown_path(target)}: exists and is not a folder")
    if target.is_dir():
        foreign = sorted(
            e.name
            for e in target.iterdir()
            if e.name not in _BUILD_ENTRIES and not _own_temporary(e.name)
        )
        if foreign:
            shown = ", ".join(shown_path(n) for n in foreign[:5])
            raise ExportError(
                f"{shown_path(target)}: holds files a build does not write ({shown}); a build "
                "replaces its folder as a whole, so give an empty or new folder with -o"
            )
    clean_stale_builds(target)
    prefix = _STAGING.format(name=target.name)
    try:
        return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
    except OSError as err:
        raise ExportError(f"{shown_path(target)}: cannot write here ({err.strerror})") from None


def _own_temporary(name: str) -> bool:
    """A temporary file that an atomic write of a build file left (older builds wrote in place)."""
    return (
        name.startswith(".")
        and name.endswith(".tmp")
        and name[1:].split(".")[0] in {entry.split(".")[0] for entry in _BUILD_ENTRIES}
    )


def clean_stale_builds(target: str | os.PathLike[str]) -> list[Path]:
    """Remove what killed builds of ``target`` left: staging folders beside it whose process is
    gone, and temporary files of build files inside it. Returns what was removed.

    >>> import tempfile, pathlib
    >>> clean_stale_builds(pathlib.Path(tempfile.mkdtemp()) / "site")
    []
    """
    from .atomic import process_alive

    target = Path(target)
    parent = target.parent if str(target.parent) else Path(".")
    removed = []
    prefix = _STAGING.format(name=target.name)
    for stale in parent.glob(f"{glob.escape(prefix)}*"):
        pid = stale.name[len(prefix) :].split("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and process_alive(int(pid)):
            continue  # another build of the same folder is running now
        shutil.rmtree(stale, ignore_errors=True)
        removed.append(stale)
    if target.is_dir():
        for entry in target.iterdir():
            if _own_temporary(entry.name) and entry.is_file():
                entry.unlink(missing_ok=True)
                removed.append(entry)
    return removed


def _swap_in(fresh: Path, target: Path) -> None:
    """Put the finished build at ``target`` in one step; the old one ends at ``fresh``."""
    from .errors import shown_path
    from .storeload import _exchange

    try:
        if not target.exists():
            os.rename(fresh, target)
            return
        if _exchange(fresh, target):
            return
        old = fresh.with_name(fresh.name + "-old")
        os.rename(target, old)
        os.rename(fresh, target)
        os.rename(old, fresh)
    except OSError as err:
        raise ExportError(
            f"{shown_path(target)}: cannot replace the folder ({err.strerror})"
        ) from None


def _build_into(graph: Graph, folder: Path) -> BuildResult:
    """Write the whole build into the empty ``folder`` (see :func:`build`)."""
    from .analysis import analyze
    from .atomic import atomic_write_bytes, atomic_write_text
    from .exporting import serialize
    from .ontodoc import write_docs
    from .pagelinks import ViewerKeys
    from .validation import validate
    from .viewer import MAX_NODES, viz

    result = BuildResult(folder=folder)

    def write_text(name: str, text: str) -> None:
        path = folder / name
        atomic_write_text(path, text)
        result.files.append(path)

    def write_bytes(name: str, data: bytes) -> None:
        path = folder / name
        atomic_write_bytes(path, data)
        result.files.append(path)

    report = validate(graph)
    result.conforms = report.conforms
    result.problems = len(report.findings)
    result.rules_checked = len(report.rules_checked)
    write_text("validation.txt", report.render("text"))
    write_text("validation.json", report.render("json"))

    write_bytes("qegraph.ttl", serialize(graph, "turtle"))
    write_bytes("qegraph.jsonld", serialize(graph, "jsonld"))

    analysis = analyze(graph)
    write_text("analysis.md", analysis.render("markdown"))
    write_text("analysis.json", analysis.render("json"))

    # One projection: top= only cuts when the graph is larger, and then by meaning.
    page = viz(graph, top=MAX_NODES, docs_href="docs/index.html")
    if page.cut:
        result.notes.append(
            f"The viewer is {page.cut}; draw other parts with qegraph viz --focus CONCEPT "
            "(each cut concept's docs entry gives the command)."
        )
    write_text("viewer.html", page.html)
    # The docs share the cut: a concept the viewer draws links to it, a cut one gives the
    # command that draws it from the build's own Turtle (run in this folder).
    keys = ViewerKeys(drawn=page.drawn, cut=page.left_out, data="qegraph.ttl")
    result.files.extend(
        write_docs(graph, folder / "docs", viewer_href="../viewer.html", viewer_keys=keys)
    )

    result.counts = _counts(graph, analysis.summary, page.nodes, page.edges)
    result.central = [
        f"{row['label']} ({row['label_zh']})" if row.get("label_zh") else str(row["label"])
        for row in analysis.rankings.get("pagerank", [])[:3]
    ]
    write_text("index.html", _index_page(graph, result))
    return result


def _counts(graph: Graph, summary: dict[str, Any], drawn: int, drawn_edges: int) -> dict[str, int]:
    from rdflib.namespace import RDF, SKOS

    from .namespaces import QE

    return {
        "triples": len(graph),
        "concepts": sum(1 for _ in graph.subjects(RDF.type, SKOS.Concept)),
        "linked": int(summary.get("nodes", drawn)),
        "relations": int(summary.get("edges", drawn_edges)),
        "passages": sum(1 for _ in graph.subjects(RDF.type, QE.SourcePassage)),
        "drawn": drawn,
    }


def _size(path: Path) -> str:
    size = path.stat().st_size
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _rank(order: list[str], path: Path, folder: Path) -> tuple[int, str]:
    name = path.relative_to(folder).as_posix()
    return (order.index(name) if name in order else len(order), name)


_DESCRIPTIONS = {
    "viewer.html": ("Interactive viewer", "交互式图谱浏览器"),
    "docs/index.html": ("Ontology documentation", "本体文档"),
    "analysis.md": ("Analysis report (Markdown)", "分析报告（Markdown）"),
    "analysis.json": ("Analysis report (JSON)", "分析报告（JSON）"),
    "validation.txt": ("Validation report", "校验报告"),
    "validation.json": ("Validation report (JSON)", "校验报告（JSON）"),
    "qegraph.ttl": ("The merged graph, Turtle", "合并后的图（Turtle）"),
    "qegraph.jsonld": ("The merged graph, JSON-LD", "合并后的图（JSON-LD）"),
}


def _index_page(graph: Graph, result: BuildResult) -> str:
    """A small landing page linking every file of the build (no script, nothing loaded)."""
    from jinja2 import Environment, PackageLoader, select_autoescape
    from markupsafe import Markup

    from .pagelinks import content_security_policy
    from .viewer import _ontology_title, _template_text

    css = _template_text("build.css")
    entries = []
    order = list(_DESCRIPTIONS)
    for path in sorted(result.files, key=lambda p: _rank(order, p, result.folder)):
        name = path.relative_to(result.folder).as_posix()
        en, zh = _DESCRIPTIONS.get(name, (name, ""))
        entries.append({"href": name, "name": name, "en": en, "zh": zh, "size": _size(path)})
    env = Environment(
        loader=PackageLoader("qegraph", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("build.html").render(
        title=_ontology_title(graph),
        css=Markup(css),
        csp=content_security_policy([], [css]),
        entries=entries,
        result=result,
    )
