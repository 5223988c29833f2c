"""How long the viewer takes to build and to open, on synthetic concept maps of growing size.

Run: python scripts/bench_viewer.py [--sizes 128,1000,5000,20000] [--browser]
         [--renderers vis,webgl] [--top 2000] [--baseline REV] [--floor] [--trace]
         [--chromium-flags '--use-angle=swiftshader']
     python scripts/bench_viewer.py --build-phases 5000
     python scripts/bench_viewer.py --projection-ab 50000
     python scripts/bench_viewer.py --viz-ab 50000 [--top 2000]
     python scripts/bench_viewer.py --viz 50000 [--top 2000] [--repeat 3]

Each graph has N skos:Concepts with English and Chinese labels, a definition, a type, and about
2.3 relations per concept (a preferential-attachment tree plus random links, fixed seed), so it is
shaped like the bundled map; 128 is the bundled map itself. Above 2,000 concepts the page is cut by
meaning (``top=2000``), as ``qegraph build`` does. Prints the time of ``qegraph.viz`` (projection,
layouts, page) and the page size; with --browser also, in headless Chromium at 1400x860, the time
until the page has drawn, until a wheel turn sent then is answered by a frame (interactive), the
median and 95th percentile frame while a mouse drags the map and the page's own work in it, the
labels drawn, and how long "only contrasts" and the switch to Chinese take until the next frame
is drawn. --baseline REV times the WebGL page again with the page script of git revision REV
(before/after in one run); --floor times the drag with the graph emptied (what the canvases cost
without anything drawn on them); --trace records a Chromium trace of each drag and prints, per
frame, the JavaScript, the read-back of the WebGL canvases and the GPU process's work.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, SKOS

from qegraph import load, viz
from qegraph.resources import ontology_dir
from qegraph.viewer import MAX_NODES

QE = Namespace("https://w3id.org/qegraph/")
EX = Namespace("https://example.org/bench/")
TYPES = [QE.Competency, QE.Practice, QE.TeachingMethod, QE.Outcome, QE.Dimension, QE.Goal]
PREDICATES = [QE.develops, QE.requires, QE.involves, QE.includes, QE.emphasises, SKOS.related]


def synthetic(n: int, seed: int = 7) -> Graph:
    rng = random.Random(seed)
    graph = load([ontology_dir() / "schema.ttl"], bundled=False)
    nodes = [EX[f"c{i}"] for i in range(n)]
    for i, node in enumerate(nodes):
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, RDF.type, rng.choice(TYPES)))
        graph.add((node, SKOS.prefLabel, Literal(f"concept {i}", lang="en")))
        graph.add((node, SKOS.prefLabel, Literal(f"概念{i}", lang="zh-Hans")))
        graph.add((node, SKOS.definition, Literal(f"Synthetic concept number {i}.", lang="en")))
    targets: list[int] = [0]
    for i in range(1, n):
        j = rng.choice(targets)
        graph.add((nodes[i], rng.choice(PREDICATES), nodes[j]))
        targets += [i, j]
    for _ in range(int(n * 1.3)):
        a, b = rng.randrange(n), rng.randrange(n)
        if a != b:
            graph.add((nodes[a], rng.choice(PREDICATES), nodes[b]))
    return graph


# The page's "a frame was drawn" event: vis-network's afterDrawing, sigma's afterRender.
HOOKS = """() => {
    const v = window.qegraphViewer;
    if (v.renderer) {
        return {on: (f) => v.renderer.on('afterRender', f),
                off: (f) => v.renderer.off('afterRender', f),
                before: (f) => v.renderer.on('beforeRender', f),
                unbefore: (f) => v.renderer.off('beforeRender', f),
                redraw: () => v.renderer.refresh()};
    }
    return {on: (f) => v.network.on('afterDrawing', f),
            off: (f) => v.network.off('afterDrawing', f),
            before: (f) => v.network.on('beforeDrawing', f),
            unbefore: (f) => v.network.off('beforeDrawing', f),
            redraw: () => v.network.redraw()};
}"""
RECORD_FRAMES = """() => {
    const hooks = (HOOKS)();
    window.qeFrames = []; window.qeWork = []; let last = null, began = null;
    window.qeBegin = () => { began = performance.now(); };
    window.qeTick = () => { const now = performance.now();
        if (last !== null) { window.qeFrames.push(now - last); } last = now;
        if (began !== null) { window.qeWork.push(now - began); } };
    hooks.before(window.qeBegin);
    hooks.on(window.qeTick);
}""".replace("HOOKS", HOOKS)
STOP_FRAMES = """() => {
    const hooks = (HOOKS)();
    hooks.off(window.qeTick);
    hooks.unbefore(window.qeBegin);
    const median = (xs) => {
        const f = xs.slice().sort((a, b) => a - b);
        return f.length ? f[Math.floor(f.length / 2)] : null;
    };
    return [median(window.qeFrames), median(window.qeWork)];
}""".replace("HOOKS", HOOKS)
LATENCY = """async (what) => {
    const v = window.qegraphViewer, hooks = (HOOKS)();
    const actions = {filter: () => v.onlyOpposes(), reset: () => v.reset(),
                     language: () => v.setLanguage('zh-Hans')};
    const t0 = performance.now();
    let tick;
    const done = new Promise(r => { tick = r; hooks.on(tick); });
    actions[what]();
    hooks.redraw();
    await done;
    hooks.off(tick);
    return performance.now() - t0;
}""".replace("HOOKS", HOOKS)


TIMED_DRAG = """() => {
    const sorted = (xs) => xs.slice().sort((a, b) => a - b);
    const f = sorted(window.qeFrames), w = sorted(window.qeWork);
    const at = (xs, q) => xs.length ? xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] : null;
    return [at(f, 0.5), at(f, 0.95), at(w, 0.5), (window.__qegraphLabelBoxes || []).length];
}"""
ANSWERED = """() => {
    const hooks = (HOOKS)();
    window.qeAnswered = false;
    const tick = () => { hooks.off(tick); window.qeAnswered = true; };
    hooks.on(tick);
}""".replace("HOOKS", HOOKS)


def _swap_script(path: Path, rev: str) -> Path:
    """A copy of the WebGL page at ``path`` whose page script is viewer-gl.js as it was at git
    revision ``rev`` (same data, same sigma): the "before" of a before/after in one run. The
    script's CSP hash no longer matches, so it is opened with the CSP bypassed."""
    import subprocess

    import qegraph

    templates = Path(qegraph.__file__).parent / "templates"
    current = (templates / "viewer-gl.js").read_text(encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    before = subprocess.run(
        ["git", "show", f"{rev}:src/qegraph/templates/viewer-gl.js"],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    html = path.read_text(encoding="utf-8")
    if current not in html:
        raise SystemExit(f"{path}: the page script is not viewer-gl.js of this tree")
    out = path.with_name(f"{path.stem}-{rev.replace('/', '_')}.html")
    out.write_text(html.replace(current, before), encoding="utf-8")
    return out


#: Trace events that say where a frame of the drag goes (summed over the drag, per frame).
TRACED = {
    "JavaScript (FunctionCall)": "FunctionCall",
    "renderer: WebGL canvases read back (GLES2::ReadPixels)": "GLES2::ReadPixels",
    "GPU process: SwiftShader finishing queued draws (ContextVk::finishImpl)": (
        "ContextVk::finishImpl"
    ),
    "GPU process: software compositing (SoftwareRenderer::DoDrawQuad)": (
        "SoftwareRenderer::DoDrawQuad"
    ),
}


def _trace_summary(trace: Path, frames: int) -> None:
    """Milliseconds per drag frame of each event of TRACED, from a Chromium trace file."""
    import json

    events = json.loads(trace.read_text(encoding="utf-8"))
    events = events["traceEvents"] if isinstance(events, dict) else events
    for label, name in TRACED.items():
        total = sum(e.get("dur", 0) for e in events if e.get("ph") == "X" and e["name"] == name)
        print(f"    {label:<74} {total / 1000 / max(frames, 1):7.1f} ms/frame")


def browser_metrics(
    path: Path, flags: list[str] | None = None, empty: bool = False, trace: bool = False
) -> dict[str, float]:
    """Time to a drawn page, time to interactive (a wheel turn sent when the page has drawn is
    answered by a frame), the median and 95th percentile frame while a mouse drags the map,
    the labels drawn, and how long a filter and the language switch take until the next frame
    is drawn. ``flags`` are Chromium switches added to the defaults; ``empty`` clears the graph
    before the drag (the frame time of the page's canvases alone: the floor)."""
    from playwright.sync_api import sync_playwright

    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        *(flags or []),
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page(viewport={"width": 1400, "height": 860}, bypass_csp=True)
        start = time.perf_counter()
        page.goto(path.resolve().as_uri())
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=180_000)
        ready = time.perf_counter() - start
        box = page.locator("#qe-network").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.evaluate(ANSWERED)
        page.mouse.move(x, y)
        page.mouse.wheel(0, -100)
        page.wait_for_function("() => window.qeAnswered", polling=10, timeout=60_000)
        interactive = time.perf_counter() - start
        page.wait_for_timeout(800)  # the wheel's zoom glides
        if empty:
            page.evaluate("() => window.qegraphViewer.graph.clear()")
            page.wait_for_timeout(200)
        page.evaluate(RECORD_FRAMES)
        traced = path.with_suffix(".trace.json")
        if trace:
            categories = ["devtools.timeline", "gpu", "viz", "cc", "toplevel", "gpu.angle"]
            browser.start_tracing(page=page, path=str(traced), categories=categories)
        page.mouse.move(x, y)
        page.mouse.down()
        for step in range(1, 31):
            page.mouse.move(x + step * 10, y + step * 5)
            # Let the page draw between moves, as under a real mouse (sigma draws once a frame).
            page.wait_for_timeout(16)
        pan, p95, work, _ = page.evaluate(TIMED_DRAG)
        if trace:
            browser.stop_tracing()
            _trace_summary(traced, len(page.evaluate("() => window.qeFrames")))
        page.mouse.up()
        page.wait_for_timeout(300)
        page.evaluate(STOP_FRAMES)
        labels = page.evaluate(TIMED_DRAG)[3]
        metrics = {}
        if not empty:
            metrics = {w: page.evaluate(LATENCY, w) for w in ("filter", "reset", "language")}
        browser.close()
    return {
        "ready": ready,
        "interactive": interactive,
        "pan": pan,
        "p95": p95,
        "work": work,
        "labels": labels,
        **metrics,
    }


def projection_ab(n: int) -> None:
    """The two projection steps made faster for big graphs, old way against new, on ``n``
    synthetic concepts: three runs each, the fastest printed."""
    from rdflib.namespace import RDF as RDF_NS

    from qegraph.projection import _subject_objects, degree, project, undirected

    graph = synthetic(n)
    G = project(graph)
    properties = (SKOS.prefLabel, SKOS.definition, RDF_NS.type)
    steps = {
        "reads, rdflib subject_objects": lambda: [
            None for p in properties for _ in graph.subject_objects(p)
        ],
        "reads, store index": lambda: [
            None for p in properties for _ in _subject_objects(graph, p)
        ],
        "degree, undirected nx.Graph": lambda: dict(undirected(G).degree()),
        "degree, canonical pairs": lambda: degree(G),
    }
    best: dict[str, float] = {}
    for _ in range(3):
        for name, step in steps.items():
            start = time.perf_counter()
            step()
            elapsed = time.perf_counter() - start
            best[name] = min(best.get(name, elapsed), elapsed)
    for name, elapsed in best.items():
        print(f"{name:<32} {elapsed:8.2f} s")


OLD_VIZ = """import sys
from qegraph import load, viz
viz(load([sys.argv[1]]), top=int(sys.argv[2])).write(sys.argv[3])
"""


def _map_file(n: int, top: int) -> tuple[Path, Path]:
    """A new scratch folder and, in it, the synthetic map of ``n`` concepts as N-Triples."""
    folder = Path(tempfile.mkdtemp())
    data = folder / f"map-{n}.nt"
    graph = synthetic(n)
    graph.serialize(data, format="nt", encoding="utf-8")
    print(f"{n:,} concepts, {len(graph):,} triples in {data.name}; --top {top}")
    return folder, data


def viz_ab(n: int, top: int) -> None:
    """``qegraph --data FILE viz --top K`` (Oxigraph parser, cut on integer edges, only the kept
    concepts projected) against what it ran before (rdflib parse, whole projection, cut), each a
    whole process on the same N-Triples file of ``n`` synthetic concepts; checks the two pages
    are the same bytes."""
    import subprocess
    import sys

    folder, data = _map_file(n, top)
    runs = {
        "before: rdflib load + projection": [sys.executable, "-c", OLD_VIZ, str(data), str(top)],
        "after: qegraph --data FILE viz": [
            sys.executable,
            "-m",
            "qegraph",
            "--data",
            str(data),
            "viz",
            "--top",
            str(top),
        ],
    }
    times = {}
    pages = {}
    for name, command in runs.items():
        out = folder / f"{len(pages)}.html"
        command = [*command, str(out)] if "-c" in command else [*command, "-o", str(out)]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times[name] = time.perf_counter() - start
        pages[name] = out.read_bytes()
        print(f"{name:<36} {times[name]:8.2f} s", flush=True)
    before, after = times.values()
    print(f"ratio before/after: {before / after:.1f}x")
    print(f"same page bytes: {len(set(pages.values())) == 1}")


def viz_time(n: int, top: int, repeat: int) -> None:
    """``qegraph --data FILE viz --top K`` alone, each run its own process, on the N-Triples file
    of ``n`` synthetic concepts: wall clock and CPU time (the process and its children) per run,
    then the median wall clock; against the 10 s target of issue 15."""
    import os
    import statistics
    import subprocess
    import sys

    folder, data = _map_file(n, top)
    command = [sys.executable, "-m", "qegraph", "--data", str(data), "viz", "--top", str(top)]
    walls = []
    for run in range(1, repeat + 1):
        load = os.getloadavg()[0]
        start = time.perf_counter()
        proc = subprocess.Popen(
            [*command, "-o", str(folder / "page.html")], stdout=subprocess.DEVNULL
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"viz failed with exit code {os.waitstatus_to_exitcode(status)}")
        walls.append(wall)
        cpu = usage.ru_utime + usage.ru_stime
        print(f"run {run}: {wall:6.2f} s wall, {cpu:6.2f} s CPU (load average {load:.1f})")
    print(f"median wall clock: {statistics.median(walls):.2f} s (target < 10 s)")


def build_phases(n: int) -> None:
    """Where ``qegraph --data EXTRA build`` spends its time, step by step, with ``n`` synthetic
    concepts added to the bundled graph (the same steps, in the order ``build`` runs them).
    Validation is also split into its three parts; each line gives wall time and this
    process's CPU time (on a shared machine the CPU time is the steadier figure)."""
    from rdflib import Graph as RDFGraph

    from qegraph import validation
    from qegraph.analysis import analyze
    from qegraph.exporting import serialize
    from qegraph.ontodoc import render_docs_pages

    extra = synthetic(n)
    schema = load([ontology_dir() / "schema.ttl"], bundled=False)
    folder = Path(tempfile.mkdtemp())
    data = RDFGraph()
    for triple in extra:
        if triple not in schema:
            data.add(triple)
    data.serialize(folder / "extra.ttl", format="turtle")

    def phase(name: str, action):  # type: ignore[no-untyped-def]
        start, cpu = time.perf_counter(), time.process_time()
        result = action()
        wall, used = time.perf_counter() - start, time.process_time() - cpu
        print(f"{name:<24} {wall:8.1f} s wall {used:8.1f} s CPU", flush=True)
        return result

    graph = phase("load", lambda: load([folder / "extra.ttl"]))
    report = validation.ValidationReport()
    phase("validate: SHACL", lambda: validation._shacl(graph, report))
    phase("validate: OWL RL", lambda: validation._owl_rl(graph, report))
    phase("validate: check queries", lambda: validation._checks(graph, report))
    phase("validation reports", lambda: (report.render("text"), report.render("json")))
    phase("serialize turtle", lambda: serialize(graph, "turtle"))
    phase("serialize json-ld", lambda: serialize(graph, "jsonld"))
    phase("analyze", lambda: analyze(graph))
    phase("viz (cut to 2,000)", lambda: viz(graph, top=MAX_NODES, docs_href="docs/index.html"))
    pages = phase("docs", lambda: render_docs_pages(graph, viewer_href="../viewer.html"))
    sizes = sorted(len(page.encode()) for page in pages.values())
    print(
        f"docs: {len(pages)} page(s), {sum(sizes) / 1024 / 1024:.1f} MB in all, "
        f"largest {sizes[-1] / 1024 / 1024:.1f} MB; {len(report.findings)} findings"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="128,1000,5000,20000")
    parser.add_argument("--browser", action="store_true", help="also time Chromium drawing it")
    parser.add_argument(
        "--renderers",
        default="vis,webgl",
        help="pages to build and time: vis (vis-network), webgl (sigma.js), or both",
    )
    parser.add_argument(
        "--top", type=int, default=MAX_NODES, help="cut bigger graphs to this many concepts"
    )
    parser.add_argument(
        "--build-phases",
        type=int,
        metavar="N",
        help="instead: time each step of qegraph build with N extra concepts",
    )
    parser.add_argument(
        "--projection-ab",
        type=int,
        metavar="N",
        help="instead: time the projection's reads and degree, old way against new, at N concepts",
    )
    parser.add_argument(
        "--viz-ab",
        type=int,
        metavar="N",
        help="instead: time qegraph viz --top on N concepts, before and after issue 15",
    )
    parser.add_argument(
        "--viz",
        type=int,
        metavar="N",
        help="instead: time qegraph --data FILE viz --top on N concepts (--repeat runs)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of --viz (median kept)")
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also time the WebGL page with viewer-gl.js of git revision REV (before/after)",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also time the drag on the WebGL page with its graph emptied (the canvases alone)",
    )
    parser.add_argument(
        "--trace",
        action="store_true",
        help="also record a Chromium trace of each drag and print where its frames go",
    )
    parser.add_argument(
        "--chromium-flags", default="", help="extra Chromium switches, e.g. '--use-gl=swiftshader'"
    )
    args = parser.parse_args()
    if args.viz:
        print(
            f"command: python scripts/bench_viewer.py --viz {args.viz} --top {args.top} "
            f"--repeat {args.repeat}"
        )
        viz_time(args.viz, args.top, args.repeat)
        return
    if args.viz_ab:
        print(f"command: python scripts/bench_viewer.py --viz-ab {args.viz_ab} --top {args.top}")
        viz_ab(args.viz_ab, args.top)
        return
    if args.projection_ab:
        print(f"command: python scripts/bench_viewer.py --projection-ab {args.projection_ab}")
        projection_ab(args.projection_ab)
        return
    if args.build_phases:
        print(f"command: python scripts/bench_viewer.py --build-phases {args.build_phases}")
        build_phases(args.build_phases)
        return
    flags = args.chromium_flags.split() if args.chromium_flags else []
    print(
        f"command: python scripts/bench_viewer.py --sizes {args.sizes} --renderers "
        f"{args.renderers} --top {args.top}"
        + (" --browser" if args.browser else "")
        + (f" --baseline {args.baseline}" if args.baseline else "")
        + (" --floor" if args.floor else "")
        + (" --trace" if args.trace else "")
        + (f" --chromium-flags '{args.chromium_flags}'" if args.chromium_flags else "")
    )
    print(
        f"{'concepts':>8} {'page':>14} {'drawn':>6} {'edges':>7} {'viz (s)':>8} {'size':>8} "
        f"{'ready (s)':>9} {'tti (s)':>8} {'pan (ms)':>9} {'p95 (ms)':>9} {'work (ms)':>9} "
        f"{'labels':>6} {'filter (ms)':>11} {'lang (ms)':>9}"
    )
    folder = Path(tempfile.mkdtemp())
    viz(load(), top=10)  # warm up: imports and templates are not what is measured
    for n in (int(s) for s in args.sizes.split(",")):
        # 128 is the bundled map itself; other sizes are synthetic, cut to the page limit.
        graph = load() if n == 128 else synthetic(n)
        for renderer in args.renderers.split(","):
            start = time.perf_counter()
            page = viz(graph, top=args.top, max_nodes=max(args.top, MAX_NODES), renderer=renderer)
            elapsed = time.perf_counter() - start
            path = page.write(folder / f"bench-{n}-{renderer}.html")
            size = f"{len(page.html.encode()) / 1024 / 1024:.1f} MB"
            # The page, then (WebGL) the same page with the page script of --baseline, then the
            # floor: the same page with its graph emptied before the drag.
            runs = [(renderer, path, False)]
            if renderer == "webgl" and args.baseline:
                runs.append(
                    (f"webgl@{args.baseline}"[:14], _swap_script(path, args.baseline), False)
                )
            if renderer == "webgl" and args.floor:
                runs.append(("webgl, empty", path, True))
            for name, where, empty in runs:
                cells = ["-"] * 8
                if args.browser:
                    m = browser_metrics(where, flags, empty=empty, trace=args.trace)
                    cells = [
                        f"{m['ready']:.2f}",
                        f"{m['interactive']:.2f}",
                        *(
                            f"{m[k]:.1f}" if m[k] is not None else "-"
                            for k in ("pan", "p95", "work")
                        ),
                        str(m["labels"]),
                        *(f"{m[k]:.0f}" if k in m else "-" for k in ("filter", "language")),
                    ]
                widths = (9, 8, 9, 9, 9, 6, 11, 9)
                print(
                    f"{n:>8} {name:>14} {page.nodes:>6} {page.edges:>7} {elapsed:8.2f} {size:>8} "
                    + " ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)),
                    flush=True,
                )


if __name__ == "__main__":
    main()
