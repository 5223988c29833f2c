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

from ._version import __version__
from .errors import EXIT_INTERRUPTED, QegraphError

if TYPE_CHECKING:
    from rdflib import Graph

    from .backends import Backend

__all__ = ["main"]


@dataclass
class Session:
    """What the global options chose: the user's data files and, later, the backend."""

    data: tuple[str, ...] = ()
    store: str | None = None
    endpoint: str | None = None
    graph_iri: str | None = None
    #: Read and fill the parse cache of ``--data`` files (``--no-cache`` turns it off).
    cache: bool = True
    _graph: Graph | None = field(default=None, repr=False)

    def backend(self, gsp: str | None = None) -> Backend:
        """The backend chosen by ``--store`` / ``--endpoint`` (rdflib in memory by default)."""
        from .backends import open_backend

        return open_backend(
            store=self.store,
            endpoint=self.endpoint,
            data=self.data,
            graph_iri=self.graph_iri,
            gsp=gsp,
        )

    def graph(self) -> Graph:
        """The graph every command reads, opened once per command: the bundled ontology merged
        with ``--data`` files in memory, or what ``load`` put in the store or endpoint."""
        if self._graph is None:
            if self.data and (self.store or self.endpoint):
                from .errors import InputError

                raise InputError(
                    "--data merges files in memory; with --store or --endpoint, "
                    "put them in with: qegraph ... load FILE"
                )
            self._graph = self.backend().graph()
        return self._graph


def _show_warning(message, category, filename, lineno, file=None, line=None):
    click.echo(f"warning: {printable(str(message))}", err=True)


def printable(text: str) -> str:
    r"""``text`` with control and format characters escaped, so that a message quoting a hostile
    file cannot send escape sequences or bidirectional overrides to the terminal.

    >>> printable("bad \x1b[31mred\u202e line\nnext")
    'bad \\x1b[31mred\\u202e line\nnext'
    """
    import unicodedata

    out = []
    for char in text:
        if char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cf"):
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(f"\\u{ord(char):04x}")
    return "".join(out)


