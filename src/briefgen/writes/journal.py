"""The journal that makes a write of several files all or none even if its process is
killed midway (``briefgen.writes.write(..., journal=folder)``), and its recovery.

A journaled write creates its journal in the folder it is given (``.briefgen-journal-<random>``,
locked for as long as its writer lives), and lists in it each file it is about to stage
(beside its target, ``.briefgen-<random>.tmp``) and the target it replaces, before staging
any. Once every file is staged, flushed and checked, it appends its commit (each target's
SHA-256 before and after) and flushes it: from then on the write is done, whatever happens.
Then it renames the staged files over their targets and removes the journal.

:func:`recover` looks at each journal of a folder whose writer is gone (its lock is free):
without a commit, it removes the staged files (nothing was written); with one, it renames
those still there over their targets, unless a target changed since (an editor's save: it is
kept, and that file is not written). Then it removes the door's temporaries there that no
live journal lists and that are over :data:`STALE` seconds old (left by a process killed
while it staged them outside a journal). Each time it logs a warning saying what it did.
Without ``fcntl`` (not POSIX) a journal's writer cannot be told alive: a journal is then
recovered once it is :data:`STALE` seconds old.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import stat
from pathlib import Path

from briefgen.fsutil import file_sha256, read_regular
from briefgen.writes.places import (
    PROBE_NAME,
    TEMPORARY_NAME,
    file_system_now,
    folder_inside,
    fsync_folder,
    shown,
)

try:  # POSIX: a journal's lock tells whether its writer is still at work
    import fcntl
except ImportError:
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

JOURNAL = ".briefgen-journal-"  # the prefix of a journal (``.briefgen-journal-<random>``)
STALE = 3600  # seconds after which a temporary no live journal lists is a leftover
_HEADER = "briefgen journal 1"
_MAX_BYTES = 64 << 20  # a journal lists each file in ~100 bytes


class Journal:
    """The journal of one write in progress: :meth:`begin`, :meth:`commit`, :meth:`end`."""

    def __init__(self, path: Path, descriptor: int) -> None:
        self.path, self.descriptor = path, descriptor

    @classmethod
    def begin(cls, folder: Path, within: Path, files: list[tuple[Path, Path]]) -> Journal:
        """A new journal in ``folder`` (inside ``within``), locked, listing ``files``
        (target, temporary) before any is staged."""
        root = Path(os.path.realpath(within))
        path = folder_inside(folder, within, make=True) / f"{JOURNAL}{secrets.token_hex(6)}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        journal = cls(path, os.open(path, flags, 0o666))
        try:
            _lock(journal.descriptor, wait=True)
            entries = [{"target": (folder_inside(target.parent, within) / target.name)
                        .relative_to(root).as_posix(), "temporary": temporary.name}
                       for target, temporary in files]
            journal._append([_HEADER, *map(json.dumps, entries)])
        except BaseException:
            journal.end(remove=True)
            raise
        return journal

    def commit(self, files: list[tuple[Path, Path, str]]) -> None:
        """Record that every file (target, temporary, SHA-256 of its data) is staged and
        checked: from here on :func:`recover` finishes the write."""
        for folder in {temporary.parent for _, temporary, _ in files}:
            fsync_folder(folder)  # the staged files' names are on disk before the commit
        hashes = [{"old": file_sha256(target), "new": new} for target, _, new in files]
        self._append([json.dumps({"commit": hashes})])

    def end(self, remove: bool) -> None:
        """Close the journal (its lock with it); ``remove`` it: the write is done, or
        nothing of it was (else :func:`recover` finishes it)."""
        try:
            if remove:
                self.path.unlink(missing_ok=True)
                fsync_folder(self.path.parent)
        finally:
            os.close(self.descriptor)

    def _append(self, lines: list[str]) -> None:
        os.write(self.descriptor, "".join(f"{line}\n" for line in lines).encode())
        os.fsync(self.descriptor)
        fsync_folder(self.path.parent)


def recover(folder: Path, *, within: Path) -> None:
    """Finish, or undo, every journaled write a process that is gone left in ``folder``
    (``within`` is the folder those writes named); then remove the door's temporaries
    there that no live journal lists, over :data:`STALE` seconds old."""
    try:
        names = sorted(entry.name for entry in folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return
    folder_inside(folder, within)
    live: set[Path] = set()
    for name in names:
        if name.startswith(JOURNAL):
            live |= _recover_journal(folder / name, within)
    for name in filter(PROBE_NAME.fullmatch, names):  # left by a kill: of no use
        with contextlib.suppress(OSError):
            if stat.S_ISREG((folder / name).lstat().st_mode):
                (folder / name).unlink()
    now = file_system_now(folder)
    for name in filter(TEMPORARY_NAME.fullmatch, names):
        path = folder / name
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue
        if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE \
                and Path(os.path.realpath(folder)) / name not in live:
            path.unlink(missing_ok=True)
            log.warning("removed %s, left by a briefgen command that was stopped",
                        shown(str(path)))


def _lock(descriptor: int, wait: bool) -> bool | None:
    """Lock a journal: True; False if another holds it (its writer); None if this system
    or file system has no such locks."""
    if fcntl is None:
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    except OSError:
        return None
    return True


def _recover_journal(path: Path, within: Path) -> set[Path]:
    """Finish or undo the journal ``path`` if its writer is gone; the temporaries it lists
    if its writer lives."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return set()
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            return set()
        stale = file_system_now(path.parent) - info.st_mtime > STALE
        locked = _lock(descriptor, wait=False)
        entries, commit = _read(path, within)
        if locked is False or (locked is None and not stale):
            return {temporary for _, temporary in entries or []}
        if path.lstat().st_ino != info.st_ino:
            return set()  # its writer removed it, done
        if entries is None:  # its writer was killed as it began (or it is no journal)
            if stale:
                path.unlink()
            return set()
        if commit is None:
            _undo(entries)
        else:
            _finish(entries, commit, within)
        path.unlink()
        fsync_folder(path.parent)
    except FileNotFoundError:
        pass  # removed meanwhile, by its writer or another recovery
    finally:
        os.close(descriptor)
    return set()


