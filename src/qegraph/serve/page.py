"""The query page at ``/query``: a SPARQL editor (CodeMirror 5 with its SPARQL mode, bundled in
``static/``, no CDN), the named competency questions as examples, the standard prefixes
pre-filled, and the answer as a table whose IRIs show their label in the chosen language with
links into the viewer and the documentation.

The page carries no inline script: its settings travel as JSON in a ``<script type=
"application/json">`` block (escaped so no text closes it), and the server sends a
Content-Security-Policy that allows only its own scripts.

>>> b"/static/codemirror.js" in query_page()
True
"""

from __future__ import annotations

import html
import json
from pathlib import Path

__all__ = ["STATIC_DIR", "query_page"]

#: The page's bundled assets, served at ``/static/``.
STATIC_DIR = Path(__file__).parent / "static"

_UI = {
    "running": "Running…",
    "done": "Done.",
    "row": "row",
    "rows": "rows",
    "truncated": "(cut at the row limit)",
    "viewer": "viewer",
    "docs": "docs",
}


def _json_for_html(data: object) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def query_page(endpoint: str = "/sparql") -> bytes:
    """The HTML of the query page, for an endpoint at ``endpoint``."""
    from ..namespaces import PREFIXES
    from ..sparql import named_queries

    examples = [{"name": q.name, "question": q.question, "text": q.text} for q in named_queries()]
    config = {"endpoint": endpoint, "prefixes": PREFIXES, "examples": examples, "ui": _UI}
    prologue = "".join(f"PREFIX {p}: &lt;{html.escape(iri)}&gt;\n" for p, iri in PREFIXES.items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>qegraph · SPARQL query</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/codemirror.css">
<link rel="stylesheet" href="/static/query.css">
</head><body>
<header><strong>qegraph SPARQL</strong> <a href="/">viewer</a> <a href="/docs/">documentation</a>
<a href="/status">status</a></header>
<main>
<div class="controls">
<label>Example <select id="qe-examples">
<option value="">— competency questions —</option></select></label>
<label>Labels <select id="qe-lang"><option value="en">English</option>
<option value="zh-Hans">中文</option></select></label>
<button id="run" type="button">Run (Ctrl-Enter)</button>
</div>
<p id="question"></p>
<textarea id="qe-query" aria-label="SPARQL query">{prologue}</textarea>
<p id="state" role="status"></p>
<div id="results"></div>
</main>
<script type="application/json" id="qe-config">{_json_for_html(config)}</script>
<script src="/static/codemirror.js"></script>
<script src="/static/sparql-mode.js"></script>
<script src="/static/query.js"></script>
</body></html>
""".encode()
