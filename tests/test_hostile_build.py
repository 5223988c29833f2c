"""A build killed while it writes leaves the previous build intact; the next run cleans up."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qegraph import load
from qegraph.errors import ExportError
from qegraph.pipeline import build, clean_stale_builds


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_killed_build_leaves_the_old_build_whole_and_is_cleaned_next_time(
    tmp_path: Path,
) -> None:
    out = tmp_path / "site"
    build(load(), out)
    (out / "index.html").write_text("the previous build\n")  # tell old from new
    before = snapshot(out)
    child = subprocess.Popen(
        [sys.executable, "-m", "qegraph", "build", "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    staging: list[Path] = []
    while time.monotonic() < deadline and child.poll() is None:
        staging = list(tmp_path.glob(".site.qegraph-build-*"))
        # Kill it in its write phase: once it has written some files, before the swap.
        if staging and len(list(staging[0].iterdir())) >= 3:
            break
        time.sleep(0.02)
    assert child.poll() is None, "the build finished before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert snapshot(out) == before
    assert staging and staging[0].exists()  # what the killed build left
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == ["site"]
    (out / ".qegraph.ttl.abc123.tmp").write_text("half")  # left by an older, in-place build
    removed = clean_stale_builds(out)
    assert staging[0] in removed and not staging[0].exists()
    assert not (out / ".qegraph.ttl.abc123.tmp").exists()
    assert snapshot(out) == before


def test_a_build_replaces_its_folder_whole(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("old")
    result = build(load(), out)
    assert result.folder == out and all(p.exists() and out in p.parents for p in result.files)
    assert (out / "index.html").read_text() != "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging folder left


def test_a_folder_with_other_files_is_refused_untouched(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(ExportError, match="holds files a build does not write"):
        build(load(), out)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]