class QegraphGroup(click.Group):
    """Turns qegraph errors into ``Error: message`` and the error's exit code, no traceback.

    ``--data FILE`` is a global option, but people write it after the command too
    (``qegraph stats --data mine.ttl``); it is moved in front of the command, so both work
    (``--no-cache`` too).
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _global_data_first(args, set(self.commands)))

    def invoke(self, ctx: click.Context) -> Any:
        warnings.showwarning = _show_warning
        try:
            return super().invoke(ctx)
        except QegraphError as err:
            click.echo(f"Error: {printable(str(err))}", err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (`qegraph export | head`): not an error of ours.
            sys.stderr.close()
            ctx.exit(0)
        except MemoryError:
            # A last line of defence: the loaders' own limits should have refused the input.
            click.echo("Error: out of memory; the input is too large for this machine", err=True)
            ctx.exit(2)
        except OSError as err:
            from .atomic import _WRITE_ERRORS

            if err.errno not in _WRITE_ERRORS:
                raise
            where = f"{printable(str(err.filename))}: " if err.filename else ""
            click.echo(f"Error: {where}{_WRITE_ERRORS[err.errno]}", err=True)
            ctx.exit(2)


_GLOBAL_WITH_VALUE = ("--data", "--store", "--endpoint", "--graph")


def _global_data_first(args: list[str], commands: set[str]) -> list[str]:
    """``args`` with each ``--data FILE`` written after the command moved in front of it.

    >>> _global_data_first(["stats", "--data", "a.ttl", "--format=json"], {"stats"})
    ['--data', 'a.ttl', 'stats', '--format=json']
    """
    index = 0
    while index < len(args) and args[index] not in commands:
        index += 2 if args[index] in _GLOBAL_WITH_VALUE else 1
    if index >= len(args):
        return args
    before, rest, moved = args[:index], [], []
    tail = iter(args[index:])
    for arg in tail:
        if arg == "--":
            rest += [arg, *tail]
            break
        if arg == "--data":
            moved += [arg, next(tail, "")]
        elif arg.startswith("--data=") or arg == "--no-cache":
            moved.append(arg)
        else:
            rest.append(arg)
    return [*before, *moved, *rest]


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

# Every --lang takes the tag in any case (zh-hans, ZH-HANS) and refuses any other language.
_LANG_CHOICE = click.Choice(["en", "zh-Hans"], case_sensitive=False)


@click.group(cls=QegraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@data_option
@click.option(
    "--store",
    metavar="DIR",
    type=click.Path(file_okay=False),
    default=None,
    help="Use an on-disk Oxigraph store (fill it once with `load`).",
)
@click.option(
    "--endpoint",
    metavar="URL",
    default=None,
    help="Use a SPARQL 1.1 endpoint (fill it with `load`).",
)
@click.option(
    "--graph",
    "graph_iri",
    metavar="IRI",
    default=None,
    help="The named graph of the store or endpoint [default: https://w3id.org/qegraph/graph].",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Neither read nor write the parse cache of --data files (see `query`).",
)
@click.version_option(__version__, prog_name="qegraph")
@click.pass_context
def main(
    ctx: click.Context,
    data: tuple[str, ...],
    store: str | None,
    endpoint: str | None,
    graph_iri: str | None,
    no_cache: bool,
) -> None:
    """qegraph: the quality-education knowledge graph.

    Explore, query, validate, analyse and visualise a bilingual RDF concept map of quality
    education (素质教育) and its opposite, exam-oriented education (应试教育).
    """
    if store is not None and endpoint is not None:
        raise click.UsageError("give --store or --endpoint, not both")
    ctx.obj = Session(
        data=data, store=store, endpoint=endpoint, graph_iri=graph_iri, cache=not no_cache
    )


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
    from .validation import validate as run_validation

    report = run_validation(_graph_with(session, files))
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
    from .stats import file_stats, graph_stats

    if session.store or session.endpoint:
        click.echo(graph_stats(session.graph()).render(fmt))
    else:
        click.echo(file_stats(session.data).render(fmt))


def _graph_with(session: Session, files: tuple[str, ...]) -> Graph:
    """The session's graph with ``files`` merged in, as an in-memory graph."""
    from .loading import load

    if not (session.store or session.endpoint):
        return load((*session.data, *files))
    from rdflib import Graph

    from .loading import parse_into
    from .namespaces import bind_prefixes

    graph = bind_prefixes(Graph())
    for triple in session.graph():
        graph.add(triple)
    for path in files:
        parse_into(graph, path)
    return graph


def _emit(text: str, output: str | None) -> None:
    """Print ``text``, or write it atomically to ``output``."""
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    from .atomic import atomic_write_text

    atomic_write_text(output, text)
    click.echo(f"wrote {output}", err=True)


# --- query and export (issue 3) ------------------------------------------------------------

# Kept here (not imported from qegraph.formatting/exporting) so `--help` loads no rdflib;
# tests/test_cli_query.py checks that they match the library's lists.
QUERY_FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "nt", "jsonld")
EXPORT_FORMATS = ("turtle", "nt", "nquads", "trig", "jsonld", "xml", "graphml", "gexf", "csv")


