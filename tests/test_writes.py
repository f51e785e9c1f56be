"""What briefgen writes and deletes, besides the packs: never through a link to a user's
folder, never over the project's own files or over what is not a regular file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import briefgen
from briefgen.cache import FOLDER, ParseCache

TWO_DAYS = 2 * 24 * 3600


def briefgen_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=root,
                          capture_output=True, text=True, check=False, timeout=120)


def aged(path: Path, seconds: float = TWO_DAYS) -> Path:
    """``path`` with its modification time ``seconds`` before its own (the file system's
    clock, whatever the process's says)."""
    mtime = path.stat().st_mtime - seconds
    os.utime(path, (mtime, mtime), follow_symlinks=False)
    return path


# -- The parse cache -----------------------------------------------------------------------


def test_a_cache_folder_that_links_elsewhere_is_never_written_nor_pruned(
        make_project: object, tmp_path: Path) -> None:
    root: Path = make_project()  # type: ignore[operator]
    mine = tmp_path / "mine"
    mine.mkdir()
    old = mine / "a.txt"
    old.write_text("my notes")
    aged(old)
    entry_like = mine / ("0" * 64)
    entry_like.write_text("named like an entry")
    aged(entry_like)
    (root / "build").mkdir()
    (root / "build" / FOLDER).symlink_to(mine)
    before = sorted(path.name for path in mine.iterdir())
    result = briefgen_cli(root, "check")
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in mine.iterdir()) == before  # nothing gone, nothing new
    assert old.read_text() == "my notes"
    assert "the parse cache stays in memory" in result.stderr


def test_prune_removes_only_what_the_cache_writes(make_project: object) -> None:
    root: Path = make_project()  # type: ignore[operator]
    (root / "build").mkdir()
    briefgen.load_project(root, cache=ParseCache.for_project(root))  # entries written
    folder = root / "build" / FOLDER
    foreign = folder / "notes.txt"
    foreign.write_text("someone's")
    stale = folder / ("a" * 64)
    stale.write_bytes(b"an entry no load uses")
    stopped = folder / ".abc_1234.tmp"
    stopped.write_bytes(b"half an entry")
    for path in (foreign, stale, stopped):
        aged(path)
    briefgen.load_project(root, cache=ParseCache.for_project(root))  # a new process prunes
    assert foreign.exists()
    assert not stale.exists() and not stopped.exists()


# -- translate export ---------------------------------------------------------------------


@pytest.mark.parametrize("out", ["facts/base.yaml", "facts/new.po", "packs/x.po",
                                 "templates/x.po"])
def test_export_never_writes_into_the_projects_folders(make_project: object,
                                                       out: str) -> None:
    root: Path = make_project()  # type: ignore[operator]
    (root / "templates").mkdir()
    base = (root / "facts" / "base.yaml").read_bytes()
    result = briefgen_cli(root, "translate", "export", "--lang", "en", "--all", out)
    assert result.returncode == 2
    folder = out.split("/")[0]
    assert f"is inside the project's {folder}/" in result.stderr
    assert "Traceback" not in result.stderr
    assert (root / "facts" / "base.yaml").read_bytes() == base
    assert not (root / out).exists() or out == "facts/base.yaml"


def test_export_refuses_what_is_not_a_regular_file(make_project: object,
                                                   tmp_path: Path) -> None:
    root: Path = make_project()  # type: ignore[operator]
    fifo = tmp_path / "pipe.po"
    os.mkfifo(fifo)
    target = tmp_path / "target.po"
    target.write_text("mine")
    link = tmp_path / "link.po"
    link.symlink_to(target)
    started = time.monotonic()
    for out, what in ((fifo, "is not a regular file"), (link, "is a symbolic link"),
                      (tmp_path, "is a directory")):
        result = briefgen_cli(root, "translate", "export", "--lang", "en", "--all", str(out))
        assert result.returncode == 2, result.stderr
        assert what in result.stderr
    assert time.monotonic() - started < 60  # the FIFO never blocked it
    assert fifo.is_fifo() and link.is_symlink() and target.read_text() == "mine"


def test_export_replaces_a_file_of_its_own_elsewhere(make_project: object,
                                                     tmp_path: Path) -> None:
    root: Path = make_project()  # type: ignore[operator]
    out = tmp_path / "en.po"
    out.write_text("an older export")
    result = briefgen_cli(root, "translate", "export", "--lang", "en", "--all", str(out))
    assert result.returncode == 0, result.stderr
    assert 'msgid ""' in out.read_text()
