"""What a qegraph command pays before its work: `python -c pass`, `qegraph --version`, one
`--store` query command, and one command with 1 and with 24 query files (the cost of each
further query in the same command). Optionally the same commands from another source tree
(``--before SRC``, e.g. the main branch exported with ``git archive main src | tar -x -C DIR``),
run alternately with this one so that both see the same machine load.

    python scripts/bench_floor.py --repeat 12 [--before /tmp/main/src]

Prints a Markdown table of medians: wall clock and CPU time (user + system of the command and
the children it waited for, the forked query child included).
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERY = "# Is quality education opposed to anything?\nASK { qe:quality-education qe:opposes ?x }\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=12)
    parser.add_argument("--before", default=None, help="another qegraph src folder to compare")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="qegraph-floor-"))
    try:
        return measure(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(args: argparse.Namespace, work: Path) -> int:
    py = sys.executable
    store = work / "store"
    subprocess.run([py, "-m", "qegraph", "--store", str(store), "load"], check=True)
    files: list[str] = []
    for index in range(1, 25):
        path = work / f"q{index:02d}.rq"
        path.write_text(QUERY, encoding="utf-8")
        files += ["-f", str(path)]
    compileall.compile_dir(str(ROOT / "src" / "qegraph"), quiet=1)  # as an installed package
    ask = ["--store", str(store), "query", "ASK {}", "--format", "csv"]
    commands: dict[str, tuple[list[str], dict[str, str] | None]] = {
        "`python -c pass`": ([py, "-c", "pass"], None)
    }
    trees = [("", None)]
    if args.before:
        compileall.compile_dir(str(Path(args.before) / "qegraph"), quiet=1)
        trees.insert(0, ("before: ", {**os.environ, "PYTHONPATH": args.before}))
    for label, env in trees:
        commands[f"{label}`qegraph --version`"] = ([py, "-m", "qegraph", "--version"], env)
        commands[f"{label}`qegraph --store S query 'ASK {{}}'`"] = (
            [py, "-m", "qegraph", *ask],
            env,
        )
    query = [py, "-m", "qegraph", "--store", str(store), "query", "--format", "csv"]
    commands["`query -f q01.rq` (1 file)"] = ([*query, *files[:2]], None)
    commands["`query -f q01.rq ... -f q24.rq` (24 files)"] = ([*query, *files], None)
    wall: dict[str, list[float]] = {k: [] for k in commands}
    cpu: dict[str, list[float]] = {k: [] for k in commands}
    load = os.getloadavg()[0]
    for _ in range(args.repeat):
        for key, (command, env) in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=env)
            wall[key].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[key].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    print(f"Load average (1 min) at the start and the end: {load:.2f}, {os.getloadavg()[0]:.2f}")
    print("\n| command | wall clock | CPU time |\n|---|---|---|")
    for key in commands:
        seconds = statistics.median(wall[key]), statistics.median(cpu[key])
        print(f"| {key} | {seconds[0]:.3f} s | {seconds[1]:.3f} s |")
    one, many = list(commands)[-2:]
    for name, times in (("wall clock", wall), ("CPU time", cpu)):
        extra = (statistics.median(times[many]) - statistics.median(times[one])) / 23
        print(f"\nEach further query in the same command: {extra * 1000:.1f} ms of {name}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