@main.command()
@click.argument("text", required=False)
@click.option(
    "-f",
    "--file",
    "query_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Read a query from FILE (`-` for standard input; repeatable).",
)
@click.option(
    "--name",
    "names",
    multiple=True,
    metavar="CQ-NN",
    help="Run a named query (see `queries`; repeatable).",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help='Bind ?NAME before the query runs: an IRI, a CURIE, a "literal"@lang, a number or a '
    "concept label in English or Chinese (repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(QUERY_FORMATS),
    default=None,
    help="SELECT/ASK: table (default on a terminal), csv (default otherwise), tsv, json, xml. "
    "CONSTRUCT/DESCRIBE: turtle (default), nt, jsonld, xml.",
)
@click.option(
    "--lang",
    type=_LANG_CHOICE,
    default="en",
    show_default=True,
    help="Label language in tables (en or zh-Hans).",
)
@click.option("--reason", is_flag=True, help="Answer over the OWL RL closure (inferred triples).")
@click.option(
    "--allow-network",
    is_flag=True,
    help="Permit SERVICE (federated queries). Without it, --store queries also run in a child "
    "without network (a network namespace); where the system refuses namespaces, the query "
    "check alone keeps the network out.",
)
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Stop each query after SECONDS (0: no limit).",
)
@output_option
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="Write each query's answer to DIR/NAME.EXT (atomically), named after its file or "
    "CQ-NN, EXT after the format.",
)
@pass_session
def query(
    session: Session,
    text: str | None,
    query_files: tuple[str, ...],
    names: tuple[str, ...],
    params: tuple[str, ...],
    fmt: str | None,
    lang: str,
    reason: bool,
    allow_network: bool,
    timeout: float,
    output: str | None,
    output_dir: str | None,
) -> None:
    """Run SPARQL queries: TEXT, or one or more -f FILE and --name CQ-NN.

    The standard prefixes (qe, rdf, rdfs, owl, xsd, skos, prov, dcterms...) are pre-bound; a
    PREFIX in the query wins. SERVICE, LOAD and updates are refused. Several queries run in one
    command (the store or files opened once): each -f in turn, then each --name; the first that
    fails stops the command with its exit code, and the answers before it stay written.
    """
    from .querying import QueryRunner, query_inputs, run_queries

    runner = QueryRunner(
        store=session.store,
        endpoint=session.endpoint,
        data=session.data,
        graph_iri=session.graph_iri,
        use_cache=session.cache,
        params=params,
        reason=reason,
        allow_network=allow_network,
        timeout=timeout,
        fmt=fmt,
        lang=lang,
        terminal=output is None and output_dir is None and sys.stdout.isatty(),
        graph=session.graph,
    )
    run_queries(
        query_inputs(text, query_files, names),
        runner,
        output=output,
        output_dir=output_dir,
        echo=lambda answer: click.echo(answer, nl=not answer.endswith("\n")),
        note=lambda message: click.echo(message, err=True),
    )


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def queries(fmt: str) -> None:
    """List the named queries (competency questions) with their question."""
    from .querytext import named_queries

    found = named_queries()
    if fmt == "json":
        import json

        items = [{"name": q.name, "question": q.question, "file": q.file_name} for q in found]
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    width = max((len(q.name) for q in found), default=0)
    for item in found:
        click.echo(f"{item.name.ljust(width)}  {item.question}")


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="turtle",
    show_default=True,
    help="RDF (turtle, nt, nquads, trig, jsonld, xml), graphs for Gephi/Cytoscape (graphml, "
    "gexf) or csv (nodes.csv + edges.csv).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    default=None,
    help="Write to PATH atomically (a folder for csv) instead of standard output.",
)
@click.option("--inferred", is_flag=True, help="Export the OWL RL closure (inferred triples too).")
@click.option(
    "--construct",
    metavar="QUERY",
    default=None,
    help="Export only what this CONSTRUCT query builds (text, a .rq file or CQ-NN).",
)
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Stop the --construct query after SECONDS (0: no limit).",
)
@pass_session
def export(
    session: Session,
    fmt: str,
    output: str | None,
    inferred: bool,
    construct: str | None,
    timeout: float,
) -> None:
    """Export the graph for other tools; Turtle output is deterministic (diffs cleanly)."""
    from . import exporting

    embedded = not (session.store or session.endpoint)
    if embedded and fmt in ("turtle", "nt", "nquads", "trig") and not (construct or inferred):
        # Written straight from Oxigraph's parser: no rdflib graph in between.
        source = exporting.DataFiles(session.data)
    elif fmt in ("nquads", "trig") and embedded and not construct:
        from .loading import load_dataset

        source = load_dataset(session.data)
    else:
        source = session.graph()
    if output is not None:
        written = exporting.export(
            source, fmt, output, inferred=inferred, construct=construct, timeout=timeout or None
        )
        for path in written:
            click.echo(f"wrote {path}", err=True)
        return
    if fmt == "csv":
        from .errors import ExportError

        raise ExportError("csv writes two files (nodes.csv, edges.csv): give a folder with -o")
    chosen = exporting.select_graph(
        source, inferred=inferred, construct=construct, timeout=timeout or None
    )
    click.echo(exporting.serialize(chosen, fmt), nl=False)


