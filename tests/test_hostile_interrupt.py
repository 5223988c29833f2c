"""Ctrl-C during a long command exits with status 130 and leaves no partial output.

Real subprocesses receive a real SIGINT while they work: a query that never ends, and an export
of a large generated file. The file they were writing keeps its previous content and no
temporary file is left beside it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def interrupt_after(
    args: list[str], seconds: float, cwd: Path, *, writing: str | None = None
) -> subprocess.CompletedProcess:
    """Run qegraph, send SIGINT after ``seconds`` or, with ``writing``, once that file's
    temporary twin appears (the command is then mid-write, on a fast machine too)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "qegraph", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + (60 if writing else seconds)
    while time.monotonic() < deadline:
        if writing and list(cwd.glob(f".{writing}.*.tmp")):
            break
        time.sleep(0.002 if writing else 0.05)
    assert process.poll() is None, "the command ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def test_ctrl_c_during_a_query_exits_130_and_keeps_the_previous_output(tmp_path):
    target = tmp_path / "answer.csv"
    target.write_text("previous answer\n", encoding="utf-8")
    args = ["query", "-f", str(FIXTURES / "hostile-slow.rq"), "--timeout", "0", "-o", "answer.csv"]
    result = interrupt_after(args, 3.0, tmp_path)
    assert result.returncode == 130
    assert result.stderr == "Interrupted.\n"
    assert target.read_text(encoding="utf-8") == "previous answer\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answer.csv"]


def test_ctrl_c_during_an_export_exits_130_and_writes_nothing(tmp_path):
    data = tmp_path / "big.nt"
    # Big enough that the export is still writing when its temporary file appears: exports
    # stream from Oxigraph now, and 60,000 triples were done before a fixed 2.5 s signal came.
    with data.open("w", encoding="utf-8") as handle:
        for i in range(400_000):
            handle.write(f'<https://example.org/n{i}> <https://example.org/p> "v{i} 素质"@zh .\n')
    args = ["--data", "big.nt", "export", "--format", "turtle", "-o", "big.ttl"]
    result = interrupt_after(args, 0, tmp_path, writing="big.ttl")
    assert result.returncode == 130
    assert result.stderr == "Interrupted.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.nt"]
