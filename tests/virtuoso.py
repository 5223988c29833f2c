"""A real Virtuoso Open Source 7 (Debian ``virtuoso-opensource``) for tests, on loopback ports.

:func:`start_virtuoso` writes an ini of its own into a temporary folder (SQL and HTTP ports on
127.0.0.1, the database files in that folder), runs ``virtuoso-t -f -c FILE.ini`` in the
foreground, waits for ``/sparql`` to answer, and loads a file of N-Triples into a named graph
with Virtuoso's loader ``DB.DBA.TTLP_MT`` through ``isql-vt``.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .servers import free_port, stop_process

INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {d}, /usr/share/virtuoso-opensource-7/vad
AllowOSCalls = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 5
ServerThreads = 5
EnabledDavVSP = 0
HTTPProxyEnabled = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
DefaultQuery = SELECT * WHERE {{ ?s ?p ?o }} LIMIT 1
"""


@dataclass
class Virtuoso:
    """A running Virtuoso: its SPARQL endpoint, SQL port and process."""

    sparql: str
    sql_port: int
    process: subprocess.Popen
    folder: Path

    def load(self, ntriples: Path, graph: str) -> None:
        """Load an N-Triples file into ``graph`` with Virtuoso's own loader."""
        statement = (
            f"DB.DBA.TTLP_MT(file_to_string_output('{ntriples}'), '', '{graph}', 0); checkpoint;"
        )
        subprocess.run(
            ["isql-vt", str(self.sql_port), "dba", "dba", f"exec={statement}"],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def stop(self) -> None:
        stop_process(self.process, 30)


def start_virtuoso(folder: Path, limit: float = 90.0) -> Virtuoso:
    """Start Virtuoso in ``folder`` and wait until its SPARQL endpoint answers."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise RuntimeError("virtuoso-t is missing: apt-get install virtuoso-opensource")
    sql, http = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(d=folder, sql=sql, http=http))
    process = subprocess.Popen(
        [binary, "-f", "-c", str(ini)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{http}/sparql"
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (folder / "virtuoso.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"virtuoso-t exited with {process.returncode}: {log}")
        try:
            with urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=2):
                return Virtuoso(url, sql, process, folder)
        except urllib.error.HTTPError:
            return Virtuoso(url, sql, process, folder)
        except OSError:
            time.sleep(0.5)
    process.kill()
    process.wait()
    raise RuntimeError(f"Virtuoso did not answer within {limit} s")