# --- analysis (issue 5) --------------------------------------------------------------------


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    show_default=True,
    help="Report as aligned text tables, JSON or Markdown.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many concepts each ranking lists.",
)
@click.option(
    "--plot",
    "plot_dir",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="Also draw PNG and SVG charts into DIR (created if missing).",
)
@click.option(
    "--rdf",
    "rdf_path",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Also write every concept's scores and community as RDF to FILE (format by suffix).",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "networkx", "igraph"]),
    default="auto",
    show_default=True,
    help="networkx, igraph (fast; samples betweenness and closeness on huge graphs), or by size.",
)
@click.option(
    "--seed", type=int, default=42, show_default=True, help="Seed of communities and sampling."
)
@output_option
@pass_session
def analyze(
    session: Session,
    fmt: str,
    top: int,
    plot_dir: str | None,
    rdf_path: str | None,
    engine: str,
    seed: int,
    output: str | None,
) -> None:
    """Centrality, communities, paradigm sides and the quality-versus-exam contrast matrix.

    Summarises the concept graph (nodes, edges, density, components, degree distribution), ranks
    concepts by degree, betweenness, PageRank and closeness, finds Louvain communities (fixed
    seed) and lists each quality-education element against the exam-oriented traits it opposes,
    grouped by contrast axis.
    """
    from .analysis import analyze as run_analysis
    from .charts import plot_report
    from .engine_projection import engine_graph

    # In memory, the files go into an Oxigraph store, never into rdflib terms: the analysis
    # reads the engine's terms straight into igraph (as it does from --store).
    embedded = not (session.store or session.endpoint)
    warm = ("igraph", "numpy", "threadpoolctl")  # imported while big files load
    graph = engine_graph(session.data, warm=warm) if embedded else session.graph()
    report = run_analysis(graph, top, seed=seed, engine=engine)
    if plot_dir is not None:
        for path in plot_report(report, plot_dir):
            click.echo(f"wrote {path}", err=True)
    if rdf_path is not None:
        from .scores import write_scores

        click.echo(f"wrote {write_scores(report, rdf_path)}", err=True)
    _emit(report.render(fmt), output)


@main.command()
@click.argument("source")
@click.argument("target")
@click.option(
    "--all", "all_paths", is_flag=True, help="List every simple path, not one shortest path."
)
@click.option(
    "--max-length",
    type=click.IntRange(min=1),
    default=None,
    help="The longest path in steps (default for --all: 4).",
)
@click.option(
    "--lang", type=_LANG_CHOICE, default="en", show_default=True, help="Language of the labels."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_session
def path(
    session: Session,
    source: str,
    target: str,
    all_paths: bool,
    max_length: int | None,
    lang: str,
    fmt: str,
) -> None:
    """How SOURCE and TARGET connect, as sentences ("A -- respects -> B").

    Concepts are given by CURIE (qe:critical-thinking), IRI, or label in English or Chinese,
    case-insensitive. An ambiguous name lists its candidates; an unknown one suggests close
    matches (exit 2).
    """
    from .paths import explain_paths

    report = explain_paths(
        session.graph(), source, target, all_paths=all_paths, max_length=max_length, lang=lang
    )
    click.echo(report.render(fmt), nl=fmt == "text")


@main.command()
@click.argument("concept")
@click.option(
    "--depth",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="How many steps away to look.",
)
@click.option(
    "--lang", type=_LANG_CHOICE, default="en", show_default=True, help="Language of the labels."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_session
def neighbors(session: Session, concept: str, depth: int, lang: str, fmt: str) -> None:
    """The concepts within --depth steps of CONCEPT and the relations that reach them."""
    from .paths import neighbors as neighborhood

    report = neighborhood(session.graph(), concept, depth=depth, lang=lang)
    click.echo(report.render(fmt), nl=fmt == "text")


# --- viewer, docs, build (issue 6) ---------------------------------------------------------


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default="graph.html",
    show_default=True,
    help="Where to write the page (atomically).",
)
@click.option("--focus", metavar="CONCEPT", help="Draw only the neighbourhood of this concept.")
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="With --focus: how many relations away a concept may be.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=None,
    metavar="K",
    help="Keep only the K most central concepts (by --size-by).",
)
@click.option(
    "--lang",
    type=_LANG_CHOICE,
    default="en",
    show_default=True,
    help="Label language when the page opens (switchable in the page).",
)
@click.option(
    "--color-by",
    type=click.Choice(["side", "type", "community"]),
    default="side",
    show_default=True,
    help="Colour concepts by paradigm side, by type or by Louvain community.",
)
@click.option(
    "--size-by",
    type=click.Choice(["degree", "pagerank"]),
    default="degree",
    show_default=True,
    help="Size concepts by degree or by PageRank.",
)
@click.option(
    "--layout",
    type=click.Choice(["contrast", "free"]),
    default="contrast",
    show_default=True,
    help="Opening layout: the two paradigms face to face, or force-directed (switchable).",
)
@click.option(
    "--renderer",
    type=click.Choice(["auto", "vis", "webgl"]),
    default="auto",
    show_default=True,
    help="vis-network, or sigma.js with WebGL for big maps; auto: WebGL above 2,000 concepts.",
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in the web browser.")
@pass_session
def viz(
    session: Session,
    output: str,
    focus: str | None,
    depth: int,
    top: int | None,
    lang: str,
    color_by: str,
    size_by: str,
    layout: str,
    renderer: str,
    open_page: bool,
) -> None:
    """Write the interactive viewer: one offline HTML page of the concept map.

    Search in English or Chinese, filter by type and side, switch the labels' language, and click
    a concept for its definition, relations and source passages. Above 2,000 concepts the page
    draws with WebGL; above 5,000, pick a part with --focus or --top.
    """
    from .engine_projection import engine_graph
    from .viewer import viz as render_viewer

    # In memory, the files go into an Oxigraph store (its parser, not rdflib's): a cut is then
    # made on integer edges and only the concepts drawn are projected (as analyze does).
    embedded = not (session.store or session.endpoint)
    page = render_viewer(
        # igraph and networkx draw the cut: imported while big files load.
        engine_graph(session.data, warm=("igraph", "networkx")) if embedded else session.graph(),
        focus=focus,
        depth=depth,
        top=top,
        lang=lang,
        color_by=color_by,
        size_by=size_by,
        layout=layout,
        renderer=renderer,
    )
    path = page.write(output)
    click.echo(f"wrote {path} ({page.nodes} concepts, {page.edges} relations)")
    if open_page:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())


