"""Work on a second core (qegraph.apart), and the exports that use it: a Turtle export writes half
its statements in a forked child and the parse-back check reads half the text there; the bytes,
and every error, are those of one process alone."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from qegraph import ExportError, exporting
from qegraph.apart import cores, start_apart
from qegraph.exporting import DataFiles, serialize
from tests.conftest import FIXTURES


def _both(monkeypatch, produce):
    """``produce()`` in one process, then with the work shared with a child from the first line."""
    monkeypatch.setattr(exporting, "_APART_LINES", 10**12)
    monkeypatch.setattr(exporting, "_APART_BYTES", 10**12)
    alone = produce()
    monkeypatch.setattr(exporting, "_APART_LINES", 1)
    monkeypatch.setattr(exporting, "_APART_BYTES", 1)
    # Another thread would keep the child from starting, and the comparison would be of one
    # process with itself.
    assert threading.active_count() == 1, threading.enumerate()
    return alone, produce()


def _error(produce) -> str:
    with pytest.raises(ExportError) as caught:
        produce()
    return str(caught.value)


def test_the_answer_comes_from_another_process() -> None:
    waiting = start_apart(os.getpid, name="qegraph-test")
    if cores() < 2:  # one core: nothing is started, the caller works alone
        assert waiting is None
        return
    assert waiting is not None
    assert waiting() not in (None, os.getpid())


def test_no_child_is_forked_while_another_thread_runs() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait, name="qegraph-test-other")
    other.start()
    try:
        assert start_apart(os.getpid, name="qegraph-test") is None
    finally:
        release.set()
        other.join()
    if cores() >= 2:  # the thread gone, a child starts again
        waiting = start_apart(os.getpid, name="qegraph-test")
        assert waiting is not None and waiting() != os.getpid()


@pytest.mark.skipif(cores() < 2, reason="one core: start_apart starts no child")
def test_a_child_that_dies_or_fails_answers_none_and_prints_nothing(capfd) -> None:
    killed = start_apart(lambda: os.kill(os.getpid(), signal.SIGKILL), name="qegraph-test")
    assert killed is not None and killed() is None
    failing = start_apart(lambda: 1 / 0, name="qegraph-test")
    assert failing is not None and failing() is None
    assert capfd.readouterr().err == ""


@pytest.mark.skipif(cores() < 2, reason="one core: start_apart starts no child")
def test_ctrl_c_while_waiting_stops_the_child() -> None:
    before = set(multiprocessing.active_children())
    waiting = start_apart(lambda: time.sleep(60), name="qegraph-test")
    (child,) = set(multiprocessing.active_children()) - before

    def interrupt(*_args) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            waiting()
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < 10
    assert not child.is_alive()


def test_output_buffered_before_the_child_is_written_once(tmp_path) -> None:
    """The child leaves without the exit handlers, which would flush the parent's buffered
    output a second time."""
    script = (
        "import sys\n"
        "from qegraph.apart import start_apart\n"
        "print('before')\n"  # still in the buffer: stdout is a pipe
        "waiting = start_apart(lambda: 42, name='qegraph-test')\n"
        "print(waiting() if waiting else 42)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout == "before\n42\n"


def _tangled(path: Path, subjects: int = 400) -> Path:
    """IRI subjects that nest blank nodes (some deeper than Turtle nests), lists, blank nodes
    shared by two subjects, rings of blank nodes reached from nowhere, and newlines in text."""
    lines = []
    for i in range(subjects):
        s = f"<urn:x:s{i:04d}>"
        lines.append(f'{s} <urn:x:label> "line one\\nline two {i}" .')
        lines.append(f"{s} <urn:x:note> _:n{i} .")
        lines.append(f'_:n{i} <urn:x:text> "note {i}"@en .')
        lines.append(f"{s} <urn:x:list> _:l{i}a .")
        lines.append(f"_:l{i}a <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> <urn:x:a> .")
        lines.append(f"_:l{i}a <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> _:l{i}b .")
        lines.append(f'_:l{i}b <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> "b{i}" .')
        rest = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>"
        lines.append(f"_:l{i}b <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> {rest} .")
        lines.append(f"{s} <urn:x:shared> _:shared{i // 2} .")
        lines.append(f"_:r{i}a <urn:x:next> _:r{i}b .")
        lines.append(f"_:r{i}b <urn:x:next> _:r{i}a .")
    for depth in range(260):  # a chain past the nesting limit, from the last subject
        lines.append(f"_:d{depth} <urn:x:deeper> _:d{depth + 1} .")
        lines.append(f'_:d{depth} <urn:x:n> "{depth}" .')
    lines.append(f"<urn:x:s{subjects - 1:04d}> <urn:x:chain> _:d0 .")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("source", ["tangled", "bnode-cycle", "small", "bundled"])
def test_turtle_and_its_check_apart_give_the_same_bytes(source, tmp_path, monkeypatch) -> None:
    files = {
        "tangled": [_tangled(tmp_path / "tangled.nt")],
        "bnode-cycle": [FIXTURES / "export-bnode-cycle.ttl"],
        "small": [FIXTURES / "export-small.ttl"],
        "bundled": [],
    }[source]
    data = DataFiles(files, bundled=source == "bundled")
    for fmt in ("turtle", "nt"):
        alone, apart = _both(monkeypatch, lambda fmt=fmt: serialize(data, fmt))
        assert apart == alone, fmt
    if source == "tangled":
        assert alone.count(b"\n") == 400 * 11 + 260 * 2 + 1


_PREFIXES = exporting._prefix_block().encode()


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("turtle", _PREFIXES + b"\n" + b"\n".join(b"qe:s%d qe:p 1 .\n" % i for i in range(50))),
        ("nt", b"".join(b"<urn:x:s%d> <urn:x:p> <urn:x:o> .\n" % i for i in range(50))),
    ],
)
def test_a_bad_half_is_reported_as_the_whole_text_reports_it(fmt, text, monkeypatch) -> None:
    broken = text[: len(text) * 3 // 4] + b"<urn:x:unclosed\n" + text[len(text) * 3 // 4 :]

    def failing(data: bytes, expected: int):
        return lambda: _error(lambda: exporting._verify_rdf(data, fmt, expected, distinct=True))

    for data, expected, says in ((broken, 50, "does not parse back"), (text, 49, "instead of 49")):
        alone, apart = _both(monkeypatch, failing(data, expected))
        assert apart == alone and says in alone
    # The good text passes, whole and in halves.
    _both(monkeypatch, lambda: exporting._verify_rdf(text, fmt, 50, distinct=True))


def test_the_halves_are_cut_where_each_parses_alone() -> None:
    """Turtle is cut between statements (never inside a nested blank node or a list), and the
    second half gets the prefixes."""
    text = serialize(DataFiles([FIXTURES / "export-bnode-cycle.ttl"], bundled=False), "turtle")
    nested = b"\nqe:s%d qe:p [\n        qe:q ( 1 2 ) ;\n        qe:r 2\n    ] .\n"
    big = text + b"".join(nested % i for i in range(500))
    expected = exporting._stream_count(big, "turtle")
    assert expected is not None and expected > 500 * 6
    assert exporting._count_apart(big, "turtle") in (expected, None if cores() < 2 else expected)


def test_turtle_counted_where_it_is_written_still_fails_on_a_lost_triple(monkeypatch) -> None:
    """The halves are counted as they are written; a count that is not the graph's goes to
    the whole-text check, which fails with its usual words."""
    lines = sorted(b"<urn:x:s%d> <urn:x:p> <urn:x:o%d>" % (i, i % 7) for i in range(300))

    def write(expected: int):
        return lambda: exporting._turtle(list(lines), expected=expected)

    alone, apart = _both(monkeypatch, write(300))
    assert apart == alone and alone.count(b"\n<urn:x:s") == 300
    alone, apart = _both(monkeypatch, lambda: _error(write(301)))
    assert apart == alone and "parses back to 300 triples instead of 301" in alone
