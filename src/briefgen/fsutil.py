"""The file system, carefully: inputs read without leaving the project, output folders
swapped whole, a lock per output folder.

Inputs (fact bases, packs, templates) are read only when they are regular files whose real
path stays inside their folder, and never more than a size limit: a link to a system
file, a device or a FIFO is refused, not read.

A pack folder is never written in place. Its new state is staged in a sibling folder
(``.briefgen-<pack>.<random>.new``) holding the files kept from the old one (hard links)
and the new files, flushed to disk; then one atomic exchange of the two names
(``renameat2(RENAME_EXCHANGE)``) puts it in place, and the old state is removed. A build
killed at any instant leaves the old pack or the new one, whole, and at worst a staging
folder that the next build into that folder removes. Where the exchange is not available
(another kernel or file system) the swap is two renames, and the next build puts back a
pack a kill left between them.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import logging
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from briefgen.errors import OutputError

log = logging.getLogger(__name__)

STAGING_PREFIX = ".briefgen-"
STAGING_MARK = ".briefgen-staging"  # in a pack's staging folder until its files are in
_READ_CHUNK = 1 << 16


# -- Inputs --------------------------------------------------------------------------------


class NotAFile(OSError):
    """The path is a folder, a FIFO, a device or a socket: nothing to read as a file."""


def inside(path: Path, root: Path) -> Path | None:
    """``path``'s real path (every link resolved) if it is ``root``'s or inside it, else None."""
    real = Path(os.path.realpath(path))
    real_root = Path(os.path.realpath(root))
    return real if real == real_root or real.is_relative_to(real_root) else None


def read_regular(path: Path, limit: int, offset: int = 0) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path`` from byte ``offset`` on (a
    longer result means the file is over the limit). A final symbolic link is not followed;
    a folder, FIFO, device or socket raises :class:`NotAFile` without blocking; other
    failures raise ``OSError``.
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise NotAFile(errno.ELOOP, "a symbolic link", str(path)) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotAFile(errno.EINVAL, "not a regular file", str(path))
        if offset:
            os.lseek(descriptor, offset, os.SEEK_SET)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(descriptor, min(_READ_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of the regular file ``path`` (a final link not followed), else None."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        return hashlib.file_digest(handle, "sha256").hexdigest()


# -- Whole folders -------------------------------------------------------------------------


def replace_folder(folder: Path, files: Mapping[Path, bytes], shown: str) -> None:
    """Make ``folder`` its old content with ``files`` (paths relative to it) written, in
    one atomic step. Anything in the old folder that ``files`` does not replace is kept.

    ``shown`` is how the folder is named in errors. Raises :class:`OutputError` (the old
    folder untouched) for a link or file where a folder must be, a folder where a file
    must be, no permission or a full disk.
    """
    check_folder(folder, files, shown)
    staging = _make_staging(folder, shown)
    try:
        if folder.is_dir():
            _carry_over(folder, staging, {Path(path) for path in files}, shown)
        for relative, data in sorted(files.items()):
            _write_new(staging, Path(relative), data)
        (staging / STAGING_MARK).unlink()  # its files are in: the manifest marks it now
        _sync_tree(staging)
        _swap(staging, folder)
    except OSError as error:
        raise output_error(error, shown, "cannot write the pack") from None
    finally:
        _remove(staging)  # after the swap it holds the old folder


def recover(folder: Path) -> None:
    """Undo what a killed :func:`replace_folder` left beside ``folder``: put back a folder
    left between two renames, remove staging folders. Call while holding the lock."""
    leftovers = sorted(folder.parent.glob(f"{STAGING_PREFIX}{folder.name}.*"))
    ours = [path for path in leftovers if path.name.endswith((".new", ".old")) and _ours(path)]
    if not os.path.lexists(folder):
        for old in (path for path in ours if path.name.endswith(".old")):
            if old.is_dir() and not old.is_symlink():
                log.warning("putting back %s, left aside by a build that was stopped", folder)
                old.rename(folder)
                break
    for path in ours:
        _remove(path)


def check_folder(folder: Path, files: Iterable[Path], shown: str) -> None:
    """Raise :class:`OutputError` if ``folder`` cannot take ``files`` (relative paths)
    without writing through a link or removing a folder that is in the way."""
    if folder.is_symlink():
        raise OutputError("is a symbolic link; briefgen writes packs only into real folders",
                          shown, "remove the link (or build into the folder it points to)")
    if folder.exists() and not folder.is_dir():
        raise OutputError("is not a folder", shown, "move the file away")
    files = list(files)
    parents = sorted({parent for relative in files for parent in Path(relative).parents[:-1]},
                     key=lambda parent: len(parent.parts))  # each once, outermost first
    for parent in parents:
        where = folder / parent
        if where.is_symlink() or (where.exists() and not where.is_dir()):
            raise OutputError("is a symbolic link or a file where briefgen needs a folder",
                              f"{shown}/{parent}", "move it away")
    for relative in files:
        target = folder / relative
        if target.is_dir() and not target.is_symlink():
            raise OutputError("is a folder where briefgen writes a file",
                              f"{shown}/{relative}", "move the folder away")


def _make_staging(folder: Path, shown: str) -> Path:
    """The sibling folder the pack's new state is put together in: with the pack folder's
    mode (the umask's for a new pack), and marked as briefgen's until its files are in."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{folder.name}.",
                                        suffix=".new", dir=folder.parent))
        try:
            mode = stat.S_IMODE(folder.stat().st_mode) if folder.is_dir() else 0o777 & ~_umask()
            staging.chmod(mode)
            (staging / STAGING_MARK).touch()
        except BaseException:
            _remove(staging)
            raise
        return staging
    except OSError as error:
        raise output_error(error, shown, "cannot write the pack") from None