@main.command()
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False),
    default="qegraph-docs",
    show_default=True,
    help="Folder to write the documentation into (created if missing).",
)
@pass_session
def docs(session: Session, out_dir: str) -> None:
    """Write the HTML documentation of the ontology: every class, property and concept."""
    from .ontodoc import write_docs

    for path in write_docs(session.graph(), out_dir):
        click.echo(f"wrote {path}")


@main.command()
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False),
    default="qegraph-build",
    show_default=True,
    help="Folder to write everything into (created if missing).",
)
@pass_session
def build(session: Session, out_dir: str) -> None:
    """Validate the graph and write Turtle, JSON-LD, the viewer, the docs and the reports.

    Everything goes into one folder. Exits 1 (after writing) when the graph does not conform.
    """
    from .pipeline import build as run_build

    result = run_build(session.graph(), out_dir)
    click.echo(result.render())
    if not result.conforms:
        sys.exit(1)


# --- your own sources and claims (issue 14) ------------------------------------------------


@main.group()
def source() -> None:
    """Register your own source texts (documents whose passages claims cite)."""


@source.command("add")
@click.argument("text_file", metavar="FILE.txt", type=click.Path(dir_okay=False))
@click.option("--title", required=True, help="The document's title.")
@click.option("--author", default=None, help="Who wrote it.")
@click.option("--url", default=None, help="Where it is published (http or https).")
@click.option("--date", default=None, metavar="YYYY-MM-DD", help="When it was published.")
@click.option("--lang", default=None, metavar="TAG", help="Its language (en, zh-Hans...).")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    metavar="MODULE.ttl",
    help="The sources module to write (other documents in it are kept).",
)
@click.option(
    "--namespace",
    default=None,
    metavar="IRI",
    help="Namespace of the document and passage IRIs [default: qe:].",
)
def source_add(
    text_file: str,
    title: str,
    author: str | None,
    url: str | None,
    date: str | None,
    lang: str | None,
    output: str,
    namespace: str | None,
) -> None:
    """Register FILE.txt: paragraph n is its n-th non-empty line; no text is copied."""
    from .curation.sources import register_source

    result = register_source(
        text_file,
        output,
        title=title,
        author=author,
        url=url,
        date=date,
        lang=lang,
        **({"namespace": namespace} if namespace else {}),
    )
    click.echo(result.render())


