"""Validate a graph three ways: SHACL shapes, OWL RL consistency, and the quality-check queries.

The three catch different faults: SHACL checks the shape of each resource (labels, definitions,
provenance, metadata); the OWL RL closure finds individuals that end up in two disjoint classes
(a concept on both the quality and the exam-oriented side); the ``*-violation.rq`` queries check
graph-wide rules (duplicate labels, undeclared IRIs, edges without a claim).

>>> from qegraph import load
>>> report = validate(load())
>>> report.conforms, len(report.findings)
(True, 0)
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from .concepts import curie, label
from .namespaces import bind_prefixes, sparql_prologue
from .resources import check_files, shapes_file

__all__ = ["Finding", "ValidationReport", "check_descriptions", "validate"]


@dataclass(frozen=True)
class Finding:
    """One problem: which rule found it, where, and what exactly is wrong."""

    source: str  # "shacl", "owl-rl" or "check"
    rule: str  # the shape message, the OWL RL rule, or the check's name
    focus: str  # IRI (or blank node id) of the offending resource; "" when graph-wide
    focus_label: str
    detail: str = ""


@dataclass
class ValidationReport:
    """The outcome of :func:`validate`; ``conforms`` is true when there are no findings."""

    findings: list[Finding] = field(default_factory=list)
    rules_checked: list[str] = field(default_factory=list)
    shacl_graph: Graph | None = field(default=None, repr=False)

    @property
    def conforms(self) -> bool:
        return not self.findings

    def by_rule(self) -> dict[tuple[str, str], list[Finding]]:
        """Findings grouped by (source, rule), in a stable order."""
        groups: dict[tuple[str, str], list[Finding]] = {}
        for finding in sorted(self.findings, key=lambda f: (f.source, f.rule, f.focus, f.detail)):
            groups.setdefault((finding.source, finding.rule), []).append(finding)
        return groups

    def render(self, fmt: str = "text") -> str:
        """The report as ``text`` (grouped by rule, with labels), ``json``, or ``turtle``."""
        if fmt == "json":
            return (
                json.dumps(
                    {
                        "conforms": self.conforms,
                        "rules_checked": self.rules_checked,
                        "findings": [asdict(f) for f in self.findings],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
                + "\n"
            )
        if fmt == "turtle":
            graph = self.shacl_graph if self.shacl_graph is not None else Graph()
            return bind_prefixes(graph).serialize(format="turtle")
        return self._render_text()

    def _render_text(self) -> str:
        total = len(self.rules_checked)
        if self.conforms:
            return (
                f"Conforms: yes. {total} rules checked (SHACL shapes, OWL RL consistency, "
                "quality-check queries); no problems found.\n"
            )
        count = len(self.findings)
        problems = "1 problem" if count == 1 else f"{count} problems"
        lines = [f"Conforms: no. {problems} found by {total} rules checked.", ""]
        for (source, rule), findings in self.by_rule().items():
            lines.append(f"[{source}] {rule} ({len(findings)})")
            for finding in findings:
                where = finding.focus_label or "(graph)"
                detail = f": {finding.detail}" if finding.detail else ""
                lines.append(f"  - {where}{detail}")
            lines.append("")
        return "\n".join(lines)


def check_descriptions() -> dict[str, str]:
    """Each quality-check query's name and what it finds (from its first comment line).

    >>> check_descriptions()["missing-label"]
    'a concept without a skos:prefLabel in English (@en) or Simplified Chinese (@zh-Hans).'
    """
    descriptions = {}
    for path in check_files():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        name = path.name.removesuffix("-violation.rq")
        descriptions[name] = first.split(":", 1)[1].strip() if ":" in first else first
    return descriptions


def _describe(graph: Graph, node: Any) -> tuple[str, str]:
    if isinstance(node, URIRef):
        text = curie(node)
        name = label(graph, node)
        return str(node), text if name == text else f"{text} ({name})"
    if isinstance(node, Literal):
        return "", json.dumps(str(node), ensure_ascii=False)
    return str(node), f"_:{node}" if node is not None else ""


def _shacl(graph: Graph, report: ValidationReport) -> None:
    import pyshacl

    from .loading import parse_into

    shapes = parse_into(Graph(), shapes_file())
    report.rules_checked += sorted(
        f"shape {curie(s)}" for s in shapes.subjects(RDF.type, SH.NodeShape)
    )
    # Not inplace=True: it would save pySHACL's copy of the graph (4 % of its time at 5,000
    # concepts) but changes the order of the findings, which follows the copy's triple order.
    _conforms, results, _text = pyshacl.validate(
        graph, shacl_graph=shapes, advanced=True, inference="none", allow_warnings=True
    )
    report.shacl_graph = results
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        shape = results.value(result, SH.sourceShape)
        rule = str(message) if message is not None else f"violates {curie(shape)}"
        iri, where = _describe(graph, focus)
        detail = ""
        if value is not None and "{" not in rule:
            detail = f"value {_describe(graph, value)[1] or value}"
        report.findings.append(Finding("shacl", rule, iri, where, detail))


def _owl_rl(graph: Graph, report: ValidationReport) -> None:
    from .reasoning import owl_rl_semantics, resolve_vocabulary

    resolve_vocabulary()
    report.rules_checked.append("OWL RL consistency (disjoint classes, irreflexive properties)")
    # rdflib's context-free store: the closure asks "is this triple there?" about 125,000 times
    # on the bundled graph, and the default store works out the triple's contexts each time.
    closure_graph = Graph(store="SimpleMemory")
    closure_graph += graph
    closure = owl_rl_semantics()(closure_graph, False, False, False)
    closure.closure()
    for message in closure.error_messages:
        words = str(message).split()
        focus = URIRef(words[-1]) if words and words[-1].startswith("http") else None
        iri, where = _describe(graph, focus)
        short = " ".join(curie(w) if w.startswith("http") else w for w in words)
        report.findings.append(Finding("owl-rl", short, iri, where))


def _checks(graph: Graph, report: ValidationReport, engine: str = "oxigraph") -> None:
    descriptions = check_descriptions()
    run = _OxigraphChecks(graph) if engine == "oxigraph" else _rdflib_rows
    for path in check_files():
        name = path.name.removesuffix("-violation.rq")
        report.rules_checked.append(f"check {name}")
        text = path.read_text(encoding="utf-8")
        for values in run(graph, sparql_prologue(text) + text):
            focus = values.pop("resource", None)
            iri, where = _describe(graph, focus)
            detail = ", ".join(
                f"{key}={_describe(graph, value)[1] or value}"
                for key, value in sorted(values.items())
            )
            report.findings.append(
                Finding("check", f"{name}: {descriptions[name]}", iri, where, detail)
            )


def _rdflib_rows(graph: Graph, query: str) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.asdict().items()} for row in graph.query(query)]


class _OxigraphChecks:
    """Runs the check queries in an in-memory Oxigraph store holding ``graph``.

    The same rows as rdflib's engine (tested), in a fraction of the time: the undeclared-IRI
    check, a union over every position of every triple, takes seconds in rdflib and
    milliseconds here. Blank nodes come back as the graph's own ``BNode`` objects.
    """

    def __init__(self, graph: Graph) -> None:
        import pyoxigraph as ox

        from .terms import to_oxigraph

        self.back: dict[Any, Any] = {}
        blank: dict[Any, Any] = {}

        def forward(term: Any) -> Any:
            converted = to_oxigraph(term, blank)
            if isinstance(converted, ox.BlankNode):
                self.back[converted] = term
            return converted

        self.store = ox.Store()
        self.store.bulk_extend(
            ox.Quad(forward(s), forward(p), forward(o), ox.DefaultGraph()) for s, p, o in graph
        )

    def __call__(self, _graph: Graph, query: str) -> list[dict[str, Any]]:
        from .oxrdf import from_ox

        solutions = self.store.query(query)
        names = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            row = {}
            for name, value in zip(names, solution, strict=True):
                if value is not None:
                    row[name] = self.back.get(value) or from_ox(value)
            rows.append(row)
        return rows


def validate(
    graph: Graph, *, rules: Iterable[str] = ("shacl", "owl-rl", "checks")
) -> ValidationReport:
    """Run the SHACL shapes, the OWL RL consistency check and the quality-check queries.

    Parameters
    ----------
    graph:
        The graph to check, usually ``qegraph.load(user_files)``; it is not modified.
    rules:
        Which families to run; all three by default.

    Returns
    -------
    ValidationReport
        ``conforms`` is true when no rule found a problem; ``render()`` prints it.
    """
    report = ValidationReport()
    wanted = set(rules)
    if "shacl" in wanted:
        _shacl(graph, report)
    if "owl-rl" in wanted:
        _owl_rl(graph, report)
    if "checks" in wanted:
        _checks(graph, report)
    return report
