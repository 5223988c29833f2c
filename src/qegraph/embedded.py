"""The embedded default's quick way to a SELECT or ASK answer: Oxigraph in memory, no rdflib.

``qegraph [--data FILE...] query`` without ``--store`` or ``--endpoint`` parses the bundled
ontology and the files into an in-memory Oxigraph store (:func:`qegraph.loading.engine_store`,
with every check and message of :func:`qegraph.load`) and answers there, in a forked child
without network, rendered as :func:`qegraph.formatting.answer` renders it. A repeat command with
the same files opens the parse cache instead (:mod:`qegraph.cache`). What this path cannot answer
the same way (CONSTRUCT, DESCRIBE, SERVICE, FROM, ``--param``, ``--reason``, any query Oxigraph
refuses, and files with XSD values that Oxigraph would write back otherwise, such as
``"1.0"^^xsd:decimal`` or ``xsd:positiveInteger``) is handed back (None) to the full path, which
runs it over rdflib as before.

>>> print(answer([], "ASK { qe:quality-education qe:opposes ?x }", fmt="json"), end="")
{"head": {}, "boolean": true}
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["answer", "open_engine"]


def answer(
    files: Iterable[str | os.PathLike[str]],
    text: str,
    *,
    fmt: str | None = None,
    lang: str = "en",
    timeout: float | None = None,
    terminal: bool = False,
    use_cache: bool = True,
) -> str | None:
    """``text`` (SPARQL, a ``.rq`` file or ``CQ-NN``) answered over the bundled ontology plus
    ``files``, exactly as :func:`qegraph.formatting.answer` over :func:`qegraph.load` would
    print it; None when the full path must run it.

    Parameters
    ----------
    files:
        The user's RDF files (``--data``).
    fmt, lang, terminal:
        As for :func:`qegraph.formatting.render_result`.
    timeout:
        Stop the query after this many seconds (None: no limit); parsing is not counted.
    use_cache:
        Read and fill the parse cache (:mod:`qegraph.cache`; ``--no-cache`` turns it off).

    Raises
    ------
    InputError, NetworkRefusedError
        As :func:`qegraph.load` raises them, with the same messages.
    QueryTimeoutError
        The query ran past ``timeout``; it was stopped.
    """
    from .oxstore import answer_from, answerable
    from .querytext import query_text

    source = query_text(text)
    if not answerable(source, fmt):
        return None
    opened = open_engine(files, use_cache=use_cache)
    if opened is None:
        return None  # literals Oxigraph would rewrite (1.0 as 1): rdflib answers as before
    store, where, save = opened
    # None: an error the full path words, or a cache entry that broke while read.
    found = answer_from(
        store, where, source, fmt=fmt, lang=lang, timeout=timeout, terminal=terminal
    )
    if save is not None:
        save()
    return found


def open_engine(
    files: Iterable[str | os.PathLike[str]], *, use_cache: bool = True
) -> tuple[Any, Any, Callable[[], None] | None] | None:
    """The in-memory Oxigraph store of the bundled ontology plus ``files``, the graph to query
    in it, and what writes it to the parse cache (call it once the first answer is out, so that
    writing does not delay it; None for a store read from the cache). None when Oxigraph would
    not answer as rdflib does (see the module docstring). Several queries share one store:
    ``qegraph query -f a.rq -f b.rq`` parses once.

    >>> store, where, _save = open_engine([], use_cache=False)
    >>> len(store) > 1000
    True
    """
    import pyoxigraph as ox

    from .cache import cache_key, open_cached, save_later

    files = list(files)
    where = ox.DefaultGraph()
    key = cache_key(files) if use_cache else None
    if key is not None:
        cached = open_cached(key)
        if cached is not None:
            store, warned = cached
            for message in warned:
                _warn_again(message)
            return store, where, None
    store, faithful, warned = _parse(files)
    if not faithful:
        return None
    if key is None:
        return store, where, None
    return store, where, lambda: save_later(store, key, files, warned)


def _parse(files: list[str | os.PathLike[str]]) -> tuple[object, bool, list[str]]:
    """:func:`qegraph.loading.faithful_engine_store`, noting the warnings it gives (a cache
    entry gives them again); they are shown once parsing ends, before any error it raises."""
    from .loading import QegraphWarning, faithful_engine_store

    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            store, faithful = faithful_engine_store(files)
    finally:
        # Shown once the recording has stopped (inside it, they would be recorded again).
        for item in caught:
            warnings.warn_explicit(
                item.message, item.category, item.filename, item.lineno, source=item.source
            )
    warned = [str(w.message) for w in caught if issubclass(w.category, QegraphWarning)]
    return store, faithful, warned


def _warn_again(message: str) -> None:
    from .loading import QegraphWarning

    warnings.warn(message, QegraphWarning, stacklevel=3)
