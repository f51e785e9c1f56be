"""The file system layer: inputs read only as regular files inside their folder, pack
folders swapped whole, nothing removed that briefgen did not make, no link followed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from briefgen import fsutil
from briefgen.errors import OutputError


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder``: file contents, link targets (links not followed)."""
    entries: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            entries[name] = f"-> {path.readlink()}"
        elif path.is_file():
            entries[name] = path.read_bytes()
    return entries


# -- Inputs ----------------------------------------------------------------------------------


def test_read_regular_reads_at_most_the_limit_plus_one(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 1000)
    assert fsutil.read_regular(path, 10) == b"x" * 11
    assert fsutil.read_regular(path, 5000) == b"x" * 1000


def test_read_regular_refuses_links_fifos_devices_and_folders(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_text("a: 1")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real.yaml")
    os.mkfifo(tmp_path / "fifo.yaml")  # opening it for reading would block: it must not
    (tmp_path / "folder.yaml").mkdir()
    for name in ("link.yaml", "fifo.yaml", "folder.yaml"):
        with pytest.raises(fsutil.NotAFile):
            fsutil.read_regular(tmp_path / name, 100)
    with pytest.raises(fsutil.NotAFile):
        fsutil.read_regular(Path("/dev/zero"), 100)


def test_inside_resolves_links(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "facts").mkdir(parents=True)
    (root / "shared.yaml").write_text("a: 1")
    (root / "facts" / "in.yaml").symlink_to(root / "shared.yaml")
    (root / "facts" / "out.yaml").symlink_to("/etc/hostname")
    assert fsutil.inside(root / "facts" / "in.yaml", root) == (root / "shared.yaml").resolve()
    assert fsutil.inside(root / "facts" / "out.yaml", root) is None
    assert fsutil.inside(root / "facts" / ".." / ".." / "x", root) is None


# -- Pack folders ----------------------------------------------------------------------------


def test_replace_folder_swaps_and_keeps_what_it_does_not_replace(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    (pack / "fr").mkdir(parents=True)
    (pack / "fr" / "note.pdf").write_bytes(b"old note")
    (pack / "fr" / ".draft.tmp").write_bytes(b"a user's draft")
    (pack / "README").write_bytes(b"a user's notes")
    fsutil.replace_folder(pack, {Path("fr/note.pdf"): b"new note", Path("en/note.pdf"): b"en"},
                          "build/pack")
    assert tree(pack) == {
        "README": b"a user's notes", "en/note.pdf": b"en",
        "fr/.draft.tmp": b"a user's draft", "fr/note.pdf": b"new note",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]  # no staging left


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_replace_folder_without_exchange(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         exchange: bool) -> None:
    if not exchange:
        monkeypatch.setattr(fsutil, "_exchange", lambda first, second: False)
    pack = tmp_path / "pack"
    fsutil.replace_folder(pack, {Path("a"): b"1"}, "pack")  # a new folder: one rename
    fsutil.replace_folder(pack, {Path("a"): b"2"}, "pack")
    assert tree(pack) == {"a": b"2"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]


def test_replace_folder_refuses_a_symlinked_folder(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "pack").symlink_to(victim)
    with pytest.raises(OutputError, match="is a symbolic link"):
        fsutil.replace_folder(tmp_path / "out" / "pack", {Path("a.pdf"): b"x"}, "out/pack")
    assert list(victim.iterdir()) == []
    assert (tmp_path / "out" / "pack").is_symlink()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["pack"]


@pytest.mark.parametrize("layout", ["folder-at-file", "link-at-folder", "file-at-folder"])
def test_replace_folder_refuses_what_is_in_the_way(tmp_path: Path, layout: str) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    if layout == "folder-at-file":
        (pack / "fr" / "note.pdf").mkdir(parents=True)
        (pack / "fr" / "note.pdf" / "mine.txt").write_text("a user's file")
    elif layout == "link-at-folder":
        (pack / "fr").symlink_to(outside)
    else:
        (pack / "fr").write_text("a file")
    before = tree(pack)
    with pytest.raises(OutputError) as caught:
        fsutil.replace_folder(pack, {Path("fr/note.pdf"): b"new"}, "build/pack")
    assert str(caught.value).startswith("build/pack/fr")
    assert tree(pack) == before
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outside", "pack"]


def test_recover_puts_back_a_pack_left_between_two_renames(tmp_path: Path) -> None:
    for state in ("old", "new"):  # each a whole pack: its files and its manifest
        (tmp_path / f".briefgen-pack.abc123.{state}").mkdir()
        (tmp_path / f".briefgen-pack.abc123.{state}" / "note.pdf").write_bytes(state.encode())
        (tmp_path / f".briefgen-pack.abc123.{state}" / "manifest.json").write_bytes(b"{}")
    (tmp_path / ".briefgen-other.x.new").mkdir()  # another pack's: not this one's business
    (tmp_path / ".draft.tmp").write_text("a user's file")
    fsutil.recover(tmp_path / "pack")
    assert tree(tmp_path / "pack") == {"note.pdf": b"old", "manifest.json": b"{}"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".briefgen-other.x.new", ".draft.tmp", "pack"]


def test_recover_removes_staging_folders_only(tmp_path: Path) -> None:
    (tmp_path / "pack").mkdir()
    (tmp_path / ".briefgen-pack.q1w2e3.new").mkdir()  # a build stopped while staging
    (tmp_path / ".briefgen-pack.q1w2e3.new" / fsutil.STAGING_MARK).touch()
    (tmp_path / ".pack.tmp").write_text("a user's file")
    (tmp_path / ".briefgen-pack.notes").write_text("a user's file, however named")
    (tmp_path / ".briefgen-pack.mine.new").write_text("a user's file named as staging")
    (tmp_path / ".briefgen-pack.drafts.new").mkdir()  # a user's folder named as staging
    (tmp_path / ".briefgen-pack.drafts.new" / "draft.txt").write_text("mine")
    fsutil.recover(tmp_path / "pack")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".briefgen-pack.drafts.new", ".briefgen-pack.mine.new", ".briefgen-pack.notes",
        ".pack.tmp", "pack"]


def test_a_rebuild_keeps_the_modes_the_user_set(tmp_path: Path) -> None:
    """The pack folder gets the umask's mode when new and keeps its own after; a folder of
    the user's inside it keeps its mode."""
    pack = tmp_path / "pack"
    old_mask = os.umask(0o022)
    try:
        fsutil.replace_folder(pack, {Path("fr/note.pdf"): b"1"}, "pack")
        assert stat.S_IMODE(pack.stat().st_mode) == 0o755
        pack.chmod(0o750)
        (pack / "private").mkdir(mode=0o700)
        (pack / "private").chmod(0o700)
        (pack / "shared").mkdir()
        (pack / "shared").chmod(0o775)
        fsutil.replace_folder(pack, {Path("fr/note.pdf"): b"2"}, "pack")
    finally:
        os.umask(old_mask)
    assert (pack / "fr" / "note.pdf").read_bytes() == b"2"
    assert stat.S_IMODE(pack.stat().st_mode) == 0o750
    assert stat.S_IMODE((pack / "private").stat().st_mode) == 0o700
    assert stat.S_IMODE((pack / "shared").stat().st_mode) == 0o775
    assert not (pack / fsutil.STAGING_MARK).exists()


def test_a_full_disk_leaves_the_old_folder(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    pack = tmp_path / "pack"
    fsutil.replace_folder(pack, {Path("a"): b"1", Path("b"): b"1"}, "build/pack")
    real = fsutil._write_new

    def full(root: Path, relative: Path, data: bytes) -> None:
        if relative.name == "b":
            raise OSError(errno.ENOSPC, "No space left on device")
        real(root, relative, data)

    monkeypatch.setattr(fsutil, "_write_new", full)
    with pytest.raises(OutputError) as caught:
        fsutil.replace_folder(pack, {Path("a"): b"2", Path("b"): b"2"}, "build/pack")
    assert str(caught.value) == ("build/pack: cannot write the pack: No space left on device "
                                 "— free some space, then build again")
    assert tree(pack) == {"a": b"1", "b": b"1"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]


# -- The lock --------------------------------------------------------------------------------


def test_lock_refuses_a_link_and_a_folder(tmp_path: Path) -> None:
    (tmp_path / "link.lock").symlink_to(tmp_path / "planted")
    with pytest.raises(OutputError, match="is a symbolic link"), \
            fsutil.file_lock(tmp_path / "link.lock", "build/.briefgen.lock"):
        pass
    assert not (tmp_path / "planted").exists()
    (tmp_path / "dir.lock").mkdir()
    with pytest.raises(OutputError, match="is a folder"), \
            fsutil.file_lock(tmp_path / "dir.lock"):
        pass
    os.mkfifo(tmp_path / "fifo.lock")
    with pytest.raises(OutputError, match="is not a regular file"), \
            fsutil.file_lock(tmp_path / "fifo.lock"):
        pass


def test_lock_waits_for_another_holder(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import threading
    import time

    order: list[str] = []
    with fsutil.file_lock(tmp_path / ".briefgen.lock"):
        def second() -> None:
            with fsutil.file_lock(tmp_path / ".briefgen.lock"):
                order.append("second")

        thread = threading.Thread(target=second)
        thread.start()
        deadline = time.monotonic() + 60
        while "another build is writing to" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.01)  # until the second one waits for the lock
        order.append("first")
    thread.join()
    assert order == ["first", "second"]
    assert "another build is writing to" in caplog.text
    assert (tmp_path / ".briefgen.lock").is_file()  # kept: the next build reuses it


def test_a_failed_second_rename_puts_the_old_folder_back(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    pack = tmp_path / "pack"
    fsutil.replace_folder(pack, {Path("a"): b"1"}, "build/pack")
    monkeypatch.setattr(fsutil, "_exchange", lambda first, second: False)
    real = Path.rename
    calls: list[Path] = []

    def failing(self: Path, target: Path) -> Path:
        calls.append(self)
        if len(calls) == 2:
            raise OSError(errno.EIO, "Input/output error")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(OutputError, match="cannot write the pack: Input/output error"):
        fsutil.replace_folder(pack, {Path("a"): b"2"}, "build/pack")
    assert tree(pack) == {"a": b"1"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]