def _read(path: Path, within: Path) -> tuple[list[tuple[Path, Path]] | None,
                                             list[tuple[str | None, str]] | None]:
    """A journal's entries (target, temporary), None if it is not one; and its commit
    (each target's SHA-256 before and after), None if it has none. Only whole lines count:
    a line cut short by a kill is not there."""
    root = Path(os.path.realpath(within))
    lines = read_regular(path, _MAX_BYTES).decode("utf-8", "replace").split("\n")[:-1]
    if not lines or lines[0] != _HEADER:
        return None, None
    entries: list[tuple[Path, Path]] = []
    try:
        for line in lines[1:]:
            item = json.loads(line)
            if "commit" in item:
                commit = [(h["old"] and str(h["old"]), str(h["new"])) for h in item["commit"]]
                return entries, commit if len(commit) == len(entries) else None
            target = Path(str(item["target"]))
            if target.is_absolute() or ".." in target.parts \
                    or not TEMPORARY_NAME.fullmatch(str(item["temporary"])):
                return None, None
            entries.append((root / target, (root / target).with_name(item["temporary"])))
    except (ValueError, KeyError, TypeError):
        return None, None
    return entries, None


def _undo(entries: list[tuple[Path, Path]]) -> None:
    for _, temporary in entries:
        temporary.unlink(missing_ok=True)
    log.warning("a briefgen command was stopped before it wrote %s: nothing of it was "
                "written", ", ".join(shown(str(target)) for target, _ in entries))


def _finish(entries: list[tuple[Path, Path]], commit: list[tuple[str | None, str]],
            within: Path) -> None:
    written, kept = [], []
    for (target, temporary), (old, new) in zip(entries, commit, strict=True):
        try:
            if not stat.S_ISREG(temporary.lstat().st_mode):
                continue
        except FileNotFoundError:
            continue  # in place already
        folder_inside(target.parent, within)
        now = (file_sha256(target) or "?") if os.path.lexists(target) else None
        if file_sha256(temporary) == new and now == old:
            temporary.replace(target)
            written.append(shown(str(target)))
        else:  # changed since (an editor's save): kept as it is
            temporary.unlink()
            kept.append(shown(str(target)))
    for folder in {target.parent for target, _ in entries}:
        fsync_folder(folder)
    if written:
        log.warning("a briefgen command was stopped while it wrote %s: finished now",
                    ", ".join(written))
    if kept:
        log.warning("%s changed after a briefgen command that was stopped began writing "
                    "it: kept as it is, without that command's change (run it again)",
                    ", ".join(kept))