@main.command()
@click.argument("claims", required=False, metavar="CLAIMS.csv", type=click.Path(dir_okay=False))
@click.option(
    "--concepts",
    "concepts_file",
    default=None,
    type=click.Path(dir_okay=False),
    metavar="FILE.csv",
    help="The table of new concepts (both labels, both definitions, a type).",
)
@click.option(
    "--sources",
    "source_modules",
    multiple=True,
    type=click.Path(dir_okay=False),
    metavar="MODULE.ttl",
    help="A module written by `source add` (repeatable).",
)
@click.option(
    "--text-dir",
    "text_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Where the registered texts are (repeatable) [default: next to the source modules].",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="MODULE.ttl", default=None)
@click.option("--namespace", default=None, metavar="IRI", help="Namespace of new IRIs [qe:].")
@click.option("--title", default=None, help="The module's title.")
@click.option("--creator", default=None, help="Who curated it (dcterms:creator).")
@click.option(
    "--date", default=None, metavar="YYYY-MM-DD", help="The module's dates [kept, or today]."
)
@click.option(
    "--template",
    type=click.Choice(["claims", "concepts"]),
    is_flag=False,
    flag_value="claims",
    default=None,
    help="Print an empty table (claims or concepts) with one example row, and stop.",
)
@pass_session
def curate(
    session: Session,
    claims: str | None,
    concepts_file: str | None,
    source_modules: tuple[str, ...],
    text_dirs: tuple[str, ...],
    output: str | None,
    namespace: str | None,
    title: str | None,
    creator: str | None,
    date: str | None,
    template: str | None,
) -> None:
    """Check a table of claims and write them as a module: edges, claim nodes, key phrases.

    Every row is checked first; any problem is reported as FILE:ROW:COLUMN and nothing is
    written (exit 2). Running it again on the same tables changes no byte of the module.
    """
    from .curation import claims as curation

    if template is not None:
        click.echo(curation.template(template), nl=False)
        return
    if claims is None or output is None:
        raise click.UsageError("give CLAIMS.csv and -o MODULE.ttl (or --template)")
    result = curation.curate(
        claims,
        output,
        concepts_file=concepts_file,
        sources=source_modules,
        data=session.data,
        text_dirs=text_dirs,
        title=title,
        creator=creator,
        date=date,
        **({"namespace": namespace} if namespace else {}),
    )
    click.echo(result.render())


# --- backends and serve (issue 7) ----------------------------------------------------------


