"""The ``qegraph`` command line: a thin click layer over the library.

Each command parses its options, calls one public function of the library and prints the result.
Errors derive from :class:`~qegraph.errors.QegraphError` and become a one-line message with a
documented exit code here, in :class:`QegraphGroup`, and nowhere else. Heavy packages (rdflib,
networkx, pyvis) are imported inside the commands so that ``qegraph --help`` stays fast.

Exit codes: 0 success; 1 the data does not conform; 2 usage or input error; 3 refused (network or
file access not allowed); 4 query timeout; 5 store or endpoint failure; 130 interrupted.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from .errors import EXIT_INTERRUPTED, QegraphError

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = ["main"]


@dataclass
class Session:
    """What the global options chose: the user's data files and, later, the backend."""

    data: tuple[str, ...] = ()
    store: str | None = None
    endpoint: str | None = None
    _graph: Graph | None = field(default=None, repr=False)

    def graph(self) -> Graph:
        """The bundled ontology merged with ``--data`` files, loaded once per command."""
        if self._graph is None:
            from .loading import load

            self._graph = load(self.data)
        return self._graph


def _show_warning(message, category, filename, lineno, file=None, line=None):
    click.echo(f"warning: {message}", err=True)


class QegraphGroup(click.Group):
    """Turns qegraph errors into ``Error: message`` and the error's exit code, no traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        warnings.showwarning = _show_warning
        try:
            return super().invoke(ctx)
        except QegraphError as err:
            click.echo(f"Error: {err}", err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (`qegraph export | head`): not an error of ours.
            sys.stderr.close()
            ctx.exit(0)


def data_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--data FILE`` (repeatable) on the group: user RDF files merged with the ontology."""
    return click.option(
        "--data",
        "data",
        multiple=True,
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="A user RDF file to merge with the bundled ontology (repeatable).",
    )(func)


def output_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``-o/--output PATH``: where to write; standard output when omitted."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, writable=False),
        default=None,
        help="Write to PATH (atomically) instead of standard output.",
    )(func)


pass_session = click.make_pass_decorator(Session)


@click.group(cls=QegraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@data_option
@click.version_option(package_name="qegraph", prog_name="qegraph")
@click.pass_context
def main(ctx: click.Context, data: tuple[str, ...]) -> None:
    """qegraph: the quality-education knowledge graph.

    Explore, query, validate, analyse and visualise a bilingual RDF concept map of quality
    education (素质教育) and its opposite, exam-oriented education (应试教育).
    """
    ctx.obj = Session(data=data)


# --- ontology: validate, stats -------------------------------------------------------------


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    show_default=True,
    help="Report as readable text, as the SHACL report graph, or as JSON.",
)
@output_option
@pass_session
def validate(session: Session, files: tuple[str, ...], fmt: str, output: str | None) -> None:
    """Check the graph: SHACL shapes, OWL RL consistency and the quality-check queries.

    FILES are user RDF files merged with the bundled ontology (like --data). Exits 0 when the
    graph conforms, 1 when it does not, 2 on bad input.
    """
    from .loading import load
    from .validation import validate as run_validation

    graph = load((*session.data, *files))
    report = run_validation(graph)
    _emit(report.render(fmt), output)
    if not report.conforms:
        sys.exit(1)


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@pass_session
def stats(session: Session, fmt: str) -> None:
    """Count resources per class, labels per language, and triples per module."""
    from .stats import graph_stats

    click.echo(graph_stats(session.graph(), session.data).render(fmt))


def _emit(text: str, output: str | None) -> None:
    """Print ``text``, or write it atomically to ``output``."""
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    from .atomic import atomic_write_text

    atomic_write_text(output, text)
    click.echo(f"wrote {output}", err=True)


# --- query and export (issue 3) ------------------------------------------------------------

# --- analysis (issue 5) --------------------------------------------------------------------

# --- viewer, docs, build (issue 6) ---------------------------------------------------------

# --- backends and serve (issue 7) ----------------------------------------------------------


if __name__ == "__main__":  # pragma: no cover
    main()
