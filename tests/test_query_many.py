"""``qegraph query`` with several queries in one command (ROBOT-style), and what a query command
costs before it runs anything: the modules its fast path imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qegraph.backends import StoreBackend

#: What ``qegraph --store S query`` must not import: rdflib and its parser, the graph and
#: viewer packages, and importlib.metadata (0.04 s; the version comes from qegraph._version).
FORBIDDEN = (
    "rdflib",
    "oxrdflib",
    "pyparsing",
    "networkx",
    "pyvis",
    "igraph",
    "importlib.metadata",
    "qegraph.sparql",
    "qegraph.formatting",
    "qegraph.loading",
    "qegraph.backends",
)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("many") / "store"
    StoreBackend(path).load()
    return path


def _imported(*args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "qegraph", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    names = [line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line]
    return done, names


def _forbidden(names: list[str]) -> list[str]:
    return [n for n in names if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)]


def test_store_query_fast_path_imports_stay_lean(store_dir: Path) -> None:
    done, names = _imported(
        "--store", str(store_dir), "query", "--name", "CQ-01", "--format", "csv"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("dimension,label,")
    assert "pyoxigraph" in names and "qegraph.oxstore" in names  # the walk saw the imports
    assert _forbidden(names) == []


def test_version_reads_no_package_metadata() -> None:
    from importlib.metadata import version

    done, names = _imported("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"qegraph, version {version('qegraph')}"
    assert "click" in names
    assert _forbidden(names) == []


# --- several queries in one command ------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"
SELECT = (
    "# Concepts on the quality side, by label.\nSELECT ?c WHERE { ?c qe:opposes ?o } ORDER BY ?c\n"
)
ASK = "# Is any concept opposed?\nASK { ?a qe:opposes ?b }\n"


def _cli(*args: str, cache: Path | None = None, stdin: str | None = None, raw: bool = False):
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)} if cache else None
    if cache:
        env["QEGRAPH_CACHE_MIN_BYTES"] = "0"
    return subprocess.run(
        [sys.executable, "-m", "qegraph", *args],
        capture_output=True,
        text=not raw,
        timeout=180,
        env=env,
        input=stdin,
    )


@pytest.fixture()
def query_set(tmp_path: Path) -> list[str]:
    """Four queries of every kind: SELECT and ASK files, a CONSTRUCT file, a named query."""
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "select.rq").write_text(SELECT, encoding="utf-8")
    (tmp_path / "q" / "ask.rq").write_text(ASK, encoding="utf-8")
    return [
        "-f",
        str(tmp_path / "q" / "select.rq"),
        "-f",
        str(tmp_path / "q" / "ask.rq"),
        "-f",
        str(FIXTURES / "query-construct.rq"),
        "--name",
        "CQ-05",
    ]


def _backend(where: str, store_dir: Path, tmp_path: Path) -> list[str]:
    if where == "store":
        return ["--store", str(store_dir)]
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix qe: <https://w3id.org/qegraph/> .\nqe:a qe:opposes qe:b .\n", encoding="utf-8"
    )
    return ["--data", str(extra)]


@pytest.mark.parametrize("where", ["store", "data"])
@pytest.mark.parametrize("fmt", [None, "json"])
def test_each_answer_is_byte_identical_to_the_query_run_alone(
    store_dir: Path, query_set: list[str], tmp_path: Path, where: str, fmt: str | None
) -> None:
    """With --data the first command parses and fills the parse cache; the queries run alone
    after it read the cache: the same bytes either way."""
    backend = _backend(where, store_dir, tmp_path)
    formats = ["--format", fmt] if fmt else []
    out = tmp_path / "answers"
    cache = tmp_path / "cache"
    many = _cli(*backend, "query", *query_set, *formats, "--output-dir", str(out), cache=cache)
    names = {"select": 1, "ask": 3, "query-construct": 5, "CQ-05": 7}
    if fmt == "json":  # JSON does not apply to the CONSTRUCT: the command stops there
        assert many.returncode == 2, many.stderr
        assert many.stderr.endswith(
            f"Error: {FIXTURES / 'query-construct.rq'}: --format json does not apply to a "
            "CONSTRUCT query; use one of turtle, nt, jsonld, xml\n"
        )
        assert sorted(p.name for p in out.iterdir()) == ["ask.json", "select.json"]
        names = {"select": 1, "ask": 3}
    else:
        assert many.returncode == 0, many.stderr
        assert sorted(p.name for p in out.iterdir()) == sorted(
            ["select.csv", "ask.csv", "query-construct.ttl", "CQ-05.csv"]
        )
    assert many.stderr.count("wrote ") == len(names)
    for stem, index in names.items():
        (written,) = out.glob(f"{stem}.*")
        spec = query_set[index - 1 : index + 1]
        alone = _cli(*backend, "query", *spec, *formats, cache=cache, raw=True)
        assert alone.returncode == 0, alone.stderr
        assert written.read_bytes() == alone.stdout, stem


def test_a_syntax_error_in_the_middle_stops_with_its_place_and_keeps_the_answers_before(
    store_dir: Path, query_set: list[str], tmp_path: Path
) -> None:
    broken = FIXTURES / "query-syntax-error.rq"
    out = tmp_path / "answers"
    done = _cli(
        "--store",
        str(store_dir),
        "query",
        *query_set[:2],
        "-f",
        str(broken),
        *query_set[2:],
        "--output-dir",
        str(out),
    )
    assert done.returncode == 2
    assert f"Error: {broken}: SPARQL syntax error at line 3, column 3 near 'FILTER'" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["select.csv"]


@pytest.mark.parametrize("where", ["store", "data"])
def test_a_timeout_in_the_middle_exits_4_naming_the_query(
    store_dir: Path, query_set: list[str], tmp_path: Path, where: str
) -> None:
    out = tmp_path / "answers"
    slow = FIXTURES / "hostile-slow.rq"
    done = _cli(
        *_backend(where, store_dir, tmp_path),
        "query",
        *query_set[:4],
        "-f",
        str(slow),
        "--name",
        "CQ-01",
        "--timeout",
        "1",
        "--output-dir",
        str(out),
    )
    assert done.returncode == 4, done.stderr
    assert f"Error: {slow}: the query ran past its time limit of 1 s" in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["ask.csv", "select.csv"]


def test_answers_that_would_share_a_file_are_refused_before_any_runs(
    store_dir: Path, tmp_path: Path
) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "Same.rq").write_text(ASK, encoding="utf-8")
    (tmp_path / "a" / "same.rq").write_text(ASK, encoding="utf-8")
    out = tmp_path / "answers"
    for first, second in (("a/Same.rq", "b/Same.rq"), ("a/same.rq", "b/Same.rq")):
        done = _cli(
            "--store",
            str(store_dir),
            "query",
            "-f",
            str(tmp_path / first),
            "-f",
            str(tmp_path / second),
            "--output-dir",
            str(out),
        )
        assert done.returncode == 2
        assert done.stderr == (
            f"Error: {tmp_path / first} and {tmp_path / second} would both write the answer "
            f"'{Path(second).stem}' in --output-dir; rename one of the files\n"
        )
        assert not out.exists()
    named = _cli(
        "--store",
        str(store_dir),
        "query",
        "--name",
        "CQ-1",
        "--name",
        "cq-01",
        "--output-dir",
        str(out),
    )
    assert named.returncode == 2 and "CQ-01 and CQ-01 would both write" in named.stderr


@pytest.mark.parametrize("file_name", ["...rq", ".hidden.rq", "tab\there.rq"])
def test_answer_names_that_leave_the_folder_are_refused(
    store_dir: Path, tmp_path: Path, file_name: str
) -> None:
    query = tmp_path / file_name
    query.write_text(ASK, encoding="utf-8")
    out = tmp_path / "nested" / "answers"
    done = _cli("--store", str(store_dir), "query", "-f", str(query), "--output-dir", str(out))
    assert done.returncode == 2
    assert "cannot name a file in --output-dir" in done.stderr
    assert not (tmp_path / "nested").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [file_name]


def test_several_answers_on_standard_output_are_separated(
    store_dir: Path, query_set: list[str]
) -> None:
    done = _cli("--store", str(store_dir), "query", *query_set[:4], "--name", "CQ-05", raw=True)
    assert done.returncode == 0, done.stderr
    parts = {
        stem: _cli("--store", str(store_dir), "query", *spec, raw=True).stdout.decode()
        for stem, spec in (
            ("select", query_set[:2]),
            ("ask", query_set[2:4]),
            ("CQ-05", ["--name", "CQ-05"]),
        )
    }
    assert done.stdout.decode() == (
        f"==> select <==\n{parts['select']}\n==> ask <==\n{parts['ask']}"
        f"\n==> CQ-05 <==\n{parts['CQ-05']}"
    )


def test_one_output_file_takes_one_query(store_dir: Path, query_set: list[str], tmp_path):
    target = tmp_path / "answer.csv"
    done = _cli("--store", str(store_dir), "query", *query_set[:4], "-o", str(target))
    assert (done.returncode, done.stderr) == (
        2,
        "Error: -o/--output takes one query; give several an --output-dir DIR\n",
    )
    assert not target.exists()
    alone = _cli("--store", str(store_dir), "query", *query_set[:2], "-o", str(target))
    assert alone.returncode == 0 and target.read_bytes().startswith(b"c\r\n")


def test_the_library_runs_a_query_set_once_opened(store_dir: Path, tmp_path: Path) -> None:
    from qegraph.querying import QueryRunner, query_inputs, run_queries

    runner = QueryRunner(store=store_dir, fmt="tsv")
    written = run_queries(
        query_inputs(names=["CQ-01", "CQ-05"]), runner, output_dir=tmp_path / "out"
    )
    assert [p.name for p in written] == ["CQ-01.tsv", "CQ-05.tsv"]
    assert runner._engine is not None  # the store was opened, once, and kept
    assert written[0].read_text(encoding="utf-8").startswith("?dimension\t")