@main.command("load")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--graph",
    "graph_iri",
    metavar="IRI",
    default=None,
    help="The named graph to replace (default: the global --graph, else qegraph's).",
)
@click.option(
    "--gsp",
    metavar="URL",
    default=None,
    help="With --endpoint: its Graph Store Protocol URL (guessed for Oxigraph's /query).",
)
@click.option("--no-bundled", is_flag=True, help="Load only FILES, not the bundled ontology.")
@click.option(
    "--lock-timeout",
    metavar="SECONDS",
    default=300.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="With --store: how long to wait for another load of the same store (exit 5 then).",
)
@pass_session
def load_command(
    session: Session,
    files: tuple[str, ...],
    graph_iri: str | None,
    gsp: str | None,
    no_bundled: bool,
    lock_timeout: float,
) -> None:
    """Write the bundled ontology and FILES into the --store or --endpoint backend.

    The named graph is replaced as a whole, so running the same load twice changes nothing.
    An interrupted or failed load leaves the store as it was. Without --store or --endpoint,
    the files are only parsed and checked.

    With --store, one load runs at a time: another waits for the lock (it says which pid holds
    it) for --lock-timeout seconds. Ctrl-C stops a store load at its next read of input; once
    the input is read, Oxigraph's bulk loader finishes its current write step (seconds on big
    files) before the load stops, and the store is unchanged.
    """
    if graph_iri is not None:
        session.graph_iri = graph_iri
    if session.store is not None and session.endpoint is None:
        import functools

        from .oxstore import DEFAULT_GRAPH
        from .storeload import load_store, total_bytes

        # What StoreBackend.load runs, without importing rdflib (0.1 s of the command).
        # One load at a time per store: the others wait for its lock, saying for whom.
        run: Callable[..., Any] = functools.partial(
            load_store,
            session.store,
            graph_iri=session.graph_iri or DEFAULT_GRAPH,
            lock_timeout=lock_timeout,
            on_wait=lambda message: click.echo(printable(message), err=True),
        )
        measure: Callable[..., int] = total_bytes
    else:
        backend = session.backend(gsp=gsp)
        run, measure = backend.load, backend.total_bytes
    files = (*session.data, *files)
    bundled = not no_bundled
    if sys.stderr.isatty():
        total = measure(files, bundled)
        with click.progressbar(length=total, label="loading", file=sys.stderr) as bar:
            state = {"done": 0}

            def advance(done: int) -> None:
                bar.update(max(0, min(done, total) - state["done"]))
                state["done"] = max(state["done"], min(done, total))

            report = run(files, bundled=bundled, progress=advance)
    else:
        report = run(files, bundled=bundled)
    click.echo(report.render())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any)."
)
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a query may run before it is stopped.",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows (or triples) per answer; more are cut and flagged as truncated.",
)
@click.option(
    "--max-request-bytes",
    default=1 << 20,
    show_default=True,
    type=click.IntRange(min=256),
    help="Largest request body or URL.",
)
@click.option(
    "--workers", default=4, show_default=True, type=click.IntRange(min=1), help="Queries at once."
)
@click.option("--cors", metavar="ORIGIN", default=None, help="Allow this origin (`*`: any).")
@click.option(
    "--allow-host",
    "allowed_hosts",
    metavar="NAME",
    multiple=True,
    help="Another name accepted in the Host header (repeatable).",
)
@click.option("--quiet", is_flag=True, help="Do not log requests.")
@click.option(
    "--allow-network",
    is_flag=True,
    help="Let the query engine keep its network (SERVICE stays refused by the checks).",
)
@click.option(
    "--header-timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Close a connection whose request headers are not complete after SECONDS.",
)
@pass_session
def serve(
    session: Session,
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    max_request_bytes: int,
    workers: int,
    cors: str | None,
    allowed_hosts: tuple[str, ...],
    quiet: bool,
    allow_network: bool,
    header_timeout: float,
) -> None:
    """Serve a read-only SPARQL endpoint (/sparql), a query page (/query), the viewer (/) and
    the docs (/docs/).

    Queries run on Oxigraph: the bundled ontology and --data files in a temporary store, or
    --store DIR; with --endpoint the remote endpoint answers behind the same rules. UPDATE, LOAD
    and SERVICE are refused. Ctrl-C stops the server.
    """
    from .serve import ServerConfig
    from .serve import serve as run_server
    from .serve.engine import open_engine
    from .serve.runner import bind, build_pages

    config = ServerConfig(
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows,
        max_request_bytes=max_request_bytes,
        workers=workers,
        cors=cors,
        allowed_hosts=allowed_hosts,
        allow_network=allow_network,
        header_timeout=header_timeout,
        log=not quiet,
    )
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(
            f"warning: listening on {host}, not only on this machine; clients must use a name "
            "given with --allow-host (Host header check)",
            err=True,
        )
    sock = bind(config)  # a port in use fails before any work
    from .loading import load

    graph = load(session.data) if not (session.store or session.endpoint) else session.graph()
    pages = build_pages(graph)
    del graph
    engine = open_engine(
        data=session.data,
        store=session.store,
        endpoint=session.endpoint,
        workers=workers,
        timeout=timeout,
        queue_timeout=30.0,
        allow_network=allow_network,
    )

    def ready(url: str) -> None:
        base = url.rsplit("/", 1)[0]
        click.echo(
            f"serving {url} (query page {base}/query, viewer {base}/, docs {base}/docs/); "
            "Ctrl-C stops",
            err=True,
        )

    try:
        run_server(engine, config, pages=pages, on_ready=ready, sock=sock)
    finally:
        engine.close()
    click.echo("stopped", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
