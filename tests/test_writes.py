"""What briefgen writes and deletes, besides the packs: never through a link to a user's
folder, never over the project's own files or over what is not a regular file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

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
    stopped = folder / ".briefgen-0123456789ab.tmp"
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


# -- The door ------------------------------------------------------------------------------


DOORS = ("writes/", "fsutil.py")  # the door, and the pack folders' swap and lock
WRITING_METHODS = {"write_text", "write_bytes", "unlink", "rmdir", "mkdir", "touch",
                   "symlink_to", "hardlink_to", "chmod", "lchmod"}
WRITING_FUNCTIONS = {("os", "replace"), ("os", "rename"), ("os", "remove"), ("os", "unlink"),
                     ("os", "rmdir"), ("os", "removedirs"), ("os", "mkdir"),
                     ("os", "makedirs"), ("os", "utime"), ("os", "link"), ("os", "symlink"),
                     ("os", "chmod"), ("os", "truncate"), ("os", "mkfifo"),
                     ("shutil", "rmtree"), ("shutil", "move"), ("shutil", "copy"),
                     ("shutil", "copy2"), ("shutil", "copyfile"), ("shutil", "copytree"),
                     ("tempfile", "mkstemp"), ("tempfile", "mkdtemp"),
                     ("tempfile", "NamedTemporaryFile")}
WRITING_FLAGS = {"O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND"}


def writing_calls(source: str) -> list[tuple[int, str]]:
    """Each call in ``source`` that writes, renames or deletes a file: what it is, where."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        function = node.func
        if isinstance(function, ast.Attribute) and _writes(function, node):
            found.append((node.lineno, name))
        if name == "open" or name.endswith(".open"):
            # open(path, mode), os.open(path, flags), path.open(mode)
            mode = node.args[1:2] if name in ("open", "os.open") else node.args[:1]
            modes = [a.value for a in mode if isinstance(a, ast.Constant)]
            modes += [k.value.value for k in node.keywords
                      if k.arg == "mode" and isinstance(k.value, ast.Constant)]
            flags = {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
            if flags & WRITING_FLAGS or any(set(str(m)) & set("wax+") for m in modes):
                found.append((node.lineno, name))
    return found


def _writes(function: Any, call: Any) -> bool:
    import ast

    if (ast.unparse(function.value), function.attr) in WRITING_FUNCTIONS:
        return True
    if function.attr in WRITING_METHODS:
        return True
    # Path.replace(target) and Path.rename(target), not str.replace(old, new)
    return (function.attr in ("replace", "rename") and len(call.args) == 1
            and not isinstance(call.args[0], ast.Constant))


def test_every_write_goes_through_the_door() -> None:
    """Outside briefgen.writes (and the pack folders' swap and lock in briefgen.fsutil),
    no module of briefgen writes, renames or deletes a file itself."""
    from tests.support.projects import REPO

    bypasses = [f"{path.relative_to(REPO / 'src')}:{line}: {call}"
                for path in sorted((REPO / "src" / "briefgen").rglob("*.py"))
                if not path.relative_to(REPO / "src" / "briefgen").as_posix().startswith(DOORS)
                for line, call in writing_calls(path.read_text(encoding="utf-8"))]
    assert bypasses == []


def test_the_door_check_sees_a_bypass() -> None:
    """On code written to bypass it: a test that cannot fail is no test."""
    source = ("import os, shutil, tempfile\nfrom pathlib import Path\n"
              "Path('a').write_text('x')\nos.replace('a', 'b')\np.replace(q)\n"
              "open('f', 'wb')\nos.open(p, os.O_WRONLY | os.O_CREAT)\nshutil.rmtree(d)\n"
              "tempfile.mkstemp()\nPath('x').open('a')\n"
              "text.replace('a', 'b')\nopen('f', 'rb')\nos.open(p, os.O_RDONLY)\n")
    assert [line for line, _ in writing_calls(source)] == [3, 4, 5, 6, 7, 8, 9, 10]


def test_a_link_out_of_the_folder_is_never_written_through(tmp_path: Path) -> None:
    from briefgen import writes

    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    (project / "facts").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "b.yaml").write_text("theirs")
    (project / "facts" / "b.yaml").symlink_to(elsewhere / "b.yaml")
    (project / "linked").symlink_to(elsewhere)
    for path in (project / "facts" / "b.yaml", project / "linked" / "new.yaml"):
        with pytest.raises(writes.WriteRefused, match=r"out of|outside"):
            writes.write({path: b"mine"}, within=project)
    assert (elsewhere / "b.yaml").read_text() == "theirs"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["b.yaml"]
    with pytest.raises(writes.WriteRefused):
        writes.remove(project / "linked" / "b.yaml", within=project)
    assert (elsewhere / "b.yaml").exists()


