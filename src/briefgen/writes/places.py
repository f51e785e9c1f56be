"""Where the door (:mod:`briefgen.writes`) writes a file: inside the folder each call
names, never through a link out of it, a final link inside written through; regular files
only; and how it refuses, in one line naming the file."""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
import time
from pathlib import Path

from briefgen.errors import BriefgenError

TEMPORARY = ".briefgen-"  # the prefix of a file being written (``.briefgen-<random>.tmp``)
TEMPORARY_NAME = re.compile(rf"{re.escape(TEMPORARY)}[0-9a-f]{{12}}\.tmp")
# A file made only to read the file system's clock (:func:`file_system_now`), then removed:
# one left by a process killed in between is of no use to anyone, and may go at once.
PROBE = ".briefgen-now-"
PROBE_NAME = re.compile(rf"{re.escape(PROBE)}[0-9a-f]{{12}}")


def staging_name(target: Path) -> Path:
    """A new name beside ``target`` for the file staged to replace it."""
    return target.with_name(f"{TEMPORARY}{secrets.token_hex(6)}.tmp")


class WriteRefused(BriefgenError):
    """A file briefgen was asked to write or delete, refused: ``path``, why, what to do."""

    def __init__(self, path: Path | str, message: str, hint: str | None = None) -> None:
        super().__init__(path, message, hint)
        self.path, self.message, self.hint = str(path), message, hint

    def __str__(self) -> str:
        return f"{shown(self.path)}: {self.message}" + (f" — {self.hint}" if self.hint else "")


def shown(path: str) -> str:
    """A path relative to the current folder when it is inside it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


class Changed(WriteRefused):
    """The file changed on disk since it was read: writing would lose that change."""


# -- Where a file goes ---------------------------------------------------------------------


def folder_inside(folder: Path, within: Path, make: bool = False) -> Path:
    """``folder``'s real path, which must be ``within``'s or inside it (made if ``make``)."""
    root = Path(os.path.realpath(within))
    if make:
        _make_parents(folder, root)
    real = Path(os.path.realpath(folder))
    if real != root and not real.is_relative_to(root):
        raise WriteRefused(folder, f"leads out of {within} through a link",
                           "briefgen writes only inside its own folders: remove the link")
    return real


def _make_parents(folder: Path, root: Path) -> None:
    """Make ``folder`` and its missing parents inside ``root``; ``root`` too (and its own
    parents) if missing: it is the place the caller named."""
    root.mkdir(parents=True, exist_ok=True)
    missing = []
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate):
            break
        missing.append(candidate)
    for candidate in reversed(missing):
        parent = Path(os.path.realpath(candidate.parent))
        if parent != root and not parent.is_relative_to(root):
            return  # refused by the caller's check
        candidate.mkdir(exist_ok=True)


def destination(path: Path, within: Path, checked: set[Path] | None = None
                ) -> tuple[Path, bool]:
    """The file a write of ``path`` replaces, and whether it exists. ``checked``: the
    folders already found inside ``within`` by this write (each is looked at once)."""
    if checked is None or path.parent not in checked:
        folder_inside(path.parent, within, make=True)
        if checked is not None:
            checked.add(path.parent)
    try:
        kind = path.lstat().st_mode
    except FileNotFoundError:
        return path, False
    if stat.S_ISLNK(kind):
        real = Path(os.path.realpath(path))
        root = Path(os.path.realpath(within))
        if not real.is_relative_to(root):
            raise WriteRefused(path, f"is a link to {real}, outside {within}",
                               "briefgen writes only inside its own folders: remove the link")
        try:
            kind = real.stat().st_mode
        except FileNotFoundError:
            return real, False
        path = real
    if not stat.S_ISREG(kind):
        what = "a folder" if stat.S_ISDIR(kind) else "not a regular file"
        raise WriteRefused(path, f"is {what}: briefgen writes only regular files",
                           "move it away, or name another file")
    return path, True


def fsync_folder(folder: Path) -> None:
    """Flush ``folder``'s names to disk (where the system can)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.EBADF):
            raise
    finally:
        os.close(descriptor)


def file_system_now(folder: Path) -> float:
    """Now, on the clock that stamps the files of ``folder``: the modification time of a
    file made there this instant (then removed). Files' ages are measured on it: a file
    server's clock, or a process's clock set apart (faketime), may not be this process's.
    The process's clock if nothing can be made there."""
    probe = folder / f"{PROBE}{secrets.token_hex(6)}"
    try:
        descriptor = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                             | os.O_CLOEXEC, 0o600)
    except OSError:
        return time.time()
    try:
        return os.fstat(descriptor).st_mtime
    finally:
        os.close(descriptor)
        probe.unlink(missing_ok=True)