def _umask() -> int:
    """The process's umask, read without changing it (Linux), else by setting it back."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _ours(path: Path) -> bool:
    """A folder a build left beside a pack: marked while it was put together, or holding a
    pack's manifest. A user's own file or folder of a similar name is never touched."""
    if path.is_symlink() or not path.is_dir():
        return False
    return (path / STAGING_MARK).is_file() or (path / "manifest.json").is_file()


def _carry_over(source: Path, target: Path, replaced: set[Path], shown: str,
                relative: Path = Path()) -> None:
    """Hard-link (or copy) every entry of ``source`` not in ``replaced`` into ``target``."""
    with os.scandir(source) as entries:
        for entry in entries:
            path = relative / entry.name
            if path in replaced:
                continue
            destination = target / entry.name
            if entry.is_dir(follow_symlinks=False):
                destination.mkdir()
                destination.chmod(stat.S_IMODE(entry.stat(follow_symlinks=False).st_mode))
                _carry_over(Path(entry.path), destination, replaced, shown, path)
            else:
                _keep(Path(entry.path), destination, f"{shown}/{path}")


def _keep(source: Path, destination: Path, shown: str) -> None:
    try:
        os.link(source, destination, follow_symlinks=False)
        return
    except OSError:
        pass  # no hard links here (file system, protected_hardlinks): copy
    mode = source.lstat().st_mode
    if stat.S_ISLNK(mode):
        destination.symlink_to(source.readlink())
    elif stat.S_ISREG(mode):
        shutil.copy2(source, destination)
    else:
        raise OutputError("cannot be kept in the new pack (not a file, folder or link)",
                          shown, "move it out of the output folder")


def _write_new(root: Path, relative: Path, data: bytes) -> None:
    (root / relative).parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = os.open(root / relative, flags, 0o644)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_tree(root: Path) -> None:
    """Flush every folder of ``root`` (the names in them), deepest first."""
    folders = [Path(path) for path, _, _ in os.walk(root)]
    for folder in reversed(folders):
        _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _swap(staging: Path, folder: Path) -> None:
    """Put ``staging`` at ``folder`` in one step; ``staging`` then names the old folder."""
    if not os.path.lexists(folder):
        staging.rename(folder)
    elif not _exchange(staging, folder):
        aside = staging.with_name(staging.name.removesuffix(".new") + ".old")
        folder.rename(aside)
        try:
            staging.rename(folder)
        except OSError:
            aside.rename(folder)
            raise
        _remove(aside)
    _fsync_dir(folder.parent)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Atomically exchange two names (Linux ``renameat2``); False where that is unsupported."""
    if not sys.platform.startswith("linux"):
        return False  # two renames instead (see the module's docstring)
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                       _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


def output_error(error: OSError, shown: str, what: str) -> OutputError:
    """``error`` as one line: what could not be done, why, and what to do."""
    hints = {
        errno.ENOSPC: "free some space, then build again",
        errno.EDQUOT: "free some space, then build again",
        errno.EACCES: "check the folder's permissions, or build with --out elsewhere",
        errno.EPERM: "check the folder's permissions, or build with --out elsewhere",
        errno.EROFS: "build with --out into a writable folder",
        errno.ENOTDIR: "a file is in the way: move it, or build with --out elsewhere",
    }
    reason = error.strerror or str(error)
    return OutputError(f"{what}: {reason}", shown,
                       hints.get(error.errno or 0, "nothing was changed; build again"))


# -- The lock ------------------------------------------------------------------------------


@contextmanager
def file_lock(path: Path, shown: str | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``path``; a second build into the same folder waits.

    The lock is the ``filelock`` library's (``fcntl.flock`` on POSIX, ``msvcrt`` on
    Windows). The lock file must be a regular file: a symbolic link (which ``filelock``
    also refuses to follow), a folder or anything else there is refused, never written.
    """
    import filelock

    shown = shown or str(path)
    _check_lock_file(path, shown)
    lock = filelock.FileLock(path, mode=0o644)
    try:
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            log.warning("another build is writing to %s: waiting for it", path.parent)
            lock.acquire()
    except OSError as error:
        raise _lock_error(error, shown) from None
    try:
        yield
    finally:
        lock.release()


def _check_lock_file(path: Path, shown: str) -> None:
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise _lock_error(error, shown) from None
    if not stat.S_ISREG(mode):
        raise _lock_error(OSError(errno.ELOOP if stat.S_ISLNK(mode) else
                                  errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL,
                                  "not a regular file"), shown)


def _lock_error(error: OSError, shown: str) -> OutputError:
    if error.errno == errno.ELOOP:
        return OutputError("is a symbolic link", shown, "remove it: briefgen makes its own "
                           "lock file")
    if error.errno == errno.EISDIR:
        return OutputError("is a folder", shown, "remove it: briefgen makes its own lock "
                           "file there")
    if error.errno == errno.EINVAL:
        return OutputError("is not a regular file", shown, "remove it")
    return output_error(error, shown, "cannot write the output folder")