def test_a_link_inside_is_written_through_and_modes_are_kept(tmp_path: Path) -> None:
    from briefgen import writes

    shared = tmp_path / "shared" / "b.yaml"
    shared.parent.mkdir()
    shared.write_text("old")
    shared.chmod(0o600)
    link = tmp_path / "facts" / "b.yaml"
    link.parent.mkdir()
    link.symlink_to(Path("..") / "shared" / "b.yaml")
    writes.write({link: b"new"}, within=tmp_path)
    assert link.is_symlink() and shared.read_text() == "new"
    assert stat.S_IMODE(shared.stat().st_mode) == 0o600
    old_mask = os.umask(0o027)
    try:
        writes.write({tmp_path / "fresh.txt": b"x"}, within=tmp_path)
    finally:
        os.umask(old_mask)
    assert stat.S_IMODE((tmp_path / "fresh.txt").stat().st_mode) == 0o640


def test_a_change_on_disk_since_reading_is_never_overwritten(tmp_path: Path) -> None:
    from briefgen import writes
    from briefgen.fsutil import file_sha256

    base, other = tmp_path / "a.yaml", tmp_path / "b.yaml"
    base.write_text("as read")
    other.write_text("other")
    seen = {base: file_sha256(base), other: file_sha256(other)}
    base.write_text("an editor saved this meanwhile")
    with pytest.raises(writes.Changed, match="changed on disk"):
        writes.write({other: b"new other", base: b"new a"}, within=tmp_path, expected=seen)
    assert base.read_text() == "an editor saved this meanwhile"
    assert other.read_text() == "other"  # all or none
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]  # no leftover


def test_what_is_not_a_regular_file_is_refused_unopened(tmp_path: Path) -> None:
    from briefgen import writes

    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "folder").mkdir()
    for name in ("pipe", "folder"):
        with pytest.raises(writes.WriteRefused, match="briefgen writes only regular files"):
            writes.write({tmp_path / name: b"x"}, within=tmp_path)
    (tmp_path / "mine.txt").write_text("mine")
    with pytest.raises(writes.WriteRefused, match="already exists"):
        writes.write({tmp_path / "mine.txt": b"x"}, within=tmp_path, exclusive=True)
    assert (tmp_path / "mine.txt").read_text() == "mine"


