"""Run one command's queries, one or many, the way ``qegraph query`` does: each on the quickest
path that answers it exactly as the full path would, with the store, the parsed files or the
graph opened once for all of them.

A user with a query set pays starting Python and opening the store once (like ROBOT's
``robot query --query a.rq a.csv --query b.rq b.csv``), not once per query:
``qegraph --store S query -f a.rq -f b.rq --name CQ-07 --output-dir answers/`` writes
``answers/a.csv``, ``answers/b.csv`` and ``answers/CQ-07.csv``. Every query gets the checks, the
limits and the time limit it gets alone, and runs in its own forked child without network; the
first one that fails stops the command with its own exit code, naming it, and the answers
written before it stay written.

>>> runner = QueryRunner(fmt="csv")
>>> runner.answer("ASK { qe:quality-education qe:opposes ?x }")
Answer(text='true\\n', fmt='csv')
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, QegraphError, QueryError

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = [
    "Answer",
    "QueryInput",
    "QueryRunner",
    "query_inputs",
    "read_query_file",
    "run_queries",
]

#: The file name extension of an answer written in each ``--format``.
EXTENSIONS = {
    "table": "txt",
    "csv": "csv",
    "tsv": "tsv",
    "json": "json",
    "xml": "xml",
    "turtle": "ttl",
    "nt": "nt",
    "jsonld": "jsonld",
}

_CQ_NAME = re.compile(r"(?i)^\s*c[qx]-?\d+\s*$")
# A file name made from a query's name: no folder part, no hidden or parent-folder name, no
# control characters (a file named `...rq` has the stem `..`).
_UNSAFE_NAME = re.compile(r"[/\\\x00-\x1f\x7f]|^\.|^$")


@dataclass(frozen=True)
class QueryInput:
    """One query of a command: its SPARQL ``text`` (or a ``CQ-NN`` / ``.rq`` spec when given
    as TEXT), the ``name`` its answer file takes and the ``origin`` messages name."""

    name: str
    text: str
    #: The query file it was read from (its errors are prefixed with it); None otherwise.
    origin: str | None = None
    #: Whether ``text`` is the query itself rather than a spec to resolve.
    literal: bool = True

    @property
    def label(self) -> str:
        """How messages name the query."""
        return self.origin or self.name

    @property
    def source(self) -> str:
        """What the answering functions take: a spec, or text that cannot pass for one."""
        if not self.literal:
            return self.text
        text = self.text
        return text if "\n" in text or not text.strip().endswith(".rq") else text + "\n"


@dataclass(frozen=True)
class Answer:
    """A rendered answer and the format it is in (the file extension follows it)."""

    text: str
    fmt: str


def read_query_file(path: str) -> str:
    """The text of the query file ``path`` (``-``: standard input).

    Raises
    ------
    QueryError
        No such file, or it cannot be read as UTF-8; the message names it.
    """
    import sys

    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        raise QueryError(f"{path}: no such query file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise QueryError(f"{path}: cannot read the query file ({err})") from None


def query_inputs(
    text: str | None = None, files: Sequence[str] = (), names: Sequence[str] = ()
) -> list[QueryInput]:
    """The queries of a command, in the order TEXT, each ``-f FILE``, each ``--name CQ-NN``.

    TEXT (SPARQL, ``CQ-NN`` or a ``.rq`` path) comes alone; files and names repeat. A file's
    answer is named after the file (``a.rq``: ``a``; standard input: ``stdin``), a named query's
    after the query (``CQ-07``); TEXT's after its named query or file, else ``query``.

    >>> [q.name for q in query_inputs(names=["cq-1"])]
    ['CQ-01']

    Raises
    ------
    QueryError
        No query, or TEXT with another query; a query file that cannot be read.
    """
    if (text is None) == (not files and not names):
        raise QueryError("give the query as TEXT, or as -f FILE and --name CQ-NN (repeatable)")
    if text is not None:
        if _CQ_NAME.match(text):
            from .querytext import named_query

            return [QueryInput(named_query(text).name, text, literal=False)]
        stem = Path(text).stem if text.endswith(".rq") and "\n" not in text else "query"
        return [QueryInput(stem, text, literal=False)]
    found = [
        QueryInput(
            "stdin" if path == "-" else Path(path).stem,
            read_query_file(path),
            origin=None if path == "-" else path,
        )
        for path in files
    ]
    from .querytext import named_query

    for name in names:
        named = named_query(name)
        found.append(QueryInput(named.name, named.text))
    return found


class QueryRunner:
    """Answers queries over what the options chose: the store, the endpoint, or the bundled
    ontology plus ``data`` (the embedded default), as ``qegraph query`` does.

    SELECT and ASK queries go to Oxigraph directly where that prints exactly what the full path
    prints (:func:`qegraph.oxstore.answer_from`); the rest, and any ``params`` or ``reason``,
    go through :func:`qegraph.formatting.answer` over the graph. The store, the parsed files and
    the graph are each opened once, on first use, and serve every query after it.

    ``graph`` gives the graph of the full path (the CLI passes its session's); by default it is
    opened with :func:`qegraph.backends.open_backend`.
    """

    def __init__(
        self,
        *,
        store: str | os.PathLike[str] | None = None,
        endpoint: str | None = None,
        data: Sequence[str | os.PathLike[str]] = (),
        graph_iri: str | None = None,
        use_cache: bool = True,
        params: Sequence[str] = (),
        reason: bool = False,
        allow_network: bool = False,
        timeout: float | None = None,
        fmt: str | None = None,
        lang: str = "en",
        terminal: bool = False,
        graph: Callable[[], Graph] | None = None,
    ) -> None:
        self.store, self.endpoint, self.data = store, endpoint, list(data)
        self.graph_iri, self.use_cache = graph_iri, use_cache
        self.params, self.reason, self.allow_network = tuple(params), reason, allow_network
        self.timeout, self.fmt, self.lang, self.terminal = timeout or None, fmt, lang, terminal
        self._graph_of = graph
        self._engine: tuple[Any, Any] | None = None  # (pyoxigraph store, graph name)
        self._engine_faithful = True
        self._save: Callable[[], None] | None = None  # writes the parse cache, once

    def answer(self, text: str) -> Answer:
        """``text`` (SPARQL, a ``.rq`` path or ``CQ-NN``) answered and rendered.

        Raises what :func:`qegraph.formatting.answer` raises (QueryError, NetworkRefusedError,
        QueryTimeoutError, BackendError...).
        """
        quick = self._quick(text)
        if quick is not None:
            from .results import default_format

            return Answer(quick, default_format(self.fmt, terminal=self.terminal))
        from .formatting import answer_in_format

        rendered, chosen = answer_in_format(
            self._graph(),
            text,
            params=self.params,
            reason=self.reason,
            allow_network=self.allow_network,
            timeout=self.timeout,
            fmt=self.fmt,
            lang=self.lang,
            terminal=self.terminal,
        )
        return Answer(rendered, chosen)

    def _quick(self, text: str) -> str | None:
        """The answer straight from Oxigraph, or None where the full path must run it."""
        if self.params or self.reason or self.endpoint or (self.store and self.data):
            return None
        from .oxstore import answer_from, answerable
        from .querytext import query_text

        source = query_text(text)
        if not answerable(source, self.fmt):
            return None
        if self._engine is None:
            if not self._engine_faithful:
                return None
            if self.store:
                from .oxstore import DEFAULT_GRAPH, open_graph

                self._engine = open_graph(self.store, self.graph_iri or DEFAULT_GRAPH)
            else:
                from .embedded import open_engine

                opened = open_engine(self.data, use_cache=self.use_cache)
                if opened is None:
                    self._engine_faithful = False
                    return None
                self._engine, self._save = opened[:2], opened[2]
        store, where = self._engine
        found = answer_from(
            store,
            where,
            source,
            fmt=self.fmt,
            lang=self.lang,
            timeout=self.timeout,
            terminal=self.terminal,
        )
        if self._save is not None:
            save, self._save = self._save, None
            save()  # the first answer is out: the parse cache may be written now
        return found

    def _graph(self) -> Graph:
        if self._graph_of is None:
            from .backends import open_backend

            graph = open_backend(
                store=self.store, endpoint=self.endpoint, data=self.data, graph_iri=self.graph_iri
            ).graph()
            self._graph_of = lambda: graph
        return self._graph_of()


def check_names(queries: Sequence[QueryInput]) -> None:
    """Refuse answer file names that leave the output folder or that two queries share.

    >>> check_names([QueryInput("..", "ASK {}")])
    Traceback (most recent call last):
    ...
    qegraph.errors.InputError: the query '..' cannot name a file in --output-dir ...
    """
    seen: dict[str, QueryInput] = {}
    for query in queries:
        if _UNSAFE_NAME.search(query.name):
            raise InputError(
                f"the query {query.name!r} cannot name a file in --output-dir "
                "(a folder part, a leading dot or a control character); rename its file"
            )
        key = query.name.casefold()
        if key in seen:
            raise InputError(
                f"{seen[key].label} and {query.label} would both write the answer "
                f"{query.name!r} in --output-dir; rename one of the files"
            )
        seen[key] = query


def run_queries(
    queries: Sequence[QueryInput],
    runner: QueryRunner,
    *,
    output: str | os.PathLike[str] | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    echo: Callable[[str], None] = print,
    note: Callable[[str], None] | None = None,
) -> list[Path]:
    """Answer ``queries`` in turn and write each answer: to ``output_dir/NAME.EXT`` (atomic;
    EXT follows the format), to ``output`` (one query), or through ``echo`` (several are
    separated by ``==> NAME <==`` lines). ``note`` hears of each file written. Returns the files.

    Raises
    ------
    InputError
        ``output`` with several queries; names that collide or leave ``output_dir``; a file
        where the folder should be. Nothing has run then.
    QegraphError
        The first query that fails, with its exit code; with several queries the message starts
        with the query's file or name. The answers before it stay written.
    """
    if output is not None and (output_dir is not None or len(queries) != 1):
        raise InputError("-o/--output takes one query; give several an --output-dir DIR")
    folder = None if output_dir is None else Path(output_dir)
    if folder is not None:
        check_names(queries)
        if folder.exists() and not folder.is_dir():
            raise InputError(f"--output-dir {folder} is a file, not a folder")
        folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for index, query in enumerate(queries):
        try:
            found = runner.answer(query.source)
        except QegraphError as err:
            raise _naming(err, query, several=len(queries) > 1) from None
        target = None
        if folder is not None:
            target = folder / f"{query.name}.{EXTENSIONS.get(found.fmt, 'txt')}"
        elif output is not None:
            target = Path(output)
        if target is None:
            if len(queries) > 1:
                echo(("\n" if index else "") + f"==> {query.name} <==\n")
            echo(found.text)
            continue
        from .atomic import atomic_write_text

        atomic_write_text(target, found.text)
        written.append(target)
        if note is not None:
            note(f"wrote {target}")
    return written


def _naming(err: QegraphError, query: QueryInput, *, several: bool) -> QegraphError:
    """``err`` with its message naming the query: a query file's QueryError always (as one
    query alone has said since issue 4), any error when the command ran several queries."""
    message = str(err)
    label = query.label
    if (several or (query.origin and isinstance(err, QueryError))) and not message.startswith(
        f"{label}: "
    ):
        err.args = (f"{label}: {message}", *err.args[1:])
    return err
