"""The door every file briefgen writes or deletes goes through, besides a pack's folder
(:func:`briefgen.fsutil.replace_folder`): the parse cache, a translation export, fact bases
rewritten by ``translate import`` and ``stamp``, a new project's files, catalogs, exported
templates. ``tests/test_writes.py`` fails on any call in ``src/`` that writes, renames or
deletes a file elsewhere.

- **Within a folder.** Every call names the folder it must stay in (the project, the cache
  folder, the folder a user named). A path whose folders lead out of it through a link is
  refused, never written; a final link to a file inside it is written through: the link
  stays, its target is replaced.
- **Regular files only.** A folder, FIFO, device or socket in the way is refused without
  being opened (a FIFO never blocks).
- **Atomic.** Each file is written beside its target, flushed to disk, then renamed over
  it; files written together are all staged before any is renamed, and the staged files
  are removed if anything fails first (a full disk, Ctrl-C).
- **All or none, even across a kill**, for a write given a ``journal`` folder (the fact
  bases a translate command rewrites): a process killed between two renames leaves its
  journal and staged files, and the next :func:`recover` of that folder finishes the write
  (never over a file changed since) or, killed before its commit, removes what it staged.
  :func:`recover` also removes the door's own temporaries there that no live journal
  lists once they are :data:`STALE` (an hour old): what a kill left outside a journal.
- **Modes kept.** A replaced file keeps its mode and a new one gets the process's umask
  (``0666 & ~umask``), unless a mode is asked for (the parse cache's key: 0600).
- **Never over a change.** ``expected`` gives the SHA-256 each file had when it was read
  (None: it did not exist); a file changed on disk since is refused (:class:`Changed`),
  nothing written. ``exclusive`` refuses a file that exists.

This module is the door; :mod:`briefgen.writes.places` says where a file goes (inside its
folder, what a final link names) and how a write is refused; :mod:`briefgen.writes.journal`
keeps a journaled write's journal and recovers what a killed one left.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from briefgen.fsutil import NotAFile, file_sha256
from briefgen.writes.journal import JOURNAL, STALE, Journal, recover
from briefgen.writes.places import (
    PROBE,
    TEMPORARY,
    Changed,
    WriteRefused,
    destination,
    file_system_now,
    folder_inside,
    fsync_folder,
    staging_name,
)

__all__ = ["JOURNAL", "PROBE", "STALE", "TEMPORARY", "Changed", "WriteRefused",
           "file_system_now", "make_folder", "recover", "remove", "set_time",
           "temporary_folder", "write"]


@dataclass(frozen=True)
class _Staged:
    path: Path  # as asked
    target: Path  # what is replaced: the path, or the file its final link names
    temporary: Path
    exists: bool


def write(files: Mapping[Path, bytes], *, within: Path,
          expected: Mapping[Path, str | None] | None = None, exclusive: bool = False,
          durable: bool = True, mode: int | None = None, journal: Path | None = None) -> None:
    """Write ``files`` (path -> bytes), each inside ``within``, all or none of them.

    ``expected``: path -> the SHA-256 of its content when it was read, or None if it did not
    exist: a file that differs now is refused with :class:`Changed`. ``exclusive``: refuse a
    file that exists. ``durable=False`` (the parse cache) skips flushing to disk. ``mode``:
    the files' mode (default: a replaced file's own, the umask's for a new one).
    ``journal``: a folder inside ``within`` for the write's journal (not with
    ``exclusive``), which keeps it all or none even if the process is killed midway: the
    next :func:`recover` of that folder finishes or undoes it (this write's first). Raises
    :class:`WriteRefused`, or ``OSError`` for what the system refuses (a full disk, no
    permission).
    """
    if journal is not None:
        if exclusive:
            raise ValueError("a journaled write replaces files: it cannot be exclusive")
        recover(journal, within=within)
    planned = []
    checked: set[Path] = set()
    for path in files:
        target, exists = destination(path, within, checked)
        planned.append(_Staged(path, target, staging_name(target), exists))
    record = None if journal is None else Journal.begin(
        journal, within, [(item.target, item.temporary) for item in planned])
    durable = durable or record is not None
    staged: list[_Staged] = []
    committed = finished = False
    try:
        for item in planned:
            _stage(item, files[item.path], durable, mode)
            staged.append(item)
        for item in staged:
            _check_unchanged(item, (expected or {}), exclusive)
        if record is not None:
            record.commit([(item.target, item.temporary,
                            hashlib.sha256(files[item.path]).hexdigest())
                           for item in staged])
            committed = True
        for item in staged:
            _put(item, exclusive)
        if durable:
            for folder in {item.target.parent for item in staged}:
                fsync_folder(folder)
        finished = True
    except BaseException:
        if not committed:  # else recover() finishes the write
            for item in staged:
                item.temporary.unlink(missing_ok=True)
        raise
    finally:
        if record is not None:
            record.end(remove=finished or not committed)


def remove(path: Path, *, within: Path) -> bool:
    """Delete the file (or link) ``path`` inside ``within``, never what a link names, nor a
    folder; whether it was there."""
    folder_inside(path.parent, within)
    try:
        if stat.S_ISDIR(path.lstat().st_mode):
            raise WriteRefused(path, "is a folder where briefgen removes a file",
                               "move it away")
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def make_folder(path: Path, *, within: Path, mode: int = 0o777) -> None:
    """Make the folder ``path`` inside ``within`` (or ``within`` itself) and its missing
    parents (the umask's modes; the folder itself ``mode`` too). A link or a file on the
    way inside ``within`` is refused; a file in the folder's place raises
    ``FileExistsError``."""
    if path.absolute() == within.absolute():
        path.mkdir(mode=mode, parents=True, exist_ok=True)
        return
    folder_inside(path.parent, within, make=True)
    path.mkdir(mode=mode, exist_ok=True)
    if path.is_symlink() or not path.is_dir():
        raise WriteRefused(path, "is a link where briefgen needs a folder", "move it away")


def set_time(path: Path, seconds: float, *, within: Path) -> None:
    """Set the modification time of the file ``path`` inside ``within`` (not through a
    link)."""
    folder_inside(path.parent, within)
    os.utime(path, (seconds, seconds), follow_symlinks=False)


def temporary_folder(prefix: str) -> Path:
    """A new private folder in the system's temporary folder, removed when the process
    exits (a worker's unpacked templates)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _stage(item: _Staged, data: bytes, durable: bool, mode: int | None) -> None:
    target, exists, temporary = item.target, item.exists, item.temporary
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = os.open(temporary, flags, 0o666 if mode is None else mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            elif exists:  # the replaced file's mode
                os.fchmod(handle.fileno(), stat.S_IMODE(target.stat().st_mode))
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _check_unchanged(item: _Staged, expected: Mapping[Path, str | None],
                     exclusive: bool) -> None:
    if exclusive and os.path.lexists(item.target):
        raise WriteRefused(item.path, "already exists", "briefgen does not overwrite it")
    if item.path not in expected:
        return
    try:
        now = file_sha256(item.target) if os.path.lexists(item.target) else None
    except NotAFile:
        now = "?"
    if now != expected[item.path]:
        raise Changed(item.path, "changed on disk while briefgen was working on it",
                      "nothing was written: run the command again")


def _put(item: _Staged, exclusive: bool) -> None:
    if exclusive:  # a link fails if the name was taken meanwhile: never overwrites
        try:
            os.link(item.temporary, item.target)
        except FileExistsError:
            raise WriteRefused(item.path, "already exists",
                               "briefgen does not overwrite it") from None
        item.temporary.unlink()
    else:
        item.temporary.replace(item.target)