def test_an_editors_save_during_an_import_is_never_lost(
        make_project: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The base is saved by someone else while the import works on it: the import is
    refused in one line, nothing written, the save kept; run again, it imports."""
    from briefgen.translation import workflow, writeback

    root: Path = make_project()  # type: ignore[operator]
    po = tmp_path / "en.po"
    assert briefgen_cli(root, "translate", "export", "--lang", "en", "--all",
                        str(po)).returncode == 0
    po.write_text(po.read_text().replace('msgstr "Morocco supports the Coalition."',
                                         'msgstr "Morocco backs the Coalition."'))
    base = root / "facts" / "base.yaml"
    saved = base.read_text() + "# checked again by the desk\n"
    real = writeback.edited

    def edited_while_saved(edit: Any) -> str:
        text = real(edit)
        base.write_text(saved)  # the editor's save, while the import runs
        return text

    monkeypatch.setattr(writeback, "edited", edited_while_saved)
    monkeypatch.chdir(root)
    with pytest.raises(briefgen.BriefgenError) as refused:
        workflow.import_translations(root, po)
    assert str(refused.value) == ("facts/base.yaml: changed on disk while briefgen was "
                                  "working on it — nothing was written: run the command "
                                  "again")
    assert base.read_text() == saved
    monkeypatch.setattr(writeback, "edited", real)
    result = workflow.import_translations(root, po)
    assert "updated" in [change.what for change in result.changes]
    assert "# checked again by the desk" in base.read_text()  # the save, and the translation
    assert "Morocco backs the Coalition." in base.read_text()


# -- A write killed midway -----------------------------------------------------------------
# tests/test_translate.py kills `translate import` at each rename, flush and removal.


def test_recover_removes_only_the_doors_own_stale_temporaries(tmp_path: Path,
                                                              monkeypatch: Any) -> None:
    from briefgen import writes

    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "facts"
    folder.mkdir()
    elsewhere = tmp_path / "theirs.yaml"
    elsewhere.write_text("theirs")
    names = {".briefgen-0123456789ab.tmp": "left by a kill an hour ago",
             ".briefgen-ba9876543210.tmp": "being written now",
             ".briefgen-cache": "not the door's", ".briefgen-notours.tmp": "not the door's",
             ".briefgen-0123456789AB.tmp": "not the door's", "notes.tmp": "the user's"}
    for name, text in names.items():
        (folder / name).write_text(text)
        if name != ".briefgen-ba9876543210.tmp":
            aged(folder / name, writes.STALE + 60)
    (folder / ".briefgen-aaaaaaaaaaaa.tmp").symlink_to(elsewhere)  # not a file: not ours
    aged(folder / ".briefgen-aaaaaaaaaaaa.tmp", writes.STALE + 60)
    writes.recover(folder, within=tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        {*names, ".briefgen-aaaaaaaaaaaa.tmp"} - {".briefgen-0123456789ab.tmp"})
    assert elsewhere.read_text() == "theirs"


def test_a_journaled_write_at_work_is_left_alone_by_a_recovery(tmp_path: Path,
                                                                monkeypatch: Any) -> None:
    """Its journal is locked while it lives: what it stages is its own, however old."""
    import threading

    from briefgen import writes

    folder = tmp_path / "facts"
    folder.mkdir()
    (folder / "a.yaml").write_text("old a")
    (folder / "b.yaml").write_text("old b")
    staged, go = threading.Event(), threading.Event()
    check = writes._check_unchanged

    def paused(*args: Any) -> None:
        staged.set()
        go.wait(30)
        check(*args)

    monkeypatch.setattr(writes, "_check_unchanged", paused)
    writer = threading.Thread(target=writes.write, args=(
        {folder / "a.yaml": b"new a", folder / "b.yaml": b"new b"},),
        kwargs={"within": tmp_path, "journal": folder})
    writer.start()
    assert staged.wait(30)
    at_work = sorted(p.name for p in folder.iterdir())
    assert len(at_work) == 5  # the bases, their staged files, the journal
    for name in at_work:
        aged(folder / name, writes.STALE + 60)
    writes.recover(folder, within=tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == at_work
    go.set()
    writer.join(30)
    assert [(p.name, p.read_text()) for p in sorted(folder.iterdir())] == [
        ("a.yaml", "new a"), ("b.yaml", "new b")]


@pytest.mark.parametrize("edited", [False, True], ids=["finished", "an-edit-kept"])
def test_a_write_stopped_after_its_commit_is_finished_by_the_next(
        tmp_path: Path, monkeypatch: Any, caplog: Any, edited: bool) -> None:
    """Ctrl-C between two renames: the next journaled write into the folder finishes the
    stopped one first, but never over an editor's save made in between."""
    from briefgen import writes

    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "facts"
    folder.mkdir()
    a, b, c = folder / "a.yaml", folder / "b.yaml", folder / "c.yaml"
    for path in (a, b, c):
        path.write_text(f"old {path.stem}")
    put = writes._put

    def interrupted_after_one(item: Any, exclusive: bool) -> None:
        if item.path == b:
            raise KeyboardInterrupt
        put(item, exclusive)

    monkeypatch.setattr(writes, "_put", interrupted_after_one)
    with pytest.raises(KeyboardInterrupt):
        writes.write({a: b"new a", b: b"new b"}, within=tmp_path, journal=folder)
    monkeypatch.setattr(writes, "_put", put)
    assert (a.read_text(), b.read_text()) == ("new a", "old b")
    if edited:
        b.write_text("old b, edited")
    writes.write({c: b"new c"}, within=tmp_path, journal=folder)
    assert [(p.name, p.read_text()) for p in sorted(folder.iterdir())] == [
        ("a.yaml", "new a"), ("b.yaml", "old b, edited" if edited else "new b"),
        ("c.yaml", "new c")]
    assert [record.getMessage() for record in caplog.records] == [
        "facts/b.yaml changed after a briefgen command that was stopped began writing it: "
        "kept as it is, without that command's change (run it again)" if edited else
        "a briefgen command was stopped while it wrote facts/b.yaml: finished now"]
