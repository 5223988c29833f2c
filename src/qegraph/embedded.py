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
from collections.abc import Iterable

__all__ = ["answer"]


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
    import pyoxigraph as ox

    from .cache import cache_key, open_cached, save_later
    from .oxstore import answer_from, answerable
    from .querytext import query_text

    files = list(files)
    source = query_text(text)
    if not answerable(source, fmt):
        return None
    where = ox.DefaultGraph()
    key = cache_key(files) if use_cache else None
    if key is not None:
        cached = open_cached(key)
        if cached is not None:
            store, warned = cached
            for message in warned:
                _warn_again(message)
            found = answer_from(
                store, where, source, fmt=fmt, lang=lang, timeout=timeout, terminal=terminal
            )
            # None: an error the full path words, or an entry that broke while read.
            return found
    store, faithful, warned = _parse(files)
    if not faithful:
        return None  # literals Oxigraph would rewrite (1.0 as 1): rdflib answers as before
    found = answer_from(
        store, where, source, fmt=fmt, lang=lang, timeout=timeout, terminal=terminal
    )
    if key is not None:
        save_later(store, key, files, warned)
    return found


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
