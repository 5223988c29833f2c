"""Charts of an analysis for people who would rather look than read: PNG and SVG, offline.

Drawn with matplotlib's object API (no pyplot, no global backend), written atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .analysis import _degree_rows
from .errors import ExportError

if TYPE_CHECKING:
    from .analysis import AnalysisReport

__all__ = ["plot_report"]

_SHORT = {"pagerank": "PageRank", "betweenness": "betweenness"}


def plot_report(report: AnalysisReport, directory: str | Path) -> list[Path]:
    """Draw the report as charts in ``directory``: PNG and SVG of each, written atomically.

    The charts are the degree distribution (``degree-distribution``), the top concepts by PageRank
    and betweenness (``top-centrality``) and the community sizes (``community-sizes``). Labels are
    the English ones (the bundled fonts have no Chinese glyphs).

    Raises
    ------
    ExportError
        ``directory`` is a file or cannot be created.

    >>> import tempfile
    >>> from qegraph import load
    >>> from qegraph.analysis import analyze
    >>> [p.name for p in plot_report(analyze(load()), tempfile.mkdtemp())][:2]
    ['degree-distribution.png', 'degree-distribution.svg']
    """
    import io

    import matplotlib
    from matplotlib.figure import Figure

    from .atomic import atomic_write_bytes, make_folder

    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder}: is a file, not a folder for the charts")
    make_folder(folder)

    def degree_chart() -> Figure:
        rows = _degree_rows(report.summary["degree_distribution"])
        fig = Figure(figsize=(7, 4))
        ax = fig.add_subplot()
        ax.bar([str(r[0]) for r in rows], [r[1] for r in rows], color="#4c72b0")
        ax.set_xlabel("degree (distinct neighbours)")
        ax.set_ylabel("nodes")
        ax.set_title("Degree distribution")
        return fig

    def centrality_chart() -> Figure:
        fig = Figure(figsize=(12, max(3.0, 0.35 * report.top + 1.5)))
        for position, measure in enumerate(("pagerank", "betweenness"), start=1):
            ax = fig.add_subplot(1, 2, position)
            rows = list(reversed(report.rankings[measure]))
            colors = [
                {"quality": "#2a9d8f", "exam": "#e76f51"}.get(r["side"], "#8d99ae") for r in rows
            ]
            ax.barh([r["label"] for r in rows], [r["score"] for r in rows], color=colors)
            ax.set_title(f"Top {report.top} by {_SHORT[measure]}")
            ax.tick_params(axis="y", labelsize=8)
        fig.tight_layout()
        return fig

    def community_chart() -> Figure:
        groups = report.communities["groups"]
        fig = Figure(figsize=(7, 4))
        ax = fig.add_subplot()
        ax.bar([str(g["id"]) for g in groups], [g["size"] for g in groups], color="#55a868")
        ax.set_xlabel("community")
        ax.set_ylabel("nodes")
        info = report.communities
        shown = f"largest {len(groups)} of {info['count']}, " if len(groups) < info["count"] else ""
        ax.set_title(f"Community sizes ({shown}modularity {info['modularity']:.3f})")
        return fig

    written: list[Path] = []
    with matplotlib.rc_context({"svg.hashsalt": "qegraph", "svg.fonttype": "path"}):
        for name, draw in (
            ("degree-distribution", degree_chart),
            ("top-centrality", centrality_chart),
            ("community-sizes", community_chart),
        ):
            fig = draw()
            for fmt, metadata in (("png", {"Software": None}), ("svg", {"Date": None})):
                buffer = io.BytesIO()
                fig.savefig(buffer, format=fmt, metadata=metadata, dpi=100)
                target = folder / f"{name}.{fmt}"
                atomic_write_bytes(target, buffer.getvalue())
                written.append(target)
    return written
